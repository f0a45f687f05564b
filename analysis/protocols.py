"""The protocol library (CONTRACT section 3): named experiments compiled to input schedules.

A protocol is a name plus keyword parameters, written ``aerobic(duration_min=40,intensity=0.7)``
on the command line and ``{name: aerobic, duration_min: 40}`` in YAML/JSON. Each compiles to
intervals during which model inputs hold constant values; several protocols given together run
at once (an input set by two of them takes the larger value). :func:`schedule` turns them into
:class:`Segment` s with a breakpoint at every switch, so the integrator stops exactly there and
never steps over a short bout. Switch times closer than :data:`TIME_TOLERANCE` are one switch:
two protocols whose bouts end together in exact arithmetic (``0.1666...`` minutes added up in
binary) must not leave the integrator a segment a few 1e-11 minutes long.

Time is in minutes from the start of the intervention (t = 0).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from mbaxis.analysis.defaults import (
    CJC1295_DOSE,
    ESTRADIOL,
    ESTRADIOL_TRANSDERMAL,
    FASTING,
    HEAT,
    HEXARELIN_DOSE,
    INFUSION,
    IPAMORELIN_DOSE,
    KETONE,
    LOAD,
    MK677_DOSE,
    SERMORELIN_DOSE,
    STRESS,
    TESTOSTERONE,
    WORK_RATE,
)
from mbaxis.analysis.errors import ProtocolError

__all__ = [
    "BOUT_PROTOCOLS",
    "PROTOCOLS",
    "SESSION_PROTOCOLS",
    "TIME_TOLERANCE",
    "Interval",
    "Protocol",
    "ProtocolDefinition",
    "Segment",
    "default_t_end",
    "make_protocol",
    "parse_protocol",
    "protocol_from_mapping",
    "schedule",
]

DAY = 1440.0
#: Switch times closer than this (minutes; 60 microseconds) are the same switch, and an
#: interval shorter than it is absorbed. It is far above the rounding of sums of fractional
#: minutes over years of schedule (1e-9 minutes), far below any bout anyone runs (a second), and
#: what CVODE needs between two stops (its CV_TOO_CLOSE test scales with the stop time).
TIME_TOLERANCE = 1e-6


@dataclass(frozen=True)
class Interval:
    """Inputs held at constant values from ``start`` to ``end`` (minutes).

    ``absolute`` names the inputs given in units of the reference subject (an ``intensity``
    with ``absolute: true``); the simulator converts them to the subject's own at the time.
    """

    start: float
    end: float
    inputs: Mapping[str, float]
    absolute: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Segment:
    """A stretch of the schedule with constant inputs; every input of the run is listed."""

    start: float
    end: float
    inputs: Mapping[str, float]
    absolute: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Parameter:
    """A protocol parameter: its default, type, unit, meaning and (for text) its choices."""

    default: Any
    kind: type
    unit: str
    description: str
    choices: tuple[str, ...] = ()
    #: The largest valid value (None: no upper limit but finiteness).
    maximum: float | None = None
    # Parameters added after a protocol was first published are written out (in names,
    # messages and cache keys) only when they differ from their default, so that the names
    # users and outside checks already rely on stay as they were.
    optional: bool = False


@dataclass(frozen=True)
class ProtocolDefinition:
    """A named protocol: its parameters and how it compiles to input intervals."""

    name: str
    description: str
    parameters: Mapping[str, Parameter]
    compile: Callable[[Mapping[str, Any]], list[Interval]]


@dataclass(frozen=True)
class Protocol:
    """A protocol with every parameter resolved (defaults filled in)."""

    name: str
    parameters: Mapping[str, Any] = field(default_factory=dict)

    def __hash__(self) -> int:  # the parameters are a mapping; equal protocols hash equal
        return hash((self.name, tuple(sorted(self.parameters.items()))))

    def intervals(self) -> list[Interval]:
        """The input intervals this protocol applies."""
        return PROTOCOLS[self.name].compile(self.parameters)

    @property
    def duration(self) -> float:
        """Minutes from t = 0 to the end of the last interval (0 for ``rest``)."""
        return max((i.end for i in self.intervals()), default=0.0)

    def __str__(self) -> str:
        declared = PROTOCOLS[self.name].parameters if self.name in PROTOCOLS else {}
        arguments = ",".join(
            f"{k}={_format_value(v)}"
            for k, v in self.parameters.items()
            if not (k in declared and declared[k].optional and v == declared[k].default)
        )
        return f"{self.name}({arguments})" if arguments else self.name

    def to_mapping(self) -> dict[str, Any]:
        """The YAML/JSON form, ``{name: ..., key: value}``."""
        return {
            "name": self.name,
            **{
                k: v.to_mapping() if isinstance(v, Protocol) else v
                for k, v in self.parameters.items()
            },
        }


def _format_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# --- the library -----------------------------------------------------------------------------


def _bouts(
    bouts: int,
    work: float,
    rest: float,
    on: Mapping[str, float],
    off: Mapping[str, float],
    absolute: frozenset[str] = frozenset(),
) -> list[Interval]:
    intervals, t = [], 0.0
    for bout in range(bouts):
        intervals.append(Interval(t, t + work, on, absolute))
        t += work
        if bout < bouts - 1 and rest > 0:
            if any(v > 0 for v in off.values()):
                intervals.append(Interval(t, t + rest, off, absolute))
            t += rest
    return intervals


def _absolute(p: Mapping[str, Any]) -> frozenset[str]:
    return frozenset({WORK_RATE}) if p["absolute"] else frozenset()


def _aerobic(p: Mapping[str, Any]) -> list[Interval]:
    return [Interval(0.0, p["duration_min"], {WORK_RATE: p["intensity"]}, _absolute(p))]


def _hiit(p: Mapping[str, Any]) -> list[Interval]:
    return _bouts(
        p["bouts"],
        p["work_min"],
        p["rest_min"],
        {WORK_RATE: p["intensity"]},
        {WORK_RATE: p["rest_intensity"]},
        _absolute(p),
    )


def _sprint(p: Mapping[str, Any]) -> list[Interval]:
    return _bouts(
        p["bouts"], p["work_min"], p["rest_min"], {WORK_RATE: p["intensity"]}, {}, _absolute(p)
    )


def _resistance(p: Mapping[str, Any]) -> list[Interval]:
    sets = p["sets"]
    if sets == 0:
        # A session given by its length is lifted the way sessions are: as many sets of
        # set_min with rest_min between as fit in duration_min (a session is never one
        # unbroken stretch of lifting, and the glycolytic load of its sets is what raises
        # lactate and growth hormone).
        if p["duration_min"] < p["set_min"]:
            return [Interval(0.0, p["duration_min"], {LOAD: p["load"]})]
        cycle = p["set_min"] + p["rest_min"]
        sets = math.floor((p["duration_min"] + p["rest_min"]) / cycle + 1e-9)
    return _bouts(sets, p["set_min"], p["rest_min"], {LOAD: p["load"]}, {})


def _lactate_infusion(p: Mapping[str, Any]) -> list[Interval]:
    return [Interval(0.0, p["duration_min"], {INFUSION: p["rate"]})]


def _fasting(p: Mapping[str, Any]) -> list[Interval]:
    return [Interval(0.0, p["duration_h"] * 60.0, {FASTING: 1.0})]


def _ketone_ester(p: Mapping[str, Any]) -> list[Interval]:
    minutes = p["absorption_min"]
    return [Interval(0.0, minutes, {KETONE: p["dose_g"] / (minutes / 60.0)})]


def _heat(p: Mapping[str, Any]) -> list[Interval]:
    rise = p["core_temp_rise"] if p["whole_body"] else 0.5 * p["core_temp_rise"]
    return [Interval(0.0, p["duration_min"], {HEAT: rise})]


def _stress(p: Mapping[str, Any]) -> list[Interval]:
    return [
        Interval(day * DAY, day * DAY + p["duration_min"], {STRESS: p["intensity"]})
        for day in range(p["days"])
    ]


#: Each secretagogue: the input its doses enter by, how long one administration lasts (an oral
#: dose is absorbed over an hour, an injection enters over minutes) and the default days between
#: doses.
AGENTS: dict[str, tuple[str, float, float]] = {
    "mk677": (MK677_DOSE, 60.0, 1.0),
    "ipamorelin": (IPAMORELIN_DOSE, 5.0, 1.0),
    "hexarelin": (HEXARELIN_DOSE, 5.0, 1.0),
    "sermorelin": (SERMORELIN_DOSE, 5.0, 1.0),
    "cjc1295": (CJC1295_DOSE, 5.0, 7.0),
}


def _secretagogue(p: Mapping[str, Any]) -> list[Interval]:
    """Doses of ``dose_mg`` every ``interval_days`` over ``days``, each given over the agent's
    administration time, as a dose rate in mg/d (so the amount given is ``dose_mg``)."""
    input_id, minutes, default_interval = AGENTS[p["agent"]]
    every = p["interval_days"] if p["interval_days"] > 0 else default_interval
    rate = p["dose_mg"] / (minutes / DAY)
    doses = max(1, math.ceil(p["days"] / every - 1e-9))
    return [
        Interval(n * every * DAY, n * every * DAY + minutes, {input_id: rate}) for n in range(doses)
    ]


def _therapy(input_id: str, dose_key: str) -> Callable[[Mapping[str, Any]], list[Interval]]:
    def compile_therapy(p: Mapping[str, Any]) -> list[Interval]:
        return [Interval(0.0, p["days"] * DAY, {input_id: p[dose_key]})]

    return compile_therapy


def _estradiol_therapy(p: Mapping[str, Any]) -> list[Interval]:
    route = ESTRADIOL if p["route"] == "oral" else ESTRADIOL_TRANSDERMAL
    return [Interval(0.0, p["days"] * DAY, {route: p["dose"]})]


def _training(p: Mapping[str, Any]) -> list[Interval]:
    bout: Protocol = p["protocol"]
    spacing = 7.0 * DAY / p["sessions_per_week"]
    sessions = round(p["sessions_per_week"] * p["weeks"])
    start = p["start_h"] * 60.0
    return [
        Interval(
            start + i * spacing + interval.start,
            start + i * spacing + interval.end,
            interval.inputs,
            interval.absolute,
        )
        for i in range(sessions)
        for interval in bout.intervals()
    ]


def _p(
    default: Any,
    unit: str,
    description: str,
    kind: type | None = None,
    choices: tuple[str, ...] = (),
    optional: bool = False,
    maximum: float | None = None,
) -> Parameter:
    return Parameter(default, kind or type(default), unit, description, choices, maximum, optional)


#: Guards against typos, not physiology: no one works above three times the power at VO2max
#: (a Wingate sprint is about twice), and a fraction of 1RM or a stress level is at most 1.
MOST_INTENSITY = 3.0
#: Likewise: 4 C above a resting 37 C is past the 40 C of heat stroke.
MOST_CORE_TEMP_RISE = 4.0
#: Guards on sizes, far beyond any study, so that a typo cannot ask for a billion intervals:
#: ten years, 100 bouts or sets in a session, three sessions a day.
MOST_DAYS = 3650.0
MOST_REPEATS = 100
MOST_SESSIONS_PER_WEEK = 21.0


_ABSOLUTE = _p(
    False,
    "",
    "true: intensity is a fraction of the reference subject's VO2max (the same absolute "
    "load for every subject); false: of the subject's own VO2max at the time",
    optional=True,
)


PROTOCOLS: dict[str, ProtocolDefinition] = {
    definition.name: definition
    for definition in (
        ProtocolDefinition("rest", "no intervention", {}, lambda p: []),
        ProtocolDefinition(
            "aerobic",
            "continuous aerobic exercise (cycling, running)",
            {
                "duration_min": _p(30.0, "min", "duration of the bout"),
                "intensity": _p(
                    0.65,
                    "fraction_VO2max",
                    "work rate as a fraction of VO2max",
                    maximum=MOST_INTENSITY,
                ),
                "absolute": _ABSOLUTE,
            },
            _aerobic,
        ),
        ProtocolDefinition(
            "hiit",
            "high-intensity interval training (default 4 x 4 min)",
            {
                "bouts": _p(4, "count", "number of work intervals", maximum=MOST_REPEATS),
                "work_min": _p(4.0, "min", "duration of each work interval"),
                "rest_min": _p(3.0, "min", "duration of each recovery interval"),
                "intensity": _p(
                    0.9, "fraction_VO2max", "work-interval intensity", maximum=MOST_INTENSITY
                ),
                "rest_intensity": _p(
                    0.5, "fraction_VO2max", "active-recovery intensity", maximum=MOST_INTENSITY
                ),
                "absolute": _ABSOLUTE,
            },
            _hiit,
        ),
        ProtocolDefinition(
            "sprint",
            "supramaximal sprints (a Wingate bout is 0.5 min)",
            {
                "bouts": _p(4, "count", "number of sprints", maximum=MOST_REPEATS),
                "work_min": _p(0.5, "min", "duration of each sprint"),
                "intensity": _p(
                    1.5, "fraction_VO2max", "sprint intensity (above 1)", maximum=MOST_INTENSITY
                ),
                "rest_min": _p(4.0, "min", "passive recovery between sprints"),
                "absolute": _ABSOLUTE,
            },
            _sprint,
        ),
        ProtocolDefinition(
            "resistance",
            "resistance exercise session",
            {
                "duration_min": _p(
                    45.0,
                    "min",
                    "length of the session when sets = 0: filled with sets of set_min and "
                    "rest_min between",
                ),
                "load": _p(
                    0.7,
                    "fraction_1RM",
                    "load as a fraction of the one-repetition maximum",
                    maximum=1.0,
                ),
                "sets": _p(
                    0,
                    "count",
                    "number of sets (0: as many as fit in duration_min)",
                    int,
                    optional=True,
                    maximum=MOST_REPEATS,
                ),
                "set_min": _p(
                    0.5,
                    "min",
                    "duration of each set (about 10 repetitions of 3 s)",
                    optional=True,
                ),
                "rest_min": _p(2.0, "min", "rest between sets", optional=True),
            },
            _resistance,
        ),
        ProtocolDefinition(
            "lactate_infusion",
            "intravenous sodium lactate infusion at rest",
            {
                "duration_min": _p(60.0, "min", "duration of the infusion"),
                # assumed: Roja 2025 reached 'medium to intense exercise' lactate; their rate
                # was not retrieved. 4 mmol/min gives ~5 mM (van Hall 2009: 2.7 -> 3.9 mM).
                "rate": _p(4.0, "mmol/min", "infusion rate"),
            },
            _lactate_infusion,
        ),
        ProtocolDefinition(
            "fasting",
            "no food intake",
            {
                "duration_h": _p(24.0, "h", "duration of the fast", maximum=MOST_DAYS * 24),
            },
            _fasting,
        ),
        ProtocolDefinition(
            "ketone_ester",
            "oral ketone ester drink",
            {
                "dose_g": _p(25.0, "g", "dose of ketone ester"),
                "absorption_min": _p(60.0, "min", "time over which the dose is absorbed (assumed)"),
            },
            _ketone_ester,
        ),
        ProtocolDefinition(
            "heat",
            "passive heat exposure (sauna, hot-water immersion)",
            {
                "duration_min": _p(30.0, "min", "duration of the exposure"),
                "core_temp_rise": _p(
                    0.8,
                    "degC",
                    "rise of core temperature (0.8 in a 73 C sauna)",
                    maximum=MOST_CORE_TEMP_RISE,
                ),
                "whole_body": _p(
                    True,
                    "",
                    "false halves the systemic heat input (assumed: "
                    "half-body immersion heats less tissue)",
                ),
            },
            _heat,
        ),
        ProtocolDefinition(
            "stress",
            "acute psychological stress",
            {
                "duration_min": _p(20.0, "min", "duration of the stressor"),
                "intensity": _p(0.5, "fraction", "intensity (0 to 1)", maximum=1.0),
                "days": _p(
                    1,
                    "count",
                    "daily exposures (the same time each day)",
                    optional=True,
                    maximum=MOST_DAYS,
                ),
            },
            _stress,
        ),
        ProtocolDefinition(
            "testosterone_therapy",
            "exogenous testosterone",
            {
                "dose": _p(10.0, "mg/d", "daily dose"),
                "days": _p(28.0, "d", "duration of the therapy", maximum=MOST_DAYS),
            },
            _therapy(TESTOSTERONE, "dose"),
        ),
        ProtocolDefinition(
            "estradiol_therapy",
            "exogenous estradiol: oral tablets, or a transdermal patch (its nominal delivery)",
            {
                "dose": _p(2.0, "mg/d", "daily dose"),
                "days": _p(28.0, "d", "duration of the therapy", maximum=MOST_DAYS),
                "route": _p(
                    "oral",
                    "",
                    "oral (first pass through the liver) or transdermal",
                    str,
                    choices=("oral", "transdermal"),
                    optional=True,
                ),
            },
            _estradiol_therapy,
        ),
        ProtocolDefinition(
            "gh_secretagogue",
            "ghrelin-receptor agonist: oral MK-677 (ibutamoren) or injected ipamorelin, hexarelin",
            {
                "dose_mg": _p(25.0, "mg", "dose per administration"),
                "days": _p(28.0, "d", "duration of the treatment", maximum=MOST_DAYS),
                "agent": _p(
                    "mk677",
                    "",
                    "the agent",
                    str,
                    choices=("mk677", "ipamorelin", "hexarelin"),
                    optional=True,
                ),
                "interval_days": _p(
                    0.0, "d", "days between doses (0: the agent's usual, daily)", optional=True
                ),
            },
            _secretagogue,
        ),
        ProtocolDefinition(
            "ghrh_analogue",
            "GHRH-receptor agonist injected: sermorelin (daily) or CJC-1295 (weekly)",
            {
                "dose_mg": _p(0.1, "mg", "dose per injection"),
                "days": _p(28.0, "d", "duration of the treatment", maximum=MOST_DAYS),
                "agent": _p("sermorelin", "", "the agent", str, choices=("sermorelin", "cjc1295")),
                "interval_days": _p(
                    0.0, "d", "days between doses (0: the agent's usual: sermorelin 1, CJC-1295 7)"
                ),
            },
            _secretagogue,
        ),
        ProtocolDefinition(
            "training",
            "repeated bouts over weeks",
            {
                "protocol": _p(
                    None,
                    "",
                    "the session: aerobic, hiit, sprint or resistance with its parameters "
                    "(or heat, fasting, ketone_ester repeated the same way)",
                    kind=Protocol,
                ),
                "sessions_per_week": _p(
                    3.0, "1/week", "sessions per week", maximum=MOST_SESSIONS_PER_WEEK
                ),
                "weeks": _p(8.0, "week", "duration of the programme", maximum=MOST_DAYS / 7),
                "start_h": _p(
                    0.0,
                    "h",
                    "when the first session starts (a weekly plan places its kinds of session "
                    "apart, or one right after another; a later block of a periodised programme "
                    "starts when the block before it ends)",
                    optional=True,
                    maximum=MOST_DAYS * 24.0,
                ),
            },
            _training,
        ),
    )
}

def _starting_later(definition: ProtocolDefinition) -> ProtocolDefinition:
    """``definition`` with an optional ``start_h``: a test bout, a sample or a dose placed after
    a block of training (pre/post designs), with what the training did to the subject in place.
    """
    start_h = _p(
        0.0,
        "h",
        "when the protocol starts (a test bout after a block of training starts when the block "
        "ends)",
        optional=True,
        maximum=MOST_DAYS * 24.0,
    )

    def compile(p: Mapping[str, Any]) -> list[Interval]:
        start = p["start_h"] * 60.0
        return [
            Interval(start + i.start, start + i.end, i.inputs, i.absolute)
            for i in definition.compile(p)
        ]

    return ProtocolDefinition(
        definition.name,
        definition.description,
        {**definition.parameters, "start_h": start_h},
        compile,
    )


# Training has its own start_h (where the first session of a weekly plan falls); rest has nothing
# to place.
PROTOCOLS = {
    name: definition if name in ("rest", "training") else _starting_later(definition)
    for name, definition in PROTOCOLS.items()
}

#: The exercise bouts of a ``training`` programme.
BOUT_PROTOCOLS = ("aerobic", "hiit", "sprint", "resistance")
#: What else a ``training`` programme can repeat on a weekly rhythm (sauna, fasting days, a
#: daily ketone drink): the sessions a weekly plan is built from.
SESSION_PROTOCOLS = (*BOUT_PROTOCOLS, "heat", "fasting", "ketone_ester")


def default_t_end(protocols: Sequence[Protocol]) -> float:
    """Protocol duration plus a recovery window (3 h after short protocols, 2 days after long).

    Examples
    --------
    >>> default_t_end([make_protocol("aerobic", duration_min=40)])
    240.0
    """
    duration = max((p.duration for p in protocols), default=0.0)
    return max(240.0, duration + (180.0 if duration < 1440.0 else 2880.0))


def make_protocol(name: str, **parameters: Any) -> Protocol:
    """Validate ``name`` and ``parameters`` and fill in the defaults.

    Raises
    ------
    ProtocolError
        Naming the unknown protocol or parameter and listing the valid ones, or the bad value.

    Examples
    --------
    >>> make_protocol("aerobic", duration_min=40).parameters["intensity"]
    0.65
    >>> make_protocol("swim")
    Traceback (most recent call last):
    ...
    mbaxis.analysis.errors.ProtocolError: unknown protocol 'swim'; valid protocols: rest, ...
    """
    if name not in PROTOCOLS:
        raise ProtocolError(f"unknown protocol '{name}'; valid protocols: {', '.join(PROTOCOLS)}")
    definition = PROTOCOLS[name]
    resolved: dict[str, Any] = {}
    for key in parameters:
        if key not in definition.parameters:
            valid = ", ".join(definition.parameters) or "none"
            raise ProtocolError(
                f"unknown parameter '{key}' of protocol '{name}'; valid parameters: {valid}"
            )
    for key, spec in definition.parameters.items():
        value = parameters.get(key, spec.default)
        resolved[key] = _check_value(name, key, spec, value)
    if resolved.get("agent") in AGENTS and resolved.get("interval_days", 0.0) > 0.0:
        minutes = AGENTS[resolved["agent"]][1]
        if resolved["interval_days"] * DAY < minutes:
            raise ProtocolError(
                f"parameter 'interval_days' of protocol '{name}' must be 0 (the agent's usual) "
                f"or at least one administration ({minutes:g} min = {minutes / DAY:.3g} d); "
                f"got {resolved['interval_days']!r}"
            )
    return Protocol(name, resolved)


def _check_value(name: str, key: str, spec: Parameter, value: Any) -> Any:
    where = f"parameter '{key}' of protocol '{name}'"
    if spec.kind is Protocol:
        if isinstance(value, Mapping):
            value = protocol_from_mapping(value)
        if not isinstance(value, Protocol) or value.name not in SESSION_PROTOCOLS:
            raise ProtocolError(
                f"{where} must be one of: {', '.join(SESSION_PROTOCOLS)}; got {value!r}"
            )
        return value
    if spec.kind is bool:
        if not isinstance(value, bool):
            raise ProtocolError(f"{where} must be true or false; got {value!r}")
        return value
    if spec.kind is str:
        if value not in spec.choices:
            raise ProtocolError(f"{where} must be one of: {', '.join(spec.choices)}; got {value!r}")
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ProtocolError(f"{where} must be a number ({spec.unit}); got {value!r}")
    if not math.isfinite(value):
        raise ProtocolError(f"{where} must be a finite number ({spec.unit}); got {value!r}")
    if spec.kind is int:
        least = 0 if key == "sets" else 1  # sets = 0: lifting as one continuous stretch
        if value != int(value) or value < least:
            raise ProtocolError(
                f"{where} must be a whole number of at least {least}; got {value!r}"
            )
        if spec.maximum is not None and value > spec.maximum:
            raise ProtocolError(f"{where} must be at most {spec.maximum:g}; got {value!r}")
        return int(value)
    if value < 0:
        raise ProtocolError(f"{where} must be a non-negative number ({spec.unit}); got {value!r}")
    if spec.maximum is not None and value > spec.maximum:
        raise ProtocolError(
            f"{where} must be at most {spec.maximum:g} ({spec.unit}); got {value!r}"
        )
    if (
        key
        in (
            "duration_min",
            "work_min",
            "duration_h",
            "days",
            "weeks",
            "sessions_per_week",
            "absorption_min",
        )
        and value <= 0
    ):
        raise ProtocolError(f"{where} must be positive ({spec.unit}); got {value!r}")
    return float(value)


def protocol_from_mapping(mapping: Mapping[str, Any]) -> Protocol:
    """A protocol from its YAML/JSON form ``{name: aerobic, duration_min: 40}``."""
    if "name" not in mapping:
        raise ProtocolError(f"a protocol needs a 'name'; got {dict(mapping)!r}")
    parameters = {k: v for k, v in mapping.items() if k != "name"}
    return make_protocol(str(mapping["name"]), **parameters)


_TOKEN = re.compile(r"\s*(?:(?P<punct>[(),=])|(?P<word>[^\s(),=]+))")


def parse_protocol(text: str) -> Protocol:
    """A protocol from its command-line form.

    Examples
    --------
    >>> str(parse_protocol("aerobic(duration_min=40,intensity=0.7)"))
    'aerobic(duration_min=40.0,intensity=0.7)'
    >>> parse_protocol("training(protocol=hiit(bouts=4),weeks=6)").parameters["weeks"]
    6.0
    """
    tokens = [m.group("punct") or m.group("word") for m in _TOKEN.finditer(text)]
    if "".join(tokens) != "".join(text.split()):
        raise ProtocolError(f"cannot read protocol '{text}'; expected name(key=value,...)")
    protocol, position = _parse(tokens, 0, text)
    if position != len(tokens):
        raise ProtocolError(f"cannot read protocol '{text}': unexpected '{tokens[position]}'")
    return protocol


def _parse(tokens: list[str], position: int, text: str) -> tuple[Protocol, int]:
    if position >= len(tokens) or tokens[position] in "(),=":
        raise ProtocolError(f"cannot read protocol '{text}'; expected name(key=value,...)")
    name = tokens[position]
    position += 1
    arguments: dict[str, Any] = {}
    if position < len(tokens) and tokens[position] == "(":
        position += 1
        while position < len(tokens) and tokens[position] != ")":
            key = tokens[position]
            if position + 1 >= len(tokens) or tokens[position + 1] != "=":
                raise ProtocolError(f"cannot read protocol '{text}': expected '=' after '{key}'")
            position += 2
            if position + 1 < len(tokens) and tokens[position + 1] == "(":
                arguments[key], position = _parse(tokens, position, text)
            else:
                if position >= len(tokens):
                    raise ProtocolError(f"cannot read protocol '{text}': missing value of {key}")
                arguments[key] = _value(tokens[position])
                position += 1
            if position < len(tokens) and tokens[position] == ",":
                position += 1
        if position >= len(tokens):
            raise ProtocolError(f"cannot read protocol '{text}': missing ')'")
        position += 1
    if name in PROTOCOLS and "protocol" in arguments and isinstance(arguments["protocol"], str):
        arguments["protocol"] = make_protocol(arguments["protocol"])
    return make_protocol(name, **arguments), position


def _value(token: str) -> Any:
    lowered = token.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    try:
        return float(token)
    except ValueError:
        return token


def schedule(protocols: Sequence[Protocol], t_end: float) -> list[Segment]:
    """Constant-input segments covering ``[0, t_end]``, with a breakpoint at every switch.

    Every segment lists every input that any protocol sets (0 when off). An input set by two
    protocols at once takes the larger value (and is absolute if that value is). Switch times
    within :data:`TIME_TOLERANCE` of each other are merged into the earliest of them (0 and
    ``t_end`` win their groups), so no segment is shorter than the tolerance.

    Examples
    --------
    >>> [(s.start, s.end, dict(s.inputs)) for s in schedule([make_protocol("aerobic")], 60)]
    [(0.0, 30.0, {'muscle__work_rate': 0.65}), (30.0, 60.0, {'muscle__work_rate': 0.0})]
    """
    t_end = float(t_end)
    raw = [i for p in protocols for i in p.intervals() if i.end > i.start]
    names = sorted({name for i in raw for name in i.inputs})
    switch = _merged_times({t for i in raw for t in (i.start, i.end)}, t_end)
    intervals = [
        (switch[i.start], switch[i.end], i) for i in raw if switch[i.end] > switch[i.start]
    ]
    times = sorted({0.0, t_end, *(t for t in switch.values() if 0.0 < t < t_end)})
    segments = []
    for start, end in pairwise(times):
        inputs = {name: 0.0 for name in names}
        absolute: set[str] = set()
        for first, last, interval in intervals:
            if first <= start and end <= last:
                for name, value in interval.inputs.items():
                    if value > inputs[name]:
                        inputs[name] = value
                        absolute.discard(name)
                        if name in interval.absolute:
                            absolute.add(name)
        segments.append(Segment(start, end, inputs, frozenset(absolute)))
    return segments


def _merged_times(times: set[float], t_end: float) -> dict[float, float]:
    """Each switch time mapped onto the time of its group: times closer than the tolerance to
    the group's first time are one switch; a group holding 0 or ``t_end`` is at that time, and
    times beyond ``t_end`` are at ``t_end``."""
    merged: dict[float, float] = {}
    anchors = sorted({0.0, t_end, *(min(max(t, 0.0), t_end) for t in times)})
    groups: list[list[float]] = []
    for t in anchors:
        if groups and t - groups[-1][0] < TIME_TOLERANCE:
            groups[-1].append(t)
        else:
            groups.append([t])
    where: dict[float, float] = {}
    for group in groups:
        at = 0.0 if 0.0 in group else t_end if t_end in group else group[0]
        for t in group:
            where[t] = at
    for t in times:
        merged[t] = where[min(max(t, 0.0), t_end)]
    return merged
