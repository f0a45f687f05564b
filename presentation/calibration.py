"""What ``mbaxis calibrate`` writes, and the figures drawn from it.

Files in the output folder, each written atomically:

``calibration.json``
    the summary (CONTRACT section 5): datasets, points, starts, best objective, and per
    parameter the value, its 95% profile-likelihood interval and whether it is identifiable;
``starts.tsv``
    every start's final negative log-likelihood, sorted (the waterfall);
``fitted_parameters.tsv``
    the best values with intervals, bounds and the studies that informed them;
``profiles.tsv``
    each parameter's profile: value and rise of the objective above the best;
``fits.tsv``
    every published mean beside the fitted model's value (scaled), per dataset;
``curves.tsv``
    the fitted model's time course of every dataset on a fine grid (scaled), for the figure;
``cross_validation.tsv``
    with ``--cross-validate``: chi-square per point of each study fitted and left out;
``ensemble.csv``
    posterior samples of the estimated parameters (CONTRACT section 7), for ``--ensemble``;
``waterfall.png``, ``fits.png``, ``profiles.png`` (and ``cross_validation.png``)
    the figures, drawn from the tables above (the report draws the same from the committed fit).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from scipy.stats import chi2

from mbaxis.analysis.calibration.fitting import CONFIDENCE, CalibrationResult, ParameterEstimate
from mbaxis.analysis.calibration.objective import Objective
from mbaxis.analysis.ensembles import Ensemble, ensemble_csv
from mbaxis.files import write_atomically, write_text_atomically

__all__ = [
    "calibration_summary",
    "cross_validation_figure",
    "fits_figure",
    "profiles_figure",
    "read_tsv",
    "waterfall_figure",
    "write_calibration",
]

#: The rise of the negative log-likelihood that bounds a 95% profile interval.
THRESHOLD = float(chi2.ppf(CONFIDENCE, df=1) / 2)


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


def read_tsv(path: Path) -> pd.DataFrame:
    """A table written here (tab-separated, with a header)."""
    return pd.read_csv(path, sep="\t")


def _tsv(table: pd.DataFrame) -> str:
    return str(table.to_csv(sep="\t", index=False, float_format="%.6g"))


def _tables(
    result: CalibrationResult, estimates: tuple[ParameterEstimate, ...], objective: Objective
) -> dict[str, pd.DataFrame]:
    fit = objective.fit(result.best.x)
    studies = ", ".join(result.problem.studies)
    starts = pd.DataFrame(
        {
            "start": [s.index for s in result.starts],
            "objective": [s.cost for s in result.starts],
            "evaluations": [s.evaluations for s in result.starts],
            "message": [(s.message.splitlines() or [""])[0] for s in result.starts],
        }
    )
    parameters = pd.DataFrame(
        {
            "parameterId": [e.id for e in estimates],
            "value": [e.value for e in estimates],
            "lower95": [e.lower for e in estimates],
            "upper95": [e.upper for e in estimates],
            "identifiable": [str(e.identifiable).lower() for e in estimates],
            "lowerBound": [e.bound_low for e in estimates],
            "upperBound": [e.bound_high for e in estimates],
            "studies": [studies] * len(estimates),
        }
    )
    profiles = pd.DataFrame(
        [(e.id, v, r) for e in estimates for v, r in e.profile],
        columns=["parameterId", "value", "rise"],
    )
    rows = []
    for dataset in result.problem.datasets:
        for time, value, sigma, model in zip(
            dataset.times, dataset.values, dataset.sigmas, fit.predictions[dataset.id], strict=True
        ):
            rows.append(
                (dataset.id, dataset.study, dataset.readout, time, value, sigma, model,
                 fit.scales[dataset.id])
            )  # fmt: skip
    fits = pd.DataFrame(
        rows,
        columns=["datasetId", "studyId", "readout", "time_min", "measurement", "sem", "model",
                 "scale"],
    )  # fmt: skip
    curves = pd.DataFrame(
        [
            (dataset, time, value)
            for dataset, (times, values) in objective.curves(result.best.x).items()
            for time, value in zip(times, values, strict=True)
        ],
        columns=["datasetId", "time_min", "model"],
    )
    return {
        "starts.tsv": starts,
        "fitted_parameters.tsv": parameters,
        "profiles.tsv": profiles,
        "fits.tsv": fits,
        "curves.tsv": curves,
    }


def waterfall_figure(starts: pd.DataFrame) -> Figure:
    """Final objective of every start, sorted: a flat first step means the best fit was
    found more than once."""
    costs = np.sort(starts["objective"].to_numpy(dtype=float))
    reached = int(np.sum(costs - costs[0] <= 0.1))
    figure = Figure(figsize=(7, 4.5))
    axes = figure.subplots()
    axes.plot(np.arange(1, len(costs) + 1), costs - costs[0] + 1, "o-", markersize=3)
    axes.set_yscale("log")
    axes.set_xlabel("start, sorted by final objective")
    axes.set_ylabel("objective - best + 1 (negative log-likelihood)")
    axes.set_title(f"Waterfall: {reached} of {len(costs)} starts reach the best fit (within 0.1)")
    figure.tight_layout()
    return figure


def _time_axis(minutes: float) -> tuple[float, str]:
    """A unit that suits a time course's length: minutes, hours or days."""
    if minutes <= 180:
        return 1.0, "minutes"
    if minutes <= 72 * 60:
        return 60.0, "hours"
    return 1440.0, "days"


def fits_figure(fits: pd.DataFrame, curves: pd.DataFrame | None = None) -> Figure:
    """Every dataset: published means with standard errors, and the fitted model (its whole
    time course when ``curves`` is given, else its values at the published times)."""
    datasets = list(dict.fromkeys(fits["datasetId"]))
    columns = 4
    rows = math.ceil(len(datasets) / columns)
    figure = Figure(figsize=(4 * columns, 2.8 * rows))
    grid = figure.subplots(rows, columns, squeeze=False)
    for axes, dataset in zip(grid.flat, datasets, strict=False):
        part = fits[fits["datasetId"] == dataset]
        times = part["time_min"].to_numpy(dtype=float)
        divisor, unit = _time_axis(float(times.max()))
        axes.errorbar(
            times / divisor, part["measurement"], yerr=part["sem"], fmt="o", color="k", ms=4
        )
        if curves is not None and (curves["datasetId"] == dataset).any():
            line = curves[curves["datasetId"] == dataset]
            axes.plot(line["time_min"] / divisor, line["model"], "-", color="tab:red")
        else:
            axes.plot(times / divisor, part["model"], "s-", color="tab:red", ms=3)
        axes.set_title(f"{dataset}\n{part['readout'].iloc[0]}", fontsize=8)
        axes.set_xlabel(unit, fontsize=8)
        axes.tick_params(labelsize=7)
    for axes in list(grid.flat)[len(datasets) :]:
        axes.axis("off")
    figure.suptitle("Published means (black, standard errors) and the fitted model (red)")
    figure.tight_layout()
    return figure


def profiles_figure(profiles: pd.DataFrame, parameters: pd.DataFrame) -> Figure:
    """Profile likelihoods with the 95% threshold and the best value."""
    columns = 4
    rows = max(1, math.ceil(len(parameters) / columns))
    figure = Figure(figsize=(4 * columns, 3 * rows))
    grid = figure.subplots(rows, columns, squeeze=False)
    for axes, row in zip(grid.flat, parameters.to_dict("records"), strict=False):
        line = profiles[profiles["parameterId"] == row["parameterId"]].sort_values("value")
        axes.plot(line["value"], line["rise"], "-", color="tab:blue")
        axes.axhline(THRESHOLD, color="grey", linestyle="--", linewidth=1)
        axes.axvline(row["value"], color="tab:red", linewidth=1)
        axes.set_xscale("log")
        axes.set_xlim(row["lowerBound"], row["upperBound"])
        axes.set_ylim(0, 3 * THRESHOLD)
        verdict = "identifiable" if str(row["identifiable"]) == "true" else "not identifiable"
        axes.set_title(f"{row['parameterId']}\n{verdict}", fontsize=8)
        axes.tick_params(labelsize=7)
    for axes in list(grid.flat)[len(parameters) :]:
        axes.axis("off")
    figure.suptitle("Profile likelihoods (rise of the objective; dashed: 95% threshold)")
    figure.tight_layout()
    return figure


def cross_validation_figure(table: pd.DataFrame) -> Figure:
    """Chi-square per point of each study, fitted with it and predicted without it."""
    positions = np.arange(len(table))
    figure = Figure(figsize=(max(6.0, 1.1 * len(table)), 4.5))
    axes = figure.subplots()
    axes.bar(positions - 0.2, table["in_sample"], 0.4, label="fitted with it")
    axes.bar(positions + 0.2, table["left_out"], 0.4, label="left out, predicted")
    axes.set_yscale("log")
    axes.set_xticks(positions, table["study"], rotation=35, ha="right", fontsize=8)
    axes.set_ylabel("chi-square per point")
    axes.set_title("Leave-one-study-out: each study fitted and predicted")
    axes.legend()
    figure.tight_layout()
    return figure


def _png(figure: Figure, path: Path) -> None:
    write_atomically(path, lambda tmp: figure.savefig(tmp, dpi=110, format="png"))


def write_calibration(
    folder: str | Path,
    result: CalibrationResult,
    estimates: tuple[ParameterEstimate, ...],
    objective: Objective,
    summary: dict[str, Any],
    ensemble: Ensemble | None = None,
) -> list[Path]:
    """Write the tables and figures of a fit into ``folder``; returns the paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    tables = _tables(result, estimates, objective)
    cross = summary.get("cross_validation")
    if cross:
        tables["cross_validation.tsv"] = pd.DataFrame(cross)
    texts = {"calibration.json": json.dumps(summary, indent=1) + "\n"}
    texts.update({name: _tsv(table) for name, table in tables.items()})
    if ensemble is not None:
        texts["ensemble.csv"] = ensemble_csv(ensemble)
    written = []
    for name, text in texts.items():
        write_text_atomically(folder / name, text)
        written.append(folder / name)
    figures = {
        "waterfall.png": waterfall_figure(tables["starts.tsv"]),
        "fits.png": fits_figure(tables["fits.tsv"], tables["curves.tsv"]),
        "profiles.png": profiles_figure(tables["profiles.tsv"], tables["fitted_parameters.tsv"]),
    }
    if cross:
        figures["cross_validation.png"] = cross_validation_figure(tables["cross_validation.tsv"])
    for name, figure in figures.items():
        _png(figure, folder / name)
        written.append(folder / name)
    return written
