"""Command-line options made from an experiment's ``Config`` dataclass, and their checks.

Shared by ``ml4phys run`` and ``ml4phys sweep``: each Config field becomes an option
(``batch_size`` -> ``--batch-size``), each knob defined once. An option's help is the
comment written beside its field in the Config (``eta: float = 3.0  # SGD step ...``),
or, for the names every experiment shares (``seed``, ``epochs``, ...), the words of
``COMMON_HELP``. Allowed values come from the field's ``metadata`` (``"choices"``,
``"check"``) where an experiment sets them, else from the rules of ``_rule`` (by name,
type and default): ``check_values`` applies them before any work starts, with messages
that name the option, the value and what is allowed.
"""

from __future__ import annotations

import argparse
import dataclasses
import inspect
import io
import os
import re
import tokenize
from pathlib import Path

from .common import checks
from .data import functions
from .nn import activations, optimizers

__all__ = [
    "COMMON_HELP",
    "add_config_options",
    "add_option",
    "check_out_dir",
    "check_values",
    "choices",
    "field_comments",
    "int_at_least",
    "option_name",
]

COMMON_HELP = {
    "seed": "random seed (weights, data and sampling): a run is a function of it",
    "quick": "shrink the run to seconds, for a first look or a test",
    "epochs": "passes over the training set",
    "batchsize": "samples per training batch (the gradient is their mean)",
    "batch_size": "samples per training batch (the gradient is their mean)",
    "learning_rate": "step size of the optimizer",
    "momentum": "momentum of the parameter updates",
    "steps": "training steps (batches)",
    "batches": "training batches, each freshly drawn",
    "n_train": "training images used",
    "n_validation": "validation images, held out of training",
    "n_test": "test images",
    "data_dir": "folder holding mnist/ (default: ML4PHYS_DATA or the user cache)",
    "cache": "keep generated configurations in the data folder and reuse them",
    "t_min": "lowest temperature T/J",
    "t_max": "highest temperature T/J",
    "filters": "filters of each convolution",
    "kernel": "kernel size of the convolutions",
    "units": "units of the recurrent layer",
    "hidden": "hidden neurons",
    "n_hidden": "hidden units of the RBM",
    "n_visible": "visible units of the RBM",
    "n_chains": "Markov chains run in parallel",
    "n_iter": "variational Monte Carlo iterations",
    "diag_shift": "diagonal shift of stochastic reconfiguration: S + shift * 1",
    "alpha": "RBM hidden-unit density M / N",
    "episodes": "training episodes",
    "batch_episodes": "episodes per update",
    "gamma": "discount of future rewards",
    "epsilon": "probability of a random action (epsilon-greedy)",
    "epsilons": "epsilon values of the exploration sweep",
    "gammas": "gamma values of the discount sweep",
    "weight_decay": "L2 penalty on the weights per update",
    "method": "'CD-k' or 'PCD-k' (persistent chains), e.g. CD-1",
    "methods": "training methods compared: CD-k or PCD-k",
    "seeds": "random seeds, one run each",
    "grid": "pixels per side of the pictures",
    "size": "side length of the grid",
    "chests": "treasure chests in the maze",
    "noise_levels": "noise levels compared",
    "bottleneck": "channels at the bottleneck",
    "n_images": "MNIST images used",
    "tasks": "the tasks compared",
    "optimizers": "the optimizers compared",
    "activations": "activation functions compared",
    "cures": "cures of overfitting compared",
    "nets": "networks compared",
    "rows": "rows of the lecture's table to train",
    "networks": "networks compared (hidden sizes)",
    "labels": "numbers of labelled images to train the classifier on",
    "width": "width",
    "ais_chains": "annealed importance sampling: chains",
    "ais_betas": "annealed importance sampling: inverse temperatures",
    "centering": "centred RBM (offsets by the mean activities)",
    "perplexity": "t-SNE perplexity: about the number of neighbours each point keeps",
    "pca_components": "PCA components fed to t-SNE",
    "hidden_units": "hidden neurons of the classifier",
    "rbm_epochs": "epochs of RBM training",
    "classifier_learning_rate": "step size of the classifier's Adam",
    "test_samples": "test sequences",
    "test_trajectories": "test trajectories",
    "timesteps": "steps per trajectory",
    "decay": "learning rate x decay per epoch",
    "baseline": "subtract the mean return (a baseline) from the returns",
    "dqn_episodes": "DQN's budget of episodes per seed",
    "drive": "oscillator: drive amplitude",
    "drive_frequency": "oscillator: drive frequency",
    "samples": "training samples",
    "image_size": "pixels per side of the image task",
    "wall_density": "fraction of cells that are walls",
    "filled": "filled shapes (easier) instead of outlines",
    "field": "transverse field h / J",
    "sizes": "sizes compared",
    "fields": "transverse fields h / J",
    "alphas": "RBM hidden-unit densities M / N",
    "temperatures": "temperatures, evenly spaced from t_min to t_max",
    "n_samples": "samples (configurations) per point",
    "image": "any image file; default: matplotlib's Grace Hopper",
    "model": "network kind",
    "network": "'dense' or 'conv'",
    "optimizer": "the optimizer",
    "activation": "activation of the hidden layers",
    "function": "the target function of (x0, x1)",
    "dataset": "the images: 'mnist' (28 x 28)",
    "L": "side of the L x L Ising lattice",
    "coupling": "spring constant coupling the two oscillators",
    "equilibration": "Monte Carlo sweeps before the first sample",
    "autoencoder_epochs": "epochs of the linear autoencoder",
    "batchsizes": "batch sizes of the batch-size sweep",
    "etas": "step sizes eta of the step-size sweep",
    "dt": "time step",
    "image_hidden": "hidden layer sizes of the image task",
    "layout_seed": "seed of the maze layout",
    "max_steps": "steps per episode at most",
    "n_sites": "spins N of the chain",
    "omega1": "frequency of the first oscillator",
    "omega2": "frequency of the second oscillator",
    "probe_range": "lowest and highest probe temperature",
    "reconstruct_with": "numbers of principal components to reconstruct with",
    "test_fraction": "fraction of the configurations held out for testing",
    "window": "batches in the running mean of the cost",
}

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
# names whose Config comment says it all (COMMON_HELP is for when there is none)
_OWN_WORDS = {"size", "hidden", "image", "model", "network", "networks", "samples"}
# experiment-specific departures from the rules by name: (experiment, field) -> rule
_OVERRIDES = {("sequence-predict", "gamma"): ("non-negative", None)}


def option_name(field_name):
    """``batch_size`` -> ``--batch-size``."""
    return "--" + field_name.replace("_", "-")


def field_comments(config_class):
    """Map field name -> the comment written beside it in the class source ({} if none)."""
    try:
        source = inspect.getsource(config_class)
    except (OSError, TypeError):
        return {}
    comments = {}
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            comments[token.start[0]] = token.string.lstrip("#").strip()
    found = {}
    for number, line in enumerate(source.splitlines(), start=1):
        match = re.match(r"\s+(\w+)\s*:", line)
        if match and number in comments:
            found[match.group(1)] = comments[number]
    return found


def choices(experiment, field):
    """The allowed values of a string field, or None when any string goes."""
    if "choices" in field.metadata:
        return list(field.metadata["choices"])
    if field.type not in ("str", str):
        return None
    if field.name == "function":
        return list(functions.FUNCTIONS)
    if field.name == "optimizer":
        return list(optimizers._BY_NAME)  # the names optimizers.get accepts
    if field.name in ("activation", "output_activation"):
        return list(activations._BY_NAME)  # the names activations.get accepts
    return None


def _rule(experiment, field, comment):
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


def _check(rule, name, value):
    """Run the check of ``rule`` on ``value``; its error names ``name``."""
    kind, bound = rule
    if kind == "int>=":
        (checks.non_negative_int if bound == 0 else checks.positive_int)(name, value)
    else:
        _CHECKS[kind](name, value)


def check_values(experiment, config_class, values):
    """Raise ValueError naming the option if a value in ``values`` is not allowed.

    The checks are those of ``ml4phys.common.checks``, so the CLI and the API word their
    messages alike.

    ``values`` maps field names to parsed option values (tuples checked entry by entry).
    """
    comments = field_comments(config_class)
    for field in dataclasses.fields(config_class):
        if field.name not in values:
            continue
        value, option = values[field.name], option_name(field.name)
        allowed = choices(experiment, field)
        if allowed is not None and value not in allowed:
            raise ValueError(
                f"{option}: unknown {field.name.replace('_', ' ')} {value!r}; "
                f"allowed: {', '.join(allowed)}"
            )
        rule = _rule(experiment, field, comments.get(field.name))
        if rule is None:
            continue
        if not isinstance(value, tuple):
            _check(rule, option, value)
            continue
        if not value:
            raise ValueError(f"{option} needs at least one value, received none")
        for entry in value:
            _check(rule, f"{option}: every entry", entry)


def check_out_dir(path, option="--out"):
    """Make sure ``path`` is, or can become, a writable folder; before any work starts."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise ValueError(f"{option} {path} is a file, not a folder")
    existing = path
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise ValueError(f"{option} {path} lies under the file {existing}")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise ValueError(f"{option} {path}: cannot write in {existing}")


def int_at_least(low, option):
    """An argparse type: an int >= low, with a message naming the option."""

    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{option} must be an int, received {text!r}"
            ) from None
        if value < low:
            raise argparse.ArgumentTypeError(
                f"{option} must be an int >= {low}, received {value}"
            )
        return value

    return parse


def help_text(experiment, field, comment=None):
    """What an option does, its allowed values and its default, for ``--help``.

    The shared words of ``COMMON_HELP`` come first where the Config's comment only adds
    to them (``learning_rate: float = 0.5  # the lecture: SGD(lr=1.0)``).
    """
    name_words = field.name.replace("_", " ")
    common = COMMON_HELP.get(field.name)
    words = common or name_words
    allowed = choices(experiment, field)
    if (
        not comment
        or comment.startswith("default")
        or (allowed and comment.startswith("one of"))
    ):
        pass  # the words above, and the list of choices below
    elif field.name == "quick":
        words = f"shrink the run to seconds ({comment})"
    elif comment.startswith("of "):
        words = f"{name_words} {comment}"
    elif comment.startswith(("or ", "'", '"', "(", "...")):
        words = f"{words}; {comment}"
    elif common and field.name not in _OWN_WORDS:
        words = f"{common}; {comment}"
    else:
        words = comment
    if allowed:
        words += f"; one of: {', '.join(allowed)}"
    if not isinstance(field.default, bool) and "default" not in words:
        default = field.default
        if isinstance(default, tuple):
            default = ",".join(map(str, default))
        words += f" (default: {default if default != '' else 'none'})"
    return words.replace("%", "%%")


def add_option(parser, field, description="", metavar=None):
    """Add the option of one Config field: bools as --x/--no-x, tuples comma-separated."""
    option = option_name(field.name)
    default = field.default
    if isinstance(default, bool):
        parser.add_argument(
            option,
            dest=field.name,
            default=default,
            action=argparse.BooleanOptionalAction,
            help=description,
        )
    elif isinstance(default, tuple):
        kind = type(default[0]) if default else int
        parser.add_argument(
            option,
            dest=field.name,
            default=default,
            metavar="A,B,...",
            type=lambda text: tuple(kind(v) for v in text.split(",") if v),
            help=description,
        )
    else:
        kind = type(default) if default is not None else str
        parser.add_argument(
            option,
            dest=field.name,
            default=default,
            type=kind,
            metavar=metavar or field.name.upper(),
            help=description,
        )


def add_config_options(parser, experiment, config_class, skip=()):
    """An option for each field of ``config_class`` (but those in ``skip``)."""
    comments = field_comments(config_class)
    for field in dataclasses.fields(config_class):
        if field.name not in skip:
            add_option(
                parser,
                field,
                help_text(experiment, field, comments.get(field.name)),
            )
