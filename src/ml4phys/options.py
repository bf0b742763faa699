"""Command-line options made from an experiment's ``Config`` dataclass, and their checks.

Shared by ``ml4phys run`` and ``ml4phys sweep``: each Config field becomes an option
(``batch_size`` -> ``--batch-size``), each knob defined once. An option's help is the
comment written beside its field in the Config (``eta: float = 3.0  # SGD step ...``),
or, for the names every experiment shares (``seed``, ``epochs``, ...), the words of
``COMMON_HELP``. Allowed values come from the field's ``metadata`` (``"choices"``,
``"check"``) where an experiment sets them, else from the rules of ``option_rules`` (by name,
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

from . import option_rules
from .data import functions
from .nn import activations, optimizers
from .option_help import COMMON_HELP, OWN_WORDS

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
        rule = option_rules.rule(experiment, field, comments.get(field.name))
        if rule is None:
            continue
        if not isinstance(value, tuple):
            option_rules.check(rule, option, value)
            continue
        if not value:
            raise ValueError(f"{option} needs at least one value, received none")
        for entry in value:
            option_rules.check(rule, f"{option}: every entry", entry)


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
    elif common and field.name not in OWN_WORDS:
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
