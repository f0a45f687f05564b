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
# # 04 · Sensitivity
#
# Which parameters decide how much Bdnf mRNA a bout of exercise makes: local sensitivities
# (tornado), Sobol indices at a fixed seed (bars with intervals), and importance drawn on the
# graph. The Sobol sample here is small so the notebook runs in CI; `mbaxis sensitivity
# --method sobol` uses N = 512.

# %%
from mbaxis.analysis.sensitivity import default_scenario, local_sensitivity, sobol_indices
from mbaxis.network import load_model, to_digraph
from mbaxis.plots import plot_importance_on_graph, plot_sobol, plot_tornado

model = load_model()
question = default_scenario()
local = local_sensitivity(model, question)
ax = plot_tornado(local)

# %%
indices = sobol_indices(model, question, top=8, n=64, seed=0)
ax = plot_sobol(indices)
indices

# %%
ax = plot_importance_on_graph(
    to_digraph(model), dict(zip(local["parameter"], local["coefficient"].fillna(0), strict=True))
)
