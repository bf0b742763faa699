"""Greedy pruning of hidden neurons (lecture 3's homework: "delete neurons whose deletion
does not increase the cost function too much").

Each round switches off the neuron whose removal raises the cost least, judged on one
batch of points (e.g. all pixels of an image). Conventions as in ``surgery``: layers by
their index in ``model.layers``, a neuron switched off outputs 0, the caller's model is
never changed (the masks live in the result).
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field

import numpy as np

from ..common.progress import progress_bar
from ..nn.layers import Dense
from .surgery import _as_batch, _forward_from, _layer_index, hidden_layers

__all__ = ["PruningResult", "prune_greedy"]


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

    def trial(i, j):  # the cost with neuron j of layer i off as well
        if not np.any(cache.outputs[i][..., j]):
            return result.costs[-1]  # it is off everywhere already
        return float(cost(cache.output_without(i, j)))

    choose = (
        _lazy_chooser(remaining, trial) if lazy else _full_chooser(remaining, trial)
    )
    with progress_bar(progress, limit, "pruning") as bar:
        while len(result.removed) < limit:
            i, j = choose(len(result.removed))
            masks[i][j] = 0
            cache.update(i)
            result.removed.append((i, j))
            result.costs.append(float(cost(cache.outputs[-1])))
            bar.update()
            if stop_factor and result.costs[-1] > stop_factor * result.costs[0]:
                break
    result.costs = np.asarray(result.costs)
    return result


def _full_chooser(remaining, trial):
    """Each round: evaluate every remaining neuron, take (and drop) the cheapest."""

    def choose(round_):
        trials = [trial(i, j) for i, j in remaining]
        return remaining.pop(int(np.argmin(trials)))

    return choose


def _lazy_chooser(remaining, trial):
    """Lazy greedy: a heap of (cost when last evaluated, i, j, round evaluated)."""
    heap = [(trial(i, j), i, j, 0) for i, j in remaining]
    heapq.heapify(heap)
    return lambda round_: _lazy_choice(heap, trial, round_)


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
