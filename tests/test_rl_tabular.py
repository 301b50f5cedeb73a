"""Tabular RL: updates, prediction on the random walk, value iteration, control loops, plots."""

import gymnasium as gym
import numpy as np
import pytest

from lib.rl import tabular as T
from lib.rl.envs import CorridorEnv


def test_updates_and_terminal_handling():
    Q = np.zeros((3, 2))
    Q[1] = [1.0, 2.0]
    assert T.q_learning_update(Q, 0, 0, 1.0, 1, False, 0.5, 0.9) == pytest.approx(1.0 + 0.9 * 2.0)
    assert Q[0, 0] == pytest.approx(0.5 * 2.8)
    Q2 = np.zeros((3, 2))
    Q2[1] = [1.0, 2.0]
    T.q_learning_update(Q2, 0, 0, 1.0, 1, True, 0.5, 0.9)
    assert Q2[0, 0] == pytest.approx(0.5)
    Q3 = np.zeros((3, 2))
    Q3[1] = [1.0, 2.0]
    T.sarsa_update(Q3, 0, 0, 1.0, 1, 0, False, 0.5, 0.9)
    assert Q3[0, 0] == pytest.approx(0.5 * 1.9)
    Q4 = np.zeros((3, 2))
    Q4[1] = [1.0, 2.0]
    T.expected_sarsa_update(Q4, 0, 0, 0.0, 1, False, 1.0, 1.0, epsilon=0.5)
    assert Q4[0, 0] == pytest.approx(0.25 * 1.0 + 0.75 * 2.0)


def test_epsilon_greedy_statistics_and_errors():
    rng = np.random.default_rng(0)
    q = np.array([0.0, 1.0, 1.0])
    picks = np.array([T.epsilon_greedy(q, 0.0, rng) for _ in range(2000)])
    assert set(picks) == {1, 2}
    picks = np.array([T.epsilon_greedy(q, 1.0, rng) for _ in range(3000)])
    assert np.bincount(picks).min() > 800
    with pytest.raises(ValueError, match="epsilon"):
        T.epsilon_greedy(q, 1.5, rng)


def test_td_beats_mc_on_the_random_walk():
    td = T.random_walk_rms(T.td0_prediction, 0.05, num_episodes=100, num_runs=50)
    mc = T.random_walk_rms(T.mc_prediction, 0.01, num_episodes=100, num_runs=50)
    assert td[0] == pytest.approx(mc[0])
    assert td[-1] < mc[-1] < td[0]


def test_value_iteration_frozen_lake_optimum():
    env = gym.make("FrozenLake-v1")
    V, policy = T.value_iteration(env.unwrapped.P, 16, 4, gamma=1.0, horizon=100)
    assert V[0] == pytest.approx(0.744, abs=0.002)
    assert policy.shape == (16,)


def test_cliff_walking_sarsa_safer_than_q_learning():
    env = gym.make("CliffWalking-v1")
    _, Rq, _ = T.train(env, "q_learning", 300, 0.5, 1.0, 0.1, seed=0)
    _, Rs, _ = T.train(env, "sarsa", 300, 0.5, 1.0, 0.1, seed=0)
    assert Rs[-100:].mean() > Rq[-100:].mean()
    with pytest.raises(ValueError, match="method"):
        T.train(env, "td_lambda")


def test_run_episode_rejects_an_unknown_method_by_name():
    env, Q = CorridorEnv(4, one_hot=False), np.zeros((4, 2))
    with pytest.raises(ValueError) as err:
        T.run_episode(env, Q, "expected-sarsa", 0.5, 1.0, 0.1, np.random.default_rng(0))
    message = str(err.value)
    assert "'q_learning', 'sarsa', 'expected_sarsa'" in message and "got 'expected-sarsa'" in message
    np.testing.assert_array_equal(Q, 0.0)  # nothing was learned by a method that does not exist


def test_evaluate_takes_the_table_first():
    Q = np.zeros((4, 2))
    Q[:, 1] = 1.0  # greedy: always right
    np.testing.assert_array_equal(T.evaluate(Q, CorridorEnv(4, one_hot=False), num_episodes=3), 1.0)


def test_truncation_still_bootstraps():
    class OneStep(gym.Env):
        observation_space, action_space = gym.spaces.Discrete(2), gym.spaces.Discrete(1)

        def reset(self, *, seed=None, options=None):
            return 0, {}

        def step(self, a):
            return 1, 0.0, False, True, {}  # truncated, not terminated

    Q = np.array([[0.0], [10.0]])
    T.q_learning_episode(OneStep(), Q, 1.0, 0.5, 0.0, np.random.default_rng(0))
    assert Q[0, 0] == pytest.approx(5.0)


def test_plot_helpers():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from lib.rl.plots import plot_policy_arrows, plot_returns, plot_value_heatmap, smooth

    np.testing.assert_allclose(smooth([1, 2, 3, 4], 2), [1.5, 2.5, 3.5])
    with pytest.raises(ValueError, match="k must be"):
        smooth([1, 2], 3)
    fig, axes = plt.subplots(1, 3)
    plot_value_heatmap(np.arange(16) / 15, (4, 4), ax=axes[0])
    ax = plot_policy_arrows(np.array([2] * 16), (4, 4), ax=axes[1], skip={5, 15})
    assert len(ax.patches) == 14  # one arrow per state not skipped
    plot_returns({"a": np.arange(30.0)}, k=5, ax=axes[2])
    assert len(axes[2].lines) == 1 and len(axes[2].lines[0].get_xdata()) == 26
    plt.close(fig)


def test_double_q_learning_updates_one_table_picked_by_the_other():
    Q1, Q2 = np.zeros((3, 2)), np.zeros((3, 2))
    Q1[1], Q2[1] = [1.0, 3.0], [5.0, 2.0]  # Q1 picks action 1, Q2 values it 2.0
    counts = [0, 0]
    rng = np.random.default_rng(0)
    for _ in range(200):
        A, B = Q1.copy(), Q2.copy()
        delta = T.double_q_learning_update(A, B, 0, 0, 1.0, 1, False, 0.5, 0.9, rng)
        first = bool(A[0, 0] != 0.0)
        assert (B[0, 0] != 0.0) != first  # exactly one table changed
        assert delta == pytest.approx(1.0 + 0.9 * (2.0 if first else 1.0))  # Q2 picks 0, Q1 values it 1.0
        counts[first] += 1
    assert 70 < counts[0] < 130
    A, B = Q1.copy(), Q2.copy()
    assert T.double_q_learning_update(A, B, 0, 0, 1.0, 1, True, 1.0, 0.9, rng) == 1.0  # terminal: target r
    assert A[0, 0] + B[0, 0] == 1.0
    with pytest.raises(ValueError, match="same shape"):
        T.double_q_learning_update(Q1, np.zeros((2, 2)), 0, 0, 1.0, 1, False, 0.5, 0.9, rng)


def test_random_walk_variants():
    np.testing.assert_allclose(T.RANDOM_WALK_19_TRUE, np.arange(-9, 10) / 10)
    states, rewards = T.random_walk_episode(np.random.default_rng(3), 19, -1.0)
    assert states[0] == 9 and len(states) == len(rewards) and rewards[-1] in (-1.0, 1.0)
    assert set(rewards[:-1]) <= {0.0}


def test_td_lambda_zero_is_td0_and_columns_learn_independently():
    states, rewards = [2, 3, 2, 1, 0], [0.0, 0.5, 0.0, -0.2, 1.0]
    V0 = np.linspace(-0.5, 0.5, 5)
    A, B = V0.copy(), V0.copy()
    T.td_lambda_prediction(A, states, rewards, 0.3, 0.0, 0.9)
    T.td0_prediction(B, states, rewards, 0.3, 0.9)
    np.testing.assert_allclose(A, B)
    # one column per (alpha, lam) equals separate runs
    alphas, lams = np.array([0.1, 0.4]), np.array([0.9, 0.5])
    V = np.stack([V0, V0], axis=1)
    T.td_lambda_prediction(V, states, rewards, alphas, lams, 0.9)
    for k in range(2):
        W = V0.copy()
        T.td_lambda_prediction(W, states, rewards, alphas[k], lams[k], 0.9)
        np.testing.assert_allclose(V[:, k], W)
    # lam = 1 with a tiny alpha moves every state toward its Monte Carlo return
    C, D = V0.copy(), V0.copy()
    T.td_lambda_prediction(C, states, rewards, 1e-6, 1.0, 1.0)
    T.mc_prediction(D, states, rewards, 1e-6, 1.0)
    np.testing.assert_allclose(C - V0, D - V0, rtol=1e-4)


def test_batch_updating_matches_the_closed_forms():
    states, rewards = [2, 3, 4, 3, 2, 1], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0]
    A, b = T.affine_increments(T.mc_prediction, states, rewards, 5)
    np.testing.assert_allclose(A, -np.diag(np.bincount(states, minlength=5)), atol=1e-5)
    # batch MC is the mean return per state; batch TD the certainty-equivalence value
    rng = np.random.default_rng(1)
    episodes = [T.random_walk_episode(rng) for _ in range(30)]
    ends = {}
    for method in (T.mc_prediction, T.td0_prediction):
        pairs = [T.affine_increments(method, s, r, 5) for s, r in episodes]
        A, b = sum(p[0] for p in pairs), sum(p[1] for p in pairs)
        ends[method] = np.linalg.solve(A, -b)
    returns = {s: [] for s in range(5)}
    for s_list, r_list in episodes:
        for s in s_list:
            returns[s].append(r_list[-1])
    np.testing.assert_allclose(ends[T.mc_prediction], [np.mean(returns[s]) for s in range(5)], atol=1e-5)
    assert np.sqrt(np.mean((ends[T.td0_prediction] - T.RANDOM_WALK_TRUE) ** 2)) < 0.1
    td = T.batch_random_walk_rms(T.td0_prediction, num_episodes=30, num_runs=20)
    mc = T.batch_random_walk_rms(T.mc_prediction, num_episodes=30, num_runs=20)
    assert td[0] == pytest.approx(mc[0]) and td[-1] < mc[-1] < mc[0]


def test_lambda_sweep_prefers_an_intermediate_lambda():
    rms = T.lambda_sweep(T.td_lambda_prediction, [0.1, 0.3, 0.6], [0.0, 0.8, 1.0], num_runs=20)
    assert rms.shape == (3, 3)
    assert rms[1].min() < rms[0].min() and rms[1].min() < rms[2].min()


def test_maximization_bias_q_learning_overshoots_double_q_does_not():
    q = T.maximization_bias(T.q_learning_update, num_runs=100, num_episodes=40)
    d = T.maximization_bias(T.double_q_learning_update, double=True, num_runs=100, num_episodes=40)
    assert q.shape == (40,) and q[:20].max() > 0.6 and d[10:].mean() < 0.3 < q[10:].mean()
    with pytest.raises(ValueError, match="num_b_actions"):
        T.maximization_bias(T.q_learning_update, num_b_actions=1)


def test_new_helpers_reject_bad_input_by_name():
    with pytest.raises(ValueError, match="num_states"):
        T.random_walk_episode(np.random.default_rng(0), 0)
    with pytest.raises(ValueError, match="lams must lie in"):
        T.lambda_sweep(T.td_lambda_prediction, [0.1], [1.5])


def test_train_runs_a_given_update_and_policy():
    calls = []

    def update(Q, s, a, r, s_next, terminated, alpha, gamma, epsilon):
        calls.append(epsilon)
        return T.expected_sarsa_update(Q, s, a, r, s_next, terminated, alpha, gamma, epsilon)

    def act(q, epsilon, rng):
        return 1  # always right

    env = CorridorEnv(4, one_hot=False)
    _, returns, lengths = T.train(env, "expected_sarsa", 3, epsilon=0.2, update=update, act=act)
    assert list(lengths) == [3, 3, 3] and calls == [0.2] * 9
