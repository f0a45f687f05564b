"""The curated model: reading the tables, checking them, and the :class:`Model` they make.

A model is a folder with a TOML manifest (``model.toml``) naming three TSV tables
(``species.tsv``, ``interactions.tsv``, ``parameters.tsv``) and declaring the compartments.
:func:`load_model` reads them and runs every check in one pass, so a curator sees all the
problems of an edit at once, each with file, line, column and ID.
"""

from __future__ import annotations

import csv
import tomllib
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from mbaxis.network.errors import (
    ModelDataError,
    Problem,
    UnknownInteractionError,
    UnknownSpeciesError,
)
from mbaxis.network.schema import (
    COMPARTMENTS_REQUIRED,
    INTERACTION_COLUMNS,
    LAWS,
    PARAMETER_COLUMNS,
    SPECIES_COLUMNS,
    InteractionRow,
    ParameterRow,
    SpeciesRow,
)
from mbaxis.network.units import parse_unit

__all__ = [
    "Compartment",
    "Model",
    "TableRecords",
    "build_model",
    "bundled_model_path",
    "load_model",
]

Row = TypeVar("Row", bound=BaseModel)

#: A table as text: its column names (empty if unknown) and ``(line, {column: text})`` rows.
TableRecords = tuple[tuple[str, ...], list[tuple[int | None, dict[str, str]]]]


@dataclass(frozen=True)
class Compartment:
    """A compartment declared in the manifest, with its volume for the SBML export."""

    id: str
    name: str
    volume: float
    unit: str
    source: str


@dataclass(frozen=True)
class Model:
    """The curated model: compartments, species, interactions and their parameters.

    Build one with :func:`load_model`; it is immutable. The graph view is
    :func:`network.to_digraph` and the equations are :func:`network.build_equations`.
    """

    name: str
    version: str
    description: str
    compartments: tuple[Compartment, ...]
    species: tuple[SpeciesRow, ...]
    interactions: tuple[InteractionRow, ...]
    parameters: tuple[ParameterRow, ...]
    source: str = field(default="model", compare=False)
    _species_index: dict[str, SpeciesRow] = field(init=False, repr=False, compare=False)
    _edge_index: dict[tuple[str, str], InteractionRow] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "_species_index", {s.id: s for s in self.species})
        object.__setattr__(
            self, "_edge_index", {(i.source, i.target): i for i in self.interactions}
        )

    def get_species(self, species_id: str) -> SpeciesRow:
        """Return the species (or input, or observable) with this ID.

        Raises
        ------
        UnknownSpeciesError
            If there is none; the message lists the valid IDs.
        """
        try:
            return self._species_index[species_id]
        except KeyError:
            valid = ", ".join(sorted(self._species_index))
            raise UnknownSpeciesError(
                f"unknown species '{species_id}'; valid IDs: {valid}"
            ) from None

    def get_interaction(self, source: str, target: str) -> InteractionRow:
        """Return the interaction ``source -> target``.

        Raises
        ------
        UnknownInteractionError
            If the model has no such edge; the message lists the valid ones.
        """
        try:
            return self._edge_index[(source, target)]
        except KeyError:
            valid = ", ".join(f"{s} -> {t}" for s, t in sorted(self._edge_index))
            raise UnknownInteractionError(
                f"unknown interaction '{source} -> {target}'; valid edges: {valid}"
            ) from None

    def parameter_values(self) -> dict[str, float]:
        """Every kinetic parameter as ``{interaction}__{parameter}: value``."""
        return {p.id: p.value for p in self.parameters}

    @property
    def inputs(self) -> tuple[SpeciesRow, ...]:
        """The input nodes (driven by protocols, zero at rest)."""
        return tuple(s for s in self.species if s.kind == "input")

    @property
    def states(self) -> tuple[SpeciesRow, ...]:
        """The species that have an ODE."""
        return tuple(s for s in self.species if s.is_state)

    @property
    def observables(self) -> tuple[SpeciesRow, ...]:
        """The observables (computed from other species, e.g. ``serum__BDNF``)."""
        return tuple(s for s in self.species if s.kind == "observable")


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
    files = {
        kind: str(tables.get(kind, f"{kind}.tsv"))
        for kind in ("species", "interactions", "parameters")
    }
    records = {kind: _read_tsv(folder / name, problems) for kind, name in files.items()}
    return build_model(
        manifest,
        records["species"],
        records["interactions"],
        records["parameters"],
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
        "manifest": "model.toml",
        **(files or {}),
    }
    problems = list(problems or [])
    info = manifest.get("model", {})
    compartments = _read_compartments(names["manifest"], manifest, problems)
    species_rows = _validate_rows(names["species"], species, SPECIES_COLUMNS, SpeciesRow, problems)
    interaction_rows = _validate_rows(
        names["interactions"], interactions, INTERACTION_COLUMNS, InteractionRow, problems
    )
    parameter_rows = _validate_rows(
        names["parameters"], parameters, PARAMETER_COLUMNS, ParameterRow, problems
    )
    problems.extend(
        _check_model(compartments, species_rows, interaction_rows, parameter_rows, names)
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
        source=source,
    )


# --- reading ---------------------------------------------------------------------------------


def _read_manifest(path: Path, problems: list[Problem]) -> dict[str, Any] | None:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        problems.append(Problem(str(path), None, None, None, "no such manifest file"))
    except tomllib.TOMLDecodeError as error:
        problems.append(Problem(path.name, None, None, None, f"not valid TOML: {error}"))
    return None


def _read_compartments(
    file: str, manifest: Mapping[str, Any], problems: list[Problem]
) -> list[Compartment]:
    declared = manifest.get("compartments", {})
    compartments = []
    for compartment_id, spec in declared.items():
        try:
            compartment = Compartment(
                id=compartment_id,
                name=str(spec["name"]),
                volume=float(spec["volume"]),
                unit=str(spec["unit"]),
                source=str(spec["source"]),
            )
        except (KeyError, TypeError, ValueError) as error:
            problems.append(
                Problem(
                    file,
                    None,
                    "compartments",
                    compartment_id,
                    f"expected name, volume (number), unit and source; {error!r}",
                )
            )
            continue
        if compartment.volume <= 0:
            problems.append(
                Problem(file, None, "compartments", compartment_id, "volume must be positive")
            )
        compartments.append(compartment)
    for required in COMPARTMENTS_REQUIRED:
        if required not in declared:
            problems.append(
                Problem(
                    file, None, "compartments", required, "required compartment is not declared"
                )
            )
    return compartments


def _read_tsv(path: Path, problems: list[Problem]) -> TableRecords:
    """The header and the rows of a TSV file, each row with its line number."""
    try:
        handle = path.open(newline="", encoding="utf-8")
    except FileNotFoundError:
        problems.append(Problem(path.name, None, None, None, "table file not found"))
        return (), []
    with handle:
        reader = csv.DictReader(handle, delimiter="\t")
        header = tuple(reader.fieldnames or ())
        rows: list[tuple[int | None, dict[str, str]]] = [
            (line, {str(k): str(v or "") for k, v in record.items() if k is not None})
            for line, record in enumerate(reader, start=2)
        ]
    return header, rows


def _validate_rows(
    file: str,
    records: TableRecords,
    columns: tuple[str, ...],
    row_type: type[Row],
    problems: list[Problem],
) -> list[tuple[int | None, Row]]:
    """Typed rows from text records, recording a problem for each bad cell."""
    header, records_rows = records
    if header:
        for column in columns:
            if column not in header:
                problems.append(Problem(file, 1, column, None, "missing column"))
        for column in header:
            if column not in columns:
                problems.append(
                    Problem(
                        file, 1, column, None, f"unknown column; expected: {', '.join(columns)}"
                    )
                )
    rows: list[tuple[int | None, Row]] = []
    for line, record in records_rows:
        values = {c: record.get(c, "") for c in columns if c in record}
        row_id = (
            values.get("id")
            or "__".join(values.get(c, "") for c in ("interaction", "parameter") if values.get(c))
            or None
        )
        try:
            rows.append((line, row_type.model_validate(values)))
        except ValidationError as error:
            for detail in error.errors():
                bad_column = str(detail["loc"][0]) if detail["loc"] else None
                message = str(detail["msg"]).removeprefix("Value error, ")
                problems.append(Problem(file, line, bad_column, row_id, message))
    return rows


# --- cross-table checks ----------------------------------------------------------------------


def _check_model(
    compartments: list[Compartment],
    species: list[tuple[int | None, SpeciesRow]],
    interactions: list[tuple[int | None, InteractionRow]],
    parameters: list[tuple[int | None, ParameterRow]],
    files: Mapping[str, str],
) -> Iterator[Problem]:
    sp_file, ix_file, par_file = files["species"], files["interactions"], files["parameters"]
    compartment_ids = {c.id for c in compartments}
    yield from _check_species(sp_file, species, compartment_ids)
    by_id = {row.id: row for _, row in species}

    yield from _duplicates(ix_file, ((line, row.id) for line, row in interactions), "id")
    seen_pairs: dict[tuple[str, str], int | None] = {}
    touched: set[str] = set()
    conversions_into: Counter[str] = Counter()
    for line, row in interactions:
        touched.update((row.source, row.target))
        pair = (row.source, row.target)
        if pair in seen_pairs:
            yield Problem(
                ix_file,
                line,
                "target",
                row.id,
                f"duplicate edge {row.source} -> {row.target}{_first_at(seen_pairs[pair])}",
            )
        else:
            seen_pairs[pair] = line
        for column in ("source", "target"):
            node_id = getattr(row, column)
            if node_id not in by_id:
                yield Problem(
                    ix_file, line, column, row.id, f"unknown species '{node_id}'; not in {sp_file}"
                )
        if row.law == "conversion":
            conversions_into[row.target] += 1
        yield from _check_edge_ends(ix_file, line, row, by_id)
    for line, row in interactions:
        if row.law == "catalysis" and conversions_into[row.target] == 0:
            yield Problem(
                ix_file,
                line,
                "mechanism",
                row.id,
                f"catalysis needs a conversion edge into '{row.target}'",
            )
        if row.law == "conversion" and conversions_into[row.target] > 1:
            yield Problem(
                ix_file,
                line,
                "target",
                row.id,
                f"'{row.target}' has more than one conversion edge into it; expected at most one",
            )
    for line, node in species:
        if node.id not in touched:
            yield Problem(
                sp_file,
                line,
                "id",
                node.id,
                "species that no interaction touches; expected at least one edge",
            )

    yield from _check_parameters(par_file, parameters, interactions, by_id)


def _check_species(
    file: str, species: list[tuple[int | None, SpeciesRow]], compartment_ids: set[str]
) -> Iterator[Problem]:
    yield from _duplicates(file, ((line, row.id) for line, row in species), "id")
    for line, row in species:
        if row.compartment not in compartment_ids:
            yield Problem(
                file,
                line,
                "compartment",
                row.id,
                f"compartment '{row.compartment}' is not declared in the manifest; "
                f"expected one of: {', '.join(sorted(compartment_ids))}",
            )
        if not row.id.startswith(f"{row.compartment}__"):
            yield Problem(
                file,
                line,
                "id",
                row.id,
                f"ID must be '{{compartment}}__{{symbol}}' with compartment '{row.compartment}'",
            )
        if row.kind == "input":
            if row.resting_level != 0:
                yield Problem(
                    file, line, "resting_level", row.id, "an input rests at 0; expected 0"
                )
        elif row.resting_level <= 0:
            yield Problem(
                file,
                line,
                "resting_level",
                row.id,
                f"resting level {row.resting_level:g} is not positive",
            )
        low, high = row.resting_low, row.resting_high
        if (low is not None and low > row.resting_level) or (
            high is not None and high < row.resting_level
        ):
            yield Problem(
                file,
                line,
                "resting_level",
                row.id,
                f"resting level {row.resting_level:g} lies outside its range [{low}, {high}]",
            )
        if row.is_state:
            if row.half_life is None or row.half_life <= 0:
                yield Problem(
                    file, line, "half_life", row.id, f"half-life {row.half_life} is not positive"
                )
            if row.half_life_unit is None:
                yield Problem(
                    file,
                    line,
                    "half_life_unit",
                    row.id,
                    "missing unit of the half-life; expected s, min, h or d",
                )
            if not row.half_life_source:
                yield Problem(
                    file,
                    line,
                    "half_life_source",
                    row.id,
                    "missing source of the half-life (a reference, or 'assumed: why')",
                )


def _check_edge_ends(
    file: str, line: int | None, row: InteractionRow, by_id: Mapping[str, SpeciesRow]
) -> Iterator[Problem]:
    source, target = by_id.get(row.source), by_id.get(row.target)
    if target is not None and target.kind == "input":
        yield Problem(
            file,
            line,
            "target",
            row.id,
            f"'{row.target}' is an input; inputs are driven by protocols, not edges",
        )
    if source is not None and source.kind == "observable":
        yield Problem(
            file,
            line,
            "source",
            row.id,
            f"'{row.source}' is an observable; observables regulate nothing",
        )
    if target is not None and (target.kind == "observable") != (row.law == "measurement"):
        yield Problem(
            file,
            line,
            "mechanism",
            row.id,
            "edges into an observable must be 'measurement', and only those",
        )
    if row.law in ("conversion", "measurement") and row.sign != 1:
        yield Problem(file, line, "sign", row.id, f"a {row.mechanism} edge must be '+'")
    if row.law == "conversion" and source is not None and not source.is_state:
        yield Problem(
            file,
            line,
            "source",
            row.id,
            "a conversion consumes its source, which must be a state species",
        )


def _check_parameters(
    file: str,
    parameters: list[tuple[int | None, ParameterRow]],
    interactions: list[tuple[int | None, InteractionRow]],
    by_id: Mapping[str, SpeciesRow],
) -> Iterator[Problem]:
    edges = {row.id: row for _, row in interactions}
    yield from _duplicates(file, ((line, row.id) for line, row in parameters), "parameter")
    given: dict[str, set[str]] = defaultdict(set)
    source_fraction: dict[str, float] = defaultdict(float)
    for line, row in parameters:
        edge = edges.get(row.interaction)
        if edge is None:
            yield Problem(
                file,
                line,
                "interaction",
                row.id,
                f"parameter for unknown interaction '{row.interaction}'",
            )
            continue
        given[row.interaction].add(row.parameter)
        expected = LAWS[edge.law]
        if row.parameter not in expected:
            yield Problem(
                file,
                line,
                "parameter",
                row.id,
                f"'{row.parameter}' is not a parameter of a {edge.law} edge; "
                f"expected: {', '.join(expected)}",
            )
            continue
        yield from _check_value(file, line, row, edge, by_id)
        if row.parameter == "source_fraction":
            source_fraction[edge.source] += row.value
    for line, edge in interactions:
        missing = [p for p in LAWS[edge.law] if p not in given[edge.id]]
        if missing:
            yield Problem(
                file,
                None,
                "parameter",
                edge.id,
                f"interaction (interactions.tsv line {line}) lacks parameter(s): "
                f"{', '.join(missing)}",
            )
    for species_id, total in source_fraction.items():
        if total > 1:
            yield Problem(
                file,
                None,
                "value",
                species_id,
                f"source fractions of conversions out of '{species_id}' add up to "
                f"{total:g}; expected at most 1",
            )


def _check_value(
    file: str,
    line: int | None,
    row: ParameterRow,
    edge: InteractionRow,
    by_id: Mapping[str, SpeciesRow],
) -> Iterator[Problem]:
    def problem(message: str) -> Problem:
        return Problem(file, line, "value", row.id, message)

    unit = parse_unit(row.unit)
    if row.parameter == "ec50":
        source = by_id.get(edge.source)
        if source is not None and row.unit != source.unit:
            yield Problem(
                file,
                line,
                "unit",
                row.id,
                f"ec50 is in the unit of its source; expected '{source.unit}'",
            )
        if row.value <= 0:
            yield problem(f"ec50 {row.value:g} is not positive")
    elif unit.dimension != "dimensionless":
        yield Problem(
            file,
            line,
            "unit",
            row.id,
            f"'{row.parameter}' is dimensionless; expected 'dimensionless'",
        )
    if row.parameter == "hill" and row.value <= 0:
        yield problem(f"Hill coefficient {row.value:g} is not positive")
    if row.parameter == "emax":
        if row.value < 0:
            yield problem(f"emax {row.value:g} is negative")
        if edge.sign == -1 and row.value >= 1:
            yield problem(
                f"emax {row.value:g} of an inhibition must be below 1 "
                "(it is the largest fraction of synthesis removed)"
            )
    if row.parameter in ("source_fraction", "target_fraction") and not 0 <= row.value <= 1:
        yield problem(f"{row.parameter} {row.value:g} is not between 0 and 1")
    if row.low is not None and row.high is not None and not row.low <= row.value <= row.high:
        yield problem(f"value {row.value:g} lies outside its bounds [{row.low:g}, {row.high:g}]")


def _duplicates(file: str, ids: Iterable[tuple[int | None, str]], column: str) -> Iterator[Problem]:
    first: dict[str, int | None] = {}
    for line, row_id in ids:
        if row_id in first:
            yield Problem(file, line, column, row_id, f"duplicate ID{_first_at(first[row_id])}")
        else:
            first[row_id] = line


def _first_at(line: int | None) -> str:
    return f" (first at line {line})" if line is not None else ""
