"""Literature time courses as a PEtab problem: reading and checking it.

The calibration data are a PEtab v1 problem (``petab.v1``; ``petablint`` reads it clean): the
model's SBML, a condition table, a measurement table (one row per published mean, its standard
error as the noise), an observable table and a parameter table. Two tables of ours sit beside
them in the same folder, because PEtab v1 has no place for what they say:

``experiments.tsv``
    ``conditionId``, ``protocols`` (CONTRACT section 3 specs, several separated by ``;``, run at
    once from t = 0) and ``subject`` (a CONTRACT section 6 spec, empty for the reference subject).
``datasets.tsv``
    ``datasetId``, ``studyId``, ``reference`` (``PMID:`` or ``DOI:``), ``source`` (the table, text
    or figure of the paper the numbers are copied from), ``organism``, ``population``, ``notes``.

Every observable is a readout of the model times a scale of its dataset
(``observableParameter1_obs_{readout} * {readout}``, with ``scale_{datasetId}`` in the
measurement table): studies measure the same hormone with assays whose absolute levels differ,
so a dataset informs the model through the shape and relative size of its time course, and its
own resting mean anchors the level.
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import petab.v1 as petab

from mbaxis.analysis.errors import CalibrationError, ProtocolError, SubjectError
from mbaxis.analysis.protocols import Protocol, parse_protocol
from mbaxis.analysis.subjects import REFERENCE_SUBJECT, Subject, parse_subject
from mbaxis.network import Model
from mbaxis.network.errors import EncodingError
from mbaxis.network.tables import read_utf8

__all__ = [
    "SCALE_PREFIX",
    "CalibrationProblem",
    "Condition",
    "Dataset",
    "bundled_fit_path",
    "bundled_problem_path",
    "load_problem",
    "observable_id",
]

#: Scale parameters of the datasets are ``scale_{datasetId}``.
SCALE_PREFIX = "scale_"
_REFERENCE = re.compile(r"^(PMID:\d+|DOI:10\.\S+)$")
_ORGANISMS = ("human", "mouse", "rat")
_EXPERIMENT_COLUMNS = ("conditionId", "protocols", "subject")
_DATASET_COLUMNS = (
    "datasetId",
    "studyId",
    "reference",
    "source",
    "organism",
    "population",
    "notes",
)


def observable_id(readout: str) -> str:
    """The PEtab observable of a model readout: ``obs_{readout}``."""
    return f"obs_{readout}"


def bundled_problem_path() -> Path:
    """The YAML file of the calibration problem shipped with mbaxis."""
    return Path(str(resources.files("mbaxis.analysis.data.calibration") / "problem.yaml"))


def bundled_fit_path() -> Path:
    """The folder of the committed fit of the bundled problem (``mbaxis calibrate --out``)."""
    return bundled_problem_path().parent / "fit"


@dataclass(frozen=True)
class Condition:
    """What was done in one PEtab condition: protocols run at once, on a subject."""

    id: str
    protocols: tuple[Protocol, ...]
    subject: Subject


@dataclass(frozen=True)
class Dataset:
    """One time course of one readout from one paper (a group in a table or a figure)."""

    id: str
    study: str
    reference: str
    source: str
    organism: str
    population: str
    readout: str
    condition: str
    times: np.ndarray  # minutes
    values: np.ndarray  # the published means
    sigmas: np.ndarray  # their standard errors


@dataclass(frozen=True)
class CalibrationProblem:
    """A checked calibration problem: conditions, datasets and the parameters to estimate.

    ``estimated`` are the model parameters the PEtab parameter table marks for estimation,
    with their bounds (``lower``, ``upper``, linear scale, from the model's ``parameters.tsv``)
    and nominal values; datasets' scales are not among them (they have a closed form).
    """

    folder: Path
    petab_problem: petab.Problem
    conditions: Mapping[str, Condition]
    datasets: tuple[Dataset, ...]
    estimated: tuple[str, ...]
    lower: np.ndarray
    upper: np.ndarray
    nominal: np.ndarray

    @property
    def studies(self) -> tuple[str, ...]:
        """The studies the datasets come from, in order of first appearance."""
        return tuple(dict.fromkeys(d.study for d in self.datasets))

    @property
    def points(self) -> int:
        """How many published means the problem holds."""
        return sum(len(d.times) for d in self.datasets)

    def without_study(self, study: str) -> CalibrationProblem:
        """The same problem with one study's datasets left out (leave-one-study-out)."""
        if study not in self.studies:
            raise CalibrationError(
                f"no study '{study}' in the calibration problem; its studies: "
                f"{', '.join(self.studies)}"
            )
        kept = tuple(d for d in self.datasets if d.study != study)
        used = {d.condition for d in kept}
        return CalibrationProblem(
            self.folder,
            self.petab_problem,
            {k: v for k, v in self.conditions.items() if k in used},
            kept,
            self.estimated,
            self.lower,
            self.upper,
            self.nominal,
        )


def _table(path: Path, columns: tuple[str, ...]) -> list[dict[str, str]]:
    """Rows of a tab-separated table of ours, with the header checked."""
    try:
        text = read_utf8(path)
    except FileNotFoundError:
        raise CalibrationError(f"{path}: no such file (the calibration problem needs it)") from None
    except EncodingError as error:
        raise CalibrationError(str(error)) from None
    lines = text.splitlines()
    if not lines:
        raise CalibrationError(f"{path.name}: empty; expected a header {', '.join(columns)}")
    header = lines[0].split("\t")
    missing = [c for c in columns if c not in header]
    if missing:
        raise CalibrationError(f"{path.name}, line 1: missing column(s) {', '.join(missing)}")
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        cells = line.split("\t")
        if len(cells) != len(header):
            raise CalibrationError(
                f"{path.name}, line {number}: {len(cells)} cells, expected {len(header)}"
            )
        row = dict(zip(header, (c.strip() for c in cells), strict=True))
        row["_line"] = str(number)
        rows.append(row)
    return rows


def _conditions(folder: Path) -> dict[str, Condition]:
    path = folder / "experiments.tsv"
    conditions: dict[str, Condition] = {}
    for row in _table(path, _EXPERIMENT_COLUMNS):
        where = f"{path.name}, line {row['_line']}"
        name = row["conditionId"]
        if name in conditions:
            raise CalibrationError(f"{where}: condition '{name}' appears twice")
        specs = [s.strip() for s in row["protocols"].split(";") if s.strip()]
        if not specs:
            raise CalibrationError(f"{where}: no protocol for condition '{name}'")
        try:
            protocols = tuple(parse_protocol(s) for s in specs)
            subject = parse_subject(row["subject"]) if row["subject"] else REFERENCE_SUBJECT
        except (ProtocolError, SubjectError) as error:
            raise CalibrationError(f"{where}, condition '{name}': {error}") from None
        conditions[name] = Condition(name, protocols, subject)
    return conditions


def _dataset_rows(folder: Path) -> dict[str, dict[str, str]]:
    path = folder / "datasets.tsv"
    rows: dict[str, dict[str, str]] = {}
    for row in _table(path, _DATASET_COLUMNS):
        where = f"{path.name}, line {row['_line']}"
        name = row["datasetId"]
        if name in rows:
            raise CalibrationError(f"{where}: dataset '{name}' appears twice")
        if not _REFERENCE.match(row["reference"]):
            raise CalibrationError(
                f"{where}: reference '{row['reference']}' of dataset '{name}' is not "
                "PMID:<digits> or DOI:10.<...>"
            )
        if not row["source"]:
            raise CalibrationError(
                f"{where}: dataset '{name}' does not say which table or figure it comes from"
            )
        if row["organism"] not in _ORGANISMS:
            raise CalibrationError(
                f"{where}: organism '{row['organism']}' of dataset '{name}'; expected one of "
                f"{', '.join(_ORGANISMS)}"
            )
        rows[name] = row
    return rows


def _measurements(
    folder: Path,
    measurements: pd.DataFrame,
    readouts: Mapping[str, str],
    conditions: Mapping[str, Condition],
    dataset_rows: Mapping[str, Mapping[str, str]],
) -> tuple[Dataset, ...]:
    name = "measurements.tsv"
    required = (
        "observableId",
        "simulationConditionId",
        "measurement",
        "time",
        "datasetId",
        "noiseParameters",
        "observableParameters",
    )
    missing = [c for c in required if c not in measurements.columns]
    if missing:
        raise CalibrationError(f"{name}: missing column(s) {', '.join(missing)}")
    grouped: dict[str, list[tuple[float, float, float]]] = {}
    where_of: dict[str, tuple[str, str]] = {}
    for index, row in enumerate(measurements.to_dict("records")):
        where = f"{name}, line {index + 2}"
        dataset = str(row["datasetId"])
        if dataset not in dataset_rows:
            raise CalibrationError(f"{where}: dataset '{dataset}' is not in datasets.tsv")
        observable = str(row["observableId"])
        if observable not in readouts:
            raise CalibrationError(f"{where}: observable '{observable}' is not in observables.tsv")
        condition = str(row["simulationConditionId"])
        if condition not in conditions:
            raise CalibrationError(
                f"{where}: condition '{condition}' has no row in experiments.tsv"
            )
        if str(row["observableParameters"]) != SCALE_PREFIX + dataset:
            raise CalibrationError(
                f"{where}: observableParameters must be '{SCALE_PREFIX}{dataset}' (the scale of "
                f"the row's dataset); got '{row['observableParameters']}'"
            )
        try:
            time, value, sigma = (
                float(row["time"]),
                float(row["measurement"]),
                float(row["noiseParameters"]),
            )
        except (TypeError, ValueError):
            raise CalibrationError(
                f"{where}: time, measurement and noiseParameters must be numbers (the noise is "
                "the standard error of the published mean)"
            ) from None
        if not (math.isfinite(time) and time >= 0):
            raise CalibrationError(f"{where}: time {time} must be finite and >= 0 (minutes)")
        if not (math.isfinite(value) and value >= 0):
            raise CalibrationError(f"{where}: measurement {value} must be finite and >= 0")
        if not (math.isfinite(sigma) and sigma > 0):
            raise CalibrationError(f"{where}: noise {sigma} must be a positive standard error")
        known = where_of.setdefault(dataset, (observable, condition))
        if known != (observable, condition):
            raise CalibrationError(
                f"{where}: dataset '{dataset}' mixes observables or conditions "
                f"({known[0]}/{known[1]} and {observable}/{condition}); one time course each"
            )
        grouped.setdefault(dataset, []).append((time, value, sigma))
    datasets = []
    for dataset, points in grouped.items():
        points.sort()
        meta = dataset_rows[dataset]
        observable, condition = where_of[dataset]
        times, values, sigmas = (
            np.array(column, dtype=float) for column in zip(*points, strict=True)
        )
        datasets.append(
            Dataset(
                id=dataset,
                study=meta["studyId"],
                reference=meta["reference"],
                source=meta["source"],
                organism=meta["organism"],
                population=meta["population"],
                readout=readouts[observable],
                condition=condition,
                times=times,
                values=values,
                sigmas=sigmas,
            )
        )
    unused = sorted(set(dataset_rows) - set(grouped))
    if unused:
        raise CalibrationError(
            f"datasets.tsv: dataset(s) {', '.join(unused)} have no rows in {name}"
        )
    return tuple(datasets)


def _require(table: pd.DataFrame, name: str, columns: tuple[str, ...]) -> None:
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise CalibrationError(f"{name}: missing column(s) {', '.join(missing)}")


def _float(value: object, where: str, column: str) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise CalibrationError(f"{where}: {column} must be a number; got '{value}'") from None


def _readouts(observables: pd.DataFrame, model: Model) -> dict[str, str]:
    _require(observables, "observables.tsv", ("observableFormula",))
    known = {s.id for s in model.species}
    readouts = {}
    for index, (observable, row) in enumerate(observables.iterrows()):
        where = f"observables.tsv, line {index + 2}"
        readout = str(observable).removeprefix("obs_")
        expected = f"observableParameter1_{observable} * {readout}"
        if readout not in known:
            raise CalibrationError(
                f"{where}: observable '{observable}' must be obs_<readout> with a model species "
                "or observable ID as the readout"
            )
        if str(row["observableFormula"]).replace(" ", "") != expected.replace(" ", ""):
            raise CalibrationError(
                f"{where}: observableFormula of '{observable}' must be '{expected}' (a readout "
                f"times its dataset's scale); got '{row['observableFormula']}'"
            )
        transformation = str(row.get("observableTransformation", "lin"))
        distribution = str(row.get("noiseDistribution", "normal"))
        if transformation not in ("lin", "nan") or distribution not in ("normal", "nan"):
            raise CalibrationError(
                f"{where}: observable '{observable}' must be lin with normal noise (the "
                "published means with their standard errors)"
            )
        readouts[str(observable)] = readout
    return readouts


def _estimated(
    parameters: pd.DataFrame, model: Model
) -> tuple[tuple[str, ...], np.ndarray, np.ndarray, np.ndarray]:
    columns = ("parameterScale", "lowerBound", "upperBound", "estimate")
    _require(parameters, "parameters.tsv", columns)
    tables = {p.id: p for p in model.parameters}
    names: list[str] = []
    lower, upper, nominal = [], [], []
    for index, (name, row) in enumerate(parameters.iterrows()):
        where = f"parameters.tsv, line {index + 2}"
        name = str(name)
        estimate = _float(row["estimate"], where, "estimate")
        if estimate not in (0.0, 1.0):
            raise CalibrationError(f"{where}: estimate must be 0 or 1; got '{row['estimate']}'")
        if name.startswith(SCALE_PREFIX) or estimate == 0.0:
            continue
        if name not in tables:
            raise CalibrationError(
                f"{where}: '{name}' is not a kinetic parameter of the model "
                "({interaction}__{parameter} as in network/data/parameters.tsv)"
            )
        table = tables[name]
        if row["parameterScale"] != "log10":
            raise CalibrationError(f"{where}: '{name}' must be estimated on log10 scale")
        bounds = (
            _float(row["lowerBound"], where, "lowerBound"),
            _float(row["upperBound"], where, "upperBound"),
        )
        if table.low is None or table.high is None:
            raise CalibrationError(
                f"{where}: '{name}' has no low/high in the model's parameters.tsv to fit within"
            )
        if not np.allclose(bounds, (table.low, table.high), rtol=1e-9):
            raise CalibrationError(
                f"{where}: bounds of '{name}' {bounds} differ from the model's parameters.tsv "
                f"({table.low}, {table.high})"
            )
        names.append(name)
        lower.append(table.low)
        upper.append(table.high)
        nominal.append(table.value)
    return tuple(names), np.array(lower), np.array(upper), np.array(nominal)


def load_problem(path: str | Path, model: Model) -> CalibrationProblem:
    """Read and check the calibration problem whose PEtab YAML file is ``path``.

    Raises
    ------
    CalibrationError
        For anything the problem does not hold together on, naming file, line and ID.
    """
    path = Path(path)
    if not path.is_file():
        raise CalibrationError(f"{path}: no such PEtab YAML file")
    try:
        with warnings.catch_warnings():
            # petab 0.8 calls pandas 3 in ways it deprecates; nothing a user can act on
            warnings.simplefilter("ignore", (DeprecationWarning, FutureWarning))
            petab_problem = petab.Problem.from_yaml(path)
    except Exception as error:  # petab raises many kinds; all mean the same to a user
        raise CalibrationError(f"{path}: PEtab could not read the problem: {error}") from None
    tables = {
        "condition_files": petab_problem.condition_df,
        "measurement_files": petab_problem.measurement_df,
        "observable_files": petab_problem.observable_df,
        "parameter_file": petab_problem.parameter_df,
    }
    absent = [key for key, table in tables.items() if table is None]
    if absent or petab_problem.model is None:
        raise CalibrationError(
            f"{path}: the problem names no {', '.join(absent or ['sbml_files'])}; a calibration "
            "problem needs a model, conditions, measurements, observables and parameters"
        )
    folder = path.parent
    conditions = _conditions(folder)
    readouts = _readouts(petab_problem.observable_df, model)
    datasets = _measurements(
        folder, petab_problem.measurement_df, readouts, conditions, _dataset_rows(folder)
    )
    estimated, lower, upper, nominal = _estimated(petab_problem.parameter_df, model)
    if not estimated:
        raise CalibrationError(f"{path.name}: the parameter table estimates no model parameter")
    used = {d.condition for d in datasets}
    return CalibrationProblem(
        folder,
        petab_problem,
        {k: v for k, v in conditions.items() if k in used},
        datasets,
        estimated,
        lower,
        upper,
        nominal,
    )
