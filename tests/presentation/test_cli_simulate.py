"""``mbaxis simulate``: the CSV of the contract, the plot, the JSON, and one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import matplotlib.image
import numpy as np
import pandas as pd
import pytest

from mbaxis.cli import main
from tests.contract import CONTRACT_SPECIES


def test_lactate_infusion_csv_has_time_and_every_contract_id(tmp_path: Path) -> None:
    out = tmp_path / "x.csv"
    assert (
        main(["simulate", "lactate_infusion(duration_min=60)", "--t-end", "240", "--out", str(out)])
        == 0
    )
    table = pd.read_csv(out)
    assert table.columns[0] == "time"
    assert set(CONTRACT_SPECIES) <= set(table.columns)
    assert table["time"].iloc[0] == 0 and table["time"].iloc[-1] == 240
    assert table["plasma__lactate"].max() > 4.0


def test_plot_and_json_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    picture = tmp_path / "course.png"
    assert (
        main(
            [
                "simulate",
                "aerobic(duration_min=40,intensity=0.7)",
                "fasting(duration_h=2)",
                "--perturb",
                "knockdown(plasma__IL6,fraction=0.5)",
                "--readout",
                "serum__BDNF",
                "--readout",
                "plasma__IL6",
                "--plot",
                str(picture),
                "--json",
            ]
        )
        == 0
    )
    summary = json.loads(capsys.readouterr().out)
    assert [p["name"] for p in summary["protocols"]] == ["aerobic", "fasting"]
    assert summary["perturbations"] == [{"knockdown": "plasma__IL6", "fraction": 0.5}]
    assert set(summary["readouts"]) == {"serum__BDNF", "plasma__IL6"}
    assert summary["readouts"]["serum__BDNF"]["unit"] == "ng/mL"
    assert summary["readouts"]["serum__BDNF"]["max"] > summary["readouts"]["serum__BDNF"]["start"]
    pixels = matplotlib.image.imread(picture)
    assert float(np.var(pixels)) > 1e-3


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["simulate", "swim"], "unknown protocol 'swim'; valid protocols: rest, aerobic"),
        (["simulate", "aerobic(pace=3)"], "unknown parameter 'pace' of protocol 'aerobic'"),
        (
            ["simulate", "aerobic", "--perturb", "knockout(plasma__CTBS)"],
            "unknown species 'plasma__CTBS'; valid IDs:",
        ),
        (
            ["simulate", "aerobic", "--perturb", "inhibit(plasma__IL6 -> brain__lactate)"],
            "unknown interaction 'plasma__IL6 -> brain__lactate'; valid edges:",
        ),
        (["simulate", "aerobic", "--readout", "brain__BDNF"], "unknown species 'brain__BDNF'"),
        (["simulate"], "the following arguments are required: PROTOCOL"),
        (["knockout", "--jobs", "x"], "argument --jobs: invalid int value: 'x'"),
        (
            ["knockout", "--window", "50", "40"],
            "window [50, 40] min ends before it starts; expected start <= end",
        ),
        (
            ["sensitivity", "--window", "50", "40", "--jobs", "1"],
            "window [50, 40] min ends before it starts; expected start <= end",
        ),
        (
            ["simulate", "aerobic", "--subject", "subject(height=180)"],
            "unknown subject key 'height'; valid keys: sex, age",
        ),
        (["report", "--population-n", "0"], "argument --population-n: expected at least 1, got 0"),
        (
            ["report", "--optimize-members", "four"],
            "argument --optimize-members: expected a whole number, got 'four'",
        ),
    ],
)
def test_bad_input_exits_2_with_one_line(arguments: list[str], message: str) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "mbaxis", *arguments],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 2
    assert completed.stdout == ""
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0]


def test_a_subject_the_model_cannot_represent_is_one_line(
    untrained_only_model: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    arguments = ["--model", str(untrained_only_model), "simulate", "aerobic"]
    assert main([*arguments, "--subject", "subject(training_status=resistance_trained)"]) == 2
    error = capsys.readouterr().err
    assert "the model cannot represent subject key(s) training_status=resistance_trained" in error
    assert error.count("\n") == 1


def test_the_report_flags_default_to_the_published_settings() -> None:
    """`mbaxis report` without flags does the work ReportSettings describes (the CLI writes its
    defaults out, so that building the parser does not import the plotting stack)."""
    from mbaxis.cli import _build_parser
    from mbaxis.report import ReportSettings

    args = _build_parser().parse_args(["report"])
    published = ReportSettings()
    counts = ("sobol_n", "sobol_top", "population_n", "optimize_evaluations", "optimize_members")
    for name in counts:
        assert getattr(args, name) == getattr(published, name), name
    assert args.null == published.null_copies
