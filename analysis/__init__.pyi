"""Type stub of the lazily loaded names of mbaxis.analysis (see __init__.py)."""

from .errors import (
    PerturbationError as PerturbationError,
    ProtocolError as ProtocolError,
    SimulationError as SimulationError,
)
from .graph_summary import GraphSummary as GraphSummary, summarize_graph as summarize_graph
from .perturbations import (
    Perturbation as Perturbation,
    apply_perturbations as apply_perturbations,
    parse_perturbation as parse_perturbation,
    perturbation_from_mapping as perturbation_from_mapping,
)
from .protocols import (
    PROTOCOLS as PROTOCOLS,
    Protocol as Protocol,
    make_protocol as make_protocol,
    parse_protocol as parse_protocol,
    protocol_from_mapping as protocol_from_mapping,
    schedule as schedule,
)
from .simulation import Simulator as Simulator, default_t_end as default_t_end, simulate as simulate
