"""The compiled-model cache: a command that simulates an unchanged model neither rebuilds its
SBML nor recompiles it.

Two kinds of entry live in the user's cache folder (``$MBAXIS_CACHE_DIR`` if set, else the
platform's user cache folder for mbaxis, e.g. ``~/.cache/mbaxis``):

- ``sbml/{key}.xml``: the SBML of a model, keyed by the model's
  :attr:`~mbaxis.network.Model.fingerprint`, the build (signs as parameters or not) and a
  digest of the code that writes SBML (the sources of ``mbaxis.network`` and ``mbaxis.sbml``);
- ``roadrunner/{key}.rr``: roadrunner's saved state right after compiling an SBML text, keyed
  by the SBML's SHA-256, the roadrunner version and the machine (the state holds compiled code).

Every entry is written to a temporary file in the same folder and renamed into place, so
concurrent writers (the workers of a scan starting together) never leave a partial file, and
the last rename wins with identical content. An entry that cannot be read is rebuilt.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import platform
import tempfile
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import roadrunner

from mbaxis.analysis.native_output import native_output_to_logging

if TYPE_CHECKING:
    from mbaxis.network import Model

__all__ = ["cache_folder", "compiled_runner", "model_sbml"]

#: The environment variable that moves the cache (tests point it at a temporary folder).
CACHE_VARIABLE = "MBAXIS_CACHE_DIR"


def cache_folder() -> Path:
    """Where compiled models are kept (created on first use)."""
    if os.environ.get(CACHE_VARIABLE):
        return Path(os.environ[CACHE_VARIABLE])
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("mbaxis"))


@cache
def _code_digest() -> str:
    """A digest of the sources whose change can change the SBML of a model."""
    import mbaxis.network
    import mbaxis.sbml

    digest = hashlib.sha256()
    for package in (mbaxis.network, mbaxis.sbml):
        for path in sorted(Path(package.__file__ or "").parent.glob("*.py")):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def model_sbml(model: Model, *, signs_as_parameters: bool = False) -> str:
    """The SBML of ``model``, from the cache or written (and cached) now."""
    build = "signs" if signs_as_parameters else "core"
    key = hashlib.sha256(f"{model.fingerprint}-{build}-{_code_digest()}".encode()).hexdigest()
    path = cache_folder() / "sbml" / f"{key}.xml"
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        pass
    from mbaxis.sbml import write_sbml

    text = write_sbml(model, signs_as_parameters=signs_as_parameters)
    with contextlib.suppress(OSError):  # a read-only or full cache costs time, not correctness
        _write(path, text.encode("utf-8"))
    return text


def compiled_runner(sbml: str) -> roadrunner.RoadRunner:
    """A roadrunner instance of ``sbml``: loaded from its saved state, or compiled (LLJIT) and
    saved for next time. What roadrunner prints meanwhile goes to ``mbaxis.roadrunner``."""
    with native_output_to_logging():
        return _compiled_runner(sbml)


def _compiled_runner(sbml: str) -> roadrunner.RoadRunner:
    roadrunner.Config.setValue(roadrunner.Config.LLVM_BACKEND, roadrunner.Config.LLJIT)
    identity = f"{hashlib.sha256(sbml.encode()).hexdigest()}-{roadrunner.__version__}"
    path = cache_folder() / "roadrunner" / f"{identity}-{platform.machine()}.rr"
    if path.exists():
        runner = roadrunner.RoadRunner()
        try:
            runner.loadState(str(path))
            return runner
        except RuntimeError:
            pass  # written by another build of roadrunner: compile afresh below
    runner = roadrunner.RoadRunner(sbml)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        os.close(fd)
        try:
            runner.saveState(temporary)
            os.replace(temporary, path)
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
    except (OSError, RuntimeError):
        pass  # a read-only or full cache folder costs time, not correctness
    return runner
