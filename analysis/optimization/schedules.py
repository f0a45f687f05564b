"""Weekly schedules: what the protocol search chooses between.

A schedule is up to a few kinds of session (*slots*), each repeated every week for the length
of the programme: which protocol, how many times a week, how long (or how many bouts) and how
hard. A slot after the first either has days of its own (spread through the week, half a
spacing after the first slot's) or is joined to the first slot: a sauna or a second bout
starts when the first slot's session ends, and a fast ends when the first slot's session
starts (exercise in the fasted state). Every session of a slot compiles to a
``training(protocol=..., sessions_per_week=..., weeks=..., start_h=...)`` of the protocol
library, so a schedule is an ordinary experiment.

Time counts against the weekly budget for exercise and heat; a fast or a ketone drink costs no
minutes (the search can still choose them; the budget is the user's time, not their effort).

:data:`SEARCH_SPACE` bounds each protocol's knobs to the range that exercise studies use.
The search works on a vector of numbers in [0, 1] (:func:`decode` maps it onto a schedule),
so one optimiser handles every protocol.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from mbaxis.analysis.errors import OptimizationError
from mbaxis.analysis.protocols import Protocol, make_protocol

__all__ = [
    "DEFAULT_SEARCH_PROTOCOLS",
    "SEARCH_SPACE",
    "Knob",
    "Schedule",
    "Session",
    "SessionSpace",
    "decode",
    "vector_bounds",
]

DAY_H = 24.0


@dataclass(frozen=True)
class Knob:
    """A protocol parameter the search sets, between ``low`` and ``high``."""

    parameter: str
    low: float
    high: float
    whole: bool = False  # a count (bouts): rounded to a whole number

    def value(self, u: float) -> float:
        raw = self.low + min(max(u, 0.0), 1.0) * (self.high - self.low)
        return float(round(raw)) if self.whole else round(raw, 2)


@dataclass(frozen=True)
class SessionSpace:
    """What the search may choose for one protocol: its size and intensity knobs, and the
    minutes one session of a given size takes from the weekly budget."""

    protocol: str
    size: Knob
    intensity: Knob | None
    fixed: tuple[tuple[str, Any], ...] = ()
    #: minutes of the budget per unit of ``size`` (0: costs no time)
    minutes_per_unit: float = 1.0
    reason: str = ""

    def session(self, size_u: float, intensity_u: float) -> Protocol:
        parameters: dict[str, Any] = dict(self.fixed)
        parameters[self.size.parameter] = self.size.value(size_u)
        if self.intensity is not None:
            parameters[self.intensity.parameter] = self.intensity.value(intensity_u)
        return make_protocol(self.protocol, **parameters)

    def minutes(self, protocol: Protocol) -> float:
        return float(protocol.parameters[self.size.parameter]) * self.minutes_per_unit

    @property
    def least_minutes(self) -> float:
        return self.size.low * self.minutes_per_unit


#: The knobs of each protocol and their ranges. Ranges are the span of the protocols in the
#: bundled findings and the literature catalogue, not an optimum anyone has shown.
SEARCH_SPACE: dict[str, SessionSpace] = {
    space.protocol: space
    for space in (
        SessionSpace(
            "aerobic",
            Knob("duration_min", 10.0, 90.0),
            Knob("intensity", 0.4, 0.9),
            reason="assumed: 10-90 min at 40-90% VO2max spans the aerobic bouts of the bundled "
            "findings (e.g. 20 min at 65-80% VO2max, Farrell 1983; 30-60 min at 70%)",
        ),
        SessionSpace(
            "hiit",
            Knob("bouts", 2.0, 10.0, whole=True),
            Knob("intensity", 0.8, 1.0),
            fixed=(("work_min", 4.0), ("rest_min", 3.0)),
            minutes_per_unit=7.0,
            reason="assumed: 4-min work bouts with 3 min active recovery (the protocol "
            "library's default, the Norwegian 4 x 4), 2-10 bouts at 80-100% VO2max",
        ),
        SessionSpace(
            "sprint",
            Knob("bouts", 1.0, 8.0, whole=True),
            Knob("intensity", 1.2, 2.0),
            fixed=(("work_min", 0.5), ("rest_min", 4.0)),
            minutes_per_unit=4.5,
            reason="assumed: 30-s Wingate-type sprints with 4 min recovery, 1-8 of them at "
            "120-200% of the power at VO2max (a Wingate is about 2)",
        ),
        SessionSpace(
            "resistance",
            Knob("duration_min", 10.0, 60.0),
            Knob("load", 0.5, 0.9),
            reason="assumed: 10-60 min sessions at 50-90% 1RM span the resistance protocols of "
            "the bundled findings",
        ),
        SessionSpace(
            "heat",
            Knob("duration_min", 10.0, 60.0),
            Knob("core_temp_rise", 0.3, 1.5),
            reason="assumed: 10-60 min of sauna or hot-water immersion raising core temperature "
            "0.3-1.5 C (0.8 C in a 73 C sauna: the protocol library's default)",
        ),
        SessionSpace(
            "fasting",
            Knob("duration_h", 12.0, 72.0),
            None,
            minutes_per_unit=0.0,
            reason="assumed: overnight-extended to three-day fasts, the span of the fasting "
            "findings; costs no minutes",
        ),
        SessionSpace(
            "ketone_ester",
            Knob("dose_g", 10.0, 50.0),
            None,
            minutes_per_unit=0.0,
            reason="assumed: 10-50 g drinks, the span of ketone-ester studies in the findings; "
            "costs no minutes",
        ),
    )
}

#: What ``mbaxis optimize`` chooses from unless told ``--protocols``.
DEFAULT_SEARCH_PROTOCOLS = ("aerobic", "hiit", "sprint", "resistance", "heat", "fasting")
#: Sessions a week a slot may have.
MOST_SESSIONS_PER_WEEK = 7


@dataclass(frozen=True)
class Session:
    """One slot of a weekly plan: a session, how often, and when."""

    protocol: Protocol
    sessions_per_week: int
    start_h: float
    minutes: float  # of the weekly budget, per session
    timing: str = ""  # how it sits against the first slot, in words

    @property
    def length_h(self) -> float:
        """Hours from the session's start to its end."""
        return _length(self.protocol) / 60.0

    def training(self, weeks: float) -> Protocol:
        return make_protocol(
            "training",
            protocol=self.protocol,
            sessions_per_week=float(self.sessions_per_week),
            weeks=float(weeks),
            start_h=round(self.start_h, 4),
        )


@dataclass(frozen=True)
class Schedule:
    """A weekly plan: its sessions, its time per week, and the lead-in before week 1."""

    sessions: tuple[Session, ...]
    lead_in_h: float

    @property
    def minutes_per_week(self) -> float:
        return sum(s.minutes * s.sessions_per_week for s in self.sessions)

    @property
    def occupancy(self) -> float:
        """The largest share of the week one slot's sessions fill (above 1 they overlap: six
        48-h fasts a week are no longer six fasts)."""
        return max(
            (s.length_h * s.sessions_per_week / (7 * DAY_H) for s in self.sessions), default=0.0
        )

    def protocols(self, weeks: float) -> tuple[Protocol, ...]:
        """The experiment: one ``training`` programme per slot."""
        if not self.sessions:
            return (make_protocol("rest"),)
        return tuple(s.training(weeks) for s in self.sessions)

    def window(self, weeks: float) -> tuple[float, float]:
        """The weeks of the programme (minutes), after the lead-in."""
        start = self.lead_in_h * 60.0
        return (start, start + weeks * 7 * DAY_H * 60.0)

    def describe(self) -> list[str]:
        """The plan in words: one entry per slot."""
        return [
            f"{s.protocol} x{s.sessions_per_week}/week" + (f" ({s.timing})" if s.timing else "")
            for s in self.sessions
        ]

    def shape(self) -> str:
        """The plan without its sizes and intensities: which protocols, how often, and how
        they sit together (the best of each shape is what a reader wants listed)."""
        return " | ".join(
            f"{s.protocol.name}*{s.sessions_per_week} {s.timing}" for s in self.sessions
        )

    def key(self) -> str:
        """What identifies the plan (equal plans are scored once)."""
        return " | ".join(
            f"{s.protocol}*{s.sessions_per_week}@{s.start_h:g}" for s in self.sessions
        )


#: Numbers per slot in the search vector: protocol, sessions a week, size, intensity, joined.
PER_SLOT = 5


def vector_bounds(
    slots: int, protocols: Sequence[str]
) -> tuple[list[tuple[float, float]], list[bool]]:
    """Bounds of the search vector and which entries are whole numbers (for the optimiser).

    Per slot: the protocol (0 = no session, 1.. = ``protocols``), sessions a week (1-7), size
    and intensity (0-1, mapped onto the protocol's knobs), and joined to the first slot (0/1;
    ignored for the first slot).
    """
    bounds: list[tuple[float, float]] = []
    whole: list[bool] = []
    for _ in range(slots):
        bounds += [(0, len(protocols)), (1, MOST_SESSIONS_PER_WEEK), (0, 1), (0, 1), (0, 1)]
        whole += [True, True, False, False, True]
    return bounds, whole


def _whole(value: float) -> int:
    """The whole number the optimiser meant (it hands whole-number variables over as floats)."""
    return math.floor(float(value) + 0.5)


def decode(vector: Sequence[float] | np.ndarray, protocols: Sequence[str]) -> Schedule:
    """The weekly plan a search vector stands for (see :func:`vector_bounds`)."""
    if len(vector) % PER_SLOT:
        raise OptimizationError(f"a schedule vector has {PER_SLOT} numbers per slot")
    chosen = []
    for slot in range(len(vector) // PER_SLOT):
        which, per_week, size, intensity, joined = vector[slot * PER_SLOT : (slot + 1) * PER_SLOT]
        index = _whole(which)
        if index == 0:
            continue
        space = SEARCH_SPACE[protocols[index - 1]]
        chosen.append((space, _whole(per_week), size, intensity, _whole(joined) == 1))
    if not chosen:
        return Schedule((), 0.0)
    first_space, first_n, *_ = chosen[0]
    first = first_space.session(chosen[0][2], chosen[0][3])
    first_minutes = _length(first)
    # a fast joined to the first slot ends when its session starts: everything begins after the
    # longest such fast, so that week 1 already has it
    lead_in = max(
        (
            space.session(size, intensity).parameters["duration_h"]
            for space, _, size, intensity, joined in chosen[1:]
            if joined and space.protocol == "fasting"
        ),
        default=0.0,
    )
    sessions = [Session(first, first_n, lead_in, first_space.minutes(first))]
    for space, per_week, size, intensity, joined in chosen[1:]:
        protocol = space.session(size, intensity)
        if joined:
            per_week = first_n
            if space.protocol == "fasting":
                start = lead_in - protocol.parameters["duration_h"]
                timing = f"ending as each {first.name} session starts"
            else:
                start = lead_in + first_minutes / 60.0
                timing = (
                    "as each fast ends"
                    if first.name == "fasting"
                    else f"right after each {first.name} session"
                )
        else:
            start = lead_in + 0.5 * 7 * DAY_H / per_week
            timing = f"between the {first.name} sessions"
        sessions.append(Session(protocol, per_week, start, space.minutes(protocol), timing))
    return Schedule(tuple(sessions), lead_in)


def _length(protocol: Protocol) -> float:
    """Minutes from a session's start to its end."""
    return float(protocol.duration) if math.isfinite(protocol.duration) else 0.0
