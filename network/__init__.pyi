"""Type stub of the lazily loaded names of mbaxis.network (see __init__.py)."""

from .equations import (
    Equations as Equations,
    ParameterInfo as ParameterInfo,
    Reaction as Reaction,
    build_equations as build_equations,
)
from .errors import (
    EncodingError as EncodingError,
    IdentifierError as IdentifierError,
    ModelDataError as ModelDataError,
    ModelError as ModelError,
    Problem as Problem,
    UnitError as UnitError,
    UnknownInteractionError as UnknownInteractionError,
    UnknownSpeciesError as UnknownSpeciesError,
)
from .graph import (
    FeedbackLoop as FeedbackLoop,
    SignedPath as SignedPath,
    feedback_loops as feedback_loops,
    from_digraph as from_digraph,
    signed_paths as signed_paths,
    to_digraph as to_digraph,
)
from .logical import (
    LEVELS as LEVELS,
    STEP as STEP,
    Contribution as Contribution,
    LogicalModel as LogicalModel,
    logical_model as logical_model,
)
from .model import Compartment as Compartment, Model as Model
from .naming import EdgeId as EdgeId
from .schema import (
    InteractionRow as InteractionRow,
    ParameterRow as ParameterRow,
    SpeciesRow as SpeciesRow,
)
from .tables import (
    build_model as build_model,
    bundled_model_path as bundled_model_path,
    load_model as load_model,
    read_utf8 as read_utf8,
)
