"""A linear classifier trained by minibatch SGD, after CS231n's `linear_classifier.py`.

Subclasses choose the loss: `LinearSVM` (multiclass hinge) or `Softmax` (cross-entropy).
"""

from __future__ import annotations

import numpy as np

from ._validate import check_labels
from .linear_svm import svm_loss_vectorized
from .softmax import softmax_loss_vectorized


class LinearClassifier:
    """Scores s = X W with W: (D, C); predictions argmax_j s_j.

    W is created on the first call to `train` (small Gaussian, std 0.001) and kept across calls,
    so a second `train` continues from where the first stopped.
    """

    def __init__(self):
        self.W = None

    def loss(self, X_batch, y_batch, reg):
        """(loss, dW) on a minibatch; subclasses implement it."""
        raise NotImplementedError("use LinearSVM or Softmax, or a subclass that defines loss()")

    def train(self, X, y, learning_rate=1e-3, reg=1e-5, num_iters=100, batch_size=200, seed=0, verbose=False):
        """Minibatch stochastic gradient descent.

        X: (N, D) float; y: (N,) labels in [0, C), C = y.max() + 1 (or W's width if W exists).
        learning_rate > 0; reg >= 0; num_iters updates; batch_size samples per update.
        Random numbers, in this order, from rng = np.random.default_rng(seed): if W is None,
        W = 0.001 * rng.standard_normal((D, C)); then per iteration idx = rng.choice(N, batch_size)
        (with replacement, as CS231n does).
        Returns loss_history: list of num_iters floats, the minibatch loss before each update.
        Raises ValueError for bad shapes, labels, or hyperparameters.
        """
        X, y = np.asarray(X), np.asarray(y)
        if X.ndim != 2:
            raise ValueError(f"X must be 2-D (N, D), got shape {X.shape}")
        N, D = X.shape
        C = self.W.shape[1] if self.W is not None else int(np.max(y)) + 1
        check_labels(y, N, C)
        if self.W is not None and self.W.shape[0] != D:
            raise ValueError(f"X has D = {D} features but the trained W has shape {self.W.shape}")
        if learning_rate <= 0 or batch_size < 1 or num_iters < 0:
            raise ValueError(
                f"need learning_rate > 0, batch_size >= 1, num_iters >= 0; got "
                f"{learning_rate}, {batch_size}, {num_iters}"
            )
        rng = np.random.default_rng(seed)
        if self.W is None:
            self.W = 0.001 * rng.standard_normal((D, C))
        history = []
        for it in range(num_iters):
            idx = rng.choice(N, batch_size)
            loss, dW = self.loss(X[idx], y[idx], reg)
            history.append(loss)
            self.W = self.W - learning_rate * dW
            if verbose and it % 100 == 0:
                print(f"iteration {it} / {num_iters}: loss {loss:.4f}")
        return history

    def predict(self, X):
        """Predicted labels for X: (N, D). Returns (N,) int64. Raises ValueError before training."""
        if self.W is None:
            raise ValueError("the classifier is not trained yet: call train() first")
        X = np.asarray(X)
        if X.ndim != 2 or X.shape[1] != self.W.shape[0]:
            raise ValueError(f"X must have shape (N, {self.W.shape[0]}), got {X.shape}")
        return np.argmax(X @ self.W, axis=1)


class LinearSVM(LinearClassifier):
    """Linear classifier with the multiclass SVM loss."""

    def loss(self, X_batch, y_batch, reg):
        return svm_loss_vectorized(self.W, X_batch, y_batch, reg)


class Softmax(LinearClassifier):
    """Linear classifier with the softmax (cross-entropy) loss."""

    def loss(self, X_batch, y_batch, reg):
        return softmax_loss_vectorized(self.W, X_batch, y_batch, reg)
