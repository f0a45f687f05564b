"""Fuzzed inputs: mutated model tables, observation files and SBML either load or end in a named
error that points at the file (and, for a row, the line); never a crash or a bare traceback.

Mutations start from the committed files: byte noise (bytes inserted, replaced, deleted),
truncation, other encodings, and the edits people make by hand (rows dropped or repeated,
columns dropped or swapped, a cell overwritten). The calibration problem's files are fuzzed
the same way: the tables people edit (``points.tsv``, ``estimated.tsv``) through the build, and
the PEtab tables and YAML through the reader.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import given, strategies as st

from mbaxis.analysis.calibration import load_problem
from mbaxis.analysis.calibration.build import MODEL_FILE, problem_files
from mbaxis.analysis.calibration.problem import bundled_problem_path
from mbaxis.analysis.observations import bundled_observations_path, load_observations
from mbaxis.network import bundled_model_path, load_model
from mbaxis.network.errors import ModelDataError, ModelError
from mbaxis.sbml import read_sbml
from mbaxis.sbml.exporters import models_folder
from tests.properties.budget import budget

MODEL = load_model(bundled_model_path())
MODEL_FILES = ("species.tsv", "interactions.tsv", "parameters.tsv", "subjects.tsv", "model.toml")


@st.composite
def byte_mutations(draw: st.DrawFn, data: bytes) -> bytes:
    """``data`` with a few bytes inserted, replaced or deleted, truncated, or re-encoded."""
    how = draw(st.sampled_from(["noise", "truncate", "utf-16", "latin-1"]))
    if how == "truncate":
        return data[: draw(st.integers(0, len(data)))]
    if how == "utf-16":
        return data.decode("utf-8").encode("utf-16")
    if how == "latin-1":
        return (
            data.decode("utf-8")
            .replace("-", "\u2013", 3)
            .encode("utf-8")
            .replace("\u2013".encode(), b"\x96")
        )
    mutated = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        where = draw(st.integers(0, max(len(mutated) - 1, 0)))
        action = draw(st.sampled_from(["insert", "replace", "delete"]))
        noise = draw(st.binary(min_size=1, max_size=8))
        if action == "insert":
            mutated[where:where] = noise
        elif action == "replace":
            mutated[where : where + len(noise)] = noise
        else:
            del mutated[where : where + len(noise)]
    return bytes(mutated)


@st.composite
def table_edits(draw: st.DrawFn, text: str) -> str:
    """A hand edit of a TSV: a row dropped or repeated, a column dropped or two swapped, a cell
    overwritten with other text."""
    lines = text.splitlines()
    header, rows = lines[0].split("\t"), [line.split("\t") for line in lines[1:]]
    how = draw(st.sampled_from(["drop row", "repeat row", "drop column", "swap", "cell"]))
    row = draw(st.integers(0, len(rows) - 1))
    column = draw(st.integers(0, len(header) - 1))
    if how == "drop row":
        del rows[row]
    elif how == "repeat row":
        rows.insert(row, list(rows[row]))
    elif how == "drop column":
        for cells in (header, *rows):
            if column < len(cells):
                del cells[column]
    elif how == "swap":
        other = draw(st.integers(0, len(header) - 1))
        header[column], header[other] = header[other], header[column]
    else:
        cells = rows[row]
        if column < len(cells):
            cells[column] = draw(
                st.one_of(
                    st.text(max_size=12),
                    st.sampled_from(["", "nan", "inf", "-1", "1e400", "NA", "plasma__nothing"]),
                )
            )
    return "\n".join("\t".join(cells) for cells in (header, *rows)) + "\n"


def _mutate(data: st.DataObject, name: str, original: bytes) -> bytes:
    if name.endswith(".tsv") and data.draw(st.booleans()):
        return data.draw(table_edits(original.decode("utf-8"))).encode("utf-8")
    return data.draw(byte_mutations(original))


def _assert_points_at_the_file(error: ModelError, names: tuple[str, ...]) -> None:
    message = str(error)
    assert any(name in message for name in names), message
    if isinstance(error, ModelDataError):
        for problem in error.problems:
            assert any(name in problem.file for name in names), problem


@budget(40)
@given(st.sampled_from(MODEL_FILES), st.data())
def test_mutated_model_tables_load_or_name_the_file_and_place(
    tmp_path_factory: pytest.TempPathFactory, name: str, data: st.DataObject
) -> None:
    folder = tmp_path_factory.mktemp("model")
    shutil.copytree(bundled_model_path(), folder, dirs_exist_ok=True)
    (folder / name).write_bytes(_mutate(data, name, (folder / name).read_bytes()))
    try:
        load_model(folder)
    except ModelError as error:
        _assert_points_at_the_file(error, MODEL_FILES)
        if isinstance(error, ModelDataError):
            row_problems = [p for p in error.problems if p.id is not None]
            assert all(p.line is not None or p.column is not None for p in row_problems)


SUITE = yaml.safe_load(bundled_observations_path().read_text(encoding="utf-8"))[:12]
SUITE_TEXT = yaml.safe_dump(SUITE, sort_keys=False, allow_unicode=True).encode("utf-8")


@budget(60)
@given(byte_mutations(SUITE_TEXT))
def test_mutated_observation_files_load_or_name_the_file(
    tmp_path_factory: pytest.TempPathFactory, mutated: bytes
) -> None:
    path = tmp_path_factory.mktemp("observations") / "findings.yaml"
    path.write_bytes(mutated)
    try:
        load_observations(path)
    except ModelError as error:
        message = str(error)
        assert "findings.yaml" in message, message


SBML_TEXT = (models_folder() / "mbaxis.xml").read_bytes()


@budget(25)
@given(byte_mutations(SBML_TEXT))
def test_mutated_sbml_reads_or_names_the_file(
    tmp_path_factory: pytest.TempPathFactory, mutated: bytes
) -> None:
    path = tmp_path_factory.mktemp("sbml") / "edited.xml"
    path.write_bytes(mutated)
    try:
        read_sbml(path)
    except ModelError as error:
        _assert_points_at_the_file(error, ("edited.xml",))


EDITED_TABLES = ("points.tsv", "estimated.tsv")
PETAB_FILES = (
    "problem.yaml",
    "conditions.tsv",
    "measurements.tsv",
    "observables.tsv",
    "parameters.tsv",
    "experiments.tsv",
    "datasets.tsv",
)


def _problem_copy(folder: Path) -> Path:
    """The bundled problem copied into ``folder`` (its fit left out), its YAML pointing at the
    bundled SBML; returns the copy's YAML path."""
    bundled = bundled_problem_path()
    shutil.copytree(
        bundled.parent, folder, dirs_exist_ok=True, ignore=shutil.ignore_patterns("fit")
    )
    sbml = (bundled.parent / MODEL_FILE).resolve()
    text = (folder / "problem.yaml").read_text(encoding="utf-8")
    relative = os.path.relpath(sbml, folder)
    (folder / "problem.yaml").write_text(text.replace(MODEL_FILE, relative), encoding="utf-8")
    return folder / "problem.yaml"


@budget(30)
@given(st.sampled_from(EDITED_TABLES), st.data())
def test_mutated_calibration_tables_build_or_name_the_file(
    tmp_path_factory: pytest.TempPathFactory, name: str, data: st.DataObject
) -> None:
    folder = tmp_path_factory.mktemp("calibration")
    _problem_copy(folder)
    path = folder / name
    path.write_bytes(_mutate(data, name, path.read_bytes()))
    try:
        problem_files(folder, MODEL)
    except ModelError as error:
        assert name in str(error), str(error)


@budget(40)
@given(st.sampled_from(PETAB_FILES), st.data())
def test_mutated_petab_files_load_or_name_the_file(
    tmp_path_factory: pytest.TempPathFactory, name: str, data: st.DataObject
) -> None:
    folder = tmp_path_factory.mktemp("petab")
    yaml_path = _problem_copy(folder)
    path = folder / name
    path.write_bytes(_mutate(data, name, path.read_bytes()))
    try:
        load_problem(yaml_path, MODEL)
    except ModelError as error:
        # petab names the YAML it was asked to read; our checks name the table and line
        assert name in str(error) or "problem.yaml" in str(error), str(error)


def test_the_committed_files_load_unmutated(tmp_path: Path) -> None:
    """The fuzzing starts from files that load: a failure above is the mutation's doing."""
    assert load_model(bundled_model_path()).species
    assert load_observations(bundled_observations_path())
    assert read_sbml(models_folder() / "mbaxis.xml").species
    yaml_path = _problem_copy(tmp_path / "calibration")
    assert problem_files(yaml_path.parent, MODEL)
    assert load_problem(yaml_path, MODEL).datasets
