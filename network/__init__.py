"""mbaxis ``network``: the curated exercise muscle–brain axis as data, graph and equations.

Examples
--------
>>> from network import load_model, to_digraph, build_equations
>>> model = load_model()
>>> graph = to_digraph(model)
>>> equations = build_equations(model)
"""

from network.equations import Equations, ParameterInfo, Reaction, build_equations
from network.errors import (
    ModelDataError,
    ModelError,
    Problem,
    UnitError,
    UnknownInteractionError,
    UnknownSpeciesError,
)
from network.graph import (
    FeedbackLoop,
    SignedPath,
    feedback_loops,
    from_digraph,
    signed_paths,
    to_digraph,
)
from network.model import Compartment, Model, bundled_model_path, load_model
from network.schema import InteractionRow, ParameterRow, SpeciesRow

__all__ = [
    "Compartment",
    "Equations",
    "FeedbackLoop",
    "InteractionRow",
    "Model",
    "ModelDataError",
    "ModelError",
    "ParameterInfo",
    "ParameterRow",
    "Problem",
    "Reaction",
    "SignedPath",
    "SpeciesRow",
    "UnitError",
    "UnknownInteractionError",
    "UnknownSpeciesError",
    "build_equations",
    "bundled_model_path",
    "feedback_loops",
    "from_digraph",
    "load_model",
    "signed_paths",
    "to_digraph",
]
