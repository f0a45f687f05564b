"""``mbaxis graph``: the JSON of CONTRACT section 5, the plot, and errors on bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import matplotlib.image
import numpy as np
import pytest

from mbaxis.cli import main
from tests.conftest import TableEditor
from tests.contract import CONTRACT_EDGES, CONTRACT_SPECIES


def test_graph_json_lists_the_contract(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["graph", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    nodes = {n["id"]: n for n in result["nodes"]}
    assert set(CONTRACT_SPECIES) <= set(nodes)
    for node in result["nodes"]:
        assert {"id", "name", "compartment", "kind"} <= set(node)
    edges = {(e["source"], e["target"]): e for e in result["edges"]}
    for pair, sign in CONTRACT_EDGES.items():
        assert edges[pair]["sign"] == sign
    assert all(e["references"] and e["mechanism"] for e in result["edges"])
    assert result["counts"]["nodes"] >= 35
    path_sources = {p["source"] for p in result["paths"] if p["target"] == "brain__BDNF_mRNA"}
    inputs = {n["id"] for n in result["nodes"] if n["kind"] == "input"}
    assert path_sources == inputs


def test_graph_text_reports_counts_and_paths(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["graph"]) == 0
    text = capsys.readouterr().out
    assert "by compartment: " in text
    assert "plasma__BHB -> brain__HDAC -> brain__BDNF_mRNA" in text


def test_graph_plot_writes_a_real_picture(tmp_path: Path) -> None:
    target = tmp_path / "figures" / "network.png"
    assert main(["graph", "--plot", str(target)]) == 0
    pixels = matplotlib.image.imread(target)
    assert pixels.shape[0] > 500 and pixels.shape[1] > 500
    assert float(np.var(pixels)) > 1e-3
    assert not list(target.parent.glob(".network.png.*"))  # no temporary file left


def test_bad_model_exits_2_with_one_line_on_stderr(
    model_copy: Path, edit_table: TableEditor
) -> None:
    def change(rows: list[dict[str, str]]) -> None:
        next(r for r in rows if r["id"] == "plasma__IL6")["unit"] = "pg/dl"

    edit_table("species.tsv", change)
    completed = subprocess.run(
        [sys.executable, "-m", "mbaxis", "--model", str(model_copy), "graph", "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 2
    assert completed.stdout == ""
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "species.tsv, line" in lines[0] and "ID 'plasma__IL6'" in lines[0]
