"""``mbaxis population``: a virtual population's responses to a protocol, and their figures.

Files in the output folder (``--out DIR``), each written atomically:

``population.json``
    the summary (CONTRACT section 5): the response's median and 5-95% band, the responder
    fraction, and both per stratum (sex, age band, training status, Val66Met genotype,
    menopause among women);
``people.tsv``
    one row per person: covariates, the ensemble member, the statistic at rest and under the
    protocol, the response and whether they responded;
``strata.tsv``
    the strata of the summary as a table;
``responses.png``
    the distribution of the response in every stratum;
``responders.png``
    the responder fraction by covariate level.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.axes import Axes

from mbaxis.analysis.population.responses import STRATA, PopulationResult
from mbaxis.files import finite_json, save_figure, write_text_atomically

__all__ = [
    "plot_responders",
    "plot_response_distributions",
    "population_command",
    "write_population",
]

#: Labels of the strata in figures.
STRATUM_NAMES = {
    "sex": "sex",
    "age_band": "age (years)",
    "training_status": "training status",
    "bdnf_val66met": "BDNF Val66Met",
    "menopause": "post-menopausal (women)",
}


def population_command(args: argparse.Namespace) -> int:
    from mbaxis.analysis.calibration.problem import bundled_fit_path
    from mbaxis.analysis.ensembles import load_ensemble
    from mbaxis.analysis.errors import CovariateError, ProtocolError
    from mbaxis.analysis.executor import cpu_count
    from mbaxis.analysis.population import (
        check_representable,
        load_covariates,
        population_responses,
        sample_population,
    )
    from mbaxis.analysis.protocols import parse_protocol
    from mbaxis.network import load_model

    if args.n < 1:
        raise CovariateError(f"--n must be at least 1; got {args.n}")
    if args.resume and not args.out:
        raise ProtocolError(
            "--resume needs --out: the runs stream to DIR/.population.partial.jsonl"
        )
    model = load_model(args.model)
    protocols = [parse_protocol(text) for text in args.protocol]
    covariates = load_covariates(args.covariates)
    check_representable(model, covariates)
    ensemble_path = args.ensemble or str(bundled_fit_path() / "ensemble.csv")
    ensemble = None if ensemble_path == "none" else load_ensemble(ensemble_path, model)
    cohort = sample_population(covariates, args.n, args.seed, ensemble)
    checkpoint = Path(f"{args.out}.partial.jsonl") if args.out else None
    if checkpoint is not None:
        checkpoint.parent.mkdir(parents=True, exist_ok=True)
    result = population_responses(
        model,
        cohort,
        protocols,
        readout=args.readout,
        statistic=args.statistic,
        window=tuple(args.window) if args.window else None,
        responder_threshold=args.responder_threshold,
        covariates=covariates,
        seed=args.seed,
        jobs=args.jobs if args.jobs is not None else cpu_count(),
        checkpoint=checkpoint,
        resume=args.resume,
        progress=not args.no_progress,
        scheduler=args.scheduler,
    )
    summary = {
        **result.summary(),
        "covariates": covariates.path if args.covariates else "bundled",
        "ensemble": ensemble_path if ensemble is not None else None,
    }
    if args.out:
        write_population(result, summary, Path(args.out))
        if checkpoint is not None:
            checkpoint.unlink(missing_ok=True)
    if args.json:
        sys.stdout.write(json.dumps(finite_json(summary), indent=1) + "\n")
    else:
        print(_text(summary))
    return 0


def _text(summary: dict[str, Any]) -> str:
    lines = [
        f"{summary['n']} people, {summary['protocol']}: {summary['statistic']} of "
        f"{summary['readout']} against rest",
        f"response median {summary['median']:+.1%} (5-95%: {summary['p05']:+.1%} to "
        f"{summary['p95']:+.1%}); responders (> {summary['responder_threshold']:.0%}): "
        f"{summary['responder_fraction']:.0%}",
    ]
    for row in summary["strata"]:
        lines.append(
            f"  {row['covariate']:16} {row['level']:14} n={row['n']:5d}  median "
            f"{row['median']:+.1%}  5-95% {row['p05']:+.1%} to {row['p95']:+.1%}  responders "
            f"{row['responder_fraction']:.0%}"
        )
    return "\n".join(lines)


def write_population(result: PopulationResult, summary: dict[str, Any], folder: Path) -> None:
    """Every file of the module docstring, each atomically."""
    write_text_atomically(
        folder / "population.json", json.dumps(finite_json(summary), indent=1) + "\n"
    )
    write_text_atomically(folder / "people.tsv", result.people.to_csv(sep="\t", index=False))
    write_text_atomically(folder / "strata.tsv", result.strata().to_csv(sep="\t", index=False))
    save_figure(
        folder / "responses.png", (11, 6), lambda ax: plot_response_distributions(result, ax)
    )
    save_figure(folder / "responders.png", (9, 5), lambda ax: plot_responders(result, ax))


def _groups(result: PopulationResult) -> list[tuple[str, str, np.ndarray]]:
    people = result.people[result.people["error"] == ""]
    groups = []
    for covariate in STRATA:
        column = people[covariate]
        if covariate == "menopause":
            column = column[people["sex"] == "female"]
        for level in sorted(column.unique(), key=str):
            rows = people.loc[column.index[column == level]]
            label = ("yes" if level else "no") if isinstance(level, bool | np.bool_) else level
            groups.append((covariate, str(label), rows["response"].to_numpy(dtype=float)))
    return groups


def plot_response_distributions(result: PopulationResult, ax: Axes) -> Axes:
    """The response of every stratum as a box (median, quartiles, 5-95% whiskers) with the
    people as points, and the responder threshold as a line."""
    groups = _groups(result)
    positions, colours = [], []
    palette = ["#264653", "#2a9d8f", "#e9c46a", "#f4a261", "#e76f51"]
    x = 0.0
    ticks: list[tuple[float, str]] = []
    for index, covariate in enumerate(STRATA):
        members = [g for g in groups if g[0] == covariate]
        if not members:
            continue
        for _, level, values in members:
            positions.append(x)
            colours.append(palette[index % len(palette)])
            ticks.append((x, f"{level}\n(n={len(values)})"))
            x += 1.0
        x += 0.6
    data = [100 * g[2] for g in groups]
    boxes = ax.boxplot(
        data, positions=positions, widths=0.6, whis=(5, 95), showfliers=False, patch_artist=True
    )
    for patch, colour in zip(boxes["boxes"], colours, strict=True):
        patch.set_facecolor(colour)
        patch.set_alpha(0.45)
    rng = np.random.default_rng(0)  # jitter only: the points' order says nothing
    for position, values, colour in zip(positions, data, colours, strict=True):
        ax.scatter(
            position + rng.uniform(-0.2, 0.2, len(values)),
            values,
            s=4,
            alpha=0.35,
            color=colour,
            linewidths=0,
        )
    ax.axhline(100 * result.responder_threshold, color="#c1121f", linestyle="--", linewidth=1)
    ax.set_xticks([t[0] for t in ticks], [t[1] for t in ticks], fontsize=7)
    ax.set_ylabel(
        f"response: {result.statistic} of {result.readout}\nvs the same person at rest (%)"
    )
    ax.set_title(
        f"{result.protocol}: responses by stratum ({len(result.people)} people; dashed: the "
        f"responder threshold)",
        fontsize=10,
        pad=20,
    )
    _label_strata(ax, groups, positions)
    return ax


def _label_strata(
    ax: Axes, groups: list[tuple[str, str, np.ndarray]], positions: list[float]
) -> None:
    for covariate in STRATA:
        xs = [p for g, p in zip(groups, positions, strict=True) if g[0] == covariate]
        if xs:
            ax.annotate(
                STRATUM_NAMES[covariate],
                xy=(sum(xs) / len(xs), 1.0),
                xycoords=("data", "axes fraction"),
                ha="center",
                va="bottom",
                fontsize=8,
                color="#555555",
            )


def plot_responders(result: PopulationResult, ax: Axes) -> Axes:
    """The responder fraction per covariate level (bars) beside the whole population's."""
    strata = result.strata()
    overall = float(result.people.loc[result.people["error"] == "", "responder"].mean())
    labels = [
        f"{STRATUM_NAMES[str(covariate)]}: {level}"
        for covariate, level in zip(strata["covariate"], strata["level"], strict=True)
    ]
    ax.barh(range(len(strata)), 100 * strata["responder_fraction"], color="#2a9d8f")
    ax.axvline(100 * overall, color="#264653", linestyle=":", label=f"all: {overall:.0%}")
    ax.set_yticks(range(len(strata)), labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel(f"responders: response above {result.responder_threshold:.0%} (%)")
    ax.set_title(f"{result.protocol}: responders by covariate", fontsize=10)
    ax.legend(loc="lower right", fontsize=8)
    return ax
