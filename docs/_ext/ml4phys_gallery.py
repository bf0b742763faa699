"""A sphinx-gallery image scraper for ml4phys's ``matplotlib.figure.Figure`` objects.

The lab and ``ml4phys.plots`` make figures without pyplot, so the standard matplotlib
scraper (which asks pyplot for its open figures) does not see them. This scraper shows a
figure when a cell *ends with it*, as Jupyter does: a ``Figure``, or a list, tuple or dict
of figures, as the cell's last expression.
"""

import ast

from matplotlib.figure import Figure
from sphinx_gallery.scrapers import figure_rst


def _figures(value):
    """The pyplot-free figures in a cell's value (pyplot's own are the matplotlib
    scraper's: they have a ``number``, kept even after ``plt.close``).
    """
    if isinstance(value, dict):
        value = list(value.values())
    values = list(value) if isinstance(value, (list, tuple)) else [value]
    if not values or not all(isinstance(v, Figure) for v in values):
        return []
    return [figure for figure in values if not hasattr(figure, "number")]


def figure_scraper(block, block_vars, gallery_conf):
    """Save the figures a code block ends with; return their rst."""
    try:
        body = ast.parse(block.content).body
    except SyntaxError:
        return ""
    if not body or not isinstance(body[-1], ast.Expr):
        return ""
    figures = _figures(block_vars["example_globals"].get("___"))
    paths = []
    for figure, path in zip(figures, block_vars["image_path_iterator"]):
        figure.savefig(path, dpi=80)
        paths.append(path)
    return figure_rst(paths, gallery_conf["src_dir"])
