"""Layers: numerical gradient checks, naive vs fast agreement, dtypes, the worked examples, and
independent cross-checks against SciPy (scipy.signal.correlate, scipy.special.logsumexp)."""

import numpy as np
import pytest
from scipy.signal import correlate
from scipy.special import logsumexp

from lib import fast_layers as fl
from lib import layer_utils as lu
from lib import layers as L
from lib.gradient_check import eval_numerical_gradient, eval_numerical_gradient_array, rel_error
from lib.initializers import fans, he_init, xavier_init

rng = np.random.default_rng(0)


def test_worked_examples():
    # CS231n's convolution demo and the max-pooling example, as printed in Hong Xingxing's DQN
    # slides (2018); see lib.layers.CONV_EXAMPLE and POOL_EXAMPLE
    ex = L.CONV_EXAMPLE
    for conv in (L.conv_forward_naive, fl.conv_forward_fast):
        np.testing.assert_array_equal(conv(ex["x"], ex["w"], ex["b"], ex["conv_param"])[0], ex["out"])
    ex = L.POOL_EXAMPLE
    for pool in (L.max_pool_forward_naive, fl.max_pool_forward_fast):
        np.testing.assert_array_equal(pool(ex["x"], ex["pool_param"])[0], ex["out"])


def _conv_by_scipy(x, w, b, stride, pad):
    """Convolution from scipy.signal.correlate: per sample and filter, a 3-D "valid"
    cross-correlation of the padded input with the filter sums over channels; stride subsamples."""
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    return np.array(
        [
            [correlate(xp[n], w[f], mode="valid")[0, ::stride, ::stride] + b[f] for f in range(w.shape[0])]
            for n in range(x.shape[0])
        ]
    )


@pytest.mark.parametrize(
    "shape_x, shape_w, stride, pad",
    [
        ((2, 3, 7, 7), (4, 3, 3, 3), 1, 1),
        ((2, 3, 7, 7), (4, 3, 3, 3), 2, 1),
        ((1, 2, 9, 7), (3, 2, 3, 1), 3, 0),  # non-square input and filter
        ((3, 1, 12, 12), (6, 1, 5, 5), 1, 2),  # LeNet-5's first layer, smaller
    ],
)
def test_conv_forward_matches_scipy_correlate(shape_x, shape_w, stride, pad):
    g = np.random.default_rng(sum(shape_x) + stride)
    x, w, b = g.normal(size=shape_x), g.normal(size=shape_w), g.normal(size=shape_w[0])
    expected = _conv_by_scipy(x, w, b, stride, pad)
    cp = {"stride": stride, "pad": pad}
    for conv in (L.conv_forward_naive, fl.conv_forward_fast):
        out = conv(x, w, b, cp)[0]
        assert out.shape == expected.shape
        np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-12)
    ex = L.CONV_EXAMPLE
    np.testing.assert_allclose(_conv_by_scipy(ex["x"], ex["w"], ex["b"], 2, 1), ex["out"])


def test_softmax_loss_matches_scipy_logsumexp():
    g = np.random.default_rng(5)
    x, y = g.normal(size=(7, 5)) * 30, g.integers(0, 5, 7)  # large scores: the stable form matters
    loss, dx = L.softmax_loss(x, y)
    lse = logsumexp(x, axis=1)
    assert loss == pytest.approx(np.mean(lse - x[np.arange(7), y]), rel=1e-12)
    p = np.exp(x - lse[:, None])
    np.testing.assert_allclose(dx, (p - np.eye(5)[y]) / 7, atol=1e-15)
    big = np.array([[1000.0, 0.0, -1000.0]])
    assert L.softmax_loss(big, np.array([2]))[0] == pytest.approx(logsumexp(big[0]) + 1000.0)


def test_affine_gradients():
    x, w, b = rng.normal(size=(4, 2, 3)), rng.normal(size=(6, 5)), rng.normal(size=5)
    out, cache = L.affine_forward(x, w, b)
    dout = rng.normal(size=out.shape)
    dx, dw, db = L.affine_backward(dout, cache)
    assert dx.shape == x.shape
    assert rel_error(dx, eval_numerical_gradient_array(lambda v: L.affine_forward(v, w, b)[0], x.copy(), dout)) < 1e-7
    assert rel_error(dw, eval_numerical_gradient_array(lambda v: L.affine_forward(x, v, b)[0], w.copy(), dout)) < 1e-7
    assert rel_error(db, eval_numerical_gradient_array(lambda v: L.affine_forward(x, w, v)[0], b.copy(), dout)) < 1e-7
    with pytest.raises(ValueError, match="flattens to D = 6"):
        L.affine_forward(x, w[:5], b)


@pytest.mark.parametrize("name", ["relu", "leaky_relu", "sigmoid", "tanh", "softplus"])
def test_activation_gradients(name):
    fwd, bwd = getattr(L, f"{name}_forward"), getattr(L, f"{name}_backward")
    x = rng.normal(size=(5, 7))
    x[np.abs(x) < 1e-3] = 0.5  # keep away from ReLU's kink
    out, cache = fwd(x)
    dout = rng.normal(size=x.shape)
    num = eval_numerical_gradient_array(lambda v: fwd(v)[0], x.copy(), dout)
    assert rel_error(bwd(dout, cache), num) < 1e-7


def test_sigmoid_and_softplus_do_not_overflow():
    with np.errstate(over="raise"):
        s = L.sigmoid(np.array([-1000.0, 0.0, 1000.0]))
        sp, _ = L.softplus_forward(np.array([-1000.0, 1000.0]))
    np.testing.assert_allclose(s, [0.0, 0.5, 1.0])
    np.testing.assert_allclose(sp, [0.0, 1000.0])


@pytest.mark.parametrize("cp", [{"stride": 1, "pad": 1}, {"stride": 2, "pad": 1}, {"stride": 3, "pad": 1}])
def test_conv_naive_gradients_and_fast_agreement(cp):
    x, w, b = rng.normal(size=(2, 3, 7, 7)), rng.normal(size=(4, 3, 3, 3)), rng.normal(size=4)
    out, cache = L.conv_forward_naive(x, w, b, cp)
    dout = rng.normal(size=out.shape)
    dx, dw, db = L.conv_backward_naive(dout, cache)

    def f(xx, ww, bb):
        return L.conv_forward_naive(xx, ww, bb, cp)[0]

    assert rel_error(dx, eval_numerical_gradient_array(lambda v: f(v, w, b), x.copy(), dout)) < 1e-7
    assert rel_error(dw, eval_numerical_gradient_array(lambda v: f(x, v, b), w.copy(), dout)) < 1e-7
    assert rel_error(db, eval_numerical_gradient_array(lambda v: f(x, w, v), b.copy(), dout)) < 1e-7
    out_f, cache_f = fl.conv_forward_fast(x, w, b, cp)
    for a, c in zip((out, dx, dw, db), (out_f, *fl.conv_backward_fast(dout, cache_f))):
        assert np.abs(a - c).max() < 1e-10


@pytest.mark.parametrize(
    "pp",
    [
        {"pool_height": 2, "pool_width": 2, "stride": 2},
        {"pool_height": 3, "pool_width": 3, "stride": 1},
        {"pool_height": 2, "pool_width": 3, "stride": 1},
    ],
)
def test_pool_gradients_and_fast_agreement(pp):
    x = rng.normal(size=(2, 3, 8, 9)) if pp["pool_width"] == 3 and pp["stride"] == 1 else rng.normal(size=(2, 3, 8, 8))
    out, cache = L.max_pool_forward_naive(x, pp)
    dout = rng.normal(size=out.shape)
    dx = L.max_pool_backward_naive(dout, cache)
    assert (
        rel_error(dx, eval_numerical_gradient_array(lambda v: L.max_pool_forward_naive(v, pp)[0], x.copy(), dout))
        < 1e-8
    )
    out_f, cache_f = fl.max_pool_forward_fast(x, pp)
    assert np.abs(out - out_f).max() == 0 and np.abs(dx - fl.max_pool_backward_fast(dout, cache_f)).max() < 1e-12


def test_pool_ties_go_to_the_first_maximum():
    x = np.ones((1, 1, 2, 2))
    for fwd, bwd in [
        (L.max_pool_forward_naive, L.max_pool_backward_naive),
        (fl.max_pool_forward_fast, fl.max_pool_backward_fast),
    ]:
        _, cache = fwd(x, {"pool_height": 2, "pool_width": 2, "stride": 2})
        np.testing.assert_array_equal(bwd(np.ones((1, 1, 1, 1)), cache), [[[[1, 0], [0, 0]]]])


def test_float32_in_float32_out():
    x = rng.normal(size=(2, 1, 8, 8)).astype(np.float32)
    w, b = rng.normal(size=(3, 1, 3, 3)).astype(np.float32), np.zeros(3, np.float32)
    out, cache = fl.conv_forward_fast(x, w, b, {"stride": 1, "pad": 1})
    grads = fl.conv_backward_fast(np.ones_like(out), cache)
    p, pc = fl.max_pool_forward_fast(out, {"pool_height": 2, "pool_width": 2, "stride": 2})
    assert out.dtype == p.dtype == fl.max_pool_backward_fast(np.ones_like(p), pc).dtype == np.float32
    assert all(g.dtype == np.float32 for g in grads)


def test_shapes_that_do_not_tile_name_the_dimension():
    x, w, b = np.zeros((1, 1, 7, 6)), np.zeros((1, 1, 3, 3)), np.zeros(1)
    with pytest.raises(ValueError, match="width: .* is not a whole number"):
        L.conv_forward_naive(x, w, b, {"stride": 2, "pad": 0})
    with pytest.raises(ValueError, match="height"):
        fl.max_pool_forward_fast(np.zeros((1, 1, 5, 4)), {"pool_height": 2, "pool_width": 2, "stride": 2})
    with pytest.raises(ValueError, match="w must be"):
        L.conv_forward_naive(x, np.zeros((1, 2, 3, 3)), b, {"stride": 1, "pad": 0})
    assert L.conv_output_size(28, 5, 2, 1) == 28 and L.conv_output_size(32, 5, 0, 1) == 28


def test_losses_match_numerical_gradients():
    x, y = rng.normal(size=(6, 4)), rng.integers(0, 4, 6)
    for loss in (L.softmax_loss, L.svm_loss):
        _, dx = loss(x, y)
        assert rel_error(dx, eval_numerical_gradient(lambda v: loss(v, y)[0], x.copy())) < 1e-7  # noqa: B023 (used at once)


def test_sandwich_layers():
    x, w, b = rng.normal(size=(2, 3, 8, 8)), rng.normal(size=(4, 3, 3, 3)), rng.normal(size=4)
    cp, pp = {"stride": 1, "pad": 1}, {"pool_height": 2, "pool_width": 2, "stride": 2}
    out, cache = lu.conv_relu_pool_forward(x, w, b, cp, pp)
    dout = rng.normal(size=out.shape)
    dx, dw, db = lu.conv_relu_pool_backward(dout, cache)
    assert (
        rel_error(
            dx, eval_numerical_gradient_array(lambda v: lu.conv_relu_pool_forward(v, w, b, cp, pp)[0], x.copy(), dout)
        )
        < 1e-6
    )
    out, cache = lu.affine_relu_forward(x, rng.normal(size=(192, 5)), np.zeros(5))
    assert lu.affine_relu_backward(np.ones_like(out), cache)[0].shape == x.shape


def test_initializer_scales():
    g = np.random.default_rng(0)
    assert fans((6, 1, 5, 5)) == (25, 150)
    assert abs(he_init((400, 300), g).std() - np.sqrt(2 / 400)) < 0.002
    assert abs(xavier_init((400, 300), g).std() - np.sqrt(2 / 700)) < 0.002
    assert he_init((2, 2), g, np.float32).dtype == np.float32


def test_conv_backward_can_skip_dx():
    x, w, b = rng.normal(size=(2, 1, 9, 9)), rng.normal(size=(3, 1, 3, 3)), rng.normal(size=3)
    for cp in ({"stride": 1, "pad": 1}, {"stride": 2, "pad": 1}):
        out, cache = fl.conv_forward_fast(x, w, b, cp)
        dout = rng.normal(size=out.shape)
        full = fl.conv_backward_fast(dout, cache)
        dx, dw, db = fl.conv_backward_fast(dout, cache, compute_dx=False)
        assert dx is None and np.array_equal(dw, full[1]) and np.array_equal(db, full[2])


def test_avg_pool_matches_a_convolution_and_its_numerical_gradient():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 3, 5, 6))
    pp = {"pool_height": 3, "pool_width": 2, "stride": 1}
    out, cache = L.avg_pool_forward_naive(x, pp)
    box = np.ones((1, 1, 3, 2)) / 6  # one channel at a time: a convolution with a box filter
    ref = np.stack(
        [L.conv_forward_naive(x[:, c : c + 1], box, np.zeros(1), {"stride": 1, "pad": 0})[0][:, 0] for c in range(3)],
        axis=1,
    )
    np.testing.assert_allclose(out, ref)
    dout = rng.normal(size=out.shape)
    num = eval_numerical_gradient_array(lambda v: L.avg_pool_forward_naive(v, pp)[0], x.copy(), dout)
    np.testing.assert_allclose(L.avg_pool_backward_naive(dout, cache), num, rtol=1e-7, atol=1e-9)
