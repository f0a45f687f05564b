"""Each kind of defect in the tables is reported with its file, line and ID (issue point 3)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mbaxis.network import ModelDataError, load_model
from tests.conftest import TableEditor

Rows = list[dict[str, str]]


def _row(rows: Rows, key: str, value: str) -> dict[str, str]:
    return next(r for r in rows if r[key] == value)


def _line(rows: Rows, key: str, value: str) -> int:
    """The file line of a row (header is line 1)."""
    return next(i for i, r in enumerate(rows) if r[key] == value) + 2


def _load_error(folder: Path) -> str:
    with pytest.raises(ModelDataError) as caught:
        load_model(folder)
    return str(caught.value)


def test_unknown_species_in_an_interaction(model_copy: Path, edit_table: TableEditor) -> None:
    def change(rows: Rows) -> None:
        _row(rows, "id", "cortisol_bdnf")["source"] = "plasma__cortisone"

    edit_table("interactions.tsv", change)
    with pytest.raises(
        ModelDataError,
        match=r"interactions\.tsv, line \d+, column 'source', ID 'cortisol_bdnf': "
        r"unknown species 'plasma__cortisone'",
    ):
        load_model(model_copy)


def test_duplicate_species_id(model_copy: Path, edit_table: TableEditor) -> None:
    lines: list[int] = []

    def change(rows: Rows) -> None:
        rows.append(dict(_row(rows, "id", "plasma__IL6")))
        lines.append(len(rows) + 1)

    edit_table("species.tsv", change)
    message = _load_error(model_copy)
    assert f"species.tsv, line {lines[0]}, column 'id', ID 'plasma__IL6': duplicate ID" in message


def test_duplicate_source_target_pair(model_copy: Path, edit_table: TableEditor) -> None:
    def change(rows: Rows) -> None:
        copy = dict(_row(rows, "id", "pcreb_bdnf"))
        copy["id"] = "pcreb_bdnf_again"
        rows.append(copy)

    edit_table("interactions.tsv", change)
    with pytest.raises(
        ModelDataError,
        match=r"interactions\.tsv, line \d+, column 'target', ID 'pcreb_bdnf_again': "
        r"duplicate edge brain__pCREB -> brain__BDNF_mRNA \(first at line \d+\)",
    ):
        load_model(model_copy)


def test_bad_sign(model_copy: Path, edit_table: TableEditor) -> None:
    def change(rows: Rows) -> None:
        _row(rows, "id", "hdac_bdnf")["sign"] = "down"

    edit_table("interactions.tsv", change)
    with pytest.raises(
        ModelDataError, match=r"column 'sign', ID 'hdac_bdnf': 'down' is not a sign"
    ):
        load_model(model_copy)


def test_bad_mechanism(model_copy: Path, edit_table: TableEditor) -> None:
    def change(rows: Rows) -> None:
        _row(rows, "id", "hdac_bdnf")["mechanism"] = "magic"

    edit_table("interactions.tsv", change)
    with pytest.raises(
        ModelDataError, match=r"column 'mechanism', ID 'hdac_bdnf': 'magic' is not a mechanism"
    ):
        load_model(model_copy)


def test_missing_reference(model_copy: Path, edit_table: TableEditor) -> None:
    line: list[int] = []

    def change(rows: Rows) -> None:
        _row(rows, "id", "mk677_gh")["references"] = ""
        line.append(_line(rows, "id", "mk677_gh"))

    edit_table("interactions.tsv", change)
    message = _load_error(model_copy)
    assert (
        f"interactions.tsv, line {line[0]}, column 'references', ID 'mk677_gh': no reference"
        in (message)
    )


def test_malformed_reference(model_copy: Path, edit_table: TableEditor) -> None:
    def change(rows: Rows) -> None:
        _row(rows, "id", "mk677_gh")["references"] = "Nass 2008"

    edit_table("interactions.tsv", change)
    with pytest.raises(ModelDataError, match=r"ID 'mk677_gh': 'Nass 2008' is not a reference"):
        load_model(model_copy)


def test_id_that_does_not_match_the_pattern(model_copy: Path, edit_table: TableEditor) -> None:
    def change(rows: Rows) -> None:
        _row(rows, "id", "plasma__GH")["id"] = "plasma__GH-1"

    edit_table("species.tsv", change)
    with pytest.raises(
        ModelDataError,
        match=r"species\.tsv, line \d+, column 'id', ID 'plasma__GH-1': 'plasma__GH-1' does not "
        r"match",
    ):
        load_model(model_copy)


def test_unit_that_does_not_parse(model_copy: Path, edit_table: TableEditor) -> None:
    line: list[int] = []

    def change(rows: Rows) -> None:
        _row(rows, "id", "plasma__IL6")["unit"] = "pg/dl"
        line.append(_line(rows, "id", "plasma__IL6"))

    edit_table("species.tsv", change)
    message = _load_error(model_copy)
    assert (
        f"species.tsv, line {line[0]}, column 'unit', ID 'plasma__IL6': unit 'pg/dl' does not parse"
        in message
    )


def test_parameter_unit_that_does_not_parse(model_copy: Path, edit_table: TableEditor) -> None:
    def change(rows: Rows) -> None:
        next(r for r in rows if r["interaction"] == "mk677_gh" and r["parameter"] == "ec50")[
            "unit"
        ] = "mg/week"

    edit_table("parameters.tsv", change)
    with pytest.raises(
        ModelDataError,
        match=r"parameters\.tsv, line \d+, column 'unit', ID 'mk677_gh__ec50': "
        r"unit 'mg/week' does not parse",
    ):
        load_model(model_copy)


def test_non_positive_resting_level(model_copy: Path, edit_table: TableEditor) -> None:
    def change(rows: Rows) -> None:
        _row(rows, "id", "plasma__GH")["resting_level"] = "0"
        _row(rows, "id", "plasma__GH")["resting_low"] = ""

    edit_table("species.tsv", change)
    with pytest.raises(
        ModelDataError,
        match=r"column 'resting_level', ID 'plasma__GH': resting level 0 is not positive",
    ):
        load_model(model_copy)


def test_non_positive_half_life(model_copy: Path, edit_table: TableEditor) -> None:
    def change(rows: Rows) -> None:
        _row(rows, "id", "plasma__NE")["half_life"] = "-2.4"

    edit_table("species.tsv", change)
    with pytest.raises(
        ModelDataError, match=r"column 'half_life', ID 'plasma__NE': half-life -2.4 is not positive"
    ):
        load_model(model_copy)


def test_species_that_nothing_touches(model_copy: Path, edit_table: TableEditor) -> None:
    def change(rows: Rows) -> None:
        orphan = dict(_row(rows, "id", "brain__HDAC"))
        orphan["id"] = "brain__HDAC1"
        rows.append(orphan)

    edit_table("species.tsv", change)
    with pytest.raises(
        ModelDataError,
        match=r"species\.tsv, line \d+, column 'id', ID 'brain__HDAC1': species that no "
        r"interaction touches",
    ):
        load_model(model_copy)


def test_parameter_for_an_unknown_interaction(model_copy: Path, edit_table: TableEditor) -> None:
    def change(rows: Rows) -> None:
        extra = dict(rows[0])
        extra["interaction"] = "lactate_teleport"
        rows.append(extra)

    edit_table("parameters.tsv", change)
    with pytest.raises(
        ModelDataError,
        match=r"parameters\.tsv, line \d+, column 'interaction', ID 'lactate_teleport__\w+': "
        r"parameter for unknown interaction 'lactate_teleport'",
    ):
        load_model(model_copy)


def test_missing_parameter_of_an_edge(model_copy: Path, edit_table: TableEditor) -> None:
    def change(rows: Rows) -> None:
        rows[:] = [
            r for r in rows if not (r["interaction"] == "mk677_gh" and r["parameter"] == "hill")
        ]

    edit_table("parameters.tsv", change)
    with pytest.raises(
        ModelDataError, match=r"ID 'mk677_gh': interaction .* lacks parameter\(s\): hill"
    ):
        load_model(model_copy)


def test_inhibition_emax_must_stay_below_one(model_copy: Path, edit_table: TableEditor) -> None:
    def change(rows: Rows) -> None:
        row = next(r for r in rows if r["interaction"] == "hdac_bdnf" and r["parameter"] == "emax")
        row["value"], row["high"] = "1.5", "2"

    edit_table("parameters.tsv", change)
    with pytest.raises(ModelDataError, match=r"ID 'hdac_bdnf__emax': emax 1.5 of an inhibition"):
        load_model(model_copy)


def test_clearance_emax_is_bounded_by_the_effect_on_the_loss(
    model_copy: Path, edit_table: TableEditor
) -> None:
    """A clearance edge's sign is its effect on the level: a ``+`` edge slows the loss, so its
    emax is a fraction of the loss removed and must stay below 1; a ``-`` edge speeds the loss
    and may multiply it several-fold."""

    def slow_too_much(rows: Rows) -> None:
        row = next(
            r
            for r in rows
            if r["interaction"] == "bhb_saturable_clearance" and r["parameter"] == "emax"
        )
        row["value"], row["high"] = "1.5", "2"

    edit_table("parameters.tsv", slow_too_much)
    with pytest.raises(
        ModelDataError,
        match=r"ID 'bhb_saturable_clearance__emax': emax 1.5 of an inhibition must be below 1 "
        r"\(it is the largest fraction of loss removed\)",
    ):
        load_model(model_copy)

    def speed_up(rows: Rows) -> None:
        edge = _row(rows, "id", "bhb_saturable_clearance")
        edge["sign"] = "-"

    edit_table("interactions.tsv", speed_up)
    model = load_model(model_copy)  # the same emax 1.5 now speeds the loss: valid
    assert next(e for e in model.interactions if e.id == "bhb_saturable_clearance").term_sign == 1


def test_a_proportional_edge_needs_a_dimensionless_source_and_a_slope_of_zero_or_more(
    model_copy: Path, edit_table: TableEditor
) -> None:
    """The slope of a ``proportional_drive`` edge is the relative rise per unit of its source,
    so a source in a unit (mM) is named, as are a negative slope and a Hill parameter."""

    def read_lactate(rows: Rows) -> None:
        _row(rows, "id", "training_capacity")["source"] = "plasma__lactate"

    def bad_parameters(rows: Rows) -> None:
        slope = next(r for r in rows if r["interaction"] == "lipolysis_ketogenesis")
        slope["value"], slope["low"] = "-1", "-2"
        rows.append({**slope, "parameter": "hill", "value": "1", "low": "0.5", "high": "2"})

    edit_table("interactions.tsv", read_lactate)
    edit_table("parameters.tsv", bad_parameters)
    with pytest.raises(ModelDataError) as raised:
        load_model(model_copy)
    message = str(raised.value)
    assert (
        "ID 'training_capacity': a proportional edge's slope is per unit of its source, which "
        "must be dimensionless; 'plasma__lactate' is in 'mM'" in message
    )
    assert "ID 'lipolysis_ketogenesis__slope': slope -1 is negative" in message
    assert "'hill' is not a parameter of a proportional edge" in message


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            {"id": "threshold_gh", "target": "plasma__cortisol"},
            r"ID 'threshold_gh': a threshold edge moves the target's response to "
            r"'muscle__work_rate', and 'plasma__cortisol' has no edge from it",
        ),
        (
            {"id": "threshold_ne", "target": "plasma__GH"},
            r"ID 'threshold_gh': 'plasma__GH' has more than one threshold edge into it",
        ),
        (
            {"id": "threshold_gh", "source": "body__VO2max"},
            r"ID 'threshold_gh': a threshold is a level of the work rate; 'body__VO2max' is in "
            r"'relative', expected 'fraction_VO2max'",
        ),
    ],
)
def test_threshold_edges_need_a_work_rate_response_and_a_threshold_in_its_unit(
    model_copy: Path, edit_table: TableEditor, edit: dict[str, str], message: str
) -> None:
    """A threshold edge moves one response to the work rate by a level in the work rate's unit:
    a target without that response, a second threshold or a source in another unit is named."""

    def change(rows: Rows) -> None:
        _row(rows, "id", edit["id"]).update(edit)

    edit_table("interactions.tsv", change)
    with pytest.raises(ModelDataError, match=message):
        load_model(model_copy)


def test_every_problem_is_reported_in_one_run(model_copy: Path, edit_table: TableEditor) -> None:
    def break_species(rows: Rows) -> None:
        _row(rows, "id", "plasma__IL6")["unit"] = "pg/dl"
        _row(rows, "id", "plasma__NE")["half_life"] = "0"

    def break_edges(rows: Rows) -> None:
        _row(rows, "id", "hdac_bdnf")["sign"] = "?"

    edit_table("species.tsv", break_species)
    edit_table("interactions.tsv", break_edges)
    with pytest.raises(ModelDataError) as caught:
        load_model(model_copy)
    ids = {problem.id for problem in caught.value.problems}
    assert {"plasma__IL6", "plasma__NE", "hdac_bdnf"} <= ids
    assert str(caught.value).startswith(f"{len(caught.value.problems)} problem(s) in ")


def test_missing_manifest(tmp_path: Path) -> None:
    with pytest.raises(ModelDataError, match=r"model\.toml: no such manifest file"):
        load_model(tmp_path)


def test_missing_column(model_copy: Path, edit_table: TableEditor) -> None:
    path = model_copy / "interactions.tsv"
    text = path.read_text(encoding="utf-8").replace("\torganism\t", "\thost\t", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(
        ModelDataError, match=r"interactions\.tsv, line 1, column 'organism': missing column"
    ):
        load_model(model_copy)


@pytest.mark.parametrize("unit", ["degC", "min", "mmol/min"])
def test_state_species_in_a_unit_that_is_no_amount(
    model_copy: Path, edit_table: TableEditor, unit: str
) -> None:
    """Once reached the SBML writer as a bare KeyError; the linter names it now."""

    def change(rows: Rows) -> None:
        _row(rows, "id", "plasma__IL6")["unit"] = unit

    edit_table("species.tsv", change)
    message = _load_error(model_copy)
    assert re.search(
        rf"species\.tsv, line \d+, column 'unit', ID 'plasma__IL6': '{unit}' \(.*\) cannot "
        r"measure a protein; a state species is a concentration",
        message,
    ), message


def test_table_with_bytes_that_are_not_utf8(model_copy: Path) -> None:
    path = model_copy / "species.tsv"
    lines = path.read_bytes().split(b"\n")
    lines[6] = lines[6].replace(b"\t", b"\t\xe9", 1)  # a Latin-1 'e acute' after the ID
    column = lines[6].index(b"\xe9") + 1
    path.write_bytes(b"\n".join(lines))
    with pytest.raises(ModelDataError) as caught:
        load_model(model_copy)
    assert caught.value.problems == (caught.value.problems[0],), (
        "only the unreadable file is reported"
    )
    assert re.fullmatch(
        rf"species\.tsv, line 7: byte 0xe9 at column {column} is not UTF-8; save the file as UTF-8",
        str(caught.value.problems[0]),
    ), str(caught.value.problems[0])


def test_empty_table_is_named_first_and_alone(model_copy: Path) -> None:
    (model_copy / "interactions.tsv").write_text("", encoding="utf-8")
    with pytest.raises(ModelDataError) as caught:
        load_model(model_copy)
    assert [str(p) for p in caught.value.problems] == [
        "interactions.tsv: empty file; expected a header line of columns"
    ]


def test_manifest_time_unit_is_read(model_copy: Path) -> None:
    path = model_copy / "model.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace('time_unit = "min"', 'time_unit = "h"'),
        encoding="utf-8",
    )
    with pytest.raises(
        ModelDataError, match=r"model\.toml, column 'time_unit': time unit 'h' is not supported"
    ):
        load_model(model_copy)


def test_manifest_taxa_must_be_a_list_of_curies(model_copy: Path) -> None:
    path = model_copy / "model.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace('taxa = ["taxonomy:9606"]', 'taxa = "9606"'),
        encoding="utf-8",
    )
    with pytest.raises(
        ModelDataError,
        match=r"model\.toml, column 'model\.taxa': expected a list of CURIEs; got '9606'",
    ):
        load_model(model_copy)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            {"value": "teenager"},
            r"'teenager' is not a value of subject key 'training_status' that differs",
        ),
        (
            {"change": "parameter_scale", "target": "body__VO2max"},
            r"'body__VO2max' is not a kinetic parameter or \{species\}__half_life, which a "
            r"'parameter_scale' change needs",
        ),
        (
            {"change": "activity", "target": "body__VO2max"},
            r"'body__VO2max' is not an interaction, which a 'activity' change needs",
        ),
        ({"change": "double"}, r"column 'change'"),
        ({"factor": "0"}, r"factor 0 is not positive \(only an activity may be 0: edge absent\)"),
    ],
)
def test_bad_subject_rows_are_named(
    model_copy: Path, edit_table: TableEditor, edit: dict[str, str], message: str
) -> None:
    def change(rows: Rows) -> None:
        row = next(r for r in rows if r["key"] == "training_status" and r["value"] == "trained")
        row.update(edit)

    edit_table("subjects.tsv", change)
    assert re.search(r"subjects\.tsv, line \d+, column '\w+'", _load_error(model_copy))
    assert re.search(message, _load_error(model_copy))


def test_age_rows_with_an_onset_apply_only_above_it() -> None:
    """A ``per_year_from_N`` row changes nothing up to age N and applies per year after it."""
    from mbaxis.analysis.subjects import parse_subject, subject_effect
    from mbaxis.network.naming import hook

    model = load_model()
    row = next(r for r in model.subject_changes if r.value.startswith("per_year_from_"))
    onset = float(row.value.removeprefix("per_year_from_"))
    name = hook(row.target, "synthesis_scale")
    for age in (20, onset):
        effect = subject_effect(model, parse_subject(f"subject(age={age:g})"))
        assert effect.multipliers.get(name, 1.0) == 1.0
    later = subject_effect(model, parse_subject(f"subject(age={onset + 12:g})"))
    assert later.multipliers[name] == pytest.approx(row.factor**12)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("per_year_from_20", r"starts before the reference age 25"),
        ("per_decade", r"'per_decade' is not a value of subject key 'age'.*per_year_from_N"),
    ],
)
def test_age_rows_need_a_known_form_and_an_onset_after_the_reference_age(
    model_copy: Path, edit_table: TableEditor, value: str, message: str
) -> None:
    def change(rows: Rows) -> None:
        row = next(r for r in rows if r["key"] == "age" and r["value"].startswith("per_year_from"))
        row["value"] = value

    edit_table("subjects.tsv", change)
    error = _load_error(model_copy)
    assert re.search(r"subjects\.tsv, line \d+, column 'value'", error)
    assert re.search(message, error)


def test_parameter_scale_rows_multiply_per_year_of_age() -> None:
    """An age row that scales a parameter applies once per year away from 25."""
    from mbaxis.analysis.subjects import parse_subject, subject_effect

    model = load_model()
    row = next(r for r in model.subject_changes if r.change == "parameter_scale")
    effect = subject_effect(model, parse_subject("subject(age=45)"))
    assert effect.multipliers[row.target] == pytest.approx(row.factor**20)


def test_a_dilution_edge_starts_at_a_volume_and_ends_in_its_compartment(
    model_copy: Path, edit_table: TableEditor
) -> None:
    """A ``fluid_shift`` edge divides its target by a volume, so a source that is not a relative
    state resting at 1 (blood lactate in mM) is named, as is a target outside the volume's
    compartment (hippocampal BDNF is not dissolved in the plasma)."""

    def misplace(rows: Rows) -> None:
        _row(rows, "id", "volume_cortisol")["source"] = "plasma__lactate"
        _row(rows, "id", "volume_mbdnf")["target"] = "brain__mBDNF"

    edit_table("interactions.tsv", misplace)
    message = _load_error(model_copy)
    assert (
        "ID 'volume_cortisol': a dilution edge starts at the volume its target is dissolved in; "
        "expected a state species in 'relative' resting at 1, 'plasma__lactate' is not" in message
    )
    assert (
        "ID 'volume_mbdnf': a dilution edge concentrates a state species of its volume's "
        "compartment 'plasma'; 'brain__mBDNF' is not one" in message
    )
