"""Symbolic tensors: how the functional API records a graph of layers (Keras' KerasTensor).

``Input(shape=(4,))`` (``layers.input_layer``) makes a tensor that holds no numbers, only
the shape of one sample. Calling a layer on symbolic tensors records a ``Node`` (the
layer, the tensors it reads, the tensor it makes) and returns that output, again symbolic.
``Model(inputs, outputs)`` walks back from the outputs to every node and sorts the nodes
so that each comes after the nodes that feed it (a topological order): forward runs them
in that order, backward in the reverse order.
"""

from __future__ import annotations

import numpy as np

__all__ = ["Node", "SymbolicTensor", "call_layer", "topological_order"]


class SymbolicTensor:
    """A placeholder for a batch: its shape (batch axis None) and the node that makes it.

    Attributes
    ----------
    shape : tuple
        ``(None, *sample_shape)``, as Keras shows it.
    node : Node or None
        The layer call that computes this tensor; None for an ``Input``.
    name : str
        For an ``Input``, the name Keras would give its InputLayer.
    """

    def __init__(self, sample_shape, node=None, name=None):
        self.shape = (None, *sample_shape)
        self.node = node
        self.name = name

    @property
    def sample_shape(self):
        return self.shape[1:]

    def __repr__(self):
        made_by = self.node.layer.describe() if self.node else f"Input {self.name!r}"
        return f"<SymbolicTensor shape={self.shape}, made by {made_by}>"


class Node:
    """One call of a layer in a graph: ``output = layer(inputs)``.

    ``merges`` is True for a merge layer, which reads the list ``inputs``; any other
    layer reads ``inputs[0]``. ``group`` is the model whose call put the node here (an
    encoder inside an autoencoder), for ``summary()`` and ``model.layers``.
    """

    def __init__(self, layer, inputs, output_shape, merges, group=None):
        self.layer, self.inputs, self.merges, self.group = layer, inputs, merges, group
        self.output = SymbolicTensor(output_shape, node=self)

    @property
    def parents(self):
        return [t.node for t in self.inputs if t.node is not None]


def is_symbolic(x):
    """True for a SymbolicTensor or a non-empty list of them (a merge layer's input)."""
    if isinstance(x, SymbolicTensor):
        return True
    return (
        isinstance(x, (list, tuple))
        and len(x) > 0
        and all(isinstance(t, SymbolicTensor) for t in x)
    )


def call_layer(layer, inputs, group=None):
    """Record ``layer(inputs)`` as a node and return its symbolic output.

    A layer not built yet is built now for these shapes, with a scratch generator, so
    that the shapes of the following layers are known; the model that owns it rebuilds
    it with the model's own seeded generator. A built layer (a shared one, or one of a
    model used as a layer) keeps its weights, and must be called on the shapes it was
    built for.
    """
    merges = isinstance(inputs, (list, tuple))
    tensors = list(inputs) if merges else [inputs]
    shape = [t.sample_shape for t in tensors] if merges else tensors[0].sample_shape
    built_for = getattr(layer, "build_input_shape", None)
    if layer.built and built_for is not None:
        if _as_key(built_for) != _as_key(shape):
            raise ValueError(
                f"{layer.describe()}: built for inputs of shape {built_for}, "
                f"called on {shape}"
            )
        output_shape = layer.output_shape
    else:
        output_shape = build_layer(layer, shape, np.random.default_rng(0), np.float32)
        layer.scratch_built = True  # the model rebuilds it with its own rng
    return Node(layer, tensors, tuple(output_shape), merges, group).output


def build_layer(layer, input_shape, rng, dtype):
    """``layer.build`` that also records the input shape (to check later calls)."""
    output_shape = tuple(layer.build(_as_arg(input_shape), rng, dtype))
    layer.output_shape = output_shape  # a layer of one's own may leave it unset
    layer.build_input_shape = _as_arg(input_shape)
    layer.scratch_built = False
    return tuple(output_shape)


def _as_arg(shape):
    """A merge layer's build takes a list of shapes, any other layer one tuple."""
    return [tuple(s) for s in shape] if isinstance(shape, list) else tuple(shape)


def _as_key(shape):
    return _as_arg(list(shape) if isinstance(shape, list) else shape)


def topological_order(outputs):
    """Every node that the outputs depend on, each after all of its parents.

    Depth-first from the outputs, appending a node once its parents are appended (the
    reverse postorder of the reversed graph); the order of the outputs and of each node's
    inputs decides ties, so a chain comes out in the order it was written.
    """
    order, done, active = [], set(), set()

    def visit(node):
        if node in done:
            return
        if node in active:
            raise ValueError(f"the graph has a cycle through {node.layer.describe()}")
        active.add(node)
        for parent in node.parents:
            visit(parent)
        active.discard(node)
        done.add(node)
        order.append(node)

    for tensor in outputs:
        if tensor.node is not None:
            visit(tensor.node)
    return order
