"""Replay buffers and the sum tree: ring order, no unfilled slots, sums, sampling shares, weights."""

import numpy as np
import pytest

from lib.rl.replay import PrioritizedReplayBuffer, ReplayBuffer, SumTree


def fill(buf, n, start=0):
    for i in range(start, start + n):
        buf.add(np.full(buf.obs_shape, i), i % 3, float(i), np.full(buf.obs_shape, i + 1), i % 5 == 0)


def test_ring_buffer_overwrites_the_oldest_slot():
    buf = ReplayBuffer(4, (2,))
    fill(buf, 6)  # transitions 0..5; 0 and 1 overwritten by 4 and 5
    assert len(buf) == 4 and buf.pos == 2
    np.testing.assert_array_equal(buf.rewards, [4, 5, 2, 3])
    np.testing.assert_array_equal(buf.obs[:, 0], [4, 5, 2, 3])
    np.testing.assert_array_equal(buf.next_obs[:, 0], [5, 6, 3, 4])
    np.testing.assert_array_equal(buf.terminated, [False, True, False, False])


def test_sample_never_returns_unfilled_slots_and_covers_filled_ones():
    buf = ReplayBuffer(100, (1,))
    fill(buf, 7)
    batch = buf.sample(5000, np.random.default_rng(0))
    assert batch.indices.max() == 6 and set(batch.indices) == set(range(7))
    np.testing.assert_array_equal(batch.rewards, batch.indices)  # each row belongs to its slot
    assert batch.obs.dtype == np.float32 and batch.actions.dtype == np.int64
    np.testing.assert_array_equal(batch.weights, 1.0)


def test_replay_errors_name_the_problem():
    buf = ReplayBuffer(3, (2,))
    with pytest.raises(ValueError, match="empty"):
        buf.sample(2, np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"shape \(2,\)"):
        buf.add(np.zeros(3), 0, 0.0, np.zeros(3), False)
    with pytest.raises(ValueError, match="capacity"):
        ReplayBuffer(0, (2,))


@pytest.mark.parametrize("capacity", [1, 5, 8, 1000])
def test_sum_tree_total_matches_the_leaves_after_updates(capacity):
    rng = np.random.default_rng(capacity)
    tree, leaves = SumTree(capacity), np.zeros(capacity)
    for _ in range(50):
        idx = rng.integers(0, capacity, size=rng.integers(1, 6))
        p = rng.random(idx.size)
        tree.update(idx, p)
        for i, v in zip(idx, p):  # sequential semantics: the last write wins
            leaves[i] = v
        assert tree.total == pytest.approx(leaves.sum())
    np.testing.assert_allclose(tree[np.arange(capacity)], leaves)


def test_sum_tree_samples_in_proportion_and_skips_empty_leaves():
    tree = SumTree(6)
    tree.update(np.arange(6), [1, 0, 2, 3, 0, 4])
    v = np.random.default_rng(0).random(200_000) * tree.total
    share = np.bincount(tree.find(v), minlength=8) / v.size
    np.testing.assert_allclose(share[:6], np.array([1, 0, 2, 3, 0, 4]) / 10, atol=0.005)
    assert share[1] == share[4] == share[6] == share[7] == 0
    # edge values: 0 finds the first non-empty leaf, the total itself never an empty leaf
    assert tree.find([0.0])[0] == 0 and tree.find([tree.total])[0] == 5


def test_sum_tree_rejects_bad_input():
    tree = SumTree(4)
    with pytest.raises(ValueError, match="indices"):
        tree.update([4], [1.0])
    with pytest.raises(ValueError, match="priorities"):
        tree.update([0], [-1.0])


def test_prioritized_new_transitions_get_the_max_priority_and_weights_are_normalized():
    buf = PrioritizedReplayBuffer(8, (1,), alpha=0.5)
    fill(buf, 4)
    np.testing.assert_allclose(buf.tree[np.arange(4)], 1.0)
    buf.update_priorities([0, 1], [3.0, 0.0])
    assert buf.max_priority == pytest.approx(3.0 + buf.priority_offset)
    fill(buf, 1, start=4)
    assert buf.tree[4] == pytest.approx((3.0 + buf.priority_offset) ** 0.5)
    rng = np.random.default_rng(1)
    batch = buf.sample(64, rng, beta=0.7)
    p = buf.tree[batch.indices] / buf.tree.total
    w = (len(buf) * p) ** -0.7
    np.testing.assert_allclose(batch.weights, w / w.max(), rtol=1e-6)
    assert batch.weights.max() == pytest.approx(1.0)
    assert batch.indices.max() < 5


def test_prioritized_sampling_follows_p_alpha():
    buf = PrioritizedReplayBuffer(4, (1,), alpha=1.0)
    fill(buf, 4)
    buf.update_priorities(np.arange(4), [1.0, 2.0, 3.0, 4.0])
    rng = np.random.default_rng(2)
    idx = np.concatenate([buf.sample(32, rng).indices for _ in range(2000)])
    np.testing.assert_allclose(np.bincount(idx, minlength=4) / idx.size, [0.1, 0.2, 0.3, 0.4], atol=0.01)
    with pytest.raises(ValueError, match="beta"):
        buf.sample(4, rng, beta=1.5)
    with pytest.raises(ValueError, match="priority_offset"):
        PrioritizedReplayBuffer(4, (1,), priority_offset=0.0)


def test_rank_based_probs_follow_the_order_of_the_errors():
    from lib.rl.replay import rank_based_probs

    delta = np.array([0.5, -2.0, 1.0, 1.0, 0.1])  # |delta| ranks 4, 1, 2, 2 (tied), 5
    p = rank_based_probs(delta, 1.0)
    np.testing.assert_allclose(p, np.array([1 / 4, 1, 1 / 2, 1 / 2, 1 / 5]) / 2.45)
    np.testing.assert_allclose(rank_based_probs(delta, 0.0), 0.2)  # alpha 0: uniform
    p7 = rank_based_probs(delta, 0.7)
    np.testing.assert_allclose(p7, np.array([4, 1, 2, 2, 5]) ** -0.7 / np.sum(np.array([4, 1, 2, 2, 5]) ** -0.7))
    # one outlier: its share stays that of rank 1 however large it grows
    base = np.linspace(0.1, 1.0, 10)
    shares = [rank_based_probs(np.append(base, big), 0.7)[-1] for big in (2.0, 1e3, 1e6)]
    np.testing.assert_allclose(shares, shares[0])
    with pytest.raises(ValueError, match="td_errors"):
        rank_based_probs(np.array([1.0, np.nan]), 0.5)
    with pytest.raises(ValueError, match="td_errors"):
        rank_based_probs(np.zeros((2, 2)), 0.5)
    with pytest.raises(ValueError, match="alpha"):
        rank_based_probs(np.ones(3), -0.1)
