"""The BioModels curation checks that run offline, on the committed ``mbaxis.xml``.

Valid and unit-consistent (libsbml, every category: ``test_export``), annotated (the model: creator,
dates, taxon, GO processes, SBO term, a description; every species, reaction, parameter, rule
and compartment: an SBO term; every species its identity; every regulated reaction its papers),
and the archive reproduces the report's figures (the time courses of ``mbaxis simulate`` within
1e-6 in tellurium: ``tests/analysis/test_archive.py``; here, that it plots what the report plots).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import libsbml
import pytest

from mbaxis.analysis.archive import ARCHIVE_READOUTS
from mbaxis.analysis.defaults import DEFAULT_READOUTS, PLOT_READOUTS
from mbaxis.network import Model
from mbaxis.sbml import COMMITTED_FILES, models_folder, validate_document
from mbaxis.sbml.annotations import reference_to_uri

IDENTIFIERS = "https://identifiers.org/"


@pytest.fixture(scope="module")
def document() -> Iterator[libsbml.SBMLDocument]:
    yield libsbml.readSBMLFromFile(str(models_folder() / COMMITTED_FILES["sbml"]))


def _resources(item: libsbml.SBase, qualifier: int, biological: bool = True) -> list[str]:
    found = []
    for i in range(item.getNumCVTerms()):
        term = item.getCVTerm(i)
        kind = libsbml.BIOLOGICAL_QUALIFIER if biological else libsbml.MODEL_QUALIFIER
        if term.getQualifierType() != kind:
            continue
        actual = term.getBiologicalQualifierType() if biological else term.getModelQualifierType()
        if actual == qualifier:
            found += [term.getResources().getValue(j) for j in range(term.getNumResources())]
    return found


def test_the_model_is_valid_with_every_check_on(document: libsbml.SBMLDocument) -> None:
    assert document.getNumErrors() == 0
    assert validate_document(document) == []  # units, SBO and modelling practice included


def test_the_model_element_is_annotated(document: libsbml.SBMLDocument, model: Model) -> None:
    sbml_model = document.getModel()
    history = sbml_model.getModelHistory()
    assert history.getNumCreators() >= 1
    assert history.isSetCreatedDate() and history.getNumModifiedDates() >= 1
    assert sbml_model.getSBOTermID() == "SBO:0000293"  # non-spatial continuous framework
    taxa = _resources(sbml_model, libsbml.BQB_HAS_TAXON)
    assert f"{IDENTIFIERS}taxonomy:9606" in taxa
    processes = _resources(sbml_model, libsbml.BQB_IS_VERSION_OF)
    assert processes and all(re.fullmatch(rf"{IDENTIFIERS}GO:\d{{7}}", p) for p in processes)
    assert len(processes) == len(model.processes)
    notes = sbml_model.getNotesString()
    assert notes.count("<p>") >= 3 and "Licence" in notes


def test_every_element_has_an_sbo_term(document: libsbml.SBMLDocument) -> None:
    sbml_model = document.getModel()
    for listing in (
        sbml_model.getListOfCompartments(),
        sbml_model.getListOfSpecies(),
        sbml_model.getListOfParameters(),
        sbml_model.getListOfReactions(),
        sbml_model.getListOfRules(),
    ):
        missing = [
            item.getId() or item.getVariable() for item in listing if not item.isSetSBOTerm()
        ]
        assert missing == []


def test_every_species_has_an_identity_and_every_interaction_its_papers(
    document: libsbml.SBMLDocument, model: Model
) -> None:
    sbml_model = document.getModel()
    for species in sbml_model.getListOfSpecies():
        assert _resources(species, libsbml.BQB_IS), species.getId()
    cited: set[str] = set()
    for reaction in sbml_model.getListOfReactions():
        papers = _resources(reaction, libsbml.BQM_IS_DESCRIBED_BY, biological=False)
        assert all(re.match(rf"{IDENTIFIERS}(pubmed|doi):", p) for p in papers), reaction.getId()
        cited.update(papers)
    for edge in model.interactions:
        for reference in edge.references:
            assert reference_to_uri(reference) in cited, (edge.id, reference)


def test_the_archive_plots_every_readout_the_report_plots() -> None:
    assert set(PLOT_READOUTS) | set(DEFAULT_READOUTS) <= set(ARCHIVE_READOUTS)
