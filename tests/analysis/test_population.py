"""Virtual populations: the covariates table, drawing subjects, and each person's response."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from mbaxis.analysis import Simulator, parse_protocol
from mbaxis.analysis.ensembles import Ensemble
from mbaxis.analysis.errors import CovariateError
from mbaxis.analysis.population import (
    check_representable,
    load_covariates,
    population_responses,
    sample_population,
)
from mbaxis.analysis.population.covariates import bundled_covariates_path
from mbaxis.analysis.statistics import compute_statistic
from mbaxis.network import Model, load_model

BOUT = parse_protocol("aerobic(duration_min=40,intensity=0.7)")
HEADER = "covariate\tlevel\tfrequency\tsource\n"


def _table(tmp_path: Path, rows: str) -> Path:
    path = tmp_path / "covariates.tsv"
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


def test_the_bundled_table_sums_to_one_and_cites_every_row() -> None:
    covariates = load_covariates()
    for levels in covariates.categorical.values():
        assert sum(level.frequency for level in levels) == pytest.approx(1.0, abs=1e-3)
        assert all(level.source for level in levels)
    assert sum(band.frequency for band in covariates.age) == pytest.approx(1.0, abs=1e-3)
    # Hardy-Weinberg genotypes of a Met allele frequency of 0.195 (Pivac 2009)
    genotypes = {lv.value: lv.frequency for lv in covariates.categorical["bdnf_val66met"]}
    met = genotypes["met/met"] + genotypes["val/met"] / 2
    assert met == pytest.approx(0.195, abs=1e-3)
    assert covariates.menopause_from_age == 51.4  # SWAN median age at natural menopause


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("height\ttall\t1\tx\n", r"line 2: unknown covariate 'height'"),
        ("sex\tmale\t0.7\tx\nsex\tfemale\t0.7\tx\n", r"line 2: the frequencies of sex sum to 1.4"),
        ("sex\tmale\t-0.5\tx\nsex\tfemale\t1.5\tx\n", r"line 2: frequency -0.5 of sex=male"),
        ("sex\tmale\tmany\tx\n", r"line 2: frequency 'many' is not a number"),
        ("sex\tother\t1\tx\n", r"line 2: unknown level 'other' of sex"),
        ("sex\tmale\t1\t\n", r"line 2: the row has no source"),
        ("age\t30\t1\tx\n", r"line 2: age band '30' must be LOW-HIGH"),
        ("age\t20-40\t0.5\tx\nage\t30-60\t0.5\tx\n", r"age bands 20-40 and 30-60 overlap"),
        ("menopause\tyes\t51\tx\n", r"line 2: menopause takes one row, level 'from_age'"),
        ("sex\tmale\t1\n", r"line 2: 3 cells, expected 4"),
    ],
)
def test_a_bad_table_is_a_one_line_error_naming_file_and_line(
    tmp_path: Path, rows: str, message: str
) -> None:
    with pytest.raises(CovariateError, match=message) as caught:
        load_covariates(_table(tmp_path, rows))
    assert "covariates.tsv" in str(caught.value) and "\n" not in str(caught.value)


def test_a_missing_file_and_a_wrong_header_are_named(tmp_path: Path) -> None:
    with pytest.raises(CovariateError, match=r"nope.tsv: no such covariates file"):
        load_covariates(tmp_path / "nope.tsv")
    wrong = tmp_path / "wrong.tsv"
    wrong.write_text("key\tvalue\nsex\tmale\n", encoding="utf-8")
    with pytest.raises(CovariateError, match=r"wrong.tsv, line 1: expected the columns"):
        load_covariates(wrong)


def test_a_level_the_model_cannot_represent_is_refused(
    model: Model, tmp_path: Path, untrained_only_model: Path
) -> None:
    path = _table(
        tmp_path,
        "training_status\tuntrained\t0.7\tx\ntraining_status\tresistance_trained\t0.3\tx\n",
    )
    check_representable(model, load_covariates(path))  # the bundled model represents them all
    check_representable(model, load_covariates())
    without = load_model(untrained_only_model)
    with pytest.raises(CovariateError, match=r"covariate training_status=resistance_trained"):
        check_representable(without, load_covariates(path))


def test_draws_follow_the_frequencies_and_repeat_at_a_seed() -> None:
    covariates = load_covariates()
    n = 20000
    people = covariates.sample(n, np.random.default_rng(1))
    again = covariates.sample(n, np.random.default_rng(1))
    assert people == again
    for covariate, levels in covariates.categorical.items():
        for level in levels:
            share = sum(getattr(p, covariate) == level.value for p in people) / n
            spread = math.sqrt(level.frequency * (1 - level.frequency) / n)
            assert abs(share - level.frequency) < 5 * spread, (covariate, level.value)
    for band in covariates.age:
        share = sum(band.low <= p.age <= band.high for p in people) / n
        assert abs(share - band.frequency) < 5 * math.sqrt(band.frequency / n)
    # women from the median age at menopause are post-menopausal, younger women and men never
    assert all(p.menopause == (p.sex == "female" and p.age >= 51.4) for p in people)


def test_ensemble_members_are_drawn_by_weight() -> None:
    ensemble = Ensemble(
        ("light", "heavy"),
        ("exercise_lactate__emax",),
        np.array([[10.0], [20.0]]),
        np.array([0.2, 0.8]),
    )
    cohort = sample_population(load_covariates(), 5000, 3, ensemble)
    heavy = sum(m.member == "heavy" for m in cohort.members) / 5000
    assert abs(heavy - 0.8) < 5 * math.sqrt(0.16 / 5000)
    assert all(dict(m.parameters)["exercise_lactate__emax"] in (10.0, 20.0) for m in cohort.members)


def test_a_response_is_the_person_against_themselves_at_rest(model: Model) -> None:
    cohort = sample_population(load_covariates(), 6, 5)
    result = population_responses(
        model, cohort, [BOUT], readout="brain__BDNF_mRNA", statistic="max", window=(0, 240)
    )
    simulator = Simulator(model)
    for member, row in zip(cohort.members, result.people.itertuples(), strict=True):
        course = simulator.run([BOUT], subject=member.subject, t_end=240, points=241)
        rest = simulator.run([], subject=member.subject, t_end=240, points=241)
        value = compute_statistic(course, "brain__BDNF_mRNA", "max")
        at_rest = compute_statistic(rest, "brain__BDNF_mRNA", "max")
        assert row.value == pytest.approx(value, rel=1e-6)
        assert row.rest == pytest.approx(at_rest, rel=1e-6)
        assert row.response == pytest.approx((value - at_rest) / at_rest, rel=1e-6)
        assert row.responder == (row.response > 0.05)


def test_strata_cover_everyone_and_the_summary_follows_the_contract(model: Model) -> None:
    cohort = sample_population(load_covariates(), 40, 0)
    result = population_responses(
        model, cohort, [BOUT], readout="serum__BDNF", responder_threshold=0.3
    )
    strata = result.strata()
    for covariate in ("sex", "age_band", "training_status", "bdnf_val66met"):
        assert strata.loc[strata["covariate"] == covariate, "n"].sum() == 40
    women = int((result.people["sex"] == "female").sum())
    assert strata.loc[strata["covariate"] == "menopause", "n"].sum() == women
    summary = result.summary()
    for key in (
        "protocol",
        "readout",
        "statistic",
        "n",
        "responder_threshold",
        "responder_fraction",
        "strata",
    ):
        assert key in summary
    for row in summary["strata"]:
        assert set(row) >= {"covariate", "level", "n", "median", "p05", "p95", "responder_fraction"}
        assert row["p05"] <= row["median"] <= row["p95"]
    assert summary["responder_fraction"] == pytest.approx(
        float((result.people["response"] > 0.3).mean())
    )


def test_a_time_statistic_and_a_negative_threshold_are_refused(model: Model) -> None:
    from mbaxis.analysis.errors import ScenarioError

    cohort = sample_population(load_covariates(), 2, 0)
    with pytest.raises(ScenarioError, match="'time_of_max' is a time"):
        population_responses(model, cohort, [BOUT], readout="serum__BDNF", statistic="time_of_max")
    with pytest.raises(ScenarioError, match="responder threshold must be"):
        population_responses(model, cohort, [BOUT], readout="serum__BDNF", responder_threshold=-1)


def test_the_bundled_table_ships_with_the_package() -> None:
    assert bundled_covariates_path().is_file()
