"""Sensitivity analysis: local against independent finite differences, global methods
reproducible across runs and executors, convergence flags, scans, pictures, errors."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import matplotlib
import numpy as np
import pytest

from mbaxis.analysis.errors import SimulationError
from mbaxis.analysis.sensitivity import (
    LOCAL_STEP,
    default_scenario,
    local_sensitivity,
    morris_screening,
    parameter_scan,
    sobol_indices,
)
from mbaxis.analysis.simulation import simulate
from mbaxis.analysis.statistics import compute_statistic
from mbaxis.network import Model, ModelError, to_digraph
from mbaxis.plots import plot_importance_on_graph, plot_scan, plot_sobol, plot_tornado

matplotlib.use("Agg")

PINNED = ["pcreb_bdnf__emax", "ne_pcreb__ec50", "nts_lc__emax"]


def _with_parameter(model: Model, name: str, factor: float) -> Model:
    rows = tuple(
        p.model_copy(update={"value": p.value * factor}) if p.id == name else p
        for p in model.parameters
    )
    return dataclasses.replace(model, parameters=rows)


@pytest.mark.parametrize(
    "name", ["pcreb_bdnf__emax", "exercise_lactate__ec50", "lactate_bbb_transport__hill"]
)
def test_local_agrees_with_central_differences_of_simulate(model: Model, name: str) -> None:
    """The compiled-model coefficient equals one computed by rebuilding the model from edited
    tables and calling ``simulate``: parameter IDs really map onto the tables."""
    question = default_scenario()
    local = local_sensitivity(model, question, parameters=[name])
    coefficient = float(local["coefficient"].iloc[0])

    def number(factor: float) -> float:
        course = simulate(
            _with_parameter(model, name, factor),
            question.experiment.protocols,
            t_end=question.t_end,
            points=len(question.times()),
        )
        return compute_statistic(course, question.readouts[0], question.statistic)

    base, up, down = number(1.0), number(1 + LOCAL_STEP), number(1 - LOCAL_STEP)
    independent = (up - down) / (2 * LOCAL_STEP * base)
    assert coefficient == pytest.approx(independent, rel=1e-3, abs=1e-9)


def test_local_sensitivity_is_zero_safe(model: Model) -> None:
    question = dataclasses.replace(default_scenario(), readouts=("plasma__BHB",))
    local = local_sensitivity(model, question, parameters=["mk677_gh__emax"])
    assert local["coefficient"].iloc[0] == pytest.approx(0.0, abs=1e-9)
    # hepatic HMGCS2 follows fasting only, so its rise in the default exercise is exactly 0
    rise = dataclasses.replace(question, readouts=("liver__HMGCS2",), statistic="rise")
    zero = local_sensitivity(model, rise, parameters=["bhb_hdac__emax"])
    assert np.isnan(zero["coefficient"].iloc[0])
    assert zero["derivative"].iloc[0] == pytest.approx(0.0, abs=1e-9)


def test_morris_regression_at_a_fixed_seed(model: Model) -> None:
    # pinned on the scenario grid of 1-min output times and the tables since muscle acidosis
    # brakes sprint and lifting glycolysis (muscle__acidosis, acidosis_glycolysis_brake), the
    # corner of the excess over rest is rounded (network.equations.smooth_excess) and the
    # adrenal answers ACTH as steeply as exercise cortisol demands (acth_cortisol, hill 4) and the
    # lactate threshold sets the work the catecholamine, GH and lactate responses need
    # (muscle__lactate_threshold), which the sessions raise through the transcriptional burst
    # that follows them (muscle__adaptive_transcription), no longer during the bout itself,
    # hippocampal BDNF protein turns over in days (brain__mBDNF, half-life 6 d) and the fast
    # testosterone and IGF-1 rises of a bout are its fluid shift (plasma__volume), not secretion
    table = morris_screening(
        model, default_scenario(), parameters=PINNED, trajectories=4, seed=7
    ).set_index("parameter")
    expected = {
        "ne_pcreb__ec50": (0.38590501896229373, 0.5104492548783021),
        "nts_lc__emax": (0.05614282877724611, 0.04671195406997288),
        "pcreb_bdnf__emax": (0.19269302604002558, 0.18690415727522175),
    }
    for name, (mu_star, sigma) in expected.items():
        assert table.loc[name, "mu_star"] == pytest.approx(mu_star, rel=1e-6)
        assert table.loc[name, "sigma"] == pytest.approx(sigma, rel=1e-6)


def test_sobol_regression_and_convergence_flags(model: Model) -> None:
    table = sobol_indices(model, default_scenario(), parameters=PINNED, n=8, seed=7).set_index(
        "parameter"
    )
    expected = {
        "nts_lc__emax": (-0.23688497676231005, 0.18502032526827494),
        "ne_pcreb__ec50": (0.3761726207874366, 0.4365874566703851),
        "pcreb_bdnf__emax": (0.5787197263557383, 0.1895469201600127),
    }
    for name, (s1, st) in expected.items():
        assert table.loc[name, "S1"] == pytest.approx(s1, rel=1e-6)
        assert table.loc[name, "ST"] == pytest.approx(st, rel=1e-6)
    unsettled = table[~table["converged"]]
    assert len(unsettled) > 0  # N = 8 is far too small, and it says so
    assert (unsettled["needed_n"] > 8).all()


def _cli(*arguments: str) -> str:
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "mbaxis",
            "sensitivity",
            "--method",
            "sobol",
            "--n",
            "8",
            "--seed",
            "3",
            *(f"--parameter={p}" for p in PINNED),
            "--json",
            "--no-progress",
            *arguments,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return completed.stdout


def test_same_seed_gives_bit_identical_json_across_runs_and_executors() -> None:
    """One process twice, two worker processes, and a Dask LocalCluster: the same bytes."""
    first = _cli("--jobs", "1")
    assert _cli("--jobs", "1") == first
    assert _cli("--jobs", "2") == first
    assert _cli("--jobs", "2", "--scheduler", "local") == first
    assert '"S1"' in first and '"ST_conf"' in first


def test_scans_and_pictures(model: Model) -> None:
    question = default_scenario()
    scan = parameter_scan(model, question, {"pcreb_bdnf__emax": [2.0, 8.0, 15.0, 30.0]})
    assert np.all(np.diff(scan[question.readouts[0]].to_numpy()) > 0)
    grid = parameter_scan(
        model, question, {"pcreb_bdnf__emax": [5.0, 15.0], "ne_pcreb__emax": [5.0, 10.0, 20.0]}
    )
    assert len(grid) == 6
    local = local_sensitivity(model, question, parameters=PINNED)
    indices = sobol_indices(model, question, parameters=PINNED, n=8, seed=1)
    for ax in (
        plot_tornado(local),
        plot_sobol(indices),
        plot_scan(scan),
        plot_scan(grid),
        plot_importance_on_graph(
            to_digraph(model), dict(zip(local["parameter"], local["coefficient"], strict=True))
        ),
    ):
        ax.figure.canvas.draw()
        pixels = np.asarray(ax.figure.canvas.buffer_rgba())
        assert float(pixels.std()) > 5


def test_bad_requests_are_named(model: Model) -> None:
    with pytest.raises(ModelError, match=r"unknown parameter\(s\) nope__emax; valid:"):
        local_sensitivity(model, default_scenario(), parameters=["nope__emax"])
    with pytest.raises(ModelError, match=r"n must be a power of 2"):
        sobol_indices(model, default_scenario(), parameters=PINNED, n=100)
    with pytest.raises(SimulationError, match=r"unknown or fixed parameter\(s\) brain__HDAC__rest"):
        from mbaxis.analysis.simulation import Simulator

        Simulator(model).run(parameters={"brain__HDAC__rest": 2.0})
