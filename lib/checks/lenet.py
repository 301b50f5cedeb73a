"""Graded checks for assignment 05 (optimizers and LeNet-5).

Update rules run three steps with changing gradients, feeding the returned config back in, so
state that is not kept between steps (velocity, cache, moments, t) shows up as a difference.
Expected values come from `lib.optim` and `lib.models.lenet` through `expected`.
"""

from __future__ import annotations

import numpy as np

from .core import Check
from .expected import answer, reference

ref = reference("lib.optim")

__all__ = ["sgd_momentum", "rmsprop", "adam", "lenet5_loss"]


def _steps(rule, w, grads, config):
    """Run a rule over several gradients; returns the final w and config."""
    for g in grads:
        w, config = rule(w, g, config)
    return w, config


def _problem(seed=0):
    rng = np.random.default_rng(seed)
    w = rng.normal(size=(4, 5))
    grads = [rng.normal(size=(4, 5)) * s for s in (1.0, 0.5, 2.0)]
    return w, grads


def _run_student(c, w, grads, config):
    for g in grads:
        w, config = c.unpack(c.call(w, g, config, may_change=(2,)), ["next_w", "config"])
        if not isinstance(config, dict):
            c.fail("the second return value should be the config dict (with the updated state).")
    return w, config


def _variant(update):
    """A rule from a per-step function update(w, g, state, cfg) -> (w, state)."""

    def rule(w, g, config):
        state = config.setdefault("_state", {})
        w, config["_state"] = update(w, g, state, config)
        return w, config

    return rule


def sgd_momentum(fn) -> None:
    """Check `sgd_momentum(w, dw, config) -> (next_w, config)` with velocity kept in config."""
    c = Check("sgd_momentum", fn)
    w, grads = _problem(1)
    cfg = {"learning_rate": 0.1, "momentum": 0.9}
    expected, _ = _steps(ref.sgd_momentum, w, grads, dict(cfg))
    got, config = _run_student(c, w, grads, dict(cfg))
    plain = _steps(ref.sgd, w, grads, {"learning_rate": 0.1})[0]

    def wrong_sign(w_, g, s, k):  # v = mu v + lr dw; w + v: climbs the gradient
        v = 0.9 * s.get("v", 0) + 0.1 * g
        return w_ + v, {"v": v}

    wrong_sign = _steps(_variant(wrong_sign), w, grads, {})[0]
    c.close(
        got,
        expected,
        "next_w after three steps",
        mistakes=[
            (
                "the velocity is not kept between steps: store it in config['velocity'] and read it back "
                "next time (as it is, every step is plain SGD).",
                plain,
            ),
            ("the momentum update has the wrong sign: v = momentum * v - learning_rate * dw, then w + v.", wrong_sign),
        ],
    )
    c.require("velocity" in config, "config has no 'velocity' entry: keep the velocity in config['velocity'].")
    _, defaults = c.unpack(c.call(w, grads[0], None, may_change=(2,)), ["next_w", "config"])
    c.require(
        isinstance(defaults, dict) and defaults.get("momentum") == 0.9 and defaults.get("learning_rate") == 1e-2,
        "with config=None use CS231n's defaults: learning_rate 1e-2, momentum 0.9 (config.setdefault).",
    )
    c.done()


def rmsprop(fn) -> None:
    """Check `rmsprop(w, dw, config) -> (next_w, config)` with the squared-gradient cache in config."""
    c = Check("rmsprop", fn)
    w, grads = _problem(2)
    cfg = {"learning_rate": 0.01, "decay_rate": 0.9}
    expected, _ = _steps(ref.rmsprop, w, grads, dict(cfg))
    got, config = _run_student(c, w, grads, dict(cfg))

    def square_after(w_, g, s, k):  # averages dw, then squares the average
        m = 0.9 * s.get("m", 0) + 0.1 * g
        return w_ - 0.01 * g / (np.sqrt(m * m) + 1e-8), {"m": m}

    def no_sqrt(w_, g, s, k):
        cache = 0.9 * s.get("c", 0) + 0.1 * g * g
        return w_ - 0.01 * g / (cache + 1e-8), {"c": cache}

    def no_state(w_, g, s, k):
        return w_ - 0.01 * g / (np.sqrt(0.1 * g * g) + 1e-8), s

    c.close(
        got,
        expected,
        "next_w after three steps",
        nonfinite_hint="The square root of a negative number is NaN: the cache must average dw**2, "
        "the squared gradient.",
        mistakes=[
            (
                "the wrong term is squared: the cache is a running average of dw**2, "
                "cache = decay_rate * cache + (1 - decay_rate) * dw**2.",
                _steps(_variant(square_after), w, grads, {})[0],
            ),
            (
                "divide by the root of the cache: dw / (np.sqrt(cache) + epsilon).",
                _steps(_variant(no_sqrt), w, grads, {})[0],
            ),
            (
                "the cache is not kept between steps: store it in config['cache'].",
                _steps(_variant(no_state), w, grads, {})[0],
            ),
        ],
    )
    c.require("cache" in config, "config has no 'cache' entry: keep the running average in config['cache'].")
    c.done()


def adam(fn) -> None:
    """Check `adam(w, dw, config) -> (next_w, config)` with m, v, t in config and bias correction."""
    c = Check("adam", fn)
    w, grads = _problem(3)
    cfg = {"learning_rate": 0.01}
    expected, _ = _steps(ref.adam, w, grads, dict(cfg))
    got, config = _run_student(c, w, grads, dict(cfg))

    def no_correction(w_, g, s, k):
        m = 0.9 * s.get("m", 0) + 0.1 * g
        v = 0.999 * s.get("v", 0) + 0.001 * g * g
        return w_ - 0.01 * m / (np.sqrt(v) + 1e-8), {"m": m, "v": v}

    c.close(
        got,
        expected,
        "next_w after three steps",
        nonfinite_hint="Increment t before the bias correction: with t = 0, 1 - beta1**t is 0.",
        mistakes=[
            (
                "the bias correction is missing: divide m by (1 - beta1**t) and v by (1 - beta2**t), "
                "with t incremented first.",
                _steps(_variant(no_correction), w, grads, {})[0],
            )
        ],
    )
    c.require(config.get("t") == 3, f"config['t'] is {config.get('t')} after three steps; increment it once per step.")
    c.done()


@answer
def _reference_lenet_loss(params, X, y, reg):
    """The reference LeNet5.loss with the given parameters: scores when y is None, else (loss, grads)."""
    from ..models.lenet import LeNet5

    model = LeNet5(dtype=np.float64, reg=reg, seed=0)
    model.params = params
    return model.loss(X, y)


def lenet5_loss(cls) -> None:
    """Check a LeNet5 class's `loss(X, y=None)`: scores, loss and every gradient, with regularization."""
    c = Check("LeNet5.loss", cls)
    rng = np.random.default_rng(4)
    X, y = rng.normal(size=(3, 1, 28, 28)), np.array([1, 0, 7])
    student = cls(dtype=np.float64, reg=0.1, seed=5)  # __init__ comes from lib's LeNet5: it makes the parameters
    p = {k: np.array(v, dtype=np.float64) for k, v in student.params.items()}
    for k in sorted(p):  # non-zero biases, so that regularizing them would show
        if k.startswith("b"):
            p[k] = 0.1 * rng.normal(size=p[k].shape)
    student.params = {k: v.copy() for k, v in p.items()}
    scores = c.call_with(student.loss, X)
    c.close(scores, _reference_lenet_loss(p, X, None, 0.1), "the scores (loss called without y)")
    loss, grads = c.unpack(c.call_with(student.loss, X, y), ["loss", "grads"])
    ref_loss, ref_grads = _reference_lenet_loss(p, X, y, 0.1)
    data_loss, data_grads = _reference_lenet_loss(p, X, y, 0.0)
    reg_sum = sum(float(np.sum(p[k] ** 2)) for k in p if k.startswith("W"))
    c.close(
        loss,
        ref_loss,
        "the loss",
        mistakes=[
            ("the regularization term is missing: add reg * sum(W**2) over W1 ... W5.", data_loss),
            ("the regularization has a factor 1/2; this course uses reg * sum(W**2).", data_loss + 0.05 * reg_sum),
        ],
    )
    if not isinstance(grads, dict) or set(grads) != set(p):
        c.fail(
            f"grads should be a dict with the keys {sorted(p)}, "
            f"got {sorted(grads) if isinstance(grads, dict) else type(grads).__name__}"
        )
    for k in sorted(p):
        mistakes = []
        if k.startswith("W"):
            mistakes = [
                (f"the regularization gradient is missing from {k}: add 2 * reg * {k}.", data_grads[k]),
                (
                    f"the regularization gradient of {k} has the wrong factor: d/dW of reg * sum(W**2) is 2 * reg * W.",
                    data_grads[k] + 0.1 * p[k],
                ),
            ]
        else:
            mistakes = [(f"{k} is a bias: biases are not regularized.", data_grads[k] + 0.2 * p[k])]
        c.close(grads[k], ref_grads[k], f"grads['{k}']", mistakes=mistakes, rtol=1e-6, atol=1e-9)
    c.done()
