"""Scoring the model against published findings: results, scorecard, baselines, null model.

Each observation runs its experiment (and its reference, or rest when it has none) on one
compiled model and compares the statistic of the readout over the window with the expected
outcome (CONTRACT section 4). The scorecard reports accuracy overall and per tag, the accuracy
of always guessing the most common outcome, and a null model: copies of the network with the
signs of the regulatory edges shuffled, whose accuracies give a permutation p-value.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np

from mbaxis.analysis.defaults import CHANGE_THRESHOLD
from mbaxis.analysis.evaluation import Outcome, evaluate
from mbaxis.analysis.executor import Task, run_tasks
from mbaxis.analysis.observations import Observation
from mbaxis.analysis.protocols import schedule
from mbaxis.analysis.scenarios import Scenario
from mbaxis.analysis.simulation import Simulator, SimulatorSettings
from mbaxis.network import EdgeId, Model, signed_paths, to_digraph
from mbaxis.network.naming import hook, parameter_id
from mbaxis.network.schema import LAWS, LOSS_LAWS, InteractionRow, ParameterRow

__all__ = [
    "Result",
    "Scorecard",
    "run_observations",
    "score",
    "shuffled_model",
    "shuffled_signs",
    "validate",
]


@dataclass
class Result:
    """The outcome of one observation."""

    id: str
    expected: str
    predicted: str
    value: float | None
    ok: bool
    tags: tuple[str, ...] = ()
    role: str = "test"
    error: str | None = None
    paths: list[str] = field(default_factory=list)
    organism: str = "human"

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "expected": self.expected,
            "predicted": self.predicted,
            "value": self.value,
            "ok": self.ok,
            "tags": list(self.tags),
            "role": self.role,
            "organism": self.organism,
        }
        if self.error:
            data["error"] = self.error
        if self.paths:
            data["paths"] = self.paths
        return data


def _placed(value: float, bounds: tuple[float, float]) -> str:
    low, high = bounds
    return "in_range" if low <= value <= high else ("below" if value < low else "above")


def _judge(
    observation: Observation, value: Outcome, reference: Outcome | None, threshold: float
) -> Result:
    """Compare the statistic with the expectation (CONTRACT section 4)."""
    expected = observation.expected_label

    def result(predicted: str, number: float | None, ok: bool, error: str | None = None) -> Result:
        return Result(
            observation.id,
            expected,
            predicted,
            number,
            ok,
            observation.tags,
            observation.role,
            error,
            organism=observation.organism,
        )

    failure = value.error or (reference.error if reference is not None else None)
    if failure is not None:
        prefix = f"entry '{observation.id}'"
        message = failure if failure.startswith(prefix) else f"{prefix}: {failure}"
        return result("error", None, False, message)
    statistic = value.values[observation.readout]
    if reference is None and isinstance(observation.expect, tuple):  # an absolute range
        predicted = _placed(statistic, observation.expect)
        return result(predicted, statistic, predicted == "in_range")
    if reference is None:
        raise AssertionError(f"entry '{observation.id}' compares but has no reference run")
    base = reference.values[observation.readout]
    change = (
        (statistic - base) / abs(base)
        if base != 0
        else math.copysign(math.inf, statistic)
        if statistic != 0
        else 0.0
    )
    if isinstance(observation.expect, tuple):
        predicted = _placed(change, observation.expect)
        return result(predicted, _finite(change), predicted == "in_range")
    limit = observation.threshold if observation.threshold is not None else threshold
    predicted = "increase" if change > limit else "decrease" if change < -limit else "no_change"
    return result(predicted, _finite(change), predicted == observation.expect)


def run_observations(
    simulator: Simulator,
    observations: Sequence[Observation],
    threshold: float = CHANGE_THRESHOLD,
    parameters: dict[str, float] | None = None,
) -> list[Result]:
    """Run every observation on one compiled model (each distinct run once); a failure
    (unknown ID, unrepresentable subject, failed run) is a miss that says why.

    ``parameters`` overrides parameters in every run (the null model's shuffled signs).
    """
    asked: list[Scenario] = []
    slots: list[tuple[int, int | None]] = []
    for observation in observations:
        experiment, reference = observation.scenarios()
        if parameters:
            experiment = dataclasses.replace(experiment, parameters=parameters)
            if reference is not None:
                reference = dataclasses.replace(reference, parameters=parameters)
        asked.append(experiment)
        slot = len(asked) - 1
        if reference is not None:
            asked.append(reference)
        slots.append((slot, len(asked) - 1 if reference is not None else None))
    outcomes = evaluate(simulator, asked)
    return [
        _judge(o, outcomes[e], outcomes[r] if r is not None else None, threshold)
        for o, (e, r) in zip(observations, slots, strict=True)
    ]


def _finite(value: float) -> float | None:
    return None if math.isnan(value) or math.isinf(value) else float(value)


def _tally(groups: dict[str, list[bool]]) -> dict[str, dict[str, float]]:
    return {
        name: {"total": len(oks), "correct": sum(oks), "accuracy": sum(oks) / len(oks)}
        for name, oks in sorted(groups.items())
    }


@dataclass
class Scorecard:
    """Accuracy overall, per role and per tag, the majority baseline, the null model.

    The null model: ``null_reached`` says of every sign-shuffled copy whether it reproduced at
    least as many findings as the model (the p-value counts these); ``null_accuracies`` are
    the accuracies of the copies scored on every finding (the null distribution).
    """

    results: list[Result]
    null_accuracies: list[float] = field(default_factory=list)
    null_reached: list[bool] = field(default_factory=list)

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
        return self.tally_tags(self.results)

    @staticmethod
    def tally_tags(results: Sequence[Result]) -> dict[str, dict[str, float]]:
        """Accuracy per tag of ``results``."""
        tags: dict[str, list[bool]] = {}
        for result in results:
            for tag in result.tags:
                tags.setdefault(tag, []).append(result.ok)
        return _tally(tags)

    @staticmethod
    def tally_organisms(results: Sequence[Result]) -> dict[str, dict[str, float]]:
        """Accuracy on human and on rodent findings among ``results``."""
        organisms: dict[str, list[bool]] = {}
        for result in results:
            organisms.setdefault(result.organism, []).append(result.ok)
        return _tally(organisms)

    @property
    def per_organism(self) -> dict[str, dict[str, float]]:
        return self.tally_organisms(self.results)

    @property
    def test(self) -> dict[str, Any]:
        """The figure that counts: the ``test`` entries (no parameter was set from them),
        overall, for humans and rodents, and per tag."""
        tested = [r for r in self.results if r.role == "test"]
        correct = sum(r.ok for r in tested)
        return {
            "total": len(tested),
            "correct": correct,
            "accuracy": correct / len(tested) if tested else math.nan,
            "per_organism": self.tally_organisms(tested),
            "per_tag": self.tally_tags(tested),
        }

    @property
    def per_role(self) -> dict[str, dict[str, float]]:
        """Accuracy of the ``test`` entries (the figure that counts) and the ``calibration``
        entries (findings a parameter was set from)."""
        roles: dict[str, list[bool]] = {}
        for result in self.results:
            roles.setdefault(result.role, []).append(result.ok)
        return _tally(roles)

    @property
    def p_value(self) -> float | None:
        """P(a sign-shuffled copy reproduces at least as many findings), +1 corrected."""
        if not self.null_reached:
            return None
        return (1 + sum(self.null_reached)) / (1 + len(self.null_reached))

    def to_json(self) -> dict[str, Any]:
        label, baseline = self.majority_baseline
        data: dict[str, Any] = {
            "total": self.total,
            "correct": self.correct,
            "accuracy": self.accuracy,
            "results": [r.to_json() for r in self.results],
            "test": self.test,
            "per_role": self.per_role,
            "per_organism": self.per_organism,
            "per_tag": self.per_tag,
            "majority_baseline": {"outcome": label, "accuracy": baseline},
        }
        if self.null_reached:
            data["null_model"] = {
                "kind": "edge signs shuffled among regulatory edges",
                "copies": len(self.null_reached),
                "reached_model_accuracy": sum(self.null_reached),
                "p_value": self.p_value,
                "scored_in_full": len(self.null_accuracies),
                "mean_accuracy": float(np.mean(self.null_accuracies))
                if self.null_accuracies
                else None,
                "max_accuracy": float(np.max(self.null_accuracies))
                if self.null_accuracies
                else None,
            }
        return data


def _miss_paths(graph: nx.DiGraph, observation: Observation, limit: int = 5) -> list[str]:
    """Signed paths from what the experiment moves to the readout: what to question."""
    if observation.readout not in graph:
        return []
    sources: list[str] = []
    for experiment in (observation.experiment, observation.reference):
        if experiment is None:
            continue
        for perturbation in experiment.perturbations:
            target = perturbation.target
            sources.append(target.target if isinstance(target, EdgeId) else target)
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
    threshold: float = CHANGE_THRESHOLD,
) -> Scorecard:
    """Run every observation on one compiled model and collect the scorecard."""
    simulator = simulator or Simulator(model)
    results = run_observations(simulator, observations, threshold)
    graph = to_digraph(model)
    for result, observation in zip(results, observations, strict=True):
        if not result.ok and result.error is None:
            result.paths = _miss_paths(graph, observation)
    return Scorecard(results)


#: The laws whose edges carry a regulation term with a sign: the edges the null model shuffles.
_REGULATORY_LAWS = (
    "regulation",
    "proportional",
    "catalysis",
    "threshold",
    "dilution",
    *LOSS_LAWS,
)


def _shuffled(model: Model, seed: int) -> dict[str, int]:
    """The sign of every regulatory edge after a seeded permutation of their signs."""
    rng = random.Random(seed)
    regulatory = [e for e in model.interactions if e.law in _REGULATORY_LAWS]
    signs = [e.sign for e in regulatory]
    rng.shuffle(signs)
    return {e.id: s for e, s in zip(regulatory, signs, strict=True)}


def _turned_inhibitory(edge: InteractionRow, new_sign: int) -> bool:
    """Whether the edge's Hill term was an activation and with ``new_sign`` is an inhibition
    (whose emax must stay below 1). A ``threshold`` edge has no emax: either sign is a shift."""
    if "emax" not in LAWS[edge.law]:
        return False
    return edge.term_sign > 0 > edge.model_copy(update={"sign": new_sign}).term_sign


def _inhibition_strength(emax: float) -> float:
    """An activation of strength ``emax`` turned inhibitory keeps ``emax / (1 + emax)``: an
    inhibition must stay below 1 (the largest fraction of synthesis it removes)."""
    return emax / (1.0 + emax)


def shuffled_signs(model: Model, seed: int) -> dict[str, float]:
    """The null-model copy ``seed`` as parameter overrides of the sign build
    (``{edge}__sign``, and ``{edge}__emax`` where an activation became an inhibition).

    Simulating these on ``Simulator(model, signs_as_parameters=True)`` is simulating
    :func:`shuffled_model` (tested), without building and compiling a model per copy.
    """
    overrides: dict[str, float] = {}
    emax = {row.interaction: row.value for row in model.parameters if row.parameter == "emax"}
    new_sign = _shuffled(model, seed)
    for edge in model.interactions:
        if edge.id not in new_sign:
            continue
        overrides[hook(edge.id, "sign")] = float(new_sign[edge.id])
        if _turned_inhibitory(edge, new_sign[edge.id]):
            overrides[parameter_id(edge.id, "emax")] = _inhibition_strength(emax[edge.id])
    return overrides


def shuffled_model(model: Model, seed: int) -> Model:
    """A copy of ``model`` whose regulatory edges carry a random permutation of their signs.

    An edge that becomes inhibitory keeps its strength as ``emax / (1 + emax)`` (an inhibition
    must stay below 1); everything else (nodes, targets, rates) is unchanged.
    """
    new_sign = _shuffled(model, seed)
    interactions: list[InteractionRow] = [
        e.model_copy(update={"sign": new_sign.get(e.id, e.sign)}) for e in model.interactions
    ]
    edges = {e.id: e for e in model.interactions}
    parameters: list[ParameterRow] = []
    for row in model.parameters:
        edge = edges.get(row.interaction)
        if (
            row.parameter == "emax"
            and edge is not None
            and row.interaction in new_sign
            and _turned_inhibitory(edge, new_sign[row.interaction])
        ):
            value = _inhibition_strength(row.value)
            row = row.model_copy(update={"value": value, "low": None, "high": None})
        parameters.append(row)
    return dataclasses.replace(
        model, interactions=tuple(interactions), parameters=tuple(parameters)
    )


#: Findings a null copy scores between two looks at its misses (see :func:`validate`).
NULL_BATCH = 4
#: Copies scored on every finding unless told otherwise: the null distribution's mean and
#: maximum (the p-value uses every copy).
NULL_FULL = 100
#: The null copies integrate at a looser relative tolerance than the model (1e-8): 1.6 times
#: faster, and the calls of the copies tested agree (tests/analysis/test_validation.py).
NULL_SETTINGS = SimulatorSettings(signs_as_parameters=True, rtol=1e-6, atol=1e-10)


@dataclass(frozen=True)
class _NullCopies:
    """A batch of null-model copies: their seeds, the suite (cheapest first), the threshold,
    and the misses beyond which a copy can no longer reach the model (None: score all)."""

    seeds: tuple[int, ...]
    observations: tuple[Observation, ...]
    threshold: float
    model_misses: int
    stop_early: bool


def _null_scores(simulator: Simulator, batch: _NullCopies) -> list[dict[str, Any]]:
    rows = []
    findings = batch.observations
    for seed in batch.seeds:
        overrides = shuffled_signs(simulator.model, seed)
        misses = scored = 0
        while scored < len(findings):
            part = findings[scored : scored + NULL_BATCH]
            results = run_observations(simulator, part, batch.threshold, overrides)
            misses += sum(not r.ok for r in results)
            scored += len(part)
            if batch.stop_early and misses > batch.model_misses:
                break  # it cannot reach the model's accuracy any more
        rows.append(
            {
                "seed": seed,
                "reached": misses <= batch.model_misses,
                "accuracy": 1.0 - misses / len(findings) if scored == len(findings) else None,
            }
        )
    return rows


def _cost_order(observations: Sequence[Observation]) -> list[Observation]:
    """The findings from the cheapest to simulate (fewest input switches, shortest) up."""

    def cost(observation: Observation) -> tuple[int, float]:
        runs = [s for s in observation.scenarios() if s is not None]
        switches = sum(len(schedule(s.experiment.protocols, s.t_end)) for s in runs)
        return switches, max(s.t_end for s in runs)

    return sorted(observations, key=cost)


def validate(
    model: Model,
    observations: Sequence[Observation],
    *,
    threshold: float = CHANGE_THRESHOLD,
    null_copies: int = 0,
    null_full: int | None = None,
    seed: int = 0,
    jobs: int = 1,
    progress: bool = False,
    checkpoint: str | Path | None = None,
    resume: bool = False,
) -> Scorecard:
    """Score the model, and with ``null_copies`` > 0 the shuffled-sign null model too.

    ``checkpoint`` streams the null copies to a JSON-lines file as they finish and ``resume``
    skips those already there (:func:`mbaxis.analysis.executor.run_tasks`).

    The null model runs on one compiled model per worker whose edge signs are parameters
    (:func:`shuffled_signs`), so a copy costs its simulations and nothing more. The first
    ``null_full`` copies (default: :data:`NULL_FULL`) are scored on every finding and give the null
    distribution; the p-value needs of every copy only whether it reproduces as many findings
    as the model, so the others score the findings cheapest first and stop as soon as they
    have missed more than the model did (exact, and most copies never reach the programmes of
    weeks of training that dominate the cost). Null copies integrate at
    :data:`NULL_SETTINGS` (relative tolerance 1e-6 instead of 1e-8).
    """
    card = score(model, observations, threshold=threshold)
    if null_copies > 0:
        full = min(null_copies, NULL_FULL if null_full is None else null_full)
        ordered = tuple(_cost_order(observations))
        misses = card.total - card.correct
        # a checkpoint belongs to these findings, threshold and misses, not only to the seeds
        digest = hashlib.sha256(repr((ordered, threshold, misses)).encode()).hexdigest()[:12]
        per_task = 4
        tasks = []
        for first, last, early in (
            (seed, seed + full, False),
            (seed + full, seed + null_copies, True),
        ):
            for start in range(first, last, per_task):
                seeds = tuple(range(start, min(start + per_task, last)))
                tasks.append(
                    Task(
                        f"null-{digest}-{seeds[0]}-{seeds[-1]}",
                        _NullCopies(seeds, ordered, threshold, misses, early),
                        size=len(seeds),
                    )
                )
        rows = run_tasks(
            model,
            tasks,
            _null_scores,
            jobs=jobs,
            progress=progress,
            description="null model",
            unit="copy",
            settings=NULL_SETTINGS,
            checkpoint=checkpoint,
            resume=resume,
        )
        card.null_reached = [bool(r["reached"]) for r in rows]
        card.null_accuracies = [float(r["accuracy"]) for r in rows if r["accuracy"] is not None]
    return card
