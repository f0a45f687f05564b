"""Benchmark: ``mbaxis optimize`` over 8 weeks within 150 min/week (CONTRACT section 5).

Run on demand: ``.venv/bin/python benchmarks/bench_optimize.py``. Times the acceptance command
as a whole process, twice (the JSON of both must be byte-identical: reproducible at the seed),
and, in the same run, a bare roadrunner loop integrating the best schedules the command
reports (their segments to the same output times, one process), scaled to the number of
distinct schedules the command simulated. Target (issue #16): within 10 minutes on 2 cores.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import roadrunner
from common import integrate_segments, median_seconds

from mbaxis.analysis.ensembles import ENSEMBLE_SETTINGS
from mbaxis.analysis.protocols import parse_protocol, schedule
from mbaxis.network import load_model
from mbaxis.sbml import write_sbml

MBAXIS = str(Path(sys.executable).with_name("mbaxis"))
COMMAND = [
    MBAXIS,
    "optimize",
    "--readout",
    "brain__BDNF_mRNA",
    "--budget-min-per-week",
    "150",
    "--weeks",
    "8",
    "--json",
    "--no-progress",
]


def main() -> None:
    runs = []
    for _ in range(2):
        start = time.perf_counter()
        out = subprocess.run(COMMAND, check=True, capture_output=True).stdout
        runs.append((time.perf_counter() - start, out))
    summary = json.loads(runs[0][1])
    plans = [
        [parse_protocol(p) for p in row["protocols"]]
        for row in summary["best"] + summary["pareto_front"]
    ]
    roadrunner.Config.setValue(roadrunner.Config.LLVM_BACKEND, roadrunner.Config.LLJIT)
    bare = roadrunner.RoadRunner(write_sbml(load_model()))
    bare.integrator.relative_tolerance = ENSEMBLE_SETTINGS.rtol
    bare.integrator.absolute_tolerance = ENSEMBLE_SETTINGS.atol
    t_end = 8 * 7 * 1440.0 + 3 * 1440.0
    grid = np.linspace(0.0, t_end, 8 * 7 * 24 + 1)

    def bare_loop() -> None:
        for plan in plans:
            bare.reset()
            integrate_segments(bare, schedule(plan, t_end), grid)

    per_plan = median_seconds(bare_loop, 3) / len(plans)
    simulated = summary["schedules_simulated"]
    times = sorted(t for t, _ in runs)
    print(f"{summary['evaluations']} schedules evaluated, {simulated} simulated, 2 cores")
    print(
        f"mbaxis optimize (whole process), 2 runs  {times[0]:7.1f} s, {times[1]:7.1f} s  "
        "(target 600 s)"
    )
    print(
        f"bare roadrunner loop: {per_plan:.3f} s a schedule, x {simulated} = "
        f"{per_plan * simulated:7.1f} s in one process"
    )
    print(f"ratio {times[0] / (per_plan * simulated):5.2f} (the command uses 2 processes)")
    print(f"byte-identical JSON in both runs: {runs[0][1] == runs[1][1]}")


if __name__ == "__main__":
    main()
