"""One name per export format, and the build of the committed files in ``sbml/models/``.

Each writer is imported when it is used (they pull in libsbml or antimony), so listing the
formats, as ``mbaxis export --help`` does, costs nothing.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from mbaxis.sbml.errors import SBMLError

if TYPE_CHECKING:
    from mbaxis.network import Model

__all__ = ["COMMITTED_FILES", "FORMATS", "build_models", "export", "models_folder"]

#: Export format -> the module and function that write the model in that format.
_WRITERS: dict[str, tuple[str, str]] = {
    "sbml": ("mbaxis.sbml.core", "write_sbml"),
    "qual": ("mbaxis.sbml.qual", "write_qual"),
    "qual-boolean": ("mbaxis.sbml.qual", "write_qual_boolean"),
    "antimony": ("mbaxis.sbml.antimony_export", "write_antimony"),
    "graphml": ("mbaxis.sbml.graphml", "write_graphml"),
}
#: The export formats, by name.
FORMATS = tuple(_WRITERS)

#: The generated files committed under ``sbml/models/``, by format.
COMMITTED_FILES = {
    "sbml": "mbaxis.xml",
    "qual": "mbaxis_qual.xml",
    "qual-boolean": "mbaxis_qual_boolean.xml",
    "antimony": "mbaxis.ant",
    "graphml": "mbaxis.graphml",
}


def export(model: Model, format: str) -> str:
    """The model as text in ``format`` (one of :data:`FORMATS`).

    Examples
    --------
    >>> from mbaxis.network import load_model
    >>> export(load_model(), "antimony").startswith("//")
    True
    >>> export(load_model(), "xlsx")
    Traceback (most recent call last):
    ...
    mbaxis.sbml.errors.SBMLError: unknown export format 'xlsx'; formats: sbml, ...
    """
    if format not in _WRITERS:
        raise SBMLError(f"unknown export format '{format}'; formats: {', '.join(FORMATS)}")
    module, name = _WRITERS[format]
    writer: Callable[[Model], str] = getattr(importlib.import_module(module), name)
    return writer(model)


def models_folder() -> Path:
    """The folder of the committed model files (``sbml/models``)."""
    return Path(__file__).resolve().parent / "models"  # the source folder, not a link tree


def build_models(model: Model | None = None, folder: Path | None = None) -> list[Path]:
    """Write every committed model file; returns the paths written.

    Run as ``python -m mbaxis.sbml build``; a test fails when the committed files are stale.
    """
    from mbaxis.network import load_model

    model = model or load_model()
    folder = folder or models_folder()
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for kind, name in COMMITTED_FILES.items():
        path = folder / name
        temporary = path.with_suffix(path.suffix + ".tmp")
        temporary.write_text(export(model, kind), encoding="utf-8")
        temporary.replace(path)
        written.append(path)
    return written
