"""Knock-out predictions from structure alone: the signed graph and the logical model.

- **Graph**: knocking out X changes Y in the direction opposite to the sign of the paths
  from X to Y (all paths +: decrease; all -: increase; both: ``ambiguous``; none:
  ``no_change``). Blocking an edge A -> B acts through the paths that use that edge.
- **Logical model**: the SBML-qual reading of the same graph (:mod:`sbml.qual`): a node is
  active when any activator is active and no inhibitor is. Levels are updated synchronously
  from all-inactive, first with every input off (rest) and then with the protocol's inputs
  on, until a fixed point or a cycle; a node's level is its mean over the cycle. The call
  compares the readout's level with and without the knock-out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import networkx as nx
import pandas as pd

from mbaxis.analysis.knockout import records
from mbaxis.analysis.perturbations import Perturbation
from mbaxis.analysis.protocols import Protocol
from mbaxis.network import EdgeId, IdentifierError, Model, signed_paths, to_digraph

__all__ = ["agreement", "concordance", "graph_prediction", "logical_levels", "logical_prediction"]


def _removed(graph: nx.DiGraph, perturbation: Perturbation) -> tuple[str, int, str | None]:
    """The node whose output vanishes, the sign of the vanishing signal, and a required edge."""
    edge = perturbation.target
    if isinstance(edge, EdgeId):
        return edge.target, -int(graph.edges[edge.source, edge.target]["sign"]), edge.source
    return edge, -1, None


def _knockout_of(label: str) -> Perturbation:
    """The single knock-out a scan row names: an edge ``A -> B`` blocked, or a node removed."""
    try:
        return Perturbation("inhibit", EdgeId.parse(label), 1.0)
    except IdentifierError:
        return Perturbation("knockout", label)


def graph_prediction(graph: nx.DiGraph, perturbation: Perturbation, readout: str) -> str:
    """The call the signed paths predict for ``readout`` after ``perturbation``."""
    node, sign, via = _removed(graph, perturbation)
    if node == readout:
        return "decrease" if sign < 0 else "increase"
    paths = signed_paths(graph, node, readout, cutoff=12)
    if via is not None:
        paths = [p for p in paths if via not in p.nodes]
    if not paths:
        return "no_change"
    effects = {sign * p.sign for p in paths}
    if effects == {1}:
        return "increase"
    if effects == {-1}:
        return "decrease"
    return "ambiguous"


def logical_levels(
    graph: nx.DiGraph,
    active_inputs: Iterable[str],
    knocked_out: Iterable[str] = (),
    blocked_edges: Iterable[tuple[str, str]] = (),
    max_steps: int = 200,
) -> dict[str, float]:
    """Stable levels (0 to 1; cycle means) of every node under the logical rule."""
    knocked = set(knocked_out)
    blocked = set(blocked_edges)
    inputs = {n for n, kind in graph.nodes(data="kind") if kind == "input"}
    regulators = {
        node: [
            (s, int(graph.edges[s, node]["sign"]))
            for s in graph.predecessors(node)
            if (s, node) not in blocked
        ]
        for node in graph.nodes
    }

    def step(state: dict[str, int]) -> dict[str, int]:
        new = {}
        for node in graph.nodes:
            if node in knocked:
                new[node] = 0
            elif node in inputs or not regulators[node]:
                new[node] = state[node]
            else:
                activators = [s for s, sign in regulators[node] if sign > 0]
                inhibitors = [s for s, sign in regulators[node] if sign < 0]
                on = any(state[s] for s in activators) if activators else True
                new[node] = int(on and not any(state[s] for s in inhibitors))
        return new

    def settle(state: dict[str, int]) -> list[dict[str, int]]:
        seen: list[dict[str, int]] = []
        for _ in range(max_steps):
            if state in seen:
                return seen[seen.index(state) :]
            seen.append(state)
            state = step(state)
        return [state]

    state = dict.fromkeys(graph.nodes, 0)
    rest = settle(state)[-1]
    stimulated = {**rest, **{n: int(n in set(active_inputs)) for n in inputs}}
    cycle = settle(stimulated)
    return {node: sum(s[node] for s in cycle) / len(cycle) for node in graph.nodes}


def logical_prediction(
    graph: nx.DiGraph, protocol: Protocol, perturbation: Perturbation, readout: str
) -> str:
    """The call the logical model predicts for ``readout`` under ``protocol``."""
    active = {name for i in protocol.intervals() for name, v in i.inputs.items() if v > 0}
    control = logical_levels(graph, active)
    edge = perturbation.target
    if isinstance(edge, EdgeId):
        perturbed = logical_levels(graph, active, blocked_edges=[(edge.source, edge.target)])
    else:
        perturbed = logical_levels(graph, active, knocked_out=[edge])
    if perturbed[readout] > control[readout]:
        return "increase"
    if perturbed[readout] < control[readout]:
        return "decrease"
    return "no_change"


def concordance(model: Model, scan: pd.DataFrame, protocol: Protocol) -> pd.DataFrame:
    """ODE, graph and logical calls side by side for every single knock-out of ``scan``.

    Columns: ``perturbation``, ``readout``, ``ode``, ``graph``, ``logical``,
    ``graph_agrees``, ``logical_agrees``, and ``paths`` (the signed paths that explain the
    graph's call, for reading disagreements).
    """
    graph = to_digraph(model)
    rows = []
    for row in records(scan[scan["perturbations"].map(len) == 1]):
        label, readout, call = str(row["perturbations"][0]), str(row["readout"]), row["call"]
        perturbation = _knockout_of(label)
        node, _, via = _removed(graph, perturbation)
        paths = (
            [
                p
                for p in signed_paths(graph, node, readout, cutoff=12)
                if via is None or via not in p.nodes
            ]
            if node != readout
            else []
        )
        predicted_graph = graph_prediction(graph, perturbation, readout)
        predicted_logic = logical_prediction(graph, protocol, perturbation, readout)
        rows.append(
            {
                "perturbation": label,
                "readout": readout,
                "ode": call,
                "graph": predicted_graph,
                "logical": predicted_logic,
                "graph_agrees": predicted_graph == call,
                "logical_agrees": predicted_logic == call,
                "paths": "; ".join(str(p) for p in paths[:5]),
            }
        )
    return pd.DataFrame(rows)


def agreement(
    table: pd.DataFrame, columns: Sequence[str] = ("graph", "logical")
) -> dict[str, float]:
    """Fraction of rows where each structural prediction matches the ODE call."""
    return {c: float(table[f"{c}_agrees"].mean()) if len(table) else float("nan") for c in columns}
