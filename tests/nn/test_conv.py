"""Convolutional layers: PyTorch cross-checks, Keras semantics, errors.

Their finite-difference cases are in layer_cases.py; the lecture's behaviour tests (MNIST
conv net, conv autoencoder) in test_conv_training.py.
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from ml4phys.nn.layers import (
    AveragePooling2D,
    Conv2D,
    Conv2DTranspose,
    Cropping2D,
    Dense,
    Flatten,
    GlobalAveragePooling2D,
    MaxPooling2D,
    UpSampling2D,
    ZeroPadding2D,
)
from ml4phys.nn.models import Sequential, load_model

from .lecture_nets import conv_net_simple


def test_regularizers_add_their_gradients():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 5, 5, 2))
    r = rng.normal(size=(3, 5, 5, 4))
    plain = Conv2D(4, 3, padding="same", activation="relu")
    penalized = Conv2D(
        4,
        3,
        padding="same",
        activation="relu",
        kernel_regularizer="l2",
        activity_regularizer="l1",
    )
    for layer in (plain, penalized):
        layer.build((5, 5, 2), np.random.default_rng(1), np.float64)
    y = penalized.forward(x, training=True)
    plain.forward(x, training=True)
    dx_penalized = penalized.backward(r)
    dx_expected = plain.backward(r + 0.01 * np.sign(y))  # dR/dy added to each delta
    w = penalized.params["w"]
    assert_allclose(dx_penalized, dx_expected, atol=1e-12)
    assert_allclose(penalized.grads["w"], plain.grads["w"] + 2 * 0.01 * w, atol=1e-12)
    assert penalized.regularization_loss() == pytest.approx(0.01 * np.sum(w**2))
    assert penalized.activity_loss == pytest.approx(0.01 * np.abs(y).sum() / len(x))


# -- PyTorch as a second opinion (float64, NCHW <-> NHWC) ----------------------------------

CONV_GRID = [  # (input (H, W, C), filters, kernel, strides, padding)
    ((6, 7, 3), 4, (3, 3), (1, 1), "same"),
    ((6, 7, 3), 4, (3, 3), (2, 2), "same"),
    ((8, 8, 1), 7, (5, 5), (1, 1), "same"),
    ((8, 9, 2), 3, (4, 2), (2, 1), "same"),
    ((7, 7, 5), 2, (2, 2), (1, 1), "valid"),
    ((9, 8, 4), 1, (3, 3), (2, 2), "valid"),
    ((5, 6, 16), 8, (3, 3), (1, 1), "same"),
]


def _nchw(torch, a, grad=True):
    return torch.tensor(np.moveaxis(a, -1, 1).copy(), requires_grad=grad)


def _nhwc(t):
    return np.moveaxis(t.detach().numpy(), 1, -1)


def _torch_pad(torch, t, pads, value=0.0):
    (top, bottom), (left, right) = pads
    return torch.nn.functional.pad(t, (left, right, top, bottom), value=value)


def _torch_kernel_and_bias(torch, layer):
    """The layer's w, b as torch leaves: kernel (kh, kw, a, b) -> (b, a, kh, kw)."""
    w_t = torch.tensor(
        layer.params["w"].transpose(3, 2, 0, 1).copy(), requires_grad=True
    )
    return w_t, torch.tensor(layer.params["b"], requires_grad=True)


def _assert_matches_torch(torch, layer, run, x_t, w_t, b_t, y_t):
    """Backpropagate L = sum(y_t * r) in torch: y, dL/dx and dL/dw, dL/db agree with
    the layer's (its grads are batch means, hence * batchsize).
    """
    x, r, y, dx = run
    (y_t * _nchw(torch, r, grad=False)).sum().backward()
    assert_allclose(y, _nhwc(y_t), rtol=1e-6, atol=1e-12)
    assert_allclose(dx, _nhwc(x_t.grad), rtol=1e-6, atol=1e-12)
    assert_allclose(
        layer.grads["w"] * len(x),
        w_t.grad.numpy().transpose(2, 3, 1, 0),
        rtol=1e-6,
        atol=1e-12,
    )
    assert_allclose(layer.grads["b"] * len(x), b_t.grad.numpy(), rtol=1e-6)


def _run_layer(layer, input_shape, batchsize=3, seed=0):
    rng = np.random.default_rng(seed)
    output_shape = layer.build(input_shape, rng, dtype=np.float64)
    if layer.params.get("b") is not None:
        layer.params["b"][...] = rng.normal(size=layer.params["b"].shape)
    x = rng.normal(size=(batchsize, *input_shape))
    r = rng.normal(size=(batchsize, *output_shape))
    y = layer.forward(x, training=True)
    layer.propagate_delta = True
    dx = layer.backward(r)
    return x, r, y, dx


@pytest.mark.parametrize("input_shape, filters, kernel, strides, padding", CONV_GRID)
def test_conv2d_matches_torch(input_shape, filters, kernel, strides, padding):
    torch = pytest.importorskip("torch")
    layer = Conv2D(filters, kernel, strides=strides, padding=padding, activation="tanh")
    x, r, y, dx = _run_layer(layer, input_shape)
    x_t = _nchw(torch, x)
    w_t, b_t = _torch_kernel_and_bias(torch, layer)
    z_t = torch.nn.functional.conv2d(
        _torch_pad(torch, x_t, layer.pads), w_t, b_t, stride=strides
    )
    y_t = torch.tanh(z_t)
    _assert_matches_torch(torch, layer, (x, r, y, dx), x_t, w_t, b_t, y_t)


@pytest.mark.parametrize("input_shape, filters, kernel, strides, padding", CONV_GRID)
def test_conv2d_transpose_matches_torch(input_shape, filters, kernel, strides, padding):
    torch = pytest.importorskip("torch")
    layer = Conv2DTranspose(filters, kernel, strides=strides, padding=padding)
    x, r, y, dx = _run_layer(layer, input_shape)
    x_t = _nchw(torch, x)
    w_t, b_t = _torch_kernel_and_bias(torch, layer)  # torch's (c_in, filters, kh, kw)
    full = torch.nn.functional.conv_transpose2d(x_t, w_t, b_t, stride=strides)
    # Keras' output: the full result on the padded grid, padding cropped
    (top, bottom), (left, right) = layer.pads
    need = [n + a + b for n, (a, b) in zip(layer.output_shape[:2], layer.pads)]
    extra = [need[0] - full.shape[2], need[1] - full.shape[3]]
    if max(extra) > 0:  # kernel smaller than the stride: zeros (plus bias) at the end
        full = torch.nn.functional.pad(
            full - b_t[:, None, None], (0, extra[1], 0, extra[0])
        )
        full = full + b_t[:, None, None]
    y_t = full[:, :, top : need[0] - bottom, left : need[1] - right]
    _assert_matches_torch(torch, layer, (x, r, y, dx), x_t, w_t, b_t, y_t)


POOL_GRID = [  # (input (H, W, C), pool, strides, padding)
    ((6, 6, 3), (2, 2), None, "valid"),
    ((7, 5, 2), (2, 2), None, "valid"),  # leftovers dropped
    ((7, 5, 2), (2, 2), None, "same"),
    ((8, 8, 1), (4, 4), None, "valid"),
    ((9, 7, 2), (3, 3), (2, 2), "same"),
    ((9, 7, 2), (3, 2), (1, 2), "valid"),
]


@pytest.mark.parametrize("input_shape, pool, strides, padding", POOL_GRID)
@pytest.mark.parametrize("kind", ["max", "average"])
def test_pooling_matches_torch(input_shape, pool, strides, padding, kind):
    torch = pytest.importorskip("torch")
    functional = torch.nn.functional
    cls = MaxPooling2D if kind == "max" else AveragePooling2D
    layer = cls(pool, strides=strides, padding=padding)
    x, r, y, dx = _run_layer(layer, input_shape)
    x_t = _nchw(torch, x)
    stride = layer.strides
    if kind == "max":
        y_t = functional.max_pool2d(
            _torch_pad(torch, x_t, layer.pads, -np.inf), pool, stride
        )
    else:  # TensorFlow's 'same': divide by the real pixels of each window
        total = functional.avg_pool2d(_torch_pad(torch, x_t, layer.pads), pool, stride)
        ones = _torch_pad(torch, torch.ones_like(x_t[:1, :1]), layer.pads)
        y_t = total / functional.avg_pool2d(ones, pool, stride)
    (y_t * _nchw(torch, r, grad=False)).sum().backward()
    assert_allclose(y, _nhwc(y_t), rtol=1e-6, atol=1e-12)
    assert_allclose(dx, _nhwc(x_t.grad), rtol=1e-6, atol=1e-12)


@pytest.mark.parametrize("size", [2, (2, 3), (1, 4)])
def test_upsampling_matches_torch_interpolate(size):
    torch = pytest.importorskip("torch")
    layer = UpSampling2D(size)
    x, r, y, dx = _run_layer(layer, (3, 5, 2))
    x_t = _nchw(torch, x)
    y_t = torch.nn.functional.interpolate(x_t, scale_factor=layer.size, mode="nearest")
    (y_t * _nchw(torch, r, grad=False)).sum().backward()
    assert_allclose(y, _nhwc(y_t), rtol=1e-6)
    assert_allclose(dx, _nhwc(x_t.grad), rtol=1e-6)


# -- Keras semantics -------------------------------------------------------------------------


def test_max_pooling_gradient_goes_to_the_first_of_tied_maxima():
    layer = MaxPooling2D(2)
    layer.build((2, 2, 1), np.random.default_rng(0))
    x = np.array([[[[1.0], [3.0]], [[3.0], [0.0]]]])
    assert layer.forward(x, training=True)[0, 0, 0, 0] == 3.0
    dx = layer.backward(np.ones((1, 1, 1, 1)))
    assert dx[0, :, :, 0].tolist() == [[0.0, 1.0], [0.0, 0.0]]


def test_pooling_drops_leftover_rows_like_keras():
    layer = AveragePooling2D(2)
    assert layer.build((5, 7, 1), None) == (2, 3, 1)
    x = np.arange(35.0).reshape(1, 5, 7, 1)
    y = layer.forward(x)
    assert y[0, 0, 0, 0] == np.mean([0, 1, 7, 8])
    assert y[0, 1, 2, 0] == np.mean([18, 19, 25, 26])
    assert MaxPooling2D(2, padding="same").build((5, 7, 1), None) == (3, 4, 1)


def test_same_padding_puts_the_odd_zero_after_like_tensorflow():
    layer = Conv2D(1, 2, padding="same", use_bias=False)
    layer.build((3, 3, 1), np.random.default_rng(0), np.float64)
    layer.params["w"][...] = 0.0
    layer.params["w"][0, 0] = 1.0  # picks the top-left pixel of each window
    x = np.arange(9.0).reshape(1, 3, 3, 1)
    assert layer.pads == ((0, 1), (0, 1))
    assert_allclose(layer.forward(x), x)


def test_conv_transpose_output_sizes_follow_keras():
    assert Conv2DTranspose(2, 3, strides=2, padding="same").build(
        (4, 5, 1), np.random.default_rng(0)
    ) == (8, 10, 2)
    assert Conv2DTranspose(2, 3, strides=2).build(
        (4, 5, 1), np.random.default_rng(0)
    ) == (9, 11, 2)
    assert Conv2DTranspose(2, 1, strides=2).build(
        (4, 5, 1), np.random.default_rng(0)
    ) == (8, 10, 2)


def test_lecture_layers_run_unchanged():
    net = Sequential(seed=0)
    net.add(
        Conv2D(
            input_shape=(16, 16, 1),
            filters=20,
            kernel_size=[11, 11],
            activation="relu",
            padding="same",
        )
    )
    net.add(AveragePooling2D(pool_size=8))
    net.add(UpSampling2D(size=8))
    net.add(Conv2D(1, [3, 3], padding="same"))
    net.compile(loss="mean_squared_error", optimizer="adam")
    x = np.random.default_rng(0).random((4, 16, 16, 1))
    assert net.predict_on_batch(x).shape == (4, 16, 16, 1)
    assert np.isfinite(net.train_on_batch(x, x))


def test_summary_shows_conv_shapes_and_parameter_counts():
    net = conv_net_simple()  # the lecture's init_net_conv_simple
    lines = []
    net.summary(print_fn=lines.append)
    text = "\n".join(lines)
    assert "(None, 28, 28, 7)" in text and "182" in text  # 5*5*1*7 + 7
    assert "(None, 7, 7, 7)" in text and "(None, 343)" in text
    assert "3,440" in text and "Total params: 3,622" in text


def test_conv_model_saves_and_loads(tmp_path):
    net = Sequential(seed=1)
    net.add(
        Conv2D(
            4, 3, strides=2, padding="same", input_shape=(8, 8, 2), activation="relu"
        )
    )
    net.add(MaxPooling2D(2, padding="same"))
    net.add(Conv2DTranspose(2, 3, strides=2, padding="same"))
    net.add(ZeroPadding2D(1))
    net.add(Cropping2D(((1, 1), (0, 2))))
    net.add(UpSampling2D(2))
    net.add(GlobalAveragePooling2D())
    net.add(Dense(3))
    net.compile(loss="mean_squared_error", optimizer="sgd")
    x = np.random.default_rng(0).random((5, 8, 8, 2))
    net.save(tmp_path / "net.npz")
    loaded = load_model(tmp_path / "net.npz")
    assert [type(layer) for layer in loaded.layers] == [
        type(layer) for layer in net.layers
    ]
    assert_allclose(loaded.predict(x), net.predict(x))


def test_get_weights_use_keras_layouts():
    layer = Conv2D(5, (3, 2), input_shape=(6, 6, 4))
    layer.build((6, 6, 4), np.random.default_rng(0))
    w, b = layer.get_weights()
    assert w.shape == (3, 2, 4, 5) and b.shape == (5,)
    up = Conv2DTranspose(5, (3, 2))
    up.build((6, 6, 4), np.random.default_rng(0))
    assert up.get_weights()[0].shape == (3, 2, 5, 4)  # Keras: (kh, kw, filters, c_in)


# -- errors that name the layer and the shapes ---------------------------------------------


def test_kernel_larger_than_valid_input_is_an_error():
    net = Sequential()
    with pytest.raises(
        ValueError, match=r"Conv2D 'conv2.?d'.*\(5, 5\).*\(4, 4\).*'valid'"
    ):
        net.add(Conv2D(3, 5, input_shape=(4, 4, 1)))


def test_pool_larger_than_valid_input_is_an_error():
    with pytest.raises(ValueError, match=r"MaxPooling2D.*\(4, 4\).*\(3, 5\)"):
        MaxPooling2D(4).build((3, 5, 2), None)


def test_dense_after_conv_without_flatten_is_an_error():
    net = Sequential()
    net.add(Conv2D(7, 5, padding="same", input_shape=(28, 28, 1)))
    net.add(AveragePooling2D(4))
    with pytest.raises(
        ValueError, match=r"Dense.*AveragePooling2D.*\(7, 7, 7\).*Flatten"
    ):
        net.add(Dense(10))
    net.add(Flatten())
    net.add(Dense(10))  # fine with the Flatten
    assert net.output_shape == (10,)


def test_conv_on_flat_input_is_an_error():
    with pytest.raises(
        ValueError, match=r"Conv2D.*\(height, width, channels\).*\(784,\)"
    ):
        Sequential([Conv2D(3, 3, input_shape=(784,))])


@pytest.mark.parametrize(
    "make",
    [
        lambda: Conv2D(0, 3),
        lambda: Conv2D(2, 3, padding="full"),
        lambda: MaxPooling2D((2, 0)),
        lambda: UpSampling2D(2, "bilinear"),
        lambda: ZeroPadding2D(-1),
        lambda: Conv2D(2, (3, 3, 3)),
        lambda: Conv2D(2, 3, data_format="channels_first"),
        lambda: Conv2D(2, 3, dilation_rate=2),
        lambda: AveragePooling2D(2, data_format="channels_first"),
    ],
)
def test_bad_arguments_are_errors(make):
    with pytest.raises(ValueError):
        make()
