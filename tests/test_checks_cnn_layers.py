"""Checks of assignment 04: the reference passes; stubs and the issue's typical mistakes are named."""

import numpy as np
from check_harness import CheckTests

import lib.checks.cnn_layers as module
from lib import layers as L


# -- wrong implementations -----------------------------------------------------------------------
def affine_fwd_no_bias(x, w, b):
    return x.reshape(x.shape[0], -1) @ w, (x, w, b)


def affine_fwd_flat_cache(x, w, b):
    xf = x.reshape(x.shape[0], -1)
    return xf @ w + b, (xf, w, b)


def affine_bwd_not_reshaped(dout, cache):
    x, w, b = cache
    return dout @ w.T, x.reshape(x.shape[0], -1).T @ dout, dout.sum(0)


def affine_bwd_db_axis(dout, cache):
    x, w, b = cache
    return (dout @ w.T).reshape(x.shape), x.reshape(x.shape[0], -1).T @ dout, dout.sum(1)


def affine_bwd_db_mean(dout, cache):
    x, w, b = cache
    return (dout @ w.T).reshape(x.shape), x.reshape(x.shape[0], -1).T @ dout, dout.mean(0)


def relu_fwd_in_place(x):
    x[x < 0] = 0
    return x, x


def relu_fwd_abs(x):
    return np.abs(x), x


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


def conv_bwd(stride_in_backward=True, sum_dw=True, db_axes=(0, 2, 3), crop=True):
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
                        dxp[n, :, i * S : i * S + HH, j * S : j * S + WW] += dout[n, f, i, j] * w[f]
                        dw_n[f] += dout[n, f, i, j] * xp[n, :, i * S : i * S + HH, j * S : j * S + WW]
            dw = dw + dw_n if sum_dw else dw_n
        dx = dxp[:, :, P : P + x.shape[2], P : P + x.shape[3]] if crop else dxp
        return dx, dw, dout.sum(axis=db_axes)

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


class TestChecks(CheckTests):
    module = module
    min_alternatives = 0  # issue 12: raise to 2 (the default) once the alternatives are written
    references = {name: getattr(L, name) for name in module.__all__}
    mistakes = [
        ("affine_forward", affine_fwd_no_bias, "bias b is missing"),
        ("affine_forward", affine_fwd_flat_cache, "original shape"),
        ("affine_backward", affine_bwd_not_reshaped, "reshape dx to x's shape"),
        ("affine_backward", affine_bwd_db_axis, "summed over the wrong axis"),
        ("affine_backward", affine_bwd_db_mean, "averaged over the batch"),
        ("relu_forward", relu_fwd_in_place, "changed its argument `x` in place"),
        ("relu_forward", relu_fwd_abs, "absolute value"),
        ("relu_backward", relu_bwd_gated_on_dout, "gate uses dout"),
        ("relu_backward", relu_bwd_ge, "x > 0, not x >= 0"),
        ("sigmoid_forward", sigmoid_fwd_caches_x, "cache .*should be the output"),
        ("sigmoid_forward", sigmoid_fwd_overflows, "overflows np.exp"),
        ("sigmoid_backward", sigmoid_bwd_missing_factor, r"factor \(1 - out\) is missing"),
        ("sigmoid_backward", sigmoid_bwd_treats_cache_as_x, "cache holds the output"),
        ("conv_forward_naive", conv_no_padding, "padding was not applied"),
        ("conv_forward_naive", conv_flipped, "filter was flipped"),
        ("conv_forward_naive", conv_no_bias, "bias is missing"),
        ("conv_backward_naive", conv_bwd(stride_in_backward=False), "stride was ignored in the backward pass"),
        ("conv_backward_naive", conv_bwd(sum_dw=False), "dw keeps only the last sample"),
        ("conv_backward_naive", conv_bwd(db_axes=(0,)), r"db has shape \(4, 3, 3\).*axis=\(0, 2, 3\)"),
        ("conv_backward_naive", conv_bwd(db_axes=(2, 3)), r"db has shape \(2, 4\)"),
        ("conv_backward_naive", conv_bwd(crop=False), "crop the padding"),
        ("max_pool_forward_naive", pool_fwd_avg, "average pooling"),
        ("max_pool_forward_naive", pool_fwd_no_stride, "stride was ignored"),
        ("max_pool_backward_naive", pool_bwd_every_element, "every element of the window"),
        ("max_pool_backward_naive", pool_bwd_all_ties, "with ties, send the gradient to one maximum"),
    ]
