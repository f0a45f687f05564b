"""Parameter ensembles (CONTRACT section 7): the file; simulate, knockout, validate over them."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from mbaxis.analysis import Simulator, parse_perturbation, parse_protocol
from mbaxis.analysis.ensembles import (
    Ensemble,
    EnsembleError,
    ensemble_csv,
    knockout_ensemble,
    load_ensemble,
    simulate_ensemble,
    validate_ensemble,
    weighted_quantile,
)
from mbaxis.analysis.knockout import knockout_scan
from mbaxis.analysis.observations import bundled_observations_path, load_observations
from mbaxis.analysis.validation import score
from mbaxis.cli import main
from mbaxis.network import Model

BOUT = parse_protocol("aerobic(duration_min=40,intensity=0.9)")
EMAX = "exercise_lactate__emax"


def _ensemble(values: list[float], weights: list[float] | None = None) -> Ensemble:
    n = len(values)
    w = np.array(weights if weights else [1.0] * n)
    return Ensemble(
        tuple(f"m{i}" for i in range(n)), (EMAX,), np.array(values)[:, None], w / w.sum()
    )


def test_the_file_round_trips(model: Model, tmp_path: Path) -> None:
    ensemble = _ensemble([10.0, 20.0, 40.0], [1.0, 2.0, 1.0])
    path = tmp_path / "e.csv"
    path.write_text(ensemble_csv(ensemble), encoding="utf-8")
    again = load_ensemble(path, model)
    assert again.members == ensemble.members and again.parameters == (EMAX,)
    assert np.allclose(again.values, ensemble.values)
    assert np.allclose(again.weights, [0.25, 0.5, 0.25])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name,exercise_lactate__emax\na,1\n", r"e.csv, line 1: expected a column 'member'"),
        ("member,nope__emax\na,1\n", r"line 1: unknown parameter column\(s\) nope__emax"),
        ("member,exercise_lactate__emax\na,-1\n", r"line 2, column exercise_lactate__emax: -1"),
        ("member,exercise_lactate__emax\na,x\n", r"line 2, column exercise_lactate__emax: 'x'"),
        ("member,weight,exercise_lactate__emax\na,-2,1\n", r"line 2, column weight"),
        ("member,exercise_lactate__emax\na,1\na,2\n", r"line 3: member 'a' is empty or repeated"),
        ("member,exercise_lactate__emax\na,1,2\n", r"line 2: 3 cells, expected 2"),
        ("member,exercise_lactate__emax\n", r"e.csv: no members"),
    ],
)
def test_bad_files_are_named(model: Model, tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "e.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(EnsembleError, match=message):
        load_ensemble(path, model)


def test_weighted_quantiles() -> None:
    values = np.array([[1.0], [2.0], [3.0], [10.0]])
    equal = weighted_quantile(values, np.full(4, 0.25), (0.5,))
    assert equal[0, 0] == pytest.approx(np.median(values))
    # all weight on one member: every quantile is that member
    heavy = weighted_quantile(values, np.array([0.0, 0.0, 1.0, 0.0]), (0.05, 0.5, 0.95))
    assert np.allclose(heavy[:, 0], 3.0)


def test_a_band_holds_its_members_and_the_median_is_the_middle_one(model: Model) -> None:
    simulator = Simulator(model)
    courses = [
        simulator.run([BOUT], t_end=90, columns=["plasma__lactate"], parameters={EMAX: v})[
            "plasma__lactate"
        ]
        for v in (10.0, 20.0, 40.0)
    ]
    bands = simulate_ensemble(
        model, _ensemble([40.0, 10.0, 20.0]), [BOUT], t_end=90, columns=["plasma__lactate"]
    )
    assert np.allclose(bands[("plasma__lactate", "median")], courses[1], rtol=1e-9)
    assert (bands[("plasma__lactate", "p05")] <= bands[("plasma__lactate", "median")]).all()
    assert (bands[("plasma__lactate", "p95")] >= bands[("plasma__lactate", "median")]).all()
    assert bands[("plasma__lactate", "p95")].max() > courses[1].max() * 1.2


def test_perturbations_combine_with_member_parameters(model: Model) -> None:
    knockout = parse_perturbation("knockout(plasma__CTSB)")
    low, high = (
        simulate_ensemble(
            model, _ensemble([v]), [BOUT], [knockout], t_end=90, columns=["plasma__lactate"]
        )[("plasma__lactate", "median")].max()
        for v in (10.0, 40.0)
    )
    assert high > 1.5 * low


def test_members_equal_to_the_tables_agree_with_every_knockout_call(model: Model) -> None:
    tables = next(p.value for p in model.parameters if p.id == EMAX)
    protocol = parse_protocol("aerobic(duration_min=60,intensity=0.7)")
    scan = knockout_scan(model, protocol, ["serum__BDNF"])
    agreement = knockout_ensemble(
        model, _ensemble([tables, tables]), protocol, ["serum__BDNF"], reference=scan
    )
    assert len(agreement) == len(scan)
    assert (agreement["agreement"] == 1.0).all()
    assert (agreement["majority_call"] == agreement["tables_call"]).all()


def test_members_equal_to_the_tables_reproduce_the_scorecard(model: Model) -> None:
    tables = next(p.value for p in model.parameters if p.id == EMAX)
    observations = load_observations(bundled_observations_path())[:12]
    card = score(model, observations)
    spread = validate_ensemble(model, observations, _ensemble([tables, tables]))
    assert spread["fraction_ok"].tolist() == [float(r.ok) for r in card.results]


def test_cli_simulate_with_an_ensemble(
    model: Model, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "e.csv"
    path.write_text(ensemble_csv(_ensemble([10.0, 20.0, 40.0])), encoding="utf-8")
    out = tmp_path / "bands.csv"
    status = main(
        ["simulate", str(BOUT), "--ensemble", str(path), "--readout", "plasma__lactate",
         "--out", str(out), "--json"]
    )  # fmt: skip
    assert status == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["ensemble"]["members"] == 3
    lactate = summary["readouts"]["plasma__lactate"]
    low, high = lactate["band_at_max"]
    assert low < lactate["max"] < high
    header = out.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert {"plasma__lactate", "plasma__lactate__p05", "plasma__lactate__p95"} <= set(header)


def test_cli_bad_ensemble_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "e.csv"
    path.write_text("member,bogus\na,1\n", encoding="utf-8")
    assert main(["simulate", "aerobic", "--ensemble", str(path)]) == 2
    error = capsys.readouterr().err
    assert "unknown parameter column(s) bogus" in error and error.count("\n") == 1
