"""Graded checks for assignment 06 (tabular Q-learning).

Update functions change Q[s, a] in place (the point of a table), so their checks allow Q to
change and then compare it with the reference. epsilon_greedy is checked statistically over
thousands of seeded calls, with acceptance windows of 4.5 standard deviations: a correct version
fails about once in 100,000 runs, one that explores 1.5 times too often fails every time. Episodes
run on a logged corridor: with epsilon = 0 they are compared with the reference run; with
epsilon > 0 the path depends on how the student draws from `rng` (any way is fine), so those are
checked by behaviour: the same seed gives the same path, the episode stops when it ends, the
total is the sum of the rewards paid, and each step changes Q at its own (state, action) only. Expected
values come from `lib.rl.tabular` through `expected` recipes that return the updated table.
"""

from __future__ import annotations

import gymnasium as gym
import numpy as np

from ..rl.envs import CorridorEnv
from .core import Check, CheckFailed, distinct, global_rng_untouched, share_window
from .expected import answer

__all__ = [
    "mc_prediction",
    "td0_prediction",
    "epsilon_greedy",
    "q_learning_update",
    "sarsa_update",
    "q_learning_episode",
    "expected_sarsa_update",
    "double_q_learning_update",
    "td_lambda_prediction",
]


# -- random generators -------------------------------------------------------------------------
# -- epsilon-greedy ----------------------------------------------------------------------------
def _picks(c, q, epsilon, rng, n) -> np.ndarray:
    """n actions from the student's epsilon_greedy, required to be ints in 0..len(q)-1."""
    picks = [c.call(q, epsilon, rng) for _ in range(n)]
    bad = [p for p in picks if not isinstance(p, (int, np.integer)) or isinstance(p, bool)]
    if bad:
        c.fail(f"return an int action, got {type(bad[0]).__name__} {bad[0]!r}")
    picks = np.array(picks)
    if picks.min() < 0 or picks.max() >= len(q):
        c.fail(f"returned action {picks[(picks < 0) | (picks >= len(q))][0]}, outside 0..{len(q) - 1}")
    return picks


def epsilon_greedy(fn) -> None:
    """Check `epsilon_greedy(q_values, epsilon, rng) -> action` with four actions: always greedy at
    epsilon = 0, uniform at epsilon = 1, the right mix at 0.5 and 0.1, random ties, and every
    random number drawn from rng."""
    c = Check("epsilon_greedy", fn)
    q = np.array([0.1, 0.9, 0.3, -0.2])  # greedy action 1
    A = len(q)
    rng = np.random.default_rng(0)
    with global_rng_untouched(c):
        picks = _picks(c, q, 0.0, rng, 200)
        if np.all(picks == picks[0]) and picks[0] != 1:
            c.fail(
                f"with q_values {q.tolist()} and epsilon = 0 every pick was action {picks[0]}, but the best action is "
                f"1: return the action, an index into q_values, whose value is the largest (np.argmax(q), or one of "
                f"np.flatnonzero(q == q.max()) when several tie)."
            )
        c.require(
            np.all(picks == 1),
            "with epsilon = 0 every action must be greedy (argmax), but some were random: "
            "explore only with probability epsilon (rng.random() < epsilon).",
        )
        n = 4000
        counts = np.bincount(_picks(c, q, 1.0, rng, n), minlength=A)
        if counts[1] == 0:
            c.fail(
                f"with epsilon = 1 the greedy action 1 was never picked (counts per action over {n:,} calls: "
                f"{counts.tolist()}): the random action is drawn from all actions, the greedy one included: "
                f"rng.integers(num_actions)."
            )
        tol = n * share_window(1 / A, n)
        c.require(
            np.all(np.abs(counts - n / A) <= tol),
            f"with epsilon = 1 every action should be chosen at random, each about {n // A:,} times in {n:,} "
            f"calls (± {tol:.0f}); the counts per action were {counts.tolist()}: with probability epsilon pick "
            f"rng.integers(num_actions).",
        )
        for eps in (0.5, 0.1):
            n = 2000
            share = np.mean(_picks(c, q, eps, rng, n) == 1)
            p = 1 - eps + eps / A
            tol = share_window(p, n)
            c.require(
                abs(share - p) <= tol,
                f"with epsilon = {eps} the greedy action should be taken {100 * p:.1f} % of the time "
                f"(1 - epsilon + epsilon / {A}, ± {100 * tol:.1f} over {n:,} calls), got {100 * share:.1f} %: your "
                f"function explores with probability about {(1 - share) * A / (A - 1):.2f} instead of {eps}. "
                f"Explore exactly when rng.random() < epsilon.",
            )
        tied = np.array([0.5, 0.2, 0.5, 0.5])
        n = 2400
        counts = np.bincount(_picks(c, tied, 0.0, rng, n), minlength=A)
        if counts[1]:
            c.fail(
                f"with values {tied.tolist()} and epsilon = 0 action 1, which is not a best one, was picked "
                f"{counts[1]} times in {n:,} calls: choose among the best actions themselves, "
                f"np.flatnonzero(q == q.max()), with rng.choice."
            )
        tol = n * share_window(1 / 3, n)
        c.require(
            np.all(np.abs(counts[[0, 2, 3]] - n / 3) <= tol),
            f"ties must be broken at random: with values {tied.tolist()} and epsilon = 0 the picks were "
            f"{counts.tolist()} (expected about {n // 3} ± {tol:.0f} for each of 0, 2 and 3). np.argmax always "
            f"returns the first maximum; choose among np.flatnonzero(q == q.max()) with rng.choice.",
        )
        mixed = np.array([0.5, 0.2, 0.5, 0.1])
        runs = [_picks(c, mixed, 0.5, np.random.default_rng(5), 60) for _ in range(2)]
    c.require(
        np.array_equal(*runs),
        "two runs with generators made from the same seed picked different actions: draw every random "
        "number from the `rng` argument (rng.random(), rng.integers(n), rng.choice(...)), not from a new or "
        "unseeded generator.",
    )
    c.done()


# -- updates -----------------------------------------------------------------------------------
def _update_case(seed=1):
    """A (6, 3) Q table. Row 4, the next state of the updates of Q[2, 1], has its maximum at
    action 0 and its minimum (SARSA's next action) at 2, so that max Q[4], Q[4, a_next] and
    Q[4, a] all differ; row 3 has a clear maximum at action 1 (for an update of Q[3, 1] whose
    next state is 3 again)."""
    rng = np.random.default_rng(seed)
    Q = rng.normal(size=(6, 3))
    Q[3] = [0.2, 1.5, -0.3]
    Q[4] = [0.8, 0.3, -0.4]
    return Q


@answer
def _updated(rule: str, Q, args):
    """The reference update `rule` ("q_learning_update", "sarsa_update", "expected_sarsa_update")
    applied to a copy of Q: (Q after the update, the TD error it returned)."""
    from ..rl import tabular

    Q = np.array(Q, dtype=float)
    delta = getattr(tabular, rule)(Q, *args)
    return Q, delta


_TARGETS = {
    "q_learning_update": "The target is r + gamma * max_a' Q[s_next, a'] (just r when terminated); then "
    "Q[s, a] += alpha * (target - Q[s, a]), changing no other entry.",
    "sarsa_update": "The target is r + gamma * Q[s_next, a_next] (just r when terminated); then "
    "Q[s, a] += alpha * (target - Q[s, a]), changing no other entry.",
    "expected_sarsa_update": "The target is r + gamma * sum_a' pi(a' | s_next) Q[s_next, a'] with pi "
    "epsilon-greedy: epsilon / num_actions for every action, plus (1 - epsilon) shared by the best ones (just r "
    "when terminated); then Q[s, a] += alpha * (target - Q[s, a]), changing no other entry.",
}


def _check_update(c, rule, args, mistakes, what, Q=None):
    """Run the student's update on a fresh Q (or a copy of Q); compare the whole table and the TD
    error it returns.

    mistakes: (message, Q after a typical wrong update) pairs.
    """
    Q = _update_case() if Q is None else np.array(Q, dtype=float)
    Q_ref, delta_ref = _updated(rule, Q, args)
    Q_student = Q.copy()
    delta = c.call(Q_student, *args, may_change=(0,))
    c.close(Q_student, Q_ref, f"Q after {what}", mistakes=mistakes, hint=_TARGETS[rule])
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


def _blended_in_two_steps(Q, s, a, r, next_value, alpha, gamma):
    """What Q[s, a] = (1 - alpha) Q[s, a], then Q[s, a] += alpha (r + gamma * next_value(Q)) leaves:
    next_value reads the table after the first statement (wrong when s_next == s)."""
    Q = Q.copy()
    Q[s, a] *= 1 - alpha
    Q[s, a] += alpha * (r + gamma * next_value(Q))
    return Q


_SELF_LOOP_MESSAGE = (
    "here s_next == s, and the target read Q[s_next] after Q[s, a] had already changed: compute the target "
    "from the table as it was (target = r + gamma * ...), then change Q[s, a] once: Q[s, a] += alpha * "
    "(target - Q[s, a])."
)


def q_learning_update(fn) -> None:
    """Check `q_learning_update(Q, s, a, r, s_next, terminated, alpha, gamma) -> td_error`, Q changed in
    place: a non-terminal and a terminal step, and a step back into the same state."""
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
            ),
            (
                "Q[s, a] was set to the target itself; move it only a step alpha toward it: "
                "Q[s, a] += alpha * (target - Q[s, a]).",
                _nudged(Q, 2, 1, 0.7 + bootstrap - Q[2, 1]),
            ),
        ]
        if not terminated:
            mistakes += [
                (
                    "gamma is missing: the target is r + gamma * max_a' Q[s_next, a'].",
                    _nudged(Q, 2, 1, 0.3 * (0.7 + Q[4].max() - Q[2, 1])),
                ),
                (
                    "the target used Q[s_next, a], the next state's value of the same action; Q-learning takes "
                    "the best next action's: max_a' Q[s_next, a'].",
                    _nudged(Q, 2, 1, 0.3 * (0.7 + 0.9 * Q[4, 1] - Q[2, 1])),
                ),
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
    # a step that stays in state 3, whose best action is the one updated (another alpha and gamma)
    args = (3, 1, -0.4, 3, False, 0.5, 0.8)
    mistakes = [
        (_SELF_LOOP_MESSAGE, _blended_in_two_steps(Q, 3, 1, -0.4, lambda T: T[3].max(), 0.5, 0.8)),
        (
            "the step size multiplies the target; it must multiply the TD error: "
            "Q[s, a] += alpha * (target - Q[s, a]).",
            _nudged(Q, 3, 1, 0.5 * (-0.4 + 0.8 * Q[3].max())),
        ),
    ]
    _check_update(c, "q_learning_update", args, mistakes, "a step from state 3 back to state 3")
    c.done()


def sarsa_update(fn) -> None:
    """Check `sarsa_update(Q, s, a, r, s_next, a_next, terminated, alpha, gamma) -> td_error`: a
    non-terminal and a terminal step, and a step back into the same state and action."""
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
                ),
                (
                    "the target used Q[s_next, a], the next state's value of the same action; SARSA uses the "
                    "action taken next: Q[s_next, a_next].",
                    _nudged(Q, 2, 1, 0.3 * (0.7 + 0.9 * Q[4, 1] - Q[2, 1])),
                ),
            ]
        _check_update(c, "sarsa_update", args, mistakes, f"a {'terminal' if terminated else 'non-terminal'} step")
    args = (3, 1, -0.4, 3, 1, False, 0.5, 0.8)  # (s, a) = (s_next, a_next) = (3, 1)
    mistakes = [(_SELF_LOOP_MESSAGE, _blended_in_two_steps(Q, 3, 1, -0.4, lambda T: T[3, 1], 0.5, 0.8))]
    _check_update(c, "sarsa_update", args, mistakes, "a step from (state 3, action 1) back to the same pair")
    c.done()


# -- one episode -------------------------------------------------------------------------------
_CORRIDOR = {"limit": None, "num_actions": 3, "step_reward": -0.1}
_CONVEYOR = dict(_CORRIDOR, length=6, conveyor=True)


def _chain(limit=None, num_actions=3, step_reward=-0.1, length=4, conveyor=False):
    """A corridor of `length` cells (4) with Discrete observations: action 0 moves left, 1 right, 2
    waits; each step costs step_reward, reaching the last cell pays 1 and terminates; with limit, a
    time limit of that many steps truncates. conveyor: every action moves right (see `_Conveyor`)."""
    env = CorridorEnv(length, one_hot=False, max_steps=limit, num_actions=num_actions, step_reward=step_reward)
    return _Conveyor(env) if conveyor else env


class _Conveyor(gym.Wrapper):
    """Whatever valid action is taken, the corridor moves right: every episode visits the cells in
    order, each once, so a step's Q-learning target (r + gamma * max Q[s_next], s_next not yet
    updated) is the same whichever actions an exploring agent draws."""

    def step(self, action):
        if not 0 <= int(action) < self.action_space.n:
            raise ValueError(f"action must be in 0..{self.action_space.n - 1}, got {action!r}")
        return self.env.step(1)


def _chain_q():
    Q = np.zeros((4, 3))
    Q[:, 1] = [0.5, 0.6, 0.7, 0.0]  # greedy: always right
    Q[:, 2] = [0.2, 0.1, 0.3, 0.0]  # waiting comes second
    Q[3, 0] = 0.9  # a terminal state's value that must never be used
    return Q


def _conveyor_q():
    """A (6, 3) table whose greedy actions differ between states; the terminal cell's values are
    large, to be never used."""
    Q = np.round(np.random.default_rng(4).uniform(-0.5, 1.0, size=(6, 3)), 2)
    Q[5] = [2.0, 3.0, 2.5]
    return Q


@answer
def _conveyor_updates(Q, alpha, gamma):
    """E[s, a]: Q[s, a] after the reference q_learning_update of the conveyor's step from s taking a,
    on Q as it is before the episode (the cells are left in order, each once, so that is the value
    an episode leaves at every (s, a) it takes). The last row, the goal's, stays as it is."""
    from ..rl import tabular

    Q = np.array(Q, dtype=float)
    env, E = _chain(**_CONVEYOR), Q.copy()
    env.reset()
    for s in range(Q.shape[0] - 1):
        s_next, r, terminated, _, _ = env.step(1)
        for a in range(Q.shape[1]):
            T = Q.copy()
            tabular.q_learning_update(T, s, a, r, s_next, terminated, alpha, gamma)
            E[s, a] = T[s, a]
    return E


class _Logged(gym.Wrapper):
    """The env handed to the student's episode: it logs every step as data,
    (s, a, r, s_next, terminated, truncated), counts resets, and keeps a copy of the Q table the
    episode updates as it was at each step (so that each step's update can be seen on its own)."""

    def __init__(self, env, Q):
        super().__init__(env)
        self.Q, self.tables = Q, []
        self.log, self.resets, self._s = [], 0, None

    def reset(self, **kwargs):
        obs, info = self.env.reset(**kwargs)
        self.resets, self._s = self.resets + 1, obs
        return obs, info

    def step(self, action):
        self.tables.append(np.array(self.Q, dtype=float))
        obs, r, term, trunc, info = self.env.step(action)
        self.log.append((int(self._s), int(action), float(r), int(obs), bool(term), bool(trunc)))
        self._s = obs
        return obs, r, term, trunc, info


@answer
def _episode(env_spec, Q, alpha, gamma, epsilon, seed):
    """The reference q_learning_episode on a fresh `_chain(**env_spec)` from a copy of Q, with
    rng = default_rng(seed): (Q after the episode, total_reward, steps)."""
    from ..rl import tabular

    Q = np.array(Q, dtype=float)
    env = _chain(**env_spec)
    total, steps = tabular.q_learning_episode(env, Q, alpha, gamma, epsilon, np.random.default_rng(seed))
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


_CUT_ON_TRUNCATION = (
    "the bootstrap was cut at the time limit: a *truncated* episode has not ended, so the last update still "
    "uses gamma * max Q[s_next]. Pass `terminated`, not `terminated or truncated`, to q_learning_update."
)
_UPDATE_HINT = "Update after every step with the step's own (s, a, r, s_next, terminated), then move on: s = s_next."
_BOOTSTRAP_TERMINAL = (
    "it bootstrapped from the terminal state: pass `terminated` to the update, the target of the last step is just r."
)


def _run_logged(c, env_spec, Q, alpha, gamma, epsilon, seed):
    """Run the student's episode on a logged `_chain(**env_spec)`; check that it reset once and
    stopped exactly when the episode ended. Returns (env, total, steps); Q changes in place."""
    env = _Logged(_chain(**env_spec), Q)
    got = c.call(env, Q, alpha, gamma, epsilon, np.random.default_rng(seed), may_change=(1,))
    total, steps = c.unpack(got, ["total_reward", "steps"])
    tables = [*env.tables, np.array(Q, dtype=float)]
    for t, (s, a, *_) in enumerate(env.log):
        changed = sorted((int(i), int(j)) for i, j in zip(*np.nonzero(tables[t + 1] != tables[t])))
        if not set(changed) <= {(s, a)}:
            c.fail(
                f"at step {t + 1} of the episode (state {s}, action {a}; actions {[step[1] for step in env.log]}) Q "
                f"changed at (state, action) {changed}: each step updates only Q[s, a] of the action actually "
                f"taken, a random one included."
            )
    ends = [i for i, step in enumerate(env.log) if step[4] or step[5]]
    c.require(
        env.resets == 1, f"the episode should call env.reset() once, at the start; it called it {env.resets} times."
    )
    if not ends:
        c.fail(
            f"the episode stopped after {len(env.log)} steps, before the environment said terminated or truncated: "
            f"loop until `terminated or truncated`."
        )
    c.require(
        ends[0] == len(env.log) - 1,
        f"the episode ended at step {ends[0] + 1} but your loop went on for {len(env.log)} steps: stop as soon as "
        f"`terminated or truncated`.",
    )
    return env, total, steps


def _is_number(x) -> bool:
    return isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, bool)


def _check_counts(c, env, total, steps, ref_total, ref_steps, what):
    rewards = [step[2] for step in env.log]
    c.close(
        total,
        ref_total,
        f"the total reward on {what}",
        mistakes=[
            ("it is the last step's reward alone: add up every step's reward, total_reward += r.", rewards[-1]),
            ("the last step's reward is missing: add r to the total after every step.", sum(rewards[:-1])),
        ],
    )
    c.close(
        steps,
        ref_steps,
        f"the number of steps on {what}",
        hint="Count one step per env.step call, and stop when the step is terminated or truncated.",
    )


def q_learning_episode(fn) -> None:
    """Check `q_learning_episode(env, Q, alpha, gamma, epsilon, rng) -> (total_reward, steps)` on a
    corridor with a cost per step and three actions: greedily (epsilon = 0) to the goal and into a
    time limit, compared with the reference run; exploring (epsilon = 0.5 and 1), compared with
    the reference updates along the steps actually taken."""
    c = Check("q_learning_episode", fn)
    for limit in (None, 2):
        spec = dict(_CORRIDOR, limit=limit)
        Q = _chain_q()
        env, total, steps = _run_logged(c, spec, Q, 0.5, 0.9, 0.0, 0)
        expected_Q, ref_total, ref_steps = _episode(spec, _chain_q(), 0.5, 0.9, 0.0, 0)
        what = "the corridor" if limit is None else "the corridor cut off by a 2-step time limit"
        actions = [step[1] for step in env.log]
        c.require(
            all(a == 1 for a in actions),
            f"with epsilon = 0 every action should be the greedy one, 1 (right) in every state of this corridor; "
            f"the episode took {actions}: pass epsilon on to epsilon_greedy and act on Q[s] of the current state.",
        )
        mistakes = [
            (_BOOTSTRAP_TERMINAL, _episode_variant(_chain(**spec), _chain_q(), 0.5, 0.9, bootstrap_terminal=True))
        ]
        if limit is not None:
            variant = _episode_variant(_chain(**spec), _chain_q(), 0.5, 0.9, cut_on_truncation=True)
            mistakes.insert(0, (_CUT_ON_TRUNCATION, variant))
        c.close(Q, expected_Q, f"Q after one greedy episode on {what}", mistakes=mistakes, hint=_UPDATE_HINT)
        _check_counts(c, env, total, steps, ref_total, ref_steps, what)

    # exploring: the path depends on how the random numbers are drawn, so it is checked by behaviour
    # (an answer recorded for the reference's path would not fit another valid way of drawing)
    spec = dict(_CORRIDOR, limit=12)
    with global_rng_untouched(c):
        runs, actions = [], []
        for _ in range(2):
            Q = _chain_q()
            env, total, steps = _run_logged(c, spec, Q, 0.5, 0.9, 0.5, 3)
            runs.append([step[1] for step in env.log])
        for seed in range(6):
            explorer, _, _ = _run_logged(c, dict(_CORRIDOR, limit=10), _chain_q(), 0.5, 0.9, 1.0, 10 + seed)
            actions += [step[1] for step in explorer.log]
    c.require(
        runs[0] == runs[1],
        "two episodes with generators made from the same seed took different actions: pass the `rng` "
        "argument on to epsilon_greedy, and draw from no other generator.",
    )
    what = "an exploring episode (epsilon = 0.5)"
    rewards = [step[2] for step in env.log]
    c.require(
        _is_number(total) and np.isclose(float(total), sum(rewards)) and _is_number(steps) and steps == len(env.log),
        f"on {what} the environment paid {len(rewards)} rewards summing to {sum(rewards):.6g}, but your function "
        f"returned total_reward {total!r} and steps {steps!r}: add up every step's reward and count every step.",
    )
    # exploring on the conveyor, where the table an episode leaves is known whatever actions it draws
    Q0, E = _conveyor_q(), _conveyor_updates(_conveyor_q(), 0.5, 0.9)
    for seed in (20, 21, 22):
        Q = Q0.copy()
        with global_rng_untouched(c):
            env, total, steps = _run_logged(c, _CONVEYOR, Q, 0.5, 0.9, 1.0, seed)
        expected = Q0.copy()
        for s, a, *_ in env.log:
            expected[s, a] = E[s, a]
        c.close(
            Q,
            expected,
            f"Q after an exploring episode (epsilon = 1, actions {[step[1] for step in env.log]}) on a corridor where "
            f"every action moves right",
            hint="Each step's target is r + gamma * max_a' Q[s_next, a'], the best next action's value, whichever "
            "action is taken next (the value of the action taken next would be SARSA); just r when terminated.",
        )
    right = np.mean(np.array(actions) == 1)
    c.require(
        right < 0.75,
        f"with epsilon = 1 every action should be random (one in three goes right), but {100 * right:.0f} % of "
        f"{len(actions)} actions went right, the greedy way: pass epsilon on to epsilon_greedy.",
    )
    c.done()


# -- prediction: Monte Carlo, TD(0), TD(lambda) ----------------------------------------------------
# An episode of a walk over 6 states that revisits states 2 and 3 (so that the order of updates and
# every-visit counting matter) and pays rewards along the way (so that gamma and the return's start matter).
_WALK = ([2, 3, 2, 1, 2, 3, 4, 5], [0.5, -0.2, 0.0, 0.3, -0.4, 0.1, 0.0, 1.0])
_SHORT = ([4, 5, 4], [0.0, 0.25, -1.0])


def _values(seed=3, n=6):
    return np.round(np.random.default_rng(seed).uniform(-0.5, 1.0, size=n), 3)


@answer
def _predicted(rule: str, V, states, rewards, *args):
    """The reference prediction `rule` ("mc_prediction", "td0_prediction", "td_lambda_prediction")
    run on a copy of V: V after the episode."""
    from ..rl import tabular

    V = np.array(V, dtype=float)
    getattr(tabular, rule)(V, list(states), list(rewards), *args)
    return V


def _returns(rewards, gamma):
    """G_t = r_{t+1} + gamma G_{t+1} for every t (a data helper of the mistakes)."""
    G, out = 0.0, []
    for r in reversed(rewards):
        G = r + gamma * G
        out.append(G)
    return out[::-1]


def _mc_variant(V, states, rewards, alpha, gamma, returns=None, order=None, first_visit=False, step=None):
    """What an MC update with a given list of returns, order of visits and step rule leaves."""
    V = np.array(V, dtype=float)
    G = _returns(rewards, gamma) if returns is None else returns
    seen = set()
    for t in order if order is not None else range(len(states) - 1, -1, -1):
        s = states[t]
        if first_visit and states.index(s) != t:
            continue
        seen.add(s)
        V[s] = step(V[s], G[t]) if step else V[s] + alpha * (G[t] - V[s])
    return V


def _episode_call(c, V, states, rewards, *args):
    """Run the student's prediction on a copy of V (changed in place); return that copy."""
    V = np.array(V, dtype=float)
    result = c.call(V, list(states), list(rewards), *args, may_change=(0,))
    if result is not None and result is not V:
        c.fail(
            "change V in place (V[s] += ...) and return nothing; your function returned "
            f"{type(result).__name__} and the experiments read V, not the return value.",
        )
    return V


def mc_prediction(fn) -> None:
    """Check `mc_prediction(V, states, rewards, alpha, gamma)`: constant-alpha every-visit Monte
    Carlo over one finished episode, V changed in place; visits may be processed in either order."""
    c = Check("mc_prediction", fn)
    for (states, rewards), alpha, gamma in [(_WALK, 0.3, 0.9), (_WALK, 0.1, 1.0), (_SHORT, 0.5, 0.8)]:
        V0 = _values()
        expected = _predicted("mc_prediction", V0, states, rewards, alpha, gamma)
        forward = _mc_variant(V0, states, rewards, alpha, gamma, order=range(len(states)))
        got = _episode_call(c, V0, states, rewards, alpha, gamma)
        if np.allclose(got, forward) and not np.allclose(got, expected):
            expected = forward  # the visits taken from first to last: as good
        G = _returns(rewards, gamma)
        what = f"V after one episode (alpha = {alpha}, gamma = {gamma}, states {list(states)})"
        slips = [
            (
                "every visit counts: a state visited twice is updated twice (every-visit MC), each time toward "
                "the return that follows that visit.",
                {"first_visit": True},
            ),
            (
                "the return G_t starts with the reward of the step *from* S_t, rewards[t] (R_{t+1}); yours "
                "started one reward later.",
                {"returns": [g - r for g, r in zip(G, rewards)]},
            ),
            (
                "the return is what comes *after* S_t: G_t = rewards[t] + gamma * rewards[t+1] + ...; yours "
                "added up the rewards before it. Build G backward: G = r + gamma * G from the last step.",
                {"returns": [sum(rewards[: t + 1]) for t in range(len(rewards))]},
            ),
            ("gamma is missing: G_t = r_{t+1} + gamma * G_{t+1}.", {"returns": _returns(rewards, 1.0)}),
            (
                "V[s] was set to the return itself; move it a step alpha toward it: V[s] += alpha * (G - V[s]).",
                {"step": lambda v, g: g},
            ),
            (
                "the step size multiplies the return; it must multiply the error: V[s] += alpha * (G - V[s]).",
                {"step": lambda v, g, alpha=alpha: v + alpha * g},
            ),
        ]
        mistakes = [
            (message, _mc_variant(V0, states, rewards, alpha, gamma, order=order, **slip))
            for message, slip in slips
            for order in (None, range(len(states)))  # from the last visit back, or from the first on
        ]
        c.close(got, expected, what, mistakes=distinct(mistakes, expected))
    c.done()


def _td0_variant(V, states, rewards, alpha, gamma, frozen=False, skip_last=False, step=None, no_reward=False):
    V = np.array(V, dtype=float)
    old = V.copy()
    for t in range(len(states) - (1 if skip_last else 0)):
        src = old if frozen else V
        v_next = src[states[t + 1]] if t + 1 < len(states) else 0.0
        target = (0.0 if no_reward else rewards[t]) + gamma * v_next
        s = states[t]
        V[s] = step(V[s], target) if step else V[s] + alpha * (target - src[s])
    return V


def td0_prediction(fn) -> None:
    """Check `td0_prediction(V, states, rewards, alpha, gamma)`: TD(0) over one finished episode,
    one update per step as it comes, V changed in place."""
    c = Check("td0_prediction", fn)
    for (states, rewards), alpha, gamma in [(_WALK, 0.3, 0.9), (_WALK, 0.5, 1.0), (_SHORT, 0.2, 0.8)]:
        V0 = _values()
        expected = _predicted("td0_prediction", V0, states, rewards, alpha, gamma)
        got = _episode_call(c, V0, states, rewards, alpha, gamma)
        last = np.array(V0, dtype=float)
        mistakes = [
            (
                "the last step, into the terminal state, was not updated: its target is just the last reward "
                "(a terminal state's value is 0).",
                _td0_variant(V0, states, rewards, alpha, gamma, skip_last=True),
            ),
            (
                "the targets used V as it was before the episode; TD(0) updates after every step, so a later "
                "target already sees the earlier updates (update V in place as you go).",
                _td0_variant(V0, states, rewards, alpha, gamma, frozen=True),
            ),
            ("gamma is missing: the target is r + gamma * V[s_next].", _td0_variant(V0, states, rewards, alpha, 1.0)),
            (
                "the reward is missing: the target is rewards[t] + gamma * V[s_next].",
                _td0_variant(V0, states, rewards, alpha, gamma, no_reward=True),
            ),
            (
                "the step size multiplies the target; it must multiply the TD error: V[s] += alpha * (target - V[s]).",
                _td0_variant(V0, states, rewards, alpha, gamma, step=lambda v, g, alpha=alpha: v + alpha * g),
            ),
            ("V was not changed: update V[s] in place (V[s] += ...).", last),
        ]
        what = f"V after one episode (alpha = {alpha}, gamma = {gamma}, states {list(states)})"
        c.close(got, expected, what, mistakes=distinct(mistakes, expected))
    c.done()


def _td_lambda_variant(V, states, rewards, alpha, lam, gamma, decay=None, replacing=False, add_first=False):
    """TD(lambda) written with one typical slip; decay(gamma, lam) gives the trace's decay factor."""
    V = np.array(V, dtype=float)
    e = np.zeros_like(V)
    factor = gamma * lam if decay is None else decay(gamma, lam)
    for t, s in enumerate(states):
        v_next = V[states[t + 1]] if t + 1 < len(states) else 0.0
        delta = rewards[t] + gamma * v_next - V[s]
        if add_first:
            e[s] += 1.0
            e *= factor
        else:
            e *= factor
            e[s] = 1.0 if replacing else e[s] + 1.0
        V += alpha * delta * e
    return V


def td_lambda_prediction(fn) -> None:
    """Check `td_lambda_prediction(V, states, rewards, alpha, lam, gamma)`: online TD(lambda) with
    accumulating traces over one episode, V changed in place; on a (num_states,) V with numbers and
    on a (num_states, K) V with (K,) arrays of alpha and lam."""
    c = Check("td_lambda_prediction", fn)
    states, rewards = _WALK
    for alpha, lam, gamma in [(0.3, 0.7, 0.9), (0.2, 0.5, 1.0), (0.4, 0.0, 0.8)]:
        V0 = _values()
        expected = _predicted("td_lambda_prediction", V0, states, rewards, alpha, lam, gamma)
        got = _episode_call(c, V0, states, rewards, alpha, lam, gamma)
        mistakes = [
            (
                "the traces decay by gamma * lam at every step; yours decayed by lam alone (gamma is missing).",
                _td_lambda_variant(V0, states, rewards, alpha, lam, gamma, decay=lambda g, x: x),
            ),
            (
                "the traces never decayed: multiply every trace by gamma * lam at every step.",
                _td_lambda_variant(V0, states, rewards, alpha, lam, gamma, decay=lambda g, x: 1.0),
            ),
            (
                "those are replacing traces (e[s] = 1); this exercise asks accumulating ones: e[s] += 1.",
                _td_lambda_variant(V0, states, rewards, alpha, lam, gamma, replacing=True),
            ),
            (
                "the trace of the current state was decayed right after it grew: decay all traces first, then "
                "e[s] += 1, so that the state just visited gets the full update.",
                _td_lambda_variant(V0, states, rewards, alpha, lam, gamma, add_first=True),
            ),
            (
                "only the current state was updated (that is TD(0)): every state moves by alpha * delta * e[state].",
                _predicted("td0_prediction", V0, states, rewards, alpha, gamma),
            ),
        ]
        what = f"V after one episode (alpha = {alpha}, lam = {lam}, gamma = {gamma})"
        c.close(got, expected, what, mistakes=distinct(mistakes, expected))
    # K = 3 value functions at once, one (alpha, lam) per column
    alphas, lams = np.array([0.3, 0.1, 0.5]), np.array([0.0, 0.8, 0.6])
    V0 = np.stack([_values(seed) for seed in (3, 4, 5)], axis=1)
    expected = _predicted("td_lambda_prediction", V0, states, rewards, alphas, lams, 0.9)
    V = np.array(V0)
    try:
        c.call(V, list(states), list(rewards), alphas, lams, 0.9, may_change=(0,))
    except CheckFailed as err:
        c.fail(
            f"with V of shape {V0.shape} (3 value functions, one per column) and alpha, lam of shape (3,) "
            f"your function failed ({str(err).split(': ', 1)[-1]}). Write it with array operations on whole "
            f"rows V[s] and a trace array e = np.zeros_like(V), without float() or if on values."
        )
    c.close(
        V,
        expected,
        "V of shape (6, 3) after one episode with alpha = [0.3, 0.1, 0.5] and lam = [0, 0.8, 0.6]",
        hint="Each column must learn as if run alone with its own alpha and lam: e *= gamma * lam broadcasts "
        "over the columns, and so does V += alpha * delta * e.",
    )
    c.done()


# -- expected SARSA, Double Q-learning ------------------------------------------------------------
def expected_sarsa_update(fn) -> None:
    """Check `expected_sarsa_update(Q, s, a, r, s_next, terminated, alpha, gamma, epsilon) -> td_error`:
    a next state with one best action and one with tied best actions, a terminal step, two epsilons."""
    c = Check("expected_sarsa_update", fn)
    Q = _update_case()
    Q[5] = [0.6, -0.1, 0.6]  # two best actions tie
    for s_next, terminated, eps in [(4, False, 0.2), (4, False, 0.5), (5, False, 0.3), (4, True, 0.2)]:
        args = (2, 1, 0.7, s_next, terminated, 0.3, 0.9, eps)
        Q_ref, delta_ref = _updated("expected_sarsa_update", Q, args)
        q = Q[s_next]
        best = np.flatnonzero(q == q.max())

        def nudged(value):
            return _nudged(Q, 2, 1, 0.3 * (0.7 + 0.9 * value - Q[2, 1]))

        pi = np.full(3, eps / 3)  # the epsilon-greedy policy's probabilities (data for the mistakes)
        pi[best] += (1 - eps) / len(best)
        unsplit = np.full(3, eps / 3)
        unsplit[best] += 1 - eps  # every tied best action given the whole greedy share
        no_share = pi - np.isin(np.arange(3), best) * eps / 3
        if terminated:
            mistakes = [
                ("it bootstrapped from a terminal state: when terminated, the target is just r.", nudged(pi @ q))
            ]
        else:
            mistakes = [
                (
                    "it used the max over next actions (that is Q-learning); expected SARSA averages Q[s_next] "
                    "under the epsilon-greedy policy.",
                    nudged(q.max()),
                ),
                (
                    "it averaged Q[s_next] uniformly; under epsilon-greedy the best action gets 1 - epsilon on top "
                    "of its epsilon / num_actions.",
                    nudged(q.mean()),
                ),
                (
                    "the best action's probability is 1 - epsilon + epsilon / num_actions (the random choice can "
                    "pick it too); yours gave it 1 - epsilon only.",
                    nudged(no_share @ q),
                ),
                (
                    "when several actions tie for the best, they share the greedy probability 1 - epsilon "
                    "(random tie breaking); yours gave each of them all of it, so the probabilities sum to more "
                    "than 1.",
                    nudged(unsplit @ q),
                ),
            ]
        what = f"{'a terminal step' if terminated else 'a step'} (epsilon = {eps}, Q[s_next] = {q.tolist()})"
        _check_update(c, "expected_sarsa_update", args, distinct(mistakes, Q_ref), what, Q=Q)
    c.done()


def _double_case():
    """Two (6, 3) tables whose rows for the next state 4 disagree: Q1 picks action 0, Q2 action 2, and
    each table's value of the other's pick differs from both maxima."""
    Q1, Q2 = _update_case(1), _update_case(2)
    Q1[4] = [0.9, 0.2, -0.5]
    Q2[4] = [0.1, -0.3, 0.7]
    return Q1, Q2


@answer
def _double_updated(Q1, Q2, args, first: bool):
    """(Q1, Q2, TD error) after the reference double_q_learning_update of table 1 (first) or table 2:
    a generator is seeded so that the reference's coin picks that table."""
    from ..rl import tabular

    for seed in range(100):
        if (np.random.default_rng(seed).random() < 0.5) == first:
            break
    Q1, Q2 = np.array(Q1, dtype=float), np.array(Q2, dtype=float)
    delta = tabular.double_q_learning_update(Q1, Q2, *args, np.random.default_rng(seed))
    return Q1, Q2, delta


def _double_call(c, Q1, Q2, args, rng):
    """The student's update on copies of Q1, Q2: (Q1 after, Q2 after, TD error)."""
    T1, T2 = np.array(Q1, dtype=float), np.array(Q2, dtype=float)
    delta = c.call(T1, T2, *args, rng, may_change=(0, 1))
    return T1, T2, delta


def double_q_learning_update(fn) -> None:
    """Check `double_q_learning_update(Q1, Q2, s, a, r, s_next, terminated, alpha, gamma, rng) -> td_error`:
    one table changes per call, at [s, a], chosen by a fair coin drawn from rng; the updated table
    picks the next action and the other one values it; no bootstrap when terminated."""
    c = Check("double_q_learning_update", fn)
    Q1, Q2 = _double_case()
    s, a, r, alpha, gamma = 2, 1, 0.7, 0.3, 0.9
    picks = []
    with global_rng_untouched(c):
        for terminated, seed in [(False, 0), (False, 1), (False, 2), (False, 3), (True, 4), (True, 5)]:
            args = (s, a, r, 4, terminated, alpha, gamma)
            T1, T2, delta = _double_call(c, Q1, Q2, args, np.random.default_rng(seed))
            changed = [not np.array_equal(T, Q) for T, Q in ((T1, Q1), (T2, Q2))]
            c.require(any(changed), "neither table changed: update Q1[s, a] or Q2[s, a] in place (one of them).")
            c.require(
                not all(changed),
                "both tables changed in one call: a coin (rng.random() < 0.5) picks the *one* table to update.",
            )
            first = changed[0]
            picks.append(first)
            # both tables' answers, asked whichever the student updated: recorded ones then fit every coin
            E1, E2, delta_ref = {pick: _double_updated(Q1, Q2, args, pick) for pick in (True, False)}[first]
            mine, other = (Q1, Q2) if first else (Q2, Q1)
            name, other_name = ("Q1", "Q2") if first else ("Q2", "Q1")

            def nudged(value, mine=mine):
                return _nudged(mine, s, a, alpha * (r + gamma * value - mine[s, a]))

            if terminated:
                mistakes = [
                    (
                        "it bootstrapped from a terminal state: when terminated, the target is just r.",
                        nudged(other[4, np.argmax(mine[4])]),
                    )
                ]
            else:
                mistakes = [
                    (
                        f"the updated table {name} both picked and valued the next action (max {name}[s_next]): that "
                        f"is Q-learning. Pick with {name} (argmax), value with {other_name}.",
                        nudged(mine[4].max()),
                    ),
                    (
                        f"the value was max {other_name}[s_next], the other table's own best action: pick the next "
                        f"action with the table being updated ({name}), value it with {other_name}.",
                        nudged(other[4].max()),
                    ),
                    (
                        f"the roles were swapped: {other_name} picked the next action and {name} valued it; pick with "
                        f"the table being updated, {name}[s_next].argmax(), and value with {other_name}.",
                        nudged(mine[4, np.argmax(other[4])]),
                    ),
                    (
                        "the target used both tables' sum or mean; Double Q-learning picks with one and values "
                        "with the other.",
                        nudged((mine[4] + other[4]).max() / 2),
                    ),
                ]
            got, expected = (T1, E1) if first else (T2, E2)
            what = f"{name} after {'a terminal step' if terminated else 'a step'} that updated {name}"
            c.close(
                got,
                expected,
                what,
                mistakes=distinct(mistakes, expected),
                hint=f"When the coin picks {name}: target = r + gamma * {other_name}[s_next, argmax {name}[s_next]] "
                f"(just r when terminated); {name}[s, a] += alpha * (target - {name}[s, a]).",
            )
            c.close(
                delta,
                delta_ref,
                f"the returned TD error after {what[len(name) + 7 :]}",
                hint="Return delta = target - Q[s, a] of the table updated (computed before the update).",
            )
        # the coin: fair, and drawn from rng
        n = 400
        rng = np.random.default_rng(7)
        for _ in range(n):
            T1, _, _ = _double_call(c, Q1, Q2, (s, a, r, 4, False, alpha, gamma), rng)
            picks.append(not np.array_equal(T1, Q1))
        runs = [
            [
                not np.array_equal(_double_call(c, Q1, Q2, (s, a, r, 4, False, alpha, gamma), g)[0], Q1)
                for _ in range(40)
            ]
            for g in (np.random.default_rng(11), np.random.default_rng(11))
        ]
    share = np.mean(picks[-n:])
    tol = share_window(0.5, n)
    c.require(
        abs(share - 0.5) <= tol,
        f"Q1 was updated in {100 * share:.0f} % of {n} calls; a fair coin picks each table half of the time "
        f"(± {100 * tol:.0f} %): update Q1 when rng.random() < 0.5, else Q2.",
    )
    c.require(
        runs[0] == runs[1],
        "two runs with generators made from the same seed updated different tables: draw the coin from the "
        "`rng` argument.",
    )
    c.done()
