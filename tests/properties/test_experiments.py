"""Properties of the experiment language (CONTRACT section 3 and 6), over generated experiments.

Every valid experiment simulates to finite, non-negative states; rest stays at rest; every
switch of an input is an output time and is not stepped over; the command-line and YAML forms
of an experiment are the same experiment; and every broken experiment ends in one named error.
The number of examples is the CI budget; ``MBAXIS_EXAMPLES=1000`` runs more (README, Testing).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import assume, example, given, strategies as st

from mbaxis.analysis.defaults import CAPACITY
from mbaxis.analysis.errors import ProtocolError, SimulationError
from mbaxis.analysis.experiment_sbml import roadrunner_for
from mbaxis.analysis.observations import load_observations
from mbaxis.analysis.perturbations import Perturbation, parse_perturbation
from mbaxis.analysis.protocols import (
    PROTOCOLS,
    TIME_TOLERANCE,
    Protocol,
    default_t_end,
    make_protocol,
    parse_protocol,
    protocol_from_mapping,
    schedule,
)
from mbaxis.analysis.simulation import Simulator
from mbaxis.analysis.subjects import REFERENCE_SUBJECT, Subject, parse_subject
from mbaxis.cli import main
from mbaxis.network import load_model
from mbaxis.network.errors import ModelError
from tests.properties.budget import budget
from tests.properties.strategies import (
    bout_protocols,
    perturbation_mixes,
    perturbations,
    protocol_mixes,
    represented_subjects,
    training_protocols,
)

MODEL = load_model()
SIMULATOR = Simulator(MODEL)
REST = SIMULATOR.resting_state()
#: A state may dip below zero by the integrator's absolute tolerance, relative to its level.
NEGATIVE_SLACK = 1e-6

experiments = st.tuples(
    protocol_mixes(), perturbation_mixes(MODEL, most=2), represented_subjects(MODEL)
)


def _check_states(course: pd.DataFrame) -> None:
    values = course.to_numpy()
    assert np.isfinite(values).all(), "a state or observable is not finite"
    states = course[list(REST.index)]
    floor = -NEGATIVE_SLACK * np.maximum(REST.to_numpy(), 1.0)
    below = states.to_numpy() < floor
    assert not below.any(), f"negative states: {sorted(states.columns[below.any(axis=0)])}"


def _meaningful(protocols: list[Protocol], perturbations: list[Perturbation]) -> bool:
    """False for the one kind of experiment the language can write that asks for nothing: an
    absolute intensity (a fraction of the reference VO2max, divided by the subject's) on a
    subject whose aerobic capacity a perturbation has removed. It is refused by name
    (``test_an_absolute_intensity_without_aerobic_capacity_is_a_named_error``)."""
    bouts = [p.parameters.get("protocol", p) for p in protocols]
    absolute = any(b.parameters.get("absolute") for b in bouts)
    removed = any(
        p.target == CAPACITY
        and (
            p.kind == "knockout"
            or (p.kind in ("clamp", "overexpress") and p.value == 0)
            or (p.kind == "knockdown" and p.value == 1)
        )
        for p in perturbations
    )
    return not (absolute and removed)


@budget(60)
@given(experiments)
@example(  # hexarelin decaying below zero once its course ended raised a Hill term to NaN
    (
        [
            parse_protocol("estradiol_therapy(dose=2,days=28)"),
            parse_protocol("gh_secretagogue(dose_mg=25,days=28,agent=hexarelin)"),
        ],
        [],
        parse_subject("subject(sex=male,age=25)"),
    )
)
def test_every_valid_experiment_simulates_to_finite_non_negative_states(
    experiment: tuple[list[Protocol], list[Perturbation], Subject],
) -> None:
    protocols, perturbations, subject = experiment
    assume(_meaningful(protocols, perturbations))
    course = SIMULATOR.run(protocols, perturbations, subject=subject, points=400)
    _check_states(course)


@budget(40)
@given(training_protocols(), training_protocols())
@example(
    parse_protocol(
        "training(protocol=sprint(bouts=3,work_min=0.16666666666666666,"
        "rest_min=0.6666666666666666),sessions_per_week=3,weeks=2)"
    ),
    parse_protocol(
        "training(protocol=hiit(bouts=5,work_min=0.16666666666666666,"
        "rest_min=0.3333333333333333),sessions_per_week=5,weeks=3)"
    ),
)
def test_every_pair_of_training_programmes_simulates(first: Protocol, second: Protocol) -> None:
    _check_states(SIMULATOR.run([first, second], points=200))


@budget(30)
@given(
    perturbation_mixes(MODEL, most=2),
    represented_subjects(MODEL),
    st.floats(1.0, 20000.0, allow_nan=False),
)
def test_rest_stays_at_the_resting_state(
    perturbations: list[Perturbation], subject: Subject, t_end: float
) -> None:
    course = SIMULATOR.run([], perturbations, subject=subject, t_end=t_end, points=50)
    states = course[list(REST.index)].to_numpy()
    # relative to its level, or to the reference level for a node knocked down: the scale of
    # the simulator's own steady-state test
    scale = np.maximum(np.abs(states[0]), np.abs(REST.to_numpy()) + 1e-12)
    drift = np.abs(states - states[0]) / scale
    assert drift.max() < 1e-4, f"'{REST.index[drift.max(axis=0).argmax()]}' drifts at rest"


@budget(60)
@given(protocol_mixes(), st.integers(2, 300))
def test_every_switch_is_an_output_time_and_none_is_stepped_over(
    protocols: list[Protocol], points: int
) -> None:
    t_end = default_t_end(protocols)
    segments = schedule(protocols, t_end)
    course = SIMULATOR.run(protocols, t_end=t_end, points=points)
    times = course.index.to_numpy()
    assert np.all(np.diff(times) > 0), "output times are not strictly increasing"
    assert all(segment.end - segment.start >= TIME_TOLERANCE for segment in segments)
    for segment in segments:
        assert segment.start in course.index and segment.end in course.index
        # the row at a segment's end was integrated with that segment's inputs
        row = course.loc[segment.end]
        for name, value in segment.inputs.items():
            if name not in segment.absolute:
                assert row[name] == pytest.approx(value, rel=1e-12), (segment, name)


def _yaml_experiment(
    tmp_path: Path, protocols: list[Protocol], perturbations: list[Perturbation], subject: Subject
) -> Any:
    entry = {
        "id": "generated",
        "source": "generated by a property test",
        "experiment": {
            "protocols": [p.to_mapping() for p in protocols],
            "perturbations": [p.to_mapping() for p in perturbations],
            "subject": subject.to_mapping(),
        },
        "readout": "serum__BDNF",
        "window_min": [0, 1],
        "statistic": "max",
        "expect": "increase",
    }
    path = tmp_path / "generated.yaml"
    path.write_text(yaml.safe_dump([entry]), encoding="utf-8")
    return load_observations(path)[0].experiment


@budget(60)
@given(experiments)
def test_the_command_line_and_yaml_forms_are_the_same_experiment(
    tmp_path_factory: pytest.TempPathFactory,
    experiment: tuple[list[Protocol], list[Perturbation], Subject],
) -> None:
    protocols, perturbations, subject = experiment
    from_text = (
        [parse_protocol(str(p)) for p in protocols],
        [parse_perturbation(str(p)) for p in perturbations],
        parse_subject(str(subject)) if subject != REFERENCE_SUBJECT else REFERENCE_SUBJECT,
    )
    from_yaml = _yaml_experiment(tmp_path_factory.mktemp("yaml"), *experiment)
    assert from_text[0] == protocols == list(from_yaml.protocols)
    assert from_text[1] == perturbations == list(from_yaml.perturbations)
    assert from_text[2] == subject == from_yaml.subject
    assert [protocol_from_mapping(p.to_mapping()) for p in protocols] == protocols


@budget(10)
@given(experiments)
def test_mbaxis_simulate_writes_what_the_yaml_experiment_gives(
    tmp_path_factory: pytest.TempPathFactory,
    experiment: tuple[list[Protocol], list[Perturbation], Subject],
) -> None:
    protocols, perturbations, subject = experiment
    assume(_meaningful(protocols, perturbations))
    folder = tmp_path_factory.mktemp("cli")
    arguments = ["simulate", *map(str, protocols), "--out", str(folder / "run.csv")]
    for perturbation in perturbations:
        arguments += ["--perturb", str(perturbation)]
    if subject != REFERENCE_SUBJECT:
        arguments += ["--subject", str(subject)]
    assert main(arguments) == 0
    written = pd.read_csv(folder / "run.csv", index_col="time")
    from_yaml = _yaml_experiment(folder, protocols, perturbations, subject)
    expected = SIMULATOR.run(
        from_yaml.protocols, from_yaml.perturbations, subject=from_yaml.subject
    )
    assert written.shape[0] == expected.shape[0]
    for column in written.columns:
        assert np.allclose(written[column], expected[column], rtol=1e-12, atol=0), column


# --- broken experiments end in one named error -------------------------------------------------


def _broken_values(name: str, key: str) -> list[Any]:
    spec = PROTOCOLS[name].parameters[key]
    if spec.kind is Protocol:
        return ["rest", 3.0, {"name": "stress"}]
    if spec.kind is bool:
        return [2.0, "maybe"]
    if spec.kind is str:
        return ["nobody", 1.0]
    values: list[Any] = [-1.0, math.nan, math.inf, "lots"]
    if spec.kind is int:
        values.append(2.5)
    if spec.maximum is not None:
        values.append(spec.maximum * 1.5)
    return values


@budget(200)
@given(st.data())
def test_a_protocol_broken_anywhere_ends_in_a_protocol_error_naming_the_place(
    data: st.DataObject,
) -> None:
    valid = data.draw(st.one_of(bout_protocols(), training_protocols()))
    mapping = valid.to_mapping()
    how = data.draw(st.sampled_from(["value", "unknown key", "unknown name"]))
    if how == "value":
        key = data.draw(st.sampled_from(sorted(PROTOCOLS[valid.name].parameters)))
        mapping[key] = data.draw(st.sampled_from(_broken_values(valid.name, key)))
        named = key
    elif how == "unknown key":
        mapping["vigour"] = 1.0
        named = "vigour"
    else:
        mapping["name"] = "swimming"
        named = "swimming"
    with pytest.raises(ProtocolError) as raised:
        protocol_from_mapping(mapping)
    message = str(raised.value)
    assert named in message and "\n" not in message


@budget(100)
@given(st.data())
def test_a_perturbation_or_subject_broken_anywhere_ends_in_a_named_error(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    valid = data.draw(perturbations(MODEL))
    mapping: dict[str, Any] = valid.to_mapping()
    value_key = next((k for k in mapping if k != valid.kind), None)
    how = data.draw(
        st.sampled_from(["unknown node", "bad value", "unknown kind", "bad subject", "new key"])
    )
    subject: dict[str, Any] = {}
    if how == "unknown node":
        mapping[valid.kind] = "a -> brain__courage" if valid.kind == "inhibit" else "brain__courage"
        named = "courage"
    elif how == "bad value" and value_key is not None:
        mapping[value_key] = data.draw(st.sampled_from([-0.5, math.inf, math.nan, "half"]))
        named = value_key
    elif how == "unknown kind":
        mapping = {"silence": mapping[valid.kind]}
        named = "silence"
    elif how in ("bad subject", "bad value"):  # a knock-out has no value: break the subject
        subject = data.draw(st.sampled_from([{"age": -3}, {"sex": "other"}, {"menopause": True}]))
        named = next(iter(subject))
    else:
        subject = {"height": 180}
        named = "height"
    entry = {
        "id": "broken",
        "source": "generated by a property test",
        "experiment": {"protocols": [{"name": "aerobic"}], "perturbations": [mapping]},
        "readout": "serum__BDNF",
        "window_min": [0, 1],
        "statistic": "max",
        "expect": "increase",
    }
    if subject:
        entry["experiment"]["subject"] = subject
    path = tmp_path_factory.mktemp("broken") / "broken.yaml"
    path.write_text(yaml.safe_dump([entry]), encoding="utf-8")
    with pytest.raises(ModelError) as raised:
        experiment = load_observations(path)[0].experiment
        SIMULATOR.run(
            experiment.protocols, experiment.perturbations, subject=experiment.subject, points=10
        )
    assert named in str(raised.value), str(raised.value)


def test_a_subject_the_model_cannot_represent_is_a_named_error_when_run(
    untrained_only_model: Path,
) -> None:
    simulator = Simulator(load_model(untrained_only_model))
    with pytest.raises(ModelError, match="training_status=resistance_trained"):
        simulator.run(
            [make_protocol("aerobic")], subject=Subject(training_status="resistance_trained")
        )


def test_an_absolute_intensity_without_aerobic_capacity_is_a_named_error() -> None:
    bout = parse_protocol("aerobic(absolute=true)")
    with pytest.raises(SimulationError, match=r"knockout\(body__VO2max\).*has no aerobic capacity"):
        SIMULATOR.run([bout], [parse_perturbation("knockout(body__VO2max)")], points=10)


def test_output_times_outside_the_run_are_a_named_error() -> None:
    with pytest.raises(SimulationError, match=r"times must be sorted and within \[0, t_end = 60\]"):
        SIMULATOR.run([make_protocol("aerobic")], t_end=60, times=[0, 30, 90])


@budget(15)
@given(experiments)
def test_the_experiment_as_sbml_events_runs_as_the_simulator_does(
    experiment: tuple[list[Protocol], list[Perturbation], Subject],
) -> None:
    """The archive's model (issue #15): events written from the same schedule, parameters and
    resting state of the perturbations and subject, run by plain roadrunner, give the
    simulator's numbers."""
    protocols, perturbations, subject = experiment
    assume(_meaningful(protocols, perturbations))
    t_end = default_t_end(protocols)
    times = np.linspace(0.0, t_end, 101)
    runner = roadrunner_for(
        MODEL, protocols, t_end=t_end, perturbations=perturbations, subject=subject
    )
    runner.timeCourseSelections = ["time", *REST.index]
    theirs = np.asarray(runner.simulate(0.0, t_end, 101))[:, 1:]
    ours = SIMULATOR.run(protocols, perturbations, subject=subject, t_end=t_end, times=times)
    ours = ours[list(REST.index)].loc[times]
    values = ours.to_numpy()
    # relative to the value, or to a thousandth of the column's peak for a drug being cleared
    # (its tail between doses differs by CVODE's own error, which is not the events' doing)
    scale = np.maximum(np.abs(values), 1e-3 * np.abs(values).max(axis=0) + 1e-12)
    worst = np.abs(theirs - values) / scale
    assert worst.max() <= 1e-6, REST.index[worst.max(axis=0).argmax()]
