"""Hypothesis strategies for the experiment language: protocols, perturbations, subjects.

They are built from the protocol library itself (:data:`mbaxis.analysis.protocols.PROTOCOLS`),
so a protocol or parameter added there is generated here without an edit. Values span each
parameter's valid range; open-ended sizes (durations, days, weeks, counts) are drawn up to a
bound that keeps one example under a second, which is stated next to each bound.
"""

from __future__ import annotations

import math
from typing import Any

from hypothesis import strategies as st

from mbaxis.analysis.perturbations import Perturbation
from mbaxis.analysis.protocols import (
    BOUT_PROTOCOLS,
    PROTOCOLS,
    Parameter,
    Protocol,
    make_protocol,
)
from mbaxis.analysis.subjects import Subject
from mbaxis.network import Model
from mbaxis.network.naming import EdgeId

#: Protocols that are not a bout of ``training``, nor ``training`` itself.
PLAIN_PROTOCOLS = tuple(name for name in PROTOCOLS if name != "training")

#: Minutes as users write them: whole and fractional (sixths and tenths of a minute, whose
#: binary forms do not add up exactly) and arbitrary floats.
minutes = st.one_of(
    st.integers(1, 360).map(lambda k: k / 6),
    st.integers(1, 600).map(lambda k: k / 10),
    st.floats(0.01, 90.0, allow_nan=False),
)


def _number(key: str, spec: Parameter) -> st.SearchStrategy[float]:
    """Values of a numeric protocol parameter across its valid range."""
    if spec.unit == "min":
        # recovery between bouts may be zero; every other duration is positive
        return st.one_of(st.just(0.0), minutes) if key == "rest_min" else minutes
    if key == "interval_days":  # 0: the agent's usual; else at least one administration
        return st.one_of(st.just(0.0), st.floats(0.05, 14.0))
    most = min(spec.maximum or math.inf, _SIZE_BOUNDS.get(spec.unit, math.inf))
    values = st.floats(0.0, most, allow_nan=False, allow_infinity=False)
    if key in _POSITIVE:
        return values.filter(lambda v: v > 0)
    return values


#: Bounds on open-ended sizes, for the speed of one example (the library allows more).
_SIZE_BOUNDS: dict[str, float] = {
    "h": 72.0,  # fasting: three days
    "d": 21.0,  # drug treatments: three weeks
    "week": 4.0,  # training programmes: four weeks
    "1/week": 7.0,  # sessions: up to daily
    "g": 50.0,  # ketone ester: two drinks
    "mmol/min": 8.0,  # lactate infusion: twice the default rate
    "mg": 2.0,  # secretagogue doses: above every agent's usual dose
    "mg/d": 20.0,  # hormone therapy: twice the default dose
}
_POSITIVE = frozenset(
    {"duration_h", "days", "weeks", "sessions_per_week", "absorption_min", "duration_min"}
)
#: Counts (bouts, sets, daily stress exposures): up to this many.
_MOST_COUNT = 8


def _values(key: str, spec: Parameter) -> st.SearchStrategy[Any]:
    if spec.kind is Protocol:
        return bout_protocols()
    if spec.kind is bool:
        return st.booleans()
    if spec.kind is str:
        return st.sampled_from(spec.choices)
    if spec.kind is int:
        return st.integers(0 if key == "sets" else 1, _MOST_COUNT)
    return _number(key, spec)


@st.composite
def _protocol(draw: st.DrawFn, name: str) -> Protocol:
    definition = PROTOCOLS[name]
    keys = sorted(definition.parameters)
    chosen = draw(st.sets(st.sampled_from(keys))) if keys else set()
    # a parameter without a default (the bout of a training programme) is always given
    chosen |= {key for key in keys if definition.parameters[key].default is None}
    arguments = {key: draw(_values(key, definition.parameters[key])) for key in sorted(chosen)}
    return make_protocol(name, **arguments)


def bout_protocols() -> st.SearchStrategy[Protocol]:
    """A bout that ``training`` can repeat: aerobic, hiit, sprint or resistance."""
    return st.sampled_from(BOUT_PROTOCOLS).flatmap(_protocol)


def plain_protocols() -> st.SearchStrategy[Protocol]:
    """Every protocol of the library except ``training``."""
    return st.sampled_from(PLAIN_PROTOCOLS).flatmap(_protocol)


def training_protocols() -> st.SearchStrategy[Protocol]:
    """A training programme around any bout, with fractional minutes and sessions."""
    return _protocol("training")


def protocols() -> st.SearchStrategy[Protocol]:
    """Any protocol of CONTRACT section 3, ``training`` included."""
    return st.one_of(plain_protocols(), training_protocols())


def protocol_mixes(most: int = 3) -> st.SearchStrategy[list[Protocol]]:
    """Several protocols run at once."""
    return st.lists(protocols(), min_size=1, max_size=most)


def perturbations(model: Model) -> st.SearchStrategy[Perturbation]:
    """Every perturbation kind on the model's nodes and edges, with values in range.

    Clamps hold a node between 0 and ten times its resting level; over-expression is up to
    tenfold.
    """
    nodes = sorted(s.id for s in model.species if s.kind != "observable")
    rest = {s.id: s.resting_level for s in model.species}
    edges = [EdgeId(e.source, e.target) for e in model.interactions]
    fraction = st.floats(0.0, 1.0, allow_nan=False)
    return st.one_of(
        st.builds(Perturbation, st.just("knockout"), st.sampled_from(nodes)),
        st.builds(Perturbation, st.just("knockdown"), st.sampled_from(nodes), fraction),
        st.builds(
            Perturbation,
            st.just("overexpress"),
            st.sampled_from(nodes),
            st.floats(0.0, 10.0, allow_nan=False),
        ),
        st.sampled_from(nodes).flatmap(
            lambda node: st.builds(
                Perturbation,
                st.just("clamp"),
                st.just(node),
                st.floats(0.0, 10.0 * max(rest[node], 1.0), allow_nan=False),
            )
        ),
        st.builds(Perturbation, st.just("inhibit"), st.sampled_from(edges), fraction),
    )


def perturbation_mixes(model: Model, most: int = 3) -> st.SearchStrategy[list[Perturbation]]:
    """Any number of perturbations at once (none included)."""
    return st.lists(perturbations(model), max_size=most)


def represented_subjects(model: Model) -> st.SearchStrategy[Subject]:
    """Subjects whose every key the model's subject table represents (ages 18 to 90)."""
    represented: dict[str, set[str]] = {}
    for row in model.subject_changes:
        represented.setdefault(row.key, set()).add(row.value)

    def values(key: str) -> st.SearchStrategy[Any]:
        if key == "age":
            return st.floats(18.0, 90.0, allow_nan=False)
        if key == "menopause":
            return st.booleans()
        return st.sampled_from(sorted({getattr(Subject(), key), *represented.get(key, ())}))

    keys = ("sex", "age", "training_status", "bdnf_val66met", "species")

    @st.composite
    def subject(draw: st.DrawFn) -> Subject:
        chosen = {key: draw(values(key)) for key in draw(st.sets(st.sampled_from(keys)))}
        if chosen.get("sex") == "female" and "menopause" in represented:
            chosen["menopause"] = draw(st.booleans())
        return Subject(**chosen)

    return subject()
