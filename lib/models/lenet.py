"""LeNet-5 (LeCun, Bottou, Bengio & Haffner, 1998, "Gradient-based learning applied to document
recognition"), in its common modern form: ReLU instead of scaled tanh, max pooling instead of
trainable subsampling, a softmax output, and every C3 map connected to all S2 maps.

    conv 5x5, 6 filters, pad 2 -> ReLU -> max pool 2x2
    conv 5x5, 16 filters       -> ReLU -> max pool 2x2
    affine 120 -> ReLU -> affine 84 -> ReLU -> affine 10 (scores)

On 1x28x28 inputs it has 61,706 parameters. Weights use He initialization (they feed ReLUs),
the last layer a tenth of Xavier's scale, so that the initial loss is close to log(num_classes);
biases start at zero. L2 regularization reg * sum(W**2) over the weights
(not the biases), with gradient 2 * reg * W, the course's convention.
"""

from __future__ import annotations

import numpy as np

from ..fast_layers import conv_forward_fast, max_pool_forward_fast
from ..initializers import he_init, xavier_init
from ..layer_utils import (
    affine_relu_backward,
    affine_relu_forward,
    conv_relu_pool_backward,
    conv_relu_pool_forward,
)
from ..layers import affine_backward, affine_forward, conv_output_size, softmax_loss

CONV1 = {"stride": 1, "pad": 2}
CONV2 = {"stride": 1, "pad": 0}
POOL = {"pool_height": 2, "pool_width": 2, "stride": 2}


def lenet_shapes(input_dim=(1, 28, 28), num_classes: int = 10) -> dict:
    """Parameter shapes for the given input (C, H, W); raises ValueError if the layers do not fit.

    The map size is followed through conv1, pool1, conv2 and pool2 with `conv_output_size`, the
    rule the layers themselves apply, so an input they cannot tile is rejected here (naming the
    layer and dimension) rather than in the middle of a forward pass.
    """
    C, H, W = input_dim
    h, w = H, W
    try:
        for layer, k, pad, stride in [
            ("conv1", 5, CONV1["pad"], CONV1["stride"]),
            ("pool1", 2, 0, POOL["stride"]),
            ("conv2", 5, CONV2["pad"], CONV2["stride"]),
            ("pool2", 2, 0, POOL["stride"]),
        ]:
            h = conv_output_size(h, k, pad, stride, f"{layer} height")
            w = conv_output_size(w, k, pad, stride, f"{layer} width")
    except ValueError as exc:
        raise ValueError(f"input_dim {input_dim} does not fit LeNet-5 (28x28 or 32x32 expected): {exc}") from exc
    return {
        "W1": (6, C, 5, 5),
        "b1": (6,),
        "W2": (16, 6, 5, 5),
        "b2": (16,),
        "W3": (16 * h * w, 120),
        "b3": (120,),
        "W4": (120, 84),
        "b4": (84,),
        "W5": (84, num_classes),
        "b5": (num_classes,),
    }


class LeNet5:
    """LeNet-5 with a CS231n-style interface: `params` dict and `loss(X, y=None)`.

    input_dim: (C, H, W) of one image; num_classes; reg: L2 strength >= 0;
    dtype: float32 for speed, float64 for gradient checks; seed: initialization.
    """

    def __init__(self, input_dim=(1, 28, 28), num_classes=10, reg=0.0, dtype=np.float32, seed=0):
        if reg < 0:
            raise ValueError(f"reg must be >= 0, got {reg}")
        self.reg, self.dtype = reg, dtype
        rng = np.random.default_rng(seed)
        self.params = {}
        for name, shape in lenet_shapes(input_dim, num_classes).items():
            if name.startswith("b"):
                self.params[name] = np.zeros(shape, dtype)
            elif name == "W5":  # small output layer: all classes start near-equal, loss near log(C)
                self.params[name] = (0.1 * xavier_init(shape, rng, np.float64)).astype(dtype)
            else:
                self.params[name] = he_init(shape, rng, dtype)

    @property
    def num_params(self) -> int:
        return int(sum(p.size for p in self.params.values()))

    def loss(self, X, y=None):
        """X: (N, C, H, W) images, y: (N,) labels or None.

        Returns scores (N, num_classes) when y is None; otherwise (loss, grads) with grads a dict
        of the same keys and shapes as params.
        """
        p = self.params
        X = X.astype(self.dtype, copy=False)
        if X.ndim != 4 or X.shape[1:] != (p["W1"].shape[1],) + X.shape[2:]:
            raise ValueError(f"X must be (N, C, H, W) with C = {p['W1'].shape[1]}, got shape {X.shape}")
        a1, c1 = conv_relu_pool_forward(X, p["W1"], p["b1"], CONV1, POOL)
        a2, c2 = conv_relu_pool_forward(a1, p["W2"], p["b2"], CONV2, POOL)
        a3, c3 = affine_relu_forward(a2, p["W3"], p["b3"])
        a4, c4 = affine_relu_forward(a3, p["W4"], p["b4"])
        scores, c5 = affine_forward(a4, p["W5"], p["b5"])
        if y is None:
            return scores
        loss, dscores = softmax_loss(scores, y)
        grads = {}
        da4, grads["W5"], grads["b5"] = affine_backward(dscores.astype(self.dtype, copy=False), c5)
        da3, grads["W4"], grads["b4"] = affine_relu_backward(da4, c4)
        da2, grads["W3"], grads["b3"] = affine_relu_backward(da3, c3)
        da1, grads["W2"], grads["b2"] = conv_relu_pool_backward(da2, c2)
        _, grads["W1"], grads["b1"] = conv_relu_pool_backward(da1, c1, compute_dx=False)  # nothing before it
        for k in ("W1", "W2", "W3", "W4", "W5"):
            loss += self.reg * float(np.sum(p[k] * p[k]))
            grads[k] = grads[k] + 2 * self.reg * p[k]
        return float(loss), grads

    def layer_shapes(self, input_dim=(1, 28, 28)):
        """[(layer name, output shape without N, parameter count)] for a table of the architecture."""
        x = np.zeros((1, *input_dim), self.dtype)
        p = self.params
        rows = []
        c1, _ = conv_forward_fast(x, p["W1"], p["b1"], CONV1)
        rows.append(("conv 5x5x6, pad 2 + ReLU", c1.shape[1:], p["W1"].size + p["b1"].size))
        s1, _ = max_pool_forward_fast(c1, POOL)
        rows.append(("max pool 2x2", s1.shape[1:], 0))
        c2, _ = conv_forward_fast(s1, p["W2"], p["b2"], CONV2)
        rows.append(("conv 5x5x16 + ReLU", c2.shape[1:], p["W2"].size + p["b2"].size))
        s2, _ = max_pool_forward_fast(c2, POOL)
        rows.append(("max pool 2x2", s2.shape[1:], 0))
        rows.append(("affine 120 + ReLU", (120,), p["W3"].size + p["b3"].size))
        rows.append(("affine 84 + ReLU", (84,), p["W4"].size + p["b4"].size))
        rows.append(("affine 10 (scores)", (p["W5"].shape[1],), p["W5"].size + p["b5"].size))
        return rows
