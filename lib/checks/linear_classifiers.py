"""Graded checks for assignments 02 (multiclass SVM) and 03 (softmax).

Losses are checked on small seeded problems with and without regularization, and on labels that
leave classes out (C comes from W, not from y); each typical mistake (regularization missing, with
the wrong factor or averaged too, the correct class counted in the margin sum, sums instead of
means, no max shift or one shift for the whole batch, a transposed gradient, inputs changed in
place) is recognised by computing what that wrong implementation returns. Expected values come
from `lib.classifiers` through `expected.reference`.
"""

from __future__ import annotations

import contextlib
import functools
import io

import numpy as np

from .core import RNG_FROM_SEED, Check, CheckFailed, distinct, global_rng_untouched, require_progress_lines
from .expected import answer, reference

_svm = reference("lib.classifiers.linear_svm")
_softmax = reference("lib.classifiers.softmax")
_logistic = reference("lib.classifiers.logistic")
_ref_svm, _ref_softmax, _ref_softmax_loss = _svm.svm_loss_vectorized, _softmax.softmax, _softmax.softmax_loss_vectorized

__all__ = [
    "svm_loss_naive",
    "svm_loss_vectorized",
    "logistic_loss",
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
_GLOBAL_SHIFT = (
    "Here the rows' scores lie between -1000 and +1000: subtract each row's own maximum "
    "(scores.max(axis=1, keepdims=True)). One shift for the whole batch leaves exp(-2000) = 0 "
    "in the rows far below the largest score."
)


_WIDE = (
    "Here the scores within a row spread over thousands: subtract each row's maximum; only the "
    "maximum keeps every exponent at or below 0 (a row's mean or first score leaves exponents near "
    "+1000, which overflow)."
)


def _problem(seed: int, N: int = 12, D: int = 6, C: int = 4):
    """W: (D, C), X: (N, D), y: (N,) with every class present; N, D and C all differ."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(N, D))
    W = 0.5 * rng.normal(size=(D, C))
    y = rng.integers(0, C, size=N)
    y[:C] = np.arange(C)  # every class appears
    return W, X, y


def _problem_absent(seed: int):
    """Like `_problem`, but y holds only classes 0 and 2 of C = 4: y.max() + 1 = 3 and
    len(np.unique(y)) = 2 both miscount the classes, which W's width fixes."""
    W, X, _ = _problem(seed)
    y = np.random.default_rng(seed + 100).choice([0, 2], size=X.shape[0])
    y[:2] = [0, 2]
    return W, X, y


_CASES = [(0, 0.0, False), (1, 0.3, False), (2, 0.05, False), (4, 0.1, True)]  # (seed, reg, classes absent)
_ABSENT = "Here y holds only classes 0 and 2 of C = 4: take C from W.shape[1], not from y."


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
            (
                "the regularization was divided by N too: average the data loss only, then add reg * np.sum(W * W).",
                data_loss + reg_loss / N,
            ),
            (
                "the regularization is the squared norm, reg * np.sum(W * W), not reg * np.linalg.norm(W).",
                data_loss + reg * np.linalg.norm(W),
            ),
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
            (
                "the regularization gradient was divided by N too: average the data gradient only, "
                "then add 2 * reg * W.",
                data_dW + reg_grad / N,
            ),
        ]
    return loss_m, dW_m


@answer
def _svm_without_correct_column(W, X, y, reg):
    """The SVM gradient when the -x_i terms of the correct-class column are forgotten (a recipe:
    one line away from the answer, so a student bundle ships its values, not its code)."""
    N = X.shape[0]
    scores = X @ W
    margins = scores - scores[np.arange(N), y][:, None] + 1.0
    margins[np.arange(N), y] = 0
    Q = (margins > 0).astype(float)
    return X.T @ Q / N + 2 * reg * W


def _svm_without_hinge(W, X, y, reg):
    """The SVM loss when max(0, .) is forgotten: negative margins are summed too."""
    N = X.shape[0]
    scores = X @ W
    margins = scores - scores[np.arange(N), y][:, None] + 1.0
    margins[np.arange(N), y] = 0
    return margins.sum() / N + reg * np.sum(W * W)


def _call_loss(c: Check, W, X, y, reg, absent: bool):
    """The student's (loss, dW); where classes are absent from y, an exception also names C."""
    try:
        return c.unpack(c.call(W, X, y, reg), ["loss", "dW"])
    except CheckFailed as exc:
        if absent and "your function raised" in str(exc):
            message = str(exc).rstrip()
            # keep the student's exception as the cause: Jupyter shows the lines of their code that raised
            raise CheckFailed(f"{message}{'' if message.endswith('.') else '.'} {_ABSENT}") from exc.__cause__
        raise


def _check_loss_cases(c: Check, ref_fn, extra_mistakes) -> None:
    """The shared part of the SVM and softmax checks: seeded problems with and without reg, and
    one whose labels leave classes out.

    extra_mistakes(W, X, y, reg, loss, dW) -> (loss mistakes, dW mistakes) specific to the loss,
    tried before the regularization and averaging mistakes common to both.
    """
    for seed, reg, absent in _CASES:
        W, X, y = _problem_absent(seed) if absent else _problem(seed)
        loss, dW = ref_fn(W, X, y, reg)
        got_loss, got_dW = _call_loss(c, W, X, y, reg, absent)
        loss_m, dW_m = _reg_mistakes(ref_fn, W, X, y, reg, loss, dW)
        extra_loss, extra_dW = extra_mistakes(W, X, y, reg, loss, dW)
        where = f"reg={reg}" + (", classes 1 and 3 absent from y" if absent else "")
        hint = _ABSENT if absent else ""
        c.close(
            got_loss,
            loss,
            f"the loss ({where})",
            mistakes=distinct(extra_loss + loss_m, loss, 1e-9, 1e-12),
            rtol=1e-9,
            atol=1e-12,
            hint=hint,
        )
        c.close(
            got_dW,
            dW,
            f"dW ({where})",
            mistakes=distinct(extra_dW + dW_m, dW, 1e-9, 1e-12),
            rtol=1e-9,
            atol=1e-12,
            hint=hint,
        )


def _svm_mistakes(W, X, y, reg, loss, dW):
    return (
        [
            (
                "the correct class was counted in the margin sum: skip j == y[i] (it adds delta = 1 per sample).",
                loss + 1.0,
            ),
            (
                "negative margins were summed too: the hinge is max(0, s_j - s_y + 1).",
                _svm_without_hinge(W, X, y, reg),
            ),
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


def _rows_apart(seed: int, N: int, C: int):
    """Scores (N, C) of moderate spread within each row, the rows offset from -1000 to +1000."""
    rng = np.random.default_rng(seed)
    return rng.normal(size=(N, C)) + np.linspace(-1000.0, 1000.0, N)[:, None]


def softmax(fn) -> None:
    """Check the row-wise, numerically stable `softmax(scores) -> probabilities`: small scores,
    rows all near 1000 (no shift overflows), rows at levels from -1000 to +1000 (one shift for the
    whole matrix underflows) and rows spread over thousands (any shift but the row's maximum
    overflows)."""
    c = Check("softmax", fn)
    rng = np.random.default_rng(5)
    cases = [
        (rng.normal(size=(5, 4)), "scores around 0", "", ""),
        (rng.normal(size=(5, 4)) + 1000.0, "scores near 1000", "", _OVERFLOW),
        (_rows_apart(6, 6, 3), "rows of scores from -1000 to +1000", _GLOBAL_SHIFT, _GLOBAL_SHIFT),
        (rng.normal(size=(5, 4)) * 1000.0, "scores spread over thousands within each row", _WIDE, _WIDE),
    ]
    for S, what, hint, nonfinite_hint in cases:
        P = _ref_softmax(S)
        with np.errstate(all="ignore"):
            columns = np.exp(S - S.max(axis=0)) / np.exp(S - S.max(axis=0)).sum(axis=0)
            whole = np.exp(S - S.max()) / np.exp(S - S.max()).sum()
        mistakes = [
            (
                "it normalizes each column; normalize each row (axis=1): every sample's probabilities must sum to 1.",
                columns,
            ),
            (
                "it divides by the sum over the whole matrix; divide each row by its own sum (axis=1, keepdims=True).",
                whole,
            ),
        ]
        c.close(
            c.call(S),
            P,
            f"softmax of {what}",
            mistakes=distinct(mistakes, P),
            hint=hint,
            nonfinite_hint=nonfinite_hint,
        )
    c.done()


def _softmax_without_onehot(W, X, y, reg):
    P = _ref_softmax(X @ W)
    return X.T @ P / X.shape[0] + 2 * reg * W


def _softmax_block(W, X, y, reg):
    """The loss when the correct classes are picked with P[:, y], an (N, N) block."""
    P = _ref_softmax(X @ W)
    return -np.log(P[:, y]).mean() + reg * np.sum(W * W)


def _softmax_mistakes(W, X, y, reg, loss, dW):
    return [
        (
            "P[:, y] picks an N x N block: take each row's correct-class probability with P[np.arange(N), y].",
            _softmax_block(W, X, y, reg),
        )
    ], [
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
    # Rows at very different levels (the same feature, from -1 to 1, times 1000): a shift by the
    # batch's largest score, instead of each row's, underflows the low rows to exp(-2000) = 0.
    W, X, y = _problem(8)
    X[:, 0] = np.linspace(-1.0, 1.0, X.shape[0])
    W[0, :] += 1000.0
    loss, dW = _ref_softmax_loss(W, X, y, 0.0)
    got_loss, got_dW = c.unpack(c.call(W, X, y, 0.0), ["loss", "dW"])
    what = "on rows of scores from -1000 to +1000"
    c.close(got_loss, loss, f"the loss {what}", rtol=1e-7, hint=_GLOBAL_SHIFT, nonfinite_hint=_GLOBAL_SHIFT)
    c.close(got_dW, dW, f"dW {what}", rtol=1e-7, atol=1e-9, hint=_GLOBAL_SHIFT, nonfinite_hint=_GLOBAL_SHIFT)
    c.done()


def softmax_loss_naive(fn) -> None:
    """Check `softmax_loss_naive(W, X, y, reg) -> (loss, dW)`."""
    _check_softmax("softmax_loss_naive", fn)


def softmax_loss_vectorized(fn) -> None:
    """Check `softmax_loss_vectorized(W, X, y, reg) -> (loss, dW)`."""
    _check_softmax("softmax_loss_vectorized", fn)


# -- binary logistic regression (03's warm-up) ---------------------------------------------------
_LOGISTIC_STABLE = (
    "the loss is inf or NaN for large scores: sigmoid(z) rounds to exactly 1 (or 0), and log(0) is "
    "-inf. Write the loss of a sample as log(1 + exp(z)) - y z and compute log(1 + exp(z)) with "
    "np.logaddexp(0, z)."
)


def _logistic_problem(seed, N, D, scale):
    rng = np.random.default_rng(seed)
    X = np.column_stack([rng.normal(size=(N, D - 1)) * scale, np.ones(N)])  # the bias trick's 1s last
    w = rng.normal(size=D)
    y = (rng.random(N) < 0.4).astype(int)
    return w, X, y


def logistic_loss(fn) -> None:
    """Check `logistic_loss(w, X, y, reg) -> (loss, dw)`: binary cross-entropy of one sigmoid neuron."""
    c = Check("logistic_loss", fn)
    for seed, N, D, scale, reg in [(0, 13, 4, 1.0, 0.1), (1, 6, 3, 0.5, 0.0), (2, 9, 5, 40.0, 0.05)]:
        w, X, y = _logistic_problem(seed, N, D, scale)
        loss_ref, dw_ref = _logistic.logistic_loss(w, X, y, reg)
        loss, dw = c.unpack(c.call(w, X, y, reg), ["loss", "dw"])
        z, penalty = X @ w, reg * float(np.sum(w * w))
        p = 1 / (1 + np.exp(-np.clip(z, -30, 30)))
        data_loss = loss_ref - penalty
        c.close(
            loss,
            loss_ref,
            f"the loss (reg = {reg})",
            mistakes=distinct(
                [
                    ("you summed over the samples; average them (divide by N).", data_loss * N + penalty),
                    ("the regularization term reg * sum(w**2) is missing.", data_loss),
                    (
                        "the labels are swapped: p = sigmoid(z) is the probability of class 1.",
                        float(np.mean(np.logaddexp(0, z) - (1 - y) * z)) + penalty,
                    ),
                ],
                loss_ref,
            ),
            nonfinite_hint=_LOGISTIC_STABLE,
        )
        c.close(
            dw,
            dw_ref,
            f"dw (reg = {reg})",
            mistakes=distinct(
                [
                    (
                        "the sign is flipped: the derivative of the loss with respect to z is sigmoid(z) - y.",
                        -X.T @ (p - y) / N + 2 * reg * w,
                    ),
                    ("you summed over the samples; average them (divide by N).", X.T @ (p - y) + 2 * reg * w),
                    ("the regularization gradient 2 reg w is missing.", X.T @ (p - y) / N),
                    ("the regularization gradient is 2 reg w, not reg w.", X.T @ (p - y) / N + reg * w),
                    (
                        "that gradient has an extra factor sigmoid(z)(1 - sigmoid(z)): it is the gradient of the "
                        "squared error. For the cross-entropy the factor cancels: dL/dz = sigmoid(z) - y.",
                        X.T @ ((p - y) * p * (1 - p)) / N + 2 * reg * w,
                    ),
                ],
                dw_ref,
            ),
            nonfinite_hint=_LOGISTIC_STABLE,
        )
    c.done()


# -- the classifier ----------------------------------------------------------------------------
def _made_up_loss(W, X_batch, y_batch, reg):
    """(loss, dW) of a loss made up for the training checks: half the mean squared distance of the
    scores X W to the one-hot labels, plus reg * sum(W**2). Not the SVM loss: that is an exercise
    whose answers are recorded, and a recorded answer cannot follow the minibatches a student's
    train() draws (a student bundle replays; see lib.checks.expected)."""
    W = np.asarray(W, dtype=float)
    N = X_batch.shape[0]
    diff = X_batch @ W
    diff[np.arange(N), y_batch] -= 1.0
    return float(0.5 * np.sum(diff**2) / N + reg * np.sum(W * W)), X_batch.T @ diff / N + 2 * reg * W


def _with_loss(cls, loss=None):
    """A maker of the student's classifiers with a made-up loss (`_made_up_loss`, or the given
    loss(self, X, y, reg)), so only train/predict are tested. The loss is set on each instance
    rather than in a subclass, so that this works for a class that lives in the grader's sandbox
    too."""
    if loss is None:

        def loss(self, X_batch, y_batch, reg):
            return _made_up_loss(self.W, X_batch, y_batch, reg)

    def make(*args, **kwargs):
        model = cls(*args, **kwargs)
        model.loss = functools.partial(loss, model)
        return model

    return make


def _squared_weights(self, X_batch, y_batch, reg):
    """A loss made up for the verbose test, cheap and without answers: sum(W**2), gradient 2 W."""
    return float(np.sum(self.W**2)), 2 * self.W


@answer
def _reference_training(X, y, calls):
    """W and loss_history after each of several `train(X, y, **kwargs)` calls on one reference
    classifier (with the SVM loss): [(W, history), ...], one pair per kwargs dict in calls."""
    from ..classifiers.linear_classifier import LinearClassifier

    model, out = _with_loss(LinearClassifier)(), []
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


def _train_variant(X, y, lr, reg, iters, B, seed, replace=True, sign=1.0, reseed=False):
    """W after training as typical wrong versions do it (without replacement, uphill, another seed,
    or the rng created afresh in every iteration)."""
    rng = np.random.default_rng(seed)
    W = 0.001 * rng.standard_normal((X.shape[1], int(y.max()) + 1))
    for _ in range(iters):
        if reseed:
            rng = np.random.default_rng(seed)
        idx = rng.choice(X.shape[0], B, replace=replace)
        W = W - sign * lr * _made_up_loss(W, X[idx], y[idx], reg)[1]
    return W


def _train(c: Check, model, X, y, **kwargs):
    """model.train(X, y, **kwargs) for a student's model: (loss_history, what it printed), failing
    if it drew from a global random generator."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), global_rng_untouched(c, RNG_FROM_SEED):
        history = c.call_with(model.train, X, y, **kwargs)
    return history, out.getvalue()


_SEEDED = (
    "Use one rng = np.random.default_rng(seed) for everything: first W (only if it is None), then "
    "idx = rng.choice(N, batch_size) per iteration."
)


def linear_classifier_train(cls) -> None:
    """Check `LinearClassifier.train`: W created once, minibatches drawn from the seeded rng as
    documented, SGD steps, the default hyperparameters, C = y.max() + 1, and verbose output."""
    c = Check("LinearClassifier.train", cls)
    W0, X, y = _problem(6, N=40, D=5, C=3)
    lr, reg, B, seed = 0.05, 0.01, 8, 4
    Student = _with_loss(cls)
    run = dict(learning_rate=lr, reg=reg, batch_size=B)

    model, twin = Student(), Student()
    _train(c, model, X, y, num_iters=0, seed=seed, **run)
    [(W_init, _)] = _reference_training(X, y, [dict(run, num_iters=0, seed=seed)])
    c.require(
        getattr(model, "W", None) is not None,
        "after train() self.W is still None: create W = 0.001 * rng.standard_normal((D, C)) when it is None.",
    )
    _train(c, twin, X, y, num_iters=0, seed=seed, **run)
    c.require(
        np.array_equal(np.asarray(twin.W, dtype=float), np.asarray(model.W, dtype=float)),
        "two models trained with the same seed started from different weights: draw every random number "
        "from rng = np.random.default_rng(seed), not from an unseeded generator.",
    )
    ignored = (
        f"the seed was ignored (these are the weights of seed 0, the check passed seed={seed}): "
        "create rng = np.random.default_rng(seed) with the seed you are given."
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
            ),
            (ignored, _train_variant(X, y, lr, reg, 0, B, 0)),
        ],
        hint="Create rng = np.random.default_rng(seed) and draw W = 0.001 * rng.standard_normal((D, C)) first, "
        "with C = y.max() + 1.",
    )

    model = Student()
    hist, _ = _train(c, model, X, y, num_iters=6, seed=seed, **run)
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
            (ignored, _train_variant(X, y, lr, reg, 6, B, 0)),
            (
                "the rng was created again inside the loop, so every iteration drew the same minibatch: "
                "create it once, before the loop.",
                _train_variant(X, y, lr, reg, 6, B, seed, reseed=True),
            ),
            (
                "reg was not passed on: compute the loss with self.loss(X_batch, y_batch, reg).",
                _train_variant(X, y, lr, 0.0, 6, B, seed),
            ),
        ],
        hint=_SEEDED,
    )
    c.close(hist, ref_hist, "loss_history", hint="Record each minibatch's loss before the update.")

    # A second call continues from the current W instead of starting over.
    _train(c, model, X, y, num_iters=3, seed=seed + 1, **run)
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

    # Labels 0, 1 and 3: class 2 is absent from this training set but is still one of C = 4 classes.
    y_gap = np.where(y == 2, 3, y)
    model = Student()
    _train(c, model, X, y_gap, num_iters=0, seed=seed, **run)
    c.require(
        np.shape(getattr(model, "W", None)) == (X.shape[1], 4),
        f"for labels 0, 1 and 3 W has shape {np.shape(getattr(model, 'W', None))}, should be (5, 4): "
        "C = y.max() + 1 = 4 (class 2 is absent from these labels but still a class), not len(np.unique(y)).",
    )
    [(W_gap, _)] = _reference_training(X, y_gap, [dict(run, num_iters=0, seed=seed)])
    c.close(model.W, W_gap, "the initial W for labels 0, 1 and 3", hint=_SEEDED)

    # The documented defaults: learning_rate=1e-3, reg=1e-5, num_iters=100, batch_size=200, seed=0,
    # verbose=False (so nothing is printed).
    model = Student()
    hist, printed = _train(c, model, X, y)
    if printed.strip():
        c.fail(
            "train() printed with verbose=False: print progress only when verbose is True "
            f"(its first line: {printed.strip().splitlines()[0]!r})."
        )
    [(W_def, hist_def)] = _reference_training(X, y, [{}])
    hint = "Keep the documented defaults: learning_rate=1e-3, reg=1e-5, num_iters=100, batch_size=200, seed=0."
    c.close(model.W, W_def, "W after train(X, y) with the default hyperparameters", hint=hint)
    c.close(hist, hist_def, "loss_history with the default hyperparameters", hint=hint)

    # verbose=True: one line at iterations 0, 100 and 200 of 201 (with a made-up loss, for speed).
    model = _with_loss(cls, _squared_weights)()
    _, printed = _train(c, model, X, y, num_iters=201, batch_size=4, verbose=True)
    require_progress_lines(c, printed)
    c.done()


def linear_classifier_predict(cls) -> None:
    """Check `LinearClassifier.predict(X) -> labels` (argmax of the scores per row)."""
    c = Check("LinearClassifier.predict", cls)
    W, X, _ = _problem(7, N=15, D=5, C=4)
    model = _with_loss(cls)()
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
        "predict(X)",
        mistakes=[("those are the lowest-scoring classes: use argmax, not argmin.", np.argmin(scores, axis=1))],
    )
    c.done()
