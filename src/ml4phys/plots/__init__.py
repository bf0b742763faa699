"""Figures: one function per kind, arrays in, ``matplotlib.figure.Figure`` out (no pyplot)."""
