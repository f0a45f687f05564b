"""The mechanisms an optimum rests on: which signed paths carry a schedule's effect.

An optimum is the model's, and only as good as the paths it runs through. For a schedule, this
blocks in turn every edge on a signed path from an input the schedule drives to the readout,
and measures how much of the schedule's effect (the statistic's change from rest) is lost. An
edge carries the effect when blocking it removes more than :data:`CARRIES` of it; a path
carries it when all its edges do, as strongly as its weakest edge.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mbaxis.analysis.defaults import SUPRAMAXIMAL, WORK_RATE
from mbaxis.analysis.evaluation import evaluate_scenarios
from mbaxis.analysis.optimization.schedules import Schedule
from mbaxis.analysis.perturbations import Perturbation
from mbaxis.analysis.protocols import make_protocol
from mbaxis.analysis.scenarios import Experiment, Scenario
from mbaxis.analysis.simulation import SimulatorSettings
from mbaxis.analysis.subjects import REFERENCE_SUBJECT, Subject
from mbaxis.network import Model, signed_paths, to_digraph
from mbaxis.network.naming import EdgeId

__all__ = ["CARRIES", "CarryingPath", "carrying_paths"]

#: The share of the effect an edge's block must remove for the edge to carry it.
CARRIES = 0.05
#: Longest path (edges) followed from an input to the readout.
PATH_CUTOFF = 10


@dataclass(frozen=True)
class CarryingPath:
    """A signed path and the smallest share of the effect that blocking one of its edges
    removes."""

    nodes: tuple[str, ...]
    sign: int
    share: float

    def to_json(self) -> dict[str, Any]:
        return {"nodes": list(self.nodes), "sign": self.sign, "share": self.share}


def carrying_paths(
    model: Model,
    schedule: Schedule,
    readout: str,
    statistic: str,
    weeks: float,
    *,
    subject: Subject = REFERENCE_SUBJECT,
    jobs: int = 1,
    settings: SimulatorSettings | None = None,
) -> tuple[list[CarryingPath], dict[str, float]]:
    """The paths that carry ``schedule``'s effect on ``readout`` in ``subject`` (the tables'
    parameters), strongest first, and each tested edge's share of the effect (1 - the effect
    with the edge blocked / the effect; above 1 when the block reverses it)."""
    graph = to_digraph(model)
    protocols = schedule.protocols(weeks)
    inputs = {name for p in protocols for interval in p.intervals() for name in interval.inputs}
    if WORK_RATE in inputs:
        inputs.add(SUPRAMAXIMAL)
    paths = [
        path
        for source in sorted(inputs & set(graph.nodes))
        for path in signed_paths(graph, source, readout, cutoff=PATH_CUTOFF)
    ]
    edges = sorted(
        {EdgeId(a, b) for p in paths for a, b in zip(p.nodes, p.nodes[1:], strict=False)}
    )
    window = schedule.window(weeks)
    resolution = (window[1] - window[0]) / (7 * 24 * weeks)

    def scenario(experiment: Experiment) -> Scenario:
        return Scenario(experiment, (readout,), statistic, window, resolution=resolution)

    rest = (make_protocol("rest"),)
    blocks: list[tuple[Perturbation, ...]] = [
        (),
        *((Perturbation("inhibit", e, 1.0),) for e in edges),
    ]
    scenarios = [
        scenario(Experiment(what, block, subject=subject))
        for block in blocks
        for what in (rest, protocols)
    ]
    outcomes = evaluate_scenarios(model, scenarios, jobs=jobs, settings=settings)
    values = [o.values[readout] if o.error is None else float("nan") for o in outcomes]
    # a block may move the resting state too (an edge that carries resting tone): the effect
    # under a block is measured from the blocked model's own rest
    effects = [values[i + 1] - values[i] for i in range(0, len(values), 2)]
    effect = effects[0]
    shares: dict[str, float] = {}
    for edge, blocked in zip(edges, effects[1:], strict=True):
        shares[str(edge)] = 1.0 - blocked / effect if effect and blocked == blocked else 0.0
    carrying = []
    for path in paths:
        links = [
            shares[str(EdgeId(a, b))] for a, b in zip(path.nodes, path.nodes[1:], strict=False)
        ]
        weakest = min(links)
        if weakest > CARRIES:
            carrying.append(CarryingPath(path.nodes, path.sign, weakest))
    carrying.sort(key=lambda p: (-p.share, len(p.nodes), p.nodes))
    return carrying, shares
