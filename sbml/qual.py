"""SBML-qual export of the logical model (:mod:`network.logical`), multi-valued and Booleanised.

``mbaxis_qual.xml`` is the multi-valued model: one qualitative species per node with levels
``0..2K`` (``K`` is rest), inputs with levels ``0..1``. A node's level is the clipped sum of its
edges' contributions; to keep every transition small (each reads at most two species), a node
with more than two regulators sums them in a chain of qualitative species
``X__sum1, X__sum2, ...`` (levels offset so that 0 is the lowest sum), which do not change the
stable states. Each transition has one function term per result level, mutually exclusive, and
the rest level as its default term.

``mbaxis_qual_boolean.xml`` is the same model for Boolean tools (AEON, mpbn, pyboolnet,
BoolNet): each species of more than two levels becomes the unary bits ``X_ge1 .. X_geM``
(``X_gej`` = "X is at level j or higher"), with the update rules of that encoding that keep the
bits ordered, as AEON does when it binarises multi-valued BMA models (biodivine-lib-io-bma,
``into_aeon.rs``); a state of the multi-valued model is stable exactly when its bits are.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import libsbml

from mbaxis.network import Model
from mbaxis.network.logical import STEP, Contribution, LogicalModel, logical_model
from mbaxis.sbml.annotations import curie_to_uri, reference_to_uri, xhtml_notes
from mbaxis.sbml.core import set_model_history
from mbaxis.sbml.libsbml_calls import check

__all__ = [
    "bit_id",
    "qual_boolean_document",
    "qual_document",
    "write_qual",
    "write_qual_boolean",
]

TRUE, FALSE = "true", "false"


def _and(*terms: str) -> str:
    if FALSE in terms:
        return FALSE
    kept = [t for t in terms if t != TRUE]
    if not kept:
        return TRUE
    return kept[0] if len(kept) == 1 else "(" + " && ".join(kept) + ")"


def _or(terms: Sequence[str]) -> str:
    if TRUE in terms:
        return TRUE
    kept = list(dict.fromkeys(t for t in terms if t != FALSE))
    if not kept:
        return FALSE
    return kept[0] if len(kept) == 1 else "(" + " || ".join(kept) + ")"


def _not(term: str) -> str:
    if term in (TRUE, FALSE):
        return FALSE if term == TRUE else TRUE
    return f"!{term}"


def bit_id(species: str, level: int) -> str:
    """The Boolean variable "``species`` is at ``level`` or higher".

    Examples
    --------
    >>> bit_id("brain__pCREB", 3)
    'brain__pCREB_ge3'
    """
    return f"{species}_ge{level}"


#: How a literal "species is at level ``index`` or higher" is written: (species, index, max).
Literal = Callable[[str, int, int], str]


def _multi_valued(species: str, index: int, max_level: int) -> str:
    return f"({species} >= {index})"


def _boolean(species: str, index: int, max_level: int) -> str:
    return f"({species} >= 1)" if max_level == 1 else f"({bit_id(species, index)} >= 1)"


@dataclass(frozen=True)
class _Operand:
    """A species read by a transition and the value it adds for each interval of its levels."""

    species: str
    max_level: int
    #: value -> (lowest, highest) level index of ``species`` giving that value
    values: dict[int, tuple[int, int]]

    def at_least(self, value: int, literal: Literal) -> str:
        """The condition "this operand adds ``value`` or more" (one interval: it is monotone)."""
        levels = [i for v, (lo, hi) in self.values.items() if v >= value for i in range(lo, hi + 1)]
        if not levels:
            return FALSE
        low, high = min(levels), max(levels)
        lower = literal(self.species, low, self.max_level) if low > 0 else TRUE
        upper = (
            _not(literal(self.species, high + 1, self.max_level)) if high < self.max_level else TRUE
        )
        return _and(lower, upper)

    @property
    def low(self) -> int:
        return min(self.values)

    @property
    def high(self) -> int:
        return max(self.values)


@dataclass(frozen=True)
class _Step:
    """One transition: ``target`` takes the (clipped) sum of its operands' values."""

    target: str
    name: str
    compartment: str
    operands: tuple[_Operand, ...]
    low: int  # lowest value of the target (a node: -K)
    high: int  # highest value
    edges: tuple[str, ...]
    signs: tuple[int, ...]  # the sign of each operand, for the transition's inputs

    @property
    def offset(self) -> int:
        """Level index of the value 0."""
        return -self.low

    @property
    def max_level(self) -> int:
        return self.high - self.low

    def at_least(self, value: int, literal: Literal) -> str:
        """The condition "the target's value is ``value`` or more"."""
        if value <= self.low:
            return TRUE
        if value > self.high:
            return FALSE
        if len(self.operands) == 1:
            return self.operands[0].at_least(value, literal)
        # Split on the operand with fewer values: fewer, shorter terms.
        first, second = sorted(self.operands, key=lambda o: len(o.values))
        terms = []
        for v in sorted(first.values):
            rest = second.at_least(value - v, literal)
            terms.append(_and(first.at_least(v, literal), rest))
            if rest == TRUE:
                break  # the terms of larger v imply this one
        return _or(terms)


def _contribution_operand(contribution: Contribution) -> _Operand:
    levels = contribution.levels
    offset = -levels.start
    return _Operand(
        contribution.source,
        len(levels) - 1,
        {
            value: (low + offset, high + offset)
            for value, (low, high) in contribution.values().items()
        },
    )


def _steps(logical: LogicalModel, compartments: dict[str, str]) -> list[_Step]:
    """The transitions of the multi-valued model, partial sums first."""
    steps: list[_Step] = []
    for node in logical.nodes:
        incoming = logical.incoming(node)
        if not incoming:
            continue
        # Widest contributions first: the partial sums after them stop where the remaining
        # (narrow) contributions can no longer change the clipped result, so they stay short.
        incoming = sorted(incoming, key=lambda c: -(max(c.table) - min(c.table)))
        operands = [_contribution_operand(c) for c in incoming]
        signs = [c.sign for c in incoming]
        edges = [c.edge for c in incoming]
        accumulated, sign = operands[0], signs[0]
        for j, (operand, operand_sign) in enumerate(
            zip(operands[1:-1], signs[1:-1], strict=True), start=1
        ):
            # A partial sum so low (high) that the contributions still to come cannot lift it
            # above -K (below K) gives the same level at the end: its range stops there.
            still_low = sum(o.low for o in operands[j + 1 :])
            still_high = sum(o.high for o in operands[j + 1 :])
            low = max(accumulated.low + operand.low, -logical.levels - still_high)
            high = min(accumulated.high + operand.high, logical.levels - still_low)
            partial = _Step(
                f"{node}__sum{j}",
                f"sum of the first {j + 1} contributions into {node}",
                compartments[node],
                (accumulated, operand),
                low,
                high,
                tuple(edges[: j + 1]),
                (sign, operand_sign),
            )
            steps.append(partial)
            accumulated = _Operand(
                partial.target,
                partial.max_level,
                {v: (v - low, v - low) for v in range(low, high + 1)},
            )
            sign = 1
        last = (accumulated, operands[-1]) if len(operands) > 1 else (accumulated,)
        last_signs = (sign, signs[-1]) if len(operands) > 1 else (sign,)
        steps.append(
            _Step(
                node,
                node,
                compartments[node],
                last,
                -logical.levels,
                logical.levels,
                tuple(edges),
                last_signs,
            )
        )
    return steps


def _new_document(
    model: Model, suffix: str, notes: list[str]
) -> tuple[libsbml.SBMLDocument, libsbml.Model]:
    namespaces = libsbml.SBMLNamespaces(3, 1, "qual", 1)
    document = libsbml.SBMLDocument(namespaces)
    check(document.setPackageRequired("qual", True), "mark qual required")
    sbml_model = document.createModel()
    check(sbml_model.setId(f"{model.name}_{suffix}"), "set model id")
    check(sbml_model.setMetaId(f"meta_{model.name}_{suffix}"), "set model metaid")
    check(
        sbml_model.setName(f"{model.name} {model.version} ({suffix.replace('_', ' ')} model)"),
        "set model name",
    )
    check(sbml_model.setNotes(xhtml_notes([model.description, *notes])), "set notes")
    set_model_history(sbml_model)
    for compartment in model.compartments:
        item = sbml_model.createCompartment()
        check(item.setId(compartment.id), "set compartment id")
        check(item.setName(compartment.name), "set compartment name")
        check(item.setConstant(True), "set compartment constant")
        check(item.setSpatialDimensions(3), "set compartment dimensions")
        check(item.setSize(compartment.volume), "set compartment size")
        check(item.setUnits("litre"), "set compartment units")
    return document, sbml_model


def _add_species(
    plugin: libsbml.QualModelPlugin,
    species_id: str,
    name: str,
    compartment: str,
    max_level: int,
    initial_level: int,
    identifiers: Sequence[str] = (),
) -> None:
    species = plugin.createQualitativeSpecies()
    check(species.setId(species_id), f"set id of '{species_id}'")
    check(species.setMetaId(f"meta_{species_id}"), f"set metaid of '{species_id}'")
    check(species.setName(name), f"set name of '{species_id}'")
    check(species.setCompartment(compartment), f"set compartment of '{species_id}'")
    check(species.setConstant(False), f"set constant of '{species_id}'")
    check(species.setMaxLevel(max_level), f"set max level of '{species_id}'")
    check(species.setInitialLevel(initial_level), f"set initial level of '{species_id}'")
    if identifiers:
        term = libsbml.CVTerm(libsbml.BIOLOGICAL_QUALIFIER)
        check(term.setBiologicalQualifierType(libsbml.BQB_IS), "set qualifier")
        for curie in identifiers:
            check(term.addResource(curie_to_uri(curie)), "add identifier")
        check(species.addCVTerm(term), f"annotate '{species_id}'")


def _add_transition(
    plugin: libsbml.QualModelPlugin,
    transition_id: str,
    output: str,
    inputs: Sequence[tuple[str, int]],
    default_level: int,
    terms: Sequence[tuple[int, str]],
    notes: Sequence[str],
    references: Sequence[str],
) -> None:
    transition = plugin.createTransition()
    check(transition.setId(transition_id), f"set id of '{transition_id}'")
    check(transition.setMetaId(f"meta_{transition_id}"), f"set metaid of '{transition_id}'")
    check(transition.setNotes(xhtml_notes(list(notes))), f"set notes of '{transition_id}'")
    if references:
        term = libsbml.CVTerm(libsbml.MODEL_QUALIFIER)
        check(term.setModelQualifierType(libsbml.BQM_IS_DESCRIBED_BY), "set qualifier")
        for reference in references:
            check(term.addResource(reference_to_uri(reference)), "add reference")
        check(transition.addCVTerm(term), f"annotate '{transition_id}'")
    signs = {
        1: libsbml.INPUT_SIGN_POSITIVE,
        -1: libsbml.INPUT_SIGN_NEGATIVE,
        0: libsbml.INPUT_SIGN_DUAL,
    }
    for source, sign in inputs:
        item = transition.createInput()
        check(item.setId(f"{transition_id}__in__{source}"), f"set input of '{transition_id}'")
        check(item.setQualitativeSpecies(source), f"set input species of '{transition_id}'")
        check(
            item.setTransitionEffect(libsbml.INPUT_TRANSITION_EFFECT_NONE),
            f"set input effect of '{transition_id}'",
        )
        check(item.setSign(signs[sign]), f"set input sign of '{transition_id}'")
    out = transition.createOutput()
    check(out.setId(f"{transition_id}__out"), f"set output of '{transition_id}'")
    check(out.setQualitativeSpecies(output), f"set output species of '{transition_id}'")
    check(
        out.setTransitionEffect(libsbml.OUTPUT_TRANSITION_EFFECT_ASSIGNMENT_LEVEL),
        f"set output effect of '{transition_id}'",
    )
    default = transition.createDefaultTerm()
    check(default.setResultLevel(default_level), f"set default level of '{transition_id}'")
    for level, condition in terms:
        function = transition.createFunctionTerm()
        check(function.setResultLevel(level), f"set result level of '{transition_id}'")
        math = libsbml.parseL3Formula(condition)
        if math is None:  # pragma: no cover - the conditions are built here
            raise ValueError(f"'{transition_id}': cannot parse {condition[:80]}")
        check(function.setMath(math), f"set rule of '{transition_id}'")


_RULE = (
    "Multi-valued logical reading of the ODE model (mbaxis.network.logical): a node's level "
    "counts steps of {step:.0%} from rest (level {K} is rest, 0 a knocked-out node or one "
    "fallen {K} steps or more, {top} a rise of {K} steps or more); each edge adds the change "
    "its rate law makes to its target's production at the source's level, in whole steps, and "
    "a node takes the sum of its edges' contributions, clipped to its levels. An input switched "
    "on moves each direct target one step."
)


def _references(model: Model, edges: Sequence[str]) -> list[str]:
    by_id = {e.id: e for e in model.interactions}
    return list(dict.fromkeys(r for e in edges for r in by_id[e].references))


def _edge_notes(model: Model, step: _Step) -> list[str]:
    by_id = {e.id: e for e in model.interactions}
    return [
        f"{e}: {by_id[e].source} -> {by_id[e].target} ({'+' if by_id[e].sign > 0 else '-'})"
        for e in step.edges
    ]


def qual_document(model: Model, logical: LogicalModel | None = None) -> libsbml.SBMLDocument:
    """The multi-valued SBML-qual (L3V1) document of ``model``'s logical model."""
    logical = logical or logical_model(model)
    levels = logical.levels
    rule = _RULE.format(step=STEP, K=levels, top=2 * levels)
    document, sbml_model = _new_document(model, "qual", [rule])
    plugin = sbml_model.getPlugin("qual")
    compartments = {s.id: s.compartment for s in model.species}
    for row in model.species:
        is_input = row.id in logical.inputs
        _add_species(
            plugin,
            row.id,
            row.name,
            row.compartment,
            1 if is_input else 2 * levels,
            0 if is_input else levels,
            row.identifiers,
        )
    steps = _steps(logical, compartments)
    for step in steps:
        if step.target not in compartments:
            _add_species(
                plugin, step.target, step.name, step.compartment, step.max_level, step.offset
            )
    for step in steps:
        terms = []
        for value in range(step.low, step.high + 1):
            if value == 0:
                continue  # the default term: rest
            condition = _and(
                step.at_least(value, _multi_valued), _not(step.at_least(value + 1, _multi_valued))
            )
            if condition != FALSE:
                terms.append((value + step.offset, condition))
        _add_transition(
            plugin,
            f"tr_{step.target}",
            step.target,
            [(o.species, s) for o, s in zip(step.operands, step.signs, strict=True)],
            step.offset,
            terms,
            _edge_notes(model, step),
            _references(model, step.edges),
        )
    return document


_BIT = re.compile(r"\(([A-Za-z_][A-Za-z0-9_]*) >= 1\)")


def _polarity(condition: str) -> dict[str, int]:
    """Each variable of ``condition``: +1 if it only appears plain, -1 if only negated, else 0."""
    seen: dict[str, set[int]] = {}
    for match in _BIT.finditer(condition):
        negated = condition[max(0, match.start() - 1)] == "!"
        seen.setdefault(match.group(1), set()).add(-1 if negated else 1)
    return {name: signs.pop() if len(signs) == 1 else 0 for name, signs in seen.items()}


def qual_boolean_document(
    model: Model, logical: LogicalModel | None = None
) -> libsbml.SBMLDocument:
    """The Boolean SBML-qual document: :func:`qual_document` in the unary bit encoding."""
    logical = logical or logical_model(model)
    levels = logical.levels
    document, sbml_model = _new_document(
        model,
        "qual_boolean",
        [
            _RULE.format(step=STEP, K=levels, top=2 * levels),
            "Boolean encoding: X_gej is true when X is at level j or higher; X_gej turns on "
            "only when X_ge(j-1) is on and stays on while X_ge(j+1) is, so the bits stay "
            "ordered; stable states match those of mbaxis_qual.xml one to one.",
        ],
    )
    plugin = sbml_model.getPlugin("qual")
    compartments = {s.id: s.compartment for s in model.species}
    steps = _steps(logical, compartments)
    ranges = {
        **{
            s.id: (
                1 if s.id in logical.inputs else 2 * levels,
                0 if s.id in logical.inputs else levels,
            )
            for s in model.species
        },
        **{s.target: (s.max_level, s.offset) for s in steps if s.target not in compartments},
    }
    for species, (max_level, initial) in ranges.items():
        compartment = compartments.get(species) or next(
            s.compartment for s in steps if s.target == species
        )
        # Names repeat the IDs: Boolean tools (AEON) name their variables after the SBML name,
        # and the IDs are what a user perturbs. The node names are in mbaxis_qual.xml.
        if max_level == 1:
            _add_species(plugin, species, species, compartment, 1, initial)
            continue
        for j in range(1, max_level + 1):
            bit = bit_id(species, j)
            _add_species(plugin, bit, bit, compartment, 1, int(initial >= j))
    for step in steps:
        top = step.max_level
        for j in range(1, top + 1):
            rule = step.at_least(j - step.offset, _boolean)
            below, above = (
                f"({bit_id(step.target, j - 1)} >= 1)",
                f"({bit_id(step.target, j + 1)} >= 1)",
            )
            if j > 1:
                rule = _and(rule, below)
            if j < top:
                rule = _or([rule, above])
            target = bit_id(step.target, j)
            if rule in (TRUE, FALSE):
                terms, default, inputs = [], int(rule == TRUE), []
            else:
                terms, default = [(1, rule)], 0
                inputs = sorted(_polarity(rule).items())
            first = j == 1  # the edges and their papers are written once per species
            _add_transition(
                plugin,
                f"tr_{target}",
                target,
                inputs,
                default,
                terms,
                _edge_notes(model, step) if first else [f"level {j} of {step.target}"],
                _references(model, step.edges) if first else [],
            )
    return document


def write_qual(model: Model) -> str:
    """The multi-valued SBML-qual document of ``model`` as a string (deterministic)."""
    return str(libsbml.writeSBMLToString(qual_document(model)))


def write_qual_boolean(model: Model) -> str:
    """The Boolean SBML-qual document of ``model`` as a string (deterministic)."""
    return str(libsbml.writeSBMLToString(qual_boolean_document(model)))
