"""Experience replay for DQN: a uniform ring buffer and a prioritized one on a sum tree.

Replay breaks the correlation between consecutive transitions (an SGD step on a minibatch of
old, shuffled experience instead of on the last few steps) and lets every transition be learned
from more than once (Mnih et al., 2015, "Human-level control through deep reinforcement
learning", Methods). Prioritized replay samples transition i with probability
P(i) = p_i^alpha / sum_k p_k^alpha, p_i = |delta_i| + epsilon (the paper's epsilon is
`priority_offset` here), and corrects the bias this introduces with importance weights
w_i = (N * P(i))^(-beta) / max_j w_j, beta annealed to 1 (Schaul et al., 2016, "Prioritized
Experience Replay", section 3.3 and Algorithm 1).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

__all__ = ["Batch", "ReplayBuffer", "SumTree", "importance_weights", "PrioritizedReplayBuffer", "rank_based_probs"]


class Batch(NamedTuple):
    """A minibatch of transitions, as arrays with the batch first.

    obs, next_obs: (B, *obs_shape) float32; actions: (B,) int64; rewards: (B,) float32;
    terminated: (B,) bool (True: the episode ended in next_obs, so nothing is bootstrapped);
    indices: (B,) int64 slots in the buffer (to update priorities);
    weights: (B,) float32 importance weights (all 1 for uniform replay).
    """

    obs: np.ndarray
    actions: np.ndarray
    rewards: np.ndarray
    next_obs: np.ndarray
    terminated: np.ndarray
    indices: np.ndarray
    weights: np.ndarray


class ReplayBuffer:
    """Preallocated ring buffer of (obs, action, reward, next_obs, terminated) transitions.

    capacity: maximum number of transitions; once full, each `add` overwrites the oldest one.
    obs_shape: shape of one observation, e.g. (4,) for CartPole or (1, 10, 10) for Catch.
    Only `terminated` is stored, not `truncated`: a time-limit cut is not an end of the task, so
    its transition bootstraps from next_obs like any other (pass the final observation).
    """

    def __init__(self, capacity: int, obs_shape: tuple, obs_dtype=np.float32):
        if int(capacity) < 1:
            raise ValueError(f"capacity must be a positive integer, got {capacity!r}")
        self.capacity = int(capacity)
        self.obs_shape = tuple(obs_shape)
        self.obs = np.zeros((self.capacity, *self.obs_shape), obs_dtype)
        self.next_obs = np.zeros((self.capacity, *self.obs_shape), obs_dtype)
        self.actions = np.zeros(self.capacity, np.int64)
        self.rewards = np.zeros(self.capacity, np.float32)
        self.terminated = np.zeros(self.capacity, bool)
        self.pos = 0  # the slot the next transition goes to
        self.size = 0  # how many slots hold a transition

    def __len__(self) -> int:
        return self.size

    def add(self, obs, action: int, reward: float, next_obs, terminated: bool) -> int:
        """Store one transition in slot `pos` (the oldest once full); return that slot.

        Raises ValueError if obs or next_obs does not have obs_shape.
        """
        obs, next_obs = np.asarray(obs), np.asarray(next_obs)
        if obs.shape != self.obs_shape or next_obs.shape != self.obs_shape:
            raise ValueError(f"obs and next_obs must have shape {self.obs_shape}, got {obs.shape} and {next_obs.shape}")
        i = self.pos
        self.obs[i], self.next_obs[i] = obs, next_obs
        self.actions[i], self.rewards[i], self.terminated[i] = action, reward, terminated
        self.pos = (i + 1) % self.capacity
        self.size = min(self.size + 1, self.capacity)
        return i

    def _batch(self, idx: np.ndarray, weights: np.ndarray) -> Batch:
        return Batch(
            self.obs[idx],
            self.actions[idx],
            self.rewards[idx],
            self.next_obs[idx],
            self.terminated[idx],
            idx,
            weights.astype(np.float32),
        )

    def sample(self, batch_size: int, rng: np.random.Generator) -> Batch:
        """Draw batch_size transitions uniformly, with replacement, from the filled slots only.

        Raises ValueError if the buffer is empty or batch_size < 1.
        """
        if self.size == 0:
            raise ValueError("cannot sample from an empty replay buffer: add transitions first")
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        idx = rng.integers(0, self.size, size=batch_size)
        return self._batch(idx, np.ones(batch_size))


class SumTree:
    """A binary tree whose leaves hold non-negative priorities and whose every inner node holds
    the sum of its two children, so the root is the total.

    `update` changes leaves and the sums above them, and `find` walks from the root to the leaf
    where a running sum first exceeds a value (prefix-sum sampling): both O(log n), vectorized
    over a batch. Layout: a flat array, root at 1, children of node k at 2k and 2k + 1, the
    leaves at size..2*size-1 with size the capacity rounded up to a power of two.
    """

    def __init__(self, capacity: int):
        if int(capacity) < 1:
            raise ValueError(f"capacity must be a positive integer, got {capacity!r}")
        self.capacity = int(capacity)
        self.size = 1 << (self.capacity - 1).bit_length()  # leaves: a power of two >= capacity
        self.tree = np.zeros(2 * self.size)

    @property
    def total(self) -> float:
        """Sum of all priorities."""
        return float(self.tree[1])

    def __getitem__(self, indices):
        """Priorities of the given leaves (int or array of ints)."""
        return self.tree[self.size + np.asarray(indices)]

    def update(self, indices, priorities) -> None:
        """Set the leaves `indices` (ints in [0, capacity)) to `priorities` (>= 0), then refresh
        every sum above them, one tree level per step.

        Raises ValueError for an index out of range or a negative or non-finite priority.
        """
        indices = np.atleast_1d(np.asarray(indices, dtype=np.int64))
        priorities = np.broadcast_to(np.asarray(priorities, dtype=np.float64), indices.shape)
        if indices.size and (indices.min() < 0 or indices.max() >= self.capacity):
            raise ValueError(f"indices must lie in [0, {self.capacity}), got {indices.min()}..{indices.max()}")
        if not np.all(np.isfinite(priorities)) or np.any(priorities < 0):
            raise ValueError(f"priorities must be finite and >= 0, got min {priorities.min()}")
        nodes = indices + self.size
        self.tree[nodes] = priorities  # with repeated indices the last value wins
        while nodes[0] > 1:  # all nodes sit on one level, so the first tells when the root is done
            nodes = np.unique(nodes // 2)
            self.tree[nodes] = self.tree[2 * nodes] + self.tree[2 * nodes + 1]

    def find(self, values) -> np.ndarray:
        """Leaf indices where the prefix sums first exceed `values` (each in [0, total)).

        A leaf with priority p is found for a share p / total of uniformly drawn values; leaves
        with priority 0 are never returned.
        """
        v = np.array(values, dtype=np.float64, ndmin=1)
        nodes = np.ones(v.shape, np.int64)
        while nodes[0] < self.size:
            left = 2 * nodes
            # go right when the value lies beyond the left sum; never into an empty subtree
            # (floating-point rounding could otherwise push a value past the total)
            right = (v >= self.tree[left]) & (self.tree[left + 1] > 0)
            v = np.where(right, v - self.tree[left], v)
            nodes = left + right
        return nodes - self.size


def importance_weights(probs, buffer_size: int, beta: float) -> np.ndarray:
    """w_i = (N * P(i))^(-beta) / max_j w_j for the sampled transitions (Schaul et al., 2016, 3.4).

    probs: (B,) sampling probabilities P(i) of the drawn transitions, in (0, 1]; buffer_size: N,
    the number of stored transitions; beta in [0, 1] (1 undoes the prioritization's bias fully).
    Returns (B,) weights in (0, 1]: dividing by the largest keeps every update no larger than
    an unweighted one. Raises ValueError for probabilities outside (0, 1] or beta outside [0, 1].
    """
    probs = np.asarray(probs, dtype=np.float64)
    if probs.ndim != 1 or probs.size == 0 or np.any(probs <= 0) or np.any(probs > 1):
        raise ValueError(f"probs must be a non-empty (B,) array of probabilities in (0, 1], got {probs!r}")
    if not 0 <= beta <= 1:
        raise ValueError(f"beta must be in [0, 1], got {beta}")
    w = (buffer_size * probs) ** (-beta)
    return w / w.max()


class PrioritizedReplayBuffer(ReplayBuffer):
    """Proportional prioritized replay (Schaul et al., 2016).

    alpha: how much prioritization is used (0 = uniform); priority_offset: Schaul et al.'s epsilon,
    a small constant > 0 added to |delta| so that no transition's priority (and probability)
    falls to zero (named apart from the exploration epsilon of `lib.rl.agent.DQNAgent`). New
    transitions get the largest priority seen so far, so each is replayed at least about once.
    `sample(batch_size, rng, beta)` also returns importance weights w_i = (N * P(i))^(-beta)
    normalized by their largest value in the batch (so they only ever scale updates down);
    anneal beta from about 0.4 to 1 over training. Raises ValueError for alpha outside [0, 1]
    or priority_offset <= 0.
    """

    def __init__(
        self, capacity: int, obs_shape: tuple, alpha: float = 0.6, priority_offset: float = 1e-6, obs_dtype=np.float32
    ):
        super().__init__(capacity, obs_shape, obs_dtype)
        if not 0 <= alpha <= 1:
            raise ValueError(f"alpha must be in [0, 1], got {alpha}")
        if priority_offset <= 0:
            raise ValueError(f"priority_offset must be > 0, got {priority_offset}")
        self.alpha, self.priority_offset = alpha, priority_offset
        self.tree = SumTree(self.capacity)
        self.max_priority = 1.0  # p_1 = 1 (Algorithm 1, line 2)

    def add(self, obs, action, reward, next_obs, terminated) -> int:
        i = super().add(obs, action, reward, next_obs, terminated)
        self.tree.update(i, self.max_priority**self.alpha)
        return i

    def sample(self, batch_size: int, rng: np.random.Generator, beta: float = 0.4) -> Batch:
        """Draw batch_size transitions with P(i) = p_i^alpha / sum_k p_k^alpha, one from each of
        batch_size equal slices of the total (stratified, as in the paper), with importance weights.

        Raises ValueError if the buffer is empty, batch_size < 1 or beta is outside [0, 1].
        """
        if self.size == 0:
            raise ValueError("cannot sample from an empty replay buffer: add transitions first")
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        if not 0 <= beta <= 1:
            raise ValueError(f"beta must be in [0, 1], got {beta}")
        total = self.tree.total
        edges = np.arange(batch_size) * (total / batch_size)
        idx = self.tree.find(edges + rng.random(batch_size) * (total / batch_size))
        return self._batch(idx, importance_weights(self.tree[idx] / total, self.size, beta))

    def update_priorities(self, indices, td_errors) -> None:
        """Set p_i = |delta_i| + priority_offset for the sampled slots (stored as p_i^alpha in the tree).

        indices: (B,) slots from `sample`; td_errors: (B,) their latest TD errors delta_i.
        """
        p = np.abs(np.asarray(td_errors, dtype=np.float64)) + self.priority_offset
        self.tree.update(indices, p**self.alpha)
        self.max_priority = max(self.max_priority, float(p.max()))


def rank_based_probs(td_errors, alpha: float) -> np.ndarray:
    """Rank-based prioritization: P(i) = (1 / rank(i))^alpha / sum_k (1 / rank(k))^alpha
    (Schaul et al., 2016, "Prioritized Experience Replay", section 3.3).

    td_errors: (N,) the transitions' latest TD errors delta_i (any sign, finite); alpha >= 0
    (0 gives the uniform distribution). rank(i) is 1 for the largest |delta_i|: it is 1 plus the
    number of transitions whose |delta| is strictly larger, so tied errors share the best rank
    they span (1, 2, 2, 4). Returns (N,) float64 probabilities summing to 1. Unlike the
    proportional p_i = |delta_i| + epsilon, it depends only on the order of the errors: one
    outlier gets the share of rank 1 however large it is. Raises ValueError for an empty,
    non-1-D or non-finite td_errors, or a negative alpha.
    """
    size = np.abs(np.asarray(td_errors, dtype=np.float64))
    if size.ndim != 1 or size.size == 0 or not np.all(np.isfinite(size)):
        raise ValueError(f"td_errors must be a non-empty (N,) array of finite numbers, got {td_errors!r}")
    if not alpha >= 0:
        raise ValueError(f"alpha must be >= 0, got {alpha}")
    ordered = np.sort(size)
    ranks = 1 + size.size - np.searchsorted(ordered, size, side="right")  # 1 + how many are strictly larger
    p = ranks ** -float(alpha)
    return p / p.sum()
