"""Tabular reinforcement learning: epsilon-greedy action selection, Q-learning, SARSA, expected
SARSA, Monte Carlo and TD(0) prediction, value iteration, and training loops on gymnasium.

Sources: Sutton & Barto, *Reinforcement Learning: An Introduction*, 2nd ed. (2018): section 2.2
(epsilon-greedy), 5.1 and 6.1 (MC and TD(0) prediction, Example 6.2 the random walk), 6.4-6.6
(SARSA, Q-learning, expected SARSA; Example 6.6 cliff walking), 4.4 (value iteration); Hong
Xingxing, "DQN" slides (2018), for the MC and TD update equations.

Conventions: Q is a float array (num_states, num_actions); update functions change Q[s, a] in
place and return the TD error. gymnasium's step returns (obs, reward, terminated, truncated,
info): bootstrapping stops only on `terminated` (a real end of the task); on `truncated` (a
time limit) the next state's value is still used, because the task itself had not ended.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


# -- acting --------------------------------------------------------------------------------------
def greedy(q_values, rng: np.random.Generator) -> int:
    """An action with the largest value; ties broken uniformly at random."""
    q_values = np.asarray(q_values)
    best = np.flatnonzero(q_values == q_values.max())
    return int(best[0] if len(best) == 1 else rng.choice(best))


def epsilon_greedy(q_values, epsilon: float, rng: np.random.Generator) -> int:
    """With probability epsilon a uniformly random action, otherwise a greedy one (ties at random).

    q_values: (num_actions,) values of one state; epsilon in [0, 1]; rng: np.random.Generator.
    Returns an int action. Raises ValueError for epsilon outside [0, 1].
    """
    if not 0.0 <= epsilon <= 1.0:
        raise ValueError(f"epsilon must be in [0, 1], got {epsilon}")
    if rng.random() < epsilon:
        return int(rng.integers(len(q_values)))
    return greedy(q_values, rng)


# -- control updates -----------------------------------------------------------------------------
def q_learning_update(Q, s, a, r, s_next, terminated, alpha, gamma) -> float:
    """Q-learning: Q[s, a] += alpha * (r + gamma * max_a' Q[s_next, a'] - Q[s, a]).

    The bootstrap term is dropped when `terminated` (there is no next state's value).
    Changes Q in place; returns the TD error.
    """
    target = r if terminated else r + gamma * np.max(Q[s_next])
    delta = target - Q[s, a]
    Q[s, a] += alpha * delta
    return float(delta)


def sarsa_update(Q, s, a, r, s_next, a_next, terminated, alpha, gamma) -> float:
    """SARSA: Q[s, a] += alpha * (r + gamma * Q[s_next, a_next] - Q[s, a]), with a_next the action
    actually taken next (on-policy). No bootstrap when `terminated`. Returns the TD error."""
    target = r if terminated else r + gamma * Q[s_next, a_next]
    delta = target - Q[s, a]
    Q[s, a] += alpha * delta
    return float(delta)


def expected_sarsa_update(Q, s, a, r, s_next, terminated, alpha, gamma, epsilon) -> float:
    """Expected SARSA: the target averages Q[s_next] under the epsilon-greedy policy. Returns the TD error."""
    if terminated:
        target = r
    else:
        q = Q[s_next]
        probs = np.full(len(q), epsilon / len(q))
        best = np.flatnonzero(q == q.max())
        probs[best] += (1.0 - epsilon) / len(best)
        target = r + gamma * probs @ q
    delta = target - Q[s, a]
    Q[s, a] += alpha * delta
    return float(delta)


# -- prediction on the random walk ---------------------------------------------------------------
RANDOM_WALK_TRUE = np.arange(1, 6) / 6.0  # states A..E (Sutton & Barto, Example 6.2)


def random_walk_episode(rng: np.random.Generator, num_states: int = 5):
    """One episode of the random walk: start in the middle, step left or right with probability 1/2.

    States 0..num_states-1 are non-terminal; leaving on the right gives reward 1, on the left 0.
    Returns (states, rewards): states visited s_0..s_{T-1} and rewards r_1..r_T.
    """
    s, states, rewards = num_states // 2, [], []
    while 0 <= s < num_states:
        states.append(s)
        s += 1 if rng.random() < 0.5 else -1
        rewards.append(1.0 if s == num_states else 0.0)
    return states, rewards


def mc_prediction(V, states, rewards, alpha, gamma=1.0) -> None:
    """Constant-alpha every-visit Monte Carlo: V[s_t] += alpha * (G_t - V[s_t]), in place."""
    G = 0.0
    for t in range(len(states) - 1, -1, -1):
        G = rewards[t] + gamma * G
        V[states[t]] += alpha * (G - V[states[t]])


def td0_prediction(V, states, rewards, alpha, gamma=1.0) -> None:
    """TD(0) over one finished episode: V[s_t] += alpha * (r_{t+1} + gamma V[s_{t+1}] - V[s_t]), in place.

    The last step has no next state (terminal value 0).
    """
    for t, s in enumerate(states):
        v_next = V[states[t + 1]] if t + 1 < len(states) else 0.0
        V[s] += alpha * (rewards[t] + gamma * v_next - V[s])


def random_walk_rms(method: Callable, alpha: float, num_episodes: int = 100, num_runs: int = 100, seed: int = 0):
    """RMS error of V against the true values after each episode, averaged over runs (V starts at 0.5).

    Returns (num_episodes + 1,) errors, entry 0 before any episode.
    """
    rng = np.random.default_rng(seed)
    errors = np.zeros(num_episodes + 1)
    for _ in range(num_runs):
        V = np.full(5, 0.5)
        errors[0] += np.sqrt(np.mean((V - RANDOM_WALK_TRUE) ** 2))
        for ep in range(1, num_episodes + 1):
            method(V, *random_walk_episode(rng), alpha)
            errors[ep] += np.sqrt(np.mean((V - RANDOM_WALK_TRUE) ** 2))
    return errors / num_runs


# -- control loops on gymnasium environments -----------------------------------------------------
METHODS = ("q_learning", "sarsa", "expected_sarsa")  # the control methods run_episode and train accept


def _check_method(method) -> None:
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(map(repr, METHODS))}, got {method!r}")


def run_episode(env, Q, method, alpha, gamma, epsilon, rng, seed=None):
    """One episode of on-line learning with an epsilon-greedy behaviour policy; Q changes in place.

    method: "q_learning", "sarsa" or "expected_sarsa" (`METHODS`). The update bootstraps unless
    the step *terminated*; a truncated step (time limit) still bootstraps from the next state.
    Returns (undiscounted return, number of steps). Raises ValueError for any other method,
    before the env is touched.
    """
    _check_method(method)
    s, _ = env.reset(seed=seed)
    a = epsilon_greedy(Q[s], epsilon, rng)
    total, steps, done = 0.0, 0, False
    while not done:
        s_next, r, terminated, truncated, _ = env.step(a)
        a_next = epsilon_greedy(Q[s_next], epsilon, rng)
        if method == "q_learning":
            q_learning_update(Q, s, a, r, s_next, terminated, alpha, gamma)
        elif method == "sarsa":
            sarsa_update(Q, s, a, r, s_next, a_next, terminated, alpha, gamma)
        else:  # "expected_sarsa", the only other name _check_method lets through
            expected_sarsa_update(Q, s, a, r, s_next, terminated, alpha, gamma, epsilon)
        total, steps = total + r, steps + 1
        s, a = s_next, a_next
        done = terminated or truncated
    return total, steps


def q_learning_episode(env, Q, alpha, gamma, epsilon, rng):
    """One Q-learning episode: act epsilon-greedily, update after every step. Returns (return, steps)."""
    return run_episode(env, Q, "q_learning", alpha, gamma, epsilon, rng)


def train(
    env,
    method: str = "q_learning",
    num_episodes: int = 500,
    alpha: float = 0.5,
    gamma: float = 1.0,
    epsilon: float = 0.1,
    seed: int = 0,
    Q=None,
    epsilon_fn: Callable | None = None,
):
    """Train a tabular agent on a gymnasium env with Discrete observation and action spaces.

    method: "q_learning", "sarsa" or "expected_sarsa". epsilon: exploration (or epsilon_fn(episode)
    for a schedule). The env is reset with seed on the first episode only; actions come from
    np.random.default_rng(seed). Q: starting table (zeros if None), changed in place.
    Returns (Q, returns, lengths): per-episode undiscounted return and number of steps.
    Raises ValueError for an unknown method (see `run_episode`).
    """
    _check_method(method)
    rng = np.random.default_rng(seed)
    Q = np.zeros((env.observation_space.n, env.action_space.n)) if Q is None else Q
    returns, lengths = np.zeros(num_episodes), np.zeros(num_episodes, dtype=int)
    for ep in range(num_episodes):
        eps = epsilon_fn(ep) if epsilon_fn else epsilon
        returns[ep], lengths[ep] = run_episode(env, Q, method, alpha, gamma, eps, rng, seed=seed if ep == 0 else None)
    return Q, returns, lengths


def evaluate(Q, env, num_episodes: int = 100, seed: int = 0):
    """Returns (num_episodes,) of the greedy policy of Q (num_states, num_actions) on env.

    Ties are broken at random with np.random.default_rng(seed); episode i starts from
    env.reset(seed=seed + i). Model first, then env, like `lib.rl.evaluation.evaluate` and
    Stable-Baselines3's `evaluate_policy(model, env, ...)`.
    """
    rng = np.random.default_rng(seed)
    returns = np.zeros(num_episodes)
    for ep in range(num_episodes):
        s, _ = env.reset(seed=seed + ep)
        done = False
        while not done:
            s, r, terminated, truncated, _ = env.step(greedy(Q[s], rng))
            returns[ep] += r
            done = terminated or truncated
    return returns


def value_iteration(
    P,
    num_states: int,
    num_actions: int,
    gamma: float = 1.0,
    horizon: int | None = None,
    theta: float = 1e-10,
    max_iters: int = 100_000,
):
    """Optimal values and a greedy policy from a gymnasium-style transition table.

    P[s][a] = [(prob, next_state, reward, terminated), ...] (the `P` of FrozenLake, Taxi, ...).
    horizon: if given, exactly that many Bellman backups from V = 0, i.e. the optimum for an
    episode of at most `horizon` steps; otherwise iterate until the largest change is below theta.
    Returns (V: (num_states,), policy: (num_states,) ints).
    """
    V = np.zeros(num_states)
    iters = horizon if horizon is not None else max_iters
    for _ in range(iters):
        Qsa = np.zeros((num_states, num_actions))
        for s in range(num_states):
            for a in range(num_actions):
                Qsa[s, a] = sum(p * (r + (0.0 if done else gamma * V[s2])) for p, s2, r, done in P[s][a])
        V_new = Qsa.max(axis=1)
        change = np.max(np.abs(V_new - V))
        V = V_new
        if horizon is None and change < theta:
            break
    return V, Qsa.argmax(axis=1)
