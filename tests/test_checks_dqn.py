"""Checks of assignment 07: the references pass; stubs and the issue's typical mistakes are named."""

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


# -- targets and loss ---------------------------------------------------------------------------
def td_no_cut(rewards, terminated, q, gamma):
    return rewards + gamma * q.max(axis=1)


def td_inverted_cut(rewards, terminated, q, gamma):
    return rewards + gamma * terminated * q.max(axis=1)


def td_mean(rewards, terminated, q, gamma):
    return rewards + gamma * (1 - terminated) * q.mean(axis=1)


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


# -- extensions ---------------------------------------------------------------------------------
def double_argmax_target(r, term, online, target, gamma):
    return D.td_targets(r, term, target, gamma)


def double_swapped(r, term, online, target, gamma):
    return D.double_dqn_targets(r, term, target, online, gamma)


def double_no_cut(r, term, online, target, gamma):
    return D.double_dqn_targets(r, np.zeros_like(term), online, target, gamma)


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


class TestChecks(CheckTests):
    module = module
    min_alternatives = 0  # issue 12: raise to 2 (the default) once the alternatives are written
    references = {
        "replay_buffer": R.ReplayBuffer,
        "td_targets": D.td_targets,
        "huber_loss": D.huber_loss,
        "collect_transition": D.collect_transition,
        "dqn_loss": D.dqn_loss,
        "double_dqn_targets": D.double_dqn_targets,
        "dueling_aggregate": dueling_aggregate,
        "sum_tree": R.SumTree,
        "importance_weights": R.importance_weights,
    }
    stubs = {"replay_buffer": StubBuffer, "sum_tree": StubTree}
    behavioural = {"replay_buffer", "collect_transition", "sum_tree"}
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
        ("sum_tree", AddsInsteadOfReplacing, "total is wrong after an update"),
        ("sum_tree", FindsEmptyLeaves, "priority is 0"),
        ("importance_weights", lambda p, n, beta: (n * p) ** (-beta), "not normalized"),
        ("importance_weights", lambda p, n, beta: (n * p) ** beta / ((n * p) ** beta).max(), "wrong sign"),
        ("importance_weights", lambda p, n, beta: (n * p) ** (-beta) / ((n * p) ** (-beta)).sum(), "by the sum"),
    ]
