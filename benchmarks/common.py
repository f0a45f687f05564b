"""Pieces the benchmarks share: a median timer and the bare roadrunner segment loop."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence

import numpy as np
import roadrunner

from mbaxis.analysis.protocols import Segment


def median_seconds(run: Callable[[], object], repeats: int) -> float:
    """Median wall time of ``repeats`` calls (the machine is noisy: medians, not means)."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def integrate_segments(
    runner: roadrunner.RoadRunner, segments: Sequence[Segment], grid: np.ndarray
) -> list[np.ndarray]:
    """What the simulator does without its bookkeeping: set each segment's inputs, integrate
    to the grid times inside it. Returns the raw result of each segment."""
    results = []
    for segment in segments:
        for key, value in segment.inputs.items():
            runner.setValue(key, value)
        inside = grid[(grid > segment.start) & (grid < segment.end)]
        results.append(
            np.asarray(runner.simulate(times=[segment.start, *inside.tolist(), segment.end]))
        )
    return results
