"""The bundled calibration problem: fresh, valid PEtab, every point traceable (issue #14)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from mbaxis.analysis.calibration import (
    Objective,
    bundled_fit_path,
    bundled_problem_path,
    load_problem,
)
from mbaxis.analysis.calibration.apply import read_fitted
from mbaxis.analysis.calibration.build import problem_files, problem_folder
from mbaxis.analysis.calibration.fitting import fit
from mbaxis.analysis.ensembles import load_ensemble
from mbaxis.network import Model


def test_the_committed_tables_are_fresh(model: Model) -> None:
    folder = problem_folder()
    for name, text in problem_files(folder, model).items():
        assert (folder / name).read_text(encoding="utf-8") == text, (
            f"{name} is stale: run python -m mbaxis.analysis.calibration build"
        )


def test_petablint_reads_it_clean() -> None:
    linted = subprocess.run(
        [str(Path(sys.executable).with_name("petablint")), str(bundled_problem_path())],
        capture_output=True,
        text=True,
        check=False,
    )
    assert linted.returncode == 0, linted.stdout + linted.stderr


def test_every_dataset_names_its_paper_and_place(model: Model) -> None:
    problem = load_problem(bundled_problem_path(), model)
    for dataset in problem.datasets:
        assert dataset.reference.startswith(("PMID:", "DOI:10."))
        assert dataset.source
        assert len(dataset.times) >= 2  # a single scaled point would carry nothing
        assert 0.0 in dataset.times  # each time course starts from its own resting mean


def test_a_reduced_fit_improves_on_the_tables(model: Model) -> None:
    """CI's fit of the bundled problem: two short starts, the first from the tables' values,
    so the best can only be at least as good as the tables."""
    problem = load_problem(bundled_problem_path(), model)
    result = fit(problem, model, starts=2, seed=0, max_iterations=3)
    at_tables = Objective(problem, model)(np.log10(problem.nominal))
    assert result.best.cost <= at_tables + 1e-9
    assert np.all(result.best.x >= np.log10(problem.lower) - 1e-12)
    assert np.all(result.best.x <= np.log10(problem.upper) + 1e-12)


def test_the_tables_hold_the_committed_fit(model: Model) -> None:
    """The committed fit belongs to the current problem, and its identifiable values are the
    tables' (python -m mbaxis.analysis.calibration apply after a refit)."""
    folder = bundled_fit_path()
    summary = json.loads((folder / "calibration.json").read_text(encoding="utf-8"))
    problem = load_problem(bundled_problem_path(), model)
    assert (summary["points"], summary["datasets"]) == (problem.points, len(problem.datasets))
    assert [p["id"] for p in summary["parameters"]] == list(problem.estimated)
    tables = {p.id: p for p in model.parameters}
    for fitted in read_fitted(folder / "fitted_parameters.tsv"):
        row = tables[fitted.id]
        if fitted.identifiable:
            assert row.value == pytest.approx(fitted.value, rel=1e-5), fitted.id
            assert row.source.startswith("fitted: mbaxis calibrate"), fitted.id
        else:
            assert not row.source.startswith("fitted:"), fitted.id
    ensemble = load_ensemble(folder / "ensemble.csv", model)
    assert len(ensemble) >= 200 and ensemble.parameters == problem.estimated
