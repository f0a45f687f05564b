"""Subjects (CONTRACT section 6): who an experiment is done on.

A subject is written ``subject(sex=female,age=62)`` on the command line and
``{sex: female, age: 62}`` in YAML. Every key has a default, and the defaults are the reference
subject: a healthy, untrained young man of 25, the person the model's tables describe. Every
other subject is a set of documented changes in the model's ``subjects.tsv`` (production of a
species scaled, an interaction's effect scaled, a parameter set; each row with its source),
applied like a perturbation: the run starts from the resting state with them in place.

Values are checked when a subject is made; whether the model can represent a subject is checked
when it is simulated (:func:`subject_effect`), so an observation file can name subjects that a
model has no rows for, and such findings count as misses that say why.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from mbaxis.analysis.errors import SubjectError
from mbaxis.network import Model
from mbaxis.network.naming import hook
from mbaxis.network.schema import REFERENCE_AGE, SUBJECT_KEYS, age_row_years

__all__ = [
    "REFERENCE_SUBJECT",
    "Subject",
    "SubjectEffect",
    "parse_subject",
    "subject_effect",
    "subject_from_mapping",
]

#: What each key means (its values are :data:`mbaxis.network.schema.SUBJECT_KEYS`).
_MEANING = {
    "sex": "biological sex",
    "age": "age in years",
    "training_status": "training status (trained: endurance)",
    "bdnf_val66met": "BDNF Val66Met genotype",
    "menopause": "post-menopausal (female only)",
    "species": "the organism",
}


@dataclass(frozen=True)
class Subject:
    """Who an experiment is done on; the defaults are the reference subject."""

    sex: str = "male"
    age: float = REFERENCE_AGE
    training_status: str = "untrained"
    bdnf_val66met: str = "val/val"
    menopause: bool = False
    species: str = "human"

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            meaning = _MEANING[item.name]
            if item.name == "age":
                if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                    raise SubjectError(
                        f"subject key 'age' ({meaning}) must be a positive number; got {value!r}"
                    )
            elif item.name == "menopause":
                if not isinstance(value, bool):
                    raise SubjectError(
                        f"subject key 'menopause' must be true or false; got {value!r}"
                    )
            elif value not in SUBJECT_KEYS[item.name]:
                raise SubjectError(
                    f"subject key '{item.name}' ({meaning}) must be one of: "
                    f"{', '.join(SUBJECT_KEYS[item.name])}; got {value!r}"
                )
        if self.menopause and self.sex != "female":
            raise SubjectError("subject key 'menopause' applies to a female subject only")
        object.__setattr__(self, "age", float(self.age))

    def differences(self) -> dict[str, Any]:
        """The keys where this subject differs from the reference subject."""
        return {
            item.name: getattr(self, item.name)
            for item in fields(self)
            if getattr(self, item.name) != getattr(REFERENCE_SUBJECT, item.name)
        }

    def __str__(self) -> str:
        differences = self.differences()
        if not differences:
            return "a healthy untrained young man (the reference subject)"
        return "subject(" + ",".join(f"{k}={_text(v)}" for k, v in differences.items()) + ")"

    def to_mapping(self) -> dict[str, Any]:
        """The YAML/JSON form: only the keys that differ from the reference subject."""
        return self.differences()


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


REFERENCE_SUBJECT = Subject()


@dataclass(frozen=True)
class SubjectEffect:
    """What a subject changes: multipliers of hooks, and parameter values."""

    # synthesis_scale / activity hooks, and parameters a parameter_scale row multiplies
    multipliers: dict[str, float] = field(default_factory=dict)
    parameters: dict[str, float] = field(default_factory=dict)  # kinetic parameters, half-lives


def subject_effect(model: Model, subject: Subject) -> SubjectEffect:
    """The changes ``model``'s subject table makes for ``subject``.

    Raises
    ------
    SubjectError
        Naming every key whose value the table has no rows for (the model cannot represent it).
    """
    effect = SubjectEffect()
    missing = []
    for key, value in subject.differences().items():
        rows = [
            row
            for row in model.subject_changes
            # every age row applies (the linter checked its form); other keys match the value
            if row.key == key and (key == "age" or row.value == _text(value))
        ]
        if not rows:
            missing.append(f"{key}={_text(value)}")
            continue
        for row in rows:
            years = age_row_years(row.value, value) if key == "age" else 1.0
            if row.change == "parameter":
                effect.parameters[row.target] = row.factor
                continue
            name = (
                row.target
                if row.change == "parameter_scale"
                else hook(
                    row.target,
                    "synthesis_scale" if row.change == "synthesis_scale" else "activity",
                )
            )
            effect.multipliers[name] = effect.multipliers.get(name, 1.0) * row.factor**years
    if missing:
        raise SubjectError(
            f"the model cannot represent subject key(s) {', '.join(missing)}: its subject "
            f"table has no rows for them (keys it represents: {_represented(model)})"
        )
    return effect


def _represented(model: Model) -> str:
    pairs = sorted({f"{row.key}={row.value}" for row in model.subject_changes})
    return ", ".join(pairs) or "none; it describes the reference subject only"


def subject_from_mapping(mapping: Mapping[str, Any]) -> Subject:
    """A subject from ``{sex: female, age: 62}``; unknown keys name themselves.

    Examples
    --------
    >>> str(subject_from_mapping({"sex": "female", "age": 62}))
    'subject(sex=female,age=62)'
    >>> subject_from_mapping({"height": 180})
    Traceback (most recent call last):
    ...
    mbaxis.analysis.errors.SubjectError: unknown subject key 'height'; valid keys: sex, age, ...
    """
    if not isinstance(mapping, Mapping):
        raise SubjectError(f"a subject is a mapping such as {{sex: female}}; got {mapping!r}")
    for key in mapping:
        if key not in SUBJECT_KEYS:
            raise SubjectError(
                f"unknown subject key '{key}'; valid keys: {', '.join(SUBJECT_KEYS)}"
            )
    return Subject(**{str(key): value for key, value in mapping.items()})


def parse_subject(text: str) -> Subject:
    """A subject from its command-line form ``subject(sex=female,age=62)``.

    Examples
    --------
    >>> parse_subject("subject(training_status=trained)").training_status
    'trained'
    """
    body = text.strip()
    if not (body.startswith("subject(") and body.endswith(")")):
        raise SubjectError(f"cannot read subject '{text}'; expected subject(key=value,...)")
    values: dict[str, Any] = {}
    inside = body[len("subject(") : -1].strip()
    for part in filter(None, (p.strip() for p in inside.split(","))):
        key, equals, raw = (s.strip() for s in part.partition("="))
        if not equals or not key or not raw:
            raise SubjectError(f"cannot read subject '{text}': expected key=value, got '{part}'")
        values[key] = _value(key, raw)
    return subject_from_mapping(values)


def _value(key: str, raw: str) -> Any:
    if raw.lower() in ("true", "false"):
        return raw.lower() == "true"
    if key == "age":
        try:
            return float(raw)
        except ValueError:
            return raw
    return raw
