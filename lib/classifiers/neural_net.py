"""A two-layer fully connected network, affine - ReLU - affine - softmax (CS231n assignment 1's
`neural_net.py`), as functions of a parameter dict and as the `TwoLayerNet` class.

    z1 = X W1 + b1,  h = max(0, z1),  s = h W2 + b2,  L = mean_i -log softmax(s_i)[y_i] + reg (|W1|^2 + |W2|^2)

Shapes: X (N, D), W1 (D, H), b1 (H,), W2 (H, C), b2 (C,), scores s (N, C). L2 regularization
reg * sum(W**2) over the weights only (not the biases), with gradient 2 * reg * W: the course's
convention (`lib.classifiers.softmax`, `lib.models.lenet`).

Also here: the initialization rules of Glorot & Bengio (2010, "Understanding the difficulty of
training deep feedforward neural networks", section 4.2.1) and He et al. (2015, "Delving deep into
rectifiers", section 2.2) as a standard deviation (`init_std`), and `depth_stds`, which measures
how the spread of activations and gradients changes through a deep stack of layers, the
experiment both papers start from. Sources: CS231n notes "Neural Networks Part 1-2" (setting up
the architecture, weight initialization) and assignment 1 (`two_layer_net`); Sayon Dutta,
*Reinforcement Learning with TensorFlow* (Packt, 2018), chapter 1 (a network with one hidden
layer, Xavier initialization).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..layers import softmax_loss
from ._validate import check_labels

PARAM_NAMES = ("W1", "b1", "W2", "b2")
ACTIVATIONS = ("tanh", "relu")


# -- validation ----------------------------------------------------------------------------------
def check_params(params, X=None) -> tuple[int, int, int]:
    """Raise ValueError unless params holds W1 (D, H), b1 (H,), W2 (H, C), b2 (C,) and X, if given,
    is (N, D). Returns (D, H, C)."""
    if not isinstance(params, dict) or set(params) != set(PARAM_NAMES):
        got = sorted(params) if isinstance(params, dict) else type(params).__name__
        raise ValueError(f"params must be a dict with the keys {list(PARAM_NAMES)}, got {got}")
    W1, b1, W2, b2 = (np.asarray(params[k]) for k in PARAM_NAMES)
    if W1.ndim != 2 or W2.ndim != 2 or W2.shape[0] != W1.shape[1]:
        raise ValueError(f"params need W1 (D, H) and W2 (H, C) with the same H, got W1 {W1.shape}, W2 {W2.shape}")
    D, H = W1.shape
    C = W2.shape[1]
    if b1.shape != (H,) or b2.shape != (C,):
        raise ValueError(f"params need b1 ({H},) and b2 ({C},), got b1 {b1.shape}, b2 {b2.shape}")
    if X is not None and (np.ndim(X) != 2 or np.shape(X)[1] != D):
        raise ValueError(f"X must have shape (N, D) = (N, {D}) to match W1 {W1.shape}, got {np.shape(X)}")
    return D, H, C


def init_params(input_size: int, hidden_size: int, output_size: int, std=1e-4, seed: int = 0) -> dict:
    """Parameters of a two-layer net: W1 = std1 * N(0, 1) (D, H), b1 = 0, W2 = std2 * N(0, 1) (H, C),
    b2 = 0, float64, drawn in that order from np.random.default_rng(seed) (CS231n's `TwoLayerNet`).

    std: one number for both layers (CS231n's 1e-4), or a pair (std1, std2).
    Raises ValueError for sizes below 1 or a negative std.
    """
    sizes = {"input_size": input_size, "hidden_size": hidden_size, "output_size": output_size}
    bad = {k: v for k, v in sizes.items() if int(v) != v or v < 1}
    if bad:
        raise ValueError(f"sizes must be whole numbers >= 1, got {bad}")
    std1, std2 = (std, std) if np.ndim(std) == 0 else tuple(std)
    if std1 < 0 or std2 < 0:
        raise ValueError(f"std must be >= 0, got {std}")
    rng = np.random.default_rng(seed)
    return {
        "W1": std1 * rng.standard_normal((input_size, hidden_size)),
        "b1": np.zeros(hidden_size),
        "W2": std2 * rng.standard_normal((hidden_size, output_size)),
        "b2": np.zeros(output_size),
    }


# -- the model as functions of params -----------------------------------------------------------
def two_layer_forward(params, X) -> np.ndarray:
    """Class scores s = max(0, X W1 + b1) W2 + b2 of the two-layer net.

    params: {"W1": (D, H), "b1": (H,), "W2": (H, C), "b2": (C,)}; X: (N, D).
    Returns scores (N, C) in X's and the parameters' common dtype. Raises ValueError for
    mismatched shapes.
    """
    check_params(params, X)
    h = np.maximum(X @ params["W1"] + params["b1"], 0)
    return h @ params["W2"] + params["b2"]


def two_layer_loss(params, X, y=None, reg: float = 0.0):
    """Softmax loss of the two-layer net and its gradients, by backpropagation on the graph
    X -> z1 = X W1 + b1 -> h = ReLU(z1) -> s = h W2 + b2 -> L (CS231n's `TwoLayerNet.loss`).

    params: as in `two_layer_forward`; X: (N, D); y: (N,) integer labels in [0, C), or None;
    reg >= 0: L2 strength, loss term reg * (sum W1**2 + sum W2**2).
    Returns the scores (N, C) when y is None; otherwise (loss: float, grads) with grads a dict of
    arrays shaped like params. Raises ValueError for bad shapes, labels or a negative reg.
    """
    check_params(params, X)
    W1, b1, W2, b2 = (params[k] for k in PARAM_NAMES)
    z1 = X @ W1 + b1
    h = np.maximum(z1, 0)
    scores = h @ W2 + b2
    if y is None:
        return scores
    check_labels(y, X.shape[0], W2.shape[1])
    if reg < 0:
        raise ValueError(f"reg must be >= 0, got {reg}")
    data_loss, dscores = softmax_loss(scores, y)  # dL/ds = (p - onehot(y)) / N
    dh = dscores @ W2.T
    dz1 = dh * (z1 > 0)  # ReLU passes the gradient where its input was positive
    grads = {
        "W1": X.T @ dz1 + 2 * reg * W1,
        "b1": dz1.sum(axis=0),
        "W2": h.T @ dscores + 2 * reg * W2,
        "b2": dscores.sum(axis=0),
    }
    loss = data_loss + reg * (float(np.sum(W1 * W1)) + float(np.sum(W2 * W2)))
    return float(loss), grads


def two_layer_predict(params, X) -> np.ndarray:
    """Predicted labels argmax_j s_j for X: (N, D). Returns (N,) int64. Raises ValueError for bad shapes."""
    return np.argmax(two_layer_forward(params, X), axis=1)


def two_layer_train(
    params,
    loss_fn: Callable,
    X,
    y,
    X_val,
    y_val,
    learning_rate: float = 1e-3,
    learning_rate_decay: float = 0.95,
    reg: float = 5e-6,
    num_iters: int = 100,
    batch_size: int = 200,
    seed: int = 0,
    verbose: bool = False,
) -> dict:
    """Minibatch SGD with a learning rate that decays once per epoch (CS231n's `TwoLayerNet.train`).

    params: dict of arrays (not changed: training works on copies); loss_fn(params, X, y=None,
    reg=0.0): scores (N, C) when y is None, else (loss, grads) with grads keyed like params (e.g.
    `two_layer_loss`); X: (N, D), y: (N,) training data; X_val, y_val: validation data.
    One epoch is iterations_per_epoch = max(N // batch_size, 1) iterations. Random numbers come
    from rng = np.random.default_rng(seed): per iteration idx = rng.choice(N, batch_size) (with
    replacement, as in CS231n and `LinearClassifier.train`). Each iteration records the minibatch
    loss (before the update), then steps every parameter by -learning_rate * grad. After the last
    iteration of each epoch ((it + 1) % iterations_per_epoch == 0) it records the accuracy of the
    current parameters on that minibatch and on X_val (predictions: argmax of loss_fn(params, X)),
    then multiplies the learning rate by learning_rate_decay. verbose: print the iteration and the
    loss every 100 iterations.
    Returns {"params": the trained parameters, "loss_history": num_iters floats,
    "train_acc_history" and "val_acc_history": one float per completed epoch}.
    Raises ValueError for bad shapes, labels or hyperparameters.
    """
    check_params(params, X)
    N = np.shape(X)[0]
    check_labels(y, N, params["W2"].shape[1])
    check_params(params, X_val)
    check_labels(y_val, np.shape(X_val)[0], params["W2"].shape[1])
    if learning_rate <= 0 or batch_size < 1 or num_iters < 0 or learning_rate_decay <= 0:
        raise ValueError(
            "need learning_rate > 0, learning_rate_decay > 0, batch_size >= 1, num_iters >= 0; got "
            f"{learning_rate}, {learning_rate_decay}, {batch_size}, {num_iters}"
        )
    rng = np.random.default_rng(seed)
    params = {k: np.array(v, copy=True) for k, v in params.items()}
    iterations_per_epoch = max(N // batch_size, 1)
    loss_history, train_acc_history, val_acc_history = [], [], []
    for it in range(num_iters):
        idx = rng.choice(N, batch_size)
        X_batch, y_batch = X[idx], y[idx]
        loss, grads = loss_fn(params, X_batch, y_batch, reg=reg)
        loss_history.append(float(loss))
        params = {k: v - learning_rate * grads[k] for k, v in params.items()}
        if verbose and it % 100 == 0:
            print(f"iteration {it} / {num_iters}: loss {loss:.4f}")
        if (it + 1) % iterations_per_epoch == 0:
            train_acc_history.append(float(np.mean(np.argmax(loss_fn(params, X_batch), axis=1) == y_batch)))
            val_acc_history.append(float(np.mean(np.argmax(loss_fn(params, X_val), axis=1) == y_val)))
            learning_rate *= learning_rate_decay
    return {
        "params": params,
        "loss_history": loss_history,
        "train_acc_history": train_acc_history,
        "val_acc_history": val_acc_history,
    }


class TwoLayerNet:
    """CS231n's `TwoLayerNet`: `params` W1 (D, H), b1 (H,), W2 (H, C), b2 (C,), initialized as in
    `init_params(input_size, hidden_size, output_size, std, seed)`; `loss`, `train` and `predict`
    are `two_layer_loss`, `two_layer_train` and `two_layer_predict` on self.params.
    """

    def __init__(self, input_size: int, hidden_size: int, output_size: int, std=1e-4, seed: int = 0):
        self.params = init_params(input_size, hidden_size, output_size, std, seed)

    def loss(self, X, y=None, reg: float = 0.0):
        """Scores (N, C) if y is None, else (loss, grads): `two_layer_loss(self.params, X, y, reg)`."""
        return two_layer_loss(self.params, X, y, reg)

    def train(
        self,
        X,
        y,
        X_val,
        y_val,
        learning_rate: float = 1e-3,
        learning_rate_decay: float = 0.95,
        reg: float = 5e-6,
        num_iters: int = 100,
        batch_size: int = 200,
        seed: int = 0,
        verbose: bool = False,
    ) -> dict:
        """`two_layer_train` on self.params (replaced by the trained ones). Returns the histories:
        {"loss_history", "train_acc_history", "val_acc_history"}."""
        out = two_layer_train(
            self.params,
            two_layer_loss,
            X,
            y,
            X_val,
            y_val,
            learning_rate=learning_rate,
            learning_rate_decay=learning_rate_decay,
            reg=reg,
            num_iters=num_iters,
            batch_size=batch_size,
            seed=seed,
            verbose=verbose,
        )
        self.params = out.pop("params")
        return out

    def predict(self, X) -> np.ndarray:
        """Predicted labels (N,) for X: (N, D)."""
        return two_layer_predict(self.params, X)


# -- initialization through depth ----------------------------------------------------------------
def init_std(fan_in: int, fan_out: int, activation: str) -> float:
    """Standard deviation of zero-mean Gaussian weights that keeps the signal's scale through depth.

    fan_in, fan_out >= 1: inputs and outputs of the layer (D and M of an affine weight (D, M));
    activation: "relu" (He et al., 2015, eq. 10: Var(w) = 2 / fan_in, since ReLU zeroes half of
    its inputs) or "tanh" (Glorot & Bengio, 2010, eq. 12: Var(w) = 2 / (fan_in + fan_out), a
    compromise between the forward condition fan_in Var(w) = 1 and the backward one
    fan_out Var(w) = 1).
    Returns a float. Raises ValueError for another activation or fans below 1.
    """
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {ACTIVATIONS}, got {activation!r}")
    if fan_in < 1 or fan_out < 1:
        raise ValueError(f"fan_in and fan_out must be >= 1, got {fan_in} and {fan_out}")
    if activation == "relu":
        return float(np.sqrt(2.0 / fan_in))
    return float(np.sqrt(2.0 / (fan_in + fan_out)))


def _activate(z, activation):
    if activation == "relu":
        return np.maximum(z, 0), (z > 0).astype(z.dtype)
    h = np.tanh(z)
    return h, 1 - h * h


def depth_stds(weight_std, activation: str, widths, num_samples: int = 500, seed: int = 0):
    """How the spread of a signal changes through a deep stack of affine + activation layers.

    weight_std: a number (the same for every layer) or a function std(fan_in, fan_out) such as
    `init_std` with the activation fixed; activation: "relu" or "tanh"; widths: [n_0, n_1, ..., n_L]
    the input width and the width of each of the L layers (layer l has W_l (n_{l-1}, n_l), zero
    biases). Inputs are num_samples standard normal rows; weights are drawn layer by layer from
    np.random.default_rng(seed), then the upstream gradient dL/dh_L, standard normal.
    Returns (forward, backward): float arrays of length L, forward[l] the standard deviation of
    layer l's pre-activations z_l = h_{l-1} W_l, backward[l] that of the gradient dL/dz_l sent
    back through the layers (Glorot & Bengio, 2010, sections 4.2.1 and 4.2.2).
    Raises ValueError for an unknown activation or fewer than two widths.
    """
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {ACTIVATIONS}, got {activation!r}")
    widths = [int(n) for n in widths]
    if len(widths) < 2 or min(widths) < 1:
        raise ValueError(f"widths must list at least two sizes >= 1, got {widths}")
    std_of = weight_std if callable(weight_std) else (lambda fan_in, fan_out: weight_std)
    rng = np.random.default_rng(seed)
    h = rng.standard_normal((num_samples, widths[0]))
    weights, slopes, forward = [], [], []
    for fan_in, fan_out in zip(widths[:-1], widths[1:]):
        W = std_of(fan_in, fan_out) * rng.standard_normal((fan_in, fan_out))
        z = h @ W
        h, slope = _activate(z, activation)
        weights.append(W)
        slopes.append(slope)
        forward.append(z.std())
    dh = rng.standard_normal(h.shape)
    backward = []
    for W, slope in zip(reversed(weights), reversed(slopes)):
        dz = dh * slope
        backward.append(dz.std())
        dh = dz @ W.T
    return np.array(forward), np.array(backward[::-1])
