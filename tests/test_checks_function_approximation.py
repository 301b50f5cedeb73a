"""Checks of 06's function_approximation notebook: the reference passes; stubs and typical mistakes
are named; correct versions written otherwise pass."""

import numpy as np
from check_harness import CheckTests

import lib.checks.function_approximation as module
from lib.rl import approx as A


# -- gradient Monte Carlo ----------------------------------------------------------------------
def mc_loops(w, x, G, alpha):
    v = sum(w[i] * x[i] for i in range(len(w)))
    for i in range(len(w)):
        w[i] = w[i] + alpha * (G - v) * x[i]
    return G - v


def mc_slice_assign(w, x, G, alpha):
    error = G - np.inner(w, x)
    w[:] = w + alpha * error * np.asarray(x, dtype=np.float32).astype(float)
    return error


def mc_rebinds(w, x, G, alpha):
    error = G - w @ x
    w = w + alpha * error * x  # noqa: F841 (the mistake: a new array, the caller's w unchanged)
    return error


def mc_downhill(w, x, G, alpha):
    error = G - w @ x
    w -= alpha * error * x
    return error


def mc_no_features(w, x, G, alpha):
    error = G - w @ x
    w += alpha * error
    return error


def mc_on_G(w, x, G, alpha):
    error = G - w @ x
    w += alpha * G * x
    return error


def mc_no_alpha(w, x, G, alpha):
    return A.gradient_mc_update(w, x, G, 1.0)


def mc_returns_error_after(w, x, G, alpha):
    A.gradient_mc_update(w, x, G, alpha)
    return G - w @ x


# -- semi-gradient TD(0) -----------------------------------------------------------------------
def td_loops(w, x, r, x_next, terminated, alpha, gamma):
    v = sum(wi * xi for wi, xi in zip(w, x))
    v_next = 0.0 if terminated else sum(wi * xi for wi, xi in zip(w, x_next))
    delta = r + gamma * v_next - v
    for i in range(len(w)):
        w[i] += alpha * delta * x[i]
    return delta


def td_einsum(w, x, r, x_next, terminated, alpha, gamma):
    target = r + (1 - bool(terminated)) * gamma * np.einsum("i,i->", w, x_next)
    delta = target - np.einsum("i,i->", w, x)
    np.add(w, alpha * delta * x, out=w)
    return float(delta)


def td_bootstraps_terminal(w, x, r, x_next, terminated, alpha, gamma):
    return A.semi_gradient_td0_update(w, x, r, x_next, False, alpha, gamma)


def td_full_gradient(w, x, r, x_next, terminated, alpha, gamma):
    delta = r + (0.0 if terminated else gamma * w @ x_next) - w @ x
    w += alpha * delta * (x - (0.0 if terminated else gamma) * x_next)
    return delta


def td_no_gamma(w, x, r, x_next, terminated, alpha, gamma):
    return A.semi_gradient_td0_update(w, x, r, x_next, terminated, alpha, 1.0)


def td_next_features(w, x, r, x_next, terminated, alpha, gamma):
    delta = r + (0.0 if terminated else gamma * w @ x_next) - w @ x
    w += alpha * delta * x_next
    return delta


def td_rebinds(w, x, r, x_next, terminated, alpha, gamma):
    delta = r + (0.0 if terminated else gamma * w @ x_next) - w @ x
    w = w + alpha * delta * x  # noqa: F841
    return delta


# -- tile coding -------------------------------------------------------------------------------
def tiles_loops(state, low, high, num_tilings, tiles_per_dim):
    """One tiling at a time, the index built by Horner's rule, a list of Python ints."""
    state, low, high = np.atleast_1d(state), np.atleast_1d(low), np.atleast_1d(high)
    side, out = tiles_per_dim + 1, []
    for k in range(num_tilings):
        index = 0
        for j in range(len(state)):
            s = min(max(float(state[j]), float(low[j])), float(high[j]))
            u = (s - low[j]) / (high[j] - low[j]) * tiles_per_dim
            offset = (k * (2 * j + 1) % num_tilings) / num_tilings
            index = index * side + int(np.floor(u + offset))
        out.append(k * side ** len(state) + index)
    return np.array(out, dtype=np.int32)


def tiles_grid(state, low, high, num_tilings, tiles_per_dim):
    """Vectorized over tilings with np.indices-style strides."""
    state = np.clip(np.atleast_1d(state), low, high)
    dims = state.size
    u = (state - np.atleast_1d(low)) / (np.atleast_1d(high) - np.atleast_1d(low)) * tiles_per_dim
    k = np.arange(num_tilings)
    offsets = np.outer(k, 2 * np.arange(dims) + 1) / num_tilings % 1
    coords = (u + offsets).astype(np.int64)  # u + offsets >= 0, so truncation is floor
    side = tiles_per_dim + 1
    strides = side ** np.arange(dims - 1, -1, -1)
    return coords @ strides + k * side**dims


def tiles_same_grid(state, low, high, num_tilings, tiles_per_dim):
    side = tiles_per_dim + 1
    dims = np.atleast_1d(state).size
    one = A.tile_indices(state, low, high, 1, tiles_per_dim)[0]
    return one + np.arange(num_tilings) * side**dims


def tiles_uniform_offsets(state, low, high, num_tilings, tiles_per_dim):
    state, low, high = (np.atleast_1d(np.asarray(v, dtype=float)) for v in (state, low, high))
    u = (np.clip(state, low, high) - low) / (high - low) * tiles_per_dim
    k = np.arange(num_tilings)[:, None]
    coords = np.floor(u + k / num_tilings).astype(int)
    side = tiles_per_dim + 1
    return np.ravel_multi_index(tuple(coords.T), (side,) * len(state)) + k[:, 0] * side ** len(state)


def tiles_no_base(state, low, high, num_tilings, tiles_per_dim):
    side = tiles_per_dim + 1
    dims = np.atleast_1d(state).size
    return A.tile_indices(state, low, high, num_tilings, tiles_per_dim) % side**dims


def tiles_small_base(state, low, high, num_tilings, tiles_per_dim):
    side = tiles_per_dim + 1
    dims = np.atleast_1d(state).size
    idx = A.tile_indices(state, low, high, num_tilings, tiles_per_dim)
    return idx % side**dims + np.arange(num_tilings) * tiles_per_dim**dims


def tiles_fortran(state, low, high, num_tilings, tiles_per_dim):
    state, low, high = (np.atleast_1d(np.asarray(v, dtype=float)) for v in (state, low, high))
    dims = len(state)
    u = (np.clip(state, low, high) - low) / (high - low) * tiles_per_dim
    k = np.arange(num_tilings)[:, None]
    coords = np.floor(u + (k * (2 * np.arange(dims) + 1) / num_tilings) % 1).astype(int)
    side = tiles_per_dim + 1
    return np.ravel_multi_index(tuple(coords.T), (side,) * dims, order="F") + k[:, 0] * side**dims


def tiles_no_clip(state, low, high, num_tilings, tiles_per_dim):
    state, low, high = (np.atleast_1d(np.asarray(v, dtype=float)) for v in (state, low, high))
    dims = len(state)
    u = (state - low) / (high - low) * tiles_per_dim
    k = np.arange(num_tilings)[:, None]
    coords = np.floor(u + (k * (2 * np.arange(dims) + 1) / num_tilings) % 1).astype(int)
    side = tiles_per_dim + 1
    return coords @ side ** np.arange(dims - 1, -1, -1) + k[:, 0] * side**dims


def tiles_as_floats(state, low, high, num_tilings, tiles_per_dim):
    return A.tile_indices(state, low, high, num_tilings, tiles_per_dim).astype(float)


# -- semi-gradient SARSA -----------------------------------------------------------------------
def sarsa_loops(w, tiles, a, r, tiles_next, a_next, terminated, alpha, gamma):
    q = sum(w[a, i] for i in tiles)
    q_next = 0.0 if terminated else sum(w[a_next, i] for i in tiles_next)
    delta = r + gamma * q_next - q
    for i in tiles:
        w[a, i] += alpha * delta
    return delta


def sarsa_add_at(w, tiles, a, r, tiles_next, a_next, terminated, alpha, gamma):
    x, x_next = np.zeros(w.shape[1]), np.zeros(w.shape[1])
    np.add.at(x, tiles, 1.0)
    np.add.at(x_next, tiles_next, 1.0)
    target = r if terminated else r + gamma * w[a_next] @ x_next
    delta = target - w[a] @ x
    w[a] += alpha * delta * x
    return delta


def sarsa_bootstraps_terminal(w, tiles, a, r, tiles_next, a_next, terminated, alpha, gamma):
    return A.semi_gradient_sarsa_update(w, tiles, a, r, tiles_next, a_next, False, alpha, gamma)


def sarsa_max(w, tiles, a, r, tiles_next, a_next, terminated, alpha, gamma):
    best = int(np.argmax(w[:, tiles_next].sum(axis=1)))
    return A.semi_gradient_sarsa_update(w, tiles, a, r, tiles_next, best, terminated, alpha, gamma)


def sarsa_mean(w, tiles, a, r, tiles_next, a_next, terminated, alpha, gamma):
    target = r if terminated else r + gamma * w[a_next, tiles_next].mean()
    delta = target - w[a, tiles].mean()
    w[a, tiles] += alpha * delta
    return delta


def sarsa_all_actions(w, tiles, a, r, tiles_next, a_next, terminated, alpha, gamma):
    target = r if terminated else r + gamma * w[a_next, tiles_next].sum()
    delta = target - w[a, tiles].sum()
    w[:, tiles] += alpha * delta
    return delta


def sarsa_alpha_per_tiling(w, tiles, a, r, tiles_next, a_next, terminated, alpha, gamma):
    return A.semi_gradient_sarsa_update(w, tiles, a, r, tiles_next, a_next, terminated, alpha / len(tiles), gamma)


def sarsa_same_action(w, tiles, a, r, tiles_next, a_next, terminated, alpha, gamma):
    return A.semi_gradient_sarsa_update(w, tiles, a, r, tiles_next, a, terminated, alpha, gamma)


def sarsa_returns_after(w, tiles, a, r, tiles_next, a_next, terminated, alpha, gamma):
    A.semi_gradient_sarsa_update(w, tiles, a, r, tiles_next, a_next, terminated, alpha, gamma)
    return (r if terminated else r + gamma * w[a_next, tiles_next].sum()) - w[a, tiles].sum()


class TestChecks(CheckTests):
    module = module
    references = {name: getattr(A, name) for name in module.__all__}
    mistakes = [
        ("gradient_mc_update", mc_rebinds, "in place"),
        ("gradient_mc_update", mc_downhill, "away from G"),
        ("gradient_mc_update", mc_no_features, "not multiplied by the features"),
        ("gradient_mc_update", mc_on_G, "used G itself"),
        ("gradient_mc_update", mc_no_alpha, "alpha is missing"),
        ("gradient_mc_update", mc_returns_error_after, "before the step"),
        ("semi_gradient_td0_update", td_bootstraps_terminal, "bootstrapped from a terminal"),
        ("semi_gradient_td0_update", td_full_gradient, "target's dependence on w"),
        ("semi_gradient_td0_update", td_no_gamma, "gamma is missing"),
        ("semi_gradient_td0_update", td_next_features, "followed x_next"),
        ("semi_gradient_td0_update", td_rebinds, "in place"),
        ("tile_indices", tiles_same_grid, "every tiling gave the same tile"),
        ("tile_indices", tiles_uniform_offsets, "uniform offsets"),
        ("tile_indices", tiles_no_base, "overlap"),
        ("tile_indices", tiles_small_base, r"\(tiles_per_dim \+ 1\) \*\* dims"),
        ("tile_indices", tiles_fortran, "column-major"),
        ("tile_indices", tiles_no_clip, "not clipped"),
        ("tile_indices", tiles_as_floats, "integer tile indices"),
        ("semi_gradient_sarsa_update", sarsa_bootstraps_terminal, "bootstrapped from a terminal"),
        ("semi_gradient_sarsa_update", sarsa_max, "Q-learning"),
        ("semi_gradient_sarsa_update", sarsa_mean, "their sum"),
        ("semi_gradient_sarsa_update", sarsa_all_actions, "every action's weights moved"),
        ("semi_gradient_sarsa_update", sarsa_alpha_per_tiling, "divided by the number of tilings"),
        ("semi_gradient_sarsa_update", sarsa_same_action, "the same action"),
        ("semi_gradient_sarsa_update", sarsa_returns_after, "before the step"),
    ]
    alternatives = [
        ("gradient_mc_update", mc_loops),
        ("gradient_mc_update", mc_slice_assign),
        ("semi_gradient_td0_update", td_loops),
        ("semi_gradient_td0_update", td_einsum),
        ("tile_indices", tiles_loops),
        ("tile_indices", tiles_grid),
        ("semi_gradient_sarsa_update", sarsa_loops),
        ("semi_gradient_sarsa_update", sarsa_add_at),
    ]
