# ---
# jupyter:
#   jupytext:
#     formats: py:percent,ipynb
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 06 · Calibration with uncertainty
#
# The published time courses the model is fitted to are a PEtab problem
# (`analysis/data/calibration/`); `mbaxis calibrate` fits it from many starts with pyPESTO,
# profiles every parameter and samples a posterior ensemble. This notebook reads the committed
# fit (it does not refit): the data, how well the model meets them, what the data can and
# cannot decide, and what the remaining uncertainty does to a prediction.

# %%
import json

import matplotlib.pyplot as plt
import numpy as np

from mbaxis.analysis import parse_protocol
from mbaxis.analysis.calibration import (
    Objective,
    bundled_fit_path,
    bundled_problem_path,
    load_problem,
)
from mbaxis.analysis.ensembles import load_ensemble, simulate_ensemble
from mbaxis.calibration import fits_figure, profiles_figure, read_tsv, waterfall_figure
from mbaxis.network import load_model
from mbaxis.plots import plot_ensemble_timecourse

model = load_model()
problem = load_problem(bundled_problem_path(), model)
fit_folder = bundled_fit_path()
print(
    f"{problem.points} published means, {len(problem.datasets)} time courses, "
    f"{len(problem.studies)} studies; estimated: {', '.join(problem.estimated)}"
)

# %% [markdown]
# Every time course names its paper and the table or text its numbers are copied from.

# %%
read_tsv(problem.folder / "datasets.tsv")[["datasetId", "reference", "source", "population"]]

# %% [markdown]
# The objective is the negative log-likelihood of the published means, each with its standard
# error; each time course has its own scale (assays differ), found in closed form. At the
# tables' values and at the fit:

# %%
summary = json.loads((fit_folder / "calibration.json").read_text())
objective = Objective(problem, model)
at_tables = objective(np.log10(problem.nominal))
print(f"at the tables' values {at_tables:.2f}")
print(
    f"best objective {summary['best_objective']:.2f} from {summary['starts']} starts "
    f"({summary['converged_starts']} reach it)"
)

# %%
waterfall_figure(read_tsv(fit_folder / "starts.tsv"))

# %%
fits_figure(read_tsv(fit_folder / "fits.tsv"), read_tsv(fit_folder / "curves.tsv"))

# %% [markdown]
# Profile likelihoods: a parameter is identifiable when its profile rises above the 95%
# threshold (dashed) on both sides within the bounds of `parameters.tsv`. Only identifiable
# values went back into the tables (`source: fitted`).

# %%
parameters = read_tsv(fit_folder / "fitted_parameters.tsv")
profiles_figure(read_tsv(fit_folder / "profiles.tsv"), parameters)

# %%
parameters.drop(columns=["studies"])

# %% [markdown]
# The posterior ensemble (pyPESTO's adaptive Metropolis sampler from the best fit) carries the
# uncertainty into predictions: a 60-min run at 75% VO2max, median and 5-95% band. The same
# file works on the command line: `mbaxis simulate PROTOCOL --ensemble
# analysis/data/calibration/fit/ensemble.csv`.

# %%
ensemble = load_ensemble(fit_folder / "ensemble.csv", model)
bands = simulate_ensemble(
    model,
    ensemble,
    [parse_protocol("aerobic(duration_min=60,intensity=0.75)")],
    columns=["plasma__lactate", "plasma__ACTH", "plasma__IL6"],
)
fig, ax = plt.subplots(figsize=(9, 5))
plot_ensemble_timecourse(bands, ["plasma__lactate", "plasma__ACTH", "plasma__IL6"], ax=ax)

# %% [markdown]
# ## The problem for other tools
#
# `mbaxis export petab --out DIR` (or `export_petab` below) writes the problem so that a PEtab
# tool needs nothing of ours: every condition's protocols are SBML events gated by one parameter
# per condition, a subject is the parameters it changes, and every measurement starts from a
# preequilibration condition (the subject at rest). Here roadrunner runs one condition from the
# exported files alone, as a PEtab tool would, and meets `mbaxis`'s own numbers.

# %%
import tempfile
from pathlib import Path

import pandas as pd
import roadrunner

from mbaxis.analysis.calibration.export import export_petab

folder = Path(tempfile.mkdtemp())
export_petab(problem, model, folder)
conditions = pd.read_csv(folder / "conditions.tsv", sep="\t", index_col=0)
measurements = pd.read_csv(folder / "measurements.tsv", sep="\t")
dataset = problem.datasets[0]
rows = measurements[measurements["datasetId"] == dataset.id]
rest, condition = rows.iloc[0][["preequilibrationConditionId", "simulationConditionId"]]

runner = roadrunner.RoadRunner(str(folder / "model.xml"))
species = set(runner.model.getFloatingSpeciesIds())


def apply(row: pd.Series) -> None:
    """A PEtab condition: parameters first, then species' initial values where given."""
    values = row.drop("conditionName").dropna()
    runner.setValues({k: float(v) for k, v in values.items() if k not in species})
    runner.setValues({k: float(v) for k, v in values.items() if k in species})


apply(conditions.loc[rest])
runner.simulate(0, 1e6, 2)  # to the resting steady state
runner.setValue("time", 0.0)
apply(conditions.loc[condition])
times = sorted(set(rows["time"]) | {0.0})
run = runner.simulate(times=times, selections=["time", dataset.readout])
ours = objective.simulate(np.log10(problem.nominal))[dataset.id]
print(f"{dataset.id}: {dataset.readout} at {[float(t) for t in dataset.times]} min")
print("from the PEtab files:", np.round(np.asarray(run)[:, 1], 4))
print("mbaxis:              ", np.round(ours, 4))
