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
