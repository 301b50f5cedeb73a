"""Graded checks for assignment 05 (optimizers and LeNet-5).

Update rules run three steps with changing gradients, feeding the returned config back in, so
state that is not kept between steps (velocity, cache, moments, t) shows up as a difference. Each
rule runs with config=None (its documented defaults), with a config that sets only some
hyperparameters, and with one that sets them far from the defaults (an epsilon large enough to
matter), so a fixed constant in place of a config entry shows. The state it keeps is compared
too. LeNet-5's loss is checked in float64 (exact gradients) and in float32 (the dtype it trains in).
Expected values come from `lib.optim` and `lib.models.lenet` through `expected`.
"""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np

from .core import Check, distinct
from .expected import answer, reference

ref = reference("lib.optim")

__all__ = ["sgd_momentum", "rmsprop", "adam", "clip_grad_norm", "cosine_lr", "lenet5_loss"]


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


def _variant(update, w, grads, hp):
    """Final w of a (typically wrong) rule given as one step update(w, g, state, hp) -> (w, state)."""
    state = {}
    for g in grads:
        w, state = update(w, g, state, hp)
    return w


def _describe(cfg) -> str:
    if cfg is None:
        return "config=None (the defaults)"
    return "config {" + ", ".join(f"{k}: {v:g}" for k, v in cfg.items()) + "}"


def _is_number(value, number) -> bool:
    """True if a config entry holds the given number (a float, or an array of one value)."""
    try:
        return bool(np.shape(value) == () and float(value) == number)
    except (TypeError, ValueError):
        return False


def _fixed(hp, defaults, rule, w, grads):
    """Mistakes of a rule that uses fixed numbers instead of config entries: for every set of the
    entries the case sets away from their defaults, the result of the defaults in their place."""
    changed = [key for key, value in hp.items() if value != defaults[key]]
    out = []
    for r in range(1, len(changed) + 1):
        for keys in itertools.combinations(changed, r):
            names = ", ".join(f"config['{k}'] (here {hp[k]:g})" for k in keys)
            out.append(
                (
                    f"{names} {'was' if r == 1 else 'were'} not used: read every hyperparameter from config "
                    f"instead of a fixed number (setdefault supplies the default only when it is missing).",
                    _steps(rule, w, grads, dict(hp, **{k: defaults[k] for k in keys}))[0],
                )
            )
    return out


def _check_rule(c, rule, cases, defaults, mistakes, state, nonfinite_hint=""):
    """Run the student's update rule on each (config, seed) case and compare with the reference.

    defaults: the documented hyperparameters; mistakes(w, grads, hp) -> [(message, final w)]
    with hp the hyperparameters in effect; state: the config entries the rule keeps between steps.
    A rule may leave the defaults out of config, but what it stores must be the value in effect.
    """
    for cfg, seed in cases:
        w, grads = _problem(seed)
        what = _describe(cfg)
        hp = dict(defaults, **(cfg or {}))
        _, first = c.unpack(
            c.call(w, grads[0], None if cfg is None else dict(cfg), may_change=(2,)), ["next_w", "config"]
        )
        if not isinstance(first, dict):
            c.fail("the second return value should be the config dict (with the updated state).")
        wrong = {k: first[k] for k in hp if k in first and not _is_number(first[k], hp[k])}
        c.require(
            not wrong,
            f"after a step with {what} config holds {wrong}: keep the values given and use the documented "
            f"defaults {defaults} for the others (config.setdefault).",
        )
        expected, expected_config = _steps(rule, w, grads, None if cfg is None else dict(cfg))
        got, config = _run_student(c, w, grads, None if cfg is None else dict(cfg))
        missing = [k for k in defaults if cfg is None or k not in cfg]
        c.close(
            got,
            expected,
            f"next_w after three steps with {what}",
            mistakes=mistakes(w, grads, hp) + _fixed(hp, defaults, rule, w, grads),
            nonfinite_hint=nonfinite_hint,
            hint="Entries config lacks take their documented defaults: "
            + ", ".join(f"{k} {defaults[k]:g}" for k in missing)
            + "."
            if missing
            else "",
        )
        for key in state:
            if key not in config:
                c.fail(f"config has no '{key}' entry: keep the state between steps in config['{key}'].")
            c.close(config[key], expected_config[key], f"config['{key}'] after three steps with {what}")


# -- update rules ------------------------------------------------------------------------------
_MOMENTUM_DEFAULTS = {"learning_rate": 1e-2, "momentum": 0.9}


def _momentum_mistakes(w, grads, hp):
    lr, mu = hp["learning_rate"], hp["momentum"]

    def wrong_sign(w_, g, s, hp):  # v = mu v + lr dw; w + v: climbs the gradient
        v = mu * s.get("v", 0) + lr * g
        return w_ + v, {"v": v}

    def no_state(w_, g, s, hp):  # the velocity starts from zero every step: plain SGD
        return w_ - lr * g, s

    return [
        (
            "the velocity is not kept between steps: store it in config['velocity'] and read it back "
            "next time (as it is, every step is plain SGD).",
            _variant(no_state, w, grads, hp),
        ),
        (
            "the momentum update has the wrong sign: v = momentum * v - learning_rate * dw, then w + v.",
            _variant(wrong_sign, w, grads, hp),
        ),
    ]


def sgd_momentum(fn) -> None:
    """Check `sgd_momentum(w, dw, config) -> (next_w, config)` with velocity kept in config."""
    c = Check("sgd_momentum", fn)
    cases = [({"learning_rate": 0.1, "momentum": 0.9}, 1), ({"momentum": 0.5}, 4), (None, 5)]
    _check_rule(c, ref.sgd_momentum, cases, _MOMENTUM_DEFAULTS, _momentum_mistakes, ["velocity"])
    c.done()


_RMSPROP_DEFAULTS = {"learning_rate": 1e-2, "decay_rate": 0.99, "epsilon": 1e-8}


def _rmsprop_mistakes(w, grads, hp):
    lr, dr, eps = hp["learning_rate"], hp["decay_rate"], hp["epsilon"]

    def square_after(w_, g, s, hp):  # averages dw, then squares the average
        m = dr * s.get("m", 0) + (1 - dr) * g
        return w_ - lr * g / (np.sqrt(m * m) + eps), {"m": m}

    def no_sqrt(w_, g, s, hp):
        cache = dr * s.get("c", 0) + (1 - dr) * g * g
        return w_ - lr * g / (cache + eps), {"c": cache}

    def no_state(w_, g, s, hp):
        return w_ - lr * g / (np.sqrt((1 - dr) * g * g) + eps), s

    def eps_inside(w_, g, s, hp):
        cache = dr * s.get("c", 0) + (1 - dr) * g * g
        return w_ - lr * g / np.sqrt(cache + eps), {"c": cache}

    def weights_swapped(w_, g, s, hp):
        cache = (1 - dr) * s.get("c", 0) + dr * g * g
        return w_ - lr * g / (np.sqrt(cache) + eps), {"c": cache}

    return [
        (
            "the wrong term is squared: the cache is a running average of dw**2, "
            "cache = decay_rate * cache + (1 - decay_rate) * dw**2.",
            _variant(square_after, w, grads, hp),
        ),
        ("divide by the root of the cache: dw / (np.sqrt(cache) + epsilon).", _variant(no_sqrt, w, grads, hp)),
        ("the cache is not kept between steps: store it in config['cache'].", _variant(no_state, w, grads, hp)),
        (
            f"epsilon (here {eps:g}) belongs outside the root: dw / (np.sqrt(cache) + epsilon).",
            _variant(eps_inside, w, grads, hp),
        ),
        (
            f"the weights of the running average are swapped (decay_rate is {dr:g}): "
            "cache = decay_rate * cache + (1 - decay_rate) * dw**2.",
            _variant(weights_swapped, w, grads, hp),
        ),
    ]


def rmsprop(fn) -> None:
    """Check `rmsprop(w, dw, config) -> (next_w, config)` with the squared-gradient cache in config."""
    c = Check("rmsprop", fn)
    cases = [
        ({"learning_rate": 0.01, "decay_rate": 0.9}, 2),
        ({"learning_rate": 0.05, "decay_rate": 0.7, "epsilon": 0.3}, 6),
        (None, 7),
    ]
    _check_rule(
        c,
        ref.rmsprop,
        cases,
        _RMSPROP_DEFAULTS,
        _rmsprop_mistakes,
        ["cache"],
        nonfinite_hint="The square root of a negative number is NaN: the cache must average dw**2, "
        "the squared gradient.",
    )
    c.done()


_ADAM_DEFAULTS = {"learning_rate": 1e-3, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8}


def _adam_mistakes(w, grads, hp):
    lr, b1, b2, eps = hp["learning_rate"], hp["beta1"], hp["beta2"], hp["epsilon"]

    def moments(g, s):
        t = s.get("t", 0) + 1
        return t, b1 * s.get("m", 0) + (1 - b1) * g, b2 * s.get("v", 0) + (1 - b2) * g * g

    def no_correction(w_, g, s, hp):
        t, m, v = moments(g, s)
        return w_ - lr * m / (np.sqrt(v) + eps), {"m": m, "v": v, "t": t}

    def eps_inside(w_, g, s, hp):
        t, m, v = moments(g, s)
        return w_ - lr * (m / (1 - b1**t)) / np.sqrt(v / (1 - b2**t) + eps), {"m": m, "v": v, "t": t}

    def beta1_for_v(w_, g, s, hp):  # v corrected with beta1
        t, m, v = moments(g, s)
        return w_ - lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b1**t)) + eps), {"m": m, "v": v, "t": t}

    def no_state(w_, g, s, hp):  # m and v start from zero every step; t is kept
        t, m, v = moments(g, {"t": s.get("t", 0)})
        return w_ - lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps), {"t": t}

    def eps_before_correction(w_, g, s, hp):  # Kingma & Ba's "efficient" form, whose epsilon is another one
        t, m, v = moments(g, s)
        step = lr * np.sqrt(1 - b2**t) / (1 - b1**t)
        return w_ - step * m / (np.sqrt(v) + eps), {"m": m, "v": v, "t": t}

    return [
        (
            "the bias correction is missing: divide m by (1 - beta1**t) and v by (1 - beta2**t), "
            "with t incremented first.",
            _variant(no_correction, w, grads, hp),
        ),
        (
            "v's bias correction uses beta1: divide v by (1 - beta2**t), m by (1 - beta1**t).",
            _variant(beta1_for_v, w, grads, hp),
        ),
        (
            "m and v are not kept between steps: store them in config['m'] and config['v'] and start from "
            "them next time.",
            _variant(no_state, w, grads, hp),
        ),
        (
            f"epsilon (here {eps:g}) belongs outside the root: m_hat / (np.sqrt(v_hat) + epsilon).",
            _variant(eps_inside, w, grads, hp),
        ),
        (
            f"epsilon (here {eps:g}) is added before v's bias correction (the step-size form of Kingma & Ba, "
            "whose epsilon is a different one): use m_hat / (np.sqrt(v_hat) + epsilon).",
            _variant(eps_before_correction, w, grads, hp),
        ),
    ]


def adam(fn) -> None:
    """Check `adam(w, dw, config) -> (next_w, config)` with m, v, t in config and bias correction."""
    c = Check("adam", fn)
    cases = [
        ({"learning_rate": 0.01}, 3),
        ({"learning_rate": 0.05, "beta1": 0.5, "beta2": 0.8, "epsilon": 0.3}, 8),
        (None, 9),
    ]
    _check_rule(
        c,
        ref.adam,
        cases,
        _ADAM_DEFAULTS,
        _adam_mistakes,
        ["m", "v"],
        nonfinite_hint="Increment t before the bias correction: with t = 0, 1 - beta1**t is 0.",
    )
    w, grads = _problem(3)
    _, config = _run_student(c, w, grads, {"learning_rate": 0.01})
    c.require(config.get("t") == 3, f"config['t'] is {config.get('t')} after three steps; increment it once per step.")
    c.done()


# -- gradient clipping -------------------------------------------------------------------------
def _clip_problem(seed, scale):
    """A dict of gradients of several shapes (a matrix, a bias, a conv kernel), of size ~scale."""
    rng = np.random.default_rng(seed)
    shapes = {"W1": (3, 4), "b1": (4,), "W2": (2, 3, 2, 2)}
    return {k: scale * rng.normal(size=shape) for k, shape in shapes.items()}


def clip_grad_norm(fn) -> None:
    """Check `clip_grad_norm(grads, max_norm) -> (clipped, total_norm)`: one global norm, one factor."""
    c = Check("clip_grad_norm", fn)
    for seed, scale, max_norm in [(0, 3.0, 2.5), (1, 0.2, 5.0), (2, 1.0, 0.7)]:
        grads = _clip_problem(seed, scale)
        clipped_ref, total_ref = ref.clip_grad_norm(grads, max_norm)
        clipped, total = c.unpack(c.call(grads, max_norm), ["clipped", "total_norm"])
        if not isinstance(clipped, dict) or set(clipped) != set(grads):
            c.fail(f"return the clipped gradients as a dict with the same keys {sorted(grads)}.")
        norms = {k: float(np.linalg.norm(g)) for k, g in grads.items()}
        c.close(
            total,
            total_ref,
            "total_norm",
            mistakes=[
                ("total_norm should be the norm before clipping.", min(total_ref, max_norm)),
                (
                    "that is the sum of the arrays' norms; take the square root of the sum of all squared entries.",
                    sum(norms.values()),
                ),
                ("that is the sum of squares; take its square root.", total_ref**2),
                ("that is the largest array's norm; the norm runs over all arrays together.", max(norms.values())),
            ],
        )
        below = total_ref <= max_norm
        for k, g in grads.items():
            mistakes = [
                (
                    "each array was clipped by its own norm; clip all arrays by one factor from their joint norm.",
                    g * min(1.0, max_norm / norms[k]),
                ),
                (
                    "entries were clipped to [-max_norm, max_norm] one by one (np.clip); rescale the whole "
                    "gradient instead, which keeps its direction.",
                    np.clip(g, -max_norm, max_norm),
                ),
            ]
            if below:
                mistakes.append(
                    (
                        "gradients whose joint norm is already below max_norm must stay unchanged.",
                        g * max_norm / total_ref,
                    )
                )
            c.close(
                clipped[k],
                clipped_ref[k],
                f"clipped['{k}'] (joint norm {total_ref:.3g}, max_norm {max_norm})",
                mistakes=mistakes,
            )
    c.done()


# -- learning-rate schedule ----------------------------------------------------------------------
def cosine_lr(fn) -> None:
    """Check `cosine_lr(it, total, lr_max, warmup=0) -> float` at every iteration of three schedules."""
    c = Check("cosine_lr", fn)
    for total, lr_max, warmup in [(12, 0.5, 3), (9, 2.0, 0), (7, 0.1, 1)]:
        got = np.array([c.call(it, total, lr_max, warmup) for it in range(total)], dtype=float)
        expected = np.array([ref.cosine_lr(it, total, lr_max, warmup) for it in range(total)])
        progress = (np.arange(total) - warmup) / (total - warmup)
        cosine = lr_max * (1 + np.cos(np.pi * progress)) / 2
        mistakes = [
            (
                "the cosine part is missing its 1/2: lr_max * (1 + cos(pi * progress)) / 2 falls from lr_max to 0.",
                np.where(np.arange(total) < warmup, expected, 2 * cosine),
            ),
            (
                "the warmup starts at 0: iteration it of the warmup uses lr_max * (it + 1) / warmup.",
                np.where(np.arange(total) < warmup, lr_max * np.arange(total) / max(warmup, 1), expected),
            ),
            (
                "progress must run over the iterations after the warmup: (it - warmup) / (total - warmup).",
                np.where(
                    np.arange(total) < warmup, expected, lr_max * (1 + np.cos(np.pi * np.arange(total) / total)) / 2
                ),
            ),
            (
                "the warmup was ignored: for it < warmup the rate ramps up linearly to lr_max.",
                np.where(np.arange(total) < warmup, lr_max * (1 + np.cos(np.pi * progress)) / 2, expected),
            ),
            (
                "the cosine takes radians: cos(pi * progress), with np.cos or math.cos.",
                np.where(np.arange(total) < warmup, expected, lr_max * (1 + np.cos(np.radians(progress))) / 2),
            ),
            (
                "the schedule should fall from lr_max towards 0, not rise: lr_max * (1 + cos(pi * progress)) / 2.",
                np.where(np.arange(total) < warmup, expected, lr_max * (1 - np.cos(np.pi * progress)) / 2),
            ),
        ]
        c.close(
            got,
            expected,
            f"the rates for total={total}, lr_max={lr_max}, warmup={warmup}",
            mistakes=distinct(mistakes, expected),
        )
    c.require(
        np.isclose(float(c.call(5, 10, 1.0)), ref.cosine_lr(5, 10, 1.0)),
        "without a warmup argument, use the default warmup=0.",
    )
    c.done()


# -- LeNet-5 -----------------------------------------------------------------------------------
@answer
def _reference_lenet_loss(params, X, y, reg, dtype="float64"):
    """The reference LeNet5.loss with the given parameters: scores when y is None, else (loss, grads)."""
    from ..models.lenet import LeNet5

    model = LeNet5(dtype=np.dtype(dtype).type, reg=reg, seed=0)
    model.params = params
    return model.loss(X, y)


def _lenet_params(cls, dtype, reg, seed, rng):
    """A student model of the given dtype and its parameters, with non-zero biases (so that
    regularizing them would show); returns (model, params)."""
    student = cls(dtype=dtype, reg=reg, seed=seed)  # __init__ comes from lib's LeNet5: it makes the parameters
    p = {k: np.array(v, dtype=dtype) for k, v in student.params.items()}
    for k in sorted(p):
        if k.startswith("b"):
            p[k] = (0.1 * rng.normal(size=p[k].shape)).astype(dtype)
    student.params = {k: v.copy() for k, v in p.items()}
    return student, p


def _require_grad_keys(c, grads, p) -> None:
    if not isinstance(grads, dict) or set(grads) != set(p):
        c.fail(
            f"grads should be a dict with the keys {sorted(p)}, "
            f"got {sorted(grads) if isinstance(grads, dict) else type(grads).__name__}"
        )


def _lenet_float64(c, cls) -> None:
    """Scores, loss and every gradient in float64, where they must agree to 1e-6, and the typical
    mistakes of the regularization."""
    rng = np.random.default_rng(4)
    X, y = rng.normal(size=(3, 1, 28, 28)), np.array([1, 0, 7])
    reg = 0.1
    student, p = _lenet_params(cls, np.float64, reg, 5, rng)
    scores = c.call_with(student.loss, X)
    c.close(scores, _reference_lenet_loss(p, X, None, reg), "the scores (loss called without y)")
    loss, grads = c.unpack(c.call_with(student.loss, X, y), ["loss", "grads"])
    ref_loss, ref_grads = _reference_lenet_loss(p, X, y, reg)
    data_loss, data_grads = _reference_lenet_loss(p, X, y, 0.0)
    sq = {k: float(np.sum(p[k] ** 2)) for k in p}
    weights = [k for k in sorted(p) if k.startswith("W")]
    c.close(
        loss,
        ref_loss,
        "the loss",
        mistakes=[
            ("the regularization term is missing: add reg * sum(W**2) over W1 ... W5.", data_loss),
            (
                "the regularization has a factor 1/2; this course uses reg * sum(W**2).",
                data_loss + 0.5 * reg * sum(sq[k] for k in weights),
            ),
            (
                "the biases are regularized too: only the weights W1 ... W5 are.",
                ref_loss + reg * sum(sq[k] for k in p if k not in weights),
            ),
            *[(f"{k} is missing from the regularization term.", ref_loss - reg * sq[k]) for k in weights],
        ],
    )
    _require_grad_keys(c, grads, p)
    for k in sorted(p):
        if k.startswith("W"):
            mistakes = [
                (f"the regularization gradient is missing from {k}: add 2 * reg * {k}.", data_grads[k]),
                (
                    f"the regularization gradient of {k} has the wrong factor: d/dW of reg * sum(W**2) is 2 * reg * W.",
                    data_grads[k] + reg * p[k],
                ),
            ]
        else:
            mistakes = [(f"{k} is a bias: biases are not regularized.", data_grads[k] + 2 * reg * p[k])]
        c.close(grads[k], ref_grads[k], f"grads['{k}']", mistakes=mistakes, rtol=1e-6, atol=1e-9)


def _lenet_float32(c, cls) -> None:
    """The dtype LeNet-5 trains in: scores and gradients must stay float32 (a float64 gradient
    turns the parameters into float64 at the first update), and agree to float32 precision."""
    rng = np.random.default_rng(6)
    X, y = rng.normal(size=(2, 1, 28, 28)).astype(np.float32), np.array([3, 9])
    reg = 0.05
    student, p = _lenet_params(cls, np.float32, reg, 7, rng)
    scores = c.call_with(student.loss, X)
    expected = _reference_lenet_loss(p, X, None, reg, "float32")
    c.close(scores, expected, "the scores of a float32 model", rtol=1e-4, atol=1e-6)
    loss, grads = c.unpack(c.call_with(student.loss, X, y), ["loss", "grads"])
    ref_loss, ref_grads = _reference_lenet_loss(p, X, y, reg, "float32")
    c.close(loss, ref_loss, "the loss of a float32 model", rtol=1e-5)
    _require_grad_keys(c, grads, p)
    for k in sorted(p):
        dtype = np.asarray(grads[k]).dtype
        if dtype != np.float32:
            c.fail(
                f"grads['{k}'] of a float32 model is {dtype}: an array was converted on the way (e.g. "
                f".astype(float) or .astype(None), which mean float64). Keep every array in self.dtype, or "
                f"the first update turns the parameters into {dtype} and training runs in it."
            )
        scale = float(np.max(np.abs(ref_grads[k])))
        c.close(grads[k], ref_grads[k], f"grads['{k}'] of a float32 model", rtol=1e-3, atol=1e-4 * scale + 1e-7)


# How often LeNet-5's loss calls each pluggable layer function (forward and backward of 2 convs,
# 2 pools, 3 affine layers). ReLU and the softmax loss may be written out by hand.
_LAYER_CALLS = {
    "conv_forward": 2,
    "conv_backward": 2,
    "max_pool_forward": 2,
    "max_pool_backward": 2,
    "affine_forward": 3,
    "affine_backward": 3,
}


def _counting(layers, counts: dict):
    """A copy of the `Layers` set `layers` whose conv, pool and affine functions count their calls."""

    def spy(name, fn):
        def counted(*args, **kwargs):
            counts[name] += 1
            return fn(*args, **kwargs)

        return counted

    from ..models.lenet import Layers  # the contract, not a solution: the dataclass of layer functions

    # field by field rather than dataclasses.replace: layers may be a proxy of an object in the sandbox
    fields = {f.name: getattr(layers, f.name) for f in dataclasses.fields(Layers)}
    return Layers(**{**fields, **{name: spy(name, fields[name]) for name in _LAYER_CALLS}})


def _lenet_pluggable(c, cls) -> None:
    """The loss must call its layers through self.layers, so that other layers can be plugged in."""
    rng = np.random.default_rng(8)
    X, y = rng.normal(size=(2, 1, 28, 28)).astype(np.float32), np.array([1, 4])
    student, _ = _lenet_params(cls, np.float32, 0.0, 9, rng)
    counts = dict.fromkeys(_LAYER_CALLS, 0)
    student.layers = _counting(student.layers, counts)
    c.call_with(student.loss, X, y)
    missing = [f"{name} ({counts[name]} of {n} calls)" for name, n in _LAYER_CALLS.items() if counts[name] != n]
    if missing:
        c.fail(
            "your loss must call every layer through self.layers (L = self.layers; L.conv_forward(...)), so "
            "that another set of layers can be plugged in; these were not called that way, or not as often "
            "as LeNet-5 has such layers: " + ", ".join(missing) + "."
        )


def lenet5_loss(cls) -> None:
    """Check a LeNet5 class's `loss(X, y=None)`: scores, loss and every gradient, with regularization,
    in float64 and in float32, built from the layer functions of `self.layers`."""
    c = Check("LeNet5.loss", cls)
    _lenet_float64(c, cls)
    _lenet_float32(c, cls)
    _lenet_pluggable(c, cls)
    c.done()
