"""Antimony export: the human-readable text form of the SBML core model."""

from __future__ import annotations

import antimony

from mbaxis.network import Model
from mbaxis.sbml.core import write_sbml
from mbaxis.sbml.errors import SBMLError

__all__ = ["write_antimony"]


def write_antimony(model: Model) -> str:
    """The Antimony text of ``model``, translated from its SBML by libAntimony."""
    antimony.clearPreviousLoads()
    if antimony.loadSBMLString(write_sbml(model)) < 0:
        raise SBMLError(f"antimony could not read the exported SBML: {antimony.getLastError()}")
    text = antimony.getAntimonyString(antimony.getMainModuleName())
    if not text:
        raise SBMLError(f"antimony produced no text: {antimony.getLastError()}")
    return str(text)
