"""Run an ``mbaxis`` command and report every file it opened for writing inside a folder.

``python -m tests.presentation.audited_run FOLDER record|kill ARGS...``: with ``record``, prints
``{"status": ..., "opened": [...]}``; with ``kill``, the process kills itself (SIGKILL, as an
out-of-memory killer or a power cut would end it) at the first rename onto a file in FOLDER,
the last moment before a result appears. Python's audit hooks see every ``open`` and
``os.rename``/``os.replace`` made from Python, so a file written in place cannot hide.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from typing import Any

_WRITING = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


def _inside(path: Any, folder: str) -> str | None:
    if not isinstance(path, str | bytes | os.PathLike):
        return None  # a file descriptor
    resolved = os.path.realpath(os.fsdecode(path))
    return resolved if resolved.startswith(folder + os.sep) else None


def main() -> int:
    folder, how, *argv = sys.argv[1:]
    folder = os.path.realpath(folder)
    opened: list[str] = []

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if event == "open":
            path, mode, flags = args
            writing = bool(flags & _WRITING) if isinstance(flags, int) else False
            if isinstance(mode, str):
                writing = writing or any(c in mode for c in "wax+")
            inside = _inside(path, folder) if writing else None
            if inside:
                opened.append(inside)
        elif event == "os.rename" and how == "kill" and _inside(args[1], folder):
            os.kill(os.getpid(), signal.SIGKILL)

    sys.addaudithook(hook)
    from mbaxis.cli import main as mbaxis

    status = mbaxis(argv)
    print(json.dumps({"status": status, "opened": sorted(set(opened))}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
