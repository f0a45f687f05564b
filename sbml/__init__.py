"""mbaxis ``sbml``: the model as SBML L3V2 core, SBML-qual, Antimony and GraphML, and back.

Examples
--------
>>> from network import load_model
>>> from sbml import write_sbml, read_sbml_string
>>> model = load_model()
>>> read_sbml_string(write_sbml(model)) == model
True
"""

from sbml.antimony_export import write_antimony
from sbml.core import sbml_document, write_sbml
from sbml.errors import SBMLError, SBMLValidationError, ValidationIssue
from sbml.exporters import COMMITTED_FILES, EXPORTERS, build_models, models_folder
from sbml.graphml import write_graphml
from sbml.qual import logical_rule, qual_document, write_qual
from sbml.reader import read_sbml, read_sbml_string
from sbml.validation import read_document, validate_document

__all__ = [
    "COMMITTED_FILES",
    "EXPORTERS",
    "SBMLError",
    "SBMLValidationError",
    "ValidationIssue",
    "build_models",
    "logical_rule",
    "models_folder",
    "qual_document",
    "read_document",
    "read_sbml",
    "read_sbml_string",
    "sbml_document",
    "validate_document",
    "write_antimony",
    "write_graphml",
    "write_qual",
    "write_sbml",
]
