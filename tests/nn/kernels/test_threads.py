"""The kernels on two batch halves give the serial kernels' numbers, bit for bit, and a
training step takes the halves only where its products are small.
"""

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose
from threadpoolctl import threadpool_info, threadpool_limits

from ml4phys.nn import Sequential, layers, optimizers
from ml4phys.nn.kernels import conv, im2col, plane, pool, rows, threads
from ml4phys.nn.kernels._jit import NUMBA
from ml4phys.nn.models.base import largest_product

needs_numba = pytest.mark.skipif(not NUMBA, reason="the halves are numba's loops")
BATCHES = [1, 2, 7, 10]  # odd sizes: unequal halves; 1: an empty half


def _rng():
    return np.random.default_rng(5)


@needs_numba
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("batch", BATCHES)
def test_plane_halves_equal_the_serial_kernels(batch, dtype):
    rng, wp, (kh, kw, c_out) = _rng(), 12, (5, 4, 6)
    x_flat = rng.normal(size=(batch, 11 * wp)).astype(dtype)
    w = rng.normal(size=(kh, kw, c_out)).astype(dtype)
    bias = rng.normal(size=c_out).astype(dtype)
    z, z_halves = (np.empty((batch, 7, 9, c_out), dtype) for _ in range(2))
    plane.correlate_plane(x_flat, w, bias, wp, z)
    plane.correlate_plane_halves(x_flat, w, bias, wp, z_halves)
    assert np.array_equal(z, z_halves)
    dz = rng.normal(size=z.shape).astype(dtype)
    dw, dw_halves = (np.zeros((kh, kw, c_out), dtype) for _ in range(2))
    plane.kernel_gradient_plane(x_flat, dz, wp, dw)
    plane.kernel_gradient_plane_halves(x_flat, dz, wp, dw_halves)
    assert np.array_equal(dw, dw_halves)


@needs_numba
@pytest.mark.parametrize("batch", BATCHES)
def test_rows_pool_and_col2im_halves_equal_the_serial_kernels(batch):
    rng = _rng()
    x = rng.normal(size=(batch, 8, 9, 5)).astype(np.float32)
    w = rng.normal(size=(3, 3, 5, 2)).astype(np.float32)
    bias = rng.normal(size=2).astype(np.float32)
    w_tiled = rows.tiled(w, 9)
    z, z_halves = (np.empty((batch, 8, 9, 2), np.float32) for _ in range(2))
    rows.correlate_rows(x, w_tiled, bias, 1, 1, z)
    rows.correlate_rows_halves(x, w_tiled, bias, 1, 1, z_halves)
    assert np.array_equal(z, z_halves)

    blocks = x[:, :8, :8].reshape(batch, 4, 2, 4, 2, 5)
    y, y_halves = (np.empty((batch, 4, 4, 5), np.float32) for _ in range(2))
    pool._max_compiled(blocks, y)
    pool._max_halves(blocks, y_halves)
    assert np.array_equal(y, y_halves)
    delta = rng.normal(size=y.shape).astype(np.float32)
    dx, dx_halves = (np.empty(blocks.shape, np.float32) for _ in range(2))
    pool._max_backward_compiled(blocks, y, delta, dx)
    pool._max_backward_halves(blocks, y, delta, dx_halves)
    assert np.array_equal(dx, dx_halves)

    dcols = rng.normal(size=(batch * 6 * 7, 3 * 3 * 5)).astype(np.float32)
    image, image_halves = (np.empty((batch, 8, 9, 5), np.float32) for _ in range(2))
    im2col._add_window_rows(dcols, 3, 3, 1, 1, 0, 0, 6, 7, image)
    im2col._add_window_rows_halves(dcols, 3, 3, 1, 1, 0, 0, 6, 7, image_halves)
    assert np.array_equal(image, image_halves)


CONV_CASES = [  # (x shape, kernel shape, pads, strides): columns on halves, and not
    ((10, 14, 14, 6), (5, 5, 6, 16), ((0, 0), (0, 0)), (1, 1)),  # W10's second layer
    ((9, 14, 14, 16), (3, 3, 16, 8), ((1, 1), (1, 1)), (1, 1)),  # W5's, 'same'
    ((7, 9, 8, 3), (3, 2, 3, 5), ((1, 0), (0, 1)), (2, 1)),  # strides, uneven pads
    ((6, 12, 12, 1), (3, 3, 1, 16), ((1, 1), (1, 1)), (1, 1)),  # one channel: serial
    ((5, 26, 26, 32), (3, 3, 32, 32), ((0, 0), (0, 0)), (1, 1)),  # W11's second layer
]


@pytest.mark.parametrize("chunk_bytes", [conv.CHUNK_BYTES, 1])  # 1: a sample a chunk
@pytest.mark.parametrize("case", CONV_CASES)
def test_conv_kernels_in_a_halves_step_give_the_one_thread_numbers(
    case, chunk_bytes, monkeypatch
):
    monkeypatch.setattr(conv, "CHUNK_BYTES", chunk_bytes)
    x_shape, w_shape, pads, strides = case
    rng = _rng()
    x = rng.normal(size=x_shape).astype(np.float32)
    w = rng.normal(size=w_shape).astype(np.float32)
    b = rng.normal(size=w_shape[3]).astype(np.float32)

    windows = conv.Windows(x, w_shape[:2], strides, pads)
    dz = rng.normal(size=(len(x), windows.ho, windows.wo, w_shape[3])).astype(
        np.float32
    )

    def layer():
        windows = conv.Windows(x, w_shape[:2], strides, pads)
        z = conv.correlate(windows, w, b, strides)
        dw, db = conv.kernel_gradient(windows, dz, w_shape, strides)
        dx = conv.input_gradient(dz, w, strides, windows.padded_shape, pads)
        return z, dw, db, dx

    with threadpool_limits(1, user_api="blas"):
        one_thread = layer()
    with threads.step(0):
        on_halves = layer()
    # each half's product may round its last bit otherwise (OpenBLAS picks its kernels
    # by the matrices' sizes); the rest is the same work on the same numbers
    for serial, halves in zip(one_thread, on_halves):
        assert_allclose(halves, serial, rtol=1e-6, atol=1e-6 * np.abs(serial).max())


@needs_numba
@pytest.mark.parametrize("samples_per_chunk", [1, 2, 3, 10])
@pytest.mark.parametrize("case", CONV_CASES[:3])
def test_the_chunked_halves_equal_the_references(case, samples_per_chunk):
    """The three products by halves, chunk by chunk (whatever a step chooses), against
    the references' one column matrix: 10 samples, halves of 5, chunks of 1 to all.
    """
    x_shape, w_shape, pads, strides = case
    rng = _rng()
    x = rng.normal(size=(10, *x_shape[1:]))
    w = rng.normal(size=w_shape)
    (kh, kw, channels, c_out), ((top, _), (left, _)) = w_shape, pads
    x_pad = im2col.padded(x, pads)
    ho, wo = im2col.output_size(x_pad.shape, (kh, kw), strides)
    geometry = (kh, kw, *strides, top, left, ho, wo)
    buffers = np.full((2, samples_per_chunk * ho * wo, kh * kw * channels), np.nan)
    dz = rng.normal(size=(10, ho, wo, c_out))

    z = np.empty((10 * ho * wo, c_out))
    im2col.columns_product_halves(x, *geometry, w.reshape(-1, c_out), buffers, z)
    z_reference = conv.correlate_reference(x_pad, w, strides=strides)
    assert_allclose(z.reshape(z_reference.shape), z_reference, rtol=1e-12, atol=1e-12)

    dw = np.full((2, kh * kw * channels, c_out), np.nan)
    im2col.kernel_gradient_halves(x, *geometry, dz.reshape(-1, c_out), buffers, dw)
    dw_reference, _ = conv.kernel_gradient_reference(x_pad, dz, w_shape, strides)
    assert_allclose(
        (dw[0] + dw[1]).reshape(w_shape),
        dw_reference,
        rtol=1e-12,
        atol=1e-12 * np.abs(dw_reference).max(),
    )

    dx = np.full(x.shape, np.nan)
    w_t = w.reshape(-1, c_out).T
    im2col.input_gradient_halves(dz.reshape(-1, c_out), w_t, *geometry, buffers, dx)
    dx_reference = conv.input_gradient_reference(dz, w, strides, x_pad.shape, pads)
    assert_allclose(dx, dx_reference, rtol=1e-12, atol=1e-12)


@needs_numba
@pytest.mark.parametrize("case", CONV_CASES)
def test_the_compiled_columns_equal_the_reference(case):
    """``_fill_windows`` writes every number of the column matrix, zeros on the padding
    (the buffer starts as NaN here).
    """
    x_shape, w_shape, pads, strides = case
    x = _rng().normal(size=x_shape).astype(np.float32)
    (kh, kw), ((top, _), (left, _)) = w_shape[:2], pads
    reference = im2col.im2col_reference(im2col.padded(x, pads), kh, kw, strides)
    ho, wo = im2col.output_size(im2col.padded(x, pads).shape, (kh, kw), strides)
    cols = np.full(reference.shape, np.nan, np.float32)
    im2col._fill_windows(x, kh, kw, *strides, top, left, ho, wo, cols)
    assert np.array_equal(cols, reference)


def _blas_threads():
    return [
        lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"
    ]


def test_a_step_with_small_products_runs_the_halves_on_a_one_thread_blas():
    before = _blas_threads()
    with threads.step(threads.PRODUCT_LIMIT):
        inside, blas_inside = threads.halves(), _blas_threads()
    assert _blas_threads() == before  # restored
    if not threads._two_threads():
        assert not inside and blas_inside == before  # one thread given: nothing changes
        return
    assert inside and set(blas_inside) == {1}
    with threads.step(
        threads.PRODUCT_LIMIT + 1
    ):  # a larger product: the BLAS's threads
        assert not threads.halves() and _blas_threads() == before
    with pytest.raises(RuntimeError), threads.step(0):
        raise RuntimeError
    assert not threads.halves() and _blas_threads() == before  # restored after an error


def test_one_blas_thread_runs_no_halves():
    with threadpool_limits(1, user_api="blas"), threads.step(0):
        assert not threads.halves()


def test_the_reference_kernels_run_no_halves(monkeypatch):
    monkeypatch.setattr(threads, "fast", lambda: False)
    with threads.step(0):
        assert not threads.halves()


def _lecture_simple_net():
    """The lecture's simple conv net (W4, mnist-conv 'simple'): its products are small."""
    net = Sequential(seed=3)
    net.add(
        layers.Conv2D(7, 5, activation="relu", padding="same", input_shape=(28, 28, 1))
    )
    net.add(layers.AveragePooling2D(4))
    net.add(layers.Flatten())
    net.add(layers.Dense(10, activation="softmax"))
    net.compile(loss="categorical_crossentropy", optimizer=optimizers.SGD(1.0))
    return net


def _lenet():
    """W10's net: a second conv layer of 240,000 multiply-adds per sample, max pooling."""
    net = Sequential(seed=4)
    net.add(
        layers.Conv2D(6, 5, activation="relu", padding="same", input_shape=(28, 28, 1))
    )
    net.add(layers.MaxPooling2D(2))
    net.add(layers.Conv2D(16, 5, activation="relu"))
    net.add(layers.MaxPooling2D(2))
    net.add(layers.Flatten())
    net.add(layers.Dense(10, activation="softmax"))
    net.compile(loss="categorical_crossentropy", optimizer=optimizers.Adam())
    return net


def test_largest_product_per_sample():
    assert largest_product(_lecture_simple_net().layers) == 7 * 7 * 7 * 10  # the Dense
    assert largest_product(_lenet().layers) == 400 * 10  # its second conv layer: halves
    # W11's: its first layer's one-channel product; the others run by halves
    assert (
        largest_product(_wide().layers) == 26 * 26 * 3 * 3 * 32 <= threads.PRODUCT_LIMIT
    )
    several = Sequential([layers.Conv2D(32, 3, input_shape=(28, 28, 3))])
    assert largest_product(several.layers) == 0  # several input channels: by halves
    on_plane = Sequential([layers.Conv2D(6, 5, input_shape=(28, 28, 1))])
    assert largest_product(on_plane.layers) == 0  # summed on the image plane
    dense = Sequential([layers.Dense(1000, input_shape=(3136,))])
    assert largest_product(dense.layers) == 3136 * 1000 > threads.PRODUCT_LIMIT
    recurrent = Sequential([layers.LSTM(4, input_shape=(5, 2))])
    assert largest_product(recurrent.layers) == math.inf


def _wide():
    """W11's net, narrower: conv layers of several channels whose columns, at batch 100,
    would not fit ``KEEP_BYTES``.
    """
    net = Sequential(seed=6)
    net.add(layers.Conv2D(32, 3, activation="relu", input_shape=(28, 28, 1)))
    net.add(layers.Conv2D(8, 3, activation="relu"))
    net.add(layers.MaxPooling2D(2))
    net.add(layers.Conv2D(4, 3, activation="relu"))
    net.add(layers.Flatten())
    net.add(layers.Dense(10, activation="softmax"))
    net.compile(loss="categorical_crossentropy", optimizer=optimizers.Adam())
    return net


@pytest.mark.parametrize("make", [_lecture_simple_net, _lenet, _wide])
def test_training_on_halves_gives_the_one_thread_numbers(make, monkeypatch):
    """The lecture's simple net, a LeNet and a narrow W11 trained with the halves (where
    two threads are given) and on one thread throughout: the same weights (the simple
    net's bit for bit; the others' products on halves may round a last bit otherwise).
    """
    rng = _rng()
    x = rng.random((40, 28, 28, 1), dtype=np.float32)
    y = np.eye(10, dtype=np.float32)[rng.integers(0, 10, 40)]

    def trained():
        net = make()
        for start in range(0, 40, 20):
            net.train_on_batch(x[start : start + 20], y[start : start + 20])
        return net.flat_params.copy()

    with_halves = trained()
    monkeypatch.setattr(threads, "PRODUCT_LIMIT", -1)  # never the halves
    with threadpool_limits(1, user_api="blas"):
        one_thread = trained()
    if make is _lecture_simple_net:
        assert np.array_equal(with_halves, one_thread)
    assert_allclose(with_halves, one_thread, rtol=1e-5, atol=1e-6)
