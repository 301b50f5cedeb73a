"""The reference SVM and softmax losses and the linear classifier against independent truths."""

import numpy as np
import pytest

from lib.classifiers import LinearClassifier, LinearSVM, Softmax
from lib.classifiers.linear_svm import svm_loss_naive, svm_loss_vectorized
from lib.classifiers.softmax import softmax, softmax_loss_naive, softmax_loss_vectorized
from lib.gradient_check import eval_numerical_gradient, eval_numerical_gradient_array, rel_error


@pytest.fixture
def problem():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 8))
    W = 0.3 * rng.normal(size=(8, 5))
    y = rng.integers(0, 5, size=30)
    return W, X, y


@pytest.mark.parametrize(
    "naive,vec", [(svm_loss_naive, svm_loss_vectorized), (softmax_loss_naive, softmax_loss_vectorized)]
)
@pytest.mark.parametrize("reg", [0.0, 0.1])
def test_naive_equals_vectorized_and_numerical(problem, naive, vec, reg):
    W, X, y = problem
    l1, g1 = naive(W, X, y, reg)
    l2, g2 = vec(W, X, y, reg)
    assert abs(l1 - l2) < 1e-9 and np.abs(g1 - g2).max() < 1e-9
    num = eval_numerical_gradient(lambda w: vec(w, X, y, reg)[0], W.copy())
    assert rel_error(num, g2) < 1e-6


def test_sanity_values(problem):
    _, X, y = problem
    assert svm_loss_vectorized(np.zeros((8, 5)), X, y, 0.0)[0] == pytest.approx(4.0)  # C - 1
    assert softmax_loss_vectorized(np.zeros((8, 5)), X, y, 0.0)[0] == pytest.approx(np.log(5))


def test_softmax_jacobian_and_stability():
    z = np.array([0.5, -1.0, 2.0])
    p = softmax(z)
    J = np.diag(p) - np.outer(p, p)  # p_i (delta_ij - p_j)
    for j in range(3):
        df = np.eye(3)[j]
        num = eval_numerical_gradient_array(softmax, z.copy(), df)  # row j of J as a gradient
        assert rel_error(num, J[j]) < 1e-8
    big = np.array([[1000.0, 1001.0, 999.0]])
    np.testing.assert_allclose(softmax(big), softmax(big - 1000.0))
    assert np.isfinite(softmax_loss_vectorized(np.eye(3) * 1000, np.eye(3), np.arange(3), 0.0)[0])


def test_bad_inputs_name_the_argument(problem):
    W, X, y = problem
    with pytest.raises(ValueError, match="X must have shape"):
        svm_loss_vectorized(W, X[:, :3], y, 0.0)
    with pytest.raises(ValueError, match=r"labels in \[0, 5\)"):
        softmax_loss_vectorized(W, X, y + 5, 0.0)
    with pytest.raises(ValueError, match="integer class labels"):
        svm_loss_naive(W, X, y.astype(float), 0.0)
    with pytest.raises(ValueError, match="reg must be >= 0"):
        svm_loss_vectorized(W, X, y, -1.0)
    with pytest.raises(ValueError, match="not trained yet"):
        LinearSVM().predict(X)
    with pytest.raises(NotImplementedError):
        LinearClassifier().train(X, y, num_iters=1)


@pytest.mark.parametrize("cls", [LinearSVM, Softmax])
def test_training_matches_sklearn_on_blobs(cls):
    rng = np.random.default_rng(1)
    centers = rng.normal(size=(3, 4)) * 4
    y = rng.integers(0, 3, 300)
    X = np.hstack([centers[y] + rng.normal(size=(300, 4)), np.ones((300, 1))])
    model = cls()
    hist = model.train(X, y, learning_rate=1e-2, reg=1e-4, num_iters=300, batch_size=50, seed=0)
    assert len(hist) == 300 and np.mean(hist[-20:]) < hist[0]
    from sklearn.linear_model import LogisticRegression

    sk = LogisticRegression(max_iter=1000).fit(X[:, :-1], y).score(X[:, :-1], y)
    assert (model.predict(X) == y).mean() > sk - 0.03
    again = cls()
    again.train(X, y, learning_rate=1e-2, reg=1e-4, num_iters=300, batch_size=50, seed=0)
    np.testing.assert_array_equal(again.W, model.W)  # seeded


def test_logistic_loss_gradient_stability_and_errors():
    from lib.classifiers.logistic import logistic_loss, sigmoid
    from lib.gradient_check import eval_numerical_gradient, rel_error

    rng = np.random.default_rng(0)
    X = np.column_stack([rng.normal(size=(20, 3)), np.ones(20)])
    y = (rng.random(20) < 0.5).astype(int)
    w = rng.normal(size=4)
    loss, dw = logistic_loss(w, X, y, 0.3)
    num = eval_numerical_gradient(lambda v: logistic_loss(v, X, y, 0.3)[0], w.copy())
    assert rel_error(dw, num) < 1e-7
    # at w = 0 every p is 1/2: the loss is log 2
    assert logistic_loss(np.zeros(4), X, y, 0.0)[0] == pytest.approx(np.log(2))
    big = logistic_loss(w * 1e3, X, y, 0.0)[0]  # p rounds to 0 or 1: still finite
    assert np.isfinite(big) and big > 10
    with np.errstate(over="raise"):
        np.testing.assert_allclose(sigmoid(np.array([-1000.0, 0.0, 1000.0])), [0.0, 0.5, 1.0])
    with pytest.raises(ValueError, match="labels in"):
        logistic_loss(w, X, y + 1, 0.0)
