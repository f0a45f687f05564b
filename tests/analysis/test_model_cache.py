"""The compiled-model cache: keyed by model and code, reused across processes, safe to race."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from mbaxis.analysis import model_cache
from mbaxis.analysis.protocols import parse_protocol
from mbaxis.analysis.simulation import Simulator
from mbaxis.network import Model, load_model
from tests.conftest import TableEditor

BOUT = [parse_protocol("aerobic(duration_min=40,intensity=0.7)")]


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(model_cache.CACHE_VARIABLE, str(folder))
    return folder


def test_second_simulator_reuses_sbml_and_compiled_model(
    model: Model, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = Simulator(model)
    assert len(list((cache / "sbml").glob("*.xml"))) == 1
    assert len(list((cache / "roadrunner").glob("*.rr"))) == 1

    def no_rebuild(*args: object, **kwargs: object) -> str:
        raise AssertionError("the SBML was rebuilt although the model did not change")

    def no_compile(sbml: str) -> object:
        raise AssertionError("the model was compiled although its SBML did not change")

    monkeypatch.setattr("mbaxis.sbml.write_sbml", no_rebuild)
    monkeypatch.setattr(model_cache.roadrunner, "RoadRunner", _loader_only(no_compile))
    second = Simulator(model)
    assert second.sbml == first.sbml
    assert second.run(BOUT).equals(first.run(BOUT))


def _loader_only(compile_: object) -> object:
    """RoadRunner() (empty, to load a state into) works; RoadRunner(sbml) fails the test."""
    import roadrunner

    real = roadrunner.RoadRunner

    def make(*args: object) -> object:
        if args:
            return compile_(*args)  # type: ignore[operator]
        return real()

    return make


def test_edited_model_gets_its_own_entry(
    model: Model, cache: Path, model_copy: Path, edit_table: TableEditor
) -> None:
    Simulator(model)

    def change(rows: list[dict[str, str]]) -> None:
        next(r for r in rows if r["interaction"] == "pcreb_bdnf" and r["parameter"] == "emax")[
            "value"
        ] = "10"

    edit_table("parameters.tsv", change)
    edited = load_model(model_copy)
    assert edited.fingerprint != model.fingerprint
    assert Simulator(edited).sbml != Simulator(model).sbml
    assert len(list((cache / "sbml").glob("*.xml"))) == 2
    assert Simulator(model, signs_as_parameters=True).sbml != Simulator(model).sbml


def test_unreadable_entries_are_rebuilt(model: Model, cache: Path) -> None:
    reference = Simulator(model).run(BOUT)
    for entry in (*(cache / "sbml").glob("*.xml"), *(cache / "roadrunner").glob("*.rr")):
        entry.write_bytes(b"\xff\xfe not what was written")
    assert Simulator(model).run(BOUT).equals(reference)


def test_concurrent_first_runs_leave_one_whole_entry(cache: Path) -> None:
    """Workers of a scan start together on an empty cache: every one simulates, and what is
    left behind loads."""
    code = (
        "from mbaxis import load_model, simulate, parse_protocol; "
        "c = simulate(load_model(), [parse_protocol('aerobic')]); "
        "print(round(float(c['serum__BDNF'].max()), 6))"
    )
    processes = [
        subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    outputs = [p.communicate()[0] for p in processes]
    assert all(p.returncode == 0 for p in processes)
    assert len(set(outputs)) == 1
    assert len(list((cache / "roadrunner").glob("*.rr"))) == 1
    assert not list(cache.rglob(".*"))  # no temporary file left behind
    again = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert again.stdout == outputs[0]
