"""A protocol written into the model itself: SBML whose events switch the inputs.

:class:`~mbaxis.analysis.simulation.Simulator` integrates a protocol segment by segment and
sets the inputs between segments; no other tool knows how. :func:`experiment_sbml` writes the
same schedule (:func:`~mbaxis.analysis.protocols.schedule`, so the same merged switch times)
into the model's SBML: the inputs of the first segment as initial assignments, every later
switch as an event ``time >= t`` that assigns each input its value. An intensity given with
``absolute=true`` is assigned as ``value / (VO2max / VO2max at rest)`` evaluated when the event
fires, which is what the simulator does at the start of each stretch, and the supramaximal
rate follows the work rate as ``max(0, work rate - 1)``. Any SBML engine that honours events
then runs the experiment: roadrunner and tellurium agree with :meth:`Simulator.run` to about
1e-12 (tested), COPASI to its own tolerance.

Perturbations and subjects change parameters and the resting state a run starts from; the
simulator searches that state (events cannot) and it is written as the initial amounts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import libsbml

from mbaxis.analysis.defaults import CAPACITY, SUPRAMAXIMAL, WORK_RATE
from mbaxis.analysis.errors import SimulationError
from mbaxis.analysis.model_cache import model_sbml
from mbaxis.analysis.perturbations import Perturbation, PerturbationEffect, apply_perturbations
from mbaxis.analysis.protocols import (
    Protocol,
    Segment,
    default_t_end,
    make_protocol,
    schedule,
)
from mbaxis.analysis.scenarios import Experiment
from mbaxis.analysis.simulation import VANISHING, Simulator
from mbaxis.analysis.subjects import REFERENCE_SUBJECT, Subject
from mbaxis.network import Model
from mbaxis.network.units import UNITS

__all__ = ["experiment_sbml", "reference_capacity", "roadrunner_for", "write_schedule"]


#: Minutes after t = 0 at which a gated experiment's first inputs switch on (see
#: :func:`write_schedule`); far below any time the model or a measurement resolves.
GATED_START = 1e-6


def _number(value: float) -> float:
    """``value``, or 0 below :data:`VANISHING`: SBML writers drop subnormal numbers, and no
    quantity of the model means anything there."""
    return value if abs(value) >= VANISHING else 0.0


def _formula(text: str, where: str) -> libsbml.ASTNode:
    math = libsbml.parseL3Formula(text)
    if math is None:  # our own text: a failure here is a bug, said plainly
        raise SimulationError(f"cannot write {where} as SBML math: {text}")
    return math


def experiment_sbml(
    model: Model,
    protocols: Sequence[Protocol],
    *,
    t_end: float | None = None,
    perturbations: Sequence[Perturbation] = (),
    subject: Subject = REFERENCE_SUBJECT,
    simulator: Simulator | None = None,
) -> str:
    """The SBML of ``model`` with ``protocols`` run from t = 0 as events.

    ``t_end`` (default: :func:`~mbaxis.analysis.protocols.default_t_end`) only bounds the
    switches written; events after it would never fire in a run that ends there. With
    ``perturbations`` or another ``subject``, the parameters they change take their values and
    the species start from the resting state the simulator computes under them
    (:meth:`~mbaxis.analysis.simulation.Simulator.starting_point`; ``simulator`` reuses a
    compiled one); perturbations of inputs scale or fix the values the events assign.

    Raises
    ------
    SimulationError
        If a protocol sets an input the model does not have, or an intensity is absolute and
        the model holds no aerobic capacity.
    """
    protocols = list(protocols) or [make_protocol("rest")]
    t_end = default_t_end(protocols) if t_end is None else float(t_end)
    segments = schedule(protocols, t_end)
    effect = apply_perturbations(model, perturbations)
    document = libsbml.readSBMLFromString(model_sbml(model))
    sbml_model = document.getModel()
    rest_capacity = reference_capacity(sbml_model)  # before the subject's state replaces it
    start = {s.id: s.resting_level for s in model.states}
    if perturbations or subject != REFERENCE_SUBJECT:
        start = _start_where_the_simulator_does(
            sbml_model, simulator or Simulator(model), perturbations, subject
        )
    write_schedule(sbml_model, model, segments, protocols, effect, start, rest_capacity)
    described = Experiment(tuple(protocols), tuple(perturbations), subject)
    sbml_model.setName(f"{sbml_model.getName()}: {described}")
    return str(libsbml.writeSBMLToString(document))


def reference_capacity(sbml_model: libsbml.Model) -> str:
    """The reference subject's aerobic capacity in ``sbml_model``, as an SBML quantity with its
    unit (an absolute intensity is relative to it, as in the tables); empty if the model holds
    none."""
    capacity = sbml_model.getSpecies(CAPACITY)
    if capacity is None:
        return ""
    return f"{capacity.getInitialAmount()!r} {capacity.getSubstanceUnits()}"


def write_schedule(
    sbml_model: libsbml.Model,
    model: Model,
    segments: Sequence[Segment],
    protocols: Sequence[Protocol],
    effect: PerturbationEffect,
    start: Mapping[str, float],
    rest_capacity: str,
    *,
    gate: str | None = None,
) -> None:
    """Write ``segments`` into ``sbml_model``: the first as initial assignments of the inputs,
    each later switch as an event ``time >= t``.

    With ``gate`` (the ID of a parameter the caller adds), every segment is an event whose
    trigger also needs ``gate > 0.5``: several experiments then share one SBML file, and a tool
    picks one by setting its gate to 1 (the PEtab export's conditions); inputs keep their
    resting values while every gate is 0. The first segment then starts at
    :data:`GATED_START` rather than 0: engines differ on whether a trigger that is already true
    when a run is reset fires, and none fails to see one turn true. The simulator's flush of
    vanishing amounts is left out (an event assigning species stops tools from taking
    conserved moieties out before a steady-state search).

    ``start`` is the state the run starts from (species far below their resting level there
    are flushed to 0 at each switch, as the simulator does); ``rest_capacity`` is the reference
    subject's aerobic capacity as an SBML quantity with its unit (empty if the model has none),
    which absolute intensities are divided by.
    """
    inputs = {s.id: s for s in model.inputs}
    names = list(segments[0].inputs)
    for name in names:
        if name not in inputs:
            raise SimulationError(
                f"the model has no input '{name}', which the protocols "
                f"[{', '.join(map(str, protocols))}] set; its inputs: {', '.join(inputs)}"
            )
    # inputs no protocol sets hold their resting value all run; a perturbation may fix it
    # (the supramaximal rate then follows a fixed work rate)
    for name, fixed in effect.input_fixed.items():
        if name not in names:
            sbml_model.getParameter(name).setValue(_number(fixed))
    if WORK_RATE in effect.input_fixed and WORK_RATE not in names and SUPRAMAXIMAL in inputs:
        excess = max(0.0, effect.input_fixed[WORK_RATE] - 1.0)
        supramaximal = effect.input_fixed.get(
            SUPRAMAXIMAL, excess * effect.input_scale.get(SUPRAMAXIMAL, 1.0)
        )
        sbml_model.getParameter(SUPRAMAXIMAL).setValue(_number(supramaximal))
    derived = WORK_RATE in names and SUPRAMAXIMAL in inputs and SUPRAMAXIMAL not in names
    units = {
        name: sbml_model.getParameter(name).getUnits()
        for name in (*names, SUPRAMAXIMAL)
        if sbml_model.getParameter(name) is not None
    }

    def value(name: str, number: float, absolute: bool) -> str:
        if name in effect.input_fixed:  # a knocked-out or clamped input
            return f"{_number(effect.input_fixed[name])!r} {units[name]}"
        literal = f"{_number(number)!r} {units[name]}"
        if absolute:
            if not rest_capacity:
                raise SimulationError(
                    f"an intensity given with absolute=true needs the model's aerobic capacity "
                    f"'{CAPACITY}', which this model does not hold"
                )
            literal = f"{literal} / ({CAPACITY} / {rest_capacity})"
        scale = effect.input_scale.get(name, 1.0)
        return literal if scale == 1.0 else f"({literal}) * {_number(scale)!r} dimensionless"

    # species that rest at 0 (the drugs), or start far below their level (knocked out or
    # down), decay towards the floating-point floor, where CVODE's first step after an event
    # fails; every event sets them to 0 below VANISHING, as the simulator does between stretches
    cleared = {
        s.id: UNITS[s.unit].sbml_id
        for s in model.states
        if s.resting_level == 0.0 or start[s.id] < 1e-3 * s.resting_level
    }
    prefix = "protocol_switch" if gate is None else f"{gate}_switch"
    for number, segment in enumerate(segments):
        assignments: dict[str, Any] = {
            name: value(name, segment.inputs[name], name in segment.absolute) for name in names
        }
        if derived:
            unit = units[SUPRAMAXIMAL]
            above = f"max(0 {unit}, {assignments[WORK_RATE]} - 1 {unit})"
            scale = effect.input_scale.get(SUPRAMAXIMAL, 1.0)
            assignments[SUPRAMAXIMAL] = (
                f"{_number(effect.input_fixed[SUPRAMAXIMAL])!r} {unit}"
                if SUPRAMAXIMAL in effect.input_fixed
                else above
                if scale == 1.0
                else f"{above} * {_number(scale)!r} dimensionless"
            )
        if number == 0 and gate is None:
            for name, text in assignments.items():
                initial = sbml_model.createInitialAssignment()
                initial.setSymbol(name)
                initial.setMath(_formula(text, f"the initial value of {name}"))
            continue
        event = sbml_model.createEvent()
        event.setId(f"{prefix}_{number}")
        event.setName(f"inputs from {segment.start:g} min")
        event.setUseValuesFromTriggerTime(True)
        trigger = event.createTrigger()
        trigger.setInitialValue(False)
        trigger.setPersistent(True)
        when = f"time >= {max(segment.start, 0.0 if gate is None else GATED_START)!r} min"
        if gate is not None:
            when = f"({gate} > 0.5 dimensionless) && ({when})"
        trigger.setMath(_formula(when, event.getId()))
        for name, text in assignments.items():
            assignment = event.createEventAssignment()
            assignment.setVariable(name)
            assignment.setMath(_formula(text, f"{name} in {event.getId()}"))
        for name, unit in cleared.items() if gate is None else ():  # the simulator's flush
            assignment = event.createEventAssignment()
            assignment.setVariable(name)
            text = f"piecewise(0 {unit}, abs({name}) < {VANISHING!r} {unit}, {name})"
            assignment.setMath(_formula(text, f"{name} in {event.getId()}"))


def _start_where_the_simulator_does(
    sbml_model: libsbml.Model,
    simulator: Simulator,
    perturbations: Sequence[Perturbation],
    subject: Subject,
) -> dict[str, float]:
    """Parameter values and initial amounts of the resting state under the perturbations, on
    the subject (the simulator searches it; events cannot); returns that state."""
    parameters, state = simulator.starting_point(perturbations, subject)
    for name, number in parameters.items():
        parameter = sbml_model.getParameter(name)
        if parameter is None or sbml_model.getAssignmentRule(name) is not None:
            raise SimulationError(f"the SBML has no settable parameter '{name}' to perturb")
        parameter.setValue(_number(number))
    for species_id, amount in state.items():
        species = sbml_model.getSpecies(str(species_id))
        if species.isSetInitialConcentration():
            size = sbml_model.getCompartment(species.getCompartment()).getSize()
            species.setInitialConcentration(_number(float(amount) / size))
        else:
            species.setInitialAmount(_number(float(amount)))
    return {str(name): float(amount) for name, amount in state.items()}


def roadrunner_for(
    model: Model,
    protocols: Sequence[Protocol],
    *,
    t_end: float | None = None,
    perturbations: Sequence[Perturbation] = (),
    subject: Subject = REFERENCE_SUBJECT,
    rtol: float = 1e-8,
    atol: float = 1e-12,
) -> Any:
    """A roadrunner instance (as tellurium's ``te.loada``/``te.loadSBMLModel`` give) that runs
    ``protocols`` by itself: ``runner.simulate(0, t_end, points)``.

    For users who live in tellurium and never need :class:`~mbaxis.analysis.simulation.Simulator`;
    the tolerances default to the simulator's, so the numbers agree with ``mbaxis simulate``.
    """
    import roadrunner

    runner = roadrunner.RoadRunner(
        experiment_sbml(model, protocols, t_end=t_end, perturbations=perturbations, subject=subject)
    )
    runner.integrator.relative_tolerance = rtol
    runner.integrator.absolute_tolerance = atol
    runner.integrator.setValue("maximum_num_steps", 200000)
    return runner
