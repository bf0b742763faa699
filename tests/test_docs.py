"""The documentation: every public name in the API reference, the site builds with
warnings as errors and nitpicky links, every example runs, the pages' examples are true.

"Public" is a module's ``__all__``, or, without one, the functions and classes it
defines whose names do not start with ``_``.
"""

import doctest
import importlib
import json
import os
import pkgutil
import re
import signal
import subprocess
import sys
import time
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))
PACKAGES = [
    "ml4phys.nn",
    "ml4phys.data",
    "ml4phys.analysis",
    "ml4phys.generative",
    "ml4phys.rl",
    "ml4phys.physics",
]
SIMPLE = (
    int,
    float,
    complex,
    str,
    bytes,
    bool,
    tuple,
    type(None),
)  # equal, not the same


def modules():
    """The packages and all their submodules, private ones left out."""
    for root in PACKAGES:
        package = importlib.import_module(root)
        yield package
        for info in pkgutil.walk_packages(package.__path__, root + "."):
            if not any(part.startswith("_") for part in info.name.split(".")):
                yield importlib.import_module(info.name)


def public_names(module):
    if hasattr(module, "__all__"):
        names = []
        for name in module.__all__:
            try:
                value = getattr(module, name)
            except AttributeError:  # a lazily imported submodule listed in __all__
                continue
            if not isinstance(value, types.ModuleType):
                names.append(name)
        return names
    return [
        name
        for name, value in vars(module).items()
        if not name.startswith("_")
        and not isinstance(value, types.ModuleType)
        and getattr(value, "__module__", None) == module.__name__
    ]


def documented_names():
    """Full names listed by the autosummary directives of docs/api/*.rst."""
    names = set()
    for page in sorted((DOCS / "api").glob("*.rst")):
        module, in_summary = None, False
        for line in page.read_text().splitlines():
            directive = re.match(r"\.\. (?:auto|current)module:: (\S+)", line)
            if directive:
                module = directive.group(1)
            if line.startswith(".. autosummary::"):
                in_summary = True
                continue
            if in_summary:
                entry = line.strip()
                if line and not line.startswith(" "):
                    in_summary = False
                elif entry and not entry.startswith(":"):
                    names.add(
                        entry if entry.startswith("ml4phys.") else f"{module}.{entry}"
                    )
    return names


def resolve(full_name):
    module_name, _, name = full_name.rpartition(".")
    return getattr(importlib.import_module(module_name), name)


def test_every_public_name_is_in_the_api_reference():
    documented = documented_names()
    assert len(documented) > 150
    same_objects = {id(resolve(name)) for name in documented}
    missing = []
    for module in modules():
        for name in public_names(module):
            value = getattr(module, name)
            full = f"{module.__name__}.{name}"
            if full in documented:
                continue
            if not isinstance(value, SIMPLE) and id(value) in same_objects:
                continue  # re-exported: documented where it is listed
            missing.append(full)
    assert not missing, "public names missing from docs/api/*.rst: " + ", ".join(
        missing
    )


def test_the_api_reference_lists_no_private_or_stale_name():
    for full_name in documented_names():
        assert not any(p.startswith("_") for p in full_name.split(".")), full_name
        resolve(full_name)  # raises if it no longer exists


def test_keras_page_examples_are_true():
    result = doctest.testfile(
        str(DOCS / "keras.rst"),
        module_relative=False,
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
    )
    assert result.attempted > 10
    assert result.failed == 0


def _environment():
    env = dict(os.environ, MPLBACKEND="Agg")
    env["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")])
    )
    return env


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_runs_as_a_script(example, tmp_path):
    done = subprocess.run(
        [sys.executable, str(example)],
        cwd=tmp_path,
        env=_environment(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, f"{example.name} failed:\n{done.stderr[-3000:]}"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The whole site, built once (examples run) with warnings as errors: its html/."""
    for module in ("sphinx", "sphinx_gallery", "pydata_sphinx_theme", "myst_parser"):
        pytest.importorskip(
            module,
            reason=f"{module} is not installed: "
            "pip install -e '.[docs]' to build the docs",
        )
    tmp_path = tmp_path_factory.mktemp("site")
    html = tmp_path / "html"
    command = [
        sys.executable,
        "-m",
        "sphinx",
        "-W",
        "-n",
        "--keep-going",
        "-q",
        "-b",
        "html",
        "-d",
        str(tmp_path / "doctrees"),
        str(DOCS),
        str(html),
    ]
    done = subprocess.run(
        command,
        cwd=ROOT,
        env=_environment(),
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, (
        f"sphinx-build failed:\n{done.stdout[-2000:]}\n{done.stderr[-5000:]}"
    )
    return html


def test_site_builds_without_warnings(site):
    html = site
    for page in [
        "index",
        "keras",
        "results",
        "sweep",
        "api/index",
        "topics/index",
        "auto_examples/index",
        "api/generated/ml4phys.nn.models.Sequential",
    ]:
        assert (html / f"{page}.html").exists(), page
    results = "".join(p.read_text() for p in (html / "results-topics").glob("*.html"))
    for run in (DOCS / "results").glob("*/results.json"):
        assert f'id="results-{run.parent.name}"' in results, run.parent.name
    gallery = (html / "auto_examples" / "index.html").read_text()
    for example in EXAMPLES:
        assert example.stem in gallery, example.name
    mathjax = html / "_static" / "mathjax" / "tex-chtml.js"
    assert mathjax.exists(), "MathJax is served from the site, not a CDN"
    assert "cdn.jsdelivr" not in (html / "topics" / "phases.html").read_text()


def test_site_in_a_browser_formulas_images_links_console(site):
    """Headless Chromium: formulas typeset, images loaded, links whole, no errors."""
    from . import browser_check

    pages = [
        "index.html",
        "topics/phases.html",
        "topics/quantum.html",
        "auto_examples/plot_04_fit2d.html",
        "results-topics/learning-functions.html",
    ]
    artifacts = Path(os.environ.get("ML4PHYS_ARTIFACTS", ROOT / "test-artifacts"))
    problems = browser_check.check_site(site, pages, artifacts / "screenshots")
    assert not problems, "\n".join(problems)


def test_results_page_shows_each_run_with_command_machine_numbers_and_figures(tmp_path):
    sys.path.insert(0, str(DOCS / "_ext"))
    try:
        import ml4phys_results as generator
    finally:
        sys.path.remove(str(DOCS / "_ext"))
    results = tmp_path / "results"
    (results / "b-run").mkdir(parents=True)
    (results / "a-run").mkdir()
    (results / "manifest.txt").write_text(
        "# comment\nb-run  ml4phys run bexp --steps 5\na-run  ml4phys run aexp\n"
    )
    record = {
        "experiment": "bexp",
        "seconds": 75.5,
        "finished": "2026-11-25T18:00:00+00:00",
        "command": "ml4phys run bexp --steps 5 --no-progress --out /tmp/x",
        "machine": {
            "processor": "Some CPU",
            "cores": 2,
            "platform": "Linux",
            "python": "3.11",
            "numpy": "2.4",
            "load_average": [3.5, 4.0],
        },
        "numbers": {
            "final_cost": 0.00123456,
            "curve": list(range(40)),
            "cosine": 0.99998,
            "eta": {
                "0.3": {"cost": 0.5, "steps": None},
                "3": {"cost": 0.1, "steps": 679},
            },
            "sweep": {"gamma": [0.5, 0.9], "steps": [10, 20]},
        },
    }
    (results / "b-run" / "results.json").write_text(generator.json.dumps(record))
    (results / "b-run" / "cost.png").write_bytes(b"png")
    (results / "a-run" / "notes.rst").write_text("Measured earlier: **0.95**.\n")
    index = generator.write_results_page(tmp_path).read_text()
    assert "results-topics/other" in index  # bexp, aexp: no lecture topic
    text = (tmp_path / "results-topics" / "other.rst").read_text()
    assert text.index("bexp: b-run") < text.index("a-run\n")  # the manifest's order
    assert "ml4phys run bexp --steps 5\n" in text  # no --out, --no-progress
    assert "Some CPU, 2 cores" in text and "1 min 16 s" in text
    assert "load average 3.5 before the run, 4.0 after" in text
    assert "0.001235" in text and "40 values, first 0, last 39" in text
    assert "0.99998" in text  # not rounded to 1
    assert "   * - ``3``\n     - 0.1\n     - 679" in text  # eta: a row per step
    assert (
        "``sweep``:" in text and "   * - 0.9\n     - 20" in text
    )  # sweep: a row per value
    assert ".. figure:: /results/b-run/cost.png" in text
    assert "Measured earlier: **0.95**." in text and "--only a-run" in text


def _docstrings():
    """(name, docstring) of every documented object and of the methods of its classes."""
    import inspect

    for full_name in sorted(documented_names()):
        value = resolve(full_name)
        if inspect.isclass(value) or inspect.isfunction(value):
            yield full_name, inspect.getdoc(value) or ""
        if inspect.isclass(value):
            for name, member in vars(value).items():
                if (
                    inspect.isfunction(member)
                    and not name.startswith("_")
                    and member.__doc__
                ):
                    yield f"{full_name}.{name}", inspect.getdoc(member)


def test_docstring_sections_parse_as_intended():
    """Prose after a Parameters list belongs under Notes: otherwise the API reference
    shows each of its lines as a parameter with a long bold name.
    """
    napoleon = pytest.importorskip(
        "sphinx.ext.napoleon", reason="sphinx is not installed"
    )
    from sphinx.ext.napoleon.docstring import NumpyDocstring

    config = napoleon.Config(
        napoleon_use_param=False,
        napoleon_use_rtype=False,
        napoleon_preprocess_types=False,
    )
    identifier = re.compile(r"^\**[A-Za-z_]\w*$")
    bad = []
    for name, doc in _docstrings():
        for line in NumpyDocstring(doc, config).lines():
            for entry in re.findall(r"^\s*(?::\w+: )?\* \*\*(.+?)\*\*", line):
                parts = [p.strip() for p in entry.replace("\\", "").split(",")]
                if not all(identifier.match(p) for p in parts if p):
                    bad.append(f"{name}: {entry!r}")
    assert not bad, "not parameter names (use a Notes section):\n" + "\n".join(bad)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_run_of_record_results_ends_with_it(tmp_path):
    """Killed, record_results.py takes its ``ml4phys run`` child with it: no orphan goes
    on writing a run's figures into docs/results/.
    """
    script = (
        f"import sys; sys.path.insert(0, {str(DOCS)!r}); import record_results; "
        f"record_results.RESULTS = __import__('pathlib').Path({str(tmp_path)!r}); "
        "record_results.record('long', ['ml4phys', 'run', 'fit2d', '--batches', "
        "'1000000'])"
    )
    parent = subprocess.Popen([sys.executable, "-c", script])
    try:
        children = Path(f"/proc/{parent.pid}/task/{parent.pid}/children")
        deadline = time.monotonic() + 60
        while not children.read_text().split() and time.monotonic() < deadline:
            time.sleep(0.1)
        (child,) = [int(pid) for pid in children.read_text().split()]
    finally:
        parent.kill()
        parent.wait()
    deadline = time.monotonic() + 10
    while Path(f"/proc/{child}").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    state = Path(f"/proc/{child}/stat")
    alive = state.exists() and state.read_text().split()[2] != "Z"
    if alive:  # the orphan this test is about: stop it before failing
        os.kill(child, signal.SIGKILL)
    assert not alive, "the ml4phys run outlived record_results.py"


def test_record_results_reruns_a_manifest_entry_and_keeps_its_notes(
    tmp_path, monkeypatch
):
    sys.path.insert(0, str(DOCS))
    try:
        import record_results
    finally:
        sys.path.remove(str(DOCS))
    monkeypatch.setattr(record_results, "RESULTS", tmp_path)
    (tmp_path / "manifest.txt").write_text(
        "quick-fit2d  ml4phys run fit2d --quick\n"
        "other  ml4phys run fit2d --quick --seed 1\n"
    )
    folder = tmp_path / "quick-fit2d"
    folder.mkdir()
    (folder / "notes.rst").write_text("notes\n")
    (folder / "stale.png").write_bytes(b"old figure")
    assert record_results.main(["--only", "quick-fit2d"]) == 0
    record = json.loads((folder / "results.json").read_text())
    assert record["experiment"] == "fit2d" and record["requested_config"]["quick"]
    assert record["config"]["batches"] == 1000  # the config that ran
    assert "commit" in record and record["numbers"]["final_cost"] < 0.01
    assert sorted(p.name for p in folder.iterdir()) == [
        "cost.png",
        "function.png",
        "notes.rst",
        "results.json",
    ]
    assert not (tmp_path / "other").exists()
    assert not list(tmp_path.glob(".*.tmp"))
