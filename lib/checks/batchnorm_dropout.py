"""Graded checks of 04_cnn_layers/batchnorm_dropout.ipynb: batch normalization (2-D and spatial)
and inverted dropout.

Expected values come from the references in `lib.layers` through `expected`. Backward checks
build the cache the notebook documents, (x, x_hat, mean, var, gamma, eps) for batch norm and
(dropout_param, mask) for dropout, so a backward pass is judged on its own.

The inputs are chosen so that typical mistakes show: the batch size differs from the number of
features (an axis mix-up changes a shape), features have different means and scales, one case
uses a large eps (where eps sits matters) and a momentum other than the default, and the test-mode
batch is far from the running averages (batch statistics in test mode show). Dropout is checked
by behaviour, not against one particular mask: every output is 0 or x / p, the share kept is p
within 4.5 standard deviations, the same seed gives the same mask, a generator advances, and
NumPy's global generator is never used.
"""

from __future__ import annotations

import random

import numpy as np

from .core import Check, CheckFailed, _global_rng_state, _same_rng_state, distinct, global_rng_untouched, share_window
from .expected import answer, reference

ref = reference("lib.layers")

__all__ = [
    "batchnorm_forward",
    "batchnorm_backward",
    "batchnorm_backward_alt",
    "spatial_batchnorm_forward",
    "spatial_batchnorm_backward",
    "dropout_forward",
    "dropout_backward",
]

_CACHE_NAMES = ("x", "x_hat", "mean", "var", "gamma", "eps")


def _rng(seed):
    return np.random.default_rng(seed)


def _per_channel(a, ndim):
    """A (C,) array shaped to broadcast against (N, C) or (N, C, H, W)."""
    return np.reshape(a, (1, -1, 1, 1)) if ndim == 4 else np.asarray(a)


def _axes(ndim):
    """The axes batch norm averages over: the batch, and for images also every position."""
    return (0, 2, 3) if ndim == 4 else 0


def _bn_case(seed, shape, eps, momentum):
    """x whose features (channels) have different means and scales, gamma of both signs, beta, and a
    train-mode bn_param with running averages."""
    g = _rng(seed)
    D = shape[1]
    scale, loc = g.uniform(0.5, 3.0, size=D), g.uniform(-4.0, 4.0, size=D)
    x = g.normal(size=shape) * _per_channel(scale, len(shape)) + _per_channel(loc, len(shape))
    gamma, beta = g.uniform(0.5, 2.0, size=D) * g.choice([-1.0, 1.0], size=D), g.normal(size=D)
    bn_param = {
        "mode": "train",
        "eps": eps,
        "momentum": momentum,
        "running_mean": g.normal(size=D),
        "running_var": g.uniform(0.5, 2.0, size=D),
    }
    return x, gamma, beta, bn_param


def _fresh(bn_param):
    """A copy of bn_param for the student (their function may update it, even its arrays in place)."""
    return {k: v.copy() if isinstance(v, np.ndarray) else v for k, v in bn_param.items()}


@answer
def _train_step(forward, x, gamma, beta, bn_param):
    """lib.layers' `forward` in train mode: (out, cache, the bn_param it leaves behind)."""
    from .. import layers

    out, cache = getattr(layers, forward)(x, gamma, beta, bn_param)
    return out, cache, bn_param


def _normalize(x, gamma, beta, mean, var, eps):
    """gamma * (x - mean) / sqrt(var + eps) + beta, with (C,) parameters broadcast to x."""
    p = [_per_channel(a, x.ndim) if np.ndim(a) == 1 else a for a in (gamma, beta, mean, var)]
    return p[0] * (x - p[2]) / np.sqrt(p[3] + eps) + p[1]


def _over(x, axes, gamma, beta, eps):
    """Normalization with statistics over the given axes (a typical wrong choice of axes)."""
    mean, var = x.mean(axis=axes, keepdims=True), x.var(axis=axes, keepdims=True)
    return _normalize(x, gamma, beta, mean, var, eps)


def _rows(a, transpose=True):
    """(N, C, H, W) -> (N*H*W, C), channels last first (right) or by a plain reshape (wrong)."""
    C = a.shape[1]
    return a.transpose(0, 2, 3, 1).reshape(-1, C) if transpose else a.reshape(-1, C)


def _maps(rows, shape, transpose=True):
    """Inverse of `_rows`: (N*H*W, C) -> (N, C, H, W)."""
    N, C, H, W = shape
    return rows.reshape(N, H, W, C).transpose(0, 3, 1, 2) if transpose else rows.reshape(shape)


# -- forward ---------------------------------------------------------------------------------------
def _forward_mistakes(x, gamma, beta, mean, var, eps, running_mean, running_var):
    """Typical wrong train-mode outputs, for x (N, D) or (N, C, H, W) with the batch's mean and var."""
    n = x.size // gamma.size
    return [
        (
            f"the variance is the unbiased one (divided by N - 1 = {n - 1}); batch norm divides by "
            f"N = {n} (np.var's default).",
            _normalize(x, gamma, beta, mean, var * n / (n - 1), eps),
        ),
        (
            "eps belongs inside the square root: (x - mean) / np.sqrt(var + eps).",
            _per_channel(gamma, x.ndim) * (x - _per_channel(mean, x.ndim)) / (np.sqrt(_per_channel(var, x.ndim)) + eps)
            + _per_channel(beta, x.ndim),
        ),
        ("gamma and beta are swapped: gamma scales x_hat, beta shifts it.", _normalize(x, beta, gamma, mean, var, eps)),
        ("gamma and beta are missing: out = gamma * x_hat + beta.", _normalize(x, 1.0, 0.0, mean, var, eps)),
        (
            "train mode normalizes with the batch's own mean and variance, not with the running averages.",
            _normalize(x, gamma, beta, running_mean, running_var, eps),
        ),
    ]


def _check_cache(c, cache, expected, what):
    """Require the train-mode cache (x, x_hat, mean, var, gamma, eps), item by item."""
    if not isinstance(cache, (tuple, list)) or len(cache) != 6:
        got = "None" if cache is None else type(cache).__name__
        if isinstance(cache, (tuple, list)):
            got += f" of length {len(cache)}"
        c.fail(
            f"in train mode the cache should be the tuple (x, x_hat, mean, var, gamma, eps), got {got}: both "
            f"backward passes unpack exactly these."
        )
    x = expected[0]
    if x.ndim == 4 and np.shape(cache[1]) == (x.size // x.shape[1], x.shape[1]):
        c.fail(
            f"cache[1] (x_hat) {what} has the rows' shape {np.shape(cache[1])}: bring it back to x's shape "
            f"{x.shape}, as you did for out."
        )
    n = x.size // x.shape[1]
    for i, (name, got, want) in enumerate(zip(_CACHE_NAMES, cache, expected)):
        mistakes = []
        if name == "var":
            mistakes = [
                (
                    "it is the unbiased variance (divided by N - 1); cache the one you normalized with.",
                    want * n / (n - 1),
                ),
                ("it holds the standard deviation; cache the variance var (eps is cached separately).", np.sqrt(want)),
                (
                    "it holds sqrt(var + eps); cache the variance var (eps is cached separately).",
                    np.sqrt(want + expected[5]),
                ),
            ]
        c.close(got, want, f"cache[{i}] ({name}) {what}", mistakes=distinct(mistakes, want))


def _check_running(c, mine, before, after, batch_mean, batch_var, what):
    """Require bn_param's running averages after one train-mode call."""
    m = before["momentum"]
    for key, batch in (("running_mean", batch_mean), ("running_var", batch_var)):
        if key not in mine:
            c.fail(
                f"after a train-mode call {what} bn_param has no '{key}': store the updated running averages "
                f"in bn_param['running_mean'] and bn_param['running_var']."
            )
        old = before[key]
        mistakes = [
            (
                f"bn_param['{key}'] is unchanged: in train mode store momentum * {key} + (1 - momentum) * the "
                f"batch's value in bn_param['{key}'].",
                old,
            ),
            (
                f"momentum weights the old running average, not the batch: {key} = momentum * {key} + "
                f"(1 - momentum) * the batch's value (here momentum = {m:g}).",
                (1 - m) * old + m * batch,
            ),
            (f"{key} is the batch's value alone; blend it into the old average with momentum {m:g}.", batch),
        ]
        if key == "running_var":
            mistakes.append(
                (
                    "running_var averages the standard deviation; average the variance.",
                    m * old + (1 - m) * np.sqrt(batch),
                )
            )
        c.close(mine[key], after[key], f"bn_param['{key}'] {what}", mistakes=distinct(mistakes, after[key]))


def _check_train(c, forward, cases, extra_mistakes):
    """Train-mode calls of `forward` on each case: out, cache and the running averages."""
    for seed, shape, eps, momentum in cases:
        x, gamma, beta, bn_param = _bn_case(seed, shape, eps, momentum)
        what = f"(x {shape}, eps {eps:g}, momentum {momentum:g})"
        expected, cache, after = _train_step(forward, x, gamma, beta, bn_param)
        mine = _fresh(bn_param)
        out, got_cache = c.unpack(c.call(x, gamma, beta, mine, may_change=(3,)), ["out", "cache"])
        mean, var = cache[2], cache[3]
        mistakes = _forward_mistakes(x, gamma, beta, mean, var, eps, bn_param["running_mean"], bn_param["running_var"])
        mistakes += extra_mistakes(x, gamma, beta, eps, expected)
        c.close(out, expected, f"out in train mode {what}", mistakes=distinct(mistakes, expected))
        _check_cache(c, got_cache, cache, what)
        _check_running(c, mine, bn_param, after, mean, var, what)


def _check_test(c, forward, shape, seed):
    """Test mode, on a batch far from the running averages and on a single sample."""
    x, gamma, beta, bn_param = _bn_case(seed, shape, 0.3, 0.9)
    params = dict(bn_param, mode="test")
    rm, rv, eps = params["running_mean"], params["running_var"], params["eps"]
    for batch in (x + 5.0, x[:1] + 5.0):  # shifted far from the running averages
        what = f"in test mode (x {batch.shape})"
        expected = getattr(ref, forward)(batch, gamma, beta, params)[0]
        mine = _fresh(params)
        try:
            result = c.call(batch, gamma, beta, mine, may_change=(3,))
        except AssertionError as exc:
            if "NoneType" in str(exc):
                raise CheckFailed(
                    f"{c.name}: {what} {exc.args[0].split(': ', 1)[-1]}. In test mode batchnorm_forward returns the "
                    f"cache None: build the 4-D cache only in train mode."
                ) from exc.__cause__
            raise
        out, _ = c.unpack(result, ["out", "cache"])
        mistakes = [
            (
                "test mode normalizes with the running averages bn_param['running_mean'] and ['running_var'], "
                "not with the batch's own statistics.",
                _over(batch, _axes(batch.ndim), _per_channel(gamma, batch.ndim), _per_channel(beta, batch.ndim), eps),
            ),
            (
                "eps belongs inside the square root: np.sqrt(running_var + eps).",
                _per_channel(gamma, batch.ndim)
                * (batch - _per_channel(rm, batch.ndim))
                / (np.sqrt(_per_channel(rv, batch.ndim)) + eps)
                + _per_channel(beta, batch.ndim),
            ),
            (
                "gamma and beta are missing in test mode: out = gamma * x_hat + beta.",
                _normalize(batch, 1.0, 0.0, rm, rv, eps),
            ),
        ]
        c.close(out, expected, f"out {what}", mistakes=distinct(mistakes, expected))
        for key in ("running_mean", "running_var"):
            c.require(
                key in mine and np.array_equal(mine[key], params[key]),
                f"{what} bn_param['{key}'] changed: only train mode updates the running averages.",
            )


def _no_extra(x, gamma, beta, eps, expected):
    return [
        (
            "each sample was normalized across its features (axis 1); batch norm normalizes each feature over "
            "the batch (axis 0).",
            _over(x, 1, gamma, beta, eps),
        )
    ]


def batchnorm_forward(fn) -> None:
    """Check `batchnorm_forward(x, gamma, beta, bn_param) -> (out, cache)` in train and test mode."""
    c = Check("batchnorm_forward", fn)
    _check_train(c, "batchnorm_forward", [(0, (8, 5), 1e-5, 0.9), (1, (6, 3), 0.5, 0.7)], _no_extra)
    _check_test(c, "batchnorm_forward", (4, 6), 2)
    c.done()


def _spatial_extra(x, gamma, beta, eps, expected):
    g, b = _per_channel(gamma, 4), _per_channel(beta, 4)
    plain = _rows(x, transpose=False)
    return [
        (
            "x.reshape(-1, C) does not give one channel per column (the values of a row come from different "
            "channels): move the channel axis last before reshaping, and back afterwards.",
            _maps(_over(plain, 0, gamma, beta, eps), x.shape, transpose=False),
        ),
        (
            "each position (c, h, w) was normalized over the batch alone; a channel shares one mean and "
            "variance over the batch and every position, axes (0, 2, 3).",
            _over(x, 0, g, b, eps),
        ),
        (
            "each image's channel was normalized on its own (over H and W); batch norm also averages over "
            "the batch: axes (0, 2, 3).",
            _over(x, (2, 3), g, b, eps),
        ),
        (
            "out is in the wrong layout: the rows are (N, H, W) positions with C columns, so reshape them to "
            "(N, H, W, C) and move the channel axis back to position 1.",
            _rows(expected).reshape(x.shape),
        ),
    ]


def spatial_batchnorm_forward(fn) -> None:
    """Check `spatial_batchnorm_forward(x, gamma, beta, bn_param) -> (out, cache)` for x (N, C, H, W)."""
    c = Check("spatial_batchnorm_forward", fn)
    _check_train(
        c, "spatial_batchnorm_forward", [(5, (2, 3, 4, 5), 1e-5, 0.9), (6, (3, 4, 3, 2), 0.5, 0.7)], _spatial_extra
    )
    _check_test(c, "spatial_batchnorm_forward", (2, 3, 2, 4), 7)
    c.done()


# -- backward --------------------------------------------------------------------------------------
def _alt_formula(dout, x_hat, gamma, std, axes):
    """The simplified backward pass, (g - mean(g) - x_hat mean(g x_hat)) / std with g = dout * gamma."""
    g = dout * gamma

    def avg(a):
        return a.mean(axis=axes, keepdims=True)

    return (g - avg(g) - x_hat * avg(g * x_hat)) / std


def _backward_mistakes(dout, cache):
    x, x_hat, mean, var, gamma, eps = cache
    axes = _axes(dout.ndim)
    gamma, var = _per_channel(gamma, dout.ndim), _per_channel(var, dout.ndim)
    std = np.sqrt(var + eps)
    g = dout * gamma

    def avg(a):
        return a.mean(axis=axes, keepdims=True)

    return [
        (
            "mean and var were treated as constants; both depend on every sample of the batch, so dx has a "
            "term through the mean and one through the variance.",
            g / std,
        ),
        (
            "the path through the batch mean is missing: mean depends on every x_i, so its gradient, summed "
            "over the batch, comes back to every x_i divided by N.",
            (g - x_hat * avg(g * x_hat)) / std,
        ),
        ("the path through the variance is missing: var depends on every x_i too.", (g - avg(g)) / std),
        (
            "gamma is missing: the gradient that reaches x_hat is dout * gamma.",
            _alt_formula(dout, x_hat, 1.0, std, axes),
        ),
        (
            "eps belongs inside the square root: divide by np.sqrt(var + eps), as the forward pass did.",
            _alt_formula(dout, x_hat, gamma, np.sqrt(var), axes),
        ),
    ]


def _spatial_backward_mistakes(dout, cache):
    x, x_hat, mean, var, gamma, eps = cache
    std = np.sqrt(var + eps)
    plain = _alt_formula(_rows(dout, False), _rows(x_hat, False), gamma, std, 0)
    return [
        (
            "dout.reshape(-1, C) does not give one channel per column: move the channel axis last before "
            "reshaping (dout, x and x_hat alike), and back afterwards.",
            _maps(plain, dout.shape, transpose=False),
        ),
        (
            "the mean and variance are shared by the batch and every position, so their gradients sum over "
            "the axes (0, 2, 3), not over the batch alone.",
            _alt_formula(dout, x_hat, _per_channel(gamma, 4), _per_channel(std, 4), 0),
        ),
        (
            "dx is in the wrong layout: the rows are (N, H, W) positions with C columns, so reshape them to "
            "(N, H, W, C) and move the channel axis back to position 1.",
            _rows(_maps(_alt_formula(_rows(dout), _rows(x_hat), gamma, std, 0), dout.shape)).reshape(dout.shape),
        ),
    ]


def _check_backward(c, got, dout, cache, expected, what):
    dx, dgamma, dbeta = expected
    axes = _axes(dout.ndim)
    n, C = dout.size // dgamma.size, dgamma.size
    mistakes = _backward_mistakes(dout, cache) + (_spatial_backward_mistakes(dout, cache) if dout.ndim == 4 else [])
    c.close(got[0], dx, f"dx {what}", mistakes=distinct(mistakes, dx))
    over = "the batch, axis 0" if dout.ndim == 2 else "the batch and both spatial axes, axis=(0, 2, 3)"
    for name, value in (("dgamma", got[1]), ("dbeta", got[2])):
        if np.shape(value) != (C,):
            c.fail(f"{name} {what} has shape {np.shape(value)} but should be ({C},), one per feature: sum over {over}.")
    dgamma_mistakes = [
        ("dgamma = sum of dout * x_hat (the normalized input), not of dout * x.", (dout * cache[0]).sum(axis=axes)),
        (f"dgamma is averaged over {n} values; sum them.", dgamma / n),
        ("dgamma is the sum of dout * x_hat, not of dout alone (that is dbeta).", dbeta),
    ]
    c.close(got[1], dgamma, f"dgamma {what}", mistakes=distinct(dgamma_mistakes, dgamma))
    c.close(
        got[2],
        dbeta,
        f"dbeta {what}",
        mistakes=distinct([(f"dbeta is averaged over {n} values; sum them.", dbeta / n)], dbeta),
    )


def _batchnorm_backward(name, fn) -> None:
    c = Check(name, fn)
    for seed, shape, eps in [(3, (7, 4), 1e-5), (4, (5, 6), 0.5)]:
        x, gamma, beta, bn_param = _bn_case(seed, shape, eps, 0.9)
        cache = ref.batchnorm_forward(x, gamma, beta, bn_param)[1]
        dout = _rng(seed + 10).normal(size=shape)
        expected = ref.batchnorm_backward(dout, cache)
        got = c.unpack(c.call(dout, cache), ["dx", "dgamma", "dbeta"])
        _check_backward(c, got, dout, cache, expected, f"(x {shape}, eps {eps:g})")
    c.done()


def batchnorm_backward(fn) -> None:
    """Check `batchnorm_backward(dout, cache) -> (dx, dgamma, dbeta)`, cache (x, x_hat, mean, var, gamma, eps)."""
    _batchnorm_backward("batchnorm_backward", fn)


def batchnorm_backward_alt(fn) -> None:
    """Check `batchnorm_backward_alt(dout, cache) -> (dx, dgamma, dbeta)`: the same numbers as batchnorm_backward."""
    _batchnorm_backward("batchnorm_backward_alt", fn)


def spatial_batchnorm_backward(fn) -> None:
    """Check `spatial_batchnorm_backward(dout, cache) -> (dx, dgamma, dbeta)` for dout (N, C, H, W)."""
    c = Check("spatial_batchnorm_backward", fn)
    for seed, shape, eps in [(8, (2, 3, 4, 5), 1e-5), (9, (3, 4, 2, 3), 0.5)]:
        x, gamma, beta, bn_param = _bn_case(seed, shape, eps, 0.9)
        cache = ref.spatial_batchnorm_forward(x, gamma, beta, bn_param)[1]
        dout = _rng(seed + 10).normal(size=shape)
        expected = ref.spatial_batchnorm_backward(dout, cache)
        got = c.unpack(c.call(dout, cache), ["dx", "dgamma", "dbeta"])
        _check_backward(c, got, dout, cache, expected, f"(x {shape}, eps {eps:g})")
    c.done()


# -- dropout ---------------------------------------------------------------------------------------
_MASK_SOURCE = "`rng`, the generator the cell sets up from dropout_param (rng.random(x.shape))"


def _dropout_input(seed, shape=(40, 50)):
    """Inputs of both signs and no zeros, so that out / x shows the mask and its scale."""
    x = _rng(seed).normal(size=shape)
    return np.where(np.abs(x) < 1e-3, 1.0, x)


def _call_dropout(c, x, param):
    with global_rng_untouched(c, _MASK_SOURCE):
        out, cache = c.unpack(c.call(x, param), ["out", "cache"])
    return c.array(out, f"out (p = {param['p']:g}, {param['mode']} mode)", x.shape), cache


def _check_kept(c, x, out, p, what):
    """Every output 0 or x / p; the share kept close to p."""
    ratio = out / x
    kept = ~np.isclose(ratio, 0)
    share, window = kept.mean(), share_window(p, x.size)
    if kept.any():
        r = ratio[kept]
        if np.allclose(r, 1 / (1 - p)):
            c.fail(
                f"out {what}: the kept units are divided by 1 - p; p is the probability of keeping a unit: divide by p."
            )
        if np.allclose(r, 1):
            c.fail(
                f"out {what}: the kept units are not divided by p. Inverted dropout scales them by 1 / p during "
                f"training, so that each unit's expected output is its input and test mode needs no scaling."
            )
        if np.allclose(r, p):
            c.fail(f"out {what}: the kept units are multiplied by p; inverted dropout divides them by p.")
        c.require(
            np.allclose(r, 1 / p),
            f"out {what} should be 0 (dropped) or x / p (kept); out / x takes the values {np.unique(r.round(4))[:5]}.",
        )
    if abs(share - p) > window:
        if abs(share - (1 - p)) <= window:
            c.fail(
                f"out {what} keeps {share:.3f} of the units, about 1 - p: p is the probability of keeping a "
                f"unit, so keep those whose uniform draw is below p."
            )
        c.fail(f"out {what} keeps {share:.3f} of the units; expected about p = {p:g} (within {window:.3f}).")
    c.require(True, "")


def _check_mask(c, cache, x, out, p, what):
    if not isinstance(cache, (tuple, list)) or len(cache) != 2 or not isinstance(cache[0], dict):
        c.fail(f"the cache should be the pair (dropout_param, mask), got {type(cache).__name__}.")
    mask = cache[1]
    if mask is None or np.shape(mask) != x.shape:
        c.fail(f"cache[1] {what} should be the mask, an array of x's shape {x.shape}, got {np.shape(mask)}.")
    mask = np.asarray(mask, dtype=float)
    if not np.allclose(mask * x, out) and np.allclose(mask * x / p, out):
        c.fail(
            f"cache[1] {what} holds 0 and 1: store the scaled mask (0 and 1 / p, the factor out / x), so that the "
            f"backward pass is dout * mask."
        )
    c.require(np.allclose(mask * x, out), f"cache[1] {what} should be the mask with out = x * mask.")


def dropout_forward(fn) -> None:
    """Check `dropout_forward(x, dropout_param) -> (out, cache)` by its behaviour (any way of drawing the mask)."""
    c = Check("dropout_forward", fn)
    x = _dropout_input(30)
    p = 0.3
    out, cache = _call_dropout(c, x, {"mode": "train", "p": p, "seed": 1})
    _check_kept(c, x, out, p, "(p = 0.3, seed 1)")
    _check_mask(c, cache, x, out, p, "(p = 0.3, seed 1)")
    again, _ = _call_dropout(c, x, {"mode": "train", "p": p, "seed": 1})
    c.require(
        np.array_equal(again, out),
        "two calls with seed 1 gave different masks: draw the mask from `rng`, which the cell makes from the seed.",
    )
    other, _ = _call_dropout(c, x, {"mode": "train", "p": p, "seed": 2})
    c.require(not np.array_equal(other, out), "seeds 1 and 2 gave the same mask: draw the mask from `rng`.")

    rng, p = np.random.default_rng(31), 0.8
    state = rng.bit_generator.state
    out, cache = _call_dropout(c, x, {"mode": "train", "p": p, "rng": rng})
    c.require(
        rng.bit_generator.state != state,
        "with a generator in dropout_param['rng'] the mask was not drawn from it: draw it from `rng`.",
    )
    _check_kept(c, x, out, p, "(p = 0.8, a generator)")
    second, _ = _call_dropout(c, x, {"mode": "train", "p": p, "rng": rng})
    c.require(not np.array_equal(second, out), "two calls with one generator gave the same mask: draw it from `rng`.")

    for p in (0.3, 0.8):
        out, cache = _call_dropout(c, x, {"mode": "test", "p": p, "seed": 1})
        what = f"in test mode (p = {p:g})"
        if np.any(out == 0):
            c.fail(f"out {what} has zeros: test mode keeps every unit and returns x unchanged.")
        c.close(
            out,
            x,
            f"out {what}",
            mistakes=[
                (
                    "it is scaled by p: that is the original dropout; inverted dropout does its scaling during "
                    "training, so test mode returns x unchanged.",
                    x * p,
                ),
                ("it is divided by p; test mode returns x unchanged.", x / p),
            ],
        )
        c.require(
            isinstance(cache, (tuple, list)) and len(cache) == 2 and cache[1] is None,
            f"the cache {what} should be (dropout_param, None): there is no mask in test mode.",
        )
    c.done()


def dropout_backward(fn) -> None:
    """Check `dropout_backward(dout, cache) -> dx` with cache (dropout_param, mask), mask 0 or 1 / p."""
    c = Check("dropout_backward", fn)
    for seed, shape, p in [(20, (6, 7), 0.4), (21, (5, 3, 4), 0.75)]:
        g = _rng(seed)
        dout = g.normal(size=shape)
        param = {"mode": "train", "p": p, "seed": seed + 100}
        mask = (g.random(shape) < p) / p  # not the mask that seed + 100 would give
        expected = ref.dropout_backward(dout, (param, mask))
        what = f"dx (p = {p:g}, dout {shape})"
        before = _global_rng_state()
        got = c.array(c.call(dout, (param, mask)), what, shape)
        after = _global_rng_state()
        np.random.set_state(before[0])
        random.setstate(before[1])
        if not _same_rng_state(before, after):
            c.fail("the backward pass drew random numbers: it draws nothing, it reuses the mask in the cache.")
        ratio = got / dout
        is_mask = np.isclose(ratio, 0) | np.isclose(ratio, 1 / p)
        if is_mask.all() and not np.array_equal(np.isclose(ratio, 0), mask == 0):
            c.fail(
                f"{what} drops other units than the mask in the cache: the backward pass must use the forward "
                f"pass's mask (cache[1]), never draw a new one."
            )
        c.close(
            got,
            expected,
            what,
            mistakes=[
                ("the cached mask already holds 1 / p; dx = dout * mask, without dividing again.", dout * mask / p),
                ("dropped units get no gradient and kept ones get dout / p: dx = dout * mask.", dout * (mask > 0)),
            ],
        )
    dout = _rng(22).normal(size=(4, 5))
    param = {"mode": "test", "p": 0.4}
    try:
        got = c.call(dout, (param, None))
    except AssertionError as exc:
        if "NoneType" in str(exc):
            raise CheckFailed(
                f"{c.name}: in test mode there is no mask (cache[1] is None): dropout did nothing, so dx = dout."
            ) from exc.__cause__
        raise
    c.close(
        got,
        dout,
        "dx in test mode",
        mistakes=[
            ("it is scaled by p; in test mode dropout did nothing, so dx = dout.", dout * 0.4),
            ("it is divided by p; in test mode dropout did nothing, so dx = dout.", dout / 0.4),
        ],
    )
    c.done()
