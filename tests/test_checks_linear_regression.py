"""Every check of assignment 01 passes the reference, and rejects the stub and typical mistakes
with a message that names the mistake (the standard tests come from `check_harness`)."""

import numpy as np
import pytest
from check_harness import CheckTests

import lib.checks.linear_regression as module
from lib import checks
from lib import linear_regression as ref
from lib.checks import CheckFailed


# -- typical wrong implementations -------------------------------------------------------------
def mse_sum(W, b, X, y):
    return float(np.sum((X @ W + b - y) ** 2))


def mse_half(W, b, X, y):
    return 0.5 * float(np.mean((X @ W + b - y) ** 2))


def mse_no_bias(W, b, X, y):
    return float(np.mean((X @ W - y) ** 2))


def mse_per_sample(W, b, X, y):
    return (X @ W + b - y) ** 2


def grad_no_two(W, b, X, y):
    r = X @ W + b - y
    return X.T @ r / len(y), np.mean(r)


def grad_sum(W, b, X, y):
    r = X @ W + b - y
    return 2 * X.T @ r, 2 * np.sum(r)


def grad_sign(W, b, X, y):
    r = y - (X @ W + b)
    return 2 * X.T @ r / len(y), 2 * np.mean(r)


def grad_transposed(W, b, X, y):
    r = X @ W + b - y
    return (2 * X.T @ r / len(y))[None, :].T, 2 * np.mean(r)


def grad_only_dW(W, b, X, y):
    return 2 * X.T @ (X @ W + b - y) / len(y)


def grad_in_place(W, b, X, y):
    X -= X.mean(axis=0)  # "centring" the caller's data
    return ref.mse_grad(W, b, X, y)


def gd_ascent(X, y, learning_rate, num_iters, grad_fn=ref.mse_grad, W0=None, b0=0.0):
    W = np.zeros(X.shape[1]) if W0 is None else np.array(W0, float)
    b, hist = b0, [ref.mse_loss(W, b0, X, y)]
    for _ in range(num_iters):
        dW, db = grad_fn(W, b, X, y)
        W, b = W + learning_rate * dW, b + learning_rate * db
        hist.append(ref.mse_loss(W, b, X, y))
    return W, b, hist


def gd_sequential(X, y, learning_rate, num_iters, grad_fn=ref.mse_grad, W0=None, b0=0.0):
    W = np.zeros(X.shape[1]) if W0 is None else np.array(W0, float)
    b, hist = b0, [ref.mse_loss(W, b0, X, y)]
    for _ in range(num_iters):
        W = W - learning_rate * grad_fn(W, b, X, y)[0]
        b = b - learning_rate * grad_fn(W, b, X, y)[1]
        hist.append(ref.mse_loss(W, b, X, y))
    return W, b, hist


def gd_short_history(X, y, learning_rate, num_iters, grad_fn=ref.mse_grad, W0=None, b0=0.0):
    W, b, hist = ref.gradient_descent(X, y, learning_rate, num_iters, grad_fn, W0, b0)
    return W, b, hist[1:]


def gd_ignores_grad_fn(X, y, learning_rate, num_iters, grad_fn=ref.mse_grad, W0=None, b0=0.0):
    return ref.gradient_descent(X, y, learning_rate, num_iters, ref.mse_grad_loop, W0, b0)


def sgd_no_shuffle(X, y, learning_rate, num_epochs, batch_size, seed=0):
    N = len(y)
    W, b, hist = np.zeros(X.shape[1]), 0.0, [ref.mse_loss(np.zeros(X.shape[1]), 0.0, X, y)]
    for _ in range(num_epochs):
        for s in range(0, N, batch_size):
            dW, db = ref.mse_grad(W, b, X[s : s + batch_size], y[s : s + batch_size])
            W, b = W - learning_rate * dW, b - learning_rate * db
        hist.append(ref.mse_loss(W, b, X, y))
    return W, b, hist


def sgd_shuffle_once(X, y, learning_rate, num_epochs, batch_size, seed=0):
    N = len(y)
    order = np.random.default_rng(seed).permutation(N)
    return sgd_no_shuffle(X[order], y[order], learning_rate, num_epochs, batch_size)


def sgd_history_per_batch(X, y, learning_rate, num_epochs, batch_size, seed=0):
    N = len(y)
    rng = np.random.default_rng(seed)
    W, b, hist = np.zeros(X.shape[1]), 0.0, [ref.mse_loss(np.zeros(X.shape[1]), 0.0, X, y)]
    for _ in range(num_epochs):
        order = rng.permutation(N)
        for s in range(0, N, batch_size):
            idx = order[s : s + batch_size]
            dW, db = ref.mse_grad(W, b, X[idx], y[idx])
            W, b = W - learning_rate * dW, b - learning_rate * db
            hist.append(ref.mse_loss(W, b, X, y))
    return W, b, hist


def ne_no_bias(X, y):
    return np.linalg.solve(X.T @ X, X.T @ y), 0.0


def ne_theta(X, y):
    A = np.hstack([X, np.ones((len(y), 1))])
    return np.linalg.solve(A.T @ A, A.T @ y)


def hess_diag_only(f, x, h=1e-4):
    H = ref.numerical_hessian(f, x, h)
    return np.diag(np.diag(H))


def hess_wrong_denominator(f, x, h=1e-4):
    return 4 * ref.numerical_hessian(f, x, h)


def hess_not_restored(f, x, h=1e-4):
    H = ref.numerical_hessian(f, x, h)
    x += h  # a perturbation left behind
    return H


def std_own_test_stats(X_train, X_test):
    def z(A):
        return (A - A.mean(0)) / A.std(0)

    return z(X_train), z(X_test)


def std_rows(X_train, X_test):
    def z(A):
        return (A - A.mean(1, keepdims=True)) / A.std(1, keepdims=True)

    return z(X_train), z(X_test)


def std_no_scale(X_train, X_test):
    m = X_train.mean(0)
    return X_train - m, X_test - m


class TestChecks(CheckTests):
    module = module
    min_alternatives = 0  # issue 12: raise to 2 (the default) once the alternatives are written
    references = {name: getattr(ref, name) for name in module.__all__}
    mistakes = [
        ("mse_loss", mse_sum, "divide by N"),
        ("mse_loss", mse_half, "no 1/2"),
        ("mse_loss", mse_no_bias, "bias b is missing"),
        ("mse_loss", mse_per_sample, "single number"),
        ("mse_grad", grad_no_two, "factor 2"),
        ("mse_grad", grad_sum, "summed over the samples"),
        ("mse_grad", grad_sign, "sign is flipped"),
        ("mse_grad", grad_transposed, "shape"),
        ("mse_grad", grad_only_dW, r"should return \(dW, db\)"),
        ("mse_grad", grad_in_place, "changed its argument `X` in place"),
        ("mse_grad_loop", grad_no_two, "factor 2"),
        ("mse_grad_loop", grad_sign, "sign is flipped"),
        ("gradient_descent", gd_ascent, "uphill"),
        ("gradient_descent", gd_sequential, "after W had already moved|called .* times"),
        ("gradient_descent", gd_short_history, "num_iters \\+ 1"),
        ("gradient_descent", gd_ignores_grad_fn, "grad_fn was never called"),
        ("minibatch_sgd", sgd_no_shuffle, "never shuffled"),
        ("minibatch_sgd", sgd_shuffle_once, "shuffled only once"),
        ("minibatch_sgd", sgd_history_per_batch, "not one per batch"),
        ("normal_equation", ne_no_bias, "bias is missing"),
        ("normal_equation", ne_theta, r"pair \(W, b\)"),
        ("numerical_hessian", hess_diag_only, "mixed partials"),
        ("numerical_hessian", hess_wrong_denominator, "4 times too large"),
        ("numerical_hessian", hess_not_restored, "changed its argument `x` in place"),
        ("standardize", std_own_test_stats, "its own mean and std"),
        ("standardize", std_rows, "each sample"),
        ("standardize", std_no_scale, "centred but not scaled"),
    ]


def test_exception_in_student_code_is_reported():
    def broken(W, b, X, y):
        return X @ np.ones(len(y)) + b  # shape error: (N, D) @ (N,)

    with pytest.raises(CheckFailed, match="raised ValueError"):
        checks.mse_loss(broken)


def test_not_a_function():
    with pytest.raises(CheckFailed, match="expected your function"):
        checks.mse_loss(3.0)


def test_nan_is_reported():
    with pytest.raises(CheckFailed, match="NaN"):
        checks.mse_loss(lambda W, b, X, y: float("nan"))
