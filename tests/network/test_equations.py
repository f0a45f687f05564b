"""The ODEs written from the graph: rest is a steady state by construction, and the signs act."""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import cache

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st
from scipy.integrate import solve_ivp

from mbaxis.network import Equations, Model, build_equations, load_model
from mbaxis.network.equations import DILUTION_FLOOR
from mbaxis.network.rate_laws import activation, inhibition
from tests.conftest import loss_per_unit


@cache
def _bundled_equations() -> Equations:
    return build_equations(load_model())


@cache
def _bundled_rhs() -> tuple[Callable[[np.ndarray, np.ndarray], np.ndarray], tuple[str, ...]]:
    return _bundled_equations().rhs_function()


def _relative(residual: np.ndarray, rest: np.ndarray) -> np.ndarray:
    """Residuals relative to the resting level; absolute where rest is zero (a drug not given)."""
    return np.abs(residual) / np.where(rest > 0, rest, 1.0)


@pytest.fixture(scope="module")
def equations() -> Equations:
    return _bundled_equations()


def _simulate(
    equations: Equations, overrides: dict[str, float], t_end: float, y0: np.ndarray | None = None
) -> np.ndarray:
    f, names = equations.rhs_function()
    values = equations.parameter_values(overrides)
    p = np.array([values[n] for n in names])
    start = np.array(list(equations.resting_state.values())) if y0 is None else y0
    solution = solve_ivp(
        lambda _t, y: f(y, p), (0.0, t_end), start, method="LSODA", rtol=1e-10, atol=1e-12
    )
    assert solution.success, solution.message
    return np.asarray(solution.y[:, -1])


def test_every_state_has_an_equation_and_inputs_are_parameters(
    model: Model, equations: Equations
) -> None:
    assert set(equations.states) == {s.id for s in model.states}
    assert set(equations.inputs) == {s.id for s in model.inputs}
    for item in model.inputs:
        assert equations.parameters[item.id].value == 0.0
    free = set().union(*(expr.free_symbols for expr in equations.rhs.values()))
    known = set(equations.states) | set(equations.parameters)
    assert {str(s) for s in free} <= known


def test_rest_is_a_steady_state_symbolically(equations: Equations) -> None:
    values = {sp.Symbol(k): v for k, v in equations.parameter_values().items()}
    values.update({sp.Symbol(k): v for k, v in equations.resting_state.items()})
    for state, rhs in equations.rhs.items():
        # xreplace puts the numbers in and sympy folds them in floating point; evalf(subs=...)
        # instead raises its precision until it can tell the sign of each |0| at rest (the
        # threshold edges' max(0, .) terms), minutes for nothing
        residual = float(rhs.xreplace(values))
        rest = np.array(equations.resting_state[state])
        assert _relative(np.array(residual), rest) < 1e-9, state


def test_rest_is_a_steady_state_numerically(equations: Equations) -> None:
    f, names = equations.rhs_function()
    values = equations.parameter_values()
    p = np.array([values[n] for n in names])
    y0 = np.array(list(equations.resting_state.values()))
    assert np.max(_relative(f(y0, p), y0)) < 1e-9


def test_rest_holds_for_24_hours_with_scipy(equations: Equations) -> None:
    y0 = np.array(list(equations.resting_state.values()))
    y_end = _simulate(equations, {}, 24 * 60.0)
    assert np.max(_relative(y_end - y0, y0)) < 1e-9


@settings(max_examples=25, deadline=None)
@given(scale=st.floats(min_value=1.0, max_value=5.0), seed=st.integers(0, 2**16))
def test_rest_is_steady_for_any_kinetic_parameters(scale: float, seed: int) -> None:
    """The steady state is structural: it holds whatever the Hill parameters are."""
    equations = _bundled_equations()
    f, names = _bundled_rhs()
    rng = np.random.default_rng(seed)
    overrides = {
        name: info.value * float(rng.uniform(1 / scale, scale))
        for name, info in equations.parameters.items()
        if info.kind == "kinetic" and name.rsplit("__", 1)[1] in ("ec50", "hill")
    }
    values = equations.parameter_values(overrides)
    p = np.array([values[n] for n in names])
    y0 = np.array(list(equations.resting_state.values()))
    assert np.max(_relative(f(y0, p), y0)) < 1e-9


def test_exercise_raises_lactate_and_plasma_il6(equations: Equations) -> None:
    y = dict(
        zip(equations.states, _simulate(equations, {"muscle__work_rate": 0.8}, 60.0), strict=True)
    )
    rest = equations.resting_state
    assert y["plasma__lactate"] > 1.5 * rest["plasma__lactate"]
    assert y["plasma__IL6"] > 2 * rest["plasma__IL6"]


def test_negative_edge_lowers_its_target(equations: Equations) -> None:
    """Ketone bodies lower HDAC activity (a '-' edge) and so raise Bdnf mRNA (a '- -' path)."""
    y = dict(
        zip(
            equations.states, _simulate(equations, {"liver__fasting": 1.0}, 3 * 1440.0), strict=True
        )
    )
    assert y["brain__HDAC"] < 0.95
    assert y["brain__BDNF_mRNA"] > 1.0


def test_blocking_an_edge_removes_its_effect(equations: Equations) -> None:
    blocked = {"lactate_bbb_transport__activity": 0.0}
    y0 = np.array(list(equations.resting_state.values()))
    y = dict(zip(equations.states, _simulate(equations, blocked, 3 * 1440.0, y0), strict=True))
    assert y["brain__lactate"] < equations.resting_state["brain__lactate"]
    assert y["plasma__lactate"] == pytest.approx(equations.resting_state["plasma__lactate"])


def test_knockout_of_conversion_source_removes_the_product(equations: Equations) -> None:
    y0 = np.array(list(equations.resting_state.values()))
    y0[equations.states.index("brain__proBDNF")] = 0.0
    y = dict(
        zip(
            equations.states,
            # 90 d: 15 half-lives of hippocampal mBDNF (6 d), so under 1e-3 of rest is left
            _simulate(equations, {"brain__proBDNF__synthesis_scale": 0.0}, 90 * 1440.0, y0),
            strict=True,
        )
    )
    assert y["brain__proBDNF"] == pytest.approx(0.0, abs=1e-9)
    assert y["brain__mBDNF"] < 1e-3 * equations.resting_state["brain__mBDNF"]


def test_a_dose_of_a_hormone_adds_to_what_the_body_makes_even_after_a_knockout(
    equations: Equations,
) -> None:
    """A ``dosing`` edge into a species the body makes is its own flux, k x gain x dose rate,
    which the species' synthesis_scale (a knockout, gonadectomy, the menopause) leaves alone."""
    dosing = next(r for r in equations.reactions if r.id == "plasma__estradiol__dosing")
    assert dosing.interactions == ("estradiol_therapy", "estradiol_transdermal")
    assert sp.Symbol("plasma__estradiol__synthesis_scale") not in dosing.rate.free_symbols
    gain = equations.parameters["estradiol_therapy__gain"].value
    dose = 2.0  # mg/d
    knocked_out = {"plasma__estradiol__synthesis_scale": 0.0, "plasma__estradiol_dose": dose}
    y0 = np.array(list(equations.resting_state.values()))
    y0[equations.states.index("plasma__estradiol")] = 0.0
    y = dict(zip(equations.states, _simulate(equations, knocked_out, 2 * 1440.0, y0), strict=True))
    assert y["plasma__estradiol"] == pytest.approx(gain * dose, rel=1e-6)
    intact = dict(
        zip(
            equations.states,
            _simulate(equations, {"plasma__estradiol_dose": dose}, 2 * 1440.0),
            strict=True,
        )
    )
    rest = equations.resting_state["plasma__estradiol"]
    assert intact["plasma__estradiol"] > rest + 0.9 * gain * dose  # added; aromatase moves a bit


def test_observable_is_the_weighted_sum_of_its_sources(equations: Equations) -> None:
    serum = equations.observables["serum__BDNF"]
    values = {sp.Symbol(k): v for k, v in equations.parameter_values().items()}
    values.update({sp.Symbol(k): v for k, v in equations.resting_state.items()})
    expected = (
        equations.resting_state["plasma__mBDNF"] + equations.resting_state["plasma__platelet_BDNF"]
    )
    assert float(serum.evalf(subs=values)) == pytest.approx(expected)


@given(
    x=st.floats(0.0, 100.0),
    x0=st.floats(0.01, 10.0),
    emax=st.floats(0.0, 50.0),
    ec50=st.floats(0.01, 10.0),
    hill=st.floats(0.5, 6.0),
)
def test_activation_is_one_at_rest_and_increasing(
    x: float, x0: float, emax: float, ec50: float, hill: float
) -> None:
    at_rest = float(activation(sp.Float(x0), sp.Float(x0), emax, ec50, hill))
    assert at_rest == pytest.approx(1.0)
    lower = float(activation(sp.Float(x), sp.Float(x0), emax, ec50, hill))
    higher = float(activation(sp.Float(x * 1.5 + 0.01), sp.Float(x0), emax, ec50, hill))
    assert 0 < lower <= higher + 1e-12


@given(
    x=st.floats(0.0, 100.0),
    x0=st.floats(0.01, 10.0),
    imax=st.floats(0.0, 0.99),
    ec50=st.floats(0.01, 10.0),
    hill=st.floats(0.5, 6.0),
)
def test_inhibition_is_one_at_rest_positive_and_decreasing(
    x: float, x0: float, imax: float, ec50: float, hill: float
) -> None:
    assert float(inhibition(sp.Float(x0), sp.Float(x0), imax, ec50, hill)) == pytest.approx(1.0)
    lower = float(inhibition(sp.Float(x), sp.Float(x0), imax, ec50, hill))
    higher = float(inhibition(sp.Float(x * 1.5 + 0.01), sp.Float(x0), imax, ec50, hill))
    assert higher <= lower + 1e-12
    assert higher > 0


def test_a_regulator_dipping_below_zero_leaves_every_rate_finite(equations: Equations) -> None:
    """A drug decaying after its last dose undershoots zero by the integrator's tolerance;
    a Hill term raised that to a non-integer power (hexarelin's is 5.2) and returned NaN,
    which stopped CVODE in the middle of a four-week course (CI, stop 27)."""
    f, names = equations.rhs_function()
    values = equations.parameter_values({})
    p = np.array([values[n] for n in names])
    state = dict(equations.resting_state)
    drugs = [s for s, level in state.items() if level == 0.0]
    assert "plasma__hexarelin" in drugs
    for drug in drugs:
        state[drug] = -4.5e-17  # the value CVODE held when it failed
    rates = f(np.array(list(state.values())), p)
    undefined = [s for s, r in zip(state, rates, strict=True) if not np.isfinite(r)]
    assert not undefined, f"rates that are not finite: {undefined}"


def test_a_plus_clearance_edge_from_a_species_to_itself_is_michaelis_menten(
    equations: Equations,
) -> None:
    """bhb_saturable_clearance: a '+' clearance self-edge with Hill 1 slows BHB's fractional
    loss as BHB rises, as k (K + (1 - I) X) / (K + X) normalised to rest; 'emax' 0 gives back the
    first-order loss."""
    values = equations.parameter_values()
    k = math.log(2) / values["plasma__BHB__half_life"]
    imax, km = values["bhb_saturable_clearance__emax"], values["bhb_saturable_clearance__ec50"]
    rest = equations.resting_state["plasma__BHB"]

    def michaelis_menten(x: float) -> float:
        return k * (km + (1 - imax) * x) / (km + x) * (km + rest) / (km + (1 - imax) * rest)

    for level in (rest, 1.0, 3.0, 11.0):
        assert loss_per_unit(equations, "plasma__BHB", level) == pytest.approx(
            michaelis_menten(level), rel=1e-9
        )
    assert loss_per_unit(equations, "plasma__BHB", 11.0) < 0.2 * k
    first_order = {"bhb_saturable_clearance__emax": 0.0}
    assert loss_per_unit(equations, "plasma__BHB", 11.0, **first_order) == pytest.approx(k)


def test_clearance_sign_is_the_effect_on_the_level_also_with_signs_as_parameters(
    model: Model,
) -> None:
    """The sign build (the null model's) reads a clearance edge's sign as the table build does:
    at the table's '+' the two agree; at '-' the source speeds its target's loss."""
    signed = build_equations(model, signs_as_parameters=True)
    for level in (0.1, 3.0):
        assert loss_per_unit(signed, "plasma__BHB", level) == pytest.approx(
            loss_per_unit(_bundled_equations(), "plasma__BHB", level), rel=1e-12
        )
    flipped = {"bhb_saturable_clearance__sign": -1.0}
    assert loss_per_unit(signed, "plasma__BHB", 3.0, **flipped) > loss_per_unit(
        signed, "plasma__BHB", 0.1, **flipped
    )


def _rate(
    equations: Equations, reaction: str, state: dict[str, float], **overrides: float
) -> float:
    """The rate of ``reaction`` with ``state`` over the resting state, parameters overridden."""
    rate = next(r for r in equations.reactions if r.id == reaction).rate
    values = equations.parameter_values(overrides)
    levels = equations.resting_state | state
    return float(rate.subs({s: values.get(s.name, levels.get(s.name)) for s in rate.free_symbols}))


def _lactate_loss(equations: Equations, level: float, capacity: float, **overrides: float) -> float:
    """plasma__lactate's loss (mM/min) at ``level``, muscle oxidative capacity ``capacity``."""
    state = {"plasma__lactate": level, "muscle__oxidative_capacity": capacity}
    return _rate(equations, "plasma__lactate__degradation", state, **overrides)


def test_an_excess_clearance_edge_speeds_the_return_to_rest_not_the_resting_turnover(
    equations: Equations,
) -> None:
    """training_lactate_removal: trained muscle removes lactate above rest faster
    (Birat 2018: gamma2 0.04 against 0.02 per min, athletes against untrained men) and leaves
    the resting loss, so the resting level, as it was; below rest it adds nothing."""
    rest = equations.resting_state["plasma__lactate"]
    trained = 1.3  # the trained subject's oxidative capacity (subjects.tsv)
    for capacity in (0.6, 1.0, trained, 2.0):
        assert _lactate_loss(equations, rest, capacity) == pytest.approx(
            _lactate_loss(equations, rest, 1.0), rel=1e-12
        )
        assert _lactate_loss(equations, 0.5 * rest, capacity) == pytest.approx(
            _lactate_loss(equations, 0.5 * rest, 1.0), rel=1e-12
        )
    excess = {
        capacity: _lactate_loss(equations, 10.0, capacity) - _lactate_loss(equations, rest, 1.0)
        for capacity in (1.0, trained)
    }
    assert excess[trained] / excess[1.0] == pytest.approx(0.04 / 0.02, rel=0.01)


def test_excess_clearance_keeps_its_sign_when_signs_are_parameters(model: Model) -> None:
    """The null model's build reads an excess-clearance edge as the table build does; flipped
    to '+' (with the null model's bounded strength), a larger capacity slows the removal of the
    excess instead."""
    signed = build_equations(model, signs_as_parameters=True)
    for capacity in (1.0, 1.3):
        assert _lactate_loss(signed, 10.0, capacity) == pytest.approx(
            _lactate_loss(_bundled_equations(), 10.0, capacity), rel=1e-12
        )
    emax = signed.parameter_values()["training_lactate_removal__emax"]
    turned = _lactate_loss(  # turned inhibitory as the null model turns it
        signed,
        10.0,
        1.3,
        training_lactate_removal__sign=1.0,
        training_lactate_removal__emax=emax / (1 + emax),
    )
    assert turned < _lactate_loss(signed, 10.0, 1.0)


# keyed by identity; each entry keeps its equations alive so that no other build reuses the id
_GH_RATES: dict[int, tuple[Equations, Callable[..., float], tuple[sp.Symbol, ...]]] = {}


def _gh_synthesis(equations: Equations, work: float, threshold: float, **overrides: float) -> float:
    """plasma__GH's synthesis rate at a work rate and lactate threshold, everything else at
    rest (the work rate also drives nothing else in this rate)."""
    if id(equations) not in _GH_RATES:
        synthesis = next(r for r in equations.reactions if r.id == "plasma__GH__synthesis")
        symbols = tuple(sorted(synthesis.rate.free_symbols, key=str))
        rate = sp.lambdify(symbols, synthesis.rate, "math")
        _GH_RATES[id(equations)] = (equations, rate, symbols)
    _, rate, symbols = _GH_RATES[id(equations)]
    values = equations.parameter_values(overrides) | {"muscle__work_rate": work}
    state = equations.resting_state | {"muscle__lactate_threshold": threshold}
    return float(rate(*(values.get(s.name, state.get(s.name)) for s in symbols)))


def _gh_work_term(equations: Equations, work: float) -> float:
    """exercise_gh's Hill term at a work rate, from the edge's own parameters."""
    values = equations.parameter_values()
    emax, ec50, hill = (values[f"exercise_gh__{n}"] for n in ("emax", "ec50", "hill"))
    return float(activation(sp.Float(work), 0, emax, ec50, hill))


def test_a_raised_lactate_threshold_lowers_submaximal_responses_and_leaves_rest_and_vo2max(
    equations: Equations,
) -> None:
    """threshold_gh: the GH response reads the work rate mapped so that the subject's own
    lactate threshold reads as the reference's. Weltman 1997 (PMID:9140905): 6 weeks of training
    moved the threshold from 0.498 to 0.578 of VO2peak; a load that was at the old threshold is
    then 0.498 x 0.498/0.578 of the way, and VO2max stays VO2max (Lehmann 1981: trained and
    untrained men alike at their maximum)."""
    rest = equations.resting_state["muscle__lactate_threshold"]
    trained = rest * 0.578 / 0.498
    at_rest = _gh_synthesis(equations, 0.0, rest)
    assert _gh_synthesis(equations, 0.0, trained) == pytest.approx(at_rest, rel=1e-12)
    for work in (0.3, 0.7, 0.85, 1.0, 1.5):  # the reference reads the work rate as it is
        assert _gh_synthesis(equations, work, rest) == pytest.approx(
            at_rest * _gh_work_term(equations, work), rel=1e-9
        )
    seen_at_old_threshold = rest * rest / trained  # below the new threshold: scaled down
    assert _gh_synthesis(equations, rest, trained) == pytest.approx(
        at_rest * _gh_work_term(equations, seen_at_old_threshold), rel=1e-9
    )
    above = (1 - rest) / (1 - trained)  # above the new threshold: stretched up to VO2max
    for work in (0.7, 0.85):
        seen = rest + (work - trained) * above
        assert seen < work
        assert _gh_synthesis(equations, work, trained) == pytest.approx(
            at_rest * _gh_work_term(equations, seen), rel=1e-9
        )
    for work in (1.0, 1.5):  # at and above VO2max the threshold no longer matters
        assert _gh_synthesis(equations, work, trained) == pytest.approx(
            _gh_synthesis(equations, work, rest), rel=1e-9
        )


def test_a_threshold_below_the_untrained_reads_as_the_untrained_and_blocked_as_the_reference(
    model: Model, equations: Equations
) -> None:
    """The untrained reference's threshold is the lowest the model represents: a threshold
    knocked out or below it reads as the reference's, one pushed past VO2max keeps the rate
    finite; the edge blocked (activity 0) reads the reference; the null model's build reads the
    edge as the table build does, and flipped to '+' mirrors the shift."""
    rest = equations.resting_state["muscle__lactate_threshold"]
    for threshold in (0.0, 0.5 * rest):
        for work in (0.0, 0.5, 0.7, 1.0):
            assert _gh_synthesis(equations, work, threshold) == pytest.approx(
                _gh_synthesis(equations, work, rest), rel=1e-12
            )
    for threshold in (0.999, 1.0, 3.0):
        for work in (0.0, 0.5, 1.0):
            assert math.isfinite(_gh_synthesis(equations, work, threshold))
    assert _gh_synthesis(equations, 0.7, 1.2 * rest, threshold_gh__activity=0.0) == (
        pytest.approx(_gh_synthesis(equations, 0.7, rest), rel=1e-12)
    )
    signed = build_equations(model, signs_as_parameters=True)
    assert _gh_synthesis(signed, 0.7, 1.2 * rest) == pytest.approx(
        _gh_synthesis(equations, 0.7, 1.2 * rest), rel=1e-12
    )
    assert _gh_synthesis(signed, 0.7, 0.8 * rest, threshold_gh__sign=1.0) == pytest.approx(
        _gh_synthesis(equations, 0.7, 1.2 * rest), rel=1e-9
    )


def _vo2max_synthesis(equations: Equations, signal: float, **overrides: float) -> float:
    """body__VO2max's synthesis rate with the adaptive transcription signal at ``signal``."""
    state = {"muscle__adaptive_transcription": signal}
    return _rate(equations, "body__VO2max__synthesis", state, **overrides)


def test_a_proportional_edge_grows_linearly_without_saturating_and_inverts_when_flipped(
    model: Model, equations: Equations
) -> None:
    """training_capacity (proportional_drive): VO2max's synthesis is (1 + g S)/(1 + g) times its
    resting rate at every level of the signal S, up to the largest burst (S about 475), where a
    Hill term would saturate; the null model's sign build agrees at the table's sign and reads a
    flipped edge as the inverse."""
    slope = equations.parameter_values()["training_capacity__slope"]
    rest = _vo2max_synthesis(equations, 1.0)
    for signal in (0.0, 11.0, 475.0):
        expected = (1 + slope * signal) / (1 + slope)
        assert _vo2max_synthesis(equations, signal) / rest == pytest.approx(expected, rel=1e-12)
    signed = build_equations(model, signs_as_parameters=True)
    assert _vo2max_synthesis(signed, 11.0) == pytest.approx(
        _vo2max_synthesis(equations, 11.0), rel=1e-12
    )
    flipped = _vo2max_synthesis(signed, 11.0, training_capacity__sign=-1.0)
    assert flipped / rest == pytest.approx((1 + slope) / (1 + 11.0 * slope), rel=1e-12)


def _cortisol_dilution(
    equations: Equations, volume: float, work: float, **overrides: float
) -> float:
    """volume_cortisol's flux at the resting cortisol, plasma volume ``volume`` and work rate."""
    state = {"plasma__volume": volume}
    return _rate(equations, "volume_cortisol__dilution", state, muscle__work_rate=work, **overrides)


def test_a_dilution_edge_concentrates_its_target_only_while_the_volume_moves(
    model: Model, equations: Equations
) -> None:
    """volume_cortisol (fluid_shift): the flux is -C dV/dt / V, so while exercise draws water out
    of the plasma (dV/dt < 0) cortisol is concentrated at the rate the volume shrinks; at a
    steady volume, raised or not, it adds nothing; blocked it is 0, a knocked-out volume (0, and
    unmoving) dilutes nothing instead of dividing by zero, and the null model's sign build reads
    the table's sign alike and a flipped edge as the inverse."""
    values = equations.parameter_values()
    cortisol = equations.resting_state["plasma__cortisol"]
    k = math.log(2) / values["plasma__volume__half_life"]
    imax, ec50, hill = (values[f"exercise_plasma_volume__{p}"] for p in ("emax", "ec50", "hill"))
    steady = 1 - imax * (0.8 / ec50) ** hill / (1 + (0.8 / ec50) ** hill)
    # dV/dt over V at the start of a bout at 80% VO2max (V = 1, plus the floor of the divisor)
    shrinking = k * (steady - 1.0) / (1.0 + DILUTION_FLOOR)
    assert _cortisol_dilution(equations, 1.0, 0.8) == pytest.approx(-cortisol * shrinking, rel=1e-9)
    assert _cortisol_dilution(equations, steady, 0.8) == pytest.approx(0.0, abs=1e-12)
    assert _cortisol_dilution(equations, 1.0, 0.0) == 0.0
    assert _cortisol_dilution(equations, steady, 0.0) < 0  # diluted back after the bout
    assert _cortisol_dilution(equations, 1.0, 0.8, volume_cortisol__activity=0.0) == 0.0
    assert _cortisol_dilution(equations, 0.0, 0.8, plasma__volume__synthesis_scale=0.0) == 0.0
    signed = build_equations(model, signs_as_parameters=True)
    assert _cortisol_dilution(signed, 1.0, 0.8) == pytest.approx(
        _cortisol_dilution(equations, 1.0, 0.8), rel=1e-12
    )
    flipped = _cortisol_dilution(signed, 1.0, 0.8, volume_cortisol__sign=1.0)
    assert flipped == pytest.approx(cortisol * shrinking, rel=1e-9)
