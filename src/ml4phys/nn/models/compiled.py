"""compile's arguments for one output or several: a loss, a weight and metrics per output.

Keras' forms are accepted: one loss for every output, a list in the order of
``model.outputs``, or a dict keyed by output name (the name of the layer that makes it).
Metrics of a model with several outputs are logged as ``<output name>_<metric>``.
"""

from __future__ import annotations

from .. import losses as _losses
from .. import metrics as _metrics

__all__ = ["compile_losses", "compile_metrics"]


def compile_losses(loss, loss_weights, names):
    """([Loss per output], [weight per output]) from compile's ``loss``, ``loss_weights``."""
    losses = [_losses.get(item) for item in _per_output(loss, names, "loss")]
    if loss_weights is None:
        weights = [1.0] * len(names)
    else:
        weights = [float(w) for w in _per_output(loss_weights, names, "loss_weights")]
    return losses, weights


def compile_metrics(metrics, names):
    """[(log name, f(ys, y_preds))]: each metric reads its own output from the lists."""
    if not metrics:
        return []
    if len(names) == 1:
        per_output = [metrics if isinstance(metrics, (list, tuple)) else [metrics]]
    elif isinstance(metrics, dict) or (
        isinstance(metrics, (list, tuple))
        and all(isinstance(m, (list, tuple)) for m in metrics)
    ):
        per_output = _per_output(metrics, names, "metrics", default=[])
    else:
        per_output = [list(metrics)] * len(names)  # one list for every output
    compiled = []
    for i, (output, items) in enumerate(zip(names, per_output)):
        for item in items if isinstance(items, (list, tuple)) else [items]:
            name, function = _metrics.get(item)
            log_name = name if len(names) == 1 else f"{output}_{name}"
            compiled.append((log_name, _of_output(function, i)))
    return compiled


def _of_output(function, i):
    def metric(ys, y_preds):
        return function(ys[i], y_preds[i])

    metric.__name__ = getattr(function, "__name__", "metric")
    return metric


def _per_output(value, names, argument, default=None):
    """One entry per output from a single value, a list or a dict by output name."""
    if isinstance(value, dict):
        unknown = set(value) - set(names)
        if unknown:
            raise ValueError(
                f"compile: {argument} names outputs {sorted(unknown)}, but the "
                f"model's outputs are {names}"
            )
        if default is None and len(value) != len(names):
            missing = [name for name in names if name not in value]
            raise ValueError(f"compile: {argument} has no entry for {missing}")
        return [value.get(name, default) for name in names]
    if isinstance(value, (list, tuple)):
        if len(value) != len(names):
            raise ValueError(
                f"compile: {argument} lists {len(value)} entries for "
                f"{len(names)} outputs {names}"
            )
        return list(value)
    return [value] * len(names)
