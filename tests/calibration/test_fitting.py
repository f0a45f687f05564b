"""The calibration machinery on a problem written from the model itself (issue #14).

The synthetic data are the model's own time courses at known parameter values, so the fit must
find those values again, the profile interval must contain them, and a parameter the data do
not constrain must be called not identifiable.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from mbaxis.analysis.calibration import Objective, load_problem
from mbaxis.analysis.calibration.crossvalidation import leave_one_study_out
from mbaxis.analysis.calibration.fitting import fit, profile, start_points
from mbaxis.analysis.calibration.problem import CalibrationProblem
from mbaxis.analysis.calibration.sampling import sample_ensemble
from mbaxis.analysis.errors import CalibrationError
from mbaxis.network import Model
from tests.calibration.synthetic import log10, write_synthetic_problem

TRUTH = {"exercise_lactate__emax": 30.0, "exercise_gh__emax": 80.0}
COURSES = [
    ("c70", "aerobic(duration_min=30,intensity=0.7)", "plasma__lactate", [0, 10, 20, 30, 45, 60]),
    ("c90", "aerobic(duration_min=30,intensity=0.9)", "plasma__lactate", [0, 10, 20, 30, 45, 60]),
    ("c90", "aerobic(duration_min=30,intensity=0.9)", "plasma__GH", [0, 15, 30, 45, 60]),
]


@pytest.fixture(scope="module")
def synthetic(model: Model, tmp_path_factory: pytest.TempPathFactory) -> CalibrationProblem:
    folder = tmp_path_factory.mktemp("synthetic")
    yaml = write_synthetic_problem(folder, model, COURSES, list(TRUTH), TRUTH)
    return load_problem(yaml, model)


def test_the_synthetic_problem_is_valid_petab(synthetic: CalibrationProblem) -> None:
    linted = subprocess.run(
        [str(Path(sys.executable).with_name("petablint")), str(synthetic.folder / "problem.yaml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert linted.returncode == 0, linted.stdout + linted.stderr
    assert synthetic.points == 17
    assert synthetic.estimated == tuple(TRUTH)


def test_the_cost_is_least_at_the_truth(synthetic: CalibrationProblem, model: Model) -> None:
    objective = Objective(synthetic, model)
    at_truth = objective.fit(log10(list(TRUTH.values())))
    # the data are the model at the truth, times 1.3 (a dataset scale): exact up to the
    # integrator, so every residual is ~0 and each scale is found in closed form
    assert np.abs(at_truth.residuals).max() < 1e-3
    assert all(abs(s - 1.3) < 1e-4 for s in at_truth.scales.values())
    assert objective(np.log10(synthetic.nominal)) > at_truth.cost + 10


def test_a_fit_finds_the_truth_and_its_profile_holds_it(
    synthetic: CalibrationProblem, model: Model
) -> None:
    result = fit(synthetic, model, starts=4, seed=3)
    assert [s.cost for s in result.starts] == sorted(s.cost for s in result.starts)
    assert result.converged() >= 2
    found = result.values()
    assert found["exercise_lactate__emax"] == pytest.approx(30.0, rel=1e-3)
    assert found["exercise_gh__emax"] == pytest.approx(80.0, rel=1e-3)
    estimates = {e.id: e for e in profile(result, model)}
    lactate = estimates["exercise_lactate__emax"]
    assert lactate.lower < 30.0 < lactate.upper
    assert lactate.identifiable
    assert lactate.upper / lactate.lower < 1.5  # 5% errors on 12 points pin it


def test_starts_are_reproducible_at_a_seed(synthetic: CalibrationProblem) -> None:
    first, again, other = (start_points(synthetic, 8, seed) for seed in (5, 5, 6))
    assert np.array_equal(first, again)
    assert not np.array_equal(first, other)
    assert np.allclose(first[0], np.log10(synthetic.nominal))  # the tables' values start first
    assert np.all(first >= np.log10(synthetic.lower)) and np.all(first <= np.log10(synthetic.upper))


def test_leaving_a_study_out(synthetic: CalibrationProblem) -> None:
    with pytest.raises(ValueError, match=r"no study 'nope'.*synthetic"):
        synthetic.without_study("nope")


def test_posterior_members_surround_the_truth(synthetic: CalibrationProblem, model: Model) -> None:
    result = fit(synthetic, model, starts=2, seed=0)
    ensemble, chain = sample_ensemble(result, model, members=40, samples=600, seed=2)
    again, _ = sample_ensemble(result, model, members=40, samples=600, seed=2)
    assert len(ensemble) == 40 and ensemble.parameters == tuple(TRUTH)
    assert np.array_equal(ensemble.values, again.values)  # reproducible at a seed
    low, high = np.percentile(ensemble.values, [2.5, 97.5], axis=0)
    for index, truth in enumerate(TRUTH.values()):
        assert low[index] < truth < high[index]
    assert 0.05 < chain["acceptance"] < 0.9
    with pytest.raises(CalibrationError, match="samples after a burn-in"):
        sample_ensemble(result, model, members=500, samples=300, seed=2)


def test_a_study_nothing_else_informs_is_predicted_badly(
    model: Model, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Two studies, each the only one to see its parameter: left out, each is predicted from
    the tables' value of that parameter, not the truth, so cross-validation flags both."""
    folder = tmp_path_factory.mktemp("two_studies")
    yaml = write_synthetic_problem(
        folder, model, COURSES[1:], list(TRUTH), TRUTH, one_study_each=True
    )
    problem = load_problem(yaml, model)
    result = fit(problem, model, starts=2, seed=0)
    errors = {e.study: e for e in leave_one_study_out(result, model, starts=2)}
    assert set(errors) == {"study0", "study1"}
    for error in errors.values():
        assert error.in_sample < 1e-3  # the full fit reproduces the data
        assert error.left_out > 1.0 and error.overfitted
