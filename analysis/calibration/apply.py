"""Fitted values back into the model's ``parameters.tsv``.

Only identifiable parameters are written: a value whose profile interval reaches a bound of
``parameters.tsv`` says the data could not decide it (or want it beyond the range the tables
allow, which points at a missing mechanism rather than a number), so the tables keep theirs.
Each written row says ``fitted:`` with the studies, the interval and what it replaced.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from mbaxis.analysis.errors import CalibrationError
from mbaxis.network.tables import read_utf8

__all__ = ["FittedValue", "apply_fit", "read_fitted"]

_COLUMNS = (
    "parameterId",
    "value",
    "lower95",
    "upper95",
    "identifiable",
    "lowerBound",
    "upperBound",
    "studies",
)


@dataclass(frozen=True)
class FittedValue:
    """One row of ``fitted_parameters.tsv``."""

    id: str
    value: float
    lower: float
    upper: float
    identifiable: bool
    studies: str


def read_fitted(path: Path) -> tuple[FittedValue, ...]:
    """The rows of a ``fitted_parameters.tsv`` written by ``mbaxis calibrate --out``."""
    rows = list(csv.DictReader(read_utf8(path).splitlines(), delimiter="\t"))
    if not rows or tuple(rows[0]) != _COLUMNS:
        raise CalibrationError(f"{path}: expected the columns {', '.join(_COLUMNS)}")
    out = []
    for number, row in enumerate(rows, start=2):
        try:
            out.append(
                FittedValue(
                    row["parameterId"],
                    float(row["value"]),
                    float(row["lower95"]),
                    float(row["upper95"]),
                    row["identifiable"] == "true",
                    row["studies"],
                )
            )
        except ValueError:
            raise CalibrationError(
                f"{path}, line {number}: value and interval must be numbers"
            ) from None
    return tuple(out)


_BEFORE = "; before the fit: "


def _source(fitted: FittedValue, before: str) -> str:
    return (
        f"fitted: mbaxis calibrate to {fitted.studies} (analysis/data/calibration/fit); "
        f"95% profile interval [{fitted.lower:.4g}, {fitted.upper:.4g}]{_BEFORE}{before}"
    )


def apply_fit(fitted_path: Path, parameters_path: Path) -> list[str]:
    """Write the identifiable fitted values into ``parameters_path`` (atomically); return the
    IDs written."""
    fitted = {f.id: f for f in read_fitted(fitted_path) if f.identifiable}
    lines = read_utf8(parameters_path).splitlines()
    header = lines[0].split("\t")
    written = []
    for index, line in enumerate(lines[1:], start=1):
        cells = dict(zip(header, line.split("\t"), strict=True))
        name = f"{cells['interaction']}__{cells['parameter']}"
        if name not in fitted:
            continue
        value = fitted[name]
        if cells["source"].startswith("fitted:") and _BEFORE in cells["source"]:
            before = cells["source"].split(_BEFORE, 1)[1]  # a refit keeps the first history
        else:
            before = f"{cells['value']}, {cells['source']}"
        cells["value"] = f"{value.value:.6g}"
        cells["source"] = _source(value, before)
        lines[index] = "\t".join(cells[c] for c in header)
        written.append(name)
    missing = sorted(set(fitted) - set(written))
    if missing:
        raise CalibrationError(f"{parameters_path}: no row for fitted parameter(s) {missing}")
    temporary = parameters_path.with_name(f".{parameters_path.name}.tmp")
    temporary.write_text("\n".join(lines) + "\n", encoding="utf-8")
    temporary.replace(parameters_path)
    return written
