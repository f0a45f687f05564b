"""The model tables: every column name, the allowed vocabularies and the typed rows.

This module is the one place that names the columns of ``species.tsv``, ``interactions.tsv``
and ``parameters.tsv`` (the PEtab habit). Rows are validated by pydantic; the loader in
:mod:`network.model` turns validation failures into :class:`network.errors.Problem` records
that name file, line, column and ID.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from mbaxis.network.naming import parameter_id
from mbaxis.network.units import parse_unit

__all__ = [
    "COMPARTMENTS_REQUIRED",
    "EVIDENCE_LEVELS",
    "ID_PATTERN",
    "INTERACTION_COLUMNS",
    "LAWS",
    "LOSS_LAWS",
    "MECHANISMS",
    "PARAMETER_COLUMNS",
    "REFERENCE_AGE",
    "REFERENCE_PATTERN",
    "SPECIES_COLUMNS",
    "SUBJECT_CHANGES",
    "SUBJECT_COLUMNS",
    "SUBJECT_KEYS",
    "THRESHOLD_INPUT",
    "EvidenceLevel",
    "InteractionRow",
    "Kind",
    "ParameterRow",
    "SpeciesRow",
    "SubjectRow",
    "age_row_onset",
    "age_row_years",
]

#: IDs of species, interactions and parameters (CONTRACT section 1).
ID_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
#: A reference is a PubMed ID or a DOI, written ``PMID:8637535`` or ``DOI:10.1016/...``.
REFERENCE_PATTERN = re.compile(r"^(PMID:[0-9]+|DOI:10\.[0-9]{4,9}/\S+)$")

#: Compartments that every model must declare (CONTRACT section 1).
COMPARTMENTS_REQUIRED = ("muscle", "plasma", "liver", "bone", "brain")

#: What a node is. ``input`` nodes are driven by protocols and rest at zero; ``observable``
#: nodes are what an assay reads, computed from other species; ``drug`` nodes are
#: concentrations of an administered compound (resting at zero, filled by ``dosing`` edges,
#: cleared with their half-life); all others are state variables that rest at their level.
Kind = Literal[
    "input",
    "metabolite",
    "protein",
    "mrna",
    "hormone",
    "activity",
    "phenotype",
    "observable",
    "drug",
]

#: Mechanism classes of an interaction, each mapped to the rate law that encodes it
#: (see :mod:`network.equations`):
#:
#: - ``regulation``: the source scales the synthesis of the target by a normalised Hill term;
#: - ``proportional``: the source scales the synthesis of the target in proportion to its
#:   level, without saturating (:func:`network.rate_laws.proportional`): a read-out whose
#:   source's range stays far below any half-maximal level, such as an adaptation that grows
#:   with each session's time-integrated transcriptional burst (mechanism ``proportional_drive``);
#: - ``conversion``: the source is turned into the target (a flux that consumes the source);
#: - ``catalysis``: the source scales the conversion flux into the target;
#: - ``clearance``: the source scales the target's first-order loss. The sign is still the
#:   effect on the target's level: ``-`` speeds the loss, ``+`` slows it. A ``+`` edge from a
#:   species to itself is saturable (Michaelis-Menten-like) elimination;
#: - ``excess_clearance``: the source scales the removal of the target's excess over its
#:   resting level only (a trained subject clears post-exercise lactate faster, yet rests at the
#:   same lactate): ``-`` speeds that removal, ``+`` slows it; the resting level stays;
#: - ``threshold``: the source, a threshold expressed in the unit of the aerobic work rate
#:   (:data:`THRESHOLD_INPUT`), moves the target's response to that work rate: the ``ec50`` of
#:   the target's regulation by the work rate scales with the source's level relative to its
#:   rest (``-``: a higher threshold takes more work to reach the same response; ``+`` the
#:   reverse). It changes nothing at rest, only how much work the response needs;
#: - ``dilution``: the source is the volume the target is dissolved in (the plasma volume);
#:   while the volume moves, the target's concentration moves by the inverse (mechanism
#:   ``fluid_shift``: water leaves the vessels in exercise and the proteins stay), so it moves
#:   the target only while the volume changes, never where it settles;
#: - ``measurement``: the target is an observable, a weighted sum of its sources;
#: - ``dosing``: an input (a dose rate) fills a ``drug`` node, first-order pharmacokinetics.
MECHANISMS: dict[str, str] = {
    "secretion": "regulation",
    "glycolysis": "regulation",
    "release": "regulation",
    "transport": "regulation",
    "infusion": "regulation",
    "absorption": "regulation",
    "storage": "regulation",
    "transcription": "regulation",
    "translation": "regulation",
    "phosphorylation": "regulation",
    "deacetylation": "regulation",
    "inhibition": "regulation",
    "binding": "regulation",
    "signalling": "regulation",
    "cleavage": "regulation",
    "aromatization": "regulation",
    "mechanotransduction": "regulation",
    "conversion": "conversion",
    "catalysis": "catalysis",
    "clearance": "clearance",
    "excess_clearance": "excess_clearance",
    "threshold_shift": "threshold",
    "proportional_drive": "proportional",
    "fluid_shift": "dilution",
    "measurement": "measurement",
    "dosing": "dosing",
}

#: The input whose threshold a ``threshold`` edge moves: the aerobic work rate, a fraction of
#: VO2max (CONTRACT section 1). The lactate, catecholamine, GH and ACTH responses start at
#: the lactate threshold, which training moves as a fraction of VO2max.
THRESHOLD_INPUT = "muscle__work_rate"

#: The laws whose term scales the target's loss rather than its production.
LOSS_LAWS = ("clearance", "excess_clearance")

#: The parameters each rate law needs on every edge that uses it.
LAWS: dict[str, tuple[str, ...]] = {
    "regulation": ("emax", "ec50", "hill"),
    "proportional": ("slope",),
    "catalysis": ("emax", "ec50", "hill"),
    "clearance": ("emax", "ec50", "hill"),
    "excess_clearance": ("emax", "ec50", "hill"),
    "threshold": (),
    "dilution": (),
    "conversion": ("source_fraction", "target_fraction"),
    "measurement": ("weight",),
    "dosing": ("gain",),
}

SPECIES_COLUMNS = (
    "id",
    "name",
    "compartment",
    "kind",
    "unit",
    "resting_level",
    "resting_low",
    "resting_high",
    "resting_source",
    "half_life",
    "half_life_unit",
    "half_life_source",
    "identifiers",
)
INTERACTION_COLUMNS = (
    "id",
    "source",
    "target",
    "sign",
    "mechanism",
    "references",
    "organism",
    "evidence",
    "evidence_level",
)

#: What kind of support an edge has (SCIENCE.md): ``in_vivo``, the edge itself shown in the
#: organism and tissue named; ``in_vitro``, in cells or slices; ``proxy``, through another
#: tissue, a related molecule or total rather than phosphorylated protein; ``association``,
#: two things that rose together.
EvidenceLevel = Literal["in_vivo", "in_vitro", "proxy", "association"]
#: Columns a model folder may leave out (folders written before the column existed); the
#: bundled model fills them (tests/network/test_bundled_model.py).
OPTIONAL_COLUMNS = ("evidence_level",)
EVIDENCE_LEVELS: tuple[str, ...] = ("in_vivo", "in_vitro", "proxy", "association")
PARAMETER_COLUMNS = ("interaction", "parameter", "value", "unit", "low", "high", "source")
SUBJECT_COLUMNS = ("key", "value", "target", "change", "factor", "source")

#: Who an experiment can be done on (CONTRACT section 6): each key with its values; the first
#: value is the reference subject's. ``age`` is a number of years (reference 25); its rows in
#: ``subjects.tsv`` are written for the value ``per_year``, applied once per year away from 25,
#: or ``per_year_from_N`` (N at least 25), applied once per year above age N and not below it,
#: for a change that the literature finds only late in life (:func:`age_row_onset`).
SUBJECT_KEYS: dict[str, tuple[str, ...]] = {
    "sex": ("male", "female"),
    "age": ("per_year",),
    "training_status": ("untrained", "recreational", "trained", "resistance_trained"),
    "bdnf_val66met": ("val/val", "val/met", "met/met"),
    "menopause": ("false", "true"),
    "species": ("human", "mouse", "rat"),
}
#: The reference subject's age in years (``age`` rows apply per year away from it).
REFERENCE_AGE = 25.0
_AGE_FROM = re.compile(r"per_year_from_(\d+(?:\.\d+)?)")


def age_row_onset(value: str) -> float | None:
    """The age from which an ``age`` row of ``subjects.tsv`` applies, or None if ``value`` is
    not an age row's value: the reference age for ``per_year``, N for ``per_year_from_N``.

    >>> age_row_onset("per_year"), age_row_onset("per_year_from_50"), age_row_onset("old")
    (25.0, 50.0, None)
    """
    if value == "per_year":
        return REFERENCE_AGE
    match = _AGE_FROM.fullmatch(value)
    return float(match.group(1)) if match else None


def age_row_years(value: str, age: float) -> float:
    """How many times an ``age`` row with ``value`` applies at ``age``: the years away from the
    reference age for ``per_year`` (negative when younger), the years above N for
    ``per_year_from_N`` (0 at or below N).

    >>> age_row_years("per_year", 20.0), age_row_years("per_year_from_50", 67.0)
    (-5.0, 17.0)
    """
    onset = age_row_onset(value)
    if onset is None:
        raise ValueError(f"'{value}' is not a value of an age row")
    if value == "per_year":
        return age - REFERENCE_AGE
    return max(0.0, age - onset)


#: How a subject row changes the model:
#:
#: - ``synthesis_scale``: multiplies all production of a state species (``target``);
#: - ``activity``: multiplies the effect of an interaction (``target``, an interaction ID; 0
#:   when the interaction is absent in that subject);
#: - ``parameter``: sets a kinetic parameter or a half-life (``target``, a parameter ID such
#:   as ``exercise_lactate__emax`` or ``plasma__GH__half_life``) to ``factor``;
#: - ``parameter_scale``: multiplies such a parameter by ``factor`` (after any ``parameter`` row).
#:
#: Multiplying changes of ``age`` rows apply once per year away from the reference age.
SUBJECT_CHANGES = ("synthesis_scale", "activity", "parameter", "parameter_scale")

_CURIE = re.compile(r"^[a-z][a-z0-9.]*:\S+$")


def _check_id(value: str) -> str:
    if not ID_PATTERN.match(value):
        raise ValueError(f"'{value}' does not match {ID_PATTERN.pattern}")
    return value


def _check_unit(value: str) -> str:
    parse_unit(value)  # raises UnitError, a ValueError, with the list of known units
    return value


def _optional_float(value: object) -> object:
    return None if value in ("", None) else value


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class SpeciesRow(_Row):
    """One row of ``species.tsv``: a node of the graph."""

    id: str
    name: str = Field(min_length=1)
    compartment: str
    kind: Kind
    unit: str
    resting_level: float
    resting_low: float | None = None
    resting_high: float | None = None
    resting_source: str = Field(min_length=1)
    half_life: float | None = None
    half_life_unit: str | None = None
    half_life_source: str | None = None
    identifiers: tuple[str, ...] = ()

    _id = field_validator("id")(_check_id)
    _unit = field_validator("unit")(_check_unit)
    _optional = field_validator(
        "resting_low",
        "resting_high",
        "half_life",
        "half_life_unit",
        "half_life_source",
        mode="before",
    )(_optional_float)

    @field_validator("half_life_unit")
    @classmethod
    def _time_unit(cls, value: str | None) -> str | None:
        if value is not None and parse_unit(value).dimension != "time":
            raise ValueError(f"'{value}' is not a unit of time; expected one of: s, min, h, d")
        return value

    @field_validator("identifiers", mode="before")
    @classmethod
    def _split_identifiers(cls, value: object) -> object:
        if isinstance(value, str):
            parts = tuple(part for part in value.split() if part)
            for part in parts:
                if not _CURIE.match(part):
                    raise ValueError(f"'{part}' is not a CURIE such as uniprot:P23560")
            return parts
        return value

    @property
    def is_state(self) -> bool:
        """True for species that have an ODE (everything but inputs and observables)."""
        return self.kind not in ("input", "observable")


class InteractionRow(_Row):
    """One row of ``interactions.tsv``: a signed edge with its evidence."""

    id: str
    source: str
    target: str
    sign: Literal[1, -1]
    mechanism: str
    references: tuple[str, ...] = Field(min_length=1)
    organism: str = Field(min_length=1)
    evidence: str = Field(min_length=1)
    evidence_level: EvidenceLevel | None = None

    _id = field_validator("id", "source", "target")(_check_id)
    _optional = field_validator("evidence_level", mode="before")(_optional_float)

    @field_validator("sign", mode="before")
    @classmethod
    def _parse_sign(cls, value: object) -> object:
        signs = {"+": 1, "-": -1, "1": 1, "-1": -1}
        if isinstance(value, str):
            if value not in signs:
                raise ValueError(f"'{value}' is not a sign; expected '+' or '-'")
            return signs[value]
        return value

    @field_validator("mechanism")
    @classmethod
    def _known_mechanism(cls, value: str) -> str:
        if value not in MECHANISMS:
            raise ValueError(
                f"'{value}' is not a mechanism; expected one of: {', '.join(MECHANISMS)}"
            )
        return value

    @field_validator("references", mode="before")
    @classmethod
    def _split_references(cls, value: object) -> object:
        if isinstance(value, str):
            parts = tuple(part.strip() for part in value.split(";") if part.strip())
            if not parts:
                raise ValueError("no reference; expected at least one PMID:... or DOI:...")
            for part in parts:
                if not REFERENCE_PATTERN.match(part):
                    raise ValueError(
                        f"'{part}' is not a reference; expected PMID:<digits> or DOI:10.<...>"
                    )
            return parts
        return value

    @property
    def law(self) -> str:
        """The rate law that encodes this edge (see :data:`MECHANISMS`)."""
        return MECHANISMS[self.mechanism]

    @property
    def term_sign(self) -> int:
        """+1 where the edge's Hill term is an activation, -1 an inhibition: the edge's sign,
        reversed for a ``clearance`` or ``excess_clearance`` edge, whose term scales the
        target's loss (a ``+`` edge slows it)."""
        return -self.sign if self.law in LOSS_LAWS else self.sign


class ParameterRow(_Row):
    """One row of ``parameters.tsv``: a kinetic parameter of one interaction."""

    interaction: str
    parameter: str
    value: float
    unit: str
    low: float | None = None
    high: float | None = None
    source: str = Field(min_length=1)

    _id = field_validator("interaction", "parameter")(_check_id)
    _unit = field_validator("unit")(_check_unit)
    _optional = field_validator("low", "high", mode="before")(_optional_float)

    @property
    def id(self) -> str:
        """The parameter's ID, ``{interaction}__{parameter}``."""
        return parameter_id(self.interaction, self.parameter)


class SubjectRow(_Row):
    """One row of ``subjects.tsv``: what a subject key's value changes, and the source."""

    key: str
    value: str
    target: str
    change: Literal["synthesis_scale", "activity", "parameter", "parameter_scale"]
    factor: float
    source: str = Field(min_length=1)

    _target = field_validator("target")(_check_id)

    @field_validator("key")
    @classmethod
    def _known_key(cls, value: str) -> str:
        if value not in SUBJECT_KEYS:
            raise ValueError(
                f"'{value}' is not a subject key; expected one of: {', '.join(SUBJECT_KEYS)}"
            )
        return value

    @field_validator("factor")
    @classmethod
    def _positive(cls, value: float, info: ValidationInfo) -> float:
        # An interaction can be absent in a subject (activity 0); nothing else can be zero.
        absent_edge = info.data.get("change") == "activity" and value == 0
        if not (value > 0 or absent_edge):
            raise ValueError(
                f"factor {value:g} is not positive (only an activity may be 0: edge absent)"
            )
        return value
