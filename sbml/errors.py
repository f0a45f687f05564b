"""Errors of the SBML layer: reading, writing and validating SBML documents."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from mbaxis.network.errors import ModelError

__all__ = ["SBMLError", "SBMLValidationError", "ValidationIssue"]


class SBMLError(ModelError, ValueError):
    """An SBML document could not be read or written; the message carries libsbml's words."""


@dataclass(frozen=True, order=True)
class ValidationIssue:
    """One libsbml diagnostic. Sorting puts the most severe first (``rank`` 0 = fatal)."""

    rank: int
    severity: str
    category: str
    code: int
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.severity} {self.code} ({self.category}) line {self.line}: {self.message}"


class SBMLValidationError(SBMLError):
    """The document has errors; ``issues`` holds every diagnostic, most severe first."""

    def __init__(self, issues: Sequence[ValidationIssue], source: str = "SBML document") -> None:
        self.issues = tuple(sorted(issues))
        first = str(self.issues[0]) if self.issues else "no details"
        super().__init__(f"{source}: {len(self.issues)} validation issue(s); first: {first}")
