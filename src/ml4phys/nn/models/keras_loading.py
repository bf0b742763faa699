"""Models from Keras 3's config.json (see ``ml4phys.nn.keras_file`` for the format).

A functional config lists each layer with the nodes that call it; a node's inputs name
the layer, node index and tensor index that made them (``keras_history``). The layers
are made first, then called on their nodes' tensors as soon as those exist, in each
layer's order of nodes, as Keras does.
"""

from __future__ import annotations

from .. import validation
from ..keras_config import layer_from_keras
from ..keras_file import read_keras_file, read_weights
from ..layers.input_layer import Input
from .functional import Model
from .sequential import Sequential

__all__ = ["load_keras", "model_from_keras"]


def load_keras(path, custom_objects=None, allow_nonfinite=False):
    """A model from a .keras file (Keras 3's or ml4phys'); uncompiled."""
    config, weights = read_keras_file(path)
    model, items = model_from_keras(config, custom_objects)
    read_weights(weights, items, path)
    weights = dict(enumerate(model.get_weights()))
    validation.check_loaded_weights(path, weights, allow_nonfinite)
    return model


def model_from_keras(spec, custom_objects=None):
    """(model, items): the model of a config.json, and its weight-group order.

    ``items`` lists the layers in the order Keras numbers their weight groups; an inner
    model appears as ``(model, its items)``.
    """
    class_name, config = spec["class_name"], spec["config"]
    if class_name == "Sequential":
        layers, shape = [], config.get("build_input_shape")
        for entry in config["layers"]:
            if entry["class_name"] == "InputLayer":
                shape = entry["config"]["batch_shape"]
            else:
                layers.append(_make_layer(entry, custom_objects))
        model = Sequential(name=config.get("name"))
        if shape is not None:
            model.add(Input(shape=tuple(shape[1:])))
        for layer, inner_items in layers:
            if inner_items is not None:
                raise ValueError("a model inside a Sequential: not supported yet")
            model.add(layer)
        return model, [layer for layer, _ in layers]
    if class_name not in ("Functional", "Model"):
        raise ValueError(
            f"a Keras model of class {class_name} (a subclassed model?): ml4phys "
            "reads Sequential and functional models"
        )
    return _functional_from_keras(config, custom_objects)


def _make_layer(entry, custom_objects):
    if entry["class_name"] in ("Sequential", "Functional", "Model"):
        return model_from_keras(entry, custom_objects)
    return layer_from_keras(entry["class_name"], entry["config"], custom_objects), None


def _functional_from_keras(config, custom_objects):
    created, items, made = {}, [], {}  # made: (layer name, node index) -> tensor
    for entry in config["layers"]:
        if entry["class_name"] == "InputLayer":
            batch_shape = entry["config"]["batch_shape"]
            tensor = Input(shape=tuple(batch_shape[1:]), name=entry["name"])
            created[entry["name"]] = tensor.input_layer
            made[entry["name"], 0] = tensor
            items.append(tensor.input_layer)
            continue
        layer, inner_items = _make_layer(entry, custom_objects)
        created[entry["name"]] = layer
        items.append(layer if inner_items is None else (layer, inner_items))
    _call_nodes(config["layers"], created, made)
    inputs = [_made(h, created, made) for h in _histories(config["input_layers"])]
    outputs = [_made(h, created, made) for h in _histories(config["output_layers"])]
    single = not isinstance(config["output_layers"][0], list)
    model = Model(inputs, outputs[0] if single else outputs, name=config.get("name"))
    return model, items


def _call_nodes(entries, created, made):
    """Call each layer on its inbound nodes' tensors, once those tensors exist."""
    pending = [
        (entry["name"], i, node)
        for entry in entries
        for i, node in enumerate(entry.get("inbound_nodes", []))
    ]
    while pending:
        waiting, blocked = [], set()
        for name, i, node in pending:
            args = node["args"][0]
            histories = [a["config"]["keras_history"] for a in _flat(args)]
            if name in blocked or any((h[0], h[1]) not in made for h in histories):
                waiting.append((name, i, node))
                blocked.add(name)  # a layer's nodes are made in their order
                continue
            tensors = [made[h[0], h[1]] for h in histories]
            made[name, i] = created[name](
                tensors if isinstance(args, list) else tensors[0]
            )
        if len(waiting) == len(pending):
            raise ValueError(
                f"config.json: the graph cannot be rebuilt at layers "
                f"{sorted({name for name, _, _ in waiting})}"
            )
        pending = waiting


def _made(history, created, made):
    """The tensor that input_layers / output_layers name.

    There, unlike in a node's arguments, Keras counts an inner model's own first node
    (its construction) among its nodes.
    """
    name, index = history[0], history[1]
    offset = 1 if type(created[name]).__name__ == "Model" else 0
    return made[name, index - offset]


def _flat(args):
    return args if isinstance(args, list) else [args]


def _histories(value):
    return [value] if isinstance(value[0], str) else value
