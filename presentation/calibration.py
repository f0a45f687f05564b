"""What ``mbaxis calibrate`` writes: the summary (CONTRACT section 5), tables and plots of a fit.

Files in the output folder, each written atomically:

``calibration.json``
    the summary: datasets, points, starts, best objective, and per parameter the value, its 95%
    profile-likelihood interval and whether it is identifiable;
``starts.tsv``
    every start's final negative log-likelihood, sorted (the waterfall);
``fitted_parameters.tsv``
    the best values with intervals, bounds and the studies that informed them;
``fits.tsv``
    every published mean beside the fitted model's value (scaled), per dataset;
``ensemble.csv``
    posterior samples of the estimated parameters (CONTRACT section 7), for ``--ensemble``;
``waterfall.png``, ``fits.png``, ``profiles.png``
    the plots.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from mbaxis.analysis.calibration.fitting import CalibrationResult, ParameterEstimate
from mbaxis.analysis.calibration.objective import Objective
from mbaxis.analysis.ensembles import Ensemble, ensemble_csv
from mbaxis.files import write_atomically, write_text_atomically

__all__ = ["calibration_summary", "write_calibration"]


def calibration_summary(
    result: CalibrationResult, estimates: tuple[ParameterEstimate, ...], wall_time_s: float
) -> dict[str, Any]:
    """The JSON summary of a fit (CONTRACT section 5, ``mbaxis calibrate --json``)."""
    problem = result.problem
    return {
        "datasets": len(problem.datasets),
        "points": problem.points,
        "studies": len(problem.studies),
        "starts": len(result.starts),
        "seed": result.seed,
        "best_objective": result.best.cost,
        "converged_starts": result.converged(),
        "wall_time_s": round(wall_time_s, 1),
        "parameters": [
            {
                "id": e.id,
                "value": e.value,
                "lower": e.lower,
                "upper": e.upper,
                "identifiable": e.identifiable,
                "bounds": [e.bound_low, e.bound_high],
            }
            for e in estimates
        ],
    }


def _fits_table(result: CalibrationResult, objective: Objective) -> str:
    fit = objective.fit(result.best.x)
    lines = ["datasetId\tstudyId\treadout\ttime_min\tmeasurement\tsem\tmodel\tscale"]
    for dataset in result.problem.datasets:
        predicted = fit.predictions[dataset.id]
        for time, value, sigma, model in zip(
            dataset.times, dataset.values, dataset.sigmas, predicted, strict=True
        ):
            lines.append(
                f"{dataset.id}\t{dataset.study}\t{dataset.readout}\t{time:g}\t{value:.6g}"
                f"\t{sigma:.6g}\t{model:.6g}\t{fit.scales[dataset.id]:.6g}"
            )
    return "\n".join(lines) + "\n"


def _plot_waterfall(result: CalibrationResult, path: Path) -> None:
    import matplotlib.pyplot as plt

    costs = np.array([s.cost for s in result.starts])
    figure, axes = plt.subplots(figsize=(7, 4.5))
    axes.plot(np.arange(1, len(costs) + 1), costs - costs[0] + 1, "o-", markersize=3)
    axes.set_yscale("log")
    axes.set_xlabel("start, sorted by final objective")
    axes.set_ylabel("objective - best + 1 (negative log-likelihood)")
    axes.set_title(
        f"Waterfall: {result.converged()} of {len(costs)} starts reach the best fit (within 0.1)"
    )
    figure.tight_layout()
    write_atomically(path, lambda tmp: figure.savefig(tmp, dpi=120, format="png"))
    plt.close(figure)


def _plot_fits(result: CalibrationResult, objective: Objective, path: Path) -> None:
    import matplotlib.pyplot as plt

    fit = objective.fit(result.best.x)
    datasets = result.problem.datasets
    columns = 4
    rows = math.ceil(len(datasets) / columns)
    figure, grid = plt.subplots(rows, columns, figsize=(4 * columns, 2.8 * rows), squeeze=False)
    for axes, dataset in zip(grid.flat, datasets, strict=False):
        hours = dataset.times / 60.0
        axes.errorbar(hours, dataset.values, yerr=dataset.sigmas, fmt="o", color="k", ms=4)
        axes.plot(hours, fit.predictions[dataset.id], "s-", color="tab:red", ms=3)
        axes.set_title(f"{dataset.study}\n{dataset.readout}", fontsize=8)
        axes.set_xlabel("hours", fontsize=8)
        axes.tick_params(labelsize=7)
    for axes in list(grid.flat)[len(datasets) :]:
        axes.axis("off")
    figure.suptitle("Published means (black, standard errors) and the fitted model (red)")
    figure.tight_layout()
    write_atomically(path, lambda tmp: figure.savefig(tmp, dpi=100, format="png"))
    plt.close(figure)


def _plot_profiles(estimates: tuple[ParameterEstimate, ...], threshold: float, path: Path) -> None:
    import matplotlib.pyplot as plt

    columns = 4
    rows = max(1, math.ceil(len(estimates) / columns))
    figure, grid = plt.subplots(rows, columns, figsize=(4 * columns, 3 * rows), squeeze=False)
    for axes, estimate in zip(grid.flat, estimates, strict=False):
        if estimate.profile:
            xs, rises = zip(*estimate.profile, strict=True)
            axes.plot(xs, rises, "-", color="tab:blue")
        axes.axhline(threshold, color="grey", linestyle="--", linewidth=1)
        axes.axvline(estimate.value, color="tab:red", linewidth=1)
        axes.set_xscale("log")
        axes.set_xlim(estimate.bound_low, estimate.bound_high)
        axes.set_ylim(0, 3 * threshold)
        verdict = "identifiable" if estimate.identifiable else "not identifiable"
        axes.set_title(f"{estimate.id}\n{verdict}", fontsize=8)
        axes.tick_params(labelsize=7)
    for axes in list(grid.flat)[len(estimates) :]:
        axes.axis("off")
    figure.suptitle("Profile likelihoods (rise of the objective; dashed: 95% threshold)")
    figure.tight_layout()
    write_atomically(path, lambda tmp: figure.savefig(tmp, dpi=100, format="png"))
    plt.close(figure)


def write_calibration(
    folder: str | Path,
    result: CalibrationResult,
    estimates: tuple[ParameterEstimate, ...],
    objective: Objective,
    summary: dict[str, Any],
    ensemble: Ensemble | None = None,
) -> list[Path]:
    """Write the tables and plots of a fit into ``folder``; returns the paths."""
    import json

    from scipy.stats import chi2

    from mbaxis.analysis.calibration.fitting import CONFIDENCE

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    studies = ", ".join(result.problem.studies)
    starts = ["start\tobjective\tevaluations\tmessage"] + [
        f"{s.index}\t{s.cost:.10g}\t{s.evaluations}\t{(s.message.splitlines() or [''])[0]}"
        for s in result.starts
    ]
    parameters = [
        "parameterId\tvalue\tlower95\tupper95\tidentifiable\tlowerBound\tupperBound\tstudies"
    ]
    parameters += [
        f"{e.id}\t{e.value:.6g}\t{e.lower:.6g}\t{e.upper:.6g}\t{str(e.identifiable).lower()}"
        f"\t{e.bound_low:g}\t{e.bound_high:g}\t{studies}"
        for e in estimates
    ]
    paths = {
        "calibration.json": json.dumps(summary, indent=1) + "\n",
        **({"ensemble.csv": ensemble_csv(ensemble)} if ensemble is not None else {}),
        "starts.tsv": "\n".join(starts) + "\n",
        "fitted_parameters.tsv": "\n".join(parameters) + "\n",
        "fits.tsv": _fits_table(result, objective),
    }
    written = []
    for name, text in paths.items():
        write_text_atomically(folder / name, text)
        written.append(folder / name)
    _plot_waterfall(result, folder / "waterfall.png")
    _plot_fits(result, objective, folder / "fits.png")
    _plot_profiles(estimates, chi2.ppf(CONFIDENCE, df=1) / 2, folder / "profiles.png")
    written += [folder / n for n in ("waterfall.png", "fits.png", "profiles.png")]
    rows = summary.get("cross_validation")
    if rows:
        lines = ["study\tpoints\tin_sample\tleft_out\tratio\toverfitted"] + [
            f"{r['study']}\t{r['points']}\t{r['in_sample']:.4g}\t{r['left_out']:.4g}"
            f"\t{r['ratio']:.3g}\t{str(r['overfitted']).lower()}"
            for r in rows
        ]
        write_text_atomically(folder / "cross_validation.tsv", "\n".join(lines) + "\n")
        _plot_cross_validation(rows, folder / "cross_validation.png")
        written += [folder / "cross_validation.tsv", folder / "cross_validation.png"]
    return written


def _plot_cross_validation(rows: list[dict[str, Any]], path: Path) -> None:
    import matplotlib.pyplot as plt

    studies = [r["study"] for r in rows]
    positions = np.arange(len(studies))
    figure, axes = plt.subplots(figsize=(max(6.0, 1.1 * len(studies)), 4.5))
    axes.bar(positions - 0.2, [r["in_sample"] for r in rows], 0.4, label="fitted with it")
    axes.bar(positions + 0.2, [r["left_out"] for r in rows], 0.4, label="left out, predicted")
    axes.set_yscale("log")
    axes.set_xticks(positions, studies, rotation=35, ha="right", fontsize=8)
    axes.set_ylabel("chi-square per point")
    axes.set_title("Leave-one-study-out: each study fitted and predicted")
    axes.legend()
    figure.tight_layout()
    write_atomically(path, lambda tmp: figure.savefig(tmp, dpi=110, format="png"))
    plt.close(figure)
