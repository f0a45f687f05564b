"""Write the PEtab calibration problem from the two tables people edit.

``points.tsv`` holds the published numbers as printed, one row per mean: study, reference, the
table or text of the paper they are copied from, population, subject, protocols, readout, time,
mean, SD or SEM, n, the unit as printed and the factor to the model's unit. ``estimated.tsv``
lists the model parameters to fit and why each. ``python -m mbaxis.analysis.calibration build``
turns them into the PEtab tables (and ours) beside them; a test checks the committed ones are
fresh.

A dataset is one time course: the rows of one study with the same population, subject,
protocols and readout. A condition is one (protocols, subject) pair, shared across studies.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from mbaxis.analysis.calibration.problem import SCALE_PREFIX, observable_id
from mbaxis.analysis.errors import CalibrationError, ProtocolError, SubjectError
from mbaxis.analysis.protocols import parse_protocol
from mbaxis.analysis.subjects import parse_subject
from mbaxis.network import Model
from mbaxis.network.errors import EncodingError
from mbaxis.network.tables import read_utf8

__all__ = ["POINT_COLUMNS", "build_problem", "problem_files", "problem_folder", "problem_yaml"]

POINT_COLUMNS = (
    "study",
    "reference",
    "source",
    "organism",
    "population",
    "subject",
    "protocols",
    "readout",
    "time_min",
    "mean",
    "spread_kind",
    "spread",
    "n",
    "unit",
    "factor",
    "notes",
)
_ESTIMATED_COLUMNS = ("parameterId", "why")
#: The model file, relative to the problem's folder (the same in the repository and installed).
MODEL_FILE = "../../../sbml/models/mbaxis.xml"


@dataclass(frozen=True)
class _Point:
    line: int
    study: str
    reference: str
    source: str
    organism: str
    population: str
    subject: str
    protocols: str
    readout: str
    time: float
    value: float
    sem: float


def _rows(path: Path, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    try:
        text = read_utf8(path)
    except FileNotFoundError:
        raise CalibrationError(f"{path}: no such file") from None
    except EncodingError as error:
        raise CalibrationError(str(error)) from None
    lines = text.splitlines()
    header = lines[0].split("\t") if lines else []
    if tuple(header) != columns:
        raise CalibrationError(
            f"{path.name}, line 1: expected the columns {', '.join(columns)}; got "
            f"{', '.join(header) or 'nothing'}"
        )
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if len(cells) != len(columns):
            raise CalibrationError(
                f"{path.name}, line {number}: {len(cells)} cells, expected {len(columns)}"
            )
        rows.append((number, dict(zip(columns, (c.strip() for c in cells), strict=True))))
    return rows


def _number(row: dict[str, str], key: str, where: str) -> float:
    try:
        value = float(row[key])
    except ValueError:
        raise CalibrationError(f"{where}: {key} '{row[key]}' is not a number") from None
    if not math.isfinite(value):
        raise CalibrationError(f"{where}: {key} must be finite")
    return value


def _points(path: Path, model: Model) -> list[_Point]:
    readouts = {s.id for s in model.species}
    points = []
    for line, row in _rows(path, POINT_COLUMNS):
        where = f"{path.name}, line {line}"
        if row["readout"] not in readouts:
            raise CalibrationError(f"{where}: readout '{row['readout']}' is not a model ID")
        try:
            for spec in row["protocols"].split(";"):
                parse_protocol(spec.strip())
            if row["subject"]:
                parse_subject(row["subject"])
        except (ProtocolError, SubjectError) as error:
            raise CalibrationError(f"{where}: {error}") from None
        mean, spread, factor = (_number(row, k, where) for k in ("mean", "spread", "factor"))
        if row["spread_kind"] == "SEM":
            sem = spread
        elif row["spread_kind"] == "SD":
            n = _number(row, "n", where)
            if not (n >= 1 and n == int(n)):
                raise CalibrationError(f"{where}: n '{row['n']}' must be a whole number >= 1")
            sem = spread / math.sqrt(n)
        else:
            raise CalibrationError(
                f"{where}: spread_kind '{row['spread_kind']}'; expected SD or SEM (a mean "
                "without its spread cannot weigh in the fit)"
            )
        if not (mean >= 0 and sem > 0 and factor > 0):
            raise CalibrationError(
                f"{where}: mean must be >= 0, spread and factor > 0; got {mean}, {spread}, {factor}"
            )
        time = _number(row, "time_min", where)
        if time < 0:
            raise CalibrationError(f"{where}: time_min {time} is before the protocol starts")
        points.append(
            _Point(
                line,
                row["study"],
                row["reference"],
                row["source"],
                row["organism"],
                row["population"],
                row["subject"],
                ";".join(s.strip() for s in row["protocols"].split(";")),
                row["readout"],
                time,
                mean * factor,
                sem * factor,
            )
        )
    if not points:
        raise CalibrationError(f"{path.name}: no data rows")
    return points


def _tsv(header: Iterable[str], rows: Iterable[Iterable[object]]) -> str:
    lines = ["\t".join(header)]
    lines += ["\t".join(_cell(v) for v in row) for row in rows]
    return "\n".join(lines) + "\n"


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def problem_files(folder: Path, model: Model) -> dict[str, str]:
    """The generated tables of the problem in ``folder``, by file name."""
    points = _points(folder / "points.tsv", model)
    conditions: dict[tuple[str, str], str] = {}
    datasets: dict[tuple[str, str, str, str, str], str] = {}
    per_study: dict[str, int] = {}
    measurements = []
    dataset_rows = []
    for point in points:
        condition = conditions.setdefault(
            (point.protocols, point.subject), f"c{len(conditions) + 1:02d}"
        )
        key = (point.study, point.population, point.subject, point.protocols, point.readout)
        if key not in datasets:
            per_study[point.study] = per_study.get(point.study, 0) + 1
            name = f"{point.study}_{per_study[point.study]}"
            datasets[key] = name
            dataset_rows.append(
                (
                    name,
                    point.study,
                    point.reference,
                    point.source,
                    point.organism,
                    point.population,
                    f"points.tsv line {point.line}",
                )
            )
        dataset = datasets[key]
        measurements.append(
            (
                observable_id(point.readout),
                condition,
                point.value,
                point.time,
                SCALE_PREFIX + dataset,
                point.sem,
                dataset,
            )
        )
    readouts = sorted({p.readout for p in points})
    observables = [
        (
            observable_id(r),
            r,
            f"observableParameter1_{observable_id(r)} * {r}",
            f"noiseParameter1_{observable_id(r)}",
            "lin",
            "normal",
        )
        for r in readouts
    ]
    tables = {p.id: p for p in model.parameters}
    parameters = []
    for line, row in _rows(folder / "estimated.tsv", _ESTIMATED_COLUMNS):
        name = row["parameterId"]
        if name not in tables:
            raise CalibrationError(
                f"estimated.tsv, line {line}: '{name}' is not a kinetic parameter of the model"
            )
        p = tables[name]
        if p.low is None or p.high is None:
            raise CalibrationError(
                f"estimated.tsv, line {line}: '{name}' has no low/high in parameters.tsv"
            )
        parameters.append((name, "log10", float(p.low), float(p.high), float(p.value), 1))
    parameters += [(SCALE_PREFIX + d, "log10", 0.001, 1000.0, 1.0, 1) for d in datasets.values()]
    experiments = [(c, protocols, subject) for (protocols, subject), c in conditions.items()]
    return {
        "conditions.tsv": _tsv(
            ("conditionId", "conditionName"),
            ((c, f"{p} {s}".strip()) for (p, s), c in conditions.items()),
        ),
        "experiments.tsv": _tsv(("conditionId", "protocols", "subject"), experiments),
        "datasets.tsv": _tsv(
            ("datasetId", "studyId", "reference", "source", "organism", "population", "notes"),
            dataset_rows,
        ),
        "measurements.tsv": _tsv(
            (
                "observableId",
                "simulationConditionId",
                "measurement",
                "time",
                "observableParameters",
                "noiseParameters",
                "datasetId",
            ),
            measurements,
        ),
        "observables.tsv": _tsv(
            (
                "observableId",
                "observableName",
                "observableFormula",
                "noiseFormula",
                "observableTransformation",
                "noiseDistribution",
            ),
            observables,
        ),
        "parameters.tsv": _tsv(
            (
                "parameterId",
                "parameterScale",
                "lowerBound",
                "upperBound",
                "nominalValue",
                "estimate",
            ),
            parameters,
        ),
        "problem.yaml": problem_yaml(MODEL_FILE),
    }


def problem_yaml(model_file: str) -> str:
    """The PEtab v1 YAML of a problem whose tables have our names and whose model is
    ``model_file`` (relative to the YAML)."""
    return (
        "format_version: 1\n"
        "parameter_file: parameters.tsv\n"
        "problems:\n"
        "  - condition_files: [conditions.tsv]\n"
        "    measurement_files: [measurements.tsv]\n"
        "    observable_files: [observables.tsv]\n"
        f"    sbml_files: [{model_file}]\n"
    )


def problem_folder() -> Path:
    """The source folder of the bundled problem (``analysis/data/calibration``)."""
    return Path(__file__).resolve().parent.parent / "data" / "calibration"  # not a link tree


def build_problem(model: Model, folder: Path | None = None) -> list[Path]:
    """Write the generated tables of the problem in ``folder`` (the bundled one by default)."""
    folder = folder or problem_folder()
    written = []
    for name, text in problem_files(folder, model).items():
        path = folder / name
        temporary = path.with_name(f".{name}.tmp")
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(path)
        written.append(path)
    return written
