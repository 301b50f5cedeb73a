"""FullyConnectedNet: parameters, whole-model gradient checks with batch norm, dropout and L2,
test mode, pluggable layer functions, training with the Solver, and errors for bad arguments."""

import numpy as np
import pytest

from lib import layers as L
from lib.gradient_check import eval_numerical_gradient, rel_error
from lib.models import FullyConnectedNet
from lib.models.fc_net import LAYER_FUNCTIONS, layer_functions
from lib.solver import Solver


def _data(seed=0, N=6, D=7, C=4):
    g = np.random.default_rng(seed)
    return g.normal(size=(N, D)), g.integers(C, size=N)


def test_parameters_and_their_shapes():
    model = FullyConnectedNet([5, 3], input_dim=7, num_classes=4, normalization="batchnorm", seed=0)
    shapes = {k: v.shape for k, v in model.params.items()}
    assert shapes == {
        "W1": (7, 5), "b1": (5,), "gamma1": (5,), "beta1": (5,),
        "W2": (5, 3), "b2": (3,), "gamma2": (3,), "beta2": (3,),
        "W3": (3, 4), "b3": (4,),
    }  # fmt: skip
    assert all(v.dtype == np.float32 for v in model.params.values())
    np.testing.assert_array_equal(model.params["gamma2"], 1)
    assert "gamma1" not in FullyConnectedNet([5], input_dim=7, num_classes=4).params
    assert FullyConnectedNet([], input_dim=7, num_classes=4).params.keys() == {"W1", "b1"}
    he = FullyConnectedNet([400], input_dim=300, weight_scale="he", seed=0)
    assert abs(he.params["W1"].std() - np.sqrt(2 / 300)) < 0.005


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"reg": 0.1},
        {"normalization": "batchnorm"},
        {"dropout_keep_ratio": 0.6},
        {"normalization": "batchnorm", "dropout_keep_ratio": 0.5, "reg": 0.05},
    ],
    ids=["plain", "reg", "batchnorm", "dropout", "all"],
)
def test_whole_model_gradients_are_numerical_gradients(kwargs):
    X, y = _data()
    model = FullyConnectedNet([5, 6], input_dim=7, num_classes=4, weight_scale=0.5, dtype=np.float64, seed=1, **kwargs)
    for k in model.params:  # non-zero biases and betas, gammas away from 1
        model.params[k] = model.params[k] + np.random.default_rng(2).normal(scale=0.3, size=model.params[k].shape)
    if model.use_dropout:
        model.dropout_param = {"p": kwargs["dropout_keep_ratio"], "seed": 3}  # the same mask in every call
    loss, grads = model.loss(X, y)
    assert grads.keys() == model.params.keys()
    for name, param in model.params.items():
        num = eval_numerical_gradient(lambda _: model.loss(X, y)[0], param)
        if model.normalization == "batchnorm" and name in ("b1", "b2"):
            # batch norm subtracts the batch mean right after, so these biases have no effect at all
            assert np.abs(grads[name]).max() < 1e-12 and np.abs(num).max() < 1e-9, name
        else:
            assert rel_error(num, grads[name]) < 1e-6, name


def test_initial_loss_is_log_of_the_number_of_classes():
    X, y = _data(N=50, C=10)
    model = FullyConnectedNet([20, 20], input_dim=7, num_classes=10, weight_scale=1e-3, dtype=np.float64, seed=0)
    assert abs(model.loss(X, y)[0] - np.log(10)) < 1e-3
    with_reg = FullyConnectedNet(
        [20, 20], input_dim=7, num_classes=10, weight_scale=1e-3, reg=1.0, dtype=np.float64, seed=0
    )
    expected_reg = sum(np.sum(with_reg.params[f"W{i}"] ** 2) for i in (1, 2, 3))
    assert with_reg.loss(X, y)[0] == pytest.approx(model.loss(X, y)[0] + expected_reg)


def test_test_mode_uses_running_averages_and_no_dropout():
    X, y = _data(N=20)
    model = FullyConnectedNet(
        [8], input_dim=7, num_classes=4, normalization="batchnorm", dropout_keep_ratio=0.5, seed=4
    )
    scores = model.loss(X)
    assert scores.shape == (20, 4)
    np.testing.assert_array_equal(model.loss(X), scores)  # no dropout, no update
    assert "running_mean" not in model.bn_params[0]
    model.loss(X, y)
    assert model.bn_params[0]["mode"] == "train" and model.bn_params[0]["running_mean"].shape == (8,)
    # test mode reads the running averages, so one sample scores the same alone or in a batch
    np.testing.assert_allclose(model.loss(X[:1]), model.loss(X)[:1], rtol=1e-5)
    assert model.bn_params[0]["mode"] == model.dropout_param["mode"] == "test"


def test_the_dropout_masks_follow_the_seed():
    X, y = _data(N=20)

    def two_losses(seed):
        model = FullyConnectedNet([30], input_dim=7, num_classes=4, dropout_keep_ratio=0.5, seed=seed, dtype=np.float64)
        return model.loss(X, y)[0], model.loss(X, y)[0]

    first, second = two_losses(5)
    assert first != second  # a new mask every training call
    assert two_losses(5) == (first, second)


def test_pluggable_layer_functions_are_called():
    calls = []

    def counting(name):
        def fn(*args, **kwargs):
            calls.append(name)
            return getattr(L, name)(*args, **kwargs)

        return fn

    X, y = _data()
    mine = {name: counting(name) for name in ("batchnorm_forward", "batchnorm_backward", "dropout_forward")}
    model = FullyConnectedNet(
        [5, 6], input_dim=7, num_classes=4, normalization="batchnorm", dropout_keep_ratio=0.5, layers=mine, seed=0
    )
    reference = FullyConnectedNet(
        [5, 6], input_dim=7, num_classes=4, normalization="batchnorm", dropout_keep_ratio=0.5, seed=0
    )
    loss, grads = model.loss(X, y)
    assert calls.count("batchnorm_forward") == calls.count("batchnorm_backward") == calls.count("dropout_forward") == 2
    ref_loss, ref_grads = reference.loss(X, y)
    assert loss == ref_loss and all(np.array_equal(grads[k], ref_grads[k]) for k in grads)
    alt = layer_functions(type("Mine", (), {"batchnorm_backward": staticmethod(L.batchnorm_backward_alt)}))
    assert alt.batchnorm_backward is L.batchnorm_backward_alt and alt.relu_forward is L.relu_forward
    assert set(vars(layer_functions())) == set(LAYER_FUNCTIONS)
    with pytest.raises(ValueError, match=r"unknown names \['batchnorm_fwd'\]"):
        FullyConnectedNet([5], layers={"batchnorm_fwd": L.batchnorm_forward})
    with pytest.raises(TypeError, match=r"layers\['dropout_forward'\] must be a function"):
        FullyConnectedNet([5], layers={"dropout_forward": 3})


def test_trains_with_the_solver():
    g = np.random.default_rng(6)
    centers = g.normal(scale=3, size=(3, 10))
    y = g.integers(3, size=300)
    X = centers[y] + g.normal(size=(300, 10))
    data = {"X_train": X[:200], "y_train": y[:200], "X_val": X[200:], "y_val": y[200:]}
    model = FullyConnectedNet(
        [32, 32], input_dim=10, num_classes=3, normalization="batchnorm", dropout_keep_ratio=0.8, seed=0
    )
    solver = Solver(
        model,
        data,
        update_rule="adam",
        optim_config={"learning_rate": 1e-2},
        num_epochs=5,
        batch_size=20,
        progress=False,
    )
    solver.train()
    assert solver.best_val_acc > 0.9
    assert solver.loss_history[-1] < solver.loss_history[0]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"normalization": "layernorm"}, "normalization must be None or 'batchnorm'"),
        ({"dropout_keep_ratio": 0}, r"dropout_keep_ratio must be in \(0, 1\]"),
        ({"reg": -1}, "reg must be >= 0"),
        ({"weight_scale": "xavier"}, "weight_scale must be a positive number or 'he'"),
        ({"weight_scale": 0}, "weight_scale must be a positive number or 'he'"),
        ({"input_dim": 0}, "must be positive integers"),
    ],
)
def test_bad_arguments_are_named(kwargs, message):
    with pytest.raises(ValueError, match=message):
        FullyConnectedNet([5], **kwargs)
