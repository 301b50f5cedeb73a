"""Checks of assignments 02 and 03: the reference passes; stubs and typical mistakes are named."""

import numpy as np
from check_harness import CheckTests

import lib.checks.linear_classifiers as module
from lib.classifiers import linear_classifier as lc
from lib.classifiers import linear_svm as svm
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


class StubClassifier:
    def __init__(self):
        self.W = None

    def train(self, *args, **kwargs):
        raise NotImplementedError()

    predict = train


class TestChecks(CheckTests):
    module = module
    min_alternatives = 0  # issue 12: raise to 2 (the default) once the alternatives are written
    references = {
        "svm_loss_naive": svm.svm_loss_naive,
        "svm_loss_vectorized": svm.svm_loss_vectorized,
        "softmax": sm.softmax,
        "softmax_loss_naive": sm.softmax_loss_naive,
        "softmax_loss_vectorized": sm.softmax_loss_vectorized,
        "linear_classifier_train": lc.LinearClassifier,
        "linear_classifier_predict": lc.LinearClassifier,
    }
    stubs = {"linear_classifier_train": StubClassifier, "linear_classifier_predict": StubClassifier}
    mistakes = [
        ("svm_loss_naive", svm_no_reg_grad, "regularization gradient is missing"),
        ("svm_loss_naive", svm_reg_factor, "regularization gradient has the wrong factor"),
        ("svm_loss_naive", svm_counts_correct_class, "correct class was counted in the margin sum"),
        ("svm_loss_naive", svm_summed, "summed over the samples"),
        ("svm_loss_naive", svm_transposed, "looks transposed"),
        ("svm_loss_naive", svm_in_place, "changed its argument `X` in place"),
        ("svm_loss_naive", svm_forgets_correct_column, "correct-class column misses"),
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
        ("softmax", softmax_unshifted, "overflow np.exp"),
        ("softmax", softmax_columns, "normalizes each column"),
        ("linear_classifier_train", NoReplacement, "without replacement"),
        ("linear_classifier_train", AlwaysReinit, "re-created on the second call"),
        ("linear_classifier_train", ZeroInit, "W starts at zero"),
        ("linear_classifier_train", NoHistory, "should return loss_history"),
        ("linear_classifier_predict", ArgmaxRows, "one value per class"),
        ("linear_classifier_predict", Scores, "returned the scores"),
        ("linear_classifier_predict", Argmin, "use argmax, not argmin"),
    ]
