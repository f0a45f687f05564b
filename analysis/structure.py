"""Knock-out predictions from structure alone: the signed graph and the logical model.

- **Graph**: knocking out X changes Y in the direction opposite to the sign of the paths
  from X to Y (all paths +: decrease; all -: increase; both: ``ambiguous``; none:
  ``no_change``). Blocking an edge A -> B acts through the paths that use that edge.
- **Logical model**: the multi-valued logical model read off the rate laws
  (:mod:`network.logical`; exported as SBML-qual by :mod:`sbml.qual`). From rest, with the
  protocol's inputs switched on, the model settles into a stable state; the call compares the
  readout's level in that state with and without the knock-out (or blocked edge). The states
  are computed here or by AEON from the SBML-qual (:mod:`analysis.logical_states`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol as _Interface

import networkx as nx
import pandas as pd

from mbaxis.analysis.knockout import records
from mbaxis.analysis.perturbations import Perturbation
from mbaxis.analysis.protocols import Protocol
from mbaxis.network import (
    EdgeId,
    IdentifierError,
    Model,
    logical_model,
    signed_paths,
    to_digraph,
)

__all__ = [
    "active_inputs",
    "agreement",
    "concordance",
    "graph_prediction",
    "logical_engine",
    "logical_prediction",
]


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


class _Levels(_Interface):
    """Anything that gives the stable levels of the logical model under an experiment."""

    def stable_levels(
        self,
        active_inputs: Iterable[str] = (),
        knocked_out: Iterable[str] = (),
        blocked: Iterable[str] = (),
    ) -> dict[str, int]: ...


def logical_engine(model: Model, engine: str = "python") -> _Levels:
    """The logical model of ``model``, evaluated here (``python``) or by AEON (``aeon``)."""
    if engine == "python":
        return logical_model(model)
    if engine == "aeon":
        from mbaxis.analysis.logical_states import LogicalStates

        return LogicalStates(model)
    raise ValueError(f"unknown logical engine '{engine}'; expected 'python' or 'aeon'")


def active_inputs(protocol: Protocol) -> set[str]:
    """The inputs ``protocol`` switches on at some time."""
    return {name for i in protocol.intervals() for name, v in i.inputs.items() if v > 0}


def logical_prediction(
    model: Model,
    levels: _Levels,
    protocol: Protocol,
    perturbation: Perturbation,
    readout: str,
    control: dict[str, int] | None = None,
) -> str:
    """The call the logical model predicts for ``readout`` under ``protocol``.

    The readout's stable level with the knock-out (or blocked edge) against the control's,
    both reached from rest with the protocol's inputs on.
    """
    active = active_inputs(protocol)
    control = control if control is not None else levels.stable_levels(active)
    perturbed = _perturbed_levels(model, levels, active, perturbation)
    return _logical_call(control[readout], perturbed[readout])


def _perturbed_levels(
    model: Model, levels: _Levels, active: set[str], perturbation: Perturbation
) -> dict[str, int]:
    target = perturbation.target
    if isinstance(target, EdgeId):
        edge = model.get_interaction(target.source, target.target).id
        return levels.stable_levels(active, blocked=[edge])
    return levels.stable_levels(active, knocked_out=[target])


def _logical_call(control: int, perturbed: int) -> str:
    if perturbed > control:
        return "increase"
    if perturbed < control:
        return "decrease"
    return "no_change"


def concordance(
    model: Model, scan: pd.DataFrame, protocol: Protocol, engine: str = "python"
) -> pd.DataFrame:
    """ODE, graph and logical calls side by side for every single knock-out of ``scan``.

    Columns: ``perturbation``, ``readout``, ``ode``, ``graph``, ``logical``,
    ``graph_agrees``, ``logical_agrees``, and ``paths`` (the signed paths that explain the
    graph's call, for reading disagreements). ``engine`` computes the logical model's stable
    states here (``python``) or with AEON (``aeon``); both give the same states (tested).
    """
    graph = to_digraph(model)
    levels = logical_engine(model, engine)
    active = active_inputs(protocol)
    control = levels.stable_levels(active)
    perturbed: dict[str, dict[str, int]] = {}  # one stable state per knock-out, all readouts
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
        if label not in perturbed:
            perturbed[label] = _perturbed_levels(model, levels, active, perturbation)
        predicted_logic = _logical_call(control[readout], perturbed[label][readout])
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
    """Fraction of rows where each structural prediction matches the ODE call.

    Rows whose ODE run failed (call ``error``) have no call to agree with and are left out.
    """
    called = table[table["ode"] != "error"]
    return {
        c: float(called[f"{c}_agrees"].mean()) if len(called) else float("nan") for c in columns
    }
