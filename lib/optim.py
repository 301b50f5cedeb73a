"""First-order update rules with CS231n's interface: ``next_w, config = rule(w, dw, config)``.

`config` holds the hyperparameters and any state the rule keeps between steps (velocity,
moment estimates); pass the returned config back in on the next step. Defaults are CS231n's.

Sources: Polyak (1964) momentum in the form of Sutskever et al. (2013); RMSprop from Hinton's
Coursera lecture 6e (2012); Adam from Kingma & Ba (2015), "Adam: A Method for Stochastic
Optimization", Algorithm 1, including its bias correction.
"""

from __future__ import annotations

import numpy as np


def _check(w, dw, name):
    if np.shape(w) != np.shape(dw):
        raise ValueError(f"{name}: dw has shape {np.shape(dw)} but w has shape {np.shape(w)}")


def sgd(w, dw, config=None):
    """Vanilla SGD: w - learning_rate * dw. config: learning_rate (1e-2)."""
    _check(w, dw, "sgd")
    config = {} if config is None else config
    config.setdefault("learning_rate", 1e-2)
    return w - config["learning_rate"] * dw, config


def sgd_momentum(w, dw, config=None):
    """SGD with momentum: v = momentum * v - learning_rate * dw; w + v.

    config: learning_rate (1e-2), momentum (0.9), velocity (zeros like w, kept between steps).
    """
    _check(w, dw, "sgd_momentum")
    config = {} if config is None else config
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    v = config.get("velocity", np.zeros_like(w))
    v = config["momentum"] * v - config["learning_rate"] * dw
    config["velocity"] = v
    return w + v, config


def rmsprop(w, dw, config=None):
    """RMSprop: a running mean of squared gradients scales each coordinate's step.

    cache = decay_rate * cache + (1 - decay_rate) * dw**2; w - learning_rate * dw / (sqrt(cache) + epsilon).
    config: learning_rate (1e-2), decay_rate (0.99), epsilon (1e-8), cache (zeros like w).
    """
    _check(w, dw, "rmsprop")
    config = {} if config is None else config
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("decay_rate", 0.99)
    config.setdefault("epsilon", 1e-8)
    cache = config.get("cache", np.zeros_like(w))
    cache = config["decay_rate"] * cache + (1 - config["decay_rate"]) * dw * dw
    config["cache"] = cache
    return w - config["learning_rate"] * dw / (np.sqrt(cache) + config["epsilon"]), config


def adam(w, dw, config=None):
    """Adam: momentum on the gradient (m) and RMSprop-style scaling (v), both bias-corrected.

    t += 1; m = beta1 m + (1 - beta1) dw; v = beta2 v + (1 - beta2) dw**2;
    w - learning_rate * (m / (1 - beta1**t)) / (sqrt(v / (1 - beta2**t)) + epsilon).
    config: learning_rate (1e-3), beta1 (0.9), beta2 (0.999), epsilon (1e-8), m, v (zeros), t (0).
    """
    _check(w, dw, "adam")
    config = {} if config is None else config
    config.setdefault("learning_rate", 1e-3)
    config.setdefault("beta1", 0.9)
    config.setdefault("beta2", 0.999)
    config.setdefault("epsilon", 1e-8)
    config.setdefault("m", np.zeros_like(w))
    config.setdefault("v", np.zeros_like(w))
    config.setdefault("t", 0)
    b1, b2 = config["beta1"], config["beta2"]
    config["t"] += 1
    config["m"] = b1 * config["m"] + (1 - b1) * dw
    config["v"] = b2 * config["v"] + (1 - b2) * dw * dw
    m_hat = config["m"] / (1 - b1 ** config["t"])
    v_hat = config["v"] / (1 - b2 ** config["t"])
    return w - config["learning_rate"] * m_hat / (np.sqrt(v_hat) + config["epsilon"]), config


def clip_grad_norm(grads: dict, max_norm: float):
    """Rescale a whole set of gradients so that their joint L2 norm is at most max_norm.

    grads: {name: array} (any shapes). The total norm is sqrt(sum over all arrays of sum(g**2)),
    the norm of all gradients concatenated into one vector. If it exceeds max_norm, every array
    is multiplied by the same factor max_norm / total_norm, so the update keeps its direction;
    otherwise the gradients are returned unchanged. The input dict and arrays are not modified.
    Returns (clipped: dict of new arrays, same keys and shapes; total_norm: float, before clipping).
    Raises ValueError if max_norm <= 0.
    Source: Pascanu, Mikolov & Bengio (2013), "On the difficulty of training recurrent neural
    networks", Algorithm 1 (PyTorch's torch.nn.utils.clip_grad_norm_ does the same in place).
    """
    if not max_norm > 0:
        raise ValueError(f"max_norm must be > 0, got {max_norm}")
    total = float(np.sqrt(sum(float(np.sum(np.square(g, dtype=np.float64))) for g in grads.values())))
    scale = max_norm / total if total > max_norm else 1.0
    return {k: g * scale if scale != 1.0 else g.copy() for k, g in grads.items()}, total


def cosine_lr(it: int, total: int, lr_max: float, warmup: int = 0) -> float:
    """Learning rate of iteration `it` (0-based) of `total`: a linear warmup, then cosine annealing.

    For it < warmup: lr_max * (it + 1) / warmup (so iteration warmup - 1 reaches lr_max).
    After that, with progress = (it - warmup) / (total - warmup) running from 0 towards 1:
    lr_max * (1 + cos(pi * progress)) / 2, falling from lr_max towards 0.
    Raises ValueError unless 0 <= warmup < total and 0 <= it < total.
    Sources: Loshchilov & Hutter (2017), "SGDR: Stochastic Gradient Descent with Warm Restarts",
    eq. 5 (one cycle, eta_min = 0); Goyal et al. (2017), "Accurate, Large Minibatch SGD", section
    2.2 (gradual warmup).
    """
    if not 0 <= warmup < total:
        raise ValueError(f"warmup must be in [0, total) = [0, {total}), got {warmup}")
    if not 0 <= it < total:
        raise ValueError(f"it must be in [0, total) = [0, {total}), got {it}")
    if it < warmup:
        return lr_max * (it + 1) / warmup
    progress = (it - warmup) / (total - warmup)
    return lr_max * (1 + float(np.cos(np.pi * progress))) / 2
