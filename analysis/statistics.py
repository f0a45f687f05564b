"""Statistics of a readout over a time window: what a finding or a scan compares.

Each statistic is a function of the readout's values and the output times inside the window
(numpy arrays); this module needs no import of its own, so the command line can list the
statistics before anything heavy loads.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = ["STATISTICS", "compute_statistic"]


def _trapezoid(values: np.ndarray, times: np.ndarray) -> float:
    return float(((values[1:] + values[:-1]) * (times[1:] - times[:-1])).sum() / 2.0)


def _mean(values: np.ndarray, times: np.ndarray) -> float:
    span = float(times[-1] - times[0])
    return _trapezoid(values, times) / span if span > 0 else float(values[0])


#: Two values closer than this fraction of the extreme are the same level: integrator noise on a
#: readout that does not move (about 1e-6 of its level at the null model's tolerance) must not
#: decide when it "peaks".
SAME_LEVEL = 1e-5


def _time_of_max(values: np.ndarray, times: np.ndarray) -> float:
    """The earliest time the readout is at its maximum, within :data:`SAME_LEVEL` of it."""
    top = float(values.max())
    return float(times[int((values >= top - SAME_LEVEL * abs(top)).argmax())])


def _time_of_min(values: np.ndarray, times: np.ndarray) -> float:
    """The earliest time the readout is at its minimum, within :data:`SAME_LEVEL` of it."""
    return _time_of_max(-values, times)


#: Statistic name -> function of (values, times) over the window. ``auc`` is in
#: unit x minutes, ``time_of_*`` in minutes (the earliest, on a plateau), ``rise`` is the
#: maximum minus the window's first value (the response above where the window starts).
STATISTICS: dict[str, Callable[[np.ndarray, np.ndarray], float]] = {
    "mean": _mean,
    "max": lambda v, t: float(v.max()),
    "min": lambda v, t: float(v.min()),
    "auc": _trapezoid,
    "final": lambda v, t: float(v[-1]),
    "time_of_max": _time_of_max,
    "time_of_min": _time_of_min,
    "rise": lambda v, t: float(v.max() - v[0]),
}


def compute_statistic(
    course: pd.DataFrame, readout: str, statistic: str, window: tuple[float, float] | None = None
) -> float:
    """``statistic`` of ``readout`` over ``window`` (minutes, inclusive; default: all).

    Examples
    --------
    >>> import pandas as pd
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
