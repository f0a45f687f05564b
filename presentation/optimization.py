"""``mbaxis optimize``: the weekly schedule that raises a readout most, and its figures.

Files in the output folder (``--out DIR``), each written atomically:

``optimize.json``
    the summary (CONTRACT section 5): the best schedules with their value (the median over
    the cohort) and 5-95% band, how likely the best beats the runner-up, the Pareto front of
    effect against minutes a week, the convergence, and the signed paths the best schedule's
    effect runs through;
``schedules.tsv``
    every distinct schedule the search scored;
``convergence.png``
    the best value found against the schedules evaluated;
``pareto.png``
    every schedule scored, effect against minutes a week, with the front drawn through.

The optimum is the model's: it can only use the mechanisms the model has, at the strengths
the tables give them; the summary names the paths it rests on.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from mbaxis.analysis.optimization.search import SearchResult
from mbaxis.files import finite_json, save_figure, write_text_atomically

__all__ = ["optimize_command", "plot_convergence", "plot_pareto", "write_optimization"]

#: What the output says of every optimum.
CAVEAT = (
    "the optimum is the model's: it rests on the mechanisms the model has, at the strengths its "
    "tables give them (the paths below), not on a trial that compared these schedules"
)


def optimize_command(args: argparse.Namespace) -> int:
    from mbaxis.analysis.ensembles import load_ensemble
    from mbaxis.analysis.errors import OptimizationError
    from mbaxis.analysis.executor import cpu_count
    from mbaxis.analysis.optimization import optimize_schedule
    from mbaxis.analysis.optimization.mechanisms import carrying_paths
    from mbaxis.analysis.optimization.search import SEARCH_SETTINGS
    from mbaxis.analysis.population import (
        Cohort,
        check_representable,
        load_covariates,
        sample_population,
        single,
    )
    from mbaxis.analysis.subjects import REFERENCE_SUBJECT, parse_subject
    from mbaxis.network import load_model

    if args.resume and not args.out:
        raise OptimizationError(
            "--resume needs --out: the scores stream to DIR.partial.jsonl"
        )
    if args.members < 1:
        raise OptimizationError(f"--members must be at least 1; got {args.members}")
    if args.population is not None and args.subject:
        raise OptimizationError("--population and --subject exclude each other")
    model = load_model(args.model)
    subject = parse_subject(args.subject) if args.subject else REFERENCE_SUBJECT
    ensemble = load_ensemble(args.ensemble, model) if args.ensemble else None
    if ensemble is not None and args.members < len(ensemble):
        ensemble = _subsample(ensemble, args.members, args.seed)
    cohort: Cohort
    if args.population is not None:
        covariates = load_covariates(args.covariates)
        check_representable(model, covariates)
        cohort = sample_population(covariates, args.population, args.seed, ensemble)
    else:
        cohort = single(subject, ensemble)
    protocols = tuple(p.strip() for p in args.protocols.split(",") if p.strip())
    jobs = args.jobs if args.jobs is not None else cpu_count()
    checkpoint = Path(f"{args.out}.partial.jsonl") if args.out else None
    if checkpoint is not None:
        checkpoint.parent.mkdir(parents=True, exist_ok=True)
    result = optimize_schedule(
        model,
        cohort,
        readout=args.readout,
        statistic=args.statistic,
        budget_min_per_week=args.budget_min_per_week,
        weeks=args.weeks,
        protocols=protocols,
        slots=args.slots,
        evaluations=args.evaluations,
        seed=args.seed,
        jobs=jobs,
        scheduler=args.scheduler,
        checkpoint=checkpoint,
        resume=args.resume,
        progress=not args.no_progress,
    )
    summary = result.summary()
    summary["subject"] = (
        "a virtual population" if args.population is not None else subject.to_mapping()
    )
    summary["caveat"] = CAVEAT
    ranked = result.distinct()
    if ranked and not args.no_mechanisms:
        paths, shares = carrying_paths(
            model,
            ranked[0].schedule,
            args.readout,
            args.statistic,
            args.weeks,
            subject=subject,
            jobs=jobs,
            settings=SEARCH_SETTINGS,
        )
        summary["mechanisms"] = {
            "what": "signed paths from the best schedule's inputs to the readout whose every "
            "edge, blocked, removes more than 5% of its effect (share: the weakest edge's), in "
            + ("the reference subject" if args.population is not None else "the subject")
            + " with the tables' parameters",
            "paths": [p.to_json() for p in paths[:10]],
            "edges": dict(sorted(shares.items(), key=lambda kv: -kv[1])),
        }
    if args.out:
        write_optimization(result, summary, Path(args.out))
        if checkpoint is not None:
            checkpoint.unlink(missing_ok=True)
    if args.json:
        sys.stdout.write(json.dumps(finite_json(summary), indent=1) + "\n")
    else:
        print(_text(summary))
    return 0


def _subsample(ensemble: Any, members: int, seed: int) -> Any:
    """``members`` of the ensemble drawn at ``seed`` without replacement, weighted equally
    (they were drawn by weight)."""
    from mbaxis.analysis.ensembles import Ensemble

    rng = np.random.default_rng(seed)
    picks = np.sort(rng.choice(len(ensemble), size=members, replace=False, p=ensemble.weights))
    return Ensemble(
        tuple(ensemble.members[i] for i in picks),
        ensemble.parameters,
        ensemble.values[picks],
        np.full(members, 1.0 / members),
    )


def _text(summary: dict[str, Any]) -> str:
    lines = [
        f"{summary['evaluations']} schedules evaluated ({summary['schedules_simulated']} "
        f"distinct) for the {summary['statistic']} of {summary['readout']} over "
        f"{summary['weeks']:g} weeks within {summary['budget_min_per_week']:g} min/week; "
        f"at rest {summary['rest']['value']:.4g}",
    ]
    for rank, best in enumerate(summary["best"], start=1):
        lines.append(
            f"{rank}. {best['value']:.4g} ({best['relative_change']:+.1%}), "
            f"{best['minutes_per_week']:g} min/week: " + "; ".join(best["schedule"])
        )
    if summary.get("probability_best_beats_runner_up") is not None:
        lines.append(
            f"the best beats the runner-up in {summary['probability_best_beats_runner_up']:.0%}"
            " of the cohort"
        )
    for path in summary.get("mechanisms", {}).get("paths", [])[:5]:
        lines.append(f"  carried by ({path['share']:.0%}): " + " -> ".join(path["nodes"]))
    lines.append(f"note: {summary['caveat']}")
    return "\n".join(lines)


def schedules_table(result: SearchResult) -> pd.DataFrame:
    """Every distinct schedule scored, best first."""
    weights = result.cohort.weights
    rows = []
    for candidate in sorted(
        result.candidates.values(), key=lambda c: -np.nan_to_num(c.score, nan=-np.inf)
    ):
        row = candidate.describe(weights, result.rest, result.weeks)
        rows.append(
            {
                "value": row["value"],
                "p05": row["p05"],
                "p95": row["p95"],
                "relative_change": row["relative_change"],
                "minutes_per_week": row["minutes_per_week"],
                "generation": row["generation"],
                "schedule": "; ".join(row["schedule"]),
                "error": candidate.error,
            }
        )
    return pd.DataFrame(rows)


def write_optimization(result: SearchResult, summary: dict[str, Any], folder: Path) -> None:
    """Every file of the module docstring, each atomically."""
    write_text_atomically(
        folder / "optimize.json", json.dumps(finite_json(summary), indent=1) + "\n"
    )
    write_text_atomically(
        folder / "schedules.tsv", schedules_table(result).to_csv(sep="\t", index=False)
    )
    save_figure(folder / "convergence.png", (7, 4.5), lambda ax: plot_convergence(result, ax))
    save_figure(folder / "pareto.png", (8, 5.5), lambda ax: plot_pareto(result, ax))


def plot_convergence(result: SearchResult, ax: Axes) -> Axes:
    """The best value found so far against the schedules evaluated, generation by generation."""
    evaluations = [row["evaluations"] for row in result.convergence]
    best = [row["best_value"] for row in result.convergence]
    ax.step(evaluations, best, where="post", color="#264653")
    ax.plot(evaluations, best, "o", markersize=3, color="#264653")
    rest = float(np.median(result.rest))
    ax.axhline(rest, color="#999999", linestyle=":", label=f"at rest ({rest:.3g})")
    ax.set_xlabel("schedules evaluated")
    ax.set_ylabel(f"best {result.statistic} of {result.readout}")
    ax.set_title(
        f"differential evolution, seed {result.seed}: {result.weeks:g} weeks, "
        f"budget {result.budget_min_per_week:g} min/week",
        fontsize=10,
    )
    ax.legend(fontsize=8)
    return ax


def plot_pareto(result: SearchResult, ax: Axes) -> Axes:
    """Every schedule scored (effect against minutes a week) and the Pareto front."""
    candidates = [c for c in result.candidates.values() if np.isfinite(c.score)]
    ax.scatter(
        [c.schedule.minutes_per_week for c in candidates],
        [c.score for c in candidates],
        s=8,
        alpha=0.35,
        color="#8ecae6",
        label="schedules scored",
    )
    front = result.pareto_front()
    minutes = [row["minutes_per_week"] for row in front]
    values = [row["value"] for row in front]
    ax.step(minutes, values, where="post", color="#e76f51", label="Pareto front")
    ax.plot(minutes, values, "o", color="#e76f51", markersize=4)
    if front:
        best = front[-1]
        ax.annotate(
            "\n".join(best["schedule"]),
            xy=(best["minutes_per_week"], best["value"]),
            xytext=(-10, -30),
            textcoords="offset points",
            ha="right",
            fontsize=7,
            arrowprops={"arrowstyle": "-", "color": "#999999"},
        )
    ax.axvline(result.budget_min_per_week, color="#999999", linestyle="--", label="budget")
    ax.set_xlabel("minutes a week (exercise and heat)")
    ax.set_ylabel(f"{result.statistic} of {result.readout} over {result.weeks:g} weeks")
    ax.set_title("effect against time: every schedule scored and the front", fontsize=10)
    ax.legend(fontsize=8, loc="lower right")
    return ax
