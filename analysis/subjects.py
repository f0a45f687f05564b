"""Subjects (CONTRACT section 6): who an experiment is done on.

A subject is written ``subject(sex=female,age=62)`` on the command line and
``{sex: female, age: 62}`` in YAML. Every key has a default, and the defaults are the reference
subject: a healthy, untrained young man, the person the model's tables describe. Values are
checked when a subject is made; whether the model can represent a subject is checked when it is
simulated (:meth:`Subject.unsupported`), so an observation file can name subjects that a later
model will represent, and today's model counts those findings as misses that say why.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from mbaxis.analysis.errors import SubjectError

__all__ = ["REFERENCE_SUBJECT", "SUBJECT_KEYS", "Subject", "parse_subject", "subject_from_mapping"]

#: Each key with its allowed values (a tuple) or its type, and its meaning.
SUBJECT_KEYS: dict[str, tuple[tuple[str, ...] | type, str]] = {
    "sex": (("male", "female"), "biological sex"),
    "age": (float, "age in years"),
    "training_status": (
        ("untrained", "recreational", "trained", "resistance_trained"),
        "training status (trained: endurance)",
    ),
    "bdnf_val66met": (("val/val", "val/met", "met/met"), "BDNF Val66Met genotype"),
    "menopause": (bool, "post-menopausal (female only)"),
    "species": (("human", "mouse", "rat"), "the organism"),
}


@dataclass(frozen=True)
class Subject:
    """Who an experiment is done on; the defaults are the reference subject."""

    sex: str = "male"
    age: float = 25.0
    training_status: str = "untrained"
    bdnf_val66met: str = "val/val"
    menopause: bool = False
    species: str = "human"

    def __post_init__(self) -> None:
        for item in fields(self):
            allowed, meaning = SUBJECT_KEYS[item.name]
            value = getattr(self, item.name)
            if isinstance(allowed, tuple):
                if value not in allowed:
                    raise SubjectError(
                        f"subject key '{item.name}' ({meaning}) must be one of: "
                        f"{', '.join(allowed)}; got {value!r}"
                    )
            elif allowed is bool:
                if not isinstance(value, bool):
                    raise SubjectError(f"subject key '{item.name}' must be true or false")
            elif isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                raise SubjectError(
                    f"subject key '{item.name}' ({meaning}) must be a positive number; "
                    f"got {value!r}"
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

    def unsupported(self) -> str | None:
        """Why the model cannot simulate this subject, or None if it can.

        Today's model describes the reference subject only; CONTRACT section 6 lists the keys
        that later versions map onto documented parameter changes.
        """
        differences = self.differences()
        if not differences:
            return None
        listed = ", ".join(f"{key}={_text(value)}" for key, value in differences.items())
        return (
            f"the model cannot yet represent subject key(s) {listed}; it describes the "
            f"reference subject only ({REFERENCE_SUBJECT})"
        )

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
        values[key] = _value(raw)
    return subject_from_mapping(values)


def _value(raw: str) -> Any:
    if raw.lower() in ("true", "false"):
        return raw.lower() == "true"
    try:
        return float(raw)
    except ValueError:
        return raw
