"""Covariate distributions: who a virtual population is made of, and how often.

A covariates table is a TSV file with the columns ``covariate``, ``level``, ``frequency`` and
``source`` (the bundled one is ``mbaxis/analysis/data/covariates.tsv``; ``mbaxis population
--covariates FILE`` replaces it). Each covariate is drawn independently:

``sex``, ``training_status``, ``bdnf_val66met``
    one row per level (the values of CONTRACT section 6); the frequencies of a covariate sum
    to 1.
``age``
    one row per band, written ``LOW-HIGH`` in years; an age is drawn uniformly inside its band.
``menopause``
    one row, level ``from_age``, whose ``frequency`` column holds an age in years: women that
    old or older are post-menopausal (the median age at natural menopause, in place of its
    spread).

A covariate the table leaves out keeps the reference subject's value (CONTRACT section 6).
Every row needs a source: a population is only as good as the data it is drawn from.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from itertools import pairwise
from pathlib import Path

import numpy as np

from mbaxis.analysis.errors import CovariateError
from mbaxis.analysis.subjects import REFERENCE_SUBJECT, Subject
from mbaxis.network.errors import EncodingError
from mbaxis.network.schema import SUBJECT_KEYS
from mbaxis.network.tables import read_utf8

__all__ = [
    "COVARIATES",
    "COVARIATE_COLUMNS",
    "AgeBand",
    "Covariates",
    "Level",
    "bundled_covariates_path",
    "load_covariates",
]

#: The covariates a population can vary (the human subject keys of CONTRACT section 6).
COVARIATES = ("sex", "age", "training_status", "bdnf_val66met", "menopause")
COVARIATE_COLUMNS = ("covariate", "level", "frequency", "source")
#: How far the frequencies of one covariate may sum away from 1 (rounding of published shares).
SUM_TOLERANCE = 1e-3
#: The youngest and oldest ages a band may name: the adults the model's age rows describe.
AGE_RANGE = (18.0, 100.0)


@dataclass(frozen=True)
class Level:
    """One value of a categorical covariate and how often people have it."""

    value: str
    frequency: float
    source: str


@dataclass(frozen=True)
class AgeBand:
    """Ages ``low`` to ``high`` (years, drawn uniformly) and the share of people in them."""

    low: float
    high: float
    frequency: float
    source: str

    @property
    def label(self) -> str:
        return f"{self.low:g}-{self.high:g}"


@dataclass(frozen=True)
class Covariates:
    """The distributions a population is drawn from (see the module docstring)."""

    path: str
    categorical: dict[str, tuple[Level, ...]]
    age: tuple[AgeBand, ...]
    menopause_from_age: float | None

    def sample(self, n: int, rng: np.random.Generator) -> list[Subject]:
        """``n`` subjects drawn independently from the distributions, with ``rng``."""
        if n < 1:
            raise CovariateError(f"a population needs at least 1 subject; got n = {n}")
        draws: dict[str, list[object]] = {}
        # a fixed order of draws, so that a seed gives the same population whatever the table's
        # row order
        for covariate in ("sex", "training_status", "bdnf_val66met"):
            levels = self.categorical.get(covariate)
            if levels:
                picks = rng.choice(len(levels), size=n, p=_normalised(levels))
                draws[covariate] = [levels[i].value for i in picks]
        if self.age:
            bands = rng.choice(len(self.age), size=n, p=_normalised(self.age))
            within = rng.random(n)
            draws["age"] = [
                round(self.age[b].low + u * (self.age[b].high - self.age[b].low), 1)
                for b, u in zip(bands, within, strict=True)
            ]
        subjects = []
        for i in range(n):
            values = {key: column[i] for key, column in draws.items()}
            sex = values.get("sex", REFERENCE_SUBJECT.sex)
            age = float(values.get("age", REFERENCE_SUBJECT.age))  # type: ignore[arg-type]
            if self.menopause_from_age is not None and sex == "female":
                values["menopause"] = age >= self.menopause_from_age
            subjects.append(Subject(**values))  # type: ignore[arg-type]
        return subjects

    def age_band(self, age: float) -> str:
        """The label of the band ``age`` falls in (for strata)."""
        for band in self.age:
            if band.low <= age <= band.high:
                return band.label
        return f"{age:g}"

    def describe(self) -> list[dict[str, object]]:
        """The table as JSON rows."""
        rows: list[dict[str, object]] = []
        for covariate, levels in self.categorical.items():
            rows += [
                {"covariate": covariate, "level": lv.value, "frequency": lv.frequency}
                for lv in levels
            ]
        rows += [{"covariate": "age", "level": b.label, "frequency": b.frequency} for b in self.age]
        if self.menopause_from_age is not None:
            rows.append(
                {
                    "covariate": "menopause",
                    "level": "from_age",
                    "frequency": self.menopause_from_age,
                }
            )
        return rows


def _normalised(rows: Sequence[Level | AgeBand]) -> np.ndarray:
    weights = np.array([row.frequency for row in rows], dtype=float)
    normalised: np.ndarray = weights / weights.sum()
    return normalised


def bundled_covariates_path() -> Path:
    """The covariates table that ships with mbaxis."""
    return Path(str(resources.files("mbaxis.analysis") / "data" / "covariates.tsv"))


def load_covariates(path: str | Path | None = None) -> Covariates:
    """Read and check a covariates table (default: the bundled one).

    Raises
    ------
    CovariateError
        Naming the file and row: a missing column, an unknown covariate or level, a frequency
        that is not a number in [0, 1], frequencies of a covariate that do not sum to 1, a
        malformed or overlapping age band, a row without a source.

    Examples
    --------
    >>> covariates = load_covariates()
    >>> sorted(covariates.categorical)
    ['bdnf_val66met', 'sex', 'training_status']
    """
    source = Path(path) if path is not None else bundled_covariates_path()
    try:
        text = read_utf8(source)
    except FileNotFoundError:
        raise CovariateError(f"{source}: no such covariates file") from None
    except EncodingError as error:
        raise CovariateError(str(error)) from None
    reader = csv.reader(io.StringIO(text), delimiter="\t")
    header = next(reader, None)
    if header is None or [h.strip() for h in header] != list(COVARIATE_COLUMNS):
        raise CovariateError(
            f"{source}, line 1: expected the columns {', '.join(COVARIATE_COLUMNS)} "
            f"(tab-separated); got {', '.join(header or []) or 'nothing'}"
        )
    categorical: dict[str, list[Level]] = {}
    ages: list[AgeBand] = []
    menopause: float | None = None
    lines: dict[str, int] = {}
    for number, row in enumerate(reader, start=2):
        if not row or not any(cell.strip() for cell in row):
            continue
        where = f"{source}, line {number}"
        if len(row) != len(COVARIATE_COLUMNS):
            raise CovariateError(f"{where}: {len(row)} cells, expected {len(COVARIATE_COLUMNS)}")
        covariate, level, frequency_text, reference = (cell.strip() for cell in row)
        if covariate not in COVARIATES:
            raise CovariateError(
                f"{where}: unknown covariate '{covariate}'; valid covariates: "
                f"{', '.join(COVARIATES)}"
            )
        if not reference:
            raise CovariateError(f"{where}: the row has no source")
        lines.setdefault(covariate, number)
        value = _number(frequency_text, where)
        if covariate == "menopause":
            if level != "from_age" or menopause is not None:
                raise CovariateError(
                    f"{where}: menopause takes one row, level 'from_age' with an age in years "
                    f"in the frequency column; got level '{level}'"
                )
            if not AGE_RANGE[0] <= value <= AGE_RANGE[1]:
                raise CovariateError(
                    f"{where}: menopause from age {value:g} is outside "
                    f"{AGE_RANGE[0]:g}-{AGE_RANGE[1]:g} years"
                )
            menopause = value
            continue
        if not 0.0 <= value <= 1.0:
            raise CovariateError(
                f"{where}: frequency {frequency_text} of {covariate}={level} must be in [0, 1]"
            )
        if covariate == "age":
            ages.append(_age_band(level, value, reference, where))
            continue
        if level not in SUBJECT_KEYS[covariate]:
            raise CovariateError(
                f"{where}: unknown level '{level}' of {covariate}; valid levels: "
                f"{', '.join(SUBJECT_KEYS[covariate])}"
            )
        if any(existing.value == level for existing in categorical.get(covariate, [])):
            raise CovariateError(f"{where}: {covariate}={level} is given twice")
        categorical.setdefault(covariate, []).append(Level(level, value, reference))
    groups: dict[str, Sequence[Level | AgeBand]] = {**categorical, "age": ages}
    for covariate, rows in groups.items():
        if not rows:
            continue
        total = sum(row.frequency for row in rows)
        if abs(total - 1.0) > SUM_TOLERANCE:
            raise CovariateError(
                f"{source}, line {lines[covariate]}: the frequencies of {covariate} sum to "
                f"{total:.4g}; expected 1"
            )
    _check_bands(ages, source)
    return Covariates(
        str(source),
        {k: tuple(v) for k, v in categorical.items()},
        tuple(sorted(ages, key=lambda band: band.low)),
        menopause,
    )


def _number(text: str, where: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise CovariateError(f"{where}: frequency '{text}' is not a number") from None
    if not math.isfinite(value):
        raise CovariateError(f"{where}: frequency '{text}' is not a finite number")
    return value


def _age_band(level: str, frequency: float, reference: str, where: str) -> AgeBand:
    low_text, dash, high_text = level.partition("-")
    try:
        low, high = float(low_text), float(high_text)
    except ValueError:
        low = high = math.nan
    if not dash or not (AGE_RANGE[0] <= low < high <= AGE_RANGE[1]):
        raise CovariateError(
            f"{where}: age band '{level}' must be LOW-HIGH in years with "
            f"{AGE_RANGE[0]:g} <= LOW < HIGH <= {AGE_RANGE[1]:g}"
        )
    return AgeBand(low, high, frequency, reference)


def _check_bands(bands: list[AgeBand], source: Path) -> None:
    ordered = sorted(bands, key=lambda band: band.low)
    for first, second in pairwise(ordered):
        if second.low < first.high:
            raise CovariateError(f"{source}: age bands {first.label} and {second.label} overlap")
