"""Checks of assignment 07: the references pass; stubs and the issue's typical mistakes are named;
correct versions written otherwise pass."""

import numpy as np
from check_harness import CheckTests

import lib.checks.dqn as module
from lib.models import dueling_aggregate
from lib.rl import dqn as D
from lib.rl import replay as R


class StubBuffer(R.ReplayBuffer):
    def add(self, *a):
        raise NotImplementedError()

    def sample(self, *a):
        raise NotImplementedError()


class StubTree(R.SumTree):
    def update(self, *a):
        raise NotImplementedError()

    def find(self, *a):
        raise NotImplementedError()


# -- replay buffer ------------------------------------------------------------------------------
class OverwritesNewest(R.ReplayBuffer):
    """Once full, keeps writing the last slot (pos stops at capacity - 1)."""

    def add(self, obs, action, reward, next_obs, terminated):
        i = self.pos
        self.obs[i], self.next_obs[i], self.actions[i], self.rewards[i], self.terminated[i] = (
            obs,
            next_obs,
            action,
            reward,
            terminated,
        )
        self.pos = min(i + 1, self.capacity - 1)
        self.size = min(self.size + 1, self.capacity)
        return i


class SamplesCapacity(R.ReplayBuffer):
    def sample(self, batch_size, rng):
        idx = rng.integers(0, self.capacity, size=batch_size)
        return self._batch(idx, np.ones(batch_size))


class MixesRows(R.ReplayBuffer):
    def sample(self, batch_size, rng):
        b = super().sample(batch_size, rng)
        return b._replace(next_obs=self.next_obs[rng.integers(0, self.size, batch_size)])


class ReturnsTuple(R.ReplayBuffer):
    def sample(self, batch_size, rng):
        return tuple(super().sample(batch_size, rng))


class LeavesIndicesOut(R.ReplayBuffer):
    def sample(self, batch_size, rng):
        return super().sample(batch_size, rng)._replace(indices=None)


class FieldsOutOfOrder(R.ReplayBuffer):
    def sample(self, batch_size, rng):
        b = super().sample(batch_size, rng)
        return R.Batch(b.obs, b.actions, b.terminated, b.next_obs, b.rewards, b.indices, b.weights)


class FloatActions(R.ReplayBuffer):
    def sample(self, batch_size, rng):
        b = super().sample(batch_size, rng)
        return b._replace(actions=b.actions.astype(np.float32))


class ZeroWeights(R.ReplayBuffer):
    def sample(self, batch_size, rng):
        return super().sample(batch_size, rng)._replace(weights=np.zeros(batch_size, np.float32))


class DrawsIndicesTwice(R.ReplayBuffer):
    """Returns a second draw as indices, not the slots the rows came from."""

    def sample(self, batch_size, rng):
        return super().sample(batch_size, rng)._replace(indices=rng.integers(0, self.size, batch_size))


class SamplesBeforePos(R.ReplayBuffer):
    """Draws from slots 0..pos-1: right until the buffer wraps around."""

    def sample(self, batch_size, rng):
        return self._batch(rng.integers(0, max(self.pos, 1), size=batch_size), np.ones(batch_size))


class GlobalSampler(R.ReplayBuffer):
    def sample(self, batch_size, rng):
        return self._batch(np.random.randint(0, self.size, size=batch_size), np.ones(batch_size))


class SwapsObs(R.ReplayBuffer):
    def add(self, obs, action, reward, next_obs, terminated):
        return super().add(next_obs, action, reward, obs, terminated)


class FullFromTheStart(R.ReplayBuffer):
    def add(self, obs, action, reward, next_obs, terminated):
        i = super().add(obs, action, reward, next_obs, terminated)
        self.size = self.capacity
        return i


class DequeBuffer:
    """Python lists that drop the oldest entry, rng.choice, float64 weights, Batch(**fields)."""

    def __init__(self, capacity, obs_shape):
        self.capacity, self.obs_shape = capacity, tuple(obs_shape)
        self.columns = {name: [] for name in ("obs", "actions", "rewards", "next_obs", "terminated")}

    def __len__(self):
        return len(self.columns["rewards"])

    def __getattr__(self, name):
        columns = self.__dict__["columns"]
        if name in columns:
            dtype = {"actions": np.int64, "terminated": bool}.get(name, np.float32)
            return np.array(columns[name], dtype=dtype)
        raise AttributeError(name)

    def add(self, obs, action, reward, next_obs, terminated):
        if len(self) == self.capacity:  # keep slot order: overwrite the oldest in place
            slot = self.__dict__.setdefault("_next", 0)
            self.__dict__["_next"] = (slot + 1) % self.capacity
        else:
            slot = len(self)
            for column in self.columns.values():
                column.append(None)
        for name, value in zip(self.columns, (np.array(obs), action, reward, np.array(next_obs), terminated)):
            self.columns[name][slot] = value

    def sample(self, batch_size, rng):
        idx = rng.choice(len(self), size=batch_size)
        fields = {name: getattr(self, name)[idx] for name in self.columns}
        return R.Batch(**fields, indices=idx, weights=np.ones(batch_size))


class TakeBuffer(R.ReplayBuffer):
    """Counts with a separate comparison, samples with integers(size) and np.take, builds with _make."""

    def add(self, obs, action, reward, next_obs, terminated):
        for name, value in zip(
            ("obs", "actions", "rewards", "next_obs", "terminated"), (obs, action, reward, next_obs, terminated)
        ):
            getattr(self, name)[self.pos] = value
        self.size += self.size < self.capacity
        self.pos = (self.pos + 1) % self.capacity

    def sample(self, batch_size, rng):
        idx = rng.integers(self.size, size=batch_size)
        arrays = [
            np.take(a, idx, axis=0) for a in (self.obs, self.actions, self.rewards, self.next_obs, self.terminated)
        ]
        return R.Batch._make([*arrays, idx, np.ones(batch_size, np.float32)])


# -- targets and loss ---------------------------------------------------------------------------
def td_no_cut(rewards, terminated, q, gamma):
    return rewards + gamma * q.max(axis=1)


def td_inverted_cut(rewards, terminated, q, gamma):
    return rewards + gamma * terminated * q.max(axis=1)


def td_mean(rewards, terminated, q, gamma):
    return rewards + gamma * (1 - terminated) * q.mean(axis=1)


def td_loop(rewards, terminated, q_next_target, gamma):
    y = np.zeros(len(rewards))
    for i in range(len(rewards)):
        y[i] = rewards[i] if terminated[i] else rewards[i] + gamma * max(q_next_target[i])
    return y


def td_mask(rewards, terminated, q_next_target, gamma):
    return rewards + gamma * ~np.asarray(terminated, bool) * np.max(q_next_target, axis=1)


def huber_mse_gradient(x, y, weights=None):
    loss, _ = D.huber_loss(x, y, weights)
    w = np.ones_like(x) if weights is None else weights
    return loss, w * (x - y) / len(x)


def huber_squared(x, y, weights=None):
    w = np.ones_like(x) if weights is None else weights
    d = x - y
    return np.sum(w * 0.5 * d * d) / len(x), w * d / len(x)


def huber_ignores_weights(x, y, weights=None):
    return D.huber_loss(x, y)


def huber_sum(x, y, weights=None):
    loss, dx = D.huber_loss(x, y, weights)
    return loss * len(x), dx * len(x)


def huber_minus_one(x, y, weights=None):
    w = np.ones_like(x) if weights is None else weights
    d = x - y
    _, dx = D.huber_loss(x, y, weights)
    return float(np.mean(w * np.where(np.abs(d) <= 1, d * d / 2, np.abs(d) - 1))), dx


def huber_weight_sum(x, y, weights=None):
    loss, dx = D.huber_loss(x, y, weights)
    scale = len(x) / (np.sum(weights) if weights is not None else len(x))
    return loss * scale, dx * scale


def huber_object_weights(x, y, weights=None):
    w = np.ones_like(None) if weights is None else weights
    loss, dx = D.huber_loss(x, y, weights)
    return loss, w * dx / (1 if weights is None else weights)


def huber_loop(x, y, weights=None):
    N = len(x)
    loss, dx = 0.0, np.zeros(N)
    for i in range(N):
        w = 1.0 if weights is None else weights[i]
        d = x[i] - y[i]
        if abs(d) <= 1:
            loss, dx[i] = loss + w * d * d / 2, w * d / N
        else:
            loss, dx[i] = loss + w * (abs(d) - 0.5), w * np.sign(d) / N
    return loss / N, dx


def huber_clip(x, y, weights=None):
    d = (np.asarray(x) - np.asarray(y)).astype(np.float32)
    small = np.minimum(np.abs(d), 1.0)  # the quadratic part, the rest grows linearly
    w = np.ones(len(d), np.float32) if weights is None else np.asarray(weights, np.float32)
    return float(np.mean(w * (0.5 * small**2 + np.abs(d) - small))), w * np.clip(d, -1, 1) / len(d)


def collect_cuts_on_truncation(env, obs, q_net, epsilon, rng, buffer):
    a = int(rng.integers(q_net.num_actions)) if rng.random() < epsilon else int(np.argmax(q_net.q_values(obs[None])[0]))
    next_obs, r, term, trunc, _ = env.step(a)
    buffer.add(obs, a, r, next_obs, term or trunc)
    return next_obs, r, term, trunc


def collect_stores_reset_obs(env, obs, q_net, epsilon, rng, buffer):
    a = int(rng.integers(q_net.num_actions)) if rng.random() < epsilon else int(np.argmax(q_net.q_values(obs[None])[0]))
    next_obs, r, term, trunc, _ = env.step(a)
    if term or trunc:
        next_obs, _ = env.reset()
    buffer.add(obs, a, r, next_obs, term)
    return next_obs, r, term, trunc


def collect_never_explores(env, obs, q_net, epsilon, rng, buffer):
    return D.collect_transition(env, obs, q_net, 0.0, rng, buffer)


def collect_swaps_obs(env, obs, q_net, epsilon, rng, buffer):
    a = int(rng.integers(q_net.num_actions)) if rng.random() < epsilon else int(np.argmax(q_net.q_values(obs[None])[0]))
    next_obs, r, term, trunc, _ = env.step(a)
    buffer.add(next_obs, a, r, obs, term)
    return next_obs, r, term, trunc


def collect_stores_next_obs_twice(env, obs, q_net, epsilon, rng, buffer):
    a = int(rng.integers(q_net.num_actions)) if rng.random() < epsilon else int(np.argmax(q_net.q_values(obs[None])[0]))
    next_obs, r, term, trunc, _ = env.step(a)
    buffer.add(next_obs, a, r, next_obs, term)
    return next_obs, r, term, trunc


def collect_two_actions(env, obs, q_net, epsilon, rng, buffer):
    a = int(rng.integers(2)) if rng.random() < epsilon else int(np.argmax(q_net.q_values(obs[None])[0]))
    next_obs, r, term, trunc, _ = env.step(a)
    buffer.add(obs, a, r, next_obs, term)
    return next_obs, r, term, trunc


def collect_explores_too_often(env, obs, q_net, epsilon, rng, buffer):
    return D.collect_transition(env, obs, q_net, min(1.0, 1.5 * epsilon), rng, buffer)


def collect_global_rng(env, obs, q_net, epsilon, rng, buffer):
    return D.collect_transition(env, obs, q_net, epsilon, np.random.default_rng(np.random.randint(100)), buffer)


def collect_choice(env, obs, q_net, epsilon, rng, buffer):
    if rng.uniform() < epsilon:
        action = int(rng.choice(q_net.num_actions))
    else:
        action = int(np.argmax(q_net.q_values(np.expand_dims(obs, 0)), axis=1)[0])
    step = env.step(action)
    buffer.add(obs, action, step[1], step[0], step[2])
    return step[0], step[1], step[2], step[3]


def collect_both_draws(env, obs, q_net, epsilon, rng, buffer):
    """Draws the coin and a random action at every step; the number of actions from the env."""
    coin, random_action = rng.random(), int(rng.integers(env.action_space.n))
    greedy = int(q_net.q_values(obs.reshape(1, -1)).argmax())
    action = random_action if coin < epsilon else greedy
    next_obs, reward, terminated, truncated, _ = env.step(action)
    buffer.add(obs.copy(), action, float(reward), next_obs.copy(), bool(terminated))
    return next_obs, reward, terminated, truncated


def loss_online_max(q_net, target_net, batch, gamma):
    return D.dqn_loss(q_net, q_net, batch, gamma)


def loss_no_terminal_cut(q_net, target_net, batch, gamma):
    return D.dqn_loss(q_net, target_net, batch._replace(terminated=np.zeros_like(batch.terminated)), gamma)


def loss_all_actions(q_net, target_net, batch, gamma):
    y = D.td_targets(batch.rewards, batch.terminated, target_net.q_values(batch.next_obs), gamma)
    q, cache = q_net.forward(batch.obs)
    q_sa = q[np.arange(len(y)), batch.actions]
    loss, dq_sa = D.huber_loss(q_sa, y, batch.weights)
    return loss, q_net.backward(np.repeat(dq_sa[:, None], q.shape[1], axis=1), cache), y - q_sa


def loss_unweighted(q_net, target_net, batch, gamma):
    return D.dqn_loss(q_net, target_net, batch._replace(weights=np.ones_like(batch.weights)), gamma)


def loss_refreshes_target(q_net, target_net, batch, gamma):
    D.hard_update(target_net.params, q_net.params)  # "keeps the target fresh": not the loss's job
    return D.dqn_loss(q_net, target_net, batch, gamma)


def loss_one_hot(q_net, target_net, batch, gamma):
    y = D.td_targets(batch.rewards, batch.terminated, target_net.q_values(batch.next_obs), gamma)
    q, cache = q_net.forward(batch.obs)
    taken = np.eye(q.shape[1])[batch.actions]
    q_sa = (q * taken).sum(axis=1)
    loss, dq_sa = D.huber_loss(q_sa, y, batch.weights)
    return loss, q_net.backward(taken * dq_sa[:, None], cache), y - q_sa


def loss_take_along(q_net, target_net, batch, gamma):
    q_next = target_net.forward(batch.next_obs)[0]
    y = batch.rewards + gamma * np.where(batch.terminated, 0, q_next.max(axis=1))
    q, cache = q_net.forward(batch.obs)
    q_sa = np.take_along_axis(q, batch.actions[:, None], axis=1)[:, 0]
    loss, dq_sa = huber_loop(q_sa, y, batch.weights)
    dq = np.zeros_like(q)
    np.put_along_axis(dq, batch.actions[:, None], dq_sa[:, None], axis=1)
    return loss, q_net.backward(dq, cache), y - q_sa


# -- extensions ---------------------------------------------------------------------------------
def double_argmax_target(r, term, online, target, gamma):
    return D.td_targets(r, term, target, gamma)


def double_swapped(r, term, online, target, gamma):
    return D.double_dqn_targets(r, term, target, online, gamma)


def double_no_cut(r, term, online, target, gamma):
    return D.double_dqn_targets(r, np.zeros_like(term), online, target, gamma)


def double_take_along(r, term, online, target, gamma):
    chosen = np.take_along_axis(target, online.argmax(axis=1)[:, None], axis=1)[:, 0]
    return r + gamma * (1 - term.astype(float)) * chosen


def double_loop(r, term, online, target, gamma):
    return np.array([r[i] + (0 if term[i] else gamma * target[i][int(np.argmax(online[i]))]) for i in range(len(r))])


def dueling_loop(value, advantages, kind="mean"):
    baseline = max if kind == "max" else (lambda row: sum(row) / len(row))
    return np.array([value[i, 0] + row - baseline(row) for i, row in enumerate(advantages)])


def dueling_einsum(value, advantages, kind="mean"):
    if kind == "max":  # the greedy action's advantage, picked out by its index
        return value + advantages - np.take_along_axis(advantages, advantages.argmax(axis=1)[:, None], axis=1)
    A = advantages.shape[1]
    centering = np.eye(A) - np.full((A, A), 1 / A)  # subtracts the row mean
    return value + np.einsum("na,ab->nb", advantages, centering)


def dueling_sorted(value, advantages, kind="mean"):
    baseline = (
        np.sort(advantages, axis=1)[:, -1:] if kind == "max" else advantages.sum(axis=1)[:, None] / advantages.shape[1]
    )
    return value + advantages - baseline


def _dueling_max_wrong(wrong_max):
    """A dueling_aggregate whose mean is right and whose max is wrong_max(v, a)."""

    def aggregate(v, a, kind="mean"):
        return wrong_max(v, a) if kind == "max" else dueling_aggregate(v, a)

    return aggregate


# -- rank-based prioritization -------------------------------------------------------------------
def _from_ranks(ranks, alpha):
    p = (1.0 / np.asarray(ranks, dtype=float)) ** alpha
    return p / p.sum()


def rank_pairwise(td_errors, alpha):
    size = np.abs(td_errors)
    return _from_ranks(1 + (size[None, :] > size[:, None]).sum(axis=1), alpha)


def rank_scipy(td_errors, alpha):
    from scipy.stats import rankdata

    return _from_ranks(rankdata(-np.abs(td_errors), method="min"), alpha)


def rank_loop(td_errors, alpha):
    first = {}  # |delta| -> the rank of its first appearance in descending order
    for position, value in enumerate(sorted((abs(float(d)) for d in td_errors), reverse=True), start=1):
        first.setdefault(value, position)
    weights = [first[abs(float(d))] ** -alpha for d in td_errors]
    return np.array(weights) / sum(weights)


def rank_from_smallest(td_errors, alpha):
    size = np.abs(td_errors)
    return _from_ranks(1 + (size[None, :] < size[:, None]).sum(axis=1), alpha)


def rank_unnormalized(td_errors, alpha):
    size = np.abs(td_errors)
    return (1.0 / (1 + (size[None, :] > size[:, None]).sum(axis=1))) ** alpha


def rank_alpha_first(td_errors, alpha):
    powered = np.abs(td_errors) ** alpha
    return _from_ranks(1 + (powered[None, :] > powered[:, None]).sum(axis=1), 1.0)


def rank_signed(td_errors, alpha):
    d = np.asarray(td_errors)
    return _from_ranks(1 + (d[None, :] > d[:, None]).sum(axis=1), alpha)


def rank_proportional(td_errors, alpha):
    p = np.abs(td_errors) ** alpha
    return p / p.sum()


def rank_argsort(td_errors, alpha):
    return _from_ranks(np.argsort(-np.abs(td_errors)) + 1, alpha)


def rank_normalized_first(td_errors, alpha):
    size = np.abs(td_errors)
    p = 1.0 / (1 + (size[None, :] > size[:, None]).sum(axis=1))
    return (p / p.sum()) ** alpha


def rank_ties_by_position(td_errors, alpha):
    ranks = np.empty(len(td_errors))
    ranks[np.argsort(-np.abs(td_errors), kind="stable")] = np.arange(1, len(td_errors) + 1)
    return _from_ranks(ranks, alpha)


def rank_ties_worst(td_errors, alpha):
    size = np.abs(td_errors)
    return _from_ranks((size[None, :] >= size[:, None]).sum(axis=1), alpha)


def rank_from_zero(td_errors, alpha):
    size = np.abs(td_errors)
    return _from_ranks((size[None, :] > size[:, None]).sum(axis=1), alpha)


def weights_by_min(probs, buffer_size, beta):
    return (probs / probs.min()) ** (-beta)  # the largest weight belongs to the least likely sample


def weights_loop(probs, buffer_size, beta):
    w = [float(np.exp(-beta * np.log(buffer_size * p))) for p in probs]
    top = max(w)
    return np.array([x / top for x in w])


class AddsInsteadOfReplacing(R.SumTree):
    """Adds the new priority along the path to the root instead of the change (new - old)."""

    def update(self, indices, priorities):
        for i, p in zip(np.atleast_1d(indices), np.broadcast_to(priorities, np.shape(np.atleast_1d(indices)))):
            node = int(i) + self.size
            self.tree[node] = p
            node //= 2
            while node >= 1:
                self.tree[node] += p
                node //= 2


class FindsEmptyLeaves(R.SumTree):
    def find(self, values):
        return (np.asarray(values) / self.total * self.capacity).astype(int)  # uniform over leaves


class DeltasFromOldValues(R.SumTree):
    """Vectorized: every change is taken from the leaf's value before the call, then added up the path."""

    def update(self, indices, priorities):
        nodes = np.asarray(indices) + self.size
        change = np.asarray(priorities, float) - self.tree[nodes]
        self.tree[nodes] = priorities
        nodes //= 2
        while nodes[0] >= 1:
            np.add.at(self.tree, nodes, change)
            nodes //= 2


class GoesLeftOnEquality(R.SumTree):
    def find(self, values):
        out = []
        for v in np.atleast_1d(values):
            node = 1
            while node < self.size:
                if v <= self.tree[2 * node]:
                    node = 2 * node
                else:
                    v, node = v - self.tree[2 * node], 2 * node + 1
            out.append(node - self.size)
        return np.array(out)


class ForgetsToSubtract(R.SumTree):
    def find(self, values):
        out = []
        for v in np.atleast_1d(values):
            node = 1
            while node < self.size:
                node = 2 * node if v < self.tree[2 * node] else 2 * node + 1
            out.append(node - self.size)
        return np.array(out)


class LoopTree(R.SumTree):
    """Sequential updates that add each change up the path; find by a loop over the values."""

    def update(self, indices, priorities):
        for i, p in zip(indices, priorities):
            node = self.size + int(i)
            change = p - self.tree[node]
            while node >= 1:
                self.tree[node] += change
                node //= 2

    def find(self, values):
        found = np.empty(len(values), np.int64)
        for j, v in enumerate(values):
            node = 1
            while node < self.size:
                left = self.tree[2 * node]
                node, v = (2 * node, v) if v < left else (2 * node + 1, v - left)
            found[j] = node - self.size
        return found


class FirstWinsPrefixTree(R.SumTree):
    """The first of repeated indices wins; find by a search in the leaves' running sums."""

    def update(self, indices, priorities):
        idx, first = np.unique(np.asarray(indices), return_index=True)
        super().update(idx, np.asarray(priorities, float)[first])

    def find(self, values):
        prefix = np.cumsum(self.tree[self.size :])
        return np.searchsorted(prefix, values, side="right")


# -- soft (Polyak) target updates ----------------------------------------------------------------
def soft_wrong_side(target_params, params, tau):
    for k, v in params.items():
        target_params[k] *= tau
        target_params[k] += (1 - tau) * v


def soft_rebinds_local(target_params, params, tau):
    for k, v in params.items():
        t = target_params[k]
        t = tau * v + (1 - tau) * t  # noqa: F841  (the mistake: a new local array, the dict keeps the old one)


def soft_returns_new_dict(target_params, params, tau):
    return {k: tau * v + (1 - tau) * target_params[k] for k, v in params.items()}


def soft_scales_online(target_params, params, tau):
    for k, v in params.items():
        v *= tau
        target_params[k] *= 1 - tau
        target_params[k] += v


def soft_hard_copy(target_params, params, tau):
    for k, v in params.items():
        target_params[k][...] = v


def soft_no_decay(target_params, params, tau):
    for k, v in params.items():
        target_params[k] += tau * v


def soft_aliases_at_one(target_params, params, tau):
    for k, v in params.items():
        if tau == 1:
            target_params[k] = v
        else:
            target_params[k][...] = tau * v + (1 - tau) * target_params[k]


def soft_slice_assign(target_params, params, tau):
    for k in target_params:
        target_params[k][...] = tau * params[k] + (1 - tau) * target_params[k]


def soft_new_entries(target_params, params, tau):
    """Replaces each entry of the caller's dict by a new array: the caller sees the new values."""
    for k, v in params.items():
        target_params[k] = tau * v + (1 - tau) * target_params[k]


def soft_lerp(target_params, params, tau):
    for k, v in params.items():
        np.add(target_params[k], tau * (v - target_params[k]), out=target_params[k])


class TestChecks(CheckTests):
    module = module
    references = {
        "replay_buffer": R.ReplayBuffer,
        "td_targets": D.td_targets,
        "huber_loss": D.huber_loss,
        "collect_transition": D.collect_transition,
        "dqn_loss": D.dqn_loss,
        "soft_update": D.soft_update,
        "double_dqn_targets": D.double_dqn_targets,
        "dueling_aggregate": dueling_aggregate,
        "sum_tree": R.SumTree,
        "importance_weights": R.importance_weights,
        "rank_based_probs": R.rank_based_probs,
    }
    stubs = {"replay_buffer": StubBuffer, "sum_tree": StubTree}
    behavioural = {"replay_buffer", "collect_transition"}
    mistakes = [
        ("replay_buffer", OverwritesNewest, "overwriting one slot"),
        ("replay_buffer", SamplesCapacity, "never filled"),
        ("replay_buffer", MixesRows, "mixes different transitions"),
        ("td_targets", td_no_cut, "bootstraps from terminated states"),
        ("td_targets", td_inverted_cut, "wrong rows"),
        ("td_targets", td_mean, "takes the max"),
        ("huber_loss", huber_mse_gradient, "gradient is wrong beyond"),
        ("huber_loss", huber_squared, "squared error everywhere"),
        ("huber_loss", huber_ignores_weights, "weights are ignored"),
        ("huber_loss", huber_sum, "summed over the batch"),
        ("collect_transition", collect_cuts_on_truncation, "stored as terminated"),
        ("collect_transition", collect_stores_reset_obs, "not a reset observation"),
        ("collect_transition", collect_never_explores, "uniformly random"),
        ("dqn_loss", loss_online_max, "ONLINE network"),
        ("dqn_loss", loss_no_terminal_cut, "bootstrap from terminated"),
        ("dqn_loss", loss_all_actions, "every action"),
        ("dqn_loss", loss_unweighted, "weights are not used"),
        ("double_dqn_targets", double_argmax_target, "argmax is taken from the target network"),
        ("double_dqn_targets", double_swapped, "roles are swapped"),
        ("double_dqn_targets", double_no_cut, "bootstraps from terminated"),
        ("dueling_aggregate", lambda v, a: v + a, "without centering"),
        ("dueling_aggregate", lambda v, a: v + a - a.max(axis=1, keepdims=True), "max advantage"),
        ("dueling_aggregate", lambda v, a: v + a - a.mean(axis=0, keepdims=True), "over the batch"),
        ("sum_tree", AddsInsteadOfReplacing, "added on top of the old one"),
        ("sum_tree", FindsEmptyLeaves, "leaves whose priority is 0"),
        ("importance_weights", lambda p, n, beta: (n * p) ** (-beta), "not normalized"),
        ("importance_weights", lambda p, n, beta: (n * p) ** beta / ((n * p) ** beta).max(), "wrong sign"),
        ("importance_weights", lambda p, n, beta: (n * p) ** (-beta) / ((n * p) ** (-beta)).sum(), "by the sum"),
        ("replay_buffer", ReturnsTuple, "not a Batch"),
        ("replay_buffer", LeavesIndicesOut, "batch.indices is None"),
        ("replay_buffer", FloatActions, "batch.actions has dtype float32, but should hold integers"),
        ("replay_buffer", ZeroWeights, "weights should all be 1"),
        ("replay_buffer", DrawsIndicesTwice, "no field of the batch matches the slots"),
        ("replay_buffer", SamplesBeforePos, "each of the 4 filled slots should come up"),
        ("replay_buffer", GlobalSampler, "global random generator"),
        ("replay_buffer", SwapsObs, "obs and next_obs are swapped"),
        ("replay_buffer", FullFromTheStart, "should be 3"),
        ("huber_loss", huber_weight_sum, "sum of the weights"),
        ("huber_loss", huber_minus_one, "where the two pieces meet"),
        ("replay_buffer", FieldsOutOfOrder, "batch.rewards has dtype bool.*fields in order"),
        ("huber_loss", huber_object_weights, "dtype object"),
        ("collect_transition", collect_swaps_obs, "stored swapped"),
        ("collect_transition", collect_stores_next_obs_twice, "the observation the step started from"),
        ("collect_transition", collect_two_actions, "action 2 was never taken"),
        ("collect_transition", collect_explores_too_often, "explores with probability about 0.7\\d instead of 0.5"),
        ("collect_transition", collect_global_rng, "global random generator"),
        ("dqn_loss", loss_refreshes_target, "changed the target network"),
        ("dueling_aggregate", lambda v, a: v + a - a.mean(axis=1), "other rows' means"),
        ("dueling_aggregate", lambda v, a: v + a - a.mean(), "every entry"),
        ("sum_tree", DeltasFromOldValues, "added both changes"),
        ("sum_tree", GoesLeftOnEquality, "strictly"),
        ("sum_tree", ForgetsToSubtract, "subtract the left sum"),
        ("soft_update", soft_wrong_side, "tau is on the wrong side"),
        ("soft_update", soft_rebinds_local, "did not change: the update must happen in place"),
        ("soft_update", soft_returns_new_dict, "did not change \\(the new values were returned"),
        ("soft_update", soft_scales_online, "changed the online parameters"),
        ("soft_update", soft_hard_copy, "hard copy"),
        ("soft_update", soft_no_decay, r"factor \(1 - tau\) on the old target is missing"),
        ("soft_update", soft_aliases_at_one, "shares its arrays with params"),
        ("dueling_aggregate", _dueling_max_wrong(lambda v, a: dueling_aggregate(v, a)), 'kind="max" gave the mean'),
        (
            "dueling_aggregate",
            _dueling_max_wrong(lambda v, a: v + a - a.max(axis=0, keepdims=True)),
            "max is taken over the batch",
        ),
        ("dueling_aggregate", _dueling_max_wrong(lambda v, a: v + a - a.max()), "max is taken over every entry"),
        (
            "dueling_aggregate",
            _dueling_max_wrong(lambda v, a: v + a - a.min(axis=1, keepdims=True)),
            "smallest advantage",
        ),
        ("dueling_aggregate", _dueling_max_wrong(lambda v, a: a - a.max(axis=1, keepdims=True)), "value V is missing"),
        ("dueling_aggregate", _dueling_max_wrong(lambda v, a: v + a - a.max(axis=1)), "other rows' maxima"),
        ("rank_based_probs", rank_from_smallest, "rank 1 went to the smallest"),
        ("rank_based_probs", rank_unnormalized, "do not sum to 1"),
        ("rank_based_probs", rank_alpha_first, "alpha seems to be applied to the errors before ranking"),
        ("rank_based_probs", rank_signed, "ranks the signed errors"),
        ("rank_based_probs", rank_proportional, "proportional probabilities"),
        ("rank_based_probs", rank_argsort, "argsort gives the order"),
        ("rank_based_probs", rank_normalized_first, "normalized before the power"),
        ("rank_based_probs", rank_ties_by_position, "tied errors got different ranks"),
        ("rank_based_probs", rank_ties_worst, "worst rank they span"),
        ("rank_based_probs", rank_from_zero, "ranks start at 1"),
    ]
    alternatives = [
        ("replay_buffer", DequeBuffer),
        ("replay_buffer", TakeBuffer),
        ("td_targets", td_loop),
        ("td_targets", td_mask),
        ("huber_loss", huber_loop),
        ("huber_loss", huber_clip),
        ("collect_transition", collect_choice),
        ("collect_transition", collect_both_draws),
        ("dqn_loss", loss_one_hot),
        ("dqn_loss", loss_take_along),
        ("double_dqn_targets", double_take_along),
        ("double_dqn_targets", double_loop),
        ("dueling_aggregate", dueling_loop),
        ("dueling_aggregate", dueling_einsum),
        ("sum_tree", LoopTree),
        ("sum_tree", FirstWinsPrefixTree),
        ("importance_weights", weights_by_min),
        ("importance_weights", weights_loop),
        ("soft_update", soft_slice_assign),
        ("soft_update", soft_new_entries),
        ("soft_update", soft_lerp),
        ("dueling_aggregate", dueling_sorted),
        ("rank_based_probs", rank_pairwise),
        ("rank_based_probs", rank_scipy),
        ("rank_based_probs", rank_loop),
    ]
