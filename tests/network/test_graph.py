"""The graph view: attributes, the inverse conversion, signed paths and feedback loops."""

from __future__ import annotations

import networkx as nx
import pytest

from mbaxis.network import (
    Model,
    UnknownSpeciesError,
    feedback_loops,
    from_digraph,
    signed_paths,
    to_digraph,
)


def test_to_digraph_carries_every_table(model: Model) -> None:
    graph = to_digraph(model)
    assert graph.number_of_nodes() == len(model.species)
    assert graph.number_of_edges() == len(model.interactions)
    edge = graph.edges["plasma__lactate", "brain__lactate"]
    assert edge["mechanism"] == "transport"
    assert set(edge["parameters"]) == {"emax", "ec50", "hill"}
    assert graph.nodes["plasma__IL6"]["unit"] == "pg/mL"


def test_from_digraph_inverts_to_digraph(model: Model) -> None:
    assert from_digraph(to_digraph(model)) == model


def test_signed_paths_multiply_edge_signs() -> None:
    graph = nx.DiGraph()
    graph.add_edge("a", "b", sign=1)
    graph.add_edge("b", "d", sign=-1)
    graph.add_edge("a", "c", sign=-1)
    graph.add_edge("c", "d", sign=-1)
    graph.add_edge("a", "d", sign=1)
    paths = signed_paths(graph, "a", "d")
    assert [(p.nodes, p.sign) for p in paths] == [
        (("a", "d"), 1),
        (("a", "b", "d"), -1),
        (("a", "c", "d"), 1),
    ]


def test_cortisol_lowers_bdnf_and_ketones_raise_it(model: Model) -> None:
    graph = to_digraph(model)
    assert {p.sign for p in signed_paths(graph, "plasma__cortisol", "brain__BDNF_mRNA")} == {-1}
    assert {p.sign for p in signed_paths(graph, "plasma__BHB", "brain__BDNF_mRNA")} == {1}


def test_signed_paths_reject_unknown_nodes(model: Model) -> None:
    with pytest.raises(UnknownSpeciesError, match="node 'brain__BDNF' is not in the graph"):
        signed_paths(to_digraph(model), "muscle__work_rate", "brain__BDNF")


def test_feedback_loops_and_their_signs(model: Model) -> None:
    loops = {frozenset(loop.nodes): loop.sign for loop in feedback_loops(to_digraph(model))}
    assert loops[frozenset({"plasma__ACTH", "plasma__cortisol"})] == -1
    assert loops[frozenset({"plasma__IL6", "plasma__OCN"})] == 1
    creb_loop = frozenset(
        {"brain__pCREB", "brain__BDNF_mRNA", "brain__proBDNF", "brain__mBDNF", "brain__pTrkB"}
    )
    assert loops[creb_loop] == 1
