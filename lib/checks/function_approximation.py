"""Graded checks for 06's function_approximation notebook: gradient Monte Carlo and semi-gradient
TD(0) updates of linear values, tile coding, and semi-gradient SARSA with tiles.

Update functions change their weights in place (as 06's table updates do), so their checks let w
change and compare it afterwards with what the reference leaves, on seeded non-square problems with
dense features (so that a missing feature factor shows), several step sizes and discounts, and
terminal steps whose next features are not zero (so that bootstrapping from them shows). Expected
values come from `lib.rl.approx` through `expected` (recipes that return the updated weights).
"""

from __future__ import annotations

import numpy as np

from .core import Check, distinct
from .expected import answer, reference

__all__ = ["gradient_mc_update", "semi_gradient_td0_update", "tile_indices", "semi_gradient_sarsa_update"]

ref = reference("lib.rl.approx")


@answer
def _updated(rule: str, w, args):
    """The reference update `rule` of lib.rl.approx applied to a copy of w: (w after, its return)."""
    from ..rl import approx

    w = np.array(w, dtype=float)
    value = getattr(approx, rule)(w, *args)
    return w, value


_IN_PLACE = (
    "w did not change: update the weights in place (w += ..., or w[...] = ...); `w = w + ...` only "
    "rebinds a local name and the caller's array stays as it was."
)


def _run_update(c, rule, w, args, mistakes, what, hint, returned, returned_mistakes=()):
    """Call the student's update on a copy of w; compare w after it and the value it returns."""
    expected_w, expected_value = _updated(rule, w, args)
    mine = np.array(w, dtype=float)
    got = c.call(mine, *args, may_change=(0,))
    if np.array_equal(mine, w) and not np.array_equal(expected_w, w):
        c.fail(f"after {what}: {_IN_PLACE}")
    c.close(mine, expected_w, f"w after {what}", mistakes=distinct(mistakes, expected_w), hint=hint)
    c.close(got, expected_value, f"the returned {returned} after {what}", mistakes=returned_mistakes)


# -- gradient Monte Carlo ----------------------------------------------------------------------
def _mc_problem(seed, d):
    rng = np.random.default_rng(seed)
    return rng.normal(size=d), rng.uniform(-1.0, 2.0, size=d), float(rng.normal())


_MC_HINT = (
    "Compare the error (G minus the estimate with the old w), the gradient of the linear estimate and the "
    "sign and size of the step with the update rule above the exercise."
)


def gradient_mc_update(fn) -> None:
    """Check `gradient_mc_update(w, x, G, alpha) -> error`, w changed in place: dense features of 5
    and 8 dimensions, one-hot features (state aggregation), several step sizes."""
    c = Check("gradient_mc_update", fn)
    cases = [(0, 5, 0.1), (1, 8, 0.03), (2, 7, 0.5)]
    for seed, d, alpha in cases:
        w, x, G = _mc_problem(seed, d)
        error = G - w @ x
        mistakes = [
            ("the step went away from G: its sign is flipped.", w - alpha * error * x),
            (
                "the error was not multiplied by the features: the step follows the gradient of v(s, w) = w . x "
                "with respect to w.",
                w + alpha * error,
            ),
            ("the step used G itself; it must use the error G - w . x.", w + alpha * G * x),
            ("the step size alpha is missing.", w + error * x),
        ]
        returned = [("return the error before the step, G - w . x with the old w.", G - (w + alpha * error * x) @ x)]
        what = f"an update with {d} features, alpha = {alpha}"
        _run_update(c, "gradient_mc_update", w, (x, G, alpha), mistakes, what, _MC_HINT, "error", returned)
    # state aggregation: one-hot features change only the active group's weight
    w, _, _ = _mc_problem(3, 6)
    x = np.eye(6)[4]
    mistakes = [("the error was not multiplied by x, so every weight moved.", w + 0.2 * (-1.0 - w[4]))]
    what = "an update with one-hot features (state aggregation)"
    _run_update(c, "gradient_mc_update", w, (x, -1.0, 0.2), mistakes, what, _MC_HINT, "error")
    c.done()


# -- semi-gradient TD(0) -----------------------------------------------------------------------
_TD_HINT = (
    "Compare the target (and what it is when terminated), the TD error from the old w, and the direction of "
    "the step: semi-gradient TD follows only the estimate's gradient and holds the target fixed."
)


def semi_gradient_td0_update(fn) -> None:
    """Check `semi_gradient_td0_update(w, x, r, x_next, terminated, alpha, gamma) -> delta`: dense
    features, non-terminal and terminal steps (nonzero next features), several alpha and gamma, and
    a step back to the same features."""
    c = Check("semi_gradient_td0_update", fn)
    cases = [(0, 5, False, 0.1, 0.9), (1, 8, False, 0.05, 0.5), (2, 6, True, 0.2, 0.9), (3, 7, True, 0.1, 1.0)]
    for seed, d, terminated, alpha, gamma in cases:
        rng = np.random.default_rng(seed + 10)
        w, x, x_next = rng.normal(size=d), rng.uniform(-1, 2, size=d), rng.uniform(-1, 2, size=d)
        r = float(rng.normal())
        boot = 0.0 if terminated else gamma * w @ x_next
        delta = r + boot - w @ x
        no_cut = r + gamma * w @ x_next - w @ x
        mistakes = [
            ("it bootstrapped from a terminal state: when terminated the target is just r.", w + alpha * no_cut * x),
            (
                "the step also followed the target's dependence on w; semi-gradient TD treats the target as "
                "fixed and follows only the estimate's gradient.",
                w + alpha * delta * (x - gamma * x_next),
            ),
            ("the step went away from the target: its sign is flipped.", w - alpha * delta * x),
            (
                "the step followed x_next; it changes the estimate of S_t, so it follows x, the gradient of w . x.",
                w + alpha * delta * x_next,
            ),
            ("the error was not multiplied by the features x.", w + alpha * delta),
            ("the step size alpha is missing.", w + delta * x),
        ]
        if not terminated:
            mistakes.append(
                ("gamma is missing: the target is r + gamma * w . x_next.", w + alpha * (r + w @ x_next - w @ x) * x)
            )
        w_new = w + alpha * delta * x
        after = r + (0.0 if terminated else gamma * w_new @ x_next) - w_new @ x
        returned = [("return the TD error delta, computed before the step.", after)]
        what = f"a {'terminal' if terminated else 'non-terminal'} step (alpha = {alpha}, gamma = {gamma})"
        args = (x, r, x_next, terminated, alpha, gamma)
        _run_update(c, "semi_gradient_td0_update", w, args, mistakes, what, _TD_HINT, "TD error", returned)
    # x_next is x: the target must use w as it was before the step
    rng = np.random.default_rng(20)
    w, x = rng.normal(size=4), rng.uniform(0.5, 1.5, size=4)
    what = "a step whose next features equal its features"
    _run_update(c, "semi_gradient_td0_update", w, (x, 0.5, x.copy(), False, 0.3, 0.9), [], what, _TD_HINT, "TD error")
    c.done()


# -- tile coding -------------------------------------------------------------------------------
def _variant(state, low, high, n, per, offsets="asymmetric", base=True, side_extra=1, order="C", clip=True):
    """Active tiles as a typical wrong version computes them (every option at its default is the
    rule of the exercise; each non-default one is a named mistake)."""
    state, low, high = (np.atleast_1d(np.asarray(v, dtype=float)) for v in (state, low, high))
    dims = len(state)
    s = np.clip(state, low, high) if clip else state
    u = (s - low) / (high - low) * per
    k = np.arange(n)[:, None]
    if offsets == "asymmetric":
        off = (k * (2 * np.arange(dims) + 1) / n) % 1.0
    elif offsets == "uniform":
        off = np.repeat(k / n, dims, axis=1)
    else:
        off = np.zeros((n, dims))
    coords = np.floor(u + off).astype(int)
    side = per + 1
    powers = side ** (np.arange(dims)[::-1] if order == "C" else np.arange(dims))
    flat = coords @ powers  # out-of-range coordinates (no clipping) give some wrong index
    return flat + (k[:, 0] * (per + side_extra) ** dims if base else 0)


_TILE_MISTAKES = [
    (
        "every tiling gave the same tile: shift tiling k by offset_kj = (k * (2 j + 1) / num_tilings) mod 1 of a "
        "tile in dimension j before taking floor.",
        dict(offsets="none"),
    ),
    (
        "the tilings were shifted by k / num_tilings in every dimension (uniform offsets); this exercise uses "
        "the asymmetric offsets (k * (2 j + 1) / num_tilings) mod 1, j the dimension.",
        dict(offsets="uniform"),
    ),
    (
        "the indices of different tilings overlap: add k * (tiles_per_dim + 1) ** dims to tiling k's index, so "
        "that every tiling has its own features.",
        dict(base=False),
    ),
    (
        "tiling k starts at k * tiles_per_dim ** dims; a shifted tiling has tiles_per_dim + 1 tiles per "
        "dimension, so it starts at k * (tiles_per_dim + 1) ** dims.",
        dict(side_extra=0),
    ),
    (
        "the coordinates were combined column-major; use the row-major (C-order) index, as "
        "np.ravel_multi_index does by default: the last dimension varies fastest.",
        dict(order="F"),
    ),
    ("a state outside [low, high] was not clipped first: np.clip(state, low, high).", dict(clip=False)),
]

_TILE_CASES = [  # (seed, dims, num_tilings, tiles_per_dim, states drawn)
    (0, 1, 4, 5, 5),
    (1, 2, 8, 8, 6),
    (2, 2, 5, 3, 6),
    (3, 3, 4, 4, 5),
    (4, 2, 1, 6, 3),
]


def _tile_states(seed, dims, count):
    """low, high and states in the box (plus its corners and two points outside it)."""
    rng = np.random.default_rng(seed)
    low = rng.uniform(-2, 0, size=dims)
    high = low + rng.uniform(0.5, 3, size=dims)
    states = [rng.uniform(low, high) for _ in range(count)] + [low.copy(), high.copy()]
    states += [low - rng.uniform(0.1, 1, size=dims), high + rng.uniform(0.1, 1, size=dims)]
    return low, high, states


def tile_indices(fn) -> None:
    """Check `tile_indices(state, low, high, num_tilings, tiles_per_dim) -> (num_tilings,) ints` on
    boxes of 1, 2 and 3 dimensions, 1 to 8 tilings, states inside, on the corners and outside."""
    c = Check("tile_indices", fn)
    for seed, dims, n, per, count in _TILE_CASES:
        low, high, states = _tile_states(seed, dims, count)
        for state in states:
            args = (state, low, high, n, per)
            if dims == 1:  # a float state and bounds for one dimension, as the random walk passes them
                args = (float(state[0]), float(low[0]), float(high[0]), n, per)
            expected = ref.tile_indices(*args)
            got = c.call(*args)
            arr = np.asarray(got) if got is not None else None
            if arr is not None and arr.dtype.kind not in "iu":
                c.fail(
                    f"return integer tile indices (usable as w[a, tiles]), got dtype {arr.dtype}: "
                    f"np.floor(...).astype(int) makes coordinates integers."
                )
            mistakes = [(message, _variant(*args, **options)) for message, options in _TILE_MISTAKES]
            c.close(
                got,
                expected,
                f"the tiles of state {np.round(state, 4).tolist()} in the box {np.round(low, 3).tolist()} .. "
                f"{np.round(high, 3).tolist()} ({n} tilings, {per} tiles per dimension)",
                mistakes=distinct(mistakes, expected),
                rtol=0,
                atol=0,
                hint="Go through the four steps of the rule above the exercise one at a time on a single state: "
                "the scaling, the offset of each tiling and dimension, the floor, and the index.",
            )
    c.done()


# -- semi-gradient SARSA -----------------------------------------------------------------------
_SARSA_HINT = (
    "Compare how q(s, a) is read from the active weights, the SARSA target (and what it is when terminated), "
    "and which entries of w the step changes, and by how much."
)


def _sarsa_problem(seed):
    """w (3 actions, 48 features), 4 active tiles of S_t and of S_t+1 (sharing one)."""
    rng = np.random.default_rng(seed)
    w = rng.normal(size=(3, 48))
    tiles = np.sort(rng.choice(12, size=4, replace=False)) + np.arange(4) * 12
    tiles_next = tiles.copy()
    tiles_next[1:] = (tiles[1:] % 12 + rng.integers(1, 11, size=3)) % 12 + np.arange(1, 4) * 12
    return w, tiles, tiles_next


def _stepped(w, a, tiles, step):
    w = w.copy()
    w[a, tiles] += step
    return w


def semi_gradient_sarsa_update(fn) -> None:
    """Check `semi_gradient_sarsa_update(w, tiles, a, r, tiles_next, a_next, terminated, alpha, gamma)
    -> delta`: w (3, 48), 4 tilings; next action neither the same nor the greedy one, a terminal step,
    and a step back to the same action on overlapping tiles."""
    c = Check("semi_gradient_sarsa_update", fn)
    for seed, terminated, alpha, gamma in [(0, False, 0.1, 0.9), (1, False, 0.05, 1.0), (2, True, 0.2, 0.9)]:
        w, tiles, tiles_next = _sarsa_problem(seed)
        q_next = w[:, tiles_next].sum(axis=1)
        # the next action is the worst at s_next, the action taken the middle one: neither is the greedy one
        a_next, a = (int(b) for b in np.argsort(q_next)[:2])
        r = -1.0
        q = w[a, tiles].sum()
        boot = 0.0 if terminated else gamma * q_next[a_next]
        delta = r + boot - q
        mistakes = [
            (
                "it bootstrapped from a terminal state: when terminated the target is just r.",
                _stepped(w, a, tiles, alpha * (r + gamma * q_next[a_next] - q)),
            ),
            (
                "q was the mean of the active weights; with tile coding q(s, a) is their sum: w[a, tiles].sum().",
                _stepped(w, a, tiles, alpha * (r + (0 if terminated else gamma * q_next[a_next] / 4) - q / 4)),
            ),
            (
                "every action's weights moved; only the row of the action taken changes: w[a, tiles].",
                w + np.isin(np.arange(48), tiles)[None, :] * alpha * delta,
            ),
            (
                "the step went away from the target: its sign is flipped.",
                _stepped(w, a, tiles, -alpha * delta),
            ),
            (
                "alpha was divided by the number of tilings; the alpha passed in is already the step per tile.",
                _stepped(w, a, tiles, alpha * delta / 4),
            ),
            ("the step size alpha is missing.", _stepped(w, a, tiles, delta)),
        ]
        if not terminated:
            mistakes += [
                (
                    "the target used the best next action (that is Q-learning); SARSA uses the action taken "
                    "next: q(s_next, a_next).",
                    _stepped(w, a, tiles, alpha * (r + gamma * q_next.max() - q)),
                ),
                (
                    "the target used q(s_next, a), the same action; SARSA uses a_next.",
                    _stepped(w, a, tiles, alpha * (r + gamma * q_next[a] - q)),
                ),
                (
                    "the target used the next state's weights of action a_next at the current tiles; use tiles_next.",
                    _stepped(w, a, tiles, alpha * (r + gamma * w[a_next, tiles].sum() - q)),
                ),
                (
                    "gamma is missing: the target is r + gamma * q(s_next, a_next).",
                    _stepped(w, a, tiles, alpha * (r + q_next[a_next] - q)),
                ),
            ]
        kind = "terminal" if terminated else "non-terminal"
        what = f"a {kind} step (a = {a}, a_next = {a_next}, alpha = {alpha}, gamma = {gamma})"
        args = (tiles, a, r, tiles_next, a_next, terminated, alpha, gamma)
        returned = [("return the TD error delta, computed before the step.", delta - 4 * alpha * delta)]
        _run_update(c, "semi_gradient_sarsa_update", w, args, mistakes, what, _SARSA_HINT, "TD error", returned)
    # the same action again on overlapping tiles: the target uses w as it was before the step
    w, tiles, tiles_next = _sarsa_problem(3)
    what = "a step to the same action on overlapping tiles"
    args = (tiles, 1, 0.5, tiles_next, 1, False, 0.3, 0.9)
    _run_update(c, "semi_gradient_sarsa_update", w, args, [], what, _SARSA_HINT, "TD error")
    c.done()
