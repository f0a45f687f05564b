"""The exported files: committed and fresh, clean under libsbml, annotated, and round-tripping."""

from __future__ import annotations

import io
from pathlib import Path

import libsbml
import networkx as nx
import pytest

from mbaxis.cli import main
from mbaxis.network import LEVELS, Model
from mbaxis.sbml import (
    COMMITTED_FILES,
    FORMATS,
    bit_id,
    build_models,
    models_folder,
    read_sbml,
    read_sbml_string,
    validate_document,
    write_sbml,
)


def _committed(kind: str) -> Path:
    return models_folder() / COMMITTED_FILES[kind]


def test_committed_files_are_fresh(tmp_path: Path) -> None:
    """Fails when the tables changed and ``python -m mbaxis.sbml build`` was not rerun."""
    for path in build_models(folder=tmp_path):
        committed = models_folder() / path.name
        assert committed.read_bytes() == path.read_bytes(), (
            f"{committed} is stale: run `python -m mbaxis.sbml build`"
        )


@pytest.mark.parametrize("kind", ["sbml", "qual", "qual-boolean"])
def test_committed_sbml_has_no_errors_and_no_warnings(kind: str) -> None:
    document = libsbml.readSBMLFromFile(str(_committed(kind)))
    assert document.getNumErrors() == 0
    issues = validate_document(document)  # all categories, units included
    assert issues == [], "\n".join(str(issue) for issue in issues[:10])


def test_every_species_has_miriam_identity_and_sbo() -> None:
    document = libsbml.readSBMLFromFile(str(_committed("sbml")))
    species = list(document.getModel().getListOfSpecies())
    assert len(species) >= 35
    for item in species:
        assert item.isSetSBOTerm(), item.getId()
        terms = [item.getCVTerm(i) for i in range(item.getNumCVTerms())]
        assert any(
            t.getQualifierType() == libsbml.BIOLOGICAL_QUALIFIER
            and t.getBiologicalQualifierType() == libsbml.BQB_IS
            and t.getResources().getValue(0).startswith("https://identifiers.org/")
            for t in terms
        ), item.getId()


def test_every_regulated_reaction_carries_its_references(model: Model) -> None:
    document = libsbml.readSBMLFromFile(str(_committed("sbml")))
    regulated = 0
    for reaction in document.getModel().getListOfReactions():
        assert reaction.isSetSBOTerm(), reaction.getId()
        if reaction.getKineticLaw() is None:
            continue
        if reaction.getNumModifiers() == 0 and not reaction.isSetNotes():
            continue
        regulated += 1
        uris = [
            reaction.getCVTerm(i).getResources().getValue(j)
            for i in range(reaction.getNumCVTerms())
            if reaction.getCVTerm(i).getModelQualifierType() == libsbml.BQM_IS_DESCRIBED_BY
            for j in range(reaction.getCVTerm(i).getResources().getLength())
        ]
        assert uris, reaction.getId()
        for modifier in reaction.getListOfModifiers():
            assert modifier.getSBOTermID() in ("SBO:0000459", "SBO:0000020"), reaction.getId()
    assert regulated >= len(model.states) // 2


def test_inputs_are_named_parameters_ready_for_protocols(model: Model) -> None:
    document = libsbml.readSBMLFromFile(str(_committed("sbml")))  # keep: owns the model
    sbml_model = document.getModel()
    for item in model.inputs:
        parameter = sbml_model.getParameter(item.id)
        assert parameter is not None and not parameter.getConstant(), item.id
        assert parameter.getValue() == 0.0
        assert parameter.getName() == item.name


def test_round_trip_is_byte_identical(model: Model) -> None:
    text = _committed("sbml").read_text(encoding="utf-8")
    again = read_sbml(_committed("sbml"))
    assert again == model
    assert write_sbml(again) == text


def test_export_command_writes_the_committed_bytes(tmp_path: Path) -> None:
    for kind in FORMATS:
        target = tmp_path / f"x.{kind}"
        assert main(["export", kind, "--out", str(target)]) == 0
        assert target.read_bytes() == _committed(kind).read_bytes(), kind


def test_graphml_loads_in_networkx_with_the_same_graph(model: Model) -> None:
    graph = nx.read_graphml(io.BytesIO(_committed("graphml").read_bytes()))
    assert graph.number_of_nodes() == len(model.species)
    assert graph.number_of_edges() == len(model.interactions)
    assert graph.edges["plasma__cortisol", "brain__BDNF_mRNA"]["sign"] == -1
    assert graph.edges["plasma__lactate", "brain__lactate"]["ec50"] == pytest.approx(3.5)


def test_antimony_text_loads_back(model: Model) -> None:
    import antimony

    antimony.clearPreviousLoads()
    assert antimony.loadAntimonyString(_committed("antimony").read_text()) >= 0
    sbml_text = antimony.getSBMLString(antimony.getMainModuleName())
    document = libsbml.readSBMLFromString(sbml_text)
    assert document.getModel().getNumSpecies() == len(model.states)
    committed = libsbml.readSBMLFromFile(str(_committed("sbml")))
    assert document.getModel().getNumReactions() == committed.getModel().getNumReactions()


def test_qual_is_multi_valued_with_transitions_that_read_at_most_two_species(
    model: Model,
) -> None:
    document = libsbml.readSBMLFromFile(str(_committed("qual")))  # keep: owns the plugin
    plugin = document.getModel().getPlugin("qual")
    levels = {s.getId(): s.getMaxLevel() for s in plugin.getListOfQualitativeSpecies()}
    for row in model.species:
        assert levels[row.id] == (1 if row.kind == "input" else 2 * LEVELS), row.id
    regulated = {edge.target for edge in model.interactions}
    outputs = {t.getOutput(0).getQualitativeSpecies() for t in plugin.getListOfTransitions()}
    assert regulated <= outputs
    assert outputs - regulated == {s for s in levels if "__sum" in s}  # only partial sums
    for transition in plugin.getListOfTransitions():
        assert 1 <= transition.getNumInputs() <= 2, transition.getId()


def test_boolean_qual_encodes_every_level_as_a_bit(model: Model) -> None:
    multi = libsbml.readSBMLFromFile(str(_committed("qual")))  # keep: owns the plugin
    boolean = libsbml.readSBMLFromFile(str(_committed("qual-boolean")))
    levels = {
        s.getId(): s.getMaxLevel()
        for s in multi.getModel().getPlugin("qual").getListOfQualitativeSpecies()
    }
    bits = {s.getId() for s in boolean.getModel().getPlugin("qual").getListOfQualitativeSpecies()}
    expected = {
        species if top == 1 else bit_id(species, level)
        for species, top in levels.items()
        for level in range(1, top + 1)
    }
    assert bits == expected


def test_reading_back_a_model_read_from_sbml_string_equals_the_tables(model: Model) -> None:
    assert read_sbml_string(write_sbml(model)) == model
