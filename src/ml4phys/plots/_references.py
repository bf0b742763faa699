"""Axis decorations shared by several kinds of figure."""

from __future__ import annotations


def reference_lines(ax, hlines):
    """Dashed gray horizontal lines, each annotated at the left: ``hlines`` maps label -> y."""
    for label, y in (hlines or {}).items():
        ax.axhline(y, ls="--", color="gray", lw=1)
        ax.annotate(
            label,
            (0.01, y),
            xycoords=("axes fraction", "data"),
            va="bottom",
            fontsize=8,
            color="gray",
        )
