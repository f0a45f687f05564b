"""Parameter ensembles (CONTRACT section 7): reading them, and running an experiment on each member.

An ensemble is a CSV file: one row per member, a column ``member``, optionally ``weight``, and
one column per parameter ID (``{interaction}__{parameter}``) or half-life
(``{species}__half_life``); parameters without a column keep the tables' values. Runs report
how the answer spreads: weighted median and 5-95% band for values, the fraction of members
that agree for calls.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from mbaxis.analysis.defaults import CHANGE_THRESHOLD, DEFAULT_READOUTS, DEFAULT_STATISTIC
from mbaxis.analysis.errors import SimulationError
from mbaxis.analysis.evaluation import evaluate
from mbaxis.analysis.executor import Task, run_tasks
from mbaxis.analysis.knockout import change_call, knockout_targets
from mbaxis.analysis.observations import Observation
from mbaxis.analysis.perturbations import Perturbation
from mbaxis.analysis.protocols import Protocol
from mbaxis.analysis.scenarios import Experiment, Scenario
from mbaxis.analysis.simulation import Simulator, SimulatorSettings
from mbaxis.analysis.subjects import REFERENCE_SUBJECT, Subject
from mbaxis.analysis.validation import run_observations
from mbaxis.network import Model
from mbaxis.network.errors import EncodingError, ModelError
from mbaxis.network.tables import read_utf8

__all__ = [
    "BAND",
    "Ensemble",
    "EnsembleError",
    "ensemble_csv",
    "knockout_ensemble",
    "load_ensemble",
    "simulate_ensemble",
    "validate_ensemble",
    "weighted_quantile",
]

#: The band every ensemble summary reports, as quantiles.
BAND = (0.05, 0.5, 0.95)


class EnsembleError(ModelError, ValueError):
    """A malformed ensemble file; the message names the file, line and column."""


@dataclass(frozen=True)
class Ensemble:
    """Members' parameter values (``values[member, parameter]``, linear scale) and weights."""

    members: tuple[str, ...]
    parameters: tuple[str, ...]
    values: np.ndarray
    weights: np.ndarray

    def __len__(self) -> int:
        return len(self.members)

    def overrides(self, index: int) -> dict[str, float]:
        """The parameter overrides of member ``index``."""
        return dict(zip(self.parameters, self.values[index].tolist(), strict=True))


def load_ensemble(path: str | Path, model: Model) -> Ensemble:
    """Read an ensemble CSV file and check it against ``model``.

    Raises
    ------
    EnsembleError
        For a missing ``member`` column, an unknown parameter column, a value that is not a
        positive finite number, a negative or all-zero weight, or no rows.
    """
    try:
        text = read_utf8(Path(path))
    except FileNotFoundError:
        raise EnsembleError(f"{path}: no such ensemble file") from None
    except EncodingError as error:
        raise EnsembleError(str(error)) from None
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if not header or "member" not in header:
        raise EnsembleError(f"{path}, line 1: expected a column 'member' (CONTRACT section 7)")
    known = {p.id for p in model.parameters} | {f"{s.id}__half_life" for s in model.states}
    columns = [c for c in header if c not in ("member", "weight")]
    unknown = [c for c in columns if c not in known]
    if unknown:
        raise EnsembleError(
            f"{path}, line 1: unknown parameter column(s) {', '.join(unknown)}; expected "
            "{interaction}__{parameter} as in parameters.tsv or {species}__half_life"
        )
    members, values, weights = [], [], []
    for number, row in enumerate(reader, start=2):
        if not row:
            continue
        if len(row) != len(header):
            raise EnsembleError(f"{path}, line {number}: {len(row)} cells, expected {len(header)}")
        cells = dict(zip(header, row, strict=True))
        member = cells["member"].strip()
        if not member or member in members:
            raise EnsembleError(f"{path}, line {number}: member '{member}' is empty or repeated")
        members.append(member)
        values.append([_positive(cells[c], f"{path}, line {number}, column {c}") for c in columns])
        weight = cells.get("weight", "1")
        weights.append(_weight(weight, f"{path}, line {number}, column weight"))
    if not members:
        raise EnsembleError(f"{path}: no members")
    total = float(sum(weights))
    if not total > 0:
        raise EnsembleError(f"{path}: the weights sum to 0")
    return Ensemble(
        tuple(members),
        tuple(columns),
        np.array(values, dtype=float).reshape(len(members), len(columns)),
        np.array(weights, dtype=float) / total,
    )


def _positive(text: str, where: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise EnsembleError(f"{where}: '{text}' is not a number") from None
    if not (math.isfinite(value) and value > 0):
        raise EnsembleError(f"{where}: {text} must be a positive finite number")
    return value


def _weight(text: str, where: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise EnsembleError(f"{where}: '{text}' is not a number") from None
    if not (math.isfinite(value) and value >= 0):
        raise EnsembleError(f"{where}: weight {text} must be a finite number >= 0")
    return value


def ensemble_csv(ensemble: Ensemble) -> str:
    """The ensemble as CSV text (the format :func:`load_ensemble` reads)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["member", "weight", *ensemble.parameters])
    for index, member in enumerate(ensemble.members):
        writer.writerow(
            [
                member,
                f"{ensemble.weights[index]:.8g}",
                *(f"{v:.8g}" for v in ensemble.values[index]),
            ]
        )
    return out.getvalue()


def weighted_quantile(
    values: np.ndarray, weights: np.ndarray, quantiles: Sequence[float]
) -> np.ndarray:
    """Quantiles of ``values`` along axis 0 under ``weights`` (the weighted empirical
    distribution, interpolated between the members' midpoints; members of weight 0 count not
    at all)."""
    keep = weights > 0
    values, weights = values[keep], weights[keep]
    order = np.argsort(values, axis=0)
    sorted_values = np.take_along_axis(values, order, axis=0)
    sorted_weights = weights[order]
    cumulative = np.cumsum(sorted_weights, axis=0) - 0.5 * sorted_weights
    out = np.empty((len(quantiles), *values.shape[1:]))
    for column in np.ndindex(values.shape[1:]):
        index = (slice(None), *column)
        for row, q in enumerate(quantiles):
            out[(row, *column)] = np.interp(q, cumulative[index], sorted_values[index])
    return out


def simulate_ensemble(
    model: Model,
    ensemble: Ensemble,
    protocols: Sequence[Protocol] = (),
    perturbations: Sequence[Perturbation] = (),
    *,
    subject: Subject = REFERENCE_SUBJECT,
    t_end: float | None = None,
    points: int | None = None,
    columns: Sequence[str] | None = None,
    simulator: Simulator | None = None,
    progress: Callable[[int], object] | None = None,
) -> pd.DataFrame:
    """Run the experiment once per member; return the weighted 5%, 50% and 95% quantiles.

    The result is indexed by time, with two column levels: the ID and the statistic
    (``p05``, ``median``, ``p95``). Every member runs on one compiled model; a member whose
    run fails is a :class:`SimulationError` that names it.
    """
    simulator = simulator or Simulator(model)
    runs = []
    index = None
    for member in range(len(ensemble)):
        try:
            table = simulator.run(
                protocols,
                perturbations,
                subject=subject,
                t_end=t_end,
                points=points,
                columns=columns,
                parameters=ensemble.overrides(member),
            )
        except SimulationError as error:
            raise SimulationError(
                f"ensemble member '{ensemble.members[member]}': {error}"
            ) from None
        if index is None:
            index = table.index
        elif len(table.index) != len(index) or not np.allclose(table.index, index):
            table = table.reindex(index, method="nearest")
        runs.append(table.to_numpy())
        if progress is not None:
            progress(1)
    assert index is not None
    stack = np.stack(runs)  # member x time x column
    quantiles = weighted_quantile(stack, ensemble.weights, BAND)
    names = list(table.columns)
    frame = pd.DataFrame(
        np.concatenate([quantiles[i] for i in range(len(BAND))], axis=1),
        index=index,
        columns=pd.MultiIndex.from_product([("p05", "median", "p95"), names]).swaplevel(),
    ).sort_index(axis=1, level=0, sort_remaining=False)
    frame = frame[[(name, stat) for name in names for stat in ("p05", "median", "p95")]]
    frame.attrs["units"] = table.attrs.get("units", {})
    frame.attrs["members"] = len(ensemble)
    return frame


#: Ensemble scans integrate at the null model's tolerance: many runs, and calls that do not
#: move at it (tests/analysis/test_validation.py checks the calls).
ENSEMBLE_SETTINGS = SimulatorSettings(rtol=1e-6, atol=1e-10)


def _run_members(
    model: Model,
    ensemble: Ensemble,
    payload: Callable[[str, tuple[tuple[str, float], ...]], Any],
    work: Callable[[Simulator, Any], list[dict[str, object]]],
    *,
    jobs: int,
    checkpoint: str | Path | None,
    resume: bool,
    progress: bool,
) -> pd.DataFrame:
    """One task per member (its parameter overrides in ``payload``), run by the executor at
    :data:`ENSEMBLE_SETTINGS`; the rows of every member in one table."""
    tasks = [
        Task(member, payload(member, tuple(ensemble.overrides(i).items())), size=1)
        for i, member in enumerate(ensemble.members)
    ]
    rows = run_tasks(
        model,
        tasks,
        work,
        jobs=jobs,
        checkpoint=checkpoint,
        resume=resume,
        progress=progress,
        description="members",
        unit="member",
        settings=ENSEMBLE_SETTINGS,
    )
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class _MemberScan:
    member: str
    overrides: tuple[tuple[str, float], ...]
    scenarios: tuple[Scenario, ...]  # the control first
    labels: tuple[str, ...]
    threshold: float


def _scan_member(simulator: Simulator, task: _MemberScan) -> list[dict[str, object]]:
    overrides = dict(task.overrides)
    scenarios = [dataclasses.replace(s, parameters=overrides) for s in task.scenarios]
    control, *perturbed = evaluate(simulator, scenarios)
    rows: list[dict[str, object]] = []
    for label, outcome in zip(task.labels, perturbed, strict=True):
        for readout, value in outcome.values.items():
            base = control.values[readout]
            change = (value - base) / abs(base) if base and outcome.error is None else math.nan
            rows.append(
                {
                    "member": task.member,
                    "perturbations": label,
                    "readout": readout,
                    "relative_change": change,
                    "call": change_call(change, task.threshold),
                }
            )
    return rows


def _agreement(
    rows: pd.DataFrame, keys: list[str], weights: dict[str, float], reference: pd.Series
) -> pd.DataFrame:
    """Per key: the weighted fraction of members for each call, the majority call, and the
    fraction that agree with the tables' (``reference``) call."""
    rows = rows.assign(weight=rows["member"].map(weights))
    share = rows.groupby([*keys, "call"], sort=False)["weight"].sum().unstack("call", fill_value=0)
    out = pd.DataFrame(index=share.index)
    out["majority_call"] = share.idxmax(axis=1)
    out["majority_fraction"] = share.max(axis=1)
    out["tables_call"] = reference.reindex(out.index)
    out["agreement"] = [
        float(share.loc[k].get(call, 0.0))
        for k, call in zip(out.index, out["tables_call"], strict=True)
    ]
    for call in ("increase", "decrease", "no_change", "error"):
        out[f"fraction_{call}"] = share.get(call, 0.0)
    return out.reset_index()


def knockout_ensemble(
    model: Model,
    ensemble: Ensemble,
    protocol: Protocol,
    readouts: Sequence[str] = DEFAULT_READOUTS,
    *,
    targets: str = "nodes",
    statistic: str = DEFAULT_STATISTIC,
    window: tuple[float, float] | None = None,
    threshold: float = CHANGE_THRESHOLD,
    subject: Subject = REFERENCE_SUBJECT,
    reference: pd.DataFrame | None = None,
    jobs: int = 1,
    checkpoint: str | Path | None = None,
    resume: bool = False,
    progress: bool = False,
) -> pd.DataFrame:
    """Every single knock-out under every member: for each (knock-out, readout), the fraction
    of members that agree with the tables' call (``reference``: a :func:`knockout_scan` of
    the same question), the majority call and the median relative change.
    """
    singles = knockout_targets(model, targets)
    sets: list[tuple[Perturbation, ...]] = [(), *((p,) for p in singles)]
    scenarios = tuple(
        Scenario(Experiment((protocol,), s, subject), tuple(readouts), statistic, window)
        for s in sets
    )
    labels = tuple(str(p.target) for p in singles)
    found = _run_members(
        model,
        ensemble,
        lambda member, overrides: _MemberScan(member, overrides, scenarios, labels, threshold),
        _scan_member,
        jobs=jobs,
        checkpoint=checkpoint,
        resume=resume,
        progress=progress,
    )
    weights = dict(zip(ensemble.members, ensemble.weights.tolist(), strict=True))
    if reference is None:
        calls = pd.Series(dtype=object)
    else:
        calls = reference.assign(
            perturbations=reference["perturbations"].map(lambda p: " + ".join(p))
        ).set_index(["perturbations", "readout"])["call"]
    table = _agreement(found, ["perturbations", "readout"], weights, calls)
    median = found.groupby(["perturbations", "readout"], sort=False)["relative_change"].median()
    table["median_relative_change"] = median.reindex(
        pd.MultiIndex.from_frame(table[["perturbations", "readout"]])
    ).to_numpy()
    table.attrs.update(members=len(ensemble), protocol=str(protocol), targets=targets)
    return table


@dataclass(frozen=True)
class _MemberFindings:
    member: str
    overrides: tuple[tuple[str, float], ...]
    observations: tuple[Observation, ...]
    threshold: float


def _score_member(simulator: Simulator, task: _MemberFindings) -> list[dict[str, object]]:
    results = run_observations(simulator, task.observations, task.threshold, dict(task.overrides))
    return [
        {"member": task.member, "id": r.id, "ok": bool(r.ok), "predicted": r.predicted}
        for r in results
    ]


def validate_ensemble(
    model: Model,
    observations: Sequence[Observation],
    ensemble: Ensemble,
    *,
    threshold: float = CHANGE_THRESHOLD,
    jobs: int = 1,
    checkpoint: str | Path | None = None,
    resume: bool = False,
    progress: bool = False,
) -> pd.DataFrame:
    """Every finding under every member: the weighted fraction of members under which it
    holds (``fraction_ok``), and each member's accuracy summarised in ``attrs``."""
    found = _run_members(
        model,
        ensemble,
        lambda member, overrides: _MemberFindings(
            member, overrides, tuple(observations), threshold
        ),
        _score_member,
        jobs=jobs,
        checkpoint=checkpoint,
        resume=resume,
        progress=progress,
    )
    weights = dict(zip(ensemble.members, ensemble.weights.tolist(), strict=True))
    found["weight"] = found["member"].map(weights)
    found["ok_weight"] = found["weight"] * found["ok"]
    per_finding = found.groupby("id", sort=False)[["ok_weight", "weight"]].sum()
    table = pd.DataFrame(
        {
            "id": per_finding.index,
            "fraction_ok": (per_finding["ok_weight"] / per_finding["weight"]).to_numpy(),
        }
    )
    accuracy = found.groupby("member", sort=False)["ok"].mean()
    quantiles = weighted_quantile(
        accuracy.to_numpy()[:, None],
        np.array([weights[m] for m in accuracy.index]),
        BAND,
    )[:, 0]
    table.attrs.update(
        members=len(ensemble),
        accuracy_p05=float(quantiles[0]),
        accuracy_median=float(quantiles[1]),
        accuracy_p95=float(quantiles[2]),
    )
    return table
