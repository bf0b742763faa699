"""Backpropagation through a graph of layers (lecture: "Backpropagation"), by hand.

Forward runs the nodes in a topological order, each after the nodes that feed it.
Backward runs them in the reverse order: a node receives Delta = dC_n/d(its output) and
its layer's ``backward`` returns the Delta of its inputs. Where a tensor fans out into
several nodes, C depends on it through each use, so the Deltas coming back are added.
A layer used at several nodes (a shared layer) keeps its forward state per node (the
next use overwrites it) and gets its gradients summed over its uses:
dC/dtheta = sum over uses u of dC/dtheta|_u.
"""

from __future__ import annotations

import numpy as np

__all__ = ["backward_graph", "forward_graph", "shared_layers"]


def forward_graph(model, arrays, training):
    """The output batches: each node in topological order, on its input batches."""
    values = dict(zip(model.inputs, arrays))  # tensor -> its batch
    for node in model._nodes:
        args = [values[t] for t in node.inputs]
        layer = node.layer
        values[node.output] = layer.forward(args if node.merges else args[0], training)
        if training and layer in model._shared:
            model._saved[node] = _state(layer)  # the next use overwrites it
    return [values[t] for t in model.outputs]


def backward_graph(model, output_deltas, fused, input_delta=False):
    """Reverse topological order; Deltas of a tensor used several times are added."""
    deltas = {}  # tensor -> dC_n/d(tensor), summed over the tensor's uses
    for tensor, delta in zip(model.outputs, output_deltas):
        _add_delta(deltas, tensor, delta)
    fused_nodes = {t.node for t, f in zip(model.outputs, fused) if f}
    summed = {}  # shared layer -> its gradients summed over the uses so far
    for node in reversed(model._nodes):
        delta = deltas.pop(node.output, None)
        if delta is None:
            continue
        layer = node.layer
        if node in model._saved:
            vars(layer).update(model._saved[node])
        if node in fused_nodes:
            delta_below = layer.backward_dz(delta)  # dC/dz = y - y_target, fused
        else:
            delta_below = layer.backward(delta)
        if layer in model._shared:
            _sum_over_uses(layer, summed)
        if delta_below is None:  # no parameters below
            continue
        for tensor, d in zip(
            node.inputs, delta_below if node.merges else [delta_below]
        ):
            if tensor.node is not None or input_delta:
                _add_delta(deltas, tensor, d)
    return [deltas.get(t) for t in model.inputs]


def shared_layers(nodes):
    """Layers called at more than one node."""
    counts = {}
    for node in nodes:
        counts[node.layer] = counts.get(node.layer, 0) + 1
    return {layer for layer, count in counts.items() if count > 1}


def _state(layer):
    """What a training forward left in the layer (arrays copied), to restore before backward."""
    return {
        key: value.copy() if isinstance(value, np.ndarray) else value
        for key, value in vars(layer).items()
        if key not in ("params", "grads", "propagate_delta")
    }


def _add_delta(deltas, tensor, delta):
    """Delta of a tensor that fans out: the sum of the Deltas from all its uses."""
    deltas[tensor] = delta if tensor not in deltas else deltas[tensor] + delta


def _sum_over_uses(layer, summed):
    """dC/dtheta = sum over the uses of a shared layer (backward overwrote grads)."""
    if layer in summed:
        for key, grad in layer.grads.items():
            grad += summed[layer][key]
    summed[layer] = {key: grad.copy() for key, grad in layer.grads.items()}
