"""Simulating protocols and perturbations on one compiled model (roadrunner).

:class:`Simulator` compiles the model's SBML once (LLJIT; the compiled model is cached across
processes, :mod:`mbaxis.analysis.model_cache`) and reuses it for every run: a run resets the
state, sets parameters through ``model.setGlobalParameterValues`` (microseconds; never
``init(...)`` assignments, which recompile), computes the resting steady state with the
perturbations and parameter overrides in place, then integrates the protocol segment by segment
with a stop at every switch of an input. :func:`simulate` is the one-call form.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from mbaxis.analysis.defaults import CAPACITY, SUPRAMAXIMAL, WORK_RATE
from mbaxis.analysis.errors import SimulationError
from mbaxis.analysis.model_cache import compiled_runner, model_sbml
from mbaxis.analysis.native_output import native_output_to_logging
from mbaxis.analysis.perturbations import Perturbation, PerturbationEffect, apply_perturbations
from mbaxis.analysis.protocols import (
    TIME_TOLERANCE,
    Protocol,
    Segment,
    default_t_end,
    make_protocol,
    schedule,
)
from mbaxis.analysis.subjects import REFERENCE_SUBJECT, Subject, subject_effect
from mbaxis.network import Model
from mbaxis.network.naming import hook, owner_and_role
from mbaxis.network.units import to_minutes

__all__ = [
    "ABSOLUTE_TOLERANCE",
    "RELATIVE_TOLERANCE",
    "Simulator",
    "SimulatorSettings",
    "output_points",
    "simulate",
]

#: Integrator tolerances (CVODE). Tighter than needed for plots; scans may loosen them
#: explicitly (PERFORMANCE.md: rtol 1e-4 is 3x faster with ~1e-3 error).
RELATIVE_TOLERANCE = 1e-8
ABSOLUTE_TOLERANCE = 1e-12
#: A state counts as steady when no species would change by more than this fraction of its
#: level in one of its own half-lives.
STEADY_TOLERANCE = 1e-6
#: Amounts below this are zero (see :meth:`Simulator._flush_vanishing_amounts`).
VANISHING = 1e-100
#: Resting states under perturbations kept per simulator (each costs an integration to rest).
PREPARED_CACHE = 512


def output_points(t_end: float, points: int | None = None) -> int:
    """How many output times a run to ``t_end`` records: ``points``, or one a minute up to
    2001 (the default of every run, and of the archives' time courses)."""
    if points is None:
        points = int(t_end) + 1 if t_end <= 2000 else 2001
    if points < 2:
        raise SimulationError(f"points must be at least 2; got {points}")
    return points


def _output_grid(t_end: float, points: int | None) -> np.ndarray:
    return np.linspace(0.0, t_end, output_points(t_end, points))


def _checked_times(times: Sequence[float], t_end: float) -> np.ndarray:
    grid = np.asarray(times, dtype=float)
    if grid.ndim != 1 or not np.all(np.isfinite(grid)):
        raise SimulationError("times must be a list of finite numbers (minutes)")
    if grid.size and (grid.min() < 0.0 or grid.max() > t_end or np.any(np.diff(grid) < 0)):
        raise SimulationError(
            f"times must be sorted and within [0, t_end = {t_end:g}] min; "
            f"got {grid.min():g} to {grid.max():g}"
        )
    return grid


def _with_times_near_switches(
    values: np.ndarray, times_out: list[float], grid: np.ndarray
) -> tuple[np.ndarray, list[float]]:
    """Add the output times that lie within the tolerance of a switch (and so were not
    integrated to), with the state at that switch: it moves by far less than the integrator's
    own error in 60 microseconds."""
    known = np.asarray(times_out)
    missing = np.setdiff1d(grid, known)
    if missing.size == 0:
        return values, times_out
    nearest = np.clip(np.searchsorted(known, missing), 1, len(known) - 1)
    left_closer = (missing - known[nearest - 1]) <= (known[nearest] - missing)
    nearest = np.where(left_closer, nearest - 1, nearest)
    all_times = np.concatenate([known, missing])
    order = np.argsort(all_times, kind="stable")
    return np.vstack([values, values[nearest]])[order], all_times[order].tolist()


@dataclass(frozen=True)
class SimulatorSettings:
    """How a simulator is built: which build of the model, and the integrator's tolerances.

    Scans pass one to their workers, so each compiles the same thing.
    """

    signs_as_parameters: bool = False
    rtol: float = RELATIVE_TOLERANCE
    atol: float = ABSOLUTE_TOLERANCE


@dataclass(frozen=True)
class _Prepared:
    """Parameter vector and steady state for one set of perturbations and overrides."""

    parameters: np.ndarray
    state: np.ndarray
    effect: PerturbationEffect
    moved: bool  # the resting state differs from the tables' (perturbations or a subject)


class Simulator:
    """One compiled model, reused for every run in this process.

    Parameters
    ----------
    model : mbaxis.network.Model
        The model to simulate; its SBML is generated and compiled once (and cached on disk).
    signs_as_parameters : bool
        Compile the build whose edge signs are parameters ``{edge}__sign`` (the null model of
        the validation overrides them); same equations at the tables' signs.
    rtol, atol : float
        CVODE tolerances.
    max_steps : int
        Most integrator steps between two output times before the run is declared failed.
    sbml : str, optional
        The model's SBML text, if already written (workers of a scan receive it).
    """

    def __init__(
        self,
        model: Model,
        *,
        signs_as_parameters: bool = False,
        rtol: float = RELATIVE_TOLERANCE,
        atol: float = ABSOLUTE_TOLERANCE,
        max_steps: int = 200000,
        sbml: str | None = None,
    ) -> None:
        self.model = model
        self.settings = SimulatorSettings(signs_as_parameters, rtol, atol)
        self.signs_as_parameters = signs_as_parameters
        self.sbml = (
            sbml if sbml is not None else model_sbml(model, signs_as_parameters=signs_as_parameters)
        )
        self._runner = compiled_runner(self.sbml)
        integrator = self._runner.integrator
        integrator.relative_tolerance = rtol
        integrator.absolute_tolerance = atol
        integrator.setValue("maximum_num_steps", max_steps)
        sbml_model = self._runner.model
        self._parameter_ids = list(sbml_model.getGlobalParameterIds())
        self._index = {name: i for i, name in enumerate(self._parameter_ids)}
        self._defaults = np.array(sbml_model.getGlobalParameterValues(), dtype=float)
        # parameters defined by assignment rules (observables) cannot be set
        observables = {s.id for s in model.observables}
        self._settable = np.array(
            [i for i, name in enumerate(self._parameter_ids) if name not in observables],
            dtype=np.int32,
        )
        self.states = tuple(sbml_model.getFloatingSpeciesIds())
        self._rest = np.array(sbml_model.getFloatingSpeciesInitAmounts(), dtype=float)
        self.inputs = tuple(s.id for s in model.inputs)
        self._input_index = np.array([self._index[name] for name in self.inputs], dtype=np.int32)
        self.observables = tuple(s.id for s in model.observables)
        self.columns = (*self.states, *self.observables, *self.inputs)
        self._selected: tuple[str, ...] = ()
        self.units = {s.id: s.unit for s in model.species}
        by_id = {s.id: s for s in model.states}
        half_lives = np.array(
            [
                to_minutes(by_id[s].half_life or math.nan, by_id[s].half_life_unit or "min")
                for s in self.states
            ]
        )
        self._rate_constants = math.log(2) / half_lives
        #: What a run may override: kinetic parameters, half-lives and (in that build) signs.
        self.overridable = frozenset(
            [p.id for p in model.parameters]
            + [hook(s.id, "half_life") for s in model.states]
            + ([hook(e.id, "sign") for e in model.interactions] if signs_as_parameters else [])
        ) & frozenset(self._parameter_ids)
        self._prepared: OrderedDict[tuple[object, ...], _Prepared] = OrderedDict()

    # --- one run -------------------------------------------------------------------------

    def run(
        self,
        protocols: Sequence[Protocol] = (),
        perturbations: Sequence[Perturbation] = (),
        *,
        subject: Subject = REFERENCE_SUBJECT,
        t_end: float | None = None,
        points: int | None = None,
        times: Sequence[float] | None = None,
        columns: Sequence[str] | None = None,
        parameters: Mapping[str, float] | None = None,
    ) -> pd.DataFrame:
        """Simulate ``protocols`` from the resting state under ``perturbations``.

        Returns a DataFrame indexed by time (minutes) with one column per species, observable
        and input, in the display units of the tables (``DataFrame.attrs["units"]``).
        ``times`` (sorted, from 0) overrides ``points``; switches of the inputs are always
        included as output times. ``columns`` restricts the output to some IDs, which makes
        scans faster (fewer values to record). ``parameters`` overrides kinetic parameters,
        half-lives (or, in the sign build, edge signs) for this run
        (``{"exercise_lactate__emax": 15}``); the resting state does not move with them (the
        rate law fixes it at the tables' resting levels) unless perturbations are in place,
        whose steady state is computed with the overrides.

        Raises
        ------
        SubjectError
            For a subject the model's subject table cannot represent.
        SimulationError
            For an unknown input, parameter or column, or a failed integration.
        """
        protocols = list(protocols) or [make_protocol("rest")]
        t_end = default_t_end(protocols) if t_end is None else float(t_end)
        if not t_end > 0:
            raise SimulationError(f"t_end must be positive; got {t_end}")
        grid = _checked_times(times, t_end) if times is not None else _output_grid(t_end, points)
        segments = schedule(protocols, t_end)
        for name in segments[0].inputs:
            if name not in self.inputs:
                raise SimulationError(
                    f"the model has no input '{name}', which the protocols "
                    f"[{', '.join(map(str, protocols))}] set; its inputs: {', '.join(self.inputs)}"
                )
        overrides = self._checked_overrides(parameters)
        prepared = self._prepare(tuple(perturbations), overrides, subject)
        selected = self._select(columns)
        runner = self._runner
        try:
            self._set_parameters(prepared.parameters)
            runner.model.setFloatingSpeciesAmounts(prepared.state)
            if not prepared.moved and all(
                not any(self._inputs(s.inputs, prepared.effect)) for s in segments
            ):
                values, times_out = self._at_rest(grid, segments)
            else:
                with native_output_to_logging():
                    values, times_out = self._integrate(segments, grid, prepared.effect)
        except RuntimeError as error:
            raise SimulationError(
                f"integration failed for protocols [{', '.join(map(str, protocols))}] with "
                f"perturbations [{', '.join(map(str, perturbations))}]: {error}"
            ) from None
        table = pd.DataFrame(values, columns=list(selected))
        table.index = pd.Index(times_out, name="time")
        table.attrs["units"] = {c: self.units[c] for c in selected}
        table.attrs["protocols"] = [str(p) for p in protocols]
        table.attrs["perturbations"] = [str(p) for p in perturbations]
        table.attrs["inputs"] = list(self.inputs)
        return table

    def _integrate(
        self, segments: Sequence[Segment], grid: np.ndarray, effect: PerturbationEffect
    ) -> tuple[np.ndarray, list[float]]:
        runner = self._runner
        rows: list[np.ndarray] = []
        times_out: list[float] = []
        for segment in segments:
            start, end = segment.start, segment.end
            inputs = dict(segment.inputs)
            if segment.absolute:
                capacity = self._capacity()  # the subject's own, at the start of the stretch
                if not capacity > 0.0:
                    raise SimulationError(
                        f"an intensity given with absolute=true is a fraction of the subject's "
                        f"VO2max, and this subject has no aerobic capacity ({CAPACITY} = "
                        f"{capacity:g} at {start:g} min)"
                    )
                for name in segment.absolute:
                    inputs[name] /= capacity
            self._set_inputs(self._inputs(inputs, effect))
            self._flush_vanishing_amounts()
            # CVODE cannot stop twice within a tolerance; output times that close to a switch
            # are filled in from the switch below
            inside = grid[(grid > start + TIME_TOLERANCE) & (grid < end - TIME_TOLERANCE)]
            segment_times = [start, *inside.tolist(), end]
            result = runner.simulate(times=segment_times)
            first = 0 if not rows else 1  # the segment start repeats the previous end
            rows.append(np.asarray(result)[first:, 1:])
            times_out.extend(segment_times[first:])
        return _with_times_near_switches(np.vstack(rows), times_out, grid)

    def _flush_vanishing_amounts(self) -> None:
        """Set to zero the amounts that have decayed below :data:`VANISHING`.

        A drug cleared for weeks decays exponentially towards the floating-point floor (and a
        clamp may ask for 1e-308); at such values CVODE's first-step estimate fails ("too much
        accuracy requested"). No concentration below 1e-100 of its unit means anything.
        """
        model = self._runner.model
        amounts = np.asarray(model.getFloatingSpeciesAmounts(), dtype=float)
        vanishing = (np.abs(amounts) < VANISHING) & (amounts != 0.0)
        if vanishing.any():
            amounts[vanishing] = 0.0
            model.setFloatingSpeciesAmounts(amounts)

    def _capacity(self) -> float:
        """The subject's aerobic capacity now, relative to the reference subject's."""
        if CAPACITY not in self.states:
            raise SimulationError(
                f"an intensity given with absolute=true needs the model's aerobic capacity "
                f"'{CAPACITY}', which this model does not hold"
            )
        index = self.states.index(CAPACITY)
        amounts = self._runner.model.getFloatingSpeciesAmounts()
        return float(amounts[index]) / float(self._rest[index])

    def _at_rest(
        self, grid: np.ndarray, segments: Sequence[Segment]
    ) -> tuple[np.ndarray, list[float]]:
        """No input moves and nothing is perturbed: the resting state holds at every time.

        It is a steady state by construction of the rate law (every regulation term is 1
        there), so integrating would only reproduce it; the values are read off the model.
        The output times are those an integration would give: the grid and every switch.
        """
        self._set_inputs([0.0] * len(self.inputs))
        row = np.asarray(self._runner.getSelectedValues(), dtype=float)[1:]
        switches = {t for segment in segments for t in (segment.start, segment.end)}
        times_out = sorted({*grid.tolist(), *switches})
        return np.tile(row, (len(times_out), 1)), times_out

    def _checked_overrides(
        self, parameters: Mapping[str, float] | None
    ) -> tuple[tuple[str, float], ...]:
        if not parameters:
            return ()
        unknown = sorted(name for name in parameters if name not in self.overridable)
        if unknown:
            raise SimulationError(
                f"unknown or fixed parameter(s) {', '.join(unknown)}; overridable: kinetic "
                "parameters ({edge}__emax, ...), half-lives ({species}__half_life)"
                + (" and signs ({edge}__sign)" if self.signs_as_parameters else "")
            )
        bad = sorted(name for name, value in parameters.items() if not math.isfinite(value))
        if bad:
            raise SimulationError(f"parameter(s) {', '.join(bad)} must be finite numbers")
        return tuple(sorted((name, float(value)) for name, value in parameters.items()))

    def _select(self, columns: Sequence[str] | None) -> tuple[str, ...]:
        selected = self.columns if columns is None else tuple(columns)
        if selected != self._selected:
            unknown = [c for c in selected if c not in self.units or c not in self.columns]
            if unknown:
                raise SimulationError(
                    f"unknown output column(s) {', '.join(unknown)}; valid: "
                    f"{', '.join(self.columns)}"
                )
            self._runner.timeCourseSelections = ["time", *selected]
            self._selected = selected
        return selected

    def _set_parameters(self, values: np.ndarray) -> None:
        self._runner.model.setGlobalParameterValues(self._settable, values[self._settable])

    def _inputs(self, inputs: Mapping[str, float], effect: PerturbationEffect) -> list[float]:
        """The value of every model input in a segment, after the perturbations of inputs.

        The supramaximal rate follows the relative work rate (the part above VO2max) unless a
        protocol sets it itself."""
        values = {}
        for name in self.inputs:
            value = inputs.get(name, 0.0) * effect.input_scale.get(name, 1.0)
            values[name] = effect.input_fixed.get(name, value)
        if SUPRAMAXIMAL in values and WORK_RATE in values and SUPRAMAXIMAL not in inputs:
            derived = max(0.0, values[WORK_RATE] - 1.0) * effect.input_scale.get(SUPRAMAXIMAL, 1.0)
            values[SUPRAMAXIMAL] = effect.input_fixed.get(SUPRAMAXIMAL, derived)
        return [values[name] for name in self.inputs]

    def _set_inputs(self, values: Sequence[float]) -> None:
        self._runner.model.setGlobalParameterValues(self._input_index, np.asarray(values))

    # --- the resting state under perturbations --------------------------------------------

    def resting_state(
        self,
        perturbations: Sequence[Perturbation] = (),
        parameters: Mapping[str, float] | None = None,
        subject: Subject = REFERENCE_SUBJECT,
    ) -> pd.Series:
        """The steady state the runs under ``perturbations`` (and overrides, on ``subject``)
        start from."""
        prepared = self._prepare(tuple(perturbations), self._checked_overrides(parameters), subject)
        return pd.Series(prepared.state, index=self.states, name="rest")

    def starting_point(
        self,
        perturbations: Sequence[Perturbation] = (),
        subject: Subject = REFERENCE_SUBJECT,
    ) -> tuple[dict[str, float], pd.Series]:
        """What another engine needs to start a run where this simulator does: the value of
        every parameter that ``perturbations`` and ``subject`` change (hooks, kinetic
        parameters, half-lives), and the resting state they lead to."""
        prepared = self._prepare(tuple(perturbations), (), subject)
        changed = {
            self._parameter_ids[i]: float(prepared.parameters[i])
            for i in self._settable
            if prepared.parameters[i] != self._defaults[i]
            and self._parameter_ids[i] not in self.inputs
        }
        return changed, pd.Series(prepared.state, index=self.states, name="rest")

    def _prepare(
        self,
        perturbations: tuple[Perturbation, ...],
        overrides: tuple[tuple[str, float], ...],
        subject: Subject,
    ) -> _Prepared:
        key = (perturbations, overrides, subject)
        if key in self._prepared:
            self._prepared.move_to_end(key)
            return self._prepared[key]
        effect = apply_perturbations(self.model, perturbations)
        person = subject_effect(self.model, subject)
        parameters = self._defaults.copy()
        for name, value in (*person.parameters.items(), *overrides):
            parameters[self._index[name]] = value
        for name, factor in person.multipliers.items():
            parameters[self._index[name]] *= factor
        for name, value in effect.parameters.items():
            # perturbations scale hooks relative to 1, on top of what the subject set
            multiplies = owner_and_role(name)[1] in ("synthesis_scale", "activity")
            parameters[self._index[name]] = (
                parameters[self._index[name]] * value if multiplies else value
            )
        state = self._rest.copy()
        for name, value in effect.initial.items():
            state[self.states.index(name)] = value
        moved = bool(perturbations) or subject != REFERENCE_SUBJECT
        if moved:
            state = self._steady_state(parameters, state, effect, perturbations, subject)
        prepared = _Prepared(parameters, state, effect, moved)
        if moved:  # only these cost an integration; plain overrides are cheap
            self._prepared[key] = prepared
            if len(self._prepared) > PREPARED_CACHE:
                self._prepared.popitem(last=False)
        return prepared

    def _steady_state(
        self,
        parameters: np.ndarray,
        state: np.ndarray,
        effect: PerturbationEffect,
        perturbations: tuple[Perturbation, ...],
        subject: Subject,
    ) -> np.ndarray:
        """Integrate at rest until nothing changes (checked by residual, not trusted blindly)."""
        runner = self._runner
        horizon = 20.0 * math.log(2) / float(self._rate_constants.min())
        self._set_parameters(parameters)
        runner.model.setFloatingSpeciesAmounts(state)
        self._flush_vanishing_amounts()
        self._set_inputs(self._inputs({}, effect))
        scale = np.maximum(np.abs(self._rest), 1e-12)
        for _ in range(4):
            try:
                with native_output_to_logging():
                    runner.simulate(0.0, horizon, 2)
            except RuntimeError as error:
                raise SimulationError(
                    f"could not reach the resting state under perturbations "
                    f"[{', '.join(map(str, perturbations))}] for {subject}: {error}"
                ) from None
            rates = np.asarray(runner.model.getFloatingSpeciesConcentrationRates(), dtype=float)
            amounts = np.asarray(runner.model.getFloatingSpeciesAmounts(), dtype=float)
            relative = np.abs(rates) / (self._rate_constants * np.maximum(np.abs(amounts), scale))
            if float(relative.max()) < STEADY_TOLERANCE:
                return amounts
        worst = self.states[int(relative.argmax())]
        raise SimulationError(
            f"no resting steady state under perturbations [{', '.join(map(str, perturbations))}]"
            f" for {subject}: '{worst}' still changes by {relative.max():.2g} of its level per "
            "half-life"
        )


@lru_cache(maxsize=4)
def _simulator(model: Model) -> Simulator:
    return Simulator(model)


def simulate(
    model: Model,
    protocols: Sequence[Protocol] = (),
    perturbations: Sequence[Perturbation] = (),
    *,
    subject: Subject = REFERENCE_SUBJECT,
    t_end: float | None = None,
    points: int | None = None,
    parameters: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Simulate ``protocols`` under ``perturbations``; see :meth:`Simulator.run`.

    The compiled model is kept per process, so repeated calls cost one compilation.

    Examples
    --------
    >>> from mbaxis.network import load_model
    >>> from mbaxis.analysis.protocols import make_protocol
    >>> course = simulate(load_model(), [make_protocol("aerobic", duration_min=30)], t_end=60)
    >>> bool(course["plasma__lactate"].max() > course["plasma__lactate"].iloc[0])
    True
    """
    return _simulator(model).run(
        protocols, perturbations, subject=subject, t_end=t_end, points=points, parameters=parameters
    )
