"""Benchmark: a full double node knock-out scan against a bare roadrunner loop.

Run on demand: ``.venv/bin/python benchmarks/bench_knockout.py``. Prints the medians of 3 runs
of (a) ``knockout_scan(double=True)`` in one process, (b) a bare roadrunner loop doing the same
simulations in the same process (reset, set the perturbation's parameters, integrate to the
perturbed rest, integrate the protocol segment by segment, same output times and columns), and
(c) the scan with 2 worker processes; then the ratios the knock-out issue asks for.
"""

from __future__ import annotations

import itertools

import numpy as np
import roadrunner
from common import integrate_segments, median_seconds

from mbaxis.analysis.defaults import DEFAULT_READOUTS
from mbaxis.analysis.knockout import knockout_scan, knockout_targets
from mbaxis.analysis.perturbations import apply_perturbations
from mbaxis.analysis.protocols import make_protocol, schedule
from mbaxis.analysis.scenarios import Experiment, Scenario
from mbaxis.network import load_model
from mbaxis.network.units import to_minutes
from mbaxis.sbml import write_sbml

REPEATS = 3


def main() -> None:
    model = load_model()
    protocol = make_protocol("aerobic", duration_min=60.0, intensity=0.7)
    scenario = Scenario(Experiment((protocol,)), DEFAULT_READOUTS)  # the scan's output grid
    t_end, grid = scenario.t_end, np.array(scenario.times())
    singles = knockout_targets(model)
    sets = [(), *((p,) for p in singles), *itertools.combinations(singles, 2)]

    roadrunner.Config.setValue(roadrunner.Config.LLVM_BACKEND, roadrunner.Config.LLJIT)
    runner = roadrunner.RoadRunner(write_sbml(model))
    runner.integrator.relative_tolerance = 1e-8
    runner.integrator.absolute_tolerance = 1e-12
    runner.timeCourseSelections = ["time", *DEFAULT_READOUTS]
    ids = list(runner.model.getGlobalParameterIds())
    settable = np.array([i for i, n in enumerate(ids) if n != "serum__BDNF"], dtype=np.int32)
    defaults = np.array(runner.model.getGlobalParameterValues())
    states = list(runner.model.getFloatingSpeciesIds())
    rest = np.array(runner.model.getFloatingSpeciesInitAmounts())
    slowest = max(to_minutes(s.half_life or 0, s.half_life_unit or "min") for s in model.states)
    horizon = 20 * slowest
    prepared = []
    for perturbations in sets:
        effect = apply_perturbations(model, perturbations)
        values, state = defaults.copy(), rest.copy()
        for name, value in effect.parameters.items():
            values[ids.index(name)] = value
        for name, value in effect.initial.items():
            state[states.index(name)] = value
        prepared.append((values[settable], state, bool(perturbations)))
    segments = schedule([protocol], t_end)

    def bare_loop() -> None:
        for values, state, perturbed in prepared:
            runner.model.setGlobalParameterValues(settable, values)
            runner.model.setFloatingSpeciesAmounts(state)
            runner.setValue("muscle__work_rate", 0.0)
            if perturbed:
                runner.simulate(0.0, horizon, 2)
            integrate_segments(runner, segments, grid)

    scan_1 = median_seconds(lambda: knockout_scan(model, protocol, double=True), REPEATS)
    bare = median_seconds(bare_loop, REPEATS)
    scan_2 = median_seconds(lambda: knockout_scan(model, protocol, double=True, jobs=2), REPEATS)
    print(f"full double node scan: {len(sets)} simulations, readouts {', '.join(DEFAULT_READOUTS)}")
    print(f"  scan, 1 process      {scan_1:8.2f} s (median of {REPEATS})")
    print(f"  bare roadrunner loop {bare:8.2f} s")
    print(f"  scan, 2 processes    {scan_2:8.2f} s")
    print(f"  ratio scan(1) / bare loop: {scan_1 / bare:5.2f}  (target <= 1.3)")
    print(f"  speed-up 2 jobs vs 1:      {scan_1 / scan_2:5.2f}  (target >= 1.6)")


if __name__ == "__main__":
    main()
