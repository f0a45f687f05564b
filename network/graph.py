"""The model as a signed, directed networkx graph, and the questions asked of its structure.

The graph is the single source of truth downstream: nodes carry every column of
``species.tsv``, edges every column of ``interactions.tsv`` plus their parameters, and the
graph attributes carry the manifest. :func:`to_digraph` and :func:`from_digraph` are inverse.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import networkx as nx

from mbaxis.network.errors import UnknownSpeciesError
from mbaxis.network.model import Compartment, Model
from mbaxis.network.schema import LAWS, InteractionRow, ParameterRow, SpeciesRow

__all__ = [
    "FeedbackLoop",
    "SignedPath",
    "feedback_loops",
    "from_digraph",
    "signed_paths",
    "to_digraph",
]


@dataclass(frozen=True)
class SignedPath:
    """A simple path through the graph and the product of its edge signs."""

    nodes: tuple[str, ...]
    sign: int

    def __str__(self) -> str:
        return f"{'+' if self.sign > 0 else '-'}: " + " -> ".join(self.nodes)


@dataclass(frozen=True)
class FeedbackLoop:
    """A directed cycle (first node not repeated) and its sign: +1 reinforcing, -1 balancing."""

    nodes: tuple[str, ...]
    sign: int

    def __str__(self) -> str:
        kind = "positive" if self.sign > 0 else "negative"
        return f"{kind}: " + " -> ".join((*self.nodes, self.nodes[0]))


def to_digraph(model: Model) -> nx.DiGraph:
    """Return the model as a :class:`networkx.DiGraph` with all attributes.

    Node attributes are the species columns; edge attributes are the interaction columns
    (``sign`` as +1/-1) plus ``parameters``, a dict of the edge's parameter rows.

    Examples
    --------
    >>> from mbaxis.network import load_model
    >>> graph = to_digraph(load_model())
    >>> graph.edges["plasma__cortisol", "brain__BDNF_mRNA"]["sign"]
    -1
    """
    graph = nx.DiGraph(
        name=model.name,
        version=model.version,
        description=model.description,
        compartments={c.id: c for c in model.compartments},
        source=model.source,
        # networkx orders edges by node adjacency; this keeps the table order for from_digraph
        interaction_order=[edge.id for edge in model.interactions],
        subject_changes=list(model.subject_changes),
        taxa=list(model.taxa),
        processes=list(model.processes),
    )
    for item in model.species:
        graph.add_node(item.id, **item.model_dump())
    parameters: dict[str, dict[str, ParameterRow]] = {}
    for parameter in model.parameters:
        parameters.setdefault(parameter.interaction, {})[parameter.parameter] = parameter
    for edge in model.interactions:
        attributes = edge.model_dump()
        attributes.pop("source")
        attributes.pop("target")
        graph.add_edge(
            edge.source,
            edge.target,
            **attributes,
            law=edge.law,
            parameters=parameters.get(edge.id, {}),
        )
    return graph


def from_digraph(graph: nx.DiGraph) -> Model:
    """Rebuild a :class:`~network.model.Model` from a graph made by :func:`to_digraph`.

    Examples
    --------
    >>> from mbaxis.network import load_model
    >>> model = load_model()
    >>> from_digraph(to_digraph(model)) == model
    True
    """
    species = tuple(
        SpeciesRow.model_validate({k: v for k, v in data.items() if k in SpeciesRow.model_fields})
        for _, data in graph.nodes(data=True)
    )
    interactions = []
    parameters: list[ParameterRow] = []
    for source, target, data in graph.edges(data=True):
        fields = {k: v for k, v in data.items() if k in InteractionRow.model_fields}
        interactions.append(
            InteractionRow.model_validate({**fields, "source": source, "target": target})
        )
        parameters.extend(data.get("parameters", {}).values())
    compartments: dict[str, Compartment] = graph.graph.get("compartments", {})
    table_order = {i: n for n, i in enumerate(graph.graph.get("interaction_order", []))}
    interactions.sort(key=lambda row: table_order.get(row.id, len(table_order)))
    order = {row.id: index for index, row in enumerate(interactions)}
    names = {row.id: LAWS[row.law] for row in interactions}  # each edge's, in its law's order
    parameters.sort(
        key=lambda p: (
            order[p.interaction],
            names[p.interaction].index(p.parameter)
            if p.parameter in names[p.interaction]
            else len(names[p.interaction]),
        )
    )
    return Model(
        name=graph.graph.get("name", "mbaxis"),
        version=graph.graph.get("version", "0"),
        description=graph.graph.get("description", ""),
        compartments=tuple(compartments.values()),
        species=species,
        interactions=tuple(interactions),
        parameters=tuple(parameters),
        subject_changes=tuple(graph.graph.get("subject_changes", ())),
        taxa=tuple(graph.graph.get("taxa", ())),
        processes=tuple(graph.graph.get("processes", ())),
        source=graph.graph.get("source", "graph"),
    )


def signed_paths(
    graph: nx.DiGraph, source: str, target: str, *, cutoff: int | None = None
) -> list[SignedPath]:
    """Every simple path from ``source`` to ``target``, with the sign it predicts.

    The sign of a path is the product of its edge signs: +1 means that raising ``source``
    raises ``target`` along that path. Paths come shortest first, then alphabetically.

    Parameters
    ----------
    graph : networkx.DiGraph
        A graph from :func:`to_digraph` (edges carry ``sign``).
    source, target : str
        Node IDs.
    cutoff : int, optional
        Longest path length (in edges) to consider.

    Raises
    ------
    UnknownSpeciesError
        If either node is not in the graph.

    Examples
    --------
    >>> from mbaxis.network import load_model
    >>> graph = to_digraph(load_model())
    >>> [str(p) for p in signed_paths(graph, "plasma__BHB", "brain__BDNF_mRNA")]
    ['+: plasma__BHB -> brain__HDAC -> brain__BDNF_mRNA']
    """
    for node in (source, target):
        if node not in graph:
            raise UnknownSpeciesError(f"signed_paths: node '{node}' is not in the graph")
    paths = [
        SignedPath(tuple(path), _path_sign(graph, path))
        for path in nx.all_simple_paths(graph, source, target, cutoff=cutoff)
    ]
    return sorted(paths, key=lambda p: (len(p.nodes), p.nodes))


def feedback_loops(graph: nx.DiGraph) -> list[FeedbackLoop]:
    """Every directed cycle of the graph with its sign (+1 reinforcing, -1 balancing).

    Examples
    --------
    >>> from mbaxis.network import load_model
    >>> loops = feedback_loops(to_digraph(load_model()))
    >>> any(set(loop.nodes) == {"plasma__IL6", "plasma__OCN"} for loop in loops)
    True
    """
    loops = []
    for cycle in nx.simple_cycles(graph):
        start = cycle.index(min(cycle))
        nodes = (*cycle[start:], *cycle[:start])
        loops.append(FeedbackLoop(tuple(nodes), _path_sign(graph, [*nodes, nodes[0]])))
    return sorted(loops, key=lambda loop: (len(loop.nodes), loop.nodes))


def _path_sign(graph: nx.DiGraph, path: list[str] | tuple[str, ...]) -> int:
    sign = 1
    for a, b in pairwise(path):
        sign *= int(graph.edges[a, b]["sign"])
    return sign
