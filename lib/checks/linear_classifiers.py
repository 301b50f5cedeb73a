"""Graded checks for assignments 02 (multiclass SVM) and 03 (softmax).

Losses are checked on small seeded problems with and without regularization; each typical
mistake (regularization missing or with the wrong factor, the correct class counted in the
margin sum, sums instead of means, no max shift, a transposed gradient, inputs changed in place)
is recognised by computing what that wrong implementation returns. Expected values come from
`lib.classifiers` through `expected.reference`.
"""

from __future__ import annotations

import numpy as np

from .core import Check
from .expected import answer, reference

_svm = reference("lib.classifiers.linear_svm")
_softmax = reference("lib.classifiers.softmax")
_ref_svm, _ref_softmax, _ref_softmax_loss = _svm.svm_loss_vectorized, _softmax.softmax, _softmax.softmax_loss_vectorized

__all__ = [
    "svm_loss_naive",
    "svm_loss_vectorized",
    "softmax",
    "softmax_loss_naive",
    "softmax_loss_vectorized",
    "linear_classifier_train",
    "linear_classifier_predict",
]

_OVERFLOW = (
    "Scores this large overflow np.exp: subtract each row's maximum score before exponentiating "
    "(softmax does not change when the same constant is subtracted from every score)."
)


def _problem(seed: int, N: int = 12, D: int = 6, C: int = 4):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(N, D))
    W = 0.5 * rng.normal(size=(D, C))
    y = rng.integers(0, C, size=N)
    y[:C] = np.arange(C)  # every class appears
    return W, X, y


_CASES = [(0, 0.0), (1, 0.3), (2, 0.05)]


def _reg_mistakes(ref_fn, W, X, y, reg, loss, dW):
    """What typical regularization and averaging mistakes return, as (loss mistakes, dW mistakes)."""
    N = X.shape[0]
    data_loss, data_dW = ref_fn(W, X, y, 0.0)
    reg_loss, reg_grad = reg * np.sum(W * W), 2 * reg * W
    loss_m = [
        ("it is summed over the samples; divide the data loss by N.", data_loss * N + reg_loss),
    ]
    dW_m = [
        ("it is summed over the samples; divide the data gradient by N.", data_dW * N + reg_grad),
        ("the sign is flipped.", -dW),
    ]
    if reg > 0:
        loss_m += [
            ("the regularization term is missing: add reg * np.sum(W * W).", data_loss),
            ("the regularization has a factor 1/2; this course uses reg * np.sum(W * W).", data_loss + reg_loss / 2),
        ]
        dW_m += [
            ("the regularization gradient is missing: add 2 * reg * W.", data_dW),
            (
                "the regularization gradient has the wrong factor: d/dW of reg * sum(W**2) is 2 * reg * W.",
                data_dW + reg * W,
            ),
            (
                "the regularization gradient has the wrong factor: d/dW of reg * sum(W**2) is 2 * reg * W.",
                data_dW + 4 * reg * W,
            ),
        ]
    return loss_m, dW_m


def _svm_without_correct_column(W, X, y, reg):
    """The SVM gradient when the -x_i terms of the correct-class column are forgotten."""
    N = X.shape[0]
    scores = X @ W
    margins = scores - scores[np.arange(N), y][:, None] + 1.0
    margins[np.arange(N), y] = 0
    Q = (margins > 0).astype(float)
    return X.T @ Q / N + 2 * reg * W


def _check_loss_cases(c: Check, ref_fn, extra_mistakes) -> None:
    """The shared part of the SVM and softmax checks: seeded problems with and without reg.

    extra_mistakes(W, X, y, reg, loss, dW) -> (loss mistakes, dW mistakes) specific to the loss,
    tried before the regularization and averaging mistakes common to both.
    """
    for seed, reg in _CASES:
        W, X, y = _problem(seed)
        loss, dW = ref_fn(W, X, y, reg)
        got_loss, got_dW = c.unpack(c.call(W, X, y, reg), ["loss", "dW"])
        loss_m, dW_m = _reg_mistakes(ref_fn, W, X, y, reg, loss, dW)
        extra_loss, extra_dW = extra_mistakes(W, X, y, reg, loss, dW)
        c.close(got_loss, loss, f"the loss (reg={reg})", mistakes=extra_loss + loss_m, rtol=1e-9, atol=1e-12)
        c.close(got_dW, dW, f"dW (reg={reg})", mistakes=extra_dW + dW_m, rtol=1e-9, atol=1e-12)


def _svm_mistakes(W, X, y, reg, loss, dW):
    return (
        [
            (
                "the correct class was counted in the margin sum: skip j == y[i] (it adds delta = 1 per sample).",
                loss + 1.0,
            )
        ],
        [
            (
                "the correct-class column misses its -X[i] terms: for every positive margin, "
                "subtract X[i] from dW[:, y[i]] as well as adding it to dW[:, j].",
                _svm_without_correct_column(W, X, y, reg),
            )
        ],
    )


def _check_svm(name: str, fn) -> None:
    c = Check(name, fn)
    _check_loss_cases(c, _ref_svm, _svm_mistakes)
    c.done()


def svm_loss_naive(fn) -> None:
    """Check `svm_loss_naive(W, X, y, reg) -> (loss, dW)`."""
    _check_svm("svm_loss_naive", fn)


def svm_loss_vectorized(fn) -> None:
    """Check `svm_loss_vectorized(W, X, y, reg) -> (loss, dW)`: equal to the naive version within 1e-9."""
    _check_svm("svm_loss_vectorized", fn)


def softmax(fn) -> None:
    """Check the row-wise, numerically stable `softmax(scores) -> probabilities`."""
    c = Check("softmax", fn)
    rng = np.random.default_rng(5)
    for scale in (1.0, 1000.0):
        S = rng.normal(size=(5, 4)) * scale + (1000.0 if scale > 1 else 0.0)
        P = _ref_softmax(S)
        with np.errstate(all="ignore"):
            columns = np.exp(S - S.max(axis=0)) / np.exp(S - S.max(axis=0)).sum(axis=0)
        c.close(
            c.call(S),
            P,
            f"softmax of scores around {S.mean():.0f}",
            mistakes=[
                (
                    "it normalizes each column; normalize each row (axis=1): every sample's "
                    "probabilities must sum to 1.",
                    columns,
                )
            ],
            nonfinite_hint=_OVERFLOW,
        )
    c.done()


def _softmax_without_onehot(W, X, y, reg):
    P = _ref_softmax(X @ W)
    return X.T @ P / X.shape[0] + 2 * reg * W


def _softmax_mistakes(W, X, y, reg, loss, dW):
    return [], [
        (
            "the -1 at the correct class is missing: the gradient of the scores is "
            "p - onehot(y), so subtract 1 from p[i, y[i]].",
            _softmax_without_onehot(W, X, y, reg),
        )
    ]


def _check_softmax(name: str, fn) -> None:
    c = Check(name, fn)
    _check_loss_cases(c, _ref_softmax_loss, _softmax_mistakes)
    # Every score near 1000 (a large bias, through a constant feature): exp overflows unless
    # each row is shifted by its maximum; the differences between scores, and the loss, stay small.
    W, X, y = _problem(3)
    X[:, 0] = 1.0
    W[0, :] += 1000.0
    loss, dW = _ref_softmax_loss(W, X, y, 0.0)
    got_loss, got_dW = c.unpack(c.call(W, X, y, 0.0), ["loss", "dW"])
    c.close(got_loss, loss, "the loss on scores near 1000", rtol=1e-7, nonfinite_hint=_OVERFLOW)
    c.close(got_dW, dW, "dW on scores near 1000", rtol=1e-7, atol=1e-9, nonfinite_hint=_OVERFLOW)
    c.done()


def softmax_loss_naive(fn) -> None:
    """Check `softmax_loss_naive(W, X, y, reg) -> (loss, dW)`."""
    _check_softmax("softmax_loss_naive", fn)


def softmax_loss_vectorized(fn) -> None:
    """Check `softmax_loss_vectorized(W, X, y, reg) -> (loss, dW)`."""
    _check_softmax("softmax_loss_vectorized", fn)


# -- the classifier ----------------------------------------------------------------------------
def _with_svm_loss(cls):
    """The student's class with the reference SVM loss, so only train/predict are tested."""
    return type("CheckedSVM", (cls,), {"loss": lambda self, Xb, yb, reg: _ref_svm(self.W, Xb, yb, reg)})


@answer
def _reference_training(X, y, calls):
    """W and loss_history after each of several `train(X, y, **kwargs)` calls on one reference
    classifier (with the SVM loss): [(W, history), ...], one pair per kwargs dict in calls."""
    from ..classifiers.linear_classifier import LinearClassifier

    model, out = _with_svm_loss(LinearClassifier)(), []
    for kwargs in calls:
        history = model.train(X, y, **kwargs)
        out.append((model.W.copy(), list(history)))
    return out


@answer
def _reference_predictions(W, X):
    """The reference LinearClassifier's predict(X) with weights W."""
    from ..classifiers.linear_classifier import LinearClassifier

    model = LinearClassifier()
    model.W = W
    return model.predict(X)


def _train_variant(X, y, lr, reg, iters, B, seed, replace=True, sign=1.0):
    rng = np.random.default_rng(seed)
    W = 0.001 * rng.standard_normal((X.shape[1], int(y.max()) + 1))
    for _ in range(iters):
        idx = rng.choice(X.shape[0], B, replace=replace)
        W = W - sign * lr * _ref_svm(W, X[idx], y[idx], reg)[1]
    return W


def linear_classifier_train(cls) -> None:
    """Check `LinearClassifier.train` (W created once, minibatches drawn as documented, SGD steps)."""
    c = Check("LinearClassifier.train", cls)
    W0, X, y = _problem(6, N=40, D=5, C=3)
    lr, reg, B, seed = 0.05, 0.01, 8, 4
    Student = _with_svm_loss(cls)
    run = dict(learning_rate=lr, reg=reg, batch_size=B)

    model = Student()
    c.call_with(model.train, X, y, num_iters=0, seed=seed, **run)
    [(W_init, _)] = _reference_training(X, y, [dict(run, num_iters=0, seed=seed)])
    c.require(
        getattr(model, "W", None) is not None,
        "after train() self.W is still None: create W = 0.001 * rng.standard_normal((D, C)) when it is None.",
    )
    c.close(
        model.W,
        W_init,
        "the initial W",
        mistakes=[
            (
                "W starts at zero; start from 0.001 * rng.standard_normal((D, C)) with "
                "rng = np.random.default_rng(seed).",
                np.zeros_like(W_init),
            )
        ],
        hint="Create rng = np.random.default_rng(seed) and draw W = 0.001 * rng.standard_normal((D, C)) first, "
        "with C = y.max() + 1.",
    )

    model = Student()
    hist = c.call_with(model.train, X, y, num_iters=6, seed=seed, **run)
    (W6, ref_hist), (W9, _) = _reference_training(
        X, y, [dict(run, num_iters=6, seed=seed), dict(run, num_iters=3, seed=seed + 1)]
    )
    c.require(
        isinstance(hist, (list, tuple, np.ndarray)) and len(hist) == 6,
        "train() should return loss_history, a list with one minibatch loss per iteration "
        f"(6 for num_iters=6), got {type(hist).__name__}"
        + (f" of length {len(hist)}" if hasattr(hist, "__len__") else ""),
    )
    c.close(
        model.W,
        W6,
        "W after 6 iterations",
        mistakes=[
            (
                "the minibatch was drawn without replacement; use idx = rng.choice(N, batch_size) "
                "(with replacement, as the docstring says).",
                _train_variant(X, y, lr, reg, 6, B, seed, replace=False),
            ),
            ("W moved uphill: subtract learning_rate * dW.", _train_variant(X, y, lr, reg, 6, B, seed, sign=-1.0)),
        ],
        hint="Use one rng for everything: first W (only if it is None), then idx = rng.choice(N, batch_size) "
        "per iteration.",
    )
    c.close(hist, ref_hist, "loss_history", hint="Record each minibatch's loss before the update.")

    # A second call continues from the current W instead of starting over.
    c.call_with(model.train, X, y, num_iters=3, seed=seed + 1, **run)
    [(W_fresh, _)] = _reference_training(X, y, [dict(run, num_iters=3, seed=seed + 1)])
    c.close(
        model.W,
        W9,
        "W after a second call to train",
        mistakes=[
            (
                "W was re-created on the second call: create it only when self.W is None, so training can continue.",
                W_fresh,
            )
        ],
    )
    c.done()


def linear_classifier_predict(cls) -> None:
    """Check `LinearClassifier.predict(X) -> labels` (argmax of the scores per row)."""
    c = Check("LinearClassifier.predict", cls)
    W, X, _ = _problem(7, N=15, D=5, C=4)
    model = _with_svm_loss(cls)()
    model.W = W
    scores = X @ W
    got = c.call_with(model.predict, X)
    if got is not None and np.shape(got) == (W.shape[1],):
        c.fail("predict returned one value per class: take the argmax over the classes of each row (axis=1).")
    if got is not None and np.shape(got) == scores.shape:
        c.fail("predict returned the scores: return the predicted labels, np.argmax(scores, axis=1).")
    c.close(
        got,
        _reference_predictions(W, X),
        "the predicted labels",
        mistakes=[("those are the lowest-scoring classes: use argmax, not argmin.", np.argmin(scores, axis=1))],
    )
    c.done()
