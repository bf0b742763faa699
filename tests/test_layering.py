"""The layering of CONTRIBUTING.md, read from the source with ast (function-level imports
included, so a deferred import cannot hide a break):

    common  <-  nn  <-  data, analysis, generative, rl, physics, plots  <-  lab  <-  cli, sweeps

A module imports only from its own layer or the layers to its left; ``common`` imports
nothing of ml4phys and ``nn`` only ``common``; nothing but cli and sweeps imports lab.
"""

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
LAYERS = {
    "common": 0,
    "nn": 1,
    "data": 2,
    "analysis": 2,
    "generative": 2,
    "rl": 2,
    "physics": 2,
    "plots": 2,
    "lab": 3,
    "options": 3,  # the command-line options made from a lab Config (cli and sweeps)
    "option_help": 3,  # the help words of those options shared by every experiment
    "option_rules": 3,  # the range rules of those options
    "report": 3,  # what the command prints at the end of a run, and ml4phys list
    "cli": 4,
    "data_command": 4,  # ml4phys data: MNIST download, Ising data sets (cli)
    "sweeps": 4,
    "__main__": 4,
}
# Cycles that other open issues remove; empty this once they are merged.
KNOWN_CYCLES: dict = {}


def module_name(path):
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(SRC.rglob("*.py"))}


def imported(name):
    """(module imported, line) for every import of module ``name``, at any depth.

    ``from package import x`` counts as importing ``package`` and, where x is a
    submodule, ``package.x``.
    """
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module
            found.append((source, node.lineno))
            found += [
                (f"{source}.{alias.name}", node.lineno)
                for alias in node.names
                if f"{source}.{alias.name}" in MODULES
            ]
    return found


def ml4phys_imports(name):
    """The ml4phys modules that ``name`` imports, except itself and its packages."""
    return [
        (target, line)
        for target, line in imported(name)
        if target.split(".")[0] == "ml4phys"
        and target != name
        and not name.startswith(target + ".")
    ]


def part(name):
    """'nn' for ml4phys.nn.layers.dense; '' for the package ml4phys itself."""
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else ""


def layer(name):
    return LAYERS[part(name)] if part(name) else None


def test_every_module_has_a_layer():
    unknown = {
        part(name) for name in MODULES if part(name) and part(name) not in LAYERS
    }
    assert not unknown, f"add these parts of ml4phys to LAYERS: {sorted(unknown)}"


def test_imports_point_down_the_layers():
    breaks = [
        f"{MODULES[name].relative_to(SRC)}:{line} imports {target}"
        for name in MODULES
        if layer(name) is not None  # ml4phys/__init__.py: the version, ml4phys.sweep
        for target, line in ml4phys_imports(name)
        if part(target) and LAYERS[part(target)] > layer(name)
    ]
    assert not breaks, "imports that break the layering:\n" + "\n".join(breaks)


def test_common_imports_nothing_of_ml4phys():
    for name in MODULES:
        if part(name) == "common":
            targets = [t for t, _ in ml4phys_imports(name) if part(t) != "common"]
            assert not targets, f"{name} imports {targets}"


def test_nn_imports_only_common():
    for name in MODULES:
        if part(name) == "nn":
            targets = [
                t for t, _ in ml4phys_imports(name) if part(t) not in ("nn", "common")
            ]
            # the root package ml4phys is always loaded first; nn reads its __version__
            assert set(targets) <= {"ml4phys"}, f"{name} imports {targets}"


def test_only_cli_and_sweeps_import_lab():
    importers = {
        name
        for name in MODULES
        for target, _ in ml4phys_imports(name)
        if part(target) == "lab" and part(name) != "lab"
    }
    assert {part(name) for name in importers} <= {"cli", "sweeps"}, importers


def test_no_import_cycles():
    graph = {
        name: {t for t, _ in ml4phys_imports(name) if t in MODULES} for name in MODULES
    }
    cycles = [c for c in _strongly_connected(graph) if len(c) > 1]
    unexpected = [sorted(c) for c in cycles if frozenset(c) not in KNOWN_CYCLES]
    assert not unexpected, f"import cycles: {unexpected}"


def test_the_layering_test_sees_a_break(tmp_path):
    # the check itself: an import of lab from nn, inside a function, is found
    source = "def f():\n    from ..lab import fit2d\n"
    node = ast.parse(source).body[0].body[0]
    assert isinstance(node, ast.ImportFrom) and node.level == 2
    MODULES["ml4phys.nn.fake"] = tmp_path / "fake.py"
    try:
        (tmp_path / "fake.py").write_text(source)
        targets = [t for t, _ in imported("ml4phys.nn.fake")]
    finally:
        del MODULES["ml4phys.nn.fake"]
    assert "ml4phys.lab" in targets and "ml4phys.lab.fit2d" in targets


def _strongly_connected(graph):
    """Tarjan's strongly connected components of a dict node -> set of nodes."""
    index, low, stack, on_stack, components = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = set()
            while True:
                other = stack.pop()
                on_stack.discard(other)
                component.add(other)
                if other == node:
                    break
            components.append(component)

    for node in graph:
        if node not in index:
            visit(node)
    return components
