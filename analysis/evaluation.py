"""Answering scenarios: the one function every study evaluates through.

:func:`evaluate` runs scenarios on one compiled model, simulating each distinct run once
(scenarios that differ only in their readouts share it) and recording only the readouts asked
for at the scenario's output times. :func:`evaluate_scenarios` does the same for a batch across
worker processes or a Dask cluster, with a progress bar and a checkpoint to resume from.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mbaxis.analysis.executor import Task, run_tasks
from mbaxis.analysis.scenarios import RunKey, Scenario
from mbaxis.analysis.simulation import Simulator, SimulatorSettings
from mbaxis.analysis.statistics import compute_statistic
from mbaxis.network import Model, ModelError

__all__ = ["Outcome", "evaluate", "evaluate_scenarios"]


@dataclass(frozen=True)
class Outcome:
    """The answer to one scenario: the statistic of each readout, or why there is none."""

    values: dict[str, float] = field(default_factory=dict)
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"values": self.values, "error": self.error}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Outcome:
        return cls({str(k): float(v) for k, v in data["values"].items()}, data["error"])


def _failed(scenario: Scenario, message: str) -> Outcome:
    return Outcome({r: math.nan for r in scenario.readouts}, message.replace("\n", " "))


def evaluate(simulator: Simulator, scenarios: Sequence[Scenario]) -> list[Outcome]:
    """Answer every scenario on ``simulator``; a failure is an :class:`Outcome` that says why.

    Scenarios with the same run (experiment, parameter overrides, end and output times; see
    :meth:`~mbaxis.analysis.scenarios.Scenario.run_key`) share one simulation that records the
    union of their readouts, so a result never depends on which other scenarios were asked
    alongside it.

    Examples
    --------
    >>> from mbaxis.network import load_model
    >>> from mbaxis.analysis.protocols import parse_protocol
    >>> from mbaxis.analysis.scenarios import Experiment, Scenario
    >>> simulator = Simulator(load_model())
    >>> bout = Experiment((parse_protocol("aerobic(duration_min=40,intensity=0.7)"),))
    >>> [outcome] = evaluate(simulator, [Scenario(bout, ("plasma__lactate",), "max")])
    >>> round(outcome.values["plasma__lactate"], 2)
    2.71
    """
    outcomes: list[Outcome | None] = [None] * len(scenarios)
    runs: dict[RunKey, list[int]] = {}
    for index, scenario in enumerate(scenarios):
        unknown = [r for r in scenario.readouts if r not in simulator.columns]
        if unknown:
            outcomes[index] = _failed(
                scenario,
                f"unknown readout {', '.join(map(repr, unknown))}; valid: "
                f"{', '.join(simulator.columns)}",
            )
        else:
            runs.setdefault(scenario.run_key(), []).append(index)
    for (experiment, _, t_end, times), members in runs.items():
        first = scenarios[members[0]]
        readouts = list(dict.fromkeys(r for i in members for r in scenarios[i].readouts))
        try:
            course = simulator.run(
                experiment.protocols,
                experiment.perturbations,
                subject=experiment.subject,
                t_end=t_end,
                times=times,
                columns=readouts,
                parameters=first.parameters,
            )
        except ModelError as error:
            for index in members:
                outcomes[index] = _failed(scenarios[index], str(error))
            continue
        for index in members:
            scenario = scenarios[index]
            outcomes[index] = Outcome(
                {
                    r: compute_statistic(course, r, scenario.statistic, scenario.window)
                    for r in scenario.readouts
                }
            )
    return [outcome for outcome in outcomes if outcome is not None]


def _evaluate_chunk(simulator: Simulator, chunk: tuple[Scenario, ...]) -> list[dict[str, Any]]:
    return [outcome.to_json() for outcome in evaluate(simulator, chunk)]


def _chunks(scenarios: Sequence[Scenario], size: int) -> list[list[int]]:
    """Scenario indices in chunks of about ``size``, never splitting scenarios that share a run
    (so each run is simulated once)."""
    runs: dict[RunKey, list[int]] = {}
    for index, scenario in enumerate(scenarios):
        runs.setdefault(scenario.run_key(), []).append(index)
    chunks: list[list[int]] = [[]]
    for members in runs.values():
        if len(chunks[-1]) >= size:
            chunks.append([])
        chunks[-1].extend(members)
    return [c for c in chunks if c]


def evaluate_scenarios(
    model: Model,
    scenarios: Sequence[Scenario],
    *,
    jobs: int = 1,
    chunk: int | None = None,
    checkpoint: str | Path | None = None,
    resume: bool = False,
    progress: bool = False,
    description: str = "scenarios",
    scheduler: str | None = None,
    settings: SimulatorSettings | None = None,
) -> list[Outcome]:
    """:func:`evaluate` for a batch, in ``jobs`` worker processes (or on a Dask cluster).

    Each worker compiles the model once (``settings``: its build and tolerances; default the
    defaults). ``checkpoint`` streams finished chunks to a
    JSON-lines file and ``resume`` skips those already there (see
    :func:`mbaxis.analysis.executor.run_tasks`). Outcomes come back in the order of
    ``scenarios``.
    """
    # chunks small enough to share the work and to checkpoint often, large enough that the
    # round trips to a worker do not dominate
    size = chunk or max(1, min(16, len(scenarios) // (max(jobs, 1) * 16)))
    groups = _chunks(scenarios, size)
    tasks = []
    for members in groups:
        payload = tuple(scenarios[i] for i in members)
        text = json.dumps([s.describe() for s in payload], sort_keys=True)
        key = hashlib.sha256(text.encode()).hexdigest()[:24]
        tasks.append(Task(key, payload, size=len(payload)))
    rows = run_tasks(
        model,
        tasks,
        _evaluate_chunk,
        jobs=jobs,
        checkpoint=checkpoint,
        resume=resume,
        progress=progress,
        description=description,
        scheduler=scheduler,
        unit="scenario",
        settings=settings,
    )
    outcomes: list[Outcome | None] = [None] * len(scenarios)
    position = 0
    for members in groups:
        for index in members:
            outcomes[index] = Outcome.from_json(rows[position])
            position += 1
    return [outcome for outcome in outcomes if outcome is not None]
