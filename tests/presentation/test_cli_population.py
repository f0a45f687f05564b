"""``mbaxis population`` and ``mbaxis optimize``: the JSON of the contract, reproducibility at a
seed, the files of ``--out``, and one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib.image
import pandas as pd
import pytest

from mbaxis.cli import main

POPULATION = [
    "population",
    "--protocol",
    "aerobic(duration_min=40,intensity=0.7)",
    "--n",
    "30",
    "--seed",
    "3",
    "--no-progress",
]
OPTIMIZE = [
    "optimize",
    "--readout",
    "brain__BDNF_mRNA",
    "--budget-min-per-week",
    "90",
    "--weeks",
    "1",
    "--slots",
    "1",
    "--evaluations",
    "50",
    "--seed",
    "2",
    "--no-progress",
]


def _json(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[str, dict]:  # type: ignore[type-arg]
    assert main([*args, "--json"]) == 0
    text = capsys.readouterr().out
    return text, json.loads(text)


def test_population_json_follows_the_contract_and_repeats_at_a_seed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    text, result = _json(POPULATION, capsys)
    for key in (
        "protocol",
        "readout",
        "statistic",
        "n",
        "responder_threshold",
        "responder_fraction",
        "strata",
    ):
        assert key in result
    assert result["n"] == 30 and result["readout"] == "serum__BDNF"
    for row in result["strata"]:
        for key in ("covariate", "level", "n", "median", "p05", "p95", "responder_fraction"):
            assert key in row
    again, _ = _json([*POPULATION, "--jobs", "2"], capsys)
    assert again == text  # byte-identical, whatever the number of workers
    other, _ = _json([*POPULATION[:-3], "--seed", "4", "--no-progress"], capsys)
    assert other != text


def test_population_writes_its_tables_and_figures(tmp_path: Path) -> None:
    out = tmp_path / "population"
    assert main([*POPULATION, "--ensemble", "none", "--out", str(out)]) == 0
    people = pd.read_csv(out / "people.tsv", sep="\t")
    assert len(people) == 30 and set(people["member"]) == {"tables"}
    assert json.loads((out / "population.json").read_text())["ensemble"] is None
    strata = pd.read_csv(out / "strata.tsv", sep="\t")
    assert strata.loc[strata["covariate"] == "sex", "n"].sum() == 30
    for figure in ("responses.png", "responders.png"):
        assert matplotlib.image.imread(out / figure).shape[0] > 300
    assert not Path(f"{out}.partial.jsonl").exists()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--n", "0"], "--n must be at least 1"),
        (["--resume"], "--resume needs --out"),
        (["--statistic", "time_of_max"], "'time_of_max' is a time"),
        (["--ensemble", "missing.csv"], "missing.csv: no such ensemble file"),
    ],
)
def test_population_bad_input_is_one_line(
    extra: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*POPULATION, *extra]) == 2
    error = capsys.readouterr().err
    assert message in error and error.count("\n") == 1


def test_impossible_covariate_frequencies_are_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    table = tmp_path / "mine.tsv"
    table.write_text(
        "covariate\tlevel\tfrequency\tsource\nsex\tmale\t0.6\tx\nsex\tfemale\t0.6\tx\n",
        encoding="utf-8",
    )
    assert main([*POPULATION, "--covariates", str(table)]) == 2
    error = capsys.readouterr().err
    assert "mine.tsv, line 2: the frequencies of sex sum to 1.2" in error
    assert error.count("\n") == 1
    table.write_text(
        "covariate\tlevel\tfrequency\tsource\neye_colour\tblue\t1\tx\n", encoding="utf-8"
    )
    assert main([*POPULATION, "--covariates", str(table)]) == 2
    assert "unknown covariate 'eye_colour'" in capsys.readouterr().err


def test_optimize_json_follows_the_contract_and_repeats_at_a_seed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    text, result = _json([*OPTIMIZE, "--no-mechanisms"], capsys)
    for key in (
        "readout",
        "statistic",
        "budget_min_per_week",
        "weeks",
        "seed",
        "evaluations",
        "best",
    ):
        assert key in result
    assert result["evaluations"] >= 50
    best = result["best"]
    assert best and [b["value"] for b in best] == sorted((b["value"] for b in best), reverse=True)
    for row in best:
        assert set(row) >= {"schedule", "minutes_per_week", "value", "p05", "p95"}
        assert row["minutes_per_week"] <= 90
    assert "model's" in result["caveat"]
    again, _ = _json([*OPTIMIZE, "--no-mechanisms", "--jobs", "2"], capsys)
    assert again == text


def test_optimize_writes_its_tables_figures_and_mechanisms(tmp_path: Path) -> None:
    out = tmp_path / "optimize"
    assert main([*OPTIMIZE, "--out", str(out)]) == 0
    summary = json.loads((out / "optimize.json").read_text())
    paths = summary["mechanisms"]["paths"]
    assert paths and all(p["nodes"][-1] == "brain__BDNF_mRNA" for p in paths)
    schedules = pd.read_csv(out / "schedules.tsv", sep="\t")
    assert len(schedules) == summary["schedules_simulated"]
    for figure in ("convergence.png", "pareto.png"):
        assert matplotlib.image.imread(out / figure).shape[0] > 300
    assert not Path(f"{out}.partial.jsonl").exists()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--budget-min-per-week", "3"], "a budget of 3 min/week holds no session"),
        (["--protocols", "aerobic,swim"], "unknown protocol(s) swim"),
        (["--population", "5", "--subject", "subject(sex=female)"], "exclude each other"),
        (["--resume"], "--resume needs --out"),
        (["--members", "0"], "--members must be at least 1"),
        (["--population", "0"], "a population needs at least 1 subject"),
    ],
)
def test_optimize_bad_input_is_one_line(
    extra: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*OPTIMIZE, *extra]) == 2
    error = capsys.readouterr().err
    assert message in error and error.count("\n") == 1


def test_a_population_on_a_dask_cluster_answers_as_in_one_process(
    capsys: pytest.CaptureFixture[str],
) -> None:
    small = [*POPULATION[:3], "--n", "8", *POPULATION[5:]]
    local, _ = _json([*small, "--jobs", "1"], capsys)
    cluster, _ = _json([*small, "--jobs", "2", "--scheduler", "local"], capsys)
    assert cluster == local


def test_optimize_on_a_virtual_population_weighs_every_person(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, result = _json([*OPTIMIZE, "--no-mechanisms", "--population", "3"], capsys)
    assert result["members"] == 3 and result["subject"] == "a virtual population"
    best = result["best"][0]
    assert best["p05"] <= best["value"] <= best["p95"]
    chance = result["probability_best_beats_runner_up"]
    assert chance is not None and 0.0 <= chance <= 1.0
