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

What events cannot say is refused by name: perturbations and subjects change the resting
state the run starts from, which needs the steady-state search of the simulator.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import libsbml

from mbaxis.analysis.defaults import CAPACITY, SUPRAMAXIMAL, WORK_RATE
from mbaxis.analysis.errors import SimulationError
from mbaxis.analysis.model_cache import model_sbml
from mbaxis.analysis.protocols import Protocol, default_t_end, make_protocol, schedule
from mbaxis.network import Model

__all__ = ["experiment_sbml", "roadrunner_for"]


def _formula(text: str, where: str) -> libsbml.ASTNode:
    math = libsbml.parseL3Formula(text)
    if math is None:  # our own text: a failure here is a bug, said plainly
        raise SimulationError(f"cannot write {where} as SBML math: {text}")
    return math


def experiment_sbml(
    model: Model, protocols: Sequence[Protocol], *, t_end: float | None = None
) -> str:
    """The SBML of ``model`` with ``protocols`` run from t = 0 as events.

    ``t_end`` (default: :func:`~mbaxis.analysis.protocols.default_t_end`) only bounds the
    switches written; events after it would never fire in a run that ends there.

    Raises
    ------
    SimulationError
        If a protocol sets an input the model does not have, or an intensity is absolute and
        the model holds no aerobic capacity.
    """
    protocols = list(protocols) or [make_protocol("rest")]
    t_end = default_t_end(protocols) if t_end is None else float(t_end)
    segments = schedule(protocols, t_end)
    document = libsbml.readSBMLFromString(model_sbml(model))
    sbml_model = document.getModel()
    inputs = {s.id: s for s in model.inputs}
    names = list(segments[0].inputs)
    for name in names:
        if name not in inputs:
            raise SimulationError(
                f"the model has no input '{name}', which the protocols "
                f"[{', '.join(map(str, protocols))}] set; its inputs: {', '.join(inputs)}"
            )
    derived = WORK_RATE in names and SUPRAMAXIMAL in inputs and SUPRAMAXIMAL not in names
    units = {
        name: sbml_model.getParameter(name).getUnits()
        for name in (*names, SUPRAMAXIMAL)
        if sbml_model.getParameter(name) is not None
    }
    capacity = sbml_model.getSpecies(CAPACITY)

    def value(name: str, number: float, absolute: bool) -> str:
        literal = f"{number!r} {units[name]}"
        if not absolute:
            return literal
        if capacity is None:
            raise SimulationError(
                f"an intensity given with absolute=true needs the model's aerobic capacity "
                f"'{CAPACITY}', which this model does not hold"
            )
        rest = f"{capacity.getInitialAmount()!r} {capacity.getSubstanceUnits()}"
        return f"{literal} / ({CAPACITY} / {rest})"

    for number, segment in enumerate(segments):
        assignments: dict[str, Any] = {
            name: value(name, segment.inputs[name], name in segment.absolute) for name in names
        }
        if derived:
            unit = units[SUPRAMAXIMAL]
            assignments[SUPRAMAXIMAL] = f"max(0 {unit}, {assignments[WORK_RATE]} - 1 {unit})"
        if number == 0:
            for name, text in assignments.items():
                initial = sbml_model.createInitialAssignment()
                initial.setSymbol(name)
                initial.setMath(_formula(text, f"the initial value of {name}"))
            continue
        event = sbml_model.createEvent()
        event.setId(f"protocol_switch_{number}")
        event.setName(f"inputs from {segment.start:g} min")
        event.setUseValuesFromTriggerTime(True)
        trigger = event.createTrigger()
        trigger.setInitialValue(False)
        trigger.setPersistent(True)
        trigger.setMath(_formula(f"time >= {segment.start!r} min", event.getId()))
        for name, text in assignments.items():
            assignment = event.createEventAssignment()
            assignment.setVariable(name)
            assignment.setMath(_formula(text, f"{name} in {event.getId()}"))
    sbml_model.setName(f"{sbml_model.getName()}: {' + '.join(map(str, protocols))}")
    return str(libsbml.writeSBMLToString(document))


def roadrunner_for(
    model: Model,
    protocols: Sequence[Protocol],
    *,
    t_end: float | None = None,
    rtol: float = 1e-8,
    atol: float = 1e-12,
) -> Any:
    """A roadrunner instance (as tellurium's ``te.loada``/``te.loadSBMLModel`` give) that runs
    ``protocols`` by itself: ``runner.simulate(0, t_end, points)``.

    For users who live in tellurium and never need :class:`~mbaxis.analysis.simulation.Simulator`;
    the tolerances default to the simulator's, so the numbers agree with ``mbaxis simulate``.
    """
    import roadrunner

    runner = roadrunner.RoadRunner(experiment_sbml(model, protocols, t_end=t_end))
    runner.integrator.relative_tolerance = rtol
    runner.integrator.absolute_tolerance = atol
    runner.integrator.setValue("maximum_num_steps", 200000)
    return runner
