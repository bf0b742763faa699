"""Save a figure as PNG, atomically, with an optional footer (used by run and sweep).

The footer (experiment, options, commit) goes below everything else on the figure, and
``bbox_inches="tight"`` grows the picture to hold it; it is taken off again afterwards,
so the Figure a notebook holds stays as it was.
"""

from __future__ import annotations

import io

from ..common.files import write_atomic

__all__ = ["save_png"]


def save_png(figure, path, footer=None, dpi=100):
    """Write ``figure`` to ``path`` as PNG (atomically); ``footer``: small grey text."""
    text = None
    if footer:
        text = figure.text(
            0.01, 0.0, footer, fontsize=7, color="0.35", ha="left", va="top"
        )
    buffer = io.BytesIO()
    try:
        figure.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    finally:
        if text is not None:
            text.remove()
    write_atomic(path, lambda f: f.write(buffer.getvalue()))
