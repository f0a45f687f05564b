"""Writing result files so that a crash or a full disk never leaves a half-written file."""

from __future__ import annotations

import math
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["finite_json", "save_figure", "write_atomically", "write_text_atomically"]


def write_atomically(path: str | Path, write: Callable[[str], object]) -> None:
    """Call ``write(temporary_path)``, then move the finished file onto ``path``.

    The temporary file sits in the same folder, so the final rename is atomic: readers see
    either the old file or the complete new one. Missing folders are created.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=target.suffix
    )
    os.close(fd)
    try:
        write(temporary)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # mkstemp creates 0600; give the usual mode
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def write_text_atomically(path: str | Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    write_atomically(path, lambda temporary: Path(temporary).write_text(text, encoding="utf-8"))


def finite_json(value: Any) -> Any:
    """``value`` with every NaN or infinity made None: JSON has no NaN (nested dicts/lists)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: finite_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [finite_json(item) for item in value]
    return value


def save_figure(path: str | Path, size: tuple[float, float], draw: Callable[[Any], object]) -> None:
    """Draw on a new figure (``draw(axes)``) and write it atomically in the format the suffix
    names. Figures are made without pyplot, so no display backend is ever selected."""
    from matplotlib.figure import Figure  # only when a figure is asked for: `--help` stays fast

    figure = Figure(figsize=size)
    draw(figure.subplots())
    suffix = Path(path).suffix.lstrip(".") or "png"
    write_atomically(
        path, lambda tmp: figure.savefig(tmp, dpi=150, bbox_inches="tight", format=suffix)
    )
