"""mbaxis ``analysis``: questions asked of the model, its plots and the ``mbaxis`` command.

Examples
--------
>>> from network import load_model
>>> from analysis import simulate, parse_protocol, parse_perturbation
>>> course = simulate(load_model(), [parse_protocol("lactate_infusion(duration_min=60)")],
...                   [parse_perturbation("knockout(plasma__CTSB)")], t_end=240)
>>> round(float(course["plasma__lactate"].max()), 1)
4.7
"""

from analysis.errors import PerturbationError, ProtocolError, SimulationError
from analysis.graph_summary import GraphSummary, summarize_graph
from analysis.perturbations import (
    Perturbation,
    apply_perturbations,
    parse_perturbation,
    perturbation_from_mapping,
)
from analysis.plots import plot_network, plot_timecourse
from analysis.protocols import (
    PROTOCOLS,
    Protocol,
    make_protocol,
    parse_protocol,
    protocol_from_mapping,
    schedule,
)
from analysis.simulation import Simulator, default_t_end, simulate

__all__ = [
    "PROTOCOLS",
    "GraphSummary",
    "Perturbation",
    "PerturbationError",
    "Protocol",
    "ProtocolError",
    "SimulationError",
    "Simulator",
    "apply_perturbations",
    "default_t_end",
    "make_protocol",
    "parse_perturbation",
    "parse_protocol",
    "perturbation_from_mapping",
    "plot_network",
    "plot_timecourse",
    "protocol_from_mapping",
    "schedule",
    "simulate",
    "summarize_graph",
]
