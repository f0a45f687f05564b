"""Knock-out scans: the mediators exercise needs, pairs, structure predictions, resume."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from mbaxis.analysis.errors import SimulationError
from mbaxis.analysis.executor import Task, run_tasks
from mbaxis.analysis.knockout import epistasis, influence_matrix, knockout_scan, knockout_targets
from mbaxis.analysis.perturbations import Perturbation
from mbaxis.analysis.protocols import make_protocol
from mbaxis.analysis.simulation import Simulator
from mbaxis.analysis.structure import concordance, graph_prediction
from mbaxis.cli import main
from mbaxis.network import EdgeId, Model

EXERCISE = make_protocol("aerobic", duration_min=60.0, intensity=0.7)


@pytest.fixture(scope="module")
def exercise_rise(model: Model) -> pd.DataFrame:
    """Every single node knock-out and every blocked edge: rise of Bdnf mRNA over 6 h."""
    nodes = knockout_scan(
        model, EXERCISE, ["brain__BDNF_mRNA"], statistic="rise", window=(0.0, 360.0)
    )
    edges = knockout_scan(
        model,
        EXERCISE,
        ["brain__BDNF_mRNA"],
        targets="edges",
        statistic="rise",
        window=(0.0, 360.0),
    )
    return pd.concat([nodes, edges], ignore_index=True)


def _call(scan: pd.DataFrame, target: str) -> str:
    row = scan[scan["perturbations"] == (target,)]
    assert len(row) == 1, target
    return str(row["call"].iloc[0])


def test_cathepsin_b_knockout_lowers_the_exercise_rise(exercise_rise: pd.DataFrame) -> None:
    """Ctsb knock-out abolished running-induced hippocampal neurogenesis and memory gains;
    CTSB raised BDNF in hippocampal progenitors (Moon et al. 2016, PMID:27345423)."""
    assert _call(exercise_rise, "plasma__CTSB") == "decrease"


def test_igf1_knockout_lowers_the_exercise_rise(exercise_rise: pd.DataFrame) -> None:
    """Blocking circulating IGF-I prevented exercise-induced hippocampal BDNF (Chen & Russo
    2007, PMID:17852404) and neurogenesis (Trejo et al. 2001, PMID:11222653)."""
    assert _call(exercise_rise, "plasma__IGF1") == "decrease"


def test_blocking_lactate_entry_lowers_the_exercise_rise(exercise_rise: pd.DataFrame) -> None:
    """Lactate transport into the brain is needed for exercise-induced hippocampal BDNF (El
    Hayek et al. 2019, DOI:10.1523/JNEUROSCI.1661-18.2019; UK5099 in Front Physiol 2021,
    PMC8481603)."""
    assert _call(exercise_rise, "plasma__lactate -> brain__lactate") == "decrease"


def test_scan_has_one_row_per_perturbation_and_readout(model: Model) -> None:
    readouts = ["brain__BDNF_mRNA", "serum__BDNF"]
    scan = knockout_scan(model, EXERCISE, readouts, double=True)
    n = len(knockout_targets(model))
    assert len(scan) == (n + n * (n - 1) // 2) * len(readouts)
    assert not scan.duplicated(["perturbations", "readout"]).any()
    assert set(scan["call"]) <= {"increase", "decrease", "no_change"}
    own = scan[scan["perturbations"] == ("brain__BDNF_mRNA",)]
    assert own["value"].iloc[0] == pytest.approx(0.0, abs=1e-9)
    assert np.isfinite(scan["log2_ratio"]).all()  # the floor keeps zeros finite
    matrix = epistasis(scan, "brain__BDNF_mRNA")
    assert matrix.shape == (n, n)
    np.testing.assert_allclose(matrix.to_numpy(), matrix.to_numpy().T, equal_nan=True)


def test_influence_matrix_sums_exclude_self_effects(model: Model) -> None:
    matrix = influence_matrix(model, EXERCISE)
    assert matrix.loc["brain__BDNF_mRNA", "brain__pCREB"] < 0
    influence = matrix.attrs["influence"]
    expected = matrix["brain__pCREB"].drop("brain__pCREB").abs().sum()
    assert influence["brain__pCREB"] == pytest.approx(expected)


def test_graph_prediction_on_a_toy_graph() -> None:
    graph = nx.DiGraph()
    graph.add_edge("a", "b", sign=1)
    graph.add_edge("b", "c", sign=-1)
    graph.add_edge("a", "c", sign=-1)
    graph.add_edge("d", "c", sign=1)
    assert graph_prediction(graph, Perturbation("knockout", "b"), "c") == "increase"
    assert graph_prediction(graph, Perturbation("knockout", "d"), "c") == "decrease"
    assert graph_prediction(graph, Perturbation("knockout", "d"), "a") == "no_change"
    blocked = Perturbation("inhibit", EdgeId("a", "c"), 1.0)
    assert graph_prediction(graph, blocked, "c") == "increase"


def test_concordance_lists_every_single_knockout(model: Model, exercise_rise: pd.DataFrame) -> None:
    table = concordance(model, exercise_rise, EXERCISE)
    assert len(table) == len(exercise_rise)
    assert {"ode", "graph", "logical", "graph_agrees", "logical_agrees", "paths"} <= set(
        table.columns
    )
    disagreements = table[~table["graph_agrees"]]
    assert (disagreements["ode"] != disagreements["graph"]).all()


def test_two_jobs_give_the_same_table_as_one(model: Model) -> None:
    one = knockout_scan(model, EXERCISE, ["serum__BDNF"], targets="edges")
    two = knockout_scan(model, EXERCISE, ["serum__BDNF"], targets="edges", jobs=2)
    pd.testing.assert_frame_equal(one, two)


def _echo(simulator: Simulator, payload: int) -> list[dict[str, int]]:
    return [{"payload": payload}]


def test_checkpoint_of_another_scan_is_refused(model: Model, tmp_path: Path) -> None:
    path = tmp_path / "scan.partial.jsonl"
    run_tasks(model, [Task("a", 1)], _echo, checkpoint=path, progress=False)
    with pytest.raises(SimulationError, match=r"checkpoint of a different scan"):
        run_tasks(model, [Task("b", 2)], _echo, checkpoint=path, resume=True, progress=False)


def test_killed_scan_resumes_to_the_same_table(tmp_path: Path) -> None:
    out = tmp_path / "scan.csv"
    partial = Path(f"{out}.partial.jsonl")
    # A short bout: resuming is what is tested, and the scan (and its reference) run whole twice.
    scan = [
        "knockout",
        "--double",
        "--readout",
        "brain__BDNF_mRNA",
        "--protocol",
        "aerobic(duration_min=10,intensity=0.7)",
        "--no-progress",
    ]
    command = [sys.executable, "-m", "mbaxis", *scan, "--out", str(out)]

    def finished() -> int:  # knock-outs in the checkpoint (a line holds a chunk of them)
        if not partial.exists():
            return 0
        lines = partial.read_text().splitlines()[1:]
        return sum(len(json.loads(line)["rows"]) for line in lines if line.endswith("}"))

    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and finished() <= 150:
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert not out.exists()
    assert 150 < finished() < 781  # really interrupted midway (781 runs in all)
    resumed = subprocess.run([*command, "--resume"], capture_output=True, text=True, check=False)
    assert resumed.returncode == 0, resumed.stderr
    assert not partial.exists()
    reference = tmp_path / "reference.csv"
    assert main([*scan, "--out", str(reference)]) == 0
    pd.testing.assert_frame_equal(pd.read_csv(out), pd.read_csv(reference))


def test_cli_json_matches_the_contract(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["knockout", "--readout", "brain__BDNF_mRNA", "--json", "--no-progress"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["protocol"].startswith("aerobic(")
    row = result["rows"][0]
    assert {"perturbations", "readout", "control", "value", "relative_change", "call"} <= set(row)
    assert isinstance(row["perturbations"], list)
