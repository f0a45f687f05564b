"""The bundled model holds the contract (CONTRACT sections 1 and 2) and its evidence."""

from __future__ import annotations

import networkx as nx
import pytest

from mbaxis.network import Model, signed_paths, to_digraph
from mbaxis.network.schema import REFERENCE_PATTERN
from mbaxis.network.units import parse_unit
from tests.contract import CONTRACT_EDGES, CONTRACT_SPECIES, REQUIRED_COMPARTMENTS


@pytest.mark.parametrize("species_id", sorted(CONTRACT_SPECIES))
def test_contract_species_present_in_their_units(model: Model, species_id: str) -> None:
    assert model.get_species(species_id).unit in CONTRACT_SPECIES[species_id]


@pytest.mark.parametrize(("source", "target"), sorted(CONTRACT_EDGES))
def test_contract_edges_present_with_their_signs(model: Model, source: str, target: str) -> None:
    assert model.get_interaction(source, target).sign == CONTRACT_EDGES[(source, target)]


def test_at_least_35_species_in_the_five_compartments(model: Model) -> None:
    compartments = {s.compartment for s in model.species}
    assert set(REQUIRED_COMPARTMENTS) <= compartments
    in_required = [s for s in model.species if s.compartment in REQUIRED_COMPARTMENTS]
    assert len(in_required) >= 35
    for compartment in REQUIRED_COMPARTMENTS:
        assert any(s.compartment == compartment and s.kind != "input" for s in model.species), (
            compartment
        )


def test_every_edge_has_a_well_formed_reference(model: Model) -> None:
    for edge in model.interactions:
        assert edge.references, edge.id
        assert all(REFERENCE_PATTERN.match(r) for r in edge.references), edge.id
        assert edge.evidence and edge.organism, edge.id


def test_every_state_has_a_sourced_half_life_and_resting_level(model: Model) -> None:
    for item in model.states:
        # a drug is absent until it is given; everything else has a measured resting level
        if item.kind == "drug":
            assert item.resting_level == 0, item.id
        else:
            assert item.resting_level > 0 and item.resting_source, item.id
        assert item.half_life and item.half_life > 0 and item.half_life_source, item.id
        assert parse_unit(item.half_life_unit or "").dimension == "time"


def test_every_parameter_has_a_unit_and_a_source_or_says_assumed(model: Model) -> None:
    for parameter in model.parameters:
        parse_unit(parameter.unit)
        assert parameter.source.strip(), parameter.id


def test_every_input_reaches_bdnf_mrna_by_a_signed_path(model: Model) -> None:
    graph = to_digraph(model)
    for item in model.inputs:
        paths = signed_paths(graph, item.id, "brain__BDNF_mRNA")
        assert paths, item.id
        assert all(p.sign in (1, -1) for p in paths)


def test_graph_is_weakly_connected(model: Model) -> None:
    assert nx.is_weakly_connected(to_digraph(model))
