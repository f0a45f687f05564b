"""SBML unit definitions for the units of the model tables.

Species with a concentration unit (mM, ng/mL, ...) are SBML concentrations: an amount of
``substance`` per litre of compartment. Species in a dimensionless unit (``relative``,
``fraction``) are SBML amounts with dimensionless substance units (``hasOnlySubstanceUnits``),
because a relative level does not scale with volume.
"""

from __future__ import annotations

from dataclasses import dataclass

import libsbml

from mbaxis.network.units import UNITS, Unit, UnitTerm
from mbaxis.sbml.libsbml_calls import check

__all__ = ["SpeciesUnits", "add_unit_definition", "species_units"]

# The amount in one litre for each concentration unit: a concentration unit is substance/litre.
_SUBSTANCE: dict[str, UnitTerm] = {
    "mM": UnitTerm("mole", 1, -3),
    "nmol/L": UnitTerm("mole", 1, -9),
    "pmol/L": UnitTerm("mole", 1, -12),
    "ng/mL": UnitTerm("gram", 1, -6),
    "pg/mL": UnitTerm("gram", 1, -9),
    # ng per g of tissue, read as ug per litre with a tissue density of 1 g/mL
    "ng/g": UnitTerm("gram", 1, -6),
}

_KINDS = {
    "mole": libsbml.UNIT_KIND_MOLE,
    "gram": libsbml.UNIT_KIND_GRAM,
    "litre": libsbml.UNIT_KIND_LITRE,
    "second": libsbml.UNIT_KIND_SECOND,
    "kelvin": libsbml.UNIT_KIND_KELVIN,
    "dimensionless": libsbml.UNIT_KIND_DIMENSIONLESS,
}


@dataclass(frozen=True)
class SpeciesUnits:
    """How a species of a given table unit is declared in SBML."""

    amount_only: bool  # hasOnlySubstanceUnits
    substance_unit_id: str  # the unit definition for its substance


def species_units(name: str) -> SpeciesUnits:
    """SBML declaration of a species whose table unit is ``name``."""
    unit = UNITS[name]
    if unit.dimension == "dimensionless":
        return SpeciesUnits(amount_only=True, substance_unit_id=unit.sbml_id)
    return SpeciesUnits(amount_only=False, substance_unit_id=f"{unit.sbml_id}__substance")


def _terms(unit: Unit) -> tuple[UnitTerm, ...]:
    if unit.dimension == "mass/mass":
        # as a concentration: ug per litre (tissue density 1 g/mL)
        return (UnitTerm("gram", 1, -6), UnitTerm("litre", -1))
    if unit.dimension == "dimensionless":
        return (UnitTerm("dimensionless", 1),)
    return unit.terms


def add_unit_definition(model: libsbml.Model, name: str, *, substance: bool = False) -> str:
    """Add the unit definition of table unit ``name`` (or of its substance) once; return its ID."""
    unit = UNITS[name]
    if name == "dimensionless" and not substance:
        return "dimensionless"  # predefined in SBML; may not be redefined
    if substance:
        definition_id = f"{unit.sbml_id}__substance"
        terms: tuple[UnitTerm, ...] = (_SUBSTANCE[name],)
        label = f"amount in one litre at 1 {name}"
    else:
        definition_id, terms, label = unit.sbml_id, _terms(unit), unit.description
        if unit.dimension == "mass/mass":
            label += " (as ug/L, tissue density 1 g/mL)"
    if model.getUnitDefinition(definition_id) is not None:
        return definition_id
    definition = model.createUnitDefinition()
    check(definition.setId(definition_id), f"set unit definition id {definition_id}")
    check(definition.setName(label), f"name unit {definition_id}")
    for term in terms:
        part = definition.createUnit()
        check(part.setKind(_KINDS[term.kind]), f"set kind of {definition_id}")
        check(part.setExponent(term.exponent), f"set exponent of {definition_id}")
        check(part.setScale(term.scale), f"set scale of {definition_id}")
        check(part.setMultiplier(term.multiplier), f"set multiplier of {definition_id}")
    return definition_id
