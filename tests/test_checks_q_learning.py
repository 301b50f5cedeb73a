"""Checks of assignment 06: the reference passes; stubs and the issue's typical mistakes are named;
correct versions written otherwise pass."""

import itertools

import numpy as np
from check_harness import CheckTests

import lib.checks.q_learning as module
from lib.rl import tabular as T


def eg_first_tie(q, epsilon, rng):
    return int(rng.integers(len(q))) if rng.random() < epsilon else int(np.argmax(q))


def eg_never_explores(q, epsilon, rng):
    return T.greedy(q, rng)


def eg_always_explores(q, epsilon, rng):
    return int(rng.integers(len(q)))


def eg_inverted(q, epsilon, rng):
    return T.greedy(q, rng) if rng.random() < epsilon else int(rng.integers(len(q)))


def q_bootstraps_terminal(Q, s, a, r, s_next, terminated, alpha, gamma):
    delta = r + gamma * Q[s_next].max() - Q[s, a]
    Q[s, a] += alpha * delta
    return delta


def q_alpha_on_target(Q, s, a, r, s_next, terminated, alpha, gamma):
    target = r if terminated else r + gamma * Q[s_next].max()
    Q[s, a] += alpha * target
    return target - Q[s, a]


def q_no_step_size(Q, s, a, r, s_next, terminated, alpha, gamma):
    return T.q_learning_update(Q, s, a, r, s_next, terminated, 1.0, gamma)


def q_no_gamma(Q, s, a, r, s_next, terminated, alpha, gamma):
    return T.q_learning_update(Q, s, a, r, s_next, terminated, alpha, 1.0)


def q_same_action_next(Q, s, a, r, s_next, terminated, alpha, gamma):
    return T.sarsa_update(Q, s, a, r, s_next, a, terminated, alpha, gamma)


def sarsa_same_action_next(Q, s, a, r, s_next, a_next, terminated, alpha, gamma):
    return T.sarsa_update(Q, s, a, r, s_next, a, terminated, alpha, gamma)


def episode_fixed_epsilon(env, Q, alpha, gamma, epsilon, rng):
    return T.q_learning_episode(env, Q, alpha, gamma, 0.1, rng)


def episode_updates_greedy_action(env, Q, alpha, gamma, epsilon, rng):
    """Steps with the epsilon-greedy action but updates the greedy one."""
    s, _ = env.reset()
    total, steps, done = 0.0, 0, False
    while not done:
        a = T.epsilon_greedy(Q[s], epsilon, rng)
        s2, r, term, trunc, _ = env.step(a)
        T.q_learning_update(Q, s, int(np.argmax(Q[s])), r, s2, term, alpha, gamma)
        total, steps, s, done = total + r, steps + 1, s2, term or trunc
    return total, steps


def episode_sarsa_target(env, Q, alpha, gamma, epsilon, rng):
    """Bootstraps from the action it takes next: SARSA, not Q-learning."""
    return T.run_episode(env, Q, "sarsa", alpha, gamma, epsilon, rng)


def q_returns_nothing_but_correct_q(Q, s, a, r, s_next, terminated, alpha, gamma):
    T.q_learning_update(Q, s, a, r, s_next, terminated, alpha, gamma)


def sarsa_uses_max(Q, s, a, r, s_next, a_next, terminated, alpha, gamma):
    return T.q_learning_update(Q, s, a, r, s_next, terminated, alpha, gamma)


def sarsa_bootstraps_terminal(Q, s, a, r, s_next, a_next, terminated, alpha, gamma):
    return T.sarsa_update(Q, s, a, r, s_next, a_next, False, alpha, gamma)


def episode_cuts_on_truncation(env, Q, alpha, gamma, epsilon, rng):
    s, _ = env.reset()
    total, steps, done = 0.0, 0, False
    while not done:
        a = T.epsilon_greedy(Q[s], epsilon, rng)
        s2, r, term, trunc, _ = env.step(a)
        T.q_learning_update(Q, s, a, r, s2, term or trunc, alpha, gamma)
        total, steps, s, done = total + r, steps + 1, s2, term or trunc
    return total, steps


def episode_ignores_terminated(env, Q, alpha, gamma, epsilon, rng):
    s, _ = env.reset()
    total, steps, done = 0.0, 0, False
    while not done:
        a = T.epsilon_greedy(Q[s], epsilon, rng)
        s2, r, term, trunc, _ = env.step(a)
        T.q_learning_update(Q, s, a, r, s2, False, alpha, gamma)
        total, steps, s, done = total + r, steps + 1, s2, term or trunc
    return total, steps


def eg_explores_too_often(q, epsilon, rng):
    return T.epsilon_greedy(q, min(1.0, 1.5 * epsilon), rng)


def eg_random_excludes_greedy(q, epsilon, rng):
    best = T.greedy(q, rng)
    if rng.random() < epsilon:
        return int(rng.choice([a for a in range(len(q)) if a != best]))
    return best


def eg_global_generator(q, epsilon, rng):
    if np.random.random() < epsilon:
        return int(np.random.randint(len(q)))
    return T.greedy(q, rng)


def eg_fresh_generator(q, epsilon, rng):
    return T.epsilon_greedy(q, epsilon, np.random.default_rng())


def eg_tie_position(q, epsilon, rng):
    """Draws a position among the ties and returns it instead of the action there."""
    if rng.random() < epsilon:
        return int(rng.integers(len(q)))
    return int(rng.integers(len(np.flatnonzero(q == q.max()))))


def eg_by_probabilities(q, epsilon, rng):
    """One draw from the policy's distribution: epsilon / A everywhere, the rest shared by the best."""
    q = np.asarray(q, dtype=np.float32)
    best = q == q.max()
    probs = np.full(len(q), epsilon / len(q)) + best * (1 - epsilon) / best.sum()
    return int(rng.choice(len(q), p=probs))


def eg_coin_above(q, epsilon, rng):
    """Greedy when the coin lands at or above epsilon: exploring still has probability epsilon."""
    if rng.random() >= epsilon:
        return T.greedy(q, rng)
    return int(rng.integers(len(q)))


def eg_loops(q_values, eps, generator):
    if generator.uniform() < eps:
        return int(generator.integers(0, len(q_values)))
    top = max(q_values)
    ties = [a for a, v in enumerate(q_values) if v == top]
    return ties[int(generator.integers(len(ties)))]


def q_two_statements(Q, s, a, r, s_next, terminated, alpha, gamma):
    """Q = (1 - alpha) Q + alpha target, in two statements: the target reads the changed Q[s, a]."""
    old = Q[s, a]
    Q[s, a] *= 1 - alpha
    Q[s, a] += alpha * (r if terminated else r + gamma * Q[s_next].max())
    return Q[s, a] / alpha - old * (1 - alpha) / alpha - old


def q_blend(Q, s, a, r, s_next, terminated, alpha, gamma):
    target = r + (0.0 if terminated else gamma * max(Q[s_next, b] for b in range(Q.shape[1])))
    old = Q[s, a]
    Q[s, a] = (1 - alpha) * old + alpha * target
    return target - old


def q_masked(Q, s, a, r, s_next, terminated, alpha, gamma):
    delta = r + gamma * (1 - float(terminated)) * np.max(Q[s_next]) - Q[s, a]
    Q[s, a] = Q[s, a] + alpha * delta
    return float(delta)


def sarsa_two_statements(Q, s, a, r, s_next, a_next, terminated, alpha, gamma):
    old = Q[s, a]
    Q[s, a] *= 1 - alpha
    Q[s, a] += alpha * (r if terminated else r + gamma * Q[s_next, a_next])
    return Q[s, a] / alpha - old * (1 - alpha) / alpha - old


def sarsa_blend(Q, s, a, r, s_next, a_next, terminated, alpha, gamma):
    target = r + (0.0 if terminated else gamma * Q[s_next][a_next])
    old = Q[s, a]
    Q[s, a] = (1 - alpha) * old + alpha * target
    return target - old


def sarsa_masked(Q, s, a, r, s_next, a_next, terminated, alpha, gamma):
    delta = r + gamma * (not terminated) * Q[s_next, a_next] - Q[s, a]
    Q[s, a] += alpha * delta
    return delta


def episode_total_is_last_reward(env, Q, alpha, gamma, epsilon, rng):
    s, _ = env.reset()
    total, steps, done = 0.0, 0, False
    while not done:
        a = T.epsilon_greedy(Q[s], epsilon, rng)
        s2, r, term, trunc, _ = env.step(a)
        T.q_learning_update(Q, s, a, r, s2, term, alpha, gamma)
        total, steps, s, done = r, steps + 1, s2, term or trunc
    return total, steps


def episode_ignores_epsilon(env, Q, alpha, gamma, epsilon, rng):
    return T.q_learning_episode(env, Q, alpha, gamma, 0.0, rng)


def episode_global_generator(env, Q, alpha, gamma, epsilon, rng):
    return T.q_learning_episode(env, Q, alpha, gamma, epsilon, np.random.default_rng(np.random.randint(1000)))


def episode_until_terminated(env, Q, alpha, gamma, epsilon, rng):
    """Loops on `while not terminated`: a truncated episode goes on."""
    s, _ = env.reset()
    total, steps, term = 0.0, 0, False
    while not term:
        a = T.epsilon_greedy(Q[s], epsilon, rng)
        s2, r, term, trunc, _ = env.step(a)
        T.q_learning_update(Q, s, a, r, s2, term, alpha, gamma)
        total, steps, s = total + r, steps + 1, s2
    return total, steps


def episode_choose_ahead(env, Q, alpha, gamma, epsilon, rng):
    """SARSA's order: the next action is chosen before the update of the current one."""
    s, _ = env.reset()
    a = T.epsilon_greedy(Q[s], epsilon, rng)
    total, steps = 0.0, 0
    while True:
        s2, r, term, trunc, _ = env.step(a)
        a2 = T.epsilon_greedy(Q[s2], epsilon, rng)
        T.q_learning_update(Q, s, a, r, s2, term, alpha, gamma)
        total, steps, s, a = total + r, steps + 1, s2, a2
        if term or trunc:
            return total, steps


def episode_own_exploration(env, Q, alpha, gamma, epsilon, rng):
    """Draws a coin and a random action at every step, and counts with itertools."""
    s, _ = env.reset()
    rewards = []
    for steps in itertools.count(1):
        coin, random_action = rng.random(), int(rng.integers(Q.shape[1]))
        a = random_action if coin < epsilon else eg_loops(Q[s], 0.0, rng)
        s2, r, terminated, truncated, _ = env.step(a)
        q_blend(Q, s, a, r, s2, terminated, alpha, gamma)
        rewards.append(r)
        s = s2
        if terminated or truncated:
            return sum(rewards), steps


# -- prediction ------------------------------------------------------------------------------------
def mc_first_visit(V, states, rewards, alpha, gamma=1.0):
    G = 0.0
    for t in range(len(states) - 1, -1, -1):
        G = rewards[t] + gamma * G
        if states[t] not in states[:t]:
            V[states[t]] += alpha * (G - V[states[t]])


def mc_forward_sums(V, states, rewards, alpha, gamma=1.0):
    """Adds up the rewards *before* each visit."""
    for t, s in enumerate(states):
        V[s] += alpha * (sum(rewards[: t + 1]) - V[s])


def mc_no_gamma(V, states, rewards, alpha, gamma=1.0):
    T.mc_prediction(V, states, rewards, alpha, 1.0)


def mc_sets_return(V, states, rewards, alpha, gamma=1.0):
    T.mc_prediction(V, states, rewards, 1.0, gamma)


def mc_returns_copy(V, states, rewards, alpha, gamma=1.0):
    V = V.copy()
    T.mc_prediction(V, states, rewards, alpha, gamma)
    return V


def mc_forward_order(V, states, rewards, alpha, gamma=1.0):
    """Returns first (discounted sums of what follows), then the visits from first to last."""
    returns = [sum(gamma**k * r for k, r in enumerate(rewards[t:])) for t in range(len(rewards))]
    for s, G in zip(states, returns):
        V[s] = V[s] + alpha * (G - V[s])


def mc_numpy(V, states, rewards, alpha, gamma=1.0):
    rewards = np.asarray(rewards, dtype=np.float64)
    discounts = gamma ** np.arange(len(rewards))
    returns = np.cumsum((rewards * discounts)[::-1])[::-1] / discounts
    for t in reversed(range(len(states))):
        V[states[t]] += alpha * (returns[t] - V[states[t]])


def td0_skips_last(V, states, rewards, alpha, gamma=1.0):
    for t in range(len(states) - 1):
        V[states[t]] += alpha * (rewards[t] + gamma * V[states[t + 1]] - V[states[t]])


def td0_frozen(V, states, rewards, alpha, gamma=1.0):
    old = V.copy()
    for t, s in enumerate(states):
        v_next = old[states[t + 1]] if t + 1 < len(states) else 0.0
        V[s] += alpha * (rewards[t] + gamma * v_next - old[s])


def td0_no_gamma(V, states, rewards, alpha, gamma=1.0):
    T.td0_prediction(V, states, rewards, alpha, 1.0)


def td0_no_reward(V, states, rewards, alpha, gamma=1.0):
    T.td0_prediction(V, states, [0.0] * len(rewards), alpha, gamma)


def td0_on_copy(V, states, rewards, alpha, gamma=1.0):
    V = np.array(V)
    T.td0_prediction(V, states, rewards, alpha, gamma)


def td0_with_terminal(V, states, rewards, alpha, gamma=1.0):
    """Appends the terminal state as an extra entry worth 0."""
    values = np.append(V, 0.0)
    path = [*states, len(V)]
    for t in range(len(states)):
        values[path[t]] += alpha * (rewards[t] + gamma * values[path[t + 1]] - values[path[t]])
    V[:] = values[:-1]


def td0_pairs(V, states, rewards, alpha, gamma=1.0):
    for s, s2, r in itertools.zip_longest(states, states[1:], rewards):
        target = r + (gamma * V[s2] if s2 is not None else 0.0)
        V[s] = (1 - alpha) * V[s] + alpha * target


def _tdl(V, states, rewards, alpha, lam, gamma, decay=None, replacing=False, add_first=False):
    e = np.zeros_like(V, dtype=float)
    for t, s in enumerate(states):
        v_next = V[states[t + 1]] if t + 1 < len(states) else 0.0
        delta = rewards[t] + gamma * v_next - V[s]
        if add_first:
            e[s] += 1.0
        e *= gamma * np.asarray(lam) if decay is None else decay
        if replacing:
            e[s] = 1.0
        elif not add_first:
            e[s] += 1.0
        V += np.asarray(alpha) * delta * e


def tdl_no_decay(V, states, rewards, alpha, lam, gamma=1.0):
    _tdl(V, states, rewards, alpha, lam, gamma, decay=1.0)


def tdl_decay_lam_only(V, states, rewards, alpha, lam, gamma=1.0):
    _tdl(V, states, rewards, alpha, lam, gamma, decay=np.asarray(lam))


def tdl_replacing(V, states, rewards, alpha, lam, gamma=1.0):
    _tdl(V, states, rewards, alpha, lam, gamma, replacing=True)


def tdl_add_first(V, states, rewards, alpha, lam, gamma=1.0):
    _tdl(V, states, rewards, alpha, lam, gamma, add_first=True)


def tdl_td0(V, states, rewards, alpha, lam, gamma=1.0):
    T.td0_prediction(V, states, rewards, alpha, gamma)


def tdl_scalar_only(V, states, rewards, alpha, lam, gamma=1.0):
    """Correct on a 1-D V, but float() breaks K columns."""
    e = np.zeros(len(V))
    for t, s in enumerate(states):
        v_next = float(V[states[t + 1]]) if t + 1 < len(states) else 0.0
        delta = float(rewards[t] + gamma * v_next - V[s])
        e *= gamma * lam
        e[s] += 1.0
        V += alpha * delta * e


def tdl_loops(V, states, rewards, alpha, lam, gamma=1.0):
    """Explicit loops over states, a dict of traces for the states seen."""
    traces = {}
    for t, s in enumerate(states):
        delta = rewards[t] - V[s] + (gamma * V[states[t + 1]] if t + 1 < len(states) else 0.0)
        for k in traces:
            traces[k] = traces[k] * gamma * lam
        traces[s] = traces.get(s, 0.0) + 1.0
        for k, z in traces.items():
            V[k] = V[k] + alpha * delta * z


def tdl_transposed(V, states, rewards, alpha, lam, gamma=1.0):
    """Works on a transposed view (one row per value function), settings as columns."""
    W = V.T if V.ndim == 2 else V[None, :]
    e = np.zeros(W.shape)
    a, decay = np.reshape(alpha, (-1, 1)), gamma * np.reshape(lam, (-1, 1))
    for t, s in enumerate(states):
        nxt = W[:, states[t + 1]] if t + 1 < len(states) else 0.0
        delta = (rewards[t] + gamma * nxt - W[:, s])[:, None]
        e = e * decay
        e[:, s] += 1
        W += a * delta * e


# -- expected SARSA, Double Q ------------------------------------------------------------------------
def es_max(Q, s, a, r, s_next, terminated, alpha, gamma, epsilon):
    return T.q_learning_update(Q, s, a, r, s_next, terminated, alpha, gamma)


def es_uniform(Q, s, a, r, s_next, terminated, alpha, gamma, epsilon):
    return T.expected_sarsa_update(Q, s, a, r, s_next, terminated, alpha, gamma, 1.0)


def es_no_share(Q, s, a, r, s_next, terminated, alpha, gamma, epsilon):
    q = Q[s_next]
    best = q == q.max()
    probs = np.where(best, (1 - epsilon) / best.sum(), epsilon / len(q))
    target = r if terminated else r + gamma * probs @ q
    delta = target - Q[s, a]
    Q[s, a] += alpha * delta
    return delta


def es_first_best(Q, s, a, r, s_next, terminated, alpha, gamma, epsilon):
    """The greedy share all to the first best action: tied actions have the same value, so the
    expectation is the same."""
    q = Q[s_next]
    probs = np.full(len(q), epsilon / len(q))
    probs[np.argmax(q)] += 1 - epsilon
    target = r if terminated else r + gamma * probs @ q
    delta = target - Q[s, a]
    Q[s, a] += alpha * delta
    return delta


def es_unsplit_ties(Q, s, a, r, s_next, terminated, alpha, gamma, epsilon):
    q = Q[s_next]
    probs = np.full(len(q), epsilon / len(q)) + (q == q.max()) * (1 - epsilon)
    target = r if terminated else r + gamma * probs @ q
    delta = target - Q[s, a]
    Q[s, a] += alpha * delta
    return delta


def es_bootstraps_terminal(Q, s, a, r, s_next, terminated, alpha, gamma, epsilon):
    return T.expected_sarsa_update(Q, s, a, r, s_next, False, alpha, gamma, epsilon)


def es_mean_plus_greedy(Q, s, a, r, s_next, terminated, alpha, gamma, epsilon):
    """epsilon * mean + (1 - epsilon) * max: the same expectation, written without probabilities."""
    q = Q[s_next]
    expected = epsilon * np.mean(q) + (1 - epsilon) * np.max(q)
    delta = r + (0.0 if terminated else gamma * expected) - Q[s, a]
    Q[s, a] = Q[s, a] + alpha * delta
    return delta


def es_loops(Q, s, a, r, s_next, terminated, alpha, gamma, epsilon):
    n = Q.shape[1]
    top = max(Q[s_next, b] for b in range(n))
    ties = [b for b in range(n) if Q[s_next, b] == top]
    value = sum((epsilon / n + ((1 - epsilon) / len(ties) if b in ties else 0.0)) * Q[s_next, b] for b in range(n))
    target = r if terminated else r + gamma * value
    old = Q[s, a]
    Q[s, a] = old + alpha * (target - old)
    return target - old


def dq_own_max(Q1, Q2, s, a, r, s_next, terminated, alpha, gamma, rng):
    A, B = (Q1, Q2) if rng.random() < 0.5 else (Q2, Q1)
    return T.q_learning_update(A, s, a, r, s_next, terminated, alpha, gamma)


def dq_other_max(Q1, Q2, s, a, r, s_next, terminated, alpha, gamma, rng):
    A, B = (Q1, Q2) if rng.random() < 0.5 else (Q2, Q1)
    target = r if terminated else r + gamma * B[s_next].max()
    delta = target - A[s, a]
    A[s, a] += alpha * delta
    return delta


def dq_swapped_roles(Q1, Q2, s, a, r, s_next, terminated, alpha, gamma, rng):
    A, B = (Q1, Q2) if rng.random() < 0.5 else (Q2, Q1)
    target = r if terminated else r + gamma * A[s_next, np.argmax(B[s_next])]
    delta = target - A[s, a]
    A[s, a] += alpha * delta
    return delta


def dq_both_tables(Q1, Q2, s, a, r, s_next, terminated, alpha, gamma, rng):
    T.double_q_learning_update(Q1, Q2, s, a, r, s_next, terminated, alpha, gamma, np.random.default_rng(0))
    return T.double_q_learning_update(Q2, Q1, s, a, r, s_next, terminated, alpha, gamma, np.random.default_rng(0))


def dq_always_first(Q1, Q2, s, a, r, s_next, terminated, alpha, gamma, rng):
    target = r if terminated else r + gamma * Q2[s_next, np.argmax(Q1[s_next])]
    delta = target - Q1[s, a]
    Q1[s, a] += alpha * delta
    return delta


def dq_global_coin(Q1, Q2, s, a, r, s_next, terminated, alpha, gamma, rng):
    return T.double_q_learning_update(Q1, Q2, s, a, r, s_next, terminated, alpha, gamma, np.random.default_rng())


def dq_bootstraps_terminal(Q1, Q2, s, a, r, s_next, terminated, alpha, gamma, rng):
    return T.double_q_learning_update(Q1, Q2, s, a, r, s_next, False, alpha, gamma, rng)


def dq_integers_coin(Q1, Q2, s, a, r, s_next, terminated, alpha, gamma, rng):
    """A coin from rng.integers(2), the tables in a list."""
    tables = [Q1, Q2]
    i = int(rng.integers(2))
    mine, other = tables[i], tables[1 - i]
    best = int(np.flatnonzero(mine[s_next] == mine[s_next].max())[0])
    target = r + (0.0 if terminated else gamma * other[s_next, best])
    old = mine[s, a]
    mine[s, a] = (1 - alpha) * old + alpha * target
    return target - old


def dq_coin_only_when_needed(Q1, Q2, s, a, r, s_next, terminated, alpha, gamma, rng):
    """Coin `rng.random() > 0.5` for Q2 first; written with np.where for the bootstrap."""
    if rng.random() > 0.5:
        Q1, Q2 = Q2, Q1
    bootstrap = np.where(terminated, 0.0, Q2[s_next][Q1[s_next].argmax()])
    delta = float(r + gamma * bootstrap - Q1[s, a])
    Q1[s, a] += alpha * delta
    return delta


class TestChecks(CheckTests):
    module = module
    references = {name: getattr(T, name) for name in module.__all__}
    behavioural = {"epsilon_greedy"}
    mistakes = [
        ("epsilon_greedy", eg_first_tie, "ties must be broken at random"),
        ("epsilon_greedy", eg_never_explores, "with epsilon = 1 every action should be chosen at random"),
        ("epsilon_greedy", eg_always_explores, "with epsilon = 0 every action must be greedy"),
        ("epsilon_greedy", eg_inverted, "with epsilon = 0 every action must be greedy"),
        ("q_learning_update", q_bootstraps_terminal, "bootstrapped from a terminal state"),
        ("q_learning_update", q_alpha_on_target, "step size multiplies the target"),
        ("q_learning_update", q_returns_nothing_but_correct_q, "returned TD error"),
        ("sarsa_update", sarsa_uses_max, "max over next actions"),
        ("sarsa_update", sarsa_bootstraps_terminal, "bootstrapped from a terminal state"),
        ("q_learning_episode", episode_cuts_on_truncation, "bootstrap was cut at the time limit"),
        ("q_learning_episode", episode_ignores_terminated, "bootstrapped from the terminal state"),
        ("epsilon_greedy", eg_explores_too_often, "explores with probability about 0.75 instead of 0.5"),
        ("epsilon_greedy", eg_random_excludes_greedy, "greedy one included"),
        ("epsilon_greedy", eg_global_generator, "global random generator"),
        ("epsilon_greedy", eg_fresh_generator, "same seed picked different actions"),
        ("epsilon_greedy", eg_tie_position, "an index into q_values"),
        ("q_learning_update", q_two_statements, "s_next == s"),
        ("q_learning_update", q_no_step_size, "set to the target itself"),
        ("q_learning_update", q_no_gamma, "gamma is missing"),
        ("q_learning_update", q_same_action_next, r"used Q\[s_next, a\]"),
        ("sarsa_update", sarsa_same_action_next, r"used Q\[s_next, a\]"),
        ("q_learning_episode", episode_fixed_epsilon, "every action should be the greedy one"),
        ("q_learning_episode", episode_updates_greedy_action, "of the action actually taken"),
        ("q_learning_episode", episode_sarsa_target, "would be SARSA"),
        ("sarsa_update", sarsa_two_statements, "s_next == s"),
        ("q_learning_episode", episode_total_is_last_reward, "last step's reward alone"),
        ("q_learning_episode", episode_ignores_epsilon, "pass epsilon on"),
        ("q_learning_episode", episode_global_generator, "global random generator"),
        ("q_learning_episode", episode_until_terminated, "stop as soon as"),
        ("mc_prediction", mc_first_visit, "every visit counts"),
        ("mc_prediction", mc_forward_sums, "added up the rewards before it"),
        ("mc_prediction", mc_no_gamma, "gamma is missing"),
        ("mc_prediction", mc_sets_return, "set to the return itself"),
        ("mc_prediction", mc_returns_copy, "change V in place"),
        ("td0_prediction", td0_skips_last, "last step, into the terminal state"),
        ("td0_prediction", td0_frozen, "as it was before the episode"),
        ("td0_prediction", td0_no_gamma, "gamma is missing"),
        ("td0_prediction", td0_no_reward, "reward is missing"),
        ("td0_prediction", td0_on_copy, "V was not changed"),
        ("td_lambda_prediction", tdl_no_decay, "never decayed"),
        ("td_lambda_prediction", tdl_decay_lam_only, "gamma is missing"),
        ("td_lambda_prediction", tdl_replacing, "replacing traces"),
        ("td_lambda_prediction", tdl_add_first, "decay all traces first"),
        ("td_lambda_prediction", tdl_td0, "only the current state was updated"),
        ("td_lambda_prediction", tdl_scalar_only, "with V of shape"),
        ("expected_sarsa_update", es_max, "that is Q-learning"),
        ("expected_sarsa_update", es_uniform, "averaged Q\\[s_next\\] uniformly"),
        ("expected_sarsa_update", es_no_share, "1 - epsilon only"),
        ("expected_sarsa_update", es_unsplit_ties, "sum to more than 1"),
        ("expected_sarsa_update", es_bootstraps_terminal, "bootstrapped from a terminal state"),
        ("double_q_learning_update", dq_own_max, "that is Q-learning"),
        ("double_q_learning_update", dq_other_max, "the other table's own best action"),
        ("double_q_learning_update", dq_swapped_roles, "roles were swapped"),
        ("double_q_learning_update", dq_both_tables, "both tables changed"),
        ("double_q_learning_update", dq_always_first, "fair coin"),
        ("double_q_learning_update", dq_global_coin, "same seed updated different tables"),
        ("double_q_learning_update", dq_bootstraps_terminal, "bootstrapped from a terminal state"),
    ]
    alternatives = [
        ("epsilon_greedy", eg_by_probabilities),
        ("epsilon_greedy", eg_loops),
        ("epsilon_greedy", eg_coin_above),
        ("q_learning_update", q_blend),
        ("q_learning_update", q_masked),
        ("sarsa_update", sarsa_blend),
        ("sarsa_update", sarsa_masked),
        ("q_learning_episode", episode_choose_ahead),
        ("q_learning_episode", episode_own_exploration),
        ("mc_prediction", mc_forward_order),
        ("mc_prediction", mc_numpy),
        ("td0_prediction", td0_with_terminal),
        ("td0_prediction", td0_pairs),
        ("td_lambda_prediction", tdl_loops),
        ("td_lambda_prediction", tdl_transposed),
        ("expected_sarsa_update", es_mean_plus_greedy),
        ("expected_sarsa_update", es_loops),
        ("expected_sarsa_update", es_first_best),
        ("double_q_learning_update", dq_integers_coin),
        ("double_q_learning_update", dq_coin_only_when_needed),
    ]
