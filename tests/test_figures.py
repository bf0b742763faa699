"""Every figure explains itself: axes with data have labels (or say what they show in
a label under them), and panels of several lines name them in a legend.

Runs the quick version of the experiments that take seconds; the others' figures are
drawn by the same plots/ functions.
"""

import pytest

from ml4phys import lab

CHEAP = [
    "fit2d",
    "network-picture",
    "nqs-tfim",
    "rbm-bars",
    "maze-policy-gradient",
    "oscillators",
    "sequence-predict",
]


def unexplained(figure):
    """What a reader of ``figure`` cannot tell: axes without labels, lines unnamed."""
    problems = []
    for ax in figure.axes:
        lines = [line for line in ax.get_lines() if line.get_visible()]
        has_data = lines or ax.collections or ax.images or ax.patches
        if not (ax.axison and has_data) or hasattr(ax, "_colorbar"):
            continue
        where = ax.get_title() or "an untitled panel"
        if not ax.images:  # a picture's axes are its pixels; a title says what it is
            shared = ax.get_shared_x_axes().get_siblings(ax)
            if not any(other.get_xlabel() for other in shared):
                problems.append(f"{where}: no x label")
            if not ax.get_ylabel() and not ax.get_xlabel().count("\n"):
                problems.append(f"{where}: no y label")
        named = [line for line in lines if not line.get_label().startswith("_")]
        if len(lines) > 1 and not (ax.get_legend() or named or ax.get_xlabel()):
            problems.append(f"{where}: {len(lines)} lines and no legend")
    return problems


@pytest.mark.parametrize("name", CHEAP)
def test_figures_explain_themselves(name):
    module = lab.get(name)
    result = module.run(module.Config(quick=True))
    problems = [
        f"{name}/{figure_name}: {problem}"
        for figure_name, figure in result.figures.items()
        for problem in unexplained(figure)
    ]
    assert not problems, "\n".join(problems)
