"""Numerical gradients by centered differences, for checking analytic gradients.

The API follows CS231n's ``gradient_check.py`` (Stanford CS231n, assignment 1), with four
changes: results are returned rather than only printed, index sampling is seeded, ``x`` is
restored even if ``f`` raises, and float32 input triggers a warning.

Centered differences, f'(x) ~ (f(x + h) - f(x - h)) / 2h, have error O(h^2) for smooth f
(Nocedal & Wright, *Numerical Optimization*, 2nd ed., section 8.1). With h = 1e-5 and float64
that leaves roughly 1e-10 of truncation and rounding error; float32 has only ~7 significant
digits, so the same h gives errors near 1e-2 and a correct gradient looks wrong.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import NamedTuple

import numpy as np

__all__ = [
    "GradientCheckPrecisionWarning",
    "GradCheckResult",
    "rel_error",
    "eval_numerical_gradient",
    "eval_numerical_gradient_array",
    "grad_check_sparse",
]


class GradientCheckPrecisionWarning(UserWarning):
    """Raised (as a warning) when a gradient check runs on low-precision floats."""


class GradCheckResult(NamedTuple):
    """What ``grad_check_sparse`` measured.

    max_rel_error: the largest relative error over the sampled entries (float).
    worst_index: the index (tuple) into ``x`` where it occurred.
    indices: every sampled index, in sampling order.
    numerical, analytic: the two gradients at those indices, shape (num_checks,).
    rel_errors: the relative error at each sampled index, shape (num_checks,).
    """

    max_rel_error: float
    worst_index: tuple
    indices: list
    numerical: np.ndarray
    analytic: np.ndarray
    rel_errors: np.ndarray


def rel_error(x, y) -> float:
    """Maximum relative error between two arrays: max |x - y| / max(1e-8, |x| + |y|).

    x, y: array-likes of the same shape. Returns a Python float (0.0 when both are zero).
    Raises ValueError if the shapes differ.
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.shape != y.shape:
        raise ValueError(f"rel_error: x has shape {x.shape} but y has shape {y.shape}")
    if x.size == 0:
        return 0.0
    return float(np.max(np.abs(x - y) / np.maximum(1e-8, np.abs(x) + np.abs(y))))


def _check_x(x, name: str = "x") -> None:
    if not isinstance(x, np.ndarray):
        raise TypeError(f"{name} must be a NumPy array (it is perturbed in place), got {type(x).__name__}")
    if not np.issubdtype(x.dtype, np.floating):
        raise TypeError(f"{name} must be a floating-point array to be perturbed by h, got dtype {x.dtype}")
    if x.dtype != np.float64:
        warnings.warn(
            f"gradient check on {name} of dtype {x.dtype}: use float64 "
            f"(x.astype(np.float64)); lower precision makes a correct gradient look wrong",
            GradientCheckPrecisionWarning,
            stacklevel=3,
        )


def _centered_difference(f: Callable, x: np.ndarray, ix: tuple, h: float):
    """(f(x + h e_ix) - f(x - h e_ix)) / 2h, with x restored afterwards even if f raises."""
    old = x[ix]
    try:
        x[ix] = old + h
        fxph = f(x)
        x[ix] = old - h
        fxmh = f(x)
    finally:
        x[ix] = old
    return (np.asarray(fxph, dtype=float) - np.asarray(fxmh, dtype=float)) / (2 * h)


def eval_numerical_gradient(f: Callable, x: np.ndarray, verbose: bool = False, h: float = 1e-5) -> np.ndarray:
    """Numerical gradient of a scalar function at x, by centered differences.

    f: callable taking x (the same array object, perturbed in place) and returning a scalar.
    x: float array of any shape; float64 recommended. It is restored before returning,
       also when f raises.
    verbose: print each index and its partial derivative.
    h: step size (units of x).

    Returns grad, a float64 array of x's shape.
    Raises TypeError if x is not a floating-point NumPy array; warns
    (GradientCheckPrecisionWarning) if it is not float64.
    """
    _check_x(x)
    grad = np.zeros(x.shape, dtype=np.float64)
    for ix in np.ndindex(x.shape):
        grad[ix] = _centered_difference(f, x, ix, h)
        if verbose:
            print(ix, grad[ix])
    return grad


def eval_numerical_gradient_array(f: Callable, x: np.ndarray, df: np.ndarray, h: float = 1e-5) -> np.ndarray:
    """Numerical gradient of sum(f(x) * df) with respect to x: the backward pass of an array function.

    f: callable taking x and returning an array (e.g. a layer's forward output).
    x: float array of any shape; float64 recommended. Restored before returning.
    df: upstream gradient, same shape as f(x).
    h: step size.

    Returns dx, a float64 array of x's shape.
    Raises TypeError for a non-float x, ValueError if df's shape differs from f(x)'s.
    """
    _check_x(x)
    df = np.asarray(df, dtype=np.float64)
    grad = np.zeros(x.shape, dtype=np.float64)
    checked_shape = False
    for ix in np.ndindex(x.shape):
        diff = _centered_difference(f, x, ix, h)
        if not checked_shape:
            if diff.shape != df.shape:
                raise ValueError(f"df has shape {df.shape} but f(x) has shape {diff.shape}; they must match")
            checked_shape = True
        grad[ix] = np.sum(diff * df)
    return grad


def grad_check_sparse(
    f: Callable,
    x: np.ndarray,
    analytic_grad: np.ndarray,
    num_checks: int = 10,
    h: float = 1e-5,
    seed: int = 0,
    verbose: bool = False,
) -> GradCheckResult:
    """Compare an analytic gradient with centered differences at a few random entries of x.

    f: callable taking x and returning a scalar loss.
    x: float array, float64 recommended; restored before returning, also when f raises.
    analytic_grad: the gradient to test, same shape as x.
    num_checks: how many entries to sample (with replacement, as CS231n does).
    h: step size. seed: seeds the index sampling (np.random.default_rng(seed)).
    verbose: print one line per entry: numerical, analytic, relative error.

    Returns a GradCheckResult; its max_rel_error below ~1e-7 means agreement. An entry sitting
    on a kink (hinge or ReLU at 0) can legitimately show a large error.
    Raises TypeError for a non-float x, ValueError if analytic_grad's shape differs from x's.
    """
    _check_x(x)
    analytic_grad = np.asarray(analytic_grad)
    if analytic_grad.shape != x.shape:
        raise ValueError(f"analytic_grad has shape {analytic_grad.shape} but x has shape {x.shape}; they must match")
    if num_checks < 1:
        raise ValueError(f"num_checks must be at least 1, got {num_checks}")
    rng = np.random.default_rng(seed)
    indices, num, ana = [], [], []
    for _ in range(num_checks):
        ix = tuple(int(rng.integers(n)) for n in x.shape)
        g_num = float(_centered_difference(f, x, ix, h))
        g_ana = float(analytic_grad[ix])
        indices.append(ix)
        num.append(g_num)
        ana.append(g_ana)
    num, ana = np.array(num), np.array(ana)
    denom = np.abs(num) + np.abs(ana)
    errors = np.divide(np.abs(num - ana), denom, out=np.zeros_like(denom), where=denom > 0)
    if verbose:
        for ix, n, a, e in zip(indices, num, ana, errors):
            print(f"{ix}: numerical {n:+.6e} analytic {a:+.6e} relative error {e:.2e}")
    worst = int(np.argmax(errors))
    return GradCheckResult(float(errors[worst]), indices[worst], indices, num, ana, errors)
