"""One name per export format, and the build of the committed files in ``sbml/models/``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from network import Model, load_model
from sbml.antimony_export import write_antimony
from sbml.core import write_sbml
from sbml.graphml import write_graphml
from sbml.qual import write_qual

__all__ = ["COMMITTED_FILES", "EXPORTERS", "build_models", "models_folder"]

#: Export format name -> function writing the model in that format.
EXPORTERS: dict[str, Callable[[Model], str]] = {
    "sbml": write_sbml,
    "qual": write_qual,
    "antimony": write_antimony,
    "graphml": write_graphml,
}

#: The generated files committed under ``sbml/models/``, by format.
COMMITTED_FILES = {
    "sbml": "mbaxis.xml",
    "qual": "mbaxis_qual.xml",
    "antimony": "mbaxis.ant",
    "graphml": "mbaxis.graphml",
}


def models_folder() -> Path:
    """The folder of the committed model files (``sbml/models``)."""
    return Path(__file__).parent / "models"


def build_models(model: Model | None = None, folder: Path | None = None) -> list[Path]:
    """Write every committed model file; returns the paths written.

    Run as ``python -m sbml build``; a test fails when the committed files are stale.
    """
    model = model or load_model()
    folder = folder or models_folder()
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for kind, name in COMMITTED_FILES.items():
        path = folder / name
        temporary = path.with_suffix(path.suffix + ".tmp")
        temporary.write_text(EXPORTERS[kind](model), encoding="utf-8")
        temporary.replace(path)
        written.append(path)
    return written
