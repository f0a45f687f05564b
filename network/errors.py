"""The exception tree of mbaxis: every error that bad input can cause derives from ModelError.

Exceptions also subclass the matching builtin (``KeyError`` for an unknown ID, ``ValueError``
for bad data), so callers that only know the builtins still catch them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "EncodingError",
    "IdentifierError",
    "ModelDataError",
    "ModelError",
    "Problem",
    "UnitError",
    "UnknownInteractionError",
    "UnknownSpeciesError",
]


class ModelError(Exception):
    """Root of every mbaxis error."""


class EncodingError(ModelError, ValueError):
    """A text file with bytes that are not UTF-8; ``line`` and ``column`` say where."""

    def __init__(self, path: str, line: int, column: int, byte: int) -> None:
        self.path, self.line, self.column = path, line, column
        self.reason = f"byte 0x{byte:02x} at column {column} is not UTF-8; save the file as UTF-8"
        super().__init__(f"{path}, line {line}: {self.reason}")


class IdentifierError(ModelError, ValueError):
    """A malformed ID: an edge not written ``A -> B``, a parameter ID without its owner."""


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
