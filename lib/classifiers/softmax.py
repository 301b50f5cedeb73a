"""Softmax (cross-entropy) loss and its gradient, following CS231n's `softmax.py` and notes.

p = softmax(s) with s = x W; the loss of sample i is -log p_{y_i}. Exponentials of large scores
overflow (exp(1000) is inf in float64), so every row is shifted by its maximum first: softmax is
unchanged by adding a constant to all scores (Goodfellow et al., *Deep Learning*, section 4.1).
The gradient with respect to the scores is p - onehot(y); the softmax Jacobian is
dp_i/ds_j = p_i (delta_ij - p_j).
"""

from __future__ import annotations

import numpy as np

from ..layers import softmax_loss
from ._validate import check_linear_inputs


def softmax(scores) -> np.ndarray:
    """Row-wise softmax, numerically stable. scores: (N, C) or (C,). Returns probabilities, same shape."""
    scores = np.asarray(scores, dtype=np.float64)
    shifted = scores - scores.max(axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=-1, keepdims=True)


def softmax_loss_naive(W, X, y, reg):
    """Softmax loss and gradient with explicit loops over samples.

    W: (D, C); X: (N, D); y: (N,) labels in [0, C); reg >= 0.
    Returns (loss: float, dW: (D, C) float64). Raises ValueError for mismatched shapes or labels.
    """
    check_linear_inputs(W, X, y, reg)
    dW = np.zeros(W.shape)
    N, C = X.shape[0], W.shape[1]
    loss = 0.0
    for i in range(N):
        scores = X[i] @ W
        scores = scores - scores.max()
        exp = np.exp(scores)
        p = exp / exp.sum()
        loss -= np.log(p[y[i]])
        for j in range(C):
            dW[:, j] += (p[j] - (j == y[i])) * X[i]
    loss = loss / N + reg * np.sum(W * W)
    dW = dW / N + 2 * reg * W
    return float(loss), dW


def softmax_loss_vectorized(W, X, y, reg):
    """Softmax loss and gradient without loops: same inputs and outputs as `softmax_loss_naive`.

    The cross-entropy on the scores S = X W is `layers.softmax_loss` (max-shifted; dS = (P - Y) / N);
    then dW = X^T dS + 2 reg W.
    """
    check_linear_inputs(W, X, y, reg)
    data_loss, dscores = softmax_loss(X @ W, y)
    return data_loss + reg * float(np.sum(W * W)), X.T @ dscores + 2 * reg * W
