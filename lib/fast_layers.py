"""Fast convolution and max pooling in pure NumPy: same results as the naive layers.

Convolution as matrix products (im2col; Chellapilla, Puri & Simard, 2006, "High performance
convolutional neural networks for document processing"): every receptive field of the padded
input becomes a column of a matrix `cols` of shape (C*HH*WW, positions) per sample; the filters
become an (F, C*HH*WW) matrix; their product is the output. The backward pass is two more
products, and col2im adds the columns' gradients back into the input, looping over the HH*WW
kernel offsets only.

Stride 1 (every layer of LeNet-5) uses "wide rows": positions run over whole rows of the padded
input (W + 2P of them, of which the last WW - 1 are discarded), so that for each kernel offset
(di, dj) the positions form one contiguous slice of the flattened image. im2col is then a gather
of contiguous runs, col2im a sum of contiguous slices, and the output needs no transpose. Other
strides read the windows through NumPy's `sliding_window_view`.

No compiled extension and no build step: dtypes are preserved (float32 in, float32 out).
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .layers import conv_shapes, pool_shapes


def _wide_flat(x, pad, slack):
    """x (N, C, H, W) zero-padded and laid out channel-major as (C, N, Hp*Wp + slack)."""
    N, C, H, W = x.shape
    Hp, Wp = H + 2 * pad, W + 2 * pad
    flat = np.zeros((C, N, Hp * Wp + slack), x.dtype)
    flat[:, :, : Hp * Wp].reshape(C, N, Hp, Wp)[:, :, pad : pad + H, pad : pad + W] = x.transpose(1, 0, 2, 3)
    return flat


def conv_forward_fast(x, w, b, conv_param):
    """Convolution with the same inputs, outputs and errors as `layers.conv_forward_naive`.

    x: (N, C, H, W); w: (F, C, HH, WW); b: (F,); conv_param {"stride", "pad"}.
    Returns out: (N, F, H', W') in the inputs' float dtype, and a cache for `conv_backward_fast`.
    """
    stride, pad, H_out, W_out = conv_shapes(x, w, b, conv_param)
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    dtype = np.result_type(x, w)
    w_mat = w.reshape(F, -1).astype(dtype, copy=False)
    if stride == 1:
        # Channel-major wide rows: cols[(c, di, dj), (n, p)] = padded x[n, c] flattened, at p + di*Wp + dj.
        Wp = W + 2 * pad
        L = H_out * Wp
        flat = _wide_flat(x.astype(dtype, copy=False), pad, WW - 1)
        cols = np.empty((C, HH, WW, N, L), dtype)
        for di in range(HH):  # im2col: each kernel offset is one contiguous slice of the flat rows
            for dj in range(WW):
                start = di * Wp + dj
                cols[:, di, dj] = flat[:, :, start : start + L]
        cols = cols.reshape(C * HH * WW, N * L)
        out = (w_mat @ cols).reshape(F, N, H_out, Wp)[:, :, :, :W_out].transpose(1, 0, 2, 3)
    else:
        Wp = None
        xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad))).astype(dtype, copy=False)
        windows = sliding_window_view(xp, (HH, WW), axis=(2, 3))[:, :, ::stride, ::stride]
        cols = windows.transpose(1, 4, 5, 0, 2, 3).reshape(C * HH * WW, N * H_out * W_out)
        out = (w_mat @ cols).reshape(F, N, H_out, W_out).transpose(1, 0, 2, 3)
    out = out + b.astype(dtype)[:, None, None]
    return np.ascontiguousarray(out), (x.shape, w, cols, conv_param, dtype, Wp)


def conv_backward_fast(dout, cache, compute_dx=True):
    """Backward pass of `conv_forward_fast`. Returns dx (N, C, H, W), dw (F, C, HH, WW), db (F,).

    compute_dx=False skips dx (returned as None): a network's first layer never needs it.
    """
    x_shape, w, cols, conv_param, dtype, Wp = cache
    stride, pad = conv_param.get("stride", 1), conv_param.get("pad", 0)
    N, C, H, W = x_shape
    F, _, HH, WW = w.shape
    _, _, H_out, W_out = dout.shape
    Hp = H + 2 * pad
    dout = dout.astype(dtype, copy=False)
    db = dout.sum(axis=(0, 2, 3))
    w_mat = w.reshape(F, -1).astype(dtype, copy=False)
    if stride == 1:
        L = H_out * Wp
        d = np.zeros((F, N, H_out, Wp), dtype)  # zeros in the discarded wide positions
        d[:, :, :, :W_out] = dout.transpose(1, 0, 2, 3)
        d = d.reshape(F, N * L)
        dw = (cols @ d.T).T.reshape(w.shape)  # this orientation is ~2x faster in OpenBLAS
        if not compute_dx:
            return None, dw, db
        dcols = (w_mat.T @ d).reshape(C, HH, WW, N, L)
        flat = np.zeros((C, N, Hp * Wp + WW - 1), dtype)
        for di in range(HH):  # col2im: each kernel offset is one contiguous slice of the flat rows
            for dj in range(WW):
                start = di * Wp + dj
                flat[:, :, start : start + L] += dcols[:, di, dj]
        dxp = flat[:, :, : Hp * Wp].reshape(C, N, Hp, Wp).transpose(1, 0, 2, 3)
    else:
        d = dout.transpose(1, 0, 2, 3).reshape(F, -1)
        dw = (cols @ d.T).T.reshape(w.shape)  # this orientation is ~2x faster in OpenBLAS
        if not compute_dx:
            return None, dw, db
        dcols = (w_mat.T @ d).reshape(C, HH, WW, N, H_out, W_out)
        dxp = np.zeros((N, C, Hp, W + 2 * pad), dtype=dtype)
        for di in range(HH):  # col2im: each kernel offset lands on a strided grid of the input
            for dj in range(WW):
                dxp[:, :, di : di + stride * H_out : stride, dj : dj + stride * W_out : stride] += dcols[
                    :, di, dj
                ].transpose(1, 0, 2, 3)
    return np.ascontiguousarray(dxp[:, :, pad : pad + H, pad : pad + W]), dw, db


def _offsets(ph, pw, s, H_out, W_out):
    """The strided slices that pick window element (di, dj) of every window, in row-major order."""
    for di in range(ph):
        for dj in range(pw):
            yield (slice(None), slice(None), slice(di, di + s * H_out, s), slice(dj, dj + s * W_out, s))


def max_pool_forward_fast(x, pool_param):
    """Max pooling with the same results as `layers.max_pool_forward_naive`.

    A running maximum over the pool_height * pool_width element positions of the windows, each
    one strided slice of x: a handful of vectorized operations for any stride. x: (N, C, H, W).
    Returns out: (N, C, H', W') in x's dtype, and a cache.
    """
    ph, pw, s, H_out, W_out = pool_shapes(x, pool_param)
    picks = _offsets(ph, pw, s, H_out, W_out)
    out = x[next(picks)].copy()
    for sl in picks:
        np.maximum(out, x[sl], out=out)
    return out, (x, out, pool_param)


def max_pool_backward_fast(dout, cache):
    """Backward pass of `max_pool_forward_fast`: each window's gradient goes to its first maximum
    (row-major order, as np.argmax in the naive version), so ties are not counted twice."""
    x, out, pool_param = cache
    ph, pw, s, H_out, W_out = pool_shapes(x, pool_param)
    dx = np.zeros(x.shape, dtype=np.result_type(x, dout))
    taken = np.zeros(out.shape, dtype=bool)
    for sl in _offsets(ph, pw, s, H_out, W_out):
        hit = (x[sl] == out) & ~taken
        taken |= hit
        dx[sl] += hit * dout
    return dx


__all__ = ["conv_forward_fast", "conv_backward_fast", "max_pool_forward_fast", "max_pool_backward_fast"]
