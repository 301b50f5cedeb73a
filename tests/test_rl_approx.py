"""lib.rl.approx: the random walk and its true values, features, the linear updates, tile coding,
semi-gradient SARSA on MountainCar and Baird's counterexample."""

import gymnasium as gym
import numpy as np
import pytest

from lib.rl import approx as A


# -- the random walk ---------------------------------------------------------------------------
def test_true_values_of_a_three_state_walk_by_hand():
    # v1 = -1/2 + v2/2, v2 = (v1 + v3)/2, v3 = 1/2 + v2/2
    np.testing.assert_allclose(A.random_walk_true_values(3, 1), [-0.5, 0.0, 0.5])


def test_true_values_of_the_1000_state_walk_are_antisymmetric_and_increasing():
    v = A.random_walk_true_values()
    assert v.shape == (1000,)
    np.testing.assert_allclose(v, -v[::-1], atol=1e-12)
    assert np.all(np.diff(v) > 0)
    assert -1 < v[0] < -0.9 and 0.9 < v[-1] < 1  # S&B Figure 9.1: from about -0.92 to 0.92


def test_true_values_match_monte_carlo_returns():
    rng = np.random.default_rng(0)
    n, jump = 10, 3
    totals, counts = np.zeros(n + 1), np.zeros(n + 1)
    for _ in range(4000):
        states, reward = A.random_walk_episode(rng, n, jump)
        np.add.at(totals, states, reward)
        np.add.at(counts, states, 1)
    seen = counts > 500
    v = np.concatenate(([0.0], A.random_walk_true_values(n, jump)))
    np.testing.assert_allclose(totals[seen] / counts[seen], v[seen], atol=0.06)


@pytest.mark.parametrize("n_states, jump", [(1, 1), (10, 0), (2.5, 1)])
def test_walk_rejects_bad_sizes(n_states, jump):
    with pytest.raises(ValueError, match="n_states|jump"):
        A.random_walk_true_values(n_states, jump)


def test_episode_starts_in_the_middle_jumps_at_most_jump_and_leaves_at_the_rewarded_end():
    rng = np.random.default_rng(1)
    for _ in range(200):
        states, reward = A.random_walk_episode(rng)
        assert states[0] == 500 and states.dtype.kind == "i"
        assert np.all((states >= 1) & (states <= 1000))
        steps = np.abs(np.diff(states))
        assert np.all((steps >= 1) & (steps <= 100))
        # the last state is within one jump of the end the reward says it left by
        assert (states[-1] <= 100) if reward == -1.0 else (states[-1] > 900 and reward == 1.0)
    a, b = A.random_walk_episode(np.random.default_rng(5)), A.random_walk_episode(np.random.default_rng(5))
    np.testing.assert_array_equal(a[0], b[0])


def test_long_episodes_cross_the_draw_chunks():
    lengths = [len(A.random_walk_episode(np.random.default_rng(s), 2000, 10)[0]) for s in range(3)]
    assert max(lengths) > 128


# -- features ----------------------------------------------------------------------------------
def test_aggregation_features_are_one_hot_by_group():
    X = A.aggregation_features(1000, 10)
    assert X.shape == (1001, 10) and not X[0].any()
    assert np.all(X[1:].sum(axis=1) == 1)
    assert X[1, 0] == X[100, 0] == X[101, 1] == X[1000, 9] == 1
    with pytest.raises(ValueError, match="n_groups"):
        A.aggregation_features(1000, 7)


def test_polynomial_and_fourier_features():
    P, F = A.polynomial_features(4, 2), A.fourier_features(4, 2)
    np.testing.assert_allclose(P[2], [1, 0.5, 0.25])
    np.testing.assert_allclose(F[2], [1, 0, -1], atol=1e-12)
    assert P.shape == F.shape == (5, 3)
    with pytest.raises(ValueError, match="order"):
        A.fourier_features(10, -1)


def test_value_error_is_zero_at_the_truth_and_weighted():
    X = np.vstack([np.zeros(3), np.eye(3)])
    v = np.array([0.1, 0.2, 0.3])
    assert A.value_error(v, X, v) == 0
    assert A.value_error(v + [1, 0, 0], X, v) == pytest.approx(np.sqrt(1 / 3))
    assert A.value_error(v + [1, 0, 0], X, v, weights=[0, 1, 1]) == 0


# -- updates -----------------------------------------------------------------------------------
def test_gradient_mc_update_by_hand():
    w, x = np.array([1.0, -1.0]), np.array([2.0, 1.0])
    error = A.gradient_mc_update(w, x, 3.0, 0.5)  # v = 1, error 2, step 0.5 * 2 * x
    assert error == 2.0
    np.testing.assert_allclose(w, [3.0, 0.0])


def test_semi_gradient_td0_update_by_hand():
    w, x, x_next = np.array([1.0, 2.0]), np.array([1.0, 0.0]), np.array([0.0, 1.0])
    delta = A.semi_gradient_td0_update(w, x, 0.5, x_next, False, 0.1, 0.5)  # 0.5 + 0.5 * 2 - 1
    assert delta == pytest.approx(0.5)
    np.testing.assert_allclose(w, [1.05, 2.0])  # only the estimate's gradient x moves w
    delta = A.semi_gradient_td0_update(w, x, 0.5, x_next, True, 0.1, 0.5)  # no bootstrap: 0.5 - 1.05
    assert delta == pytest.approx(-0.55)


def test_gradient_mc_on_state_aggregation_finds_the_staircase():
    X = A.aggregation_features(1000, 10)
    w, visits = A.run_gradient_mc(A.gradient_mc_update, X, 600, 1e-3, seed=0)
    assert visits[500] > visits[50] > 0
    assert w[0] < -0.4 and w[-1] > 0.4 and w[:5].mean() < 0 < w[5:].mean()


def test_semi_gradient_td0_finds_the_staircase():
    X = A.aggregation_features(1000, 10)
    w = A.run_semi_gradient_td0(A.semi_gradient_td0_update, X, 300, 1e-2, seed=0)
    assert w[0] < -0.4 and w[-1] > 0.4 and np.all(np.diff(w) > -0.1)


def test_td_fixed_point_with_one_feature_per_state_is_the_true_values():
    X = np.vstack([np.zeros(12), np.eye(12)])  # tabular: the TD fixed point is v_pi itself
    w, mu = A.random_walk_td_fixed_point(X, n_states=12, jump=3)
    np.testing.assert_allclose(w, A.random_walk_true_values(12, 3), atol=1e-10)
    assert mu.shape == (12,) and mu.sum() == pytest.approx(1.0) and mu.argmax() == 5  # the start state 6


def test_td_fixed_point_distribution_matches_visit_frequencies():
    rng = np.random.default_rng(0)
    visits = np.zeros(21)
    for _ in range(3000):
        np.add.at(visits, A.random_walk_episode(rng, 20, 4)[0], 1)
    _, mu = A.random_walk_td_fixed_point(A.aggregation_features(20, 5), n_states=20, jump=4)
    np.testing.assert_allclose(mu, visits[1:] / visits.sum(), atol=0.005)


def test_expected_td_update_vanishes_at_the_fixed_point_transition_by_transition():
    n, jump = 7, 2
    X = np.vstack([np.zeros(3), np.repeat(np.eye(3), [3, 2, 2], axis=0)])  # groups of 3, 2, 2 states
    X[1:, 0] += np.linspace(0, 1, n)  # plus a ramp, so that the features are not one-hot
    w, mu = A.random_walk_td_fixed_point(X, n_states=n, jump=jump)
    expected = np.zeros(3)
    for s in range(1, n + 1):  # every jump of 1..jump to either side, probability 1 / (2 jump) each
        for k in (-2, -1, 1, 2):
            target = -1.0 if s + k < 1 else 1.0 if s + k > n else X[s + k] @ w
            expected += mu[s - 1] / (2 * jump) * (target - X[s] @ w) * X[s]
    np.testing.assert_allclose(expected, 0.0, atol=1e-12)


def test_td_fixed_point_of_the_1000_state_walk_is_flatter_than_the_best_staircase():
    X = A.aggregation_features(1000, 10)
    w_fixed, mu = A.random_walk_td_fixed_point(X)
    v_true = A.random_walk_true_values()
    w_best = (mu * v_true).reshape(10, 100).sum(axis=1) / mu.reshape(10, 100).sum(axis=1)
    assert A.value_error(w_fixed, X, v_true, mu) > 1.5 * A.value_error(w_best, X, v_true, mu)
    assert abs(w_fixed[0]) < abs(w_best[0]) - 0.1 and abs(w_fixed[-1]) < abs(w_best[-1]) - 0.05


def test_td_fixed_point_rejects_features_of_the_wrong_size():
    with pytest.raises(ValueError, match=r"features must have shape \(n_states \+ 1, d\) = \(1001, d\)"):
        A.random_walk_td_fixed_point(np.ones((1000, 10)))


# -- tile coding -------------------------------------------------------------------------------
def test_tile_indices_by_hand():
    # u = 0.6; tiling 1 is shifted by half a tile: floor(1.1) = 1, plus 1 * 3 tiles of tiling 0
    np.testing.assert_array_equal(A.tile_indices(0.3, 0.0, 1.0, 2, 2), [0, 4])
    # u = (0.6, 1.8); tiling 1 shifted by (0.5, 1.5 mod 1 = 0.5): coordinates (1, 2) -> 5, plus 9
    np.testing.assert_array_equal(A.tile_indices([0.3, 0.9], [0, 0], [1, 1], 2, 2), [1, 14])


def test_tile_indices_stay_in_range_clip_and_share_tiles_with_neighbours():
    low, high = A.MOUNTAIN_CAR_LOW, A.MOUNTAIN_CAR_HIGH
    rng = np.random.default_rng(0)
    n = A.num_tiles(8, 8, 2)
    for _ in range(50):
        s = rng.uniform(low, high)
        idx = A.tile_indices(s, low, high, 8, 8)
        assert idx.shape == (8,) and idx.dtype.kind == "i"
        assert np.all((idx >= 0) & (idx < n))
        assert np.all(idx // (n // 8) == np.arange(8))  # one tile in each tiling's own block
        near = A.tile_indices(s + 1e-3 * (high - low), low, high, 8, 8)
        assert np.sum(near == idx) >= 6
    np.testing.assert_array_equal(A.tile_indices(high + 1, low, high, 8, 8), A.tile_indices(high, low, high, 8, 8))


@pytest.mark.parametrize(
    "args, match",
    [
        (([0.0, 0.0], [1.0], [2.0], 2, 2), "same shape"),
        ((0.0, 1.0, 1.0, 2, 2), "high must be above"),
        ((0.0, 0.0, 1.0, 0, 2), "num_tilings"),
    ],
)
def test_tile_indices_rejects_bad_input(args, match):
    with pytest.raises(ValueError, match=match):
        A.tile_indices(*args)


def test_tile_features_mark_one_tile_per_tiling():
    X = A.tile_features(A.tile_indices, 100, 4, 5)
    assert X.shape == (101, 24) and not X[0].any()
    assert np.all(X[1:].sum(axis=1) == 4)


# -- semi-gradient SARSA and MountainCar -------------------------------------------------------
def test_semi_gradient_sarsa_update_by_hand():
    w = np.zeros((2, 6))
    w[1, [3, 4]] = [0.5, 1.5]  # q(s_next, 1) = 2
    delta = A.semi_gradient_sarsa_update(w, np.array([0, 1]), 0, -1.0, np.array([3, 4]), 1, False, 0.25, 0.5)
    assert delta == 0.0  # -1 + 0.5 * 2 - 0
    w[0, 0] = 1.0  # q(s, 0) = 1
    delta = A.semi_gradient_sarsa_update(w, np.array([0, 1]), 0, -1.0, np.array([3, 4]), 1, True, 0.25, 0.5)
    assert delta == -2.0
    np.testing.assert_allclose(w[0], [0.5, -0.5, 0, 0, 0, 0])
    np.testing.assert_allclose(w[1], [0, 0, 0, 0.5, 1.5, 0])


def test_sarsa_episode_runs_to_the_time_limit_and_learns_something():
    env = gym.make("MountainCar-v0", max_episode_steps=60)
    w = np.zeros((3, A.num_tiles(4, 4, 2)))
    steps = A.sarsa_episode(
        env, w, A.tile_indices, A.semi_gradient_sarsa_update, 0.1, rng=np.random.default_rng(0), tiling=(4, 4)
    )
    assert steps == 60  # no goal in 60 steps from rest
    assert np.all(w <= 0) and w.min() < 0  # every reward is -1


def test_cost_to_go_is_minus_the_best_action_value():
    w = np.random.default_rng(0).normal(size=(3, A.num_tiles(2, 3, 2)))
    low, high = A.MOUNTAIN_CAR_LOW, A.MOUNTAIN_CAR_HIGH
    xs, ys, cost = A.cost_to_go(w, A.tile_indices, low, high, (2, 3), resolution=5)
    assert cost.shape == (5, 5) and xs[0] == low[0] and ys[-1] == high[1]
    tiles = A.tile_indices([xs[2], ys[4]], low, high, 2, 3)
    assert cost[4, 2] == pytest.approx(-w[:, tiles].sum(axis=1).max())


# -- Baird's counterexample --------------------------------------------------------------------
def test_baird_features_and_divergence():
    X = A.baird_features()
    np.testing.assert_allclose(X @ A.BAIRD_W0, [3] * 6 + [12])  # 2 w_i + w_8 = 3, w_7 + 2 w_8 = 12
    H = A.run_baird(A.semi_gradient_td0_update, steps=1000)
    assert H.shape == (1001, 8)
    np.testing.assert_array_equal(H[0], A.BAIRD_W0)
    assert np.abs(H[-1]).max() > 100 > np.abs(H[0]).max()  # the weights grow, although v = 0 is exact
    still = A.run_baird(lambda *args: 0.0, steps=10)
    np.testing.assert_array_equal(still[-1], A.BAIRD_W0)


def test_gradient_mc_takes_a_step_size_schedule_and_reports_each_episode():
    X = A.aggregation_features(1000, 10)
    seen = []
    w, _ = A.run_gradient_mc(
        A.gradient_mc_update, X, 5, lambda i: 0.0 if i < 4 else 1e-3, on_episode=lambda i, w: seen.append((i, w.any()))
    )
    assert seen[:4] == [(0, False), (1, False), (2, False), (3, False)] and seen[4] == (4, True) and w.any()
