"""Optimizers against closed forms, LeNet-5 against numerical gradients, the solver's behaviour."""

import numpy as np
import pytest

from lib import optim
from lib.gradient_check import eval_numerical_gradient, rel_error
from lib.models import LeNet5
from lib.solver import Solver


def run(rule, g, steps, config):
    w = np.zeros_like(g)
    for _ in range(steps):
        w, config = rule(w, g, config)
    return w, config


def test_sgd_and_momentum_closed_forms():
    g = np.array([1.0, -2.0, 0.5])
    w, _ = run(optim.sgd, g, 3, {"learning_rate": 0.1})
    np.testing.assert_allclose(w, -0.3 * g)
    # constant gradient: v_t = -lr g (1 - mu^t) / (1 - mu), w_T = sum of v_t
    lr, mu, T = 0.1, 0.9, 5
    w, cfg = run(optim.sgd_momentum, g, T, {"learning_rate": lr, "momentum": mu})
    v = [-lr * g * (1 - mu**t) / (1 - mu) for t in range(1, T + 1)]
    np.testing.assert_allclose(w, np.sum(v, axis=0))
    np.testing.assert_allclose(cfg["velocity"], v[-1])


def test_rmsprop_closed_form():
    g = np.array([1.0, -2.0, 0.5])
    lr, dr, T = 0.01, 0.9, 4
    w, _ = run(optim.rmsprop, g, T, {"learning_rate": lr, "decay_rate": dr})
    steps = [lr * g / (np.sqrt((1 - dr**t) * g * g) + 1e-8) for t in range(1, T + 1)]
    np.testing.assert_allclose(w, -np.sum(steps, axis=0))


def test_adam_bias_correction_makes_every_step_lr_times_sign():
    g = np.array([1e-3, -5.0, 0.5])  # very different scales
    w, cfg = run(optim.adam, g, 3, {"learning_rate": 0.01})
    np.testing.assert_allclose(w, -3 * 0.01 * np.sign(g), rtol=1e-4)
    assert cfg["t"] == 3


def test_defaults_and_shape_errors():
    w = np.ones(3)
    assert optim.adam(w, w)[1]["learning_rate"] == 1e-3
    assert optim.sgd_momentum(w, w)[1]["momentum"] == 0.9
    with pytest.raises(ValueError, match="dw has shape"):
        optim.sgd(w, np.ones(4))
    w32 = np.ones(3, np.float32)
    assert optim.adam(w32, w32)[0].dtype == np.float32


def test_lenet_parameter_count_and_gradients():
    assert LeNet5().num_params == 61_706
    assert sum(r[2] for r in LeNet5().layer_shapes()) == 61_706
    model = LeNet5(dtype=np.float64, reg=0.05, seed=3)
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((2, 1, 28, 28)), np.array([3, 7])
    loss, grads = model.loss(X, y)
    for name in ("W1", "b1", "b2", "W5", "b5", "b4"):
        num = eval_numerical_gradient(lambda _: model.loss(X, y)[0], model.params[name])
        assert rel_error(num, grads[name]) < 1e-5, name
    assert model.loss(X).shape == (2, 10)
    with pytest.raises(ValueError, match="X must be"):
        model.loss(X[:, :, :, :, None])


def test_lenet_shapes_follow_the_layers_output_sizes():
    from lib.models.lenet import lenet_shapes

    assert lenet_shapes((1, 28, 28))["W3"] == (16 * 5 * 5, 120)
    assert lenet_shapes((3, 32, 32), num_classes=7)["W3"] == (16 * 6 * 6, 120)
    with pytest.raises(ValueError, match="pool2 height: .* is not a whole number"):
        lenet_shapes((1, 30, 28))  # conv2 leaves 11 rows, which 2x2 pooling cannot tile
    with pytest.raises(ValueError, match="conv2 width: a window of 5 does not fit"):
        lenet_shapes((1, 28, 8))


def _toy_data(n=200, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, n)
    X = rng.normal(size=(n, 1, 28, 28)).astype(np.float32) * 0.1
    for c in range(3):  # a bright square whose position is the class
        X[y == c, 0, 4 + 8 * c : 10 + 8 * c, 10:16] += 1.0
    return {"X_train": X[:150], "y_train": y[:150], "X_val": X[150:], "y_val": y[150:]}


def test_solver_trains_keeps_best_and_is_seeded():
    data = _toy_data()
    results = []
    for _ in range(2):
        model = LeNet5(num_classes=3, seed=0)
        s = Solver(
            model,
            data,
            update_rule="adam",
            optim_config={"learning_rate": 1e-3},
            batch_size=25,
            num_epochs=3,
            seed=1,
            progress=False,
        ).train()
        results.append(s)
    s = results[0]
    assert len(s.loss_history) == 3 * 6 and len(s.val_acc_history) == 4
    assert s.best_val_acc == max(s.val_acc_history) and s.best_val_acc > 0.9
    assert s.loss_history == results[1].loss_history
    assert s.check_accuracy(data["X_val"], data["y_val"]) == s.best_val_acc


def test_solver_stops_on_nan_and_rejects_bad_arguments():
    data = _toy_data()
    model = LeNet5(num_classes=3, seed=0)
    with pytest.raises(FloatingPointError, match="at iteration"), np.errstate(all="ignore"):
        Solver(
            model,
            data,
            update_rule="sgd",
            optim_config={"learning_rate": 1e12},
            batch_size=25,
            num_epochs=2,
            progress=False,
        ).train()
    with pytest.raises(ValueError, match="invalid update_rule"):
        Solver(model, data, update_rule="adagrad")
    with pytest.raises(ValueError, match="unrecognized arguments"):
        Solver(model, data, learning_rate=0.1)


def test_clip_grad_norm_rescales_all_arrays_by_one_factor():
    from lib.optim import clip_grad_norm

    rng = np.random.default_rng(0)
    grads = {"W": rng.normal(size=(5, 3)) * 10, "b": rng.normal(size=3)}
    before = {k: g.copy() for k, g in grads.items()}
    clipped, total = clip_grad_norm(grads, 2.0)
    assert total == pytest.approx(np.sqrt(sum(np.sum(g**2) for g in before.values())))
    assert np.sqrt(sum(np.sum(g**2) for g in clipped.values())) == pytest.approx(2.0)
    np.testing.assert_allclose(clipped["W"] / before["W"], 2.0 / total)  # same direction
    for k in grads:
        np.testing.assert_array_equal(grads[k], before[k])  # the input is left alone
    small, _ = clip_grad_norm(clipped, 5.0)
    np.testing.assert_array_equal(small["W"], clipped["W"])  # below the threshold: unchanged
    with pytest.raises(ValueError, match="max_norm must be > 0"):
        clip_grad_norm(grads, 0.0)


def test_lenet_runs_on_any_layer_set():
    import dataclasses

    from lib.models.lenet import FAST_LAYERS, NAIVE_LAYERS

    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(2, 1, 28, 28)), np.array([3, 7])
    fast = LeNet5(dtype=np.float64, reg=0.01, seed=1)
    naive = LeNet5(dtype=np.float64, reg=0.01, seed=1, layers=NAIVE_LAYERS)
    (lf, gf), (ln, gn) = fast.loss(X, y), naive.loss(X, y)
    assert lf == pytest.approx(ln, rel=1e-12)
    for k in gf:
        np.testing.assert_allclose(gn[k], gf[k], rtol=1e-8, atol=1e-12)
    leaky = dataclasses.replace(FAST_LAYERS, relu_forward=lambda x: (np.maximum(x, 0.1 * x), x))
    assert LeNet5(dtype=np.float64, seed=1, layers=leaky).loss(X)[0, 0] != fast.loss(X)[0, 0]  # really plugged in


def test_cosine_lr_shape_and_errors():
    from lib.optim import cosine_lr

    rates = [cosine_lr(it, 20, 0.4, warmup=4) for it in range(20)]
    assert rates[:4] == pytest.approx([0.1, 0.2, 0.3, 0.4])  # linear warmup to lr_max
    assert rates[4] == pytest.approx(0.4) and rates[12] == pytest.approx(0.2)  # halfway through the cosine
    assert all(a >= b for a, b in zip(rates[4:], rates[5:])) and 0 < rates[-1] < 0.01
    with pytest.raises(ValueError, match="warmup"):
        cosine_lr(0, 10, 1.0, warmup=10)
    with pytest.raises(ValueError, match="it must be"):
        cosine_lr(10, 10, 1.0)


def test_solver_sets_the_scheduled_rate_before_every_step():
    seen = []

    def rule(w, dw, config):
        seen.append(config["learning_rate"])
        return w, config

    rng = np.random.default_rng(0)
    data = {"X_train": rng.normal(size=(8, 1, 28, 28)), "y_train": np.arange(8) % 10}
    data.update(X_val=data["X_train"], y_val=data["y_train"])
    model = LeNet5(dtype=np.float64)
    Solver(
        model,
        data,
        update_rule=rule,
        batch_size=4,
        num_epochs=2,
        progress=False,
        lr_schedule=lambda it, total: 0.1 * (it + 1) / total,
    ).train()
    per_step = seen[:: len(LeNet5().params)]  # one update per parameter array per step
    assert per_step == pytest.approx([0.025, 0.05, 0.075, 0.1])
    with pytest.raises(ValueError, match="not both"):
        Solver(model, data, lr_schedule=lambda it, total: 0.1, lr_decay=0.5)
