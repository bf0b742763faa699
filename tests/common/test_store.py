"""ml4phys.common.store: the registry, healing caches, refresh, Fashion-MNIST.

Mirrors are file:// URLs of tmp folders; no test touches the internet.
"""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from ml4phys.common import paths, store

from .fake_idx import make_files


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv(paths.ENV_VAR, raising=False)
    return tmp_path / "xdg" / "ml4phys"


def test_registry_and_unknown_name():
    assert set(store.DATASETS) == {"mnist", "fashion_mnist"}
    for spec in store.DATASETS.values():
        assert sorted(spec.sha256) == sorted(spec.files.values())
        assert all(len(h) == 64 for h in spec.sha256.values())
    with pytest.raises(ValueError, match="dataset name must be one of .* 'cifar'"):
        store.load_dataset("cifar")


def test_fashion_mnist_downloads_into_the_cache_and_loads(tmp_path, cache):
    arrays, sums = make_files(tmp_path / "www")
    mirror = (tmp_path / "www").as_uri()
    options = {"mirrors": [mirror], "checksums": sums, "progress": False}
    (x_train, y_train), (x_test, _) = store.load_dataset("fashion_mnist", **options)
    assert x_train.dtype == np.uint8 and x_train.shape == (6, 28, 28)
    assert_array_equal(x_test, arrays["test_images"])
    assert_array_equal(y_train, arrays["train_labels"])
    assert store.find("fashion_mnist", checksums=sums) == cache / "fashion_mnist"


def test_a_corrupt_cached_file_is_set_aside_and_downloaded_again(tmp_path, cache):
    arrays, sums = make_files(tmp_path / "www")
    options = {"mirrors": [(tmp_path / "www").as_uri()], "checksums": sums}
    folder = store.fetch("fashion_mnist", progress=False, **options)
    victim = folder / "t10k-images-idx3-ubyte.gz"
    victim.write_bytes(victim.read_bytes()[:50])  # truncated
    with pytest.warns(store.CacheWarning, match="set aside as .*gz.bad"):
        (_, _), (x_test, _) = store.load_dataset(
            "fashion_mnist", progress=False, **options
        )
    assert_array_equal(x_test, arrays["test_images"])
    assert (folder / "t10k-images-idx3-ubyte.gz.bad").stat().st_size == 50


def test_a_corrupt_copy_without_download_is_a_clear_error(tmp_path, cache):
    _, sums = make_files(cache / "fashion_mnist")
    (cache / "fashion_mnist" / "train-labels-idx1-ubyte.gz").write_bytes(b"junk")
    with (
        pytest.raises(store.DatasetNotFoundError) as info,
        pytest.warns(store.CacheWarning, match="passed over"),
    ):
        store.load_dataset("fashion_mnist", download=False, checksums=sums)
    message = str(info.value)
    assert "train-labels-idx1-ubyte.gz: SHA-256" in message
    assert (
        "download=False" in message and "ml4phys.common.store fashion_mnist" in message
    )


def test_refresh_downloads_again(tmp_path, cache):
    _, sums = make_files(tmp_path / "www")
    options = {"mirrors": [(tmp_path / "www").as_uri()], "checksums": sums}
    folder = store.fetch("fashion_mnist", progress=False, **options)
    stamp = (folder / "train-images-idx3-ubyte.gz").stat().st_ino
    store.fetch("fashion_mnist", progress=False, **options)
    assert (folder / "train-images-idx3-ubyte.gz").stat().st_ino == stamp
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        store.fetch("fashion_mnist", progress=False, refresh=True, **options)
    assert (folder / "train-images-idx3-ubyte.gz").stat().st_ino != stamp
