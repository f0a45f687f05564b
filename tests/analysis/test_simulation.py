"""Simulation mechanics: columns and units, breakpoints, perturbations, errors."""

from __future__ import annotations

import numpy as np
import pytest

from mbaxis.analysis.errors import SimulationError
from mbaxis.analysis.perturbations import parse_perturbation
from mbaxis.analysis.protocols import make_protocol, parse_protocol
from mbaxis.analysis.simulation import Simulator, simulate
from mbaxis.network import Model
from tests.contract import CONTRACT_SPECIES


@pytest.fixture(scope="module")
def simulator(model: Model) -> Simulator:
    return Simulator(model)


def test_columns_are_every_contract_id_in_display_units(simulator: Simulator) -> None:
    course = simulator.run([make_protocol("aerobic")], t_end=60)
    assert course.index.name == "time"
    assert course.index[0] == 0 and course.index[-1] == 60
    assert set(CONTRACT_SPECIES) <= set(course.columns)
    for species_id, units in CONTRACT_SPECIES.items():
        assert course.attrs["units"][species_id] in units


def test_rest_stays_at_the_tables_resting_levels(model: Model, simulator: Simulator) -> None:
    course = simulator.run([make_protocol("rest")], t_end=24 * 60, points=25)
    for item in model.species:
        if item.kind == "input":
            continue
        values = course[item.id].to_numpy()
        assert values == pytest.approx(item.resting_level, rel=1e-6), item.id


def test_a_short_bout_is_seen_on_a_coarse_grid(simulator: Simulator) -> None:
    """30 s of sprinting between two output points: the breakpoints make the solver stop."""
    sprint = make_protocol("sprint", bouts=1, work_min=0.5, intensity=1.5)
    coarse = simulator.run([sprint], t_end=480, points=2)
    fine = simulator.run([sprint], t_end=480, points=481)
    assert coarse["plasma__lactate"].iloc[-1] == pytest.approx(
        fine["plasma__lactate"].iloc[-1], rel=1e-6
    )
    assert fine["plasma__lactate"].max() > 1.05
    assert 0.5 in coarse.index  # the switch itself is an output time


def test_runs_are_independent_of_what_ran_before(simulator: Simulator) -> None:
    first = simulator.run([make_protocol("aerobic")], t_end=120)
    simulator.run([make_protocol("fasting")], [parse_perturbation("knockout(plasma__IL6)")])
    again = simulator.run([make_protocol("aerobic")], t_end=120)
    np.testing.assert_allclose(first.to_numpy(), again.to_numpy(), rtol=1e-9)


def test_knockout_starts_at_zero_and_stays_there(simulator: Simulator) -> None:
    course = simulator.run(
        [make_protocol("aerobic")], [parse_perturbation("knockout(plasma__CTSB)")], t_end=240
    )
    assert float(course["plasma__CTSB"].abs().max()) < 1e-9


def test_perturbed_rest_is_a_steady_state(simulator: Simulator) -> None:
    knockdown = [parse_perturbation("knockdown(brain__HDAC,fraction=0.5)")]
    course = simulator.run([make_protocol("rest")], knockdown, t_end=1440, points=3)
    assert course["brain__HDAC"].iloc[0] == pytest.approx(0.5, rel=1e-3)
    np.testing.assert_allclose(course.iloc[-1].to_numpy(), course.iloc[0].to_numpy(), rtol=1e-5)
    assert course["brain__BDNF_mRNA"].iloc[0] > 1.0  # less HDAC, more Bdnf transcription


def test_clamp_holds_the_species(simulator: Simulator) -> None:
    clamp = [parse_perturbation("clamp(plasma__lactate,value=6)")]
    course = simulator.run([make_protocol("aerobic", intensity=0.9)], clamp, t_end=120)
    assert course["plasma__lactate"].to_numpy() == pytest.approx(6.0)
    assert course["brain__lactate"].iloc[0] > 1.21  # held high, it drives brain uptake


def test_inhibiting_an_edge_blunts_its_target(simulator: Simulator) -> None:
    bout = [make_protocol("lactate_infusion")]
    control = simulator.run(bout, t_end=120)
    blocked = simulator.run(
        bout, [parse_perturbation("inhibit(plasma__lactate -> brain__lactate)")], t_end=120
    )
    assert blocked["brain__lactate"].max() < control["brain__lactate"].max()
    assert blocked["plasma__lactate"].max() == pytest.approx(control["plasma__lactate"].max())


def test_knocked_out_input_ignores_the_protocol(simulator: Simulator) -> None:
    course = simulator.run(
        [make_protocol("aerobic")], [parse_perturbation("knockout(muscle__work_rate)")], t_end=60
    )
    assert course["muscle__work_rate"].max() == 0.0
    assert course["plasma__lactate"].to_numpy() == pytest.approx(1.0)


def test_failed_integration_names_protocols_and_perturbations(model: Model) -> None:
    crippled = Simulator(model, max_steps=2)
    with pytest.raises(
        SimulationError,
        match=r"integration failed for protocols "
        r"\[aerobic\(duration_min=30.0,intensity=0.65\)\] "
        r"with perturbations \[\]",
    ):
        crippled.run([make_protocol("aerobic")], [], t_end=600, points=2)
    with pytest.raises(SimulationError, match=r"knockdown\(plasma__IL6,fraction=0.5\)"):
        crippled.run(
            [make_protocol("aerobic")],
            [parse_perturbation("knockdown(plasma__IL6,fraction=0.5)")],
            t_end=600,
        )


def test_a_protocol_setting_a_missing_input_is_refused(model: Model) -> None:
    edges = tuple(e for e in model.interactions if e.source != "brain__stress")
    kept = {e.id for e in edges}
    without_stress = Model(
        name=model.name,
        version=model.version,
        description=model.description,
        compartments=model.compartments,
        species=tuple(s for s in model.species if s.id != "brain__stress"),
        interactions=edges,
        parameters=tuple(p for p in model.parameters if p.interaction in kept),
    )
    with pytest.raises(
        SimulationError,
        match=r"the model has no input 'brain__stress', which "
        r"the protocols \[stress\(.*\)\] set",
    ):
        simulate(without_stress, [parse_protocol("stress")], t_end=60)


def test_training_for_eight_weeks_runs(simulator: Simulator) -> None:
    training = parse_protocol(
        "training(protocol=aerobic(duration_min=40,intensity=0.7),sessions_per_week=3,weeks=8)"
    )
    course = simulator.run([training])
    last_session = 23 * 7 * 1440 / 3
    assert course.index[-1] > last_session + 1440
    assert np.isfinite(course.to_numpy()).all()


def test_two_programmes_with_switches_a_rounding_apart_simulate(model: Model) -> None:
    """Issue #17: CVODE was asked to step across 1e-11 min (CV_TOO_CLOSE)."""
    from tests.analysis.test_protocols import INTERVALS, SPRINTS

    course = Simulator(model).run([parse_protocol(SPRINTS), parse_protocol(INTERVALS)], points=500)
    assert np.isfinite(course.to_numpy()).all()
    assert course["muscle__work_rate"].max() == 1.5


def test_a_drug_cleared_for_weeks_does_not_stall_the_next_segment(model: Model) -> None:
    """Sermorelin decays to 1e-306 over 18 days of MK-677 doses; CVODE's first step of the next
    dose then failed with 'too much accuracy requested'."""
    protocols = [
        parse_protocol("gh_secretagogue(dose_mg=25,days=28)"),
        parse_protocol("ghrh_analogue(dose_mg=0.1,days=1,agent=sermorelin)"),
    ]
    course = Simulator(model).run(protocols, points=300)
    assert course["plasma__sermorelin"].iloc[-1] == 0.0
    assert course["plasma__IGF1"].max() > course["plasma__IGF1"].iloc[0]


def test_output_times_a_rounding_from_a_switch_are_kept(model: Model) -> None:
    sprint = parse_protocol("sprint(bouts=1,work_min=0.5)")
    times = [0.0, 0.5 - 1e-9, 0.5, 0.5 + 1e-9, 10.0]
    course = Simulator(model).run([sprint], t_end=10, times=times)
    assert course.index.tolist() == times
    near = course.loc[[0.5 - 1e-9, 0.5, 0.5 + 1e-9], "muscle__lactate"]
    assert near.max() - near.min() < 1e-6 * near.max()
