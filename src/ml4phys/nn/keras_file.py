"""Keras 3's ``.keras`` files: written by ``model.save("m.keras")``, read by ``load_model``.

A ``.keras`` file is a zip of three members (Keras' ``saving_lib``):

* ``config.json``: the model's class (``Sequential`` or ``Functional``) and config: its
  layers, each as ``{"class_name", "config", "inbound_nodes"}``; a node's inputs name the
  layer, node index and tensor index that made them (``keras_history``).
* ``metadata.json``: the Keras version and date.
* ``model.weights.h5``: each layer's weights at ``layers/<group>/vars/0, 1, ...``
  (recurrent layers: ``layers/<group>/cell/vars/...``; an inner model:
  ``layers/<group>/layers/...``). ``<group>`` is the layer's class in snake case,
  numbered in the order of ``model.layers`` (``dense``, ``dense_1``, ...), not its name.

The optimizer state is not written: a model read back is uncompiled, as Keras' own is
when its file has no ``compile_config``.
"""

from __future__ import annotations

import datetime
import io
import json
import re
import zipfile

from ..common.files import write_atomic
from .keras_graph import model_to_keras

__all__ = ["keras_group_names", "read_keras_file", "read_weights", "save_keras"]

KERAS_VERSION = "3.15.1"  # the Keras whose files were checked against these
CELL_LAYERS = ("SimpleRNN", "LSTM", "GRU")


def _h5py():
    try:
        import h5py
    except ImportError:  # pragma: no cover - depends on the installation
        raise ImportError(
            ".keras files need h5py (for their model.weights.h5), a dependency of "
            "ml4phys that is missing here: pip install h5py"
        ) from None
    return h5py


def keras_group_names(items):
    """Keras' H5 group names: the class in snake case, numbered by repetition."""
    names, used = [], {}
    for item in items:
        name = _snake_case(_keras_class(item))
        if name in used:
            used[name] += 1
            name = f"{name}_{used[name]}"
        else:
            used[name] = 0
        names.append(name)
    return names


def _snake_case(name):
    """keras.src.utils.naming.to_snake_case: Conv2D -> conv2d, UpSampling2D -> up_sampling2d."""
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


def _keras_class(item):
    kind = type(item).__name__
    return "Functional" if kind == "Model" else kind


# -- writing --------------------------------------------------------------------------------


def save_keras(model, path):
    """Write ``model`` as Keras 3 does: config.json, metadata.json, model.weights.h5."""
    config, items = model_to_keras(model)
    metadata = {
        "keras_version": KERAS_VERSION,
        "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S"),
    }
    weights = _weights_h5(items)

    def write(file):
        with zipfile.ZipFile(file, "w") as archive:
            archive.writestr("metadata.json", json.dumps(metadata))
            archive.writestr("config.json", json.dumps(config))
            archive.writestr("model.weights.h5", weights)

    write_atomic(path, write)


def _weights_h5(items):
    """The bytes of model.weights.h5 for the layers ``items`` (in model.layers order)."""
    h5py = _h5py()
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as h5:
        h5.create_group("vars")
        _write_layers(h5.create_group("layers"), items)
    return buffer.getvalue()


def _write_layers(group, items):
    for item, name in zip(items, keras_group_names(items)):
        entry = group.create_group(name)
        if type(item).__name__ in CELL_LAYERS:
            entry.create_group("vars")
            entry = entry.create_group("cell")
        variables = entry.create_group("vars")
        for i, weight in enumerate(item.get_weights()):
            variables.create_dataset(str(i), data=weight)


# -- reading --------------------------------------------------------------------------------


def read_keras_file(path):
    """(config dict, bytes of model.weights.h5) of a .keras file, checked."""
    with zipfile.ZipFile(path) as archive:
        members = set(archive.namelist())
        if not {"config.json", "model.weights.h5"} <= members:
            raise ValueError(
                f"{path} is not a Keras 3 .keras file (it lacks config.json or "
                "model.weights.h5; files of Keras 2 were .h5, not .keras)"
            )
        return json.loads(archive.read("config.json")), archive.read("model.weights.h5")


def read_weights(weights, items, path):
    """Set the weights of ``items`` (as ``model_from_keras`` lists them) from the bytes
    of model.weights.h5.
    """
    with _h5py().File(io.BytesIO(weights), "r") as h5:
        _read_layers(h5.get("layers"), items, path)


def _read_layers(group, items, path):
    """Set each layer's weights from its group; ``items`` as model_from_keras gives."""
    layers = [item[0] if isinstance(item, tuple) else item for item in items]
    for item, name in zip(items, keras_group_names(layers)):
        if isinstance(item, tuple):  # an inner model and its items
            _read_layers(group[name]["layers"], item[1], path)
            continue
        n = len(item.params)
        if n == 0:
            continue
        entry = group.get(name) if group is not None else None
        if entry is not None and type(item).__name__ in CELL_LAYERS:
            entry = entry.get("cell")
        variables = entry.get("vars") if entry is not None else None
        if variables is None or len(variables) != n:
            found = 0 if variables is None else len(variables)
            raise ValueError(
                f"{path}: {item.describe()} has {n} weight arrays, the file "
                f"{found} at layers/{name}"
            )
        item.set_weights([variables[str(i)][()] for i in range(n)])
