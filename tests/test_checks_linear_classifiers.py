"""Checks of assignments 02 and 03: the reference passes; stubs and typical mistakes are named."""

import random

import numpy as np
import scipy.special
from check_harness import CheckTests

import lib.checks.linear_classifiers as module
from lib.classifiers import linear_classifier as lc
from lib.classifiers import linear_svm as svm
from lib.classifiers import logistic as lg
from lib.classifiers import softmax as sm


# -- SVM mistakes --------------------------------------------------------------------------------
def svm_parts(W, X, y):
    N = X.shape[0]
    S = X @ W
    M = np.maximum(0, S - S[np.arange(N), y][:, None] + 1)
    M[np.arange(N), y] = 0
    Q = (M > 0).astype(float)
    Q[np.arange(N), y] = -Q.sum(1)
    return M.sum(), X.T @ Q


def svm_no_reg_grad(W, X, y, reg):
    L, G = svm_parts(W, X, y)
    return L / len(y) + reg * np.sum(W * W), G / len(y)


def svm_reg_factor(W, X, y, reg):
    L, G = svm_parts(W, X, y)
    return L / len(y) + reg * np.sum(W * W), G / len(y) + reg * W


def svm_counts_correct_class(W, X, y, reg):
    loss, dW = 0.0, np.zeros_like(W)
    for i in range(X.shape[0]):
        s = X[i] @ W
        for j in range(W.shape[1]):  # forgot `if j == y[i]: continue`
            m = s[j] - s[y[i]] + 1
            if m > 0:
                loss += m
                dW[:, j] += X[i]
                dW[:, y[i]] -= X[i]
    return loss / len(y) + reg * np.sum(W * W), dW / len(y) + 2 * reg * W


def svm_summed(W, X, y, reg):
    L, G = svm_parts(W, X, y)
    return L + reg * np.sum(W * W), G + 2 * reg * W


def svm_transposed(W, X, y, reg):
    loss, dW = svm.svm_loss_vectorized(W, X, y, reg)
    return loss, dW.T


def svm_in_place(W, X, y, reg):
    X -= X.mean(axis=0)  # "preprocessing" the caller's data
    return svm.svm_loss_vectorized(W, X, y, reg)


def svm_forgets_correct_column(W, X, y, reg):
    N = X.shape[0]
    S = X @ W
    M = np.maximum(0, S - S[np.arange(N), y][:, None] + 1)
    M[np.arange(N), y] = 0
    return M.sum() / N + reg * np.sum(W * W), X.T @ (M > 0) / N + 2 * reg * W


# -- softmax mistakes ----------------------------------------------------------------------------
def sm_no_shift(W, X, y, reg):
    S = X @ W
    P = np.exp(S) / np.exp(S).sum(1, keepdims=True)
    N = len(y)
    dS = P.copy()
    dS[np.arange(N), y] -= 1
    return -np.log(P[np.arange(N), y]).mean() + reg * np.sum(W * W), X.T @ dS / N + 2 * reg * W


def sm_no_onehot(W, X, y, reg):
    P = sm.softmax(X @ W)
    loss, _ = sm.softmax_loss_vectorized(W, X, y, reg)
    return loss, X.T @ P / len(y) + 2 * reg * W


def sm_summed(W, X, y, reg):
    loss, dW = sm.softmax_loss_vectorized(W, X, y, 0.0)
    return loss * len(y) + reg * np.sum(W * W), dW * len(y) + 2 * reg * W


def sm_no_reg_grad(W, X, y, reg):
    loss, dW = sm.softmax_loss_vectorized(W, X, y, 0.0)
    return loss + reg * np.sum(W * W), dW


def sm_half_reg(W, X, y, reg):
    loss, dW = sm.softmax_loss_vectorized(W, X, y, 0.0)
    return loss + 0.5 * reg * np.sum(W * W), dW + reg * W


def sm_wrong_shape(W, X, y, reg):
    loss, dW = sm.softmax_loss_vectorized(W, X, y, reg)
    return loss, dW.ravel()


def softmax_unshifted(S):
    return np.exp(S) / np.exp(S).sum(axis=1, keepdims=True)


def softmax_columns(S):
    E = np.exp(S - S.max(axis=0))
    return E / E.sum(axis=0)


# -- classifier mistakes -------------------------------------------------------------------------
class NoReplacement(lc.LinearClassifier):
    def train(self, X, y, learning_rate=1e-3, reg=1e-5, num_iters=100, batch_size=200, seed=0, verbose=False):
        rng = np.random.default_rng(seed)
        if self.W is None:
            self.W = 0.001 * rng.standard_normal((X.shape[1], int(y.max()) + 1))
        hist = []
        for _ in range(num_iters):
            idx = rng.choice(X.shape[0], batch_size, replace=False)
            loss, dW = self.loss(X[idx], y[idx], reg)
            hist.append(loss)
            self.W = self.W - learning_rate * dW
        return hist


class AlwaysReinit(lc.LinearClassifier):
    def train(self, X, y, *args, **kwargs):
        self.W = None
        return super().train(X, y, *args, **kwargs)


class ZeroInit(lc.LinearClassifier):
    def train(self, X, y, *args, **kwargs):
        if self.W is None:
            self.W = np.zeros((X.shape[1], int(y.max()) + 1))
            hist = super().train(X, y, *args, **kwargs)
            return hist
        return super().train(X, y, *args, **kwargs)


class NoHistory(lc.LinearClassifier):
    def train(self, X, y, *args, **kwargs):
        super().train(X, y, *args, **kwargs)


class ArgmaxRows(lc.LinearClassifier):
    def predict(self, X):
        return np.argmax(X @ self.W, axis=0)


class Scores(lc.LinearClassifier):
    def predict(self, X):
        return X @ self.W


class Argmin(lc.LinearClassifier):
    def predict(self, X):
        return np.argmin(X @ self.W, axis=1)


# -- mistakes added for issue 12 -----------------------------------------------------------------
def svm_reg_over_N(W, X, y, reg):
    L, G = svm_parts(W, X, y)
    return (L + reg * np.sum(W * W)) / len(y), (G + 2 * reg * W) / len(y)


def svm_norm(W, X, y, reg):
    L, G = svm_parts(W, X, y)
    return L / len(y) + reg * np.linalg.norm(W), G / len(y) + 2 * reg * W


def svm_no_hinge(W, X, y, reg):
    N = X.shape[0]
    S = X @ W
    M = S - S[np.arange(N), y][:, None] + 1  # np.maximum(0, ...) forgotten
    M[np.arange(N), y] = 0
    Q = (M > 0).astype(float)
    Q[np.arange(N), y] = -Q.sum(1)
    return M.sum() / N + reg * np.sum(W * W), X.T @ Q / N + 2 * reg * W


def svm_counts_from_y(W, X, y, reg):
    N = X.shape[0]
    C = y.max() + 1  # the number of classes read from the labels
    S = X @ W
    M = np.maximum(0, S - S[np.arange(N), y][:, None] + 1)
    M[np.arange(N), y] = 0
    Q = (M > 0).astype(float) - np.eye(C)[y] * (M > 0).sum(1, keepdims=True)
    return M.sum() / N + reg * np.sum(W * W), X.T @ Q / N + 2 * reg * W


def sm_global_shift(W, X, y, reg):
    S = X @ W
    S = S - S.max()  # one shift for the whole batch
    P = np.exp(S) / np.exp(S).sum(1, keepdims=True)
    N = len(y)
    dS = P.copy()
    dS[np.arange(N), y] -= 1
    return -np.log(P[np.arange(N), y]).mean() + reg * np.sum(W * W), X.T @ dS / N + 2 * reg * W


def sm_block(W, X, y, reg):
    P = sm.softmax(X @ W)
    _, dW = sm.softmax_loss_vectorized(W, X, y, reg)
    return -np.log(P[:, y]).mean() + reg * np.sum(W * W), dW


def sm_onehot_from_y(W, X, y, reg):
    P = sm.softmax(X @ W)
    Y = np.eye(len(np.unique(y)))[y]
    N = len(y)
    return -np.log((P * Y).sum(1)).mean() + reg * np.sum(W * W), X.T @ (P - Y) / N + 2 * reg * W


def softmax_global_shift(S):
    E = np.exp(S - S.max())
    return E / E.sum(axis=1, keepdims=True)


def softmax_row_mean_shift(S):
    E = np.exp(S - S.mean(axis=1, keepdims=True))  # overflows when a row's scores spread over thousands
    return E / E.sum(axis=1, keepdims=True)


def softmax_whole(S):
    E = np.exp(S - S.max())
    return E / E.sum()


class TrainGlobalRng(lc.LinearClassifier):
    def train(self, X, y, learning_rate=1e-3, reg=1e-5, num_iters=100, batch_size=200, seed=0, verbose=False):
        np.random.seed(seed)
        if self.W is None:
            self.W = 0.001 * np.random.randn(X.shape[1], int(y.max()) + 1)
        hist = []
        for _ in range(num_iters):
            idx = np.random.choice(X.shape[0], batch_size)
            loss, dW = self.loss(X[idx], y[idx], reg)
            hist.append(loss)
            self.W = self.W - learning_rate * dW
        return hist


class TrainPythonRandom(lc.LinearClassifier):
    def train(self, X, y, learning_rate=1e-3, reg=1e-5, num_iters=100, batch_size=200, seed=0, verbose=False):
        rng = np.random.default_rng(seed)
        if self.W is None:
            self.W = 0.001 * rng.standard_normal((X.shape[1], int(y.max()) + 1))
        hist = []
        for _ in range(num_iters):
            idx = [random.randrange(X.shape[0]) for _ in range(batch_size)]
            loss, dW = self.loss(X[idx], y[idx], reg)
            hist.append(loss)
            self.W = self.W - learning_rate * dW
        return hist


class TrainUnseeded(lc.LinearClassifier):
    def train(self, X, y, *args, seed=0, **kwargs):
        return super().train(X, y, *args, seed=int(np.random.default_rng().integers(1 << 30)), **kwargs)


class TrainSeedIgnored(lc.LinearClassifier):
    def train(self, X, y, *args, seed=0, **kwargs):
        return super().train(X, y, *args, seed=0, **kwargs)


class TrainUniqueClasses(lc.LinearClassifier):
    def train(self, X, y, learning_rate=1e-3, reg=1e-5, num_iters=100, batch_size=200, seed=0, verbose=False):
        rng = np.random.default_rng(seed)
        if self.W is None:
            self.W = 0.001 * rng.standard_normal((X.shape[1], len(np.unique(y))))  # counts only the present classes
        hist = []
        for _ in range(num_iters):
            idx = rng.choice(X.shape[0], batch_size)
            loss, dW = self.loss(X[idx], y[idx], reg)
            hist.append(loss)
            self.W = self.W - learning_rate * dW
        return hist


class TrainVerboseAlways(lc.LinearClassifier):
    def train(self, X, y, learning_rate=1e-3, reg=1e-5, num_iters=100, batch_size=200, seed=0, verbose=False):
        rng = np.random.default_rng(seed)
        if self.W is None:
            self.W = 0.001 * rng.standard_normal((X.shape[1], int(y.max()) + 1))
        hist = []
        for it in range(num_iters):
            idx = rng.choice(X.shape[0], batch_size)
            loss, dW = self.loss(X[idx], y[idx], reg)
            hist.append(loss)
            self.W = self.W - learning_rate * dW
            if verbose or it % 100 == 0:
                print(f"iteration {it} / {num_iters}: loss {loss:.4f}")
        return hist


class TrainVerboseEveryTen(lc.LinearClassifier):
    def train(self, X, y, *args, verbose=False, **kwargs):
        hist = super().train(X, y, *args, **kwargs)
        if verbose:
            for it in range(0, len(hist), 10):
                print(f"iteration {it}: loss {hist[it]:.4f}")
        return hist


class TrainRngPerIteration(lc.LinearClassifier):
    def train(self, X, y, learning_rate=1e-3, reg=1e-5, num_iters=100, batch_size=200, seed=0, verbose=False):
        rng = np.random.default_rng(seed)
        if self.W is None:
            self.W = 0.001 * rng.standard_normal((X.shape[1], int(y.max()) + 1))
        hist = []
        for _ in range(num_iters):
            rng = np.random.default_rng(seed)  # the same minibatch every time
            idx = rng.choice(X.shape[0], batch_size)
            loss, dW = self.loss(X[idx], y[idx], reg)
            hist.append(loss)
            self.W = self.W - learning_rate * dW
        return hist


class TrainNoReg(lc.LinearClassifier):
    def train(self, X, y, learning_rate=1e-3, reg=1e-5, **kwargs):
        return super().train(X, y, learning_rate=learning_rate, reg=0.0, **kwargs)


class TrainDefaultLr(lc.LinearClassifier):
    def train(self, X, y, learning_rate=1e-2, **kwargs):
        return super().train(X, y, learning_rate=learning_rate, **kwargs)


# -- correct implementations written differently --------------------------------------------------
def svm_margin_at_kink(W, X, y, reg):
    """margin >= 0: at a margin of exactly 0 the other one-sided derivative, also a subgradient."""
    dW, loss = np.zeros_like(W), 0.0
    for i in range(X.shape[0]):
        s = X[i] @ W
        for j in range(W.shape[1]):
            margin = s[j] - s[y[i]] + 1
            if j != y[i] and margin >= 0:
                loss += margin
                dW[:, j] += X[i]
                dW[:, y[i]] -= X[i]
    return loss / len(y) + reg * np.sum(W**2), dW / len(y) + 2 * reg * W


def svm_by_class(W, X, y, reg):
    N = X.shape[0]
    S = X @ W
    correct = S[np.arange(N), y]
    loss, dW = 0.0, np.zeros_like(W)
    for j in range(W.shape[1]):
        m = np.where(y == j, 0.0, np.maximum(0.0, S[:, j] - correct + 1))
        loss += m.sum()
        dW[:, j] += X.T @ (m > 0)
        np.add.at(dW.T, y, -(m > 0).astype(float)[:, None] * X)
    return loss / N + reg * np.einsum("dc,dc->", W, W), dW / N + 2 * reg * W


def svm_einsum(W, X, y, reg):
    N = X.shape[0]
    S = np.einsum("nd,dc->nc", X, W)
    onehot = np.eye(W.shape[1], dtype=bool)[y]
    M = np.where(onehot, 0.0, np.maximum(0.0, S - S[onehot][:, None] + 1))
    Q = (M > 0) - onehot * (M > 0).sum(1, keepdims=True)
    return M.sum() / N + reg * (W**2).sum(), np.einsum("nd,nc->dc", X, Q) / N + 2 * reg * W


def softmax_scipy(S):
    return scipy.special.softmax(S, axis=1)


def softmax_loop(S):
    out = np.empty(np.shape(S))
    for i, row in enumerate(S):
        e = np.exp(row - max(row))
        out[i] = e / e.sum()
    return out


def softmax_logsumexp(S):
    return np.exp(S - scipy.special.logsumexp(S, axis=1, keepdims=True))


def sm_naive_logsumexp(W, X, y, reg):
    loss, dW = 0.0, np.zeros_like(W)
    for i in range(X.shape[0]):
        s = X[i] @ W
        log_p = s - scipy.special.logsumexp(s)
        loss -= log_p[y[i]]
        d = np.exp(log_p)
        d[y[i]] -= 1
        dW += np.outer(X[i], d)
    return loss / len(y) + reg * np.sum(W * W), dW / len(y) + 2 * reg * W


def sm_log_softmax(W, X, y, reg):
    N = X.shape[0]
    log_p = scipy.special.log_softmax(X @ W, axis=1)
    Y = np.eye(W.shape[1])[y]
    return -(Y * log_p).sum() / N + reg * np.vdot(W, W), X.T @ (np.exp(log_p) - Y) / N + 2 * reg * W


class TrainIntegers(lc.LinearClassifier):
    """Draws the minibatch with rng.integers (the same stream as rng.choice(N, B)) and updates in place."""

    def train(self, X, y, learning_rate=1e-3, reg=1e-5, num_iters=100, batch_size=200, seed=0, verbose=False):
        rng = np.random.default_rng(seed)
        if self.W is None:
            self.W = 0.001 * rng.standard_normal((X.shape[1], np.max(y) + 1))
        history = []
        it = 0
        while it < num_iters:
            idx = rng.integers(0, len(X), size=batch_size)
            loss, dW = self.loss(X[idx], y[idx], reg)
            history.append(float(loss))
            self.W -= learning_rate * dW
            if verbose and not it % 100:
                print("it", it, "loss", round(loss, 3))
            it += 1
        return history


class TrainLogsLast(lc.LinearClassifier):
    """Also reports the last iteration when verbose (for 201 iterations that is iteration 200 anyway)."""

    def train(self, X, y, learning_rate=1e-3, reg=1e-5, num_iters=100, batch_size=200, seed=0, verbose=False):
        rng = np.random.default_rng(seed)
        N, D = X.shape
        self.W = 0.001 * rng.standard_normal((D, y.max() + 1)) if self.W is None else self.W
        losses = np.zeros(num_iters)
        for it in range(num_iters):
            batch = rng.choice(N, size=batch_size, replace=True)
            losses[it], dW = self.loss(X[batch], y[batch], reg)
            self.W = self.W - learning_rate * dW
            if verbose and (it % 100 == 0 or it == num_iters - 1):
                print(f"{it:5d}/{num_iters}  {losses[it]:.4f}")
        return losses


class PredictMax(lc.LinearClassifier):
    def predict(self, X):
        scores = np.einsum("nd,dc->nc", X, self.W)
        return (scores == scores.max(axis=1, keepdims=True)).argmax(axis=1)


class PredictLoop(lc.LinearClassifier):
    def predict(self, X):
        return np.array([int(np.argmax(x @ self.W)) for x in X])


class StubClassifier:
    def __init__(self):
        self.W = None

    def train(self, *args, **kwargs):
        raise NotImplementedError()

    predict = train


# -- logistic regression --------------------------------------------------------------------------
def lg_naive_log(w, X, y, reg):
    p = 1 / (1 + np.exp(-(X @ w)))
    loss = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)) + reg * np.sum(w * w)
    return loss, X.T @ (p - y) / len(y) + 2 * reg * w


def lg_summed(w, X, y, reg):
    loss, dw = lg.logistic_loss(w, X, y, 0.0)
    return loss * len(y) + reg * np.sum(w * w), (dw * len(y)) + 2 * reg * w


def lg_sign(w, X, y, reg):
    loss, dw = lg.logistic_loss(w, X, y, reg)
    return loss, -(dw - 2 * reg * w) + 2 * reg * w


def lg_no_reg_grad(w, X, y, reg):
    loss, dw = lg.logistic_loss(w, X, y, reg)
    return loss, dw - 2 * reg * w


def lg_sigmoid_derivative(w, X, y, reg):
    loss, _ = lg.logistic_loss(w, X, y, reg)
    p = lg.sigmoid(X @ w)
    return loss, X.T @ ((p - y) * p * (1 - p)) / len(y) + 2 * reg * w


def lg_swapped_labels(w, X, y, reg):
    loss, dw = lg.logistic_loss(w, X, 1 - y, reg)
    return loss, dw


def lg_loop_log1p(w, X, y, reg):
    loss, dw = 0.0, np.zeros_like(w, dtype=float)
    for x_i, y_i in zip(X, y):
        z = x_i @ w
        loss += max(z, 0.0) + np.log1p(np.exp(-abs(z))) - y_i * z
        dw += (scipy.special.expit(z) - y_i) * x_i
    return loss / len(y) + reg * w @ w, dw / len(y) + 2 * reg * w


def lg_log_expit(w, X, y, reg):
    z = X @ w
    loss = -np.mean(y * scipy.special.log_expit(z) + (1 - y) * scipy.special.log_expit(-z))
    return loss + reg * np.sum(w**2), X.T @ (scipy.special.expit(z) - y) / X.shape[0] + 2 * reg * w


class TestChecks(CheckTests):
    module = module
    references = {
        "svm_loss_naive": svm.svm_loss_naive,
        "svm_loss_vectorized": svm.svm_loss_vectorized,
        "logistic_loss": lg.logistic_loss,
        "softmax": sm.softmax,
        "softmax_loss_naive": sm.softmax_loss_naive,
        "softmax_loss_vectorized": sm.softmax_loss_vectorized,
        "linear_classifier_train": lc.LinearClassifier,
        "linear_classifier_predict": lc.LinearClassifier,
    }
    stubs = {"linear_classifier_train": StubClassifier, "linear_classifier_predict": StubClassifier}
    mistakes = [
        ("logistic_loss", lg_naive_log, "log\\(0\\)"),
        ("logistic_loss", lg_summed, "summed over the samples"),
        ("logistic_loss", lg_sign, "sign is flipped"),
        ("logistic_loss", lg_no_reg_grad, "regularization gradient 2 reg w is missing"),
        ("logistic_loss", lg_sigmoid_derivative, "extra factor"),
        ("logistic_loss", lg_swapped_labels, "labels are swapped"),
        ("svm_loss_naive", svm_no_reg_grad, "regularization gradient is missing"),
        ("svm_loss_naive", svm_reg_factor, "regularization gradient has the wrong factor"),
        ("svm_loss_naive", svm_counts_correct_class, "correct class was counted in the margin sum"),
        ("svm_loss_naive", svm_summed, "summed over the samples"),
        ("svm_loss_naive", svm_transposed, "looks transposed"),
        ("svm_loss_naive", svm_in_place, "changed its argument `X` in place"),
        ("svm_loss_naive", svm_forgets_correct_column, "correct-class column misses"),
        ("svm_loss_naive", svm_reg_over_N, "divided by N too"),
        ("svm_loss_naive", svm_norm, "squared norm"),
        ("svm_loss_naive", svm_no_hinge, "negative margins were summed"),
        ("svm_loss_vectorized", svm_counts_from_y, r"raised .* take C from W.shape\[1\]"),
        ("svm_loss_vectorized", svm_reg_over_N, "divided by N too"),
        ("svm_loss_vectorized", svm_no_hinge, "negative margins were summed"),
        ("svm_loss_vectorized", svm_no_reg_grad, "regularization gradient is missing"),
        ("svm_loss_vectorized", svm_summed, "summed over the samples"),
        ("svm_loss_vectorized", svm_transposed, "looks transposed"),
        ("softmax_loss_naive", sm_no_shift, "overflow np.exp: subtract each row's maximum"),
        ("softmax_loss_naive", sm_no_onehot, "-1 at the correct class is missing"),
        ("softmax_loss_naive", sm_summed, "summed over the samples"),
        ("softmax_loss_naive", sm_no_reg_grad, "regularization gradient is missing"),
        ("softmax_loss_naive", sm_half_reg, "factor 1/2"),
        ("softmax_loss_naive", svm_in_place, "changed its argument `X` in place"),
        ("softmax_loss_vectorized", sm_no_shift, "overflow np.exp"),
        ("softmax_loss_vectorized", sm_wrong_shape, r"has shape \(24,\) but should have shape \(6, 4\)"),
        ("softmax_loss_vectorized", sm_summed, "summed over the samples"),
        ("softmax_loss_vectorized", sm_global_shift, "NaN or inf.*each row's own maximum"),
        ("softmax_loss_vectorized", sm_block, "N x N block"),
        ("softmax_loss_vectorized", sm_onehot_from_y, r"raised .* take C from W.shape\[1\]"),
        ("softmax_loss_naive", sm_global_shift, "each row's own maximum"),
        ("softmax", softmax_global_shift, "NaN or inf.*each row's own maximum"),
        ("softmax", softmax_whole, "sum over the whole matrix"),
        ("softmax", softmax_row_mean_shift, "NaN or inf.*only the maximum"),
        ("softmax", softmax_unshifted, "overflow np.exp"),
        ("softmax", softmax_columns, "normalizes each column"),
        ("linear_classifier_train", NoReplacement, "without replacement"),
        ("linear_classifier_train", AlwaysReinit, "re-created on the second call"),
        ("linear_classifier_train", ZeroInit, "W starts at zero"),
        ("linear_classifier_train", NoHistory, "should return loss_history"),
        ("linear_classifier_train", TrainGlobalRng, "global random generator"),
        ("linear_classifier_train", TrainPythonRandom, "global random generator"),
        ("linear_classifier_train", TrainUnseeded, "same seed started from different weights"),
        ("linear_classifier_train", TrainSeedIgnored, "seed was ignored"),
        ("linear_classifier_train", TrainUniqueClasses, r"not len\(np.unique\(y\)\)"),
        ("linear_classifier_train", TrainVerboseAlways, "printed with verbose=False"),
        ("linear_classifier_train", TrainVerboseEveryTen, "iterations 0, 100 and 200"),
        ("linear_classifier_train", TrainDefaultLr, "documented defaults"),
        ("linear_classifier_train", TrainRngPerIteration, "created again inside the loop"),
        ("linear_classifier_train", TrainNoReg, "reg was not passed on"),
        ("linear_classifier_predict", ArgmaxRows, "one value per class"),
        ("linear_classifier_predict", Scores, "returned the scores"),
        ("linear_classifier_predict", Argmin, "use argmax, not argmin"),
    ]
    alternatives = [
        ("logistic_loss", lg_loop_log1p),
        ("logistic_loss", lg_log_expit),
        ("svm_loss_naive", svm_margin_at_kink),
        ("svm_loss_naive", svm_by_class),
        ("svm_loss_naive", svm_einsum),
        ("svm_loss_vectorized", svm_einsum),
        ("svm_loss_vectorized", svm_by_class),
        ("svm_loss_vectorized", svm_margin_at_kink),
        ("softmax", softmax_scipy),
        ("softmax", softmax_logsumexp),
        ("softmax", softmax_loop),
        ("softmax_loss_naive", sm_naive_logsumexp),
        ("softmax_loss_naive", sm_log_softmax),
        ("softmax_loss_vectorized", sm_log_softmax),
        ("softmax_loss_vectorized", sm_naive_logsumexp),
        ("linear_classifier_train", TrainIntegers),
        ("linear_classifier_train", TrainLogsLast),
        ("linear_classifier_predict", PredictMax),
        ("linear_classifier_predict", PredictLoop),
    ]
