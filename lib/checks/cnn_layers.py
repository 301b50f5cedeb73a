"""Graded checks for assignment 04 (CNN layers).

Expected values come from the references in `lib.layers`, asked through `expected.reference`.
Backward checks build the cache the notebook documents (CS231n's layout: affine (x, w, b), ReLU
x, sigmoid out, convolution (x, w, b, conv_param), pooling (x, pool_param)), so a backward pass is
judged on its own even if the forward pass still has a bug; forward checks require exactly that
cache.

The inputs are chosen so that typical mix-ups show: heights differ from widths (inputs, filters,
pooling windows, outputs), padding is tried at 0 and above, strides at 1 (overlapping windows)
and above, and pooling also with windows that share their maximum or hold ties.
"""

from __future__ import annotations

import warnings

import numpy as np

from ..layers import CONV_EXAMPLE, POOL_EXAMPLE
from .core import Check, distinct
from .expected import reference

ref = reference("lib.layers")

__all__ = [
    "affine_forward",
    "affine_backward",
    "relu_forward",
    "relu_backward",
    "sigmoid_forward",
    "sigmoid_backward",
    "tanh_forward",
    "tanh_backward",
    "leaky_relu_forward",
    "leaky_relu_backward",
    "conv_output_size",
    "conv_forward_naive",
    "conv_backward_naive",
    "max_pool_forward_naive",
    "max_pool_backward_naive",
    "avg_pool_forward_naive",
    "avg_pool_backward_naive",
]


def _rng(seed):
    return np.random.default_rng(seed)


def _describe(value) -> str:
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    return f"{type(value).__name__} {value!r}" if isinstance(value, (dict, int, float)) else type(value).__name__


def _same_item(got, want) -> bool:
    """True if a cached item equals the input it should be (arrays exactly, in the same shape)."""
    if isinstance(want, dict):
        return isinstance(got, dict) and got == want
    try:
        got = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    return got.shape == np.shape(want) and np.array_equal(got, want)


def _require_cache(c, cache, items, wrong=()) -> None:
    """Require the forward pass's cache to be exactly `items`, [(name, the input given to the forward pass)].

    wrong: (name, value, message) for a typical wrong item (the flattened or the padded x).
    """
    layout = "(" + ", ".join(name for name, _ in items) + ")"
    if not isinstance(cache, (tuple, list)) or len(cache) != len(items):
        got = _describe(cache) + (f" of length {len(cache)}" if isinstance(cache, (tuple, list)) else "")
        c.fail(f"cache should be the tuple {layout}, got {got}: the backward pass unpacks exactly these.")
    for i, ((name, want), got) in enumerate(zip(items, cache)):
        if _same_item(got, want):
            continue
        for wrong_name, value, message in wrong:
            if wrong_name == name and _same_item(got, value):
                c.fail(f"cache[{i}] is wrong: {message}")
        c.fail(
            f"cache[{i}] should be {name}, the {name} given to the forward pass unchanged, got {_describe(got)}: "
            f"the cache is {layout}."
        )
    c.require(True, "")


# -- affine ------------------------------------------------------------------------------------
def affine_forward(fn) -> None:
    """Check `affine_forward(x, w, b) -> (out, cache)` with x of shape (N, d_1, ..., d_k)."""
    c = Check("affine_forward", fn)
    for seed, shape, M in [(0, (4, 5), 3), (1, (3, 2, 4, 2), 7)]:
        g = _rng(seed)
        x = g.normal(size=shape)
        D = int(np.prod(shape[1:]))
        w, b = g.normal(size=(D, M)), g.normal(size=M)
        out, cache = c.unpack(c.call(x, w, b), ["out", "cache"])
        expected = ref.affine_forward(x, w, b)[0]
        c.close(
            out,
            expected,
            f"out for x of shape {shape}",
            mistakes=[("the bias b is missing: out = x_flat @ w + b.", expected - b)],
        )
        _require_cache(
            c,
            cache,
            [("x", x), ("w", w), ("b", b)],
            wrong=[("x", x.reshape(len(x), -1), "it holds x flattened; keep x in its original shape.")]
            if x.ndim > 2
            else [],
        )
    c.done()


def affine_backward(fn) -> None:
    """Check `affine_backward(dout, cache) -> (dx, dw, db)` with cache = (x, w, b)."""
    c = Check("affine_backward", fn)
    for seed, x_shape, M in [(2, (4, 2, 3), 5), (3, (3, 4), 2)]:
        g = _rng(seed)
        N, D = x_shape[0], int(np.prod(x_shape[1:]))
        x, w, b = g.normal(size=x_shape), g.normal(size=(D, M)), g.normal(size=M)
        dout = g.normal(size=(N, M))
        dx, dw, db = ref.affine_backward(dout, (x, w, b))
        got = c.unpack(c.call(dout, (x, w, b)), ["dx", "dw", "db"])
        if len(x_shape) > 2 and np.shape(got[0]) == (N, D):
            c.fail(f"dx has shape {(N, D)} but x has shape {x_shape}: reshape dx to x's shape (dx.reshape(x.shape)).")
        c.close(got[0], dx, f"dx for x of shape {x_shape}")
        c.close(
            got[1],
            dw,
            f"dw for x of shape {x_shape}",
            mistakes=[(f"it is averaged over the batch (divided by N = {N}); sum over the samples.", dw / N)],
        )
        if np.shape(got[2]) == (N,):
            c.fail(f"db has shape ({N},): it was summed over the wrong axis; sum dout over the batch, axis 0.")
        c.close(
            got[2],
            db,
            f"db for x of shape {x_shape}",
            mistakes=[(f"it is averaged over the batch (divided by N = {N}); sum dout over axis 0.", db / N)],
        )
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
    expected = ref.relu_forward(x)[0]
    c.close(
        out,
        expected,
        "out",
        mistakes=[("negative inputs should become 0, not their absolute value.", np.abs(x))],
    )
    c.close(
        cache,
        x,
        "cache (it should be the input x)",
        mistakes=[("it holds the output; cache the input x, whose sign the backward pass needs.", expected)],
    )
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
    """Check `sigmoid_forward(x) -> (out, cache)` with cache = out, on 0, (0, 1), both signs and very large |x|."""
    c = Check("sigmoid_forward", fn)
    special = [0.0, 0.25, 0.5, 0.75, 0.999, -0.5, -0.001, 30.0, -30.0, -800.0]
    x = np.concatenate([_rng(6).normal(size=7) * 3, special, [800.0]]).reshape(3, 6)
    out, cache = c.unpack(c.call(x), ["out", "cache"])
    expected = ref.sigmoid_forward(x)[0]
    c.close(
        out,
        expected,
        "out",
        nonfinite_hint="Large |x| overflows np.exp; compute with exp(-|x|), "
        "which is always <= 1, and pick the formula by the sign of x.",
        mistakes=[
            (
                "it is sigma(-x) = 1 - sigma(x): sigma(x) = 1 / (1 + exp(-x)); with e = exp(-|x|) that is "
                "1 / (1 + e) for x >= 0 and e / (1 + e) for x < 0.",
                1 - expected,
            )
        ],
    )
    c.close(
        cache,
        expected,
        "cache (it should be the output sigma(x), which the backward pass needs)",
        mistakes=[("it holds the input x; cache the output sigma(x).", x)],
    )
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


def tanh_forward(fn) -> None:
    """Check `tanh_forward(x) -> (out, cache)` with cache = out, including large |x|."""
    c = Check("tanh_forward", fn)
    x = np.concatenate([_rng(21).normal(size=9) * 2, [0.0, 0.5, -0.5, 20.0, -800.0, 800.0]]).reshape(3, 5)
    out, cache = c.unpack(c.call(x), ["out", "cache"])
    expected = ref.tanh_forward(x)[0]
    c.close(
        out,
        expected,
        "out",
        nonfinite_hint="Large |x| overflows np.exp; use np.tanh, or 2 * sigmoid(2x) - 1 with a stable sigmoid.",
        mistakes=[
            ("that is the sigmoid; tanh(x) = 2 sigmoid(2x) - 1 runs from -1 to 1.", ref.sigmoid(x)),
            ("that is tanh(x / 2); tanh(x) = 2 sigmoid(2x) - 1, with 2x inside.", 2 * ref.sigmoid(x) - 1),
        ],
    )
    c.close(
        cache,
        expected,
        "cache (it should be the output tanh(x), which the backward pass needs)",
        mistakes=[("it holds the input x; cache the output tanh(x).", x)],
    )
    c.done()


def tanh_backward(fn) -> None:
    """Check `tanh_backward(dout, cache) -> dx` with cache = out = tanh(x)."""
    c = Check("tanh_backward", fn)
    x = _rng(22).normal(size=(4, 3))
    out = ref.tanh_forward(x)[0]
    dout = _rng(23).normal(size=x.shape)
    expected = ref.tanh_backward(dout, out)
    c.close(
        c.call(dout, out),
        expected,
        "dx",
        mistakes=[
            ("the derivative of tanh is 1 - tanh^2: square the output.", dout * (1 - out)),
            (
                "the cache holds the output tanh(x), not x: use dout * (1 - out**2) directly.",
                dout * (1 - np.tanh(out) ** 2),
            ),
            ("that is the sigmoid's derivative out (1 - out); tanh's is 1 - out**2.", dout * out * (1 - out)),
            ("dout is missing: dx = dout * (1 - out**2).", 1 - out**2),
        ],
    )
    c.done()


def leaky_relu_forward(fn) -> None:
    """Check `leaky_relu_forward(x, alpha=0.01) -> (out, (x, alpha))` with the default and another alpha."""
    c = Check("leaky_relu_forward", fn)
    x = _x_with_zeros(24)
    for alpha in (None, 0.2):
        out, cache = c.unpack(c.call(x) if alpha is None else c.call(x, alpha), ["out", "cache"])
        a = 0.01 if alpha is None else alpha
        what = "out with the default alpha" if alpha is None else f"out with alpha = {alpha}"
        expected = ref.leaky_relu_forward(x, a)[0]
        mistakes = [
            ("negative inputs should be scaled by alpha, not set to 0 (that is ReLU).", np.maximum(x, 0)),
            (
                "the slope alpha belongs to the negative side: x for x > 0, alpha * x otherwise.",
                np.where(x > 0, a * x, x),
            ),
        ]
        if alpha is None:
            mistakes.append(("the default alpha is 0.01.", ref.leaky_relu_forward(x, 0.1)[0]))
        else:
            mistakes.append(("the alpha you were given was ignored.", ref.leaky_relu_forward(x, 0.01)[0]))
        c.close(out, expected, what, mistakes=mistakes)
        _require_cache(c, cache, [("x", x), ("alpha", a)])
    c.done()


def leaky_relu_backward(fn) -> None:
    """Check `leaky_relu_backward(dout, cache) -> dx` with cache = (x, alpha)."""
    c = Check("leaky_relu_backward", fn)
    x = _x_with_zeros(25)
    dout = _rng(26).normal(size=x.shape)
    for alpha in (0.01, 0.3):
        expected = ref.leaky_relu_backward(dout, (x, alpha))
        c.close(
            c.call(dout, (x, alpha)),
            expected,
            f"dx with alpha = {alpha}",
            mistakes=[
                ("negative inputs pass alpha * dout back, not 0 (that is ReLU's backward pass).", dout * (x > 0)),
                (
                    "the gate uses dout; the slope depends on the *input* x: dout where x > 0, alpha * dout elsewhere.",
                    np.where(dout > 0, dout, alpha * dout),
                ),
                (
                    "at x == 0 exactly the forward pass used alpha * x; use x > 0, not x >= 0.",
                    np.where(x >= 0, dout, alpha * dout),
                ),
                ("dout is missing: dx = dout for x > 0, alpha * dout otherwise.", np.where(x > 0, 1.0, alpha)),
            ],
        )
    c.done()


# -- convolution -------------------------------------------------------------------------------
_SIZES = [  # size, kernel, pad, stride: all tile
    (32, 5, 2, 1),
    (28, 5, 0, 1),
    (7, 3, 1, 2),
    (227, 11, 0, 4),
    (9, 3, 0, 3),
    (6, 2, 3, 2),
    (5, 5, 0, 1),
]
_NOT_TILING = [(7, 3, 0, 3), (10, 4, 1, 3), (3, 5, 0, 1)]  # a stride that does not fit; a kernel larger than the input


def conv_output_size(fn) -> None:
    """Check `conv_output_size(size, kernel, pad, stride) -> int`, and that it raises ValueError when the
    windows do not tile the padded input."""
    c = Check("conv_output_size", fn)
    for size, k, pad, stride in _SIZES:
        expected = ref.conv_output_size(size, k, pad, stride)
        got = c.call(size, k, pad, stride)
        what = f"the output size for size {size}, kernel {k}, pad {pad}, stride {stride}"
        if not isinstance(got, (int, np.integer)):
            c.fail(f"{what} should be an int, got {type(got).__name__} {got!r}: use // once you know it divides.")
        c.close(
            got,
            expected,
            what,
            mistakes=distinct(
                [
                    ("the +1 is missing: O = (size - kernel + 2 pad) / stride + 1.", expected - 1),
                    ("the padding is on both sides: 2 * pad.", (size - k + pad) // stride + 1),
                    (
                        "subtract the kernel before dividing by the stride: (size - kernel + 2 pad) / stride + 1.",
                        (size + 2 * pad) // stride - k + 1,
                    ),
                ],
                expected,
            ),
        )
    for size, k, pad, stride in _NOT_TILING:
        case = f"size {size}, kernel {k}, pad {pad}, stride {stride}"
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                got = fn(size, k, pad, stride)
        except ValueError as exc:
            if str(exc).strip() in ("", "None"):
                c.fail(f"for {case} you raised ValueError without a message: say why, e.g. which numbers do not tile.")
            continue
        except NotImplementedError:
            c.fail("not implemented yet. Replace `raise NotImplementedError()` with your code.")
        except Exception as exc:
            c.fail(f"for {case} your function raised {type(exc).__name__}: {exc}; raise ValueError instead.")
        c.fail(
            f"for {case} the windows do not tile the padded input, but your function returned {got!r}: "
            f"raise ValueError when (size - kernel + 2 pad) is negative or not divisible by the stride."
        )
    c.require(True, "")
    c.done()


def _conv_flipped(x, w, b, cp):
    return ref.conv_forward_naive(x, w[:, :, ::-1, ::-1], b, cp)[0]


_CONV_CASES = [  # seed, x shape, w shape, conv_param, description
    (9, (2, 3, 5, 7), (4, 3, 3, 2), {"stride": 1, "pad": 1}, "a 5x7 batch, 3x2 filters, stride 1, pad 1"),
    (10, (2, 2, 7, 11), (3, 2, 3, 5), {"stride": 2, "pad": 0}, "a 7x11 batch, 3x5 filters, stride 2, pad 0"),
    (11, (1, 2, 6, 5), (2, 2, 2, 3), {"stride": 2, "pad": 2}, "a 6x5 batch, 2x3 filters, stride 2, pad 2"),
]


def _conv_case(seed, x_shape, w_shape):
    g = _rng(seed)
    return g.normal(size=x_shape), g.normal(size=w_shape), g.normal(size=w_shape[0])


def conv_forward_naive(fn) -> None:
    """Check `conv_forward_naive(x, w, b, conv_param) -> (out, cache)` on CS231n's worked example and more."""
    c = Check("conv_forward_naive", fn)
    ex = CONV_EXAMPLE
    cases = [(ex["x"], ex["w"], ex["b"], ex["conv_param"], "the worked example of CS231n's notes")]
    for seed, x_shape, w_shape, cp, what in _CONV_CASES:
        cases.append((*_conv_case(seed, x_shape, w_shape), cp, what))
    for x, w, b, cp, what in cases:
        out, cache = c.unpack(c.call(x, w, b, cp), ["out", "cache"])
        expected = ref.conv_forward_naive(x, w, b, cp)[0]
        shape, (N, F, H_out, W_out) = np.shape(out), expected.shape
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
        if H_out != W_out and shape == (N, F, W_out, H_out):
            c.fail(
                f"on {what} out has shape {shape} but should be {expected.shape}: height and width are swapped. "
                f"H' = (H - HH + 2P) / S + 1 comes from x's height and the filter's height, W' from the widths."
            )
        mistakes = [
            ("the bias is missing: add b[f] to every output of filter f.", expected - b[None, :, None, None]),
            (
                "the bias was added to every product in the window: add b[f] once, after the sum.",
                expected + (w[0].size - 1) * b[None, :, None, None],
            ),
            (
                "the filter was flipped: deep-learning 'convolution' slides w as it is (cross-correlation).",
                _conv_flipped(x, w, b, cp),
            ),
        ]
        if cp["stride"] > 1:
            mistakes.append(
                (
                    "the windows move by 1 pixel: output (i, j) takes the window starting at row i * stride "
                    "and column j * stride.",
                    ref.conv_forward_naive(x, w, b, dict(cp, stride=1))[0][:, :, :H_out, :W_out],
                )
            )
        c.close(out, expected, f"out on {what}", mistakes=mistakes)
        P = cp["pad"]
        _require_cache(
            c,
            cache,
            [("x", x), ("w", w), ("b", b), ("conv_param", cp)],
            wrong=[
                (
                    "x",
                    np.pad(x, ((0, 0), (0, 0), (P, P), (P, P))),
                    "it holds the padded x; cache the x you were given (the backward pass pads it itself).",
                )
            ]
            if P
            else [],
        )
    c.done()


def _conv_backward_variant(dout, cache, use_stride=True, accumulate_dx=True, dw_last_sample=False):
    """Typical wrong backward passes: window offsets without the stride; dx_pad windows written with
    `=` instead of `+=`; dw keeping only the last sample."""
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
                    window = (n, slice(None), slice(i * S, i * S + HH), slice(j * S, j * S + WW))
                    if accumulate_dx:
                        dxp[window] += dout[n, f, i, j] * w[f]
                    else:
                        dxp[window] = dout[n, f, i, j] * w[f]
                    dw_n[f] += dout[n, f, i, j] * xp[window]
        dw = dw_n if dw_last_sample else dw + dw_n
    return dxp[:, :, P : P + x.shape[2], P : P + x.shape[3]], dw


_CROP = "dx = dx_pad[:, :, pad:pad + H, pad:pad + W]"


def conv_backward_naive(fn) -> None:
    """Check `conv_backward_naive(dout, cache) -> (dx, dw, db)` with cache = (x, w, b, conv_param)."""
    c = Check("conv_backward_naive", fn)
    g = _rng(12)
    for x_shape, w_shape, cp in [
        ((4, 3, 5, 8), (2, 3, 3, 2), {"stride": 2, "pad": 1}),
        ((3, 2, 6, 5), (2, 2, 2, 3), {"stride": 1, "pad": 0}),
        ((2, 2, 4, 5), (3, 2, 3, 3), {"stride": 1, "pad": 2}),
    ]:
        x, w, b = g.normal(size=x_shape), g.normal(size=w_shape), g.normal(size=w_shape[0])
        out, cache = ref.conv_forward_naive(x, w, b, cp)
        dout = g.normal(size=out.shape)
        dx, dw, db = ref.conv_backward_naive(dout, cache)
        got = c.unpack(c.call(dout, cache), ["dx", "dw", "db"])
        N, F = dout.shape[:2]
        S, P = cp["stride"], cp["pad"]
        what = f"(x {x_shape[2]}x{x_shape[3]}, filters {w_shape[2]}x{w_shape[3]}, stride {S}, pad {P})"
        shape_dx = np.shape(got[0])
        if P and shape_dx == (x_shape[0], x_shape[1], x_shape[2] + 2 * P, x_shape[3] + 2 * P):
            c.fail(f"dx {what} has the padded shape {shape_dx}: crop the padding off, {_CROP}.")
        if shape_dx == x_shape[:2] + (0, 0):
            c.fail(
                f"dx {what} has shape {shape_dx}: with pad = 0 the slice pad:-pad is empty (-0 is 0). "
                f"Crop with {_CROP}, which works for every pad."
            )
        if shape_dx != x_shape:
            c.fail(f"dx {what} has shape {shape_dx} but x has shape {x_shape}: crop dx_pad to x's size, {_CROP}.")
        dx_mistakes, dw_mistakes = (
            [],
            [
                (
                    "dw keeps only the last sample: accumulate (+=) over every sample in the batch.",
                    _conv_backward_variant(dout, cache, dw_last_sample=True)[1],
                ),
                (f"dw is averaged over the batch (divided by N = {N}); sum it over the samples.", dw / N),
            ],
        )
        if S > 1:
            stride_msg = (
                "the stride was ignored in the backward pass: output (i, j) came from the window "
                "starting at (i * stride, j * stride)."
            )
            dx_ns, dw_ns = _conv_backward_variant(dout, cache, use_stride=False)
            dx_mistakes.append((stride_msg, dx_ns))
            dw_mistakes.append((stride_msg, dw_ns))
        if S < max(w_shape[2:]):
            dx_mistakes.append(
                (
                    "windows overlap (the stride is smaller than the filter), so a pixel gets gradient from "
                    "several outputs: accumulate into dx_pad with +=, do not overwrite it with =.",
                    _conv_backward_variant(dout, cache, accumulate_dx=False)[0],
                )
            )
        c.close(got[0], dx, f"dx {what}", mistakes=dx_mistakes)
        c.close(got[1], dw, f"dw {what}", mistakes=dw_mistakes)
        shape_db = np.shape(got[2])
        if shape_db != (F,):
            c.fail(
                f"db has shape {shape_db} but should be ({F},): each filter's bias adds to every output of "
                f"that filter, so sum dout over the batch and both spatial axes, axis=(0, 2, 3)."
            )
        c.close(
            got[2],
            db,
            f"db {what}",
            mistakes=[(f"db is averaged over the batch (divided by N = {N}); sum it over the samples.", db / N)],
        )
    c.done()


# -- pooling -----------------------------------------------------------------------------------
def _pool_windows(x, s, rows, cols, shape_out, reduce):
    """reduce(window) over windows of rows x cols moved by s, as a loop with NumPy's slicing would
    compute it (windows cut off at the border); None if a window is empty (that code would raise)."""
    out = np.zeros(x.shape[:2] + tuple(shape_out))
    for i in range(shape_out[0]):
        for j in range(shape_out[1]):
            win = x[:, :, i * s : i * s + rows, j * s : j * s + cols]
            if win.size == 0:
                return None
            out[:, :, i, j] = reduce(win, axis=(2, 3))
    return out


def max_pool_forward_naive(fn) -> None:
    """Check `max_pool_forward_naive(x, pool_param) -> (out, cache)` on a worked example and more."""
    c = Check("max_pool_forward_naive", fn)
    cases = [
        (POOL_EXAMPLE["x"], POOL_EXAMPLE["pool_param"], "the worked example (overlapping 2x2 windows)"),
        (
            _rng(13).normal(size=(2, 3, 6, 10)),
            {"pool_height": 2, "pool_width": 4, "stride": 2},
            "a 6x10 batch, 2x4 windows, stride 2",
        ),
        (
            _rng(14).normal(size=(1, 2, 5, 6)),
            {"pool_height": 3, "pool_width": 2, "stride": 1},
            "a 5x6 batch, overlapping 3x2 windows, stride 1",
        ),
    ]
    for x, pp, what in cases:
        out, cache = c.unpack(c.call(x, pp), ["out", "cache"])
        expected = ref.max_pool_forward_naive(x, pp)[0]
        shape, (N, C, H_out, W_out) = np.shape(out), expected.shape
        if pp["stride"] > 1 and shape == ref.max_pool_forward_naive(x, dict(pp, stride=1))[0].shape:
            c.fail(f"on {what} out has shape {shape}: the stride was ignored.")
        if H_out != W_out and shape == (N, C, W_out, H_out):
            c.fail(
                f"on {what} out has shape {shape} but should be {expected.shape}: height and width are swapped. "
                f"H' = (H - pool_height) / stride + 1, W' = (W - pool_width) / stride + 1."
            )
        s, ph, pw = pp["stride"], pp["pool_height"], pp["pool_width"]
        mistakes = [
            (
                "that is average pooling; take the maximum of each window.",
                _pool_windows(x, s, ph, pw, (H_out, W_out), np.mean),
            )
        ]
        swapped = _pool_windows(x, s, pw, ph, (H_out, W_out), np.max) if ph != pw else None
        if swapped is not None:
            mistakes.append(
                (
                    "the window is pool_width rows by pool_height columns: pool_height runs along H (rows), "
                    "pool_width along W (columns).",
                    swapped,
                )
            )
        c.close(out, expected, f"out on {what}", mistakes=mistakes)
        _require_cache(c, cache, [("x", x), ("pool_param", pp)])
    c.done()


def _pool_backward_variant(dout, x, pp, rule="argmax"):
    """Wrong backward passes. rule: "every" (dout to every element of the window), "ties" (to every
    tied maximum), "overwrite" (to the first maximum, written with = instead of +=)."""
    s, ph, pw = pp["stride"], pp["pool_height"], pp["pool_width"]
    dx = np.zeros_like(x)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            rows, cols = slice(i * s, i * s + ph), slice(j * s, j * s + pw)
            win, g = x[:, :, rows, cols], dout[:, :, i : i + 1, j : j + 1]
            if rule == "overwrite":
                flat = win.reshape(win.shape[0], win.shape[1], -1)
                mask = np.arange(ph * pw) == flat.argmax(axis=2)[..., None]
                mask = mask.reshape(win.shape)
                dx[:, :, rows, cols] = np.where(mask, g, dx[:, :, rows, cols])
            else:
                mask = win == win.max(axis=(2, 3), keepdims=True) if rule == "ties" else np.ones_like(win)
                dx[:, :, rows, cols] += mask * g
    return dx


_POOL_BACKWARD_CASES = [  # seed, x shape, pool_param
    (15, (2, 2, 4, 4), {"pool_height": 2, "pool_width": 2, "stride": 2}),
    (16, (2, 2, 5, 6), {"pool_height": 3, "pool_width": 2, "stride": 1}),
    (17, (1, 3, 4, 7), {"pool_height": 2, "pool_width": 3, "stride": 2}),
]


def max_pool_backward_naive(fn) -> None:
    """Check `max_pool_backward_naive(dout, cache) -> dx` with cache = (x, pool_param)."""
    c = Check("max_pool_backward_naive", fn)
    for seed, x_shape, pp in _POOL_BACKWARD_CASES:
        g = _rng(seed)
        x = g.normal(size=x_shape)
        s, ph, pw = pp["stride"], pp["pool_height"], pp["pool_width"]
        out_shape = x_shape[:2] + ((x_shape[2] - ph) // s + 1, (x_shape[3] - pw) // s + 1)
        dout = g.normal(size=out_shape)
        expected = ref.max_pool_backward_naive(dout, (x, pp))
        what = f"dx (x {x_shape[2]}x{x_shape[3]}, {ph}x{pw} windows, stride {s})"
        mistakes = [
            (
                "the gradient went to every element of the window; only the maximum affected the output, "
                "so only it gets dout.",
                _pool_backward_variant(dout, x, pp, "every"),
            ),
            ("dout is missing: the maximum gets dout, not 1.", (expected != 0).astype(float)),
        ]
        if s < max(ph, pw):
            mistakes.append(
                (
                    "windows overlap (stride < pool size), so one element can be the maximum of several windows "
                    "and must get the sum of their gradients: accumulate with dx[...] += dout[...], not =.",
                    _pool_backward_variant(dout, x, pp, "overwrite"),
                )
            )
        c.close(c.call(dout, (x, pp)), expected, what, mistakes=mistakes)
    _pool_ties(c)
    c.done()


# -- average pooling ---------------------------------------------------------------------------
def avg_pool_forward_naive(fn) -> None:
    """Check `avg_pool_forward_naive(x, pool_param) -> (out, cache)`: the mean of every window."""
    c = Check("avg_pool_forward_naive", fn)
    cases = [
        (_rng(27).normal(size=(2, 3, 6, 10)), {"pool_height": 2, "pool_width": 4, "stride": 2}),
        (_rng(28).normal(size=(1, 2, 5, 6)), {"pool_height": 3, "pool_width": 2, "stride": 1}),
    ]
    for x, pp in cases:
        s, ph, pw = pp["stride"], pp["pool_height"], pp["pool_width"]
        what = f"out ({x.shape[2]}x{x.shape[3]} input, {ph}x{pw} windows, stride {s})"
        out, cache = c.unpack(c.call(x, pp), ["out", "cache"])
        expected = ref.avg_pool_forward_naive(x, pp)[0]
        shape = expected.shape[2:]
        mistakes = [
            ("that is max pooling; take the mean of each window.", _pool_windows(x, s, ph, pw, shape, np.max)),
            ("that is the sum of each window; divide by its pool_height * pool_width elements.", expected * ph * pw),
            (
                "divide each window's sum by pool_height * pool_width, the number of elements in it.",
                expected * ph * pw / (ph * ph),
            ),
        ]
        swapped = _pool_windows(x, s, pw, ph, shape, np.mean)
        if swapped is not None:
            mistakes.append(("the window is pool_height rows (along H) by pool_width columns (along W).", swapped))
        c.close(out, expected, what, mistakes=distinct(mistakes, expected))
        _require_cache(c, cache, [("x", x), ("pool_param", pp)])
    c.done()


def avg_pool_backward_naive(fn) -> None:
    """Check `avg_pool_backward_naive(dout, cache) -> dx` with cache = (x, pool_param)."""
    c = Check("avg_pool_backward_naive", fn)
    for seed, x_shape, pp in _POOL_BACKWARD_CASES:
        g = _rng(seed + 20)
        x = g.normal(size=x_shape)
        s, ph, pw = pp["stride"], pp["pool_height"], pp["pool_width"]
        out_shape = x_shape[:2] + ((x_shape[2] - ph) // s + 1, (x_shape[3] - pw) // s + 1)
        dout = g.normal(size=out_shape)
        expected = ref.avg_pool_backward_naive(dout, (x, pp))
        mistakes = [
            (
                "each element gets dout / (pool_height * pool_width): every one contributed that share of the mean.",
                expected * ph * pw,
            ),
            (
                "only the maximum got the gradient (max pooling's backward pass); in a mean every element counts.",
                ref.max_pool_backward_naive(dout, (x, pp)),
            ),
        ]
        if s < max(ph, pw):
            mistakes.append(
                (
                    "windows overlap (stride < pool size), so an element gets the sum of the shares of every window "
                    "it belongs to: accumulate with dx[...] += ..., not =.",
                    _avg_overwrite(dout, x, pp),
                )
            )
        c.close(
            c.call(dout, (x, pp)),
            expected,
            f"dx (x {x_shape[2]}x{x_shape[3]}, {ph}x{pw} windows, stride {s})",
            mistakes=distinct(mistakes, expected),
        )
    c.done()


def _avg_overwrite(dout, x, pp):
    """Average pooling's backward written with = instead of +=."""
    s, ph, pw = pp["stride"], pp["pool_height"], pp["pool_width"]
    dx = np.zeros_like(x)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            dx[:, :, i * s : i * s + ph, j * s : j * s + pw] = dout[:, :, i : i + 1, j : j + 1] / (ph * pw)
    return dx


def _pool_ties(c) -> None:
    """Windows with tied maxima: any split of dout among the tied maxima is a valid subgradient
    (the first, the last, or equal shares); the gradient must not reach other elements or be
    counted more than once."""
    pp = {"pool_height": 2, "pool_width": 2, "stride": 2}
    x = np.array([[[[0.0, 0.0, 1.0, 5.0], [0.0, 0.0, 5.0, 2.0]]]])  # four equal values; two tied maxima
    dout = np.array([[[[2.0, -3.0]]]])
    dx = c.array(c.call(dout, (x, pp)), "dx on windows with tied maxima", x.shape)
    for k, name in enumerate(["four equal values", "two tied maxima"]):
        win, d, g = x[0, 0, :, 2 * k : 2 * k + 2], dx[0, 0, :, 2 * k : 2 * k + 2], dout[0, 0, 0, k]
        is_max = win == win.max()
        if np.any(d[~is_max] != 0):
            c.fail(f"on a window with {name} dx is {d.tolist()}: only the window's maximum gets gradient.")
        total = d.sum()
        if np.isclose(total, g * is_max.sum()):
            c.fail(
                f"on a window with {name} dx sums to {total:g}, not dout = {g:g}: with ties, send the gradient "
                f"to one maximum (e.g. the first, np.argmax), not to each of them."
            )
        c.require(
            np.isclose(total, g) and np.all(d * g >= 0),
            f"on a window with {name} and dout = {g:g} dx is {d.tolist()}: the tied maxima should share dout "
            f"(give it to one of them, e.g. the first, np.argmax).",
        )
