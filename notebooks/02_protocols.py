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
# # 02 · Protocols and their calibration points
#
# Time courses of the protocols, with the published numbers they are calibrated against.

# %%
from mbaxis import Simulator, load_model, parse_protocol, plot_timecourse

simulator = Simulator(load_model())

# %% [markdown]
# A 1-h lactate infusion (Röja et al. 2025): blood lactate reaches the medium-to-high exercise
# range; plasma proBDNF rises and stays up; mature BDNF does not move.

# %%
course = simulator.run([parse_protocol("lactate_infusion(duration_min=60)")], t_end=240)
ax = plot_timecourse(
    course, ["plasma__lactate", "plasma__proBDNF", "plasma__mBDNF", "serum__BDNF"], relative=True
)
ax.axhspan(4.0, 9.0, color="grey", alpha=0.15, label="4-9 mM lactate (published range)")
ax.plot([75 / 60, 180 / 60], [1.10, 1.10], "k--", lw=1, label="proBDNF +10% (Röja 2025)")
ax.legend(fontsize=7)
print("peak lactate (mM):", round(course["plasma__lactate"].max(), 2))

# %% [markdown]
# One bout at 75% VO2max: serum BDNF +10-40%, back within an hour; plasma returns more slowly.

# %%
bout = simulator.run([parse_protocol("aerobic(duration_min=30,intensity=0.75)")], t_end=240)
ax = plot_timecourse(
    bout, ["serum__BDNF", "plasma__mBDNF", "plasma__IL6", "plasma__cortisol"], relative=True
)
serum = bout["serum__BDNF"] / bout["serum__BDNF"].iloc[0]
print("serum BDNF peak: +%.0f%%" % (100 * (serum.max() - 1)))

# %% [markdown]
# Prolonged exercise: plasma IL-6 rises many-fold and is back within a day (Steensberg 2000).

# %%
long_run = simulator.run(
    [parse_protocol("aerobic(duration_min=180,intensity=0.65)")], t_end=180 + 1440
)
ax = plot_timecourse(long_run, ["plasma__IL6", "plasma__OCN", "plasma__cortisol"], relative=True)

# %% [markdown]
# Eight weeks of training, three sessions a week.

# %%
training = simulator.run(
    [
        parse_protocol(
            "training(protocol=aerobic(duration_min=40,intensity=0.7),sessions_per_week=3,weeks=8)"
        )
    ]
)
ax = plot_timecourse(training, ["serum__BDNF", "brain__mBDNF", "plasma__IGF1"], relative=True)

# %% [markdown]
# ## The same experiment in tellurium, without mbaxis's simulator
#
# `mbaxis export omex --protocol P --out FILE.omex` writes a COMBINE archive: the model with the
# protocol's switches as SBML events and a SED-ML time course. Tellurium runs it unchanged; the
# numbers are those of `Simulator.run`. A tellurium user can also ask for the runner directly
# (`roadrunner_for`), which carries the protocol in its events.

# %%
import tempfile
from pathlib import Path

import numpy as np
from tellurium.sedml.tesedml import executeCombineArchive

from mbaxis.analysis.archive import experiment, write_omex
from mbaxis.analysis.experiment_sbml import roadrunner_for

sprints = [parse_protocol("sprint(bouts=2)")]
with tempfile.TemporaryDirectory() as folder:
    archive = Path(folder) / "sprints.omex"
    write_omex(archive, simulator.model, [experiment(sprints)])
    (result,) = executeCombineArchive(str(archive), createOutputs=False).values()
times = np.asarray(result["dataGenerators"]["data_time"]).ravel()
lactate = np.asarray(result["dataGenerators"]["data_plasma__lactate"]).ravel()
ours = simulator.run(sprints, times=times)["plasma__lactate"].loc[times].to_numpy()
difference = np.max(np.abs(lactate / ours - 1))
print(f"tellurium vs mbaxis, largest relative difference: {difference:.1e}")

runner = roadrunner_for(simulator.model, sprints, t_end=60)  # a plain roadrunner/tellurium model
runner.timeCourseSelections = ["time", "plasma__lactate"]
course = runner.simulate(0, 60, 121)
print("peak lactate in roadrunner alone (mM):", round(float(max(course[:, 1])), 2))
