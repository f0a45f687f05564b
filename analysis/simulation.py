"""Simulating protocols and perturbations on one compiled model (roadrunner).

:class:`Simulator` compiles the model's SBML once (LLJIT) and reuses it for every run: a run
resets the state, sets parameters through ``model.setGlobalParameterValues`` (microseconds;
never ``init(...)`` assignments, which recompile), computes the resting steady state with the
perturbations in place, then integrates the protocol segment by segment with a stop at every
switch of an input. :func:`simulate` is the one-call form.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
import roadrunner

from mbaxis.analysis.errors import SimulationError
from mbaxis.analysis.perturbations import Perturbation, PerturbationEffect, apply_perturbations
from mbaxis.analysis.protocols import Protocol, make_protocol, schedule
from mbaxis.network import Model
from mbaxis.network.units import to_minutes
from mbaxis.sbml import write_sbml

__all__ = ["RELATIVE_TOLERANCE", "Simulator", "default_t_end", "simulate"]

#: Integrator tolerances (CVODE). Tighter than needed for plots; scans may loosen them
#: explicitly (PERFORMANCE.md: rtol 1e-4 is 3x faster with ~1e-3 error).
RELATIVE_TOLERANCE = 1e-8
ABSOLUTE_TOLERANCE = 1e-12
#: A state counts as steady when no species would change by more than this fraction of its
#: level in one of its own half-lives.
STEADY_TOLERANCE = 1e-6


def default_t_end(protocols: Sequence[Protocol]) -> float:
    """Protocol duration plus a recovery window (3 h after short protocols, 2 days after long)."""
    duration = max((p.duration for p in protocols), default=0.0)
    return max(240.0, duration + (180.0 if duration < 1440.0 else 2880.0))


def _output_grid(t_end: float, points: int | None) -> np.ndarray:
    if points is None:
        points = int(t_end) + 1 if t_end <= 2000 else 2001
    if points < 2:
        raise SimulationError(f"points must be at least 2; got {points}")
    return np.linspace(0.0, t_end, points)


@dataclass(frozen=True)
class _Prepared:
    """Parameter vector and steady state for one set of perturbations (cached per set)."""

    parameters: np.ndarray
    state: np.ndarray
    effect: PerturbationEffect


class Simulator:
    """One compiled model, reused for every run in this process.

    Parameters
    ----------
    model : network.Model
        The model to simulate; its SBML is generated and compiled once.
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
        rtol: float = RELATIVE_TOLERANCE,
        atol: float = ABSOLUTE_TOLERANCE,
        max_steps: int = 200000,
        sbml: str | None = None,
    ) -> None:
        self.model = model
        roadrunner.Config.setValue(roadrunner.Config.LLVM_BACKEND, roadrunner.Config.LLJIT)
        self.sbml = sbml if sbml is not None else write_sbml(model)
        self._runner = roadrunner.RoadRunner(self.sbml)
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
        self._prepared: dict[tuple[Perturbation, ...], _Prepared] = {}

    # --- one run -------------------------------------------------------------------------

    def run(
        self,
        protocols: Sequence[Protocol] = (),
        perturbations: Sequence[Perturbation] = (),
        *,
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
        scans faster (fewer values to record). ``parameters`` overrides kinetic parameters or
        half-lives for this run (``{"exercise_lactate__emax": 15}``); they do not move the
        resting state, which the rate law fixes at the tables' resting levels.
        """
        protocols = list(protocols) or [make_protocol("rest")]
        t_end = default_t_end(protocols) if t_end is None else float(t_end)
        if not t_end > 0:
            raise SimulationError(f"t_end must be positive; got {t_end}")
        grid = np.asarray(times, dtype=float) if times is not None else _output_grid(t_end, points)
        segments = schedule(protocols, t_end)
        for name in segments[0].inputs:
            if name not in self.inputs:
                raise SimulationError(
                    f"the model has no input '{name}', which the protocols "
                    f"[{', '.join(map(str, protocols))}] set; its inputs: {', '.join(self.inputs)}"
                )
        prepared = self._prepare(tuple(perturbations))
        values = prepared.parameters
        if parameters:
            if perturbations:
                raise SimulationError("parameter overrides with perturbations are not supported")
            values = values.copy()
            for name, value in parameters.items():
                if name not in self._index or name.endswith("__rest"):
                    raise SimulationError(
                        f"unknown or fixed parameter '{name}'; overridable: kinetic parameters "
                        "({edge}__emax, ...) and half-lives ({species}__half_life)"
                    )
                values[self._index[name]] = float(value)
        selected = self._select(columns)
        runner = self._runner
        try:
            self._set_parameters(values)
            runner.model.setFloatingSpeciesAmounts(prepared.state)
            rows: list[np.ndarray] = []
            times_out: list[float] = []
            for segment in segments:
                self._set_inputs(segment.inputs, prepared.effect)
                inside = grid[(grid > segment.start) & (grid < segment.end)]
                segment_times = [segment.start, *inside.tolist(), segment.end]
                result = runner.simulate(times=segment_times)
                start = 0 if not rows else 1  # the segment start repeats the previous end
                rows.append(np.asarray(result)[start:, 1:])
                times_out.extend(segment_times[start:])
        except RuntimeError as error:
            raise SimulationError(
                f"integration failed for protocols [{', '.join(map(str, protocols))}] with "
                f"perturbations [{', '.join(map(str, perturbations))}]: {error}"
            ) from None
        table = pd.DataFrame(np.vstack(rows), columns=list(selected))
        table.index = pd.Index(times_out, name="time")
        table.attrs["units"] = {c: self.units[c] for c in selected}
        table.attrs["protocols"] = [str(p) for p in protocols]
        table.attrs["perturbations"] = [str(p) for p in perturbations]
        table.attrs["inputs"] = list(self.inputs)
        return table

    def default_parameter(self, name: str) -> float:
        """The value of a parameter in the compiled model (before any override)."""
        if name not in self._index:
            raise SimulationError(f"unknown parameter '{name}'")
        return float(self._defaults[self._index[name]])

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

    def _set_inputs(self, inputs: Mapping[str, float], effect: PerturbationEffect) -> None:
        values = dict(inputs)
        for name in self.inputs:
            value = values.get(name, 0.0) * effect.input_scale.get(name, 1.0)
            value = effect.input_fixed.get(name, value)
            self._runner.model.setGlobalParameterValues(
                np.array([self._index[name]], dtype=np.int32), np.array([value])
            )

    # --- the resting state under perturbations --------------------------------------------

    def resting_state(self, perturbations: Sequence[Perturbation] = ()) -> pd.Series:
        """The steady state the runs under ``perturbations`` start from."""
        prepared = self._prepare(tuple(perturbations))
        return pd.Series(prepared.state, index=self.states, name="rest")

    def _prepare(self, perturbations: tuple[Perturbation, ...]) -> _Prepared:
        if perturbations in self._prepared:
            return self._prepared[perturbations]
        effect = apply_perturbations(self.model, perturbations)
        parameters = self._defaults.copy()
        for name, value in effect.parameters.items():
            parameters[self._index[name]] = value
        state = self._rest.copy()
        for name, value in effect.initial.items():
            state[self.states.index(name)] = value
        if perturbations:
            state = self._steady_state(parameters, state, effect, perturbations)
        prepared = _Prepared(parameters, state, effect)
        self._prepared[perturbations] = prepared
        return prepared

    def _steady_state(
        self,
        parameters: np.ndarray,
        state: np.ndarray,
        effect: PerturbationEffect,
        perturbations: tuple[Perturbation, ...],
    ) -> np.ndarray:
        """Integrate at rest until nothing changes (checked by residual, not trusted blindly)."""
        runner = self._runner
        horizon = 20.0 * math.log(2) / float(self._rate_constants.min())
        self._set_parameters(parameters)
        runner.model.setFloatingSpeciesAmounts(state)
        self._set_inputs({}, effect)
        scale = np.maximum(np.abs(self._rest), 1e-12)
        for _ in range(4):
            try:
                runner.simulate(0.0, horizon, 2)
            except RuntimeError as error:
                raise SimulationError(
                    f"could not reach the resting state under perturbations "
                    f"[{', '.join(map(str, perturbations))}]: {error}"
                ) from None
            rates = np.asarray(runner.model.getFloatingSpeciesConcentrationRates(), dtype=float)
            amounts = np.asarray(runner.model.getFloatingSpeciesAmounts(), dtype=float)
            relative = np.abs(rates) / (self._rate_constants * np.maximum(np.abs(amounts), scale))
            if float(relative.max()) < STEADY_TOLERANCE:
                return amounts
        worst = self.states[int(relative.argmax())]
        raise SimulationError(
            f"no resting steady state under perturbations [{', '.join(map(str, perturbations))}]:"
            f" '{worst}' still changes by {relative.max():.2g} of its level per half-life"
        )


@lru_cache(maxsize=4)
def _simulator(model: Model) -> Simulator:
    return Simulator(model)


def simulate(
    model: Model,
    protocols: Sequence[Protocol] = (),
    perturbations: Sequence[Perturbation] = (),
    *,
    t_end: float | None = None,
    points: int | None = None,
) -> pd.DataFrame:
    """Simulate ``protocols`` under ``perturbations``; see :meth:`Simulator.run`.

    The compiled model is cached per process, so repeated calls cost one compilation.

    Examples
    --------
    >>> from mbaxis.network import load_model
    >>> from mbaxis.analysis.protocols import make_protocol
    >>> course = simulate(load_model(), [make_protocol("aerobic", duration_min=30)], t_end=60)
    >>> bool(course["plasma__lactate"].max() > course["plasma__lactate"].iloc[0])
    True
    """
    return _simulator(model).run(protocols, perturbations, t_end=t_end, points=points)
