"""The protocol library: parsing, validation with useful errors, and schedules with breakpoints."""

from __future__ import annotations

import itertools

import pytest

from mbaxis.analysis.errors import ProtocolError
from mbaxis.analysis.protocols import (
    PROTOCOLS,
    TIME_TOLERANCE,
    make_protocol,
    parse_protocol,
    protocol_from_mapping,
    schedule,
)

CONTRACT_PROTOCOLS = {
    "rest": set(),
    "aerobic": {"duration_min", "intensity"},
    "hiit": {"bouts", "work_min", "rest_min", "intensity", "rest_intensity"},
    "sprint": {"bouts", "work_min", "intensity"},
    "resistance": {"duration_min", "load"},
    "lactate_infusion": {"duration_min", "rate"},
    "fasting": {"duration_h"},
    "ketone_ester": {"dose_g"},
    "heat": {"duration_min", "core_temp_rise", "whole_body"},
    "stress": {"duration_min", "intensity"},
    "testosterone_therapy": {"dose", "days"},
    "estradiol_therapy": {"dose", "days"},
    "gh_secretagogue": {"dose_mg", "days"},
    "training": {"protocol", "sessions_per_week", "weeks"},
}


@pytest.mark.parametrize("name", sorted(CONTRACT_PROTOCOLS))
def test_contract_protocols_and_parameters_exist(name: str) -> None:
    assert CONTRACT_PROTOCOLS[name] <= set(PROTOCOLS[name].parameters)


def test_command_line_and_mapping_forms_agree() -> None:
    text = parse_protocol("hiit(bouts=6, work_min=1, intensity=0.95)")
    mapping = protocol_from_mapping({"name": "hiit", "bouts": 6, "work_min": 1, "intensity": 0.95})
    assert text == mapping
    assert parse_protocol(str(text)) == text


def test_nested_training_protocol() -> None:
    training = parse_protocol(
        "training(protocol=aerobic(duration_min=40,intensity=0.7),sessions_per_week=3,weeks=8)"
    )
    bout = training.parameters["protocol"]
    assert bout.name == "aerobic" and bout.parameters["duration_min"] == 40.0
    intervals = training.intervals()
    assert len(intervals) == 24
    assert intervals[1].start == pytest.approx(7 * 1440 / 3)
    assert protocol_from_mapping(training.to_mapping()) == training


def test_a_programme_of_sauna_sessions_can_start_later() -> None:
    sauna = parse_protocol(
        "training(protocol=heat(duration_min=20),sessions_per_week=2,weeks=1,start_h=1.5)"
    )
    times = [t for i in sauna.intervals() for t in (i.start, i.end)]
    assert times == pytest.approx([90.0, 110.0, 90.0 + 3.5 * 1440, 110.0 + 3.5 * 1440])
    # start_h is written only when it is not 0: the names users know stay as they were
    assert "start_h" not in str(parse_protocol("training(protocol=aerobic)"))
    assert "start_h=1.5" in str(sauna)


def test_a_second_block_of_training_starts_when_the_first_ends() -> None:
    """A periodised programme: 4 weeks at one load, then 5 at a raised one (Hickson 1981)."""
    first = parse_protocol(
        "training(protocol=aerobic(duration_min=40),sessions_per_week=3,weeks=4)"
    )
    second = parse_protocol(
        "training(protocol=aerobic(duration_min=40,intensity=0.8),sessions_per_week=3,weeks=5,"
        "start_h=672)"
    )
    starts = [i.start / 1440 for i in first.intervals() + second.intervals()]
    assert len(starts) == 27
    assert starts[11] == pytest.approx(11 * 7 / 3) and starts[12] == pytest.approx(28.0)
    assert max(i.end for i in second.intervals()) == pytest.approx(
        28 * 1440 + 14 * 7 * 1440 / 3 + 40
    )
    with pytest.raises(ProtocolError, match=r"'start_h' of protocol 'training' must be at most"):
        parse_protocol("training(protocol=aerobic,start_h=1e9)")


def test_a_test_bout_can_start_after_a_block_of_training() -> None:
    """Pre/post designs: the bout after three weeks starts at 504 h, as long as it lasts."""
    bout = parse_protocol("aerobic(duration_min=30,intensity=0.7,start_h=504)")
    assert [(i.start, i.end) for i in bout.intervals()] == [(30240.0, 30270.0)]
    assert bout.duration == 30270.0
    assert "start_h" not in str(parse_protocol("aerobic(duration_min=30)"))
    assert str(bout) == "aerobic(duration_min=30.0,intensity=0.7,start_h=504.0)"
    later = parse_protocol("hiit(bouts=2,work_min=1,rest_min=1,start_h=1)").intervals()
    assert [i.start for i in later] == [60.0, 61.0, 62.0]  # work, rest, work
    with pytest.raises(ProtocolError, match=r"'start_h' of protocol 'sprint' must be"):
        parse_protocol("sprint(start_h=-1)")
    with pytest.raises(ProtocolError, match=r"unknown parameter 'start_h' of protocol 'rest'"):
        parse_protocol("rest(start_h=1)")


def test_unknown_protocol_lists_the_valid_ones() -> None:
    with pytest.raises(ProtocolError, match=r"unknown protocol 'swim'; valid protocols: rest, "):
        parse_protocol("swim(duration_min=30)")


def test_unknown_parameter_lists_the_valid_ones() -> None:
    with pytest.raises(
        ProtocolError,
        match=r"unknown parameter 'speed' of protocol 'aerobic'; "
        r"valid parameters: duration_min, intensity",
    ):
        parse_protocol("aerobic(speed=12)")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("aerobic(duration_min=-5)", r"'duration_min' of protocol 'aerobic' must be"),
        ("hiit(bouts=2.5)", r"'bouts' of protocol 'hiit' must be a whole number"),
        ("heat(whole_body=maybe)", r"'whole_body' of protocol 'heat' must be true or false"),
        ("training(protocol=stress)", r"'protocol' of protocol 'training' must be one of"),
        ("aerobic(duration_min=40", r"missing '\)'"),
        ("aerobic(duration_min)", r"expected '=' after 'duration_min'"),
        ("aerobic(duration_min=inf)", r"'duration_min' of protocol 'aerobic' must be a finite"),
        ("hiit(bouts=nan)", r"'bouts' of protocol 'hiit' must be a finite number"),
        ("resistance(load=1.2)", r"'load' of protocol 'resistance' must be at most 1"),
        ("sprint(intensity=15)", r"'intensity' of protocol 'sprint' must be at most 3"),
        ("heat(core_temp_rise=9)", r"'core_temp_rise' of protocol 'heat' must be at most 4"),
        ("hiit(bouts=1000000000)", r"'bouts' of protocol 'hiit' must be at most 100"),
        (
            "training(protocol=aerobic,sessions_per_week=1e9)",
            r"'sessions_per_week' of protocol 'training' must be at most 21",
        ),
        (
            "estradiol_therapy(route=vaginal)",
            r"'route' of protocol 'estradiol_therapy' must be one of: oral, transdermal",
        ),
        (
            "gh_secretagogue(interval_days=1e-300)",
            r"'interval_days' of protocol 'gh_secretagogue' must be 0 .* or at least one",
        ),
    ],
)
def test_bad_values_are_named(text: str, message: str) -> None:
    with pytest.raises(ProtocolError, match=message):
        parse_protocol(text)


def test_estradiol_route_chooses_the_input_and_oral_is_the_default() -> None:
    """Only an oral dose passes the liver first (oral_estradiol_hepatic_igf1), so the route
    decides which dose-rate input the therapy drives; omitted, it is oral."""
    oral = make_protocol("estradiol_therapy", dose=2.0, days=1)
    patch = make_protocol("estradiol_therapy", dose=0.05, days=1, route="transdermal")
    assert [i.inputs for i in oral.intervals()] == [{"plasma__estradiol_dose": 2.0}]
    assert [i.inputs for i in patch.intervals()] == [{"plasma__estradiol_transdermal_dose": 0.05}]
    assert str(oral) == "estradiol_therapy(dose=2.0,days=1.0)"  # the default route is not written


def test_schedule_breaks_at_every_switch_and_combines_protocols() -> None:
    hiit = make_protocol("hiit", bouts=3, work_min=1, rest_min=2, intensity=0.9, rest_intensity=0.0)
    fasting = make_protocol("fasting", duration_h=0.1)  # 6 minutes
    segments = schedule([hiit, fasting], 20)
    assert [(s.start, s.end) for s in segments] == [
        (0, 1),
        (1, 3),
        (3, 4),
        (4, 6),
        (6, 7),
        (7, 20),
    ]
    assert [s.inputs["muscle__work_rate"] for s in segments] == [0.9, 0, 0.9, 0, 0.9, 0]
    assert [s.inputs["liver__fasting"] for s in segments] == [1, 1, 1, 1, 0, 0]


def test_same_input_from_two_protocols_takes_the_larger_value() -> None:
    low = make_protocol("aerobic", duration_min=10, intensity=0.4)
    high = make_protocol("aerobic", duration_min=5, intensity=0.8)
    values = [s.inputs["muscle__work_rate"] for s in schedule([low, high], 20)]
    assert values == [0.8, 0.4, 0.0]


#: Two programmes whose switches coincide in exact arithmetic but not in binary (issue #17).
SPRINTS = (
    "training(protocol=sprint(bouts=3,work_min=0.16666666666666666,"
    "rest_min=0.6666666666666666),sessions_per_week=3,weeks=2)"
)
INTERVALS = (
    "training(protocol=hiit(bouts=5,work_min=0.16666666666666666,"
    "rest_min=0.3333333333333333),sessions_per_week=5,weeks=3)"
)


def test_switches_closer_than_the_tolerance_are_one_switch() -> None:
    protocols = [parse_protocol(SPRINTS), parse_protocol(INTERVALS)]
    raw = sorted({t for p in protocols for i in p.intervals() for t in (i.start, i.end)})
    gaps = [b - a for a, b in itertools.pairwise(raw)]
    assert min(gaps) < 1e-9  # the rounding that broke CVODE is really there
    segments = schedule(protocols, 40000.0)
    assert min(s.end - s.start for s in segments) >= TIME_TOLERANCE
    assert segments[0].start == 0.0 and segments[-1].end == 40000.0
    # no bout is lost: every raw switch is within the tolerance of a segment boundary
    bounds = sorted({s.start for s in segments} | {segments[-1].end})
    assert all(min(abs(t - b) for b in bounds) < TIME_TOLERANCE for t in raw)


def test_an_interval_shorter_than_the_tolerance_is_absorbed_and_t_end_kept() -> None:
    tiny = make_protocol("aerobic", duration_min=TIME_TOLERANCE / 10)
    absorbed = schedule([tiny], 60.0)
    assert [(s.start, s.end, dict(s.inputs)) for s in absorbed] == [
        (0.0, 60.0, {"muscle__work_rate": 0.0})
    ]
    almost = make_protocol("aerobic", duration_min=60.0 - TIME_TOLERANCE / 10)
    segments = schedule([almost], 60.0)
    assert [(s.start, s.end) for s in segments] == [(0.0, 60.0)]
    assert segments[0].inputs == {"muscle__work_rate": 0.65}


def test_a_resistance_session_given_by_its_length_is_lifted_in_sets() -> None:
    """duration_min alone (CONTRACT section 3) is a session of sets: as many sets of set_min with
    rest_min between as fit, never one unbroken stretch of lifting."""
    session = parse_protocol("resistance(duration_min=45,load=0.7)")
    intervals = session.intervals()
    assert len(intervals) == 18  # (45 + 2) // (0.5 + 2)
    assert {round(i.end - i.start, 9) for i in intervals} == {0.5}
    assert intervals[1].start - intervals[0].end == pytest.approx(2.0)
    assert intervals[-1].end <= 45.0
    assert session.duration == pytest.approx(intervals[-1].end)
    explicit = parse_protocol("resistance(sets=18,set_min=0.5,rest_min=2,load=0.7)")
    assert explicit.intervals() == intervals
    shorter_than_a_set = parse_protocol("resistance(duration_min=0.3,load=0.7)").intervals()
    assert [(i.start, i.end) for i in shorter_than_a_set] == [(0.0, 0.3)]
