"""The model's naming conventions, in one place.

- A species ID is ``{compartment}__{symbol}`` (CONTRACT section 1).
- A kinetic parameter is ``{interaction}__{parameter}`` (``exercise_lactate__emax``).
- The equations carry, per state species, its resting level, half-life and two perturbation
  hooks, and per interaction an activity hook; each is ``{owner}__{role}``
  (:func:`hook`). Perturbations, sensitivity analyses and ensembles set these by name.
- An edge is written ``source -> target`` (:class:`EdgeId`), on the command line, in
  observation files and in the JSON of ``mbaxis knockout``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from mbaxis.network.errors import IdentifierError

__all__ = [
    "HOOKS",
    "SEPARATOR",
    "EdgeId",
    "Hook",
    "hook",
    "owner_and_role",
    "parameter_id",
    "symbol_of",
]

#: Between the parts of every ID: compartment and symbol, owner and parameter.
SEPARATOR = "__"

#: The parameters the equations add to a model's own, by role:
#:
#: - ``rest``: a state species' resting level (fixed: the rate law is normalised to it);
#: - ``half_life``: its half-life in minutes;
#: - ``synthesis_scale``: multiplies all its production (knock-out 0, knock-down, over-expression);
#: - ``clamped``: 1 holds it at its initial value;
#: - ``activity``: scales an interaction's effect (``inhibit`` lowers it);
#: - ``sign``: an interaction's sign, in the sign-parameter build used by the null model;
#: - ``conversion_factor``: SBML's substance per reaction extent of a concentration species.
Hook = Literal[
    "rest", "half_life", "synthesis_scale", "clamped", "activity", "sign", "conversion_factor"
]
HOOKS: tuple[Hook, ...] = (
    "rest",
    "half_life",
    "synthesis_scale",
    "clamped",
    "activity",
    "sign",
    "conversion_factor",
)


def symbol_of(species_id: str) -> str:
    """The symbol of a species ID, without its compartment.

    Examples
    --------
    >>> symbol_of("brain__BDNF_mRNA")
    'BDNF_mRNA'
    """
    compartment, separator, symbol = species_id.partition(SEPARATOR)
    if not separator or not compartment or not symbol:
        raise IdentifierError(
            f"'{species_id}' is not a species ID; expected {{compartment}}{SEPARATOR}{{symbol}}"
        )
    return symbol


def parameter_id(owner: str, name: str) -> str:
    """The ID of parameter ``name`` of a species or interaction.

    Examples
    --------
    >>> parameter_id("exercise_lactate", "emax")
    'exercise_lactate__emax'
    """
    return f"{owner}{SEPARATOR}{name}"


def hook(owner: str, role: Hook) -> str:
    """The ID of a parameter the equations add for ``owner`` (see :data:`Hook`).

    Examples
    --------
    >>> hook("plasma__CTSB", "synthesis_scale")
    'plasma__CTSB__synthesis_scale'
    """
    return parameter_id(owner, role)


def owner_and_role(parameter: str) -> tuple[str, str]:
    """Split a parameter ID into its owner (species or interaction) and its role or name.

    Examples
    --------
    >>> owner_and_role("plasma__CTSB__half_life")
    ('plasma__CTSB', 'half_life')
    """
    owner, separator, role = parameter.rpartition(SEPARATOR)
    if not separator or not owner:
        raise IdentifierError(
            f"'{parameter}' is not a parameter ID; expected {{owner}}{SEPARATOR}{{name}}"
        )
    return owner, role


@dataclass(frozen=True, order=True)
class EdgeId:
    """An edge named by its ends, written ``source -> target``.

    Examples
    --------
    >>> edge = EdgeId.parse("plasma__lactate->brain__lactate")
    >>> edge.target
    'brain__lactate'
    >>> str(edge)
    'plasma__lactate -> brain__lactate'
    >>> EdgeId.parse("plasma__lactate")
    Traceback (most recent call last):
    ...
    mbaxis.network.errors.IdentifierError: 'plasma__lactate' is not an edge; expected 'A -> B'
    """

    source: str
    target: str

    ARROW = "->"

    @classmethod
    def parse(cls, text: str) -> EdgeId:
        """Read ``A -> B`` (spaces around the arrow optional)."""
        source, arrow, target = text.partition(cls.ARROW)
        source, target = source.strip(), target.strip()
        if not arrow or not source or not target or cls.ARROW in target:
            raise IdentifierError(f"'{text}' is not an edge; expected 'A -> B'")
        return cls(source, target)

    def __str__(self) -> str:
        return f"{self.source} {self.ARROW} {self.target}"
