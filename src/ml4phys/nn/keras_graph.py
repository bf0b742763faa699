"""A model's config.json in Keras 3's schema (see ``keras_file``; read: ``models.keras_loading``).

Keras lists a functional model's layers (and numbers their weight groups) in its own
order: by depth, the largest number of layers between a layer and an output first, ties
in the order a depth-first walk back from the outputs meets them
(``keras.src.ops.function.map_graph``). ``keras_layer_order`` computes the same order,
so that Keras finds each layer's weights under the group it expects.
"""

from __future__ import annotations

from .graph import Node
from .keras_config import layer_to_keras

__all__ = ["keras_layer_order", "model_to_keras"]


def model_to_keras(model):
    """(config dict, the layers in the order of the weight groups) for ``model``."""
    dtype = model.dtype.name
    if not hasattr(model, "_nodes"):  # Sequential
        shape = [None, *model.input_shape]
        entries = [_input_entry("input_layer", shape, dtype)]
        entries += [_layer_entry(layer, dtype) for layer in model.layers]
        config = {"name": model.name, "trainable": True, "dtype": dtype}
        config.update(layers=entries, build_input_shape=shape)
        return _wrap("keras", "Sequential", config, shape), list(model.layers)
    order = keras_layer_order(model.inputs, model.outputs)
    node_index = _node_indices(model)
    entries = []
    for item in order:
        if item in [t.input_layer for t in model.inputs]:
            shape = [None, *item.output_shape]
            entries.append(
                {**_input_entry(item.name, shape, dtype), "inbound_nodes": []}
            )
            continue
        nodes = [n for n in model._nodes if n.layer is item]
        inbound = [_node_entry(n, node_index, dtype) for n in nodes]
        entries.append({**_layer_entry(item, dtype), "inbound_nodes": inbound})
    config = {"name": model.name, "trainable": True, "layers": entries}
    config["input_layers"] = _history_list(model.inputs, node_index)
    config["output_layers"] = _history_list(model.outputs, node_index)
    wrapped = _wrap("keras.src.models.functional", "Functional", config, None)
    return wrapped, order


def keras_layer_order(inputs, outputs):
    """Keras' ``model.layers`` for a graph: InputLayers and layers by depth (see above)."""
    index, post, finished = {}, [], set()

    def visit(node):
        if node in finished:
            return
        index.setdefault(_operation(node), len(index))  # first meeting, preorder
        for parent in _parents(node):
            visit(parent)
        finished.add(node)
        post.append(node)

    for tensor in outputs:
        visit(_producer(tensor))
    depth, operation_depth = {}, {}
    for node in reversed(post):  # from the outputs back
        d = max(depth.setdefault(node, 0), operation_depth.get(_operation(node), 0))
        operation_depth[_operation(node)] = depth[node] = d
        for parent in _parents(node):
            depth[parent] = max(d + 1, depth.get(parent, 0))
    for tensor in inputs:  # an input that no output depends on
        if tensor.input_layer not in operation_depth:
            operation_depth[tensor.input_layer], index[tensor.input_layer] = 0, -1
    return sorted(operation_depth, key=lambda op: (-operation_depth[op], index[op]))


def _producer(tensor):
    """The node that makes a tensor; for an input, the tensor stands for its node."""
    return tensor.node if tensor.node is not None else tensor


def _operation(node):
    return node.layer if isinstance(node, Node) else node.input_layer


def _parents(node):
    return [_producer(t) for t in node.inputs] if isinstance(node, Node) else []


def _node_indices(model):
    """node -> its index among its layer's nodes (Keras' node_index)."""
    counts, indices = {}, {}
    for node in model._nodes:
        indices[node] = counts.get(node.layer, 0)
        counts[node.layer] = indices[node] + 1
    return indices


def _history(tensor, node_index):
    if tensor.node is None:
        return [tensor.input_layer.name, 0, 0]
    return [tensor.node.layer.name, node_index[tensor.node], 0]


def _history_list(tensors, node_index):
    histories = [_history(t, node_index) for t in tensors]
    return histories[0] if len(histories) == 1 else histories


def _node_entry(node, node_index, dtype):
    tensors = [
        {
            "class_name": "__keras_tensor__",
            "config": {
                "shape": list(t.shape),
                "dtype": dtype,
                "keras_history": _history(t, node_index),
            },
        }
        for t in node.inputs
    ]
    return {"args": [tensors] if node.merges else tensors, "kwargs": {}}


def _input_entry(name, batch_shape, dtype):
    config = {"batch_shape": batch_shape, "dtype": dtype, "sparse": False, "name": name}
    return {
        "module": "keras.layers",
        "class_name": "InputLayer",
        "config": config,
        "registered_name": None,
        "name": name,
    }


def _layer_entry(layer, dtype):
    shape = layer.build_input_shape
    if isinstance(shape, list):
        build_shape = [[None, *s] for s in shape]
    else:
        build_shape = [None, *shape]
    return {
        "module": "keras.layers",
        "class_name": type(layer).__name__,
        "config": layer_to_keras(layer, dtype),
        "registered_name": _registered_name(layer),
        "build_config": {"input_shape": build_shape},
        "name": layer.name,
    }


def _registered_name(layer):
    """Keras' name of a class of one's own (its ``custom_objects`` key)."""
    kind = type(layer)
    return None if kind.__module__.startswith("ml4phys.") else kind.__name__


def _wrap(module, class_name, config, input_shape):
    return {
        "module": module,
        "class_name": class_name,
        "config": config,
        "registered_name": None if class_name == "Sequential" else class_name,
        "build_config": {"input_shape": input_shape},
    }
