"""Published findings as executable checks (CONTRACT section 4): reading observation files.

An observation file is a YAML list; each entry names an experiment (protocols and
perturbations), an optional reference experiment, a readout, a time window, a statistic and
the expected outcome. :func:`load_observations` reads and checks the structure of every entry
and reports each problem with file, entry and field; IDs that the model does not hold are
reported when the entry is run (it then counts as a miss that says why).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from mbaxis.analysis.perturbations import perturbation_from_mapping
from mbaxis.analysis.protocols import protocol_from_mapping
from mbaxis.analysis.scenarios import Experiment, Scenario
from mbaxis.analysis.statistics import STATISTICS
from mbaxis.analysis.subjects import REFERENCE_SUBJECT, Subject, subject_from_mapping
from mbaxis.network import ModelError
from mbaxis.network.errors import EncodingError
from mbaxis.network.tables import read_utf8

__all__ = [
    "EXPECTATIONS",
    "ROLES",
    "Observation",
    "ObservationError",
    "bundled_observations_path",
    "load_observations",
]

#: The outcomes an observation can expect; a range is written ``{range: [lo, hi]}``.
EXPECTATIONS = ("increase", "decrease", "no_change")
#: What an entry is for: ``test`` (the default) counts; ``calibration`` marks a finding that a
#: parameter was set from (that parameter's source names it).
ROLES = ("test", "calibration")
_FIELDS = (
    "id",
    "source",
    "experiment",
    "reference",
    "readout",
    "window_min",
    "statistic",
    "expect",
    "threshold",
    "tags",
    "role",
    "notes",
)


#: Species keys (CONTRACT section 6) and tags that mark a finding made in rodents.
RODENTS = frozenset({"mouse", "rat"})


class ObservationError(ModelError, ValueError):
    """A malformed observation file; the message names the file, the entry and the field."""


@dataclass(frozen=True)
class Observation:
    """One published finding, ready to run."""

    id: str
    source: str
    experiment: Experiment
    reference: Experiment | None
    readout: str
    window: tuple[float, float]
    statistic: str
    expect: str | tuple[float, float]
    threshold: float | None = None  # None: the suite's default (0.05 unless overridden)
    tags: tuple[str, ...] = field(default_factory=tuple)
    role: str = "test"

    @property
    def expected_label(self) -> str:
        """``increase``/``decrease``/``no_change`` or ``range [lo, hi]``."""
        if isinstance(self.expect, tuple):
            return f"range [{self.expect[0]:g}, {self.expect[1]:g}]"
        return self.expect

    @property
    def compares(self) -> bool:
        """True when the finding is about a change against a reference (rest by default);
        False for an absolute range, which needs no reference run."""
        return not (isinstance(self.expect, tuple) and self.reference is None)

    @property
    def organism(self) -> str:
        """``rodent`` for a finding in mice or rats (by its subjects or its tags), else
        ``human``: the two groups the scorecard reports apart."""
        subjects = [self.experiment.subject] + ([self.reference.subject] if self.reference else [])
        rodent = {s.species for s in subjects} & RODENTS or set(self.tags) & {*RODENTS, "rodent"}
        return "rodent" if rodent else "human"

    def on_subject(self, subject: Subject) -> Observation:
        """The finding run on ``subject`` instead of the reference subject (``validate
        --subject``); an entry that names its own subjects keeps them, since it compares them."""
        experiments = [self.experiment] + ([self.reference] if self.reference else [])
        if any(e.subject != REFERENCE_SUBJECT for e in experiments):
            return self
        return dataclasses.replace(
            self,
            experiment=dataclasses.replace(self.experiment, subject=subject),
            reference=dataclasses.replace(self.reference, subject=subject)
            if self.reference
            else None,
        )

    def scenarios(self) -> tuple[Scenario, Scenario | None]:
        """The experiment's scenario and, when the finding compares, the reference's."""

        def ask(experiment: Experiment) -> Scenario:
            return Scenario(experiment, (self.readout,), self.statistic, self.window)

        # without a reference the change is from the same subject at rest
        rest = Experiment(subject=self.experiment.subject)
        reference = ask(self.reference or rest) if self.compares else None
        return ask(self.experiment), reference


def bundled_observations_path() -> Path:
    """The validation suite that ships with mbaxis."""
    return Path(str(resources.files("mbaxis.analysis") / "data" / "observations.yaml"))


def load_observations(path: str | Path | None = None) -> list[Observation]:
    """Read an observation file (default: the bundled suite), checking every entry.

    Raises
    ------
    ObservationError
        Listing every malformed entry with file, entry ID (or position) and field.
    """
    path = Path(path) if path is not None else bundled_observations_path()
    try:
        entries = yaml.safe_load(read_utf8(path))
    except (FileNotFoundError, IsADirectoryError):
        raise ObservationError(f"{path}: no such observation file") from None
    except EncodingError as error:
        raise ObservationError(str(error)) from None
    except yaml.YAMLError as error:
        raise ObservationError(f"{path}: not valid YAML: {error}") from None
    if not isinstance(entries, list):
        raise ObservationError(f"{path}: expected a YAML list of observations")
    problems: list[str] = []
    observations: list[Observation] = []
    seen: set[str] = set()
    for position, entry in enumerate(entries, start=1):
        name = (
            f"entry '{entry['id']}'"
            if isinstance(entry, dict) and "id" in entry
            else f"entry #{position}"
        )
        try:
            observation = _observation(entry)
        except ObservationError as error:
            problems.append(f"{path.name}, {name}, {error}")
            continue
        if observation.id in seen:
            problems.append(f"{path.name}, {name}, field 'id': duplicate ID")
        seen.add(observation.id)
        observations.append(observation)
    if problems:
        raise ObservationError(f"{len(problems)} problem(s) in {path}:\n  " + "\n  ".join(problems))
    return observations


def _field(name: str, message: str) -> ObservationError:
    return ObservationError(f"field '{name}': {message}")


def _observation(entry: Any) -> Observation:
    if not isinstance(entry, dict):
        raise ObservationError(f"expected a mapping; got {type(entry).__name__}")
    unknown = set(entry) - set(_FIELDS)
    if unknown:
        raise _field(sorted(unknown)[0], f"unknown field; expected: {', '.join(_FIELDS)}")
    for required in ("id", "source", "experiment", "readout", "window_min", "statistic", "expect"):
        if required not in entry:
            raise _field(required, "missing")
    if not isinstance(entry["id"], str) or not entry["id"]:
        raise _field("id", "expected a non-empty string")
    if not isinstance(entry["source"], str) or not entry["source"].strip():
        raise _field("source", "expected the citation of the finding")
    experiment = _experiment("experiment", entry["experiment"])
    reference = (
        _experiment("reference", entry["reference"]) if entry.get("reference") is not None else None
    )
    window = entry["window_min"]
    if (
        not isinstance(window, list)
        or len(window) != 2
        or not all(isinstance(v, int | float) for v in window)
        or window[0] > window[1]
        or window[0] < 0
    ):
        raise _field(
            "window_min", f"expected [start, end] in minutes with start <= end; got {window!r}"
        )
    statistic = entry["statistic"]
    if statistic not in STATISTICS:
        raise _field("statistic", f"'{statistic}' is not one of: {', '.join(STATISTICS)}")
    expect = _expectation(entry["expect"])
    threshold = entry.get("threshold")
    if threshold is not None and (
        isinstance(threshold, bool) or not isinstance(threshold, int | float) or threshold < 0
    ):
        raise _field("threshold", f"expected a non-negative number; got {threshold!r}")
    tags = entry.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise _field("tags", "expected a list of strings")
    if not isinstance(entry["readout"], str):
        raise _field("readout", "expected a species or observable ID")
    role = entry.get("role", "test")
    if role not in ROLES:
        raise _field("role", f"'{role}' is not one of: {', '.join(ROLES)}")
    return Observation(
        id=entry["id"],
        source=entry["source"].strip(),
        experiment=experiment,
        reference=reference,
        readout=entry["readout"],
        window=(float(window[0]), float(window[1])),
        statistic=statistic,
        expect=expect,
        threshold=None if threshold is None else float(threshold),
        tags=tuple(tags),
        role=role,
    )


def _experiment(name: str, value: Any) -> Experiment:
    if not isinstance(value, Mapping):
        raise _field(name, "expected {protocols: [...], perturbations: [...], subject: {...}}")
    unknown = sorted(set(map(str, value)) - {"protocols", "perturbations", "subject"})
    if unknown:
        raise _field(
            name, f"unknown key '{unknown[0]}'; expected protocols, perturbations, subject"
        )
    protocols = value.get("protocols") or []
    perturbations = value.get("perturbations") or []
    if not isinstance(protocols, list) or not isinstance(perturbations, list):
        raise _field(name, "protocols and perturbations are lists")
    try:
        return Experiment(
            tuple(
                protocol_from_mapping(p) if isinstance(p, Mapping) else _bad(p) for p in protocols
            )
            or (protocol_from_mapping({"name": "rest"}),),
            tuple(
                perturbation_from_mapping(p) if isinstance(p, Mapping) else _bad(p)
                for p in perturbations
            ),
            subject_from_mapping(value["subject"])
            if value.get("subject") is not None
            else REFERENCE_SUBJECT,
        )
    except ModelError as error:
        raise _field(name, str(error)) from None


def _bad(value: Any) -> Any:
    raise ObservationError(f"expected a mapping such as {{name: aerobic}}; got {value!r}")


def _expectation(value: Any) -> str | tuple[float, float]:
    if isinstance(value, str):
        if value not in EXPECTATIONS:
            raise _field(
                "expect", f"'{value}' is not one of: {', '.join(EXPECTATIONS)}, {{range: [lo, hi]}}"
            )
        return value
    if isinstance(value, Mapping) and set(value) == {"range"}:
        bounds = value["range"]
        if (
            isinstance(bounds, list)
            and len(bounds) == 2
            and all(isinstance(b, int | float) for b in bounds)
            and bounds[0] <= bounds[1]
        ):
            return float(bounds[0]), float(bounds[1])
    raise _field(
        "expect", f"expected increase, decrease, no_change or {{range: [lo, hi]}}; got {value!r}"
    )
