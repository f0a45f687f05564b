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
# # 01 · The network
#
# The curated exercise muscle–brain axis as a signed graph: nodes in tissue lanes (muscle,
# bone, liver → plasma → brain), arrows for activation and bars for inhibition, colours for
# node kinds. Every edge carries its references and the sentence of evidence it rests on.

# %%
from IPython.display import HTML

from mbaxis.analysis import summarize_graph
from mbaxis.interactive import network_html
from mbaxis.network import feedback_loops, load_model, signed_paths, to_digraph
from mbaxis.plots import plot_network

model = load_model()
graph = to_digraph(model)
summary = summarize_graph(graph)
print(summary.to_text().splitlines()[:3])

# %%
ax = plot_network(graph)

# %% [markdown]
# Signed paths from an input to hippocampal Bdnf mRNA, and the feedback loops.

# %%
for path in signed_paths(graph, "plasma__BHB", "brain__BDNF_mRNA"):
    print(path)
for loop in feedback_loops(graph):
    print(loop)

# %% [markdown]
# The evidence of one edge, as stored in the tables:

# %%
edge = model.get_interaction("plasma__lactate", "brain__lactate")
print(edge.mechanism, edge.references, edge.organism)
print(edge.evidence)

# %% [markdown]
# An interactive view: hover or click an edge to read its evidence and references (the
# vis-network library is inlined, so this works offline).

# %%
page = network_html(graph)
with open("network.html", "w", encoding="utf-8") as handle:
    handle.write(page)
HTML(page)
