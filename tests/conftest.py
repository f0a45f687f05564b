"""Shared fixtures: the bundled model, and an editable copy of its tables for defect tests;
and the fractional loss of a species read off the equations."""

from __future__ import annotations

import csv
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import settings

from mbaxis.network import Equations, Model, bundled_model_path, load_model

# Property tests: derandomised in CI (the same examples every run, no example database), fresh
# draws when MBAXIS_EXAMPLES asks for a long run (tests/properties/budget.py).
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.register_profile("long", derandomize=False, print_blob=True)
settings.load_profile("long" if os.environ.get("MBAXIS_EXAMPLES") else "ci")

TableEditor = Callable[[str, Callable[[list[dict[str, str]]], None]], None]


@pytest.fixture(autouse=True, scope="session")
def _private_model_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Compiled models go to a cache folder of this test session, not the user's."""
    os.environ["MBAXIS_CACHE_DIR"] = str(tmp_path_factory.mktemp("model_cache"))


@pytest.fixture(scope="session")
def model() -> Model:
    return load_model()


@pytest.fixture
def model_copy(tmp_path: Path) -> Path:
    """A copy of the bundled model folder that a test may edit."""
    folder = tmp_path / "model"
    shutil.copytree(bundled_model_path(), folder)
    return folder


@pytest.fixture
def edit_table(model_copy: Path) -> TableEditor:
    """Edit one TSV of the copied model: ``edit_table("species.tsv", change_rows)``."""

    def edit(name: str, change: Callable[[list[dict[str, str]]], None]) -> None:
        path = model_copy / name
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle, delimiter="\t")
            columns = list(reader.fieldnames or [])
            rows = list(reader)
        change(rows)
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(
                handle, columns, delimiter="\t", lineterminator="\n", extrasaction="ignore"
            )
            writer.writeheader()
            writer.writerows(rows)

    return edit


@pytest.fixture
def untrained_only_model(model_copy: Path, edit_table: TableEditor) -> Path:
    """A copy of the bundled model whose subject table has no training-status rows: a model
    that cannot represent ``training_status=...`` (every key of the bundled one is)."""

    def drop(rows: list[dict[str, str]]) -> None:
        rows[:] = [row for row in rows if row["key"] != "training_status"]

    edit_table("subjects.tsv", drop)
    return model_copy


def loss_per_unit(equations: Equations, species: str, level: float, **overrides: float) -> float:
    """The fractional loss (1/min) of ``species`` held at ``level``, everything else at rest."""
    loss = next(r for r in equations.reactions if r.id == f"{species}__degradation")
    values = equations.parameter_values(overrides)
    state = equations.resting_state | {species: level}
    numbers = {s: values.get(s.name, state.get(s.name)) for s in loss.rate.free_symbols}
    return float(loss.rate.subs(numbers)) / level
