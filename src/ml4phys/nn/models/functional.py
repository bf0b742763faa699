"""Model(inputs, outputs): Keras' functional API, a directed acyclic graph of layers.

    x = Input(shape=(784,))
    h = Dense(32, activation="relu")(x)
    y = Dense(10, activation="softmax")(h)
    model = Model(x, y)

The graph's nodes are sorted so that each comes after the nodes that feed it; forward
and backward through them are in ``backprop``.
"""

from __future__ import annotations

import numpy as np

from ..graph import (
    SymbolicTensor,
    build_layer,
    call_layer,
    is_symbolic,
    topological_order,
)
from .backprop import backward_graph, forward_graph, shared_layers
from .base import BaseModel
from .naming import matches_shape, snake_case, unique_name

__all__ = ["Model"]


class Model(BaseModel):
    """A graph of layers from symbolic inputs to outputs (Keras' functional API).

    Parameters
    ----------
    inputs : SymbolicTensor or list of them
        What ``Input(shape=...)`` returned.
    outputs : SymbolicTensor or list of them
        Tensors computed from ``inputs`` by calling layers (or models) on them.
    name : str, optional
    seed : int, optional
        Seeds the initial weights of the layers not built yet, dropout and shuffling.
    dtype : str
        ``'float32'`` (default) or ``'float64'``.

    Examples
    --------
    >>> from ml4phys.nn import Input, Model, layers
    >>> x = Input(shape=(4,))
    >>> h = layers.Dense(8, activation="tanh")(x)
    >>> y = layers.Concatenate()([h, x])              # a skip connection
    >>> model = Model(x, layers.Dense(1)(y), seed=0)
    >>> model.predict(np.ones((3, 4)), verbose=0).shape
    (3, 1)
    """

    def __init__(
        self, inputs=None, outputs=None, name=None, *, seed=None, dtype="float32"
    ):
        if inputs is None or outputs is None:
            raise TypeError(
                "Model needs inputs and outputs: Model(inputs, outputs) (the functional "
                "API). Subclassed models (a call() of your own) are not supported; "
                "write a Layer with forward and backward instead"
            )
        super().__init__(name or "functional", seed, dtype)
        self._single_output = isinstance(outputs, SymbolicTensor)
        self.inputs = _tensor_list(inputs, "inputs")
        self.outputs = _tensor_list(outputs, "outputs")
        self._nodes = topological_order(self.outputs)
        self._check_inputs()
        self._name_layers()
        self._shared = shared_layers(self._nodes)
        self._saved = {}  # node -> its shared layer's state after that node's forward
        for node in self._nodes:
            self._build_node(node)
        self._gather_params()

    # -- building ----------------------------------------------------------------------

    def _check_inputs(self):
        for tensor in self.inputs:
            if getattr(tensor, "input_layer", None) is None:
                raise ValueError(
                    f"Model inputs must come from Input(), received {tensor}"
                )
        for node in self._nodes:
            for tensor in node.inputs:
                if tensor.node is None and not any(tensor is t for t in self.inputs):
                    raise ValueError(
                        f"{node.layer.describe()} reads the Input {tensor.name!r}, "
                        "which is not among the model's inputs"
                    )

    def _name_layers(self):
        """Unnamed layers get Keras' names; a name used twice gets a suffix."""
        taken = {t.input_layer.name for t in self.inputs}
        for layer in self._unique_layers():
            if layer.name is None or layer.name in taken:
                base = layer.name or snake_case(type(layer).__name__)
                layer.name = unique_name(base, taken)
            taken.add(layer.name)

    def _build_node(self, node):
        """Build with the model's generator a layer built only for shape inference."""
        layer = node.layer
        if getattr(layer, "scratch_built", False):
            shapes = [t.sample_shape for t in node.inputs]
            build_layer(
                layer, shapes if node.merges else shapes[0], self.rng, self.dtype
            )
        elif any(p.dtype != self.dtype for p in layer.params.values()):
            raise ValueError(
                f"{layer.describe()}: built in another dtype than this model's "
                f"{self.dtype.name} (by another model)"
            )

    def _unique_layers(self):
        layers = []
        for node in self._nodes:
            if not any(node.layer is layer for layer in layers):
                layers.append(node.layer)
        return layers

    @property
    def layers(self):
        """The InputLayers, then each layer or inner model once, in running order."""
        items = [t.input_layer for t in self.inputs]
        for node in self._nodes:
            item = node.group or node.layer
            if not any(item is known for known in items):
                items.append(item)
        return items

    @property
    def output_names(self):
        return [t.node.layer.name for t in self.outputs]

    @property
    def input_shape(self):
        shapes = [t.sample_shape for t in self.inputs]
        return shapes[0] if len(shapes) == 1 else shapes

    @property
    def output_shape(self):
        shapes = [t.sample_shape for t in self.outputs]
        return shapes[0] if self._single_output else shapes

    built = True

    def _set_propagate_delta(self):
        """A node needs the delta of its inputs only if some parameters lie upstream."""
        upstream = {}  # node -> a layer with trainable parameters feeds it
        for node in self._nodes:
            upstream[node] = any(
                (p.layer.params and p.layer.trainable) or upstream[p]
                for p in node.parents
            )
        for layer in self._unique_layers():
            layer.propagate_delta = any(
                upstream[n] for n in self._nodes if n.layer is layer
            )

    # -- the graph as a layer ----------------------------------------------------------

    def __call__(self, x, training=False):
        """On arrays, the outputs; on symbolic tensors, this model's nodes replayed there.

        The replayed nodes call the same layer objects, so a model used as a layer
        (an encoder inside an autoencoder) shares its weights with the original.
        """
        if not is_symbolic(x):
            return self.forward(x, training)
        tensors = [x] if isinstance(x, SymbolicTensor) else list(x)
        if len(tensors) != len(self.inputs):
            raise ValueError(
                f"model {self.name!r} takes {len(self.inputs)} inputs, "
                f"received {len(tensors)}"
            )
        values = dict(zip(self.inputs, tensors))
        for node in self._nodes:
            args = [values[t] for t in node.inputs]
            values[node.output] = call_layer(
                node.layer, args if node.merges else args[0], group=self
            )
        outputs = [values[t] for t in self.outputs]
        return outputs[0] if self._single_output else outputs

    # -- forward and backward ----------------------------------------------------------

    def forward(self, x, training=False):
        """The outputs for a batch (a list if several); ``training`` keeps what backward needs."""
        outputs = self._forward_outputs(x, training)
        return outputs[0] if self._single_output else outputs

    predict_on_batch = forward

    def backward(self, deltas, input_delta=False):
        """Backpropagate dC_n/dy for each output (a list if several); fills ``grads``.

        Returns dC_n/dx for each input if ``input_delta`` (a list if several).
        """
        deltas = [deltas] if self._single_output else list(deltas)
        deltas = [np.asarray(d, self.dtype) for d in deltas]
        saved = {layer: layer.propagate_delta for layer in self._unique_layers()}
        if input_delta:
            for layer in saved:
                layer.propagate_delta = True
        try:
            result = backward_graph(self, deltas, [False] * len(deltas), input_delta)
        finally:
            for layer, flag in saved.items():
                layer.propagate_delta = flag
        return result[0] if len(result) == 1 else result

    def _forward_outputs(self, x, training):
        return forward_graph(self, self._as_inputs(x), training)

    def _backward_outputs(self, deltas, fused):
        backward_graph(self, deltas, fused)

    def _output_layer(self, i):
        return self.outputs[i].node.layer

    def _output_is_only_use(self, i):
        tensor = self.outputs[i]
        return (
            sum(t is tensor for t in self.outputs) == 1
            and tensor.node.layer not in self._shared
            and not any(t is tensor for node in self._nodes for t in node.inputs)
        )

    def _as_inputs(self, x):
        """The input batches as a list, converted to the model's dtype and checked."""
        if isinstance(x, dict):
            x = [x[t.input_layer.name] for t in self.inputs]
        arrays = [x] if not isinstance(x, (list, tuple)) else list(x)
        if len(arrays) != len(self.inputs):
            raise ValueError(
                f"model {self.name!r} has {len(self.inputs)} inputs, received "
                f"{len(arrays)} arrays"
            )
        checked = []
        for tensor, array in zip(self.inputs, arrays):
            array = np.asarray(array)
            if array.dtype != self.dtype:
                array = array.astype(self.dtype)
            if not matches_shape(array.shape[1:], tensor.sample_shape) or not len(
                array
            ):
                raise ValueError(
                    f"Input {tensor.name!r}: expected input of shape "
                    f"{tensor.shape}, received {array.shape}"
                )
            checked.append(array)
        return checked

    def _summary_rows(self):
        rows = []
        for item in self.layers:
            shape = item.output_shape
            kind = type(item).__name__
            rows.append(
                (
                    item.name,
                    "Functional" if kind == "Model" else kind,
                    shape,
                    item.count_params(),
                )
            )
        return rows

    def __repr__(self):
        return (
            f"<Model {self.name!r}: {len(self.inputs)} inputs, {len(self.outputs)} "
            f"outputs, {len(self._unique_layers())} layers>"
        )


def _tensor_list(tensors, argument):
    items = [tensors] if isinstance(tensors, SymbolicTensor) else list(tensors)
    if not items or not all(isinstance(t, SymbolicTensor) for t in items):
        raise TypeError(
            f"Model: {argument} must be symbolic tensors (from Input() and layer "
            f"calls), received {tensors!r}"
        )
    return items
