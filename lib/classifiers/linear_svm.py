"""Multiclass SVM loss (Weston & Watkins, 1999) and its gradient, following CS231n's
`linear_svm.py` and its lecture notes ("Linear classification", "Optimization").

For scores s = x W, the loss of sample i is sum over j != y_i of max(0, s_j - s_{y_i} + delta),
with delta = 1. The total is the mean over samples plus reg * sum(W**2); its gradient is the
mean of the per-sample gradients plus 2 * reg * W. (This course writes the regularizer without
a 1/2 everywhere.)
"""

from __future__ import annotations

import numpy as np

from ..layers import svm_loss
from ._validate import check_linear_inputs

DELTA = 1.0


def svm_loss_naive(W, X, y, reg):
    """Multiclass SVM loss and gradient with explicit loops.

    W: (D, C) weights; X: (N, D) samples; y: (N,) labels in [0, C); reg: L2 strength >= 0.
    Returns (loss: float, dW: (D, C) float64). Raises ValueError for mismatched shapes or labels.
    """
    check_linear_inputs(W, X, y, reg)
    dW = np.zeros(W.shape)
    N, C = X.shape[0], W.shape[1]
    loss = 0.0
    for i in range(N):
        scores = X[i] @ W
        correct = scores[y[i]]
        for j in range(C):
            if j == y[i]:
                continue
            margin = scores[j] - correct + DELTA
            if margin > 0:
                loss += margin
                dW[:, j] += X[i]
                dW[:, y[i]] -= X[i]
    loss = loss / N + reg * np.sum(W * W)
    dW = dW / N + 2 * reg * W
    return float(loss), dW


def svm_loss_vectorized(W, X, y, reg):
    """Multiclass SVM loss and gradient without loops: same inputs and outputs as `svm_loss_naive`.

    The hinge on the scores S = X W is `layers.svm_loss` (its gradient dS is CS231n's Q / N, with
    each correct-class entry minus the number of positive margins in its row); then
    dW = X^T dS + 2 reg W.
    """
    check_linear_inputs(W, X, y, reg)
    data_loss, dscores = svm_loss(X @ W, y)
    return data_loss + reg * float(np.sum(W * W)), X.T @ dscores + 2 * reg * W
