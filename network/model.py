"""The curated model as one immutable value: compartments, species, interactions, parameters.

Read one with :func:`mbaxis.network.load_model` (:mod:`mbaxis.network.tables`), which checks
the tables first (:mod:`mbaxis.network.linter`); the graph view is
:func:`mbaxis.network.to_digraph` and the equations are :func:`mbaxis.network.build_equations`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import cached_property

from mbaxis.network.errors import UnknownInteractionError, UnknownSpeciesError
from mbaxis.network.schema import InteractionRow, ParameterRow, SpeciesRow, SubjectRow

__all__ = ["Compartment", "Model"]


@dataclass(frozen=True)
class Compartment:
    """A compartment declared in the manifest, with its volume for the SBML export."""

    id: str
    name: str
    volume: float
    unit: str
    source: str


@dataclass(frozen=True)
class Model:
    """The curated model: compartments, species, interactions and their parameters.

    Build one with :func:`load_model`; it is immutable. The graph view is
    :func:`network.to_digraph` and the equations are :func:`network.build_equations`.
    """

    name: str
    version: str
    description: str
    compartments: tuple[Compartment, ...]
    species: tuple[SpeciesRow, ...]
    interactions: tuple[InteractionRow, ...]
    parameters: tuple[ParameterRow, ...]
    subject_changes: tuple[SubjectRow, ...] = ()
    #: The organisms the model describes (``taxonomy:`` CURIEs, NCBI Taxonomy).
    taxa: tuple[str, ...] = ()
    #: The biological processes the model describes (``go:GO:`` CURIEs).
    processes: tuple[str, ...] = ()
    source: str = field(default="model", compare=False)
    _species_index: dict[str, SpeciesRow] = field(init=False, repr=False, compare=False)
    _edge_index: dict[tuple[str, str], InteractionRow] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "_species_index", {s.id: s for s in self.species})
        object.__setattr__(
            self, "_edge_index", {(i.source, i.target): i for i in self.interactions}
        )

    def get_species(self, species_id: str) -> SpeciesRow:
        """Return the species (or input, or observable) with this ID.

        Raises
        ------
        UnknownSpeciesError
            If there is none; the message lists the valid IDs.
        """
        try:
            return self._species_index[species_id]
        except KeyError:
            valid = ", ".join(sorted(self._species_index))
            raise UnknownSpeciesError(
                f"unknown species '{species_id}'; valid IDs: {valid}"
            ) from None

    def get_interaction(self, source: str, target: str) -> InteractionRow:
        """Return the interaction ``source -> target``.

        Raises
        ------
        UnknownInteractionError
            If the model has no such edge; the message lists the valid ones.
        """
        try:
            return self._edge_index[(source, target)]
        except KeyError:
            valid = ", ".join(f"{s} -> {t}" for s, t in sorted(self._edge_index))
            raise UnknownInteractionError(
                f"unknown interaction '{source} -> {target}'; valid edges: {valid}"
            ) from None

    @cached_property
    def fingerprint(self) -> str:
        """A digest of everything the equations are built from (not of where it was read).

        Equal models have equal fingerprints; the compiled-model cache is keyed on it.
        """
        content = {
            "name": self.name,
            "version": self.version,
            "compartments": [vars(c) for c in self.compartments],
            "species": [row.model_dump(mode="json") for row in self.species],
            "interactions": [row.model_dump(mode="json") for row in self.interactions],
            "parameters": [row.model_dump(mode="json") for row in self.parameters],
            "subjects": [row.model_dump(mode="json") for row in self.subject_changes],
        }
        text = json.dumps(content, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()

    def parameter_values(self) -> dict[str, float]:
        """Every kinetic parameter as ``{interaction}__{parameter}: value``."""
        return {p.id: p.value for p in self.parameters}

    @property
    def inputs(self) -> tuple[SpeciesRow, ...]:
        """The input nodes (driven by protocols, zero at rest)."""
        return tuple(s for s in self.species if s.kind == "input")

    @property
    def states(self) -> tuple[SpeciesRow, ...]:
        """The species that have an ODE."""
        return tuple(s for s in self.species if s.is_state)

    @property
    def observables(self) -> tuple[SpeciesRow, ...]:
        """The observables (computed from other species, e.g. ``serum__BDNF``)."""
        return tuple(s for s in self.species if s.kind == "observable")
