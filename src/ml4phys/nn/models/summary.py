"""``model.summary()``: Keras' table of layers, output shapes and parameter counts."""

from __future__ import annotations

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
