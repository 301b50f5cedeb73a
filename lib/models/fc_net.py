"""A fully connected network of any depth, with optional batch normalization and dropout, in the
form of CS231n assignment 2's `FullyConnectedNet`:

    {affine - [batch norm] - ReLU - [dropout]} x (L - 1) - affine - softmax

The layer functions it calls are pluggable (`layers=`), so that a notebook can train it with the
student's own batch normalization and dropout; by default they are `lib.layers`'.

Sources: CS231n assignment 2 (the interface, parameter names and layer order); Ioffe & Szegedy
(2015), "Batch Normalization" (batch norm between the affine layer and the nonlinearity, section
3.2); Srivastava et al. (2014), "Dropout" (dropout after the nonlinearity of each hidden layer).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import SimpleNamespace

import numpy as np

from .. import layers as lib_layers
from ..initializers import he_init

LAYER_FUNCTIONS = (
    "affine_forward",
    "affine_backward",
    "relu_forward",
    "relu_backward",
    "batchnorm_forward",
    "batchnorm_backward",
    "dropout_forward",
    "dropout_backward",
    "softmax_loss",
)
NORMALIZATIONS = (None, "batchnorm")


def layer_functions(layers=None) -> SimpleNamespace:
    """The layer functions a `FullyConnectedNet` calls, as a namespace with LAYER_FUNCTIONS' names.

    layers: None (all from `lib.layers`), a mapping {name: function} or an object with such
    attributes (a module, a SimpleNamespace); names it lacks come from `lib.layers`. Each function
    has `lib.layers`' signature (`batchnorm_backward` may be the simplified `_alt` version).
    Raises ValueError for a mapping key that is not one of LAYER_FUNCTIONS (a typo would otherwise
    silently train with lib's version) and TypeError for a value that is not callable.
    """
    if isinstance(layers, Mapping):
        unknown = sorted(set(layers) - set(LAYER_FUNCTIONS))
        if unknown:
            raise ValueError(f"layers has unknown names {unknown}; the network calls {', '.join(LAYER_FUNCTIONS)}")
        chosen = {name: layers.get(name, getattr(lib_layers, name)) for name in LAYER_FUNCTIONS}
    else:
        source = lib_layers if layers is None else layers
        chosen = {name: getattr(source, name, getattr(lib_layers, name)) for name in LAYER_FUNCTIONS}
    for name, fn in chosen.items():
        if not callable(fn):
            raise TypeError(f"layers['{name}'] must be a function, got {type(fn).__name__}")
    return SimpleNamespace(**chosen)


class FullyConnectedNet:
    """A multi-layer perceptron with CS231n's interface: `params` and `loss(X, y=None)`.

    hidden_dims: sizes of the hidden layers (an empty list gives a softmax classifier);
    input_dim: D of the flattened inputs; num_classes: C.
    dropout_keep_ratio: probability of keeping a hidden unit, in (0, 1]; 1 means no dropout.
    normalization: None or "batchnorm" (after every hidden affine layer, before its ReLU).
    reg: L2 strength >= 0 on the weights only: loss += reg * sum(W**2), gradient 2 * reg * W (the
      course's convention; CS231n uses 0.5 * reg).
    weight_scale: standard deviation of the Gaussian initial weights, or "he" for
      sqrt(2 / fan_in) per layer (He et al., 2015). Biases and betas start at 0, gammas at 1.
    dtype: of the parameters and computations (float64 for gradient checks).
    seed: initialization and the dropout masks (np.random.default_rng(seed); a new mask every
      training call, the same sequence for the same seed). For a gradient check with dropout,
      fix the mask: `model.dropout_param = {"p": keep, "seed": 0}`.
    layers: the layer functions to call (see `layer_functions`), e.g. {"batchnorm_forward": mine}.

    Attributes: params {"W1", "b1", ..., "WL", "bL", and "gamma1", "beta1", ... with batch norm};
    bn_params, one dict per hidden layer holding its running averages; dropout_param.
    Raises ValueError for an unknown normalization, a keep ratio outside (0, 1], reg < 0, a
    weight_scale that is neither positive nor "he", or a non-positive layer size.
    """

    def __init__(
        self,
        hidden_dims,
        input_dim=3 * 32 * 32,
        num_classes=10,
        dropout_keep_ratio=1,
        normalization=None,
        reg=0.0,
        weight_scale=1e-2,
        dtype=np.float32,
        seed=None,
        layers=None,
    ):
        if normalization not in NORMALIZATIONS:
            raise ValueError(f"normalization must be None or 'batchnorm', got {normalization!r}")
        if not 0 < dropout_keep_ratio <= 1:
            raise ValueError(f"dropout_keep_ratio must be in (0, 1], got {dropout_keep_ratio}")
        if reg < 0:
            raise ValueError(f"reg must be >= 0, got {reg}")
        if weight_scale != "he" and not (isinstance(weight_scale, (int, float)) and weight_scale > 0):
            raise ValueError(f"weight_scale must be a positive number or 'he', got {weight_scale!r}")
        dims = [input_dim, *hidden_dims, num_classes]
        if any(int(d) != d or d < 1 for d in dims):
            raise ValueError(f"input_dim, hidden_dims and num_classes must be positive integers, got {dims}")
        self.normalization, self.reg, self.dtype = normalization, reg, dtype
        self.use_dropout = dropout_keep_ratio != 1
        self.num_layers = len(hidden_dims) + 1
        self.layers = layer_functions(layers)
        rng = np.random.default_rng(seed)
        self.params = {}
        for i, (fan_in, fan_out) in enumerate(zip(dims[:-1], dims[1:]), start=1):
            if weight_scale == "he":
                self.params[f"W{i}"] = he_init((fan_in, fan_out), rng, dtype)
            else:
                self.params[f"W{i}"] = (weight_scale * rng.standard_normal((fan_in, fan_out))).astype(dtype)
            self.params[f"b{i}"] = np.zeros(fan_out, dtype)
            if normalization == "batchnorm" and i < self.num_layers:
                self.params[f"gamma{i}"] = np.ones(fan_out, dtype)
                self.params[f"beta{i}"] = np.zeros(fan_out, dtype)
        self.bn_params = [{"mode": "train"} for _ in hidden_dims] if normalization == "batchnorm" else []
        self.dropout_param = {"mode": "train", "p": dropout_keep_ratio, "rng": rng} if self.use_dropout else {}

    def loss(self, X, y=None):
        """X: (N, d_1, ..., d_k) inputs flattening to input_dim; y: (N,) labels or None.

        y None: test mode (running averages, no dropout); returns scores (N, num_classes).
        Otherwise train mode (batch statistics, which update the running averages, and a dropout
        mask); returns (loss, grads), grads keyed and shaped like params.
        """
        f, p, n = self.layers, self.params, self.num_layers
        X = np.asarray(X).astype(self.dtype, copy=False)
        mode = "test" if y is None else "train"
        for bn_param in self.bn_params:
            bn_param["mode"] = mode
        if self.use_dropout:
            self.dropout_param["mode"] = mode
        h, caches = X, []
        for i in range(1, n):
            h, fc_cache = f.affine_forward(h, p[f"W{i}"], p[f"b{i}"])
            bn_cache = drop_cache = None
            if self.normalization == "batchnorm":
                h, bn_cache = f.batchnorm_forward(h, p[f"gamma{i}"], p[f"beta{i}"], self.bn_params[i - 1])
            h, relu_cache = f.relu_forward(h)
            if self.use_dropout:
                h, drop_cache = f.dropout_forward(h, self.dropout_param)
            caches.append((fc_cache, bn_cache, relu_cache, drop_cache))
        scores, last_cache = f.affine_forward(h, p[f"W{n}"], p[f"b{n}"])
        if y is None:
            return scores
        loss, dscores = f.softmax_loss(scores, y)
        grads = {}
        dh, grads[f"W{n}"], grads[f"b{n}"] = f.affine_backward(dscores, last_cache)
        for i in range(n - 1, 0, -1):
            fc_cache, bn_cache, relu_cache, drop_cache = caches[i - 1]
            if self.use_dropout:
                dh = f.dropout_backward(dh, drop_cache)
            dh = f.relu_backward(dh, relu_cache)
            if self.normalization == "batchnorm":
                dh, grads[f"gamma{i}"], grads[f"beta{i}"] = f.batchnorm_backward(dh, bn_cache)
            dh, grads[f"W{i}"], grads[f"b{i}"] = f.affine_backward(dh, fc_cache)
        for i in range(1, n + 1):
            W = p[f"W{i}"]
            loss += self.reg * float(np.sum(W * W))
            grads[f"W{i}"] = grads[f"W{i}"] + 2 * self.reg * W
        grads = {k: np.asarray(g).astype(self.dtype, copy=False) for k, g in grads.items()}
        return float(loss), grads
