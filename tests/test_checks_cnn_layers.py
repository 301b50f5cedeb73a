"""Checks of assignment 04: the reference passes; stubs and the issue's typical mistakes are named;
correct implementations written otherwise (vectorized, einsum, other tie rules) pass."""

import numpy as np
from check_harness import CheckTests
from numpy.lib.stride_tricks import sliding_window_view

import lib.checks.cnn_layers as module
from lib import layers as L
from lib.fast_layers import conv_backward_fast, conv_forward_fast


# -- wrong implementations -----------------------------------------------------------------------
def affine_fwd_no_bias(x, w, b):
    return x.reshape(x.shape[0], -1) @ w, (x, w, b)


def affine_fwd_flat_cache(x, w, b):
    xf = x.reshape(x.shape[0], -1)
    return xf @ w + b, (xf, w, b)


def affine_fwd_caches_out(x, w, b):
    out = x.reshape(x.shape[0], -1) @ w + b
    return out, (x, w, out)


def affine_fwd_cache_order(x, w, b):
    return x.reshape(x.shape[0], -1) @ w + b, (w, x, b)


def affine_bwd_not_reshaped(dout, cache):
    x, w, b = cache
    return dout @ w.T, x.reshape(x.shape[0], -1).T @ dout, dout.sum(0)


def affine_bwd_db_axis(dout, cache):
    x, w, b = cache
    return (dout @ w.T).reshape(x.shape), x.reshape(x.shape[0], -1).T @ dout, dout.sum(1)


def affine_bwd_db_mean(dout, cache):
    x, w, b = cache
    return (dout @ w.T).reshape(x.shape), x.reshape(x.shape[0], -1).T @ dout, dout.mean(0)


def affine_bwd_dw_mean(dout, cache):
    x, w, b = cache
    return (dout @ w.T).reshape(x.shape), x.reshape(x.shape[0], -1).T @ dout / len(x), dout.sum(0)


def relu_fwd_in_place(x):
    x[x < 0] = 0
    return x, x


def relu_fwd_abs(x):
    return np.abs(x), x


def relu_fwd_caches_out(x):
    out = np.maximum(x, 0)
    return out, out


def relu_bwd_gated_on_dout(dout, cache):
    return dout * (dout > 0)


def relu_bwd_ge(dout, cache):
    return dout * (cache >= 0)


def sigmoid_fwd_caches_x(x):
    return L.sigmoid(x), x


def sigmoid_fwd_overflows(x):
    with np.errstate(over="ignore"):
        out = np.exp(x) / (1 + np.exp(x))  # inf / inf = nan for large x
    return out, out


def sigmoid_fwd_branches_swapped(x):
    e = np.exp(-np.abs(x))
    out = np.where(x >= 0, e / (1 + e), 1 / (1 + e))
    return out, out


def sigmoid_fwd_threshold_1(x):  # the stable formula, switched at 1 instead of 0: wrong on (0, 1)
    e = np.exp(-np.abs(x))
    out = np.where(x >= 1, 1 / (1 + e), e / (1 + e))
    return out, out


def sigmoid_bwd_missing_factor(dout, cache):
    return dout * cache


def sigmoid_bwd_treats_cache_as_x(dout, cache):
    s = 1 / (1 + np.exp(-cache))
    return dout * s * (1 - s)


def conv_no_padding(x, w, b, conv_param):
    return L.conv_forward_naive(x, w, b, dict(conv_param, pad=0))


def conv_flipped(x, w, b, conv_param):
    return L.conv_forward_naive(x, w[:, :, ::-1, ::-1].copy(), b, conv_param)


def conv_no_bias(x, w, b, conv_param):
    return L.conv_forward_naive(x, w, np.zeros_like(b), conv_param)


def conv_bias_in_sum(x, w, b, conv_param):
    out, cache = L.conv_forward_naive(x, w, np.zeros_like(b), conv_param)
    return out + w[0].size * b[None, :, None, None], cache


def conv_fwd_loops(x, w, b, conv_param, swap_hw=False, move_by_one=False, cache_padded=False):
    """A loop convolution with switchable mistakes: output height and width computed from the
    wrong dimensions; windows moved by 1 instead of the stride; the padded x cached."""
    S, P = conv_param["stride"], conv_param["pad"]
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    H_out, W_out = (H - HH + 2 * P) // S + 1, (W - WW + 2 * P) // S + 1
    if swap_hw:
        H_out, W_out = (W - WW + 2 * P) // S + 1, (H - HH + 2 * P) // S + 1
    step = 1 if move_by_one else S
    xp = np.pad(x, ((0, 0), (0, 0), (P, P), (P, P)))
    out = np.zeros((N, F, H_out, W_out))
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    win = xp[n, :, i * step : i * step + HH, j * step : j * step + WW]
                    if win.shape != w[f].shape:
                        continue  # past the border: leave 0
                    out[n, f, i, j] = np.sum(win * w[f]) + b[f]
    return out, ((xp if cache_padded else x), w, b, conv_param)


def conv_hw_swapped(x, w, b, conv_param):
    return conv_fwd_loops(x, w, b, conv_param, swap_hw=True)


def conv_moves_by_one(x, w, b, conv_param):
    return conv_fwd_loops(x, w, b, conv_param, move_by_one=True)


def conv_caches_padded(x, w, b, conv_param):
    return conv_fwd_loops(x, w, b, conv_param, cache_padded=True)


def conv_bwd(
    stride_in_backward=True,
    sum_dw=True,
    db_axes=(0, 2, 3),
    crop="ok",
    accumulate_dx=True,
    dw_scale=1.0,
    db_scale=1.0,
):
    """A loop backward pass with switchable mistakes. crop: "ok", "none", "minus" (pad:-pad) or
    "width" (x's width used for the height too)."""

    def backward(dout, cache):
        x, w, b, cp = cache
        S, P = (cp["stride"] if stride_in_backward else 1), cp["pad"]
        xp = np.pad(x, ((0, 0), (0, 0), (P, P), (P, P)))
        dxp, dw = np.zeros_like(xp), np.zeros_like(w)
        N, F, Ho, Wo = dout.shape
        HH, WW = w.shape[2:]
        for n in range(N):
            dw_n = np.zeros_like(w)
            for f in range(F):
                for i in range(Ho):
                    for j in range(Wo):
                        if accumulate_dx:
                            dxp[n, :, i * S : i * S + HH, j * S : j * S + WW] += dout[n, f, i, j] * w[f]
                        else:
                            dxp[n, :, i * S : i * S + HH, j * S : j * S + WW] = dout[n, f, i, j] * w[f]
                        dw_n[f] += dout[n, f, i, j] * xp[n, :, i * S : i * S + HH, j * S : j * S + WW]
            dw = dw + dw_n if sum_dw else dw_n
        dx = {
            "ok": lambda: dxp[:, :, P : P + x.shape[2], P : P + x.shape[3]],
            "none": lambda: dxp,
            "minus": lambda: dxp[:, :, P:-P, P:-P],
            "width": lambda: dxp[:, :, P : P + x.shape[3], P : P + x.shape[3]],
        }[crop]()
        return dx, dw * dw_scale, dout.sum(axis=db_axes) * db_scale

    return backward


def pool_fwd_avg(x, pool_param):
    s, ph, pw = pool_param["stride"], pool_param["pool_height"], pool_param["pool_width"]
    Ho, Wo = (x.shape[2] - ph) // s + 1, (x.shape[3] - pw) // s + 1
    out = np.zeros(x.shape[:2] + (Ho, Wo))
    for i in range(Ho):
        for j in range(Wo):
            out[:, :, i, j] = x[:, :, i * s : i * s + ph, j * s : j * s + pw].mean(axis=(2, 3))
    return out, (x, pool_param)


def pool_fwd_no_stride(x, pool_param):
    return L.max_pool_forward_naive(x, dict(pool_param, stride=1))


def pool_fwd_window_swapped(x, pool_param):
    s, ph, pw = pool_param["stride"], pool_param["pool_height"], pool_param["pool_width"]
    Ho, Wo = (x.shape[2] - ph) // s + 1, (x.shape[3] - pw) // s + 1
    out = np.zeros(x.shape[:2] + (Ho, Wo))
    for i in range(Ho):
        for j in range(Wo):
            out[:, :, i, j] = x[:, :, i * s : i * s + pw, j * s : j * s + ph].max(axis=(2, 3))
    return out, (x, pool_param)


def pool_fwd_shape_swapped(x, pool_param):
    s, ph, pw = pool_param["stride"], pool_param["pool_height"], pool_param["pool_width"]
    Ho, Wo = (x.shape[3] - pw) // s + 1, (x.shape[2] - ph) // s + 1  # height from the width
    out = np.zeros(x.shape[:2] + (Ho, Wo))
    for i in range(Ho):
        for j in range(Wo):
            win = x[:, :, i * s : i * s + ph, j * s : j * s + pw]
            if win.shape[2:] == (ph, pw):
                out[:, :, i, j] = win.max(axis=(2, 3))
    return out, (x, pool_param)


def pool_fwd_caches_out(x, pool_param):
    out, _ = L.max_pool_forward_naive(x, pool_param)
    return out, (out, pool_param)


def pool_bwd_every_element(dout, cache):
    x, pp = cache
    s, ph, pw = pp["stride"], pp["pool_height"], pp["pool_width"]
    dx = np.zeros_like(x)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            dx[:, :, i * s : i * s + ph, j * s : j * s + pw] += dout[:, :, i : i + 1, j : j + 1]
    return dx


def pool_bwd_all_ties(dout, cache):
    x, pp = cache
    s, ph, pw = pp["stride"], pp["pool_height"], pp["pool_width"]
    dx = np.zeros_like(x)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            win = x[:, :, i * s : i * s + ph, j * s : j * s + pw]
            dx[:, :, i * s : i * s + ph, j * s : j * s + pw] += (win == win.max(axis=(2, 3), keepdims=True)) * dout[
                :, :, i : i + 1, j : j + 1
            ]
    return dx


def pool_bwd_overwrites(dout, cache):  # `=` instead of `+=`: wrong where windows overlap
    x, pp = cache
    s, ph, pw = pp["stride"], pp["pool_height"], pp["pool_width"]
    dx = np.zeros_like(x)
    for n in range(x.shape[0]):
        for c in range(x.shape[1]):
            for i in range(dout.shape[2]):
                for j in range(dout.shape[3]):
                    r, q = np.unravel_index(np.argmax(x[n, c, i * s : i * s + ph, j * s : j * s + pw]), (ph, pw))
                    dx[n, c, i * s + r, j * s + q] = dout[n, c, i, j]
    return dx


def pool_bwd_ties_to_corner(dout, cache):  # with a tie, dout goes to the window's top-left element
    x, pp = cache
    s, ph, pw = pp["stride"], pp["pool_height"], pp["pool_width"]
    dx = L.max_pool_backward_naive(dout, cache)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            win = x[:, :, i * s : i * s + ph, j * s : j * s + pw]
            tied = (win == win.max(axis=(2, 3), keepdims=True)).sum(axis=(2, 3)) > 1
            n, c = np.nonzero(tied)
            dx[n, c, i * s : i * s + ph, j * s : j * s + pw] = 0
            dx[n, c, i * s, j * s] = dout[n, c, i, j]
    return dx


# -- correct implementations written otherwise ---------------------------------------------------
def affine_fwd_einsum(x, w, b):
    return np.einsum("nd,dm->nm", x.reshape(len(x), -1), w) + b, (x, w, b)


def affine_fwd_dot_list_cache(x, w, b):
    D = w.shape[0]
    return np.dot(x.reshape(-1, D), w) + b[None, :], [x, w, b]


def affine_bwd_einsum(dout, cache):
    x, w, b = cache
    xf = x.reshape(len(x), -1)
    return np.einsum("nm,dm->nd", dout, w).reshape(x.shape), np.einsum("nd,nm->dm", xf, dout), np.einsum("nm->m", dout)


def affine_bwd_loops(dout, cache):
    x, w, b = cache
    dx, dw, db = np.zeros(x.shape), np.zeros(w.shape), np.zeros(b.shape)
    for n in range(len(x)):
        dx[n] = (w @ dout[n]).reshape(x.shape[1:])
        dw += np.outer(x[n].ravel(), dout[n])
        db += dout[n]
    return dx, dw, db


def relu_fwd_mask(x):
    return x * (x > 0), x


def relu_fwd_where(x):
    return np.where(x > 0, x, 0.0), x.copy()


def relu_bwd_where(dout, cache):
    return np.where(cache > 0, dout, 0.0)


def relu_bwd_heaviside(dout, cache):
    return dout * np.heaviside(cache, 0.0)


def sigmoid_fwd_tanh(x):
    out = 0.5 * (1 + np.tanh(x / 2))
    return out, out


def sigmoid_fwd_two_exps(x):
    with np.errstate(over="ignore", invalid="ignore"):
        out = np.where(x < 0, np.exp(x) / (1 + np.exp(x)), 1 / (1 + np.exp(-x)))
    return out, out


def sigmoid_bwd_expanded(dout, cache):
    return dout * cache - dout * cache**2


def sigmoid_bwd_float32(dout, cache):
    out = cache.astype(np.float32)
    return (dout.astype(np.float32) * out * (1 - out)).astype(np.float64)


def conv_fwd_windows(x, w, b, conv_param):
    S, P = conv_param["stride"], conv_param["pad"]
    xp = np.pad(x, ((0, 0), (0, 0), (P, P), (P, P)))
    win = sliding_window_view(xp, w.shape[2:], axis=(2, 3))[:, :, ::S, ::S]  # (N, C, H', W', HH, WW)
    return np.einsum("nchwij,fcij->nfhw", win, w) + b[:, None, None], (x, w, b, conv_param)


def conv_fwd_by_offsets(x, w, b, conv_param):
    """Loop over the filter's offsets (di, dj), not over output positions."""
    S, P = conv_param["stride"], conv_param["pad"]
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    Ho, Wo = (H + 2 * P - HH) // S + 1, (W + 2 * P - WW) // S + 1
    xp = np.zeros((N, C, H + 2 * P, W + 2 * P))
    xp[:, :, P : P + H, P : P + W] = x
    out = np.zeros((N, F, Ho, Wo))
    for di in range(HH):
        for dj in range(WW):
            patch = xp[:, :, di : di + S * (Ho - 1) + 1 : S, dj : dj + S * (Wo - 1) + 1 : S]
            out += np.einsum("nchw,fc->nfhw", patch, w[:, :, di, dj])
    return out + b.reshape(1, -1, 1, 1), (x, w, b, conv_param)


def conv_bwd_by_offsets(dout, cache):
    x, w, b, cp = cache
    S, P = cp["stride"], cp["pad"]
    N, F, Ho, Wo = dout.shape
    HH, WW = w.shape[2:]
    xp = np.pad(x, ((0, 0), (0, 0), (P, P), (P, P)))
    dxp, dw = np.zeros_like(xp), np.zeros_like(w)
    for di in range(HH):
        for dj in range(WW):
            rows, cols = slice(di, di + S * (Ho - 1) + 1, S), slice(dj, dj + S * (Wo - 1) + 1, S)
            dxp[:, :, rows, cols] += np.einsum("nfhw,fc->nchw", dout, w[:, :, di, dj])
            dw[:, :, di, dj] = np.einsum("nfhw,nchw->fc", dout, xp[:, :, rows, cols])
    return dxp[:, :, P : xp.shape[2] - P, P : xp.shape[3] - P], dw, dout.sum(axis=(0, 2, 3))


def conv_bwd_via_fast(dout, cache):
    x, w, b, cp = cache
    _, fast_cache = conv_forward_fast(x, w, b, cp)
    return conv_backward_fast(dout, fast_cache)


def pool_fwd_windows(x, pool_param):
    s, ph, pw = pool_param["stride"], pool_param["pool_height"], pool_param["pool_width"]
    win = sliding_window_view(x, (ph, pw), axis=(2, 3))[:, :, ::s, ::s]
    return win.max(axis=(4, 5)), (x, pool_param)


def pool_fwd_loops(x, pool_param):
    s, ph, pw = pool_param["stride"], pool_param["pool_height"], pool_param["pool_width"]
    N, C, H, W = x.shape
    out = np.empty((N, C, (H - ph) // s + 1, (W - pw) // s + 1))
    for n in range(N):
        for c in range(C):
            for i in range(out.shape[2]):
                for j in range(out.shape[3]):
                    out[n, c, i, j] = max(x[n, c, i * s + a, j * s + q] for a in range(ph) for q in range(pw))
    return out, (x, pool_param)


def pool_bwd_last_max(dout, cache):
    """Ties go to the last maximum in row-major order: another valid subgradient."""
    x, pp = cache
    s, ph, pw = pp["stride"], pp["pool_height"], pp["pool_width"]
    dx = np.zeros_like(x)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            win = x[:, :, i * s : i * s + ph, j * s : j * s + pw].reshape(x.shape[0], x.shape[1], -1)
            last = ph * pw - 1 - np.argmax(win[:, :, ::-1], axis=2)
            r, q = np.unravel_index(last, (ph, pw))
            n, c = np.indices(last.shape)
            np.add.at(dx, (n, c, i * s + r, j * s + q), dout[:, :, i, j])
    return dx


def pool_bwd_shared_ties(dout, cache):
    """Tied maxima share the gradient equally: a valid subgradient too."""
    x, pp = cache
    s, ph, pw = pp["stride"], pp["pool_height"], pp["pool_width"]
    dx = np.zeros_like(x)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            win = x[:, :, i * s : i * s + ph, j * s : j * s + pw]
            mask = win == win.max(axis=(2, 3), keepdims=True)
            dx[:, :, i * s : i * s + ph, j * s : j * s + pw] += (
                mask / mask.sum(axis=(2, 3), keepdims=True) * dout[:, :, i : i + 1, j : j + 1]
            )
    return dx


# -- tanh, leaky ReLU, output size, average pooling ---------------------------------------------------
def tanh_fwd_sigmoid(x):
    out = L.sigmoid(x)
    return out, out


def tanh_fwd_caches_x(x):
    return np.tanh(x), x


def tanh_fwd_exp(x):
    out = (np.exp(x) - np.exp(-x)) / (np.exp(x) + np.exp(-x))  # inf / inf = nan for large |x|
    return out, out


def tanh_fwd_via_sigmoid(x):
    out = 2 * L.sigmoid(2 * x) - 1
    return out, out


def tanh_fwd_expm1(x):
    e = np.exp(-2 * np.abs(x))
    out = np.sign(x) * (1 - e) / (1 + e)
    return out, out


def tanh_bwd_no_square(dout, cache):
    return dout * (1 - cache)


def tanh_bwd_cache_as_x(dout, cache):
    return dout * (1 - np.tanh(cache) ** 2)


def tanh_bwd_sigmoid(dout, cache):
    return dout * cache * (1 - cache)


def tanh_bwd_factored(dout, cache):
    return dout * (1 - cache) * (1 + cache)


def tanh_bwd_cosh(dout, cache):
    return dout / np.cosh(np.arctanh(cache)) ** 2


def leaky_fwd_relu(x, alpha=0.01):
    return np.maximum(x, 0), (x, alpha)


def leaky_fwd_default_01(x, alpha=0.1):
    return np.where(x > 0, x, alpha * x), (x, alpha)


def leaky_fwd_caches_out(x, alpha=0.01):
    out = np.where(x > 0, x, alpha * x)
    return out, (out, alpha)


def leaky_fwd_max(x, alpha=0.01):
    return np.maximum(x, alpha * x), (x, alpha)


def leaky_fwd_mask(x, alpha=0.01):
    slope = np.ones_like(x)
    slope[x <= 0] = alpha
    return x * slope, (x, alpha)


def leaky_bwd_relu(dout, cache):
    x, _ = cache
    return dout * (x > 0)


def leaky_bwd_ge(dout, cache):
    x, alpha = cache
    return np.where(x >= 0, dout, alpha * dout)


def leaky_bwd_gate_dout(dout, cache):
    x, alpha = cache
    return np.where(dout > 0, dout, alpha * dout)


def leaky_bwd_mask(dout, cache):
    x, alpha = cache
    return dout * (alpha + (1 - alpha) * (x > 0))


def leaky_bwd_loop(dout, cache):
    x, alpha = cache
    dx = dout.copy()
    dx[x <= 0] *= alpha
    return dx


def size_no_plus_one(size, kernel, pad, stride):
    return (size - kernel + 2 * pad) // stride


def size_one_pad(size, kernel, pad, stride):
    return (size - kernel + pad) // stride + 1


def size_no_raise(size, kernel, pad, stride):
    return (size - kernel + 2 * pad) // stride + 1


def size_float(size, kernel, pad, stride):
    if (size - kernel + 2 * pad) % stride or size + 2 * pad < kernel:
        raise ValueError("does not tile")
    return (size - kernel + 2 * pad) / stride + 1


def size_assert(size, kernel, pad, stride):
    assert (size - kernel + 2 * pad) % stride == 0 and size + 2 * pad >= kernel, "does not tile"
    return (size - kernel + 2 * pad) // stride + 1


def size_silent_error(size, kernel, pad, stride):
    if (size - kernel + 2 * pad) % stride or size + 2 * pad < kernel:
        raise ValueError
    return (size - kernel + 2 * pad) // stride + 1


def size_none_message(size, kernel, pad, stride):
    if (size - kernel + 2 * pad) % stride or size + 2 * pad < kernel:
        raise ValueError(None)
    return (size - kernel + 2 * pad) // stride + 1


def size_divmod(size, kernel, pad, stride):
    q, r = divmod(size + 2 * pad - kernel, stride)
    if r or q < 0:
        raise ValueError(f"a window of {kernel} with stride {stride} does not tile {size} + 2 * {pad}")
    return int(q) + 1


def size_count_windows(size, kernel, pad, stride):
    starts = range(0, size + 2 * pad - kernel + 1, stride)
    if not starts or starts[-1] + kernel != size + 2 * pad:
        raise ValueError("the windows do not tile the padded input")
    return len(starts)


def _avg_variant(reduce="mean", overwrite=False, divide=True):
    def pool_backward(dout, cache):
        x, pp = cache
        s, ph, pw = pp["stride"], pp["pool_height"], pp["pool_width"]
        dx = np.zeros_like(x)
        for i in range(dout.shape[2]):
            for j in range(dout.shape[3]):
                share = dout[:, :, i : i + 1, j : j + 1] / (ph * pw if divide else 1)
                if overwrite:
                    dx[:, :, i * s : i * s + ph, j * s : j * s + pw] = share
                else:
                    dx[:, :, i * s : i * s + ph, j * s : j * s + pw] += share
        return dx

    return pool_backward


def avg_fwd_max(x, pool_param):
    return L.max_pool_forward_naive(x, pool_param)


def avg_fwd_sum(x, pool_param):
    out, cache = L.avg_pool_forward_naive(x, pool_param)
    return out * pool_param["pool_height"] * pool_param["pool_width"], cache


def avg_fwd_square(x, pool_param):
    out, cache = L.avg_pool_forward_naive(x, pool_param)
    ph, pw = pool_param["pool_height"], pool_param["pool_width"]
    return out * pw / ph, cache


def avg_fwd_windows(x, pool_param):
    s, ph, pw = pool_param["stride"], pool_param["pool_height"], pool_param["pool_width"]
    windows = sliding_window_view(x, (ph, pw), axis=(2, 3))[:, :, ::s, ::s]
    return windows.mean(axis=(-2, -1)), (x, pool_param)


def avg_fwd_conv(x, pool_param):
    N, C, H, W = x.shape
    s, ph, pw = pool_param["stride"], pool_param["pool_height"], pool_param["pool_width"]
    w = np.ones((1, 1, ph, pw)) / (ph * pw)
    out = conv_forward_fast(x.reshape(N * C, 1, H, W), w, np.zeros(1), {"stride": s, "pad": 0})[0]
    return out.reshape(N, C, *out.shape[2:]), (x, pool_param)


def avg_bwd_windows(dout, cache):
    x, pp = cache
    s, ph, pw = pp["stride"], pp["pool_height"], pp["pool_width"]
    dx = np.zeros_like(x)
    for a in range(ph):
        for b in range(pw):  # element (a, b) of every window at once
            dx[:, :, a : a + s * dout.shape[2] : s, b : b + s * dout.shape[3] : s] += dout / (ph * pw)
    return dx


class TestChecks(CheckTests):
    module = module
    references = {name: getattr(L, name) for name in module.__all__}
    mistakes = [
        ("tanh_forward", tanh_fwd_sigmoid, "that is the sigmoid"),
        ("tanh_forward", tanh_fwd_caches_x, "holds the input x"),
        ("tanh_forward", tanh_fwd_exp, "overflows np.exp"),
        ("tanh_backward", tanh_bwd_no_square, "square the output"),
        ("tanh_backward", tanh_bwd_cache_as_x, "cache holds the output"),
        ("tanh_backward", tanh_bwd_sigmoid, "sigmoid's derivative"),
        ("leaky_relu_forward", leaky_fwd_relu, "that is ReLU"),
        ("leaky_relu_forward", leaky_fwd_default_01, "default alpha is 0.01"),
        ("leaky_relu_forward", leaky_fwd_caches_out, r"cache\[0\] should be x"),
        ("leaky_relu_backward", leaky_bwd_relu, "ReLU's backward pass"),
        ("leaky_relu_backward", leaky_bwd_ge, "not x >= 0"),
        ("leaky_relu_backward", leaky_bwd_gate_dout, "gate uses dout"),
        ("conv_output_size", size_no_plus_one, r"\+1 is missing"),
        ("conv_output_size", size_one_pad, "2 \\* pad"),
        ("conv_output_size", size_no_raise, "raise ValueError when"),
        ("conv_output_size", size_float, "should be an int"),
        ("conv_output_size", size_assert, "raised AssertionError"),
        ("conv_output_size", size_silent_error, "without a message"),
        ("conv_output_size", size_none_message, "without a message"),
        ("avg_pool_forward_naive", avg_fwd_max, "that is max pooling"),
        ("avg_pool_forward_naive", avg_fwd_sum, "sum of each window"),
        ("avg_pool_forward_naive", avg_fwd_square, "number of elements"),
        ("avg_pool_backward_naive", _avg_variant(divide=False), "dout / \\(pool_height \\* pool_width\\)"),
        ("avg_pool_backward_naive", _avg_variant(overwrite=True), "accumulate"),
        ("avg_pool_backward_naive", lambda dout, cache: L.max_pool_backward_naive(dout, cache), "only the maximum"),
        ("affine_forward", affine_fwd_no_bias, "bias b is missing"),
        ("affine_forward", affine_fwd_flat_cache, "x flattened; keep x in its original shape"),
        ("affine_forward", affine_fwd_caches_out, r"cache\[2\] should be b"),
        ("affine_forward", affine_fwd_cache_order, r"cache\[0\] should be x"),
        ("affine_backward", affine_bwd_not_reshaped, "reshape dx to x's shape"),
        ("affine_backward", affine_bwd_db_axis, "summed over the wrong axis"),
        ("affine_backward", affine_bwd_db_mean, r"db .*averaged over the batch \(divided by N = 4\)"),
        ("affine_backward", affine_bwd_dw_mean, r"dw .*averaged over the batch \(divided by N = 4\)"),
        ("relu_forward", relu_fwd_in_place, "changed its argument `x` in place"),
        ("relu_forward", relu_fwd_abs, "absolute value"),
        ("relu_forward", relu_fwd_caches_out, "holds the output; cache the input x"),
        ("relu_backward", relu_bwd_gated_on_dout, "gate uses dout"),
        ("relu_backward", relu_bwd_ge, "x > 0, not x >= 0"),
        ("sigmoid_forward", sigmoid_fwd_caches_x, "cache .*should be the output"),
        ("sigmoid_forward", sigmoid_fwd_overflows, "overflows np.exp"),
        ("sigmoid_forward", sigmoid_fwd_branches_swapped, r"sigma\(-x\) = 1 - sigma\(x\)"),
        ("sigmoid_forward", sigmoid_fwd_threshold_1, r"out is wrong: at index \(1, \d\) expected 0\.7"),
        ("sigmoid_backward", sigmoid_bwd_missing_factor, r"factor \(1 - out\) is missing"),
        ("sigmoid_backward", sigmoid_bwd_treats_cache_as_x, "cache holds the output"),
        ("conv_forward_naive", conv_no_padding, "padding was not applied"),
        ("conv_forward_naive", conv_flipped, "filter was flipped"),
        ("conv_forward_naive", conv_no_bias, "bias is missing"),
        ("conv_forward_naive", conv_bias_in_sum, "bias was added to every product"),
        ("conv_forward_naive", conv_hw_swapped, "height and width are swapped"),
        ("conv_forward_naive", conv_moves_by_one, "windows move by 1 pixel"),
        ("conv_forward_naive", conv_caches_padded, "holds the padded x"),
        ("conv_backward_naive", conv_bwd(stride_in_backward=False), "stride was ignored in the backward pass"),
        ("conv_backward_naive", conv_bwd(sum_dw=False), "dw keeps only the last sample"),
        ("conv_backward_naive", conv_bwd(db_axes=(0,)), r"db has shape \(2, 3, 5\).*axis=\(0, 2, 3\)"),
        ("conv_backward_naive", conv_bwd(db_axes=(2, 3)), r"db has shape \(4, 2\)"),
        ("conv_backward_naive", conv_bwd(crop="none"), r"padded shape .*pad:pad \+ H, pad:pad \+ W"),
        ("conv_backward_naive", conv_bwd(crop="minus"), r"pad = 0 the slice pad:-pad is empty"),
        ("conv_backward_naive", conv_bwd(crop="width"), r"shape \(4, 3, 6, 8\) but x has shape \(4, 3, 5, 8\)"),
        ("conv_backward_naive", conv_bwd(accumulate_dx=False), "accumulate into dx_pad with"),
        ("conv_backward_naive", conv_bwd(dw_scale=1 / 4), r"dw is averaged over the batch \(divided by N = 4\)"),
        ("conv_backward_naive", conv_bwd(db_scale=1 / 4), r"db is averaged over the batch \(divided by N = 4\)"),
        ("max_pool_forward_naive", pool_fwd_avg, "average pooling"),
        ("max_pool_forward_naive", pool_fwd_no_stride, "stride was ignored"),
        ("max_pool_forward_naive", pool_fwd_window_swapped, "pool_height runs along H"),
        ("max_pool_forward_naive", pool_fwd_shape_swapped, "height and width are swapped"),
        ("max_pool_forward_naive", pool_fwd_caches_out, r"cache\[0\] should be x"),
        ("max_pool_backward_naive", pool_bwd_every_element, "every element of the window"),
        ("max_pool_backward_naive", pool_bwd_all_ties, "with ties, send the gradient to one maximum"),
        ("max_pool_backward_naive", pool_bwd_overwrites, r"windows overlap .*accumulate with"),
        ("max_pool_backward_naive", pool_bwd_ties_to_corner, "only the window's maximum gets gradient"),
    ]
    alternatives = [
        ("tanh_forward", tanh_fwd_via_sigmoid),
        ("tanh_forward", tanh_fwd_expm1),
        ("tanh_backward", tanh_bwd_factored),
        ("tanh_backward", tanh_bwd_cosh),
        ("leaky_relu_forward", leaky_fwd_max),
        ("leaky_relu_forward", leaky_fwd_mask),
        ("leaky_relu_backward", leaky_bwd_mask),
        ("leaky_relu_backward", leaky_bwd_loop),
        ("conv_output_size", size_divmod),
        ("conv_output_size", size_count_windows),
        ("avg_pool_forward_naive", avg_fwd_windows),
        ("avg_pool_forward_naive", avg_fwd_conv),
        ("avg_pool_backward_naive", avg_bwd_windows),
        ("avg_pool_backward_naive", _avg_variant()),
        ("affine_forward", affine_fwd_einsum),
        ("affine_forward", affine_fwd_dot_list_cache),
        ("affine_backward", affine_bwd_einsum),
        ("affine_backward", affine_bwd_loops),
        ("relu_forward", relu_fwd_mask),
        ("relu_forward", relu_fwd_where),
        ("relu_backward", relu_bwd_where),
        ("relu_backward", relu_bwd_heaviside),
        ("sigmoid_forward", sigmoid_fwd_tanh),
        ("sigmoid_forward", sigmoid_fwd_two_exps),
        ("sigmoid_backward", sigmoid_bwd_expanded),
        ("sigmoid_backward", sigmoid_bwd_float32),
        ("conv_forward_naive", conv_fwd_windows),
        ("conv_forward_naive", conv_fwd_by_offsets),
        ("conv_backward_naive", conv_bwd_by_offsets),
        ("conv_backward_naive", conv_bwd_via_fast),
        ("max_pool_forward_naive", pool_fwd_windows),
        ("max_pool_forward_naive", pool_fwd_loops),
        ("max_pool_backward_naive", pool_bwd_last_max),
        ("max_pool_backward_naive", pool_bwd_shared_ties),
    ]
