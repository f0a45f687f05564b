"""Population checks: findings about how responses vary between people, run on virtual
populations drawn like the studied ones."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from mbaxis.analysis.errors import CovariateError
from mbaxis.analysis.population import load_covariates, population_responses
from mbaxis.analysis.population.checks import (
    MEASURES,
    load_population_checks,
    run_population_checks,
)
from mbaxis.network import Model


def test_every_bundled_check_names_its_source_and_a_range() -> None:
    checks = load_population_checks()
    assert len(checks) >= 3
    measures = {check.measure for check in checks}
    assert {"responder_fraction", "cv"} <= measures <= set(MEASURES)
    for check in checks:
        low, high = check.expect
        assert low < high and ("DOI:" in check.source or "PMID:" in check.source)


def test_a_check_draws_the_population_it_describes() -> None:
    goda = next(c for c in load_population_checks() if c.id.startswith("goda2013"))
    cohort = goda.cohort(load_covariates(), None)
    assert len(cohort) == goda.n
    assert all(m.subject.sex == "male" and 21 <= m.subject.age <= 27 for m in cohort.members)
    assert not any(m.subject.menopause for m in cohort.members)
    # the other covariates are still drawn: the population is not one person repeated
    assert len({m.subject.training_status for m in cohort.members}) > 1


def test_the_measure_is_computed_from_the_responses(model: Model) -> None:
    goda = next(c for c in load_population_checks() if c.id.startswith("goda2013"))
    [row] = run_population_checks(model, [goda])
    result = population_responses(
        model,
        goda.cohort(load_covariates(), None),
        [goda.protocol],
        readout=goda.readout,
        statistic=goda.statistic,
        window=goda.window,
    )
    responses = result.people["response"].to_numpy(dtype=float)
    assert row["value"] == pytest.approx(float((responses > 0.0).mean()))
    assert row["ok"] == (goda.expect[0] <= row["value"] <= goda.expect[1])
    spread = next(c for c in load_population_checks() if c.measure == "cv")
    [cv] = run_population_checks(model, [spread])
    people = (
        population_responses(
            model,
            spread.cohort(load_covariates(), None),
            [spread.protocol],
            readout=spread.readout,
            statistic=spread.statistic,
            window=spread.window,
        )
        .people["response"]
        .to_numpy(dtype=float)
    )
    assert cv["value"] == pytest.approx(float(np.std(people, ddof=1) / abs(np.mean(people))))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- {id: a}\n", r"check 1 \(a\): missing field\(s\)"),
        (
            "- {id: a, source: s, population: {n: 5}, protocol: aerobic, readout: serum__BDNF, "
            "measure: spread, expect: {range: [0, 1]}}\n",
            r"unknown measure 'spread'",
        ),
        (
            "- {id: a, source: s, population: {n: 5}, protocol: aerobic, readout: serum__BDNF, "
            "measure: cv, expect: increase}\n",
            r"expect takes \{range: \[LOW, HIGH\]\}",
        ),
        (
            "- {id: a, source: s, population: {n: 5, subject: {age: [40, 20]}}, protocol: "
            "aerobic, readout: serum__BDNF, measure: cv, expect: {range: [0, 1]}}\n",
            r"subject age \[LOW, HIGH\] needs 0 < LOW < HIGH",
        ),
        ("- {id: a, colour: red}\n", r"unknown field\(s\) colour"),
        ("{a: 1}\n", r"expected a list of checks"),
    ],
)
def test_a_malformed_check_is_named(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "checks.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CovariateError, match=message):
        load_population_checks(path)
