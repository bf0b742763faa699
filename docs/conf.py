"""Sphinx configuration of the ml4phys documentation.

Build (offline, warnings are errors)::

    pip install -e ".[docs]"
    sphinx-build -W -n -b html docs docs/_build/html      # or: make -C docs html

The gallery runs every ``examples/*.py`` (each a ``--quick`` experiment or a short use
of the API). ``-D plot_gallery=0`` skips running them, for a fast build of the text.
"""

import os
import sys
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")  # examples may use pyplot; no display here

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))  # the ml4phys of this checkout
sys.path.insert(0, str(HERE / "_ext"))

import ml4phys  # noqa: E402

project = "ml4phys"
author = "the ml4phys authors"
copyright = "2026, the ml4phys authors"
version = release = ml4phys.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.napoleon",
    "sphinx.ext.mathjax",
    # MathJax 3 served from the built site (_static/mathjax), not a CDN: formulas render
    # offline; the files come with the pip package (the docs extra)
    "sphinx-mathjax-offline",
    "sphinx.ext.doctest",
    "sphinx.ext.viewcode",
    "sphinx_gallery.gen_gallery",
    "myst_parser",
    "ml4phys_autodoc",
    "ml4phys_results",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = [
    "_build",
    "results/**",
    "landing-grid.rst",  # included by index.rst
    "Thumbs.db",
    ".DS_Store",
]
templates_path = ["_templates"]
html_static_path = ["_static"]
html_css_files = ["ml4phys.css"]

# -- API reference: autosummary pages from the NumPy-style docstrings ------------------
autosummary_generate = True
autosummary_imported_members = False
autodoc_default_options = {
    "members": True,
    "undoc-members": True,
    "show-inheritance": True,
}
autodoc_member_order = "bysource"
autodoc_typehints = "none"  # the docstrings carry the types (with shapes)
autoclass_content = "class"
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = False
napoleon_preprocess_types = (
    False  # types like "ndarray, shape (batchsize, n_in)" stay text
)
napoleon_use_param = False
napoleon_use_ivar = True

# -- nitpicky: every internal cross-reference must resolve ------------------------------
nitpicky = True
nitpick_ignore_regex = [
    # external libraries are not linked (no intersphinx: the build stays offline); the
    # one such reference today is the base class gymnasium.core.Env of the environments
    (r"py:.*", r"(numpy|scipy|matplotlib|pandas|gymnasium|torch|keras|tqdm|dask)\..*"),
]

# -- the gallery: every examples/*.py runs, its figures and output are captured ---------
sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r".*\.py$",  # run every example, not only plot_*.py
    "ignore_pattern": r"(__init__|conftest)\.py",
    "within_subsection_order": "FileNameSortKey",
    # pyplot figures, and ml4phys's pyplot-free Figures a cell ends with (as in Jupyter)
    "image_scrapers": ("matplotlib", "ml4phys_gallery.figure_scraper"),
    "ignore_repr_types": r"matplotlib\.figure\.Figure",
    "abort_on_example_error": True,
    "remove_config_comments": True,
    "download_all_examples": True,
    "show_memory": False,
    "min_reported_time": 1,
}

# -- the results page: docs/results/<run-id>/results.json -> results.rst ---------------
ml4phys_results_dir = "results"

# -- HTML -------------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"ml4phys {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
}
html_show_sourcelink = False
html_favicon = "_static/favicon.svg"
html_context = {"default_mode": "light"}  # else the theme logs an error on first visit
myst_heading_anchors = 3
