"""Binary logistic regression: one neuron with a sigmoid, trained on the cross-entropy.

A sample x (with the bias trick's constant 1 appended) gets the score z = x . w and the
probability p = sigmoid(z) = 1 / (1 + exp(-z)) of class 1. The loss of a sample with label
y in {0, 1} is the binary cross-entropy -[y log p + (1 - y) log(1 - p)], which simplifies to
log(1 + exp(z)) - y z: written that way (np.logaddexp(0, z)) it never takes the log of 0, even
when |z| is so large that p rounds to exactly 0 or 1. Its derivative with respect to z is
p - y, the two-class case of softmax's p - onehot(y).
Sources: Sayon Dutta, *Reinforcement Learning with TensorFlow* (Packt, 2018), "logistic
regression as a neural network"; Goodfellow, Bengio & Courville, *Deep Learning* (2016),
sections 6.2.2.2 (sigmoid units) and 5.7.1.
"""

from __future__ import annotations

import numpy as np

__all__ = ["sigmoid", "logistic_loss"]


def sigmoid(z) -> np.ndarray:
    """Elementwise 1 / (1 + exp(-z)) for any shape, without overflow warnings (float64)."""
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(-np.abs(z))  # in (0, 1]: never overflows
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def logistic_loss(w, X, y, reg):
    """Mean binary cross-entropy of one sigmoid neuron plus L2, and its gradient.

    w: (D,) weights (bias folded in by the bias trick); X: (N, D); y: (N,) labels in {0, 1};
    reg >= 0 (reg * sum(w**2), the course's convention, as for the SVM and softmax).
    Returns (loss: float, dw: (D,) float64) with dw = X^T (sigmoid(X w) - y) / N + 2 reg w.
    Raises ValueError for mismatched shapes, labels outside {0, 1} or reg < 0.
    """
    w, X, y = np.asarray(w, dtype=np.float64), np.asarray(X, dtype=np.float64), np.asarray(y)
    if w.ndim != 1 or X.ndim != 2 or X.shape[1] != w.shape[0]:
        raise ValueError(f"w must be (D,) and X (N, D) with the same D; got w {w.shape} and X {X.shape}")
    if y.shape != (X.shape[0],) or not np.isin(y, (0, 1)).all():
        raise ValueError(f"y must be (N,) = ({X.shape[0]},) labels in {{0, 1}}, got shape {y.shape}")
    if reg < 0:
        raise ValueError(f"reg must be >= 0, got {reg}")
    z = X @ w
    loss = float(np.mean(np.logaddexp(0.0, z) - y * z)) + reg * float(np.sum(w * w))
    dw = X.T @ (sigmoid(z) - y) / X.shape[0] + 2 * reg * w
    return loss, dw
