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

from mbaxis.analysis.defaults import (
    CHANGE_THRESHOLD,
    DEFAULT_PROTOCOL,
    DEFAULT_READOUTS,
    DEFAULT_STATISTIC,
)
from mbaxis.analysis.errors import ScenarioError
from mbaxis.analysis.evaluation import evaluate_scenarios
from mbaxis.analysis.perturbations import Perturbation
from mbaxis.analysis.protocols import Protocol, parse_protocol
from mbaxis.analysis.scenarios import Experiment, Scenario
from mbaxis.analysis.subjects import REFERENCE_SUBJECT, Subject
from mbaxis.network import Model
from mbaxis.network.naming import EdgeId

__all__ = [
    "LOG2_FLOOR",
    "change_call",
    "epistasis",
    "influence_matrix",
    "knockout_scan",
    "knockout_targets",
    "records",
]

#: The log2 ratio is log2((value + f) / (control + f)) with f = LOG2_FLOOR x |control|, so a
#: readout knocked to zero gives a large but finite effect instead of minus infinity.
LOG2_FLOOR = 1e-3


def records(table: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of ``table`` as plain dicts (typed loosely on purpose: mixed columns)."""
    return [{str(key): value for key, value in row.items()} for row in table.to_dict("records")]


def knockout_targets(model: Model, targets: str = "nodes") -> list[Perturbation]:
    """Single knock-outs: every state node (``nodes``) or every edge blocked (``edges``).

    The edge scan leaves out measurements (an observable is read, not made) and a node's
    clearance edge to itself (its own saturable elimination: no influence between two nodes
    to block, and no edge of the logical model the scan is compared with).
    """
    if targets == "nodes":
        return [Perturbation("knockout", s.id) for s in model.states]
    if targets == "edges":
        return [
            Perturbation("inhibit", EdgeId(e.source, e.target), 1.0)
            for e in model.interactions
            if e.law != "measurement" and e.source != e.target
        ]
    raise ScenarioError(f"targets must be 'nodes' or 'edges'; got '{targets}'")


def change_call(relative_change: float, threshold: float) -> str:
    """``increase``, ``decrease`` or ``no_change`` beyond ``threshold``; ``error`` for NaN."""
    if math.isnan(relative_change):
        return "error"
    if relative_change > threshold:
        return "increase"
    if relative_change < -threshold:
        return "decrease"
    return "no_change"


def _tidy(
    scenarios: Sequence[Scenario], outcomes: Sequence[Any], perturbation_sets: Sequence[Any]
) -> pd.DataFrame:
    """One row per (perturbation set, readout): the value and the error of each run."""
    rows = []
    for scenario, outcome, perturbations in zip(
        scenarios, outcomes, perturbation_sets, strict=True
    ):
        for readout in scenario.readouts:
            rows.append(
                {
                    "perturbations": tuple(str(p.target) for p in perturbations),
                    "readout": readout,
                    "value": outcome.values[readout],
                    "error": outcome.error,
                }
            )
    return pd.DataFrame(rows)


def knockout_scan(
    model: Model,
    protocol: Protocol | None = None,
    readouts: Sequence[str] = DEFAULT_READOUTS,
    *,
    targets: str = "nodes",
    double: bool = False,
    statistic: str = DEFAULT_STATISTIC,
    window: tuple[float, float] | None = None,
    threshold: float = CHANGE_THRESHOLD,
    subject: Subject = REFERENCE_SUBJECT,
    jobs: int = 1,
    checkpoint: str | Path | None = None,
    resume: bool = False,
    progress: bool = False,
) -> pd.DataFrame:
    """Knock out every node (or block every edge), alone or in pairs, under ``protocol``.

    Each knock-out is a :class:`~mbaxis.analysis.scenarios.Scenario` (default protocol:
    :data:`~mbaxis.analysis.defaults.DEFAULT_PROTOCOL`), answered with the control by
    :func:`~mbaxis.analysis.evaluation.evaluate_scenarios`.

    Returns a tidy table: ``perturbations`` (tuple of node IDs or ``"A -> B"``), ``readout``,
    ``control`` and ``value`` (the statistic without and with the knock-out),
    ``relative_change`` = (value - control) / |control|, ``log2_ratio`` (floored, see
    :data:`LOG2_FLOOR`), and ``call``: ``increase`` / ``decrease`` / ``no_change`` at
    ``threshold`` (``error`` with a message in ``error`` if a run failed).
    """
    protocol = protocol or parse_protocol(DEFAULT_PROTOCOL)
    for readout in readouts:
        model.get_species(readout)
    singles = knockout_targets(model, targets)
    sets: list[tuple[Perturbation, ...]] = [(), *((p,) for p in singles)]
    if double:
        sets.extend(itertools.combinations(singles, 2))
    scenarios = [
        Scenario(Experiment((protocol,), s, subject), tuple(readouts), statistic, window)
        for s in sets
    ]
    outcomes = evaluate_scenarios(
        model,
        scenarios,
        jobs=jobs,
        checkpoint=checkpoint,
        resume=resume,
        progress=progress,
        description="knock-outs",
    )
    table = _tidy(scenarios, outcomes, sets)
    control = table[table["perturbations"] == ()].set_index("readout")["value"]
    table = table[table["perturbations"] != ()].copy()
    table["control"] = table["readout"].map(control)
    scale = table["control"].abs()
    table["relative_change"] = (table["value"] - table["control"]) / scale.where(scale > 0)
    floor = LOG2_FLOOR * scale.where(scale > 0, 1e-12)
    ratio = (table["value"] + floor) / (table["control"] + floor)
    table["log2_ratio"] = np.log2(ratio.where(ratio > 0))
    table["call"] = [change_call(c, threshold) for c in table["relative_change"].fillna(math.nan)]
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
        window=scenarios[0].window,
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
    protocol = protocol or parse_protocol(DEFAULT_PROTOCOL)
    states = [s.id for s in model.states]
    sets = [(), *((Perturbation("knockdown", s, fraction),) for s in states)]
    scenarios = [Scenario(Experiment((protocol,), s), tuple(states), statistic) for s in sets]
    outcomes = evaluate_scenarios(
        model, scenarios, jobs=jobs, progress=progress, description="influence"
    )
    baseline = outcomes[0].values
    matrix = pd.DataFrame(0.0, index=states, columns=states)
    for (perturbation,), outcome in zip(sets[1:], outcomes[1:], strict=True):
        for readout in states:
            base = baseline[readout]  # a drug rests at 0: no relative change to speak of
            change = (outcome.values[readout] - base) / abs(base) if base else 0.0
            matrix.loc[readout, str(perturbation.target)] = change
    off_diagonal = matrix.abs().where(~np.eye(len(states), dtype=bool), 0.0)
    matrix.attrs["influence"] = off_diagonal.sum(axis=0).to_dict()
    matrix.attrs["sensitivity"] = off_diagonal.sum(axis=1).to_dict()
    return matrix
