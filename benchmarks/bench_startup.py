"""Benchmark: how fast the command line starts and answers, against a bare Python start.

Run on demand: ``.venv/bin/python benchmarks/bench_startup.py``. Times whole processes (median
of 7 after a warm-up that also fills the compiled-model cache) of ``python -c pass``,
``mbaxis --help`` and ``mbaxis simulate aerobic --json``, and prints each with its ratio to
``python -c pass`` measured in the same run. Targets (the architecture issue): ``--help`` at
most 0.3 s, ``simulate`` at most 1.0 s with a warm cache.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from common import median_seconds

REPEATS = 7
MBAXIS = str(Path(sys.executable).with_name("mbaxis"))
COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "mbaxis --help": [MBAXIS, "--help"],
    "mbaxis simulate aerobic --json": [MBAXIS, "simulate", "aerobic", "--json"],
}
TARGETS = {"mbaxis --help": 0.3, "mbaxis simulate aerobic --json": 1.0}


def _run(command: list[str]) -> None:
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)


def main() -> None:
    times = {}
    for name, command in COMMANDS.items():
        _run(command)  # warm-up: file caches, and the compiled-model cache for simulate
        times[name] = median_seconds(lambda command=command: _run(command), REPEATS)
    bare = times["python -c pass"]
    print(f"{'command':34s} {'median (s)':>10s} {'x python -c pass':>17s} {'target (s)':>11s}")
    for name, seconds in times.items():
        target = f"{TARGETS[name]:.1f}" if name in TARGETS else ""
        print(f"{name:34s} {seconds:10.3f} {seconds / bare:17.1f} {target:>11s}")


if __name__ == "__main__":
    main()
