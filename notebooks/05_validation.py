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
# # 05 · Validation against published findings
#
# The bundled suite of published findings, the accuracy per tag, and the baselines: always
# guessing the most common outcome, and networks with shuffled edge signs (20 copies here;
# `mbaxis validate --null 1000 --jobs 2` for the published p-value).

# %%
import pandas as pd

from mbaxis.analysis.observations import load_observations
from mbaxis.analysis.validation import validate
from mbaxis.network import load_model
from mbaxis.report import plot_scorecard

card = validate(load_model(), load_observations(), null_copies=20, seed=0)
print(f"{card.correct}/{card.total} correct, accuracy {card.accuracy:.1%}")
ax = plot_scorecard(card)

# %%
misses = pd.DataFrame([r.to_json() for r in card.results if not r.ok])
misses[["id", "expected", "predicted", "value"]]
