"""Benchmark: ``mbaxis simulate --ensemble`` of one protocol over 200 members.

Run on demand: ``.venv/bin/python benchmarks/bench_ensemble.py [ENSEMBLE.csv]`` (default: the
committed calibration ensemble). Times the whole command as a process (median of 5) and, in the
same run, a bare roadrunner loop doing the same 200 integrations (set each member's parameters,
reset, integrate the protocol's segments to the same output times) in one process. Target
(issue #14): within 10 s on 2 cores.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import roadrunner
from common import integrate_segments, median_seconds

from mbaxis.analysis.ensembles import load_ensemble
from mbaxis.analysis.protocols import parse_protocol, schedule
from mbaxis.analysis.simulation import ABSOLUTE_TOLERANCE, RELATIVE_TOLERANCE, Simulator
from mbaxis.network import load_model
from mbaxis.sbml import write_sbml

MBAXIS = str(Path(sys.executable).with_name("mbaxis"))
ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT / "analysis" / "data" / "calibration" / "fit" / "ensemble.csv"
PROTOCOL = "aerobic(duration_min=40,intensity=0.7)"


def main(path: Path) -> None:
    model = load_model()
    ensemble = load_ensemble(path, model)
    protocol = parse_protocol(PROTOCOL)
    grid = Simulator(model).run([protocol]).index.to_numpy()
    segments = schedule([protocol], float(grid[-1]))
    roadrunner.Config.setValue(roadrunner.Config.LLVM_BACKEND, roadrunner.Config.LLJIT)
    bare = roadrunner.RoadRunner(write_sbml(model))
    bare.integrator.relative_tolerance = RELATIVE_TOLERANCE
    bare.integrator.absolute_tolerance = ABSOLUTE_TOLERANCE

    def bare_loop() -> None:
        for member in range(len(ensemble)):
            bare.reset()
            for name, value in ensemble.overrides(member).items():
                bare.setValue(name, value)
            integrate_segments(bare, segments, grid)

    command = [MBAXIS, "simulate", PROTOCOL, "--ensemble", str(path), "--json"]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)  # warm the model cache
    ours = median_seconds(lambda: subprocess.run(command, check=True, stdout=subprocess.DEVNULL), 5)
    theirs = median_seconds(bare_loop, 5)
    print(f"members: {len(ensemble)}, protocol {PROTOCOL}")
    print(f"mbaxis simulate --ensemble (whole process)  {ours:7.2f} s  (target 10 s)")
    print(f"bare roadrunner loop, same runs (in process) {theirs:7.2f} s")
    print(f"ratio {ours / theirs:5.1f}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT)
