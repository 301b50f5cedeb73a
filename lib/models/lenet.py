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

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..fast_layers import conv_backward_fast, conv_forward_fast, max_pool_backward_fast, max_pool_forward_fast
from ..initializers import he_init, xavier_init
from ..layers import (
    affine_backward,
    affine_forward,
    conv_backward_naive,
    conv_forward_naive,
    conv_output_size,
    max_pool_backward_naive,
    max_pool_forward_naive,
    relu_backward,
    relu_forward,
    softmax_loss,
)


@dataclass(frozen=True)
class Layers:
    """The layer functions a LeNet-5 is built from, with CS231n's signatures, so that any set can be
    plugged in: `dataclasses.replace(FAST_LAYERS, conv_forward=my_conv_forward)` swaps one.

    Each forward returns (out, cache); each backward takes (dout, cache). The defaults are the
    fast layers (im2col convolution, strided pooling) that training needs.
    """

    conv_forward: Callable = conv_forward_fast
    conv_backward: Callable = conv_backward_fast
    relu_forward: Callable = relu_forward
    relu_backward: Callable = relu_backward
    max_pool_forward: Callable = max_pool_forward_fast
    max_pool_backward: Callable = max_pool_backward_fast
    affine_forward: Callable = affine_forward
    affine_backward: Callable = affine_backward
    softmax_loss: Callable = softmax_loss


FAST_LAYERS = Layers()
# The loop versions of assignment 04: slow, but easy to read; the same numbers in float64.
NAIVE_LAYERS = Layers(
    conv_forward=conv_forward_naive,
    conv_backward=conv_backward_naive,
    max_pool_forward=max_pool_forward_naive,
    max_pool_backward=max_pool_backward_naive,
)

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
    dtype: float32 for speed, float64 for gradient checks; seed: initialization;
    layers: the `Layers` set that `loss` calls (None: FAST_LAYERS); NAIVE_LAYERS or a student's
    own layers plug in the same way.
    """

    def __init__(self, input_dim=(1, 28, 28), num_classes=10, reg=0.0, dtype=np.float32, seed=0, layers=None):
        if reg < 0:
            raise ValueError(f"reg must be >= 0, got {reg}")
        self.reg, self.dtype = reg, dtype
        self.layers = FAST_LAYERS if layers is None else layers
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
        p, L = self.params, self.layers
        X = X.astype(self.dtype, copy=False)
        if X.ndim != 4 or X.shape[1:] != (p["W1"].shape[1],) + X.shape[2:]:
            raise ValueError(f"X must be (N, C, H, W) with C = {p['W1'].shape[1]}, got shape {X.shape}")
        c1, conv1 = L.conv_forward(X, p["W1"], p["b1"], CONV1)
        r1, relu1 = L.relu_forward(c1)
        s1, pool1 = L.max_pool_forward(r1, POOL)
        c2, conv2 = L.conv_forward(s1, p["W2"], p["b2"], CONV2)
        r2, relu2 = L.relu_forward(c2)
        s2, pool2 = L.max_pool_forward(r2, POOL)
        a3, fc3 = L.affine_forward(s2, p["W3"], p["b3"])
        r3, relu3 = L.relu_forward(a3)
        a4, fc4 = L.affine_forward(r3, p["W4"], p["b4"])
        r4, relu4 = L.relu_forward(a4)
        scores, fc5 = L.affine_forward(r4, p["W5"], p["b5"])
        if y is None:
            return scores
        loss, dscores = L.softmax_loss(scores, y)
        grads = {}
        d, grads["W5"], grads["b5"] = L.affine_backward(dscores.astype(self.dtype, copy=False), fc5)
        d, grads["W4"], grads["b4"] = L.affine_backward(L.relu_backward(d, relu4), fc4)
        d, grads["W3"], grads["b3"] = L.affine_backward(L.relu_backward(d, relu3), fc3)
        d = L.relu_backward(L.max_pool_backward(d, pool2), relu2)
        d, grads["W2"], grads["b2"] = L.conv_backward(d, conv2)
        d = L.relu_backward(L.max_pool_backward(d, pool1), relu1)
        if L.conv_backward is conv_backward_fast:  # the images need no gradient: skip a third of conv1's backward
            _, grads["W1"], grads["b1"] = conv_backward_fast(d, conv1, compute_dx=False)
        else:
            _, grads["W1"], grads["b1"] = L.conv_backward(d, conv1)
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
