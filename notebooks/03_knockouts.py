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
