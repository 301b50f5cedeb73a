"""Tabular reinforcement learning: epsilon-greedy action selection, Q-learning, SARSA, expected
SARSA, Double Q-learning, Monte Carlo, TD(0) and TD(lambda) prediction, batch updating, value
iteration, and training loops on gymnasium.

Sources: Sutton & Barto, *Reinforcement Learning: An Introduction*, 2nd ed. (2018): section 2.2
(epsilon-greedy), 5.1 and 6.1 (MC and TD(0) prediction, Example 6.2 the random walk), 6.3 (batch
updating, Examples 6.3-6.4, Figure 6.2), 6.4-6.6 (SARSA, Q-learning, expected SARSA; Example 6.6
cliff walking), 6.7 (maximization bias and Double Q-learning, Example 6.7, Figure 6.5), 12.2
(TD(lambda) with accumulating traces, the 19-state random walk, Figure 12.6), 4.4 (value
iteration); Hong Xingxing, "DQN" slides (2018), for the MC, TD and TD(lambda) update equations.

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


def double_q_learning_update(Q1, Q2, s, a, r, s_next, terminated, alpha, gamma, rng) -> float:
    """Double Q-learning (Sutton & Barto, section 6.7): a fair coin from rng picks the table to update.

    Q1, Q2: (num_states, num_actions) float tables. With probability 1/2 (rng.random() < 0.5) Q1 is
    updated: target r + gamma * Q2[s_next, argmax_a Q1[s_next, a]] (the updated table picks the
    next action, the other one values it); otherwise the same with the roles swapped. No bootstrap
    when `terminated`. Ties in the argmax go to the first action (np.argmax). Changes one table in
    place at [s, a]; returns the TD error of that update. Raises ValueError if the tables' shapes differ.
    """
    if np.shape(Q1) != np.shape(Q2):
        raise ValueError(f"Q1 and Q2 must have the same shape, got {np.shape(Q1)} and {np.shape(Q2)}")
    if rng.random() >= 0.5:
        Q1, Q2 = Q2, Q1  # update the second table this time
    target = r if terminated else r + gamma * Q2[s_next, np.argmax(Q1[s_next])]
    delta = target - Q1[s, a]
    Q1[s, a] += alpha * delta
    return float(delta)


# -- prediction on the random walk ---------------------------------------------------------------
def random_walk_true_values(num_states: int = 5, left_reward: float = 0.0) -> np.ndarray:
    """True values of the equiprobable random walk: (num_states,) floats, linear from the left exit's
    reward to the right exit's (1): left_reward + (1 - left_reward) * (i + 1) / (num_states + 1)."""
    return left_reward + (1.0 - left_reward) * np.arange(1, num_states + 1) / (num_states + 1)


RANDOM_WALK_TRUE = random_walk_true_values(5)  # states A..E (Sutton & Barto, Example 6.2): 1/6 .. 5/6
RANDOM_WALK_19_TRUE = random_walk_true_values(19, -1.0)  # Sutton & Barto, Example 7.1: -0.9 .. 0.9


def random_walk_episode(rng: np.random.Generator, num_states: int = 5, left_reward: float = 0.0):
    """One episode of the random walk: start in the middle, step left or right with probability 1/2.

    States 0..num_states-1 are non-terminal; leaving on the right gives reward 1, on the left
    left_reward (0 in Example 6.2, -1 in the 19-state walk of Example 7.1), every other step 0.
    Returns (states, rewards): states visited s_0..s_{T-1} and rewards r_1..r_T (lists, same length).
    Raises ValueError for num_states < 1.
    """
    if int(num_states) < 1:
        raise ValueError(f"num_states must be >= 1, got {num_states!r}")
    s, states, rewards = num_states // 2, [], []
    while 0 <= s < num_states:
        states.append(s)
        s += 1 if rng.random() < 0.5 else -1
        rewards.append(1.0 if s == num_states else left_reward if s < 0 else 0.0)
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


def td_lambda_prediction(V, states, rewards, alpha, lam, gamma=1.0) -> None:
    """Tabular TD(lambda) with accumulating eligibility traces over one finished episode, in place.

    V: (num_states,) or (num_states, K) floats: with K columns, K value functions learn from the same
    episode, and alpha and lam may be numbers or (K,) arrays (one setting per column). At each step
    delta = r_{t+1} + gamma V[s_{t+1}] - V[s_t] (terminal value 0), then every trace decays,
    e = gamma * lam * e, the visited state's grows, e[s_t] += 1, and V += alpha * delta * e
    (Sutton & Barto, section 12.2, tabular case). lam = 0 is TD(0).
    """
    e = np.zeros_like(V, dtype=float)
    for t, s in enumerate(states):
        v_next = V[states[t + 1]] if t + 1 < len(states) else 0.0
        delta = rewards[t] + gamma * v_next - V[s]
        e *= gamma * np.asarray(lam)
        e[s] += 1.0
        V += np.asarray(alpha) * delta * e


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


def affine_increments(method: Callable, states, rewards, num_states: int, gamma: float = 1.0, alpha: float = 1e-6):
    """The increment an episode asks of V, as an affine map: (A, b) with method's change of V equal to
    alpha * (A @ V + b) for V held fixed (to first order in alpha).

    method(V, states, rewards, alpha, gamma) updates a (num_states,) V in place (mc_prediction,
    td0_prediction). Both are affine in V, so num_states + 1 calls with a tiny alpha (V = 0, then
    each unit vector) give b and the columns of A. Returns A: (num_states, num_states), b: (num_states,).
    """

    def step(V):
        V = np.array(V, dtype=float)
        before = V.copy()
        method(V, states, rewards, alpha, gamma)
        return (V - before) / alpha

    b = step(np.zeros(num_states))
    A = np.stack([step(np.eye(num_states)[i]) - b for i in range(num_states)], axis=1)
    return A, b


def batch_random_walk_rms(method: Callable, num_episodes: int = 100, num_runs: int = 100, seed: int = 0, V0=0.5):
    """Batch updating on the 5-state random walk (Sutton & Barto, section 6.3, Figure 6.2).

    After each new episode, the increments that method (mc_prediction or td0_prediction) asks of
    every episode seen so far are summed with V held fixed and applied, over and over, until V
    stops changing. That limit solves sum_episodes (A V + b) = 0 (see `affine_increments`), which
    is solved here directly; states never visited keep V0. The answer does not depend on alpha.
    Returns (num_episodes,) RMS errors after episodes 1..num_episodes, averaged over num_runs.
    """
    rng = np.random.default_rng(seed)
    n = len(RANDOM_WALK_TRUE)
    errors = np.zeros(num_episodes)
    for _ in range(num_runs):
        A, b, seen = np.zeros((n, n)), np.zeros(n), np.zeros(n, dtype=bool)
        for ep in range(num_episodes):
            states, rewards = random_walk_episode(rng)
            A_ep, b_ep = affine_increments(method, states, rewards, n)
            A, b = A + A_ep, b + b_ep
            seen[states] = True
            V = np.full(n, float(V0))
            V[seen] = np.linalg.solve(A[np.ix_(seen, seen)], -b[seen])
            errors[ep] += np.sqrt(np.mean((V - RANDOM_WALK_TRUE) ** 2))
    return errors / num_runs


def lambda_sweep(method: Callable, alphas, lams, num_episodes: int = 10, num_runs: int = 100, seed: int = 0):
    """RMS error of TD(lambda) on the 19-state random walk (Sutton & Barto, Figure 12.6's setting).

    method: td_lambda_prediction(V, states, rewards, alpha, lam, gamma), run once per episode on a
    (19, len(lams) * len(alphas)) V, one column per (lam, alpha), all starting at 0 and learning from
    the same episodes. Returns (len(lams), len(alphas)): the RMS error over the 19 states after each
    episode, averaged over the first num_episodes episodes and num_runs runs (inf where it overflowed).
    """
    if np.any(np.asarray(lams) < 0) or np.any(np.asarray(lams) > 1) or np.any(np.asarray(alphas) <= 0):
        raise ValueError(f"lams must lie in [0, 1] and alphas be > 0, got lams={lams!r}, alphas={alphas!r}")
    lam_grid, alpha_grid = (np.asarray(x, dtype=float).ravel() for x in np.meshgrid(lams, alphas, indexing="ij"))
    rng = np.random.default_rng(seed)
    total = np.zeros(len(lam_grid))
    with np.errstate(all="ignore"):
        for _ in range(num_runs):
            V = np.zeros((19, len(lam_grid)))
            for _ in range(num_episodes):
                method(V, *random_walk_episode(rng, 19, -1.0), alpha_grid, lam_grid, 1.0)
                total += np.sqrt(np.mean((V - RANDOM_WALK_19_TRUE[:, None]) ** 2, axis=0))
    rms = total / (num_runs * num_episodes)
    return np.where(np.isfinite(rms), rms, np.inf).reshape(len(lams), len(alphas))


# -- maximization bias (Sutton & Barto, Example 6.7) -----------------------------------------------
MAX_BIAS_A, MAX_BIAS_B, MAX_BIAS_LEFT, MAX_BIAS_RIGHT = 0, 1, 0, 1


def maximization_bias(
    update: Callable,
    double: bool = False,
    num_runs: int = 1000,
    num_episodes: int = 300,
    num_b_actions: int = 10,
    alpha: float = 0.1,
    epsilon: float = 0.1,
    seed: int = 0,
):
    """The share of runs that go left from A in each episode of Example 6.7 (Sutton & Barto, Figure 6.5).

    The MDP: from A, right ends the episode with reward 0; left leads, with reward 0, to B, where
    each of num_b_actions actions ends it with a reward drawn from N(-0.1, 1). Going left is worse
    (expected -0.1), so the best epsilon-greedy policy goes left epsilon / 2 of the time. The agent
    acts epsilon-greedily (ties at random) on Q, or on Q1 + Q2 when double, with gamma = 1, and
    learns with update: q_learning_update(Q, s, a, r, s_next, terminated, alpha, gamma), or with
    double, double_q_learning_update(Q1, Q2, s, a, r, s_next, terminated, alpha, gamma, rng).
    Tables are (2, num_b_actions), A's row using its first two entries. Returns (num_episodes,) floats.
    Raises ValueError for num_b_actions < 2 or num_runs, num_episodes < 1.
    """
    if int(num_b_actions) < 2:
        raise ValueError(f"num_b_actions must be >= 2 (the table's row A holds left and right), got {num_b_actions!r}")
    if int(num_runs) < 1 or int(num_episodes) < 1:
        raise ValueError(f"num_runs and num_episodes must be >= 1, got {num_runs!r} and {num_episodes!r}")
    rng = np.random.default_rng(seed)
    left = np.zeros(num_episodes)
    for _ in range(num_runs):
        tables = [np.zeros((2, num_b_actions)) for _ in range(2 if double else 1)]
        for ep in range(num_episodes):
            q = tables[0] + tables[1] if double else tables[0]
            a = epsilon_greedy(q[MAX_BIAS_A, :2], epsilon, rng)
            if a == MAX_BIAS_RIGHT:
                steps = [(MAX_BIAS_A, a, 0.0, MAX_BIAS_A, True)]
            else:
                left[ep] += 1
                b = epsilon_greedy(q[MAX_BIAS_B], epsilon, rng)
                steps = [
                    (MAX_BIAS_A, a, 0.0, MAX_BIAS_B, False),
                    (MAX_BIAS_B, b, rng.normal(-0.1, 1.0), MAX_BIAS_B, True),
                ]
            for s, act, r, s_next, terminated in steps:
                if double:
                    update(tables[0], tables[1], s, act, r, s_next, terminated, alpha, 1.0, rng)
                else:
                    update(tables[0], s, act, r, s_next, terminated, alpha, 1.0)
    return left / num_runs


# -- control loops on gymnasium environments -----------------------------------------------------
METHODS = ("q_learning", "sarsa", "expected_sarsa")  # the control methods run_episode and train accept


def _check_method(method) -> None:
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(map(repr, METHODS))}, got {method!r}")


_UPDATES = {"q_learning": q_learning_update, "sarsa": sarsa_update, "expected_sarsa": expected_sarsa_update}


def run_episode(env, Q, method, alpha, gamma, epsilon, rng, seed=None, update=None, act=None):
    """One episode of on-line learning with an epsilon-greedy behaviour policy; Q changes in place.

    method: "q_learning", "sarsa" or "expected_sarsa" (`METHODS`). The update bootstraps unless
    the step *terminated*; a truncated step (time limit) still bootstraps from the next state.
    update: the update function to call instead of this module's (a student's), with the
    signature of the method's: q_learning_update(Q, s, a, r, s_next, terminated, alpha, gamma),
    sarsa_update(..., s_next, a_next, terminated, alpha, gamma), expected_sarsa_update(...,
    alpha, gamma, epsilon). act: epsilon_greedy(q_values, epsilon, rng) to call instead of this
    module's. Returns (undiscounted return, number of steps). Raises ValueError for any other
    method, before the env is touched.
    """
    _check_method(method)
    update = update or _UPDATES[method]
    act = act or epsilon_greedy
    s, _ = env.reset(seed=seed)
    a = act(Q[s], epsilon, rng)
    total, steps, done = 0.0, 0, False
    while not done:
        s_next, r, terminated, truncated, _ = env.step(a)
        a_next = act(Q[s_next], epsilon, rng)
        if method == "q_learning":
            update(Q, s, a, r, s_next, terminated, alpha, gamma)
        elif method == "sarsa":
            update(Q, s, a, r, s_next, a_next, terminated, alpha, gamma)
        else:  # "expected_sarsa", the only other name _check_method lets through
            update(Q, s, a, r, s_next, terminated, alpha, gamma, epsilon)
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
    update: Callable | None = None,
    act: Callable | None = None,
):
    """Train a tabular agent on a gymnasium env with Discrete observation and action spaces.

    method: "q_learning", "sarsa" or "expected_sarsa". epsilon: exploration (or epsilon_fn(episode)
    for a schedule). The env is reset with seed on the first episode only; actions come from
    np.random.default_rng(seed). Q: starting table (zeros if None), changed in place. update, act:
    a student's update rule and epsilon_greedy to use instead of this module's (see `run_episode`).
    Returns (Q, returns, lengths): per-episode undiscounted return and number of steps.
    Raises ValueError for an unknown method (see `run_episode`).
    """
    _check_method(method)
    rng = np.random.default_rng(seed)
    Q = np.zeros((env.observation_space.n, env.action_space.n)) if Q is None else Q
    returns, lengths = np.zeros(num_episodes), np.zeros(num_episodes, dtype=int)
    for ep in range(num_episodes):
        eps = epsilon_fn(ep) if epsilon_fn else epsilon
        returns[ep], lengths[ep] = run_episode(
            env, Q, method, alpha, gamma, eps, rng, seed=seed if ep == 0 else None, update=update, act=act
        )
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
