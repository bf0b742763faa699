"""The range rules of the options made from Config fields: which values a field allows.

A field's rule comes from its ``metadata["check"]``, else from its name, type and default:
``rule`` returns ``(kind, bound)`` and ``check`` applies it with the checks of
``ml4phys.common.checks``, so the CLI and the API word their messages alike.
"""

from __future__ import annotations

import re

from .common import checks

__all__ = ["check", "rule"]

# names whose floats must be > 0, lie in [0, 1], or be >= 0 (tuples: every entry)
_POSITIVE = {
    "eta",
    "etas",
    "factors",
    "init_scale",
    "weight_scale",
    "dt",
    "w",
    "radius",
    "perplexity",
    "prune_factor",
    "reach",
    "threshold",
}
_UNIT_INTERVAL = {
    "epsilon",
    "epsilons",
    "test_fraction",
    "wall_density",
    "train_occlusion",
    "occluded_areas",
    "momentum",
    "dropout",
    "decay",
    "gamma",
    "gammas",
}
_NON_NEGATIVE = {
    "noise",
    "noise_levels",
    "penalty",
    "weight_decay",
    "diag_shift",
    "train_noise",
    "field",
    "fields",
}
_NON_NEGATIVE_INTS = {"equilibration", "burn_in", "warmup", "patience"}
# experiment-specific departures from the rules by name: (experiment, field) -> rule
_OVERRIDES = {("sequence-predict", "gamma"): ("non-negative", None)}


def rule(experiment, field, comment):
    """(kind, bound) for a field: 'positive', 'unit', 'non-negative', 'int>=', or None."""
    if (experiment, field.name) in _OVERRIDES:
        return _OVERRIDES[experiment, field.name]
    if "check" in field.metadata:
        return field.metadata["check"]
    default = field.default
    sample = default[0] if isinstance(default, tuple) and default else default
    if isinstance(sample, bool) or not isinstance(sample, (int, float)):
        return None
    if isinstance(sample, int) and not isinstance(default, float):
        zero_allowed = (
            sample == 0
            or "seed" in field.name
            or field.name in _NON_NEGATIVE_INTS
            or re.search(r"\b0:", comment or "") is not None
        )
        return ("int>=", 0 if zero_allowed else 1)
    for kind, names in (
        ("positive", _POSITIVE),
        ("unit", _UNIT_INTERVAL),
        ("non-negative", _NON_NEGATIVE),
    ):
        if field.name in names:
            return (kind, None)
    if field.name.endswith("rate") and field.name != "dropout":
        return ("positive", None)
    return ("finite", None)


# rule kind -> the check of ml4phys.common.checks that applies it
_CHECKS = {
    "positive": checks.positive_number,
    "unit": checks.probability,
    "non-negative": lambda name, value: checks.positive_number(
        name, value, allow_zero=True
    ),
    "finite": checks.finite_number,
}


def check(rule, name, value):
    """Run the check of ``rule`` on ``value``; its error names ``name``."""
    kind, bound = rule
    if kind == "int>=":
        (checks.non_negative_int if bound == 0 else checks.positive_int)(name, value)
    else:
        _CHECKS[kind](name, value)
