"""libsbml consistency checks, units included, collected and sorted by severity."""

from __future__ import annotations

from pathlib import Path

import libsbml

from mbaxis.sbml.errors import SBMLError, SBMLValidationError, ValidationIssue

__all__ = ["read_document", "validate_document"]

_CATEGORIES = (
    libsbml.LIBSBML_CAT_GENERAL_CONSISTENCY,
    libsbml.LIBSBML_CAT_IDENTIFIER_CONSISTENCY,
    libsbml.LIBSBML_CAT_UNITS_CONSISTENCY,
    libsbml.LIBSBML_CAT_MATHML_CONSISTENCY,
    libsbml.LIBSBML_CAT_SBO_CONSISTENCY,
    libsbml.LIBSBML_CAT_OVERDETERMINED_MODEL,
    libsbml.LIBSBML_CAT_MODELING_PRACTICE,
)
_RANK = {
    libsbml.LIBSBML_SEV_FATAL: 0,
    libsbml.LIBSBML_SEV_ERROR: 1,
    libsbml.LIBSBML_SEV_WARNING: 2,
    libsbml.LIBSBML_SEV_INFO: 3,
}


def _issues(document: libsbml.SBMLDocument) -> list[ValidationIssue]:
    issues = []
    for index in range(document.getNumErrors()):
        error = document.getError(index)
        issues.append(
            ValidationIssue(
                rank=_RANK.get(error.getSeverity(), 3),
                severity=error.getSeverityAsString(),
                category=error.getCategoryAsString(),
                code=error.getErrorId(),
                line=error.getLine(),
                message=" ".join(error.getMessage().split()),
            )
        )
    return sorted(issues)


def validate_document(document: libsbml.SBMLDocument) -> list[ValidationIssue]:
    """Run every libsbml consistency check (units and modelling practice included).

    Returns every diagnostic, most severe first; an empty list means a clean document.
    """
    for category in _CATEGORIES:
        document.setConsistencyChecks(category, True)
    document.checkConsistency()
    return _issues(document)


def read_document(source: str | Path, *, text: bool = False) -> libsbml.SBMLDocument:
    """Parse an SBML file (or, with ``text=True``, a string) and validate it.

    Raises
    ------
    SBMLError
        If the file is missing or is not SBML at all.
    SBMLValidationError
        If libsbml reports a fatal error or an error, with every diagnostic sorted by
        severity; no simulator should see such a file.
    """
    where = "SBML string" if text else str(source)
    if text:
        document = libsbml.readSBMLFromString(str(source))
    else:
        path = Path(source)
        if not path.is_file():
            raise SBMLError(f"{where}: no such file")
        document = libsbml.readSBMLFromFile(str(path))
    read_issues = _issues(document)
    if document.getModel() is None:
        first = read_issues[0] if read_issues else "no model element"
        raise SBMLError(f"{where}: not an SBML model: {first}")
    if any(issue.rank <= 1 for issue in read_issues):
        raise SBMLValidationError(read_issues, where)
    issues = validate_document(document)
    if any(issue.rank <= 1 for issue in issues):
        raise SBMLValidationError(issues, where)
    return document
