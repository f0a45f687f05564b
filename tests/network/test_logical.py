"""The logical model: contributions read off the ODE rate laws, stable states, and bad input."""

from __future__ import annotations

import math

import pytest
import sympy as sp

from mbaxis.network import LEVELS, STEP, Contribution, LogicalModel, Model, logical_model
from mbaxis.network.logical import steps
from mbaxis.network.rate_laws import activation, inhibition

EXERCISE = ["muscle__work_rate"]


def test_every_regulation_contribution_is_its_rate_law_in_steps(model: Model) -> None:
    """Each level's contribution is the ODE's own regulation term at that level, in steps."""
    logical = logical_model(model)
    values = {}
    for row in model.parameters:
        values.setdefault(row.interaction, {})[row.parameter] = row.value
    rest = {s.id: s.resting_level for s in model.species}
    converted = {e.target for e in model.interactions if e.law == "conversion"}
    by_id = {c.edge: c for c in logical.contributions}
    checked = 0
    for edge in model.interactions:
        x0 = rest[edge.source]
        self_edge = edge.source == edge.target  # the node's own kinetics, left out
        if edge.law != "regulation" or edge.target in converted or x0 == 0 or self_edge:
            continue
        p = values[edge.id]
        law = activation if edge.sign > 0 else inhibition
        for level, value in zip(range(-LEVELS, LEVELS + 1), by_id[edge.id].table, strict=True):
            x = 0.0 if level == -LEVELS else x0 * (1 + STEP) ** level
            term = float(law(sp.Float(x), sp.Float(x0), p["emax"], p["ec50"], p["hill"]))
            assert value == steps(term - 1), (edge.id, level)
        checked += 1
    assert checked >= 40  # most regulation edges (48 of 86 today)


def test_every_proportional_contribution_is_its_rate_law_in_steps(model: Model) -> None:
    """A ``proportional`` edge's contribution is (1 + g x)/(1 + g x0) - 1 in steps, and it keeps
    rising where a Hill term would have saturated."""
    logical = logical_model(model)
    slope = {r.interaction: r.value for r in model.parameters if r.parameter == "slope"}
    rest = {s.id: s.resting_level for s in model.species}
    by_id = {c.edge: c for c in logical.contributions}
    proportional = [e for e in model.interactions if e.law == "proportional"]
    assert len(proportional) >= 4
    for edge in proportional:
        x0, g = rest[edge.source], slope[edge.id]
        for level, value in zip(range(-LEVELS, LEVELS + 1), by_id[edge.id].table, strict=True):
            x = 0.0 if level == -LEVELS else x0 * (1 + STEP) ** level
            assert value == steps((1 + g * x) / (1 + g * x0) - 1), (edge.id, level)


def test_rest_is_stable_and_exercise_moves_the_axis(model: Model) -> None:
    logical = logical_model(model)
    assert set(logical.stable_levels().values()) == {0}
    exercise = logical.stable_levels(EXERCISE)
    for target in ("plasma__lactate", "plasma__NE", "plasma__irisin", "muscle__CTSB"):
        assert exercise[target] == 1, target  # an input moves its targets one step


def test_knockout_and_blocked_edge_lower_what_they_feed(model: Model) -> None:
    logical = logical_model(model)
    control = logical.stable_levels(EXERCISE)
    knocked = logical.stable_levels(EXERCISE, knocked_out=["brain__pCREB"])
    assert knocked["brain__pCREB"] == -LEVELS
    assert knocked["brain__BDNF_mRNA"] < control["brain__BDNF_mRNA"]
    blocked = logical.stable_levels(EXERCISE, blocked=["pcreb_bdnf"])
    assert blocked["brain__BDNF_mRNA"] < control["brain__BDNF_mRNA"]


def test_an_inhibitor_resting_in_its_range_has_basal_activity() -> None:
    """Removing an inhibitor that acts at rest raises its target (the ODE's basal brake)."""
    brake = Contribution("brake", "i", "x", range(-2, 3), (1, 0, 0, 0, -1))
    toy = LogicalModel("toy", 2, (), ("i", "x"), (brake,))
    assert toy.stable_levels(knocked_out=["i"])["x"] == 1


def test_synchronous_cycles_are_an_error_not_a_level() -> None:
    # x activates y, y inhibits x: with x pushed up it oscillates under synchronous updates.
    push = Contribution("push", "u", "x", range(0, 2), (0, 1))
    up = Contribution("up", "x", "y", range(-1, 2), (-1, 0, 1))
    down = Contribution("down", "y", "x", range(-1, 2), (1, 0, -1))
    toy = LogicalModel("toy", 1, ("u",), ("x", "y"), (push, up, down))
    with pytest.raises(ValueError, match="cycles"):
        toy.stable_levels(["u"])


def test_a_pulse_that_jumps_launch_round_a_positive_loop_settles_one_level_at_a_time() -> None:
    """K knocked out pulls p to its floor for one step before q, which K's absence raises,
    brings it back to -1; p's floor (and only its floor) reaches a, the entry of the positive
    loop a -> b -> c -> a. Jumping, that one-step pulse travels round the loop forever; moving
    one level per step, p never touches its floor and the loop stays at rest - the fixed point
    the asynchronous unary encoding (AEON) reaches, which the knock-out of GH sensitivity
    needs in the bundled model."""
    copy = (-2, -1, 0, 1, 2)
    levels = range(-2, 3)
    toy = LogicalModel(
        "toy",
        2,
        (),
        ("K", "p", "q", "a", "b", "c"),
        (
            Contribution("kp", "K", "p", levels, (-2, -1, 0, 0, 0)),
            Contribution("kq", "K", "q", levels, (1, 0, 0, 0, 0)),
            Contribution("qp", "q", "p", levels, (0, 0, 0, 1, 2)),
            Contribution("pa", "p", "a", levels, (-2, 0, 0, 0, 0)),
            Contribution("ab", "a", "b", levels, copy),
            Contribution("bc", "b", "c", levels, copy),
            Contribution("ca", "c", "a", levels, copy),
        ),
    )
    settled = toy.stable_levels(knocked_out=["K"])
    assert (settled["p"], settled["q"]) == (-1, 1)
    assert settled["a"] == settled["b"] == settled["c"] == 0


def test_bad_input_is_named(model: Model) -> None:
    logical = logical_model(model)
    with pytest.raises(KeyError, match="brain__nothing"):
        logical.stable_levels(knocked_out=["brain__nothing"])
    with pytest.raises(KeyError, match="no_such_edge"):
        logical.stable_levels(blocked=["no_such_edge"])
    with pytest.raises(ValueError, match="levels must be at least 1"):
        logical_model(model, levels=0)
    with pytest.raises(ValueError, match="not monotone"):
        Contribution("bent", "a", "b", range(-1, 2), (1, -1, 1))


def test_steps_round_towards_zero_and_saturate() -> None:
    assert steps(1.05**3 - 1 + 1e-12) == 3
    assert steps(1.05**3 - 1 - 1e-6) == 2
    assert steps(-0.04) == 0
    assert steps(-1.0) == -LEVELS
    assert steps(math.inf) == LEVELS
