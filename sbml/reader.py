"""Reading an mbaxis SBML file back into a :class:`network.Model`.

The reader takes what SBML holds natively (IDs, names, compartments and their sizes, initial
values, parameter values, ``bqbiol:is`` identifiers) from the SBML elements, and the rest of
each table row from the mbaxis annotation (see :mod:`sbml.annotations`). The result goes
through the same checks as the TSV tables (:func:`network.model.build_model`), so a file edited
by another tool is refused with every problem named.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from pathlib import Path
from typing import Any

import libsbml

from mbaxis.network import Model
from mbaxis.network.schema import (
    INTERACTION_COLUMNS,
    LAWS,
    MECHANISMS,
    PARAMETER_COLUMNS,
    SPECIES_COLUMNS,
    SUBJECT_COLUMNS,
)
from mbaxis.network.tables import TableRecords, build_model
from mbaxis.sbml.annotations import NAMESPACE, uri_to_curie
from mbaxis.sbml.errors import SBMLError
from mbaxis.sbml.validation import read_document

__all__ = ["read_sbml", "read_sbml_string"]


def read_sbml(path: str | Path) -> Model:
    """Read a model from an SBML file written by :func:`sbml.write_sbml`.

    Raises
    ------
    SBMLError
        If the file is missing, not SBML, or carries no mbaxis annotation.
    SBMLValidationError
        If libsbml finds errors (every diagnostic attached, most severe first).
    network.ModelDataError
        If the tables it encodes break the model's rules.
    """
    return _model_from_document(read_document(path), str(path))


def read_sbml_string(text: str) -> Model:
    """Read a model from SBML text (see :func:`read_sbml`)."""
    return _model_from_document(read_document(text, text=True), "SBML string")


def _mbaxis_node(item: libsbml.SBase, tag: str) -> libsbml.XMLNode | None:
    annotation = item.getAnnotation()
    if annotation is None:
        return None
    for index in range(annotation.getNumChildren()):
        child = annotation.getChild(index)
        if child.getURI() == NAMESPACE and child.getName() == tag:
            return child
    return None


def _attributes(node: libsbml.XMLNode) -> dict[str, str]:
    attributes = node.getAttributes()
    return {attributes.getName(i): attributes.getValue(i) for i in range(attributes.getLength())}


def _identifiers(item: libsbml.SBase) -> str:
    curies: list[str] = []
    for index in range(item.getNumCVTerms()):
        term = item.getCVTerm(index)
        if (
            term.getQualifierType() == libsbml.BIOLOGICAL_QUALIFIER
            and term.getBiologicalQualifierType() == libsbml.BQB_IS
        ):
            resources = term.getResources()
            curies.extend(uri_to_curie(resources.getValue(i)) for i in range(resources.getLength()))
    return " ".join(curies)


def _notes_text(item: libsbml.SBase) -> str:
    notes = item.getNotesString()
    if not notes:
        return ""
    root = ElementTree.fromstring(notes)
    return " ".join(" ".join(root.itertext()).split())


def _first_paragraph(item: libsbml.SBase) -> str:
    notes = item.getNotesString()
    if not notes:
        return ""
    root = ElementTree.fromstring(notes)
    first = root.find(".//{http://www.w3.org/1999/xhtml}p")
    return " ".join(" ".join((first if first is not None else root).itertext()).split())


def _resources(item: libsbml.SBase, qualifier: int) -> list[str]:
    """The CURIEs of ``item``'s biological annotations with ``qualifier``."""
    curies: list[str] = []
    for i in range(item.getNumCVTerms()):
        term = item.getCVTerm(i)
        if (
            term.getQualifierType() == libsbml.BIOLOGICAL_QUALIFIER
            and term.getBiologicalQualifierType() == qualifier
        ):
            resources = term.getResources()
            curies.extend(uri_to_curie(resources.getValue(j)) for j in range(resources.getLength()))
    return curies


def _number(value: float) -> str:
    return repr(float(value))


def _model_from_document(document: libsbml.SBMLDocument, where: str) -> Model:
    sbml_model = document.getModel()
    model_node = _mbaxis_node(sbml_model, "model")
    if model_node is None:
        raise SBMLError(f"{where}: not an mbaxis model (no {NAMESPACE} annotation)")

    manifest: dict[str, Any] = {
        "model": {
            "name": sbml_model.getId(),
            "version": _attributes(model_node).get("version", "0"),
            # the first paragraph; the others are generated (sbml.core.model_notes)
            "description": _first_paragraph(sbml_model),
            "taxa": _resources(sbml_model, libsbml.BQB_HAS_TAXON),
            "processes": _resources(sbml_model, libsbml.BQB_IS_VERSION_OF),
        },
        "compartments": {},
    }
    for compartment in sbml_model.getListOfCompartments():
        node = _mbaxis_node(compartment, "compartment")
        extra = _attributes(node) if node is not None else {}
        manifest["compartments"][compartment.getId()] = {
            "name": compartment.getName(),
            "volume": compartment.getSize(),
            "unit": extra.get("unit", "L"),
            "source": extra.get("source", ""),
        }

    inputs: list[dict[str, str]] = []
    states: list[dict[str, str]] = []
    observables: list[dict[str, str]] = []
    for species in sbml_model.getListOfSpecies():
        row = _species_row(
            species,
            species.getInitialConcentration()
            if not species.getHasOnlySubstanceUnits()
            else species.getInitialAmount(),
        )
        row["compartment"] = species.getCompartment()
        states.append(row)
    parameter_rows: list[tuple[tuple[int, int], dict[str, str]]] = []
    for parameter in sbml_model.getListOfParameters():
        if _mbaxis_node(parameter, "species") is not None:
            row = _species_row(parameter, None)
            (inputs if row["kind"] == "input" else observables).append(row)
            continue
        node = _mbaxis_node(parameter, "parameter")
        if node is None:
            continue  # derived or perturbation parameter: rebuilt from the tables
        attributes = _attributes(node)
        parameter_rows.append(
            (
                (0, 0),
                {
                    **{column: attributes.get(column, "") for column in PARAMETER_COLUMNS},
                    "value": _number(parameter.getValue()),
                },
            )
        )

    interaction_rows = []
    subject_rows = []
    for index in range(model_node.getNumChildren()):
        child = model_node.getChild(index)
        if child.getURI() != NAMESPACE:
            continue
        attributes = _attributes(child)
        if child.getName() == "interaction":
            interaction_rows.append({c: attributes.get(c, "") for c in INTERACTION_COLUMNS})
        elif child.getName() == "subject":
            subject_rows.append({c: attributes.get(c, "") for c in SUBJECT_COLUMNS})

    order = {row["id"]: n for n, row in enumerate(interaction_rows)}
    laws = {
        row["id"]: LAWS[MECHANISMS.get(row["mechanism"], "regulation")]
        for row in interaction_rows
        if row["mechanism"] in MECHANISMS
    }

    def parameter_key(row: dict[str, str]) -> tuple[int, int]:
        names = laws.get(row["interaction"], ())
        rank = names.index(row["parameter"]) if row["parameter"] in names else len(names)
        return order.get(row["interaction"], len(order)), rank

    ordered_parameters = sorted((row for _, row in parameter_rows), key=parameter_key)

    def table(columns: tuple[str, ...], rows: list[dict[str, str]]) -> TableRecords:
        return columns, [(None, row) for row in rows]

    name = Path(where).name
    return build_model(
        manifest,
        table(SPECIES_COLUMNS, [*inputs, *states, *observables]),
        table(INTERACTION_COLUMNS, interaction_rows),
        table(PARAMETER_COLUMNS, ordered_parameters),
        subjects=table(SUBJECT_COLUMNS, subject_rows),
        source=where,
        files={
            "species": f"{name} (species)",
            "interactions": f"{name} (interactions)",
            "parameters": f"{name} (parameters)",
            "subjects": f"{name} (subjects)",
            "manifest": f"{name} (model)",
        },
    )


def _species_row(item: libsbml.SBase, initial: float | None) -> dict[str, str]:
    node = _mbaxis_node(item, "species")
    extra = _attributes(node) if node is not None else {}
    row = {column: extra.get(column, "") for column in SPECIES_COLUMNS}
    row.update(
        {
            "id": item.getId(),
            "name": item.getName(),
            "identifiers": _identifiers(item),
        }
    )
    if initial is not None:
        row["resting_level"] = _number(initial)
    return row
