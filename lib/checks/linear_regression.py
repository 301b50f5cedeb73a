"""Graded checks for assignment 01 (linear regression).

Each check takes the student's function, runs it on seeded problems, compares with what the
reference in `lib.linear_regression` returns (asked through `expected.reference`, never imported),
and recognises the usual mistakes by name. A mistake is named only where the inputs tell it apart
from the right answer and from every other named mistake (`distinct`).
"""

from __future__ import annotations

from functools import partial

import numpy as np

from .core import RNG_FROM_SEED, Check, distinct, global_rng_untouched
from .expected import answer, reference

ref = reference("lib.linear_regression")

__all__ = [
    "mse_loss",
    "mse_grad_loop",
    "mse_grad",
    "gradient_descent",
    "minibatch_sgd",
    "normal_equation",
    "ridge_grad",
    "ridge_normal_equation",
    "numerical_hessian",
    "standardize",
]


def _problem(seed: int, N: int, D: int):
    """A small regression problem with a non-zero bias and features of different scales."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(N, D)) * rng.uniform(0.5, 3.0, size=D) + rng.normal(size=D)
    W = rng.normal(size=D)
    b = float(rng.normal())
    y = X @ rng.normal(size=D) + 1.5 + 0.3 * rng.normal(size=N)
    return W, b, X, y


# N != D everywhere, so that mixing up X.shape[0] and X.shape[1] shows. The single-feature problem
# comes last: with D = 1, dividing by D looks like summing, and matrix products look like
# elementwise ones, so a mistake is best named on the others.
_PROBLEMS = [(1, 20, 3), (2, 50, 5), (0, 7, 1)]


# -- the loss and its gradient ---------------------------------------------------------------
def mse_loss(fn) -> None:
    """Check `mse_loss(W, b, X, y) -> float` on three problems."""
    c = Check("mse_loss", fn)
    for seed, N, D in _PROBLEMS:
        W, b, X, y = _problem(seed, N, D)
        r = X @ W + b - y
        expected = ref.mse_loss(W, b, X, y)
        mistakes = [
            ("you summed the squared errors; divide by N to get the mean.", expected * N),
            ("you divided by D = X.shape[1]; the mean runs over the N = X.shape[0] samples.", expected * N / D),
            ("this course's MSE has no 1/2 in front: (1/N) sum (y_hat - y)^2.", expected / 2),
            ("you returned the square root (the RMSE); the MSE is the mean of the squares.", np.sqrt(expected)),
            ("that is the mean absolute error; square the residuals instead.", np.mean(np.abs(r))),
            ("the bias b is missing from the prediction y_hat = X @ W + b.", ref.mse_loss(W, 0.0, X, y)),
        ]
        c.close(c.call(W, b, X, y), expected, "the loss", mistakes=distinct(mistakes, expected))
    c.done()


def _grad_mistakes(W, b, X, y, dW, db):
    N, D = X.shape
    dW0, db0 = ref.mse_grad(W, 0.0, X, y)
    by_D = "you divided by D = X.shape[1]; the mean runs over the N = X.shape[0] samples."
    return {
        "dW": [
            ("it is half the right value: the factor 2 from differentiating the square is missing.", dW / 2),
            ("it is N times too large: you summed over the samples instead of averaging (divide by N).", dW * N),
            (by_D, dW * N / D),
            ("the sign is flipped: d/dW (y_hat - y)^2 = 2 (y_hat - y) x, so the residual is y_hat - y.", -dW),
            ("the bias b is missing from the residual: use y_hat = X @ W + b.", dW0),
        ],
        "db": [
            ("it is half the right value: the factor 2 from differentiating the square is missing.", db / 2),
            ("it is N times too large: you summed over the samples instead of averaging (divide by N).", db * N),
            (by_D, db * N / D),
            ("the sign is flipped: d/db (y_hat - y)^2 = 2 (y_hat - y), so the residual is y_hat - y.", -db),
            ("the bias b is missing from the residual: use y_hat = X @ W + b.", db0),
        ],
    }


def _check_grad(name: str, fn) -> None:
    c = Check(name, fn)
    for seed, N, D in _PROBLEMS:
        W, b, X, y = _problem(seed, N, D)
        dW, db = ref.mse_grad(W, b, X, y)
        got_dW, got_db = c.unpack(c.call(W, b, X, y), ["dW", "db"])
        m = _grad_mistakes(W, b, X, y, dW, db)
        c.close(got_dW, dW, "dW", mistakes=distinct(m["dW"], dW))
        c.close(got_db, db, "db", mistakes=distinct(m["db"], db))
    c.done()


def mse_grad_loop(fn) -> None:
    """Check `mse_grad_loop(W, b, X, y) -> (dW, db)`, the version with explicit loops."""
    _check_grad("mse_grad_loop", fn)


def mse_grad(fn) -> None:
    """Check the vectorized `mse_grad(W, b, X, y) -> (dW, db)`."""
    _check_grad("mse_grad", fn)


# -- gradient descent ------------------------------------------------------------------------
def _ridge_grad(W, b, X, y):
    """The grad_fn handed to the student's gradient_descent: the gradient of the ridge objective
    MSE + 0.1 ||W||^2 rather than of the plain MSE, so that a loop which ignores grad_fn (and
    calls mse_grad itself) lands somewhere else. An input of the check, not an answer."""
    r = X @ W + b - y
    return 2.0 / len(y) * (X.T @ r) + 0.2 * W, float(2.0 / len(y) * np.sum(r))


def _gd_variant(X, y, lr, num_iters, W0, b0, sign=1.0, sequential=False):
    """Gradient descent on `_ridge_grad` as typical wrong versions write it (ascent, or b's
    gradient taken at the new W)."""
    W, b = np.array(W0, dtype=float), float(b0)
    for _ in range(num_iters):
        dW, db = _ridge_grad(W, b, X, y)
        W = W - sign * lr * dW
        if sequential:
            db = _ridge_grad(W, b, X, y)[1]
        b = b - sign * lr * db
    return W, b


class _GradSpy:
    """Wraps `_ridge_grad` and counts calls, to see that grad_fn is really used, once per update."""

    def __init__(self):
        self.calls = 0

    def __call__(self, W, b, X, y):
        self.calls += 1
        return _ridge_grad(W, b, X, y)


def gradient_descent(fn) -> None:
    """Check `gradient_descent(X, y, learning_rate, num_iters, grad_fn, W0, b0) -> (W, b, loss_history)`."""
    c = Check("gradient_descent", fn)
    _, _, X, y = _problem(3, 30, 2)
    W0, b0 = np.array([0.5, -0.5]), 0.25
    for lr, T in [(0.05, 25), (0.01, 7), (0.05, 0)]:
        spy = _GradSpy()
        W_ref, b_ref, hist_ref = ref.gradient_descent(X, y, lr, T, grad_fn=_ridge_grad, W0=W0, b0=b0)
        got = c.call(X, y, learning_rate=lr, num_iters=T, grad_fn=spy, W0=W0, b0=b0)
        W, b, hist = c.unpack(got, ["W", "b", "loss_history"])
        c.require(
            T == 0 or spy.calls > 0,
            "grad_fn was never called: compute the gradient with the `grad_fn` argument, so the loop "
            "and vectorized gradients can be swapped in.",
        )
        # At least once per update; calling it twice at the same point is wasteful but correct, and
        # a second call after W moved is named below by its effect on b.
        c.require(
            spy.calls >= T,
            f"grad_fn was called {spy.calls} times for num_iters={T}: every update needs the gradient at the "
            f"current point, from grad_fn.",
        )
        c.require(
            len(hist) == T + 1,
            f"loss_history has {len(hist)} entries for num_iters={T}; it needs num_iters + 1: the loss "
            f"at the starting point, then one after each update.",
        )
        zeros_start = ref.gradient_descent(X, y, lr, T, grad_fn=_ridge_grad)
        mistakes = [
            (
                "W went uphill: gradient descent subtracts learning_rate * gradient.",
                _gd_variant(X, y, lr, T, W0, b0, sign=-1)[0],
            ),
            ("W0 was ignored: start from the given W0 and b0.", zeros_start[0]),
            (  # a b that drifts also steers the later W updates
                "b was updated with a gradient taken after W had already moved: compute dW and db "
                "first, then update both.",
                _gd_variant(X, y, lr, T, W0, b0, sequential=True)[0],
            ),
        ]
        c.close(
            W,
            W_ref,
            f"W after {T} updates",
            mistakes=distinct(mistakes, W_ref),
            hint="Update with the gradient that grad_fn returns (the check passes its own grad_fn).",
        )
        b_mistakes = [
            (
                "b was updated with a gradient taken after W had already moved: compute dW and db "
                "first, then update both.",
                _gd_variant(X, y, lr, T, W0, b0, sequential=True)[1],
            ),
            (
                "b went uphill: gradient descent subtracts learning_rate * gradient.",
                _gd_variant(X, y, lr, T, W0, b0, sign=-1)[1],
            ),
            ("b0 was ignored: start from the given W0 and b0.", zeros_start[1]),
        ]
        c.close(b, b_ref, f"b after {T} updates", mistakes=distinct(b_mistakes, b_ref))
        c.close(hist, hist_ref, "loss_history", hint="Entry t is the full-data MSE (mse_loss) after t updates.")
    # W0 and b0 left out: the documented defaults (W0=None: zeros, b0=0.0) are the start.
    W_ref, b_ref, hist_ref = ref.gradient_descent(X, y, 0.05, 4, grad_fn=_ridge_grad)
    W, b, hist = c.unpack(
        c.call(X, y, learning_rate=0.05, num_iters=4, grad_fn=_ridge_grad), ["W", "b", "loss_history"]
    )
    hint = "Without W0 and b0, start from W = np.zeros(D) and b = 0.0 (the defaults W0=None, b0=0.0)."
    c.close(W, W_ref, "W from the default start", hint=hint)
    c.close(b, b_ref, "b from the default start", hint=hint)
    c.close(hist, hist_ref, "loss_history from the default start", hint=hint)
    c.done()


def _sgd_variant(X, y, lr, epochs, B, seed, shuffle="every", drop_last=False, decay=1.0, decay_at="epoch"):
    """Minibatch SGD as typical wrong versions write it. decay_at: "epoch" (right: after each
    epoch), "start" (before the first epoch too) or "batch" (after every update)."""
    N = X.shape[0]
    rng = np.random.default_rng(seed)
    W, b = np.zeros(X.shape[1]), 0.0
    order = rng.permutation(N)
    for epoch in range(epochs):
        if shuffle == "every" and epoch > 0:
            order = rng.permutation(N)
        elif shuffle == "none":
            order = np.arange(N)
        stop = N - N % B if drop_last else N
        if decay_at == "start":
            lr *= decay
        for start in range(0, stop, B):
            idx = order[start : start + B]
            dW, db = ref.mse_grad(W, b, X[idx], y[idx])
            W, b = W - lr * dW, b - lr * db
            if decay_at == "batch":
                lr *= decay
        if decay_at == "epoch":
            lr *= decay
    return W, b


def _call_sgd(c: Check, X, y, **kwargs):
    """The student's minibatch_sgd(X, y, **kwargs) as (W, b, loss_history), watching the global generators."""
    with global_rng_untouched(c, RNG_FROM_SEED):
        got = c.call(X, y, **kwargs)
    W, b, hist = c.unpack(got, ["W", "b", "loss_history"])
    c.require(
        len(hist) == kwargs["num_epochs"] + 1,
        f"loss_history has {len(hist)} entries for num_epochs={kwargs['num_epochs']}; it needs num_epochs + 1: "
        f"the full-data loss at the start, then one after each epoch (not one per batch).",
    )
    return W, b, hist


_SGD_HINT = (
    "Create rng = np.random.default_rng(seed) once, draw order = rng.permutation(N) at the start "
    "of each epoch, and take the batches order[0:B], order[B:2B], ... in turn."
)


def minibatch_sgd(fn) -> None:
    """Check `minibatch_sgd(X, y, learning_rate, num_epochs, batch_size, seed) -> (W, b, loss_history)`."""
    c = Check("minibatch_sgd", fn)
    _, _, X, y = _problem(4, 23, 2)
    lr, epochs, seed = 0.02, 4, 3
    # Full batch first: the order cannot matter, so a mismatch here is about the update itself.
    W_gd, b_gd, hist_gd = ref.gradient_descent(X, y, lr, epochs)
    W, b, hist = _call_sgd(c, X, y, learning_rate=lr, num_epochs=epochs, batch_size=23, seed=seed)
    hint = (
        "With batch_size = N, one epoch is one full-batch gradient-descent step; compare with your "
        "gradient_descent. (This uses your mse_grad: if its check fails, fix that first.)"
    )
    c.close(W, W_gd, "W with batch_size = N", hint=hint)
    c.close(b, b_gd, "b with batch_size = N", hint=hint)
    # Then small batches that do not divide N: shuffling and the last partial batch matter.
    B = 5
    run = dict(learning_rate=lr, num_epochs=epochs, batch_size=B, seed=seed)
    W_ref, b_ref, hist_ref = ref.minibatch_sgd(X, y, lr, epochs, B, seed=seed)
    W, b, hist = _call_sgd(c, X, y, **run)
    W_again = _call_sgd(c, X, y, **run)[0]
    c.require(
        np.allclose(np.asarray(W_again, dtype=float), np.asarray(W, dtype=float), rtol=1e-12, atol=0),
        "two runs with the same seed gave different weights: draw every random number from "
        "rng = np.random.default_rng(seed), not from an unseeded generator.",
    )
    mistakes = [
        (
            "the data was never shuffled: draw order = rng.permutation(N) at the start of every epoch.",
            _sgd_variant(X, y, lr, epochs, B, seed, shuffle="none")[0],
        ),
        (
            "the data was shuffled only once: draw a new order = rng.permutation(N) at the start of every epoch "
            "(from one rng created before the loop).",
            _sgd_variant(X, y, lr, epochs, B, seed, shuffle="once")[0],
        ),
        (
            "the last, smaller batch was skipped: with N = 23 and batch_size = 5 the fifth batch has 3 samples.",
            _sgd_variant(X, y, lr, epochs, B, seed, drop_last=True)[0],
        ),
        (
            f"the seed was ignored (these are the weights of seed 0, the check passed seed={seed}): create "
            "rng = np.random.default_rng(seed) with the seed you are given.",
            _sgd_variant(X, y, lr, epochs, B, 0)[0],
        ),
    ]
    c.close(W, W_ref, f"W with batch_size = {B}", mistakes=distinct(mistakes, W_ref), hint=_SGD_HINT)
    c.close(b, b_ref, f"b with batch_size = {B}")
    c.close(hist, hist_ref, "loss_history")
    # Plain SGD (batch_size = 1), another learning rate and number of epochs, and the default seed 0.
    W_ref, b_ref, hist_ref = ref.minibatch_sgd(X, y, 0.05, 2, 1)
    W, b, hist = _call_sgd(c, X, y, learning_rate=0.05, num_epochs=2, batch_size=1)
    hint = "Without a seed argument, use the default seed=0. " + _SGD_HINT
    c.close(W, W_ref, "W with batch_size = 1 and the default seed", hint=hint)
    c.close(b, b_ref, "b with batch_size = 1 and the default seed", hint=hint)
    c.close(hist, hist_ref, "loss_history with batch_size = 1")
    # The schedule: the learning rate shrinks by lr_decay after every epoch.
    decay, lr, epochs = 0.5, 0.05, 3
    W_ref, b_ref, hist_ref = ref.minibatch_sgd(X, y, lr, epochs, B, seed=seed, lr_decay=decay)
    W, b, hist = _call_sgd(c, X, y, learning_rate=lr, num_epochs=epochs, batch_size=B, seed=seed, lr_decay=decay)
    mistakes = [
        (
            "lr_decay was ignored: multiply the learning rate by lr_decay at the end of every epoch.",
            _sgd_variant(X, y, lr, epochs, B, seed)[0],
        ),
        (
            "the learning rate shrank after every batch; shrink it once per epoch, after the epoch's last batch.",
            _sgd_variant(X, y, lr, epochs, B, seed, decay=decay, decay_at="batch")[0],
        ),
        (
            "the first epoch already used learning_rate * lr_decay: epoch e (from 0) uses learning_rate * "
            "lr_decay**e, so decay after each epoch, not before it.",
            _sgd_variant(X, y, lr, epochs, B, seed, decay=decay, decay_at="start")[0],
        ),
    ]
    hint = "Epoch e (counting from 0) uses learning_rate * lr_decay**e."
    c.close(W, W_ref, f"W with lr_decay = {decay}", mistakes=distinct(mistakes, W_ref), hint=hint)
    c.close(b, b_ref, f"b with lr_decay = {decay}", hint=hint)
    c.close(hist, hist_ref, f"loss_history with lr_decay = {decay}", hint=hint)
    c.done()


# -- closed form, curvature, preprocessing ---------------------------------------------------
def normal_equation(fn) -> None:
    """Check `normal_equation(X, y) -> (W, b)` against the least-squares solution."""
    c = Check("normal_equation", fn)
    for seed, N, D in [(6, 40, 4), (5, 12, 1)]:
        _, _, X, y = _problem(seed, N, D)
        W_ref, b_ref = ref.normal_equation(X, y)
        got = c.call(X, y)
        if isinstance(got, np.ndarray) and got.shape == (D + 1,):
            c.fail("return the pair (W, b), not one vector theta: W = theta[:-1], b = theta[-1].")
        W, b = c.unpack(got, ["W", "b"])
        W_nobias = np.linalg.lstsq(X, y, rcond=None)[0]
        # theta = (W, b); read with the ones column first, it is split as (b, W[:-1]) and W[-1].
        swapped = "W and b are mixed up: b belongs to the column of ones, theta[-1] when that column is last in A."
        W_mistakes = [
            ("the bias is missing: append a column of ones to X so that b is fitted too.", W_nobias),
            (swapped, np.concatenate([[b_ref], W_ref[:-1]])),
        ]
        c.close(W, W_ref, "W", mistakes=distinct(W_mistakes, W_ref))
        c.close(b, b_ref, "b", mistakes=distinct([(swapped, W_ref[-1])], b_ref))
    c.done()


# -- ridge regression: the squared error plus an L2 penalty on W ----------------------------
_RIDGE_PROBLEMS = [(11, 30, 4, 0.3), (12, 9, 2, 2.5), (13, 25, 3, 0.0)]


def ridge_grad(fn) -> None:
    """Check `ridge_grad(W, b, X, y, reg) -> (dW, db)`: the gradient of MSE + reg ||W||^2."""
    c = Check("ridge_grad", fn)
    for seed, N, D, reg in _RIDGE_PROBLEMS:
        W, b, X, y = _problem(seed, N, D)
        b = b + 2.0  # a clearly non-zero bias, so that penalizing it shows
        dW, db = ref.ridge_grad(W, b, X, y, reg)
        got_dW, got_db = c.unpack(c.call(W, b, X, y, reg), ["dW", "db"])
        m = _grad_mistakes(W, b, X, y, dW - 2 * reg * W, db)
        dW_mistakes = [
            ("the penalty's gradient is reg * W; d/dW reg ||W||^2 = 2 reg W.", dW - reg * W),
            ("the penalty is missing: add 2 reg W to the MSE's gradient.", dW - 2 * reg * W),
            (
                "the penalty was divided by N: reg ||W||^2 is added once to the mean, not averaged.",
                dW - 2 * reg * W * (1 - 1 / N),
            ),
            ("the penalty's gradient has the wrong sign: add 2 reg W, do not subtract it.", dW - 4 * reg * W),
        ] + [(msg, v + 2 * reg * W) for msg, v in m["dW"]]
        db_mistakes = [
            ("the bias was penalized too: the penalty is reg ||W||^2 only, so db is the MSE's db.", db + 2 * reg * b),
        ] + m["db"]
        c.close(got_dW, dW, f"dW with reg = {reg}", mistakes=distinct(dW_mistakes, dW))
        c.close(got_db, db, f"db with reg = {reg}", mistakes=distinct(db_mistakes, db))
    c.done()


def _penalized_lstsq(X, y, penalty):
    """theta = (W, b) solving (A^T A + penalty) theta = A^T y, A = [X, 1]: wrong penalties' fits."""
    A = np.hstack([X, np.ones((X.shape[0], 1))])
    return np.linalg.solve(A.T @ A + penalty, A.T @ y)


def ridge_normal_equation(fn) -> None:
    """Check `ridge_normal_equation(X, y, reg) -> (W, b)` against the ridge minimizer."""
    c = Check("ridge_normal_equation", fn)
    for seed, N, D, reg in _RIDGE_PROBLEMS:
        _, _, X, y = _problem(seed, N, D)
        W_ref, b_ref = ref.ridge_normal_equation(X, y, reg)
        got = c.call(X, y, reg)
        if isinstance(got, np.ndarray) and got.shape == (D + 1,):
            c.fail("return the pair (W, b), not one vector theta: W = theta[:-1], b = theta[-1].")
        W, b = c.unpack(got, ["W", "b"])

        P = np.diag(np.r_[np.ones(D), 0.0])
        solve = partial(_penalized_lstsq, X, y)
        wrong = [
            (
                "the bias was penalized too: put 0 in the penalty matrix where b sits (P = diag(1, ..., 1, 0)).",
                solve(N * reg * np.eye(D + 1)),
            ),
            (
                "the penalty needs a factor N: the MSE averages over N samples, so (A^T A + N reg P) theta = A^T y.",
                solve(reg * P),
            ),
            (
                "the penalty is twice too large: the gradient 2/N A^T (A theta - y) + 2 reg W = 0 gives "
                "(A^T A + N reg P) theta = A^T y.",
                solve(2 * N * reg * P),
            ),
            ("reg was ignored: add N reg P to A^T A.", solve(0 * P)),
        ]
        theta = np.r_[W_ref, b_ref]
        kept = distinct(wrong, theta)
        c.close(W, W_ref, f"W with reg = {reg}", mistakes=[(msg, t[:-1]) for msg, t in kept])
        c.close(b, b_ref, f"b with reg = {reg}", mistakes=[(msg, t[-1]) for msg, t in kept])
    c.done()


def _quadratic(x):
    """q(x1, x2) = x1^2 + 2 x1 x2 + 3 x2^2 + 4 x1 + 5 x2 + 6, the quadratic of Hong Xingxing's DQN
    slides (2018); its Hessian is [[2, 2], [2, 6]] everywhere."""
    return x[0] ** 2 + 2 * x[0] * x[1] + 3 * x[1] ** 2 + 4 * x[0] + 5 * x[1] + 6


def _smooth(x):
    """A non-quadratic function of three variables, where finite differences are only approximate."""
    return np.sin(x[0]) * x[1] ** 2 + np.exp(0.5 * x[2]) + x[0] * x[2]


@answer
def _true_hessian(f, x):
    """The exact Hessian of `_quadratic` or `_smooth` at x, worked out by hand."""
    if f is _quadratic:
        return np.array([[2.0, 2.0], [2.0, 6.0]])
    s, co = np.sin(x[0]), np.cos(x[0])
    return np.array(
        [
            [-s * x[1] ** 2, 2 * co * x[1], 1.0],
            [2 * co * x[1], 2 * s, 0.0],
            [1.0, 0.0, 0.25 * np.exp(0.5 * x[2])],
        ]
    )


def _one_sided(f, x, h):
    """The Hessian by one-sided (forward for h > 0, backward for h < 0) differences,
    [f(x + h e_i + h e_j) - f(x + h e_i) - f(x + h e_j) + f(x)] / h^2: a typical mistake whose
    error is of order h, not h^2."""
    E = np.eye(x.size) * h
    return np.array([[(f(x + a + e) - f(x + a) - f(x + e) + f(x)) / h**2 for e in E] for a in E])


def numerical_hessian(fn) -> None:
    """Check `numerical_hessian(f, x, h) -> H` on the slides' quadratic and a non-quadratic function.

    On the non-quadratic one, centred differences are accurate to O(h^2) and one-sided ones only to
    O(h): the tolerances sit between the two, at the default h = 1e-4 and at a given h = 0.05 (which
    must be used: there the centred formula is off by about 2.5e-4).
    """
    c = Check("numerical_hessian", fn)
    x_smooth = np.array([0.7, -0.4, 0.2])
    cases = [
        (_quadratic, np.array([0.3, -1.2]), None, 1e-4),
        (_smooth, x_smooth, None, 1e-5),
        (_smooth, x_smooth, 0.05, 2e-3),
    ]
    for f, x, h, tol in cases:
        D = x.size
        H = _true_hessian(f, x)
        got = c.call(f, x) if h is None else c.call(f, x, h=h)
        step = 1e-4 if h is None else h
        order = (
            "one-sided differences have an error of order h: use the centred formula, "
            "f(x + h e_i + h e_j) - f(x + h e_i - h e_j) - f(x - h e_i + h e_j) + f(x - h e_i - h e_j) over 4 h^2."
        )
        triangle = "only one triangle was filled: the Hessian is symmetric, so set H[j, i] = H[i, j] as well."
        mistakes = [
            ("only the diagonal was filled: the mixed partials d2f/dxi dxj (i != j) are missing.", np.diag(np.diag(H))),
            ("it is 4 times too large: with steps of +-h along both axes, divide by 4 h^2.", 4 * H),
            (
                "it is 4 times too small: with steps of +-h along both axes, divide by 4 h^2, "
                "not 16 h^2 or (2h)^2 * 4.",
                H / 4,
            ),
            ("the sign is flipped.", -H),
            (triangle, np.triu(H)),
            (triangle, np.tril(H)),
            (order, _one_sided(f, x, step)),
            (order, _one_sided(f, x, -step)),
        ]
        what = f"the Hessian of a {D}-variable function" + ("" if h is None else f" with h = {h}")
        arr = c.close(got, H, what, mistakes=distinct(mistakes, H, rtol=tol, atol=tol), rtol=tol, atol=tol)
        if h is not None:
            c.require(
                np.max(np.abs(arr - H)) > 1e-7,
                f"with h = {h} your Hessian is exact to 1e-7, where the centred formula is off by about 2.5e-4: "
                "the step h you were given was ignored; use it.",
            )
    c.done()


def standardize(fn) -> None:
    """Check `standardize(X_train, X_test) -> (X_train_std, X_test_std)`, also with a constant feature."""
    c = Check("standardize", fn)
    rng = np.random.default_rng(7)
    scale, shift = np.array([1.0, 10.0, 0.1]), np.array([5.0, -3.0, 100.0])
    X_train = rng.normal(size=(40, 3)) * scale + shift
    X_test = rng.normal(size=(15, 3)) * scale * 1.5 + shift + 1.0
    tr_ref, te_ref = ref.standardize(X_train, X_test)
    tr, te = c.unpack(c.call(X_train, X_test), ["X_train_std", "X_test_std"])
    mu, sd = X_train.mean(0), X_train.std(0)
    both = np.vstack([X_train, X_test])

    def rows(A):
        return (A - A.mean(1, keepdims=True)) / A.std(1, keepdims=True)

    c.close(
        tr,
        tr_ref,
        "X_train_std",
        mistakes=[
            ("you standardized each sample (row); standardize each feature (column) with axis=0.", rows(X_train)),
            (
                "the mean and std came from train and test together: use X_train alone.",
                (X_train - both.mean(0)) / both.std(0),
            ),
            ("the features are centred but not scaled: divide by the training standard deviation.", X_train - mu),
            (
                "you divided by the variance; divide by the standard deviation (its square root).",
                (X_train - mu) / sd**2,
            ),
            (
                "use the population standard deviation (np.std's default ddof=0), "
                "as scikit-learn's StandardScaler does.",
                (X_train - mu) / X_train.std(0, ddof=1),
            ),
        ],
    )
    c.close(
        te,
        te_ref,
        "X_test_std",
        mistakes=[
            (
                "X_test was scaled with its own mean and std: use the training statistics for both sets, "
                "so nothing about the test set leaks into the model.",
                (X_test - X_test.mean(0)) / X_test.std(0),
            ),
            (
                "the mean and std came from train and test together: use X_train alone.",
                (X_test - both.mean(0)) / both.std(0),
            ),
            ("you standardized each sample (row); standardize each feature (column) with axis=0.", rows(X_test)),
            ("the features are centred but not scaled: divide by the training standard deviation.", X_test - mu),
            ("you divided by the variance; divide by the standard deviation (its square root).", (X_test - mu) / sd**2),
        ],
    )
    # A feature that is constant in the training set (std exactly 0) but not in the test set.
    X_train = np.column_stack([rng.normal(size=30) * 2.0 + 1.0, np.full(30, 3.0), rng.normal(size=30)])
    X_test = np.column_stack([rng.normal(size=8), 3.0 + rng.normal(size=8), rng.normal(size=8)])
    tr_ref, te_ref = ref.standardize(X_train, X_test)
    tr, te = c.unpack(c.call(X_train, X_test), ["X_train_std", "X_test_std"])
    constant = (
        "Feature 1 is constant in X_train (std 0): centre it with the training mean and leave it "
        "unscaled (divide by 1 where std is 0, e.g. std = np.where(std > 0, std, 1.0)), as StandardScaler does."
    )
    c.close(tr, tr_ref, "X_train_std with a constant feature", hint=constant, nonfinite_hint=constant)
    zeroed = te_ref.copy()
    zeroed[:, 1] = 0.0
    c.close(
        te,
        te_ref,
        "X_test_std with a feature constant in X_train",
        mistakes=[("the constant feature was set to 0 in X_test too. " + constant, zeroed)],
        hint=constant,
        nonfinite_hint=constant,
    )
    c.done()
