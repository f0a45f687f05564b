"""Searching weekly schedules for the one that raises a readout most (``mbaxis optimize``).

The optimiser is SciPy's differential evolution: it is already a dependency, it is
reproducible at a seed, it takes whole-number variables (which protocol, sessions a week)
beside continuous ones (duration, intensity), it keeps candidates inside a constraint (the
weekly time budget) without simulating those outside, and it hands each generation to a
map-like function, which here is the scans' executor (worker processes or a Dask cluster).

Each candidate schedule (:mod:`.schedules`) runs for ``weeks`` on every member of a cohort (one
subject, an ensemble's members, or a virtual population) and scores the weighted median of the
readout's statistic over the programme's weeks. Equal schedules are simulated once; every
score goes to a checkpoint, so an interrupted search resumes by replaying the same generations
from it. Every distinct schedule scored is kept: the Pareto front of effect against minutes a
week is read off them.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from scipy.optimize import NonlinearConstraint, differential_evolution
from tqdm import tqdm

from mbaxis.analysis.ensembles import ENSEMBLE_SETTINGS, weighted_quantile
from mbaxis.analysis.errors import OptimizationError, SimulationError
from mbaxis.analysis.evaluation import evaluate_scenarios
from mbaxis.analysis.model_cache import model_sbml
from mbaxis.analysis.optimization.schedules import (
    DEFAULT_SEARCH_PROTOCOLS,
    SEARCH_SPACE,
    Schedule,
    decode,
    vector_bounds,
)
from mbaxis.analysis.population.cohort import Cohort
from mbaxis.analysis.protocols import make_protocol
from mbaxis.analysis.scenarios import Experiment, Scenario
from mbaxis.network import Model

__all__ = ["DEFAULT_EVALUATIONS", "Candidate", "SearchResult", "optimize_schedule", "rescore"]

#: Schedules scored unless told otherwise: a few thousand, as CONTRACT section 5 expects.
DEFAULT_EVALUATIONS = 3000
#: Candidates per generation, per number in the search vector (SciPy's ``popsize``).
POPULATION_PER_DIMENSION = 10
#: The longest programme the search accepts (a year): each candidate is simulated whole.
MOST_WEEKS = 52
#: Schedules are scored at the ensemble scans' tolerances: thousands of runs whose scores
#: differ by percent, far above the 1e-6 the integrator keeps (a test checks the ranking).
SEARCH_SETTINGS = ENSEMBLE_SETTINGS
#: Output times per week of the programme (the statistic's resolution over weeks).
POINTS_PER_WEEK = 7 * 24


@dataclass(frozen=True)
class Candidate:
    """A schedule scored on every member of the cohort."""

    schedule: Schedule
    values: np.ndarray  # the statistic per member
    score: float  # weighted median over members (NaN when a run failed)
    generation: int
    error: str = ""

    def describe(self, weights: np.ndarray, rest: np.ndarray, weeks: float) -> dict[str, Any]:
        p05, median, p95 = _band(self.values, weights)
        change = _band((self.values - rest) / np.abs(rest), weights)
        return {
            "schedule": self.schedule.describe(),
            "protocols": [str(p) for p in self.schedule.protocols(weeks)],
            "minutes_per_week": round(self.schedule.minutes_per_week, 2),
            "value": median,
            "p05": p05,
            "p95": p95,
            "relative_change": change[1],
            "generation": self.generation,
        }


def _band(values: np.ndarray, weights: np.ndarray) -> tuple[float, float, float]:
    if not np.all(np.isfinite(values)):
        return (math.nan, math.nan, math.nan)
    quantiles = weighted_quantile(values.reshape(-1, 1), weights, (0.05, 0.5, 0.95))[:, 0]
    return (float(quantiles[0]), float(quantiles[1]), float(quantiles[2]))


@dataclass
class SearchResult:
    """What the search found: every distinct schedule scored, and how the best improved."""

    readout: str
    statistic: str
    budget_min_per_week: float
    weeks: float
    seed: int
    protocols: tuple[str, ...]
    slots: int
    evaluations: int
    cohort: Cohort
    rest: np.ndarray  # the statistic per member at rest over the same weeks
    candidates: dict[str, Candidate]
    convergence: list[dict[str, float]] = field(default_factory=list)

    def ranked(self) -> list[Candidate]:
        """Scored schedules within the budget, best first (ties: fewer minutes, then name)."""
        ok = [
            c
            for c in self.candidates.values()
            if math.isfinite(c.score)
            and c.schedule.minutes_per_week <= self.budget_min_per_week + 1e-9
            and c.schedule.occupancy <= 1.0
        ]
        return sorted(ok, key=lambda c: (-c.score, c.schedule.minutes_per_week, c.schedule.key()))

    def distinct(self) -> list[Candidate]:
        """The best schedule of each shape (:meth:`Schedule.shape`), best first: a list of
        near-copies that differ in the second decimal of a duration tells a reader nothing."""
        seen: set[str] = set()
        out = []
        for candidate in self.ranked():
            if candidate.schedule.shape() not in seen:
                seen.add(candidate.schedule.shape())
                out.append(candidate)
        return out

    def best(self, count: int = 5) -> list[dict[str, Any]]:
        """The ``count`` best schedules of different shapes, best first."""
        weights = self.cohort.weights
        return [c.describe(weights, self.rest, self.weeks) for c in self.distinct()[:count]]

    def pareto_front(self) -> list[dict[str, Any]]:
        """Schedules no other beats on both effect and time (fewest minutes first)."""
        front: list[Candidate] = []
        for candidate in sorted(
            self.ranked(), key=lambda c: (c.schedule.minutes_per_week, -c.score)
        ):
            if not front or candidate.score > front[-1].score:
                front.append(candidate)
        return [c.describe(self.cohort.weights, self.rest, self.weeks) for c in front]

    def beats_runner_up(self) -> float | None:
        """The weighted share of cohort members on whom the best schedule scores above the
        runner-up, the best of another shape (None for a cohort of one: no spread to weigh)."""
        ranked = self.distinct()
        if len(self.cohort) < 2 or len(ranked) < 2:
            return None
        best, second = ranked[0].values, ranked[1].values
        return float(self.cohort.weights[best > second].sum())

    def summary(self) -> dict[str, Any]:
        """The JSON of ``mbaxis optimize --json`` (CONTRACT section 5)."""
        rest = _band(self.rest, self.cohort.weights)
        return {
            "readout": self.readout,
            "statistic": self.statistic,
            "budget_min_per_week": self.budget_min_per_week,
            "weeks": self.weeks,
            "seed": self.seed,
            "protocols": list(self.protocols),
            "slots": self.slots,
            "members": len(self.cohort),
            "evaluations": self.evaluations,
            "schedules_simulated": len(self.candidates),
            "rest": {"value": rest[1], "p05": rest[0], "p95": rest[2]},
            "best": self.best(),
            "probability_best_beats_runner_up": self.beats_runner_up(),
            "pareto_front": self.pareto_front(),
            "convergence": self.convergence,
        }


class _Scorer:
    """Scores schedules on the cohort, one generation at a time, with a cache and checkpoint.

    SciPy hands it each generation as ``map(func, vectors)``: it simulates the schedules not
    scored yet in one batch through the executor, then lets ``func`` read the cache.
    """

    def __init__(
        self,
        model: Model,
        cohort: Cohort,
        protocols: Sequence[str],
        readout: str,
        statistic: str,
        weeks: float,
        *,
        jobs: int,
        scheduler: str | None,
        checkpoint: Path | None,
        resume: bool,
        bar: tqdm[Any],
        fingerprint: str,
    ) -> None:
        self.model, self.cohort, self.protocols = model, cohort, tuple(protocols)
        self.readout, self.statistic, self.weeks = readout, statistic, weeks
        self.jobs, self.scheduler, self.bar = jobs, scheduler, bar
        self.candidates: dict[str, Candidate] = {}
        self.evaluations = 0
        self.generation = 0
        self.convergence: list[dict[str, float]] = []
        self.stored: dict[str, tuple[list[float], str]] = {}
        self.handle = None
        if checkpoint is not None:
            if resume and checkpoint.exists():
                self.stored = _read_checkpoint(checkpoint, fingerprint)
                self.handle = checkpoint.open("a", encoding="utf-8")
            else:
                self.handle = checkpoint.open("w", encoding="utf-8")
                self.handle.write(json.dumps({"fingerprint": fingerprint}) + "\n")
                self.handle.flush()

    def objective(self, vector: np.ndarray) -> float:
        """What SciPy minimises: minus the score (a failed run scores worst)."""
        candidate = self.candidates[decode(vector, self.protocols).key()]
        return -candidate.score if math.isfinite(candidate.score) else math.inf

    def __call__(
        self, func: Callable[[np.ndarray], float], vectors: Iterable[np.ndarray]
    ) -> list[float]:
        batch = [np.asarray(v, dtype=float) for v in vectors]
        self.score([decode(v, self.protocols) for v in batch])
        self.evaluations += len(batch)
        self.bar.update(len(batch))
        result = [func(v) for v in batch]
        best = max(
            (c.score for c in self.candidates.values() if math.isfinite(c.score)), default=math.nan
        )
        self.convergence.append(
            {"generation": self.generation, "evaluations": self.evaluations, "best_value": best}
        )
        self.generation += 1
        return result

    def score(self, schedules: Sequence[Schedule]) -> None:
        new = {s.key(): s for s in schedules if s.key() not in self.candidates}
        to_run = {k: s for k, s in new.items() if k not in self.stored}
        outcomes = self._simulate(list(to_run.values())) if to_run else {}
        for key, schedule in new.items():
            values, error = self.stored[key] if key in self.stored else outcomes[key]
            array = np.array(values, dtype=float)
            score = _band(array, self.cohort.weights)[1] if not error else math.nan
            self.candidates[key] = Candidate(schedule, array, score, self.generation, error)
            if key in to_run and self.handle is not None:
                self.handle.write(json.dumps({"key": key, "values": values, "error": error}) + "\n")
        if self.handle is not None:
            self.handle.flush()

    def _simulate(self, schedules: list[Schedule]) -> dict[str, tuple[list[float], str]]:
        return _simulate_schedules(
            self.model,
            schedules,
            self.cohort,
            self.readout,
            self.statistic,
            self.weeks,
            jobs=self.jobs,
            scheduler=self.scheduler,
        )

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()


def _schedule_scenarios(
    schedule: Schedule, cohort: Cohort, readout: str, statistic: str, weeks: float
) -> list[Scenario]:
    """One scenario per cohort member: the schedule's programme, scored over its weeks."""
    protocols = schedule.protocols(weeks)
    window = schedule.window(weeks)
    resolution = (window[1] - window[0]) / (POINTS_PER_WEEK * weeks)
    return [
        Scenario(
            Experiment(protocols, subject=member.subject),
            (readout,),
            statistic,
            window,
            dict(member.parameters),
            resolution=resolution,
        )
        for member in cohort.members
    ]


def _simulate_schedules(
    model: Model,
    schedules: Sequence[Schedule],
    cohort: Cohort,
    readout: str,
    statistic: str,
    weeks: float,
    *,
    jobs: int,
    scheduler: str | None,
) -> dict[str, tuple[list[float], str]]:
    """Every schedule on every member, in one batch: the values per member and the first
    error (empty when every run worked), by schedule key."""
    scenarios = [
        s
        for schedule in schedules
        for s in _schedule_scenarios(schedule, cohort, readout, statistic, weeks)
    ]
    outcomes = evaluate_scenarios(
        model, scenarios, jobs=jobs, scheduler=scheduler, progress=False, settings=SEARCH_SETTINGS
    )
    n = len(cohort)
    out = {}
    for i, schedule in enumerate(schedules):
        part = outcomes[i * n : (i + 1) * n]
        errors = [o.error for o in part if o.error]
        out[schedule.key()] = ([o.values[readout] for o in part], errors[0] if errors else "")
    return out


def rescore(
    model: Model,
    result: SearchResult,
    cohort: Cohort,
    *,
    count: int = 3,
    jobs: int = 1,
    scheduler: str | None = None,
) -> SearchResult:
    """The ``count`` best schedules of ``result`` scored again on another ``cohort`` (e.g. the
    members of an ensemble after a search on the tables' values): where the members disagree
    about the optimum, and how often the best stays ahead of the runner-up."""
    chosen = [c.schedule for c in result.distinct()[:count]]
    scores = _simulate_schedules(
        model,
        chosen,
        cohort,
        result.readout,
        result.statistic,
        result.weeks,
        jobs=jobs,
        scheduler=scheduler,
    )
    candidates = {}
    for rank, schedule in enumerate(chosen):
        values, error = scores[schedule.key()]
        array = np.array(values, dtype=float)
        score = _band(array, cohort.weights)[1] if not error else math.nan
        candidates[schedule.key()] = Candidate(schedule, array, score, rank, error)
    rest = _rest_values(
        model, cohort, result.readout, result.statistic, result.weeks, jobs, scheduler
    )
    return SearchResult(
        result.readout,
        result.statistic,
        result.budget_min_per_week,
        result.weeks,
        result.seed,
        result.protocols,
        result.slots,
        len(chosen),
        cohort,
        rest,
        candidates,
    )


def _read_checkpoint(path: Path, fingerprint: str) -> dict[str, tuple[list[float], str]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines:
        return {}
    try:
        header = json.loads(lines[0])
    except json.JSONDecodeError:
        raise SimulationError(f"{path}: not a checkpoint of this search") from None
    if header.get("fingerprint") != fingerprint:
        raise SimulationError(
            f"{path}: checkpoint of a different search (model, readout, cohort, budget or seed "
            "changed); delete it or run without --resume"
        )
    stored = {}
    for line in lines[1:]:
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            break  # the last line was cut short when the search was killed
        stored[record["key"]] = (record["values"], record["error"])
    return stored


def optimize_schedule(
    model: Model,
    cohort: Cohort,
    *,
    readout: str,
    statistic: str = "mean",
    budget_min_per_week: float = 150.0,
    weeks: float = 8.0,
    protocols: Sequence[str] = DEFAULT_SEARCH_PROTOCOLS,
    slots: int = 2,
    evaluations: int = DEFAULT_EVALUATIONS,
    seed: int = 0,
    jobs: int = 1,
    scheduler: str | None = None,
    checkpoint: str | Path | None = None,
    resume: bool = False,
    progress: bool = False,
) -> SearchResult:
    """Search weekly schedules for the highest weighted median of ``statistic`` of ``readout``
    over ``weeks`` on ``cohort``, within ``budget_min_per_week`` minutes of exercise and heat.

    Raises
    ------
    OptimizationError
        For a protocol the search space does not know, a budget smaller than one session of
        any protocol that takes time, weeks outside 1-52, fewer than 1 slot or too few
        evaluations for one generation.
    """
    unknown = [p for p in protocols if p not in SEARCH_SPACE]
    if unknown or not protocols:
        raise OptimizationError(
            f"unknown protocol(s) {', '.join(unknown) or '(none given)'} for the search; "
            f"valid: {', '.join(SEARCH_SPACE)}"
        )
    if not (math.isfinite(budget_min_per_week) and budget_min_per_week >= 0):
        raise OptimizationError(
            f"the budget must be a number of minutes a week >= 0; got {budget_min_per_week}"
        )
    timed = [SEARCH_SPACE[p] for p in protocols if SEARCH_SPACE[p].minutes_per_unit > 0]
    if timed and budget_min_per_week < min(space.least_minutes for space in timed):
        least = min(timed, key=lambda space: space.least_minutes)
        raise OptimizationError(
            f"a budget of {budget_min_per_week:g} min/week holds no session of "
            f"{', '.join(s.protocol for s in timed)}; the shortest is {least.protocol} at "
            f"{least.least_minutes:g} min"
        )
    if not (1 <= weeks <= MOST_WEEKS):
        raise OptimizationError(f"weeks must be between 1 and {MOST_WEEKS}; got {weeks:g}")
    if slots < 1:
        raise OptimizationError(f"a schedule needs at least 1 slot; got {slots}")
    bounds, whole = vector_bounds(slots, protocols)
    population = POPULATION_PER_DIMENSION * len(bounds)
    if evaluations < population:
        raise OptimizationError(
            f"{evaluations} evaluations do not fill one generation of {population} schedules; "
            f"ask for at least {population}"
        )
    if readout not in {s.id for s in model.species}:
        raise OptimizationError(f"unknown readout '{readout}'; expected a species ID")
    fingerprint = _fingerprint(
        model, cohort, readout, statistic, budget_min_per_week, weeks, protocols, slots, seed
    )
    bar = tqdm(
        total=evaluations,
        desc="schedules",
        unit="schedule",
        disable=not progress,
        dynamic_ncols=True,
    )
    scorer = _Scorer(
        model,
        cohort,
        protocols,
        readout,
        statistic,
        weeks,
        jobs=jobs,
        scheduler=scheduler,
        checkpoint=Path(checkpoint) if checkpoint is not None else None,
        resume=resume,
        bar=bar,
        fingerprint=fingerprint,
    )
    rest = _rest_values(model, cohort, readout, statistic, weeks, jobs, scheduler)
    try:
        differential_evolution(
            scorer.objective,
            bounds,
            # generations end when the evaluations asked for are spent (only schedules within
            # the constraints are simulated, so a generation holds fewer than `population`)
            maxiter=evaluations,
            callback=lambda *_: scorer.evaluations >= evaluations,
            popsize=POPULATION_PER_DIMENSION,
            rng=np.random.default_rng(seed),
            integrality=whole,
            updating="deferred",
            workers=scorer,
            polish=False,
            tol=0.0,
            constraints=NonlinearConstraint(
                lambda x: _limits(decode(x, protocols)),
                -np.inf,
                [budget_min_per_week, 1.0],
            ),
        )
    finally:
        bar.close()
        scorer.close()
    return SearchResult(
        readout,
        statistic,
        budget_min_per_week,
        weeks,
        seed,
        tuple(protocols),
        slots,
        scorer.evaluations,
        cohort,
        rest,
        scorer.candidates,
        scorer.convergence,
    )


def _limits(schedule: Schedule) -> list[float]:
    """What the constraints bound: minutes a week, and how much of the week a slot fills."""
    return [schedule.minutes_per_week, schedule.occupancy]


def _rest_values(
    model: Model,
    cohort: Cohort,
    readout: str,
    statistic: str,
    weeks: float,
    jobs: int,
    scheduler: str | None,
) -> np.ndarray:
    window = (0.0, weeks * 7 * 24 * 60.0)
    scenarios = [
        Scenario(
            Experiment((make_protocol("rest"),), subject=m.subject),
            (readout,),
            statistic,
            window,
            dict(m.parameters),
            resolution=(window[1] - window[0]) / (POINTS_PER_WEEK * weeks),
        )
        for m in cohort.members
    ]
    outcomes = evaluate_scenarios(
        model, scenarios, jobs=jobs, scheduler=scheduler, settings=SEARCH_SETTINGS
    )
    failed = [o.error for o in outcomes if o.error]
    if failed:
        raise SimulationError(f"the cohort at rest: {failed[0]}")
    return np.array([o.values[readout] for o in outcomes], dtype=float)


def _fingerprint(model: Model, cohort: Cohort, *settings: object) -> str:
    digest = hashlib.sha256(model_sbml(model).encode())
    digest.update(repr(settings).encode())
    for member in cohort.members:
        digest.update(repr((member.subject, member.parameters)).encode())
    return digest.hexdigest()
