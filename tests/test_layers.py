"""Layers: numerical gradient checks, naive vs fast agreement, dtypes, the seed's worked examples."""
import numpy as np
import pytest

from lib import fast_layers as fl
from lib import layers as L
from lib import layer_utils as lu
from lib.gradient_check import eval_numerical_gradient, eval_numerical_gradient_array, rel_error
from lib.checks.cnn_layers import SEED_B, SEED_OUT, SEED_W, SEED_X
from lib.initializers import fans, he_init, xavier_init

rng = np.random.default_rng(0)

# The seed notes' worked convolution (5x5x3 input padded to 7x7x3, two 3x3x3 filters, biases 1
# and 0, stride 2, and the 3x3x2 output they print) lives with the checks that grade it.
# The seed's max-pooling example: two 4x4 channels, 2x2 windows, stride 1.
POOL_X = np.array([[[[1, 3, 5, 7], [8, 6, 4, 2], [4, 2, 8, 6], [1, 3, 5, 7]],
                    [[2, 4, 6, 8], [7, 5, 3, 1], [3, 1, 7, 5], [2, 4, 6, 8]]]], float)
POOL_OUT = np.array([[[[8, 6, 7], [8, 8, 8], [4, 8, 8]], [[7, 6, 8], [7, 7, 7], [4, 7, 8]]]], float)


def test_seed_examples():
    for conv in (L.conv_forward_naive, fl.conv_forward_fast):
        np.testing.assert_array_equal(conv(SEED_X, SEED_W, SEED_B, {"stride": 2, "pad": 1})[0], SEED_OUT)
    for pool in (L.max_pool_forward_naive, fl.max_pool_forward_fast):
        np.testing.assert_array_equal(pool(POOL_X, {"pool_height": 2, "pool_width": 2, "stride": 1})[0], POOL_OUT)


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
    f = lambda xx, ww, bb: L.conv_forward_naive(xx, ww, bb, cp)[0]
    assert rel_error(dx, eval_numerical_gradient_array(lambda v: f(v, w, b), x.copy(), dout)) < 1e-7
    assert rel_error(dw, eval_numerical_gradient_array(lambda v: f(x, v, b), w.copy(), dout)) < 1e-7
    assert rel_error(db, eval_numerical_gradient_array(lambda v: f(x, w, v), b.copy(), dout)) < 1e-7
    out_f, cache_f = fl.conv_forward_fast(x, w, b, cp)
    for a, c in zip((out, dx, dw, db), (out_f, *fl.conv_backward_fast(dout, cache_f))):
        assert np.abs(a - c).max() < 1e-10


@pytest.mark.parametrize("pp", [{"pool_height": 2, "pool_width": 2, "stride": 2},
                                {"pool_height": 3, "pool_width": 3, "stride": 1},
                                {"pool_height": 2, "pool_width": 3, "stride": 1}])
def test_pool_gradients_and_fast_agreement(pp):
    x = rng.normal(size=(2, 3, 8, 9)) if pp["pool_width"] == 3 and pp["stride"] == 1 else rng.normal(size=(2, 3, 8, 8))
    out, cache = L.max_pool_forward_naive(x, pp)
    dout = rng.normal(size=out.shape)
    dx = L.max_pool_backward_naive(dout, cache)
    assert rel_error(dx, eval_numerical_gradient_array(lambda v: L.max_pool_forward_naive(v, pp)[0], x.copy(), dout)) < 1e-8
    out_f, cache_f = fl.max_pool_forward_fast(x, pp)
    assert np.abs(out - out_f).max() == 0 and np.abs(dx - fl.max_pool_backward_fast(dout, cache_f)).max() < 1e-12


def test_pool_ties_go_to_the_first_maximum():
    x = np.ones((1, 1, 2, 2))
    for fwd, bwd in [(L.max_pool_forward_naive, L.max_pool_backward_naive),
                     (fl.max_pool_forward_fast, fl.max_pool_backward_fast)]:
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
        assert rel_error(dx, eval_numerical_gradient(lambda v: loss(v, y)[0], x.copy())) < 1e-7


def test_sandwich_layers():
    x, w, b = rng.normal(size=(2, 3, 8, 8)), rng.normal(size=(4, 3, 3, 3)), rng.normal(size=4)
    cp, pp = {"stride": 1, "pad": 1}, {"pool_height": 2, "pool_width": 2, "stride": 2}
    out, cache = lu.conv_relu_pool_forward(x, w, b, cp, pp)
    dout = rng.normal(size=out.shape)
    dx, dw, db = lu.conv_relu_pool_backward(dout, cache)
    assert rel_error(dx, eval_numerical_gradient_array(lambda v: lu.conv_relu_pool_forward(v, w, b, cp, pp)[0], x.copy(), dout)) < 1e-6
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
