"""Multiclass SVM loss (Weston & Watkins, 1999) and its gradient, following CS231n's
`linear_svm.py` and its lecture notes ("Linear classification", "Optimization").

For scores s = x W, the loss of sample i is sum over j != y_i of max(0, s_j - s_{y_i} + delta),
with delta = 1. The total is the mean over samples plus reg * sum(W**2); its gradient is the
mean of the per-sample gradients plus 2 * reg * W. (This course writes the regularizer without
a 1/2 everywhere.)
"""
from __future__ import annotations

import numpy as np

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

    With M the (N, C) indicator of positive margins, and each correct-class entry set to minus
    the number of positive margins in its row, dW = X^T M / N + 2 reg W (CS231n's X^T Q form).
    """
    check_linear_inputs(W, X, y, reg)
    N = X.shape[0]
    rows = np.arange(N)
    scores = X @ W
    margins = np.maximum(0.0, scores - scores[rows, y][:, None] + DELTA)
    margins[rows, y] = 0.0
    loss = margins.sum() / N + reg * np.sum(W * W)
    Q = (margins > 0).astype(X.dtype)
    Q[rows, y] = -Q.sum(axis=1)
    dW = X.T @ Q / N + 2 * reg * W
    return float(loss), dW
