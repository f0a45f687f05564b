"""Benchmark: the full calibration of the bundled problem from one command.

Run on demand: ``.venv/bin/python benchmarks/bench_calibrate.py [STARTS] [JOBS]`` (default 100
starts on 2 processes, seed 0, profiles and a 200-member ensemble, as committed in
``analysis/data/calibration/fit``). Times the whole command once (it takes minutes) and, in the
same run, one evaluation of the objective (every condition simulated once) as the unit of cost;
prints the wall time, the evaluations it amounts to, and the target (issue #14: 100 starts within
15 minutes on 2 cores).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from common import median_seconds

from mbaxis.analysis.calibration import Objective, bundled_problem_path, load_problem
from mbaxis.network import load_model

MBAXIS = str(Path(sys.executable).with_name("mbaxis"))


def main(starts: int, jobs: int) -> None:
    model = load_model()
    problem = load_problem(bundled_problem_path(), model)
    objective = Objective(problem, model)
    x = np.log10(problem.nominal)
    objective(x)
    unit = median_seconds(lambda: objective(x), 21)
    with tempfile.TemporaryDirectory() as folder:
        command = [MBAXIS, "calibrate", "--starts", str(starts), "--jobs", str(jobs),
                   "--seed", "0", "--out", folder, "--no-progress"]  # fmt: skip
        started = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        wall = time.perf_counter() - started
    print(f"problem: {problem.points} points, {len(problem.studies)} studies, "
          f"{len(problem.estimated)} parameters")  # fmt: skip
    print(f"one objective evaluation (median of 21)  {unit * 1000:8.1f} ms")
    print(f"mbaxis calibrate --starts {starts} --jobs {jobs}  {wall:8.1f} s  (target 900 s)")
    print(f"  = {wall * jobs / unit:,.0f} evaluations' worth of process time")


if __name__ == "__main__":
    main(
        int(sys.argv[1]) if len(sys.argv) > 1 else 100,
        int(sys.argv[2]) if len(sys.argv) > 2 else 2,
    )
