"""The two-layer network (lib.classifiers.neural_net) against independent truths: numerical
gradients, hand-computed values, loops, the initialization formulas of the papers."""

import numpy as np
import pytest

from lib.classifiers import TwoLayerNet
from lib.classifiers.neural_net import (
    check_params,
    depth_stds,
    init_params,
    init_std,
    two_layer_forward,
    two_layer_loss,
    two_layer_predict,
    two_layer_train,
)
from lib.gradient_check import eval_numerical_gradient


@pytest.fixture
def net():
    """A small float64 net with non-zero biases, some hidden units off, and data."""
    rng = np.random.default_rng(0)
    params = {
        "W1": rng.normal(size=(6, 5)),
        "b1": rng.normal(size=5),
        "W2": rng.normal(size=(5, 4)),
        "b2": rng.normal(size=4),
    }
    X = rng.normal(size=(7, 6))
    y = rng.integers(0, 4, size=7)
    return params, X, y


def test_forward_by_loops(net):
    params, X, _ = net
    W1, b1, W2, b2 = (params[k] for k in ("W1", "b1", "W2", "b2"))
    expected = np.zeros((7, 4))
    for i in range(7):
        for j in range(4):
            for k in range(5):
                z = sum(X[i, d] * W1[d, k] for d in range(6)) + b1[k]
                expected[i, j] += max(z, 0.0) * W2[k, j]
            expected[i, j] += b2[j]
    np.testing.assert_allclose(two_layer_forward(params, X), expected, rtol=1e-12)
    np.testing.assert_allclose(two_layer_loss(params, X), expected, rtol=1e-12)
    np.testing.assert_array_equal(two_layer_predict(params, X), expected.argmax(axis=1))


@pytest.mark.parametrize("reg", [0.0, 0.3])
def test_gradients_match_numerical(net, reg):
    params, X, y = net
    _, grads = two_layer_loss(params, X, y, reg)
    assert set(grads) == set(params)
    for k in params:

        def f(v, k=k):
            return two_layer_loss(dict(params, **{k: v}), X, y, reg)[0]

        num = eval_numerical_gradient(f, params[k].copy())
        assert grads[k].shape == params[k].shape
        np.testing.assert_allclose(grads[k], num, rtol=1e-6, atol=1e-9, err_msg=k)


def test_loss_values(net):
    params, X, y = net
    zero = {k: np.zeros_like(v) for k, v in params.items()}
    loss, grads = two_layer_loss(zero, X, y, 10.0)
    assert loss == pytest.approx(np.log(4))  # every class equally likely; the regularization is zero
    assert not np.any(grads["W1"]) and not np.any(grads["b1"])  # no hidden unit is on
    data_loss, _ = two_layer_loss(params, X, y, 0.0)
    loss, _ = two_layer_loss(params, X, y, 0.3)
    assert loss == pytest.approx(data_loss + 0.3 * (np.sum(params["W1"] ** 2) + np.sum(params["W2"] ** 2)))


def test_bad_inputs_are_named(net):
    params, X, y = net
    with pytest.raises(ValueError, match="keys"):
        two_layer_forward({"W1": params["W1"]}, X)
    with pytest.raises(ValueError, match="X must have shape"):
        two_layer_forward(params, X[:, :5])
    with pytest.raises(ValueError, match="b1"):
        check_params(dict(params, b1=np.zeros(3)))
    with pytest.raises(ValueError, match="same H"):
        check_params(dict(params, W2=np.zeros((4, 4))))
    with pytest.raises(ValueError, match="labels"):
        two_layer_loss(params, X, y + 4)
    with pytest.raises(ValueError, match="reg"):
        two_layer_loss(params, X, y, -1.0)
    with pytest.raises(ValueError, match="learning_rate"):
        two_layer_train(params, two_layer_loss, X, y, X, y, learning_rate=0.0)
    with pytest.raises(ValueError, match="sizes"):
        init_params(6, 0, 4)
    with pytest.raises(ValueError, match="std"):
        init_params(6, 5, 4, std=-1.0)


def test_init_params_follows_cs231n():
    p = init_params(6, 5, 4, std=0.1, seed=3)
    rng = np.random.default_rng(3)
    np.testing.assert_array_equal(p["W1"], 0.1 * rng.standard_normal((6, 5)))
    np.testing.assert_array_equal(p["W2"], 0.1 * rng.standard_normal((5, 4)))
    assert not p["b1"].any() and p["b2"].shape == (4,)
    q = init_params(6, 5, 4, std=(0.1, 0.2), seed=3)
    np.testing.assert_array_equal(q["W2"], 2 * p["W2"])


def _train_by_hand(params, X, y, X_val, y_val, lr, decay, reg, iters, B, seed):
    """The documented loop, written out with a per-epoch counter instead of a modulo."""
    rng = np.random.default_rng(seed)
    p = {k: v.copy() for k, v in params.items()}
    per_epoch, done, losses, train_acc, val_acc = max(len(y) // B, 1), 0, [], [], []
    for _ in range(iters):
        idx = rng.choice(len(y), B)
        loss, grads = two_layer_loss(p, X[idx], y[idx], reg)
        losses.append(loss)
        for k in p:
            p[k] = p[k] - lr * grads[k]
        done += 1
        if done == per_epoch:
            done = 0
            train_acc.append(np.mean(np.argmax(two_layer_forward(p, X[idx]), 1) == y[idx]))
            val_acc.append(np.mean(np.argmax(two_layer_forward(p, X_val), 1) == y_val))
            lr = lr * decay
    return p, losses, train_acc, val_acc


def test_train_follows_its_docstring(net, capsys):
    params, _, _ = net
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(45, 6)), rng.integers(0, 4, size=45)
    X_val, y_val = rng.normal(size=(9, 6)), rng.integers(0, 4, size=9)
    before = {k: v.copy() for k, v in params.items()}
    out = two_layer_train(params, two_layer_loss, X, y, X_val, y_val, 0.1, 0.5, 0.01, 23, 10, seed=2)
    for k in params:
        np.testing.assert_array_equal(params[k], before[k])  # the input is not changed
    p, losses, train_acc, val_acc = _train_by_hand(params, X, y, X_val, y_val, 0.1, 0.5, 0.01, 23, 10, 2)
    assert len(out["train_acc_history"]) == 5  # 4 iterations per epoch: 23 iterations complete 5 epochs
    np.testing.assert_allclose(out["loss_history"], losses)
    np.testing.assert_allclose(out["train_acc_history"], train_acc)
    np.testing.assert_allclose(out["val_acc_history"], val_acc)
    for k in p:
        np.testing.assert_allclose(out["params"][k], p[k])
    assert capsys.readouterr().out == ""
    two_layer_train(params, two_layer_loss, X, y, X_val, y_val, num_iters=101, batch_size=4, verbose=True)
    assert capsys.readouterr().out.count("iteration") == 2


def test_training_learns_a_separable_problem():
    rng = np.random.default_rng(0)
    centres = 3 * rng.normal(size=(3, 8))
    y = rng.integers(0, 3, size=300)
    X = centres[y] + rng.normal(size=(300, 8))
    net = TwoLayerNet(8, 16, 3, std=0.1, seed=0)
    hist = net.train(X[:240], y[:240], X[240:], y[240:], learning_rate=0.1, reg=1e-4, num_iters=300, batch_size=30)
    assert set(hist) == {"loss_history", "train_acc_history", "val_acc_history"}
    assert hist["loss_history"][-1] < 0.2 * hist["loss_history"][0]
    assert np.mean(net.predict(X[240:]) == y[240:]) > 0.95
    scores = net.loss(X[:5])
    assert scores.shape == (5, 3)


def test_init_std_formulas():
    assert init_std(784, 100, "relu") == pytest.approx(np.sqrt(2 / 784))  # He et al. (2015), eq. 10
    assert init_std(30, 70, "tanh") == pytest.approx(np.sqrt(2 / 100))  # Glorot & Bengio (2010), eq. 12
    with pytest.raises(ValueError, match="activation"):
        init_std(3, 4, "sigmoid")
    with pytest.raises(ValueError, match="fan_in"):
        init_std(0, 4, "relu")


def test_depth_stds_keep_their_scale_with_the_right_init():
    widths = [300] * 11
    fwd, bwd = depth_stds(lambda n_in, n_out: init_std(n_in, n_out, "relu"), "relu", widths, seed=0)
    assert fwd.shape == bwd.shape == (10,)
    assert np.all((fwd > 0.7) & (fwd < 1.6)) and np.all((bwd > 0.4) & (bwd < 1.6))
    small, _ = depth_stds(0.01, "tanh", widths, seed=0)
    assert small[-1] < 1e-6 < small[0] < 0.3  # shrinks by about 0.01 * sqrt(300) per layer
    # A too-small constant std for ReLU halves the variance at every layer: 1 / sqrt(300) per weight.
    halving, _ = depth_stds(1 / np.sqrt(300), "relu", widths, seed=0)
    assert halving[-1] / halving[0] == pytest.approx(2 ** (-9 / 2), rel=0.3)
    with pytest.raises(ValueError, match="widths"):
        depth_stds(0.1, "relu", [5])
    with pytest.raises(ValueError, match="activation"):
        depth_stds(0.1, "sigmoid", [5, 5])
