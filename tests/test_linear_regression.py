"""The reference implementations of assignment 01 against independent truths."""

import numpy as np
import pytest
from sklearn.linear_model import LinearRegression
from sklearn.metrics import r2_score as sk_r2
from sklearn.preprocessing import StandardScaler

from lib import linear_regression as lr
from lib.gradient_check import eval_numerical_gradient, rel_error


@pytest.fixture
def problem():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3)) * [1.0, 3.0, 0.5]
    y = X @ np.array([1.0, -2.0, 0.5]) + 4.0 + 0.1 * rng.normal(size=40)
    W = rng.normal(size=3)
    return W, 0.7, X, y


def test_gradient_matches_numerical(problem):
    W, b, X, y = problem
    dW, db = lr.mse_grad(W, b, X, y)
    assert rel_error(dW, eval_numerical_gradient(lambda w: lr.mse_loss(w, b, X, y), W.copy())) < 1e-8
    db_num = eval_numerical_gradient(lambda bb: lr.mse_loss(W, float(bb), X, y), np.array(b))
    assert rel_error(db, db_num) < 1e-8


def test_loop_equals_vectorized(problem):
    W, b, X, y = problem
    a, b1 = lr.mse_grad_loop(W, b, X, y)
    c, b2 = lr.mse_grad(W, b, X, y)
    assert rel_error(a, c) < 1e-12 and abs(b1 - b2) < 1e-12


def test_gd_converges_to_normal_equation_and_sklearn(problem):
    _, _, X, y = problem
    W_ne, b_ne = lr.normal_equation(X, y)
    W_lstsq = np.linalg.lstsq(np.hstack([X, np.ones((40, 1))]), y, rcond=None)[0]
    sk = LinearRegression().fit(X, y)
    W_gd, b_gd, hist = lr.gradient_descent(X, y, learning_rate=0.05, num_iters=3000)
    np.testing.assert_allclose(W_ne, W_lstsq[:3], rtol=1e-10)
    np.testing.assert_allclose(W_ne, sk.coef_, rtol=1e-8)
    np.testing.assert_allclose(W_gd, W_ne, atol=1e-6)
    assert abs(b_gd - b_ne) < 1e-6
    assert len(hist) == 3001 and hist[-1] <= hist[0]


def test_sgd_full_batch_equals_gd(problem):
    _, _, X, y = problem
    W1, b1, h1 = lr.gradient_descent(X, y, 0.01, 5)
    W2, b2, h2 = lr.minibatch_sgd(X, y, 0.01, 5, batch_size=40, seed=1)
    np.testing.assert_allclose(W1, W2, rtol=1e-12)
    np.testing.assert_allclose(h1, h2, rtol=1e-12)
    with pytest.raises(ValueError, match="batch_size"):
        lr.minibatch_sgd(X, y, 0.01, 1, batch_size=0)


def test_hessian_of_the_seed_quadratic_is_exact():
    def q(x):
        return x[0] ** 2 + 2 * x[0] * x[1] + 3 * x[1] ** 2 + 4 * x[0] + 5 * x[1] + 6

    x = np.array([1.0, 2.0])
    H = lr.numerical_hessian(q, x)
    np.testing.assert_allclose(H, [[2, 2], [2, 6]], atol=1e-6)
    np.testing.assert_array_equal(x, [1.0, 2.0])


def test_standardize_matches_sklearn_and_r2(problem):
    _, _, X, y = problem
    tr, te = lr.standardize(X[:30], X[30:])
    sc = StandardScaler().fit(X[:30])
    np.testing.assert_allclose(tr, sc.transform(X[:30]), atol=1e-12)
    np.testing.assert_allclose(te, sc.transform(X[30:]), atol=1e-12)
    pred = y + 0.3
    assert lr.r2_score(y, pred) == pytest.approx(sk_r2(y, pred))


def test_bad_shapes_name_the_argument(problem):
    W, b, X, y = problem
    with pytest.raises(ValueError, match="X must be 2-D"):
        lr.mse_loss(W, b, X[:, 0], y)
    with pytest.raises(ValueError, match="W must have shape"):
        lr.mse_loss(W[:2], b, X, y)
    with pytest.raises(ValueError, match="y must have shape"):
        lr.mse_grad(W, b, X, y[:5])
    with pytest.raises(ValueError, match="b must be a scalar"):
        lr.predict(W, np.ones(2), X)


def test_synthetic_data_is_seeded():
    X1, y1 = lr.make_synthetic(seed=3)
    X2, y2 = lr.make_synthetic(seed=3)
    assert X1.shape == (100, 1) and np.array_equal(y1, y2)
    W, b = lr.normal_equation(X1, y1)
    assert abs(W[0] - 2) < 0.1 and abs(b - 3) < 3


def test_ridge_closed_form_is_the_minimum_and_matches_scikit_learn():
    from sklearn.linear_model import Ridge

    rng = np.random.default_rng(3)
    X, y, reg = rng.normal(size=(40, 3)), rng.normal(size=40), 0.2
    W, b = lr.ridge_normal_equation(X, y, reg)
    dW, db = lr.ridge_grad(W, b, X, y, reg)
    assert np.abs(dW).max() < 1e-10 and abs(db) < 1e-10  # the gradient vanishes there
    sk = Ridge(alpha=len(y) * reg).fit(X, y)
    np.testing.assert_allclose(W, sk.coef_, atol=1e-8)
    assert abs(b - sk.intercept_) < 1e-8
    assert lr.ridge_loss(W, b, X, y, reg) < lr.ridge_loss(W * 1.01, b, X, y, reg)
    W0, b0 = lr.ridge_normal_equation(X, y, 0.0)
    np.testing.assert_allclose(W0, lr.normal_equation(X, y)[0])
    assert np.linalg.norm(W) < np.linalg.norm(W0)  # the penalty shrinks the weights
    with pytest.raises(ValueError, match="reg must be >= 0"):
        lr.ridge_normal_equation(X, y, -1.0)


def test_lr_decay_shrinks_the_steps_per_epoch():
    X, y = lr.make_synthetic(n=50, seed=1)
    Xs = (X - X.mean()) / X.std()
    W1, _, _ = lr.minibatch_sgd(Xs, y, 0.05, 1, batch_size=5, seed=2, lr_decay=0.1)
    W2, _, _ = lr.minibatch_sgd(Xs, y, 0.05, 1, batch_size=5, seed=2)
    np.testing.assert_array_equal(W1, W2)  # the first epoch runs at the full rate
    W3, _, _ = lr.minibatch_sgd(Xs, y, 0.05, 2, batch_size=5, seed=2, lr_decay=0.0001)
    np.testing.assert_allclose(W3, W1, rtol=1e-3)  # a second epoch at ~0 rate barely moves
    with pytest.raises(ValueError, match="lr_decay"):
        lr.minibatch_sgd(Xs, y, 0.05, 1, batch_size=5, lr_decay=1.5)
