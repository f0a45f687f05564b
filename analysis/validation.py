"""Scoring the model against published findings: results, scorecard, baselines, null model.

Each observation runs its experiment (and its reference, or rest when it has none) on one
compiled model and compares the statistic of the readout over the window with the expected
outcome (CONTRACT section 4). The scorecard reports accuracy overall and per tag, the accuracy
of always guessing the most common outcome, and a null model: copies of the network with the
signs of the regulatory edges shuffled, whose accuracies give a permutation p-value.
"""

from __future__ import annotations

import dataclasses
import math
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from mbaxis.analysis.executor import Task, run_tasks
from mbaxis.analysis.observations import Experiment, Observation
from mbaxis.analysis.protocols import make_protocol
from mbaxis.analysis.simulation import Simulator
from mbaxis.analysis.statistics import compute_statistic
from mbaxis.network import Model, ModelError, signed_paths, to_digraph
from mbaxis.network.schema import InteractionRow, ParameterRow

__all__ = [
    "DEFAULT_THRESHOLD",
    "Result",
    "Scorecard",
    "run_observation",
    "score",
    "shuffled_model",
    "validate",
]

DEFAULT_THRESHOLD = 0.05
_REST = Experiment((make_protocol("rest"),))


@dataclass
class Result:
    """The outcome of one observation."""

    id: str
    expected: str
    predicted: str
    value: float | None
    ok: bool
    tags: tuple[str, ...] = ()
    error: str | None = None
    paths: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "expected": self.expected,
            "predicted": self.predicted,
            "value": self.value,
            "ok": self.ok,
            "tags": list(self.tags),
        }
        if self.error:
            data["error"] = self.error
        if self.paths:
            data["paths"] = self.paths
        return data


def _times(t_end: float, window: tuple[float, float]) -> list[float]:
    points = min(2001, int(t_end) + 1)
    return sorted({*np.linspace(0.0, t_end, max(points, 2)).tolist(), *window})


def _statistic(simulator: Simulator, experiment: Experiment, observation: Observation) -> float:
    t_end = max(observation.window[1], 1.0)
    course = simulator.run(
        experiment.protocols,
        experiment.perturbations,
        t_end=t_end,
        times=_times(t_end, observation.window),
        columns=[observation.readout],
    )
    return compute_statistic(course, observation.readout, observation.statistic, observation.window)


def run_observation(
    simulator: Simulator, observation: Observation, threshold: float = DEFAULT_THRESHOLD
) -> Result:
    """Run one observation; a failure (unknown ID, failed run) is a miss that says why."""
    expected = observation.expected_label
    try:
        if observation.readout not in simulator.columns:
            raise ModelError(
                f"entry '{observation.id}': unknown readout '{observation.readout}'; valid: "
                f"{', '.join(simulator.columns)}"
            )
        value = _statistic(simulator, observation.experiment, observation)
        limit = observation.threshold if observation.threshold is not None else threshold
        if isinstance(observation.expect, tuple) and observation.reference is None:
            low, high = observation.expect
            predicted = (
                "in_range" if low <= value <= high else ("below" if value < low else "above")
            )
            return Result(
                observation.id,
                expected,
                predicted,
                value,
                predicted == "in_range",
                observation.tags,
            )
        reference = _statistic(simulator, observation.reference or _REST, observation)
        change = (
            (value - reference) / abs(reference)
            if reference != 0
            else math.copysign(math.inf, value)
            if value != 0
            else 0.0
        )
        if isinstance(observation.expect, tuple):
            low, high = observation.expect
            predicted = (
                "in_range" if low <= change <= high else ("below" if change < low else "above")
            )
            ok = predicted == "in_range"
        else:
            predicted = (
                "increase" if change > limit else "decrease" if change < -limit else "no_change"
            )
            ok = predicted == observation.expect
        return Result(observation.id, expected, predicted, _finite(change), ok, observation.tags)
    except ModelError as error:
        message = str(error).replace("\n", " ")
        if not message.startswith(f"entry '{observation.id}'"):
            message = f"entry '{observation.id}': {message}"
        return Result(
            observation.id, expected, "error", None, False, observation.tags, error=message
        )


def _finite(value: float) -> float | None:
    return None if math.isnan(value) or math.isinf(value) else float(value)


@dataclass
class Scorecard:
    """Accuracy overall and per tag, the majority baseline, the null model, the misses."""

    results: list[Result]
    null_accuracies: list[float] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.results)

    @property
    def correct(self) -> int:
        return sum(r.ok for r in self.results)

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else math.nan

    @property
    def majority_baseline(self) -> tuple[str, float]:
        """The most common expected outcome and the accuracy of always predicting it."""
        counts = Counter(r.expected for r in self.results)
        label, count = counts.most_common(1)[0] if counts else ("", 0)
        return label, (count / self.total if self.total else math.nan)

    @property
    def per_tag(self) -> dict[str, dict[str, float]]:
        tags: dict[str, list[bool]] = {}
        for result in self.results:
            for tag in result.tags:
                tags.setdefault(tag, []).append(result.ok)
        return {
            tag: {"total": len(oks), "correct": sum(oks), "accuracy": sum(oks) / len(oks)}
            for tag, oks in sorted(tags.items())
        }

    @property
    def p_value(self) -> float | None:
        """P(null accuracy >= model accuracy), with the usual +1 correction."""
        if not self.null_accuracies:
            return None
        exceed = sum(a >= self.accuracy - 1e-12 for a in self.null_accuracies)
        return (1 + exceed) / (1 + len(self.null_accuracies))

    def to_json(self) -> dict[str, Any]:
        label, baseline = self.majority_baseline
        data: dict[str, Any] = {
            "total": self.total,
            "correct": self.correct,
            "accuracy": self.accuracy,
            "results": [r.to_json() for r in self.results],
            "per_tag": self.per_tag,
            "majority_baseline": {"outcome": label, "accuracy": baseline},
        }
        if self.null_accuracies:
            data["null_model"] = {
                "kind": "edge signs shuffled among regulatory edges",
                "copies": len(self.null_accuracies),
                "mean_accuracy": float(np.mean(self.null_accuracies)),
                "max_accuracy": float(np.max(self.null_accuracies)),
                "p_value": self.p_value,
            }
        return data


def _miss_paths(model: Model, observation: Observation, limit: int = 5) -> list[str]:
    graph = to_digraph(model)
    if observation.readout not in graph:
        return []
    sources: list[str] = []
    for experiment in (observation.experiment, observation.reference):
        if experiment is None:
            continue
        for perturbation in experiment.perturbations:
            node = perturbation.target.split("->")[-1].strip()
            sources.append(node)
        for protocol in experiment.protocols:
            for interval in protocol.intervals():
                sources.extend(interval.inputs)
    paths: list[str] = []
    for source in dict.fromkeys(sources):
        if source in graph and source != observation.readout:
            paths.extend(
                str(p) for p in signed_paths(graph, source, observation.readout, cutoff=8)[:limit]
            )
    return paths[: 2 * limit]


def score(
    model: Model,
    observations: Sequence[Observation],
    *,
    simulator: Simulator | None = None,
    threshold: float = DEFAULT_THRESHOLD,
) -> Scorecard:
    """Run every observation on one compiled model and collect the scorecard."""
    simulator = simulator or Simulator(model)
    results = [run_observation(simulator, o, threshold) for o in observations]
    for result, observation in zip(results, observations, strict=True):
        if not result.ok and result.error is None:
            result.paths = _miss_paths(model, observation)
    return Scorecard(results)


def shuffled_model(model: Model, seed: int) -> Model:
    """A copy of ``model`` whose regulatory edges carry a random permutation of their signs.

    An edge that becomes inhibitory keeps its strength as ``emax / (1 + emax)`` (an inhibition
    must stay below 1); everything else (nodes, targets, rates) is unchanged.
    """
    rng = random.Random(seed)
    regulatory = [e for e in model.interactions if e.law in ("regulation", "catalysis")]
    signs = [e.sign for e in regulatory]
    rng.shuffle(signs)
    new_sign = {e.id: s for e, s in zip(regulatory, signs, strict=True)}
    interactions: list[InteractionRow] = [
        e.model_copy(update={"sign": new_sign.get(e.id, e.sign)}) for e in model.interactions
    ]
    old_sign = {e.id: e.sign for e in model.interactions}
    parameters: list[ParameterRow] = []
    for row in model.parameters:
        if (
            row.parameter == "emax"
            and new_sign.get(row.interaction, 1) < 0 < old_sign[row.interaction]
        ):
            value = row.value / (1.0 + row.value)
            row = row.model_copy(update={"value": value, "low": None, "high": None})
        parameters.append(row)
    return dataclasses.replace(
        model, interactions=tuple(interactions), parameters=tuple(parameters)
    )


def _null_accuracy(
    simulator: Simulator, payload: tuple[int, list[Observation], float]
) -> list[dict[str, Any]]:
    seed, observations, threshold = payload
    null = shuffled_model(simulator.model, seed)
    null_simulator = Simulator(null)
    results = [run_observation(null_simulator, o, threshold) for o in observations]
    return [{"seed": seed, "accuracy": sum(r.ok for r in results) / len(results)}]


def validate(
    model: Model,
    observations: Sequence[Observation],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    null_copies: int = 0,
    seed: int = 0,
    jobs: int = 1,
    progress: bool = False,
) -> Scorecard:
    """Score the model, and with ``null_copies`` > 0 the shuffled-sign null model too."""
    card = score(model, observations, threshold=threshold)
    if null_copies > 0:
        tasks = [
            Task(f"null-{seed + i}", (seed + i, list(observations), threshold))
            for i in range(null_copies)
        ]
        rows = run_tasks(
            model, tasks, _null_accuracy, jobs=jobs, progress=progress, description="null model"
        )
        card.null_accuracies = [float(r["accuracy"]) for r in rows]
    return card
