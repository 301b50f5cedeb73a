"""Checks of 03_softmax/two_layer_net.ipynb: the reference passes; stubs and typical mistakes are
named; correct implementations written otherwise (lib's layers, loops, a probability matrix, an
epoch counter, in-place steps on a copy) pass."""

import functools
import math

import numpy as np
from check_harness import CheckTests

import lib.checks.two_layer_net as module
from lib import layers
from lib.classifiers import neural_net

KEYS = ("W1", "b1", "W2", "b2")


# -- forward ---------------------------------------------------------------------------------------
def _forward(params, X, act=lambda z: np.maximum(z, 0), bias_after=False, b1=True, b2=True, out=None):
    W1, b1_, W2, b2_ = (params[k] for k in KEYS)
    z = X @ W1 + (0 if bias_after or not b1 else b1_)
    h = act(z) + (b1_ if bias_after else 0)
    s = h @ W2 + (b2_ if b2 else 0)
    return out(s) if out else s


def forward_no_relu(params, X):
    return _forward(params, X, act=lambda z: z)


def forward_relu_before_bias(params, X):
    return _forward(params, X, bias_after=True)


def forward_no_b1(params, X):
    return _forward(params, X, b1=False)


def forward_no_b2(params, X):
    return _forward(params, X, b2=False)


def forward_relu_on_scores(params, X):
    return _forward(params, X, out=lambda s: np.maximum(s, 0))


def forward_probabilities(params, X):
    return _forward(params, X, out=lambda s: np.exp(s) / np.exp(s).sum(axis=1, keepdims=True))


def forward_tanh(params, X):
    return _forward(params, X, act=np.tanh)


def forward_with_layers(params, X):
    h, _ = layers.relu_forward(layers.affine_forward(X, params["W1"], params["b1"])[0])
    return layers.affine_forward(h, params["W2"], params["b2"])[0]


def forward_einsum_where(params, X):
    z = np.einsum("nd,dh->nh", X, params["W1"]) + params["b1"][None, :]
    h = np.where(z > 0, z, 0.0)
    return np.einsum("nh,hc->nc", h, params["W2"]) + params["b2"]


# -- loss and gradients ----------------------------------------------------------------------------
def _loss(
    params,
    X,
    y=None,
    reg=0.0,
    *,
    factor=1.0,
    reg_biases=False,
    reg_keys=("W1", "W2"),
    grad_factor=2.0,
    gate="relu",
    minus_one=True,
    mean=True,
    shift=True,
    w2_input="h",
    y_none="scores",
):
    """The two-layer loss with switches for the typical mistakes (defaults: correct)."""
    W1, b1, W2, b2 = (params[k] for k in KEYS)
    N = X.shape[0]
    z1 = X @ W1 + b1
    h = np.maximum(z1, 0)
    s = h @ W2 + b2
    if y is None:
        if y_none == "tuple":
            return s, None
        return np.exp(s) / np.exp(s).sum(axis=1, keepdims=True) if y_none == "probabilities" else s
    shifted = {True: s - s.max(axis=1, keepdims=True), False: s, "batch": s - s.max()}[shift]
    e = np.exp(shifted)
    p = e / e.sum(axis=1, keepdims=True)
    rows = np.arange(N)
    data = -np.log(p[rows, y]).sum() / (N if mean else 1)
    keys = list(reg_keys) + (["b1", "b2"] if reg_biases else [])
    loss = data + factor * reg * sum(np.sum(params[k] ** 2) for k in keys)
    ds = p.copy()
    if minus_one:
        ds[rows, y] -= 1
    ds = ds / (N if mean else 1)
    dh = ds @ W2.T
    dz1 = {"relu": dh * (z1 > 0), "none": dh, "dh": dh * (dh > 0), "h": dh * h}[gate]
    grads = {"W1": X.T @ dz1, "b1": dz1.sum(axis=0), "W2": (h if w2_input == "h" else z1).T @ ds, "b2": ds.sum(axis=0)}
    for k in keys:
        grads[k] = grads[k] + grad_factor * reg * params[k]
    return loss, grads


def _loss_variant(name, **flags):
    fn = functools.partial(_loss, **flags)
    fn.__name__ = name
    return fn


def loss_wrong_default_reg(params, X, y=None, reg=1e-3):
    return _loss(params, X, y, reg)


def loss_with_layers(params, X, y=None, reg=0.0):
    """CS231n's layer calls: affine, ReLU, affine, softmax_loss and their backward passes."""
    z1, fc1 = layers.affine_forward(X, params["W1"], params["b1"])
    h, rc = layers.relu_forward(z1)
    s, fc2 = layers.affine_forward(h, params["W2"], params["b2"])
    if y is None:
        return s
    loss, ds = layers.softmax_loss(s, y)
    grads = {}
    dh, grads["W2"], grads["b2"] = layers.affine_backward(ds, fc2)
    _, grads["W1"], grads["b1"] = layers.affine_backward(layers.relu_backward(dh, rc), fc1)
    for k in ("W1", "W2"):
        loss += reg * np.sum(params[k] ** 2)
        grads[k] += 2 * reg * params[k]
    return loss, grads


def loss_by_samples(params, X, y=None, reg=0.0):
    """One sample at a time, probabilities first, then log; the gradients accumulated with outer products."""
    W1, b1, W2, b2 = (params[k] for k in KEYS)
    if y is None:
        return np.maximum(X @ W1 + b1, 0) @ W2 + b2
    N = len(y)
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    loss = 0.0
    for i in range(N):
        z = X[i] @ W1 + b1
        h = np.maximum(z, 0)
        s = h @ W2 + b2
        p = np.exp(s - s.max())
        p /= p.sum()
        loss += -np.log(p[y[i]]) / N
        ds = p.copy()
        ds[y[i]] -= 1.0
        ds /= N
        dz = (W2 @ ds) * (z > 0)
        grads["W2"] += np.outer(h, ds)
        grads["b2"] += ds
        grads["W1"] += np.outer(X[i], dz)
        grads["b1"] += dz
    loss += reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
    grads["W1"] += 2 * reg * W1
    grads["W2"] += 2 * reg * W2
    return loss, grads


def loss_one_hot_float32_sums(params, X, y=None, reg=0.0):
    """A one-hot matrix Y and logsumexp written out; dL/ds = (P - Y) / N."""
    W1, b1, W2, b2 = (params[k] for k in KEYS)
    z1 = X @ W1 + b1
    h = z1 * (z1 > 0)
    s = h @ W2 + b2
    if y is None:
        return s
    N, C = s.shape
    Y = np.eye(C)[y]
    m = s.max(axis=1, keepdims=True)
    lse = m + np.log(np.exp(s - m).sum(axis=1, keepdims=True))
    loss = float(np.mean(lse[:, 0] - (s * Y).sum(axis=1))) + reg * float(np.sum(W1**2) + np.sum(W2**2))
    ds = (np.exp(s - lse) - Y) / N
    dz1 = np.where(z1 > 0, ds @ W2.T, 0.0)
    return loss, {"W1": X.T @ dz1 + 2 * reg * W1, "b1": dz1.sum(0), "W2": h.T @ ds + 2 * reg * W2, "b2": ds.sum(0)}


# -- predict ---------------------------------------------------------------------------------------
def predict_argmin(params, X):
    return np.argmin(neural_net.two_layer_forward(params, X), axis=1)


def predict_axis0(params, X):
    return np.argmax(neural_net.two_layer_forward(params, X), axis=0)


def predict_scores(params, X):
    return neural_net.two_layer_forward(params, X)


def predict_no_relu(params, X):
    return np.argmax(forward_no_relu(params, X), axis=1)


def predict_inline(params, X):
    h = np.maximum(0, X @ params["W1"] + params["b1"])
    return (h @ params["W2"] + params["b2"]).argmax(1)


def predict_from_probabilities(params, X):
    s = forward_with_layers(params, X)
    p = np.exp(s - s.max(axis=1, keepdims=True))
    return np.argmax(p / p.sum(axis=1, keepdims=True), axis=1).tolist()


# -- training --------------------------------------------------------------------------------------
def _train(
    params,
    loss_fn,
    X,
    y,
    X_val,
    y_val,
    learning_rate=1e-3,
    learning_rate_decay=0.95,
    reg=5e-6,
    num_iters=100,
    batch_size=200,
    seed=0,
    verbose=False,
    *,
    sign=1.0,
    fixed_seed=None,
    reseed=False,
    replace=True,
    pass_reg=True,
    decay="end",
    acc="batch",
    update_biases=True,
    in_place=False,
    global_rng=False,
    own_loss=False,
    always_print=False,
    per_epoch_fn=lambda N, B: max(N // B, 1),
):
    """The training loop with switches for the typical mistakes (defaults: correct)."""
    N = X.shape[0]
    per_epoch = per_epoch_fn(N, batch_size)
    rng = np.random.default_rng(seed if fixed_seed is None else fixed_seed)
    p = params if in_place else {k: v.copy() for k, v in params.items()}
    loss_fn = neural_net.two_layer_loss if own_loss else loss_fn
    history = {"loss_history": [], "train_acc_history": [], "val_acc_history": []}
    for it in range(num_iters):
        if reseed:
            rng = np.random.default_rng(seed)
        idx = np.random.choice(N, batch_size) if global_rng else rng.choice(N, batch_size, replace=replace)
        loss, grads = loss_fn(p, X[idx], y[idx], reg=reg if pass_reg else 0.0)
        history["loss_history"].append(loss)
        before = {k: v.copy() for k, v in p.items()}
        for k in p:
            if update_biases or k.startswith("W"):
                p[k] -= sign * learning_rate * grads[k]
        if always_print or (verbose and it % 100 == 0):
            print(f"it {it}: {loss:.3f}")
        end = it % per_epoch == 0 if decay == "start" else (it + 1) % per_epoch == 0
        if acc == "every" or end:
            seen = before if acc == "before" else p
            Xa, ya = (X, y) if acc == "full" else (X[idx], y[idx])
            history["train_acc_history"].append(np.mean(np.argmax(loss_fn(seen, Xa), axis=1) == ya))
            history["val_acc_history"].append(np.mean(np.argmax(loss_fn(seen, X_val), axis=1) == y_val))
        if decay == "every" or (end and decay != "never"):
            learning_rate *= learning_rate_decay
    return dict(history, params=p)


def _train_variant(name, **flags):
    fn = functools.partial(_train, **flags)
    fn.__name__ = name
    return fn


def train_wrong_default_lr(params, loss_fn, X, y, X_val, y_val, learning_rate=1e-2, **kwargs):
    return _train(params, loss_fn, X, y, X_val, y_val, learning_rate, **kwargs)


def train_epoch_counter(
    params,
    loss_fn,
    X,
    y,
    X_val,
    y_val,
    learning_rate=1e-3,
    learning_rate_decay=0.95,
    reg=5e-6,
    num_iters=100,
    batch_size=200,
    seed=0,
    verbose=False,
):
    """Counts iterations within the epoch instead of a modulo; a new dict per step; a logging message."""
    rng = np.random.default_rng(seed)
    N = len(y)
    per_epoch, done = max(N // batch_size, 1), 0
    losses, train_acc, val_acc = [], [], []
    for it in range(num_iters):
        batch = rng.choice(N, size=batch_size, replace=True)
        loss, grads = loss_fn(params, X[batch], y[batch], reg)
        losses.append(float(loss))
        params = {name: value - learning_rate * grads[name] for name, value in params.items()}
        if verbose and not it % 100:
            print(f"[{it:>5}] minibatch loss = {loss:.5f}")
        done += 1
        if done == per_epoch:
            done = 0
            train_acc.append((loss_fn(params, X[batch]).argmax(1) == y[batch]).mean())
            val_acc.append((loss_fn(params, X_val).argmax(1) == y_val).mean())
            learning_rate = learning_rate * learning_rate_decay
    return {"params": params, "loss_history": losses, "train_acc_history": train_acc, "val_acc_history": val_acc}


def train_float_loop(params, loss_fn, X, y, X_val, y_val, **kwargs):
    """The correct loop (its in-place steps on a copy), returning extra keys and numpy arrays."""
    out = _train(params, loss_fn, X, y, X_val, y_val, **kwargs)
    out = {k: np.array(v) if k != "params" else v for k, v in out.items()}
    out["final_learning_rate"] = None
    return out


# -- init_std --------------------------------------------------------------------------------------
def init_variance(fan_in, fan_out, activation):
    return neural_net.init_std(fan_in, fan_out, activation) ** 2


def init_relu_without_two(fan_in, fan_out, activation):
    return np.sqrt((1.0 if activation == "relu" else 2.0) / (fan_in if activation == "relu" else fan_in + fan_out))


def init_tanh_forward_only(fan_in, fan_out, activation):
    return np.sqrt(2 / fan_in) if activation == "relu" else np.sqrt(1 / fan_in)


def init_tanh_as_he(fan_in, fan_out, activation):
    return np.sqrt(2 / fan_in)


def init_uniform_limit(fan_in, fan_out, activation):
    return np.sqrt(6 / (fan_in + fan_out)) if activation == "tanh" else np.sqrt(2 / fan_in)


def init_sum_not_mean(fan_in, fan_out, activation):
    return np.sqrt(2 / fan_in) if activation == "relu" else np.sqrt(1 / (fan_in + fan_out))


def init_relu_fan_out(fan_in, fan_out, activation):
    return np.sqrt(2 / fan_out) if activation == "relu" else np.sqrt(2 / (fan_in + fan_out))


def init_math(fan_in, fan_out, activation):
    fan = fan_in if activation == "relu" else (fan_in + fan_out) / 2
    gain = {"relu": 2.0, "tanh": 1.0}[activation]
    return math.sqrt(gain / fan)


def init_array(fan_in, fan_out, activation):
    var = 2.0 / fan_in if activation == "relu" else 1.0 / np.mean([fan_in, fan_out])
    return np.array([var]) ** 0.5


class TestChecks(CheckTests):
    module = module
    references = {name: getattr(neural_net, name) for name in module.__all__}
    mistakes = [
        ("two_layer_forward", forward_no_relu, "no ReLU"),
        ("two_layer_forward", forward_relu_before_bias, "before adding b1"),
        ("two_layer_forward", forward_no_b1, "b1 is missing"),
        ("two_layer_forward", forward_no_b2, "b2 is missing"),
        ("two_layer_forward", forward_relu_on_scores, "ReLU was applied to the scores"),
        ("two_layer_forward", forward_probabilities, "probabilities"),
        ("two_layer_forward", forward_tanh, "uses tanh"),
        ("two_layer_loss", _loss_variant("no_reg", factor=0.0), "regularization term is missing"),
        ("two_layer_loss", _loss_variant("half_reg", factor=0.5), "factor 1/2"),
        ("two_layer_loss", _loss_variant("reg_biases", reg_biases=True), "biases are regularized"),
        ("two_layer_loss", _loss_variant("reg_w2_only", reg_keys=("W2",)), "W1 is missing from the regularization"),
        ("two_layer_loss", _loss_variant("reg_w1_only", reg_keys=("W1",)), "W2 is missing from the regularization"),
        ("two_layer_loss", _loss_variant("summed", mean=False), "summed over the samples"),
        ("two_layer_loss", _loss_variant("reg_grad_factor", grad_factor=1.0), r"wrong factor: d/dW2"),
        ("two_layer_loss", _loss_variant("no_reg_grad", grad_factor=0.0), "regularization gradient is missing"),
        ("two_layer_loss", _loss_variant("no_gate", gate="none"), "gate is missing"),
        ("two_layer_loss", _loss_variant("gate_on_dh", gate="dh"), "gate looks at the gradient"),
        ("two_layer_loss", _loss_variant("times_h", gate="h"), "multiplied by h"),
        ("two_layer_loss", _loss_variant("no_minus_one", minus_one=False), r"-1 is missing"),
        ("two_layer_loss", _loss_variant("w2_from_z1", w2_input="z1"), "dW2 uses z1"),
        ("two_layer_loss", _loss_variant("no_shift", shift=False), "NaN or inf.*subtract each row's maximum"),
        ("two_layer_loss", _loss_variant("batch_shift", shift="batch"), "NaN or inf.*its own maximum"),
        ("two_layer_loss", _loss_variant("y_none_probabilities", y_none="probabilities"), "with y=None return the"),
        ("two_layer_loss", _loss_variant("y_none_tuple", y_none="tuple"), "scores alone, not a tuple"),
        ("two_layer_loss", loss_wrong_default_reg, "default reg=0.0"),
        ("two_layer_predict", predict_argmin, "argmin"),
        ("two_layer_predict", predict_axis0, "axis=1"),
        ("two_layer_predict", predict_scores, "return the labels"),
        ("two_layer_predict", predict_no_relu, "without its ReLU"),
        ("two_layer_train", _train_variant("uphill", sign=-1.0), "uphill"),
        ("two_layer_train", _train_variant("seed_ignored", fixed_seed=0), "seed was ignored"),
        ("two_layer_train", _train_variant("reseeded", reseed=True), "created again inside the loop"),
        ("two_layer_train", _train_variant("no_replacement", replace=False), "without replacement"),
        ("two_layer_train", _train_variant("reg_dropped", pass_reg=False), "reg was not passed on"),
        ("two_layer_train", _train_variant("never_decays", decay="never"), "never decayed"),
        ("two_layer_train", _train_variant("decays_every_step", decay="every"), "after every iteration"),
        ("two_layer_train", _train_variant("cs231n_condition", decay="start"), r"\(it \+ 1\) % iterations_per"),
        ("two_layer_train", _train_variant("acc_every_step", acc="every"), "one per iteration"),
        ("two_layer_train", _train_variant("acc_on_full_set", acc="full"), "whole training set"),
        ("two_layer_train", _train_variant("acc_before_update", acc="before"), "before the update"),
        ("two_layer_train", _train_variant("biases_frozen", update_biases=False), "b1 was never updated"),
        ("two_layer_train", _train_variant("in_place", in_place=True), "changed its argument `params` in place"),
        ("two_layer_train", _train_variant("global_rng", global_rng=True), "global random generator"),
        ("two_layer_train", _train_variant("own_loss", own_loss=True), "loss_fn was called 0 times"),
        ("two_layer_train", _train_variant("chatty", always_print=True), "printed with verbose=False"),
        ("two_layer_train", _train_variant("no_max", per_epoch_fn=lambda N, B: N // B), r"max\(N // batch_size, 1\)"),
        ("two_layer_train", train_wrong_default_lr, "documented defaults"),
        ("init_std", init_variance, "variance: return its square root"),
        ("init_std", init_relu_without_two, "half of the variance"),
        ("init_std", init_tanh_forward_only, "average the forward and backward"),
        ("init_std", init_tanh_as_he, "factor 2 is ReLU's"),
        ("init_std", init_uniform_limit, "uniform distribution"),
        ("init_std", init_sum_not_mean, "added but not averaged"),
        ("init_std", init_relu_fan_out, "fan_in only"),
    ]
    alternatives = [
        ("two_layer_forward", forward_with_layers),
        ("two_layer_forward", forward_einsum_where),
        ("two_layer_loss", loss_with_layers),
        ("two_layer_loss", loss_by_samples),
        ("two_layer_loss", loss_one_hot_float32_sums),
        ("two_layer_predict", predict_inline),
        ("two_layer_predict", predict_from_probabilities),
        ("two_layer_train", train_epoch_counter),
        ("two_layer_train", _train_variant("in_place_on_a_copy")),
        ("two_layer_train", train_float_loop),
        ("init_std", init_math),
        ("init_std", init_array),
    ]
