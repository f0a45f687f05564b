"""Benchmark: mbaxis runs against a bare roadrunner loop doing the same integrations.

Run on demand (``.venv/bin/python benchmarks/bench_simulate.py``); prints medians and ratios,
since this machine is noisy. The bare loop loads the same SBML, sets the same inputs and
simulates the same segments with the same output times, with none of mbaxis's bookkeeping.
"""

from __future__ import annotations

from functools import partial

import numpy as np
import roadrunner
from common import integrate_segments, median_seconds

from mbaxis.analysis.protocols import Segment, default_t_end, parse_protocol, schedule
from mbaxis.analysis.simulation import ABSOLUTE_TOLERANCE, RELATIVE_TOLERANCE, Simulator
from mbaxis.network import load_model
from mbaxis.sbml import write_sbml

REPEATS = 7
CASES = {
    "single bout (aerobic 40 min, 241 points)": ("aerobic(duration_min=40,intensity=0.7)", 240.0),
    "training 8 weeks (24 sessions, 2001 points)": (
        "training(protocol=aerobic(duration_min=40,intensity=0.7),sessions_per_week=3,weeks=8)",
        None,
    ),
}


def _bare_loop(runner: roadrunner.RoadRunner, segments: list[Segment], grid: np.ndarray) -> None:
    runner.reset()
    integrate_segments(runner, segments, grid)


def main() -> None:
    model = load_model()
    simulator = Simulator(model)
    roadrunner.Config.setValue(roadrunner.Config.LLVM_BACKEND, roadrunner.Config.LLJIT)
    bare = roadrunner.RoadRunner(write_sbml(model))
    bare.integrator.relative_tolerance = RELATIVE_TOLERANCE
    bare.integrator.absolute_tolerance = ABSOLUTE_TOLERANCE
    bare.timeCourseSelections = ["time", *simulator.columns]
    print(f"{'case':48s} {'mbaxis (s)':>11s} {'bare loop (s)':>14s} {'ratio':>7s}")
    for name, (text, t_end) in CASES.items():
        protocol = parse_protocol(text)
        end = t_end if t_end is not None else default_t_end([protocol])
        segments = schedule([protocol], end)
        course = simulator.run([protocol], t_end=end)
        grid = course.index.to_numpy()

        ours = median_seconds(partial(simulator.run, [protocol], t_end=end), REPEATS)
        theirs = median_seconds(partial(_bare_loop, bare, segments, grid), REPEATS)
        print(f"{name:48s} {ours:11.4f} {theirs:14.4f} {ours / theirs:7.2f}")


if __name__ == "__main__":
    main()
