"""Graded checks for assignment 07 (DQN and its extensions).

Functions are compared with the references in `lib.rl.dqn`, `lib.rl.replay` and
`lib.models.q_network` (asked through `expected`) on seeded inputs, and typical wrong versions
are recognised by the values they return. The two classes the
student writes (ReplayBuffer, SumTree) are checked by behaviour: which slots hold what after a
known sequence of adds, which slots sampling can reach, what the tree sums to.
"""

from __future__ import annotations

import numpy as np

from ..models.q_network import QNetwork
from ..rl.envs import CorridorEnv
from ..rl.replay import Batch
from .core import Check
from .expected import answer, reference

ref = reference("lib.rl.dqn")
_ref_dueling = reference("lib.models.q_network").dueling_aggregate
_ref_weights = reference("lib.rl.replay").importance_weights

__all__ = [
    "replay_buffer",
    "td_targets",
    "huber_loss",
    "collect_transition",
    "dqn_loss",
    "double_dqn_targets",
    "dueling_aggregate",
    "sum_tree",
    "importance_weights",
]


# -- dqn.ipynb ---------------------------------------------------------------------------------
def _fields(c, batch, what):
    names = Batch._fields
    if not isinstance(batch, tuple) or len(batch) < 5:
        got = "None (did you forget `return`?)" if batch is None else type(batch).__name__
        c.fail(f"{what} should return a Batch({', '.join(names)}), got {got}")
    return dict(zip(names, batch))


def replay_buffer(cls) -> None:
    """Check a ReplayBuffer class: `cls(capacity, obs_shape)`, `.add(obs, action, reward, next_obs,
    terminated)`, `.sample(batch_size, rng) -> Batch`, `len(buf)`."""
    c = Check("ReplayBuffer", cls)
    buf = c.call(4, (2,))
    for i in range(6):  # transitions 0..5 into 4 slots: 4 and 5 replace 0 and 1
        c.call_with(buf.add, np.full(2, float(i)), i % 2, float(i), np.full(2, i + 0.5), i == 5)
    c.require(
        len(buf) == 4,
        f"after 6 adds to a buffer of capacity 4, len(buffer) should be 4, got {len(buf)}: "
        f"size grows by one per add and stops at capacity.",
    )
    rewards = np.asarray(buf.rewards, dtype=float)
    if np.allclose(rewards, [5, 1, 2, 3]) or np.allclose(rewards, [0, 1, 2, 5]):
        c.fail(
            f"after 6 adds to capacity 4 the stored rewards are {rewards.tolist()}: the buffer kept overwriting "
            f"one slot. Once full, each add must replace the oldest transition: write to slot `pos`, then "
            f"pos = (pos + 1) % capacity."
        )
    c.require(
        np.allclose(rewards, [4, 5, 2, 3]),
        f"after adding rewards 0..5 to a buffer of capacity 4, slots should hold [4, 5, 2, 3] (the two oldest "
        f"replaced), got {rewards.tolist()}. Write to slot pos, then pos = (pos + 1) % capacity.",
    )
    c.require(
        np.allclose(np.asarray(buf.obs)[:, 0], [4, 5, 2, 3])
        and np.allclose(np.asarray(buf.next_obs)[:, 0], [4.5, 5.5, 2.5, 3.5])
        and list(np.asarray(buf.terminated)) == [False, True, False, False],
        "obs, next_obs or terminated are not stored in the same slot as the reward: store all five in slot pos.",
    )

    small = c.call(100, (1,))
    for i in range(1, 8):  # transitions 1..7: an unfilled slot shows up as a row of zeros
        c.call_with(small.add, np.array([float(i)]), 0, float(i), np.array([i + 1.0]), False)
    rng = np.random.default_rng(0)
    b = _fields(c, c.call_with(small.sample, 3000, rng), "sample")
    rewards = np.asarray(b["rewards"], dtype=float)
    if rewards.shape != (3000,):
        c.fail(f"sample(3000, rng) should give rewards of shape (3000,), got {rewards.shape}")
    if np.any(rewards == 0):
        c.fail(
            "sample drew slots that were never filled (7 of 100 slots hold transitions, but empty zero rows came "
            "back): draw indices with rng.integers(0, size), not capacity."
        )
    c.require(
        len(set(rewards.tolist())) == 7,
        f"sample should reach every filled slot; 3,000 draws from 7 transitions "
        f"reached only {sorted(set(rewards.tolist()))}.",
    )
    c.require(
        np.allclose(np.asarray(b["obs"])[:, 0], rewards) and np.allclose(np.asarray(b["next_obs"])[:, 0], rewards + 1),
        "a sampled row mixes different transitions: index every array with the same indices.",
    )
    c.done()


def td_targets(fn) -> None:
    """Check `td_targets(rewards, terminated, q_next_target, gamma) -> y`."""
    c = Check("td_targets", fn)
    rng = np.random.default_rng(7)
    r = rng.normal(size=6)
    term = np.array([False, True, False, False, True, False])
    q = rng.normal(size=(6, 3))
    gamma = 0.9
    expected = ref.td_targets(r, term, q, gamma)
    mistakes = [
        (
            "it bootstraps from terminated states: where terminated is True there is no next state, "
            "so the target is just r.",
            r + gamma * q.max(axis=1),
        ),
        (
            "the bootstrap is cut on the wrong rows: multiply by (1 - terminated), not terminated.",
            r + gamma * np.where(term, q.max(axis=1), 0.0),
        ),
        (
            "it uses the mean over next actions; Q-learning's target takes the max (the greedy action).",
            r + gamma * np.where(term, 0.0, q.mean(axis=1)),
        ),
        ("gamma is missing: y = r + gamma * max_a' Q(s', a').", r + np.where(term, 0.0, q.max(axis=1))),
    ]
    got = c.call(r, term, q, gamma)
    c.close(got, expected, "the targets", mistakes=mistakes)
    c.close(
        c.call(r[:2], np.array([False, False]), np.array([[1.0, 5.0], [2.0, 0.0]]), 1.0),
        [r[0] + 5, r[1] + 2],
        "the targets of a two-row example",
        hint="y = r + gamma * Q_target(s').max(axis=1), with 0 for terminated rows.",
    )
    c.done()


def huber_loss(fn) -> None:
    """Check `huber_loss(x, y, weights=None) -> (loss, dx)`."""
    c = Check("huber_loss", fn)
    x = np.array([0.3, -0.5, 2.0, -3.0, 1.0, 0.0])
    y = np.array([0.0, 0.2, -0.5, 0.5, 0.0, 0.0])
    w = np.array([1.0, 0.5, 0.25, 1.0, 0.8, 0.3])
    d, N = x - y, len(x)
    for weights in (None, w):
        ww = np.ones(N) if weights is None else w
        loss, dx = ref.huber_loss(x, y, weights)
        args = (x, y) if weights is None else (x, y, weights)
        got_loss, got_dx = c.unpack(c.call(*args), ("loss", "dx"))
        label = "" if weights is None else " with weights"
        c.close(
            got_loss,
            loss,
            f"the loss{label}",
            mistakes=[
                (
                    "it is the squared error everywhere; beyond |x - y| = 1 the Huber loss grows linearly: |d| - 1/2.",
                    np.sum(ww * 0.5 * d * d) / N,
                ),
                ("it is summed over the batch; average it (divide by N).", loss * N),
                ("the weights are ignored: multiply each example's loss by its weight.", ref.huber_loss(x, y)[0]),
            ],
        )
        c.close(
            got_dx,
            dx,
            f"the gradient dx{label}",
            mistakes=[
                (
                    "the gradient is wrong beyond |d| = 1: there it is sign(d) (the slope of the linear part), "
                    "not d. That cap is what keeps one big TD error from taking a huge step.",
                    ww * d / N,
                ),
                ("the gradient has the wrong sign: d/dx of h(x - y) is +h'(x - y).", -dx),
                ("the gradient is not divided by N, but the loss is a mean.", dx * N),
                ("the weights are missing from the gradient.", ref.huber_loss(x, y)[1]),
            ],
        )
    c.done()


def _clock():
    """A 6-cell corridor observed as one-hot vectors: reaching cell 5 terminates (+1); otherwise a
    time limit of 3 steps truncates."""
    return CorridorEnv(6, one_hot=True, max_steps=3)


def _right_net():
    """A QNetwork whose greedy action is always 1 (right)."""
    net = QNetwork((6,), 2, hidden=(4,), seed=0)
    net.params["b_out"][:] = [0.0, 10.0]
    return net


class _TransitionLog:
    """The buffer handed to the student's collect_transition: it keeps every `add` in order,
    with the arrays a ReplayBuffer has (obs, actions, rewards, next_obs, terminated)."""

    def __init__(self):
        self.rows = []

    def add(self, obs, action, reward, next_obs, terminated):
        self.rows.append(
            (np.array(obs, dtype=np.float32), action, reward, np.array(next_obs, dtype=np.float32), terminated)
        )

    def __len__(self):
        return len(self.rows)

    def _column(self, i, dtype=None):
        return np.array([row[i] for row in self.rows], dtype=dtype)

    obs = property(lambda self: self._column(0))
    actions = property(lambda self: self._column(1, np.int64))
    rewards = property(lambda self: self._column(2, np.float64))
    next_obs = property(lambda self: self._column(3))
    terminated = property(lambda self: self._column(4, bool))


def collect_transition(fn) -> None:
    """Check `collect_transition(env, obs, q_net, epsilon, rng, buffer)
    -> (next_obs, reward, terminated, truncated)`."""
    c = Check("collect_transition", fn)
    net, rng = _right_net(), np.random.default_rng(0)
    # truncation: three greedy steps from state 0 end by the time limit at state 3
    env, buf = _clock(), _TransitionLog()
    obs, _ = env.reset()
    for step in range(3):
        out = c.unpack(
            c.call(env, obs, net, 0.0, rng, buf, may_change=(0, 4, 5)),
            ("next_obs", "reward", "terminated", "truncated"),
        )
        c.require(
            len(buf) == step + 1,
            f"each call must add exactly one transition to the buffer; after {step + 1} call(s) it holds {len(buf)}.",
        )
        c.require(buf.actions[step] == 1, "with epsilon = 0 the action must be the greedy one, argmax_a Q(obs, a).")
        obs = out[0]
    c.require(
        bool(out[3]) and not bool(out[2]),
        "the third step should come back truncated (the time limit) and not terminated: return the env's own flags.",
    )
    if buf.terminated[2]:
        c.fail(
            "the truncated transition was stored as terminated. That cuts the bootstrap where the task did not "
            "end (only the clock ran out): store `terminated` alone, never `terminated or truncated`."
        )
    if not np.array_equal(buf.next_obs[2], np.eye(6, dtype=np.float32)[3]):
        c.fail(
            f"the truncated transition's next_obs should be the state the step reached (one-hot 3), got "
            f"{buf.next_obs[2].tolist()}. Store the observation env.step returned, not a reset observation: "
            f"resetting is the training loop's job."
        )
    # termination: from state 4 one step right reaches the goal
    env, buf = _clock(), _TransitionLog()
    obs, _ = env.reset(options={"start": 4})
    out = c.call(env, obs, net, 0.0, rng, buf, may_change=(0, 4, 5))
    c.require(
        bool(buf.terminated[0]) and buf.rewards[0] == 1.0,
        "reaching the goal terminates with reward 1: store terminated=True and the reward.",
    )
    # exploration: epsilon = 1 picks both actions about equally
    env, buf = _clock(), _TransitionLog()
    for _ in range(400):
        obs, _ = env.reset()
        c.call(env, obs, net, 1.0, rng, buf, may_change=(0, 4, 5))
    share = buf.actions.mean()
    c.require(
        0.35 < share < 0.65,
        f"with epsilon = 1 actions should be uniformly random, but 'right' was taken "
        f"{100 * share:.0f} % of the time: explore with rng.integers(num_actions).",
    )
    c.done()


def _loss_case():
    net = QNetwork((3,), 3, hidden=(5,), dtype=np.float64, seed=1)
    target = QNetwork((3,), 3, hidden=(5,), dtype=np.float64, seed=2)
    rng = np.random.default_rng(3)
    for n in (net, target):
        for k in n.params:
            n.params[k] = n.params[k] + rng.normal(scale=0.5, size=n.params[k].shape)
    B = 8
    batch = Batch(
        rng.normal(size=(B, 3)),
        rng.integers(0, 3, B),
        rng.normal(size=B),
        rng.normal(size=(B, 3)),
        np.arange(B) % 3 == 0,
        np.arange(B),
        rng.uniform(0.3, 1.0, B),
    )
    return net, target, batch


@answer
def _reference_dqn_loss(params, target_params, batch, gamma):
    """The reference dqn_loss for the `_loss_case` networks with these parameters."""
    from ..rl.dqn import dqn_loss

    net, target = QNetwork((3,), 3, hidden=(5,), dtype=np.float64), QNetwork((3,), 3, hidden=(5,), dtype=np.float64)
    net.params, target.params = params, target_params
    return dqn_loss(net, target, batch, gamma)


def dqn_loss(fn) -> None:
    """Check `dqn_loss(q_net, target_net, batch, gamma) -> (loss, grads, td_errors)`."""
    c = Check("dqn_loss", fn)
    net, target, batch = _loss_case()
    gamma = 0.9
    loss, grads, td = _reference_dqn_loss(net.params, target.params, batch, gamma)
    before = {k: v.copy() for k, v in net.params.items()}
    got = c.unpack(c.call(net, target, batch, gamma), ("loss", "grads", "td_errors"))
    c.require(
        all(np.array_equal(before[k], net.params[k]) for k in before),
        "dqn_loss changed the network's parameters: it only computes the loss and gradients; the optimizer "
        "step comes after.",
    )
    rows = np.arange(len(batch.actions))
    q_sa = net.q_values(batch.obs)[rows, batch.actions]
    y_online = ref.td_targets(batch.rewards, batch.terminated, net.q_values(batch.next_obs), gamma)
    y_noterm = batch.rewards + gamma * target.q_values(batch.next_obs).max(axis=1)
    c.close(
        got[2],
        td,
        "td_errors (y - Q(s, a))",
        mistakes=[
            (
                "the targets take the max over the ONLINE network's Q-values of s'. Use target_net for them: that "
                "frozen copy is what keeps the targets from moving with every update.",
                y_online - q_sa,
            ),
            ("the targets bootstrap from terminated states: pass batch.terminated to td_targets.", y_noterm - q_sa),
            ("it has the wrong sign: td_errors = y - Q(s, a).", -td),
        ],
    )
    c.close(
        got[0],
        loss,
        "the loss",
        mistakes=[
            (
                "the importance weights batch.weights are not used: pass them to huber_loss.",
                ref.huber_loss(
                    q_sa, ref.td_targets(batch.rewards, batch.terminated, target.q_values(batch.next_obs), gamma)
                )[0],
            ),
        ],
    )
    grads_got = got[1]
    if not isinstance(grads_got, dict) or set(grads_got) != set(grads):
        c.fail(
            f"grads should be a dict with the network's keys {sorted(grads)}, got "
            f"{sorted(grads_got) if isinstance(grads_got, dict) else type(grads_got).__name__}"
        )
    q, cache = net.forward(batch.obs)
    y = ref.td_targets(batch.rewards, batch.terminated, target.q_values(batch.next_obs), gamma)
    _, dq_sa = ref.huber_loss(q_sa, y, batch.weights)
    all_actions = net.backward(np.repeat(dq_sa[:, None], 3, axis=1), cache)
    for k in grads:
        c.close(
            grads_got[k],
            grads[k],
            f"grads[{k!r}]",
            rtol=1e-5,
            atol=1e-9,
            mistakes=[
                (
                    "the gradient flows into every action's Q-value; only Q(s, a) for the action taken is in the loss: "
                    "dq is zero except dq[i, actions[i]].",
                    all_actions[k],
                ),
                ("it has the wrong sign: these are gradients of the loss, descend them.", -grads[k]),
            ],
        )
    c.done()


# -- dqn_extensions.ipynb ----------------------------------------------------------------------
def double_dqn_targets(fn) -> None:
    """Check `double_dqn_targets(rewards, terminated, q_next_online, q_next_target, gamma) -> y`."""
    c = Check("double_dqn_targets", fn)
    rng = np.random.default_rng(11)
    r, term = rng.normal(size=6), np.array([False, False, True, False, False, True])
    online, target = rng.normal(size=(6, 4)), rng.normal(size=(6, 4))
    gamma = 0.95
    rows = np.arange(6)
    cut = np.where(term, 0.0, 1.0)
    expected = ref.double_dqn_targets(r, term, online, target, gamma)
    c.close(
        c.call(r, term, online, target, gamma),
        expected,
        "the Double DQN targets",
        mistakes=[
            (
                "the argmax is taken from the target network: that is vanilla DQN's max. Let the online network choose "
                "a* = argmax_a Q_online(s', a), and the target network value it.",
                ref.td_targets(r, term, target, gamma),
            ),
            (
                "the roles are swapped: the online network must choose the action and the target network evaluate it.",
                r + gamma * cut * online[rows, target.argmax(axis=1)],
            ),
            (
                "it bootstraps from terminated states: the target there is just r.",
                ref.double_dqn_targets(r, np.zeros(6, bool), online, target, gamma),
            ),
            (
                "the online network both chooses and values the action (plain max over online Q): the value must "
                "come from the target network.",
                ref.td_targets(r, term, online, gamma),
            ),
        ],
    )
    c.done()


def dueling_aggregate(fn) -> None:
    """Check `dueling_aggregate(value, advantages) -> q`."""
    c = Check("dueling_aggregate", fn)
    rng = np.random.default_rng(5)
    v, a = rng.normal(size=(4, 1)), rng.normal(size=(4, 3))
    expected = _ref_dueling(v, a)
    c.close(
        c.call(v, a),
        expected,
        "Q",
        mistakes=[
            (
                "V + A without centering: then V and A are not identifiable (any constant can move between them). "
                "Subtract the mean advantage over actions.",
                v + a,
            ),
            (
                "it subtracts the max advantage (the paper's first variant); use the mean over actions, which the "
                "paper found steadier.",
                v + a - a.max(axis=1, keepdims=True),
            ),
            (
                "the mean is taken over the batch (axis 0); take it over actions: a.mean(axis=1, keepdims=True).",
                v + a - a.mean(axis=0, keepdims=True),
            ),
        ],
    )
    c.done()


def sum_tree(cls) -> None:
    """Check a SumTree class: `cls(capacity)`, `.update(indices, priorities)`, `.total`, `.find(values)`."""
    c = Check("SumTree", cls)
    tree = c.call(6)
    c.call_with(tree.update, np.arange(6), np.array([1.0, 0.0, 2.0, 3.0, 0.0, 4.0]))
    total = float(tree.total)
    c.require(
        np.isclose(total, 10.0), f"after setting priorities [1, 0, 2, 3, 0, 4] the total should be 10, got {total}."
    )
    c.call_with(tree.update, np.array([3]), np.array([0.5]))
    total = float(tree.total)
    if np.isclose(total, 10.5):
        c.fail(
            "the total is wrong after an update: changing leaf 3 from 3 to 0.5 should give 7.5, got 10.5. The new "
            "priority was added on top of the old one: propagate the change (new - old) or recompute the sums."
        )
    c.require(np.isclose(total, 7.5), f"after changing leaf 3 from 3 to 0.5 the total should be 7.5, got {total}.")
    rng = np.random.default_rng(0)
    values = rng.random(20_000) * 7.5
    found = np.asarray(c.call_with(tree.find, values)).astype(int).ravel()
    if found.shape != (20_000,):
        c.fail(f"find(values) should return one leaf index per value, shape (20000,), got {found.shape}")
    share = np.bincount(found, minlength=6)[:6] / found.size
    expected = np.array([1.0, 0.0, 2.0, 0.5, 0.0, 4.0]) / 7.5
    c.require(
        share[1] == 0 and share[4] == 0, "find returned a leaf whose priority is 0: such a leaf must never be drawn."
    )
    c.require(
        np.allclose(share, expected, atol=0.02),
        f"find should return leaf i for a share p_i / total of uniform values: expected "
        f"{np.round(expected, 3).tolist()}, got {np.round(share, 3).tolist()}. Walk down: go left if "
        f"value < left sum, else subtract the left sum and go right.",
    )
    c.done()


def importance_weights(fn) -> None:
    """Check `importance_weights(probs, buffer_size, beta) -> w`."""
    c = Check("importance_weights", fn)
    probs, N = np.array([0.02, 0.005, 0.01, 0.04, 0.001]), 200
    for beta in (0.4, 1.0):
        raw = (N * probs) ** (-beta)
        expected = _ref_weights(probs, N, beta)
        c.close(
            c.call(probs, N, beta),
            expected,
            f"the weights at beta = {beta}",
            mistakes=[
                (
                    "the weights are not normalized: divide by their max so that the largest is 1 (updates are only "
                    "ever scaled down).",
                    raw,
                ),
                (
                    "the exponent has the wrong sign: w = (N * P(i)) ** (-beta).",
                    (N * probs) ** beta / ((N * probs) ** beta).max(),
                ),
                ("normalized by the sum instead of the max.", raw / raw.sum()),
            ],
        )
    c.done()
