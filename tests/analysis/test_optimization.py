"""Protocol optimisation: weekly schedules, the search, its resume, and the paths it rests on."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from mbaxis.analysis import Simulator, parse_protocol
from mbaxis.analysis.errors import OptimizationError, SimulationError
from mbaxis.analysis.optimization import (
    SEARCH_SPACE,
    decode,
    optimize_schedule,
    search as search_module,
)
from mbaxis.analysis.optimization.mechanisms import carrying_paths
from mbaxis.analysis.population import single
from mbaxis.analysis.statistics import compute_statistic
from mbaxis.network import Model

PROTOCOLS = ("aerobic", "hiit", "sprint", "resistance", "heat", "fasting")
READOUT = "brain__BDNF_mRNA"
#: A short search every test can afford: one slot, two weeks, one-ish generation.
SMALL = {"readout": READOUT, "weeks": 2.0, "slots": 1, "evaluations": 60, "seed": 4}


def _index(name: str) -> int:
    return PROTOCOLS.index(name) + 1


def test_a_vector_decodes_to_the_plan_it_names() -> None:
    # aerobic 3x a week at the middle of its ranges; a fast joined to it
    schedule = decode(
        [_index("aerobic"), 3, 0.5, 0.5, 0, _index("fasting"), 7, 0.2, 0.9, 1], PROTOCOLS
    )
    aerobic, fast = schedule.sessions
    assert aerobic.protocol == parse_protocol("aerobic(duration_min=50,intensity=0.65)")
    assert fast.protocol == parse_protocol("fasting(duration_h=24)")
    assert fast.sessions_per_week == 3  # a joined slot follows the first slot's rhythm
    assert schedule.minutes_per_week == 150.0  # fasting costs no minutes
    # every fast ends exactly when an aerobic session starts
    training = schedule.protocols(2)
    starts = sorted(i.start for i in training[0].intervals())
    ends = sorted(i.end for i in training[1].intervals())
    assert ends == pytest.approx(starts)
    assert schedule.window(2)[0] == 24 * 60.0  # week 1 begins after the first fast


def test_heat_joined_to_exercise_starts_when_the_bout_ends() -> None:
    schedule = decode(
        [_index("aerobic"), 2, 0.25, 0.5, 0, _index("heat"), 5, 0.0, 0.5, 1], PROTOCOLS
    )
    bout, sauna = (p.intervals() for p in schedule.protocols(1))
    assert [i.start for i in sauna] == pytest.approx([i.end for i in bout])
    assert schedule.minutes_per_week == 2 * 30.0 + 2 * 10.0


def test_overlapping_sessions_fill_more_than_the_week() -> None:
    schedule = decode([_index("fasting"), 6, 0.6, 0, 0], PROTOCOLS)  # six 48-h fasts
    assert schedule.occupancy > 1.0
    assert decode([_index("fasting"), 2, 1.0, 0, 0], PROTOCOLS).occupancy <= 1.0


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"budget_min_per_week": 4},
            r"budget of 4 min/week holds no session of .*shortest is sprint at 4.5 min",
        ),
        ({"protocols": ("swim",)}, r"unknown protocol\(s\) swim"),
        ({"weeks": 0.5}, r"weeks must be between 1 and 52"),
        ({"slots": 0}, r"at least 1 slot"),
        ({"evaluations": 3}, r"3 evaluations do not fill one generation"),
        ({"readout": "brain__nothing"}, r"unknown readout 'brain__nothing'"),
    ],
)
def test_a_search_that_cannot_run_says_why(
    model: Model, options: dict[str, object], message: str
) -> None:
    with pytest.raises(OptimizationError, match=message):
        optimize_schedule(model, single(), **{**SMALL, **options})  # type: ignore[arg-type]


def test_only_time_free_protocols_need_no_budget(model: Model) -> None:
    result = optimize_schedule(
        model, single(), **{**SMALL, "budget_min_per_week": 0, "protocols": ("fasting",)}
    )
    assert all(c["minutes_per_week"] == 0 for c in result.best())


@pytest.fixture(scope="module")
def small_search(model: Model) -> search_module.SearchResult:
    return optimize_schedule(model, single(), **SMALL)


def test_the_best_schedule_scores_what_a_plain_simulation_gives(
    model: Model, small_search: search_module.SearchResult
) -> None:
    best = small_search.ranked()[:3]
    simulator = Simulator(model)  # the default (tighter) tolerances
    values = []
    for candidate in best:
        schedule = candidate.schedule
        start, end = schedule.window(2.0)
        course = simulator.run(schedule.protocols(2.0), t_end=end, points=2 * 7 * 24 * 4 + 1)
        course = course[course.index >= start]
        values.append(compute_statistic(course, READOUT, "mean"))
        assert candidate.score == pytest.approx(values[-1], rel=2e-3)
    assert values == sorted(values, reverse=True)  # the ranking holds at tight tolerances


def test_the_ranking_front_and_budget_hold(small_search: search_module.SearchResult) -> None:
    best = small_search.best()
    assert [b["value"] for b in best] == sorted((b["value"] for b in best), reverse=True)
    assert all(b["minutes_per_week"] <= 150 for b in best)
    front = small_search.pareto_front()
    minutes = [row["minutes_per_week"] for row in front]
    values = [row["value"] for row in front]
    assert minutes == sorted(minutes) and values == sorted(values)
    scored = [
        (c.schedule.minutes_per_week, c.score)
        for c in small_search.candidates.values()
        if np.isfinite(c.score)
    ]
    for m, v in zip(minutes, values, strict=True):  # nothing scored dominates the front
        assert not any(om <= m and ov > v + 1e-12 for om, ov in scored)
    assert small_search.evaluations >= SMALL["evaluations"]
    summary = small_search.summary()
    for key in (
        "readout",
        "statistic",
        "budget_min_per_week",
        "weeks",
        "seed",
        "evaluations",
        "best",
    ):
        assert key in summary
    assert summary["probability_best_beats_runner_up"] is None  # a cohort of one


def test_an_interrupted_search_resumes_without_simulating_again(
    model: Model, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    checkpoint = tmp_path / "search.jsonl"
    first = optimize_schedule(model, single(), **SMALL, checkpoint=checkpoint)
    real = search_module.evaluate_scenarios

    def only_rest(model: Model, scenarios: list, **options: object) -> list:  # type: ignore[type-arg]
        if any(s.experiment.protocols[0].name != "rest" for s in scenarios):
            raise AssertionError("a resumed search simulated a schedule again")
        return real(model, scenarios, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(search_module, "evaluate_scenarios", only_rest)
    again = optimize_schedule(model, single(), **SMALL, checkpoint=checkpoint, resume=True)
    assert again.summary() == first.summary()
    with pytest.raises(SimulationError, match="checkpoint of a different search"):
        optimize_schedule(
            model, single(), **{**SMALL, "seed": 5}, checkpoint=checkpoint, resume=True
        )


def test_an_ensemble_scores_each_schedule_on_every_member(model: Model) -> None:
    from mbaxis.analysis.ensembles import Ensemble

    ensemble = Ensemble(
        ("low", "mid", "high"),
        ("exercise_gh__emax",),
        np.array([[25.0], [50.0], [100.0]]),
        np.array([0.25, 0.5, 0.25]),
    )
    result = optimize_schedule(
        model, single(ensemble=ensemble), **{**SMALL, "protocols": ("sprint", "aerobic")}
    )
    best = result.ranked()[0]
    assert best.values.shape == (3,)
    assert best.score == pytest.approx(best.values[1])  # the weighted median is the middle one
    row = result.best()[0]
    assert row["p05"] <= row["value"] <= row["p95"]
    chance = result.beats_runner_up()
    second = result.distinct()[1]
    assert chance == pytest.approx(float(ensemble.weights[best.values > second.values].sum()))


def test_the_paths_a_sprint_plan_rests_on_start_at_its_inputs(model: Model) -> None:
    schedule = decode([_index("sprint"), 3, 0.5, 0.5, 0], PROTOCOLS)
    paths, shares = carrying_paths(model, schedule, READOUT, "mean", 1.0)
    assert paths, "a sprint plan that raises Bdnf must run through some path"
    assert all(p.nodes[0].startswith("muscle__") and p.nodes[-1] == READOUT for p in paths)
    for path in paths:  # a path carries the effect as strongly as its weakest edge
        links = [shares[f"{a} -> {b}"] for a, b in zip(path.nodes, path.nodes[1:], strict=False)]
        assert path.share == pytest.approx(min(links)) and path.share > 0.05


def test_every_searched_protocol_has_a_reason() -> None:
    assert all(space.reason.startswith("assumed:") for space in SEARCH_SPACE.values())


def test_rescoring_on_the_same_cohort_gives_the_same_scores(
    model: Model, small_search: search_module.SearchResult
) -> None:
    again = search_module.rescore(model, small_search, single(), count=2)
    for candidate in small_search.distinct()[:2]:
        assert again.candidates[candidate.schedule.key()].score == candidate.score
    assert np.array_equal(again.rest, small_search.rest)


def test_the_best_list_shows_one_schedule_of_each_shape(
    small_search: search_module.SearchResult,
) -> None:
    shapes = [c.schedule.shape() for c in small_search.distinct()]
    assert len(shapes) == len(set(shapes))
    best = small_search.best()
    assert best[0]["value"] == small_search.ranked()[0].score  # the very best stays first
    assert len({"; ".join(row["schedule"]) for row in best}) == len(best)
