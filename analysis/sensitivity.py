"""Which parameters decide the response: local, Morris and Sobol sensitivities, and scans.

Every analysis asks about one number: a statistic (max, mean, AUC, time of max, ...) of one
readout over a time window of one protocol. Parameters are the kinetic parameters of the
edges (``{edge}__emax``, ``__ec50``, ``__hill``, conversion fractions) and the half-lives of the
species (``{species}__half_life``); none of them moves the resting state, which the rate law
fixes at the tables' resting levels. Global methods sample each parameter log-uniformly
between the ``low`` and ``high`` bounds of ``parameters.tsv`` (half-lives: half to double).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from SALib.analyze import morris as morris_analyze, sobol as sobol_analyze
from SALib.sample import morris as morris_sample, sobol as sobol_sample

from mbaxis.analysis.executor import Task, run_tasks
from mbaxis.analysis.protocols import Protocol, make_protocol
from mbaxis.analysis.simulation import Simulator, default_t_end
from mbaxis.analysis.statistics import STATISTICS, compute_statistic
from mbaxis.network import Model, ModelError
from mbaxis.network.units import to_minutes

__all__ = [
    "Question",
    "SensitivityParameter",
    "default_question",
    "local_sensitivity",
    "morris_screening",
    "parameter_scan",
    "sensitivity_parameters",
    "sobol_indices",
]

#: Relative step of the central differences of the local method.
LOCAL_STEP = 1e-3
#: Samples per task sent to a worker (fewer round trips, finer checkpoints than one task).
CHUNK = 64


@dataclass(frozen=True)
class Question:
    """The number a sensitivity analysis explains: ``statistic`` of ``readout`` over
    ``window`` (minutes) under ``protocol``."""

    protocol: Protocol
    readout: str = "brain__BDNF_mRNA"
    statistic: str = "max"
    window: tuple[float, float] | None = None

    @property
    def t_end(self) -> float:
        return self.window[1] if self.window else default_t_end([self.protocol])

    def times(self) -> list[float]:
        t_end = self.t_end
        grid = np.linspace(0.0, t_end, int(t_end // 2) + 1).tolist()
        return sorted({*grid, *(self.window or ())})

    def describe(self) -> dict[str, Any]:
        return {
            "protocol": str(self.protocol),
            "readout": self.readout,
            "statistic": self.statistic,
            "window": list(self.window) if self.window else None,
        }


@dataclass(frozen=True)
class SensitivityParameter:
    """A parameter with its default and the bounds global methods sample between."""

    name: str
    value: float
    low: float
    high: float
    unit: str


def sensitivity_parameters(model: Model) -> list[SensitivityParameter]:
    """Every kinetic parameter with positive bounds, and every species half-life."""
    found = []
    for row in model.parameters:
        if row.low is None or row.high is None or row.low <= 0 or row.value <= 0:
            continue
        found.append(SensitivityParameter(row.id, row.value, row.low, row.high, row.unit))
    for species in model.states:
        minutes = to_minutes(species.half_life or 0.0, species.half_life_unit or "min")
        found.append(
            SensitivityParameter(
                f"{species.id}__half_life", minutes, minutes / 2.0, minutes * 2.0, "min"
            )
        )
    return found


def _check(model: Model, question: Question) -> None:
    model.get_species(question.readout)
    if question.statistic not in STATISTICS:
        raise ModelError(
            f"unknown statistic '{question.statistic}'; valid: {', '.join(STATISTICS)}"
        )


def _evaluate(simulator: Simulator, payload: dict[str, Any]) -> list[dict[str, Any]]:
    """Work of one chunk: the question's number for each parameter set."""
    question: Question = payload["question"]
    rows = []
    for index, overrides in payload["samples"]:
        course = simulator.run(
            [question.protocol],
            t_end=question.t_end,
            times=payload["times"],
            columns=[question.readout],
            parameters=overrides,
        )
        rows.append(
            {
                "index": index,
                "value": compute_statistic(
                    course, question.readout, question.statistic, question.window
                ),
            }
        )
    return rows


def _run_samples(
    model: Model,
    question: Question,
    samples: list[dict[str, float]],
    *,
    jobs: int,
    scheduler: str | None,
    progress: bool,
    label: str,
) -> np.ndarray:
    times = question.times()
    tasks = [
        Task(
            f"{label}-{start}",
            {
                "question": question,
                "times": times,
                "samples": list(enumerate(samples))[start : start + CHUNK],
            },
        )
        for start in range(0, len(samples), CHUNK)
    ]
    rows = run_tasks(
        model,
        tasks,
        _evaluate,
        jobs=jobs,
        progress=progress,
        description=label,
        scheduler=scheduler,
    )
    values = np.full(len(samples), np.nan)
    for row in rows:
        values[row["index"]] = row["value"]
    return values


def _selected(model: Model, names: Sequence[str] | None) -> list[SensitivityParameter]:
    available = {p.name: p for p in sensitivity_parameters(model)}
    if names is None:
        return list(available.values())
    unknown = [n for n in names if n not in available]
    if unknown:
        raise ModelError(
            f"unknown parameter(s) {', '.join(unknown)}; valid: {', '.join(available)}"
        )
    return [available[n] for n in names]


def local_sensitivity(
    model: Model,
    question: Question,
    *,
    parameters: Sequence[str] | None = None,
    step: float = LOCAL_STEP,
    jobs: int = 1,
    scheduler: str | None = None,
    progress: bool = False,
) -> pd.DataFrame:
    """Normalised local sensitivities d ln S / d ln p by central differences.

    Returns one row per parameter: ``parameter``, ``value``, ``unit``, ``coefficient``
    (d ln S / d ln p) and ``derivative`` (dS/dp). Zero-safe: with S = 0 at the default the
    coefficient is NaN and the derivative is still reported.
    """
    _check(model, question)
    chosen = _selected(model, parameters)
    samples: list[dict[str, float]] = [{}]
    for parameter in chosen:
        samples.append({parameter.name: parameter.value * (1 + step)})
        samples.append({parameter.name: parameter.value * (1 - step)})
    values = _run_samples(
        model, question, samples, jobs=jobs, scheduler=scheduler, progress=progress, label="local"
    )
    base = values[0]
    rows = []
    for number, parameter in enumerate(chosen):
        up, down = values[1 + 2 * number], values[2 + 2 * number]
        derivative = (up - down) / (2 * step * parameter.value)
        coefficient = (up - down) / (2 * step * base) if base != 0 else math.nan
        rows.append(
            {
                "parameter": parameter.name,
                "value": parameter.value,
                "unit": parameter.unit,
                "coefficient": coefficient,
                "derivative": derivative,
            }
        )
    table = pd.DataFrame(rows)
    table.attrs.update(question.describe(), base=float(base), step=step)
    order = table["coefficient"].abs().fillna(0.0).sort_values(ascending=False).index
    return table.loc[order].reset_index(drop=True)


def _problem(chosen: Sequence[SensitivityParameter]) -> dict[str, Any]:
    return {
        "num_vars": len(chosen),
        "names": [p.name for p in chosen],
        "bounds": [[math.log10(p.low), math.log10(p.high)] for p in chosen],
    }


def _samples(matrix: np.ndarray, chosen: Sequence[SensitivityParameter]) -> list[dict[str, float]]:
    return [{p.name: float(10.0**v) for p, v in zip(chosen, row, strict=True)} for row in matrix]


def _top(
    model: Model, question: Question, count: int, jobs: int, scheduler: str | None
) -> list[str]:
    local = local_sensitivity(model, question, jobs=jobs, scheduler=scheduler)
    return local["parameter"].head(count).tolist()


def morris_screening(
    model: Model,
    question: Question,
    *,
    parameters: Sequence[str] | None = None,
    top: int = 20,
    trajectories: int = 20,
    levels: int = 4,
    seed: int = 0,
    jobs: int = 1,
    scheduler: str | None = None,
    progress: bool = False,
) -> pd.DataFrame:
    """Morris elementary effects (mu, mu*, sigma, mu* confidence) over log-uniform bounds.

    Without ``parameters``, screens the ``top`` parameters by |local coefficient|.
    """
    _check(model, question)
    names = list(parameters) if parameters else _top(model, question, top, jobs, scheduler)
    chosen = _selected(model, names)
    problem = _problem(chosen)
    matrix = morris_sample.sample(problem, trajectories, num_levels=levels, seed=seed)
    values = _run_samples(
        model,
        question,
        _samples(matrix, chosen),
        jobs=jobs,
        scheduler=scheduler,
        progress=progress,
        label="morris",
    )
    result = morris_analyze.analyze(problem, matrix, values, num_levels=levels, seed=seed)
    table = pd.DataFrame(
        {
            "parameter": problem["names"],
            "mu": np.asarray(result["mu"], dtype=float),
            "mu_star": np.asarray(result["mu_star"], dtype=float),
            "sigma": np.asarray(result["sigma"], dtype=float),
            "mu_star_conf": np.asarray(result["mu_star_conf"], dtype=float),
        }
    )
    table.attrs.update(
        question.describe(), seed=seed, trajectories=trajectories, evaluations=len(values)
    )
    return table.sort_values("mu_star", ascending=False, kind="stable").reset_index(drop=True)


def sobol_indices(
    model: Model,
    question: Question,
    *,
    parameters: Sequence[str] | None = None,
    top: int = 20,
    n: int = 512,
    seed: int = 0,
    jobs: int = 1,
    scheduler: str | None = None,
    progress: bool = False,
) -> pd.DataFrame:
    """First-order and total Sobol indices with bootstrap confidence intervals.

    Each index is flagged ``converged`` = False when its interval spans zero (half-width above
    both the index and 0.05) or it is negative beyond its interval; ``needed_n`` then estimates the
    base sample size that would shrink the interval below 0.05 (intervals shrink as 1/sqrt(N)).
    """
    _check(model, question)
    if n < 2 or n & (n - 1):
        raise ModelError(f"n must be a power of 2 (Sobol sequences); got {n}")
    names = list(parameters) if parameters else _top(model, question, top, jobs, scheduler)
    chosen = _selected(model, names)
    problem = _problem(chosen)
    matrix = sobol_sample.sample(problem, n, calc_second_order=False, seed=seed)
    values = _run_samples(
        model,
        question,
        _samples(matrix, chosen),
        jobs=jobs,
        scheduler=scheduler,
        progress=progress,
        label="sobol",
    )
    result = sobol_analyze.analyze(problem, values, calc_second_order=False, seed=seed)
    table = pd.DataFrame(
        {
            "parameter": problem["names"],
            "S1": np.asarray(result["S1"], dtype=float),
            "S1_conf": np.asarray(result["S1_conf"], dtype=float),
            "ST": np.asarray(result["ST"], dtype=float),
            "ST_conf": np.asarray(result["ST_conf"], dtype=float),
        }
    )
    unsettled = []
    for s1, s1_conf, st, st_conf in zip(
        table["S1"], table["S1_conf"], table["ST"], table["ST_conf"], strict=True
    ):
        wide = any(
            conf > abs(index) and conf > 0.05 for index, conf in ((s1, s1_conf), (st, st_conf))
        )
        negative = s1 + s1_conf < 0 or st + st_conf < 0
        unsettled.append(bool(wide or negative))
    table["converged"] = [not u for u in unsettled]
    widest = np.maximum(table["S1_conf"], table["ST_conf"])
    needed = [int(2 ** math.ceil(math.log2(max(n, n * (w / 0.05) ** 2)))) for w in widest]
    table["needed_n"] = [m if u else n for m, u in zip(needed, unsettled, strict=True)]
    table.attrs.update(question.describe(), seed=seed, n=n, evaluations=len(values))
    return table.sort_values("ST", ascending=False, kind="stable").reset_index(drop=True)


def parameter_scan(
    model: Model,
    question: Question,
    grid: dict[str, Sequence[float]],
    *,
    jobs: int = 1,
    progress: bool = False,
) -> pd.DataFrame:
    """The question's number over a one- or two-parameter grid (every combination)."""
    _check(model, question)
    if not 1 <= len(grid) <= 2:
        raise ModelError("a scan takes one or two parameters")
    _selected(model, list(grid))
    names = list(grid)
    combos = [
        dict(zip(names, values, strict=True))
        for values in np.array(np.meshgrid(*grid.values(), indexing="ij"))
        .reshape(len(names), -1)
        .T.tolist()
    ]
    values = _run_samples(
        model, question, combos, jobs=jobs, scheduler=None, progress=progress, label="scan"
    )
    table = pd.DataFrame(combos)
    table[question.readout] = values
    table.attrs.update(question.describe())
    return table


def default_question() -> Question:
    """60 min of aerobic exercise at 70% VO2max; maximum of hippocampal Bdnf mRNA."""
    return Question(make_protocol("aerobic", duration_min=60.0, intensity=0.7))
