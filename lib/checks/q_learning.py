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
from .core import Check, global_rng_untouched, share_window
from .expected import answer

__all__ = ["epsilon_greedy", "q_learning_update", "sarsa_update", "q_learning_episode"]


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
    """The reference update `rule` ("q_learning_update", "sarsa_update") applied to a copy of Q:
    (Q after the update, the TD error it returned)."""
    from ..rl import tabular

    Q = np.array(Q, dtype=float)
    delta = getattr(tabular, rule)(Q, *args)
    return Q, delta


_TARGETS = {
    "q_learning_update": "The target is r + gamma * max_a' Q[s_next, a'] (just r when terminated); then "
    "Q[s, a] += alpha * (target - Q[s, a]), changing no other entry.",
    "sarsa_update": "The target is r + gamma * Q[s_next, a_next] (just r when terminated); then "
    "Q[s, a] += alpha * (target - Q[s, a]), changing no other entry.",
}


def _check_update(c, rule, args, mistakes, what):
    """Run the student's update on a fresh Q; compare the whole table and the TD error it returns.

    mistakes: (message, Q after a typical wrong update) pairs.
    """
    Q = _update_case()
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
