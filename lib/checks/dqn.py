"""Graded checks for assignment 07 (DQN and its extensions).

Functions are compared with the references in `lib.rl.dqn`, `lib.rl.replay` and
`lib.models.q_network` (asked through `expected`) on seeded inputs, and typical wrong versions
are recognised by the values they return. The two classes the student writes (ReplayBuffer,
SumTree) are checked by behaviour: which slots hold what after a known sequence of adds, what a
sampled Batch holds (every field, its dtype, the slot each row came from), what the tree sums to
and which leaf it finds for each value. Whatever draws random numbers must draw them from the
`rng` it is given; statistical tests accept 4.5 standard deviations around the expected share.
"""

from __future__ import annotations

import copy

import numpy as np

from ..models.q_network import QNetwork
from ..rl.envs import CorridorEnv
from ..rl.replay import Batch
from .core import Check, global_rng_untouched, share_window
from .expected import answer, reference

ref = reference("lib.rl.dqn")
_ref_dueling = reference("lib.models.q_network").dueling_aggregate
_ref_weights = reference("lib.rl.replay").importance_weights

__all__ = [
    "replay_buffer",
    "td_targets",
    "huber_loss",
    "collect_transition",
    "dqn_loss",
    "soft_update",
    "double_dqn_targets",
    "dueling_aggregate",
    "sum_tree",
    "importance_weights",
]


# -- dqn.ipynb ---------------------------------------------------------------------------------
_KINDS = {"b": "bool", "iu": "integer", "f": "float"}
_FIELD_KINDS = {
    "obs": "f",
    "actions": "iu",
    "rewards": "f",
    "next_obs": "f",
    "terminated": "b",
    "indices": "iu",
    "weights": "f",
}


def _batch(c, batch, buf, batch_size) -> dict:
    """The fields of a Batch that buf.sample(batch_size, rng) returned, as arrays, after checking
    its type, every field's shape and dtype, the weights, and that each row is the slot named in
    indices."""
    names = ", ".join(Batch._fields)
    if batch is None:
        c.fail(f"sample returned None (did you forget `return`?): return a Batch({names})")
    if not isinstance(batch, Batch):
        c.fail(
            f"sample returned a {type(batch).__name__}, not a Batch: return Batch({names}) (the named tuple from "
            f"lib.rl.replay), so that the agent can read batch.obs, batch.actions, ..."
        )
    fields = {}
    for name, kinds in _FIELD_KINDS.items():
        value = getattr(batch, name)
        if value is None:
            c.fail(f"batch.{name} is None: fill every field of the Batch ({names}).")
        arr = np.asarray(value)
        shape = (batch_size, *buf.obs_shape) if name in ("obs", "next_obs") else (batch_size,)
        order = f" (Batch's fields in order: {names})"
        if arr.shape != shape:
            c.fail(f"batch.{name} has shape {arr.shape}, but sample({batch_size}, rng) should give {shape}{order}.")
        if arr.dtype.kind not in kinds:
            c.fail(
                f"batch.{name} has dtype {arr.dtype}, but should hold {_KINDS[kinds]}s"
                + (": np.ones(batch_size, np.float32) for uniform replay." if name == "weights" else f"{order}.")
            )
        fields[name] = arr
    c.require(
        np.all(fields["weights"] == 1.0),
        f"uniform replay's weights should all be 1 (np.ones(batch_size, np.float32)), got {fields['weights'][:6]}...",
    )
    idx = fields["indices"]
    if idx.min() < 0 or idx.max() >= len(buf):
        c.fail(f"batch.indices should be slots 0..{len(buf) - 1} (the filled ones), got {idx.min()}..{idx.max()}.")
    off = [name for name in Batch._fields[:5] if not np.array_equal(fields[name], np.asarray(getattr(buf, name))[idx])]
    if len(off) == 5:
        c.fail(
            "no field of the batch matches the slots in batch.indices: return the indices you drew (idx) as "
            "indices, and index every array with them."
        )
    c.require(
        not off,
        f"a sampled row mixes different transitions: batch.{' and batch.'.join(off)} do not come from the slots in "
        f"batch.indices. Index every array with the same indices.",
    )
    return fields


def _uniform_counts(c, idx, size, what):
    n = len(idx)
    counts = np.bincount(idx, minlength=size)
    tol = n * share_window(1 / size, n)
    c.require(
        np.all(np.abs(counts - n / size) <= tol),
        f"{what}: each of the {size} filled slots should come up about {n / size:.0f} times in {n:,} draws "
        f"(± {tol:.0f}), got {counts.tolist()}: draw indices uniformly, rng.integers(0, size, batch_size).",
    )


def replay_buffer(cls) -> None:
    """Check a ReplayBuffer class: `cls(capacity, obs_shape)`, `.add(obs, action, reward, next_obs,
    terminated)`, `.sample(batch_size, rng) -> Batch`, `len(buf)`."""
    c = Check("ReplayBuffer", cls)
    buf = c.call(4, (2,))
    for i in range(6):  # transitions 0..5 into 4 slots: 4 and 5 replace 0 and 1
        c.call_with(buf.add, np.full(2, float(i)), i % 3, float(i), np.full(2, i + 0.5), i == 5)
        if i == 2:
            c.require(
                len(buf) == 3,
                f"after 3 adds to a buffer of capacity 4, len(buffer) should be 3, got {len(buf)}: size grows by "
                f"one per add.",
            )
    c.require(
        len(buf) == 4,
        f"after 6 adds to a buffer of capacity 4, len(buffer) should be 4, got {len(buf)}: "
        f"size grows by one per add and stops at capacity.",
    )
    rewards = np.asarray(buf.rewards, dtype=float)
    if np.allclose(rewards, [5, 1, 2, 3]) or np.allclose(rewards, [0, 1, 2, 5]):
        c.fail(
            f"after 6 adds to capacity 4 the stored rewards are {rewards.tolist()}: the buffer kept overwriting "
            f"one slot. Once full, each add must replace the oldest transition: write to slot `pos`, then "
            f"pos = (pos + 1) % capacity."
        )
    c.require(
        np.allclose(rewards, [4, 5, 2, 3]),
        f"after adding rewards 0..5 to a buffer of capacity 4, slots should hold [4, 5, 2, 3] (the two oldest "
        f"replaced), got {rewards.tolist()}. Write to slot pos, then pos = (pos + 1) % capacity.",
    )
    obs, next_obs = np.asarray(buf.obs)[:, 0], np.asarray(buf.next_obs)[:, 0]
    if np.allclose(obs, [4.5, 5.5, 2.5, 3.5]) and np.allclose(next_obs, [4, 5, 2, 3]):
        c.fail("obs and next_obs are swapped: store obs in buffer.obs and next_obs in buffer.next_obs.")
    c.require(
        np.allclose(obs, [4, 5, 2, 3])
        and np.allclose(next_obs, [4.5, 5.5, 2.5, 3.5])
        and list(np.asarray(buf.actions)) == [1, 2, 2, 0]
        and list(np.asarray(buf.terminated)) == [False, True, False, False],
        "obs, actions, next_obs or terminated are not stored in the same slot as the reward: store all five in "
        "slot pos.",
    )

    with global_rng_untouched(c):
        # the full buffer has wrapped (pos 2, size 4): sampling must reach all four slots alike
        b = _batch(c, c.call_with(buf.sample, 2000, np.random.default_rng(0)), buf, 2000)
        _uniform_counts(c, b["indices"], 4, "sampling a full buffer whose next write goes to slot 2")

        small = c.call(100, (1,))
        for i in range(1, 8):  # transitions 1..7: an unfilled slot shows up as a row of zeros
            c.call_with(small.add, np.array([float(i)]), 0, float(i), np.array([i + 1.0]), False)
        b = c.call_with(small.sample, 3000, np.random.default_rng(1))
        rewards = np.asarray(getattr(b, "rewards", None))
        if rewards.shape == (3000,) and rewards.dtype.kind in "fiu" and np.any(rewards == 0):
            c.fail(
                "sample drew slots that were never filled (7 of 100 slots hold transitions, but empty zero rows "
                "came back): draw indices with rng.integers(0, size), not capacity."
            )
        b = _batch(c, b, small, 3000)
        _uniform_counts(c, b["indices"], 7, "sampling 7 transitions in a buffer of capacity 100")
        runs = [c.call_with(small.sample, 50, np.random.default_rng(2)) for _ in range(2)]
    c.require(
        np.array_equal(runs[0].indices, runs[1].indices),
        "two samples with generators made from the same seed drew different slots: draw the indices from the "
        "`rng` argument, not from a new or unseeded generator.",
    )
    c.done()


def td_targets(fn) -> None:
    """Check `td_targets(rewards, terminated, q_next_target, gamma) -> y`."""
    c = Check("td_targets", fn)
    rng = np.random.default_rng(7)
    r = rng.normal(size=6)
    term = np.array([False, True, False, False, True, False])
    q = rng.normal(size=(6, 3))
    gamma = 0.9
    expected = ref.td_targets(r, term, q, gamma)
    mistakes = [
        (
            "it bootstraps from terminated states: where terminated is True there is no next state, "
            "so the target is just r.",
            r + gamma * q.max(axis=1),
        ),
        (
            "the bootstrap is cut on the wrong rows: multiply by (1 - terminated), not terminated.",
            r + gamma * np.where(term, q.max(axis=1), 0.0),
        ),
        (
            "it uses the mean over next actions; Q-learning's target takes the max (the greedy action).",
            r + gamma * np.where(term, 0.0, q.mean(axis=1)),
        ),
        ("gamma is missing: y = r + gamma * max_a' Q(s', a').", r + np.where(term, 0.0, q.max(axis=1))),
    ]
    got = c.call(r, term, q, gamma)
    c.close(
        got,
        expected,
        "the targets",
        mistakes=mistakes,
        hint="y = r + gamma * q_next_target.max(axis=1) row by row, with 0 instead of the max where terminated.",
    )
    c.close(
        c.call(r[:2], np.array([False, False]), np.array([[1.0, 5.0], [2.0, 0.0]]), 1.0),
        [r[0] + 5, r[1] + 2],
        "the targets of a two-row example",
        hint="y = r + gamma * Q_target(s').max(axis=1), with 0 for terminated rows.",
    )
    c.done()


def huber_loss(fn) -> None:
    """Check `huber_loss(x, y, weights=None) -> (loss, dx)` on differences inside, at and beyond
    |x - y| = 1 (some between 1 and 2), without and with weights."""
    c = Check("huber_loss", fn)
    x = np.array([0.3, -0.5, 2.0, -3.0, 1.0, 0.0, 1.5, -0.2])
    y = np.array([0.0, 0.2, -0.5, 0.5, 0.0, 0.0, 0.0, 1.0])
    w = np.array([1.0, 0.5, 0.25, 1.0, 0.8, 0.3, 0.6, 0.9])
    d, N = x - y, len(x)
    for weights in (None, w):
        ww = np.ones(N) if weights is None else w
        loss, dx = ref.huber_loss(x, y, weights)
        args = (x, y) if weights is None else (x, y, weights)
        got_loss, got_dx = c.unpack(c.call(*args), ("loss", "dx"))
        label = "" if weights is None else " with weights"
        kind = np.asarray(got_dx).dtype.kind
        if got_dx is not None and kind not in "fiu":
            c.fail(
                f"the gradient dx{label} has dtype {np.asarray(got_dx).dtype}: it should be a float array like x. "
                f"Build the default weights from x (np.ones_like(x)), not from None or a list."
            )
        mistakes = [
            (
                "it is the squared error everywhere; beyond |x - y| = 1 the Huber loss grows linearly: |d| - 1/2.",
                np.sum(ww * 0.5 * d * d) / N,
            ),
            ("it is summed over the batch; average it (divide by N).", loss * N),
            (
                "beyond |x - y| = 1 the loss should be |d| - 1/2, where the two pieces meet (1/2 at |d| = 1), not "
                "|d| - 1.",
                np.sum(ww * np.where(np.abs(d) <= 1, 0.5 * d * d, np.abs(d) - 1.0)) / N,
            ),
            ("the weights are ignored: multiply each example's loss by its weight.", ref.huber_loss(x, y)[0]),
        ]
        if weights is not None:
            mistakes.append(
                (
                    "it is divided by the sum of the weights; divide by N, the batch size (the weights only scale "
                    "each example's loss).",
                    loss * N / w.sum(),
                )
            )
        c.close(got_loss, loss, f"the loss{label}", mistakes=mistakes)
        c.close(
            got_dx,
            dx,
            f"the gradient dx{label}",
            mistakes=[
                (
                    "the gradient is wrong beyond |d| = 1: there it is sign(d) (the slope of the linear part), "
                    "not d. That cap is what keeps one big TD error from taking a huge step.",
                    ww * d / N,
                ),
                ("the gradient has the wrong sign: d/dx of h(x - y) is +h'(x - y).", -dx),
                ("the gradient is not divided by N, but the loss is a mean.", dx * N),
                ("the weights are missing from the gradient.", ref.huber_loss(x, y)[1]),
            ],
        )
    c.done()


def _clock():
    """A 6-cell corridor observed as one-hot vectors, two actions: each step costs 0.1, reaching
    cell 5 terminates (+1); otherwise a time limit of 3 steps truncates."""
    return CorridorEnv(6, one_hot=True, max_steps=3, step_reward=-0.1)


def _right_net():
    """A QNetwork whose greedy action is always 1 (right)."""
    net = QNetwork((6,), 2, hidden=(4,), seed=0)
    net.params["b_out"][:] = [0.0, 10.0]
    return net


def _left_net3():
    """A QNetwork with three actions (left, right, wait) whose greedy action is always 0 (left)."""
    net = QNetwork((6,), 3, hidden=(4,), seed=0)
    net.params["b_out"][:] = [10.0, 0.0, 0.0]
    return net


class _TransitionLog:
    """The buffer handed to the student's collect_transition: it keeps a copy of every `add`'s
    arguments, in order."""

    def __init__(self):
        self.rows = []

    def add(self, obs, action, reward, next_obs, terminated):
        self.rows.append(copy.deepcopy((obs, action, reward, next_obs, terminated)))

    def __len__(self):
        return len(self.rows)


def _same_obs(a, b) -> bool:
    a = np.asarray(a) if a is not None else None
    return a is not None and a.shape == np.shape(b) and a.dtype.kind in "fiu" and np.array_equal(a, b)


def _check_row(c, row, obs, true, when):
    """The stored (obs, action, reward, next_obs, terminated) of one step: obs is the observation
    the step started from, the rest what env.step returned (`true`: next_obs, reward, terminated)."""
    s_obs, _, s_reward, s_next, s_term = row
    next_obs, reward, terminated = true
    if _same_obs(s_obs, next_obs) and _same_obs(s_next, obs):
        c.fail(f"{when}, obs and next_obs were stored swapped: buffer.add(obs, action, reward, next_obs, terminated).")
    c.require(
        _same_obs(s_obs, obs),
        f"{when}, the stored obs should be the observation the step started from (the `obs` argument, one-hot "
        f"{int(np.argmax(obs))}), got {s_obs!r}: buffer.add(obs, action, reward, next_obs, terminated).",
    )
    c.require(
        s_reward is not None and np.ndim(s_reward) == 0 and float(s_reward) == reward,
        f"{when}, the stored reward should be the step's reward {reward}, got {s_reward!r}: "
        f"buffer.add(obs, action, reward, next_obs, terminated).",
    )
    if not _same_obs(s_next, next_obs):
        c.fail(
            f"{when}, the stored next_obs should be the observation env.step returned (one-hot "
            f"{int(np.argmax(next_obs))}), got {s_next!r}. Store what env.step returned, not a reset observation: "
            f"resetting is the training loop's job."
        )
    if s_term is None or bool(s_term) != terminated:
        c.fail(
            "the truncated transition was stored as terminated. That cuts the bootstrap where the task did not "
            "end (only the clock ran out): store `terminated` alone, never `terminated or truncated`."
            if s_term
            else f"{when}, the stored terminated flag should be {terminated}, got {s_term!r}."
        )


def _check_return(c, out, true, when):
    """The function's return (next_obs, reward, terminated, truncated) against env.step's `true` one."""
    next_obs, reward, terminated, truncated = true
    if not _same_obs(out[0], next_obs):
        c.fail(
            f"{when}, the returned next_obs should be the observation env.step returned (one-hot "
            f"{int(np.argmax(next_obs))}), got {out[0]!r}: return it as it is, not a reset observation (resetting "
            f"is the training loop's job)."
        )
    c.require(
        out[1] is not None and np.ndim(out[1]) == 0 and float(out[1]) == reward,
        f"{when}, the returned reward should be the step's reward {reward}, got {out[1]!r}.",
    )
    c.require(
        (bool(out[2]), bool(out[3])) == (terminated, truncated),
        f"{when}, the step should come back {'terminated' if terminated else 'not terminated'} and "
        f"{'truncated' if truncated else 'not truncated'}, got terminated={out[2]!r}, truncated={out[3]!r}: "
        f"return the env's own flags.",
    )


def _actions(c, net, epsilon, rng, n) -> np.ndarray:
    """The actions of n one-step calls from cell 2 of a three-action corridor."""
    env, buf = CorridorEnv(6, one_hot=True, num_actions=3), _TransitionLog()
    for _ in range(n):
        obs, _ = env.reset(options={"start": 2})
        c.call(env, obs, net, epsilon, rng, buf, may_change=(0, 4, 5))
    actions = [row[1] for row in buf.rows]
    if len(actions) != n or not all(isinstance(a, (int, np.integer)) and 0 <= a < 3 for a in actions):
        c.fail(
            f"each call should store one transition whose action is an int in 0..2 (three actions); {n} calls "
            f"stored {len(actions)}, e.g. {actions[:3]}."
        )
    return np.array(actions)


def collect_transition(fn) -> None:
    """Check `collect_transition(env, obs, q_net, epsilon, rng, buffer)
    -> (next_obs, reward, terminated, truncated)`: what it stores and returns on steps that go on,
    truncate and terminate, and how it explores (three actions, epsilon 1 and 0.5, from rng)."""
    c = Check("collect_transition", fn)
    net = _right_net()
    with global_rng_untouched(c):
        rng = np.random.default_rng(0)
        # truncation: three greedy steps from state 0 end by the time limit at state 3
        env, buf = _clock(), _TransitionLog()
        obs, _ = env.reset()
        eye = np.eye(6, dtype=np.float32)
        for step in range(3):
            out = c.unpack(
                c.call(env, obs, net, 0.0, rng, buf, may_change=(0, 4, 5)),
                ("next_obs", "reward", "terminated", "truncated"),
            )
            c.require(
                len(buf) == step + 1,
                f"each call must add exactly one transition to the buffer; after {step + 1} call(s) it holds "
                f"{len(buf)}.",
            )
            c.require(buf.rows[step][1] == 1, "with epsilon = 0 the action must be the greedy one, argmax_a Q(obs, a).")
            when = f"at step {step + 1}" + (" (truncated by the time limit)" if step == 2 else "")
            _check_row(c, buf.rows[step], obs, (eye[step + 1], -0.1, False), when)
            _check_return(c, out, (eye[step + 1], -0.1, False, step == 2), when)
            obs = out[0]
        # termination: from state 4 one step right reaches the goal
        env, buf = _clock(), _TransitionLog()
        obs, _ = env.reset(options={"start": 4})
        out = c.unpack(
            c.call(env, obs, net, 0.0, rng, buf, may_change=(0, 4, 5)),
            ("next_obs", "reward", "terminated", "truncated"),
        )
        _check_row(c, buf.rows[0], obs, (eye[5], 1.0, True), "at the step that reaches the goal")
        _check_return(c, out, (eye[5], 1.0, True, False), "at the step that reaches the goal")
        # exploration with three actions, greedy 0 (left)
        net3 = _left_net3()
        n = 900
        counts = np.bincount(_actions(c, net3, 1.0, rng, n), minlength=3)
        shares = {0.5: np.mean(_actions(c, net3, 0.5, rng, 1500) == 0)}
        runs = [_actions(c, net3, 0.5, np.random.default_rng(7), 40) for _ in range(2)]
    if counts[0] == n:
        c.fail(
            f"with epsilon = 1 actions should be uniformly random, but all {n} were the greedy one: explore with "
            f"probability epsilon, rng.random() < epsilon."
        )
    if counts[2] == 0:
        c.fail(
            f"with epsilon = 1 and three actions, action 2 was never taken in {n} steps (counts {counts.tolist()}): "
            f"draw the random action from all of them, rng.integers(q_net.num_actions)."
        )
    tol = n * share_window(1 / 3, n)
    c.require(
        np.all(np.abs(counts - n / 3) <= tol),
        f"with epsilon = 1 actions should be uniformly random, each of the three about {n // 3} times in {n} steps "
        f"(± {tol:.0f}), got {counts.tolist()}: explore with rng.integers(q_net.num_actions).",
    )
    for eps, share in shares.items():
        p, tol = 1 - eps + eps / 3, share_window(1 - eps + eps / 3, 1500)
        c.require(
            abs(share - p) <= tol,
            f"with epsilon = {eps} and three actions the greedy action should be taken {100 * p:.1f} % of the time "
            f"(1 - epsilon + epsilon / 3, ± {100 * tol:.1f} over 1,500 steps), got {100 * share:.1f} %: your function "
            f"explores with probability about {(1 - share) * 1.5:.2f} instead of {eps}. Explore exactly when "
            f"rng.random() < epsilon.",
        )
    c.require(
        np.array_equal(*runs),
        "two runs with generators made from the same seed took different actions: draw every random number from "
        "the `rng` argument, not from a new or unseeded generator.",
    )
    c.done()


def _loss_case():
    net = QNetwork((3,), 3, hidden=(5,), dtype=np.float64, seed=1)
    target = QNetwork((3,), 3, hidden=(5,), dtype=np.float64, seed=2)
    rng = np.random.default_rng(3)
    for n in (net, target):
        for k in n.params:
            n.params[k] = n.params[k] + rng.normal(scale=0.5, size=n.params[k].shape)
    B = 8
    batch = Batch(
        rng.normal(size=(B, 3)),
        rng.integers(0, 3, B),
        rng.normal(size=B),
        rng.normal(size=(B, 3)),
        np.arange(B) % 3 == 0,
        np.arange(B),
        rng.uniform(0.3, 1.0, B),
    )
    return net, target, batch


@answer
def _reference_dqn_loss(params, target_params, batch, gamma):
    """The reference dqn_loss for the `_loss_case` networks with these parameters."""
    from ..rl.dqn import dqn_loss

    net, target = QNetwork((3,), 3, hidden=(5,), dtype=np.float64), QNetwork((3,), 3, hidden=(5,), dtype=np.float64)
    net.params, target.params = params, target_params
    return dqn_loss(net, target, batch, gamma)


def dqn_loss(fn) -> None:
    """Check `dqn_loss(q_net, target_net, batch, gamma) -> (loss, grads, td_errors)`."""
    c = Check("dqn_loss", fn)
    net, target, batch = _loss_case()
    gamma = 0.9
    loss, grads, td = _reference_dqn_loss(net.params, target.params, batch, gamma)
    before = {k: v.copy() for k, v in net.params.items()}
    before_target = {k: v.copy() for k, v in target.params.items()}
    got = c.unpack(c.call(net, target, batch, gamma), ("loss", "grads", "td_errors"))
    c.require(
        set(net.params) == set(before) and all(np.array_equal(before[k], net.params[k]) for k in before),
        "dqn_loss changed the network's parameters: it only computes the loss and gradients; the optimizer "
        "step comes after.",
    )
    c.require(
        set(target.params) == set(before_target)
        and all(np.array_equal(before_target[k], target.params[k]) for k in before_target),
        "dqn_loss changed the target network's parameters: it only reads target_net (target_net.q_values for the "
        "targets); the training loop refreshes it every C steps, and a target that moves with every update is "
        "what the target network is there to prevent.",
    )
    rows = np.arange(len(batch.actions))
    q_sa = net.q_values(batch.obs)[rows, batch.actions]
    y_online = ref.td_targets(batch.rewards, batch.terminated, net.q_values(batch.next_obs), gamma)
    y_noterm = batch.rewards + gamma * target.q_values(batch.next_obs).max(axis=1)
    c.close(
        got[2],
        td,
        "td_errors (y - Q(s, a))",
        mistakes=[
            (
                "the targets take the max over the ONLINE network's Q-values of s'. Use target_net for them: that "
                "frozen copy is what keeps the targets from moving with every update.",
                y_online - q_sa,
            ),
            ("the targets bootstrap from terminated states: pass batch.terminated to td_targets.", y_noterm - q_sa),
            ("it has the wrong sign: td_errors = y - Q(s, a).", -td),
        ],
    )
    c.close(
        got[0],
        loss,
        "the loss",
        mistakes=[
            (
                "the importance weights batch.weights are not used: pass them to huber_loss.",
                ref.huber_loss(
                    q_sa, ref.td_targets(batch.rewards, batch.terminated, target.q_values(batch.next_obs), gamma)
                )[0],
            ),
        ],
    )
    grads_got = got[1]
    if not isinstance(grads_got, dict) or set(grads_got) != set(grads):
        c.fail(
            f"grads should be a dict with the network's keys {sorted(grads)}, got "
            f"{sorted(grads_got) if isinstance(grads_got, dict) else type(grads_got).__name__}"
        )
    q, cache = net.forward(batch.obs)
    y = ref.td_targets(batch.rewards, batch.terminated, target.q_values(batch.next_obs), gamma)
    _, dq_sa = ref.huber_loss(q_sa, y, batch.weights)
    all_actions = net.backward(np.repeat(dq_sa[:, None], 3, axis=1), cache)
    for k in grads:
        c.close(
            grads_got[k],
            grads[k],
            f"grads[{k!r}]",
            rtol=1e-5,
            atol=1e-9,
            mistakes=[
                (
                    "the gradient flows into every action's Q-value; only Q(s, a) for the action taken is in the loss: "
                    "dq is zero except dq[i, actions[i]].",
                    all_actions[k],
                ),
                ("it has the wrong sign: these are gradients of the loss, descend them.", -grads[k]),
            ],
        )
    c.done()


def _polyak_case(seed, dtype):
    """Target and online parameters of a small network (non-square weights), drawn from seed."""
    rng = np.random.default_rng(seed)
    shapes = {"W1": (3, 5), "b1": (5,), "W2": (5, 2), "b2": (2,)}
    target = {k: rng.normal(size=s).astype(dtype) for k, s in shapes.items()}
    online = {k: rng.normal(size=s).astype(dtype) for k, s in shapes.items()}
    return target, online


@answer
def _polyak(target_params, params, tau):
    """The target parameters after the reference soft_update, as a new dict (inputs untouched)."""
    from ..rl.dqn import soft_update

    new = {k: np.array(v, copy=True) for k, v in target_params.items()}
    soft_update(new, params, tau)
    return new


def soft_update(fn) -> None:
    """Check `soft_update(target_params, params, tau)`: every array of target_params moved in place
    (the caller's dict sees it) to tau * params + (1 - tau) * target_params, params untouched, no
    array shared with params afterwards; several taus (1 is the hard copy), float64 and float32."""
    c = Check("soft_update", fn)
    for seed, tau, dtype in ((0, 0.3, np.float64), (1, 0.05, np.float32), (2, 1.0, np.float64)):
        target, online = _polyak_case(seed, dtype)
        expected = _polyak(target, online, tau)
        mine = {k: v.copy() for k, v in target.items()}
        theirs = {k: v.copy() for k, v in online.items()}
        result = c.call(mine, theirs, tau, may_change=(0, 1))
        c.require(
            all(np.array_equal(theirs[k], online[k]) for k in online) and set(theirs) == set(online),
            "it changed the online parameters `params`: only target_params moves (toward params); scaling params "
            "in place (params[k] *= tau) changes the network being trained. Build tau * params[k] as a new array.",
        )
        c.require(
            set(mine) == set(target),
            f"target_params should keep its keys {sorted(target)}, got {sorted(mine)}",
        )
        unchanged = all(np.array_equal(mine[k], target[k]) for k in target)
        if unchanged and tau != 0:
            returned = " (the new values were returned, but the caller keeps its own dict)" if result else ""
            c.fail(
                "target_params did not change" + returned + ": the update must happen in place, in the arrays the "
                "target network holds. `t = ...` or `target_params = ...` only rebinds a local name; write into the "
                "array instead: target_params[k][...] = ..., or *= and +=."
            )
        where = f"target_params[{{}}] after tau = {tau} ({np.dtype(dtype).name})"
        for k in target:
            c.close(
                mine[k],
                expected[k],
                where.format(repr(k)),
                rtol=1e-5,
                atol=1e-6,
                mistakes=[
                    (
                        "tau is on the wrong side: the target keeps (1 - tau) of itself and takes tau of the online "
                        "network, so a small tau moves it slowly.",
                        (1 - tau) * online[k] + tau * target[k],
                    ),
                    (
                        "the target was replaced by the online parameters: that is the hard copy; Polyak averaging "
                        "only moves it a fraction tau of the way.",
                        online[k],
                    ),
                    (
                        "the factor (1 - tau) on the old target is missing: target <- tau * params + (1 - tau) * "
                        "target.",
                        target[k] + tau * online[k],
                    ),
                ],
            )
        c.require(
            not any(np.shares_memory(mine[k], theirs[k]) for k in mine),
            f"after tau = {tau} target_params shares its arrays with params (target_params[k] = params[k]): the next "
            "in-place change of the online network would move the target too. Copy the values: "
            "target_params[k][...] = params[k].",
        )
    c.done()


# -- dqn_extensions.ipynb ----------------------------------------------------------------------
def double_dqn_targets(fn) -> None:
    """Check `double_dqn_targets(rewards, terminated, q_next_online, q_next_target, gamma) -> y`."""
    c = Check("double_dqn_targets", fn)
    rng = np.random.default_rng(11)
    r, term = rng.normal(size=6), np.array([False, False, True, False, False, True])
    online, target = rng.normal(size=(6, 4)), rng.normal(size=(6, 4))
    gamma = 0.95
    rows = np.arange(6)
    cut = np.where(term, 0.0, 1.0)
    expected = ref.double_dqn_targets(r, term, online, target, gamma)
    c.close(
        c.call(r, term, online, target, gamma),
        expected,
        "the Double DQN targets",
        hint="a* = q_next_online.argmax(axis=1); y = r + gamma * q_next_target[rows, a*], with 0 instead where "
        "terminated.",
        mistakes=[
            (
                "the argmax is taken from the target network: that is vanilla DQN's max. Let the online network choose "
                "a* = argmax_a Q_online(s', a), and the target network value it.",
                ref.td_targets(r, term, target, gamma),
            ),
            (
                "the roles are swapped: the online network must choose the action and the target network evaluate it.",
                r + gamma * cut * online[rows, target.argmax(axis=1)],
            ),
            (
                "it bootstraps from terminated states: the target there is just r.",
                ref.double_dqn_targets(r, np.zeros(6, bool), online, target, gamma),
            ),
            (
                "the online network both chooses and values the action (plain max over online Q): the value must "
                "come from the target network.",
                ref.td_targets(r, term, online, gamma),
            ),
        ],
    )
    c.done()


def dueling_aggregate(fn) -> None:
    """Check `dueling_aggregate(value, advantages, kind="mean") -> q`: the default (mean, eq. 9),
    then kind="max" (eq. 8, `_dueling_max` at the end of this module)."""
    c = Check("dueling_aggregate", fn)
    rng = np.random.default_rng(5)
    for N, A in ((3, 3), (4, 3)):  # with N == A a mean without keepdims broadcasts along the wrong axis
        v, a = rng.normal(size=(N, 1)), rng.normal(size=(N, A))
        mistakes = _dueling_mistakes(v, a)
        if N == A:
            mistakes.append(
                (
                    f"each row subtracted the other rows' means (here N = A = {N}, so a.mean(axis=1), of shape (N,), "
                    f"broadcast along the actions): keep the axis, a.mean(axis=1, keepdims=True).",
                    v + a - a.mean(axis=1),
                )
            )
        c.close(c.call(v, a), _ref_dueling(v, a), f"Q for N = {N} states and A = {A} actions", mistakes=mistakes)
    _dueling_max(c)
    c.done()


def _dueling_mistakes(v, a):
    return [
        (
            "V + A without centering: then V and A are not identifiable (any constant can move between them). "
            "Subtract the mean advantage over actions.",
            v + a,
        ),
        (
            "it subtracts the max advantage (the paper's first variant); use the mean over actions, which the "
            "paper found steadier.",
            v + a - a.max(axis=1, keepdims=True),
        ),
        (
            "the mean is taken over the batch (axis 0); take it over actions: a.mean(axis=1, keepdims=True).",
            v + a - a.mean(axis=0, keepdims=True),
        ),
        (
            "the mean is taken over every entry of the batch; take each row's own mean over actions: "
            "a.mean(axis=1, keepdims=True).",
            v + a - a.mean(),
        ),
    ]


@answer
def _tree_found(capacity, updates, values):
    """The reference SumTree(capacity) after `updates` [(indices, priorities), ...] in order:
    (its total, the leaves it finds for values)."""
    from ..rl.replay import SumTree

    tree = SumTree(capacity)
    for indices, priorities in updates:
        tree.update(np.asarray(indices), np.asarray(priorities))
    return tree.total, tree.find(values)


def _total(c, tree, after, expected, mistakes=()):
    """The tree's total after an update, required to equal expected (one of them, if a tuple)."""
    total = tree.total
    if total is None or np.ndim(total) != 0:
        c.fail(f"total should be one number, the root's sum, got {total!r}")
    total = float(total)
    for value, message in mistakes:
        if np.isclose(total, value):
            c.fail(f"the total is {total:g} after {after}: {message}")
    allowed = np.atleast_1d(expected)
    c.require(
        np.any(np.isclose(total, allowed)),
        f"after {after} the total should be {' or '.join(f'{e:g}' for e in allowed)}, got {total:g}: every inner "
        f"node holds the sum of its two children, the root the sum of all leaves.",
    )


def sum_tree(cls) -> None:
    """Check a SumTree class: `cls(capacity)`, `.update(indices, priorities)`, `.total`, `.find(values)`:
    totals after updates (one that changes a leaf, one that names a leaf twice), and the leaf found
    for values on every boundary between leaves and thousands of values in between."""
    c = Check("SumTree", cls)
    tree = c.call(6)  # 8 leaves, 6 used
    updates = [([0, 1, 2, 3, 4, 5], [1.0, 1.0, 2.0, 3.0, 0.0, 4.0])]  # leaf 1, a right child, holds exactly 1
    c.call_with(tree.update, np.array(updates[0][0]), np.array(updates[0][1]))
    _total(c, tree, "setting priorities [1, 1, 2, 3, 0, 4]", 11.0)
    updates.append(([3], [0.5]))
    c.call_with(tree.update, np.array([3]), np.array([0.5]))
    added = (
        "changing leaf 3 from 3 to 0.5 should give 8.5. The new priority was added on top of the old one: "
        "propagate the change (new - old) or recompute the sums."
    )
    _total(c, tree, "changing leaf 3 from 3 to 0.5", 8.5, mistakes=[(11.5, added)])
    updates.append(([2, 2], [5.0, 1.0]))
    c.call_with(tree.update, np.array([2, 2]), np.array([5.0, 1.0]))
    twice = (
        "leaf 2 (priority 2) was given 5 and then 1 in one call, and the sums above it added both changes from the "
        "old value (+3 and -1). Set the leaves one after the other, each change from the leaf's current value, "
        "or recompute the sums from the children after setting the leaves."
    )
    _total(c, tree, "update([2, 2], [5, 1])", (7.5, 11.5), mistakes=[(10.5, twice)])
    updates.append(([2], [2.0]))
    c.call_with(tree.update, np.array([2]), np.array([2.0]))
    _total(c, tree, "setting leaf 2 back to 2", 8.5)

    leaves = np.array([1.0, 1.0, 2.0, 0.5, 0.0, 4.0])
    bounds = np.concatenate([[0.0], np.cumsum(leaves)[:-1]])  # where each leaf's share starts
    values = np.concatenate([bounds, [0.5, 3.0, np.nextafter(4.0, 0), np.nextafter(8.5, 0)]])
    values = np.concatenate([values, np.random.default_rng(0).random(3000) * 8.5])
    _, expected = _tree_found(6, updates, values)
    found = c.call_with(tree.find, values)
    found = np.asarray(found).ravel() if found is not None else None
    if found is None or found.shape != values.shape or found.dtype.kind not in "iuf":
        c.fail(
            f"find(values) should return one leaf index per value, shape {values.shape}, got "
            f"{'None' if found is None else f'{found.dtype} of shape {found.shape}'}"
        )
    strict = (
        " Go left only while the value is below the left sum, strictly: a value equal to the left sum lies beyond "
        "it (leaf i covers the values from the sum of the leaves before it, included, to that plus p_i, excluded)."
    )
    on_bound = np.isin(values, bounds)
    wrong = np.flatnonzero(found != expected)
    if wrong.size:
        i = wrong[~on_bound[wrong]][0] if not on_bound[wrong].all() else wrong[0]
        empty = (found < 0) | (found >= 6) | (leaves[np.clip(found, 0, 5).astype(int)] == 0)
        c.fail(
            f"find({values[i]!r}) returned leaf {found[i]:g}, expected leaf {expected[i]}: {wrong.size} of "
            f"{values.size} values went to the wrong leaf"
            + (
                f", {empty.sum()} of them to leaves whose priority is 0, which must never be drawn"
                if empty.any()
                else ""
            )
            + f" (priorities {leaves.tolist()})."
            + (
                strict
                if on_bound[wrong].all()
                else " Walk down: go left if value < left sum, else subtract the left sum and go right."
            )
        )
    c.count += 1
    c.done()


def importance_weights(fn) -> None:
    """Check `importance_weights(probs, buffer_size, beta) -> w`."""
    c = Check("importance_weights", fn)
    probs, N = np.array([0.02, 0.005, 0.01, 0.04, 0.001]), 200
    for beta in (0.4, 1.0):
        raw = (N * probs) ** (-beta)
        expected = _ref_weights(probs, N, beta)
        c.close(
            c.call(probs, N, beta),
            expected,
            f"the weights at beta = {beta}",
            mistakes=[
                (
                    "the weights are not normalized: divide by their max so that the largest is 1 (updates are only "
                    "ever scaled down).",
                    raw,
                ),
                (
                    "the exponent has the wrong sign: w = (N * P(i)) ** (-beta).",
                    (N * probs) ** beta / ((N * probs) ** beta).max(),
                ),
                ("normalized by the sum instead of the max.", raw / raw.sum()),
            ],
        )
    c.done()


# -- dqn_extensions.ipynb: the max aggregation and rank-based prioritization (issue 15) ---------
__all__ += ["rank_based_probs"]
_ref_rank = reference("lib.rl.replay").rank_based_probs


def _dueling_max(c) -> None:
    """kind="max" (Wang et al., 2016, eq. 8): Q = V + A - max_a' A, on a square batch (where a max
    without keepdims broadcasts along the wrong axis), a non-square one and one with a tied max."""
    rng = np.random.default_rng(8)
    cases = [rng.normal(size=(3, 3)), rng.normal(size=(2, 4)), np.array([[0.5, 2.0, 2.0, -1.0], [1.0, 0.0, 3.0, 3.0]])]
    for a in cases:
        N, A = a.shape
        v = rng.normal(size=(N, 1))
        mistakes = [
            (
                'kind="max" gave the mean-centred Q: with kind="max" subtract each row\'s largest advantage '
                "(eq. 8), a.max(axis=1, keepdims=True).",
                _ref_dueling(v, a),
            ),
            (
                "the max is taken over the batch (axis 0); take it over actions: a.max(axis=1, keepdims=True).",
                v + a - a.max(axis=0, keepdims=True),
            ),
            ("the max is taken over every entry of the batch; take each row's own max over actions.", v + a - a.max()),
            ("it subtracts the smallest advantage; eq. 8 subtracts the largest.", v + a - a.min(axis=1, keepdims=True)),
            ("the value V is missing: Q = V + A - max_a' A.", a - a.max(axis=1, keepdims=True)),
        ]
        if N == A:
            mistakes.append(
                (
                    f"each row subtracted the other rows' maxima (here N = A = {N}, so a.max(axis=1), of shape (N,), "
                    f"broadcast along the actions): keep the axis, a.max(axis=1, keepdims=True).",
                    v + a - a.max(axis=1),
                )
            )
        c.close(
            c.call(v, a, kind="max"),
            _ref_dueling(v, a, kind="max"),
            f'Q with kind="max" for N = {N} states and A = {A} actions',
            mistakes=mistakes,
            hint="Q = V + A - max over actions of A, row by row.",
        )


def rank_based_probs(fn) -> None:
    """Check `rank_based_probs(td_errors, alpha) -> P`: P(i) proportional to (1 / rank(i))^alpha,
    rank 1 for the largest |delta|, tied |delta| sharing the best rank they span; errors of both
    signs, ties (also between +d and -d), alpha 0 (uniform), 0.6, 0.7 and 1, one transition."""
    from .core import distinct  # here, not at the top: this section is appended to the module

    c = Check("rank_based_probs", fn)
    rng = np.random.default_rng(12)
    ties = np.array([0.3, -1.2, 0.3, 2.0, -0.3, 0.8])  # |delta| ranks 4, 2, 4, 1, 4, 3
    cases = [
        (rng.normal(size=7), 0.7, "7 distinct errors"),
        (rng.normal(size=5) * 3, 1.0, "5 distinct errors"),
        (ties, 0.6, "errors with ties (0.3, -0.3 and 0.3 share rank 4)"),
        (rng.normal(size=4), 0.0, "4 errors"),
        (np.array([-0.4]), 0.7, "one error"),
    ]
    tie_rule = (
        "tied |delta| share the best rank they span: rank(i) = 1 + the number of errors strictly larger than "
        "|delta_i| (ranks 1, 2, 2, 4 for errors 5, 3, 3, 1)."
    )
    for delta, alpha, what in cases:
        expected = _ref_rank(delta, alpha)
        size = np.abs(delta)
        order = np.argsort(-size, kind="stable")
        by_position = np.empty(len(delta))
        by_position[order] = np.arange(1, len(delta) + 1)  # ties broken by position
        worst = (size[None, :] >= size[:, None]).sum(axis=1)  # ties given the worst rank they span
        mistakes = [
            (
                "rank 1 went to the smallest |delta|: rank from the largest error down, so that the most "
                "surprising transition is drawn most often.",
                _ref_rank(1.0 / size, alpha),
            ),
            (
                "the probabilities do not sum to 1: divide (1 / rank)^alpha by its sum over all transitions.",
                expected / expected.max(),
            ),
            (
                "alpha seems to be applied to the errors before ranking (or not at all): a power does not change "
                "the order, so the ranks stay the same; apply alpha to 1 / rank(i).",
                _ref_rank(delta, 1.0),
            ),
            (
                "it ranks the signed errors; rank their sizes |delta| (a large negative error is as surprising as a "
                "large positive one).",
                _ref_rank(delta - delta.min(), alpha),
            ),
            (
                "these are the proportional probabilities |delta|^alpha / sum; rank-based uses (1 / rank)^alpha, "
                "which depends only on the order of the errors.",
                size**alpha / np.sum(size**alpha),
            ),
            (
                "np.argsort gives the order (which transition comes first), not each transition's rank: the rank "
                "of transition i is its position in that order, the inverse permutation.",
                (1.0 / (order + 1)) ** alpha / np.sum((1.0 / (order + 1)) ** alpha),
            ),
            (
                "1 / rank was normalized before the power alpha: raise to alpha first, then divide by the sum.",
                _ref_rank(delta, 1.0) ** alpha,
            ),
            (
                "tied errors got different ranks (by their position): " + tie_rule,
                by_position**-alpha / np.sum(by_position**-alpha),
            ),
            ("tied errors got the worst rank they span: " + tie_rule, worst**-alpha / np.sum(worst**-alpha)),
        ]
        c.close(
            c.call(delta, alpha),
            expected,
            f"P for {what}, alpha = {alpha}",
            mistakes=distinct(mistakes, expected),
            hint="P(i) = (1 / rank(i))^alpha / sum_k (1 / rank(k))^alpha, rank 1 for the largest |delta|; " + tie_rule,
            nonfinite_hint="ranks start at 1 (the largest |delta|), so 1 / rank is finite.",
        )
    c.done()
