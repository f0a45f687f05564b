"""Perturbations: both written forms, and errors that name the bad node, edge or value."""

from __future__ import annotations

import pytest

from mbaxis.analysis.errors import PerturbationError
from mbaxis.analysis.perturbations import (
    Perturbation,
    apply_perturbations,
    parse_perturbation,
    perturbation_from_mapping,
)
from mbaxis.network import EdgeId, Model, UnknownInteractionError, UnknownSpeciesError


@pytest.mark.parametrize(
    ("text", "mapping"),
    [
        ("knockout(plasma__CTSB)", {"knockout": "plasma__CTSB"}),
        ("knockdown(plasma__IL6,fraction=0.5)", {"knockdown": "plasma__IL6", "fraction": 0.5}),
        ("overexpress(brain__FNDC5,factor=3)", {"overexpress": "brain__FNDC5", "factor": 3}),
        ("clamp(plasma__lactate,value=5)", {"clamp": "plasma__lactate", "value": 5}),
        (
            "inhibit(plasma__lactate -> brain__lactate)",
            {"inhibit": "plasma__lactate -> brain__lactate"},
        ),
    ],
)
def test_both_forms_agree(text: str, mapping: dict[str, object]) -> None:
    assert parse_perturbation(text) == perturbation_from_mapping(mapping)
    assert parse_perturbation(str(parse_perturbation(text))) == parse_perturbation(text)


def test_effects_on_parameters(model: Model) -> None:
    effect = apply_perturbations(
        model,
        [
            Perturbation("knockout", "plasma__CTSB"),
            Perturbation("knockdown", "plasma__IL6", 0.25),
            Perturbation("clamp", "plasma__lactate", 4.0),
            Perturbation("inhibit", EdgeId("plasma__lactate", "brain__lactate"), 0.5),
            Perturbation("knockout", "muscle__work_rate"),
        ],
    )
    assert effect.parameters["plasma__CTSB__synthesis_scale"] == 0.0
    assert effect.initial["plasma__CTSB"] == 0.0
    assert effect.parameters["plasma__IL6__synthesis_scale"] == pytest.approx(0.75)
    assert effect.parameters["plasma__lactate__clamped"] == 1.0
    assert effect.initial["plasma__lactate"] == 4.0
    assert effect.parameters["lactate_bbb_transport__activity"] == pytest.approx(0.5)
    assert effect.input_fixed["muscle__work_rate"] == 0.0


def test_unknown_kind_lists_the_valid_ones() -> None:
    with pytest.raises(
        PerturbationError,
        match=r"unknown perturbation 'delete'; valid "
        r"perturbations: knockout, knockdown",
    ):
        parse_perturbation("delete(plasma__CTSB)")


def test_unknown_node_lists_the_valid_ids(model: Model) -> None:
    with pytest.raises(
        UnknownSpeciesError, match=r"unknown species 'plasma__CTBS'; valid IDs: .*plasma__CTSB"
    ):
        apply_perturbations(model, [parse_perturbation("knockout(plasma__CTBS)")])


def test_unknown_edge_lists_the_valid_edges(model: Model) -> None:
    with pytest.raises(
        UnknownInteractionError,
        match=r"unknown interaction 'plasma__lactate -> brain__BDNF_mRNA'; "
        r"valid edges: .*plasma__lactate -> brain__lactate",
    ):
        apply_perturbations(
            model, [parse_perturbation("inhibit(plasma__lactate -> brain__BDNF_mRNA)")]
        )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "knockdown(plasma__IL6,fraction=1.5)",
            r"'fraction' of knockdown\(plasma__IL6\) must "
            r"be at most 1",
        ),
        ("knockdown(plasma__IL6,factor=2)", r"unknown key 'factor' in knockdown"),
        ("clamp(plasma__lactate)", r"'clamp' of 'plasma__lactate' needs a 'value'"),
        ("{knockout: plasma__CTSB, fraction: 0.5}", r"unknown key\(s\) fraction in knockout"),
        ("knockout plasma__CTSB", r"cannot read perturbation"),
    ],
)
def test_bad_perturbations_are_named(text: str, message: str) -> None:
    with pytest.raises(PerturbationError, match=message):
        parse_perturbation(text)


def test_observables_cannot_be_perturbed(model: Model) -> None:
    with pytest.raises(PerturbationError, match=r"'serum__BDNF' is an observable"):
        apply_perturbations(model, [parse_perturbation("knockout(serum__BDNF)")])
