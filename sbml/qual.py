"""SBML-qual export: the logical (Boolean) reading of the same signed graph.

One qualitative species (levels 0/1) per node, one transition per regulated node. The update
rule, derived from the edge signs alone:

    X = (A1 or A2 or ...) and not (I1 or I2 or ...)

where A are the node's activators (``+`` edges of any mechanism) and I its inhibitors
(``-`` edges); a node with no activator is ``not (I1 or ...)``. Inputs have no transition and keep
the level they are given. This is the classical "any activator, no inhibitor" reading used by
logical models of signalling networks.
"""

from __future__ import annotations

import libsbml

from mbaxis.network import Model
from mbaxis.sbml.annotations import curie_to_uri, reference_to_uri, xhtml_notes
from mbaxis.sbml.core import set_model_history
from mbaxis.sbml.libsbml_calls import check

__all__ = ["logical_rule", "qual_document", "write_qual"]


def logical_rule(activators: list[str], inhibitors: list[str]) -> str:
    """The update rule of a node, in the SBML L3 infix syntax.

    Examples
    --------
    >>> logical_rule(["a", "b"], ["c"])
    '(a >= 1 || b >= 1) && !(c >= 1)'
    >>> logical_rule([], ["c"])
    '!(c >= 1)'
    """
    terms = []
    if activators:
        terms.append("(" + " || ".join(f"{a} >= 1" for a in activators) + ")")
    if inhibitors:
        terms.append("!(" + " || ".join(f"{i} >= 1" for i in inhibitors) + ")")
    return " && ".join(terms)


def qual_document(model: Model) -> libsbml.SBMLDocument:
    """Build the SBML L3V1 + qual document of ``model``'s signed graph."""
    namespaces = libsbml.SBMLNamespaces(3, 1, "qual", 1)
    document = libsbml.SBMLDocument(namespaces)
    check(document.setPackageRequired("qual", True), "mark qual required")
    sbml_model = document.createModel()
    check(sbml_model.setId(f"{model.name}_qual"), "set model id")
    check(sbml_model.setMetaId(f"meta_{model.name}_qual"), "set model metaid")
    check(sbml_model.setName(f"{model.name} {model.version} (logical model)"), "set model name")
    check(
        sbml_model.setNotes(
            xhtml_notes(
                [
                    model.description,
                    "Logical reading of the signed graph: a node is active when any activator "
                    "is active and no inhibitor is active.",
                ]
            )
        ),
        "set notes",
    )
    set_model_history(sbml_model)

    for compartment in model.compartments:
        item = sbml_model.createCompartment()
        check(item.setId(compartment.id), "set compartment id")
        check(item.setName(compartment.name), "set compartment name")
        check(item.setConstant(True), "set compartment constant")
        check(item.setSpatialDimensions(3), "set compartment dimensions")
        check(item.setSize(compartment.volume), "set compartment size")
        check(item.setUnits("litre"), "set compartment units")
    plugin = sbml_model.getPlugin("qual")
    for node in model.species:
        species = plugin.createQualitativeSpecies()
        check(species.setId(node.id), f"set id of '{node.id}'")
        check(species.setMetaId(f"meta_{node.id}"), f"set metaid of '{node.id}'")
        check(species.setName(node.name), f"set name of '{node.id}'")
        check(species.setCompartment(node.compartment), f"set compartment of '{node.id}'")
        check(species.setConstant(False), f"set constant of '{node.id}'")
        check(species.setMaxLevel(1), f"set max level of '{node.id}'")
        if node.kind == "input":
            check(species.setInitialLevel(0), f"set initial level of '{node.id}'")
        if node.identifiers:
            term = libsbml.CVTerm(libsbml.BIOLOGICAL_QUALIFIER)
            check(term.setBiologicalQualifierType(libsbml.BQB_IS), "set qualifier")
            for curie in node.identifiers:
                check(term.addResource(curie_to_uri(curie)), "add identifier")
            check(species.addCVTerm(term), f"annotate '{node.id}'")

    incoming: dict[str, list[tuple[str, int, str]]] = {}
    references: dict[str, list[str]] = {}
    for edge in model.interactions:
        incoming.setdefault(edge.target, []).append((edge.source, edge.sign, edge.id))
        references[edge.target] = [
            *references.get(edge.target, []),
            *(r for r in edge.references if r not in references.get(edge.target, [])),
        ]
    for node in model.species:
        regulators = incoming.get(node.id)
        if node.kind == "input" or not regulators:
            continue
        transition = plugin.createTransition()
        transition_id = f"tr_{node.id}"
        check(transition.setId(transition_id), f"set id of '{transition_id}'")
        check(transition.setMetaId(f"meta_{transition_id}"), f"set metaid of '{transition_id}'")
        check(
            transition.setNotes(
                xhtml_notes(
                    [
                        f"{edge_id}: {source} -> {node.id} ({'+' if sign > 0 else '-'})"
                        for source, sign, edge_id in regulators
                    ]
                )
            ),
            f"set notes of '{transition_id}'",
        )
        term = libsbml.CVTerm(libsbml.MODEL_QUALIFIER)
        check(term.setModelQualifierType(libsbml.BQM_IS_DESCRIBED_BY), "set qualifier")
        for reference in references[node.id]:
            check(term.addResource(reference_to_uri(reference)), "add reference")
        check(transition.addCVTerm(term), f"annotate '{transition_id}'")
        for source, sign, edge_id in regulators:
            item = transition.createInput()
            check(item.setId(f"{transition_id}__{edge_id}"), f"set input of '{transition_id}'")
            check(item.setQualitativeSpecies(source), f"set input species of '{transition_id}'")
            check(
                item.setTransitionEffect(libsbml.INPUT_TRANSITION_EFFECT_NONE),
                f"set input effect of '{transition_id}'",
            )
            check(
                item.setSign(
                    libsbml.INPUT_SIGN_POSITIVE if sign > 0 else libsbml.INPUT_SIGN_NEGATIVE
                ),
                f"set input sign of '{transition_id}'",
            )
        output = transition.createOutput()
        check(output.setId(f"{transition_id}__out"), f"set output of '{transition_id}'")
        check(output.setQualitativeSpecies(node.id), f"set output species of '{transition_id}'")
        check(
            output.setTransitionEffect(libsbml.OUTPUT_TRANSITION_EFFECT_ASSIGNMENT_LEVEL),
            f"set output effect of '{transition_id}'",
        )
        default = transition.createDefaultTerm()
        check(default.setResultLevel(0), f"set default level of '{transition_id}'")
        function = transition.createFunctionTerm()
        check(function.setResultLevel(1), f"set result level of '{transition_id}'")
        rule = logical_rule(
            [source for source, sign, _ in regulators if sign > 0],
            [source for source, sign, _ in regulators if sign < 0],
        )
        check(function.setMath(libsbml.parseL3Formula(rule)), f"set rule of '{transition_id}'")
    return document


def write_qual(model: Model) -> str:
    """The SBML-qual document of ``model`` as a string (deterministic)."""
    return str(libsbml.writeSBMLToString(qual_document(model)))
