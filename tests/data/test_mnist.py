"""ml4phys.data.mnist and .idx: IDX round trips, every corruption, search order, cache,
checksums, offline message, and downloads from a local HTTP server or file:// URLs.

No test touches the internet: mirrors are a thread serving tmp files on 127.0.0.1, or
file:// URLs. Tests on the real files read ``ML4PHYS_DATA`` and skip when it is absent.
"""

import functools
import gzip
import http.server
import os
import threading
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from ml4phys.common import paths, store
from ml4phys.common.download import DownloadError, download_file
from ml4phys.common.idx import IDXFormatError, read_idx, write_idx
from ml4phys.data import mnist

from ..common.fake_idx import make_files

REAL_DATA = os.environ.get("ML4PHYS_DATA")
NAMES = list(mnist.FILES.values())


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """Each test gets its own empty user cache and no ML4PHYS_DATA."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv(paths.ENV_VAR, raising=False)
    return tmp_path / "xdg" / "ml4phys" / "mnist"


def make_mnist(folder, n_train=12, n_test=5, seed=0):
    """Write four small MNIST-format files; return the arrays and their SHA-256s."""
    folder = Path(folder)
    data, sums = make_files(folder, "mnist", n_train, n_test, seed)
    return SimpleNamespace(folder=folder, checksums=sums, **data)


def assert_same(loaded, fake):
    (x_train, y_train), (x_test, y_test) = loaded
    for got, want in (
        (x_train, fake.train_images),
        (y_train, fake.train_labels),
        (x_test, fake.test_images),
        (y_test, fake.test_labels),
    ):
        assert got.dtype == np.uint8
        assert_array_equal(got, want)


def leftovers(folder):
    """Every file under folder (hidden temporaries included)."""
    folder = Path(folder)
    return sorted(p.name for p in folder.rglob("*")) if folder.exists() else []


# ---------------------------------------------------------------- IDX format


@pytest.mark.parametrize("suffix", [".idx", ".idx.gz"])
@pytest.mark.parametrize("dtype", ["u1", "i1", "i2", "i4", "f4", "f8"])
@pytest.mark.parametrize("shape", [(7,), (3, 4, 5), (0, 28, 28), (2, 1, 3, 2)])
def test_idx_round_trip(tmp_path, suffix, dtype, shape):
    rng = np.random.default_rng(1)
    array = (rng.normal(size=shape) * 50).astype(dtype)
    path = write_idx(tmp_path / f"a{suffix}", array)
    back = read_idx(path)
    assert back.dtype == np.dtype(dtype) and back.shape == shape
    assert_array_equal(back, array)
    assert leftovers(tmp_path) == [path.name]  # no temporary file remains


def test_idx_header_is_the_published_layout(tmp_path):
    path = write_idx(tmp_path / "labels.idx", np.array([3, 1, 4], np.uint8))
    assert path.read_bytes() == bytes([0, 0, 8, 1, 0, 0, 0, 3, 3, 1, 4])


def write_raw(path, payload, compress=True):
    path.write_bytes(gzip.compress(payload) if compress else payload)
    return path


IMAGES_HEADER = bytes([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 28, 0, 0, 0, 28])
CORRUPT = {
    "bad magic": (bytes([0, 1, 8, 3]) + bytes(12 + 2 * 784), "bad magic number"),
    "unknown type": (bytes([0, 0, 7, 1, 0, 0, 0, 1, 5]), "bad magic number"),
    "empty": (b"", "truncated"),
    "short magic": (bytes([0, 0]), "truncated"),
    "truncated header": (IMAGES_HEADER[:10], "truncated header"),
    "truncated data": (IMAGES_HEADER + bytes(784 + 100), "truncated"),
    "trailing bytes": (IMAGES_HEADER + bytes(2 * 784 + 3), "unexpected bytes"),
}


@pytest.mark.parametrize("case", sorted(CORRUPT))
def test_idx_corruption_is_reported_with_the_file_name(tmp_path, case):
    payload, words = CORRUPT[case]
    path = write_raw(tmp_path / "train-images-idx3-ubyte.gz", payload)
    with pytest.raises(IDXFormatError, match=words) as info:
        read_idx(path)
    assert str(path) in str(info.value)


def test_idx_non_gzip_file(tmp_path):
    path = write_raw(tmp_path / "x.gz", IMAGES_HEADER + bytes(2 * 784), compress=False)
    with pytest.raises(IDXFormatError, match="not a valid gzip file") as info:
        read_idx(path)
    assert str(path) in str(info.value)


def test_idx_truncated_gzip_stream(tmp_path):
    path = write_idx(tmp_path / "x.gz", np.arange(5000, dtype=np.int32))
    path.write_bytes(path.read_bytes()[:-20])  # cut the stream's end
    with pytest.raises(IDXFormatError, match="truncated gzip") as info:
        read_idx(path)
    assert str(path) in str(info.value)


def test_idx_corrupt_gzip_bytes(tmp_path):
    rng = np.random.default_rng(0)
    path = write_idx(tmp_path / "x.gz", rng.integers(0, 256, 4000, dtype=np.uint8))
    raw = bytearray(path.read_bytes())
    raw[len(raw) // 2] ^= 0xFF  # flip a byte
    path.write_bytes(bytes(raw))
    with pytest.raises(IDXFormatError, match="gzip") as info:
        read_idx(path)
    assert str(path) in str(info.value)


def test_idx_expected_dims_and_type(tmp_path):
    path = write_idx(tmp_path / "x.gz", np.zeros((2, 3), np.uint8))
    with pytest.raises(IDXFormatError, match="declares 2 dimensions, expected 3"):
        read_idx(path, expected_ndim=3)
    with pytest.raises(IDXFormatError, match="element type int8, expected uint8"):
        read_idx(
            write_idx(tmp_path / "y.gz", np.zeros(3, np.int8)), expected_dtype=np.uint8
        )


def test_idx_missing_file_is_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_idx(tmp_path / "nothing.gz")


# ---------------------------------------------------------------- MNIST folder checks


def test_read_folder_round_trip(tmp_path):
    fake = make_mnist(tmp_path / "m")
    assert_same(mnist.read_folder(fake.folder), fake)


@pytest.mark.parametrize(
    "role, array, words",
    [
        ("train_images", np.zeros((12, 28, 27), np.uint8), "27 pixels, expected 28x28"),
        ("train_images", np.zeros((12, 784), np.uint8), "2 dimensions, expected 3"),
        (
            "test_labels",
            np.zeros((5, 1), np.uint8),
            "declares 2 dimensions, expected 1",
        ),
        ("test_labels", np.zeros(5, np.int32), "element type int32, expected uint8"),
        ("train_labels", np.zeros(11, np.uint8), "holds 11 labels, but .* 12 images"),
        (
            "test_images",
            np.zeros((4, 28, 28), np.uint8),
            "holds 5 labels, but .* 4 images",
        ),
        (
            "train_labels",
            np.full(12, 10, np.uint8),
            "label 10 found, expected 0..9",
        ),
    ],
)
def test_read_folder_rejects_inconsistent_files(tmp_path, role, array, words):
    fake = make_mnist(tmp_path / "m")
    write_idx(fake.folder / mnist.FILES[role], array)
    with pytest.raises(IDXFormatError, match=words) as info:
        mnist.read_folder(fake.folder)
    assert str(fake.folder) in str(info.value)


# ---------------------------------------------------------------- search order, cache


def test_search_order_explicit_then_env_then_cache(tmp_path, monkeypatch, isolated):
    explicit = make_mnist(tmp_path / "explicit", n_train=3)
    env = make_mnist(tmp_path / "env" / "mnist", n_train=4)
    cache = make_mnist(isolated, n_train=5)
    monkeypatch.setenv(paths.ENV_VAR, str(tmp_path / "env"))
    load = functools.partial(mnist.load_data, download=False)
    assert_same(load(explicit.folder, checksums=explicit.checksums), explicit)
    assert_same(load(checksums=env.checksums), env)
    monkeypatch.delenv(paths.ENV_VAR)
    assert_same(load(checksums=cache.checksums), cache)
    monkeypatch.setattr(mnist, "SHA256", cache.checksums)
    assert mnist.find() == isolated


def test_incomplete_folder_is_skipped(tmp_path, monkeypatch, isolated):
    env = make_mnist(tmp_path / "env" / "mnist", n_train=4)
    (env.folder / mnist.FILES["test_labels"]).unlink()
    cache = make_mnist(isolated, n_train=5)
    monkeypatch.setenv(paths.ENV_VAR, str(tmp_path / "env"))
    with pytest.warns(store.CacheWarning, match="passed over"):  # other checksums
        assert_same(mnist.load_data(download=False, checksums=cache.checksums), cache)


def test_explicit_data_dir_is_used_alone(tmp_path, isolated):
    make_mnist(isolated)  # present in the cache, but ...
    with pytest.raises(mnist.MNISTNotFoundError) as info:
        mnist.load_data(tmp_path / "elsewhere", download=False)  # ... not looked at
    message = str(info.value)
    assert str(tmp_path / "elsewhere") in message and "user cache" not in message
    assert f"ml4phys data mnist --data-dir {tmp_path / 'elsewhere'}" in message


def test_cache_dir_follows_xdg(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "c"))
    assert paths.cache_dir("mnist") == tmp_path / "c" / "ml4phys" / "mnist"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert paths.cache_dir("mnist") == Path.home() / ".cache" / "ml4phys" / "mnist"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/path")  # ignored (XDG spec)
    assert paths.cache_dir("mnist") == Path.home() / ".cache" / "ml4phys" / "mnist"


def test_offline_message_says_where_and_how(tmp_path, monkeypatch, isolated):
    monkeypatch.setenv(paths.ENV_VAR, str(tmp_path / "shared"))
    with pytest.raises(FileNotFoundError) as info:  # a FileNotFoundError
        mnist.load_data(download=False)
    assert isinstance(info.value, mnist.MNISTNotFoundError)
    message = str(info.value)
    for words in (
        str(tmp_path / "shared" / "mnist"),
        str(isolated),
        "ML4PHYS_DATA",
        "ml4phys data mnist",
        "download=False",
        *NAMES,
    ):
        assert words in message
    assert not isolated.exists()  # nothing was created


# ---------------------------------------------------------------- downloads


@pytest.fixture
def server(tmp_path):
    """A thread serving tmp_path/www on 127.0.0.1; /short/NAME lies about its length."""
    root = tmp_path / "www"
    root.mkdir()
    requests = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(root), **kwargs)

        def log_message(self, *args):
            pass

        def do_GET(self):
            requests.append(self.path)
            if self.path.startswith("/short/"):
                body = (root / "good" / Path(self.path).name).read_bytes()[:100]
                self.send_response(200)
                self.send_header("Content-Length", str(len(body) + 1000))
                self.end_headers()
                self.wfile.write(body)  # then the line closes
                return
            super().do_GET()

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield SimpleNamespace(
        root=root, url=f"http://127.0.0.1:{httpd.server_port}", requests=requests
    )
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def test_download_into_cache_then_cache_is_used(server, isolated):
    fake = make_mnist(server.root / "good")
    loaded = mnist.load_data(
        mirrors=[f"{server.url}/good/"], checksums=fake.checksums, progress=True
    )
    assert_same(loaded, fake)
    assert leftovers(isolated) == sorted(NAMES)  # no temporaries left
    assert len(server.requests) == 4
    assert_same(
        mnist.load_data(mirrors=[f"{server.url}/good/"], checksums=fake.checksums), fake
    )
    assert len(server.requests) == 4  # no second download


def test_failing_mirrors_fall_back_to_the_next(server, isolated):
    fake = make_mnist(server.root / "good")
    bad = make_mnist(server.root / "bad", seed=1)  # valid IDX, wrong bytes
    closed = "http://127.0.0.1:9/"  # discard port: refused
    mirrors = [
        closed,
        *(f"{server.url}/{where}" for where in ("missing/", "bad", "short", "good")),
    ]
    assert_same(
        mnist.load_data(mirrors=mirrors, checksums=fake.checksums, progress=False), fake
    )
    assert leftovers(isolated) == sorted(NAMES)
    assert bad.checksums != fake.checksums


def test_checksum_mismatch_leaves_nothing_behind(server, isolated):
    fake = make_mnist(server.root / "good")
    wrong = dict(fake.checksums, **{NAMES[0]: "0" * 64})
    with pytest.raises(mnist.MNISTNotFoundError, match="differs from the pub") as info:
        mnist.load_data(mirrors=[f"{server.url}/good"], checksums=wrong, progress=False)
    assert f"{server.url}/good/{NAMES[0]}" in str(info.value)
    assert not isolated.exists() and leftovers(isolated.parent.parent) == []


def test_failure_after_some_files_keeps_only_verified_ones(server, isolated):
    fake = make_mnist(server.root / "good")
    wrong = dict(fake.checksums, **{NAMES[3]: "0" * 64})
    with pytest.raises(mnist.MNISTNotFoundError, match=NAMES[3]):
        mnist.load_data(mirrors=[f"{server.url}/good"], checksums=wrong, progress=False)
    assert leftovers(isolated) == sorted(NAMES[:3])  # verified, complete
    server.requests.clear()
    assert_same(
        mnist.load_data(
            mirrors=[f"{server.url}/good"], checksums=fake.checksums, progress=False
        ),
        fake,
    )
    assert server.requests == [f"/good/{NAMES[3]}"]  # only the missing file


def test_incomplete_transfer_leaves_nothing(server, tmp_path):
    fake = make_mnist(server.root / "good")
    dest = tmp_path / "dest"
    dest.mkdir()
    with pytest.raises(DownloadError, match="incomplete|IncompleteRead"):
        download_file(
            NAMES[0],
            dest,
            [f"{server.url}/short"],
            fake.checksums[NAMES[0]],
            progress=False,
        )
    assert leftovers(dest) == []


def test_offline_download_message(isolated):
    with pytest.raises(mnist.MNISTNotFoundError) as info:
        mnist.load_data(
            mirrors=["http://127.0.0.1:9/mnist/"], progress=False, timeout=5
        )
    message = str(info.value)
    assert "download of train-images-idx3-ubyte.gz failed" in message
    assert "http://127.0.0.1:9/mnist/train-images-idx3-ubyte.gz" in message
    assert "ml4phys data mnist" in message
    assert not isolated.exists()


def test_download_from_file_urls_into_explicit_dir(tmp_path):
    fake = make_mnist(tmp_path / "source")
    target = tmp_path / "a" / "b"
    folder = mnist.fetch(
        target, progress=False, mirrors=[fake.folder.as_uri()], checksums=fake.checksums
    )
    assert folder == target
    assert_same(mnist.load_data(target, download=False, checksums=fake.checksums), fake)


def test_fetch_passes_over_a_corrupt_local_file(tmp_path, monkeypatch, isolated):
    fake = make_mnist(tmp_path / "shared" / "mnist")
    monkeypatch.setenv(paths.ENV_VAR, str(tmp_path / "shared"))
    assert mnist.fetch(checksums=fake.checksums) == fake.folder
    source = make_mnist(tmp_path / "source")  # the same files, to download from
    write_idx(fake.folder / NAMES[1], np.zeros(12, np.uint8))
    options = {"checksums": fake.checksums, "progress": False}
    with pytest.warns(store.CacheWarning, match=f"passed over: {NAMES[1]}: SHA-256"):
        folder = mnist.fetch(mirrors=[source.folder.as_uri()], **options)
    assert folder == isolated  # a good copy, downloaded into the cache
    with pytest.warns(store.CacheWarning):
        assert_same(mnist.load_data(**options), fake)
    assert (fake.folder / NAMES[1]).is_file()  # the user's folder is left alone
    with pytest.raises(mnist.MNISTNotFoundError, match=f"{NAMES[1]}: SHA-256 .* dif"):
        mnist.load_data(tmp_path / "shared" / "mnist", download=False, **options)


# ---------------------------------------------------------------- helpers


def test_as_float_and_one_hot():
    x = np.array([[[0, 255], [51, 102]]], np.uint8)  # one 2x2 image
    flat = mnist.as_float(x)
    assert flat.dtype == np.float32 and flat.shape == (1, 4)
    assert_array_equal(flat, np.array([[0, 1, 0.2, 0.4]], np.float32))
    image = mnist.as_float(x, shape="image")
    assert image.shape == (1, 2, 2, 1) and image[0, 1, 0, 0] == np.float32(0.2)
    assert mnist.as_float(x.reshape(1, 4), shape="image").shape == (1, 2, 2, 1)
    with pytest.raises(TypeError, match="already converted"):
        mnist.as_float(flat)
    with pytest.raises(ValueError, match="'flat' or 'image'"):
        mnist.as_float(x, shape="nchw")
    y = mnist.one_hot(np.array([3, 0, 9], np.uint8))
    assert y.shape == (3, 10) and y.dtype == np.float32
    assert_array_equal(y.argmax(axis=1), [3, 0, 9]) and y.sum() == 3


def test_lecture_split_on_small_files(tmp_path, monkeypatch):
    fake = make_mnist(tmp_path / "m", n_train=20, n_test=5)
    monkeypatch.setattr(mnist, "SHA256", fake.checksums)
    sizes = {"data_dir": fake.folder, "n_train": 12, "n_validation": 6}
    split = mnist.lecture_split(seed=3, **sizes)
    (x_tr, y_tr), (x_val, y_val), (x_te, y_te) = split
    assert x_tr.shape == (12, 784) and x_val.shape == (6, 784)
    assert x_te.shape == (5, 784)
    assert y_tr.shape == (12, 10) and y_tr.dtype == np.float32
    flat = fake.train_images.reshape(20, 784) / np.float32(255)
    rows = [
        int(np.flatnonzero((flat == row).all(axis=1))[0]) for row in (*x_tr, *x_val)
    ]
    assert len(set(rows)) == 18  # disjoint, no repeats
    assert_array_equal(y_tr.argmax(1), fake.train_labels[rows[:12]])
    assert_array_equal(x_te, mnist.as_float(fake.test_images))  # official order
    again = mnist.lecture_split(seed=3, **sizes)
    assert_array_equal(again[0][0], x_tr)
    other = mnist.lecture_split(seed=4, **sizes)
    assert not np.array_equal(other[0][0], x_tr)
    image = mnist.lecture_split(
        data_dir=fake.folder, shape="image", n_train=2, n_validation=2
    )
    assert image[0][0].shape == (2, 28, 28, 1)
    with pytest.raises(ValueError, match="exceeds"):
        mnist.lecture_split(data_dir=fake.folder, n_train=15, n_validation=6)


# ---------------------------------------------------------------- the real files


@pytest.fixture
def real_data(monkeypatch):
    if not REAL_DATA or not (Path(REAL_DATA) / "mnist").is_dir():
        pytest.skip("real MNIST files absent: set ML4PHYS_DATA=DIR with DIR/mnist/")
    monkeypatch.setenv(paths.ENV_VAR, REAL_DATA)
    return Path(REAL_DATA) / "mnist"


def test_real_mnist_files(real_data):
    (x_train, y_train), (x_test, y_test) = mnist.load_data(download=False)
    assert x_train.shape == (60000, 28, 28) and y_train.shape == (60000,)
    assert x_test.shape == (10000, 28, 28) and y_test.shape == (10000,)
    assert x_train.dtype == y_train.dtype == np.uint8
    assert_array_equal(
        np.bincount(y_train),
        [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949],
    )
    assert_array_equal(
        np.bincount(y_test), [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    )
    assert x_train.max() == 255 and round(float(x_train.mean()), 3) == 33.318
    assert round(float(x_test.mean()), 3) == 33.791
    assert mnist.fetch(progress=False) == real_data  # published SHA-256s


def test_real_lecture_split(real_data):
    (x_tr, y_tr), (x_val, y_val), (x_te, y_te) = mnist.lecture_split(seed=0)
    assert (len(x_tr), len(x_val), len(x_te)) == (45000, 5000, 10000)
    assert x_tr.shape[1:] == (784,) and x_tr.dtype == np.float32
    assert 0.0 == x_tr.min() and x_tr.max() == 1.0
    assert_array_equal(y_tr.sum(axis=1), 1.0)
    counts = y_val.sum(axis=0)
    assert counts.min() > 400 and counts.max() < 600  # a balanced draw


# ---------------------------------------------------------------- ml4phys data mnist


def test_cli_data_mnist_checks_and_prints_the_folder(tmp_path, monkeypatch, capsys):
    from ml4phys.cli import main

    fake = make_mnist(tmp_path / "m")
    monkeypatch.setattr(mnist, "SHA256", fake.checksums)  # "published" sums
    assert main(["data", "mnist", "--data-dir", str(fake.folder)]) == 0
    assert str(fake.folder) in capsys.readouterr().out
    write_idx(fake.folder / NAMES[2], np.zeros((5, 28, 28), np.uint8))
    monkeypatch.setattr(mnist, "MIRRORS", ((tmp_path / "offline").as_uri(),))
    with pytest.warns(store.CacheWarning, match="set aside"):
        assert main(["data", "mnist", "--data-dir", str(fake.folder)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("ml4phys: error:") and NAMES[2] in err
    assert "Traceback" not in err


def test_cli_data_mnist_offline(tmp_path, monkeypatch, capsys, isolated):
    from ml4phys.cli import main

    monkeypatch.setattr(mnist, "MIRRORS", ("http://127.0.0.1:9/",))
    assert main(["data", "mnist"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("ml4phys: error: MNIST not found")
    assert str(isolated) in err and "127.0.0.1:9" in err and not isolated.exists()
