"""Units that the model tables may use, and how each maps onto SBML base units.

A unit is written in the tables exactly as one of the names in :data:`UNITS` (for example
``mM``, ``pg/mL`` or ``min``). Keeping a closed list, rather than parsing arbitrary unit
algebra, means every unit that reaches the SBML export has a known decomposition, and a typo
such as ``pg/dl`` is reported instead of silently accepted.

Each unit is a product of SBML base units, ``multiplier * 10**scale * kind**exponent``, the
same decomposition that SBML ``<unitDefinition>`` elements use.
"""

from __future__ import annotations

from dataclasses import dataclass

from mbaxis.network.errors import UnitError

__all__ = ["UNITS", "Unit", "UnitTerm", "parse_unit", "to_minutes"]


@dataclass(frozen=True)
class UnitTerm:
    """One factor of a unit: ``(multiplier * 10**scale * kind) ** exponent`` in SBML terms."""

    kind: str
    exponent: int = 1
    scale: int = 0
    multiplier: float = 1.0


@dataclass(frozen=True)
class Unit:
    """A named unit with its physical dimension and its SBML decomposition.

    Attributes
    ----------
    name : str
        The spelling used in the tables, e.g. ``"pg/mL"``.
    dimension : str
        What the unit measures: ``amount/volume``, ``mass/volume``, ``mass/mass``,
        ``dimensionless``, ``time``, ``amount/time``, ``mass/time`` or ``temperature``.
    terms : tuple of UnitTerm
        The SBML decomposition; empty for dimensionless units.
    description : str
        A readable explanation, used in SBML notes and error messages.
    """

    name: str
    dimension: str
    terms: tuple[UnitTerm, ...]
    description: str

    @property
    def sbml_id(self) -> str:
        """An SBML-safe identifier for the unit definition, e.g. ``pg_per_mL``."""
        return (
            self.name.replace("/", "_per_")
            .replace("%", "percent")
            .replace(" ", "_")
            .replace("-", "_")
            .replace("(", "")
            .replace(")", "")
        )


_DIMENSIONLESS: tuple[UnitTerm, ...] = ()


def _molar_per_dose_rate(prefix: str, exponent: int) -> Unit:
    """A hormone's steady concentration per dose rate, e.g. (pmol/L)/(mg/d)."""
    return Unit(
        f"({prefix}/L)/(mg/d)",
        "amount*time/(volume*mass)",
        (
            UnitTerm("mole", 1, exponent),
            UnitTerm("litre", -1),
            UnitTerm("gram", -1, -3),
            UnitTerm("second", 1, 0, 86400.0),
        ),
        f"molar concentration per dose rate ({prefix}/L x day per mg dosed)",
    )


UNITS: dict[str, Unit] = {
    unit.name: unit
    for unit in (
        # concentrations of amount
        Unit(
            "mM",
            "amount/volume",
            (UnitTerm("mole", 1, -3), UnitTerm("litre", -1)),
            "millimole per litre",
        ),
        Unit(
            "nmol/L",
            "amount/volume",
            (UnitTerm("mole", 1, -9), UnitTerm("litre", -1)),
            "nanomole per litre",
        ),
        Unit(
            "pmol/L",
            "amount/volume",
            (UnitTerm("mole", 1, -12), UnitTerm("litre", -1)),
            "picomole per litre",
        ),
        # concentrations of mass
        Unit(
            "ng/mL",
            "mass/volume",
            (UnitTerm("gram", 1, -9), UnitTerm("litre", -1, -3)),
            "nanogram per millilitre",
        ),
        Unit(
            "pg/mL",
            "mass/volume",
            (UnitTerm("gram", 1, -12), UnitTerm("litre", -1, -3)),
            "picogram per millilitre",
        ),
        Unit(
            "ng/g",
            "mass/mass",
            (UnitTerm("gram", 1, -9), UnitTerm("gram", -1)),
            "nanogram per gram of tissue",
        ),
        # dimensionless readouts
        Unit(
            "relative", "dimensionless", _DIMENSIONLESS, "relative to the resting level (rest = 1)"
        ),
        Unit("fraction", "dimensionless", _DIMENSIONLESS, "fraction of the total (0 to 1)"),
        Unit(
            "fraction_VO2max",
            "dimensionless",
            _DIMENSIONLESS,
            "exercise intensity as a fraction of maximal oxygen uptake",
        ),
        Unit(
            "fraction_1RM",
            "dimensionless",
            _DIMENSIONLESS,
            "resistance load as a fraction of the one-repetition maximum",
        ),
        Unit("dimensionless", "dimensionless", _DIMENSIONLESS, "a pure number"),
        # rates of delivery (inputs)
        Unit(
            "mmol/min",
            "amount/time",
            (UnitTerm("mole", 1, -3), UnitTerm("second", -1, 0, 60.0)),
            "millimole per minute",
        ),
        Unit(
            "g/h",
            "mass/time",
            (UnitTerm("gram", 1), UnitTerm("second", -1, 0, 3600.0)),
            "gram per hour",
        ),
        Unit(
            "mg/d",
            "mass/time",
            (UnitTerm("gram", 1, -3), UnitTerm("second", -1, 0, 86400.0)),
            "milligram per day",
        ),
        # temperature difference: a rise of 1 degC is a rise of 1 K
        Unit("degC", "temperature", (UnitTerm("kelvin", 1),), "degree Celsius (difference)"),
        # time
        Unit("s", "time", (UnitTerm("second", 1),), "second"),
        Unit("min", "time", (UnitTerm("second", 1, 0, 60.0),), "minute"),
        Unit("h", "time", (UnitTerm("second", 1, 0, 3600.0),), "hour"),
        Unit("d", "time", (UnitTerm("second", 1, 0, 86400.0),), "day"),
        Unit("1/min", "1/time", (UnitTerm("second", -1, 0, 60.0),), "per minute"),
        # a drug's exposure per dose: (ng/mL x d) per mg, i.e. 86.4 s/L
        Unit(
            "(ng/mL)/(mg/d)",
            "time/volume",
            (UnitTerm("second", 1, 0, 86.4), UnitTerm("litre", -1)),
            "concentration per dose rate (equivalently exposure, ng/mL x day, per mg dosed)",
        ),
        # a hormone's molar concentration per dose rate: (nmol/L x d) or (pmol/L x d) per mg
        _molar_per_dose_rate("nmol", -9),
        _molar_per_dose_rate("pmol", -12),
    )
}

_MINUTES_PER: dict[str, float] = {"s": 1.0 / 60.0, "min": 1.0, "h": 60.0, "d": 1440.0}


def parse_unit(text: str) -> Unit:
    """Return the :class:`Unit` spelled ``text``.

    Parameters
    ----------
    text : str
        A unit name exactly as in :data:`UNITS`; surrounding white space is ignored.

    Raises
    ------
    UnitError
        If ``text`` is not a known unit; the message lists the known ones.

    Examples
    --------
    >>> parse_unit("pg/mL").dimension
    'mass/volume'
    >>> parse_unit("pg/dl")
    Traceback (most recent call last):
    ...
    mbaxis.network.errors.UnitError: unit 'pg/dl' does not parse; expected one of: ...
    """
    name = text.strip()
    try:
        return UNITS[name]
    except KeyError:
        known = ", ".join(UNITS)
        raise UnitError(f"unit {text!r} does not parse; expected one of: {known}") from None


def to_minutes(value: float, unit: str) -> float:
    """Convert a duration to minutes, the model's time unit.

    Examples
    --------
    >>> to_minutes(2, "h")
    120.0
    """
    unit_obj = parse_unit(unit)
    if unit_obj.dimension != "time":
        raise UnitError(f"unit {unit!r} is not a unit of time; expected one of: s, min, h, d")
    return float(value) * _MINUTES_PER[unit_obj.name]
