"""Fitted values go back into parameters.tsv, identifiable ones only, with their history."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mbaxis.analysis.calibration.apply import apply_fit
from mbaxis.analysis.errors import CalibrationError
from mbaxis.network import bundled_model_path, load_model

HEADER = "parameterId\tvalue\tlower95\tupper95\tidentifiable\tlowerBound\tupperBound\tstudies\n"


def _fitted(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "fitted_parameters.tsv"
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_only_identifiable_values_are_written_and_refits_keep_the_history(tmp_path: Path) -> None:
    folder = tmp_path / "model"
    shutil.copytree(bundled_model_path(), folder)
    tables = folder / "parameters.tsv"
    fitted = _fitted(
        tmp_path,
        [
            "exercise_lactate__ec50\t1.07\t0.6\t1.35\ttrue\t0.25\t4\tbirat_2018",
            "exercise_gh__emax\t40\t13\t200\tfalse\t12.5\t200\tsherk_2011",
        ],
    )
    before = {p.id: p for p in load_model(folder).parameters}
    assert apply_fit(fitted, tables) == ["exercise_lactate__ec50"]
    rows = {p.id: p for p in load_model(folder).parameters}
    assert rows["exercise_lactate__ec50"].value == pytest.approx(1.07)
    assert rows["exercise_lactate__ec50"].source.startswith("fitted: mbaxis calibrate")
    old = before["exercise_lactate__ec50"]
    assert f", {old.source[:40]}" in rows["exercise_lactate__ec50"].source
    # not identifiable: the tables keep theirs
    assert rows["exercise_gh__emax"].value == before["exercise_gh__emax"].value
    # a second fit replaces the value and keeps the first history
    apply_fit(
        _fitted(tmp_path, ["exercise_lactate__ec50\t1.2\t0.7\t1.5\ttrue\t0.25\t4\tx"]), tables
    )
    again = {p.id: p for p in load_model(folder).parameters}["exercise_lactate__ec50"]
    assert again.value == pytest.approx(1.2)
    assert again.source.count("before the fit") == 1
    assert f", {old.source[:40]}" in again.source


def test_a_fitted_parameter_the_tables_lack_is_named(tmp_path: Path) -> None:
    folder = tmp_path / "model"
    shutil.copytree(bundled_model_path(), folder)
    fitted = _fitted(tmp_path, ["nope__emax\t1\t0.5\t2\ttrue\t0.1\t10\tx"])
    with pytest.raises(
        CalibrationError, match=r"no row for fitted parameter\(s\) \['nope__emax'\]"
    ):
        apply_fit(fitted, folder / "parameters.tsv")
