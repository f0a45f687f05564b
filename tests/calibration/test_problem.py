"""Reading a calibration problem: every defect ends in one named error (issue #14)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from mbaxis.analysis.calibration import load_problem
from mbaxis.analysis.errors import CalibrationError
from mbaxis.cli import main
from mbaxis.network import Model
from tests.calibration.synthetic import write_synthetic_problem

COURSES = [
    ("c70", "aerobic(duration_min=30,intensity=0.7)", "plasma__lactate", [0, 15, 30, 60]),
    ("c70", "aerobic(duration_min=30,intensity=0.7)", "plasma__cortisol", [0, 30, 60]),
]
ESTIMATED = ["exercise_lactate__emax"]


@pytest.fixture
def problem_folder(model: Model, tmp_path: Path) -> Path:
    write_synthetic_problem(tmp_path / "p", model, COURSES, ESTIMATED, {})
    return tmp_path / "p"


def _edit(path: Path, change: Callable[[list[str]], None]) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    change(lines)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_a_good_problem_loads(problem_folder: Path, model: Model) -> None:
    problem = load_problem(problem_folder / "problem.yaml", model)
    assert [d.readout for d in problem.datasets] == ["plasma__lactate", "plasma__cortisol"]
    assert problem.points == 7
    (protocol,) = problem.conditions["c70"].protocols
    assert (protocol.name, protocol.parameters["intensity"]) == ("aerobic", 0.7)


def _replace(old: str, new: str) -> Callable[[list[str]], None]:
    def change(lines: list[str]) -> None:
        lines[1] = lines[1].replace(old, new)

    return change


@pytest.mark.parametrize(
    ("file", "change", "message"),
    [
        ("experiments.tsv", _replace("aerobic(", "aerobik("), r"experiments.tsv, line 2.*aerobik"),
        ("experiments.tsv", lambda lines: lines.pop(1), r"condition 'c70' has no row"),
        ("datasets.tsv", _replace("PMID:1", "PMID 1"), r"datasets.tsv, line 2.*PMID:<digits>"),
        ("datasets.tsv", _replace("simulated", ""), r"line 2: dataset 'd0' does not say which"),
        ("datasets.tsv", _replace("human", "dog"), r"organism 'dog'"),
        ("measurements.tsv", _replace("scale_d0", "scale_d1"), r"line 2: observableParameters"),
        ("measurements.tsv", _replace("\td0", "\td9"), r"line 2: dataset 'd9' is not in"),
        ("observables.tsv", _replace("* plasma__lactate", "* 2"), r"observableFormula"),
        ("parameters.tsv", _replace("\t5.263\t", "\t1.0\t"), r"bounds of 'exercise_lactate"),
    ],
)
def test_defects_are_named(
    problem_folder: Path,
    model: Model,
    file: str,
    change: Callable[[list[str]], None],
    message: str,
) -> None:
    _edit(problem_folder / file, change)
    with pytest.raises(CalibrationError, match=message):
        load_problem(problem_folder / "problem.yaml", model)


def test_a_negative_noise_is_named(problem_folder: Path, model: Model) -> None:
    def change(lines: list[str]) -> None:
        cells = lines[2].split("\t")
        cells[5] = "-0.1"
        lines[2] = "\t".join(cells)

    _edit(problem_folder / "measurements.tsv", change)
    with pytest.raises(CalibrationError, match=r"measurements.tsv, line 3: noise -0.1"):
        load_problem(problem_folder / "problem.yaml", model)


def test_cli_prints_the_contract_summary(
    problem_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "fit"
    status = main(
        ["calibrate", "--problem", str(problem_folder), "--starts", "2", "--jobs", "1",
         "--ensemble-size", "20", "--samples", "200", "--out", str(out), "--json"]
    )  # fmt: skip
    assert status == 0
    summary = json.loads(capsys.readouterr().out)
    assert {"datasets", "points", "starts", "best_objective", "parameters"} <= set(summary)
    assert (summary["datasets"], summary["points"], summary["starts"]) == (2, 7, 2)
    (row,) = summary["parameters"]
    assert set(row) >= {"id", "value", "lower", "upper", "identifiable"}
    assert row["lower"] <= row["value"] <= row["upper"]
    assert summary["ensemble"]["members"] == 20
    tables = ("calibration.json", "starts.tsv", "fits.tsv", "fitted_parameters.tsv", "profiles.tsv")
    written = (*tables, "ensemble.csv", "waterfall.png", "fits.png", "profiles.png")
    for name in written:
        assert (out / name).stat().st_size > 0, name


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--problem", "/nonexistent/problem.yaml"], "no such PEtab YAML file"),
        (["--starts", "0"], "--starts must be at least 1"),
        (["--ensemble-size", "500", "--samples", "100"], "--ensemble-size must be >= 0 and"),
    ],
)
def test_cli_bad_input_is_one_line(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["calibrate", *argv]) == 2
    error = capsys.readouterr().err
    assert message in error and error.count("\n") == 1
