"""Weight initialization that keeps activations and gradients at a steady scale through depth.

Xavier/Glorot (Glorot & Bengio, 2010, "Understanding the difficulty of training deep feedforward
neural networks", eq. 16, normal form): Var(w) = 2 / (fan_in + fan_out), for tanh or sigmoid units.
He/Kaiming (He et al., 2015, "Delving deep into rectifiers", eq. 10): Var(w) = 2 / fan_in, for
ReLU units, which zero half of their inputs.
Fan-in uniform (LeCun, Bottou, Orr & Mueller, 1998, "Efficient BackProp", section 4.6: weights
with standard deviation about 1/sqrt(fan_in); PyTorch's default for Linear and Conv2d layers):
U(-1/sqrt(fan_in), 1/sqrt(fan_in)), for weights and biases alike.
fan_in is the number of inputs of one unit: D for an affine layer with w (D, M); C*HH*WW for a
convolution with w (F, C, HH, WW). fan_out is M, or F*HH*WW.
"""

from __future__ import annotations

import numpy as np


def fans(shape: tuple) -> tuple[int, int]:
    """(fan_in, fan_out) of an affine weight (D, M) or a convolution weight (F, C, HH, WW)."""
    if len(shape) == 2:
        return shape[0], shape[1]
    if len(shape) == 4:
        receptive = shape[2] * shape[3]
        return shape[1] * receptive, shape[0] * receptive
    raise ValueError(f"shape must be (D, M) or (F, C, HH, WW), got {shape}")


def xavier_init(shape: tuple, rng: np.random.Generator, dtype=np.float64) -> np.ndarray:
    """Gaussian weights with std sqrt(2 / (fan_in + fan_out)) (Glorot & Bengio, 2010)."""
    fan_in, fan_out = fans(shape)
    return (rng.standard_normal(shape) * np.sqrt(2.0 / (fan_in + fan_out))).astype(dtype)


def he_init(shape: tuple, rng: np.random.Generator, dtype=np.float64) -> np.ndarray:
    """Gaussian weights with std sqrt(2 / fan_in) (He et al., 2015), for ReLU layers."""
    fan_in, _ = fans(shape)
    return (rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)).astype(dtype)


def uniform_fan_in_init(shape: tuple, fan_in: int, rng: np.random.Generator, dtype=np.float64) -> np.ndarray:
    """Uniform values in [-1/sqrt(fan_in), 1/sqrt(fan_in)) of the given shape (LeCun et al., 1998).

    fan_in: inputs per unit of the layer the array belongs to (also for its bias, which has no
    fan of its own). Raises ValueError if fan_in < 1.
    """
    if fan_in < 1:
        raise ValueError(f"fan_in must be >= 1, got {fan_in}")
    bound = 1.0 / np.sqrt(fan_in)
    return rng.uniform(-bound, bound, size=shape).astype(dtype)
