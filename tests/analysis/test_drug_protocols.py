"""The growth-hormone drug protocols against the published numbers their parameters come from:
pharmacokinetics (half-lives) and the IGF-1 responses the drive was calibrated to."""

from __future__ import annotations

import math
from functools import cache

import numpy as np
import pandas as pd
import pytest

from mbaxis.analysis.protocols import parse_protocol
from mbaxis.analysis.simulation import Simulator
from mbaxis.analysis.subjects import parse_subject
from mbaxis.network import load_model

DAY = 1440.0


@cache
def _simulator() -> Simulator:
    return Simulator(load_model())


def _run(protocol: str, t_end: float, points: int) -> pd.DataFrame:
    return _simulator().run([parse_protocol(protocol)], t_end=t_end, points=points)


def test_mk677_doubles_gh_and_nearly_doubles_igf1_in_older_adults() -> None:
    """In adults aged 64-81, 25 mg/d raised mean 24-h GH by 97% at 2 weeks (the calibration)
    and IGF-I from 141 to 265 ug/L in 4 weeks (Chapman 1996, PMID:8954023); IGF-I is the
    model's prediction from GH, held to within 10% of the published fold."""
    course = _simulator().run(
        [parse_protocol("gh_secretagogue(agent=mk677,dose_mg=25,days=28)")],
        subject=parse_subject("subject(age=72)"),
        t_end=28 * DAY,
        points=28 * 24 + 1,
    )
    gh, igf1 = course["plasma__GH"], course["plasma__IGF1"]
    week_two = (gh.index >= 13 * DAY) & (gh.index <= 14 * DAY)
    assert gh[week_two].mean() / gh.iloc[0] == pytest.approx(1.97, rel=0.05)
    assert igf1.iloc[-1] / igf1.iloc[0] == pytest.approx(265 / 141, rel=0.10)


def test_cjc1295_stays_for_a_week_and_lifts_igf1_for_days() -> None:
    """Half-life 5.8-8.1 d; single doses raised IGF-I 1.5-3-fold for 9-11 days (Teichman 2006)."""
    course = _run("ghrh_analogue(agent=cjc1295,dose_mg=4.5,days=1)", 20 * DAY, 81)
    drug = course["plasma__CJC1295"]
    after = drug[drug.index >= 2 * DAY]
    first, week = after.iloc[0], drug[drug.index >= 2 * DAY + 7 * DAY].iloc[0]
    half_life = 7 * DAY * math.log(2) / math.log(first / week)
    assert 5.8 * DAY <= half_life <= 8.1 * DAY
    fold = course["plasma__IGF1"] / course["plasma__IGF1"].iloc[0]
    assert 1.5 <= fold.max() <= 3.0
    assert fold[fold.index >= 9 * DAY].iloc[0] > 1.2  # still up on day 9


def test_ipamorelin_clears_with_its_two_hour_half_life() -> None:
    """Terminal half-life 2 h after i.v. infusions in healthy men (Gobburu 1999)."""
    course = _run("gh_secretagogue(agent=ipamorelin,dose_mg=1,days=1)", 12 * 60, 721)
    drug = course["plasma__ipamorelin"]
    peak_time = float(drug.idxmax())
    later = drug[drug.index >= peak_time + 60]
    start, two_hours = later.iloc[0], drug[drug.index >= float(later.index[0]) + 120].iloc[0]
    assert two_hours / start == pytest.approx(0.5, rel=0.05)
    assert course["plasma__GH"].max() > 5 * course["plasma__GH"].iloc[0]


def test_hexarelin_raises_acth_as_much_as_in_healthy_volunteers_but_ipamorelin_does_not() -> None:
    """2.0 ug/kg i.v. hexarelin: peak ACTH 26.3 against 15.8 pg/mL in 7 young volunteers (Arvat
    1998, PMID:9430449). The ACTH action is hexarelin's own edge, not the ghrelin receptor's
    GH route: ipamorelin, which has no such edge, leaves ACTH alone."""
    dose_mg = 2.0e-3 * 75  # 2 ug/kg at 75 kg
    hexarelin = _run(f"gh_secretagogue(agent=hexarelin,dose_mg={dose_mg},days=1)", 240, 241)
    acth = hexarelin["plasma__ACTH"]
    assert acth.max() / acth.iloc[0] == pytest.approx(26.3 / 15.8, rel=0.05)
    assert hexarelin["plasma__cortisol"].max() > hexarelin["plasma__cortisol"].iloc[0]
    ipamorelin = _run("gh_secretagogue(agent=ipamorelin,dose_mg=1,days=1)", 240, 241)
    assert ipamorelin["plasma__ACTH"].max() == pytest.approx(ipamorelin["plasma__ACTH"].iloc[0])


def test_secretagogue_agents_and_intervals_shape_the_dosing() -> None:
    """CJC-1295 weekly by default, sermorelin daily; an interval_days overrides the usual."""
    weekly = parse_protocol("ghrh_analogue(agent=cjc1295,days=21)").intervals()
    daily = parse_protocol("ghrh_analogue(agent=sermorelin,days=3)").intervals()
    every_other = parse_protocol("gh_secretagogue(agent=ipamorelin,days=6,interval_days=2)")

    def dose_times(intervals: list) -> list[float]:
        return [i.start for i in intervals if any(v > 0 for v in i.inputs.values())]

    assert len(dose_times(weekly)) == 3
    assert np.allclose(np.diff(dose_times(weekly)), 7 * DAY)
    assert np.allclose(np.diff(dose_times(daily)), DAY)
    assert np.allclose(np.diff(dose_times(every_other.intervals())), 2 * DAY)
