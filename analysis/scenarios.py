"""The one question every study asks of the model: a scenario.

A scenario is an :class:`Experiment` (protocols run at once, on a subject, under perturbations),
optional parameter overrides, the readouts, and a statistic of each over a time window on a
stated output grid. Knock-out scans, sensitivity analyses and the validation suite differ only
in which scenarios they make and how they summarise the numbers;
:func:`mbaxis.analysis.evaluation.evaluate` is the one function that answers them.

The output grid: every ``resolution`` minutes across the window (the whole run without one),
at most :data:`MAX_POINTS` points, plus every switch of an input (the simulator always stops
there). Nothing is recorded outside the window, so a statistic of the last day of an 8-week
programme does not pay for 8 weeks of output.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mbaxis.analysis.defaults import DEFAULT_STATISTIC
from mbaxis.analysis.errors import ScenarioError
from mbaxis.analysis.perturbations import Perturbation
from mbaxis.analysis.protocols import Protocol, default_t_end, make_protocol
from mbaxis.analysis.statistics import STATISTICS
from mbaxis.analysis.subjects import REFERENCE_SUBJECT, Subject

__all__ = ["DEFAULT_RESOLUTION", "MAX_POINTS", "Experiment", "RunKey", "Scenario"]

#: Minutes between output times inside a window.
DEFAULT_RESOLUTION = 1.0
#: Most output times a window gets; longer windows are sampled more coarsely.
MAX_POINTS = 2001


@dataclass(frozen=True)
class Experiment:
    """Protocols run at once, on a subject, under perturbations.

    Examples
    --------
    >>> from mbaxis.analysis.protocols import parse_protocol
    >>> print(Experiment((parse_protocol("aerobic"),)))
    aerobic(duration_min=30.0,intensity=0.65)
    """

    protocols: tuple[Protocol, ...] = field(default_factory=lambda: (make_protocol("rest"),))
    perturbations: tuple[Perturbation, ...] = ()
    subject: Subject = REFERENCE_SUBJECT

    def __post_init__(self) -> None:
        object.__setattr__(self, "protocols", tuple(self.protocols) or (make_protocol("rest"),))
        object.__setattr__(self, "perturbations", tuple(self.perturbations))

    def __str__(self) -> str:
        text = " + ".join(map(str, self.protocols))
        if self.perturbations:
            text += " | " + ", ".join(map(str, self.perturbations))
        if self.subject != REFERENCE_SUBJECT:
            text += f" | {self.subject}"
        return text

    def to_mapping(self) -> dict[str, Any]:
        """The YAML/JSON form of CONTRACT section 4."""
        data: dict[str, Any] = {
            "protocols": [p.to_mapping() for p in self.protocols],
            "perturbations": [p.to_mapping() for p in self.perturbations],
        }
        if self.subject != REFERENCE_SUBJECT:
            data["subject"] = self.subject.to_mapping()
        return data


#: What identifies one simulation: scenarios with equal keys share it (their readouts differ).
RunKey = tuple[Experiment, tuple[tuple[str, float], ...], float, tuple[float, ...]]


@dataclass(frozen=True)
class Scenario:
    """``statistic`` of each of ``readouts`` over ``window`` (minutes) in ``experiment``.

    Parameters
    ----------
    experiment : Experiment
        What is done, to whom.
    readouts : tuple of str
        Species or observable IDs.
    statistic : str
        One of :data:`mbaxis.analysis.statistics.STATISTICS`.
    window : (start, end), optional
        Minutes after t = 0; without one, the whole run (the protocols plus recovery).
    parameters : mapping, optional
        Kinetic parameters or half-lives overridden for this scenario
        (``{"exercise_lactate__emax": 15}``).
    resolution : float
        Minutes between output times inside the window.

    Raises
    ------
    ScenarioError
        For an unknown statistic, a window that ends before it starts or starts before 0, no
        readouts, or a resolution that is not positive.

    Examples
    --------
    >>> from mbaxis.analysis.protocols import parse_protocol
    >>> scenario = Scenario(Experiment((parse_protocol("aerobic"),)), ("serum__BDNF",),
    ...                     window=(0, 60))
    >>> scenario.t_end, len(scenario.times())
    (60.0, 61)
    >>> Scenario(Experiment(), ("serum__BDNF",), window=(50, 40))
    Traceback (most recent call last):
    ...
    mbaxis.analysis.errors.ScenarioError: window [50, 40] min ends before it starts; ...
    """

    experiment: Experiment
    readouts: tuple[str, ...]
    statistic: str = DEFAULT_STATISTIC
    window: tuple[float, float] | None = None
    parameters: Mapping[str, float] = field(default_factory=dict)
    resolution: float = DEFAULT_RESOLUTION

    def __post_init__(self) -> None:
        readouts = (self.readouts,) if isinstance(self.readouts, str) else tuple(self.readouts)
        object.__setattr__(self, "readouts", readouts)
        if not readouts:
            raise ScenarioError("a scenario needs at least one readout")
        if self.statistic not in STATISTICS:
            raise ScenarioError(
                f"unknown statistic '{self.statistic}'; valid statistics: {', '.join(STATISTICS)}"
            )
        if self.window is not None:
            start, end = (float(v) for v in self.window)
            if not (math.isfinite(start) and math.isfinite(end)):
                raise ScenarioError(f"window [{start:g}, {end:g}] min must be finite")
            if start < 0:
                raise ScenarioError(
                    f"window [{start:g}, {end:g}] min starts before t = 0; expected start >= 0"
                )
            if end < start:
                raise ScenarioError(
                    f"window [{start:g}, {end:g}] min ends before it starts; expected start <= end"
                )
            object.__setattr__(self, "window", (start, end))
        if not (self.resolution > 0 and math.isfinite(self.resolution)):
            raise ScenarioError(
                f"resolution must be a positive number of minutes; got {self.resolution}"
            )
        object.__setattr__(self, "parameters", dict(self.parameters))

    @property
    def t_end(self) -> float:
        """Where the run ends: the window's end (at least 1 min), or protocols plus recovery."""
        if self.window is None:
            return default_t_end(self.experiment.protocols)
        return max(self.window[1], 1.0)

    def times(self) -> list[float]:
        """The output times (see the module docstring); the run adds every input switch."""
        start, end = self.window if self.window is not None else (0.0, self.t_end)
        count = min(MAX_POINTS - 1, math.floor((end - start) / self.resolution + 1e-9))
        grid = [start + (end - start) * i / count for i in range(count + 1)] if count else [start]
        return sorted({*grid, end, self.t_end})

    def run_key(self) -> RunKey:
        """What identifies the simulation this scenario needs (see :func:`evaluate`)."""
        return (
            self.experiment,
            tuple(sorted(self.parameters.items())),
            self.t_end,
            tuple(self.times()),
        )

    def describe(self) -> dict[str, Any]:
        """The scenario as JSON."""
        return {
            "experiment": self.experiment.to_mapping(),
            "readouts": list(self.readouts),
            "statistic": self.statistic,
            "window": list(self.window) if self.window is not None else None,
            "parameters": dict(self.parameters),
            "resolution": self.resolution,
        }
