"""Roadrunner's and CVODE's own messages, routed through Python :mod:`logging`.

The compiled solver writes its warnings and errors straight to the process's standard error
(file descriptor 2), where no Python code sees them: a failed integration printed two coloured
C++ lines above our one-line error. :func:`native_output_to_logging` points descriptor 2 at a
temporary file while native code runs, then hands each line it wrote to the logger
``mbaxis.roadrunner``. The package gives that logger no handler of its own, so it is quiet
until an application configures logging (``mbaxis --verbose`` does).

A descriptor swap costs a few microseconds, once per run; nested and concurrent uses (threads
of one process) share one swap.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import re
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

__all__ = ["LOGGER", "log_to_stderr", "native_output_to_logging", "shown_level"]

#: The logger native messages go to; silent unless the application adds a handler.
LOGGER = logging.getLogger("mbaxis.roadrunner")
LOGGER.addHandler(logging.NullHandler())

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_LEVELS = (
    ("CRITICAL", logging.CRITICAL),
    ("FATAL", logging.CRITICAL),
    ("ERROR", logging.ERROR),
    ("WARN", logging.WARNING),
    ("NOTICE", logging.INFO),
    ("INFO", logging.INFO),
)
_shown: int | None = None  # the level log_to_stderr was asked for, if it was
_lock = threading.Lock()
_depth = 0
_saved: int | None = None
_sink: IO[bytes] | None = None


def _level(line: str) -> int:
    head = line[:40].upper()
    return next((level for word, level in _LEVELS if word in head), logging.DEBUG)


def _forward(data: bytes) -> None:
    for raw in data.decode("utf-8", errors="replace").splitlines():
        line = _ANSI.sub("", raw).strip()
        if line:
            LOGGER.log(_level(line), "%s", line)


@contextmanager
def native_output_to_logging() -> Iterator[None]:
    """While inside, what native code writes to standard error goes to ``mbaxis.roadrunner``."""
    global _depth, _saved, _sink
    with _lock:
        if _depth == 0:
            with contextlib.suppress(AttributeError, ValueError, OSError):  # no usable stderr
                sys.stderr.flush()
            if _sink is None:  # kept open for the life of the process, reused by every run
                _sink = tempfile.TemporaryFile()  # noqa: SIM115
                atexit.register(_sink.close)
            _saved = os.dup(2)
            os.dup2(_sink.fileno(), 2)
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _saved is not None and _sink is not None:
                os.dup2(_saved, 2)
                os.close(_saved)
                _saved = None
                descriptor = _sink.fileno()
                written = os.lseek(descriptor, 0, os.SEEK_CUR)
                if written:
                    os.lseek(descriptor, 0, os.SEEK_SET)
                    chunks = []
                    while chunk := os.read(descriptor, 1 << 16):
                        chunks.append(chunk)
                    os.ftruncate(descriptor, 0)
                    os.lseek(descriptor, 0, os.SEEK_SET)
                    _forward(b"".join(chunks))


def log_to_stderr(level: int = logging.DEBUG) -> None:
    """Print mbaxis's log, the solver's messages among it, on standard error (``mbaxis
    --verbose``); other libraries' debug logs stay quiet. Worker processes of a scan follow."""
    global _shown
    logger = logging.getLogger("mbaxis")
    if _shown is None:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(name)s %(levelname)s: %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(level)
    _shown = level


def shown_level() -> int | None:
    """The level :func:`log_to_stderr` set in this process (None: the log is not shown)."""
    return _shown
