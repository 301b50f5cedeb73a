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
    ]
