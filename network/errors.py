"""The exception tree of mbaxis: every error that bad input can cause derives from ModelError.

Exceptions also subclass the matching builtin (``KeyError`` for an unknown ID, ``ValueError``
for bad data), so callers that only know the builtins still catch them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "ModelDataError",
    "ModelError",
    "Problem",
    "UnitError",
    "UnknownInteractionError",
    "UnknownSpeciesError",
]


class ModelError(Exception):
    """Root of every mbaxis error."""


class UnitError(ModelError, ValueError):
    """A unit that is not one of :data:`network.units.UNITS`."""


class UnknownSpeciesError(ModelError, KeyError):
    """A species or observable ID that the model does not hold."""

    def __str__(self) -> str:  # KeyError would wrap the message in quotes
        return str(self.args[0]) if self.args else ""


class UnknownInteractionError(ModelError, KeyError):
    """An interaction (edge) that the model does not hold."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


@dataclass(frozen=True)
class Problem:
    """One defect found in the model tables, located precisely enough to fix it.

    ``line`` is the line number in the file (the header is line 1); ``column`` the column name.
    """

    file: str
    line: int | None
    column: str | None
    id: str | None
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        if self.id is not None:
            where.append(f"ID '{self.id}'")
        return f"{', '.join(where)}: {self.message}"


class ModelDataError(ModelError, ValueError):
    """The model tables have one or more defects; ``problems`` lists every one of them."""

    def __init__(self, problems: Sequence[Problem], source: str = "model") -> None:
        self.problems = tuple(problems)
        lines = [f"{len(self.problems)} problem(s) in {source}:"]
        lines.extend(f"  {problem}" for problem in self.problems)
        super().__init__("\n".join(lines))
