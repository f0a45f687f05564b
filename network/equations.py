r"""From the signed graph to ODEs: the one rule that writes every rate law of mbaxis.

For each state species :math:`X` with resting level :math:`X_0` and half-life :math:`t_{1/2}`,
:math:`k_X = \ln 2 / t_{1/2}` and

.. math::

    \frac{dX}{dt} = \underbrace{\sigma_X k_X X_0 (1 - p_X) \prod_{e \to X} R_e}_{\text{synthesis}}
      + \underbrace{\sigma_X p_e k_X X_0 J_e}_{\text{conversion in}}
      - \underbrace{k_X (1 - \textstyle\sum_f q_f)
          \big(X + (\textstyle\prod_{x \to X} E_x - 1) \max(0, X - X_0)\big)
          \prod_{c \to X} C_c}_{\text{degradation}}
      - \underbrace{\textstyle\sum_f q_f k_X X_0 J_f}_{\text{conversion out}}

- :math:`R_e` is the normalised regulation term of each regulatory edge into :math:`X`:
  :func:`network.rate_laws.activation` for a ``+`` edge, :func:`network.rate_laws.inhibition`
  for a ``-`` edge; for a ``proportional`` edge :func:`network.rate_laws.proportional`
  (:math:`(1 + g x)/(1 + g x_0)`, its inverse for a ``-`` edge). The regulator enters as
  :math:`a_e x`, where :math:`a_e` is the edge's ``activity`` (1 normally; an ``inhibit``
  perturbation lowers it).
- A ``conversion`` edge :math:`e: A \to X` carries the flux
  :math:`J_e = (a_e A / A_0) \prod_{c} R_c`, the product over ``catalysis`` edges into
  :math:`X`. Of the target's resting production the fraction :math:`p_e` (``target_fraction``)
  comes from the conversion; of the source's resting loss the fraction :math:`q_e`
  (``source_fraction``) goes into it. The two species may have different units: the flux is
  written relative to the resting state, so no stoichiometric unit factor is needed.
- :math:`C_c` is the term of each ``clearance`` edge into :math:`X`, which scales its
  first-order loss. Its sign is the effect on :math:`X`'s level, so a ``-`` edge speeds the loss
  (:math:`C_c` is :func:`~network.rate_laws.activation`) and a ``+`` edge slows it
  (:func:`~network.rate_laws.inhibition`). A ``+`` edge from :math:`X` to itself with Hill 1
  and ``emax`` near 1 turns the first-order loss into Michaelis-Menten elimination,
  :math:`k_X X (K + (1 - I)X) / (K + X)` up to the resting normaliser, ``ec50`` :math:`K`
  playing the Michaelis constant.
- :math:`E_x` is the term of each ``excess_clearance`` edge into :math:`X` (activation for a
  ``-`` edge, inhibition for a ``+`` edge, as for clearance). It scales the removal of the
  excess of :math:`X` over its resting level only, so it changes how fast :math:`X` returns to
  rest, never where it rests: a trained subject clears post-exercise lactate faster (Birat
  2018, DOI:10.3389/fphys.2018.00387) yet rests at about the same lactate. The corner of
  :math:`\max(0, X - X_0)` is rounded over a thousandth of :math:`X_0` (:func:`smooth_excess`).
  Without such edges the bracket is :math:`X`.
- A ``threshold`` edge :math:`S \dashv X` (at most one into :math:`X`) changes the work rate
  :math:`w` (:data:`~mbaxis.network.schema.THRESHOLD_INPUT`, a fraction of VO2max) that
  :math:`X`'s regulation by it reads. :math:`S` is a threshold in the same unit (the lactate
  threshold as a fraction of VO2max, :math:`\theta`, resting at :math:`\theta_0`); the work rate
  is mapped piecewise linearly so that the subject's own threshold reads as the reference's and
  VO2max as VO2max:

  .. math::

      w' = \frac{\theta_0}{\theta} w
        + \Big(\frac{1 - \theta_0}{1 - \theta} - \frac{\theta_0}{\theta}\Big) \max(0, w - \theta)
        + \Big(1 - \frac{1 - \theta_0}{1 - \theta}\Big) \max(0, w - 1)

  with :math:`\theta = \theta_0 + a_e (S - \theta_0)` (:math:`\theta_0 - a_e (S - \theta_0)` for a
  ``+`` edge), kept between :math:`\theta_0` and :data:`THRESHOLD_FLOOR` below 1. The resting
  threshold is the untrained reference's and the lowest the model represents: training raises
  it and detraining brings it back, while what lowers a threshold below an untrained adult's
  (bed rest, heart failure) is outside the data of the tables, so a threshold below
  :math:`\theta_0` (or knocked out) reads as :math:`\theta_0`. Every calibrated response of the
  reference subject is unchanged (:math:`w' = w` at :math:`\theta = \theta_0`); a raised threshold
  lowers the lactate, catecholamine and GH responses to the same submaximal work, as training
  does (Weltman 1997, PMID:9140905), leaves them at VO2max, where trained and untrained men
  match (Lehmann 1981, DOI:10.1055/s-2008-1034601), and above it; at rest (:math:`w = 0`) it
  changes nothing.
- A ``dilution`` edge :math:`V \dashv X` says that :math:`X` is dissolved in the volume
  :math:`V` (the plasma volume, resting at 1), which keeps :math:`X`'s content while it moves:
  it adds the flux :math:`s\,a_e X \dot V / V`, with :math:`s = -1` the edge's sign and
  :math:`\dot V` the right-hand side of :math:`V`. When exercise draws water out of the vessels
  the proteins left behind are concentrated by :math:`1/V` (Gillen 1991,
  DOI:10.1152/jappl.1991.71.5.1914: plasma volume -15% with the plasma protein content
  unchanged), and diluted back as the volume returns. Only the movement of :math:`V` acts: the
  clearance of :math:`X` is proportional to its concentration, so at a steady volume :math:`X`
  returns to where its production and clearance put it (the factor :math:`V_0/V` by which a
  smaller volume also speeds both is left out). :math:`V` is floored at
  :data:`DILUTION_FLOOR` in the denominator, so a knocked-out volume dilutes nothing.
- :math:`\sigma_X` (``synthesis_scale``, 1 normally) scales all production of :math:`X`; the
  knock-out, knock-down and over-expression perturbations set it.
- Every flux of :math:`X` (each term above) is multiplied by :math:`1 - c_X`, where
  :math:`c_X` (``clamped``) is 0 normally and 1 when a ``clamp`` perturbation holds :math:`X` at
  its initial value. Fluxes out of a clamped source into another species still flow.

A ``drug`` species (an administered compound) has no resting production: it is filled by
``dosing`` edges from inputs (dose rates :math:`u_e`) and cleared with its half-life,
:math:`dD/dt = \sigma_D k_D \sum_e g_e a_e u_e - k_D D`, where the ``gain`` :math:`g_e` is the
steady concentration per unit dose rate (equivalently the exposure per unit dose); it rests at 0
and acts downstream like an input. A compound the body also makes (a hormone) can be given too:
its ``dosing`` edges add :math:`k_X \sum_e g_e a_e u_e` to its production, a separate flux that
its ``synthesis_scale`` does not touch (gonadectomy or the menopause remove the body's own
production, not the dose).

Every :math:`R_e` and :math:`J_e` equals 1 at rest, so the resting levels are a steady state
by construction: synthesis :math:`k_X X_0` balances loss :math:`k_X X_0`. Inputs are
time-dependent parameters that rest at 0. An observable is
:math:`O = \sum_e w_e a_e S_e`, the weighted sum of its sources.

Units are the display units of the tables (mM, pg/mL, ...) and time is in minutes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import sympy as sp

from mbaxis.network.model import Model
from mbaxis.network.naming import hook, parameter_id
from mbaxis.network.rate_laws import activation, inhibition, proportional, signed_regulation
from mbaxis.network.schema import THRESHOLD_INPUT, InteractionRow
from mbaxis.network.units import to_minutes

__all__ = [
    "DILUTION_FLOOR",
    "EXCESS_ROUNDING",
    "THRESHOLD_FLOOR",
    "Equations",
    "ParameterInfo",
    "Reaction",
    "build_equations",
    "smooth_excess",
]

ReactionKind = Literal["synthesis", "degradation", "conversion_out", "conversion_in", "dilution"]
ParameterKind = Literal["kinetic", "resting_level", "half_life", "perturbation", "input", "sign"]


@dataclass(frozen=True)
class ParameterInfo:
    """A parameter of the equations with its value, unit and provenance."""

    id: str
    value: float
    unit: str
    kind: ParameterKind
    source: str
    owner: str  # the species or interaction the parameter belongs to


@dataclass(frozen=True)
class Reaction:
    """One term of the ODEs: a flux that produces (+1) or consumes (-1) one species (a
    ``dilution`` flux runs both ways: it is negative while its volume returns).

    ``interactions`` names the edges whose evidence the flux encodes; ``modifiers`` the
    regulators in its rate with their signs.
    """

    id: str
    kind: ReactionKind
    species: str
    stoichiometry: int
    rate: sp.Expr
    modifiers: tuple[tuple[str, int], ...]
    interactions: tuple[str, ...]


@dataclass(frozen=True)
class Equations:
    """The ODE system of a model, as sympy expressions in named symbols.

    Attributes
    ----------
    states : tuple of str
        State species IDs, in the order of the state vector.
    inputs : tuple of str
        Input IDs (time-dependent parameters, 0 at rest).
    reactions : tuple of Reaction
        The fluxes; the right-hand side of each state is the signed sum of its fluxes.
    observables : dict of str to sympy.Expr
        Observable ID to its expression in the states.
    parameters : dict of str to ParameterInfo
        Every symbol other than the states, with its default value (inputs included, at 0).
    """

    states: tuple[str, ...]
    inputs: tuple[str, ...]
    reactions: tuple[Reaction, ...]
    observables: dict[str, sp.Expr]
    parameters: dict[str, ParameterInfo]

    @property
    def rhs(self) -> dict[str, sp.Expr]:
        """``dX/dt`` of each state as the signed sum of its reactions."""
        terms: dict[str, list[sp.Expr]] = {state: [] for state in self.states}
        for reaction in self.reactions:
            terms[reaction.species].append(reaction.stoichiometry * reaction.rate)
        return {state: sp.Add(*parts) for state, parts in terms.items()}

    @property
    def resting_state(self) -> dict[str, float]:
        """The resting level of each state, the steady state with inputs at zero."""
        return {state: self.parameters[hook(state, "rest")].value for state in self.states}

    def parameter_values(self, overrides: Mapping[str, float] | None = None) -> dict[str, float]:
        """Default parameter values, with ``overrides`` applied (unknown names raise KeyError)."""
        values = {name: info.value for name, info in self.parameters.items()}
        for name, value in (overrides or {}).items():
            if name not in values:
                raise KeyError(f"unknown parameter '{name}'")
            values[name] = float(value)
        return values

    def rhs_function(
        self,
    ) -> tuple[Callable[[np.ndarray, np.ndarray], np.ndarray], tuple[str, ...]]:
        """Compile the right-hand side to a numpy function ``f(y, p) -> dy/dt``.

        Returns the function and the parameter names in the order ``p`` must follow.
        The states follow :attr:`states`.
        """
        names = tuple(self.parameters)
        state_symbols = [sp.Symbol(s) for s in self.states]
        parameter_symbols = [sp.Symbol(p) for p in names]
        rhs = self.rhs
        compiled = sp.lambdify(
            (state_symbols, parameter_symbols),
            [rhs[s] for s in self.states],
            modules="numpy",
            cse=True,
        )

        def f(y: np.ndarray, p: np.ndarray) -> np.ndarray:
            return np.asarray(compiled(y, p), dtype=float)

        return f, names


#: How close to VO2max (1) a ``threshold`` edge lets its threshold come, in the work rate's
#: unit: keeps the map of the work rate finite when the threshold is pushed past VO2max.
THRESHOLD_FLOOR = 0.01


def _positive_part(x: sp.Expr) -> sp.Expr:
    r""":math:`\max(0, x)`, written with ``abs`` (which SBML, roadrunner and AMICI all read)."""
    return (x + sp.Abs(x)) / 2


def _between(x: sp.Expr, low: sp.Expr, high: sp.Expr) -> sp.Expr:
    """``x`` clipped to ``[low, high]``, written with ``abs``."""
    above_low = low + _positive_part(x - low)
    return high - _positive_part(high - above_low)


#: The smallest volume a ``dilution`` edge divides by (its source rests at 1): a knocked-out
#: volume (0, and unmoving) then dilutes nothing instead of dividing by zero.
DILUTION_FLOOR = 1e-6

#: Width of the rounding of max(0, X - X0), as a fraction of the resting level X0.
EXCESS_ROUNDING = 1e-3


def smooth_excess(x: sp.Expr, x0: sp.Expr) -> sp.Expr:
    r"""How far :math:`X` lies above its resting level, :math:`\max(0, X - X_0)` with the corner
    rounded over :math:`\epsilon = 10^{-3} X_0`: :math:`d^2 / (d + \epsilon)` above rest
    (:math:`d = X - X_0`) and exactly 0 at and below it.

    Its slope is continuous (0 at rest), so a species resting on the corner (blood lactate with an
    ``excess_clearance`` edge) no longer has a removal rate that jumps with the integrator's own
    noise around rest, where two correct solvers would part by more than their tolerance; it is
    within :math:`\epsilon` of :math:`d` above rest. Written with ``abs``, which SBML,
    roadrunner and AMICI all read.

    Examples
    --------
    >>> x0 = sp.Integer(2)
    >>> smooth_excess(x0, x0), smooth_excess(sp.Integer(1), x0)
    (0, 0)
    >>> round(float(smooth_excess(sp.Integer(3), x0)), 4)
    0.998
    """
    d = x - x0
    width = EXCESS_ROUNDING * x0
    return (d + sp.Abs(d)) / 2 * d / (sp.Abs(d) + width)


def build_equations(model: Model, *, signs_as_parameters: bool = False) -> Equations:
    """Write the ODEs of ``model`` by the rule in this module's docstring.

    With ``signs_as_parameters``, every regulation, catalysis and clearance term is
    :func:`~mbaxis.network.rate_laws.signed_regulation` with the edge's sign as a parameter
    ``{edge}__sign`` (+1 or -1): the same equations at the tables' signs, and one compiled
    model for every sign-shuffled copy of the network (the validation null model).

    Examples
    --------
    >>> from mbaxis.network import load_model
    >>> equations = build_equations(load_model())
    >>> "brain__BDNF_mRNA" in equations.states
    True
    """
    species = {s.id: s for s in model.species}
    states = tuple(s.id for s in model.states)
    inputs = tuple(s.id for s in model.inputs)
    values = {p.id: p for p in model.parameters}
    parameters: dict[str, ParameterInfo] = {}

    def symbol(name: str) -> sp.Symbol:
        return sp.Symbol(name)

    def add(
        name: str, value: float, unit: str, kind: ParameterKind, source: str, owner: str
    ) -> sp.Symbol:
        parameters[name] = ParameterInfo(name, float(value), unit, kind, source, owner)
        return symbol(name)

    for item in model.inputs:
        add(item.id, 0.0, item.unit, "input", "input driven by protocols; 0 at rest", item.id)

    rest: dict[str, sp.Expr] = {}
    free: dict[str, sp.Expr] = {}  # 1 - clamped: multiplies every flux of the species
    rate_constant: dict[str, sp.Expr] = {}
    synthesis_scale: dict[str, sp.Expr] = {}
    for item in model.states:
        assert item.half_life is not None and item.half_life_unit is not None
        rest[item.id] = add(
            hook(item.id, "rest"),
            item.resting_level,
            item.unit,
            "resting_level",
            item.resting_source,
            item.id,
        )
        half_life = add(
            hook(item.id, "half_life"),
            to_minutes(item.half_life, item.half_life_unit),
            "min",
            "half_life",
            item.half_life_source or "",
            item.id,
        )
        rate_constant[item.id] = sp.log(2) / half_life
        synthesis_scale[item.id] = add(
            hook(item.id, "synthesis_scale"),
            1.0,
            "dimensionless",
            "perturbation",
            "1 unless perturbed",
            item.id,
        )
        free[item.id] = 1 - add(
            hook(item.id, "clamped"),
            0.0,
            "dimensionless",
            "perturbation",
            "0 unless the species is clamped",
            item.id,
        )
    for item in model.inputs:
        rest[item.id] = sp.Integer(0)
    drugs = {item.id for item in model.states if item.kind == "drug"}
    for target in drugs:  # rests at zero: regulates like an input downstream
        rest[target] = sp.Integer(0)

    def kinetic(edge_id: str, name: str) -> sp.Symbol:
        row = values[parameter_id(edge_id, name)]
        return add(row.id, row.value, row.unit, "kinetic", row.source, edge_id)

    activity: dict[str, sp.Symbol] = {
        edge.id: add(
            hook(edge.id, "activity"),
            1.0,
            "dimensionless",
            "perturbation",
            "1 unless the edge is inhibited",
            edge.id,
        )
        for edge in model.interactions
    }

    def regulation_term(edge: InteractionRow, seen: sp.Expr | None = None) -> sp.Expr:
        """The edge's normalised term (activation or inhibition by its ``term_sign``; a Hill term,
        or the ``proportional`` law's);
        ``seen`` replaces the source's level (the work rate as a ``threshold`` edge maps it)."""
        x = activity[edge.id] * (symbol(edge.source) if seen is None else seen)
        signed: sp.Expr = sp.Integer(edge.term_sign)
        if signs_as_parameters:
            signed = add(
                hook(edge.id, "sign"), edge.sign, "dimensionless", "sign", "+1 or -1", edge.id
            )
        if edge.law == "proportional":  # only ever into synthesis: term sign = sign
            return proportional(x, rest[edge.source], kinetic(edge.id, "slope"), signed)
        emax, ec50, hill = (kinetic(edge.id, n) for n in ("emax", "ec50", "hill"))
        if signs_as_parameters:
            reversed_on_loss = edge.term_sign * edge.sign  # -1 for a clearance edge
            return signed_regulation(
                x, rest[edge.source], reversed_on_loss * signed, emax, ec50, hill
            )
        law = activation if edge.term_sign > 0 else inhibition
        return law(x, rest[edge.source], emax, ec50, hill)

    def work_rate_seen(edge: InteractionRow) -> sp.Expr:
        """The work rate as the target of a ``threshold`` edge answers it (module docstring)."""
        sign: sp.Expr = sp.Integer(edge.sign)
        if signs_as_parameters:
            sign = add(
                hook(edge.id, "sign"), edge.sign, "dimensionless", "sign", "+1 or -1", edge.id
            )
        reference = rest[edge.source]
        moved = reference - sign * activity[edge.id] * (symbol(edge.source) - reference)
        threshold = _between(moved, reference, 1 - THRESHOLD_FLOOR)
        below = reference / threshold
        above = (1 - reference) / (1 - threshold)
        work = symbol(THRESHOLD_INPUT)
        return (
            below * work
            + (above - below) * _positive_part(work - threshold)
            + (1 - above) * _positive_part(work - 1)
        )

    reactions: list[Reaction] = []
    observables: dict[str, sp.Expr] = {}
    incoming: dict[str, list[str]] = {s: [] for s in species}
    for edge in model.interactions:
        incoming[edge.target].append(edge.id)
    edges = {edge.id: edge for edge in model.interactions}
    conversion_flux: dict[str, sp.Expr] = {}
    source_fraction: dict[str, list[tuple[str, sp.Expr]]] = {s: [] for s in states}

    for edge in model.interactions:
        if edge.law != "conversion":
            continue
        catalysts = [edges[i] for i in incoming[edge.target] if edges[i].law == "catalysis"]
        flux = activity[edge.id] * symbol(edge.source) / rest[edge.source]
        for catalyst in catalysts:
            flux *= regulation_term(catalyst)
        conversion_flux[edge.id] = flux
        source_fraction[edge.source].append((edge.id, kinetic(edge.id, "source_fraction")))

    def production(target: str, name: str, rate: sp.Expr, by: list[InteractionRow]) -> Reaction:
        """A flux that makes ``target``, with the edges whose regulators its rate reads."""
        return Reaction(
            id=f"{target}__{name}",
            kind="synthesis",
            species=target,
            stoichiometry=1,
            rate=rate,
            modifiers=tuple((e.source, e.sign) for e in by),
            interactions=tuple(e.id for e in by),
        )

    for target in states:
        k, x0, scale = rate_constant[target], rest[target], synthesis_scale[target]
        regulators = [
            edges[i] for i in incoming[target] if edges[i].law in ("regulation", "proportional")
        ]
        conversions = [edges[i] for i in incoming[target] if edges[i].law == "conversion"]
        catalysts = [edges[i] for i in incoming[target] if edges[i].law == "catalysis"]
        from_conversion: sp.Expr = sp.Integer(0)
        for conversion in conversions:
            target_fraction = kinetic(conversion.id, "target_fraction")
            from_conversion += target_fraction
            reactions.append(
                Reaction(
                    id=f"{conversion.id}__in",
                    kind="conversion_in",
                    species=target,
                    stoichiometry=1,
                    rate=free[target]
                    * scale
                    * target_fraction
                    * k
                    * x0
                    * conversion_flux[conversion.id],
                    modifiers=((conversion.source, 1), *((c.source, c.sign) for c in catalysts)),
                    interactions=(conversion.id, *(c.id for c in catalysts)),
                )
            )
        synthesis: sp.Expr = scale * k * x0 * (1 - from_conversion)
        thresholds = [edges[i] for i in incoming[target] if edges[i].law == "threshold"]
        for regulator in regulators:
            if thresholds and regulator.source == THRESHOLD_INPUT:  # at most one (the linter)
                synthesis *= regulation_term(regulator, work_rate_seen(thresholds[0]))
            else:
                synthesis *= regulation_term(regulator)
        regulators = regulators + thresholds
        doses = [edges[i] for i in incoming[target] if edges[i].law == "dosing"]
        dosed: sp.Expr = k * sp.Add(
            *(kinetic(d.id, "gain") * activity[d.id] * symbol(d.source) for d in doses)
        )
        if doses and target in drugs:  # a drug: dX/dt = k (sum of gain x dose rate) - k X
            synthesis = scale * dosed
            regulators = doses
        elif doses:  # a compound the body also makes, given from outside: the doses add to it
            reactions.append(production(target, "dosing", free[target] * dosed, doses))
        reactions.append(production(target, "synthesis", free[target] * synthesis, regulators))
        consumed = sp.Add(*(q for _, q in source_fraction[target]))
        clearances = [edges[i] for i in incoming[target] if edges[i].law == "clearance"]
        excess_clearances = [
            edges[i] for i in incoming[target] if edges[i].law == "excess_clearance"
        ]
        removed: sp.Expr = symbol(target)
        if excess_clearances:
            excess = smooth_excess(symbol(target), x0)
            speed_up: sp.Expr = sp.Integer(1)
            for edge in excess_clearances:
                speed_up *= regulation_term(edge)
            removed = symbol(target) + (speed_up - 1) * excess
        loss: sp.Expr = k * (1 - consumed) * removed
        for clearance in clearances:
            loss *= regulation_term(clearance)
        scaling = clearances + excess_clearances
        reactions.append(
            Reaction(
                id=f"{target}__degradation",
                kind="degradation",
                species=target,
                stoichiometry=-1,
                rate=free[target] * loss,
                modifiers=tuple((c.source, c.sign) for c in scaling if c.source != target),
                interactions=tuple(c.id for c in scaling),
            )
        )
        for edge_id, q in source_fraction[target]:
            conversion = edges[edge_id]
            reactions.append(
                Reaction(
                    id=f"{edge_id}__out",
                    kind="conversion_out",
                    species=target,
                    stoichiometry=-1,
                    rate=free[target] * q * k * x0 * conversion_flux[edge_id],
                    modifiers=tuple(
                        (edges[c].source, edges[c].sign)
                        for c in incoming[conversion.target]
                        if edges[c].law == "catalysis"
                    ),
                    interactions=(edge_id,),
                )
            )

    dilutions = [edge for edge in model.interactions if edge.law == "dilution"]
    volumes = {edge.source for edge in dilutions}
    net_rate = {  # dV/dt of each volume a dilution edge reads
        volume: sp.Add(*(r.stoichiometry * r.rate for r in reactions if r.species == volume))
        for volume in volumes
    }
    for edge in dilutions:
        sign: sp.Expr = sp.Integer(edge.sign)
        if signs_as_parameters:
            sign = add(
                hook(edge.id, "sign"), edge.sign, "dimensionless", "sign", "+1 or -1", edge.id
            )
        volume = symbol(edge.source)
        reactions.append(
            Reaction(
                id=f"{edge.id}__dilution",
                kind="dilution",
                species=edge.target,
                stoichiometry=1,
                rate=free[edge.target]
                * sign
                * activity[edge.id]
                * symbol(edge.target)
                * net_rate[edge.source]
                / (_positive_part(volume) + DILUTION_FLOOR),
                modifiers=((edge.source, edge.sign),),
                interactions=(edge.id,),
            )
        )

    for item in model.observables:
        terms = [
            kinetic(i, "weight") * activity[i] * symbol(edges[i].source) for i in incoming[item.id]
        ]
        observables[item.id] = sp.Add(*terms)

    return Equations(
        states=states,
        inputs=inputs,
        reactions=tuple(reactions),
        observables=observables,
        parameters=parameters,
    )
