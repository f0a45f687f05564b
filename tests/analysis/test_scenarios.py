"""The one question: scenarios, their output grid, and `evaluate` (grouping, errors, subjects)."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from mbaxis.analysis.errors import ScenarioError, SubjectError
from mbaxis.analysis.evaluation import evaluate, evaluate_scenarios
from mbaxis.analysis.perturbations import parse_perturbation
from mbaxis.analysis.protocols import parse_protocol
from mbaxis.analysis.scenarios import MAX_POINTS, Experiment, Scenario
from mbaxis.analysis.simulation import Simulator
from mbaxis.analysis.subjects import REFERENCE_SUBJECT, Subject, parse_subject
from mbaxis.network import Model, load_model

BOUT = Experiment((parse_protocol("aerobic(duration_min=40,intensity=0.7)"),))
TRAINING = Experiment(
    (parse_protocol("training(protocol=aerobic(duration_min=60),sessions_per_week=7,weeks=2)"),)
)


@pytest.fixture(scope="module")
def simulator(model: Model) -> Simulator:
    return Simulator(model)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"window": (50.0, 40.0)}, r"window \[50, 40\] min ends before it starts"),
        ({"window": (-5.0, 40.0)}, r"window \[-5, 40\] min starts before t = 0"),
        ({"window": (0.0, math.inf)}, r"window \[0, inf\] min must be finite"),
        ({"statistic": "median"}, r"unknown statistic 'median'; valid statistics: mean, max"),
        ({"readouts": ()}, r"a scenario needs at least one readout"),
        ({"resolution": 0.0}, r"resolution must be a positive number of minutes; got 0.0"),
    ],
)
def test_bad_scenarios_are_named(change: dict[str, Any], message: str) -> None:
    arguments: dict[str, Any] = {"experiment": BOUT, "readouts": ("serum__BDNF",), **change}
    with pytest.raises(ScenarioError, match=message):
        Scenario(**arguments)


def test_output_grid_covers_the_window_only() -> None:
    late = Scenario(TRAINING, ("serum__BDNF",), window=(20000.0, 20300.0))
    times = late.times()
    assert times[0] == 20000.0 and times[-1] == 20300.0 and len(times) == 301
    assert late.t_end == 20300.0
    whole = Scenario(BOUT, ("serum__BDNF",))
    assert whole.times() == [float(t) for t in range(241)]  # the bout plus 3 h, every minute
    long = Scenario(TRAINING, ("serum__BDNF",), window=(0.0, 20000.0))
    assert len(long.times()) == MAX_POINTS


def test_scenarios_sharing_a_run_are_simulated_once(
    simulator: Simulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[str, ...]] = []
    run = simulator.run

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(tuple(kwargs["columns"]))
        return run(*args, **kwargs)

    lactate = Scenario(BOUT, ("plasma__lactate",), "max", (0.0, 120.0))
    serum = dataclasses.replace(lactate, readouts=("serum__BDNF",), statistic="auc")
    monkeypatch.setattr(simulator, "run", counting)
    together = evaluate(simulator, [lactate, serum])
    assert calls == [("plasma__lactate", "serum__BDNF")]
    monkeypatch.undo()
    alone = [evaluate(simulator, [s])[0] for s in (lactate, serum)]
    assert together == alone  # the answer does not depend on what else was asked
    # and it is the run's own peak (the bout ends at 40 min, on the grid of both)
    direct = simulator.run(list(BOUT.protocols), t_end=120.0, points=241)["plasma__lactate"]
    assert together[0].values["plasma__lactate"] == pytest.approx(direct.max(), rel=1e-6)


def test_a_failed_scenario_says_why_and_spares_the_others(untrained_only_model: Path) -> None:
    simulator = Simulator(load_model(untrained_only_model))
    good = Scenario(BOUT, ("plasma__lactate",), window=(0.0, 60.0))
    typo = dataclasses.replace(good, readouts=("plasma__lactat",))
    woman = dataclasses.replace(
        good,
        experiment=dataclasses.replace(BOUT, subject=Subject(training_status="resistance_trained")),
    )
    outcomes = evaluate(simulator, [typo, good, woman])
    assert outcomes[0].error is not None and "unknown readout 'plasma__lactat'" in outcomes[0].error
    assert math.isnan(outcomes[0].values["plasma__lactat"])
    assert outcomes[1].error is None
    assert outcomes[2].error is not None
    assert "cannot represent subject key(s) training_status=resistance_trained" in outcomes[2].error


def test_parallel_evaluation_matches_in_process(model: Model, simulator: Simulator) -> None:
    knockouts = [
        "knockout(plasma__CTSB)",
        "knockout(brain__NE)",
        "inhibit(plasma__IGF1 -> brain__IGF1)",
    ]
    scenarios = [
        Scenario(
            dataclasses.replace(BOUT, perturbations=(parse_perturbation(k),)),
            ("brain__BDNF_mRNA", "serum__BDNF"),
        )
        for k in knockouts
    ]
    assert evaluate_scenarios(model, scenarios, jobs=2, chunk=1) == evaluate(simulator, scenarios)


def test_rest_is_read_off_not_integrated_and_equals_integration(simulator: Simulator) -> None:
    """A run where nothing moves returns the resting state without integrating; a perturbation
    that changes nothing (knock-down by 0) integrates, and both agree."""
    rest = simulator.run(
        [parse_protocol("rest")], t_end=600, columns=["serum__BDNF", "brain__HDAC"]
    )
    still = simulator.run(
        [parse_protocol("rest")],
        [parse_perturbation("knockdown(plasma__IL6,fraction=0)")],
        t_end=600,
        columns=["serum__BDNF", "brain__HDAC"],
    )
    assert rest.index.equals(still.index)
    np.testing.assert_allclose(rest.to_numpy(), still.to_numpy(), rtol=1e-9)
    assert rest["serum__BDNF"].iloc[0] == pytest.approx(
        simulator.model.get_species("serum__BDNF").resting_level, rel=1e-9
    )


def test_parameter_overrides_combine_with_perturbations(simulator: Simulator) -> None:
    """Refused before; now the perturbed resting state is computed with the overrides."""
    knockout = [parse_perturbation("knockout(plasma__CTSB)")]
    stronger = {"pcreb_bdnf__emax": 30.0}
    base = simulator.run(BOUT.protocols, knockout, columns=["brain__BDNF_mRNA"])
    both = simulator.run(
        BOUT.protocols, knockout, columns=["brain__BDNF_mRNA"], parameters=stronger
    )
    alone = simulator.run(BOUT.protocols, columns=["brain__BDNF_mRNA"], parameters=stronger)
    peak = {
        name: float(c["brain__BDNF_mRNA"].max())
        for name, c in (("base", base), ("both", both), ("alone", alone))
    }
    assert peak["both"] > peak["base"] * 1.01
    assert peak["both"] != pytest.approx(peak["alone"], rel=1e-3)
    rest = simulator.resting_state(knockout, stronger)
    assert rest["brain__BDNF_mRNA"] == pytest.approx(float(both["brain__BDNF_mRNA"].iloc[0]))


def test_subjects_parse_and_the_reference_is_the_default() -> None:
    assert parse_subject("subject()") == REFERENCE_SUBJECT
    woman = parse_subject("subject(sex=female,age=62,menopause=true)")
    assert woman.differences() == {"sex": "female", "age": 62.0, "menopause": True}
    assert str(woman) == "subject(sex=female,age=62,menopause=true)"
    with pytest.raises(SubjectError, match=r"subject key 'sex' \(biological sex\) must be one of"):
        parse_subject("subject(sex=other)")
    with pytest.raises(SubjectError, match=r"'menopause' applies to a female subject only"):
        Subject(menopause=True)
    with pytest.raises(SubjectError, match=r"expected subject\(key=value,...\)"):
        parse_subject("female")
