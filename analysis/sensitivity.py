"""Which parameters decide the response: local, Morris and Sobol sensitivities, and scans.

Every analysis asks about one number: a statistic (max, mean, AUC, time of max, ...) of one
readout over a time window of one protocol. Parameters are the kinetic parameters of the
edges (``{edge}__emax``, ``__ec50``, ``__hill``, conversion fractions) and the half-lives of the
species (``{species}__half_life``); none of them moves the resting state, which the rate law
fixes at the tables' resting levels. Global methods sample each parameter log-uniformly
between the ``low`` and ``high`` bounds of ``parameters.tsv`` (half-lives: half to double).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from SALib.analyze import morris as morris_analyze, sobol as sobol_analyze
from SALib.sample import morris as morris_sample, sobol as sobol_sample

from mbaxis.analysis.defaults import DEFAULT_PROTOCOL, DEFAULT_READOUT, DEFAULT_STATISTIC
from mbaxis.analysis.errors import ScenarioError, SimulationError
from mbaxis.analysis.evaluation import evaluate_scenarios
from mbaxis.analysis.protocols import parse_protocol
from mbaxis.analysis.scenarios import Experiment, Scenario
from mbaxis.network import Model
from mbaxis.network.naming import hook
from mbaxis.network.units import to_minutes

__all__ = [
    "SensitivityParameter",
    "default_scenario",
    "describe",
    "local_sensitivity",
    "morris_screening",
    "parameter_scan",
    "sensitivity_parameters",
    "sobol_indices",
    "sobol_samples",
]

#: Relative step of the central differences of the local method.
LOCAL_STEP = 1e-3


def default_scenario() -> Scenario:
    """The default question: the maximum of hippocampal Bdnf mRNA around 60 min of aerobic
    exercise at 70% VO2max (:mod:`mbaxis.analysis.defaults`)."""
    experiment = Experiment((parse_protocol(DEFAULT_PROTOCOL),))
    return Scenario(experiment, (DEFAULT_READOUT,), DEFAULT_STATISTIC)


def describe(scenario: Scenario) -> dict[str, Any]:
    """The question of a sensitivity analysis as JSON: protocol, readout, statistic, window."""
    return {
        "protocol": " + ".join(map(str, scenario.experiment.protocols)),
        "readout": scenario.readouts[0],
        "statistic": scenario.statistic,
        "window": list(scenario.window) if scenario.window else None,
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
                hook(species.id, "half_life"), minutes, minutes / 2.0, minutes * 2.0, "min"
            )
        )
    return found


def _check(model: Model, scenario: Scenario) -> None:
    if len(scenario.readouts) != 1:
        raise ScenarioError(
            f"a sensitivity analysis explains one readout; got {', '.join(scenario.readouts)}"
        )
    model.get_species(scenario.readouts[0])


def _run_samples(
    model: Model,
    scenario: Scenario,
    samples: list[dict[str, float]],
    *,
    jobs: int,
    scheduler: str | None,
    progress: bool,
    label: str,
    checkpoint: str | Path | None = None,
    resume: bool = False,
) -> np.ndarray:
    """The scenario's number under each set of parameter overrides."""
    scenarios = [dataclasses.replace(scenario, parameters=sample) for sample in samples]
    outcomes = evaluate_scenarios(
        model,
        scenarios,
        jobs=jobs,
        progress=progress,
        description=label,
        scheduler=scheduler,
        checkpoint=checkpoint,
        resume=resume,
    )
    failed = [(i, o.error) for i, o in enumerate(outcomes) if o.error]
    if failed:
        index, error = failed[0]
        raise SimulationError(
            f"{len(failed)} of {len(samples)} {label} samples failed; the first "
            f"({samples[index]}): {error}"
        )
    readout = scenario.readouts[0]
    return np.array([outcome.values[readout] for outcome in outcomes])


def _selected(model: Model, names: Sequence[str] | None) -> list[SensitivityParameter]:
    available = {p.name: p for p in sensitivity_parameters(model)}
    if names is None:
        return list(available.values())
    unknown = [n for n in names if n not in available]
    if unknown:
        raise ScenarioError(
            f"unknown parameter(s) {', '.join(unknown)}; valid: {', '.join(available)}"
        )
    return [available[n] for n in names]


def local_sensitivity(
    model: Model,
    scenario: Scenario,
    *,
    parameters: Sequence[str] | None = None,
    step: float = LOCAL_STEP,
    jobs: int = 1,
    scheduler: str | None = None,
    progress: bool = False,
    checkpoint: str | Path | None = None,
    resume: bool = False,
) -> pd.DataFrame:
    """Normalised local sensitivities d ln S / d ln p by central differences.

    Returns one row per parameter: ``parameter``, ``value``, ``unit``, ``coefficient``
    (d ln S / d ln p) and ``derivative`` (dS/dp). Zero-safe: with S = 0 at the default the
    coefficient is NaN and the derivative is still reported.
    """
    _check(model, scenario)
    chosen = _selected(model, parameters)
    samples: list[dict[str, float]] = [{}]
    for parameter in chosen:
        samples.append({parameter.name: parameter.value * (1 + step)})
        samples.append({parameter.name: parameter.value * (1 - step)})
    values = _run_samples(
        model,
        scenario,
        samples,
        jobs=jobs,
        scheduler=scheduler,
        progress=progress,
        label="local",
        checkpoint=checkpoint,
        resume=resume,
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
    table.attrs.update(describe(scenario), base=float(base), step=step)
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


def _check_sample_size(n: int) -> None:
    if n < 2 or n & (n - 1):
        raise ScenarioError(f"n must be a power of 2 (Sobol sequences); got {n}")


def sobol_samples(
    model: Model, parameters: Sequence[str], n: int, seed: int
) -> list[dict[str, float]]:
    """The parameter sets a Sobol analysis of ``parameters`` evaluates: Saltelli's scheme
    (SALib, no second order), log-uniform between each parameter's bounds, N (n) x (D + 2).

    The sample step on its own, for users who run the evaluations elsewhere.

    Examples
    --------
    >>> from mbaxis.network import load_model
    >>> sets = sobol_samples(load_model(), ["pcreb_bdnf__emax", "ne_pcreb__ec50"], 8, seed=0)
    >>> len(sets), sorted(sets[0])
    (32, ['ne_pcreb__ec50', 'pcreb_bdnf__emax'])
    """
    _check_sample_size(n)
    chosen = _selected(model, parameters)
    matrix = sobol_sample.sample(_problem(chosen), n, calc_second_order=False, seed=seed)
    return _samples(matrix, chosen)


def _top(
    model: Model, scenario: Scenario, count: int, jobs: int, scheduler: str | None
) -> list[str]:
    local = local_sensitivity(model, scenario, jobs=jobs, scheduler=scheduler)
    return local["parameter"].head(count).tolist()


def morris_screening(
    model: Model,
    scenario: Scenario,
    *,
    parameters: Sequence[str] | None = None,
    top: int = 20,
    trajectories: int = 20,
    levels: int = 4,
    seed: int = 0,
    jobs: int = 1,
    scheduler: str | None = None,
    progress: bool = False,
    checkpoint: str | Path | None = None,
    resume: bool = False,
) -> pd.DataFrame:
    """Morris elementary effects (mu, mu*, sigma, mu* confidence) over log-uniform bounds.

    Without ``parameters``, screens the ``top`` parameters by |local coefficient|.
    """
    _check(model, scenario)
    names = list(parameters) if parameters else _top(model, scenario, top, jobs, scheduler)
    chosen = _selected(model, names)
    problem = _problem(chosen)
    matrix = morris_sample.sample(problem, trajectories, num_levels=levels, seed=seed)
    values = _run_samples(
        model,
        scenario,
        _samples(matrix, chosen),
        jobs=jobs,
        scheduler=scheduler,
        progress=progress,
        label="morris",
        checkpoint=checkpoint,
        resume=resume,
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
        describe(scenario), seed=seed, trajectories=trajectories, evaluations=len(values)
    )
    return table.sort_values("mu_star", ascending=False, kind="stable").reset_index(drop=True)


def sobol_indices(
    model: Model,
    scenario: Scenario,
    *,
    parameters: Sequence[str] | None = None,
    top: int = 20,
    n: int = 512,
    seed: int = 0,
    jobs: int = 1,
    scheduler: str | None = None,
    progress: bool = False,
    checkpoint: str | Path | None = None,
    resume: bool = False,
) -> pd.DataFrame:
    """First-order and total Sobol indices with bootstrap confidence intervals.

    Each index is flagged ``converged`` = False when its interval spans zero (half-width above
    both the index and 0.05) or it is negative beyond its interval; ``needed_n`` then estimates the
    base sample size that would shrink the interval below 0.05 (intervals shrink as 1/sqrt(N)).
    """
    _check(model, scenario)
    _check_sample_size(n)
    names = list(parameters) if parameters else _top(model, scenario, top, jobs, scheduler)
    problem = _problem(_selected(model, names))
    values = _run_samples(
        model,
        scenario,
        sobol_samples(model, names, n, seed),
        jobs=jobs,
        scheduler=scheduler,
        progress=progress,
        label="sobol",
        checkpoint=checkpoint,
        resume=resume,
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
    table.attrs.update(describe(scenario), seed=seed, n=n, evaluations=len(values))
    return table.sort_values("ST", ascending=False, kind="stable").reset_index(drop=True)


def parameter_scan(
    model: Model,
    scenario: Scenario,
    grid: dict[str, Sequence[float]],
    *,
    jobs: int = 1,
    progress: bool = False,
) -> pd.DataFrame:
    """The question's number over a one- or two-parameter grid (every combination)."""
    _check(model, scenario)
    if not 1 <= len(grid) <= 2:
        raise ScenarioError("a scan takes one or two parameters")
    _selected(model, list(grid))
    names = list(grid)
    combos = [
        dict(zip(names, values, strict=True))
        for values in np.array(np.meshgrid(*grid.values(), indexing="ij"))
        .reshape(len(names), -1)
        .T.tolist()
    ]
    values = _run_samples(
        model, scenario, combos, jobs=jobs, scheduler=None, progress=progress, label="scan"
    )
    table = pd.DataFrame(combos)
    table[scenario.readouts[0]] = values
    table.attrs.update(describe(scenario))
    return table
