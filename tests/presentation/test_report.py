"""The report: every figure is a real picture, the page names the validation accuracy, opens
offline, and the network figure keeps the contract species' labels apart."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import matplotlib.image
import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from mbaxis.analysis.calibration import bundled_fit_path
from mbaxis.network import Model, to_digraph
from mbaxis.plots import plot_network
from mbaxis.report import ReportSettings, build_report
from mbaxis.sbml import COMMITTED_FILES, models_folder
from tests.contract import CONTRACT_SPECIES


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("results")
    settings = ReportSettings(
        jobs=2,
        null_copies=5,
        sobol_n=16,
        sobol_top=5,
        population_n=40,
        optimize_evaluations=100,
        optimize_members=4,
        progress=False,
    )
    return out, build_report(out, settings=settings)


def test_every_figure_is_a_real_picture(report: tuple[Path, dict]) -> None:
    out, summary = report
    pictures = sorted((out / "figures").glob("*.png"))
    assert len(pictures) >= 8
    for picture in pictures:
        pixels = matplotlib.image.imread(picture)
        assert pixels.shape[0] > 300 and pixels.shape[1] > 300, picture.name
        assert float(np.var(pixels)) > 1e-3, picture.name
        assert picture.with_suffix(".svg").stat().st_size > 10_000, picture.name
    for name in summary["files"]:
        assert (out / name).exists(), name


def test_tables_and_model_files(report: tuple[Path, dict]) -> None:
    out, _ = report
    for table in (
        "protocols",
        "knockouts",
        "epistasis",
        "concordance",
        "logical_states",
        "influence",
        "local_sensitivity",
        "sobol",
        "validation",
        "calibration_parameters",
        "calibration_cross_validation",
        "population_strata",
        "population_checks",
        "optimisation_ensemble",
    ):
        frame = pd.read_csv(out / "tables" / f"{table}.csv")
        assert len(frame) > 0, table
    for name in COMMITTED_FILES.values():
        assert (out / "model" / name).read_bytes() == (models_folder() / name).read_bytes()


def test_the_calibration_section_reads_the_committed_fit(report: tuple[Path, dict]) -> None:
    out, summary = report
    committed = json.loads((bundled_fit_path() / "calibration.json").read_text(encoding="utf-8"))
    assert summary["calibration"]["points"] == committed["points"]
    assert summary["calibration"]["best_objective"] == committed["best_objective"]
    for name in ("waterfall", "fits", "profiles", "cross_validation", "ensemble"):
        assert (out / "figures" / f"calibration_{name}.png").exists(), name


def test_page_names_the_accuracy_and_opens_offline(report: tuple[Path, dict]) -> None:
    out, summary = report
    page = (out / "report.html").read_text(encoding="utf-8")
    validation = summary["validation"]
    test = validation["test"]
    assert 0 < test["total"] < validation["total"]  # the test figure leaves calibration out
    assert f"Test accuracy {test['accuracy']:.1%} ({test['correct']} of {test['total']}" in page
    assert f"Test accuracy (findings no parameter was set from): {test['correct']} of " in page
    assert {"human", "rodent"} <= set(test["per_organism"])
    assert f"{validation['accuracy']:.1%}" in page
    assert page.count("data:image/png;base64,") >= 8
    for page_name in ("report.html", "network.html"):
        text = (out / page_name).read_text(encoding="utf-8")
        external = re.findall(r"(?:src|href)\s*=\s*[\"']https?://", text)
        assert external == [], page_name


def test_network_labels_of_contract_species_do_not_overlap(model: Model) -> None:
    figure = Figure(figsize=(22, 14))
    canvas = FigureCanvasAgg(figure)
    ax = plot_network(to_digraph(model), ax=figure.subplots())
    canvas.draw()
    renderer = canvas.get_renderer()
    wanted = {species.split("__", 1)[1] for species in CONTRACT_SPECIES}
    boxes = [
        (text.get_text(), text.get_window_extent(renderer))
        for text in ax.texts
        if text.get_text() in wanted
    ]
    assert len(boxes) >= len(CONTRACT_SPECIES) - 1  # serum__BDNF and brain BDNF share a name
    for (name_a, a), (name_b, b) in itertools.combinations(boxes, 2):
        assert not a.overlaps(b), f"labels '{name_a}' and '{name_b}' overlap"
