"""The exported PEtab problem runs the experiments by itself: petablint reads it clean, and
roadrunner, given only the exported files and PEtab v1's rules (a preequilibration condition
run to steady state, then the simulation condition's values on top of the state it reached),
reproduces what mbaxis computes at every measurement."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import roadrunner

from mbaxis.analysis.calibration import load_problem
from mbaxis.analysis.calibration.build import MODEL_FILE
from mbaxis.analysis.calibration.export import export_petab
from mbaxis.analysis.calibration.objective import Objective
from mbaxis.analysis.calibration.problem import bundled_problem_path
from mbaxis.analysis.errors import CalibrationError
from mbaxis.cli import main
from mbaxis.network import Model


@pytest.fixture(scope="module")
def exported(model: Model, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("petab")
    return export_petab(load_problem(bundled_problem_path(), model), model, folder)


def test_petablint_reads_the_export_clean(exported: Path) -> None:
    linted = subprocess.run(
        [sys.executable, "-m", "petab.petablint", str(exported)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert linted.returncode == 0, linted.stdout + linted.stderr


def _apply(runner: roadrunner.RoadRunner, row: pd.Series, species: set[str]) -> None:
    values = row.drop("conditionName").dropna()
    runner.setValues({k: float(v) for k, v in values.items() if k not in species})
    runner.setValues({k: float(v) for k, v in values.items() if k in species})


def test_roadrunner_runs_every_condition_from_the_files_alone(model: Model, exported: Path) -> None:
    folder = exported.parent
    conditions = pd.read_csv(folder / "conditions.tsv", sep="\t", index_col=0)
    measurements = pd.read_csv(folder / "measurements.tsv", sep="\t")
    observables = pd.read_csv(folder / "observables.tsv", sep="\t", index_col=0)
    problem = load_problem(bundled_problem_path(), model)
    ours = Objective(problem, model).simulate(np.log10(problem.nominal))
    datasets = {d.id: d for d in problem.datasets}
    worst = 0.0
    pairs = measurements.groupby(["preequilibrationConditionId", "simulationConditionId"])
    for (rest, condition), rows in pairs:
        runner = roadrunner.RoadRunner(str(folder / "model.xml"))
        runner.integrator.relative_tolerance = 1e-10
        runner.integrator.absolute_tolerance = 1e-14
        runner.integrator.setValue("maximum_num_steps", 200000)
        species = set(runner.model.getFloatingSpeciesIds())
        _apply(runner, conditions.loc[str(rest)], species)
        runner.simulate(0, 1e6, 2)  # the slowest states settle within weeks
        runner.setValue("time", 0.0)
        _apply(runner, conditions.loc[str(condition)], species)
        times = sorted(set(rows["time"]) | {0.0})
        readouts = sorted({observables.loc[o, "observableName"] for o in rows["observableId"]})
        result = runner.simulate(times=times, selections=["time", *readouts])
        table = pd.DataFrame(np.asarray(result), columns=["time", *readouts]).set_index("time")
        for _, row in rows.iterrows():
            dataset = datasets[row["datasetId"]]
            mine = ours[dataset.id][list(dataset.times).index(row["time"])]
            theirs = table.loc[row["time"], dataset.readout]
            worst = max(worst, abs(theirs - mine) / abs(mine))
    # the objective integrates at FIT_RTOL (1e-6); agreement is measured at 1.0e-5
    assert worst < 1e-4


def test_a_subject_that_scales_an_estimated_parameter_is_refused(
    model: Model, tmp_path: Path
) -> None:
    """Age scales exercise_gh__emax (subjects.tsv) and the MK-677 study is done at 72: a PEtab
    v1 condition cannot scale what the fit estimates."""
    bundled = bundled_problem_path()
    folder = tmp_path / "problem"
    shutil.copytree(bundled.parent, folder, ignore=shutil.ignore_patterns("fit"))
    sbml = (bundled.parent / MODEL_FILE).resolve()
    yaml = (folder / "problem.yaml").read_text(encoding="utf-8")
    yaml = yaml.replace(MODEL_FILE, os.path.relpath(sbml, folder))
    (folder / "problem.yaml").write_text(yaml, encoding="utf-8")
    parameters = pd.read_csv(folder / "parameters.tsv", sep="\t")
    gh = next(p for p in model.parameters if p.id == "exercise_gh__emax")
    row = {
        "parameterId": gh.id,
        "parameterScale": "log10",
        "lowerBound": gh.low,
        "upperBound": gh.high,
        "nominalValue": gh.value,
        "estimate": 1,
    }
    parameters = pd.concat([parameters, pd.DataFrame([row])], ignore_index=True)
    parameters.to_csv(folder / "parameters.tsv", sep="\t", index=False)
    problem = load_problem(folder / "problem.yaml", model)
    with pytest.raises(CalibrationError, match=r"changes 'exercise_gh__emax'.*estimates"):
        export_petab(problem, model, tmp_path / "out")


def test_the_command_writes_the_problem_and_says_what(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "petab"
    assert main(["export", "petab", "--out", str(out), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["path"] == str(out / "problem.yaml")
    assert {"model.xml", "conditions.tsv", "measurements.tsv"} <= set(summary["files"])
    assert summary["points"] == len(pd.read_csv(out / "measurements.tsv", sep="\t"))


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ([], "export petab needs --out DIR"),
        (["--out", "DIR", "--all"], "one experiment (--protocol P...), not --all"),
        (["--out", "DIR", "--protocol", "hiit", "--problem", "x"], "not both"),
        (["--out", "DIR", "--subject", "subject(sex=female)"], "give it with --protocol P"),
        (["--out", "DIR", "--protocol", "swim"], "unknown protocol 'swim'"),
        (["--out", "FILE"], "export petab writes a folder, and this is a file"),
        (["--out", "DIR", "--problem", "/nonexistent/problem.yaml"], "no such PEtab YAML file"),
    ],
)
def test_bad_export_requests_are_one_line_errors(
    arguments: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "FILE").write_text("keep me", encoding="utf-8")
    arguments = [str(tmp_path / a) if a in ("DIR", "FILE") else a for a in arguments]
    assert main(["export", "petab", *arguments]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0], err
    assert [p.name for p in tmp_path.iterdir()] == ["FILE"]  # nothing written
    assert (tmp_path / "FILE").read_text(encoding="utf-8") == "keep me"


def test_one_experiment_exports_with_its_own_simulation_as_measurements(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`export petab --protocol`: petablint reads it clean, and roadrunner running the exported
    SBML alone (the experiment starts from the subject's resting state, as in the archives)
    meets every measurement, which is mbaxis's own simulation."""
    out = tmp_path / "petab"
    arguments = ["--protocol", "sprint(bouts=4)", "--subject", "subject(sex=female)"]
    assert main(["export", "petab", *arguments, "--out", str(out), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["conditions"] == 1 and "sex=female" in summary["experiment"]
    linted = subprocess.run(
        [sys.executable, "-m", "petab.petablint", str(out / "problem.yaml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert linted.returncode == 0, linted.stdout + linted.stderr
    measurements = pd.read_csv(out / "measurements.tsv", sep="\t")
    assert measurements["datasetId"].str.startswith("simulated_by_mbaxis_").all()
    runner = roadrunner.RoadRunner(str(out / "model.xml"))
    runner.integrator.relative_tolerance = 1e-8
    runner.integrator.absolute_tolerance = 1e-12
    lactate = measurements[measurements["observableId"] == "obs_plasma__lactate"]
    result = np.asarray(
        runner.simulate(times=lactate["time"].tolist(), selections=["time", "plasma__lactate"])
    )
    relative = np.abs(result[:, 1] - lactate["measurement"]) / lactate["measurement"]
    assert relative.max() < 1e-5
    assert lactate["measurement"].max() > 3 * lactate["measurement"].iloc[0]  # the sprints ran
