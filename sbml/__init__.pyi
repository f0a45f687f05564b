"""Type stub of the lazily loaded names of mbaxis.sbml (see __init__.py)."""

from .antimony_export import write_antimony as write_antimony
from .core import sbml_document as sbml_document, write_sbml as write_sbml
from .errors import (
    SBMLError as SBMLError,
    SBMLValidationError as SBMLValidationError,
    ValidationIssue as ValidationIssue,
)
from .exporters import (
    COMMITTED_FILES as COMMITTED_FILES,
    FORMATS as FORMATS,
    build_models as build_models,
    export as export,
    models_folder as models_folder,
)
from .graphml import write_graphml as write_graphml
from .qual import (
    bit_id as bit_id,
    qual_boolean_document as qual_boolean_document,
    qual_document as qual_document,
    write_qual as write_qual,
    write_qual_boolean as write_qual_boolean,
)
from .reader import read_sbml as read_sbml, read_sbml_string as read_sbml_string
from .validation import read_document as read_document, validate_document as validate_document
