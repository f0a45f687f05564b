"""SBML Level 3 Version 2 core export of the model: compartments, species, reactions, rules.

The kinetic laws are the sympy equations of :mod:`network.equations`, printed to MathML. Every
species carries an SBO term and ``bqbiol:is`` identifiers; every reaction with regulators carries
the references of its interactions (``bqmodel:isDescribedBy``) and their evidence as notes;
inputs are named parameters (``constant="false"``) that protocols set; the model history has a
fixed date so that a rebuilt file is byte-identical.
"""

from __future__ import annotations

import libsbml
import sympy as sp

from mbaxis.network import (
    Equations,
    InteractionRow,
    Model,
    ParameterInfo,
    ParameterRow,
    Reaction,
    SpeciesRow,
    build_equations,
)
from mbaxis.network.naming import hook, owner_and_role
from mbaxis.sbml.annotations import curie_to_uri, element, reference_to_uri, xhtml_notes
from mbaxis.sbml.libsbml_calls import check
from mbaxis.sbml.math import to_math_ast
from mbaxis.sbml.units import add_unit_definition, species_units

__all__ = ["HISTORY_DATE", "model_notes", "sbml_document", "set_model_history", "write_sbml"]

#: Creation and modification date written into the model history (fixed: reproducible files).
HISTORY_DATE = "2026-01-01T00:00:00Z"

_SBO_MODEL = "SBO:0000293"  # non-spatial continuous framework
_SBO_RULE = "SBO:0000064"  # mathematical expression
_SBO_COMPARTMENT = "SBO:0000290"  # physical compartment
_SBO_REACTION = {
    "synthesis": "SBO:0000393",  # production
    "degradation": "SBO:0000179",  # degradation
    "conversion_in": "SBO:0000182",  # conversion
    "conversion_out": "SBO:0000182",
    "dilution": "SBO:0000375",  # process: the volume's change, which runs both ways
}
_SBO_MODIFIER = {1: "SBO:0000459", -1: "SBO:0000020"}  # stimulator, inhibitor
_SBO_PARAMETER = {
    "hill": "SBO:0000190",  # Hill-type coefficient
    "rest": "SBO:0000196",  # concentration of an entity pool
}
_SBO_PARAMETER_DEFAULT = "SBO:0000002"  # quantitative systems description parameter


def _species_sbo(item: SpeciesRow) -> str:
    if item.kind == "mrna":
        return "SBO:0000250"  # ribonucleic acid
    if item.kind == "phenotype":
        return "SBO:0000285"  # material entity of unspecified nature (a tissue-level state)
    if any(i.startswith("chebi:") for i in item.identifiers):
        return "SBO:0000247"  # simple chemical
    return "SBO:0000252"  # polypeptide chain


def _text(value: float | str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _species_annotation(item: SpeciesRow) -> str:
    return element(
        "species",
        {
            "compartment": item.compartment,
            "kind": item.kind,
            "unit": item.unit,
            "resting_level": _text(item.resting_level),
            "resting_low": _text(item.resting_low),
            "resting_high": _text(item.resting_high),
            "resting_source": item.resting_source,
            "half_life": _text(item.half_life),
            "half_life_unit": _text(item.half_life_unit),
            "half_life_source": _text(item.half_life_source),
        },
    )


def _set_common(
    item: libsbml.SBase,
    identifier: str,
    what: str,
    name: str | None = None,
    sbo: str | None = None,
) -> None:
    check(item.setId(identifier), f"set id of {what} '{identifier}'")
    check(item.setMetaId(f"meta_{identifier}"), f"set metaid of {what} '{identifier}'")
    if name:
        check(item.setName(name), f"set name of {what} '{identifier}'")
    if sbo:
        check(item.setSBOTerm(sbo), f"set SBO term of {what} '{identifier}'")


def _add_cv_terms(
    item: libsbml.SBase, uris: list[str], qualifier: int, model_qualifier: bool
) -> None:
    if not uris:
        return
    term = libsbml.CVTerm(
        libsbml.MODEL_QUALIFIER if model_qualifier else libsbml.BIOLOGICAL_QUALIFIER
    )
    if model_qualifier:
        check(term.setModelQualifierType(qualifier), "set model qualifier")
    else:
        check(term.setBiologicalQualifierType(qualifier), "set biological qualifier")
    for uri in uris:
        check(term.addResource(uri), f"add resource {uri}")
    check(item.addCVTerm(term), f"add annotation to '{item.getId()}'")


def _append_annotation(item: libsbml.SBase, xml: str) -> None:
    check(item.appendAnnotation(xml), f"annotate '{item.getId()}'")


def model_notes(model: Model) -> list[str]:
    """The model's description for curators: the tables' description first, then how it works.

    The first paragraph is the tables' ``description`` (the reader reads it back); the others
    are generated from the model, so a rebuilt file is identical.
    """
    inputs = ", ".join(s.id for s in model.inputs)
    observables = ", ".join(s.id for s in model.observables)
    return [
        model.description,
        f"{len(model.states)} species, {len(model.interactions)} interactions; every species X "
        "follows the turnover (indirect-response) rule, in its simplest form "
        "dX/dt = k_X X_0 prod_e R_e - k_X X, with "
        "regulation terms R_e that equal 1 at rest (Dayneka, Garg and Jusko 1993, "
        "DOI:10.1007/BF01061691), so the resting levels of the tables are the steady state. "
        "Concentrations are in the units of the tables (mM, pg/mL, ng/mL, ...), time in minutes.",
        "Inputs are parameters that rest at 0 and that exercise and the other protocols switch "
        f"on: {inputs}. The COMBINE archives written by 'mbaxis export omex' carry each protocol "
        "as SBML events and its time course as SED-ML. Observables (assignment rules): "
        f"{observables}.",
        "Evidence: every regulated reaction names its papers (bqmodel:isDescribedBy) and its "
        "evidence in its notes; every parameter its value's source in the mbaxis annotation. "
        f"Generated from the mbaxis tables, version {model.version}, by "
        "'python -m mbaxis.sbml build'. Licence: MIT.",
    ]


def sbml_document(model: Model, equations: Equations | None = None) -> libsbml.SBMLDocument:
    """Build the SBML L3V2 core document of ``model`` (see the module docstring)."""
    equations = equations or build_equations(model)
    document = libsbml.SBMLDocument(3, 2)
    sbml_model = document.createModel()
    _set_common(sbml_model, model.name, "model", f"{model.name} {model.version}", _SBO_MODEL)
    check(sbml_model.setNotes(xhtml_notes(model_notes(model))), "set model notes")
    set_model_history(sbml_model)
    _add_cv_terms(sbml_model, [curie_to_uri(t) for t in model.taxa], libsbml.BQB_HAS_TAXON, False)
    _add_cv_terms(
        sbml_model, [curie_to_uri(p) for p in model.processes], libsbml.BQB_IS_VERSION_OF, False
    )

    check(sbml_model.setTimeUnits(add_unit_definition(sbml_model, "min")), "set time units")
    check(sbml_model.setExtentUnits("dimensionless"), "set extent units")
    check(sbml_model.setVolumeUnits("litre"), "set volume units")

    for compartment in model.compartments:
        item = sbml_model.createCompartment()
        _set_common(item, compartment.id, "compartment", compartment.name, _SBO_COMPARTMENT)
        check(item.setSpatialDimensions(3), f"set dimensions of '{compartment.id}'")
        check(item.setSize(compartment.volume), f"set size of '{compartment.id}'")
        check(item.setUnits("litre"), f"set units of '{compartment.id}'")
        check(item.setConstant(True), f"set constant of '{compartment.id}'")
        _append_annotation(
            item, element("compartment", {"unit": compartment.unit, "source": compartment.source})
        )

    species_by_id = {s.id: s for s in model.species}
    for item_row in model.states:
        _add_species(sbml_model, item_row)
    rows = {p.id: p for p in model.parameters}
    for info in equations.parameters.values():
        _add_parameter(sbml_model, info, species_by_id, rows)
    for observable in model.observables:
        _add_observable(sbml_model, observable, equations)
    interactions = {edge.id: edge for edge in model.interactions}
    for reaction in equations.reactions:
        _add_reaction(sbml_model, reaction, species_by_id, interactions)
    _append_annotation(
        sbml_model,
        element(
            "model",
            {"version": model.version},
            "".join(
                element(
                    "interaction",
                    {
                        "id": edge.id,
                        "source": edge.source,
                        "target": edge.target,
                        "sign": "+" if edge.sign > 0 else "-",
                        "mechanism": edge.mechanism,
                        "references": "; ".join(edge.references),
                        "organism": edge.organism,
                        "evidence": edge.evidence,
                        **({"evidence_level": edge.evidence_level} if edge.evidence_level else {}),
                    },
                    declare=False,
                )
                for edge in model.interactions
            )
            + "".join(
                element(
                    "subject",
                    {
                        "key": row.key,
                        "value": row.value,
                        "target": row.target,
                        "change": row.change,
                        "factor": repr(row.factor),
                        "source": row.source,
                    },
                    declare=False,
                )
                for row in model.subject_changes
            ),
        ),
    )
    return document


def write_sbml(model: Model, *, signs_as_parameters: bool = False) -> str:
    """The SBML L3V2 core document of ``model`` as a string (deterministic).

    ``signs_as_parameters`` writes the build whose edge signs are parameters (see
    :func:`mbaxis.network.build_equations`); the published files use the default.

    Examples
    --------
    >>> from mbaxis.network import load_model
    >>> write_sbml(load_model()).startswith('<?xml version="1.0" encoding="UTF-8"?>')
    True
    """
    equations = build_equations(model, signs_as_parameters=signs_as_parameters)
    return str(libsbml.writeSBMLToString(sbml_document(model, equations)))


def set_model_history(sbml_model: libsbml.Model) -> None:
    """Creator and a fixed creation date, so that rebuilt files compare byte for byte."""
    history = libsbml.ModelHistory()
    creator = libsbml.ModelCreator()
    check(creator.setFamilyName("mbaxis"), "set creator")
    check(creator.setGivenName("developers"), "set creator")
    check(creator.setOrganization("mbaxis project"), "set creator organisation")
    check(history.addCreator(creator), "add creator")
    check(history.setCreatedDate(libsbml.Date(HISTORY_DATE)), "set created date")
    check(history.setModifiedDate(libsbml.Date(HISTORY_DATE)), "set modified date")
    check(sbml_model.setModelHistory(history), "set model history")


def _add_species(sbml_model: libsbml.Model, row: SpeciesRow) -> None:
    item = sbml_model.createSpecies()
    _set_common(item, row.id, "species", row.name, _species_sbo(row))
    declared = species_units(row.unit)
    check(item.setCompartment(row.compartment), f"set compartment of '{row.id}'")
    add_unit_definition(sbml_model, row.unit)
    if declared.amount_only:
        check(item.setHasOnlySubstanceUnits(True), f"declare '{row.id}' an amount")
        check(item.setInitialAmount(row.resting_level), f"set initial amount of '{row.id}'")
    else:
        add_unit_definition(sbml_model, row.unit, substance=True)
        check(item.setHasOnlySubstanceUnits(False), f"declare '{row.id}' a concentration")
        check(
            item.setInitialConcentration(row.resting_level),
            f"set initial concentration of '{row.id}'",
        )
        check(
            item.setConversionFactor(hook(row.id, "conversion_factor")),
            f"set conversion factor of '{row.id}'",
        )
    check(item.setSubstanceUnits(declared.substance_unit_id), f"set units of '{row.id}'")
    check(item.setBoundaryCondition(False), f"set boundary of '{row.id}'")
    check(item.setConstant(False), f"set constant of '{row.id}'")
    _append_annotation(item, _species_annotation(row))
    _add_cv_terms(item, [curie_to_uri(c) for c in row.identifiers], libsbml.BQB_IS, False)
    if not declared.amount_only:
        # one extent (dimensionless) of a reaction is one substance unit of this species
        factor = sbml_model.createParameter()
        _set_common(
            factor,
            hook(row.id, "conversion_factor"),
            "parameter",
            f"substance of {row.id} per reaction extent",
            _SBO_PARAMETER_DEFAULT,
        )
        check(factor.setValue(1.0), "set conversion factor value")
        check(factor.setUnits(declared.substance_unit_id), "set conversion factor units")
        check(factor.setConstant(True), "set conversion factor constant")


def _add_parameter(
    sbml_model: libsbml.Model,
    info: ParameterInfo,
    species_by_id: dict[str, SpeciesRow],
    rows: dict[str, ParameterRow],
) -> None:
    item = sbml_model.createParameter()
    sbo = _SBO_PARAMETER.get(owner_and_role(info.id)[1], _SBO_PARAMETER_DEFAULT)
    name = species_by_id[info.id].name if info.kind == "input" else _parameter_name(info)
    _set_common(item, info.id, "parameter", name, sbo)
    check(item.setValue(info.value), f"set value of '{info.id}'")
    check(item.setUnits(add_unit_definition(sbml_model, info.unit)), f"set units of '{info.id}'")
    check(item.setConstant(info.kind != "input"), f"set constant of '{info.id}'")
    if info.kind == "input":
        row = species_by_id[info.id]
        _append_annotation(item, _species_annotation(row))
        _add_cv_terms(item, [curie_to_uri(c) for c in row.identifiers], libsbml.BQB_IS, False)
    elif info.kind == "kinetic":
        parameter = rows[info.id]
        _append_annotation(
            item,
            element(
                "parameter",
                {
                    "interaction": parameter.interaction,
                    "parameter": parameter.parameter,
                    "unit": parameter.unit,
                    "low": _text(parameter.low),
                    "high": _text(parameter.high),
                    "source": parameter.source,
                },
            ),
        )


def _parameter_name(info: ParameterInfo) -> str:
    descriptions = {
        "input": "input driven by protocols (0 at rest)",
        "resting_level": "resting level",
        "half_life": "half-life",
        "perturbation": "perturbation hook (1 unless perturbed)",
        "sign": "sign of the interaction (+1 or -1)",
        "kinetic": owner_and_role(info.id)[1],
    }
    return f"{info.owner}: {descriptions[info.kind]}"


def _add_observable(sbml_model: libsbml.Model, row: SpeciesRow, equations: Equations) -> None:
    item = sbml_model.createParameter()
    _set_common(item, row.id, "observable", row.name, _SBO_PARAMETER_DEFAULT)
    check(item.setUnits(add_unit_definition(sbml_model, row.unit)), f"set units of '{row.id}'")
    check(item.setConstant(False), f"set constant of '{row.id}'")
    _append_annotation(item, _species_annotation(row))
    _add_cv_terms(item, [curie_to_uri(c) for c in row.identifiers], libsbml.BQB_IS, False)
    rule = sbml_model.createAssignmentRule()
    check(rule.setSBOTerm(_SBO_RULE), f"set SBO term of the rule for '{row.id}'")
    check(rule.setVariable(row.id), f"set variable of the rule for '{row.id}'")
    check(
        rule.setMath(to_math_ast(equations.observables[row.id], f"observable '{row.id}'")),
        f"set math of '{row.id}'",
    )


def _add_reaction(
    sbml_model: libsbml.Model,
    reaction: Reaction,
    species_by_id: dict[str, SpeciesRow],
    interactions: dict[str, InteractionRow],
) -> None:
    item = sbml_model.createReaction()
    _set_common(
        item, reaction.id, "reaction", reaction.id.replace("__", " "), _SBO_REACTION[reaction.kind]
    )
    # A dilution flux changes sign as the volume falls and returns; every other flux is >= 0.
    reversible = reaction.kind == "dilution"
    check(item.setReversible(reversible), f"set reversible of '{reaction.id}'")
    participant = item.createProduct() if reaction.stoichiometry > 0 else item.createReactant()
    check(participant.setSpecies(reaction.species), f"set species of '{reaction.id}'")
    check(participant.setStoichiometry(1.0), f"set stoichiometry of '{reaction.id}'")
    check(participant.setConstant(True), f"set stoichiometry constant of '{reaction.id}'")
    seen: set[str] = set()
    for source, sign in reaction.modifiers:
        if source in seen:
            continue
        seen.add(source)
        if species_by_id[source].kind == "input":
            continue  # inputs are parameters, not species; they appear in the math only
        modifier = item.createModifier()
        check(modifier.setSpecies(source), f"set modifier of '{reaction.id}'")
        check(modifier.setSBOTerm(_SBO_MODIFIER[sign]), f"set modifier role in '{reaction.id}'")
    target = species_by_id[reaction.species]
    rate = reaction.rate
    if not species_units(target.unit).amount_only:
        factor = sp.Symbol(hook(target.id, "conversion_factor"))
        rate = sp.Symbol(target.compartment) * rate / factor
    law = item.createKineticLaw()
    check(
        law.setMath(to_math_ast(rate, f"reaction '{reaction.id}'")),
        f"set kinetic law of '{reaction.id}'",
    )
    references: list[str] = []
    evidence: list[str] = []
    for interaction_id in reaction.interactions:
        edge = interactions[interaction_id]
        for reference in edge.references:
            if reference not in references:
                references.append(reference)
        evidence.append(
            f"{interaction_id} ({edge.source} -> {edge.target}, "
            f"{edge.mechanism}; {edge.organism}; evidence {edge.evidence_level or 'unstated'}): "
            f"{edge.evidence} [{'; '.join(edge.references)}]"
        )
    if evidence:
        check(item.setNotes(xhtml_notes(evidence)), f"set notes of '{reaction.id}'")
    _add_cv_terms(
        item, [reference_to_uri(r) for r in references], libsbml.BQM_IS_DESCRIBED_BY, True
    )
