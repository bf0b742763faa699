"""A model's layers and weights: get_layer, get/set_weights, summary() and save."""

from __future__ import annotations

from ..keras_file import save_keras
from ..saving import save_model

__all__ = ["LayersAndWeights", "summary_table"]


class LayersAndWeights:
    """What Sequential and Model share about their layers (from ``_unique_layers``)."""

    def get_weights(self):
        """All weights as a list of arrays, layer by layer, in Keras' order and layouts."""
        return [w for layer in self._unique_layers() for w in layer.get_weights()]

    def set_weights(self, weights):
        weights, layers = list(weights), self._unique_layers()
        expected = sum(len(layer.params) for layer in layers)
        if len(weights) != expected:
            raise ValueError(
                f"set_weights: the model has {expected} weight arrays, "
                f"received {len(weights)}"
            )
        for layer in layers:
            n = len(layer.params)
            layer.set_weights(weights[:n])
            weights = weights[n:]

    def count_params(self):
        return sum(layer.count_params() for layer in self._unique_layers())

    def get_layer(self, name=None, index=None):
        """The layer (or inner model) called ``name``, or at position ``index``."""
        if index is not None:
            return self.layers[index]
        for layer in self.layers:
            if layer.name == name:
                return layer
        for layer in self._unique_layers():
            if layer.name == name:
                return layer
        raise ValueError(
            f"no layer named {name!r} in model {self.name!r}; its layers: "
            f"{', '.join(layer.name for layer in self.layers)}"
        )

    def summary(self, print_fn=print):
        """Print Keras' table: Layer (type), Output Shape, Param #, and the totals."""
        print_fn(summary_table(self))

    def save(self, path):
        """Save the model: Keras 3's format for a ``.keras`` path, else ml4phys' .npz.

        The .npz file keeps everything (config, weights, optimizer state, the random
        generator's state); a .keras file is what Keras 3 writes and reads.
        """
        if str(path).endswith(".keras"):
            save_keras(self, path)
        else:
            save_model(self, path)


HEADERS = ("Layer (type)", "Output Shape", "Param #")


def summary_table(model):
    """The text Keras prints: one row per layer (or inner model), then the totals."""
    rows = [
        (f"{name} ({kind})", _shape_text(shape), f"{count:,}")
        for name, kind, shape, count in model._summary_rows()
    ]
    widths = [
        max(len(header), *(len(row[i]) for row in rows)) + 2
        for i, header in enumerate(HEADERS)
    ]
    line = "".join(text.ljust(width) for text, width in zip(HEADERS, widths))
    rule = "-" * len(line)
    body = [
        "".join(text.ljust(width) for text, width in zip(row, widths)) for row in rows
    ]
    total = model.count_params()
    trainable = sum(
        layer.count_params() for layer in model._unique_layers() if layer.trainable
    )
    return "\n".join(
        [
            f'Model: "{model.name}"',
            rule,
            line,
            rule.replace("-", "="),
            *body,
            rule,
            f"Total params: {total:,}",
            f"Trainable params: {trainable:,}",
            f"Non-trainable params: {total - trainable:,}",
        ]
    )


def _shape_text(shape):
    if shape is None:
        return "?"
    if isinstance(shape, list):  # several outputs
        return ", ".join(_shape_text(s) for s in shape)
    return str((None, *shape))
