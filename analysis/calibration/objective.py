"""The calibration objective: how far the model is from the published time courses.

One :class:`Objective` holds one compiled model (a :class:`~mbaxis.analysis.Simulator`) and
reuses it for every evaluation; each evaluation runs every condition once, recording only the
measured readouts at the measured times.

The likelihood is Gaussian on the published means, each with its standard error
(PEtab's ``normal``, ``lin``). Every dataset has its own scale (assays differ in absolute
level, see :mod:`.problem`); for given model parameters the best scale has a closed form,
``s = sum(y x / sigma^2) / sum(x^2 / sigma^2)``, so the optimiser searches only the model's
parameters (the profile likelihood over the scales, as pyPESTO's hierarchical optimisation
does).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from mbaxis.analysis.calibration.problem import CalibrationProblem, Dataset
from mbaxis.analysis.errors import SimulationError
from mbaxis.analysis.simulation import Simulator
from mbaxis.network import Model

__all__ = ["FAILED_COST", "Fit", "Objective"]

#: What a parameter vector costs when a condition cannot be simulated at it. Finite, so that
#: optimisers step back rather than stop; far above any fit the data allow.
FAILED_COST = 1e12
_SCALE_BOUNDS = (1e-3, 1e3)
#: Integrator tolerance of the fits: tighter than the data need by orders of magnitude (the
#: smallest standard error is about 1% of its mean), looser than the tables' runs, for speed.
FIT_RTOL = 1e-6


@dataclass(frozen=True)
class Fit:
    """The model's predictions for every dataset at one parameter vector."""

    predictions: Mapping[str, np.ndarray]  # dataset -> scaled model values at its times
    scales: Mapping[str, float]
    residuals: np.ndarray  # (data - prediction) / sigma, datasets in problem order
    cost: float  # negative log-likelihood


@dataclass(frozen=True)
class _Run:
    condition: str
    times: np.ndarray
    readouts: tuple[str, ...]


def values_at(series: pd.Series, times: np.ndarray) -> np.ndarray:
    """A simulated readout (indexed by time; a run holds extra rows at its switches) at
    ``times``."""
    index = np.asarray(series.index, dtype=float)
    return np.asarray(series.to_numpy(), dtype=float)[np.searchsorted(index, times)]


def _best_scale(data: np.ndarray, model: np.ndarray, sigma: np.ndarray) -> float:
    weight = model / sigma**2
    denominator = float(np.dot(weight, model))
    if not denominator > 0:
        return 1.0
    return float(np.clip(np.dot(weight, data) / denominator, *_SCALE_BOUNDS))


class Objective:
    """Negative log-likelihood of a calibration problem, as a function of log10 parameters.

    Parameters
    ----------
    problem : CalibrationProblem
        The data and the parameters to estimate (``problem.estimated``, in that order).
    model : mbaxis.network.Model
        The model; compiled once here.
    sbml : str, optional
        The model's SBML, if already written (workers receive it).
    """

    def __init__(
        self,
        problem: CalibrationProblem,
        model: Model,
        *,
        sbml: str | None = None,
        rtol: float = FIT_RTOL,
    ) -> None:
        self.problem = problem
        self.simulator = Simulator(model, rtol=rtol, atol=rtol * 1e-6, sbml=sbml)
        self.parameter_ids = problem.estimated
        self._runs = self._plan(problem.datasets)
        self._constant = float(
            sum(np.log(d.sigmas).sum() for d in problem.datasets)
            + 0.5 * problem.points * math.log(2 * math.pi)
        )
        self.evaluations = 0

    @staticmethod
    def _plan(datasets: Sequence[Dataset]) -> tuple[_Run, ...]:
        times: dict[str, set[float]] = {}
        readouts: dict[str, dict[str, None]] = {}
        for dataset in datasets:
            times.setdefault(dataset.condition, {0.0}).update(dataset.times.tolist())
            readouts.setdefault(dataset.condition, {})[dataset.readout] = None
        return tuple(
            _Run(condition, np.array(sorted(times[condition])), tuple(readouts[condition]))
            for condition in times
        )

    def simulate(self, log10_values: Sequence[float] | np.ndarray) -> dict[str, np.ndarray]:
        """Unscaled model values of each dataset's readout at its times.

        Raises
        ------
        SimulationError
            When a condition cannot be simulated at these parameters.
        """
        values = np.power(10.0, np.asarray(log10_values, dtype=float))
        overrides = dict(zip(self.parameter_ids, values.tolist(), strict=True))
        runs: dict[str, object] = {}
        for run in self._runs:
            condition = self.problem.conditions[run.condition]
            t_end = float(run.times[-1]) if run.times[-1] > 0 else 1.0
            runs[run.condition] = self.simulator.run(
                condition.protocols,
                subject=condition.subject,
                times=run.times.tolist(),
                t_end=t_end,
                columns=run.readouts,
                parameters=overrides,
            )
        out = {}
        for dataset in self.problem.datasets:
            table = runs[dataset.condition]
            out[dataset.id] = values_at(table[dataset.readout], dataset.times)  # type: ignore[index]
        return out

    def curves(
        self, log10_values: Sequence[float] | np.ndarray, points: int = 121
    ) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """Each dataset's model time course on a fine grid from 0 to its last time, scaled as
        in :meth:`fit` (for figures: the published means show only a few times)."""
        fitted = self.fit(log10_values)
        values = np.power(10.0, np.asarray(log10_values, dtype=float))
        overrides = dict(zip(self.parameter_ids, values.tolist(), strict=True))
        out = {}
        for dataset in self.problem.datasets:
            condition = self.problem.conditions[dataset.condition]
            end = float(dataset.times[-1])
            grid = np.linspace(0.0, end, points)
            table = self.simulator.run(
                condition.protocols,
                subject=condition.subject,
                times=grid.tolist(),
                t_end=end,
                columns=[dataset.readout],
                parameters=overrides,
            )
            series = table[dataset.readout]
            out[dataset.id] = (
                np.asarray(series.index, dtype=float),
                fitted.scales[dataset.id] * np.asarray(series.to_numpy(), dtype=float),
            )
        return out

    def fit(self, log10_values: Sequence[float] | np.ndarray) -> Fit:
        """Predictions, scales, weighted residuals and cost at these parameters.

        Raises
        ------
        SimulationError
            When a condition cannot be simulated at these parameters.
        """
        self.evaluations += 1
        raw = self.simulate(log10_values)
        predictions, scales, residuals = {}, {}, []
        for dataset in self.problem.datasets:
            model = raw[dataset.id]
            scale = _best_scale(dataset.values, model, dataset.sigmas)
            predictions[dataset.id] = scale * model
            scales[dataset.id] = scale
            residuals.append((dataset.values - scale * model) / dataset.sigmas)
        weighted = np.concatenate(residuals)
        cost = 0.5 * float(np.dot(weighted, weighted)) + self._constant
        return Fit(predictions, scales, weighted, cost)

    def __call__(self, log10_values: Sequence[float] | np.ndarray) -> float:
        """The negative log-likelihood; :data:`FAILED_COST` where the model cannot be run."""
        try:
            cost = self.fit(log10_values).cost
        except SimulationError:
            return FAILED_COST
        return cost if math.isfinite(cost) else FAILED_COST

    def residuals(self, log10_values: Sequence[float] | np.ndarray) -> np.ndarray:
        """Weighted residuals (least-squares form); large where the model cannot be run."""
        try:
            weighted = self.fit(log10_values).residuals
        except SimulationError:
            return np.full(self.problem.points, math.sqrt(FAILED_COST / self.problem.points))
        if not np.all(np.isfinite(weighted)):
            return np.full(self.problem.points, math.sqrt(FAILED_COST / self.problem.points))
        return weighted
