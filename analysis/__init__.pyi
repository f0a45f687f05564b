"""Type stub of the lazily loaded names of mbaxis.analysis (see __init__.py)."""

from .errors import (
    PerturbationError as PerturbationError,
    ProtocolError as ProtocolError,
    ScenarioError as ScenarioError,
    SimulationError as SimulationError,
    SubjectError as SubjectError,
)
from .evaluation import (
    Outcome as Outcome,
    evaluate as evaluate,
    evaluate_scenarios as evaluate_scenarios,
)
from .graph_summary import GraphSummary as GraphSummary, summarize_graph as summarize_graph
from .knockout import (
    epistasis as epistasis,
    influence_matrix as influence_matrix,
    knockout_scan as knockout_scan,
)
from .observations import Observation as Observation, load_observations as load_observations
from .perturbations import (
    Perturbation as Perturbation,
    apply_perturbations as apply_perturbations,
    parse_perturbation as parse_perturbation,
    perturbation_from_mapping as perturbation_from_mapping,
)
from .protocols import (
    PROTOCOLS as PROTOCOLS,
    Protocol as Protocol,
    default_t_end as default_t_end,
    make_protocol as make_protocol,
    parse_protocol as parse_protocol,
    protocol_from_mapping as protocol_from_mapping,
    schedule as schedule,
)
from .scenarios import Experiment as Experiment, Scenario as Scenario
from .sensitivity import (
    default_scenario as default_scenario,
    local_sensitivity as local_sensitivity,
    morris_screening as morris_screening,
    sobol_indices as sobol_indices,
)
from .simulation import Simulator as Simulator, simulate as simulate
from .subjects import (
    REFERENCE_SUBJECT as REFERENCE_SUBJECT,
    Subject as Subject,
    parse_subject as parse_subject,
    subject_from_mapping as subject_from_mapping,
)
from .validation import Scorecard as Scorecard, validate as validate
