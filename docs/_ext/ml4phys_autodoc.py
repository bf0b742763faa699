"""Sphinx extension: autodoc adjustments for ml4phys's API reference.

- private base classes (``_Conv``, ``_SpinHamiltonian``) are replaced in "Bases:" by their
  public ancestors;
- methods with no docstring of their own whose inherited one comes from outside ml4phys
  (gymnasium's ``Env.step``) are left out: they would document gymnasium, not ml4phys;
- module constants (a dict, an array) show their value, not the docstring of their type.
"""

import inspect
import sys


def _public_bases(app, name, obj, options, bases):
    """Show a class's public ancestors, not the private base classes between."""
    public = []
    for base in bases:
        while base.__name__.startswith("_") and base.__bases__:
            base = base.__bases__[0]
        if base not in public:
            public.append(base)
    bases[:] = public


def _foreign_docstring(obj):
    """True for a method with no docstring of its own whose inherited one comes from
    outside ml4phys (gymnasium's Env.step, ...): shown, it would document gymnasium.
    """
    if getattr(obj, "__doc__", "") is not None or not inspect.isfunction(obj):
        return False
    module = sys.modules.get(obj.__module__)
    owner = module
    for part in obj.__qualname__.split(".")[:-1]:
        owner = getattr(owner, part, None)
    if not inspect.isclass(owner):
        return False
    for cls in owner.__mro__[1:]:
        member = cls.__dict__.get(obj.__name__)
        if member is not None and getattr(member, "__doc__", None):
            return not cls.__module__.startswith("ml4phys")
    return False


def _skip_member(app, what, name, obj, skip, options):
    if _foreign_docstring(obj):
        return True
    return None


def _data_docstring(app, what, name, obj, options, lines):
    """Module constants (a dict, an array) have no docstring: show their value, not the
    docstring of their type.
    """
    if what not in ("data", "attribute") or not lines:
        return
    own = " ".join(" ".join(lines).split())
    for inherited in (
        getattr(type(obj), "__doc__", None),
        getattr(obj, "__doc__", None),
    ):
        if isinstance(inherited, str) and own and own in " ".join(inherited.split()):
            lines.clear()
            return


def setup(app):
    app.connect("autodoc-process-bases", _public_bases)
    app.connect("autodoc-skip-member", _skip_member)
    app.connect(
        "autodoc-process-docstring", _data_docstring, priority=100
    )  # before napoleon
    return {"parallel_read_safe": True, "parallel_write_safe": True}
