"""One file per model: its config, weights and optimizer state (NumPy's .npz, a zip).

(A path ending in ``.keras`` gets Keras 3's format instead: see ``keras_file``. Both
are read by ``ml4phys.nn.models.load_model``.)

The file holds ``__ml4phys__``, a JSON header with a format name and version, the layer
configs and the compile settings; then the weights ``weight_0, weight_1, ...`` in
``get_weights`` order, and the optimizer's state. Writing goes to a temporary file in the
same folder that is renamed over the target, so a crash never leaves half a file.

``load_keras_weights`` copies the weights of a Keras model (or its ``get_weights()``
list) into an ml4phys model with the same layers.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np

from ..common.files import write_atomic

FORMAT, VERSION = "ml4phys-model", 1


def save_model(model, path):
    """Write a built model (layout, weights, optimizer state) to one .npz file."""
    from .. import __version__

    if not model.built:
        raise ValueError(
            "save: the model is not built yet (give input_shape= or train it)"
        )
    if not hasattr(model, "add"):
        raise ValueError(
            f"save: ml4phys' .npz file holds a Sequential model; save the functional "
            f"model {model.name!r} with a .keras path (Keras 3's format)"
        )
    header = {
        "format": FORMAT,
        "version": VERSION,
        "ml4phys_version": __version__,
        "name": model.name,
        "dtype": model.dtype.name,
        "seed": model.seed,
        "input_shape": list(model.input_shape),
        "rng_state": model.rng.bit_generator.state,  # dropout and shuffling go on
        "layers": [
            {"class_name": type(layer).__name__, "config": layer.get_config()}
            for layer in model.layers
        ],
    }
    arrays = {f"weight_{i}": w for i, w in enumerate(model.get_weights())}
    if model.loss is not None:
        header["compile"] = {
            "loss": model.loss.get_config(),
            "optimizer": model.optimizer.get_config(),
            "metrics": [name for name, _ in model.metrics],
            "iterations": model.optimizer.iterations,
        }
        for param_name, state in model.optimizer.state.items():
            for key, value in state.items():
                arrays[f"optimizer/{param_name}/{key}"] = value
    arrays["__ml4phys__"] = np.frombuffer(json.dumps(header).encode(), np.uint8)
    write_atomic(path, lambda f: np.savez(f, **arrays))


def read_archive(path, kind, file_format, version):
    """The JSON header and the arrays of an ml4phys .npz file, checked: a file that is not
    a readable .npz, has no ml4phys header, is of another format than ``file_format`` or
    of a version above ``version`` raises ValueError naming the file and the ``kind``
    ("model", "RBM") it should hold.
    """
    path = Path(path)
    try:
        with np.load(path, allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in archive.files}
        if "__ml4phys__" not in arrays:
            raise KeyError("__ml4phys__")
        header = json.loads(arrays.pop("__ml4phys__").tobytes().decode())
    except FileNotFoundError:
        raise
    except KeyError:
        raise ValueError(
            f"{path} is not an ml4phys {kind} file (no ml4phys header)"
        ) from None
    except (
        zipfile.BadZipFile,
        OSError,
        EOFError,
        ValueError,
        UnicodeDecodeError,
        AttributeError,
    ) as error:  # np.load takes unknown bytes for a pickle
        raise ValueError(
            f"{path} is not a readable ml4phys {kind} file ({error})"
        ) from None
    if header.get("format") != file_format:
        raise ValueError(
            f"{path} is not an ml4phys {kind} file (format "
            f"{header.get('format')!r}, expected {file_format!r})"
        )
    if header.get("version", 0) > version:
        raise ValueError(
            f"{path} was written by a newer ml4phys ({kind} file version "
            f"{header['version']}, this one reads up to {version})"
        )
    return header, arrays


def load_keras_weights(model, source):
    """Copy weights from Keras into ``model``, layer by layer, checking every shape.

    ml4phys's layers keep Keras' layouts and order (Dense kernel (n_in, n_out), then the
    bias; Conv2D kernel (kh, kw, c_in, c_out); recurrent kernels with Keras' gate order),
    so the arrays of ``get_weights()`` are copied as they are. Keras need not be
    installed to load a plain list of arrays.

    Parameters
    ----------
    model : Sequential
        A built ml4phys model with the same layers as the Keras model.
    source : keras.Model, or list of ndarray
        A Keras model (its layers with weights are matched in order with the layers of
        ``model`` that have parameters, and their class names must agree), or the flat
        list ``keras_model.get_weights()`` (for example saved with ``np.savez``).

    Returns
    -------
    Sequential
        ``model``, its weights replaced in place (float32 unless it is float64).

    Raises
    ------
    ValueError
        If the model is not built, the number of layers or arrays differs, a class name
        differs, or an array has the wrong shape (the message names the layer).

    Examples
    --------
    >>> import numpy as np
    >>> from ml4phys.nn.layers import Dense
    >>> from ml4phys.nn.models import Sequential
    >>> net = Sequential([Dense(3, activation="relu", input_shape=(2,)), Dense(1)])
    >>> weights = [np.ones((2, 3)), np.zeros(3), np.ones((3, 1)), np.array([0.5])]
    >>> net = load_keras_weights(net, weights)      # as from keras_model.get_weights()
    >>> net.predict(np.array([[1.0, 2.0]]), verbose=0)
    array([[9.5]], dtype=float32)
    """
    if not model.built:
        raise ValueError(
            "load_keras_weights: build the model first (give input_shape=)"
        )
    targets = [layer for layer in model.layers if layer.params]
    if hasattr(source, "layers"):
        _copy_from_keras_model(source, targets)
    else:
        _copy_from_array_list([np.asarray(w) for w in source], targets)
    return model


def _copy_from_keras_model(source, targets):
    """Keras' layers with weights, matched in order with ours, class names checked."""
    sources = [layer for layer in source.layers if layer.get_weights()]
    if len(sources) != len(targets):
        raise ValueError(
            f"load_keras_weights: the Keras model has {len(sources)} layers "
            f"with weights, this model {len(targets)}"
        )
    for theirs, ours in zip(sources, targets):
        if type(theirs).__name__ != type(ours).__name__:
            raise ValueError(
                f"load_keras_weights: Keras layer {theirs.name!r} is a "
                f"{type(theirs).__name__}, but {ours.describe()} is not"
            )
        arrays = [np.asarray(w) for w in theirs.get_weights()]
        _set_layer_weights(ours, arrays, f"Keras layer {theirs.name!r}")


def _copy_from_array_list(arrays, targets):
    """The flat list of get_weights(), cut layer by layer."""
    expected = sum(len(layer.params) for layer in targets)
    if len(arrays) != expected:
        raise ValueError(
            f"load_keras_weights: this model has {expected} weight arrays, "
            f"received {len(arrays)}"
        )
    start = 0
    for ours in targets:
        n = len(ours.params)
        _set_layer_weights(
            ours, arrays[start : start + n], f"arrays {start}..{start + n - 1}"
        )
        start += n


def _set_layer_weights(layer, arrays, origin):
    """layer.set_weights(arrays), its error prefixed with where the arrays came from."""
    try:
        layer.set_weights(arrays)
    except ValueError as error:
        raise ValueError(f"load_keras_weights: {origin}: {error}") from None
