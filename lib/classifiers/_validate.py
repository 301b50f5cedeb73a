"""Shape and label checks shared by the linear classifiers: errors name the argument."""

import numpy as np


def check_linear_inputs(W, X, y, reg=0.0) -> None:
    """Raise ValueError unless W: (D, C), X: (N, D), y: (N,) integers in [0, C), reg >= 0."""
    W, X, y = np.asarray(W), np.asarray(X), np.asarray(y)
    if W.ndim != 2:
        raise ValueError(f"W must be 2-D (D, C), got shape {W.shape}")
    if X.ndim != 2 or X.shape[1] != W.shape[0]:
        raise ValueError(f"X must have shape (N, D) = (N, {W.shape[0]}) to match W {W.shape}, got {X.shape}")
    check_labels(y, X.shape[0], W.shape[1])
    if reg < 0:
        raise ValueError(f"reg must be >= 0, got {reg}")


def check_labels(y, N: int, C: int) -> None:
    y = np.asarray(y)
    if y.shape != (N,):
        raise ValueError(f"y must have shape (N,) = ({N},), got {y.shape}")
    if not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"y must hold integer class labels, got dtype {y.dtype}")
    if N and (y.min() < 0 or y.max() >= C):
        raise ValueError(f"y must hold labels in [0, {C}) for C = {C} classes, got values from {y.min()} to {y.max()}")
