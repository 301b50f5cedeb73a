"""Checks of assignment 05: the reference passes; stubs and typical mistakes are named."""

import numpy as np
from check_harness import CheckTests

import lib.checks.lenet as module
from lib import checks, optim
from lib.models import LeNet5


def momentum_wrong_sign(w, dw, config=None):
    config = config if config is not None else {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    v = config["momentum"] * config.get("velocity", np.zeros_like(w)) + config["learning_rate"] * dw
    config["velocity"] = v
    return w + v, config


def momentum_no_state(w, dw, config=None):
    config = config if config is not None else {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    v = config["momentum"] * np.zeros_like(w) - config["learning_rate"] * dw
    return w + v, config


def momentum_cfg_name(w, dw, cfg=None):  # a different parameter name still works
    return optim.sgd_momentum(w, dw, cfg)


def rmsprop_squares_wrong_term(w, dw, config=None):
    config = config if config is not None else {}
    lr, dr, eps = (
        config.setdefault("learning_rate", 1e-2),
        config.setdefault("decay_rate", 0.99),
        config.setdefault("epsilon", 1e-8),
    )
    m = dr * config.get("cache", np.zeros_like(w)) + (1 - dr) * dw
    config["cache"] = m
    return w - lr * dw / (np.sqrt(m * m) + eps), config


def rmsprop_no_sqrt(w, dw, config=None):
    config = config if config is not None else {}
    lr, dr, eps = (
        config.setdefault("learning_rate", 1e-2),
        config.setdefault("decay_rate", 0.99),
        config.setdefault("epsilon", 1e-8),
    )
    cache = dr * config.get("cache", np.zeros_like(w)) + (1 - dr) * dw * dw
    config["cache"] = cache
    return w - lr * dw / (cache + eps), config


def adam_no_bias_correction(w, dw, config=None):
    config = config if config is not None else {}
    lr = config.setdefault("learning_rate", 1e-3)
    m = 0.9 * config.get("m", np.zeros_like(w)) + 0.1 * dw
    v = 0.999 * config.get("v", np.zeros_like(w)) + 0.001 * dw * dw
    config.update(m=m, v=v, t=config.get("t", 0) + 1)
    return w - lr * m / (np.sqrt(v) + 1e-8), config


def adam_t_after(w, dw, config=None):
    config = config if config is not None else {}
    lr = config.setdefault("learning_rate", 1e-3)
    t = config.get("t", 0)
    m = 0.9 * config.get("m", np.zeros_like(w)) + 0.1 * dw
    v = 0.999 * config.get("v", np.zeros_like(w)) + 0.001 * dw * dw
    with np.errstate(all="ignore"):
        step = lr * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
    config.update(m=m, v=v, t=t + 1)
    return w - step, config


class NoRegGradient(LeNet5):
    def loss(self, X, y=None):
        if y is None:
            return super().loss(X)
        reg, self.reg = self.reg, 0.0
        loss, grads = super().loss(X, y)
        self.reg = reg
        return loss + reg * sum(float(np.sum(self.params[k] ** 2)) for k in self.params if k.startswith("W")), grads


class RegFactor(LeNet5):
    def loss(self, X, y=None):
        if y is None:
            return super().loss(X)
        loss, grads = super().loss(X, y)
        return loss, {k: g - self.reg * self.params[k] if k.startswith("W") else g for k, g in grads.items()}


class RegOnBiases(LeNet5):
    def loss(self, X, y=None):
        if y is None:
            return super().loss(X)
        loss, grads = super().loss(X, y)
        return loss, {k: g + 2 * self.reg * self.params[k] if k.startswith("b") else g for k, g in grads.items()}


class StubLeNet5(LeNet5):
    def loss(self, X, y=None):
        raise NotImplementedError()


class TestChecks(CheckTests):
    module = module
    min_alternatives = 0  # issue 12: raise to 2 (the default) once the alternatives are written
    references = {
        "sgd_momentum": optim.sgd_momentum,
        "rmsprop": optim.rmsprop,
        "adam": optim.adam,
        "lenet5_loss": LeNet5,
    }
    stubs = {"lenet5_loss": StubLeNet5}
    mistakes = [
        ("sgd_momentum", momentum_wrong_sign, "wrong sign"),
        ("sgd_momentum", momentum_no_state, "velocity is not kept between steps"),
        ("rmsprop", rmsprop_squares_wrong_term, "wrong term is squared"),
        ("rmsprop", rmsprop_no_sqrt, "root of the cache"),
        ("adam", adam_no_bias_correction, "bias correction is missing"),
        ("adam", adam_t_after, "Increment t before the bias correction"),
        ("lenet5_loss", NoRegGradient, "regularization gradient is missing from W1"),
        ("lenet5_loss", RegFactor, "wrong factor"),
        ("lenet5_loss", RegOnBiases, "biases are not regularized"),
    ]


def test_parameter_names_do_not_matter(capsys):
    checks.sgd_momentum(momentum_cfg_name)
    assert "✓ sgd_momentum" in capsys.readouterr().out
