"""Linear regression by gradient descent, stochastic gradient descent and the normal equations.

Reference implementations for assignment 01; the graded checks compare students' code with them.
The model is y_hat = X @ W + b with X: (N, D), W: (D,), b a float. The loss is the mean squared
error MSE = (1/N) sum_i (y_hat_i - y_i)^2, with no 1/2 in front, so its gradient carries a 2:
    dMSE/dW = (2/N) X^T (y_hat - y),    dMSE/db = (2/N) sum_i (y_hat_i - y_i).
Sources: Goodfellow, Bengio & Courville, *Deep Learning* (2016), sections 5.1.4 and 4.3;
the y = 2x + 3 + noise example follows Hong Xingxing's "DQN" slides (2018).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = [
    "make_synthetic",
    "predict",
    "mse_loss",
    "mse_grad_loop",
    "mse_grad",
    "gradient_descent",
    "minibatch_sgd",
    "normal_equation",
    "ridge_loss",
    "ridge_grad",
    "ridge_normal_equation",
    "numerical_hessian",
    "standardize",
    "r2_score",
]


def _check_model(W, b, X, y=None) -> None:
    """Raise ValueError naming the argument whose shape does not fit y_hat = X @ W + b."""
    X = np.asarray(X)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D (N, D), got shape {X.shape}; reshape a single feature with X[:, None]")
    W = np.asarray(W)
    if W.shape != (X.shape[1],):
        raise ValueError(f"W must have shape (D,) = ({X.shape[1]},) to match X {X.shape}, got {W.shape}")
    if np.ndim(b) != 0:
        raise ValueError(f"b must be a scalar, got an array of shape {np.shape(b)}")
    if y is not None and np.shape(y) != (X.shape[0],):
        raise ValueError(f"y must have shape (N,) = ({X.shape[0]},) to match X {X.shape}, got {np.shape(y)}")


def make_synthetic(n: int = 100, noise_std: float = 5.0, seed: int = 0):
    """The data of Hong Xingxing's "DQN" slides (2018): x = 0, 1, ..., n-1 and y = 2x + 3 + Gaussian noise.

    Returns X: (n, 1) float64 and y: (n,) float64. noise_std is in units of y.
    """
    rng = np.random.default_rng(seed)
    x = np.arange(n, dtype=np.float64)
    y = 2.0 * x + 3.0 + rng.normal(0.0, noise_std, size=n)
    return x[:, None], y


def predict(W, b, X) -> np.ndarray:
    """y_hat = X @ W + b. W: (D,), b: float, X: (N, D). Returns (N,)."""
    _check_model(W, b, X)
    return X @ W + b


def mse_loss(W, b, X, y) -> float:
    """Mean squared error (1/N) sum (X @ W + b - y)^2 as a float. Shapes as in `predict`, y: (N,)."""
    _check_model(W, b, X, y)
    residual = X @ W + b - y
    return float(np.mean(residual**2))


def mse_grad_loop(W, b, X, y):
    """Gradient of `mse_loss` with explicit Python loops over samples and features.

    Slow on purpose: it spells out dMSE/dW_j = (2/N) sum_i (y_hat_i - y_i) X_ij.
    Returns (dW: (D,) float64, db: float).
    """
    _check_model(W, b, X, y)
    N, D = X.shape
    dW = np.zeros(D)
    db = 0.0
    for i in range(N):
        y_hat = b
        for j in range(D):
            y_hat += W[j] * X[i, j]
        err = y_hat - y[i]
        for j in range(D):
            dW[j] += 2.0 * err * X[i, j] / N
        db += 2.0 * err / N
    return dW, float(db)


def mse_grad(W, b, X, y):
    """Vectorized gradient of `mse_loss`: dW = (2/N) X^T r and db = (2/N) sum r, r = X @ W + b - y.

    Returns (dW: (D,) float64, db: float).
    """
    _check_model(W, b, X, y)
    r = X @ W + b - y
    N = X.shape[0]
    return 2.0 / N * (X.T @ r), float(2.0 / N * np.sum(r))


def gradient_descent(
    X, y, learning_rate: float, num_iters: int, grad_fn: Callable = mse_grad, W0=None, b0: float = 0.0
):
    """Full-batch gradient descent on the MSE.

    X: (N, D), y: (N,). learning_rate > 0. num_iters >= 0 updates.
    grad_fn(W, b, X, y) -> (dW, db); the loop and vectorized gradients are interchangeable.
    W0: (D,) starting weights (zeros if None); b0: starting bias.
    Each update computes both gradients at the current point, then moves both parameters.
    Returns (W: (D,), b: float, loss_history: list of num_iters + 1 floats), where
    loss_history[t] is the MSE after t updates (entry 0 is the starting point).
    """
    W = np.zeros(X.shape[1]) if W0 is None else np.array(W0, dtype=np.float64)
    b = float(b0)
    _check_model(W, b, X, y)
    history = [mse_loss(W, b, X, y)]
    for _ in range(num_iters):
        dW, db = grad_fn(W, b, X, y)
        W = W - learning_rate * dW
        b = b - learning_rate * db
        history.append(mse_loss(W, b, X, y))
    return W, float(b), history


def minibatch_sgd(
    X,
    y,
    learning_rate: float,
    num_epochs: int,
    batch_size: int,
    seed: int = 0,
    lr_decay: float = 1.0,
    W0=None,
    b0: float = 0.0,
):
    """Minibatch stochastic gradient descent on the MSE.

    At the start of every epoch draw `order = rng.permutation(N)` from
    `rng = np.random.default_rng(seed)` (created once), then update on the batches
    order[0:batch_size], order[batch_size:2*batch_size], ... (the last may be smaller).
    batch_size = N is full-batch gradient descent; batch_size = 1 is plain SGD.
    lr_decay: after every epoch the learning rate is multiplied by it (an exponential schedule,
    as CS231n's Solver does per epoch; 1.0 keeps it constant). Epoch e (from 0) uses
    learning_rate * lr_decay**e. A shrinking step lets SGD settle instead of jittering around the
    minimum. (The convergence theory, Bottou, Curtis & Nocedal 2018, section 4.2, asks for steps
    whose sum diverges while the sum of their squares converges, e.g. 1/t; a geometric decay has
    a finite sum and can stop short of the minimum, so it is a practical approximation.)
    Returns (W: (D,), b: float, loss_history: list of num_epochs + 1 floats), the full-data
    MSE at the start and after each epoch.
    Raises ValueError if batch_size is not in [1, N] or lr_decay is not in (0, 1].
    """
    N = X.shape[0]
    if not 1 <= batch_size <= N:
        raise ValueError(f"batch_size must be between 1 and N = {N}, got {batch_size}")
    if not 0 < lr_decay <= 1:
        raise ValueError(f"lr_decay must be in (0, 1], got {lr_decay}")
    rng = np.random.default_rng(seed)
    W = np.zeros(X.shape[1]) if W0 is None else np.array(W0, dtype=np.float64)
    b = float(b0)
    _check_model(W, b, X, y)
    history = [mse_loss(W, b, X, y)]
    for _ in range(num_epochs):
        order = rng.permutation(N)
        for start in range(0, N, batch_size):
            idx = order[start : start + batch_size]
            dW, db = mse_grad(W, b, X[idx], y[idx])
            W = W - learning_rate * dW
            b = b - learning_rate * db
        history.append(mse_loss(W, b, X, y))
        learning_rate = learning_rate * lr_decay
    return W, float(b), history


def normal_equation(X, y):
    """Least-squares fit in closed form: solve (A^T A) theta = A^T y with A = [X, 1].

    X: (N, D), y: (N,). Returns (W: (D,), b: float).
    Raises numpy.linalg.LinAlgError if A^T A is singular (duplicate or constant features).
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or np.shape(y) != (X.shape[0],):
        raise ValueError(f"X must be (N, D) and y (N,); got X {X.shape} and y {np.shape(y)}")
    A = np.hstack([X, np.ones((X.shape[0], 1))])
    theta = np.linalg.solve(A.T @ A, A.T @ y)
    return theta[:-1], float(theta[-1])


def ridge_loss(W, b, X, y, reg: float) -> float:
    """Ridge objective: MSE + reg * ||W||^2. The bias is not penalized (it only shifts the line).

    W: (D,), b: float, X: (N, D), y: (N,), reg >= 0. Returns a float.
    Source: Hoerl & Kennard (1970), *Ridge Regression*; Goodfellow et al. (2016), section 7.1.1.
    """
    return mse_loss(W, b, X, y) + reg * float(np.sum(W * W))


def ridge_grad(W, b, X, y, reg: float):
    """Gradient of `ridge_loss`: (mse_grad's dW + 2 reg W, mse_grad's db). Returns (dW: (D,), db: float)."""
    dW, db = mse_grad(W, b, X, y)
    return dW + 2.0 * reg * np.asarray(W, dtype=np.float64), db


def ridge_normal_equation(X, y, reg: float):
    """Minimizer of `ridge_loss` in closed form.

    Setting the gradient to zero with A = [X, 1] and theta = (W, b):
        (A^T A + N reg P) theta = A^T y,   P = diag(1, ..., 1, 0)  (b is not penalized).
    X: (N, D), y: (N,), reg >= 0 (reg = 0 is `normal_equation`). Returns (W: (D,), b: float).
    scikit-learn's Ridge(alpha) minimizes ||y - X w - b||^2 + alpha ||w||^2: the same fit for
    alpha = N * reg. Raises ValueError for bad shapes or reg < 0.
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or np.shape(y) != (X.shape[0],):
        raise ValueError(f"X must be (N, D) and y (N,); got X {X.shape} and y {np.shape(y)}")
    if reg < 0:
        raise ValueError(f"reg must be >= 0, got {reg}")
    N, D = X.shape
    A = np.hstack([X, np.ones((N, 1))])
    P = np.diag(np.r_[np.ones(D), 0.0])
    theta = np.linalg.solve(A.T @ A + N * reg * P, A.T @ y)
    return theta[:-1], float(theta[-1])


def numerical_hessian(f: Callable, x, h: float = 1e-4) -> np.ndarray:
    """Hessian of a scalar function by centered second differences.

    H_ij ~ [f(x + h e_i + h e_j) - f(x + h e_i - h e_j) - f(x - h e_i + h e_j) + f(x - h e_i - h e_j)] / 4h^2,
    exact up to rounding for quadratics (Nocedal & Wright, *Numerical Optimization*, section 8.1).
    f: callable on a (D,) float array returning a scalar. x: (D,) point; it is not modified.
    Returns H: (D, D) float64.
    """
    x = np.array(x, dtype=np.float64)
    if x.ndim != 1:
        raise ValueError(f"x must be a 1-D point (D,), got shape {x.shape}")
    D = x.size
    H = np.zeros((D, D))
    E = np.eye(D) * h
    for i in range(D):
        for j in range(D):
            H[i, j] = (f(x + E[i] + E[j]) - f(x + E[i] - E[j]) - f(x - E[i] + E[j]) + f(x - E[i] - E[j])) / (4 * h * h)
    return H


def standardize(X_train, X_test):
    """Scale features to zero mean and unit variance using the training set's statistics only.

    X_train: (N_train, D), X_test: (N_test, D). The per-feature mean and standard deviation
    (ddof = 0) come from X_train alone, so nothing about the test set leaks into training;
    a constant feature is centred and left unscaled.
    Returns (X_train_std, X_test_std), both float64 of the input shapes.
    """
    X_train = np.asarray(X_train, dtype=np.float64)
    X_test = np.asarray(X_test, dtype=np.float64)
    if X_train.ndim != 2 or X_test.ndim != 2 or X_train.shape[1] != X_test.shape[1]:
        raise ValueError(f"X_train and X_test must be 2-D with the same D; got {X_train.shape} and {X_test.shape}")
    mean = X_train.mean(axis=0)
    std = X_train.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    return (X_train - mean) / std, (X_test - mean) / std


def r2_score(y_true, y_pred) -> float:
    """Coefficient of determination R^2 = 1 - SS_res / SS_tot. y_true, y_pred: (N,)."""
    y_true, y_pred = np.asarray(y_true, dtype=float), np.asarray(y_pred, dtype=float)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true {y_true.shape} and y_pred {y_pred.shape} must have the same shape")
    ss_res = np.sum((y_true - y_pred) ** 2)
    ss_tot = np.sum((y_true - y_true.mean()) ** 2)
    return float(1.0 - ss_res / ss_tot)
