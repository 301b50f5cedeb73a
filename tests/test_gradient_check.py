import warnings

import numpy as np
import pytest

from lib.gradient_check import (
    GradientCheckPrecisionWarning,
    eval_numerical_gradient,
    eval_numerical_gradient_array,
    grad_check_sparse,
    rel_error,
)


def test_rel_error_basics():
    assert rel_error(np.ones(3), np.ones(3)) == 0.0
    assert rel_error(np.zeros(2), np.zeros(2)) == 0.0
    assert rel_error([1.0], [3.0]) == pytest.approx(0.5)
    with pytest.raises(ValueError, match="shape"):
        rel_error(np.ones(3), np.ones(4))


def test_quadratic_gradient():
    rng = np.random.default_rng(0)
    A = rng.standard_normal((4, 4))
    A = A @ A.T
    x = rng.standard_normal(4)

    def f(v):
        return 0.5 * v @ A @ v

    num = eval_numerical_gradient(f, x)
    assert rel_error(num, A @ x) < 1e-8


def test_sin_gradient_on_matrix():
    x = np.random.default_rng(1).standard_normal((3, 5))
    num = eval_numerical_gradient(lambda v: np.sum(np.sin(v)), x)
    assert rel_error(num, np.cos(x)) < 1e-8


def test_matrix_product_backward():
    rng = np.random.default_rng(2)
    x, w = rng.standard_normal((4, 3)), rng.standard_normal((3, 2))
    dout = rng.standard_normal((4, 2))
    dx_num = eval_numerical_gradient_array(lambda v: v @ w, x, dout)
    dw_num = eval_numerical_gradient_array(lambda v: x @ v, w, dout)
    assert rel_error(dx_num, dout @ w.T) < 1e-8
    assert rel_error(dw_num, x.T @ dout) < 1e-8


def test_array_df_shape_mismatch_is_named():
    x = np.ones((2, 2))
    with pytest.raises(ValueError, match="df has shape"):
        eval_numerical_gradient_array(lambda v: v * 2, x, np.ones(3))


def test_sparse_check_returns_results_and_is_seeded():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((10, 10))

    def f(v):
        return np.sum(v**3)

    r1 = grad_check_sparse(f, x, 3 * x**2, num_checks=7, seed=5)
    r2 = grad_check_sparse(f, x, 3 * x**2, num_checks=7, seed=5)
    assert r1.indices == r2.indices and len(r1.indices) == 7
    assert r1.max_rel_error < 1e-7
    # A wrong gradient is detected and the worst index is reported.
    wrong = 3 * x**2
    wrong[r1.indices[2]] += 1.0
    r3 = grad_check_sparse(f, x, wrong, num_checks=7, seed=5)
    assert r3.max_rel_error > 1e-3
    assert r3.worst_index == r1.indices[2]


def test_kink_shows_large_error_only_at_the_kink():
    # ReLU at exactly 0: centered differences give 0.5, any subgradient choice differs.
    x = np.array([0.0, 1.0, -1.0])

    def f(v):
        return np.sum(np.maximum(v, 0))

    num = eval_numerical_gradient(f, x)
    assert num[0] == pytest.approx(0.5)
    analytic = (x > 0).astype(float)
    assert rel_error(num[1:], analytic[1:]) < 1e-9
    assert rel_error(num[:1], analytic[:1]) == pytest.approx(1.0)

    # Hinge max(0, 1 - v) has its kink at v = 1.
    def hinge(v):
        return np.sum(np.maximum(0, 1 - v))

    assert eval_numerical_gradient(hinge, np.array([1.0]))[0] == pytest.approx(-0.5)


def test_x_restored_even_if_f_raises():
    x = np.arange(4, dtype=float)
    calls = []

    def f(v):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("boom")
        return v.sum()

    with pytest.raises(RuntimeError):
        eval_numerical_gradient(f, x)
    np.testing.assert_array_equal(x, np.arange(4, dtype=float))


def test_float32_warns_and_int_rejected():
    x = np.ones(3, dtype=np.float32)
    with pytest.warns(GradientCheckPrecisionWarning, match="float64"):
        eval_numerical_gradient(lambda v: float(v.sum()), x)
    with pytest.raises(TypeError, match="floating-point"):
        eval_numerical_gradient(lambda v: v.sum(), np.ones(3, dtype=int))
    with pytest.raises(TypeError, match="NumPy array"):
        eval_numerical_gradient(lambda v: v, [1.0, 2.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        eval_numerical_gradient(lambda v: v.sum(), np.ones(3))  # float64: no warning


def test_sparse_shape_mismatch():
    with pytest.raises(ValueError, match="analytic_grad has shape"):
        grad_check_sparse(lambda v: v.sum(), np.ones((2, 3)), np.ones(6))
