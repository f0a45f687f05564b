r"""The logical reading of the ODE model: a multi-valued logical model read off the rate laws.

Levels count steps of 5% (:data:`STEP`, the threshold at which a knock-out call is made) from
rest: a node at level :math:`\ell` stands for :math:`x_0 (1 + \mathrm{STEP})^{\ell}`, for
:math:`-K < \ell \le K` (:data:`LEVELS`), and the lowest level :math:`-K` for a node that is
absent (knocked out) or has fallen :math:`K` steps or more. Inputs are Boolean: off (0) or
switched on by a protocol (1).

Each edge :math:`e` into :math:`X` adds to :math:`X`'s level the change its rate law
(:mod:`network.equations`) makes to :math:`X`'s production when the source sits at that level,
in whole steps towards zero:

.. math::

    c_e(\ell) = \operatorname{sign}(\delta)\,\min\!\Big(K, \Big\lfloor
        \frac{|\ln(1 + \delta)|}{\ln(1 + \mathrm{STEP})} \Big\rfloor\Big),
    \qquad \delta = \delta_e(x_\ell),
    \qquad \ell_X = \operatorname{clip}\Big(\sum_{e \to X} c_e(\ell_{\mathrm{source}(e)}),
        -K, K\Big)

where :math:`\delta_e(x)` is the relative change of :math:`X`'s production (for a clearance edge,
of its steady level: the inverse of the loss term minus one) with the source at
:math:`x` (a regulation term minus one, scaled by the share of production it multiplies; a
conversion's or an observable's share times the source's relative change). An input switched on
moves each direct target by one step in the direction of its edge: the logical model has no dose.

So an edge whose source's absence moves the target by less than a step carries no basal
activity, an inhibitor resting in its working range does (removing it raises its target), and a
small change passed along a chain of weak edges dies out as it does in the ODE model. It is a
multi-valued logical model in the sense of R. Thomas (each regulator acts through thresholds on
its levels), with the thresholds taken from the ODE model's parameters. Its two constants, the
step and :math:`K`, are chosen against the ODE knock-out calls (``analysis.structure``), which
is what a logical abstraction of an ODE model is for.

A blocked edge (``inhibit(A -> B)``) reads its source as absent: :math:`c_e(-K)`.

An ``excess_clearance`` edge (faster removal of what lies above rest, e.g. trained lactate
clearance) moves no level by a step: it changes how fast the target returns to rest, not where
it rests, so its table is all zeros.

A ``threshold`` edge (the lactate threshold moving the work a response needs) moves no level
either: an input switched on moves its targets by one step whatever the dose, so a threshold has
nothing to shift; its table is all zeros.

An edge from a node to itself is left out: it shapes how far the node moves when its other
regulators move it, not whether it moves. For a saturable elimination (blood BHB) that is less
than one step within the six 5% steps above rest; a brake on its own making (muscle acidosis)
takes up to a quarter off its production there, so the logical model overstates how far such a
node climbs, never which way it goes.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace

from mbaxis.network.model import Model
from mbaxis.network.schema import InteractionRow

__all__ = ["LEVELS", "STEP", "Contribution", "LogicalModel", "logical_model", "steps"]

#: The bound :math:`K` on a node's level (levels -K..K around rest).
LEVELS = 6
#: One level: a 5% change, the threshold of a knock-out call
#: (``analysis.defaults.CHANGE_THRESHOLD``).
STEP = 0.05


def steps(change: float, levels: int = LEVELS, step: float = STEP) -> int:
    """A relative change in whole steps of ``step`` towards zero, signed, at most ``levels``.

    Examples
    --------
    >>> steps(-1.0), steps(0.04), steps(0.1025), steps(-0.1), steps(10.0), steps(math.inf)
    (-6, 0, 2, -2, 6, 6)
    """
    if change == 0.0:
        return 0
    if change <= -1.0 or math.isinf(change):
        return int(math.copysign(levels, change))
    whole = int(abs(math.log1p(change)) / math.log1p(step) + 1e-9)
    return int(math.copysign(min(levels, whole), change))


@dataclass(frozen=True)
class Contribution:
    """What one edge adds to its target's level at each level of its source."""

    edge: str
    source: str
    target: str
    #: The source's levels (``range(-K, K + 1)``, or ``range(0, 2)`` for an input).
    levels: range
    #: The contribution at each of those levels, in order.
    table: tuple[int, ...]
    #: A blocked edge (``inhibit(A -> B)``) reads its source as absent whatever its level.
    blocked: bool = False

    def __post_init__(self) -> None:
        if len(self.table) != len(self.levels):
            raise ValueError(f"edge '{self.edge}': one contribution per source level expected")
        rising = all(a <= b for a, b in zip(self.table, self.table[1:], strict=False))
        falling = all(a >= b for a, b in zip(self.table, self.table[1:], strict=False))
        if not (rising or falling):
            # Every rate law of network.equations is monotone in its source; the exporters
            # (one interval of source levels per value) rely on it.
            raise ValueError(f"edge '{self.edge}': contribution is not monotone in its source")

    @property
    def sign(self) -> int:
        """+1 if the contribution rises with its source, -1 if it falls, 0 if flat."""
        return (self.table[-1] > self.table[0]) - (self.table[-1] < self.table[0])

    def value(self, level: int) -> int:
        """The contribution with the source at ``level``.

        Examples
        --------
        >>> c = Contribution("e", "a", "b", range(-2, 3), (-2, -1, 0, 1, 1))
        >>> [c.value(level) for level in range(-2, 3)]
        [-2, -1, 0, 1, 1]
        >>> replace(c, blocked=True).value(2)
        -2
        """
        return self.table[0 if self.blocked else level - self.levels.start]

    def values(self) -> dict[int, tuple[int, int]]:
        """Each distinct value with the interval of source levels ``(low, high)`` giving it."""
        intervals: dict[int, tuple[int, int]] = {}
        for level in self.levels:
            value = self.value(level)
            low, _ = intervals.get(value, (level, level))
            intervals[value] = (low, level)
        return intervals


@dataclass(frozen=True)
class LogicalModel:
    """A multi-valued logical model: the inputs, the nodes and each edge's contribution."""

    name: str
    levels: int
    inputs: tuple[str, ...]
    nodes: tuple[str, ...]
    contributions: tuple[Contribution, ...]

    def incoming(self, node: str) -> list[Contribution]:
        """The contributions into ``node``, in table order."""
        return [c for c in self.contributions if c.target == node]

    def range_of(self, node: str) -> range:
        """The levels ``node`` can take (relative to rest)."""
        return range(0, 2) if node in self.inputs else range(-self.levels, self.levels + 1)

    def with_blocked(self, edges: Iterable[str]) -> LogicalModel:
        """The same model with the edges ``edges`` (IDs) blocked."""
        cut = set(edges)
        unknown = cut - {c.edge for c in self.contributions}
        if unknown:
            raise KeyError(f"not an edge of the logical model: {', '.join(sorted(unknown))}")
        return replace(
            self,
            contributions=tuple(
                replace(c, blocked=True) if c.edge in cut else c for c in self.contributions
            ),
        )

    def update(self, node: str, state: Mapping[str, int]) -> int:
        """The level ``node`` moves to from ``state``."""
        total = sum(c.value(state[c.source]) for c in self.incoming(node))
        return max(-self.levels, min(self.levels, total))

    def stable_levels(
        self,
        active_inputs: Iterable[str] = (),
        knocked_out: Iterable[str] = (),
        blocked: Iterable[str] = (),
        max_steps: int = 500,
    ) -> dict[str, int]:
        """The stable state reached by synchronous updates from rest (each node jumping to its
        target level, or, where that cycles, moving one level per step).

        Inputs in ``active_inputs`` are on, the others off; nodes in ``knocked_out`` sit at
        ``-K``; edges (IDs) in ``blocked`` read their source as absent. Raises ``ValueError``
        when the updates cycle instead (a cycle has no single level to compare).
        """
        on, knocked = set(active_inputs), set(knocked_out)
        unknown = (on - set(self.inputs)) | (knocked - set(self.nodes))
        if unknown:
            raise KeyError(f"not in the logical model: {', '.join(sorted(unknown))}")
        model = self.with_blocked(blocked)
        incoming = {n: model.incoming(n) for n in self.nodes if n not in knocked}
        rest = {n: int(n in on) for n in self.inputs} | {
            n: -self.levels if n in knocked else 0 for n in self.nodes
        }
        # Every node jumps to its target level at once; where that cycles (a pulse that one
        # step's transient launched around a positive loop keeps travelling), the levels move
        # one step at a time instead, as the unary bits of the Boolean encoding that AEON
        # reads do (module sbml.qual), which lets transients fade before they are passed on.
        for unitary in (False, True):
            settled = self._settle(incoming, rest, max_steps, unitary)
            if settled is not None:
                return settled
        raise ValueError(
            f"the logical model cycles instead of settling (inputs on: {sorted(on)}, "
            f"knocked out: {sorted(knocked)}, blocked: {sorted(blocked)})"
        )

    def _settle(
        self,
        incoming: Mapping[str, list[Contribution]],
        start: dict[str, int],
        max_steps: int,
        unitary: bool,
    ) -> dict[str, int] | None:
        """The fixed point synchronous updates reach from ``start``, or None if they cycle."""
        state = dict(start)
        seen: set[tuple[int, ...]] = set()
        for _ in range(max_steps):
            new = dict(state)
            for node, contributions in incoming.items():
                if contributions:
                    total = sum(c.value(state[c.source]) for c in contributions)
                    target = max(-self.levels, min(self.levels, total))
                    if unitary:
                        target = state[node] + (target > state[node]) - (target < state[node])
                    new[node] = target
            if new == state:
                return state
            key = tuple(new.values())
            if key in seen:
                return None
            seen.add(key)
            state = new
        return None


def _production_change(model: Model) -> dict[str, Callable[[float], float]]:
    """Per edge: the relative change of its target's production with the source at ``x``."""
    values: dict[str, dict[str, float]] = {}
    for row in model.parameters:
        values.setdefault(row.interaction, {})[row.parameter] = row.value
    rest = {s.id: s.resting_level for s in model.species}
    converted = {s.id: 0.0 for s in model.species}  # share of production made by conversion
    observed = {s.id: 0.0 for s in model.species}  # resting value of each observable
    for edge in model.interactions:
        if edge.law == "conversion":
            converted[edge.target] += values[edge.id]["target_fraction"]
        if edge.law == "measurement":
            observed[edge.target] += values[edge.id]["weight"] * rest[edge.source]

    def occupancy(x: float, ec50: float, hill: float) -> float:
        ratio = (x / ec50) ** hill if x > 0 else 0.0
        return ratio / (1.0 + ratio) if math.isfinite(ratio) else 1.0

    def law(edge: InteractionRow) -> Callable[[float], float]:
        p, x0 = values.get(edge.id, {}), rest[edge.source]
        if edge.law in ("regulation", "catalysis"):
            emax, ec50, hill = p["emax"], p["ec50"], p["hill"]
            # A regulation term multiplies the synthesis share of production, a catalysis term
            # the share made by conversion (network.equations).
            share = (
                converted[edge.target] if edge.law == "catalysis" else 1 - converted[edge.target]
            )
            h0 = occupancy(x0, ec50, hill)
            sign = float(edge.term_sign)
            return lambda x: (
                share * ((1 + sign * emax * occupancy(x, ec50, hill)) / (1 + sign * emax * h0) - 1)
            )
        if edge.law == "proportional":
            slope, share = p["slope"], 1 - converted[edge.target]
            sign = float(edge.term_sign)
            return lambda x: share * (((1 + slope * x) / (1 + slope * x0)) ** sign - 1)
        if edge.law == "clearance":
            # The term scales the loss, so the steady level changes by its inverse.
            emax, ec50, hill = p["emax"], p["ec50"], p["hill"]
            h0 = occupancy(x0, ec50, hill)
            term = float(edge.term_sign)
            return lambda x: (
                (1 + term * emax * h0) / (1 + term * emax * occupancy(x, ec50, hill)) - 1
            )
        if edge.law == "excess_clearance":
            # It sets how fast the target returns to rest, not where it rests or settles.
            return lambda x: 0.0
        if edge.law == "dilution":
            # A moving volume concentrates or dilutes the target only while it moves.
            return lambda x: 0.0
        if edge.law == "threshold":
            # It sets how much work the target's response needs, not whether the work moves it.
            return lambda x: 0.0
        if edge.law == "conversion":
            fraction = p["target_fraction"]
            return lambda x: fraction * (x / x0 - 1)
        if edge.law == "measurement":
            weight, total = p["weight"], observed[edge.target]
            return lambda x: weight * (x - x0) / total
        if edge.law == "dosing":
            return lambda x: math.inf if x > 0 else 0.0
        raise ValueError(f"edge '{edge.id}': no logical reading of the law '{edge.law}'")

    return {edge.id: law(edge) for edge in model.interactions}


def logical_model(model: Model, levels: int = LEVELS, step: float = STEP) -> LogicalModel:
    """The multi-valued logical model of ``model`` (see the module docstring for the rule)."""
    if levels < 1 or not 0 < step < 1:
        raise ValueError(f"levels must be at least 1 and step in (0, 1); got {levels}, {step}")
    change = _production_change(model)
    rest = {s.id: s.resting_level for s in model.species}
    inputs = {s.id for s in model.inputs}
    contributions = []
    for edge in model.interactions:
        table: tuple[int, ...]
        if edge.source == edge.target:
            continue  # self-clearance or self-brake: the node's own kinetics, not an influence
        if edge.source in inputs:
            # One step whatever the dose: with real doses the negative feedback loops of the
            # model (GH and IGF-1 among them) oscillate, and an
            # oscillating logical model has no stable state to compare with the ODE's.
            on = steps(change[edge.id](math.inf), levels, step)
            source_levels, table = range(0, 2), (0, max(-1, min(1, on)))
        elif rest[edge.source] == 0.0:
            # A drug rests at 0: above rest it is present and acts like a switched-on input.
            on = steps(change[edge.id](math.inf), levels, step)
            source_levels = range(-levels, levels + 1)
            table = tuple(max(-1, min(1, on)) if ell > 0 else 0 for ell in source_levels)
        else:
            x0 = rest[edge.source]
            source_levels = range(-levels, levels + 1)
            table = tuple(
                steps(
                    change[edge.id](0.0 if ell == -levels else x0 * (1 + step) ** ell), levels, step
                )
                for ell in source_levels
            )
        contributions.append(
            Contribution(edge.id, edge.source, edge.target, source_levels, tuple(table))
        )
    return LogicalModel(
        name=model.name,
        levels=levels,
        inputs=tuple(s.id for s in model.inputs),
        nodes=tuple(s.id for s in model.species if s.kind != "input"),
        contributions=tuple(contributions),
    )
