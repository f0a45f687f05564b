"""The linter of the model tables: typed rows from table text, and every problem at once.

Each check reports a :class:`~mbaxis.network.errors.Problem` naming file, line, column and ID,
and the checks run to the end, so a curator sees all the problems of an edit in one pass (the
PEtab habit, without stopping at the first). :func:`mbaxis.network.tables.build_model` calls
them in order: compartments, rows, then the checks across tables.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from mbaxis.network.errors import Problem
from mbaxis.network.model import Compartment
from mbaxis.network.naming import hook
from mbaxis.network.schema import (
    COMPARTMENTS_REQUIRED,
    LAWS,
    OPTIONAL_COLUMNS,
    REFERENCE_AGE,
    SUBJECT_KEYS,
    THRESHOLD_INPUT,
    InteractionRow,
    ParameterRow,
    SpeciesRow,
    SubjectRow,
    age_row_onset,
)
from mbaxis.network.units import parse_unit

__all__ = [
    "STATE_DIMENSIONS",
    "TableRecords",
    "check_model",
    "check_subjects",
    "read_compartments",
    "validate_rows",
]

Row = TypeVar("Row", bound=BaseModel)

#: A table as text: its column names (empty if unknown) and ``(line, {column: text})`` rows.
TableRecords = tuple[tuple[str, ...], list[tuple[int | None, dict[str, str]]]]

#: What a state species may be measured in: a concentration, a tissue content or a pure number
#: (a time or a temperature is not an amount of anything).
STATE_DIMENSIONS = ("amount/volume", "mass/volume", "mass/mass", "dimensionless")


def read_compartments(
    file: str, manifest: Mapping[str, Any], problems: list[Problem]
) -> list[Compartment]:
    """The compartments the manifest declares, recording a problem for each bad one."""
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


def validate_rows(
    file: str,
    records: TableRecords,
    columns: tuple[str, ...],
    row_type: type[Row],
    problems: list[Problem],
) -> list[tuple[int | None, Row]]:
    """Typed rows from text records, recording a problem for each bad cell.

    A table without one of its required columns gives no rows: every row would only repeat
    the missing column, and the checks across tables would echo the missing rows.
    """
    header, records_rows = records
    if header:
        missing = [c for c in columns if c not in header and c not in OPTIONAL_COLUMNS]
        for column in missing:
            problems.append(Problem(file, 1, column, None, "missing column"))
        for column in header:
            if column not in columns:
                problems.append(
                    Problem(
                        file, 1, column, None, f"unknown column; expected: {', '.join(columns)}"
                    )
                )
        if missing:
            return []
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


def check_model(
    compartments: Iterable[Compartment],
    species: list[tuple[int | None, SpeciesRow]],
    interactions: list[tuple[int | None, InteractionRow]],
    parameters: list[tuple[int | None, ParameterRow]],
    files: Mapping[str, str],
) -> Iterator[Problem]:
    """Every problem across the tables: IDs, edges, their ends, and parameters per law."""
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
    worked = {row.target for _, row in interactions if row.source == THRESHOLD_INPUT}
    thresholds_into: Counter[str] = Counter()
    for line, row in interactions:
        if row.law == "threshold":
            thresholds_into[row.target] += 1
            if thresholds_into[row.target] == 2:
                yield Problem(
                    ix_file,
                    line,
                    "target",
                    row.id,
                    f"'{row.target}' has more than one threshold edge into it; expected one",
                )
        if row.law == "threshold" and row.target not in worked:
            yield Problem(
                ix_file,
                line,
                "target",
                row.id,
                f"a threshold edge moves the target's response to '{THRESHOLD_INPUT}', and "
                f"'{row.target}' has no edge from it",
            )
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
        elif row.kind == "drug":
            if row.resting_level != 0:
                yield Problem(file, line, "resting_level", row.id, "a drug rests at 0; expected 0")
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
            dimension = parse_unit(row.unit).dimension
            if dimension not in STATE_DIMENSIONS:
                yield Problem(
                    file,
                    line,
                    "unit",
                    row.id,
                    f"'{row.unit}' ({dimension}) cannot measure a {row.kind}; a state species "
                    "is a concentration (mM, ng/mL, ...), a tissue content (ng/g) or "
                    "dimensionless (relative, fraction)",
                )
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
    if target is not None and target.kind == "drug" and row.law != "dosing":
        yield Problem(file, line, "mechanism", row.id, "edges into a drug must be 'dosing'")
    if row.law == "dosing" and source is not None and source.kind != "input":
        yield Problem(
            file, line, "source", row.id, "a dosing edge starts at an input (the dose rate)"
        )
    if row.law in ("conversion", "measurement", "dosing") and row.sign != 1:
        yield Problem(file, line, "sign", row.id, f"a {row.mechanism} edge must be '+'")
    work_rate = by_id.get(THRESHOLD_INPUT)
    if row.law == "threshold" and source is not None:
        if not source.is_state or not source.resting_level:
            yield Problem(
                file,
                line,
                "source",
                row.id,
                "a threshold edge scales by its source relative to rest; expected a state species "
                "resting above 0",
            )
        elif work_rate is not None and source.unit != work_rate.unit:
            yield Problem(
                file,
                line,
                "source",
                row.id,
                f"a threshold is a level of the work rate; '{row.source}' is in '{source.unit}', "
                f"expected '{work_rate.unit}'",
            )
    if (
        row.law == "proportional"
        and source is not None
        and parse_unit(source.unit).dimension != "dimensionless"
    ):
        yield Problem(
            file,
            line,
            "source",
            row.id,
            f"a proportional edge's slope is per unit of its source, which must be "
            f"dimensionless; '{row.source}' is in '{source.unit}'",
        )
    if row.law == "dilution" and source is not None and target is not None:
        if not source.is_state or source.unit != "relative" or source.resting_level != 1:
            yield Problem(
                file,
                line,
                "source",
                row.id,
                "a dilution edge starts at the volume its target is dissolved in; expected a "
                f"state species in 'relative' resting at 1, '{row.source}' is not",
            )
        elif not target.is_state or target.compartment != source.compartment:
            yield Problem(
                file,
                line,
                "target",
                row.id,
                f"a dilution edge concentrates a state species of its volume's compartment "
                f"'{source.compartment}'; '{row.target}' is not one",
            )
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
    elif row.parameter == "gain":
        source, target = by_id.get(edge.source), by_id.get(edge.target)
        if source is not None and target is not None:
            expected = f"({target.unit})/({source.unit})"
            if row.unit != expected:
                yield Problem(
                    file,
                    line,
                    "unit",
                    row.id,
                    f"a gain is the concentration per dose rate; expected '{expected}'",
                )
        if row.value <= 0:
            yield problem(f"gain {row.value:g} is not positive")
    elif unit.dimension != "dimensionless":
        yield Problem(
            file,
            line,
            "unit",
            row.id,
            f"'{row.parameter}' is dimensionless; expected 'dimensionless'",
        )
    if row.parameter == "slope" and row.value < 0:
        yield problem(f"slope {row.value:g} is negative (a '-' edge is written with its sign)")
    if row.parameter == "hill" and row.value <= 0:
        yield problem(f"Hill coefficient {row.value:g} is not positive")
    if row.parameter == "emax":
        if row.value < 0:
            yield problem(f"emax {row.value:g} is negative")
        if edge.term_sign == -1 and row.value >= 1:
            removed = {"clearance": "loss", "excess_clearance": "the excess's removal"}.get(
                edge.law, "synthesis"
            )
            yield problem(
                f"emax {row.value:g} of an inhibition must be below 1 "
                f"(it is the largest fraction of {removed} removed)"
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


def check_subjects(
    file: str,
    subjects: list[tuple[int | None, SubjectRow]],
    species: list[tuple[int | None, SpeciesRow]],
    interactions: list[tuple[int | None, InteractionRow]],
    parameters: list[tuple[int | None, ParameterRow]],
) -> Iterator[Problem]:
    """Every subject row names a value of its key and a target its change can act on."""
    states = {row.id for _, row in species if row.is_state}
    edges = {row.id for _, row in interactions}
    settable = {row.id for _, row in parameters} | {hook(s, "half_life") for s in states}
    targets = {
        "synthesis_scale": (states, "a state species"),
        "activity": (edges, "an interaction"),
        "parameter": (settable, "a kinetic parameter or {species}__half_life"),
        "parameter_scale": (settable, "a kinetic parameter or {species}__half_life"),
    }
    seen: dict[tuple[str, str, str, str], int | None] = {}
    for line, row in subjects:
        allowed = SUBJECT_KEYS[row.key][1:] if row.key != "age" else SUBJECT_KEYS["age"]
        onset = age_row_onset(row.value) if row.key == "age" else None
        if row.key == "age" and onset is not None and onset < REFERENCE_AGE:
            yield Problem(
                file,
                line,
                "value",
                row.key,
                f"'{row.value}' starts before the reference age {REFERENCE_AGE:g}, so it would "
                f"change the reference subject; expected per_year or per_year_from_N with N "
                f">= {REFERENCE_AGE:g}",
            )
        elif row.value not in allowed and onset is None:
            yield Problem(
                file,
                line,
                "value",
                row.key,
                f"'{row.value}' is not a value of subject key '{row.key}' that differs from "
                f"the reference subject; expected one of: {', '.join(allowed)}"
                + (" or per_year_from_N" if row.key == "age" else ""),
            )
        valid, what = targets[row.change]
        if row.target not in valid:
            yield Problem(
                file,
                line,
                "target",
                row.key,
                f"'{row.target}' is not {what}, which a '{row.change}' change needs",
            )
        identity = (row.key, row.value, row.target, row.change)
        if identity in seen:
            yield Problem(
                file,
                line,
                "target",
                row.key,
                f"duplicate change of '{row.target}' for {row.key}={row.value}"
                f"{_first_at(seen[identity])}",
            )
        else:
            seen[identity] = line
