import pytest

from ml4phys.cli import main


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
