"""Network surgery: switch single neurons on, delete weights or neurons, prune greedily.

Lecture 3, "Try to understand how the network operates!": switching on only a single
neuron of the last hidden layer, deleting half of the weights between two layers, and
the homework's pruning ("delete neurons whose deletion does not increase the cost
function too much"). Works on any ``Sequential``.

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
import heapq
from dataclasses import dataclass, field

import numpy as np

from ..nn.layers import Dense

__all__ = [
    "hidden_layers",
    "clone",
    "restoring",
    "forward_masked",
    "single_neuron_outputs",
    "zero_weights",
    "zero_neurons",
    "prune_greedy",
    "PruningResult",
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


@dataclass
class PruningResult:
    """The removals in order, and the cost after each.

    Parameters
    ----------
    removed : list of (layer index, neuron)
    costs : ndarray, shape (len(removed) + 1,)
        costs[0] is the unpruned cost, costs[k] the cost after k removals.
    masks : dict
        layer index -> (units,) array of 1 (kept) and 0 (removed) after the last removal.
    """

    removed: list = field(default_factory=list)
    costs: np.ndarray = None
    masks: dict = field(default_factory=dict)

    def removable(self, factor=2.0):
        """How many neurons go before the cost first exceeds ``factor`` x the start cost."""
        above = np.nonzero(self.costs > factor * self.costs[0])[0]
        return int(above[0] - 1) if len(above) else len(self.removed)


def prune_greedy(
    model,
    x,
    cost,
    layers=None,
    max_removed=None,
    stop_factor=None,
    lazy=False,
    progress=None,
):
    """Greedy pruning: each round removes the neuron whose removal raises the cost least.

    A neuron whose output is 0 on every point of ``x`` goes at no cost and without an
    evaluation. With ``lazy``, the costs of earlier rounds serve as lower bounds
    (lazy greedy): a round re-evaluates candidates in the order of their old costs and
    takes the first whose fresh cost is still the lowest. This is the exact greedy
    order as long as removing neurons never makes another removal cheaper, and needs
    a few evaluations per round instead of one per remaining neuron.

    Parameters
    ----------
    x : ndarray, shape (batchsize, *input_shape)
        The points the cost is judged on (e.g. all pixels of an image), one batch.
    cost : callable
        ``cost(y_out) -> float`` for the network's output on ``x``.
    layers : sequence of int, optional
        Layers whose neurons may go; default ``hidden_layers(model)``.
    max_removed : int, optional
    stop_factor : float, optional
        Stop after the first removal that takes the cost above stop_factor x the start.
    lazy : bool
        Lazy greedy (see above); default: every candidate is evaluated every round.
    progress : tqdm-like factory, optional

    Returns
    -------
    PruningResult
    """
    x = _as_batch(model, x)
    layers = (
        hidden_layers(model)
        if layers is None
        else [_layer_index(model, i) for i in layers]
    )
    masks = {i: np.ones(model.layers[i].output_shape[-1], model.dtype) for i in layers}
    cache = _Cache(model, x, masks)
    remaining = [(i, j) for i in layers for j in range(len(masks[i]))]
    result = PruningResult(costs=[float(cost(cache.outputs[-1]))], masks=masks)
    limit = len(remaining) if max_removed is None else min(max_removed, len(remaining))
    bar = progress(total=limit, desc="pruning") if progress else None

    def trial(i, j):  # the cost with neuron j of layer i off as well
        if not np.any(cache.outputs[i][..., j]):
            return result.costs[-1]  # it is off everywhere already
        return float(cost(cache.output_without(i, j)))

    heap = [(trial(i, j), i, j, 0) for i, j in remaining] if lazy else None
    if lazy:
        heapq.heapify(heap)
    try:
        while len(result.removed) < limit:
            if lazy:
                i, j = _lazy_choice(heap, trial, len(result.removed))
            else:
                trials = [trial(i, j) for i, j in remaining]
                i, j = remaining.pop(int(np.argmin(trials)))
            masks[i][j] = 0
            cache.update(i)
            result.removed.append((i, j))
            result.costs.append(float(cost(cache.outputs[-1])))
            if bar is not None:
                bar.update()
            if stop_factor and result.costs[-1] > stop_factor * result.costs[0]:
                break
    finally:
        if bar is not None:
            bar.close()
    result.costs = np.asarray(result.costs)
    return result


def _lazy_choice(heap, trial, round_):
    """Pop stale candidates, re-evaluate them, until the lowest one is fresh."""
    while True:
        _, i, j, evaluated = heapq.heappop(heap)
        if evaluated == round_:
            return i, j
        heapq.heappush(heap, (trial(i, j), i, j, round_))


class _Cache:
    """Every layer's (masked) output for the current masks, and Dense layers' z."""

    def __init__(self, model, x, masks):
        self.model, self.x, self.masks = model, x, masks
        n = len(model.layers)
        self.outputs, self.z = [None] * n, [None] * n
        self.update(0)

    def update(self, start):
        """Recompute layers start, start+1, ... (after a mask of layer start changed)."""
        y = self.x if start == 0 else self.outputs[start - 1]
        for k in range(start, len(self.model.layers)):
            layer = self.model.layers[k]
            if isinstance(layer, Dense) and y.ndim == 2:
                self.z[k] = _dense_z(layer, y)
                y = layer.activation.f_df(self.z[k])[0]
            else:
                y = layer.forward(y)
            if k in self.masks:
                y = y * self.masks[k]
            self.outputs[k] = y
        return y

    def output_without(self, i, j):
        """The network's output if neuron j of layer i were switched off too.

        Only the samples where the neuron is on change (ReLU neurons are off on much
        of an image): those rows alone go through the layers above.
        """
        y_i = self.outputs[i]
        if y_i.ndim == 2:
            rows = np.flatnonzero(y_i[:, j])
            if len(rows) < 0.8 * len(y_i):
                out = self.outputs[-1].copy()
                out[rows] = self._without(i, j, rows)
                return out
        return self._without(i, j, slice(None))

    def _without(self, i, j, rows):
        y_i, above = self.outputs[i][rows], i + 1
        if self.z[above] is not None:  # z' = z - y_j w[j, :]: a rank-one change of z
            layer = self.model.layers[above]
            z = self.z[above][rows] - y_i[:, j : j + 1] * layer.params["w"][j]
            y = layer.activation.f_df(z)[0]
            if above in self.masks:
                y = y * self.masks[above]
            return _forward_from(self.model, y, above + 1, self.masks)
        y = y_i.copy()
        y[..., j] = 0
        return _forward_from(self.model, y, above, self.masks)


def _dense_z(layer, y):
    z = y @ layer.params["w"]  # z = y_in w + b
    if layer.use_bias:
        z += layer.params["b"]
    return z
