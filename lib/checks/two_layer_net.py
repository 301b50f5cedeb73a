"""Graded checks of 03_softmax/two_layer_net.ipynb: the two-layer network's forward pass, its loss
and gradients by backpropagation, predictions, the SGD training loop, and the initialization rule.

Problems are small and non-square (N, D, H and C all differ), so a transposed product fails on its
shape; biases are non-zero and about half of the hidden units are off, so a missing bias or ReLU
changes the numbers. Expected values come from `lib.classifiers.neural_net` through `expected`.
The training loop gets its own loss_fn, a network with tanh hidden units (`_tanh_net_loss`, an
input of the check), so a loop that calls the notebook's two_layer_loss instead lands elsewhere.
"""

from __future__ import annotations

import contextlib
import io

import numpy as np

from .core import RNG_FROM_SEED, Check, CheckFailed, distinct, global_rng_untouched, require_progress_lines
from .expected import reference

ref = reference("lib.classifiers.neural_net")
_layers = reference("lib.layers")

__all__ = ["two_layer_forward", "two_layer_loss", "two_layer_predict", "two_layer_train", "init_std"]

_KEYS = ("W1", "b1", "W2", "b2")


def _net(seed: int, N: int, D: int, H: int, C: int):
    """Seeded params (non-zero biases), X (N, D) and labels y (N,) in [0, C)."""
    rng = np.random.default_rng(seed)
    params = {
        "W1": rng.normal(size=(D, H)),
        "b1": 0.5 * rng.normal(size=H),
        "W2": rng.normal(size=(H, C)),
        "b2": rng.normal(size=C),
    }
    X = rng.normal(size=(N, D))
    y = rng.integers(0, C, size=N)
    return params, X, y


def _softmax(scores):
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


# -- forward -----------------------------------------------------------------------------------
_FORWARD_CASES = [(0, 7, 5, 6, 4), (1, 3, 8, 5, 2), (2, 1, 4, 3, 5)]  # (seed, N, D, H, C)


def two_layer_forward(fn) -> None:
    """Check `two_layer_forward(params, X) -> scores (N, C)`."""
    c = Check("two_layer_forward", fn)
    for seed, N, D, H, C in _FORWARD_CASES:
        params, X, _ = _net(seed, N, D, H, C)
        expected = ref.two_layer_forward(params, X)
        W1, b1, W2, b2 = (params[k] for k in _KEYS)
        z1 = X @ W1 + b1
        mistakes = [
            ("the hidden layer has no ReLU: h = max(0, z1) sits between the two affine layers.", z1 @ W2 + b2),
            (
                "the ReLU was applied before adding b1: the bias belongs to the affine layer, z1 = X W1 + b1, "
                "then h = max(0, z1).",
                (np.maximum(X @ W1, 0) + b1) @ W2 + b2,
            ),
            ("b1 is missing from the hidden layer: z1 = X W1 + b1.", np.maximum(X @ W1, 0) @ W2 + b2),
            ("b2 is missing from the scores: s = h W2 + b2.", expected - b2),
            (
                "a ReLU was applied to the scores too: the output layer is affine only (scores can be negative).",
                np.maximum(expected, 0),
            ),
            (
                "these are probabilities: return the scores; softmax belongs to the loss.",
                _softmax(np.asarray(expected, dtype=float)),
            ),
            ("the hidden layer uses tanh: this network's hidden units are ReLUs, max(0, z1).", np.tanh(z1) @ W2 + b2),
        ]
        c.close(
            c.call(params, X),
            expected,
            f"the score matrix for N={N}, D={D}, H={H}, C={C}",
            mistakes=distinct(mistakes, expected),
        )
    c.done()


# -- loss and gradients ------------------------------------------------------------------------
_LOSS_CASES = [(3, 7, 5, 6, 4, 0.1), (4, 4, 9, 3, 5, 0.0), (5, 1, 3, 4, 2, 2.0)]  # (seed, N, D, H, C, reg)
_UPSTREAM = "(the gradient of the loss with respect to the scores is (p - onehot(y)) / N)"


def _backprop(params, X, ds, mask="relu"):
    """Data gradients of the two-layer net from a given dL/ds, as typical wrong versions compute them
    (mask: how dL/dz1 is made from dL/dh): {"W1", "b1", "W2", "b2"}, plus "W2 from z1"."""
    W1, b1, W2, _ = (params[k] for k in _KEYS)
    z1 = X @ W1 + b1
    h = np.maximum(z1, 0)
    dh = ds @ W2.T
    dz1 = {"relu": dh * (z1 > 0), "none": dh, "dh": dh * (dh > 0), "h": dh * h}[mask]
    return {"W1": X.T @ dz1, "b1": dz1.sum(axis=0), "W2": h.T @ ds, "b2": ds.sum(axis=0), "W2 from z1": z1.T @ ds}


def _loss_mistakes(params, X, reg, data_loss, loss):
    sq = {k: float(np.sum(params[k] ** 2)) for k in _KEYS}
    N = X.shape[0]
    return [
        ("the regularization term is missing: add reg * (sum of W1**2 + sum of W2**2).", data_loss),
        (
            "the regularization has a factor 1/2; this course uses reg * sum(W**2).",
            data_loss + 0.5 * (loss - data_loss),
        ),
        ("the biases are regularized too: only W1 and W2 are.", loss + reg * (sq["b1"] + sq["b2"])),
        ("W1 is missing from the regularization term.", loss - reg * sq["W1"]),
        ("W2 is missing from the regularization term.", loss - reg * sq["W2"]),
        ("the data loss is summed over the samples: average it (divide by N).", N * data_loss + loss - data_loss),
    ]


def _grad_mistakes(params, X, y, reg, scores):
    """{key: [(message, wrong gradient)]} for the typical mistakes of the backward pass."""
    N = X.shape[0]
    _, ds = _layers.softmax_loss(scores, y)
    wrong = {
        "p": _backprop(params, X, _softmax(scores) / N),
        "N": _backprop(params, X, ds * N),
        "none": _backprop(params, X, ds, "none"),
        "dh": _backprop(params, X, ds, "dh"),
        "h": _backprop(params, X, ds, "h"),
    }
    right = _backprop(params, X, ds)
    upstream = [
        (
            f"the correct class's -1 is missing from dL/ds: it is p - onehot(y), not p {_UPSTREAM}.",
            "p",
        ),
        (f"dL/ds is not divided by N: the loss is a mean over the samples {_UPSTREAM}.", "N"),
    ]
    relu = [
        ("the ReLU's gate is missing: dL/dz1 = dL/dh where z1 > 0, and 0 where the unit was off.", "none"),
        ("the ReLU's gate looks at the gradient: it passes dL/dh where the input z1 > 0, whatever dL/dh's sign.", "dh"),
        ("dL/dh was multiplied by h: the ReLU's local derivative is 1 where z1 > 0 and 0 elsewhere, not h.", "h"),
    ]
    reg_term = {k: 2 * reg * params[k] for k in ("W1", "W2")}
    out = {}
    for k in _KEYS:
        extra = reg_term.get(k, 0.0)
        out[k] = [(msg, wrong[w][k] + extra) for msg, w in upstream]
        if k in ("W1", "b1"):
            out[k] += [(msg, wrong[w][k] + extra) for msg, w in relu]
        if k in reg_term:
            out[k] += [
                (f"the regularization gradient is missing from {k}: add 2 * reg * {k}.", right[k]),
                (
                    f"the regularization gradient of {k} has the wrong factor: d/d{k} of reg * sum({k}**2) "
                    f"is 2 * reg * {k}.",
                    right[k] + reg * params[k],
                ),
            ]
        else:
            out[k].append((f"{k} is a bias: biases are not regularized.", right[k] + 2 * reg * params[k]))
    out["W2"].append(
        (
            "dW2 uses z1, the hidden layer before its ReLU: the second affine layer's input is h = max(0, z1).",
            right["W2 from z1"] + reg_term["W2"],
        )
    )
    return out


def _scores_only(c: Check, got, expected, what):
    if isinstance(got, (tuple, list)):
        c.fail(f"{what}: with y=None (the default) return the scores alone, not a tuple: the loss needs labels.")
    c.close(
        got,
        expected,
        what,
        mistakes=[("these are probabilities: with y=None return the scores s = h W2 + b2.", _softmax(expected))],
    )


def _check_loss_case(c: Check, params, X, y, reg, label, nonfinite_hint=""):
    ref_loss, ref_grads = ref.two_layer_loss(params, X, y, reg)
    data_loss, _ = ref.two_layer_loss(params, X, y, 0.0)
    loss, grads = c.unpack(c.call(params, X, y, reg=reg), ["loss", "grads"])
    c.close(
        loss,
        ref_loss,
        f"the loss {label}",
        mistakes=distinct(_loss_mistakes(params, X, reg, data_loss, ref_loss), ref_loss),
        nonfinite_hint=nonfinite_hint,
    )
    if not isinstance(grads, dict) or set(grads) != set(_KEYS):
        got = sorted(grads) if isinstance(grads, dict) else type(grads).__name__
        c.fail(f"grads should be a dict with the keys {list(_KEYS)}, got {got}")
    wrong = _grad_mistakes(params, X, y, reg, ref.two_layer_loss(params, X))
    for k in ("b2", "W2", "b1", "W1"):  # backward order: the first node that differs is named
        c.close(
            grads[k],
            ref_grads[k],
            f"grads['{k}'] {label}",
            mistakes=distinct(wrong[k], ref_grads[k]),
            atol=1e-10,
            nonfinite_hint=nonfinite_hint,
        )


def _far_rows():
    """(params, X, y) whose first sample scores about 1500 above the others, with a spread of ~100:
    W2's columns are nearly equal, so h W2 moves the whole row together."""
    rng = np.random.default_rng(14)
    D, H, C = 3, 5, 3
    params = {
        "W1": rng.normal(size=(D, H)),
        "b1": 0.5 * rng.normal(size=H),
        "W2": np.outer(np.abs(rng.normal(size=H)), np.ones(C)) + 0.05 * rng.normal(size=(H, C)),
        "b2": rng.normal(size=C),
    }
    X = rng.normal(size=(4, D)) * np.array([[1000.0], [1.0], [1.0], [1.0]])
    return params, X, rng.integers(0, C, size=4)


def two_layer_loss(fn) -> None:
    """Check `two_layer_loss(params, X, y=None, reg=0.0)`: the scores without labels; with labels the
    loss and every gradient, with and without regularization, on scores far from zero, and reg's
    default."""
    c = Check("two_layer_loss", fn)
    for seed, N, D, H, C, reg in _LOSS_CASES:
        params, X, y = _net(seed, N, D, H, C)
        label = f"for N={N}, D={D}, H={H}, C={C}, reg={reg:g}"
        _scores_only(c, c.call(params, X), ref.two_layer_loss(params, X), f"the score matrix (y=None) {label}")
        _check_loss_case(c, params, X, y, reg, label)
    # Scores near 1000: e**1000 overflows to inf, so the exponentials need the max shift.
    params, X, y = _net(6, 5, 4, 6, 3)
    params["b2"] = params["b2"] + 1000.0
    _check_loss_case(
        c,
        params,
        X,
        y,
        0.05,
        "for scores near 1000",
        nonfinite_hint="e**1000 overflows to inf: subtract each row's maximum score before exponentiating "
        "(softmax does not change), as in softmax.ipynb.",
    )
    # One sample's scores about 1500 above the others' (with a small spread): a shift by the batch's
    # maximum instead of each row's own sends the other rows' exponentials to zero.
    _check_loss_case(
        c,
        *_far_rows(),
        0.01,
        "with one row of scores far above the others",
        nonfinite_hint="shift each row of scores by its own maximum, scores.max(axis=1, keepdims=True): "
        "shifted by the batch's maximum, a row far below it underflows to zeros and its log to -inf.",
    )
    # reg left out: its default is 0.
    params, X, y = _net(7, 6, 4, 5, 3)
    ref_loss, ref_grads = ref.two_layer_loss(params, X, y)
    loss, grads = c.unpack(c.call(params, X, y), ["loss", "grads"])
    hint = "Without a reg argument, use the default reg=0.0."
    c.close(loss, ref_loss, "the loss with the default reg", hint=hint)
    for k in ("W1", "W2"):
        c.close(grads[k], ref_grads[k], f"grads['{k}'] with the default reg", hint=hint)
    c.done()


# -- predict -----------------------------------------------------------------------------------
_PREDICT_CASES = [(8, 9, 5, 6, 4), (9, 5, 7, 3, 6)]  # (seed, N, D, H, C)


def two_layer_predict(fn) -> None:
    """Check `two_layer_predict(params, X) -> labels (N,)`, the argmax of the two-layer net's scores."""
    c = Check("two_layer_predict", fn)
    for seed, N, D, H, C in _PREDICT_CASES:
        params, X, _ = _net(seed, N, D, H, C)
        scores = ref.two_layer_forward(params, X)
        got = c.call(params, X)
        shape = np.shape(got)
        if shape == (C,):
            c.fail("predict returned one value per class: take the argmax over the classes of each row (axis=1).")
        if shape == (N, C):
            c.fail("predict returned a score per class: return the labels, the argmax of each row of scores.")
        W1, b1, W2, b2 = (params[k] for k in _KEYS)
        c.close(
            got,
            ref.two_layer_predict(params, X),
            f"the label vector for N={N}, C={C}",
            mistakes=distinct(
                [
                    ("those are the lowest-scoring classes: use argmax, not argmin.", np.argmin(scores, axis=1)),
                    (
                        "those are the labels of a network without its ReLU: predict from the two-layer net's "
                        "scores (two_layer_forward).",
                        np.argmax((X @ W1 + b1) @ W2 + b2, axis=1),
                    ),
                ],
                scores.argmax(axis=1),
            ),
            hint="Predict argmax over the classes of two_layer_forward(params, X). (This uses your "
            "two_layer_forward: if its check fails, fix that first.)",
        )
    c.done()


# -- training ----------------------------------------------------------------------------------
def _tanh_net_loss(params, X, y=None, reg=0.0):
    """The loss_fn handed to the student's two_layer_train: a two-layer net with tanh hidden units
    (not ReLU) and the softmax loss, so that a loop which calls two_layer_loss itself instead of
    loss_fn lands elsewhere. An input of the check, not an answer: scores if y is None, else
    (loss, grads)."""
    W1, b1, W2, b2 = (params[k] for k in _KEYS)
    h = np.tanh(X @ W1 + b1)
    scores = h @ W2 + b2
    if y is None:
        return scores
    N = X.shape[0]
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    ds = np.exp(log_p)
    ds[np.arange(N), y] -= 1
    ds /= N
    dz = (ds @ W2.T) * (1 - h * h)
    grads = {"W1": X.T @ dz + 2 * reg * W1, "b1": dz.sum(axis=0), "W2": h.T @ ds + 2 * reg * W2, "b2": ds.sum(axis=0)}
    return float(-log_p[np.arange(N), y].mean() + reg * (np.sum(W1 * W1) + np.sum(W2 * W2))), grads


class _LossSpy:
    """Wraps `_tanh_net_loss` and counts the calls, to see that loss_fn is really used."""

    def __init__(self):
        self.calls = 0

    def __call__(self, params, X, y=None, reg=0.0):
        self.calls += 1
        return _tanh_net_loss(params, X, y, reg)


def _accuracy(params, X, y):
    return float(np.mean(np.argmax(_tanh_net_loss(params, X), axis=1) == y))


def _train_variant(problem, hp, *, sign=1.0, seed=None, reseed=False, replace=True, decay="end", acc="batch"):
    """Params and histories of the training loop as typical wrong versions write it (with
    `_tanh_net_loss`): uphill, another seed, the rng made afresh in every iteration, batches
    without replacement, the learning rate decayed never / every iteration / after it %
    per_epoch == 0, accuracies on the whole training set or before the update."""
    params, X, y, X_val, y_val = problem
    lr, N, B = hp["learning_rate"], X.shape[0], hp["batch_size"]
    per_epoch = max(N // B, 1)
    rng = np.random.default_rng(hp["seed"] if seed is None else seed)
    p = {k: v.copy() for k, v in params.items()}
    losses, train_acc, val_acc = [], [], []
    for it in range(hp["num_iters"]):
        if reseed:
            rng = np.random.default_rng(hp["seed"])
        idx = rng.choice(N, B, replace=replace)
        before = p
        loss, grads = _tanh_net_loss(p, X[idx], y[idx], hp["reg"])
        losses.append(loss)
        p = {k: v - sign * lr * grads[k] for k, v in p.items()}
        end = (it % per_epoch == 0) if decay == "start" else ((it + 1) % per_epoch == 0)
        if end:
            seen = before if acc == "before" else p
            train_acc.append(_accuracy(seen, X, y) if acc == "full" else _accuracy(seen, X[idx], y[idx]))
            val_acc.append(_accuracy(seen, X_val, y_val))
        if decay == "every" or (end and decay in ("end", "start")):
            lr *= hp["learning_rate_decay"]
    return p, losses, train_acc, val_acc


def _train_problem(seed: int):
    """Initial params (D=5, H=6, C=3), 44 training samples with learnable labels, 9 validation ones."""
    rng = np.random.default_rng(seed)
    params = {
        "W1": 0.5 * rng.normal(size=(5, 6)),
        "b1": 0.1 * rng.normal(size=6),
        "W2": 0.5 * rng.normal(size=(6, 3)),
        "b2": 0.1 * rng.normal(size=3),
    }
    X = rng.normal(size=(53, 5))
    y = np.argmax(X[:, :3] + 0.5 * rng.normal(size=(53, 3)), axis=1)
    return params, X[:44], y[:44], X[44:], y[44:]


_DEFAULTS = {
    "learning_rate": 1e-3,
    "learning_rate_decay": 0.95,
    "reg": 5e-6,
    "num_iters": 100,
    "batch_size": 200,
    "seed": 0,
}
_TRAIN_CASES = [
    (11, {"learning_rate": 0.5, "learning_rate_decay": 0.5, "reg": 0.05, "num_iters": 17, "batch_size": 8, "seed": 3}),
    (12, {"learning_rate": 0.2, "learning_rate_decay": 0.8, "reg": 0.0, "num_iters": 9, "batch_size": 11, "seed": 5}),
]
_SEEDED = (
    "Create rng = np.random.default_rng(seed) once, before the loop; per iteration draw "
    "idx = rng.choice(N, batch_size), step every parameter by -learning_rate * grads[k], and at the end "
    "of each epoch record the accuracies, then multiply learning_rate by learning_rate_decay."
)


def _run_train(c: Check, fn_args, **kwargs):
    """The student's two_layer_train(*fn_args, **kwargs) -> (result dict, what it printed), failing if
    it drew from a global random generator."""
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out), global_rng_untouched(c, RNG_FROM_SEED):
            result = c.call(*fn_args, **kwargs)
    except CheckFailed as exc:
        if isinstance(exc.__cause__, ZeroDivisionError):
            c.fail(
                "your function divided by zero: with batch_size > N, N // batch_size is 0; "
                "use iterations_per_epoch = max(N // batch_size, 1)."
            )
        raise
    names = ("params", "loss_history", "train_acc_history", "val_acc_history")
    if not isinstance(result, dict) or not set(names) <= set(result):
        got = sorted(result) if isinstance(result, dict) else type(result).__name__
        c.fail(f"two_layer_train should return a dict with the keys {list(names)}, got {got}")
    if not isinstance(result["params"], dict) or set(result["params"]) != set(_KEYS):
        c.fail(f"the returned 'params' should be a dict with the keys {list(_KEYS)}")
    return result, out.getvalue()


def _epochs_message(count, hp, N):
    """Why a training loop recorded `count` accuracies instead of one per completed epoch."""
    per_epoch, T = max(N // hp["batch_size"], 1), hp["num_iters"]
    expected = T // per_epoch
    if count == T:
        return f"recorded {count} accuracies, one per iteration: record them once per epoch ({expected} here)."
    if count == len(range(0, T, per_epoch)):
        return (
            f"recorded {count} accuracies instead of {expected}: an epoch ends after iteration it when "
            "(it + 1) % iterations_per_epoch == 0 (with it % iterations_per_epoch == 0 the first record comes "
            "after a single iteration)."
        )
    return (
        f"recorded {count} accuracies for num_iters={T} with {per_epoch} iterations per epoch: record one "
        f"per completed epoch ({expected} here)."
    )


def _check_train_case(c: Check, seed, hp):
    problem = _train_problem(seed)
    params, X, y, X_val, y_val = problem
    N = X.shape[0]
    expected = ref.two_layer_train(params, _tanh_net_loss, X, y, X_val, y_val, **hp)
    spy = _LossSpy()
    got, printed = _run_train(c, (params, spy, X, y, X_val, y_val), **hp)
    c.require(
        spy.calls >= hp["num_iters"],
        f"loss_fn was called {spy.calls} times in {hp['num_iters']} iterations: compute every minibatch's loss "
        "and gradients with the loss_fn argument (the check passes its own, a network with tanh units).",
    )
    if printed.strip():
        c.fail(f"two_layer_train printed with verbose=False: {printed.strip().splitlines()[0]!r}")
    c.require(
        len(got["loss_history"]) == hp["num_iters"],
        f"loss_history has {len(got['loss_history'])} entries for num_iters={hp['num_iters']}: record one "
        "minibatch loss per iteration.",
    )
    for key in ("train_acc_history", "val_acc_history"):
        count = len(got[key])
        c.require(count == len(expected[key]), f"{key}: " + _epochs_message(count, hp, N))
    variant = {
        "uphill": _train_variant(problem, hp, sign=-1.0),
        "seed": _train_variant(problem, hp, seed=0),
        "reseed": _train_variant(problem, hp, reseed=True),
        "no replacement": _train_variant(problem, hp, replace=False),
        "no reg": _train_variant(problem, dict(hp, reg=0.0)),
        "never": _train_variant(problem, hp, decay="never"),
        "every": _train_variant(problem, hp, decay="every"),
        "start": _train_variant(problem, hp, decay="start"),
    }
    messages = {
        "uphill": "the parameters moved uphill: subtract learning_rate * grads[k].",
        "seed": f"the seed was ignored (these are the parameters of seed 0, the check passed seed={hp['seed']}): "
        "create rng = np.random.default_rng(seed) with the seed you are given.",
        "reseed": "the rng was created again inside the loop, so every iteration drew the same minibatch: create "
        "it once, before the loop.",
        "no replacement": "the minibatch was drawn without replacement: use idx = rng.choice(N, batch_size) "
        "(with replacement, as the docstring says).",
        "no reg": "reg was not passed on: compute the loss with loss_fn(params, X_batch, y_batch, reg=reg).",
        "never": "the learning rate never decayed: multiply it by learning_rate_decay at the end of every epoch.",
        "every": "the learning rate decayed after every iteration: multiply it by learning_rate_decay once per "
        "epoch, at its end.",
        "start": "the learning rate decayed after the first iteration: an epoch ends when (it + 1) % "
        "iterations_per_epoch == 0.",
    }
    trained = got["params"]
    for k in ("b1", "b2", "W1", "W2"):  # biases first: a loop that never steps them is named
        mistakes = [(messages[name], v[0][k]) for name, v in variant.items()]
        if k.startswith("b"):
            mistakes.append((f"{k} was never updated: step every parameter, biases too.", params[k]))
        c.close(
            trained[k],
            expected["params"][k],
            f"params['{k}'] after {hp['num_iters']} iterations",
            mistakes=distinct(mistakes, expected["params"][k]),
            hint=_SEEDED,
        )
    c.close(got["loss_history"], expected["loss_history"], "loss_history", hint="Record each minibatch's loss.")
    on_full = _train_variant(problem, hp, acc="full")
    before = _train_variant(problem, hp, acc="before")
    acc_hint = "At the end of each epoch, after the update, record the accuracy on that minibatch and on X_val."
    c.close(
        got["train_acc_history"],
        expected["train_acc_history"],
        "train_acc_history",
        mistakes=distinct(
            [
                (
                    "this is the accuracy on the whole training set: record it on the epoch's last minibatch "
                    "(cheap, as CS231n does).",
                    on_full[2],
                ),
                ("the accuracies were taken before the update: record them after it.", before[2]),
            ],
            expected["train_acc_history"],
        ),
        hint=acc_hint,
    )
    c.close(
        got["val_acc_history"],
        expected["val_acc_history"],
        "val_acc_history",
        mistakes=distinct(
            [("the accuracies were taken before the update: record them after it.", before[3])],
            expected["val_acc_history"],
        ),
        hint=acc_hint + " Predictions are the argmax of loss_fn(params, X) (scores without y).",
    )


def two_layer_train(fn) -> None:
    """Check `two_layer_train(params, loss_fn, X, y, X_val, y_val, ...) -> dict`: seeded minibatches,
    SGD steps with loss_fn, per-epoch learning-rate decay and accuracies, the defaults, verbose."""
    c = Check("two_layer_train", fn)
    for seed, hp in _TRAIN_CASES:
        _check_train_case(c, seed, hp)
    # The documented defaults (batch_size 200 > N = 44: one iteration per epoch).
    params, X, y, X_val, y_val = _train_problem(13)
    expected = ref.two_layer_train(params, _tanh_net_loss, X, y, X_val, y_val)
    got, printed = _run_train(c, (params, _tanh_net_loss, X, y, X_val, y_val))
    if printed.strip():
        c.fail(f"two_layer_train printed with the default verbose=False: {printed.strip().splitlines()[0]!r}")
    hint = "Keep the documented defaults: " + ", ".join(f"{k}={v:g}" for k, v in _DEFAULTS.items()) + "."
    for k in _KEYS:
        c.close(got["params"][k], expected["params"][k], f"params['{k}'] with the default hyperparameters", hint=hint)
    c.close(got["val_acc_history"], expected["val_acc_history"], "val_acc_history with the defaults", hint=hint)
    # verbose=True: a line naming the iteration at iterations 0, 100 and 200 of 201.
    _, printed = _run_train(c, (params, _tanh_net_loss, X, y, X_val, y_val), num_iters=201, batch_size=4, verbose=True)
    require_progress_lines(c, printed)
    c.done()


# -- initialization ----------------------------------------------------------------------------
_INIT_CASES = [(784, 100, "relu"), (100, 10, "tanh"), (30, 70, "tanh"), (7, 3, "relu"), (50, 50, "tanh")]


def init_std(fn) -> None:
    """Check `init_std(fan_in, fan_out, activation) -> float` for ReLU (He) and tanh (Glorot) layers."""
    c = Check("init_std", fn)
    for fan_in, fan_out, activation in _INIT_CASES:
        expected = ref.init_std(fan_in, fan_out, activation)
        n_in, n_out = float(fan_in), float(fan_out)
        mistakes = [
            ("that is the variance: return its square root, the standard deviation.", expected**2),
            (
                "that is the limit of Glorot & Bengio's uniform distribution, sqrt(6 / (fan_in + fan_out)), "
                "not a Gaussian's standard deviation.",
                np.sqrt(6 / (n_in + n_out)),
            ),
        ]
        if activation == "relu":
            mistakes += [
                (
                    "ReLU zeroes half of its inputs, so a ReLU layer passes on only half of the variance: the "
                    "forward condition needs twice the weight variance of a linear layer.",
                    np.sqrt(1 / n_in),
                ),
                ("for ReLU layers the variance depends on fan_in only (the forward condition).", np.sqrt(2 / n_out)),
                (
                    "that is the tanh rule: a ReLU layer follows the forward condition with the factor 2.",
                    np.sqrt(2 / (n_in + n_out)),
                ),
            ]
        else:
            mistakes += [
                (
                    "that keeps only the forward pass steady: for tanh, Glorot & Bengio average the forward and "
                    "backward conditions (fan_in and fan_out).",
                    np.sqrt(1 / n_in),
                ),
                (
                    "tanh is close to linear around 0 and passes its whole variance on: the factor 2 is ReLU's.",
                    np.sqrt(2 / n_in),
                ),
                (
                    "the fans were added but not averaged: the compromise uses their mean, (fan_in + fan_out) / 2.",
                    np.sqrt(1 / (n_in + n_out)),
                ),
            ]
        c.close(
            c.call(fan_in, fan_out, activation),
            expected,
            f"init_std({fan_in}, {fan_out}, {activation!r})",
            mistakes=distinct(mistakes, expected),
        )
    c.done()
