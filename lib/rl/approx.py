"""Linear function approximation for reinforcement learning: gradient Monte Carlo and semi-gradient
TD(0) prediction on the 1000-state random walk, state aggregation, polynomial and Fourier bases,
tile coding, semi-gradient SARSA on MountainCar, and Baird's counterexample.

Sources: Sutton & Barto, *Reinforcement Learning: An Introduction*, 2nd ed. (2018): section 9.3
(gradient Monte Carlo, semi-gradient TD(0); Example 9.1 the 1000-state random walk, Figures 9.1
and 9.2), 9.5 (polynomial, Fourier and tile coding features; Figure 9.5), 10.1 (semi-gradient
SARSA, Example 10.1 Mountain Car, Figure 10.1), 11.2 (Example 11.1 Baird's counterexample,
Figure 11.2) and 11.3 (the deadly triad); Hong Xingxing, "DQN" slides (2018), for the gradient MC
and semi-gradient TD(0) updates.

Conventions: a value is linear in the weights, v(s, w) = w . x(s), with x(s) a float feature
vector (d,); an action value with tile coding is q(s, a, w) = sum of w[a, i] over the active tiles
i of s, w being (num_actions, num_features). Update functions change w in place and return the
error they stepped on. Nothing here imports lib.checks or lib.course.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

N_STATES, JUMP = 1000, 100  # S&B Example 9.1


# -- the 1000-state random walk ----------------------------------------------------------------------
def _check_walk(n_states: int, jump: int) -> None:
    if not (isinstance(n_states, (int, np.integer)) and n_states >= 2):
        raise ValueError(f"n_states must be an int >= 2, got {n_states!r}")
    if not (isinstance(jump, (int, np.integer)) and 1 <= jump):
        raise ValueError(f"jump must be an int >= 1, got {jump!r}")


def _walk_model(n_states: int, jump: int):
    """(P, r): transition probabilities among the non-terminal states (n_states, n_states) and the
    expected reward of one step from each state (n_states,)."""
    P = np.zeros((n_states, n_states))
    r = np.zeros(n_states)
    p = 1.0 / (2 * jump)
    i = np.arange(n_states)  # index i is state i + 1
    for k in (*range(-jump, 0), *range(1, jump + 1)):  # one jump of k for every state at once
        j = i + k
        inside = (j >= 0) & (j < n_states)
        P[i[inside], j[inside]] += p
        r -= p * (j < 0)
        r += p * (j >= n_states)
    return P, r


def random_walk_true_values(n_states: int = N_STATES, jump: int = JUMP) -> np.ndarray:
    """True values v_pi(s) of the random walk, s = 1..n_states, as a float64 array (n_states,).

    From state s the walk jumps to one of the `jump` states on its left or right with equal
    probability (2 * jump choices); a jump past state 1 ends the episode with reward -1, past
    n_states with +1; gamma = 1. The values solve the Bellman equation v = P v + r exactly (one
    linear system, the limit of dynamic programming). S&B Example 9.1. Raises ValueError for
    n_states < 2 or jump < 1.
    """
    _check_walk(n_states, jump)
    P, r = _walk_model(n_states, jump)
    return np.linalg.solve(np.eye(n_states) - P, r)


def random_walk_td_fixed_point(features, n_states: int = N_STATES, jump: int = JUMP):
    """The TD fixed point of linear TD(0) on the random walk and its on-policy distribution.

    features: float array (n_states + 1, d), row s the features of state s (row 0 unused), of full
    column rank over the visited states. Returns (w_td, mu): w_td (d,) solves A w = b with
    A = X^T D (I - P) X and b = X^T D r (gamma = 1), the weights at which the expected
    semi-gradient TD(0) update is zero; mu (n_states,) is the on-policy distribution of S&B (9.2)
    and (9.3): the expected visits per episode from the middle start state, normalized to sum 1.
    S&B section 9.4 (equation 9.12). Raises ValueError when `features` does not have
    n_states + 1 rows, or for n_states < 2 or jump < 1.
    """
    _check_walk(n_states, jump)
    X = np.asarray(features, dtype=float)
    if X.ndim != 2 or X.shape[0] != n_states + 1:
        raise ValueError(f"features must have shape (n_states + 1, d) = ({n_states + 1}, d), got {X.shape}")
    P, r = _walk_model(n_states, jump)
    start = np.zeros(n_states)
    start[n_states // 2 - 1] = 1.0  # state n_states // 2
    eta = np.linalg.solve(np.eye(n_states) - P.T, start)  # expected visits per episode
    mu = eta / eta.sum()
    X = X[1:]
    A = X.T @ (mu[:, None] * (X - P @ X))
    b = X.T @ (mu * r)
    return np.linalg.solve(A, b), mu


def random_walk_episode(rng: np.random.Generator, n_states: int = N_STATES, jump: int = JUMP):
    """One episode of the random walk from the middle state (n_states // 2).

    Returns (states, reward): the visited states, an int array (T,) with values in 1..n_states
    (S_0 .. S_{T-1}), and the final reward, -1 (left end) or +1 (right end); every other reward is 0.
    """
    _check_walk(n_states, jump)
    start, chunks = n_states // 2, []
    while True:  # jumps drawn 128 at a time; the walk stops at the first one that leaves 1..n_states
        k = rng.integers(1, jump + 1, size=128) * np.where(rng.random(128) < 0.5, -1, 1)
        path = start + np.cumsum(k)
        out = np.flatnonzero((path < 1) | (path > n_states))
        if len(out):
            end = out[0]
            chunks.append(np.concatenate(([start], path[:end])))
            return np.concatenate(chunks).astype(int), (-1.0 if path[end] < 1 else 1.0)
        chunks.append(np.concatenate(([start], path[:-1])))
        start = int(path[-1])


# -- features -------------------------------------------------------------------------------------
def aggregation_features(n_states: int = N_STATES, n_groups: int = 10) -> np.ndarray:
    """State aggregation: a one-hot row per state (n_states + 1, n_groups), row s for state s
    (row 0, never used by the walk, is all zeros). Group g holds states g * n_states / n_groups + 1
    and on. S&B 9.3. Raises ValueError unless n_groups divides n_states."""
    if not (isinstance(n_groups, (int, np.integer)) and n_groups >= 1 and n_states % n_groups == 0):
        raise ValueError(f"n_groups must be a positive divisor of n_states = {n_states}, got {n_groups!r}")
    X = np.zeros((n_states + 1, n_groups))
    groups = np.arange(n_states) // (n_states // n_groups)
    X[np.arange(1, n_states + 1), groups] = 1.0
    return X


def _scaled_states(n_states: int) -> np.ndarray:
    return np.arange(n_states + 1) / n_states  # state s -> s / n in [0, 1] (row 0 unused)


def polynomial_features(n_states: int = N_STATES, order: int = 5) -> np.ndarray:
    """Polynomial basis of the state scaled to [0, 1]: x_i(s) = (s / n)^i, i = 0..order; an array
    (n_states + 1, order + 1), row s for state s. S&B 9.5.1. Raises ValueError for order < 0."""
    if not (isinstance(order, (int, np.integer)) and order >= 0):
        raise ValueError(f"order must be an int >= 0, got {order!r}")
    return _scaled_states(n_states)[:, None] ** np.arange(order + 1)


def fourier_features(n_states: int = N_STATES, order: int = 5) -> np.ndarray:
    """Fourier cosine basis of the state scaled to [0, 1]: x_i(s) = cos(i pi s / n), i = 0..order;
    an array (n_states + 1, order + 1), row s for state s. S&B 9.5.2. Raises ValueError for
    order < 0."""
    if not (isinstance(order, (int, np.integer)) and order >= 0):
        raise ValueError(f"order must be an int >= 0, got {order!r}")
    return np.cos(np.pi * _scaled_states(n_states)[:, None] * np.arange(order + 1))


# -- prediction updates ---------------------------------------------------------------------------
def gradient_mc_update(w, x, G, alpha) -> float:
    """Gradient Monte Carlo: w += alpha * (G - w . x) * x, in place; returns the error G - w . x
    (before the step).

    w: float (d,) weights; x: (d,) features of the state; G: the return that followed it; alpha:
    step size. The gradient of v(s, w) = w . x is x. S&B 9.3 (the gradient MC algorithm).
    """
    error = G - np.dot(w, x)
    w += alpha * error * np.asarray(x)
    return float(error)


def semi_gradient_td0_update(w, x, r, x_next, terminated, alpha, gamma) -> float:
    """Semi-gradient TD(0): delta = r + gamma * w . x_next - w . x (just r - w . x when terminated),
    then w += alpha * delta * x, in place; returns delta.

    w: float (d,); x, x_next: (d,) features of S_t and S_{t+1}; r: R_{t+1}. Only the gradient of
    the estimate v(S_t, w) is followed: the target also depends on w, but is treated as fixed
    (hence "semi"). S&B 9.3.
    """
    target = r if terminated else r + gamma * np.dot(w, x_next)
    delta = target - np.dot(w, x)
    w += alpha * delta * np.asarray(x)
    return float(delta)


def run_gradient_mc(update: Callable, features: np.ndarray, episodes: int, alpha, seed: int = 0, on_episode=None):
    """Gradient MC prediction on the random walk with `update(w, x, G, alpha)` (the student's or
    gradient_mc_update), from w = 0. gamma = 1, so every state's return is the final reward.

    features: (n_states + 1, d), row s for state s. alpha: a step size, or a function of the
    episode number i = 0, 1, ... giving it (a decreasing schedule lets the weights settle).
    on_episode(i, w), if given, is called after episode i with the current weights. Returns
    (w (d,), visits (n_states + 1,)): the weights, and the visits per state, the on-policy
    distribution of S&B Figure 9.1 up to normalization.
    """
    n_states = features.shape[0] - 1
    rng = np.random.default_rng(seed)
    w = np.zeros(features.shape[1])
    visits = np.zeros(n_states + 1)
    for i in range(episodes):
        states, G = random_walk_episode(rng, n_states)
        np.add.at(visits, states, 1)
        step = alpha(i) if callable(alpha) else alpha
        for s in states:
            update(w, features[s], G, step)
        if on_episode is not None:
            on_episode(i, w)
    return w, visits


def run_semi_gradient_td0(update: Callable, features: np.ndarray, episodes: int, alpha: float, seed: int = 0):
    """Semi-gradient TD(0) prediction on the random walk with
    `update(w, x, r, x_next, terminated, alpha, gamma)`, gamma = 1, from w = 0. Returns w (d,)."""
    n_states = features.shape[0] - 1
    rng = np.random.default_rng(seed)
    w = np.zeros(features.shape[1])
    zero = np.zeros(features.shape[1])
    for _ in range(episodes):
        states, reward = random_walk_episode(rng, n_states)
        for t, s in enumerate(states):
            last = t == len(states) - 1
            x_next = zero if last else features[states[t + 1]]
            update(w, features[s], reward if last else 0.0, x_next, last, alpha, 1.0)
    return w


def tile_features(tile_fn: Callable, n_states: int = N_STATES, num_tilings: int = 4, tiles_per_dim: int = 5):
    """Tile-coding features of the random walk's states: a binary array (n_states + 1,
    num_tiles(num_tilings, tiles_per_dim, 1)), row s holding ones at tile_fn(s, 1, n_states,
    num_tilings, tiles_per_dim) (the student's tile_indices or the reference); row 0 is zeros."""
    X = np.zeros((n_states + 1, num_tiles(num_tilings, tiles_per_dim, 1)))
    for s in range(1, n_states + 1):
        X[s, tile_fn(float(s), 1.0, float(n_states), num_tilings, tiles_per_dim)] = 1.0
    return X


def value_error(w, features, true_values, weights=None) -> float:
    """Root of the (weighted) mean squared error of v(s, w) = features[s] . w over the states
    1..n: sqrt(sum_s mu(s) (v(s, w) - v_pi(s))^2), mu = weights / sum (uniform when None).
    S&B 9.2 (the value error VE)."""
    v = features[1:] @ np.asarray(w)
    mu = np.ones(len(v)) if weights is None else np.asarray(weights, dtype=float)
    return float(np.sqrt(np.sum(mu * (v - true_values) ** 2) / np.sum(mu)))


# -- tile coding ----------------------------------------------------------------------------------
def num_tiles(num_tilings: int, tiles_per_dim: int, dims: int) -> int:
    """Number of features of `tile_indices`: num_tilings * (tiles_per_dim + 1) ** dims."""
    return num_tilings * (tiles_per_dim + 1) ** dims


def tile_indices(state, low, high, num_tilings, tiles_per_dim) -> np.ndarray:
    """The active tile of each tiling for a state in a box: an int array (num_tilings,).

    state, low, high: (dims,) (a float for one dimension); the state is clipped to [low, high]
    and scaled to u = (state - low) / (high - low) * tiles_per_dim in [0, tiles_per_dim].
    Tiling k (k = 0..num_tilings-1) is the grid of unit tiles shifted by
    offset_kj = (k * (2 j + 1) / num_tilings) mod 1 of a tile in dimension j (the asymmetric
    offsets of S&B 9.5.4: 1, 3, 5, ... times the base displacement); its tile coordinates are
    c_j = floor(u_j + offset_kj), in 0..tiles_per_dim, so each tiling has (tiles_per_dim + 1)^dims
    tiles. The tile's index is k * (tiles_per_dim + 1)^dims + the row-major (C-order) index of c.
    Raises ValueError for high <= low, num_tilings or tiles_per_dim < 1, or mismatched shapes.
    """
    state, low, high = (np.atleast_1d(np.asarray(v, dtype=float)) for v in (state, low, high))
    if not state.shape == low.shape == high.shape or state.ndim != 1:
        raise ValueError(
            f"state, low and high must have the same shape (dims,), got {state.shape}, {low.shape}, {high.shape}"
        )
    if np.any(high <= low):
        raise ValueError(f"high must be above low in every dimension, got low {low}, high {high}")
    if num_tilings < 1 or tiles_per_dim < 1:
        raise ValueError(f"num_tilings and tiles_per_dim must be >= 1, got {num_tilings} and {tiles_per_dim}")
    dims = len(state)
    u = (np.clip(state, low, high) - low) / (high - low) * tiles_per_dim
    k = np.arange(num_tilings)[:, None]
    offsets = (k * (2 * np.arange(dims) + 1) / num_tilings) % 1.0  # (num_tilings, dims)
    coords = np.floor(u + offsets).astype(int)
    side = tiles_per_dim + 1
    flat = np.ravel_multi_index(tuple(coords.T), (side,) * dims)
    return k[:, 0] * side**dims + flat


# -- control: semi-gradient SARSA -----------------------------------------------------------------
def semi_gradient_sarsa_update(w, tiles, a, r, tiles_next, a_next, terminated, alpha, gamma) -> float:
    """Semi-gradient SARSA with tile coding, in place; returns the TD error.

    w: float (num_actions, num_features); tiles, tiles_next: int (num_tilings,) active tiles of
    S_t and S_{t+1}; q(s, a) = w[a, tiles].sum(). delta = r + gamma * q(S_{t+1}, a_next) - q(S_t, a)
    (just r - q(S_t, a) when terminated), then w[a, tiles] += alpha * delta (the gradient of q
    with respect to w[a] is 1 on the active tiles). S&B 10.1 (episodic semi-gradient SARSA).
    """
    target = r if terminated else r + gamma * w[a_next, tiles_next].sum()
    delta = target - w[a, tiles].sum()
    w[a, tiles] += alpha * delta
    return float(delta)


MOUNTAIN_CAR_LOW = np.array([-1.2, -0.07])
MOUNTAIN_CAR_HIGH = np.array([0.6, 0.07])


def _greedy(q, rng) -> int:
    best = np.flatnonzero(q == q.max())
    return int(best[0] if len(best) == 1 else rng.choice(best))


def sarsa_episode(env, w, tile_fn: Callable, update: Callable, alpha, gamma=1.0, epsilon=0.0, rng=None, tiling=(8, 8)):
    """One episode of semi-gradient SARSA on a gymnasium env with a Box observation (MountainCar).

    tile_fn(state, low, high, num_tilings, tiles_per_dim) -> active tiles (the student's or
    tile_indices); update(w, tiles, a, r, tiles_next, a_next, terminated, alpha, gamma) (the
    student's or semi_gradient_sarsa_update); w (num_actions, num_features) changes in place.
    Actions are epsilon-greedy in q(s, .) = w[:, tiles].sum(1) (ties at random). Bootstrapping
    stops on `terminated` only. Returns the number of steps.
    """
    rng = rng if rng is not None else np.random.default_rng(0)
    low, high = env.observation_space.low.astype(float), env.observation_space.high.astype(float)
    n_tilings, per_dim = tiling

    def act(tiles):
        if rng.random() < epsilon:
            return int(rng.integers(w.shape[0]))
        return _greedy(w[:, tiles].sum(axis=1), rng)

    obs, _ = env.reset(seed=int(rng.integers(2**31)))
    tiles = tile_fn(obs, low, high, n_tilings, per_dim)
    a, steps = act(tiles), 0
    while True:
        obs, r, terminated, truncated, _ = env.step(a)
        steps += 1
        tiles_next = tile_fn(obs, low, high, n_tilings, per_dim)
        a_next = act(tiles_next)
        update(w, tiles, a, r, tiles_next, a_next, terminated, alpha, gamma)
        if terminated or truncated:
            return steps
        tiles, a = tiles_next, a_next


def cost_to_go(w, tile_fn: Callable, low, high, tiling=(8, 8), resolution: int = 40):
    """-max_a q(s, a) on a resolution x resolution grid of the 2-D box [low, high] (S&B Figure
    10.1). Returns (xs (resolution,), ys (resolution,), cost (resolution, resolution)), cost[i, j]
    at (xs[j], ys[i])."""
    xs = np.linspace(low[0], high[0], resolution)
    ys = np.linspace(low[1], high[1], resolution)
    cost = np.empty((resolution, resolution))
    for i, y in enumerate(ys):
        for j, x in enumerate(xs):
            tiles = tile_fn(np.array([x, y]), low, high, *tiling)
            cost[i, j] = -w[:, tiles].sum(axis=1).max()
    return xs, ys, cost


# -- Baird's counterexample -----------------------------------------------------------------------
def baird_features() -> np.ndarray:
    """Features of Baird's seven states (7, 8): v(s_i) = 2 w_i + w_8 for the six upper states
    i = 1..6, v(s_7) = w_7 + 2 w_8 (S&B Example 11.1, Figure 11.1; row i - 1 for state i)."""
    X = np.zeros((7, 8))
    X[np.arange(6), np.arange(6)] = 2.0
    X[:6, 7] = 1.0
    X[6, 6], X[6, 7] = 1.0, 2.0
    return X


BAIRD_W0 = np.array([1.0, 1, 1, 1, 1, 1, 10, 1])  # S&B Figure 11.2's initial weights


def run_baird(update: Callable, steps: int = 1000, alpha: float = 0.01, gamma: float = 0.99, seed: int = 0):
    """Off-policy semi-gradient TD(0) on Baird's counterexample with the behaviour policy
    b(dashed) = 6/7, b(solid) = 1/7 and the target policy pi(solid) = 1; all rewards 0.

    The dashed action moves to one of the six upper states at random, the solid one to state 7.
    Each step calls update(w, x, 0, x_next, False, alpha * rho, gamma) with the importance ratio
    rho = pi(a|s) / b(a|s), 7 after a solid action; a dashed step has rho = 0 and changes nothing.
    The start state is drawn uniformly. Returns the weights after every step, (steps + 1, 8).
    S&B Example 11.1, Figure 11.2 (left).
    """
    X = baird_features()
    rng = np.random.default_rng(seed)
    w = BAIRD_W0.copy()
    history = [w.copy()]
    s = int(rng.integers(7))
    for _ in range(steps):
        solid = rng.random() < 1 / 7
        s_next = 6 if solid else int(rng.integers(6))
        if solid:
            update(w, X[s], 0.0, X[s_next], False, alpha * 7.0, gamma)
        history.append(w.copy())
        s = s_next
    return np.array(history)
