"""Knock-out scans: which node or edge the exercise -> BDNF response needs, and which pairs
are redundant (double knock-outs, epistasis), and the Netflux-style influence matrix."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from mbaxis.analysis.executor import Task, run_tasks
from mbaxis.analysis.perturbations import Perturbation
from mbaxis.analysis.protocols import Protocol, make_protocol
from mbaxis.analysis.simulation import Simulator, default_t_end
from mbaxis.analysis.statistics import STATISTICS, compute_statistic
from mbaxis.network import Model, ModelError

__all__ = [
    "DEFAULT_READOUTS",
    "LOG2_FLOOR",
    "epistasis",
    "influence_matrix",
    "knockout_scan",
    "knockout_targets",
    "records",
]

#: Readouts a scan reports unless told otherwise.
DEFAULT_READOUTS = ("brain__BDNF_mRNA", "brain__mBDNF", "brain__pTrkB", "serum__BDNF")
#: The log2 ratio is log2((value + f) / (control + f)) with f = LOG2_FLOOR x |control|, so a
#: readout knocked to zero gives a large but finite effect instead of minus infinity.
LOG2_FLOOR = 1e-3


def records(table: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of ``table`` as plain dicts (typed loosely on purpose: mixed columns)."""
    return [{str(key): value for key, value in row.items()} for row in table.to_dict("records")]


def knockout_targets(model: Model, targets: str = "nodes") -> list[Perturbation]:
    """Single knock-outs: every state node (``nodes``) or every edge blocked (``edges``)."""
    if targets == "nodes":
        return [Perturbation("knockout", s.id) for s in model.states]
    if targets == "edges":
        return [
            Perturbation("inhibit", f"{e.source} -> {e.target}", 1.0)
            for e in model.interactions
            if e.law != "measurement"
        ]
    raise ModelError(f"targets must be 'nodes' or 'edges'; got '{targets}'")


def _label(perturbation: Perturbation) -> str:
    return perturbation.target


def _evaluate(simulator: Simulator, payload: dict[str, Any]) -> list[dict[str, Any]]:
    """Work of one task: simulate, then the statistic of every readout."""
    perturbations = payload["perturbations"]
    try:
        course = simulator.run(
            payload["protocols"],
            perturbations,
            t_end=payload["t_end"],
            times=payload["times"],
            columns=payload["readouts"],
        )
        values = {
            r: compute_statistic(course, r, payload["statistic"], payload["window"])
            for r in payload["readouts"]
        }
        error = None
    except ModelError as failure:
        values = {r: math.nan for r in payload["readouts"]}
        error = str(failure)
    return [
        {
            "perturbations": [_label(p) for p in perturbations],
            "readout": r,
            "value": v,
            "error": error,
        }
        for r, v in values.items()
    ]


def _call(relative_change: float, threshold: float) -> str:
    if math.isnan(relative_change):
        return "error"
    if relative_change > threshold:
        return "increase"
    if relative_change < -threshold:
        return "decrease"
    return "no_change"


def knockout_scan(
    model: Model,
    protocol: Protocol | None = None,
    readouts: Sequence[str] = DEFAULT_READOUTS,
    *,
    targets: str = "nodes",
    double: bool = False,
    statistic: str = "max",
    window: tuple[float, float] | None = None,
    threshold: float = 0.05,
    jobs: int = 1,
    checkpoint: str | Path | None = None,
    resume: bool = False,
    progress: bool = False,
) -> pd.DataFrame:
    """Knock out every node (or block every edge), alone or in pairs, under ``protocol``.

    Returns a tidy table: ``perturbations`` (tuple of node IDs or ``"A -> B"``), ``readout``,
    ``control`` and ``value`` (the statistic without and with the knock-out),
    ``relative_change`` = (value - control) / |control|, ``log2_ratio`` (floored, see
    :data:`LOG2_FLOOR`), and ``call``: ``increase`` / ``decrease`` / ``no_change`` at
    ``threshold`` (``error`` with a message in ``error`` if a run failed).
    """
    protocol = protocol or make_protocol("aerobic", duration_min=60.0, intensity=0.7)
    for readout in readouts:
        model.get_species(readout)
    if statistic not in STATISTICS:
        raise ModelError(f"unknown statistic '{statistic}'; valid: {', '.join(STATISTICS)}")
    t_end = default_t_end([protocol]) if window is None else max(window[1], protocol.duration)
    times = sorted(
        {
            *np.linspace(0.0, t_end, int(t_end // 5) + 1).tolist(),
            *([] if window is None else list(window)),
        }
    )
    singles = knockout_targets(model, targets)
    sets: list[tuple[Perturbation, ...]] = [(), *((p,) for p in singles)]
    if double:
        sets.extend(itertools.combinations(singles, 2))
    base = {
        "protocols": [protocol],
        "t_end": t_end,
        "times": times,
        "readouts": list(readouts),
        "statistic": statistic,
        "window": window,
    }
    tasks = [
        Task(" + ".join(map(str, s)) or "control", {**base, "perturbations": list(s)}) for s in sets
    ]
    rows = run_tasks(
        model,
        tasks,
        _evaluate,
        jobs=jobs,
        checkpoint=checkpoint,
        resume=resume,
        progress=progress,
        description="knock-outs",
    )
    table = pd.DataFrame(rows)
    table["perturbations"] = table["perturbations"].map(tuple)
    control = table[table["perturbations"] == ()].set_index("readout")["value"]
    table = table[table["perturbations"] != ()].copy()
    table["control"] = table["readout"].map(control)
    scale = table["control"].abs()
    table["relative_change"] = (table["value"] - table["control"]) / scale.where(scale > 0)
    floor = LOG2_FLOOR * scale.where(scale > 0, 1e-12)
    ratio = (table["value"] + floor) / (table["control"] + floor)
    table["log2_ratio"] = np.log2(ratio.where(ratio > 0))
    table["call"] = [_call(c, threshold) for c in table["relative_change"].fillna(math.nan)]
    table = table[
        [
            "perturbations",
            "readout",
            "control",
            "value",
            "relative_change",
            "log2_ratio",
            "call",
            "error",
        ]
    ].reset_index(drop=True)
    table.attrs.update(
        protocol=str(protocol),
        statistic=statistic,
        window=window,
        threshold=threshold,
        targets=targets,
        log2_floor=LOG2_FLOOR,
    )
    return table


def epistasis(scan: pd.DataFrame, readout: str) -> pd.DataFrame:
    """Observed double knock-out effect against the multiplicative expectation.

    Returns a square table (targets x targets) of log2(observed ratio / expected ratio), where
    the expected ratio of A and B together is the product of their single ratios; 0 means
    independent, negative means the pair hurts more than expected (redundant branches),
    positive less (the same branch).
    """
    rows = scan[scan["readout"] == readout]
    ratio = {
        r["perturbations"]: (r["value"] / r["control"] if r["control"] else math.nan)
        for r in records(rows)
    }
    singles = sorted({p[0] for p in ratio if len(p) == 1})
    matrix = pd.DataFrame(np.nan, index=singles, columns=singles)
    for (a, b), observed in ((p, v) for p, v in ratio.items() if len(p) == 2):
        expected = ratio[(a,)] * ratio[(b,)]
        value = math.log2((observed + LOG2_FLOOR) / (expected + LOG2_FLOOR))
        matrix.loc[a, b] = matrix.loc[b, a] = value
    return matrix


def influence_matrix(
    model: Model,
    protocol: Protocol | None = None,
    *,
    fraction: float = 0.5,
    statistic: str = "mean",
    jobs: int = 1,
    progress: bool = False,
) -> pd.DataFrame:
    """Netflux-style influence: knock each node down by ``fraction`` and record the relative
    change of every state (rows: affected node, columns: knocked-down node).

    The table carries two extra summaries: ``influence`` (column sums of |change|, without the
    node itself) and ``sensitivity`` (row sums), as ``attrs``.
    """
    protocol = protocol or make_protocol("aerobic", duration_min=60.0, intensity=0.7)
    states = [s.id for s in model.states]
    t_end = default_t_end([protocol])
    times = np.linspace(0.0, t_end, int(t_end // 5) + 1).tolist()
    base = {
        "protocols": [protocol],
        "t_end": t_end,
        "times": times,
        "readouts": states,
        "statistic": statistic,
        "window": None,
    }
    sets = [(), *((Perturbation("knockdown", s, fraction),) for s in states)]
    tasks = [
        Task(" + ".join(map(str, s)) or "control", {**base, "perturbations": list(s)}) for s in sets
    ]
    rows = pd.DataFrame(
        run_tasks(model, tasks, _evaluate, jobs=jobs, progress=progress, description="influence")
    )
    rows["perturbations"] = rows["perturbations"].map(tuple)
    control = rows[rows["perturbations"] == ()].set_index("readout")["value"]
    matrix = pd.DataFrame(0.0, index=states, columns=states)
    baseline = {str(k): float(v) for k, v in control.items()}
    for row in records(rows[rows["perturbations"] != ()]):
        knocked, readout = str(row["perturbations"][0]), str(row["readout"])
        matrix.loc[readout, knocked] = (row["value"] - baseline[readout]) / abs(baseline[readout])
    off_diagonal = matrix.abs().where(~np.eye(len(states), dtype=bool), 0.0)
    matrix.attrs["influence"] = off_diagonal.sum(axis=0).to_dict()
    matrix.attrs["sensitivity"] = off_diagonal.sum(axis=1).to_dict()
    return matrix
