"""mbaxis ``analysis``: questions asked of the model, its plots and the ``mbaxis`` command."""

from analysis.graph_summary import GraphSummary, summarize_graph
from analysis.plots import plot_network

__all__ = ["GraphSummary", "plot_network", "summarize_graph"]
