"""Type stub of the everyday surface of mbaxis (see __init__.py)."""

from .analysis.errors import (
    PerturbationError as PerturbationError,
    ProtocolError as ProtocolError,
    SimulationError as SimulationError,
)
from .analysis.evaluation import evaluate as evaluate
from .analysis.knockout import knockout_scan as knockout_scan
from .analysis.observations import load_observations as load_observations
from .analysis.perturbations import (
    Perturbation as Perturbation,
    parse_perturbation as parse_perturbation,
)
from .analysis.protocols import (
    PROTOCOLS as PROTOCOLS,
    Protocol as Protocol,
    make_protocol as make_protocol,
    parse_protocol as parse_protocol,
)
from .analysis.scenarios import Experiment as Experiment, Scenario as Scenario
from .analysis.sensitivity import (
    local_sensitivity as local_sensitivity,
    morris_screening as morris_screening,
    sobol_indices as sobol_indices,
)
from .analysis.simulation import Simulator as Simulator, simulate as simulate
from .analysis.subjects import Subject as Subject, parse_subject as parse_subject
from .analysis.validation import validate as validate
from .network.equations import build_equations as build_equations
from .network.errors import ModelError as ModelError
from .network.graph import signed_paths as signed_paths, to_digraph as to_digraph
from .network.model import Model as Model
from .network.tables import load_model as load_model
from .plots import plot_network as plot_network, plot_timecourse as plot_timecourse
from .report import build_report as build_report
from .sbml.core import write_sbml as write_sbml
from .sbml.reader import read_sbml as read_sbml

__version__: str
