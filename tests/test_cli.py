import dataclasses
import json
from pathlib import Path

import pytest

from ml4phys import lab, options
from ml4phys.cli import main
from ml4phys.lab import base


def test_list_names_fit2d(capsys):
    assert main(["list"]) == 0
    assert "fit2d" in capsys.readouterr().out


def test_unknown_experiment_is_one_line_and_exit_1(capsys):
    assert main(["run", "no-such-thing"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("ml4phys: error: unknown experiment 'no-such-thing'; known:")
    assert err.count("\n") == 1


def test_bad_option_value_is_a_user_error(capsys, tmp_path):
    assert (
        main(
            [
                "run",
                "fit2d",
                "--quick",
                "--function",
                "nope",
                "--out",
                str(tmp_path),
                "--no-progress",
            ]
        )
        == 1
    )
    assert "unknown function 'nope'" in capsys.readouterr().err


def test_options_come_from_the_config(capsys):
    with pytest.raises(SystemExit):
        main(["run", "fit2d", "--help"])
    out = capsys.readouterr().out
    for option in (
        "--batchsize",
        "--hidden",
        "--eta",
        "--quick",
        "--no-quick",
        "--output-activation",
    ):
        assert option in out


def test_python_dash_m_entry_point():
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "ml4phys", "list"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "fit2d" in done.stdout


def test_results_json_records_command_and_machine(tmp_path):
    import json

    assert (
        main(
            [
                "run",
                "fit2d",
                "--quick",
                "--no-progress",
                "--eta",
                "2",
                "--out",
                str(tmp_path),
            ]
        )
        == 0
    )
    record = json.loads((tmp_path / "results.json").read_text())
    assert record["command"].startswith(
        "ml4phys run fit2d --quick --no-progress --eta 2"
    )
    assert record["machine"]["cores"] >= 1 and record["machine"]["numpy"]
    assert record["finished"].endswith("+00:00")
    assert len(record["machine"]["load_average"]) == 2


# -- first contact: list, help, checks before work, summary, effective config ----------

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_list_shows_topic_mnist_and_recorded_times(capsys):
    assert main(["list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:5] == ["experiment", "topic", "MNIST", "full", "run"]
    fit2d = next(line for line in lines if line.startswith("fit2d "))
    assert " learning-functions " in fit2d and " no " in fit2d
    assert " s " in fit2d  # docs/results/fit2d holds a recorded full run
    mnist = next(line for line in lines if line.startswith("mnist-dense "))
    assert " mnist " in mnist and " yes " in mnist


def test_every_experiment_has_a_topic_page_that_names_it():
    for name in lab.experiments():
        topic = base.topic_of(name)
        assert topic is not None, f"{name} has no topic in lab.base.TOPICS"
        assert (DOCS / "topics" / f"{topic}.rst").exists(), topic
    assert set(base.MNIST) <= set(lab.experiments())


@pytest.mark.parametrize("name", list(lab.experiments()))
def test_every_option_says_what_it_does(name):
    import argparse

    module = lab.get(name)
    parser = argparse.ArgumentParser()
    options.add_config_options(parser, name, module.Config)
    for action in parser._actions[1:]:
        words = (action.help or "").split(" (default")[0].strip()
        assert len(words) >= 4, f"{name} {action.option_strings[0]}: no description"
    quick = next(a for a in parser._actions if a.dest == "quick")
    assert "shrink" in quick.help and "(" in quick.help, quick.help


def test_help_lists_the_choices(capsys):
    with pytest.raises(SystemExit):
        main(["run", "fit2d", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "one of: bump, ring, waves, step" in out
    assert "one of: sgd, adagrad, rmsprop, adadelta, adam" in out
    assert "relu" in out and "shrink the run to seconds (1000 batches of 250" in out


@pytest.mark.parametrize(
    "argv, message",
    [
        (
            ["fit2d", "--eta", "-1"],
            "--eta must be a positive finite number, received -1.0",
        ),
        (["fit2d", "--batches", "0"], "--batches must be a positive int, received 0"),
        (
            ["fit2d", "--init-scale", "-3"],
            "--init-scale must be a positive finite number",
        ),
        (["fit2d", "--hidden", "20,0"], "--hidden: every entry must be a positive int"),
        (["fit2d", "--optimizer", "adamw"], "--optimizer: unknown optimizer 'adamw'"),
        (["nqs-tfim", "--n-samples", "0"], "--n-samples must be a positive int"),
        (["q-learning", "--gamma", "1.5"], "--gamma must be a number in [0, 1]"),
    ],
)
def test_bad_numbers_fail_before_any_work_naming_the_option(
    argv, message, capsys, tmp_path, monkeypatch
):
    module = lab.get(argv[0])
    monkeypatch.setattr(module, "run", lambda *a, **k: pytest.fail("it ran"))
    assert main(["run", *argv, "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1, err


def test_out_that_is_a_file_or_under_one_fails_before_any_work(
    tmp_path, capsys, monkeypatch
):
    monkeypatch.setattr(lab.get("fit2d"), "run", lambda *a, **k: pytest.fail("ran"))
    a_file = tmp_path / "file"
    a_file.write_text("x")
    assert main(["run", "fit2d", "--out", str(a_file)]) == 1
    assert "is a file, not a folder" in capsys.readouterr().err
    assert main(["run", "fit2d", "--out", str(a_file / "sub")]) == 1
    assert f"lies under the file {a_file}" in capsys.readouterr().err


def test_out_not_writable_fails_before_any_work(tmp_path, capsys, monkeypatch):
    import os

    if os.geteuid() == 0:
        pytest.skip("root may write anywhere")
    monkeypatch.setattr(lab.get("fit2d"), "run", lambda *a, **k: pytest.fail("ran"))
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    assert main(["run", "fit2d", "--out", str(locked / "out")]) == 1
    assert "cannot write in" in capsys.readouterr().err


def test_sweep_and_data_options_are_checked(capsys, tmp_path):
    assert main(["sweep", "fit2d", "--seeds", "4-0", "--out", str(tmp_path)]) == 1
    assert "--seeds: '4-0'" in capsys.readouterr().err
    assert main(["sweep", "fit2d", "--eta", "-1", "--out", str(tmp_path)]) == 1
    assert "--eta must be a positive finite number" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["data", "ising", "--n-samples", "0"])
    assert "--n-samples must be an int >= 1, received 0" in capsys.readouterr().err


def test_quick_run_records_the_effective_config_and_prints_a_summary(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["run", "fit2d", "--quick", "--no-progress", "--out", str(out)]) == 0
    record = json.loads((out / "results.json").read_text())
    assert record["config"]["batches"] == 1000 and record["config"]["batchsize"] == 250
    assert record["requested_config"]["batches"] == 2000
    assert record["requested_config"]["quick"] is True
    printed = capsys.readouterr().out.splitlines()
    row = next(line for line in printed if line.strip().startswith("cost_of_mean"))
    assert "best constant" in row
    values = [line for line in printed if line.startswith("  ") and "cost" in line]
    assert len({line.index(" cost C") for line in values if " cost C" in line}) == 1
    assert any(line.startswith("figures: ") and "cost.png" in line for line in printed)
    assert printed[-1].startswith(f"numbers: {out / 'results.json'}")
    assert not any(line.startswith("{") for line in printed)  # no raw JSON


def test_full_config_is_recorded_once_when_nothing_shrinks(tmp_path):
    out = tmp_path / "run"
    argv = ["run", "fit2d", "--batches", "20", "--batchsize", "10", "--grid", "10"]
    assert main([*argv, "--no-progress", "--out", str(out)]) == 0
    record = json.loads((out / "results.json").read_text())
    assert "requested_config" not in record and record["config"]["batches"] == 20


def test_footer_leaves_the_figure_as_it_was(tmp_path):
    from matplotlib.figure import Figure

    from ml4phys.plots.save import save_png

    fig = Figure()
    fig.add_subplot().plot([0, 1])
    save_png(fig, tmp_path / "a.png", footer="ml4phys run x --eta 1 · commit abc")
    assert (tmp_path / "a.png").read_bytes()[:4] == b"\x89PNG" and not fig.texts


def test_nqs_tfim_names_its_models_on_the_axis():
    from ml4phys.lab import nqs_tfim

    config = dataclasses.replace(nqs_tfim.Config(quick=True))
    result = nqs_tfim.run(config)
    axis = result.figures["relative_error"].axes[0]
    names = [t.get_text() for t in axis.get_xticklabels()]
    assert names == ["mean field", "Jastrow", "RBM alpha=1"]
    assert result.config.n_sites == 8


def test_data_refresh_samples_the_cached_ising_configurations_again(tmp_path, capsys):
    argv = ["data", "ising", "--L", "4", "--temperatures", "2.0,3.0", "--n-samples"]
    argv += ["3", "--equilibration", "2", "--spacing", "1", "--data-dir", str(tmp_path)]
    assert main(argv) == 0
    (cached,) = tmp_path.rglob("*.npz")
    before = cached.stat().st_mtime_ns
    assert main(argv) == 0 and cached.stat().st_mtime_ns == before  # read, not redone
    assert main([*argv, "--refresh"]) == 0
    assert cached.stat().st_mtime_ns != before
