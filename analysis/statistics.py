"""Statistics of a readout over a time window: what a finding or a scan compares."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

__all__ = ["STATISTICS", "compute_statistic"]


def _trapezoid(values: np.ndarray, times: np.ndarray) -> float:
    return float(np.sum((values[1:] + values[:-1]) * np.diff(times)) / 2.0)


#: Statistic name -> function of (values, times) over the window. ``auc`` is in
#: unit x minutes, ``time_of_*`` in minutes, ``rise`` is the maximum minus the window's first
#: value (the response above where the window starts).
STATISTICS: dict[str, Callable[[np.ndarray, np.ndarray], float]] = {
    "mean": lambda v, t: _trapezoid(v, t) / float(t[-1] - t[0]) if t[-1] > t[0] else float(v[0]),
    "max": lambda v, t: float(np.max(v)),
    "min": lambda v, t: float(np.min(v)),
    "auc": _trapezoid,
    "final": lambda v, t: float(v[-1]),
    "time_of_max": lambda v, t: float(t[int(np.argmax(v))]),
    "time_of_min": lambda v, t: float(t[int(np.argmin(v))]),
    "rise": lambda v, t: float(np.max(v) - v[0]),
}


def compute_statistic(
    course: pd.DataFrame, readout: str, statistic: str, window: tuple[float, float] | None = None
) -> float:
    """``statistic`` of ``readout`` over ``window`` (minutes, inclusive; default: all).

    Examples
    --------
    >>> course = pd.DataFrame({"x": [1.0, 3.0, 2.0]}, index=pd.Index([0.0, 10.0, 20.0]))
    >>> compute_statistic(course, "x", "time_of_max")
    10.0
    >>> compute_statistic(course, "x", "mean")
    2.25
    """
    if statistic not in STATISTICS:
        raise KeyError(
            f"unknown statistic '{statistic}'; valid statistics: {', '.join(STATISTICS)}"
        )
    times = course.index.to_numpy(dtype=float)
    values = course[readout].to_numpy(dtype=float)
    if window is not None:
        start, end = window
        inside = (times >= start - 1e-9) & (times <= end + 1e-9)
        if not inside.any():
            raise ValueError(
                f"window [{start}, {end}] min holds no output time; the run spans "
                f"[{times[0]:g}, {times[-1]:g}] min"
            )
        times, values = times[inside], values[inside]
    return STATISTICS[statistic](values, times)
