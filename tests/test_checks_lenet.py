"""Checks of assignment 05: the reference passes; stubs and typical mistakes are named; correct
implementations written otherwise (other parameter names, incremental averages, a new config
dict, float64 arithmetic inside a float32 model) pass."""

import math

import numpy as np
from check_harness import CheckTests

import lib.checks.lenet as module
from lib import layers, optim
from lib.layer_utils import affine_relu_backward, affine_relu_forward, conv_relu_pool_backward, conv_relu_pool_forward
from lib.models import LeNet5
from lib.models.lenet import CONV1, CONV2, POOL


# -- wrong update rules ----------------------------------------------------------------------------
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


def momentum_fixed_mu(w, dw, config=None):
    config = config if config is not None else {}
    config.setdefault("learning_rate", 1e-2)
    v = 0.9 * config.get("velocity", np.zeros_like(w)) - config["learning_rate"] * dw
    config["velocity"] = v
    return w + v, config


def momentum_fixed_lr(w, dw, config=None):
    config = config if config is not None else {}
    config.setdefault("momentum", 0.9)
    v = config["momentum"] * config.get("velocity", np.zeros_like(w)) - 1e-2 * dw
    config["velocity"] = v
    return w + v, config


def momentum_wrong_default(w, dw, config=None):
    config = config if config is not None else {}
    config.setdefault("learning_rate", 1e-3)
    return optim.sgd_momentum(w, dw, config)


def momentum_velocity_key(w, dw, config=None):
    config = config if config is not None else {}
    lr, mu = config.setdefault("learning_rate", 1e-2), config.setdefault("momentum", 0.9)
    v = mu * config.get("v", np.zeros_like(w)) - lr * dw
    config["v"] = v
    return w + v, config


def _rmsprop(cache_rule, step_rule, defaults=(1e-2, 0.99, 1e-8)):
    """An RMSprop from a cache update (cache, dw, decay) and a step (lr, dw, cache, eps)."""

    def rule(w, dw, config=None):
        config = config if config is not None else {}
        lr = config.setdefault("learning_rate", defaults[0])
        dr = config.setdefault("decay_rate", defaults[1])
        eps = config.setdefault("epsilon", defaults[2])
        cache = cache_rule(config.get("cache", np.zeros_like(w)), dw, dr)
        config["cache"] = cache
        return w - step_rule(lr, dw, cache, eps), config

    return rule


def rmsprop_squares_wrong_term(w, dw, config=None):  # a running average of dw, squared afterwards
    config = config if config is not None else {}
    lr, dr, eps = (
        config.setdefault("learning_rate", 1e-2),
        config.setdefault("decay_rate", 0.99),
        config.setdefault("epsilon", 1e-8),
    )
    m = dr * config.get("cache", np.zeros_like(w)) + (1 - dr) * dw
    config["cache"] = m
    return w - lr * dw / (np.sqrt(m * m) + eps), config


rmsprop_no_sqrt = _rmsprop(lambda c, g, dr: dr * c + (1 - dr) * g * g, lambda lr, g, c, e: lr * g / (c + e))
rmsprop_eps_minus = _rmsprop(lambda c, g, dr: dr * c + (1 - dr) * g * g, lambda lr, g, c, e: lr * g / (np.sqrt(c) - e))
rmsprop_eps_inside = _rmsprop(lambda c, g, dr: dr * c + (1 - dr) * g * g, lambda lr, g, c, e: lr * g / np.sqrt(c + e))
rmsprop_fixed_eps = _rmsprop(
    lambda c, g, dr: dr * c + (1 - dr) * g * g, lambda lr, g, c, e: lr * g / (np.sqrt(c) + 1e-8)
)
rmsprop_weights_swapped = _rmsprop(
    lambda c, g, dr: (1 - dr) * c + dr * g * g, lambda lr, g, c, e: lr * g / (np.sqrt(c) + e)
)
rmsprop_wrong_default = _rmsprop(
    lambda c, g, dr: dr * c + (1 - dr) * g * g, lambda lr, g, c, e: lr * g / (np.sqrt(c) + e), (1e-2, 0.9, 1e-8)
)


def _adam(step, defaults=(1e-3, 0.9, 0.999, 1e-8), t_first=True):
    """An Adam whose last line is step(lr, m, v, t, b1, b2, eps)."""

    def rule(w, dw, config=None):
        config = config if config is not None else {}
        for key, value in zip(("learning_rate", "beta1", "beta2", "epsilon"), defaults):
            config.setdefault(key, value)
        b1, b2 = config["beta1"], config["beta2"]
        t = config.get("t", 0) + (1 if t_first else 0)
        m = b1 * config.get("m", np.zeros_like(w)) + (1 - b1) * dw
        v = b2 * config.get("v", np.zeros_like(w)) + (1 - b2) * dw * dw
        with np.errstate(all="ignore"):
            next_w = w - step(config["learning_rate"], m, v, t, b1, b2, config["epsilon"])
        config.update(m=m, v=v, t=t if t_first else t + 1)
        return next_w, config

    return rule


def _adam_step(lr, m, v, t, b1, b2, eps):
    return lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps)


adam_no_bias_correction = _adam(lambda lr, m, v, t, b1, b2, eps: lr * m / (np.sqrt(v) + eps))


def adam_no_state(w, dw, config=None):
    config = config if config is not None else {}
    lr = config.setdefault("learning_rate", 1e-3)
    t = config["t"] = config.get("t", 0) + 1
    m, v = 0.1 * dw, 0.001 * dw * dw  # from zero every step
    config.update(m=m, v=v)
    return w - _adam_step(lr, m, v, t, 0.9, 0.999, 1e-8), config


adam_beta1_for_v = _adam(lambda lr, m, v, t, b1, b2, eps: lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b1**t)) + eps))
adam_t_after = _adam(_adam_step, t_first=False)
adam_eps_minus = _adam(lambda lr, m, v, t, b1, b2, eps: lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) - eps))
adam_eps_inside = _adam(lambda lr, m, v, t, b1, b2, eps: lr * (m / (1 - b1**t)) / np.sqrt(v / (1 - b2**t) + eps))
adam_efficient_form = _adam(
    lambda lr, m, v, t, b1, b2, eps: lr * np.sqrt(1 - b2**t) / (1 - b1**t) * m / (np.sqrt(v) + eps)
)


def adam_fixed_betas(w, dw, config=None):
    config = config if config is not None else {}
    lr, eps = config.setdefault("learning_rate", 1e-3), config.setdefault("epsilon", 1e-8)
    t = config["t"] = config.get("t", 0) + 1
    m = config["m"] = 0.9 * config.get("m", 0.0) + 0.1 * dw
    v = config["v"] = 0.999 * config.get("v", 0.0) + 0.001 * dw * dw
    return w - _adam_step(lr, m, v, t, 0.9, 0.999, eps), config


adam_wrong_default = _adam(_adam_step, defaults=(1e-2, 0.9, 0.999, 1e-8))


# -- wrong LeNet5 losses -----------------------------------------------------------------------------
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


class RegOnBiasesInLoss(LeNet5):
    def loss(self, X, y=None):
        if y is None:
            return super().loss(X)
        loss, grads = super().loss(X, y)
        return loss + self.reg * sum(float(np.sum(self.params[k] ** 2)) for k in self.params if k[0] == "b"), grads


class RegMissesW5(LeNet5):
    def loss(self, X, y=None):
        if y is None:
            return super().loss(X)
        loss, grads = super().loss(X, y)
        return loss - self.reg * float(np.sum(self.params["W5"] ** 2)), grads


class Float64Gradients(LeNet5):
    """Upcasts dscores to float64 (astype(float)): a float32 model gets float64 gradients."""

    def loss(self, X, y=None):
        if y is None:
            return super().loss(X)
        dtype, self.dtype = self.dtype, np.float64
        try:
            return super().loss(X.astype(dtype), y)
        finally:
            self.dtype = dtype


class StubLeNet5(LeNet5):
    def loss(self, X, y=None):
        raise NotImplementedError()


# -- correct implementations written otherwise -------------------------------------------------------
def momentum_cfg_name(w, dw, cfg=None):  # a different parameter name still works
    return optim.sgd_momentum(w, dw, cfg)


def momentum_new_dict(w, dw, config=None):
    """Returns a new config instead of changing the one it was given; the step written out."""
    config = {"learning_rate": 1e-2, "momentum": 0.9, **(config or {})}
    v_old = config.get("velocity", 0.0)
    next_w = w + config["momentum"] * v_old - config["learning_rate"] * dw
    return next_w, {**config, "velocity": next_w - w}


def rmsprop_incremental(w, dw, config=None):
    """cache += (1 - decay) (dw**2 - cache): the same running average, written as an increment."""
    config = config if config is not None else {}
    for key, value in (("learning_rate", 1e-2), ("decay_rate", 0.99), ("epsilon", 1e-8)):
        if key not in config:
            config[key] = value
    cache = config.get("cache", np.zeros_like(w))
    cache = cache + (1 - config["decay_rate"]) * (np.square(dw) - cache)
    config["cache"] = cache
    return w - config["learning_rate"] * dw / (np.sqrt(cache) + config["epsilon"]), config


def rmsprop_named_args(weights, grad, cfg=None):
    cfg = dict(learning_rate=1e-2, decay_rate=0.99, epsilon=1e-8) | (cfg or {})
    cache = cfg["decay_rate"] * cfg.get("cache", 0.0) + (1 - cfg["decay_rate"]) * grad**2
    cfg["cache"] = cache
    return weights - cfg["learning_rate"] * grad / (cache**0.5 + cfg["epsilon"]), cfg


def adam_incremental(w, dw, config=None):
    config = config if config is not None else {}
    lr, b1, b2, eps = (
        config.setdefault(k, v)
        for k, v in zip(("learning_rate", "beta1", "beta2", "epsilon"), (1e-3, 0.9, 0.999, 1e-8))
    )
    t = config["t"] = config.get("t", 0) + 1
    m = config.get("m", np.zeros_like(w))
    v = config.get("v", np.zeros_like(w))
    m = m + (1 - b1) * (dw - m)
    v = v + (1 - b2) * (dw**2 - v)
    config["m"], config["v"] = m, v
    return w - lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps), config


def adam_new_dict(w, dw, config=None):
    c = {"learning_rate": 1e-3, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8, "m": 0.0, "v": 0.0, "t": 0}
    c.update(config or {})
    t = c["t"] + 1
    m = c["beta1"] * c["m"] + (1 - c["beta1"]) * dw
    v = c["beta2"] * c["v"] + (1 - c["beta2"]) * dw * dw
    m_hat, v_hat = m / (1 - c["beta1"] ** t), v / (1 - c["beta2"] ** t)
    return w - c["learning_rate"] * m_hat / (np.sqrt(v_hat) + c["epsilon"]), {**c, "m": m, "v": v, "t": t}


class LayerByLayer(LeNet5):
    """Every layer called on its own through self.layers, ReLU and the softmax written out, the
    penalty with np.vdot."""

    def loss(self, X, y=None):
        p, L = self.params, self.layers
        X = X.astype(self.dtype, copy=False)
        caches, a = [], X
        for i in (1, 2):
            c, cc = L.conv_forward(a, p[f"W{i}"], p[f"b{i}"], CONV1 if i == 1 else CONV2)
            r, rc = (np.maximum(c, 0), c)
            a, pc = L.max_pool_forward(r, POOL)
            caches.append((cc, rc, pc))
        h3, c3 = L.affine_forward(a, p["W3"], p["b3"])
        a3 = np.maximum(h3, 0)
        h4, c4 = L.affine_forward(a3, p["W4"], p["b4"])
        a4 = np.maximum(h4, 0)
        scores, c5 = L.affine_forward(a4, p["W5"], p["b5"])
        if y is None:
            return scores
        N = len(X)
        z = scores - scores.max(axis=1, keepdims=True)
        prob = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
        loss = float(-np.log(prob[np.arange(N), y]).mean())
        dscores = prob.copy()
        dscores[np.arange(N), y] -= 1
        dscores /= N
        grads = {}
        d, grads["W5"], grads["b5"] = L.affine_backward(dscores, c5)
        d, grads["W4"], grads["b4"] = L.affine_backward(d * (h4 > 0), c4)
        d, grads["W3"], grads["b3"] = L.affine_backward(d * (h3 > 0), c3)
        for i in (2, 1):
            cc, rc, pc = caches[i - 1]
            d = L.max_pool_backward(d, pc) * (rc > 0)
            d, grads[f"W{i}"], grads[f"b{i}"] = L.conv_backward(d, cc)
        for k in grads:
            if k.startswith("W"):
                loss += self.reg * float(np.vdot(p[k], p[k]))
                grads[k] = grads[k] + self.reg * (p[k] + p[k])
        return loss, grads


class DirectFastLayers(LeNet5):
    """The right numbers from the fast layers called directly, not through self.layers."""

    def loss(self, X, y=None):
        p = self.params
        X = X.astype(self.dtype, copy=False)
        a1, c1 = conv_relu_pool_forward(X, p["W1"], p["b1"], CONV1, POOL)
        a2, c2 = conv_relu_pool_forward(a1, p["W2"], p["b2"], CONV2, POOL)
        a3, c3 = affine_relu_forward(a2, p["W3"], p["b3"])
        a4, c4 = affine_relu_forward(a3, p["W4"], p["b4"])
        scores, c5 = layers.affine_forward(a4, p["W5"], p["b5"])
        if y is None:
            return scores
        loss, dscores = layers.softmax_loss(scores, y)
        grads = {}
        da4, grads["W5"], grads["b5"] = layers.affine_backward(dscores.astype(self.dtype), c5)
        da3, grads["W4"], grads["b4"] = affine_relu_backward(da4, c4)
        da2, grads["W3"], grads["b3"] = affine_relu_backward(da3, c3)
        da1, grads["W2"], grads["b2"] = conv_relu_pool_backward(da2, c2)
        _, grads["W1"], grads["b1"] = conv_relu_pool_backward(da1, c1)
        for k in ("W1", "W2", "W3", "W4", "W5"):
            loss += self.reg * float(np.sum(p[k] * p[k]))
            grads[k] = grads[k] + 2 * self.reg * p[k]
        return float(loss), grads


class Float64Inside(LeNet5):
    """Computes in float64 and hands back scores and gradients in the model's dtype."""

    def loss(self, X, y=None):
        wide = LeNet5(dtype=np.float64, reg=self.reg, layers=self.layers)
        wide.params = {k: v.astype(np.float64) for k, v in self.params.items()}
        if y is None:
            return wide.loss(X.astype(np.float64)).astype(self.dtype)
        loss, grads = wide.loss(X.astype(np.float64), y)
        return loss, {k: g.astype(self.dtype) for k, g in grads.items()}


def clip_per_array(grads, max_norm):
    norms = {k: np.linalg.norm(g) for k, g in grads.items()}
    return {k: g * min(1.0, max_norm / norms[k]) for k, g in grads.items()}, float(
        np.sqrt(sum(n**2 for n in norms.values()))
    )


def clip_entries(grads, max_norm):
    total = float(np.sqrt(sum(np.sum(g * g) for g in grads.values())))
    return {k: np.clip(g, -max_norm, max_norm) for k, g in grads.items()}, total


def clip_always(grads, max_norm):
    total = float(np.sqrt(sum(np.sum(g * g) for g in grads.values())))
    return {k: g * max_norm / total for k, g in grads.items()}, total


def clip_norm_after(grads, max_norm):
    clipped, _ = optim.clip_grad_norm(grads, max_norm)
    return clipped, float(np.sqrt(sum(np.sum(g * g) for g in clipped.values())))


def clip_sum_of_norms(grads, max_norm):
    total = float(sum(np.linalg.norm(g) for g in grads.values()))
    scale = min(1.0, max_norm / total)
    return {k: g * scale for k, g in grads.items()}, total


def clip_in_place(grads, max_norm):
    total = float(np.sqrt(sum(np.sum(g * g) for g in grads.values())))
    for g in grads.values():
        g *= min(1.0, max_norm / total)  # like PyTorch's clip_grad_norm_, but the caller's arrays change
    return grads, total


def clip_flat(grads, max_norm):
    flat = np.concatenate([g.ravel() for g in grads.values()])
    total = np.linalg.norm(flat)
    factor = max_norm / max(total, max_norm)
    return {k: factor * g for k, g in grads.items()}, total


def clip_norm_of_norms(grads, max_norm):
    total = np.linalg.norm([np.linalg.norm(g) for g in grads.values()])
    out = {}
    for k, g in grads.items():
        out[k] = g / (total / max_norm) if total > max_norm else np.array(g)
    return out, float(total)


def _cosine_variant(half=True, start_at_zero=False, progress_over_total=False, no_warmup=False, rising=False):
    def cosine_lr(it, total, lr_max, warmup=0):
        if it < warmup and not no_warmup:
            return lr_max * (it if start_at_zero else it + 1) / warmup
        progress = it / total if progress_over_total else (it - warmup) / (total - warmup)
        sign = -1 if rising else 1
        return lr_max * (1 + sign * math.cos(math.pi * progress)) / (2 if half else 1)

    return cosine_lr


def cosine_degrees(it, total, lr_max, warmup=0):
    if it < warmup:
        return lr_max * (it + 1) / warmup
    return lr_max * (1 + math.cos(math.radians((it - warmup) / (total - warmup)))) / 2


def cosine_warmup_1(it, total, lr_max, warmup=1):
    return optim.cosine_lr(it, total, lr_max, warmup)


def cosine_sin_squared(it, total, lr_max, warmup=0):
    if it < warmup:
        return lr_max * (it + 1) / warmup
    return lr_max * math.cos(math.pi * (it - warmup) / (total - warmup) / 2) ** 2  # (1 + cos 2a) / 2 = cos^2 a


def cosine_table(it, total, lr_max, warmup=0):
    ramp = np.linspace(lr_max / max(warmup, 1), lr_max, warmup)
    rest = lr_max * (1 + np.cos(np.pi * np.arange(total - warmup) / (total - warmup))) / 2
    return float(np.concatenate([ramp, rest])[it])


class TestChecks(CheckTests):
    module = module
    references = {
        "sgd_momentum": optim.sgd_momentum,
        "rmsprop": optim.rmsprop,
        "adam": optim.adam,
        "clip_grad_norm": optim.clip_grad_norm,
        "cosine_lr": optim.cosine_lr,
        "lenet5_loss": LeNet5,
    }
    stubs = {"lenet5_loss": StubLeNet5}
    mistakes = [
        ("lenet5_loss", DirectFastLayers, "through self.layers"),
        ("cosine_lr", _cosine_variant(half=False), "missing its 1/2"),
        ("cosine_lr", _cosine_variant(start_at_zero=True), "warmup starts at 0"),
        ("cosine_lr", _cosine_variant(progress_over_total=True), "after the warmup"),
        ("cosine_lr", _cosine_variant(no_warmup=True), "warmup was ignored"),
        ("cosine_lr", _cosine_variant(rising=True), "not rise"),
        ("cosine_lr", cosine_degrees, "radians"),
        ("cosine_lr", cosine_warmup_1, "default warmup=0"),
        ("clip_grad_norm", clip_per_array, "clipped by its own norm"),
        ("clip_grad_norm", clip_entries, "np.clip"),
        ("clip_grad_norm", clip_always, "already below max_norm"),
        ("clip_grad_norm", clip_norm_after, "norm before clipping"),
        ("clip_grad_norm", clip_sum_of_norms, "sum of the arrays' norms"),
        ("clip_grad_norm", clip_in_place, "in place"),
        ("sgd_momentum", momentum_wrong_sign, "wrong sign"),
        ("sgd_momentum", momentum_no_state, "velocity is not kept between steps"),
        ("sgd_momentum", momentum_fixed_mu, r"config\['momentum'\] \(here 0.5\) was not used"),
        ("sgd_momentum", momentum_fixed_lr, r"config\['learning_rate'\] \(here 0.1\) was not used"),
        ("sgd_momentum", momentum_wrong_default, r"config \{momentum: 0.5\} config holds \{'learning_rate': 0.001\}"),
        ("sgd_momentum", momentum_velocity_key, "config has no 'velocity' entry"),
        ("rmsprop", rmsprop_squares_wrong_term, "wrong term is squared"),
        ("rmsprop", rmsprop_no_sqrt, "root of the cache"),
        ("rmsprop", rmsprop_eps_minus, r"next_w after three steps with config \{.*epsilon: 0.3\} is wrong"),
        ("rmsprop", rmsprop_eps_inside, r"epsilon \(here 0.3\) belongs outside the root"),
        ("rmsprop", rmsprop_fixed_eps, r"config\['epsilon'\] \(here 0.3\) was not used"),
        ("rmsprop", rmsprop_weights_swapped, "weights of the running average are swapped"),
        (
            "rmsprop",
            rmsprop_wrong_default,
            r"config=None .*holds \{'decay_rate': 0.9\}",
        ),
        ("adam", adam_no_bias_correction, "bias correction is missing"),
        ("adam", adam_no_state, "m and v are not kept between steps"),
        ("adam", adam_beta1_for_v, "v's bias correction uses beta1"),
        ("adam", adam_t_after, "Increment t before the bias correction"),
        ("adam", adam_eps_minus, r"next_w after three steps with config \{.*epsilon: 0.3\} is wrong"),
        ("adam", adam_eps_inside, r"epsilon \(here 0.3\) belongs outside the root"),
        ("adam", adam_efficient_form, "added before v's bias correction"),
        ("adam", adam_fixed_betas, r"config\['beta1'\] \(here 0.5\), config\['beta2'\] \(here 0.8\) were not used"),
        ("adam", adam_wrong_default, r"config=None .*holds \{'learning_rate': 0.01\}"),
        ("lenet5_loss", NoRegGradient, "regularization gradient is missing from W1"),
        ("lenet5_loss", RegFactor, "wrong factor"),
        ("lenet5_loss", RegOnBiases, "biases are not regularized"),
        ("lenet5_loss", RegOnBiasesInLoss, "loss is wrong: the biases are regularized too"),
        ("lenet5_loss", RegMissesW5, "W5 is missing from the regularization term"),
        ("lenet5_loss", Float64Gradients, r"grads\['W1'\] of a float32 model is float64"),
    ]
    alternatives = [
        ("cosine_lr", cosine_sin_squared),
        ("cosine_lr", cosine_table),
        ("clip_grad_norm", clip_flat),
        ("clip_grad_norm", clip_norm_of_norms),
        ("sgd_momentum", momentum_cfg_name),
        ("sgd_momentum", momentum_new_dict),
        ("rmsprop", rmsprop_incremental),
        ("rmsprop", rmsprop_named_args),
        ("adam", adam_incremental),
        ("adam", adam_new_dict),
        ("lenet5_loss", LayerByLayer),
        ("lenet5_loss", Float64Inside),
    ]
