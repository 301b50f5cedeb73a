"""Graded checks for assignment 04 (CNN layers).

Expected values come from the references in `lib.layers`, asked through `expected.reference`.
Backward checks build the cache the notebook documents (CS231n's layout: affine (x, w, b), ReLU
x, sigmoid out, convolution (x, w, b, conv_param), pooling (x, pool_param)), so a backward pass is
judged on its own even if the forward pass still has a bug.
"""

from __future__ import annotations

import numpy as np

from ..layers import CONV_EXAMPLE, POOL_EXAMPLE
from .core import Check
from .expected import reference

ref = reference("lib.layers")

__all__ = [
    "affine_forward",
    "affine_backward",
    "relu_forward",
    "relu_backward",
    "sigmoid_forward",
    "sigmoid_backward",
    "conv_forward_naive",
    "conv_backward_naive",
    "max_pool_forward_naive",
    "max_pool_backward_naive",
]


def _rng(seed):
    return np.random.default_rng(seed)


# -- affine ------------------------------------------------------------------------------------
def affine_forward(fn) -> None:
    """Check `affine_forward(x, w, b) -> (out, cache)` with x of shape (N, d_1, ..., d_k)."""
    c = Check("affine_forward", fn)
    for seed, shape in [(0, (4, 5)), (1, (3, 2, 4, 2))]:
        g = _rng(seed)
        x = g.normal(size=shape)
        D = int(np.prod(shape[1:]))
        w, b = g.normal(size=(D, 3)), g.normal(size=3)
        out, cache = c.unpack(c.call(x, w, b), ["out", "cache"])
        expected = ref.affine_forward(x, w, b)[0]
        c.close(
            out,
            expected,
            f"out for x of shape {shape}",
            mistakes=[("the bias b is missing: out = x_flat @ w + b.", expected - b)],
        )
        c.require(
            isinstance(cache, tuple)
            and len(cache) == 3
            and cache[0] is not None
            and np.shape(cache[0]) == shape
            and np.shape(cache[1]) == w.shape,
            "cache should be (x, w, b), with x in its original shape: the backward pass needs them.",
        )
    c.done()


def affine_backward(fn) -> None:
    """Check `affine_backward(dout, cache) -> (dx, dw, db)` with cache = (x, w, b)."""
    c = Check("affine_backward", fn)
    g = _rng(2)
    x, w, b = g.normal(size=(4, 2, 3)), g.normal(size=(6, 5)), g.normal(size=5)
    dout = g.normal(size=(4, 5))
    dx, dw, db = ref.affine_backward(dout, (x, w, b))
    got = c.unpack(c.call(dout, (x, w, b)), ["dx", "dw", "db"])
    if np.shape(got[0]) == (4, 6):
        c.fail("dx has shape (4, 6) but x has shape (4, 2, 3): reshape dx to x's shape (dx.reshape(x.shape)).")
    c.close(got[0], dx, "dx")
    c.close(
        got[1], dw, "dw", mistakes=[("it is averaged over the batch; sum over the samples (x_flat.T @ dout).", dw / 4)]
    )
    if np.shape(got[2]) == (4,):
        c.fail("db has shape (4,): it was summed over the wrong axis; sum dout over the batch, axis 0.")
    c.close(got[2], db, "db", mistakes=[("it is averaged over the batch; sum dout over axis 0.", db / 4)])
    c.done()


# -- activations -------------------------------------------------------------------------------
def _x_with_zeros(seed):
    x = _rng(seed).normal(size=(4, 6))
    x[0, :3] = 0.0  # exact zeros: the kink
    return x


def relu_forward(fn) -> None:
    """Check `relu_forward(x) -> (out, cache)` with cache = x."""
    c = Check("relu_forward", fn)
    x = _x_with_zeros(3)
    out, cache = c.unpack(c.call(x), ["out", "cache"])
    c.close(
        out,
        ref.relu_forward(x)[0],
        "out",
        mistakes=[("negative inputs should become 0, not their absolute value.", np.abs(x))],
    )
    c.close(cache, x, "cache (it should be the input x)")
    c.done()


def relu_backward(fn) -> None:
    """Check `relu_backward(dout, cache) -> dx` with cache = x."""
    c = Check("relu_backward", fn)
    x = _x_with_zeros(4)
    dout = _rng(5).normal(size=x.shape)
    expected = ref.relu_backward(dout, x)
    c.close(
        c.call(dout, x),
        expected,
        "dx",
        mistakes=[
            (
                "the gate uses dout; gradient flows where the *input* x was positive: dx = dout * (x > 0).",
                dout * (dout > 0),
            ),
            ("at x == 0 exactly ReLU is flat from the left; use x > 0, not x >= 0.", dout * (x >= 0)),
            ("dout is missing: dx = dout * (x > 0), not just the mask.", (x > 0).astype(float)),
        ],
    )
    c.done()


def sigmoid_forward(fn) -> None:
    """Check `sigmoid_forward(x) -> (out, cache)` with cache = out, including very large |x|."""
    c = Check("sigmoid_forward", fn)
    x = np.concatenate([_rng(6).normal(size=8) * 3, [-800.0, 800.0]])
    out, cache = c.unpack(c.call(x), ["out", "cache"])
    expected = ref.sigmoid_forward(x)[0]
    c.close(
        out,
        expected,
        "out",
        nonfinite_hint="Large |x| overflows np.exp; compute with exp(-|x|), "
        "which is always <= 1, and pick the formula by the sign of x.",
    )
    c.close(cache, expected, "cache (it should be the output sigma(x), which the backward pass needs)")
    c.done()


def sigmoid_backward(fn) -> None:
    """Check `sigmoid_backward(dout, cache) -> dx` with cache = out = sigma(x)."""
    c = Check("sigmoid_backward", fn)
    x = _rng(7).normal(size=(3, 5))
    out = ref.sigmoid_forward(x)[0]
    dout = _rng(8).normal(size=x.shape)
    expected = ref.sigmoid_backward(dout, out)
    c.close(
        c.call(dout, out),
        expected,
        "dx",
        mistakes=[
            ("the factor (1 - out) is missing: d sigma/dx = sigma (1 - sigma).", dout * out),
            (
                "the cache holds the output sigma(x), not x: use dout * out * (1 - out) directly.",
                dout * ref.sigmoid(out) * (1 - ref.sigmoid(out)),
            ),
            ("dout is missing: dx = dout * out * (1 - out).", out * (1 - out)),
        ],
    )
    c.done()


# -- convolution -------------------------------------------------------------------------------
def _conv_flipped(x, w, b, cp):
    return ref.conv_forward_naive(x, w[:, :, ::-1, ::-1], b, cp)[0]


def conv_forward_naive(fn) -> None:
    """Check `conv_forward_naive(x, w, b, conv_param) -> (out, cache)` on CS231n's worked example and more."""
    c = Check("conv_forward_naive", fn)
    ex = CONV_EXAMPLE
    cases = [(ex["x"], ex["w"], ex["b"], ex["conv_param"], "the worked example of CS231n's notes")]
    g = _rng(9)
    cases.append(
        (
            g.normal(size=(2, 3, 6, 6)),
            g.normal(size=(4, 3, 3, 3)),
            g.normal(size=4),
            {"stride": 1, "pad": 1},
            "a random batch",
        )
    )
    cases.append(
        (
            g.normal(size=(2, 2, 7, 7)),
            g.normal(size=(3, 2, 3, 3)),
            g.normal(size=3),
            {"stride": 2, "pad": 0},
            "stride 2 without padding",
        )
    )
    for x, w, b, cp, what in cases:
        out, cache = c.unpack(c.call(x, w, b, cp), ["out", "cache"])
        expected = ref.conv_forward_naive(x, w, b, cp)[0]
        shape = np.shape(out)
        if cp["pad"] and shape == ref.conv_forward_naive(x, w, b, dict(cp, pad=0))[0].shape != expected.shape:
            c.fail(
                f"on {what} out has shape {shape}: the padding was not applied. Zero-pad x by "
                f"conv_param['pad'] on each side of H and W (np.pad) before sliding the filters."
            )
        if cp["stride"] > 1 and shape == ref.conv_forward_naive(x, w, b, dict(cp, stride=1))[0].shape:
            c.fail(
                f"on {what} out has shape {shape}: the stride was ignored; move the window by "
                f"conv_param['stride'] pixels (H' = (H - HH + 2P) / S + 1)."
            )
        c.close(
            out,
            expected,
            f"out on {what}",
            mistakes=[
                ("the bias is missing: add b[f] to every output of filter f.", expected - b[None, :, None, None]),
                (
                    "the filter was flipped: deep-learning 'convolution' slides w as it is (cross-correlation).",
                    _conv_flipped(x, w, b, cp),
                ),
            ],
        )
        c.require(
            isinstance(cache, tuple) and len(cache) == 4,
            "cache should be (x, w, b, conv_param): the backward pass needs them.",
        )
    c.done()


def _conv_backward_variant(dout, cache, use_stride=True, accumulate_dw=True):
    """Typical wrong backward passes: window offsets without the stride; dw overwritten per sample."""
    x, w, b, cp = cache
    S = cp["stride"] if use_stride else 1
    P = cp["pad"]
    N, F, Ho, Wo = dout.shape
    HH, WW = w.shape[2:]
    xp = np.pad(x, ((0, 0), (0, 0), (P, P), (P, P)))
    dxp, dw = np.zeros_like(xp), np.zeros_like(w)
    for n in range(N):
        dw_n = np.zeros_like(w)
        for f in range(F):
            for i in range(Ho):
                for j in range(Wo):
                    if i * S + HH > xp.shape[2] or j * S + WW > xp.shape[3]:
                        continue
                    dxp[n, :, i * S : i * S + HH, j * S : j * S + WW] += dout[n, f, i, j] * w[f]
                    dw_n[f] += dout[n, f, i, j] * xp[n, :, i * S : i * S + HH, j * S : j * S + WW]
        dw = dw + dw_n if accumulate_dw else dw_n
    return dxp[:, :, P : P + x.shape[2], P : P + x.shape[3]], dw


def conv_backward_naive(fn) -> None:
    """Check `conv_backward_naive(dout, cache) -> (dx, dw, db)` with cache = (x, w, b, conv_param)."""
    c = Check("conv_backward_naive", fn)
    g = _rng(10)
    for x_shape, w_shape, cp in [
        ((2, 3, 5, 5), (4, 3, 3, 3), {"stride": 2, "pad": 1}),
        ((3, 2, 6, 6), (2, 2, 3, 3), {"stride": 1, "pad": 1}),
    ]:
        x, w, b = g.normal(size=x_shape), g.normal(size=w_shape), g.normal(size=w_shape[0])
        out, cache = ref.conv_forward_naive(x, w, b, cp)
        dout = g.normal(size=out.shape)
        dx, dw, db = ref.conv_backward_naive(dout, cache)
        got = c.unpack(c.call(dout, cache), ["dx", "dw", "db"])
        N, F = dout.shape[:2]
        P = cp["pad"]
        if np.shape(got[0]) == (x_shape[0], x_shape[1], x_shape[2] + 2 * P, x_shape[3] + 2 * P):
            c.fail("dx has the padded shape: crop the padding off, dx = dx_pad[:, :, pad:-pad, pad:-pad].")
        dx_ns, dw_ns = _conv_backward_variant(dout, cache, use_stride=False)
        c.close(
            got[0],
            dx,
            f"dx (stride {cp['stride']})",
            mistakes=[
                (
                    "the stride was ignored in the backward pass: output (i, j) came from the window "
                    "starting at (i * stride, j * stride).",
                    dx_ns,
                )
            ]
            if cp["stride"] > 1
            else [],
        )
        c.close(
            got[1],
            dw,
            f"dw (stride {cp['stride']})",
            mistakes=[
                (
                    "dw keeps only the last sample: accumulate (+=) over every sample in the batch.",
                    _conv_backward_variant(dout, cache, accumulate_dw=False)[1],
                ),
                ("dw is averaged over the batch; sum it over the samples.", dw / N),
                *(
                    [
                        (
                            "the stride was ignored in the backward pass: output (i, j) came from the window "
                            "starting at (i * stride, j * stride).",
                            dw_ns,
                        )
                    ]
                    if cp["stride"] > 1
                    else []
                ),
            ],
        )
        shape_db = np.shape(got[2])
        if shape_db != (F,):
            c.fail(
                f"db has shape {shape_db} but should be ({F},): each filter's bias adds to every output of "
                f"that filter, so sum dout over the batch and both spatial axes, axis=(0, 2, 3)."
            )
        c.close(got[2], db, "db")
    c.done()


# -- pooling -----------------------------------------------------------------------------------
def max_pool_forward_naive(fn) -> None:
    """Check `max_pool_forward_naive(x, pool_param) -> (out, cache)` on a worked example and more."""
    c = Check("max_pool_forward_naive", fn)
    cases = [
        (POOL_EXAMPLE["x"], POOL_EXAMPLE["pool_param"], "the worked example (overlapping 2x2 windows)"),
        (_rng(11).normal(size=(2, 3, 6, 6)), {"pool_height": 2, "pool_width": 2, "stride": 2}, "2x2 windows, stride 2"),
    ]
    for x, pp, what in cases:
        out, cache = c.unpack(c.call(x, pp), ["out", "cache"])
        expected = ref.max_pool_forward_naive(x, pp)[0]
        if pp["stride"] > 1 and np.shape(out) == ref.max_pool_forward_naive(x, dict(pp, stride=1))[0].shape:
            c.fail(f"on {what} out has shape {np.shape(out)}: the stride was ignored.")
        avg = np.zeros_like(expected)
        s, ph, pw = pp["stride"], pp["pool_height"], pp["pool_width"]
        for i in range(expected.shape[2]):
            for j in range(expected.shape[3]):
                avg[:, :, i, j] = x[:, :, i * s : i * s + ph, j * s : j * s + pw].mean(axis=(2, 3))
        c.close(
            out,
            expected,
            f"out on {what}",
            mistakes=[("that is average pooling; take the maximum of each window.", avg)],
        )
        c.require(isinstance(cache, tuple) and len(cache) == 2, "cache should be (x, pool_param).")
    c.done()


def _pool_backward_spread(dout, x, pp, only_max=False):
    """Wrong backward passes: gradient to every element of the window, or to every tied maximum."""
    s, ph, pw = pp["stride"], pp["pool_height"], pp["pool_width"]
    dx = np.zeros_like(x)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            win = x[:, :, i * s : i * s + ph, j * s : j * s + pw]
            mask = win == win.max(axis=(2, 3), keepdims=True) if only_max else np.ones_like(win)
            dx[:, :, i * s : i * s + ph, j * s : j * s + pw] += mask * dout[:, :, i : i + 1, j : j + 1]
    return dx


def max_pool_backward_naive(fn) -> None:
    """Check `max_pool_backward_naive(dout, cache) -> dx` with cache = (x, pool_param)."""
    c = Check("max_pool_backward_naive", fn)
    pp = {"pool_height": 2, "pool_width": 2, "stride": 2}
    x = _rng(12).normal(size=(2, 2, 4, 4))
    dout = _rng(13).normal(size=(2, 2, 2, 2))
    expected = ref.max_pool_backward_naive(dout, (x, pp))
    c.close(
        c.call(dout, (x, pp)),
        expected,
        "dx",
        mistakes=[
            (
                "the gradient went to every element of the window; only the maximum affected the output, "
                "so only it gets dout.",
                _pool_backward_spread(dout, x, pp),
            ),
            ("dout is missing: the maximum gets dout, not 1.", (expected != 0).astype(float)),
        ],
    )
    # Ties: a window of equal values; its gradient must not be counted twice.
    x_tie = np.zeros((1, 1, 2, 2))
    dout_tie = np.array([[[[2.0]]]])
    got = c.call(dout_tie, (x_tie, pp))
    arr = c.array(got, "dx on a window of four equal values", x_tie.shape)
    c.require(
        np.isclose(arr.sum(), 2.0),
        f"on a window of four equal values dx sums to {arr.sum():g}, not dout = 2: with ties, send the "
        f"gradient to one maximum (e.g. the first, np.argmax), not to each of them.",
    )
    c.done()
