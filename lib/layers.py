"""Layers with a forward and a backward pass, in the style of CS231n's `layers.py`.

Every forward returns (out, cache); every backward takes (dout, cache) and returns the gradient
of the loss with respect to each input, with that input's shape. The naive convolution and
pooling here loop over output positions so that they read like the definitions; the fast
versions in `fast_layers.py` compute the same numbers with one matrix product.

Sources: CS231n notes "Convolutional Neural Networks" (output size (W - K + 2P)/S + 1, zero
padding, max pooling); Goodfellow, Bengio & Courville, *Deep Learning* (2016), sections 6.3
(activations) and 9.1-9.3 (convolution and pooling); Hong Xingxing, "DQN" slides (2018) (the
worked convolution and pooling examples, `CONV_EXAMPLE` and `POOL_EXAMPLE` below).
"""

from __future__ import annotations

import math

import numpy as np


# -- shapes ------------------------------------------------------------------------------------
def conv_output_size(size: int, kernel: int, pad: int, stride: int, dim: str = "width") -> int:
    """Output length (size - kernel + 2 pad) / stride + 1 along one dimension.

    Raises ValueError, naming the dimension, if the filter does not fit or the stride does not
    tile the padded input exactly.
    """
    span = size + 2 * pad - kernel
    if stride < 1:
        raise ValueError(f"stride must be >= 1, got {stride}")
    if span < 0:
        raise ValueError(f"{dim}: a window of {kernel} does not fit in {size} + 2*{pad} padding")
    if span % stride:
        raise ValueError(
            f"{dim}: (size - kernel + 2*pad) / stride = ({size} - {kernel} + 2*{pad}) / {stride} is not a whole "
            f"number, so the windows do not tile the input; change pad or stride"
        )
    return span // stride + 1


def conv_shapes(x, w, b, conv_param):
    """Validate a convolution's inputs and return (stride, pad, H_out, W_out).

    x: (N, C, H, W); w: (F, C, HH, WW) with the same C; b: (F,); conv_param: {"stride": S,
    "pad": P}, S defaulting to 1 and P to 0. H_out = (H - HH + 2P)/S + 1 and W_out likewise
    (`conv_output_size`). Shared by the naive and the fast convolution so both accept and
    reject the same inputs.
    Raises ValueError naming the argument when x, w or b has the wrong shape, and naming the
    dimension when the filter does not fit or the stride does not tile the padded input.
    """
    if x.ndim != 4:
        raise ValueError(f"x must be (N, C, H, W), got shape {x.shape}")
    if w.ndim != 4 or w.shape[1] != x.shape[1]:
        raise ValueError(f"w must be (F, C, HH, WW) with C = {x.shape[1]} to match x {x.shape}, got {w.shape}")
    if b.shape != (w.shape[0],):
        raise ValueError(f"b must have shape (F,) = ({w.shape[0]},), got {b.shape}")
    stride, pad = conv_param.get("stride", 1), conv_param.get("pad", 0)
    H_out = conv_output_size(x.shape[2], w.shape[2], pad, stride, "height")
    W_out = conv_output_size(x.shape[3], w.shape[3], pad, stride, "width")
    return stride, pad, H_out, W_out


def pool_shapes(x, pool_param):
    """Validate a pooling layer's input and return (pool_height, pool_width, stride, H_out, W_out).

    x: (N, C, H, W); pool_param: {"pool_height", "pool_width", "stride"}, all required. No
    padding: H_out = (H - pool_height)/stride + 1 and W_out likewise (`conv_output_size`).
    Shared by the naive and the fast pooling layers.
    Raises ValueError if x is not 4-D or, naming the dimension, if the windows do not fit or do
    not tile the input; KeyError naming the missing entry of pool_param.
    """
    if x.ndim != 4:
        raise ValueError(f"x must be (N, C, H, W), got shape {x.shape}")
    missing = [k for k in ("pool_height", "pool_width", "stride") if k not in pool_param]
    if missing:
        raise KeyError(f"pool_param needs {', '.join(missing)}; got {pool_param}")
    ph, pw, s = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    return ph, pw, s, conv_output_size(x.shape[2], ph, 0, s, "height"), conv_output_size(x.shape[3], pw, 0, s, "width")


# -- affine ------------------------------------------------------------------------------------
def affine_forward(x, w, b):
    """Fully connected layer: out = x.reshape(N, D) @ w + b.

    x: (N, d_1, ..., d_k) with D = d_1 * ... * d_k; w: (D, M); b: (M,).
    Returns out: (N, M) and cache (x, w, b). Raises ValueError if D does not match w.
    """
    N = x.shape[0]
    D = math.prod(x.shape[1:])  # plain ints: np.prod costs microseconds on every call
    if w.ndim != 2 or w.shape[0] != D or b.shape != (w.shape[1],):
        raise ValueError(f"x {x.shape} flattens to D = {D}: w must be (D, M) and b (M,), got w {w.shape}, b {b.shape}")
    out = x.reshape(N, D) @ w + b
    return out, (x, w, b)


def affine_backward(dout, cache):
    """Backward pass of `affine_forward`. dout: (N, M). Returns dx (x's shape), dw (D, M), db (M,)."""
    x, w, b = cache
    N = x.shape[0]
    dx = (dout @ w.T).reshape(x.shape)
    dw = x.reshape(N, -1).T @ dout
    db = dout.sum(axis=0)
    return dx, dw, db


# -- activations -------------------------------------------------------------------------------
def relu_forward(x):
    """ReLU max(0, x), elementwise. Returns out (x's shape) and cache x."""
    return np.maximum(x, 0), x


def relu_backward(dout, cache):
    """Gradient flows where the input was positive: dx = dout * (x > 0)."""
    x = cache
    return dout * (x > 0)


def leaky_relu_forward(x, alpha: float = 0.01):
    """Leaky ReLU: x for x > 0, alpha * x otherwise (Maas et al., 2013). Returns out, cache (x, alpha)."""
    return np.where(x > 0, x, alpha * x), (x, alpha)


def leaky_relu_backward(dout, cache):
    """dx = dout for x > 0, alpha * dout otherwise."""
    x, alpha = cache
    return np.where(x > 0, dout, alpha * dout)


def sigmoid(x):
    """Logistic sigmoid 1 / (1 + e^-x), computed without overflow for large |x|."""
    e = np.exp(-np.abs(x))  # never overflows
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_forward(x):
    """Sigmoid, elementwise. Returns out and cache out (the derivative needs only the output)."""
    out = sigmoid(x)
    return out, out


def sigmoid_backward(dout, cache):
    """d sigma/dx = sigma (1 - sigma): dx = dout * out * (1 - out)."""
    out = cache
    return dout * out * (1 - out)


def tanh_forward(x):
    """tanh, elementwise. Returns out and cache out."""
    out = np.tanh(x)
    return out, out


def tanh_backward(dout, cache):
    """d tanh/dx = 1 - tanh^2."""
    out = cache
    return dout * (1 - out * out)


def softplus_forward(x):
    """Softplus log(1 + e^x), a smooth ReLU, computed as logaddexp(0, x). Returns out, cache x."""
    return np.logaddexp(0, x), x


def softplus_backward(dout, cache):
    """d softplus/dx is the sigmoid."""
    return dout * sigmoid(cache)


# -- convolution and pooling (naive) -----------------------------------------------------------
def conv_forward_naive(x, w, b, conv_param):
    """Convolution (cross-correlation, as in every deep-learning library), by loops.

    x: (N, C, H, W); w: (F, C, HH, WW); b: (F,); conv_param: {"stride": S, "pad": P}, zero
    padding of P pixels on every side. Output size H' = (H - HH + 2P)/S + 1, likewise W'.
    Returns out: (N, F, H', W') and cache (x, w, b, conv_param).
    Raises ValueError for mismatched shapes or a stride that does not tile the input.
    """
    stride, pad, H_out, W_out = conv_shapes(x, w, b, conv_param)
    N, F = x.shape[0], w.shape[0]
    HH, WW = w.shape[2:]
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    out = np.zeros((N, F, H_out, W_out), dtype=np.result_type(x, w))
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    window = xp[n, :, i * stride : i * stride + HH, j * stride : j * stride + WW]
                    out[n, f, i, j] = np.sum(window * w[f]) + b[f]
    return out, (x, w, b, conv_param)


def conv_backward_naive(dout, cache):
    """Backward pass of `conv_forward_naive`. dout: (N, F, H', W').

    Every output (n, f, i, j) received window * w[f] + b[f]: it sends dout * w[f] back to its
    window of the padded input, dout * window to w[f], and dout to b[f], summed over the batch
    and all positions. Returns dx (N, C, H, W), dw (F, C, HH, WW), db (F,).
    """
    x, w, b, conv_param = cache
    stride, pad = conv_param.get("stride", 1), conv_param.get("pad", 0)
    N, F, H_out, W_out = dout.shape
    HH, WW = w.shape[2:]
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    dxp = np.zeros_like(xp, dtype=np.result_type(x, w, dout))
    dw = np.zeros_like(w, dtype=dxp.dtype)
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    hs, ws = i * stride, j * stride
                    g = dout[n, f, i, j]
                    dxp[n, :, hs : hs + HH, ws : ws + WW] += g * w[f]
                    dw[f] += g * xp[n, :, hs : hs + HH, ws : ws + WW]
    db = dout.sum(axis=(0, 2, 3))
    dx = dxp[:, :, pad : pad + x.shape[2], pad : pad + x.shape[3]]
    return dx, dw, db


def max_pool_forward_naive(x, pool_param):
    """Max pooling by loops. x: (N, C, H, W); pool_param: {"pool_height", "pool_width", "stride"}.

    Returns out: (N, C, H', W') with H' = (H - pool_height)/stride + 1, and cache (x, pool_param).
    Raises ValueError if the windows do not tile the input.
    """
    ph, pw, s, H_out, W_out = pool_shapes(x, pool_param)
    N, C = x.shape[:2]
    out = np.zeros((N, C, H_out, W_out), dtype=x.dtype)
    for i in range(H_out):
        for j in range(W_out):
            out[:, :, i, j] = x[:, :, i * s : i * s + ph, j * s : j * s + pw].max(axis=(2, 3))
    return out, (x, pool_param)


def max_pool_backward_naive(dout, cache):
    """Backward pass of max pooling: each window's gradient goes to its maximum only.

    Ties go to the first maximum in row-major order (np.argmax), a valid subgradient.
    dout: (N, C, H', W'). Returns dx: (N, C, H, W).
    """
    x, pool_param = cache
    ph, pw, s, H_out, W_out = pool_shapes(x, pool_param)
    N, C = x.shape[:2]
    dx = np.zeros(x.shape, dtype=np.result_type(x, dout))
    for n in range(N):
        for c in range(C):
            for i in range(H_out):
                for j in range(W_out):
                    window = x[n, c, i * s : i * s + ph, j * s : j * s + pw]
                    a, bb = np.unravel_index(np.argmax(window), window.shape)
                    dx[n, c, i * s + a, j * s + bb] += dout[n, c, i, j]
    return dx


def avg_pool_forward_naive(x, pool_param):
    """Average pooling by loops: the mean of each window. Same arguments and shapes as
    `max_pool_forward_naive`; returns out: (N, C, H', W') and cache (x, pool_param).
    Raises ValueError if the windows do not tile the input.
    """
    ph, pw, s, H_out, W_out = pool_shapes(x, pool_param)
    N, C = x.shape[:2]
    out = np.zeros((N, C, H_out, W_out), dtype=x.dtype)
    for i in range(H_out):
        for j in range(W_out):
            out[:, :, i, j] = x[:, :, i * s : i * s + ph, j * s : j * s + pw].mean(axis=(2, 3))
    return out, (x, pool_param)


def avg_pool_backward_naive(dout, cache):
    """Backward pass of average pooling: every element of a window gets dout / (pool_height * pool_width);
    overlapping windows add up. dout: (N, C, H', W'). Returns dx: (N, C, H, W)."""
    x, pool_param = cache
    ph, pw, s, H_out, W_out = pool_shapes(x, pool_param)
    dx = np.zeros(x.shape, dtype=np.result_type(x, dout))
    for i in range(H_out):
        for j in range(W_out):
            dx[:, :, i * s : i * s + ph, j * s : j * s + pw] += dout[:, :, i : i + 1, j : j + 1] / (ph * pw)
    return dx


# -- worked examples ---------------------------------------------------------------------------
# Small examples with known answers, for the notebook's text, the checks and the tests.
# CONV_EXAMPLE: the convolution demo of CS231n's notes ("Convolutional Neural Networks") as
# printed in Hong Xingxing's DQN slides (2018): a 5x5x3 input padded to 7x7x3, two 3x3x3
# filters with biases 1 and 0, stride 2, and the 3x3x2 output.
CONV_EXAMPLE = {
    "x": np.array(
        [
            [
                [[0, 1, 2, 0, 1], [2, 0, 1, 0, 0], [0, 0, 2, 2, 1], [2, 2, 0, 1, 0], [1, 2, 0, 0, 0]],
                [[0, 0, 1, 0, 0], [0, 1, 1, 2, 1], [0, 2, 1, 0, 0], [2, 1, 2, 1, 0], [2, 1, 1, 1, 2]],
                [[1, 0, 1, 2, 2], [0, 1, 2, 0, 1], [0, 1, 0, 2, 2], [0, 1, 1, 2, 0], [2, 2, 2, 1, 1]],
            ]
        ],
        float,
    ),
    "w": np.array(
        [
            [
                [[-1, 0, 1], [0, 1, 0], [0, -1, -1]],
                [[0, -1, -1], [-1, 1, -1], [0, -1, 1]],
                [[0, -1, 1], [0, 0, -1], [0, 1, -1]],
            ],
            [
                [[1, 1, 0], [-1, -1, 0], [1, 1, -1]],
                [[0, -1, 0], [-1, 0, -1], [-1, -1, 1]],
                [[1, 0, 0], [-1, -1, 0], [1, -1, -1]],
            ],
        ],
        float,
    ),
    "b": np.array([1.0, 0.0]),
    "conv_param": {"stride": 2, "pad": 1},
    "out": np.array([[[[-1, 4, 2], [-8, -8, 0], [1, -4, 1]], [[1, -4, -9], [-2, -7, -6], [-4, -7, 0]]]], float),
}
# POOL_EXAMPLE: max pooling from Hong Xingxing's DQN slides (2018): two 4x4 channels, 2x2
# windows, stride 1 (overlapping windows), and the 3x3 maxima.
POOL_EXAMPLE = {
    "x": np.array(
        [
            [
                [[1, 3, 5, 7], [8, 6, 4, 2], [4, 2, 8, 6], [1, 3, 5, 7]],
                [[2, 4, 6, 8], [7, 5, 3, 1], [3, 1, 7, 5], [2, 4, 6, 8]],
            ]
        ],
        float,
    ),
    "pool_param": {"pool_height": 2, "pool_width": 2, "stride": 1},
    "out": np.array([[[[8, 6, 7], [8, 8, 8], [4, 8, 8]], [[7, 6, 8], [7, 7, 7], [4, 7, 8]]]], float),
}


# -- losses on scores --------------------------------------------------------------------------
def softmax_loss(x, y):
    """Softmax cross-entropy on scores x: (N, C) with labels y: (N,). Returns (loss, dx), both averaged over N."""
    shifted = x - x.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    N = x.shape[0]
    loss = -log_p[np.arange(N), y].mean()
    dx = np.exp(log_p)
    dx[np.arange(N), y] -= 1
    return float(loss), dx / N


def svm_loss(x, y):
    """Multiclass SVM loss (margin 1) on scores x: (N, C). Returns (loss, dx), averaged over N."""
    N = x.shape[0]
    rows = np.arange(N)
    margins = np.maximum(0, x - x[rows, y][:, None] + 1.0)
    margins[rows, y] = 0
    loss = margins.sum() / N
    dx = (margins > 0).astype(x.dtype)
    dx[rows, y] -= dx.sum(axis=1)
    return float(loss), dx / N


# -- batch normalization and dropout -----------------------------------------------------------
# Batch normalization: Ioffe & Szegedy (2015), "Batch Normalization: Accelerating Deep Network
# Training by Reducing Internal Covariate Shift", Algorithm 1 (train mode) and section 3.1 (test
# mode with population statistics, here running averages as in CS231n assignment 2). Dropout:
# Srivastava, Hinton, Krizhevsky, Sutskever & Salakhutdinov (2014), "Dropout: A Simple Way to
# Prevent Neural Networks from Overfitting", JMLR 15, in the "inverted" form of CS231n's notes
# ("Neural Networks Part 2", section on dropout): the scaling happens at training time.
BN_MODES = ("train", "test")


def _bn_settings(x, gamma, beta, bn_param, channels_axis: int = 1):
    """Validate a batch-norm call; return (mode, eps, momentum, running_mean, running_var).

    Missing running averages start as zeros (mean) and ones (variance) of gamma's length and dtype.
    """
    if not isinstance(bn_param, dict) or bn_param.get("mode") not in BN_MODES:
        got = bn_param.get("mode") if isinstance(bn_param, dict) else type(bn_param).__name__
        raise ValueError(f"bn_param must be a dict with 'mode' 'train' or 'test', got {got!r}")
    D = x.shape[channels_axis]
    if np.shape(gamma) != (D,) or np.shape(beta) != (D,):
        raise ValueError(
            f"gamma and beta must have shape ({D},) to match x {x.shape}, got {np.shape(gamma)} and {np.shape(beta)}"
        )
    eps, momentum = bn_param.get("eps", 1e-5), bn_param.get("momentum", 0.9)
    if not eps > 0:
        raise ValueError(f"bn_param['eps'] must be > 0, got {eps}")
    if not 0 <= momentum <= 1:
        raise ValueError(f"bn_param['momentum'] must be in [0, 1], got {momentum}")
    running_mean = bn_param.get("running_mean", np.zeros(D, dtype=np.result_type(gamma)))
    running_var = bn_param.get("running_var", np.ones(D, dtype=np.result_type(gamma)))
    if np.shape(running_mean) != (D,) or np.shape(running_var) != (D,):
        raise ValueError(
            f"bn_param's running_mean and running_var must have shape ({D},), got "
            f"{np.shape(running_mean)} and {np.shape(running_var)}"
        )
    return bn_param["mode"], eps, momentum, running_mean, running_var


def batchnorm_forward(x, gamma, beta, bn_param):
    """Batch normalization of each feature over the minibatch (Ioffe & Szegedy, 2015, Algorithm 1).

    x: (N, D); gamma, beta: (D,) scale and shift. bn_param, a dict:
      mode: "train" (normalize with the batch's mean and variance, and update the running
        averages) or "test" (normalize with the running averages; the batch is not looked at);
      eps: added to the variance inside the square root (default 1e-5);
      momentum: weight of the old running average (default 0.9):
        running = momentum * running + (1 - momentum) * batch statistic;
      running_mean, running_var: (D,) running averages; zeros and ones when absent. In train mode
        bn_param receives new arrays under these keys (the arrays given are not changed).
    The variance is the biased one (divided by N), as in the paper's Algorithm 1.
    Returns out (N, D) = gamma * x_hat + beta with x_hat = (x - mean) / sqrt(var + eps), and
    cache: in train mode (x, x_hat, mean, var, gamma, eps), which both backward passes read; in
    test mode None (no backward pass through test mode).
    Raises ValueError if x is not 2-D, gamma or beta or the running averages do not have shape
    (D,), mode is not "train" or "test", eps <= 0 or momentum is outside [0, 1].
    """
    if np.ndim(x) != 2:
        raise ValueError(f"x must be (N, D), got shape {np.shape(x)}; use spatial_batchnorm_forward for (N, C, H, W)")
    mode, eps, momentum, running_mean, running_var = _bn_settings(x, gamma, beta, bn_param)
    if mode == "test":
        return gamma * (x - running_mean) / np.sqrt(running_var + eps) + beta, None
    mean = x.mean(axis=0)
    var = x.var(axis=0)  # biased: divided by N
    x_hat = (x - mean) / np.sqrt(var + eps)
    bn_param["running_mean"] = momentum * running_mean + (1 - momentum) * mean
    bn_param["running_var"] = momentum * running_var + (1 - momentum) * var
    return gamma * x_hat + beta, (x, x_hat, mean, var, gamma, eps)


def batchnorm_backward(dout, cache):
    """Backward pass of train-mode `batchnorm_forward`, stage by stage through its computational graph.

    The forward pass, written as stages: xc = x - mean; var = mean(xc**2); std = sqrt(var + eps);
    x_hat = xc / std; out = gamma * x_hat + beta. Each stage's local derivative is applied in
    reverse order; mean and var depend on every sample, so their gradients are summed over the
    batch and flow back to every x. `batchnorm_backward_alt` gives the same numbers in one formula.
    dout: (N, D); cache: (x, x_hat, mean, var, gamma, eps) from the forward pass.
    Returns dx (N, D), dgamma (D,), dbeta (D,).
    """
    x, x_hat, mean, var, gamma, eps = cache
    N = dout.shape[0]
    xc = x - mean
    std = np.sqrt(var + eps)
    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_hat).sum(axis=0)
    dx_hat = dout * gamma
    dxc = dx_hat / std  # through x_hat = xc / std, holding std
    dstd = -(dx_hat * xc).sum(axis=0) / std**2  # through 1 / std
    dvar = dstd / (2 * std)  # std = sqrt(var + eps)
    dxc = dxc + 2 * xc * dvar / N  # var = mean(xc**2)
    dmean = -dxc.sum(axis=0)  # xc = x - mean
    dx = dxc + dmean / N  # mean = mean(x)
    return dx, dgamma, dbeta


def batchnorm_backward_alt(dout, cache):
    """Backward pass of train-mode `batchnorm_forward` in one simplified formula.

    With g = dout * gamma (the gradient reaching x_hat), the three paths from x (directly,
    through the mean and through the variance) add up to
        dx = (g - mean(g) - x_hat * mean(g * x_hat)) / sqrt(var + eps),
    means over the batch, per feature. dout: (N, D); cache: (x, x_hat, mean, var, gamma, eps).
    Returns dx (N, D), dgamma (D,), dbeta (D,), equal to `batchnorm_backward`'s.
    """
    x, x_hat, mean, var, gamma, eps = cache
    g = dout * gamma
    dx = (g - g.mean(axis=0) - x_hat * (g * x_hat).mean(axis=0)) / np.sqrt(var + eps)
    return dx, (dout * x_hat).sum(axis=0), dout.sum(axis=0)


def _channels_last(x):
    """(N, C, H, W) -> (N*H*W, C): one row per pixel, one column per channel."""
    return x.transpose(0, 2, 3, 1).reshape(-1, x.shape[1])


def _channels_first(rows, shape):
    """Inverse of `_channels_last` for an (N, C, H, W) shape."""
    N, C, H, W = shape
    return rows.reshape(N, H, W, C).transpose(0, 3, 1, 2)


def spatial_batchnorm_forward(x, gamma, beta, bn_param):
    """Batch normalization for convolutional layers: one mean and variance per channel.

    Each channel c is normalized over the batch and every position, the N*H*W values x[:, c, :, :]
    (Ioffe & Szegedy, 2015, section 3.2: a feature map shares its statistics the way it shares
    its weights), by reshaping to (N*H*W, C) and calling `batchnorm_forward`.
    x: (N, C, H, W); gamma, beta: (C,); bn_param: as for `batchnorm_forward` (running averages (C,)).
    Returns out (N, C, H, W) and cache: in train mode (x, x_hat, mean, var, gamma, eps) with x and
    x_hat of shape (N, C, H, W) and mean, var of shape (C,); None in test mode.
    Raises ValueError if x is not 4-D, and as `batchnorm_forward`.
    """
    if np.ndim(x) != 4:
        raise ValueError(f"x must be (N, C, H, W), got shape {np.shape(x)}")
    out, cache = batchnorm_forward(_channels_last(x), gamma, beta, bn_param)
    if cache is not None:
        _, x_hat, mean, var, gamma, eps = cache
        cache = (x, _channels_first(x_hat, x.shape), mean, var, gamma, eps)
    return _channels_first(out, x.shape), cache


def spatial_batchnorm_backward(dout, cache):
    """Backward pass of train-mode `spatial_batchnorm_forward`, through the 2-D version.

    dout: (N, C, H, W); cache: (x, x_hat, mean, var, gamma, eps) as the forward pass returns it.
    Returns dx (N, C, H, W), dgamma (C,), dbeta (C,).
    """
    x, x_hat, mean, var, gamma, eps = cache
    rows_cache = (_channels_last(x), _channels_last(x_hat), mean, var, gamma, eps)
    dx, dgamma, dbeta = batchnorm_backward_alt(_channels_last(dout), rows_cache)
    return _channels_first(dx, dout.shape), dgamma, dbeta


def dropout_forward(x, dropout_param):
    """Inverted dropout (Srivastava et al., 2014; CS231n notes, "Neural Networks Part 2").

    In train mode each unit is kept with probability p and the kept ones are divided by p, so
    that every unit's expected output equals its input and test mode needs no scaling:
    mask = (u < p) / p with u uniform in [0, 1), out = x * mask. In test mode out = x.
    x: any shape. dropout_param, a dict:
      p: probability of KEEPING a unit, in (0, 1] (CS231n since 2019; PyTorch's p is the drop rate);
      mode: "train" or "test";
      rng: a np.random.Generator to draw the mask from (it advances: a new mask every call), or
      seed: used when there is no rng, np.random.default_rng(seed) anew at every call, so the
        same seed gives the same mask (for gradient checks). With neither, fresh entropy.
    NumPy's global random state is never used.
    Returns out (x's shape) and cache (dropout_param, mask); mask holds 0 and 1 / p in train mode
    (None in test mode), so that the backward pass is dout * mask.
    Raises ValueError if p is not in (0, 1] or mode is not "train" or "test".
    """
    p, mode = dropout_param.get("p"), dropout_param.get("mode")
    if p is None or not 0 < p <= 1:
        raise ValueError(f"dropout_param['p'] (the probability of keeping a unit) must be in (0, 1], got {p}")
    if mode not in BN_MODES:
        raise ValueError(f"dropout_param['mode'] must be 'train' or 'test', got {mode!r}")
    if mode == "test":
        return x, (dropout_param, None)
    rng = dropout_param.get("rng")
    if rng is None:
        rng = np.random.default_rng(dropout_param.get("seed"))
    mask = (rng.random(np.shape(x)) < p) / p
    return x * mask, (dropout_param, mask)


def dropout_backward(dout, cache):
    """Backward pass of `dropout_forward`: the units dropped in the forward pass get no gradient.

    dout: upstream gradient, x's shape; cache: (dropout_param, mask). Returns dx = dout * mask in
    train mode (the same mask, never a new draw) and dout in test mode.
    """
    dropout_param, mask = cache
    if dropout_param["mode"] == "test":
        return dout
    return dout * mask
