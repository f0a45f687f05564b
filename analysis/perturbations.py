"""Perturbations (CONTRACT section 3): knock-out, knock-down, over-expression, clamp, inhibit.

Each perturbation becomes changes of parameters the equations already carry (the hooks of
:mod:`mbaxis.network.naming`: ``synthesis_scale`` and ``clamped`` of a species, ``activity``
of an edge) and of initial values, so a perturbed run reuses the compiled model. Perturbations
hold for the whole run: the resting state it starts from is computed with them in place.

Written as ``{knockout: plasma__CTSB}`` in YAML/JSON, or ``knockout(plasma__CTSB)``,
``knockdown(plasma__IL6,fraction=0.5)``, ``inhibit(plasma__lactate -> brain__lactate)`` on the
command line.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from mbaxis.analysis.errors import PerturbationError
from mbaxis.network import Model
from mbaxis.network.errors import IdentifierError
from mbaxis.network.naming import EdgeId, hook

__all__ = [
    "KINDS",
    "Perturbation",
    "PerturbationEffect",
    "apply_perturbations",
    "parse_perturbation",
    "perturbation_from_mapping",
]

#: Each kind with the name of its value and that value's default.
KINDS: dict[str, tuple[str | None, float | None]] = {
    "knockout": (None, None),
    "knockdown": ("fraction", 1.0),
    "overexpress": ("factor", 2.0),
    "clamp": ("value", None),
    "inhibit": ("fraction", 1.0),
}


@dataclass(frozen=True)
class Perturbation:
    """One perturbation: its kind, its target (a node ID, or an :class:`EdgeId` for
    ``inhibit``) and its value (fraction, factor or clamp level; None for a knock-out)."""

    kind: str
    target: str | EdgeId
    value: float | None = None

    def __str__(self) -> str:
        name = KINDS[self.kind][0]
        if not name:
            return f"{self.kind}({self.target})"
        return f"{self.kind}({self.target},{name}={_number(self.value)})"

    def to_mapping(self) -> dict[str, Any]:
        """The YAML/JSON form, e.g. ``{knockdown: plasma__IL6, fraction: 0.5}``."""
        name = KINDS[self.kind][0]
        return {self.kind: str(self.target), **({name: self.value} if name else {})}


def _number(value: float | None) -> str:
    """The shortest text that reads back as ``value`` (``0.5``, ``2``, ``0.123456789``)."""
    short = f"{value:g}"
    return short if float(short) == value else repr(value)


@dataclass
class PerturbationEffect:
    """What a set of perturbations does to a run."""

    parameters: dict[str, float] = field(default_factory=dict)  # parameter overrides
    initial: dict[str, float] = field(default_factory=dict)  # state initial values
    input_scale: dict[str, float] = field(default_factory=dict)  # multiplies protocol inputs
    input_fixed: dict[str, float] = field(default_factory=dict)  # input held at a value


def _make(kind: str, target: str, value: Any) -> Perturbation:
    if kind not in KINDS:
        raise PerturbationError(
            f"unknown perturbation '{kind}'; valid perturbations: {', '.join(KINDS)}"
        )
    name, default = KINDS[kind]
    subject: str | EdgeId = target.strip()
    if kind == "inhibit":
        try:
            subject = EdgeId.parse(target)
        except IdentifierError:
            raise PerturbationError(
                f"inhibit needs an edge written 'A -> B'; got '{target}'"
            ) from None
    if name is None:
        if value is not None:
            raise PerturbationError(f"'{kind}' takes no value; got {value!r}")
        return Perturbation(kind, subject)
    value = default if value is None else value
    if value is None:
        raise PerturbationError(f"'{kind}' of '{target}' needs a '{name}'")
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or value < 0
    ):
        raise PerturbationError(
            f"'{name}' of {kind}({target}) must be a finite non-negative number; got {value!r}"
        )
    if name == "fraction" and value > 1:
        raise PerturbationError(f"'fraction' of {kind}({target}) must be at most 1; got {value}")
    return Perturbation(kind, subject, float(value))


def perturbation_from_mapping(mapping: Mapping[str, Any]) -> Perturbation:
    """A perturbation from ``{knockdown: NODE, fraction: F}`` and the like."""
    kinds = [k for k in mapping if k in KINDS]
    if len(kinds) != 1:
        raise PerturbationError(
            f"a perturbation names exactly one of {', '.join(KINDS)}; got {dict(mapping)!r}"
        )
    kind = kinds[0]
    name = KINDS[kind][0]
    extra = set(mapping) - {kind, name}
    if extra:
        raise PerturbationError(
            f"unknown key(s) {', '.join(sorted(map(str, extra)))} in {kind}; "
            f"expected: {kind}{', ' + name if name else ''}"
        )
    return _make(kind, str(mapping[kind]), mapping.get(name) if name else None)


_CALL = re.compile(r"^\s*(\w+)\s*\(\s*(.+?)\s*(?:,\s*(\w+)\s*=\s*([^,()]+?))?\s*\)\s*$")


def parse_perturbation(text: str) -> Perturbation:
    """A perturbation from its command-line form, or from a YAML/JSON mapping.

    Examples
    --------
    >>> str(parse_perturbation("knockdown(plasma__IL6,fraction=0.5)"))
    'knockdown(plasma__IL6,fraction=0.5)'
    >>> parse_perturbation("{inhibit: plasma__lactate -> brain__lactate}").target
    EdgeId(source='plasma__lactate', target='brain__lactate')
    """
    if text.strip().startswith("{"):
        import yaml  # only this form needs it; the command line starts faster without

        try:
            mapping = yaml.safe_load(text)
        except yaml.YAMLError as error:
            raise PerturbationError(f"cannot read perturbation '{text}': {error}") from None
        if not isinstance(mapping, dict):
            raise PerturbationError(f"cannot read perturbation '{text}'; expected a mapping")
        return perturbation_from_mapping(mapping)
    match = _CALL.match(text)
    if match is None:
        raise PerturbationError(
            f"cannot read perturbation '{text}'; expected e.g. knockout(plasma__CTSB) or "
            "knockdown(plasma__IL6,fraction=0.5)"
        )
    kind, target, key, raw = match.groups()
    name = KINDS.get(kind, (None, None))[0]
    if key is not None and key != name:
        raise PerturbationError(f"unknown key '{key}' in {kind}; expected: {name or 'no value'}")
    value: float | None = None
    if raw is not None:
        try:
            value = float(raw)
        except ValueError:
            raise PerturbationError(f"'{key}' of {kind}({target}) must be a number") from None
    return _make(kind, target, value)


def apply_perturbations(model: Model, perturbations: Sequence[Perturbation]) -> PerturbationEffect:
    """Translate perturbations into parameter, initial-value and input changes.

    Raises
    ------
    PerturbationError
        For an observable as target, or a kind that does not apply to the target.
    network.UnknownSpeciesError, network.UnknownInteractionError
        For an unknown node or edge (the message lists the valid ones).
    """
    effect = PerturbationEffect()
    for perturbation in perturbations:
        target = perturbation.target
        if isinstance(target, EdgeId):
            edge = model.get_interaction(target.source, target.target)
            name = hook(edge.id, "activity")
            effect.parameters[name] = effect.parameters.get(name, 1.0) * (
                1.0 - (perturbation.value or 0.0)
            )
            continue
        node = model.get_species(target)
        if node.kind == "observable":
            raise PerturbationError(
                f"{perturbation}: '{node.id}' is an observable (what an assay reads); "
                "perturb the species it is computed from"
            )
        if node.kind == "input":
            _apply_to_input(effect, perturbation, node.id)
            continue
        scale_name = hook(node.id, "synthesis_scale")
        scale = effect.parameters.get(scale_name, 1.0)
        if perturbation.kind == "knockout":
            effect.parameters[scale_name] = 0.0
            effect.initial[node.id] = 0.0
        elif perturbation.kind == "knockdown":
            effect.parameters[scale_name] = scale * (1.0 - (perturbation.value or 0.0))
        elif perturbation.kind == "overexpress":
            effect.parameters[scale_name] = scale * (perturbation.value or 0.0)
        elif perturbation.kind == "clamp":
            effect.parameters[hook(node.id, "clamped")] = 1.0
            effect.initial[node.id] = perturbation.value or 0.0
    return effect


def _apply_to_input(effect: PerturbationEffect, perturbation: Perturbation, input_id: str) -> None:
    value = perturbation.value or 0.0
    if perturbation.kind == "knockout":
        effect.input_fixed[input_id] = 0.0
    elif perturbation.kind == "clamp":
        effect.input_fixed[input_id] = value
    elif perturbation.kind == "knockdown":
        effect.input_scale[input_id] = effect.input_scale.get(input_id, 1.0) * (1.0 - value)
    else:
        effect.input_scale[input_id] = effect.input_scale.get(input_id, 1.0) * value
