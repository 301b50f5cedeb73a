"""Graded checks for assignment 06 (tabular Q-learning).

Update functions change Q[s, a] in place (the point of a table), so their checks allow Q to
change and then compare it with the reference. epsilon_greedy is checked statistically over
thousands of seeded calls, with thresholds far from what a correct version produces. Expected
values come from `lib.rl.tabular` through `expected` recipes that return the updated table.
"""

from __future__ import annotations

import numpy as np

from ..rl.envs import CorridorEnv
from .core import Check
from .expected import answer

__all__ = ["epsilon_greedy", "q_learning_update", "sarsa_update", "q_learning_episode"]


def epsilon_greedy(fn) -> None:
    """Check `epsilon_greedy(q_values, epsilon, rng) -> action`."""
    c = Check("epsilon_greedy", fn)
    rng = np.random.default_rng(0)
    q = np.array([0.1, 0.9, 0.3, -0.2])
    picks = [c.call(q, 0.0, rng) for _ in range(200)]
    if any(not isinstance(p, (int, np.integer)) for p in picks):
        c.fail(f"return an int action, got {type(picks[0]).__name__} {picks[0]!r}")
    c.require(
        all(p == 1 for p in picks),
        "with epsilon = 0 every action must be greedy (argmax), but some were not: "
        "explore only with probability epsilon.",
    )
    picks = np.array([c.call(q, 1.0, rng) for _ in range(4000)])
    counts = np.bincount(picks, minlength=4)
    c.require(
        counts[[0, 2, 3]].min() > 600,
        f"with epsilon = 1 every action should be chosen at random (counts per action over 4,000 calls: "
        f"{counts.tolist()}): with probability epsilon pick rng.integers(num_actions).",
    )
    picks = np.array([c.call(q, 0.2, rng) for _ in range(4000)])
    greedy_share = np.mean(picks == 1)
    c.require(
        0.75 < greedy_share < 0.9,
        f"with epsilon = 0.2 the greedy action should be taken about 85 % of the time (0.8 + 0.2/4), "
        f"got {100 * greedy_share:.0f} %.",
    )
    tied = np.array([0.5, 0.2, 0.5, 0.5])
    picks = np.array([c.call(tied, 0.0, rng) for _ in range(3000)])
    counts = np.bincount(picks, minlength=4)
    c.require(
        counts[1] == 0 and counts[[0, 2, 3]].min() > 700,
        f"ties must be broken at random: with values {tied.tolist()} and epsilon = 0 the picks were "
        f"{counts.tolist()}. np.argmax always returns the first maximum; choose among "
        f"np.flatnonzero(q == q.max()) with rng.choice.",
    )
    c.done()


def _update_case(seed=1):
    rng = np.random.default_rng(seed)
    Q = rng.normal(size=(6, 3))
    return Q


@answer
def _updated(rule: str, Q, args):
    """The reference update `rule` ("q_learning_update", "sarsa_update") applied to a copy of Q:
    (Q after the update, the TD error it returned)."""
    from ..rl import tabular

    Q = np.array(Q, dtype=float)
    delta = getattr(tabular, rule)(Q, *args)
    return Q, delta


def _check_update(c, rule, args, mistakes, what):
    """Run the student's update on a fresh Q; compare the whole table and the TD error it returns.

    mistakes: (message, Q after a typical wrong update) pairs.
    """
    Q = _update_case()
    Q_ref, delta_ref = _updated(rule, Q, args)
    Q_student = Q.copy()
    delta = c.call(Q_student, *args, may_change=(0,))
    c.close(Q_student, Q_ref, f"Q after {what}", mistakes=mistakes)
    c.close(
        delta,
        delta_ref,
        f"the returned TD error after {what}",
        hint="Return delta = target - Q[s, a] (computed before the update).",
    )


def _nudged(Q, s, a, step):
    """A copy of Q with Q[s, a] += step: what a wrong update leaves behind."""
    Q = Q.copy()
    Q[s, a] += step
    return Q


def q_learning_update(fn) -> None:
    """Check `q_learning_update(Q, s, a, r, s_next, terminated, alpha, gamma) -> td_error`, Q changed in place."""
    c = Check("q_learning_update", fn)
    Q = _update_case()
    for terminated in (False, True):
        args = (2, 1, 0.7, 4, terminated, 0.3, 0.9)
        bootstrap = 0.0 if terminated else 0.9 * Q[4].max()
        mistakes = [
            (
                "the step size multiplies the target; it must multiply the TD error: "
                "Q[s, a] += alpha * (target - Q[s, a]).",
                _nudged(Q, 2, 1, 0.3 * (0.7 + bootstrap)),
            )
        ]
        if terminated:
            no_cut = _nudged(Q, 2, 1, 0.3 * (0.7 + 0.9 * Q[4].max() - Q[2, 1]))
            mistakes.insert(
                0,
                (
                    "it bootstrapped from a terminal state: when terminated, the target is just r "
                    "(there is no next state to value).",
                    no_cut,
                ),
            )
        _check_update(c, "q_learning_update", args, mistakes, f"a {'terminal' if terminated else 'non-terminal'} step")
    c.done()


def sarsa_update(fn) -> None:
    """Check `sarsa_update(Q, s, a, r, s_next, a_next, terminated, alpha, gamma) -> td_error`."""
    c = Check("sarsa_update", fn)
    Q = _update_case()
    a_next = int(np.argmin(Q[4]))  # not the greedy action, so SARSA and Q-learning differ
    for terminated in (False, True):
        args = (2, 1, 0.7, 4, a_next, terminated, 0.3, 0.9)
        if terminated:
            no_cut = _nudged(Q, 2, 1, 0.3 * (0.7 + 0.9 * Q[4, a_next] - Q[2, 1]))
            mistakes = [("it bootstrapped from a terminal state: when terminated, the target is just r.", no_cut)]
        else:
            uses_max = _updated("q_learning_update", Q, (2, 1, 0.7, 4, terminated, 0.3, 0.9))[0]
            mistakes = [
                (
                    "it used the max over next actions (that is Q-learning); SARSA uses "
                    "Q[s_next, a_next], the action actually taken next.",
                    uses_max,
                )
            ]
        _check_update(c, "sarsa_update", args, mistakes, f"a {'terminal' if terminated else 'non-terminal'} step")
    c.done()


def _chain(limit=None):
    """A 4-cell corridor with Discrete observations: action 1 moves right, 0 left; reward 1 on
    reaching cell 3 (terminal); with limit, a time limit of that many steps truncates."""
    return CorridorEnv(4, one_hot=False, max_steps=limit)


def _chain_q():
    Q = np.zeros((4, 2))
    Q[:, 1] = [0.5, 0.6, 0.7, 0.0]  # greedy: always right
    Q[3, 0] = 0.9  # a terminal state's value that must never be used
    return Q


@answer
def _episode(limit, Q, alpha, gamma, epsilon, seed):
    """The reference q_learning_episode on a fresh `_chain(limit)` from a copy of Q, with
    rng = default_rng(seed): (Q after the episode, total_reward, steps)."""
    from ..rl import tabular

    Q = np.array(Q, dtype=float)
    total, steps = tabular.q_learning_episode(_chain(limit), Q, alpha, gamma, epsilon, np.random.default_rng(seed))
    return Q, total, steps


def _episode_variant(env, Q, alpha, gamma, cut_on_truncation=False, bootstrap_terminal=False):
    s, _ = env.reset()
    done = False
    while not done:
        a = int(np.argmax(Q[s]))
        s2, r, term, trunc, _ = env.step(a)
        stop = term or (trunc and cut_on_truncation)
        target = r + (gamma * Q[s2].max() if (bootstrap_terminal or not stop) else 0.0)
        Q[s, a] += alpha * (target - Q[s, a])
        s, done = s2, term or trunc
    return Q


def q_learning_episode(fn) -> None:
    """Check `q_learning_episode(env, Q, alpha, gamma, epsilon, rng) -> (total_reward, steps)` on a corridor,
    once with a time limit that truncates the episode before the goal."""
    c = Check("q_learning_episode", fn)
    for limit in (None, 2):
        env = _chain(limit)
        Q = _chain_q()
        got = c.call(env, Q, 0.5, 0.9, 0.0, np.random.default_rng(0), may_change=(1,))
        expected_Q, ref_total, ref_steps = _episode(limit, _chain_q(), 0.5, 0.9, 0.0, 0)
        total, steps = c.unpack(got, ["total_reward", "steps"])
        what = "the corridor" if limit is None else "the corridor cut off by a 2-step time limit"
        mistakes = [
            (
                "it bootstrapped from the terminal state: pass `terminated` to the update, the target "
                "of the last step is just r.",
                _episode_variant(env, _chain_q(), 0.5, 0.9, bootstrap_terminal=True),
            )
        ]
        if limit is not None:
            mistakes.insert(
                0,
                (
                    "the bootstrap was cut at the time limit: a *truncated* episode has not ended, so "
                    "the last update still uses gamma * max Q[s_next]. Pass `terminated`, not "
                    "`terminated or truncated`, to q_learning_update.",
                    _episode_variant(env, _chain_q(), 0.5, 0.9, cut_on_truncation=True),
                ),
            )
        c.close(Q, expected_Q, f"Q after one episode on {what}", mistakes=mistakes)
        c.close(total, ref_total, f"the total reward on {what}")
        c.close(
            steps, ref_steps, f"the number of steps on {what}", hint="Stop when the step is terminated or truncated."
        )
    c.done()
