"""The protocol library: parsing, validation with useful errors, and schedules with breakpoints."""

from __future__ import annotations

import pytest

from mbaxis.analysis.errors import ProtocolError
from mbaxis.analysis.protocols import (
    PROTOCOLS,
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
        ("training(protocol=fasting)", r"'protocol' of protocol 'training' must be one of"),
        ("aerobic(duration_min=40", r"missing '\)'"),
        ("aerobic(duration_min)", r"expected '=' after 'duration_min'"),
    ],
)
def test_bad_values_are_named(text: str, message: str) -> None:
    with pytest.raises(ProtocolError, match=message):
        parse_protocol(text)


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
