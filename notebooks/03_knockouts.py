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
# # 03 · Knock-outs
#
# Which node the exercise → Bdnf response needs, which pairs are redundant, and how far the
# signed graph and the logical model predict the ODE's answers.

# %%
from mbaxis.analysis import make_protocol
from mbaxis.analysis.knockout import epistasis, knockout_scan
from mbaxis.analysis.structure import agreement, concordance
from mbaxis.network import load_model
from mbaxis.plots import plot_epistasis, plot_knockout_heatmap

model = load_model()
exercise = make_protocol("aerobic", duration_min=60, intensity=0.7)
scan = knockout_scan(model, exercise)
ax = plot_knockout_heatmap(scan)

# %%
double = knockout_scan(model, exercise, ["brain__BDNF_mRNA"], double=True)
ax = plot_epistasis(epistasis(double, "brain__BDNF_mRNA"))

# %%
table = concordance(model, scan, exercise)
print(agreement(table))
table[~table["graph_agrees"]].head(10)

# %% [markdown]
# The logical model is also a file other tools load. AEON, a logical-model library, reads its
# Boolean SBML-qual and finds the stable state each experiment reaches; here the levels (steps of
# 5% from rest) of the BDNF readouts with pCREB knocked out, against the same run without.

# %%
from mbaxis.analysis.logical_states import LogicalStates, aeon_version

states = LogicalStates(model)
readouts = ["brain__pCREB", "brain__BDNF_mRNA", "brain__mBDNF", "serum__BDNF"]
control = states.stable_levels(["muscle__work_rate"])
knocked = states.stable_levels(["muscle__work_rate"], knocked_out=["brain__pCREB"])
print(f"AEON {aeon_version()}")
{r: (control[r], knocked[r]) for r in readouts}
