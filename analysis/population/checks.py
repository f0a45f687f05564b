"""Population checks: published findings about how responses vary between people.

A finding such as "18 of 33 young men had a higher serum BDNF after 30 min at 60% VO2max" is
about a population, not a person, so it cannot be written in the observation format
(CONTRACT section 4). A population check draws a virtual population like the one studied
(``subject`` keys held fixed, ``age: [LOW, HIGH]`` drawn uniformly, every other covariate from
the bundled table), runs the protocol, and compares one measure of the responses with the
published range:

``responder_fraction``
    the share whose response is above ``responder_threshold``;
``mean``, ``median``
    of the responses (relative changes against the same person at rest);
``cv``
    the between-person coefficient of variation of the response (SD / |mean|).

The bundled checks live in ``mbaxis/analysis/data/population_checks.yaml``; ``mbaxis
validate`` runs them with the bundled suite and reports them beside it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from mbaxis.analysis.defaults import CHANGE_THRESHOLD
from mbaxis.analysis.ensembles import Ensemble
from mbaxis.analysis.errors import CovariateError
from mbaxis.analysis.population.cohort import Cohort, CohortMember
from mbaxis.analysis.population.covariates import Covariates, load_covariates
from mbaxis.analysis.population.responses import population_responses
from mbaxis.analysis.protocols import Protocol, parse_protocol
from mbaxis.analysis.subjects import subject_from_mapping
from mbaxis.network import Model
from mbaxis.network.tables import read_utf8

__all__ = [
    "MEASURES",
    "PopulationCheck",
    "bundled_population_checks_path",
    "load_population_checks",
    "run_population_checks",
]

MEASURES = ("responder_fraction", "mean", "median", "cv")
_FIELDS = {
    "id",
    "source",
    "quote",
    "population",
    "protocol",
    "readout",
    "statistic",
    "window",
    "measure",
    "responder_threshold",
    "expect",
    "tags",
    "notes",
}


@dataclass(frozen=True)
class PopulationCheck:
    """One published finding about a population's responses (see the module docstring)."""

    id: str
    source: str
    protocol: Protocol
    readout: str
    statistic: str
    window: tuple[float, float] | None
    measure: str
    expect: tuple[float, float]
    n: int = 200
    seed: int = 0
    fixed: dict[str, Any] | None = None
    age: tuple[float, float] | None = None
    responder_threshold: float = CHANGE_THRESHOLD
    tags: tuple[str, ...] = ()

    def cohort(self, covariates: Covariates, ensemble: Ensemble | None) -> Cohort:
        """The population the study describes, drawn at the check's seed."""
        rng = np.random.default_rng(self.seed)
        drawn = covariates.sample(self.n, rng)
        ages = (
            np.round(self.age[0] + rng.random(self.n) * (self.age[1] - self.age[0]), 1)
            if self.age is not None
            else np.array([p.age for p in drawn])
        )
        people = []
        for person, age in zip(drawn, ages, strict=True):
            values = {**person.to_mapping(), "age": float(age), **(self.fixed or {})}
            if "menopause" not in (self.fixed or {}):  # follows sex and age, as when drawn
                values["menopause"] = bool(
                    values.get("sex") == "female"
                    and covariates.menopause_from_age is not None
                    and values["age"] >= covariates.menopause_from_age
                )
            people.append(subject_from_mapping(values))
        if ensemble is None:
            return Cohort(tuple(CohortMember(p) for p in people), np.full(self.n, 1.0 / self.n))
        picks = rng.choice(len(ensemble), size=self.n, p=ensemble.weights / ensemble.weights.sum())
        return Cohort(
            tuple(
                CohortMember(p, tuple(ensemble.overrides(int(i)).items()), ensemble.members[int(i)])
                for p, i in zip(people, picks, strict=True)
            ),
            np.full(self.n, 1.0 / self.n),
        )


def bundled_population_checks_path() -> Path:
    """The population checks that ship with mbaxis."""
    return Path(str(resources.files("mbaxis.analysis") / "data" / "population_checks.yaml"))


def load_population_checks(path: str | Path | None = None) -> list[PopulationCheck]:
    """Read population checks; a malformed entry is a :class:`CovariateError` naming the file
    and the entry."""
    source = Path(path) if path is not None else bundled_population_checks_path()
    try:
        entries = yaml.safe_load(read_utf8(source))
    except FileNotFoundError:
        raise CovariateError(f"{source}: no such population checks file") from None
    except yaml.YAMLError as error:
        raise CovariateError(f"{source}: not YAML ({str(error).splitlines()[0]})") from None
    if not isinstance(entries, list):
        raise CovariateError(f"{source}: expected a list of checks")
    checks = []
    for number, entry in enumerate(entries, start=1):
        where = f"{source}, check {number}"
        if not isinstance(entry, dict):
            raise CovariateError(f"{where}: expected a mapping")
        unknown = set(entry) - _FIELDS
        missing = {"id", "source", "population", "protocol", "readout", "measure", "expect"} - set(
            entry
        )
        if unknown or missing:
            raise CovariateError(
                f"{where} ({entry.get('id', '?')}): "
                + (f"unknown field(s) {', '.join(sorted(unknown))}" if unknown else "")
                + ("; " if unknown and missing else "")
                + (f"missing field(s) {', '.join(sorted(missing))}" if missing else "")
            )
        checks.append(_check(entry, f"{where} ({entry['id']})"))
    return checks


def _check(entry: dict[str, Any], where: str) -> PopulationCheck:
    population = entry["population"]
    if not isinstance(population, dict) or not set(population) <= {"n", "seed", "subject"}:
        raise CovariateError(f"{where}: population takes n, seed and subject")
    fixed = dict(population.get("subject") or {})
    age = fixed.pop("age", None)
    if isinstance(age, list):
        if len(age) != 2 or not 0 < age[0] < age[1]:
            raise CovariateError(f"{where}: subject age [LOW, HIGH] needs 0 < LOW < HIGH")
        age_range: tuple[float, float] | None = (float(age[0]), float(age[1]))
    else:
        age_range = (float(age), float(age) + 1e-9) if age is not None else None
    subject_from_mapping(fixed)  # unknown keys and bad values name themselves
    expect = entry["expect"]
    if not (isinstance(expect, dict) and list(expect) == ["range"] and len(expect["range"]) == 2):
        raise CovariateError(f"{where}: expect takes {{range: [LOW, HIGH]}}")
    if entry["measure"] not in MEASURES:
        raise CovariateError(
            f"{where}: unknown measure '{entry['measure']}'; valid: {', '.join(MEASURES)}"
        )
    window = entry.get("window")
    return PopulationCheck(
        id=str(entry["id"]),
        source=str(entry["source"]),
        protocol=parse_protocol(str(entry["protocol"])),
        readout=str(entry["readout"]),
        statistic=str(entry.get("statistic", "max")),
        window=(float(window[0]), float(window[1])) if window else None,
        measure=str(entry["measure"]),
        expect=(float(expect["range"][0]), float(expect["range"][1])),
        n=int(population.get("n", 200)),
        seed=int(population.get("seed", 0)),
        fixed=fixed or None,
        age=age_range,
        responder_threshold=float(entry.get("responder_threshold", CHANGE_THRESHOLD)),
        tags=tuple(entry.get("tags", ())),
    )


def _measure(check: PopulationCheck, responses: np.ndarray) -> float:
    if responses.size == 0:
        return math.nan
    if check.measure == "responder_fraction":
        return float((responses > check.responder_threshold).mean())
    if check.measure == "mean":
        return float(responses.mean())
    if check.measure == "median":
        return float(np.median(responses))
    mean = float(responses.mean())
    return float(responses.std(ddof=1) / abs(mean)) if mean and responses.size > 1 else math.nan


def run_population_checks(
    model: Model,
    checks: list[PopulationCheck],
    *,
    ensemble: Ensemble | None = None,
    covariates: Covariates | None = None,
    jobs: int = 1,
) -> list[dict[str, Any]]:
    """Run every check; one JSON row each: ``id``, ``measure``, ``expected`` (the range),
    ``value``, ``ok``, ``source`` and ``error`` (why it could not run)."""
    covariates = covariates or load_covariates()
    rows = []
    for check in checks:
        cohort = check.cohort(covariates, ensemble)
        result = population_responses(
            model,
            cohort,
            [check.protocol],
            readout=check.readout,
            statistic=check.statistic,
            window=check.window,
            responder_threshold=check.responder_threshold,
            jobs=jobs,
        )
        ok_rows = result.people[result.people["error"] == ""]
        value = _measure(check, ok_rows["response"].to_numpy(dtype=float))
        low, high = check.expect
        rows.append(
            {
                "id": check.id,
                "measure": check.measure,
                "expected": [low, high],
                "value": value if math.isfinite(value) else None,
                "ok": bool(math.isfinite(value) and low <= value <= high),
                "n": check.n,
                "source": check.source,
                "tags": list(check.tags),
                "error": "" if len(ok_rows) else str(result.people["error"].iloc[0]),
            }
        )
    return rows
