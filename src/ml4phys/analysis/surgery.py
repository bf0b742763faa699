"""Network surgery: switch single neurons on, delete weights or neurons, prune greedily.

Lecture 3, "Try to understand how the network operates!": switching on only a single
neuron of the last hidden layer, and deleting half of the weights between two layers;
the homework's pruning is in ``pruning.py``. Works on any ``Sequential``.

Conventions: layers are given by their index in ``model.layers`` (negative counts from
the end); a layer's neurons are the last axis of its output. Switching a neuron off
means its output is 0 for every input, which is the same as zeroing its outgoing weights.
Nothing here changes the caller's model unless ``inplace=True`` is asked for: edits go
to a copy. Every evaluation is one batched forward pass over all points (an image grid)
per candidate, through ``layer.forward`` directly.
"""

from __future__ import annotations

import contextlib
import copy

import numpy as np

__all__ = [
    "hidden_layers",
    "clone",
    "restoring",
    "forward_masked",
    "single_neuron_outputs",
    "zero_weights",
    "zero_neurons",
]


def hidden_layers(model):
    """Indices of the layers with parameters, except the last: the hidden neurons."""
    return [i for i, layer in enumerate(model.layers[:-1]) if layer.params]


def clone(model):
    """An independent copy of the model (weights, optimizer state and all)."""
    twin = copy.deepcopy(model)
    if hasattr(twin, "_gather_params") and twin.built:
        twin._gather_params()  # its layers' weights: views of its own flat buffer again
    return twin


@contextlib.contextmanager
def restoring(model):
    """Context in which the model's weights may be edited: they are restored on exit."""
    saved = {name: value.copy() for name, value in model.params.items()}
    try:
        yield model
    finally:
        for name, value in saved.items():
            model.params[name][...] = value


def _layer_index(model, layer):
    n = len(model.layers)
    if not -n <= layer < n:
        raise IndexError(f"layer {layer} is out of range for a model with {n} layers")
    return layer % n


def _forward_from(model, y, start, masks=None):
    """Run layers start, start+1, ... on y; outputs of masked layers are multiplied."""
    for i in range(start, len(model.layers)):
        y = model.layers[i].forward(y)
        if masks and i in masks:
            y = y * masks[i]
    return y


def _as_batch(model, x):
    return np.asarray(x, dtype=model.dtype)


def forward_masked(model, x, masks=None):
    """The output with neuron outputs scaled: ``masks`` maps layer index -> (units,) array.

    A mask of ones leaves the layer as it is; zeros switch neurons off.
    """
    masks = {
        _layer_index(model, i): np.asarray(m, model.dtype)
        for i, m in (masks or {}).items()
    }
    return _forward_from(model, _as_batch(model, x), 0, masks)


def single_neuron_outputs(model, x, layer=-2, neurons=None):
    """The output with only one neuron of ``layer`` on and the others off, for each one.

    Parameters
    ----------
    x : ndarray, shape (batchsize, *input_shape)
    layer : int
        Default -2: the last hidden layer (lecture: "switching on only a single neuron").
    neurons : sequence of int, optional
        Default: all of the layer's neurons.

    Returns
    -------
    outputs : ndarray, shape (len(neurons), batchsize, *output_shape)
    """
    i = _layer_index(model, layer)
    y_hidden = _forward_upto(model, _as_batch(model, x), i)
    neurons = range(y_hidden.shape[-1]) if neurons is None else neurons
    outputs = []
    for j in neurons:  # one batched pass over all points per neuron
        y = np.zeros_like(y_hidden)
        y[..., j] = y_hidden[..., j]
        outputs.append(_forward_from(model, y, i + 1))
    return np.stack(outputs)


def _forward_upto(model, y, last):
    for layer in model.layers[: last + 1]:
        y = layer.forward(y)
    return y


def zero_weights(model, layer, rows=None, columns=None, inplace=False):
    """Set weights of ``layer``'s kernel w (shape (n_in, n_out)) to zero.

    ``rows`` selects input neurons (w[rows, :]), ``columns`` output neurons
    (w[:, columns]); both together select the block between them. Returns the edited
    model: a copy unless ``inplace``.
    """
    model = model if inplace else clone(model)
    target = model.layers[_layer_index(model, layer)]
    if "w" not in target.params:
        raise ValueError(f"{target.describe()}: has no kernel 'w' to edit")
    w = target.params["w"]
    rows = slice(None) if rows is None else np.asarray(rows, int)
    columns = slice(None) if columns is None else np.asarray(columns, int)
    if isinstance(rows, np.ndarray) and isinstance(columns, np.ndarray):
        w[np.ix_(rows, columns)] = 0
    else:
        w[rows, columns] = 0
    return model


def zero_neurons(model, layer, neurons, inplace=False):
    """Switch neurons of ``layer`` off for good: zero their outgoing weights.

    The next layer must be one with a kernel whose first axis is ``layer``'s neurons
    (a Dense layer). Returns the edited model: a copy unless ``inplace``.
    """
    i = _layer_index(model, layer)
    if i + 1 >= len(model.layers) or "w" not in model.layers[i + 1].params:
        raise ValueError(
            f"{model.layers[i].describe()}: the layer above has no kernel "
            "whose rows are this layer's neurons"
        )
    return zero_weights(model, i + 1, rows=neurons, inplace=inplace)
