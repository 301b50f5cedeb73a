"""Batch normalization and dropout in lib.layers: what the outputs are, numerical gradients, the
running averages and test mode, the masks' statistics and seeding, and the errors for bad input."""

import numpy as np
import pytest

from lib import layers as L
from lib.gradient_check import eval_numerical_gradient_array, rel_error


def _case(seed, shape):
    g = np.random.default_rng(seed)
    D = shape[1]
    loc, scale = g.uniform(-3, 3, D), g.uniform(0.5, 3, D)
    if len(shape) == 4:
        x = g.normal(size=shape) * scale[None, :, None, None] + loc[None, :, None, None]
    else:
        x = g.normal(size=shape) * scale + loc
    return x, g.normal(size=D), g.normal(size=D), g.normal(size=shape)


# -- batch normalization ---------------------------------------------------------------------------
def test_train_mode_normalizes_each_feature_over_the_batch():
    x, gamma, beta, _ = _case(0, (50, 3))
    out, cache = L.batchnorm_forward(x, gamma, beta, {"mode": "train", "eps": 1e-12})
    np.testing.assert_allclose(out.mean(axis=0), beta, atol=1e-12)
    np.testing.assert_allclose(out.std(axis=0), np.abs(gamma), rtol=1e-9)
    cx, x_hat, mean, var, cgamma, eps = cache
    assert cx is x and cgamma is gamma and eps == 1e-12
    np.testing.assert_allclose(mean, x.mean(axis=0))
    np.testing.assert_allclose(var, x.var(axis=0))  # biased, divided by N
    np.testing.assert_allclose(x_hat, (x - mean) / np.sqrt(var + eps))


def test_running_averages_update_in_train_mode_only():
    x, gamma, beta, _ = _case(1, (6, 4))
    rm, rv = np.arange(4.0), np.full(4, 2.0)
    bn_param = {"mode": "train", "momentum": 0.7, "running_mean": rm, "running_var": rv}
    L.batchnorm_forward(x, gamma, beta, bn_param)
    np.testing.assert_allclose(bn_param["running_mean"], 0.7 * rm + 0.3 * x.mean(axis=0))
    np.testing.assert_allclose(bn_param["running_var"], 0.7 * rv + 0.3 * x.var(axis=0))
    np.testing.assert_array_equal(rm, np.arange(4.0))  # the arrays given are not changed
    stored = {k: v.copy() for k, v in bn_param.items() if k.startswith("running")}
    bn_param["mode"] = "test"
    out, cache = L.batchnorm_forward(x, gamma, beta, bn_param)
    assert cache is None
    for k, v in stored.items():
        np.testing.assert_array_equal(bn_param[k], v)
    expected = gamma * (x - stored["running_mean"]) / np.sqrt(stored["running_var"] + 1e-5) + beta
    np.testing.assert_allclose(out, expected)


def test_defaults_start_at_zero_mean_and_unit_variance():
    x, gamma, beta, _ = _case(2, (5, 3))
    bn_param = {"mode": "train"}
    L.batchnorm_forward(x, gamma, beta, bn_param)
    np.testing.assert_allclose(bn_param["running_mean"], 0.1 * x.mean(axis=0))
    np.testing.assert_allclose(bn_param["running_var"], 0.9 + 0.1 * x.var(axis=0))
    out, _ = L.batchnorm_forward(x, gamma, beta, {"mode": "test"})
    np.testing.assert_allclose(out, gamma * x / np.sqrt(1 + 1e-5) + beta)


def test_running_averages_converge_to_the_population_statistics():
    g = np.random.default_rng(3)
    bn_param = {"mode": "train", "momentum": 0.9}
    gamma, beta = np.ones(2), np.zeros(2)
    for _ in range(300):
        L.batchnorm_forward(g.normal([5.0, -1.0], [2.0, 0.5], size=(64, 2)), gamma, beta, bn_param)
    np.testing.assert_allclose(bn_param["running_mean"], [5.0, -1.0], atol=0.15)
    np.testing.assert_allclose(bn_param["running_var"], [4.0, 0.25], rtol=0.15)


@pytest.mark.parametrize("backward", [L.batchnorm_backward, L.batchnorm_backward_alt])
@pytest.mark.parametrize("shape, eps", [((7, 4), 1e-5), ((4, 9), 0.5)])
def test_batchnorm_gradients_are_numerical_gradients(backward, shape, eps):
    x, gamma, beta, dout = _case(4, shape)

    def f(x_, gamma_, beta_):
        return L.batchnorm_forward(x_, gamma_, beta_, {"mode": "train", "eps": eps})[0]

    _, cache = L.batchnorm_forward(x, gamma, beta, {"mode": "train", "eps": eps})
    dx, dgamma, dbeta = backward(dout, cache)
    assert rel_error(dx, eval_numerical_gradient_array(lambda v: f(v, gamma, beta), x.copy(), dout)) < 1e-7
    assert rel_error(dgamma, eval_numerical_gradient_array(lambda v: f(x, v, beta), gamma.copy(), dout)) < 1e-7
    assert rel_error(dbeta, eval_numerical_gradient_array(lambda v: f(x, gamma, v), beta.copy(), dout)) < 1e-7


def test_the_two_backward_passes_agree_and_dx_sums_to_zero():
    x, gamma, beta, dout = _case(5, (16, 5))
    _, cache = L.batchnorm_forward(x, gamma, beta, {"mode": "train"})
    graph, alt = L.batchnorm_backward(dout, cache), L.batchnorm_backward_alt(dout, cache)
    for a, b in zip(graph, alt):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    # shifting every sample of a feature by the same amount changes nothing, so dx sums to 0 per feature
    np.testing.assert_allclose(graph[0].sum(axis=0), 0, atol=1e-10)


def test_float32_stays_float32():
    x, gamma, beta, dout = (a.astype(np.float32) for a in _case(6, (8, 3)))
    out, cache = L.batchnorm_forward(x, gamma, beta, {"mode": "train"})
    assert out.dtype == np.float32
    assert all(g.dtype == np.float32 for g in L.batchnorm_backward_alt(dout, cache))


def test_spatial_batchnorm_normalizes_each_channel_over_batch_and_positions():
    x, gamma, beta, _ = _case(7, (3, 4, 5, 2))
    bn_param = {"mode": "train", "eps": 1e-12}
    out, cache = L.spatial_batchnorm_forward(x, gamma, beta, bn_param)
    np.testing.assert_allclose(out.mean(axis=(0, 2, 3)), beta, atol=1e-12)
    np.testing.assert_allclose(out.std(axis=(0, 2, 3)), np.abs(gamma), rtol=1e-9)
    cx, x_hat, mean, var, _, _ = cache
    assert cx is x and x_hat.shape == x.shape and mean.shape == var.shape == (4,)
    np.testing.assert_allclose(mean, x.mean(axis=(0, 2, 3)))
    np.testing.assert_allclose(var, x.var(axis=(0, 2, 3)))
    np.testing.assert_allclose(bn_param["running_mean"], 0.1 * mean)
    test_out, test_cache = L.spatial_batchnorm_forward(x, gamma, beta, dict(bn_param, mode="test"))
    assert test_cache is None
    r = {k: bn_param[k][None, :, None, None] for k in ("running_mean", "running_var")}
    expected = gamma[None, :, None, None] * (x - r["running_mean"]) / np.sqrt(r["running_var"] + 1e-12)
    np.testing.assert_allclose(test_out, expected + beta[None, :, None, None])


def test_spatial_batchnorm_gradients_are_numerical_gradients():
    x, gamma, beta, dout = _case(8, (2, 3, 4, 5))

    def f(x_, gamma_, beta_):
        return L.spatial_batchnorm_forward(x_, gamma_, beta_, {"mode": "train"})[0]

    _, cache = L.spatial_batchnorm_forward(x, gamma, beta, {"mode": "train"})
    dx, dgamma, dbeta = L.spatial_batchnorm_backward(dout, cache)
    assert dx.shape == x.shape and dgamma.shape == dbeta.shape == (3,)
    assert rel_error(dx, eval_numerical_gradient_array(lambda v: f(v, gamma, beta), x.copy(), dout)) < 1e-7
    assert rel_error(dgamma, eval_numerical_gradient_array(lambda v: f(x, v, beta), gamma.copy(), dout)) < 1e-7
    assert rel_error(dbeta, eval_numerical_gradient_array(lambda v: f(x, gamma, v), beta.copy(), dout)) < 1e-7


def test_batchnorm_rejects_bad_input():
    x, gamma, beta, _ = _case(9, (4, 3))
    with pytest.raises(ValueError, match="'mode' 'train' or 'test'"):
        L.batchnorm_forward(x, gamma, beta, {"mode": "eval"})
    with pytest.raises(ValueError, match=r"gamma and beta must have shape \(3,\)"):
        L.batchnorm_forward(x, gamma[:2], beta, {"mode": "train"})
    with pytest.raises(ValueError, match=r"x must be \(N, D\)"):
        L.batchnorm_forward(x[None], gamma, beta, {"mode": "train"})
    with pytest.raises(ValueError, match=r"eps'\] must be > 0"):
        L.batchnorm_forward(x, gamma, beta, {"mode": "train", "eps": 0})
    with pytest.raises(ValueError, match=r"momentum'\] must be in \[0, 1\]"):
        L.batchnorm_forward(x, gamma, beta, {"mode": "train", "momentum": 1.5})
    with pytest.raises(ValueError, match="running_mean and running_var must have shape"):
        L.batchnorm_forward(x, gamma, beta, {"mode": "test", "running_mean": np.zeros(4)})
    with pytest.raises(ValueError, match=r"x must be \(N, C, H, W\)"):
        L.spatial_batchnorm_forward(x, gamma, beta, {"mode": "train"})


# -- dropout ---------------------------------------------------------------------------------------
def test_dropout_keeps_a_share_p_and_scales_by_one_over_p():
    x = np.random.default_rng(10).normal(size=(200, 100)) + 0.01
    for p in (0.25, 0.8):
        out, (param, mask) = L.dropout_forward(x, {"mode": "train", "p": p, "seed": 1})
        kept = out != 0
        assert abs(kept.mean() - p) < 4.5 * np.sqrt(p * (1 - p) / x.size)
        np.testing.assert_allclose(out[kept], x[kept] / p)
        np.testing.assert_allclose(out, x * mask)
        assert set(np.unique(mask)) == {0.0, 1 / p}


def test_dropout_is_seeded_and_never_touches_the_global_generator():
    x = np.ones((30, 30))
    state = np.random.get_state()
    a, _ = L.dropout_forward(x, {"mode": "train", "p": 0.5, "seed": 3})
    b, _ = L.dropout_forward(x, {"mode": "train", "p": 0.5, "seed": 3})
    c, _ = L.dropout_forward(x, {"mode": "train", "p": 0.5, "seed": 4})
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    rng = np.random.default_rng(5)
    d, _ = L.dropout_forward(x, {"mode": "train", "p": 0.5, "rng": rng})
    e, _ = L.dropout_forward(x, {"mode": "train", "p": 0.5, "rng": rng})
    assert not np.array_equal(d, e)  # a generator advances: a new mask every call
    np.testing.assert_array_equal(
        d, L.dropout_forward(x, {"mode": "train", "p": 0.5, "rng": np.random.default_rng(5)})[0]
    )
    after = np.random.get_state()
    assert all(np.array_equal(u, v) for u, v in zip(state, after))


def test_dropout_test_mode_is_the_expectation_of_train_mode():
    x = np.random.default_rng(11).normal(size=(4, 6))
    out, (_, mask) = L.dropout_forward(x, {"mode": "test", "p": 0.3})
    np.testing.assert_array_equal(out, x)
    assert mask is None
    rng = np.random.default_rng(12)
    mean = np.mean([L.dropout_forward(x, {"mode": "train", "p": 0.3, "rng": rng})[0] for _ in range(20000)], axis=0)
    np.testing.assert_allclose(mean, x, atol=0.05 * np.abs(x).max())


def test_dropout_backward_uses_the_forward_mask():
    x = np.random.default_rng(13).normal(size=(5, 7))
    dout = np.random.default_rng(14).normal(size=x.shape)
    param = {"mode": "train", "p": 0.6, "seed": 0}
    _, cache = L.dropout_forward(x, param)
    dx_num = eval_numerical_gradient_array(lambda v: L.dropout_forward(v, param)[0], x.copy(), dout)
    assert rel_error(L.dropout_backward(dout, cache), dx_num) < 1e-9
    other = (param, (np.random.default_rng(1).random(x.shape) < 0.6) / 0.6)
    np.testing.assert_allclose(L.dropout_backward(dout, other), dout * other[1])
    np.testing.assert_array_equal(L.dropout_backward(dout, ({"mode": "test", "p": 0.6}, None)), dout)


def test_dropout_rejects_bad_input():
    x = np.ones((2, 2))
    for p in (0, 1.5, None):
        with pytest.raises(ValueError, match="probability of keeping a unit"):
            L.dropout_forward(x, {"mode": "train", "p": p})
    with pytest.raises(ValueError, match=r"\['mode'\] must be 'train' or 'test'"):
        L.dropout_forward(x, {"mode": "eval", "p": 0.5})
    out, _ = L.dropout_forward(x, {"mode": "train", "p": 1})
    np.testing.assert_array_equal(out, x)  # p = 1 keeps everything
