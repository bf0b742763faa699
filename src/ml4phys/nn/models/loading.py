"""``load_model``: a model from an ml4phys .npz file or a Keras 3 ``.keras`` file.

The writers (``ml4phys.nn.saving``, ``ml4phys.nn.keras_file``) know nothing of the model
classes; reading builds them, so it lives here, beside them.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from .. import activations, layers, optimizers, validation
from ..saving import FORMAT, VERSION, read_archive
from .keras_loading import load_keras
from .sequential import Sequential

__all__ = ["load_model"]


def load_model(path, custom_objects=None, *, allow_nonfinite=False):
    """A model from an ml4phys .npz file, or from a .keras file of Keras 3 or ml4phys.

    A file whose weights hold NaN or inf is refused unless ``allow_nonfinite``.
    """
    path = Path(path)
    if path.exists() and not zipfile.is_zipfile(path):
        raise ValueError(
            f"{path} is not a readable ml4phys model file (not a zip archive)"
        )
    if path.exists() and _is_keras_file(path):
        return load_keras(path, custom_objects, allow_nonfinite=allow_nonfinite)
    return _load_npz_model(path, custom_objects, allow_nonfinite)


def _is_keras_file(path):
    with zipfile.ZipFile(path) as archive:
        return "config.json" in archive.namelist()


def _load_npz_model(path, custom_objects, allow_nonfinite):
    header, arrays = read_archive(path, "model", FORMAT, VERSION)
    validation.check_loaded_weights(path, arrays, allow_nonfinite)
    objects = dict(custom_objects or {})
    model = Sequential(name=header["name"], seed=header["seed"], dtype=header["dtype"])
    for spec in header["layers"]:
        config = dict(spec["config"])
        if (
            isinstance(config.get("activation"), str)
            and config["activation"] in objects
        ):
            config["activation"] = activations.get(objects[config["activation"]])
        model.add(layers.get(spec["class_name"], objects).from_config(config))
    if not model.built:
        model.build(tuple(header["input_shape"]))
    model.rng.bit_generator.state = header["rng_state"]
    n_weights = sum(1 for name in arrays if name.startswith("weight_"))
    model.set_weights([arrays[f"weight_{i}"] for i in range(n_weights)])
    if "compile" in header:
        _restore_compile(model, header["compile"], arrays)
    return model


def _restore_compile(model, settings, arrays):
    """compile as saved, and the optimizer's state (its moments) as it was."""
    model.compile(
        optimizer=optimizers.get(settings["optimizer"]),
        loss=settings["loss"],
        metrics=settings["metrics"],
    )
    model.optimizer.iterations = settings["iterations"]
    for name, value in arrays.items():
        if name.startswith("optimizer/"):
            param_name, key = name[len("optimizer/") :].rsplit("/", 1)
            model.optimizer.state.setdefault(param_name, {})[key] = value.copy()
