"""Checks of 04's batch norm and dropout notebook: the reference passes; stubs and typical mistakes
are named; correct implementations written otherwise (sums instead of np.var, a precomputed
scale, Jacobians by loops, per-channel loops, other ways of drawing a mask) pass."""

import numpy as np
from check_harness import CheckTests

import lib.checks.batchnorm_dropout as module
from lib import layers as L


# -- helpers ---------------------------------------------------------------------------------------
def _settings(x, bn_param, D):
    eps, m = bn_param.get("eps", 1e-5), bn_param.get("momentum", 0.9)
    rm = bn_param.get("running_mean", np.zeros(D))
    rv = bn_param.get("running_var", np.ones(D))
    return bn_param["mode"], eps, m, rm, rv


def bn_forward(ddof=0, eps_outside=False, swap=False, test_uses_batch=False, axis=0, momentum_side="ok",
               update=True, cache_var_ddof=0, no_affine=False, in_place=False):  # fmt: skip
    """A batch-norm forward pass with switchable mistakes."""

    def forward(x, gamma, beta, bn_param):
        mode, eps, m, rm, rv = _settings(x, bn_param, x.shape[1])
        if mode == "train" or test_uses_batch:
            mean = x.mean(axis=axis, keepdims=axis == 1)
            var = x.var(axis=axis, ddof=ddof, keepdims=axis == 1)
        else:
            mean, var = rm, rv
        if in_place:
            x -= mean
            xc = x
        else:
            xc = x - mean
        x_hat = xc / (np.sqrt(var) + eps) if eps_outside else xc / np.sqrt(var + eps)
        g, b = (beta, gamma) if swap else (gamma, beta)
        out = x_hat if no_affine else g * x_hat + b
        if mode == "test":
            return out, None
        if update:
            w_old, w_new = (m, 1 - m) if momentum_side == "ok" else (1 - m, m)
            bn_param["running_mean"] = w_old * rm + w_new * mean
            bn_param["running_var"] = w_old * rv + w_new * var
        n = x.shape[0]
        return out, (x, x_hat, mean, var * n / (n - 1) if cache_var_ddof else var, gamma, eps)

    return forward


def bn_forward_running_std(x, gamma, beta, bn_param):
    out, cache = L.batchnorm_forward(x, gamma, beta, bn_param)
    if bn_param["mode"] == "train":
        m = bn_param.get("momentum", 0.9)
        old = (bn_param["running_var"] - (1 - m) * cache[3]) / m
        bn_param["running_var"] = m * old + (1 - m) * np.sqrt(cache[3])
    return out, cache


def bn_backward(path_mean=True, path_var=True, use_gamma=True, dgamma_of_x=False, dbeta_mean=False, sum_axis=0):
    """A batch-norm backward pass (staged, as on the graph) with switchable mistakes."""

    def backward(dout, cache):
        x, x_hat, mean, var, gamma, eps = cache
        N = dout.shape[0]
        std = np.sqrt(var + eps)
        dx_hat = dout * gamma if use_gamma else dout
        dx = dx_hat / std
        if path_var:
            dvar = (dx_hat * (x - mean)).sum(axis=0) * -0.5 / std**3
            dx = dx + 2 * (x - mean) * dvar / N
        if path_mean:
            dx = dx - dx.sum(axis=0) / N
        dgamma = (dout * (x if dgamma_of_x else x_hat)).sum(axis=sum_axis)
        dbeta = dout.mean(axis=0) if dbeta_mean else dout.sum(axis=sum_axis)
        return dx, dgamma, dbeta

    return backward


def bn_backward_alt_no_eps(dout, cache):
    x, x_hat, mean, var, gamma, eps = cache
    g = dout * gamma
    dx = (g - g.mean(0) - x_hat * (g * x_hat).mean(0)) / np.sqrt(var)
    return dx, (dout * x_hat).sum(0), dout.sum(0)


def bn_backward_alt_no_mean_term(dout, cache):
    x, x_hat, mean, var, gamma, eps = cache
    g = dout * gamma
    return (g - x_hat * (g * x_hat).mean(0)) / np.sqrt(var + eps), (dout * x_hat).sum(0), dout.sum(0)


def _rows(a, transpose=True):
    C = a.shape[1]
    return a.transpose(0, 2, 3, 1).reshape(-1, C) if transpose else a.reshape(-1, C)


def _maps(rows, shape, transpose=True):
    N, C, H, W = shape
    return rows.reshape(N, H, W, C).transpose(0, 3, 1, 2) if transpose else rows.reshape(shape)


def spatial_forward(transpose_in=True, transpose_out=True, cache_rows=False):
    def forward(x, gamma, beta, bn_param):
        out, cache = L.batchnorm_forward(_rows(x, transpose_in), gamma, beta, bn_param)
        out = _maps(out, x.shape, transpose_in and transpose_out)
        if cache is not None:
            _, x_hat, mean, var, g, eps = cache
            cache = (x, x_hat if cache_rows else _maps(x_hat, x.shape, transpose_in), mean, var, g, eps)
        return out, cache

    return forward


def spatial_forward_unpacks_none(x, gamma, beta, bn_param):
    N, C, H, W = x.shape
    out, cache = L.batchnorm_forward(_rows(x), gamma, beta, bn_param)
    _, x_hat, mean, var, g, eps = cache  # None in test mode
    return _maps(out, x.shape), (x, _maps(x_hat, x.shape), mean, var, g, eps)


def bn_forward_caches(what):
    def forward(x, gamma, beta, bn_param):
        out, cache = L.batchnorm_forward(x, gamma, beta, bn_param)
        if cache is not None:
            x_, x_hat, mean, var, g, eps = cache
            cache = (x_, x_hat, mean, np.sqrt(var) if what == "std" else np.sqrt(var + eps), g, eps)
        return out, cache

    return forward


def spatial_forward_axes(axes):
    """Direct normalization over the given axes (right: (0, 2, 3))."""

    def forward(x, gamma, beta, bn_param):
        mode, eps, m, rm, rv = _settings(x, bn_param, x.shape[1])
        g, b = gamma[None, :, None, None], beta[None, :, None, None]
        if mode == "test":
            return g * (x - rm[None, :, None, None]) / np.sqrt(rv[None, :, None, None] + eps) + b, None
        mean, var = x.mean(axis=axes, keepdims=True), x.var(axis=axes, keepdims=True)
        x_hat = (x - mean) / np.sqrt(var + eps)
        mean_c, var_c = x.mean(axis=(0, 2, 3)), x.var(axis=(0, 2, 3))
        bn_param["running_mean"] = m * rm + (1 - m) * mean_c
        bn_param["running_var"] = m * rv + (1 - m) * var_c
        return g * x_hat + b, (x, x_hat, mean_c, var_c, gamma, eps)

    return forward


def spatial_backward(transpose_in=True, transpose_out=True, dgamma_axes=(0, 2, 3)):
    def backward(dout, cache):
        x, x_hat, mean, var, gamma, eps = cache
        rows = (_rows(x, transpose_in), _rows(x_hat, transpose_in), mean, var, gamma, eps)
        dx, dgamma, dbeta = L.batchnorm_backward_alt(_rows(dout, transpose_in), rows)
        if dgamma_axes != (0, 2, 3):
            dgamma, dbeta = (dout * x_hat).sum(axis=dgamma_axes), dout.sum(axis=dgamma_axes)
        return _maps(dx, dout.shape, transpose_in and transpose_out), dgamma, dbeta

    return backward


def spatial_backward_per_position(dout, cache):
    x, x_hat, mean, var, gamma, eps = cache
    g = dout * gamma[None, :, None, None]
    std = np.sqrt(var + eps)[None, :, None, None]
    dx = (g - g.mean(0) - x_hat * (g * x_hat).mean(0)) / std
    return dx, (dout * x_hat).sum(axis=(0, 2, 3)), dout.sum(axis=(0, 2, 3))


def dropout(keep_rule="below", scale="p", test="identity", global_rng=False, cache_scaled=True, ignore_rng=False):
    """A dropout forward pass with switchable mistakes."""

    def forward(x, dropout_param):
        p, mode = dropout_param["p"], dropout_param["mode"]
        rng = dropout_param.get("rng")
        if rng is None or ignore_rng:
            rng = np.random.default_rng(dropout_param.get("seed"))
        u = np.random.rand(*x.shape) if global_rng else rng.random(x.shape)
        keep = u < p if keep_rule == "below" else u >= p
        factor = {"p": 1 / p, "none": 1.0, "times": p, "1-p": 1 / (1 - p)}[scale]
        mask = keep * factor
        if mode == "train":
            return x * mask, (dropout_param, mask if cache_scaled else keep.astype(float))
        if test == "mask":
            return x * mask, (dropout_param, None)
        return (x * p if test == "times_p" else x), (dropout_param, None)

    return forward


def dropout_backward_redraws(dout, cache):
    param, _ = cache
    if param["mode"] == "test":
        return dout
    p = param["p"]
    return dout * (np.random.default_rng(param.get("seed")).random(dout.shape) < p) / p


def dropout_backward_global(dout, cache):
    np.random.rand()
    return L.dropout_backward(dout, cache)


def dropout_backward_always_masks(dout, cache):
    return dout * cache[1]


def dropout_backward_divides_again(dout, cache):
    param, mask = cache
    return dout if param["mode"] == "test" else dout * mask / param["p"]


def dropout_backward_unscaled(dout, cache):
    param, mask = cache
    return dout if param["mode"] == "test" else dout * (mask > 0)


# -- correct implementations written otherwise -----------------------------------------------------
def bn_forward_by_sums(x, gamma, beta, bn_param):
    """Sums instead of np.mean/np.var; running averages updated in place."""
    N, D = x.shape
    eps, m = bn_param.get("eps", 1e-5), bn_param.get("momentum", 0.9)
    bn_param.setdefault("running_mean", np.zeros(D))
    bn_param.setdefault("running_var", np.ones(D))
    if bn_param["mode"] == "test":
        scale = gamma / np.sqrt(bn_param["running_var"] + eps)
        return x * scale + (beta - bn_param["running_mean"] * scale), None
    mean = x.sum(axis=0) / N
    xc = x - mean
    var = (xc * xc).sum(axis=0) / N
    inv_std = 1.0 / np.sqrt(var + eps)
    x_hat = xc * inv_std
    bn_param["running_mean"] *= m
    bn_param["running_mean"] += (1 - m) * mean
    bn_param["running_var"] *= m
    bn_param["running_var"] += (1 - m) * var
    return x_hat * gamma + beta, [x, x_hat, mean, var, gamma, eps]


def bn_forward_einsum(x, gamma, beta, bn_param):
    N, D = x.shape
    eps, m = bn_param.get("eps", 1e-5), bn_param.get("momentum", 0.9)
    rm = bn_param.get("running_mean", np.zeros(D))
    rv = bn_param.get("running_var", np.ones(D))
    if bn_param["mode"] == "train":
        mean = np.einsum("nd->d", x) / N
        var = np.einsum("nd,nd->d", x - mean, x - mean) / N
        bn_param.update(running_mean=m * rm + (1 - m) * mean, running_var=m * rv + (1 - m) * var)
        x_hat = (x - mean) / np.sqrt(var + eps)
        return np.einsum("d,nd->nd", gamma, x_hat) + beta, (x, x_hat, mean, var, gamma, eps)
    return np.einsum("d,nd->nd", gamma / np.sqrt(rv + eps), x - rm) + beta, None


def bn_backward_jacobian(dout, cache):
    """dx from each feature's N x N Jacobian (gamma / std) (I - 1/N - x_hat x_hat^T / N)."""
    x, x_hat, mean, var, gamma, eps = cache
    N, D = dout.shape
    dx = np.zeros_like(dout)
    for d in range(D):
        J = gamma[d] / np.sqrt(var[d] + eps) * (np.eye(N) - 1 / N - np.outer(x_hat[:, d], x_hat[:, d]) / N)
        dx[:, d] = J.T @ dout[:, d]
    return dx, np.einsum("nd,nd->d", dout, x_hat), dout.sum(axis=0)


def bn_backward_from_x(dout, cache):
    """The simplified formula with sums, recomputing x_hat from x."""
    x, _, mean, var, gamma, eps = cache
    N = dout.shape[0]
    inv_std = 1 / np.sqrt(var + eps)
    x_hat = (x - mean) * inv_std
    dx = gamma * inv_std / N * (N * dout - dout.sum(axis=0) - x_hat * (dout * x_hat).sum(axis=0))
    return dx, (dout * x_hat).sum(axis=0), dout.sum(axis=0)


def spatial_forward_per_channel(x, gamma, beta, bn_param):
    """One 2-D batch norm per channel on its N*H*W values, as a column."""
    N, C, H, W = x.shape
    mode = bn_param["mode"]
    rm = bn_param.get("running_mean", np.zeros(C))
    rv = bn_param.get("running_var", np.ones(C))
    out, x_hat = np.empty_like(x), np.empty_like(x)
    means, variances, new_rm, new_rv = np.empty(C), np.empty(C), np.empty(C), np.empty(C)
    for c in range(C):
        p = dict(bn_param, running_mean=rm[c : c + 1], running_var=rv[c : c + 1])
        col = x[:, c].reshape(-1, 1)
        o, cache = L.batchnorm_forward(col, gamma[c : c + 1], beta[c : c + 1], p)
        out[:, c] = o.reshape(N, H, W)
        if mode == "train":
            x_hat[:, c] = cache[1].reshape(N, H, W)
            means[c], variances[c] = cache[2][0], cache[3][0]
            new_rm[c], new_rv[c] = p["running_mean"][0], p["running_var"][0]
    if mode == "test":
        return out, None
    bn_param["running_mean"], bn_param["running_var"] = new_rm, new_rv
    return out, (x, x_hat, means, variances, gamma, bn_param.get("eps", 1e-5))


def spatial_backward_direct(dout, cache):
    x, x_hat, mean, var, gamma, eps = cache
    axes = (0, 2, 3)
    g = dout * gamma[None, :, None, None]
    dx = (g - g.mean(axis=axes, keepdims=True) - x_hat * (g * x_hat).mean(axis=axes, keepdims=True)) / np.sqrt(
        var + eps
    )[None, :, None, None]
    return dx, (dout * x_hat).sum(axis=axes), dout.sum(axis=axes)


def spatial_backward_per_channel(dout, cache):
    x, x_hat, mean, var, gamma, eps = cache
    dx, dgamma, dbeta = np.empty_like(dout), np.empty_like(gamma), np.empty_like(gamma)
    for c in range(dout.shape[1]):
        col = (
            x[:, c].reshape(-1, 1),
            x_hat[:, c].reshape(-1, 1),
            mean[c : c + 1],
            var[c : c + 1],
            gamma[c : c + 1],
            eps,
        )
        d, dg, db = L.batchnorm_backward(dout[:, c].reshape(-1, 1), col)
        dx[:, c], dgamma[c], dbeta[c] = d.reshape(dout[:, c].shape), dg[0], db[0]
    return dx, dgamma, dbeta


def dropout_binomial(x, dropout_param):
    p, mode = dropout_param["p"], dropout_param["mode"]
    if mode == "test":
        return x, (dropout_param, None)
    rng = dropout_param.get("rng") or np.random.default_rng(dropout_param.get("seed"))
    mask = rng.binomial(1, p, size=x.shape) / p
    return x * mask, (dropout_param, mask)


def dropout_upper_tail(x, dropout_param):
    p = dropout_param["p"]
    if dropout_param["mode"] == "test":
        return x.copy(), (dropout_param, None)
    rng = dropout_param.get("rng")
    rng = np.random.default_rng(dropout_param.get("seed")) if rng is None else rng
    mask = np.where(rng.uniform(size=x.shape) >= 1 - p, 1 / p, 0.0)
    return np.where(mask > 0, x / p, 0.0), (dropout_param, mask)


def dropout_backward_where(dout, cache):
    param, mask = cache
    return np.where(mask != 0, dout * mask, 0.0) if param["mode"] == "train" else dout.copy()


def dropout_backward_multiply(dout, cache):
    param, mask = cache
    return dout if mask is None else np.multiply(dout, mask)


class TestChecks(CheckTests):
    module = module
    references = {name: getattr(L, name) for name in module.__all__}
    behavioural = {"dropout_forward"}
    mistakes = [
        ("batchnorm_forward", bn_forward(ddof=1), r"unbiased one \(divided by N - 1 = 7\)"),
        ("batchnorm_forward", bn_forward(eps_outside=True), "eps belongs inside the square root"),
        ("batchnorm_forward", bn_forward(swap=True), "gamma and beta are swapped"),
        ("batchnorm_forward", bn_forward(no_affine=True), "gamma and beta are missing"),
        ("batchnorm_forward", bn_forward(axis=1), r"normalized across its features \(axis 1\)"),
        ("batchnorm_forward", bn_forward(test_uses_batch=True), "test mode normalizes with the running averages"),
        ("batchnorm_forward", bn_forward(momentum_side="swapped"), "momentum weights the old running average"),
        ("batchnorm_forward", bn_forward(update=False), r"bn_param\['running_mean'\] is unchanged"),
        ("batchnorm_forward", bn_forward(cache_var_ddof=1), r"cache\[3\] \(var\).*unbiased"),
        ("batchnorm_forward", bn_forward(in_place=True), "changed its argument `x` in place"),
        ("batchnorm_forward", bn_forward_running_std, "running_var averages the standard deviation"),
        ("batchnorm_forward", bn_forward_caches("std"), r"cache\[3\] \(var\).*holds the standard deviation"),
        ("batchnorm_forward", bn_forward_caches("std_eps"), r"cache\[3\] \(var\).*holds sqrt\(var \+ eps\)"),
        ("batchnorm_backward", bn_backward(path_mean=False), "path through the batch mean is missing"),
        ("batchnorm_backward", bn_backward(path_var=False), "path through the variance is missing"),
        ("batchnorm_backward", bn_backward(path_mean=False, path_var=False), "treated as constants"),
        ("batchnorm_backward", bn_backward(use_gamma=False), "gamma is missing"),
        ("batchnorm_backward", bn_backward(dgamma_of_x=True), r"dgamma = sum of dout \* x_hat"),
        ("batchnorm_backward", bn_backward(dbeta_mean=True), r"dbeta is averaged over 7 values"),
        ("batchnorm_backward", bn_backward(sum_axis=1), r"dgamma .*has shape \(7,\) but should be \(4,\)"),
        ("batchnorm_backward_alt", bn_backward_alt_no_eps, "eps belongs inside the square root"),
        ("batchnorm_backward_alt", bn_backward_alt_no_mean_term, "path through the batch mean is missing"),
        ("batchnorm_backward_alt", bn_backward(path_var=False), "path through the variance is missing"),
        ("spatial_batchnorm_forward", spatial_forward(transpose_in=False), r"x.reshape\(-1, C\) does not give"),
        ("spatial_batchnorm_forward", spatial_forward(transpose_out=False), "out is in the wrong layout"),
        ("spatial_batchnorm_forward", spatial_forward(cache_rows=True), r"cache\[1\] \(x_hat\).*rows' shape"),
        ("spatial_batchnorm_forward", spatial_forward_axes(0), r"each position \(c, h, w\) was normalized"),
        ("spatial_batchnorm_forward", spatial_forward_axes((2, 3)), "each image's channel was normalized"),
        ("spatial_batchnorm_forward", spatial_forward_unpacks_none, "build the 4-D cache only in train mode"),
        ("spatial_batchnorm_backward", spatial_backward(transpose_in=False), r"dout.reshape\(-1, C\) does not give"),
        ("spatial_batchnorm_backward", spatial_backward(transpose_out=False), "dx is in the wrong layout"),
        ("spatial_batchnorm_backward", spatial_backward(dgamma_axes=0), r"dgamma .*has shape \(3, 4, 5\)"),
        ("spatial_batchnorm_backward", spatial_backward_per_position, "not over the batch alone"),
        ("dropout_forward", dropout(scale="none"), "not divided by p"),
        ("dropout_forward", dropout(scale="times"), "multiplied by p"),
        ("dropout_forward", dropout(keep_rule="above", scale="1-p"), "divided by 1 - p"),
        ("dropout_forward", dropout(keep_rule="above"), "about 1 - p"),
        ("dropout_forward", dropout(test="mask"), "test mode keeps every unit"),
        ("dropout_forward", dropout(test="times_p"), "scaled by p: that is the original dropout"),
        ("dropout_forward", dropout(global_rng=True), "global random generator"),
        ("dropout_forward", dropout(cache_scaled=False), r"cache\[1\] .*holds 0 and 1"),
        ("dropout_forward", dropout(ignore_rng=True), r"not drawn from it"),
        ("dropout_backward", dropout_backward_redraws, "never draw a new one"),
        ("dropout_backward", dropout_backward_global, "drew random numbers"),
        ("dropout_backward", dropout_backward_divides_again, "already holds 1 / p"),
        ("dropout_backward", dropout_backward_unscaled, "kept ones get dout / p"),
        ("dropout_backward", dropout_backward_always_masks, "no mask .*dx = dout"),
    ]
    alternatives = [
        ("batchnorm_forward", bn_forward_by_sums),
        ("batchnorm_forward", bn_forward_einsum),
        ("batchnorm_backward", bn_backward_jacobian),
        ("batchnorm_backward", bn_backward_from_x),
        ("batchnorm_backward", L.batchnorm_backward_alt),
        ("batchnorm_backward_alt", bn_backward_jacobian),
        ("batchnorm_backward_alt", bn_backward_from_x),
        ("batchnorm_backward_alt", L.batchnorm_backward),
        ("spatial_batchnorm_forward", spatial_forward_per_channel),
        ("spatial_batchnorm_forward", spatial_forward_axes((0, 2, 3))),
        ("spatial_batchnorm_backward", spatial_backward_direct),
        ("spatial_batchnorm_backward", spatial_backward_per_channel),
        ("dropout_forward", dropout_binomial),
        ("dropout_forward", dropout_upper_tail),
        ("dropout_backward", dropout_backward_where),
        ("dropout_backward", dropout_backward_multiply),
    ]
