"""Benchmark: ``mbaxis population`` of 1000 people (CONTRACT section 5, issue #16).

Run on demand: ``.venv/bin/python benchmarks/bench_population.py``. Times the acceptance
command as a whole process (median of 3; byte-identical JSON every time is checked too) and, in
the same run, a bare roadrunner loop doing the same 1000 protocol integrations (each person's
ensemble member set, reset, the protocol's segments integrated to the same output times) in one
process; that loop skips what the command adds per person (the subject's own resting state,
the run at rest, the statistics). Target: within 10 minutes on 2 cores.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import roadrunner
from common import integrate_segments, median_seconds

from mbaxis.analysis.calibration.problem import bundled_fit_path
from mbaxis.analysis.ensembles import load_ensemble
from mbaxis.analysis.population import load_covariates, sample_population
from mbaxis.analysis.protocols import default_t_end, parse_protocol, schedule
from mbaxis.analysis.simulation import ABSOLUTE_TOLERANCE, RELATIVE_TOLERANCE
from mbaxis.network import load_model
from mbaxis.sbml import write_sbml

MBAXIS = str(Path(sys.executable).with_name("mbaxis"))
PROTOCOL = "aerobic(duration_min=40,intensity=0.7)"
N = 1000


def main() -> None:
    model = load_model()
    ensemble = load_ensemble(bundled_fit_path() / "ensemble.csv", model)
    cohort = sample_population(load_covariates(), N, 0, ensemble)
    protocol = parse_protocol(PROTOCOL)
    t_end = default_t_end([protocol])
    grid = np.linspace(0.0, t_end, int(t_end) + 1)
    segments = schedule([protocol], t_end)
    roadrunner.Config.setValue(roadrunner.Config.LLVM_BACKEND, roadrunner.Config.LLJIT)
    bare = roadrunner.RoadRunner(write_sbml(model))
    bare.integrator.relative_tolerance = RELATIVE_TOLERANCE
    bare.integrator.absolute_tolerance = ABSOLUTE_TOLERANCE

    def bare_loop() -> None:
        for member in cohort.members:
            bare.reset()
            for name, value in member.parameters:
                bare.setValue(name, value)
            integrate_segments(bare, segments, grid)

    command = [
        MBAXIS,
        "population",
        "--protocol",
        PROTOCOL,
        "--n",
        str(N),
        "--json",
        "--no-progress",
    ]
    outputs: list[bytes] = []

    def ours_once() -> None:
        outputs.append(subprocess.run(command, check=True, capture_output=True).stdout)

    ours_once()  # warm the model cache
    ours = median_seconds(ours_once, 3)
    theirs = median_seconds(bare_loop, 3)
    print(f"people: {N}, protocol {PROTOCOL} (and rest), 2 cores")
    print(f"mbaxis population (whole process)             {ours:7.2f} s  (target 600 s)")
    print(f"bare roadrunner loop, the protocol runs only  {theirs:7.2f} s")
    print(f"ratio {ours / theirs:5.1f}")
    print(f"byte-identical JSON in all {len(outputs)} runs: {len(set(outputs)) == 1}")


if __name__ == "__main__":
    main()
