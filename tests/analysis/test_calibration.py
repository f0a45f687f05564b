"""Calibration targets of the simulation (issue #4): published time courses, one test each.

Numbers and sources are in ``shared/literature``; each test's docstring names its source.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from mbaxis.analysis.perturbations import parse_perturbation
from mbaxis.analysis.protocols import make_protocol, parse_protocol
from mbaxis.analysis.simulation import Simulator
from mbaxis.analysis.subjects import parse_subject
from mbaxis.network import Model, build_equations as model_equations
from mbaxis.network.rate_laws import activation, hill_occupancy
from tests.conftest import loss_per_unit
from tests.contract import CONTRACT_SPECIES


@pytest.fixture(scope="module")
def simulator(model: Model) -> Simulator:
    return Simulator(model)


def _window(course: pd.DataFrame, column: str, start: float, end: float) -> pd.Series:
    return course.loc[(course.index >= start) & (course.index <= end), column]


def test_lactate_infusion_raises_probdnf_not_mature_bdnf(simulator: Simulator) -> None:
    """Roja et al. 2025, Front Cell Neurosci, DOI:10.3389/fncel.2025.1644843: a 1-h sodium
    lactate infusion brought blood lactate to the range of medium-to-high intensity exercise
    (4-9 mM); plasma proBDNF rose from 15 min after the infusion and stayed up about 2 h;
    plasma and serum mature BDNF and muscle proBDNF did not change."""
    course = simulator.run([make_protocol("lactate_infusion", duration_min=60)], t_end=240)
    assert 4.0 <= course["plasma__lactate"].max() <= 9.0
    rest = course.iloc[0]
    probdnf = _window(course, "plasma__proBDNF", 75, 180) / rest["plasma__proBDNF"]
    assert probdnf.min() >= 1.10
    for unchanged in ("plasma__mBDNF", "serum__BDNF", "muscle__proBDNF"):
        change = (course[unchanged] / rest[unchanged] - 1).abs().max()
        assert change < 0.05, unchanged


def test_forty_minutes_raise_serum_bdnf_more_than_twenty(simulator: Simulator) -> None:
    """Duration dependence of the acute serum BDNF response (issue #4 target; the acute
    effect of a session is moderate overall, Hedges g = 0.46, Szuhany et al. 2015, PMC4314337)."""
    peaks = {}
    for minutes in (20, 40):
        course = simulator.run(
            [make_protocol("aerobic", duration_min=minutes, intensity=0.7)], t_end=240
        )
        peaks[minutes] = course["serum__BDNF"].max() / course["serum__BDNF"].iloc[0]
    assert peaks[40] > peaks[20] > 1.0


def test_single_bout_serum_rise_and_recovery(simulator: Simulator) -> None:
    """A single moderate-to-high intensity bout raises serum BDNF by roughly 10-40% (+29.3%
    after a graded test, Piotrowicz et al. 2020, Int J Mol Sci 21:5569); serum is back near
    baseline within 30-60 min (Nofuji et al. 2012, PMC3737858) while plasma BDNF returns more
    slowly (Gilder et al. 2014, Neurosci Lett 560:137)."""
    bout = make_protocol("aerobic", duration_min=30, intensity=0.75)
    course = simulator.run([bout], t_end=240)
    rest = course.iloc[0]
    serum = course["serum__BDNF"] / rest["serum__BDNF"]
    plasma = course["plasma__mBDNF"] / rest["plasma__mBDNF"]
    assert 1.10 <= serum.max() <= 1.40
    assert serum.loc[90] < 1.05  # 60 min after the bout: near baseline
    assert plasma.loc[60] - 1 > serum.loc[60] - 1  # 30 min after: plasma still further up
    assert plasma.loc[90] - 1 > serum.loc[90] - 1


def test_il6_rises_many_fold_in_prolonged_exercise_and_recovers_within_a_day(
    simulator: Simulator,
) -> None:
    """Plasma IL-6 rose 19-fold over 5 h of one-legged exercise (Steensberg et al. 2000,
    PMID:11080265) and peaks at the end of marathons; it is back near baseline within
    24-48 h (Waskiewicz et al. 2025, Int J Mol Sci 26:6317)."""
    course = simulator.run(
        [make_protocol("aerobic", duration_min=180, intensity=0.65)], t_end=180 + 1440
    )
    il6 = course["plasma__IL6"] / course["plasma__IL6"].iloc[0]
    assert il6.max() >= 5.0
    assert il6.idxmax() == pytest.approx(180, abs=30)
    assert il6.iloc[-1] < 1.10


@pytest.mark.parametrize("species_id", sorted(CONTRACT_SPECIES))
def test_resting_levels_lie_in_the_literature_range(
    model: Model, simulator: Simulator, species_id: str
) -> None:
    """Resting levels and their ranges are the ones of ``species.tsv``, each with its source
    (e.g. lactate 1.0 +/- 0.1 mM, Menzies 2010; IL-6 5.19 pg/mL, 95% CI 4.63-5.74, J Med Virol
    2021); the simulated rest must stay inside them."""
    row = model.get_species(species_id)
    course = simulator.run([make_protocol("rest")], t_end=1440, points=3)
    value = course[species_id].iloc[-1]
    low = row.resting_low if row.resting_low is not None else row.resting_level
    high = row.resting_high if row.resting_high is not None else row.resting_level
    assert low * (1 - 1e-9) <= value <= high * (1 + 1e-9)


def test_training_raises_resting_serum_bdnf_modestly(simulator: Simulator) -> None:
    """Regular exercise has a small effect on resting peripheral BDNF (Hedges g = 0.28,
    Szuhany et al. 2015, PMC4314337; aerobic training SMD 0.66, Dinoff et al. 2016,
    DOI:10.1371/journal.pone.0163037): resting serum BDNF, two days after the last of
    24 sessions, is up but by less than 20%."""
    training = parse_protocol(
        "training(protocol=aerobic(duration_min=40,intensity=0.7),sessions_per_week=3,weeks=8)"
    )
    course = simulator.run([training])
    change = course["serum__BDNF"].iloc[-1] / course["serum__BDNF"].iloc[0] - 1
    assert 0.005 < change < 0.20


def _sprint_glycolysis(course: pd.DataFrame, start: float, end: float, half_life: float) -> float:
    """Lactate made in the muscle pool during [start, end]: what it gained plus what it lost
    (first order, with its half-life) in the meantime."""
    pool = course["muscle__lactate"]
    window = pool[(pool.index >= start) & (pool.index <= end)]
    lost = math.log(2) / half_life * float(np.trapezoid(window.to_numpy(), window.index.to_numpy()))
    return float(window.iloc[-1] - window.iloc[0]) + lost


def test_a_wingate_fills_the_blood_with_lactate_minutes_later(simulator: Simulator) -> None:
    """Peak blood lactate 11.5 mM after one 30-s all-out sprint (Engel 2015, the calibration),
    reached minutes after it as the muscle pool empties with Beneke's (2007) appearance constant
    0.505/min into blood cleared with 0.042/min: the Bateman peak of those falls at 5.4 min."""
    course = simulator.run(
        [parse_protocol("sprint(bouts=1,work_min=0.5,intensity=2.0)")], t_end=30, points=601
    )
    lactate = course["plasma__lactate"]
    assert lactate.max() == pytest.approx(11.5, rel=0.02)
    assert 4.5 <= float(lactate.idxmax()) <= 7.0
    moderate = simulator.run([parse_protocol("aerobic(duration_min=40,intensity=0.7)")], t_end=40)
    assert moderate["muscle__lactate"].max() == pytest.approx(1.0, abs=1e-9)  # below VO2max


def test_a_second_sprint_four_minutes_later_makes_less_lactate(simulator: Simulator) -> None:
    """Glycolysis fell 45% in a second 30-s sprint 4 min after the first (Bogdanis 1996)."""
    course = simulator.run(
        [parse_protocol("sprint(bouts=2,work_min=0.5,intensity=2.0,rest_min=4)")],
        t_end=6,
        points=1201,
    )
    half_life = 1.4  # min, muscle__lactate in species.tsv (Beneke 2007)
    first = _sprint_glycolysis(course, 0.0, 0.5, half_life)
    second = _sprint_glycolysis(course, 4.5, 5.0, half_life)
    assert second / first == pytest.approx(0.55, abs=0.03)


def test_lifting_raises_catecholamines_il6_and_serum_bdnf(simulator: Simulator) -> None:
    """6 x 10 squats at 80% 1RM: noradrenaline 3.71-fold and adrenaline 6.12-fold over
    pre-exercise by the last set (J Appl Physiol 2007, 102:94); a 60-min session of 8 lifts at
    80% 1RM: plasma IL-6 8.01 against 1.61 pg/mL (J Strength Cond Res 2011). Serum BDNF follows
    the catecholamines (platelet release), as acute resistance exercise raised it by 14% at 10 min
    in trained men (Appl Physiol Nutr Metab 2020), a magnitude left to the model."""
    squats = parse_protocol("resistance(sets=6,set_min=0.5,rest_min=2,load=0.8)")
    course = simulator.run([squats], t_end=squats.duration, points=int(squats.duration * 10) + 1)
    last = course.iloc[-1] / course.iloc[0]
    assert last["plasma__NE"] == pytest.approx(3.71, rel=0.02)
    assert last["plasma__adrenaline"] == pytest.approx(6.12, rel=0.02)
    session = parse_protocol("resistance(sets=24,set_min=0.5,rest_min=2,load=0.8)")
    course = simulator.run([session], t_end=session.duration, points=233)
    assert course["plasma__IL6"].iloc[-1] / course["plasma__IL6"].iloc[0] == pytest.approx(
        8.01 / 1.61, rel=0.02
    )
    assert course["serum__BDNF"].max() > 1.05 * course["serum__BDNF"].iloc[0]


def test_all_out_efforts_raise_adrenaline_within_the_bout_as_published(
    simulator: Simulator,
) -> None:
    """Adrenaline and noradrenaline rose 15-fold by the end of a treadmill run at 156% of VO2max
    that exhausted within 1.5 min (Kindermann 1982, PMID:6754371) and adrenaline was 5.1 nmol/L
    after the ninth of ten 6-s sprints 30 s apart (Gaitanos 1993, PMID:8226473): the calibration
    of the supramaximal drives. Without them the work-rate drives, at 2.4-2.5-min half-lives,
    reach a third of that in the run."""
    run = parse_protocol("sprint(bouts=1,work_min=1.5,intensity=1.56)")
    both = simulator.run([run], t_end=3, points=151)
    course = both["plasma__adrenaline"]
    assert course.loc[1.5] / course.iloc[0] == pytest.approx(15.0, rel=0.02)
    assert both["plasma__NE"].loc[1.5] / both["plasma__NE"].iloc[0] == pytest.approx(15.0, rel=0.02)
    sprints = parse_protocol("sprint(bouts=10,work_min=0.1,rest_min=0.5,intensity=2.0)")
    course = simulator.run([sprints], t_end=6, points=301)["plasma__adrenaline"]
    assert course.loc[:5.6].max() == pytest.approx(5.1, rel=0.02)
    without = simulator.run(
        [run],
        t_end=3,
        points=151,
        parameters={"supramaximal_adrenaline__emax": 0.0, "supramaximal_ne__emax": 0.0},
    )
    for hormone in ("plasma__adrenaline", "plasma__NE"):
        assert without[hormone].loc[1.5] / without[hormone].iloc[0] < 7.0


def test_a_hot_bath_raises_irisin_a_fifth_by_its_end(simulator: Simulator) -> None:
    """Serum irisin about +21% after 30 min of 42 C immersion (Park 2021,
    DOI:10.3389/fphys.2021.675377), the core temperature rise taken as 1 C: the peak at the end
    of the exposure, which irisin's 30-min half-life keeps at about half of the steady state."""
    course = simulator.run(
        [parse_protocol("heat(duration_min=30,core_temp_rise=1.0)")], t_end=60, points=121
    )["plasma__irisin"]
    rise = course / course.iloc[0] - 1
    assert rise.max() == pytest.approx(0.21, abs=0.01)
    assert abs(float(rise.idxmax()) - 30.0) <= 0.5


def test_the_adrenal_answers_hard_exercise_and_saturates_near_its_measured_maximum(
    simulator: Simulator, model: Model
) -> None:
    """Cortisol +83.1 +/- 18.5% after 30 min at 80% VO2max and +5.7 +/- 11.0% at 40%, as
    measured, with plasma volume -17.2% and -9.9% (Hill 2008, PMID:18787373); maximal secretion
    0.44 nmol/L/s after cosyntropin (Dorin 2012, PMID:22337905), 9.7 times the resting secretion
    of a 300 nmol/L pool with a 76.5-min half-life. acth_cortisol was fitted to +58.8% (the 80%
    rise with the plasma volume fall and the control's drift taken out) before the model had the
    fluid shift; with it the model reads the concentration as measured, within one SD of both
    means."""
    for intensity, mean, sd in ((0.8, 0.831, 0.185), (0.4, 0.057, 0.110)):
        course = simulator.run(
            [parse_protocol(f"aerobic(duration_min=30,intensity={intensity})")],
            t_end=30,
            points=31,
        )["plasma__cortisol"]
        assert course.loc[30.0] / course.iloc[0] - 1 == pytest.approx(mean, abs=sd)
    values = {p.id: p.value for p in model.parameters}
    emax, ec50, hill = (values[f"acth_cortisol__{n}"] for n in ("emax", "ec50", "hill"))
    acth = model.get_species("plasma__ACTH").resting_level
    cortisol = model.get_species("plasma__cortisol")
    assert cortisol.half_life is not None and cortisol.half_life_unit == "min"
    resting_secretion = math.log(2) / cortisol.half_life * cortisol.resting_level
    most = float(activation(1e9, acth, emax, ec50, hill))  # the rate law at saturating ACTH
    assert most * resting_secretion == pytest.approx(0.44 * 60, rel=0.01)


def test_a_wingate_releases_growth_hormone_in_men_and_twice_as_much_in_women(
    simulator: Simulator,
) -> None:
    """GH peaked at 5.6 ng/mL in men and 10.8 in women after a 30-s Wingate (PMID:24983853, the
    calibration of the muscle-acidosis drive of GHRH); a 6-s sprint makes far less."""
    wingate = [parse_protocol("sprint(bouts=1,work_min=0.5,intensity=2.0)")]
    men = simulator.run(wingate, t_end=120, points=241)["plasma__GH"]
    women = simulator.run(
        wingate, subject=parse_subject("subject(sex=female)"), t_end=120, points=241
    )["plasma__GH"]
    assert men.max() == pytest.approx(5.6, rel=0.02)
    assert women.max() == pytest.approx(10.8, rel=0.02)
    short = simulator.run(
        [parse_protocol("sprint(bouts=1,work_min=0.1,intensity=2.0)")], t_end=120, points=241
    )["plasma__GH"]
    assert short.max() < 0.5 * men.max()


def test_a_sprint_leaves_the_muscle_acid_for_minutes(simulator: Simulator) -> None:
    """Muscle pH 6.72 +/- 0.06 at the end of a 30-s all-out sprint and still 6.79 after 6 min of
    recovery (Bogdanis 1995, PMID:7714837): free H+ over an assumed resting pH of 7.0 is 1.91x at
    the end (1.66-2.19x within one SD) and its excess then halves in 11 min."""
    course = simulator.run(
        [parse_protocol("sprint(bouts=1,work_min=0.5,intensity=2.0)")], t_end=30, points=601
    )
    acid = course["muscle__acidosis"]
    end, later = float(acid.loc[0.5]), float(acid.loc[6.5])
    assert 10 ** (7.0 - 6.78) <= end <= 10 ** (7.0 - 6.66)
    assert float(acid.idxmax()) == pytest.approx(0.5, abs=0.05)  # made with the sprint's flux
    assert (later - 1) / (end - 1) == pytest.approx(0.5 ** (6 / 11), rel=0.02)
    assert course["muscle__acidosis"].iloc[0] == pytest.approx(1.0, abs=1e-9)


def test_ten_rm_sets_raise_blood_lactate_to_about_seven_mm(simulator: Simulator) -> None:
    """Six exercises x 4 sets of 10RM with 60 s between sets: peak blood lactate 7.26 mM (Lopes
    2018, DOI:10.5812/asjsm.57500, the calibration of resistance_lactate); single maximal lifts
    make far less lactate than sets of ten (Hakkinen & Pakarinen 1993, PMID:8458810)."""
    sets = parse_protocol("resistance(sets=24,set_min=0.5,rest_min=1,load=0.75)")
    course = simulator.run([sets], t_end=sets.duration + 30, points=521)
    assert course["plasma__lactate"].max() == pytest.approx(7.26, rel=0.02)
    singles = parse_protocol("resistance(sets=20,set_min=0.05,rest_min=3,load=1.0)")
    maxima = simulator.run([singles], t_end=singles.duration + 30, points=353)
    assert 1.1 < maxima["plasma__lactate"].max() < 0.5 * course["plasma__lactate"].max()


def test_a_resistance_circuit_raises_gh_and_testosterone_as_published(
    simulator: Simulator,
) -> None:
    """Peak GH 14.9 ug/L after 12 exercises x 3 sets of 8 at 70% 1RM in young adults (Pyka 1992,
    DOI:10.1210/jcem.75.2.1639942), the calibration of resistance_gh; testosterone +29.4%
    immediately after a 15-min circuit to exhaustion (Marin 2006), that of
    resistance_testosterone."""
    circuit = parse_protocol("resistance(sets=36,set_min=0.4,rest_min=1,load=0.7)")
    young = simulator.run(
        [circuit], subject=parse_subject("subject(age=27)"), t_end=circuit.duration + 30, points=401
    )
    assert young["plasma__GH"].max() == pytest.approx(14.9, rel=0.02)
    marin = parse_protocol("resistance(duration_min=15,load=0.8,rest_min=1)")
    course = simulator.run([marin], t_end=30, points=121)
    testosterone = course["plasma__testosterone"]
    assert testosterone.loc[15.0] / testosterone.iloc[0] == pytest.approx(1.294, abs=0.01)


def test_exercise_cuts_the_hepatic_fatty_acid_load_as_portal_flow_falls(model: Model) -> None:
    """Portal vein flow fell from 580 to 160 mL/min just after 20 min at 55% of maximal aerobic
    capacity (PMID:10920326) and by 80% after 60 min at 70% (PMID:11528343); the fall of
    hepatic blood flow is what makes exercise antiketogenic (DOI:10.1042/cs0530411)."""
    values = model.parameter_values()
    imax, ec50, hill = (
        values[f"exercise_hepatic_flow_ketogenesis__{name}"] for name in ("emax", "ec50", "hill")
    )

    def remaining(work_rate: float) -> float:
        return float(1 - imax * hill_occupancy(work_rate, ec50, hill))

    assert remaining(0.55) == pytest.approx(160 / 580, abs=0.03)
    assert remaining(0.70) == pytest.approx(0.13 / 0.63, abs=0.03)


def test_lipolysis_outlasts_a_long_bout_and_ketones_dip_during_it(simulator: Simulator) -> None:
    """Plasma fatty acids had risen 256% (3.56-fold) at exhaustion in prolonged exercise
    (PMID:7261552), the calibration of the steady lipolysis at 65% VO2max; fatty-acid
    appearance stayed raised through 3 h of recovery after 60 min at 65% VO2peak (PMC2277001);
    ketogenesis falls during exercise with hepatic blood flow (DOI:10.1042/cs0530411)."""
    course = simulator.run(
        [make_protocol("aerobic", duration_min=600, intensity=0.65)], t_end=600, points=601
    )
    assert course["adipose__lipolysis"].iloc[-1] == pytest.approx(3.56, rel=0.03)
    bout = simulator.run(
        [make_protocol("aerobic", duration_min=60, intensity=0.65)], t_end=240, points=241
    )
    relative = bout / bout.iloc[0]
    assert relative["adipose__lipolysis"].loc[240] > 1.1
    assert relative["plasma__BHB"].loc[60] < 0.9


def test_estradiol_therapy_gives_the_published_levels_after_the_menopause(
    simulator: Simulator,
) -> None:
    """2 mg oral estradiol daily averaged 418 pg/mL at steady state in postmenopausal women
    (PMID:9125276); a 50 ug/day patch gave 41.1 (PMID:2014092) and 35 pg/mL (PMID:9125276).
    The dose adds to what the body makes, so a man gains as much as a woman whose ovaries have
    stopped."""
    picomolar_per_pg_ml = 1000.0 / 272.38  # estradiol's molar mass, 272.38 g/mol
    women = parse_subject("subject(sex=female,age=55,menopause=true)")

    def level(route: str, dose: float, subject: str = "") -> float:
        who = parse_subject(subject) if subject else women
        course = simulator.run(
            [make_protocol("estradiol_therapy", dose=dose, days=14, route=route)],
            subject=who,
            t_end=14 * 1440,
            points=15,
        )
        return float(course["plasma__estradiol"].iloc[-1])

    oral = level("oral", 2.0)
    assert oral == pytest.approx(418 * picomolar_per_pg_ml, rel=0.03)
    patch = level("transdermal", 0.05)
    assert patch == pytest.approx((41.1 + 35) / 2 * picomolar_per_pg_ml, rel=0.05)
    rest = simulator.resting_state(subject=women)["plasma__estradiol"]
    man_rest = simulator.resting_state()["plasma__estradiol"]
    man_gain = level("oral", 2.0, "subject()") - man_rest
    assert man_gain == pytest.approx(oral - rest, rel=0.05)


def test_testosterone_doses_give_bhasins_levels_with_the_testes_suppressed(
    simulator: Simulator,
) -> None:
    """With endogenous testosterone suppressed by a GnRH agonist, weekly testosterone enanthate
    125, 300 and 600 mg gave nadir serum testosterone of 542, 1345 and 2370 ng/dl (Bhasin 2001,
    PMID:11701431); the gain is the line through the origin of all five doses, so the 25- and
    50-mg doses (253 and 306 ng/dl) sit below it: the agonist left some testosterone."""
    nmol_per_ng_dl = 10.0 / 288.42  # testosterone's molar mass, 288.42 g/mol
    suppressed = [parse_perturbation("knockdown(plasma__testosterone,fraction=1)")]
    for weekly_mg, nadir_ng_dl in ((125, 542), (300, 1345), (600, 2370)):
        course = simulator.run(
            [make_protocol("testosterone_therapy", dose=weekly_mg / 7, days=14)],
            suppressed,
            t_end=14 * 1440,
            points=15,
        )
        level = float(course["plasma__testosterone"].iloc[-1])
        assert level == pytest.approx(nadir_ng_dl * nmol_per_ng_dl, rel=0.1)


def test_oral_estradiol_cuts_hepatic_igf1_production_by_a_fifth(simulator: Simulator) -> None:
    """With GH held by replacement, oral estradiol 2 mg/day gave serum IGF-I 18.7 against
    23.4 nmol/L on transdermal 50 ug/day (PMID:10634425); with the pituitary free to answer,
    oral estrogen lowers IGF-I while GH rises (PMID:1991807)."""
    values = simulator.model.parameter_values()
    imax, ec50, hill = (
        values[f"oral_estradiol_hepatic_igf1__{name}"] for name in ("emax", "ec50", "hill")
    )
    assert 1 - imax * hill_occupancy(2.0, ec50, hill) == pytest.approx(18.7 / 23.4, abs=0.02)
    women = parse_subject("subject(sex=female,menopause=true,age=55)")
    course = simulator.run(
        [make_protocol("estradiol_therapy", dose=2.0, days=60)],
        subject=women,
        t_end=60 * 1440,
        points=61,
    )
    relative = course.iloc[-1] / course.iloc[0]
    assert relative["plasma__IGF1"] < 0.95
    assert relative["plasma__GH"] > 1.0


def test_exercise_brakes_the_livers_ketone_output_not_a_ketone_drink(simulator: Simulator) -> None:
    """Hepatic blood flow limits the liver's ketogenesis from fatty acids (DOI:10.1042/cs0530411),
    not the BHB a ketone ester drink delivers: an hour at 70% VO2max leaves the drink's peak."""
    drink = [make_protocol("ketone_ester", dose_g=25)]
    bout = make_protocol("aerobic", duration_min=60, intensity=0.7)
    alone = simulator.run(drink, t_end=120, points=121)["plasma__BHB"]
    exercising = simulator.run([*drink, bout], t_end=120, points=121)["plasma__BHB"]
    assert exercising.max() == pytest.approx(alone.max(), rel=0.05)
    endogenous = simulator.run([bout], t_end=120, points=121)["plasma__BHB"]
    assert endogenous.loc[60] < 0.9 * endogenous.loc[0]


def test_serum_cathepsin_b_is_released_above_a_high_intensity_threshold(
    simulator: Simulator,
) -> None:
    """Mazo et al. 2022, Brain Plast, PMID:36448040: serum CTSB 30 min after a bout was up
    20 +/- 7% at 80% VO2max and 30 +/- 18% after a VO2max test (mean +/- SD, n = 16), while
    muscle CTSB mRNA was unchanged and muscle proCTSB rose only by 3 h. The rise must come
    within half an hour and lie inside both spreads; a light bout of the same length releases
    far less."""

    def thirty_min_after(protocol: str, duration_min: float) -> float:
        course = simulator.run([parse_protocol(protocol)], t_end=duration_min + 30)
        ctsb = course["plasma__CTSB"]
        return float(ctsb.iloc[-1] / ctsb.iloc[0] - 1)

    at_80 = thirty_min_after("aerobic(duration_min=40,intensity=0.8)", 40)
    vo2max_test = thirty_min_after("aerobic(duration_min=12,intensity=1.0)", 12)
    light = thirty_min_after("aerobic(duration_min=40,intensity=0.4)", 40)
    assert 0.20 - 0.07 <= at_80 <= 0.20 + 0.07
    assert 0.30 - 0.18 <= vo2max_test <= 0.30 + 0.18
    assert light < at_80 / 3


def test_osteoblast_osteocalcin_follows_circulating_igf1(simulator: Simulator) -> None:
    """Grinspoon et al. 1995, J Clin Invest, PMID:7543494: after 4 days of fasting serum IGF-I
    was 186 against 310 ng/mL and serum osteocalcin 4.2 against 7.6 ng/mL in 14 normal women;
    rhIGF-I then raised osteocalcin 5-fold over placebo. At steady state the osteoblasts'
    production at that IGF-I ratio is the measured osteocalcin ratio, and a fast lowers it."""
    values = simulator.model.parameter_values()
    emax, ec50, hill = (values[f"igf1_osteoblast_ocn__{name}"] for name in ("emax", "ec50", "hill"))
    rest = simulator.model.get_species("plasma__IGF1").resting_level

    def production(igf1: float) -> float:  # relative to rest, the edge's own rate law
        return float(activation(igf1, rest, emax, ec50, hill))

    assert production(rest * 186 / 310) == pytest.approx(4.2 / 7.6, rel=0.01)
    assert production(rest * 3) > 2  # room for a rise several-fold
    fast = simulator.run([make_protocol("fasting", duration_h=96)], t_end=96 * 60, points=97)
    relative = fast.iloc[-1] / fast.iloc[0]
    assert relative["bone__OCN"] < 0.8


def test_fasting_lowers_igf1_over_days_as_the_livers_gh_sensitivity_falls(
    simulator: Simulator,
) -> None:
    """Integrated IGF-I -42% on day 3 of a fast (J Clin Endocrinol Metab 1982,
    DOI:10.1210/jcem-55-5-999), -40% on day 4 (Grinspoon 1995, PMID:7543494), -59% and -64%
    after 5 days (Clemmons 1985, DOI:10.1016/0026-0495(85)90230-6; Isley 1983,
    DOI:10.1172/jci110757), while GH rose. The liver's GH sensitivity falls within hours, so the
    early GH surge does not lift IGF-I, and IGF-I's 20-h half-life spreads the fall over days."""
    course = simulator.run([make_protocol("fasting", duration_h=120)], t_end=120 * 60, points=121)
    igf1 = course["plasma__IGF1"] / course["plasma__IGF1"].iloc[0] - 1
    assert igf1.loc[24 * 60] <= 0.0
    day_three = igf1[(igf1.index >= 48 * 60) & (igf1.index <= 72 * 60)]
    assert day_three.mean() == pytest.approx(-0.42, abs=0.05)
    assert -0.64 <= igf1.loc[120 * 60] <= -0.40
    assert course["plasma__GH"].loc[48 * 60] > 2 * course["plasma__GH"].iloc[0]


def test_ketone_clearance_saturates_so_a_drink_peaks_high_and_is_gone_in_four_hours(
    simulator: Simulator,
) -> None:
    """Ketone-body clearance falls as the concentration rises: 1.87 L/min at postabsorptive
    levels (Wastney 1984, J Lipid Res 25:160) against 2.3 mmol/min at 10-12 mM, 0.21 L/min
    (Diabetes 1985, 34:326); elimination capacity-limited after a ketone monoester (Shivva 2016,
    DOI:10.1208/s12248-016-9879-0). A ketone ester drink peaked blood D-BHB at 2.8 mM, back to
    baseline within 3-4 h (Stubbs 2017, DOI:10.3389/fphys.2017.00848)."""
    equations = model_equations(simulator.model)

    def clearance(mmol_per_l: float) -> float:
        """The fractional clearance (1/min) at a blood BHB of ``mmol_per_l`` (mM)."""
        return loss_per_unit(equations, "plasma__BHB", mmol_per_l)

    assert clearance(11.0) / clearance(0.1) == pytest.approx(0.21 / 1.87, rel=0.02)

    course = simulator.run([make_protocol("ketone_ester", dose_g=25)], t_end=360, points=361)
    bhb_course = course["plasma__BHB"]
    assert bhb_course.max() == pytest.approx(2.8, rel=0.02)
    assert 45 <= bhb_course.idxmax() <= 120
    assert bhb_course.loc[240] < 1.3 * bhb_course.iloc[0]
    # While the drink's BHB is above the Michaelis constant it falls more slowly than the
    # resting clearance would take it (43 min to halve against 15.6; Clarke's 0.8-3.1 h came
    # with a meal-replacement drink, absorbed longer, which the protocol does not represent).
    peak_time = int(bhb_course.idxmax())
    above = bhb_course.loc[peak_time:] - bhb_course.iloc[0]
    half_time = float(above[above <= above.iloc[0] / 2].index[0]) - peak_time
    assert half_time > 2 * math.log(2) / clearance(0.1)


def test_a_laboratory_stressor_raises_plasma_catecholamines_as_published(
    simulator: Simulator,
) -> None:
    """During a colour-word test arterial adrenaline rose 50% (Freyschuss 1990, PMID:2356747)
    and arterial noradrenaline from 1.53 to 2.13 nM (Hjemdahl 1984, PMID:6589948), read at the
    stress protocol's default intensity; the hippocampal noradrenaline peak of a strong stressor
    stays where the footshock calibration put it (x1.60) now that part of it arrives through the
    vagal route of plasma adrenaline."""
    course = simulator.run(
        [parse_protocol("stress(duration_min=20,intensity=0.5)")], t_end=60, points=61
    )
    peak = course.max() / course.iloc[0]
    assert peak["plasma__adrenaline"] == pytest.approx(1.50, abs=0.03)
    assert peak["plasma__NE"] == pytest.approx(2.13 / 1.53, abs=0.03)
    assert peak["brain__NTS"] > 1.05  # the afferent route carries the stressor's adrenaline
    strong = simulator.run(
        [parse_protocol("stress(duration_min=20,intensity=1)")], t_end=60, points=61
    )
    assert strong["brain__NE"].max() / strong["brain__NE"].iloc[0] == pytest.approx(1.60, abs=0.02)


def test_the_locus_coeruleus_habituates_to_a_continuing_stressor_while_cortisol_stays_up(
    simulator: Simulator,
) -> None:
    """Cat locus coeruleus activation lasted through a 15-min restraint but was gone after 2 h of
    restraint (Abercrombie & Jacobs 1987, PMID:3625276); rat BNST noradrenaline rose 170-290% in
    the first hour of a 2-h immobilization and fell in the second (PMID:8542318). The HPA arm
    does not habituate in the model, so a long stressor becomes a glucocorticoid stimulus."""
    course = simulator.run(
        [parse_protocol("stress(duration_min=180,intensity=1)")], t_end=180, points=181
    )
    ne = course["brain__NE"] / course["brain__NE"].iloc[0]
    cortisol = course["plasma__cortisol"] / course["plasma__cortisol"].iloc[0]
    assert float(ne.idxmax()) <= 45.0 and ne.max() > 1.5
    assert ne.loc[120.0] == pytest.approx(1.05, abs=0.01)
    assert cortisol.loc[120.0] > 1.5
    running = simulator.run([parse_protocol("aerobic(duration_min=60,intensity=0.7)")], t_end=60)
    assert running["brain__NE_habituation"].max() == pytest.approx(1.0, abs=1e-9)


def test_muscle_oxidative_capacity_rises_over_a_month_of_training_and_halves_in_a_week(
    simulator: Simulator,
) -> None:
    """Phillips 1996 (PMID:8779948): 2 h of cycling a day at 59% VO2peak, 5-6 times a week,
    raised succinate dehydrogenase 41% by day 31 (not yet at day 5);
    Ryan 2013 (PMID:23669881): mitochondrial capacity then fell with a half-time of about
    7.7 d."""
    month = parse_protocol(
        "training(protocol=aerobic(duration_min=120,intensity=0.59),sessions_per_week=5.5,"
        "weeks=4.43)"
    )
    day = 1440.0
    course = simulator.run([month], t_end=52 * day, points=52 * 24 + 1)
    capacity = course["muscle__oxidative_capacity"]
    assert capacity.loc[31 * day] - 1 == pytest.approx(0.41, abs=0.02)
    # Not asserted: the paper found no significant change at day 5, where the model is already
    # up by about a sixth; a single turnover rate cannot give both the slow rise and the
    # 7.7-d fall (README, the calibration table).
    # The decline is timed from the peak, which comes hours after the last session: the
    # adaptation follows the transcriptional burst each session leaves behind (Perry 2010).
    last = max(i.end for i in month.intervals())
    after = capacity.loc[capacity.index >= last]
    assert after.idxmax() - last < day
    excess = after.loc[after.idxmax() :] - 1
    halved = excess.index[np.argmax(excess.to_numpy() <= excess.iloc[0] / 2)] - excess.index[0]
    assert halved / day == pytest.approx(7.7, rel=0.05)


def test_training_raises_the_lactate_threshold_twice_as_far_as_vo2max_and_detraining_undoes_it(
    simulator: Simulator,
) -> None:
    """Weltman 1997 (PMID:9140905): 6 weeks of training raised the lactate threshold from
    0.498 to 0.578 of VO2peak (+16.1%) while VO2peak rose 8.25% (3.15 -> 3.41 L/min); the
    threshold and VO2max share their half-life (10.5 d; Hickson 1981: submaximal lactate and
    VO2max both moved within 2-3 weeks), so the ratio of the rises holds whatever the training
    and both decay alike after it."""
    training = parse_protocol(
        "training(protocol=aerobic(duration_min=30,intensity=0.7),sessions_per_week=5,weeks=6)"
    )
    day = 1440.0
    course = simulator.run([training], t_end=70 * day, points=70 * 24 + 1)
    threshold = course["muscle__lactate_threshold"] / course["muscle__lactate_threshold"].iloc[0]
    capacity = course["body__VO2max"] / course["body__VO2max"].iloc[0]
    end = max(i.end for i in training.intervals())
    at_end = course.index[course.index >= end][0]
    assert capacity.loc[at_end] > 1.05
    ratio = (threshold.loc[at_end] - 1) / (capacity.loc[at_end] - 1)
    assert ratio == pytest.approx((0.578 / 0.498 - 1) / (3.41 / 3.15 - 1), rel=0.01)
    # detraining is timed from the peak, hours after the last session (the transcriptional burst
    # outlasts the bout, Perry 2010)
    peak = threshold.loc[threshold.index >= end].idxmax()
    assert peak - end < day
    later = course.index[course.index >= peak + 21 * day][0]  # two half-lives of detraining
    assert (threshold.loc[later] - 1) / (threshold.loc[peak] - 1) == pytest.approx(0.25, rel=0.05)


def test_the_adaptation_follows_the_transcriptional_burst_after_the_bout(
    simulator: Simulator,
) -> None:
    """Perry 2010 (PMID:20921196): PGC-1alpha mRNA was more than 10-fold up 4 h after the first
    interval session and back to control within 24 h, and citrate synthase activity rose only
    sessions after its mRNA. So the threshold, VO2max and oxidative capacity move in the hours
    after a bout, not during it: the bout no longer lowers its own catecholamine, GH and
    lactate responses."""
    intervals = parse_protocol(
        "hiit(bouts=10,work_min=4,rest_min=2,intensity=0.9,rest_intensity=0)"
    )
    end = max(i.end for i in intervals.intervals())
    burst = simulator.run([intervals], t_end=end + 1440, times=[0, end + 240, end + 1440])
    signal = burst["muscle__adaptive_transcription"]
    assert signal.loc[end + 240] == pytest.approx(11.0, rel=0.01)
    assert signal.loc[end + 1440] < 1.5
    bout = parse_protocol("aerobic(duration_min=30,intensity=0.7)")
    course = simulator.run([bout], t_end=30 + 2 * 1440, times=[0, 30, 30 + 2 * 1440])
    rise = course / course.iloc[0] - 1
    for adaptation in ("muscle__lactate_threshold", "body__VO2max", "muscle__oxidative_capacity"):
        during, after = rise[adaptation].loc[30], rise[adaptation].loc[30 + 2 * 1440]
        assert 0 < during < 0.05 * after


def test_the_burst_grows_steeply_with_relative_intensity_as_published(
    simulator: Simulator,
) -> None:
    """Nordsborg 2010 (DOI:10.1249/MSS.0b013e3181d2d21c): after 4 x 4 min with 3 min between,
    PGC-1alpha mRNA rose about 3-fold at 70% of VO2peak and 4- to 5-fold at 85%, alike in
    trained and untrained men at the same relative workload; Stepto 2012
    (DOI:10.1371/journal.pone.0053080): 60 min at 72% raised it 11-fold 3 h later."""

    def burst_3h_after(text: str, subject: str = "subject()") -> float:
        bout = parse_protocol(text)
        end = max(i.end for i in bout.intervals())
        course = simulator.run(
            [bout], subject=parse_subject(subject), t_end=end + 180, times=[0, end + 180]
        )
        return float(course["muscle__adaptive_transcription"].iloc[-1])

    four_by_four = "hiit(bouts=4,work_min=4,rest_min=3,intensity={},rest_intensity=0)"
    at_85, at_70 = (burst_3h_after(four_by_four.format(i)) for i in (0.85, 0.70))
    # excess over rest, 3-fold against 4- to 5-fold: (3 - 1) / (5 - 1) .. (3 - 1) / (4 - 1)
    assert 0.5 <= (at_70 - 1) / (at_85 - 1) <= 2 / 3
    trained = burst_3h_after(four_by_four.format(0.85), "subject(training_status=trained)")
    assert trained == pytest.approx(at_85, rel=0.01)
    assert burst_3h_after("aerobic(duration_min=60,intensity=0.72)") == pytest.approx(11, rel=0.1)


def test_vo2max_rises_with_a_ten_day_half_time_to_the_published_plateau(
    simulator: Simulator,
) -> None:
    """Hickson 1981 (Med Sci Sports Exerc 13:17): 40 min a day, 6 days a week, raised VO2max
    with half-times of 10.3 and 10.8 d, 23% in 9 weeks; the programme is Hickson 1977's
    (PMID:838658): six 5-min intervals at VO2max with 2 min at 50-60% between on three days,
    a 40-min run as far as possible (0.85 of VO2max, assumed) on the other three."""
    day = 1440.0
    programme = [
        parse_protocol(
            "training(protocol=hiit(bouts=6,work_min=5,rest_min=2,intensity=1.0,"
            "rest_intensity=0.55),sessions_per_week=3,weeks=9)"
        ),
        parse_protocol(
            "training(protocol=aerobic(duration_min=40,intensity=0.85),sessions_per_week=3,"
            "weeks=9,start_h=24)"
        ),
    ]
    course = simulator.run(programme, t_end=63 * day, points=63 * 24 + 1)
    rise = course["body__VO2max"] / course["body__VO2max"].iloc[0] - 1
    assert rise.loc[63 * day] == pytest.approx(0.23, abs=0.005)
    half_time = rise.index[np.argmax(rise.to_numpy() >= rise.loc[63 * day] / 2)] / day
    assert half_time == pytest.approx(10.5, rel=0.15)


def test_hippocampal_bdnf_protein_outlasts_running_by_two_weeks(simulator: Simulator) -> None:
    """Berchtold, Castello & Cotman 2010 (PMID:20219647): after 3 weeks of wheel running,
    mouse hippocampal BDNF protein was still significantly raised 1 and 2 weeks after running
    ended and back to baseline by 3-4 weeks; the 6-d half-life of brain__mBDNF is set from it.
    Bdnf mRNA, with its 1.5-h half-life, is back within days."""
    day = 1440.0
    running = parse_protocol(
        "training(protocol=aerobic(duration_min=60,intensity=0.7),sessions_per_week=7,weeks=3)"
    )
    end = 21 * day
    times = [0.0, end, end + 14 * day, end + 28 * day]
    course = simulator.run(
        [running], subject=parse_subject("subject(species=mouse)"), t_end=times[-1], times=times
    )
    excess = course / course.iloc[0] - 1
    protein = excess["brain__mBDNF"]
    assert protein.loc[end] > 0.05
    assert protein.loc[end + 14 * day] > 0.15 * protein.loc[end]
    assert protein.loc[end + 28 * day] < 0.08 * protein.loc[end]
    assert abs(excess["brain__BDNF_mRNA"].loc[end + 14 * day]) < 0.01


def test_plasma_volume_falls_with_intensity_within_the_published_spread(
    simulator: Simulator,
) -> None:
    """The plasma volume falls of three studies, which exercise_plasma_volume is fitted to: 9.9,
    15.6 and 17.2% after 30 min at 40, 60 and 80% VO2max (Hill 2008, PMID:18787373); 3.9, 9.2,
    16.2 and 18.6% at about 33, 54, 82 and 100% VO2peak in graded cycling (Sullivan 1993); none
    at 40%, 7.1% at 67% and 13.0% at maximum (a third study). At each intensity the model lies
    within the spread of the studies, the fall grows with intensity, and it is gone 30 min after
    a bout (back by the 30th min after maximal exercise; within 40 min after 6 x 1 min at
    VO2peak, Rotstein 1998, PMID:9638028)."""
    spread = {0.4: (0.0, 0.099), 0.6: (0.07, 0.156), 0.8: (0.13, 0.172), 1.0: (0.13, 0.186)}
    falls = []
    for intensity, (low, high) in spread.items():
        bout = make_protocol("aerobic", duration_min=30, intensity=intensity)
        course = simulator.run([bout], t_end=60, times=[0, 30, 60])
        fall = 1 - course["plasma__volume"].loc[30]
        assert low <= fall <= high, intensity
        assert 1 - course["plasma__volume"].loc[60] < 0.01 * fall
        falls.append(fall)
    assert falls == sorted(falls)


def test_the_fluid_shift_carries_the_fast_testosterone_and_igf1_rises(
    simulator: Simulator,
) -> None:
    """Wilkerson, Horvath & Gutin 1980 (PMID:7400007): in 20 min of running at 30-90% VO2max
    plasma testosterone concentration rose in proportion to intensity, virtually equal to the
    fall of plasma volume, so total testosterone content did not change. Cappon 1994
    (DOI:10.1152/jappl.1994.76.6.2490) and Schwarz 1996 (PMID:8855791): total IGF-I rose 13-17%
    within 10 min of intense exercise, GH-independent. In the model the concentrated hormone is
    also cleared faster (clearance follows concentration; the fall of hepatic blood flow in
    exercise is not represented), so testosterone, with its 27-min half-life, keeps about two
    thirds of the rise the volume alone would give after 20 min."""
    rest = simulator.run([make_protocol("rest")], t_end=20, times=[0, 20])
    rises = []
    for intensity in (0.3, 0.6, 0.9):
        bout = make_protocol("aerobic", duration_min=20, intensity=intensity)
        course = simulator.run([bout], t_end=20, times=[0, 20])
        rise = course["plasma__testosterone"].loc[20] / rest["plasma__testosterone"].loc[20] - 1
        by_volume = 1 / course["plasma__volume"].loc[20] - 1
        assert 0.6 * by_volume <= rise <= by_volume, intensity
        rises.append(rise)
    assert rises == sorted(rises) and rises[0] > 0
    intense = simulator.run(
        [make_protocol("aerobic", duration_min=10, intensity=0.85)], t_end=10, times=[0, 10]
    )
    igf1 = intense["plasma__IGF1"].loc[10] / intense["plasma__IGF1"].iloc[0] - 1
    content = (1 + igf1) * intense["plasma__volume"].loc[10] - 1
    assert 0.10 <= igf1 <= 0.20
    assert abs(content) < 0.2 * igf1


def test_lifting_lowers_plasma_volume_with_the_load_as_published(simulator: Simulator) -> None:
    """Collins, Cureton, Hill & Ray 1989 (PMID:2709980), the calibration of
    resistance_plasma_volume: three circuits of four lifts, 10 repetitions in 30 s then 30 s of
    rest, lowered plasma volume by 7.7, 10.7, 12.1 and 13.9 +/- 0.8-0.9% (SE) at 40, 50, 60 and
    70% 1RM. The model lies within 2 SE at each load; the fall is gone 30 min later. Part of
    the published testosterone rise after a circuit (Marin 2006, +29.4%) is this fluid shift:
    the hormone's content rises less than its concentration."""
    published = {0.4: 0.077, 0.5: 0.107, 0.6: 0.121, 0.7: 0.139}
    for load, fall in published.items():
        circuits = parse_protocol(f"resistance(sets=12,set_min=0.5,rest_min=0.5,load={load})")
        course = simulator.run([circuits], t_end=41.5, times=[0, 11.5, 41.5])
        assert 1 - course["plasma__volume"].loc[11.5] == pytest.approx(fall, abs=0.018), load
        assert 1 - course["plasma__volume"].loc[41.5] < 0.01 * fall
    marin = parse_protocol("resistance(duration_min=15,load=0.8,rest_min=1)")
    course = simulator.run([marin], t_end=15, times=[0, 15])
    rise = course["plasma__testosterone"].loc[15] / course["plasma__testosterone"].iloc[0] - 1
    content = (1 + rise) * course["plasma__volume"].loc[15] - 1
    assert rise == pytest.approx(0.294, abs=0.01)
    assert 0.05 < rise - content < 0.5 * rise
