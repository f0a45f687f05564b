"""The bundled calibration problem: fresh, valid PEtab, every point traceable (issue #14)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from mbaxis.analysis.calibration import bundled_problem_path, load_problem
from mbaxis.analysis.calibration.build import problem_files, problem_folder
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
