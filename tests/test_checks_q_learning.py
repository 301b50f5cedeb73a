"""Checks of assignment 06: the reference passes; stubs and the issue's typical mistakes are named."""

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


class TestChecks(CheckTests):
    module = module
    min_alternatives = 0  # issue 12: raise to 2 (the default) once the alternatives are written
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
    ]
