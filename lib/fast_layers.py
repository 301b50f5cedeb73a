"""Fast convolution and max pooling in pure NumPy: same results as the naive layers.

Convolution as one matrix product (im2col; Chellapilla, Puri & Simard, 2006, "High performance
convolutional neural networks for document processing"): every receptive field of the padded
input becomes a row of a matrix `cols` of shape (N*H'*W', C*HH*WW), read without copying through
NumPy's `sliding_window_view`; the filters become a (C*HH*WW, F) matrix; their product is the
output. The backward pass is two more products, and col2im adds the columns' gradients back
into the input with a loop over the HH*WW kernel offsets only.

No compiled extension and no build step: dtypes are preserved (float32 in, float32 out).
"""
from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .layers import _check_conv, _check_pool


def _windows(xp, HH, WW, stride):
    """View (N, C, H', W', HH, WW) of every receptive field of the padded input xp; no copy."""
    return sliding_window_view(xp, (HH, WW), axis=(2, 3))[:, :, ::stride, ::stride]


def conv_forward_fast(x, w, b, conv_param):
    """Convolution with the same inputs, outputs and errors as `layers.conv_forward_naive`.

    x: (N, C, H, W); w: (F, C, HH, WW); b: (F,); conv_param {"stride", "pad"}.
    Returns out: (N, F, H', W') in x's float dtype, and a cache for `conv_backward_fast`.
    """
    stride, pad, H_out, W_out = _check_conv(x, w, b, conv_param)
    N, C = x.shape[:2]
    F, _, HH, WW = w.shape
    dtype = np.result_type(x, w)
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad))).astype(dtype, copy=False)
    # rows: (n, i, j) output positions; columns: (c, di, dj) offsets inside the window
    cols = _windows(xp, HH, WW, stride).transpose(0, 2, 3, 1, 4, 5).reshape(N * H_out * W_out, C * HH * WW)
    out = cols @ w.reshape(F, -1).T.astype(dtype, copy=False) + b.astype(dtype, copy=False)
    out = out.reshape(N, H_out, W_out, F).transpose(0, 3, 1, 2)
    return np.ascontiguousarray(out), (x.shape, xp.shape, w, cols, conv_param, dtype)


def conv_backward_fast(dout, cache):
    """Backward pass of `conv_forward_fast`. Returns dx (N, C, H, W), dw (F, C, HH, WW), db (F,)."""
    x_shape, xp_shape, w, cols, conv_param, dtype = cache
    stride, pad = conv_param.get("stride", 1), conv_param.get("pad", 0)
    N, C, H, W = x_shape
    F, _, HH, WW = w.shape
    _, _, H_out, W_out = dout.shape
    dout_mat = dout.transpose(0, 2, 3, 1).reshape(-1, F).astype(dtype, copy=False)
    db = dout_mat.sum(axis=0)
    dw = (dout_mat.T @ cols).reshape(w.shape)
    dcols = (dout_mat @ w.reshape(F, -1).astype(dtype, copy=False)).reshape(N, H_out, W_out, C, HH, WW)
    dxp = np.zeros(xp_shape, dtype=dtype)
    # col2im: the gradient of each window offset (di, dj) lands on a strided grid of the input
    for di in range(HH):
        for dj in range(WW):
            dxp[:, :, di : di + stride * H_out : stride, dj : dj + stride * W_out : stride] += \
                dcols[:, :, :, :, di, dj].transpose(0, 3, 1, 2)
    return dxp[:, :, pad : pad + H, pad : pad + W], dw, db


def max_pool_forward_fast(x, pool_param):
    """Max pooling with the same results as `layers.max_pool_forward_naive`.

    Vectorized over every window; the argmax of each window is kept for the backward pass, so
    ties go to the first maximum exactly as in the naive version. x: (N, C, H, W).
    Returns out: (N, C, H', W') in x's dtype, and a cache.
    """
    ph, pw, s, H_out, W_out = _check_pool(x, pool_param)
    windows = sliding_window_view(x, (ph, pw), axis=(2, 3))[:, :, ::s, ::s]
    flat = windows.reshape(*windows.shape[:4], ph * pw)
    arg = flat.argmax(axis=-1)
    out = np.take_along_axis(flat, arg[..., None], axis=-1)[..., 0]
    return out, (x.shape, x.dtype, arg, pool_param)


def max_pool_backward_fast(dout, cache):
    """Backward pass of `max_pool_forward_fast`: each window's gradient goes to its (first) maximum."""
    x_shape, dtype, arg, pool_param = cache
    ph, pw, s = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    N, C, H, W = x_shape
    H_out, W_out = arg.shape[2:]
    # contribution of every window to its (ph, pw) patch: dout at the argmax, zero elsewhere
    patch = (np.arange(ph * pw) == arg[..., None]) * dout[..., None].astype(np.result_type(dtype, dout))
    patch = patch.reshape(N, C, H_out, W_out, ph, pw)
    dx = np.zeros(x_shape, dtype=patch.dtype)
    if s == ph and s == pw and H == H_out * ph and W == W_out * pw:  # non-overlapping tiling: a reshape
        return patch.transpose(0, 1, 2, 4, 3, 5).reshape(x_shape)
    for di in range(ph):  # overlapping windows: add each offset's contributions
        for dj in range(pw):
            dx[:, :, di : di + s * H_out : s, dj : dj + s * W_out : s] += patch[:, :, :, :, di, dj]
    return dx


__all__ = ["conv_forward_fast", "conv_backward_fast", "max_pool_forward_fast", "max_pool_backward_fast"]
