"""Reading a model folder: a TOML manifest (``model.toml``) and three TSV tables.

The manifest names the tables (``species.tsv``, ``interactions.tsv``, ``parameters.tsv``) and
declares the compartments and the time unit. :func:`load_model` reads the files and hands their
text to :func:`build_model`, which every reader of a model ends in (the SBML reader too): it runs
the linter and makes the :class:`~mbaxis.network.model.Model`.
"""

from __future__ import annotations

import csv
import io
import tomllib
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from mbaxis.network.errors import EncodingError, ModelDataError, Problem
from mbaxis.network.linter import (
    TableRecords,
    check_model,
    check_subjects,
    read_compartments,
    validate_rows,
)
from mbaxis.network.model import Model
from mbaxis.network.schema import (
    INTERACTION_COLUMNS,
    PARAMETER_COLUMNS,
    SPECIES_COLUMNS,
    SUBJECT_COLUMNS,
    InteractionRow,
    ParameterRow,
    SpeciesRow,
    SubjectRow,
)

__all__ = [
    "TIME_UNIT",
    "TableRecords",
    "build_model",
    "bundled_model_path",
    "load_model",
    "read_utf8",
]

#: The model's time unit: protocols, half-lives in the equations and outputs are in minutes.
TIME_UNIT = "min"
_TABLES = ("species", "interactions", "parameters")
#: Optional tables: absent from the manifest and the folder, they are empty.
_OPTIONAL_TABLES = ("subjects",)


def bundled_model_path() -> Path:
    """The folder of the model that ships with mbaxis (``network/data``)."""
    return Path(str(resources.files("mbaxis.network") / "data"))


def load_model(path: str | Path | None = None) -> Model:
    """Read and check a model; with no ``path``, the bundled one.

    Parameters
    ----------
    path : str or Path, optional
        A model folder holding ``model.toml``, or the manifest file itself.

    Returns
    -------
    Model

    Raises
    ------
    ModelDataError
        With every problem found (file, line, column, ID and what was expected).

    Examples
    --------
    >>> model = load_model()
    >>> model.get_species("plasma__lactate").unit
    'mM'
    """
    manifest_path = Path(path) if path is not None else bundled_model_path()
    if manifest_path.is_dir():
        manifest_path = manifest_path / "model.toml"
    folder = manifest_path.parent
    problems: list[Problem] = []
    manifest = _read_manifest(manifest_path, problems)
    if manifest is None:
        raise ModelDataError(problems, str(manifest_path))
    tables = manifest.get("tables", {})
    files = {kind: str(tables.get(kind, f"{kind}.tsv")) for kind in _TABLES}
    records = {kind: _read_tsv(folder / name, problems) for kind, name in files.items()}
    for kind in _OPTIONAL_TABLES:
        name = str(tables.get(kind, f"{kind}.tsv"))
        if kind in tables or (folder / name).exists():
            files[kind] = name
            records[kind] = _read_tsv(folder / name, problems)
    if problems:
        # a table that is missing, empty or not text: every check after this would only echo it
        raise ModelDataError(problems, str(folder))
    return build_model(
        manifest,
        records["species"],
        records["interactions"],
        records["parameters"],
        subjects=records.get("subjects"),
        source=str(folder),
        files={**files, "manifest": manifest_path.name},
        problems=problems,
    )


def build_model(
    manifest: Mapping[str, Any],
    species: TableRecords,
    interactions: TableRecords,
    parameters: TableRecords,
    *,
    subjects: TableRecords | None = None,
    source: str = "model",
    files: Mapping[str, str] | None = None,
    problems: list[Problem] | None = None,
) -> Model:
    """Check table records and make a :class:`Model`; every reader ends here.

    Parameters
    ----------
    manifest : mapping
        The manifest: ``model`` (name, version, description) and ``compartments``.
    species, interactions, parameters : TableRecords
        Each table as ``(header, rows)``: the column names, and ``(line, {column: text})``
        per row (``line`` is where the row stands in its source, or None).
    subjects : TableRecords, optional
        What each subject key changes (``subjects.tsv``); without it the model describes the
        reference subject only.
    source : str
        Where the tables came from, for messages.
    files : mapping, optional
        The names under which problems are reported (defaults: the TSV file names).
    problems : list of Problem, optional
        Problems found earlier (while reading); they are reported with the new ones.

    Raises
    ------
    ModelDataError
        If any problem was found.
    """
    names = {
        "species": "species.tsv",
        "interactions": "interactions.tsv",
        "parameters": "parameters.tsv",
        "subjects": "subjects.tsv",
        "manifest": "model.toml",
        **(files or {}),
    }
    problems = list(problems or [])
    info = manifest.get("model", {})
    time_unit = info.get("time_unit", TIME_UNIT)
    if time_unit != TIME_UNIT:
        problems.append(
            Problem(
                names["manifest"],
                None,
                "time_unit",
                None,
                f"time unit {time_unit!r} is not supported; expected '{TIME_UNIT}' (protocols, "
                "outputs and the equations are in minutes; half-lives may use any time unit)",
            )
        )
    curies = {
        key: _curie_list(names["manifest"], info, key, problems) for key in ("taxa", "processes")
    }
    compartments = read_compartments(names["manifest"], manifest, problems)
    species_rows = validate_rows(names["species"], species, SPECIES_COLUMNS, SpeciesRow, problems)
    interaction_rows = validate_rows(
        names["interactions"], interactions, INTERACTION_COLUMNS, InteractionRow, problems
    )
    parameter_rows = validate_rows(
        names["parameters"], parameters, PARAMETER_COLUMNS, ParameterRow, problems
    )
    subject_rows = validate_rows(
        names["subjects"], subjects or ((), []), SUBJECT_COLUMNS, SubjectRow, problems
    )
    if any(p.line == 1 and p.message == "missing column" for p in problems):
        raise ModelDataError(problems, source)  # the checks across tables would only echo it
    problems.extend(
        check_model(compartments, species_rows, interaction_rows, parameter_rows, names)
    )
    problems.extend(
        check_subjects(
            names["subjects"], subject_rows, species_rows, interaction_rows, parameter_rows
        )
    )
    if problems:
        raise ModelDataError(problems, source)
    return Model(
        name=str(info.get("name", "mbaxis")),
        version=str(info.get("version", "0")),
        description=str(info.get("description", "")),
        compartments=tuple(compartments),
        species=tuple(row for _, row in species_rows),
        interactions=tuple(row for _, row in interaction_rows),
        parameters=tuple(row for _, row in parameter_rows),
        subject_changes=tuple(row for _, row in subject_rows),
        taxa=curies["taxa"],
        processes=curies["processes"],
        source=source,
    )


def _curie_list(
    file: str, info: Mapping[str, Any], key: str, problems: list[Problem]
) -> tuple[str, ...]:
    """``model.<key>`` of the manifest: a list of ``prefix:id`` CURIEs (empty if absent)."""
    value = info.get(key, [])
    if not isinstance(value, list) or not all(
        isinstance(v, str) and ":" in v.strip(":") for v in value
    ):
        problems.append(
            Problem(file, None, f"model.{key}", None, f"expected a list of CURIEs; got {value!r}")
        )
        return ()
    return tuple(value)


def _read_manifest(path: Path, problems: list[Problem]) -> dict[str, Any] | None:
    text = _read_text(path, problems, "manifest")
    if text is None:
        return None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        problems.append(Problem(path.name, None, None, None, f"not valid TOML: {error}"))
    return None


def _read_tsv(path: Path, problems: list[Problem]) -> TableRecords:
    """The header and the rows of a TSV file, each row with its line number."""
    text = _read_text(path, problems, "table")
    if text is None:
        return (), []
    if not text.strip():
        problems.append(
            Problem(path.name, None, None, None, "empty file; expected a header line of columns")
        )
        return (), []
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter="\t")
    header = tuple(reader.fieldnames or ())
    rows: list[tuple[int | None, dict[str, str]]] = [
        (line, {str(k): str(v or "") for k, v in record.items() if k is not None})
        for line, record in enumerate(reader, start=2)
    ]
    return header, rows


def read_utf8(path: Path) -> str:
    """The text of a UTF-8 file.

    Raises
    ------
    FileNotFoundError, IsADirectoryError
        As :meth:`pathlib.Path.read_bytes` does.
    EncodingError
        For bytes that are not UTF-8, naming the file, line and column of the first.
    """
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise EncodingError(str(path), line, column, data[error.start]) from None


def _read_text(path: Path, problems: list[Problem], what: str) -> str | None:
    try:
        return read_utf8(path)
    except (FileNotFoundError, IsADirectoryError):
        problems.append(Problem(str(path), None, None, None, f"no such {what} file"))
    except EncodingError as error:
        problems.append(Problem(path.name, error.line, None, None, error.reason))
    return None
