"""Benchmark: the full calibration of the bundled problem from one command.

Run on demand: ``.venv/bin/python benchmarks/bench_calibrate.py [STARTS] [JOBS]`` (default 100
starts on 2 processes, seed 0, as committed in ``analysis/data/calibration/fit``). Times the
multi-start fit as a whole process (``mbaxis calibrate --no-profiles --ensemble-size 0``: the
issue's target is about the starts, and the profiles, the chain and cross-validation have their
own lines in ``calibration.json``) and, in the same run, one evaluation of the objective (every
condition simulated once) as the unit of cost; prints the process's wall time, the fit phase the
command reports, the evaluations they amount to, and the target (issue #14: 100 starts within 15
minutes on 2 cores).
"""

from __future__ import annotations

import json
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
                   "--seed", "0", "--no-profiles", "--ensemble-size", "0", "--out", folder,
                   "--no-progress", "--json"]  # fmt: skip
        started = time.perf_counter()
        done = subprocess.run(command, check=True, capture_output=True, text=True)
        wall = time.perf_counter() - started
        summary = json.loads(done.stdout)
    print(f"problem: {problem.points} points, {len(problem.studies)} studies, "
          f"{len(problem.estimated)} parameters")  # fmt: skip
    print(f"one objective evaluation (median of 21)  {unit * 1000:8.1f} ms")
    fit = summary["wall_time_s_by_phase"]["fit"]
    print(f"mbaxis calibrate --starts {starts} --jobs {jobs}, whole process  {wall:8.1f} s")
    print(f"  its fit phase                                  {fit:8.1f} s  (target 900 s)")
    print(f"  = {fit * jobs / unit:,.0f} evaluations' worth of process time; "
          f"{summary['converged_starts']} of {starts} starts converged, "
          f"best objective {summary['best_objective']:.4f}")  # fmt: skip


if __name__ == "__main__":
    main(
        int(sys.argv[1]) if len(sys.argv) > 1 else 100,
        int(sys.argv[2]) if len(sys.argv) > 2 else 2,
    )
