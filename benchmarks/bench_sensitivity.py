"""Benchmark: Sobol N = 512 over the 20 most influential parameters, against a bare loop.

Run on demand: ``.venv/bin/python benchmarks/bench_sensitivity.py [N]``. Times
``sobol_indices`` (one process, then two) and a bare roadrunner loop that evaluates the same
parameter sets (set values, integrate the same segments with the same output times, take the
same statistic) in the same run, and prints throughput in simulations per second and ratios.
"""

from __future__ import annotations

import sys
import time

import numpy as np
import roadrunner
from common import integrate_segments

from mbaxis.analysis.protocols import schedule
from mbaxis.analysis.sensitivity import (
    default_scenario,
    local_sensitivity,
    sobol_indices,
    sobol_samples,
)
from mbaxis.network import load_model
from mbaxis.sbml import write_sbml


def main(n: int) -> None:
    model = load_model()
    question = default_scenario()
    names = local_sensitivity(model, question)["parameter"].head(20).tolist()
    samples = sobol_samples(model, names, n, seed=0)
    simulations = len(samples)

    start = time.perf_counter()
    sobol_indices(model, question, parameters=names, n=n, seed=0, jobs=1)
    ours = time.perf_counter() - start
    start = time.perf_counter()
    sobol_indices(model, question, parameters=names, n=n, seed=0, jobs=2)
    ours_two = time.perf_counter() - start

    roadrunner.Config.setValue(roadrunner.Config.LLVM_BACKEND, roadrunner.Config.LLJIT)
    runner = roadrunner.RoadRunner(write_sbml(model))
    runner.integrator.relative_tolerance = 1e-8
    runner.integrator.absolute_tolerance = 1e-12
    runner.timeCourseSelections = ["time", *question.readouts]
    ids = list(runner.model.getGlobalParameterIds())
    index = np.array([ids.index(name) for name in names], dtype=np.int32)
    defaults = np.array(runner.model.getGlobalParameterValues())[index]
    rest = np.array(runner.model.getFloatingSpeciesInitAmounts())
    times = np.array(question.times())
    segments = schedule(question.experiment.protocols, question.t_end)
    start = time.perf_counter()
    for sample in samples:
        runner.model.setFloatingSpeciesAmounts(rest)
        runner.model.setGlobalParameterValues(index, np.array([sample[name] for name in names]))
        results = integrate_segments(runner, segments, times)
        float(np.max(np.concatenate([result[:, 1] for result in results])))
    runner.model.setGlobalParameterValues(index, defaults)
    bare = time.perf_counter() - start

    print(f"Sobol N = {n}, {len(names)} parameters, {simulations} simulations")
    print(f"  sobol_indices, 1 process  {ours:7.1f} s  {simulations / ours:6.0f} sims/s")
    print(f"  sobol_indices, 2 processes {ours_two:6.1f} s  {simulations / ours_two:6.0f} sims/s")
    print(f"  bare roadrunner loop      {bare:7.1f} s  {simulations / bare:6.0f} sims/s")
    print(f"  ratio 1 process / bare loop: {ours / bare:5.2f}  (target <= 1.3)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 512)
