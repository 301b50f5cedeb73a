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


def gd_two_calls_same_point(X, y, learning_rate, num_iters, grad_fn, W0=None, b0=0.0):
    """Correct, if wasteful: both gradients at the current point, from two calls."""
    W = np.zeros(X.shape[1]) if W0 is None else np.array(W0, float)
    b, hist = b0, [ref.mse_loss(W, b0, X, y)]
    for _ in range(num_iters):
        dW, db = grad_fn(W, b, X, y)[0], grad_fn(W, b, X, y)[1]
        W, b = W - learning_rate * dW, b - learning_rate * db
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


# -- mistakes added for issue 12 -----------------------------------------------------------------
def mse_by_D(W, b, X, y):
    return float(np.sum((X @ W + b - y) ** 2) / X.shape[1])


def grad_by_D(W, b, X, y):
    r = X @ W + b - y
    return 2 * X.T @ r / X.shape[1], 2 * np.sum(r) / X.shape[1]


def gd_default_ones(X, y, learning_rate, num_iters, grad_fn=ref.mse_grad, W0=None, b0=0.0):
    W0 = np.ones(X.shape[1]) if W0 is None else W0  # the default start is not zeros
    return ref.gradient_descent(X, y, learning_rate, num_iters, grad_fn, W0, b0)


def sgd_global_rng(X, y, learning_rate, num_epochs, batch_size, seed=0):
    np.random.seed(seed)
    N = len(y)
    W, b, hist = np.zeros(X.shape[1]), 0.0, [ref.mse_loss(np.zeros(X.shape[1]), 0.0, X, y)]
    for _ in range(num_epochs):
        order = np.random.permutation(N)
        for s in range(0, N, batch_size):
            idx = order[s : s + batch_size]
            dW, db = ref.mse_grad(W, b, X[idx], y[idx])
            W, b = W - learning_rate * dW, b - learning_rate * db
        hist.append(ref.mse_loss(W, b, X, y))
    return W, b, hist


def sgd_python_shuffle(X, y, learning_rate, num_epochs, batch_size, seed=0):
    import random

    N = len(y)
    W, b, hist = np.zeros(X.shape[1]), 0.0, [ref.mse_loss(np.zeros(X.shape[1]), 0.0, X, y)]
    for _ in range(num_epochs):
        order = list(range(N))
        random.shuffle(order)
        for s in range(0, N, batch_size):
            idx = order[s : s + batch_size]
            dW, db = ref.mse_grad(W, b, X[idx], y[idx])
            W, b = W - learning_rate * dW, b - learning_rate * db
        hist.append(ref.mse_loss(W, b, X, y))
    return W, b, hist


def sgd_unseeded(X, y, learning_rate, num_epochs, batch_size, seed=0):
    return ref.minibatch_sgd(
        X, y, learning_rate, num_epochs, batch_size, seed=int(np.random.default_rng().integers(1 << 30))
    )


def sgd_seed_ignored(X, y, learning_rate, num_epochs, batch_size, seed=0):
    return ref.minibatch_sgd(X, y, learning_rate, num_epochs, batch_size, seed=0)


def sgd_default_seed_1(X, y, learning_rate, num_epochs, batch_size, seed=1):
    return ref.minibatch_sgd(X, y, learning_rate, num_epochs, batch_size, seed=seed)


def ne_ones_first(X, y):
    A = np.hstack([np.ones((len(y), 1)), X])
    theta = np.linalg.solve(A.T @ A, A.T @ y)
    return theta[:-1], float(theta[-1])


def hess_forward(f, x, h=1e-4):
    x = np.array(x, dtype=float)
    E = np.eye(x.size) * h
    return np.array([[(f(x + a + e) - f(x + a) - f(x + e) + f(x)) / h**2 for e in E] for a in E])


def hess_backward(f, x, h=1e-4):
    return hess_forward(f, x, -h)


def hess_upper_only(f, x, h=1e-4):
    x = np.array(x, dtype=float)
    E = np.eye(x.size) * h
    H = np.zeros((x.size, x.size))
    for i in range(x.size):
        for j in range(i, x.size):  # the lower triangle is never filled
            H[i, j] = (f(x + E[i] + E[j]) - f(x + E[i] - E[j]) - f(x - E[i] + E[j]) + f(x - E[i] - E[j])) / (4 * h * h)
    return H


def hess_ignores_h(f, x, h=1e-4):
    return ref.numerical_hessian(f, x)


def std_nan_constant(X_train, X_test):
    m, s = X_train.mean(0), X_train.std(0)
    return (X_train - m) / s, (X_test - m) / s


def std_epsilon(X_train, X_test):
    m, s = X_train.mean(0), X_train.std(0) + 1e-12
    return (X_train - m) / s, (X_test - m) / s


def std_zero_constant(X_train, X_test):
    m, s = X_train.mean(0), X_train.std(0)
    safe = np.where(s > 0, s, 1.0)
    return (X_train - m) / safe * (s > 0), (X_test - m) / safe * (s > 0)


def std_variance(X_train, X_test):
    m, v = X_train.mean(0), X_train.var(0)
    v = np.where(v > 0, v, 1.0)
    return (X_train - m) / v, (X_test - m) / v


# -- correct implementations written differently --------------------------------------------------
def mse_loop(W, b, X, y):
    total = 0.0
    for i in range(X.shape[0]):
        total += (sum(W[j] * X[i, j] for j in range(X.shape[1])) + b - y[i]) ** 2
    return total / X.shape[0]


def mse_dot(W, b, X, y):
    r = np.einsum("nd,d->n", X, W) + b - y
    return r @ r / len(r)


def grad_einsum(W, b, X, y):
    r = X @ W + b - y
    return np.einsum("n,nd->d", r, X) * 2 / len(y), 2 * r.mean()


def grad_mean_rows(W, b, X, y):
    r = (X @ W + b - y)[:, None]
    return np.mean(2 * r * X, axis=0), float(np.mean(2 * r))


def grad_per_sample(W, b, X, y):
    dW, db = np.zeros_like(W), 0.0
    for x_i, y_i in zip(X, y):
        e = x_i @ W + b - y_i
        dW, db = dW + 2 * e * x_i, db + 2 * e
    return dW / len(y), db / len(y)


def gd_while(X, y, learning_rate, num_iters, grad_fn=ref.mse_grad, W0=None, b0=0.0):
    W = np.zeros(X.shape[1]) if W0 is None else np.asarray(W0, dtype=float).copy()
    b, history, t = float(b0), [], 0
    while True:
        history.append(float(np.mean((X @ W + b - y) ** 2)))
        if t == num_iters:
            return W, b, history
        dW, db = grad_fn(W, b, X, y)
        W -= learning_rate * dW  # in place on our own copy
        b -= learning_rate * db
        t += 1


def gd_theta(X, y, learning_rate, num_iters, grad_fn=ref.mse_grad, W0=None, b0=0.0):
    theta = np.append(np.zeros(X.shape[1]) if W0 is None else W0, b0).astype(float)
    history = [ref.mse_loss(theta[:-1], theta[-1], X, y)]
    for _ in range(num_iters):
        theta = theta - learning_rate * np.append(*grad_fn(theta[:-1], theta[-1], X, y))
        history.append(ref.mse_loss(theta[:-1], theta[-1], X, y))
    return theta[:-1], theta[-1], history


def sgd_split(X, y, learning_rate, num_epochs, batch_size, seed=0, lr_decay=1.0):
    rng = np.random.default_rng(seed)
    W, b = np.zeros(X.shape[1]), 0.0
    history = [ref.mse_loss(W, b, X, y)]
    for epoch in range(num_epochs):
        order = rng.permutation(len(y))
        lr = learning_rate * lr_decay**epoch
        for idx in np.split(order, range(batch_size, len(y), batch_size)):
            dW, db = grad_einsum(W, b, X[idx], y[idx])
            W, b = W - lr * dW, b - lr * db
        history.append(ref.mse_loss(W, b, X, y))
    return W, b, history


def sgd_shuffled_copies(X, y, learning_rate, num_epochs, batch_size, seed=0, lr_decay=1.0):
    rng = np.random.default_rng(seed)
    W, b = np.zeros(X.shape[1]), 0.0
    history = [mse_dot(W, b, X, y)]
    for _ in range(num_epochs):
        order = rng.permutation(len(y))
        Xs, ys = X[order], y[order]
        start = 0
        while start < len(y):
            dW, db = grad_mean_rows(W, b, Xs[start : start + batch_size], ys[start : start + batch_size])
            W, b = W - learning_rate * dW, b - learning_rate * db
            start += batch_size
        history.append(mse_dot(W, b, X, y))
        learning_rate *= lr_decay
    return W, b, history


def sgd_decay_variant(when):
    def minibatch_sgd(X, y, learning_rate, num_epochs, batch_size, seed=0, lr_decay=1.0):
        rng = np.random.default_rng(seed)
        W, b = np.zeros(X.shape[1]), 0.0
        history = [ref.mse_loss(W, b, X, y)]
        for _ in range(num_epochs):
            order = rng.permutation(len(y))
            if when == "start":
                learning_rate *= lr_decay
            for s in range(0, len(y), batch_size):
                idx = order[s : s + batch_size]
                dW, db = ref.mse_grad(W, b, X[idx], y[idx])
                W, b = W - learning_rate * dW, b - learning_rate * db
                if when == "batch":
                    learning_rate *= lr_decay
            history.append(ref.mse_loss(W, b, X, y))
        return W, b, history

    minibatch_sgd.__name__ = f"sgd_decay_{when}"
    return minibatch_sgd


def ridge_grad_half(W, b, X, y, reg):
    dW, db = ref.mse_grad(W, b, X, y)
    return dW + reg * W, db


def ridge_grad_bias_penalized(W, b, X, y, reg):
    dW, db = ref.ridge_grad(W, b, X, y, reg)
    return dW, db + 2 * reg * b


def ridge_grad_no_penalty(W, b, X, y, reg):
    return ref.mse_grad(W, b, X, y)


def ridge_grad_no_two(W, b, X, y, reg):
    dW, db = ref.mse_grad(W, b, X, y)
    return dW / 2 + 2 * reg * W, db / 2


def ridge_grad_theta(W, b, X, y, reg):
    A = np.column_stack([X, np.ones(len(y))])
    theta = np.append(W, b)
    g = 2 / len(y) * A.T @ (A @ theta - y) + 2 * reg * np.append(W, 0.0)
    return g[:-1], g[-1]


def ridge_grad_loops(W, b, X, y, reg):
    dW, db = mse_grad_loop_ref(W, b, X, y)
    return dW + 2 * reg * W, db


def mse_grad_loop_ref(W, b, X, y):
    N, D = X.shape
    dW, db = np.zeros(D), 0.0
    for i in range(N):
        r = X[i] @ W + b - y[i]
        dW += 2 * r * X[i] / N
        db += 2 * r / N
    return dW, db


def ridge_ne_bias_penalized(X, y, reg):
    A = np.hstack([X, np.ones((len(y), 1))])
    theta = np.linalg.solve(A.T @ A + len(y) * reg * np.eye(A.shape[1]), A.T @ y)
    return theta[:-1], theta[-1]


def ridge_ne_no_N(X, y, reg):
    A = np.hstack([X, np.ones((len(y), 1))])
    P = np.diag(np.r_[np.ones(X.shape[1]), 0.0])
    theta = np.linalg.solve(A.T @ A + reg * P, A.T @ y)
    return theta[:-1], theta[-1]


def ridge_ne_ignores_reg(X, y, reg):
    return ref.normal_equation(X, y)


def ridge_ne_centred(X, y, reg):
    Xc, yc = X - X.mean(0), y - y.mean()
    W = np.linalg.solve(Xc.T @ Xc + len(y) * reg * np.eye(X.shape[1]), Xc.T @ yc)
    return W, y.mean() - X.mean(0) @ W


def ridge_ne_augmented(X, y, reg):
    N, D = X.shape
    A = np.vstack([np.column_stack([X, np.ones(N)]), np.column_stack([np.sqrt(N * reg) * np.eye(D), np.zeros(D)])])
    theta = np.linalg.lstsq(A, np.r_[y, np.zeros(D)], rcond=None)[0]
    return theta[:-1], theta[-1]


def ridge_ne_sklearn(X, y, reg):
    from sklearn.linear_model import Ridge

    model = Ridge(alpha=len(y) * reg, solver="cholesky").fit(X, y)
    return model.coef_, model.intercept_


def ne_lstsq(X, y):
    theta = np.linalg.lstsq(np.column_stack([X, np.ones(len(y))]), y, rcond=None)[0]
    return theta[:-1], theta[-1]


def ne_centred(X, y):
    Xc = X - X.mean(0)
    W = np.linalg.solve(Xc.T @ Xc, Xc.T @ (y - y.mean()))
    return W, y.mean() - X.mean(0) @ W


def ne_ones_first_read_right(X, y):
    A = np.hstack([np.ones((len(y), 1)), X])
    theta = np.linalg.pinv(A) @ y
    return theta[1:], theta[0]


def hess_three_point_diagonal(f, x, h=1e-4):
    x = np.array(x, dtype=float)
    E = np.eye(x.size) * h
    H = np.empty((x.size, x.size))
    for i in range(x.size):
        H[i, i] = (f(x + E[i]) - 2 * f(x) + f(x - E[i])) / h**2
        for j in range(i):
            H[i, j] = H[j, i] = (f(x + E[i] + E[j]) - f(x + E[i] - E[j]) - f(x - E[i] + E[j]) + f(x - E[i] - E[j])) / (
                4 * h * h
            )
    return H


def hess_gradient_of_gradient(f, x, h=1e-4):
    x = np.array(x, dtype=float)
    E = np.eye(x.size) * h

    def grad(z):
        return np.array([(f(z + e) - f(z - e)) / (2 * h) for e in E])

    return np.array([(grad(x + e) - grad(x - e)) / (2 * h) for e in E])


def std_sklearn(X_train, X_test):
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test)


def std_masked(X_train, X_test):
    mean = np.mean(X_train, axis=0)
    std = np.sqrt(np.mean((X_train - mean) ** 2, axis=0))
    std[std == 0] = 1.0
    return (X_train - mean) / std, (X_test - mean) / std


class TestChecks(CheckTests):
    module = module
    references = {name: getattr(ref, name) for name in module.__all__}
    mistakes = [
        ("mse_loss", mse_sum, "divide by N"),
        ("mse_loss", mse_half, "no 1/2"),
        ("mse_loss", mse_no_bias, "bias b is missing"),
        ("mse_loss", mse_per_sample, "single number"),
        ("mse_loss", mse_by_D, "divided by D"),
        ("mse_grad", grad_no_two, "factor 2"),
        ("mse_grad", grad_sum, "summed over the samples"),
        ("mse_grad", grad_sign, "sign is flipped"),
        ("mse_grad", grad_transposed, "shape"),
        ("mse_grad", grad_only_dW, r"should return \(dW, db\)"),
        ("mse_grad", grad_in_place, "changed its argument `X` in place"),
        ("mse_grad", grad_by_D, "divided by D"),
        ("mse_grad_loop", grad_by_D, "divided by D"),
        ("mse_grad_loop", grad_no_two, "factor 2"),
        ("mse_grad_loop", grad_sign, "sign is flipped"),
        ("gradient_descent", gd_ascent, "uphill"),
        ("gradient_descent", gd_sequential, "after W had already moved"),
        ("gradient_descent", gd_short_history, "num_iters \\+ 1"),
        ("gradient_descent", gd_ignores_grad_fn, "grad_fn was never called"),
        ("gradient_descent", gd_default_ones, "default start"),
        ("minibatch_sgd", sgd_no_shuffle, "never shuffled"),
        ("minibatch_sgd", sgd_shuffle_once, "shuffled only once"),
        ("minibatch_sgd", sgd_history_per_batch, "not one per batch"),
        ("minibatch_sgd", sgd_global_rng, "global random generator"),
        ("minibatch_sgd", sgd_python_shuffle, "global random generator"),
        ("minibatch_sgd", sgd_unseeded, "same seed gave different weights"),
        ("minibatch_sgd", sgd_seed_ignored, "seed was ignored"),
        ("minibatch_sgd", sgd_default_seed_1, "default seed=0"),
        ("minibatch_sgd", sgd_decay_variant("batch"), "shrank after every batch"),
        ("minibatch_sgd", sgd_decay_variant("start"), "first epoch already used"),
        ("minibatch_sgd", sgd_decay_variant("never"), "lr_decay was ignored"),
        ("ridge_grad", ridge_grad_half, "2 reg W"),
        ("ridge_grad", ridge_grad_bias_penalized, "bias was penalized"),
        ("ridge_grad", ridge_grad_no_penalty, "penalty is missing"),
        ("ridge_grad", ridge_grad_no_two, "factor 2"),
        ("ridge_normal_equation", ridge_ne_bias_penalized, "bias was penalized"),
        ("ridge_normal_equation", ridge_ne_no_N, "factor N"),
        ("ridge_normal_equation", ridge_ne_ignores_reg, "reg was ignored"),
        ("normal_equation", ne_no_bias, "bias is missing"),
        ("normal_equation", ne_theta, r"pair \(W, b\)"),
        ("normal_equation", ne_ones_first, "W and b are mixed up"),
        ("numerical_hessian", hess_diag_only, "mixed partials"),
        ("numerical_hessian", hess_wrong_denominator, "4 times too large"),
        ("numerical_hessian", hess_not_restored, "changed its argument `x` in place"),
        ("numerical_hessian", hess_upper_only, "only one triangle"),
        ("numerical_hessian", hess_forward, "one-sided differences"),
        ("numerical_hessian", hess_backward, "one-sided differences"),
        ("numerical_hessian", hess_ignores_h, "step h you were given was ignored"),
        ("standardize", std_own_test_stats, "its own mean and std"),
        ("standardize", std_rows, "each sample"),
        ("standardize", std_no_scale, "centred but not scaled"),
        ("standardize", std_nan_constant, "NaN or inf.*constant in X_train"),
        ("standardize", std_epsilon, "constant in X_train"),
        ("standardize", std_zero_constant, "set to 0 in X_test"),
        ("standardize", std_variance, "divided by the variance"),
    ]
    alternatives = [
        ("gradient_descent", gd_two_calls_same_point),
        ("mse_loss", mse_loop),
        ("mse_loss", mse_dot),
        ("mse_grad_loop", grad_per_sample),
        ("mse_grad_loop", grad_einsum),
        ("mse_grad", grad_einsum),
        ("mse_grad", grad_mean_rows),
        ("gradient_descent", gd_while),
        ("gradient_descent", gd_theta),
        ("minibatch_sgd", sgd_split),
        ("minibatch_sgd", sgd_shuffled_copies),
        ("ridge_grad", ridge_grad_theta),
        ("ridge_grad", ridge_grad_loops),
        ("ridge_normal_equation", ridge_ne_centred),
        ("ridge_normal_equation", ridge_ne_augmented),
        ("ridge_normal_equation", ridge_ne_sklearn),
        ("normal_equation", ne_lstsq),
        ("normal_equation", ne_centred),
        ("normal_equation", ne_ones_first_read_right),
        ("numerical_hessian", hess_three_point_diagonal),
        ("numerical_hessian", hess_gradient_of_gradient),
        ("standardize", std_sklearn),
        ("standardize", std_masked),
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
