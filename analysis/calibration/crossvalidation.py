"""Leave-one-study-out cross-validation: does the fit predict a study it has not seen?

For each study, the fit is repeated without it (from the same starts as the full fit: the
tables' values and Latin-hypercube points, never the full fit's optimum, which has seen the
study), and the left-out study's time courses are predicted; their scales are
still found in closed form (assays differ, see :mod:`.problem`), so what is predicted is the
shape and relative size of each time course. The error of a study is its mean squared weighted
residual (chi-square per point); a study predicted much worse left out than fitted in (beyond
its noise) says the fit bends to it rather than learning from the others.

A parameter that no readout of the remaining studies depends on (no path in the network from
what it acts on to a readout) is not refitted: it keeps the tables' value. Left free it would
only drift on the integrator's noise, and its left-out prediction would depend on which start
won by rounding.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

import networkx as nx
import numpy as np

from mbaxis.analysis.calibration.fitting import CalibrationResult, fit
from mbaxis.analysis.calibration.objective import Objective
from mbaxis.analysis.calibration.problem import CalibrationProblem
from mbaxis.analysis.errors import SimulationError
from mbaxis.network import Model, to_digraph

__all__ = ["OVERFIT_RATIO", "StudyError", "leave_one_study_out", "study_errors"]

#: A study predicted left out with more than this many times its in-sample error per point is
#: flagged: the fit depends on seeing it. The in-sample error counts as at least 1 (a chi-square
#: per point of 1 is what the published standard errors allow), so a study fitted exactly and
#: predicted within its noise is not flagged.
OVERFIT_RATIO = 2.0


@dataclass(frozen=True)
class StudyError:
    """One study's chi-square per point, fitted in and predicted left out."""

    study: str
    points: int
    in_sample: float
    left_out: float

    @property
    def ratio(self) -> float:
        """Left-out error over in-sample error, the latter counted as at least 1."""
        return self.left_out / max(self.in_sample, 1.0)

    @property
    def overfitted(self) -> bool:
        return self.ratio > OVERFIT_RATIO


def study_errors(
    problem: CalibrationProblem, objective: Objective, x: np.ndarray
) -> dict[str, float]:
    """Chi-square per point of every study of ``problem`` at log10 parameters ``x``."""
    predictions = objective.fit(x).predictions
    squares: dict[str, list[float]] = {}
    for dataset in problem.datasets:
        residual = (dataset.values - predictions[dataset.id]) / dataset.sigmas
        squares.setdefault(dataset.study, []).extend((residual**2).tolist())
    return {study: float(np.mean(values)) for study, values in squares.items()}


def leave_one_study_out(
    result: CalibrationResult,
    model: Model,
    *,
    starts: int = 10,
    jobs: int = 1,
    max_iterations: int = 50,
    progress: Callable[[int], object] | None = None,
) -> tuple[StudyError, ...]:
    """Refit without each study in turn and predict it; the in-sample errors come from
    ``result``."""
    problem = result.problem
    full = Objective(problem, model)
    inside = study_errors(problem, full, result.best.x)
    points = {s: 0 for s in problem.studies}
    for dataset in problem.datasets:
        points[dataset.study] += len(dataset.times)
    errors = []
    graph = to_digraph(model)
    for study in problem.studies:
        reduced = problem.without_study(study)
        if not reduced.datasets:
            continue
        seen = _seen_by_the_data(reduced, model, graph)
        x = np.log10(problem.nominal)  # what the remaining data cannot see keeps the tables' value
        if seen.any():
            refit = fit(
                _estimating_only(reduced, seen),
                model,
                starts=starts,
                seed=result.seed,
                jobs=jobs,
                max_iterations=max_iterations,
            )
            x[seen] = refit.best.x
        try:
            predicted = study_errors(problem, full, x)[study]
        except SimulationError:
            predicted = float("inf")
        errors.append(StudyError(study, points[study], inside[study], predicted))
        if progress is not None:
            progress(1)
    return tuple(errors)


def _seen_by_the_data(problem: CalibrationProblem, model: Model, graph: nx.DiGraph) -> np.ndarray:
    """For each estimated parameter, whether a readout of ``problem``'s datasets depends on it:
    the species it acts on (an edge's target, or the species itself) is a readout or has a path
    to one. A parameter of a name the model does not know is counted as seen."""
    readouts = {d.readout for d in problem.datasets}
    targets = {edge.id: edge.target for edge in model.interactions}
    species = {s.id for s in model.species}
    seen = []
    for name in problem.estimated:
        owner = name.rsplit("__", 1)[0]
        node = targets.get(owner, owner if owner in species else None)
        if node is None or node not in graph:
            seen.append(True)
            continue
        seen.append(
            any(node == r or (r in graph and nx.has_path(graph, node, r)) for r in readouts)
        )
    return np.asarray(seen, dtype=bool)


def _estimating_only(problem: CalibrationProblem, keep: np.ndarray) -> CalibrationProblem:
    """``problem`` with only the ``keep`` parameters estimated (the others at the tables')."""
    return dataclasses.replace(
        problem,
        estimated=tuple(n for n, k in zip(problem.estimated, keep, strict=True) if k),
        lower=problem.lower[keep],
        upper=problem.upper[keep],
        nominal=problem.nominal[keep],
    )
