"""DQN pieces: Q-network gradients, Huber loss, targets, the minibatch loss, helpers; the agent
(lib.rl.agent); greedy evaluation."""

import functools

import numpy as np
import pytest

from lib.gradient_check import eval_numerical_gradient, eval_numerical_gradient_array, rel_error
from lib.models import QNetwork, dueling_aggregate
from lib.rl import dqn as D
from lib.rl.agent import DQNAgent
from lib.rl.envs import CorridorEnv
from lib.rl.evaluation import evaluate, run_policy
from lib.rl.replay import Batch, ReplayBuffer


def batch_for(net, n=5, seed=0):
    rng = np.random.default_rng(seed)
    shape = (n, *net.obs_shape)
    return Batch(
        rng.normal(size=shape),
        rng.integers(0, net.num_actions, n),
        rng.normal(size=n),
        rng.normal(size=shape),
        np.arange(n) % 2 == 0,
        np.arange(n),
        rng.uniform(0.2, 1.0, n),
    )


NETS = {
    "mlp": dict(obs_shape=(4,), num_actions=3, hidden=(6, 5)),
    "dueling": dict(obs_shape=(4,), num_actions=3, hidden=(6,), dueling=True),
    "cnn": dict(obs_shape=(1, 6, 6), num_actions=3, convs=((2, 3, 1, 1), (3, 2, 2, 0)), hidden=(4,)),
    "cnn_pool": dict(
        obs_shape=(1, 6, 6), num_actions=3, convs=((2, 3, 1, 1), (3, 3, 1, 1)), hidden=(4,), pool_after=(1,)
    ),
}


@pytest.mark.parametrize("kind", NETS)
def test_q_network_backward_matches_numerical_gradient(kind):
    net = QNetwork(**NETS[kind], dtype=np.float64, seed=1)
    for k in net.params:  # larger weights than the init so no head is ~0
        net.params[k] += np.random.default_rng(2).normal(scale=0.3, size=net.params[k].shape)
    x = batch_for(net).obs
    dq = np.random.default_rng(3).normal(size=(x.shape[0], net.num_actions))
    q, cache = net.forward(x)
    grads = net.backward(dq, cache)
    assert q.shape == (5, 3) and grads.keys() == net.params.keys()
    for k, p in net.params.items():
        num = eval_numerical_gradient_array(lambda _: net.forward(x)[0], p, dq)
        assert rel_error(grads[k], num) < 1e-6, k


def test_dueling_aggregate_uses_the_mean_and_keeps_value_identifiable():
    v, a = np.array([[2.0]]), np.array([[1.0, 3.0, 5.0]])
    np.testing.assert_allclose(dueling_aggregate(v, a), [[0.0, 2.0, 4.0]])
    np.testing.assert_allclose(dueling_aggregate(v, a + 7.0), dueling_aggregate(v, a))


def test_q_network_rejects_wrong_observations():
    net = QNetwork((4,), 2)
    with pytest.raises(ValueError, match=r"\(N, 4\)"):
        net.forward(np.zeros((3, 5)))
    with pytest.raises(ValueError, match="C, H, W"):
        QNetwork((4,), 2, convs=((2, 3, 1, 1),))
    with pytest.raises(ValueError, match=r"pool_after must name convolutions 1..1, got \(2,\)"):
        QNetwork((1, 4, 4), 2, convs=((2, 3, 1, 1),), pool_after=(2,))
    with pytest.raises(ValueError, match="height"):  # a 5x5 map cannot be pooled 2x2 with stride 2
        QNetwork((1, 5, 5), 2, convs=((2, 3, 1, 1),), pool_after=(1,))


def test_q_network_pooling_halves_the_feature_map():
    net = QNetwork((1, 10, 10), 3, convs=((4, 3, 1, 1), (8, 3, 1, 1)), hidden=(5,), pool_after=(1,))
    assert net.params["W3"].shape == (8 * 5 * 5, 5)
    assert net.q_values(np.zeros((2, 1, 10, 10))).shape == (2, 3)


def test_huber_loss_values_and_gradient_beyond_one():
    x, y = np.array([0.5, 3.0, -2.0]), np.zeros(3)
    loss, dx = D.huber_loss(x, y)
    assert loss == pytest.approx((0.125 + 2.5 + 1.5) / 3)
    np.testing.assert_allclose(dx, np.array([0.5, 1.0, -1.0]) / 3)  # slope +-1 outside |d| <= 1
    w = np.array([1.0, 0.5, 2.0])
    loss_w, dx_w = D.huber_loss(x, y, w)
    assert loss_w == pytest.approx((0.125 + 1.25 + 3.0) / 3)
    rng = np.random.default_rng(0)
    x = rng.normal(scale=2, size=7)
    num = eval_numerical_gradient(lambda v: D.huber_loss(v, np.zeros(7))[0], x)
    assert rel_error(D.huber_loss(x, np.zeros(7))[1], num) < 1e-7
    with pytest.raises(ValueError, match="same shape"):
        D.huber_loss(np.zeros(3), np.zeros(4))


def test_td_targets_cut_only_where_terminated():
    r, term = np.array([1.0, 1.0]), np.array([False, True])
    q_next = np.array([[0.0, 2.0], [5.0, 1.0]])
    np.testing.assert_allclose(D.td_targets(r, term, q_next, 0.9), [1 + 0.9 * 2, 1.0])
    with pytest.raises(ValueError, match="gamma"):
        D.td_targets(r, term, q_next, 1.5)


def test_double_dqn_selects_online_and_evaluates_target():
    r, term = np.zeros(2), np.array([False, False])
    online = np.array([[1.0, 0.0], [0.0, 1.0]])
    target = np.array([[3.0, 10.0], [7.0, 2.0]])
    np.testing.assert_allclose(D.double_dqn_targets(r, term, online, target, 1.0), [3.0, 2.0])
    np.testing.assert_allclose(D.td_targets(r, term, target, 1.0), [10.0, 7.0])  # vanilla: the larger


@pytest.mark.parametrize("double", [False, True])
def test_dqn_loss_gradient_is_the_gradient_of_its_loss(double):
    net = QNetwork(obs_shape=(4,), num_actions=3, hidden=(6,), dtype=np.float64, seed=0)
    target = QNetwork(obs_shape=(4,), num_actions=3, hidden=(6,), dtype=np.float64, seed=5)
    for k in net.params:
        net.params[k] = net.params[k] + np.random.default_rng(1).normal(scale=0.5, size=net.params[k].shape)
    b = batch_for(net)
    loss, grads, td = D.dqn_loss(net, target, b, 0.9, double=double)
    q = net.q_values(b.obs)[np.arange(5), b.actions]
    target_q = target.q_values(b.next_obs)
    if double:
        y = D.double_dqn_targets(b.rewards, b.terminated, net.q_values(b.next_obs), target_q, 0.9)
    else:
        y = D.td_targets(b.rewards, b.terminated, target_q, 0.9)
    np.testing.assert_allclose(td, y - q)
    for k, p in net.params.items():
        # hold the target fixed (it is a constant in DQN) while differentiating the loss
        def f(_):
            return D.huber_loss(net.q_values(b.obs)[np.arange(5), b.actions], y, b.weights)[0]

        assert rel_error(grads[k], eval_numerical_gradient(f, p)) < 1e-6, k


def test_clip_updates_and_schedule():
    g = {"a": np.array([3.0]), "b": np.array([4.0])}
    clipped, norm = D.clip_grad_norm(g, 1.0)
    assert norm == pytest.approx(5.0) and np.sqrt(clipped["a"] ** 2 + clipped["b"] ** 2) == pytest.approx(1.0, rel=1e-5)
    assert g["a"][0] == 3.0  # inputs untouched
    same, _ = D.clip_grad_norm(g, 10.0)
    np.testing.assert_array_equal(same["b"], g["b"])
    t, s = {"w": np.zeros(2)}, {"w": np.ones(2)}
    D.soft_update(t, s, 0.1)
    np.testing.assert_allclose(t["w"], 0.1)
    D.hard_update(t, s)
    np.testing.assert_allclose(t["w"], 1.0)
    assert s["w"] is not t["w"]
    assert D.linear_schedule(0, 1.0, 0.1, 100) == 1.0
    assert D.linear_schedule(50, 1.0, 0.1, 100) == pytest.approx(0.55)
    assert D.linear_schedule(500, 1.0, 0.1, 100) == pytest.approx(0.1)


def Corridor():
    """Positions 0..4 as one-hot vectors; action 1 moves right, 0 left; +1 at position 4 (terminal).
    A time limit of 8 steps truncates."""
    return CorridorEnv(5, one_hot=True, max_steps=8)


def test_collect_transition_stores_terminated_only_and_the_real_final_obs():
    env, net, buf = Corridor(), QNetwork((5,), 2, hidden=(4,)), ReplayBuffer(20, (5,))
    obs, _ = env.reset(seed=0)
    rng = np.random.default_rng(0)
    for _ in range(8):  # epsilon = 1: a random walk, which here ends by truncation (seeded)
        obs_next, r, term, trunc = D.collect_transition(env, obs, net, 1.0, rng, buf)
        if term or trunc:
            break
        obs = obs_next
    last = len(buf) - 1
    assert trunc and not term
    assert buf.terminated[last] == term  # truncation is stored as not terminated
    np.testing.assert_array_equal(buf.next_obs[last], obs_next)


def corridor_agent(net, seed, **kw):
    """A DQN agent sized for the 5-cell corridor: it learns in 1,500 steps."""
    settings = dict(gamma=0.9, lr=3e-3, batch_size=32, learning_starts=100, target_update_interval=50)
    return DQNAgent(Corridor(), net, eps_decay_steps=500, seed=seed, **settings, **kw)


def test_agent_learns_the_corridor():
    net = QNetwork((5,), 2, hidden=(16,), seed=0)
    agent = corridor_agent(net, seed=0, buffer_size=2000)
    hist = agent.train(1500, progress=False)
    assert len(hist.episode_returns) > 10 and hist.train_seconds > 0
    assert np.all(agent.evaluate(Corridor(), num_episodes=3) == 1.0)
    q = net.q_values(np.eye(5, dtype=np.float32)[:4])
    assert np.all(q[:, 1] > q[:, 0])  # right is better everywhere
    np.testing.assert_allclose(q[:, 1], 0.9 ** np.arange(3, -1, -1), atol=0.15)  # V = gamma^(steps to go - 1)


@pytest.mark.parametrize("kw", [dict(double=True), dict(prioritized=True), dict(tau=0.05)])
def test_agent_variants_run_and_learn(kw):
    net = QNetwork((5,), 2, hidden=(16,), seed=0, dueling=kw.get("double", False))
    agent = corridor_agent(net, seed=1, **kw)
    agent.train(1500, progress=False)
    assert np.all(agent.evaluate(Corridor(), num_episodes=3) == 1.0)


def test_agent_rejects_a_mismatched_network():
    with pytest.raises(ValueError, match="3 outputs but env has 2"):
        DQNAgent(Corridor(), QNetwork((5,), 3))
    with pytest.raises(ValueError, match="expects observations"):
        DQNAgent(Corridor(), QNetwork((4,), 2))


def test_run_policy_plays_any_batch_policy_to_the_end():
    right = run_policy(lambda obs: np.ones(len(obs), int), Corridor(), num_episodes=3)
    left = run_policy(lambda obs: np.zeros(len(obs), int), Corridor(), num_episodes=3)
    np.testing.assert_array_equal(right, 1.0)  # reaches the goal
    np.testing.assert_array_equal(left, 0.0)  # stays at the wall until the time limit truncates


def test_evaluate_takes_the_model_first_and_plays_greedily():
    net = QNetwork((5,), 2, hidden=(4,), seed=0)
    net.params["b_out"][:] = [0.0, 10.0]  # always right
    np.testing.assert_array_equal(evaluate(net, Corridor(), num_episodes=2), 1.0)


def test_evaluate_keeps_the_wrappers_of_a_registered_env():
    import gymnasium as gym

    import lib.rl.envs  # noqa: F401 (registers Catch-v0)

    space = gym.spaces.Box(0.0, 1.0, (1, 5, 5), np.float32)
    env = gym.wrappers.TransformObservation(gym.make("Catch-v0"), lambda obs: obs[:, ::2, ::2], space)
    seen = []
    run_policy(lambda obs: seen.append(obs.shape[1:]) or np.ones(len(obs), int), env, num_episodes=2)
    assert set(seen) == {(1, 5, 5)}


def test_agent_names_its_schedule_and_adam_state():
    agent = DQNAgent(
        Corridor(), QNetwork((5,), 2, hidden=(4,)), lr=0.01, eps_start=0.9, eps_end=0.1, eps_decay_steps=100
    )
    assert (agent.eps_start, agent.eps_end, agent.eps_decay_steps) == (0.9, 0.1, 100)
    assert agent.epsilon(50) == pytest.approx(0.5)
    assert agent.optim_config == {"learning_rate": 0.01}
    agent.buffer.add(np.eye(5)[0], 1, 0.0, np.eye(5)[1], False)
    agent.update()
    assert agent.optim_config["t"] == 1 and agent.optim_config["m"].size == agent.q_net.num_params


def test_agent_loss_fn_has_one_signature_and_double_picks_the_default():
    env, net = Corridor(), QNetwork((5,), 2, hidden=(4,))
    assert DQNAgent(env, net).loss_fn is D.dqn_loss
    double = DQNAgent(env, net, double=True).loss_fn
    assert isinstance(double, functools.partial) and double.func is D.dqn_loss and double.keywords == {"double": True}
    calls = []

    def my_loss(q_net, target_net, batch, gamma):
        calls.append(gamma)
        return D.dqn_loss(q_net, target_net, batch, gamma)

    agent = DQNAgent(env, net, gamma=0.7, loss_fn=my_loss, batch_size=4)
    for i in range(4):
        agent.buffer.add(np.eye(5)[i], 1, 0.0, np.eye(5)[i + 1], i == 3)
    agent.update()
    assert calls == [0.7]
    with pytest.raises(ValueError, match="double=True.*loss_fn"):
        DQNAgent(env, net, double=True, loss_fn=my_loss)


def test_agent_runs_the_buffer_collect_and_soft_update_it_is_given():
    made, collected, soft = [], [], []

    class MyBuffer(ReplayBuffer):
        def __init__(self, capacity, obs_shape):
            made.append((capacity, obs_shape))
            super().__init__(capacity, obs_shape)

    def my_collect(env, obs, q_net, epsilon, rng, buffer):
        collected.append(epsilon)
        return D.collect_transition(env, obs, q_net, epsilon, rng, buffer)

    def my_soft(target_params, params, tau):
        soft.append(tau)
        D.soft_update(target_params, params, tau)

    net = QNetwork((5,), 2, hidden=(16,), seed=0)
    agent = corridor_agent(net, seed=0, buffer=MyBuffer, collect_fn=my_collect, soft_update_fn=my_soft, tau=0.05)
    agent.train(300, progress=False)
    assert made == [(50_000, (5,))] and isinstance(agent.buffer, MyBuffer) and len(agent.buffer) == 300
    assert len(collected) == 300 and collected[0] > 0.99 > collected[-1]
    assert len(soft) == 200 and set(soft) == {0.05}  # one soft update after each of the 200 updates


def test_agent_with_the_default_pieces_passed_explicitly_learns_the_same():
    nets = [QNetwork((5,), 2, hidden=(8,), seed=3) for _ in range(2)]
    plain = corridor_agent(nets[0], seed=2)
    given = corridor_agent(nets[1], seed=2, loss_fn=D.dqn_loss, buffer=ReplayBuffer, collect_fn=D.collect_transition)
    h1, h2 = plain.train(400, progress=False), given.train(400, progress=False)
    assert h1.losses == h2.losses and h1.episode_returns == h2.episode_returns
    for k in nets[0].params:
        np.testing.assert_array_equal(nets[0].params[k], nets[1].params[k])


def test_agent_without_target_network_bootstraps_from_the_online_network():
    net = QNetwork((5,), 2, hidden=(8,), seed=0)
    agent = corridor_agent(net, seed=0, target_network=False)
    assert agent.target_net is net and agent.target_network is False
    with_target = corridor_agent(QNetwork((5,), 2, hidden=(8,), seed=0), seed=0)
    assert with_target.target_net is not with_target.q_net
    agent.train(300, progress=False)
    assert agent.target_net is agent.q_net  # nothing copied over it
    with pytest.raises(ValueError, match="target_network=False"):
        corridor_agent(QNetwork((5,), 2, hidden=(8,)), seed=0, target_network=False, tau=0.1)


def test_agent_without_target_network_uses_the_online_values_in_its_targets():
    net = QNetwork((5,), 2, hidden=(8,), seed=0)
    seen = []

    def spy(q_net, target_net, batch, gamma):
        seen.append(target_net is q_net)
        return D.dqn_loss(q_net, target_net, batch, gamma)

    agent = corridor_agent(net, seed=0, target_network=False, loss_fn=spy)
    agent.train(150, progress=False)
    assert seen and all(seen)


def test_agent_rejects_a_custom_buffer_with_prioritized_replay():
    with pytest.raises(ValueError, match="prioritized=True.*buffer"):
        corridor_agent(QNetwork((5,), 2, hidden=(8,)), seed=0, prioritized=True, buffer=ReplayBuffer)


def test_small_buffer_keeps_only_the_latest_transitions():
    net = QNetwork((5,), 2, hidden=(8,), seed=0)
    agent = corridor_agent(net, seed=0, buffer_size=32)
    agent.train(200, progress=False)
    assert len(agent.buffer) == 32 and agent.buffer.pos == 200 % 32


def test_soft_update_moves_each_array_in_place_and_keeps_its_dtype():
    rng = np.random.default_rng(0)
    t = {"W": rng.normal(size=(3, 2)).astype(np.float32), "b": rng.normal(size=2).astype(np.float32)}
    s = {"W": rng.normal(size=(3, 2)).astype(np.float32), "b": rng.normal(size=2).astype(np.float32)}
    held, before, source = dict(t), {k: v.copy() for k, v in t.items()}, {k: v.copy() for k, v in s.items()}
    D.soft_update(t, s, 0.25)
    for k in t:
        assert t[k] is held[k] and t[k].dtype == np.float32  # the same arrays, changed in place
        np.testing.assert_allclose(t[k], 0.25 * s[k] + 0.75 * before[k], rtol=1e-6)
        np.testing.assert_array_equal(s[k], source[k])
    for _ in range(200):  # repeated with params fixed, the target converges to them
        D.soft_update(t, s, 0.25)
    np.testing.assert_allclose(t["W"], s["W"], rtol=1e-5)
    for tau in (0.0, 1.5, -0.1):
        with pytest.raises(ValueError, match="tau must be in"):
            D.soft_update(t, s, tau)


def test_dueling_max_aggregation_makes_value_the_greedy_q():
    rng = np.random.default_rng(3)
    v, a = rng.normal(size=(4, 1)), rng.normal(size=(4, 3))
    q_max, q_mean = dueling_aggregate(v, a, kind="max"), dueling_aggregate(v, a, kind="mean")
    np.testing.assert_allclose(q_max.max(axis=1, keepdims=True), v)  # eq. 8: V is max_a Q
    np.testing.assert_allclose(q_mean.mean(axis=1, keepdims=True), v)  # eq. 9: V is mean_a Q
    shift = a.mean(axis=1, keepdims=True) - a.max(axis=1, keepdims=True)  # the same for every action
    np.testing.assert_allclose(q_max - q_mean, np.broadcast_to(shift, a.shape))
    np.testing.assert_array_equal(dueling_aggregate(v, a), q_mean)  # the default stays the mean
    with pytest.raises(ValueError, match="'median'"):
        dueling_aggregate(v, a, kind="median")
