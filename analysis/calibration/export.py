"""The calibration problem as a self-contained PEtab v1 problem other tools can simulate.

The bundled problem's PEtab tables point at the plain model; what each condition *does* (the
protocols, the subject) lives in our ``experiments.tsv``, which PEtab v1 has no place for, so
another tool would run every condition at rest. :func:`export_petab` writes a problem that
needs nothing of ours:

- the SBML model carries every condition's protocol schedule as events gated by one parameter
  per condition (``gate_<condition>``; :func:`~mbaxis.analysis.experiment_sbml.write_schedule`,
  the same switches ``mbaxis simulate`` makes); the condition table sets its own gate to 1 and
  the others to 0;
- a subject is the parameter values it changes (``Simulator.starting_point``), columns of the
  condition table;
- every run starts from the resting state, so each measurement names a preequilibration
  condition: all gates 0, the subject's parameters, run to steady state. The reference
  subject rests at the tables' levels whatever the parameters (the rate laws are normalised to
  them); another subject's preequilibration condition starts from its resting state at the
  tables' parameters (species columns), so a steady-state solver starts next to the answer
  (the slowest states take weeks to settle from the reference levels).

A parameter that is both estimated and changed by a subject cannot be written in PEtab v1 (a
condition can replace a parameter, not scale it): that is an error naming both.
"""

from __future__ import annotations

import math
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import libsbml
import numpy as np
import pandas as pd

from mbaxis.analysis.calibration.build import problem_yaml
from mbaxis.analysis.calibration.objective import values_at
from mbaxis.analysis.calibration.problem import CalibrationProblem
from mbaxis.analysis.errors import CalibrationError
from mbaxis.analysis.experiment_sbml import reference_capacity, write_schedule
from mbaxis.analysis.model_cache import model_sbml
from mbaxis.analysis.perturbations import apply_perturbations
from mbaxis.analysis.protocols import schedule
from mbaxis.analysis.simulation import Simulator
from mbaxis.analysis.subjects import REFERENCE_SUBJECT, Subject
from mbaxis.network import Model

if TYPE_CHECKING:
    from mbaxis.analysis.archive import ArchiveExperiment

__all__ = ["GATE_PREFIX", "export_experiment_petab", "export_petab"]

GATE_PREFIX = "gate_"
MODEL_FILE = "model.xml"


def _write_atomically(path: Path, text: str) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
        stream.write(text)
    os.replace(temporary, path)


def _rest_condition_ids(subjects: list[Subject]) -> dict[Subject, str]:
    """``rest`` for the reference subject, ``rest_1``, ``rest_2``, ... for the others."""
    ids: dict[Subject, str] = {}
    for subject in subjects:
        if subject not in ids:
            ids[subject] = "rest" if subject == REFERENCE_SUBJECT else f"rest_{len(ids) + 1}"
    return ids


def _initial_value(sbml_model: libsbml.Model, species_id: str) -> float:
    species = sbml_model.getSpecies(species_id)
    if species.isSetInitialConcentration():
        return float(species.getInitialConcentration())
    return float(species.getInitialAmount())


def _initial_values(sbml_model: libsbml.Model, state: pd.Series) -> dict[str, float]:
    """A simulator state (amounts) as the SBML's initial values (amounts or concentrations,
    as each species is declared)."""
    values = {}
    for species_id, amount in state.items():
        species = sbml_model.getSpecies(str(species_id))
        size = sbml_model.getCompartment(species.getCompartment()).getSize()
        concentration = species.isSetInitialConcentration()
        values[str(species_id)] = float(amount) / size if concentration else float(amount)
    return values


def export_petab(problem: CalibrationProblem, model: Model, folder: str | Path) -> Path:
    """Write ``problem`` into ``folder`` as a PEtab v1 problem that runs its protocols and
    subjects by itself; returns the path of its ``problem.yaml``.

    Raises
    ------
    CalibrationError
        If a subject changes a parameter the problem estimates.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    document = libsbml.readSBMLFromString(model_sbml(model))
    sbml_model = document.getModel()
    rest_capacity = reference_capacity(sbml_model)
    resting = {s.id: s.resting_level for s in model.states}
    no_perturbation = apply_perturbations(model, ())

    measurements = problem.petab_problem.measurement_df
    ends = measurements.groupby("simulationConditionId")["time"].max()
    gates = {cid: f"{GATE_PREFIX}{cid}" for cid in problem.conditions}
    for cid, condition in problem.conditions.items():
        gate = sbml_model.createParameter()
        gate.setId(gates[cid])
        gate.setName(f"1 runs the protocols of condition {cid}, 0 leaves them out")
        gate.setValue(0.0)
        gate.setUnits("dimensionless")
        gate.setConstant(True)
        t_end = float(ends.get(cid, 0.0)) or 1.0
        segments = schedule(condition.protocols, t_end)
        write_schedule(
            sbml_model,
            model,
            segments,
            condition.protocols,
            no_perturbation,
            resting,
            rest_capacity,
            gate=gates[cid],
        )

    simulator = Simulator(model)
    subjects = [c.subject for c in problem.conditions.values()]
    rest_ids = _rest_condition_ids(subjects)
    points = {s: simulator.starting_point((), s) for s in rest_ids}
    changes = {s: values for s, (values, _) in points.items()}
    changed = sorted({name for values in changes.values() for name in values})
    for name in changed:
        if name in problem.estimated:
            subject = next(s for s, values in changes.items() if name in values)
            raise CalibrationError(
                f"{problem.folder}: the subject {subject} changes '{name}', which the problem "
                "estimates; PEtab v1 conditions can replace a parameter, not scale it"
            )
    defaults = {name: sbml_model.getParameter(name).getValue() for name in changed}
    starts = {s: _initial_values(sbml_model, state) for s, (_, state) in points.items()}
    moved = sorted(
        {
            species
            for state in starts.values()
            for species, value in state.items()
            if not math.isclose(value, _initial_value(sbml_model, species), rel_tol=1e-9)
        }
    )

    def row(cid: str, name: str, subject: Subject, own_gate: str | None) -> dict[str, object]:
        values: dict[str, object] = {"conditionId": cid, "conditionName": name}
        values.update({g: 1.0 if g == own_gate else 0.0 for g in gates.values()})
        values.update({p: changes[subject].get(p, defaults[p]) for p in changed})
        # a run carries the state its preequilibration reached (empty: not set here)
        resting = own_gate is None and subject != REFERENCE_SUBJECT
        values.update({x: starts[subject][x] if resting else math.nan for x in moved})
        return values

    rows = [row(rest_ids[s], f"rest {s}", s, None) for s in rest_ids]
    names = problem.petab_problem.condition_df["conditionName"]
    rows += [row(cid, names[cid], c.subject, gates[cid]) for cid, c in problem.conditions.items()]
    conditions = pd.DataFrame(rows)

    measurements = measurements.copy()
    measurements.insert(
        1,
        "preequilibrationConditionId",
        [rest_ids[problem.conditions[c].subject] for c in measurements["simulationConditionId"]],
    )
    sbml_model.setName(f"{sbml_model.getName()}: the calibration problem's experiments")
    _write_atomically(folder / MODEL_FILE, str(libsbml.writeSBMLToString(document)))
    tables = {
        "conditions.tsv": conditions,
        "measurements.tsv": measurements,
        "observables.tsv": problem.petab_problem.observable_df.reset_index(),
        "parameters.tsv": problem.petab_problem.parameter_df.reset_index(),
    }
    for name, table in tables.items():
        _write_atomically(folder / name, table.to_csv(sep="\t", index=False, lineterminator="\n"))
    datasets = problem.folder / "datasets.tsv"
    if datasets.is_file():  # where each time course comes from travels with the numbers
        _write_atomically(folder / "datasets.tsv", datasets.read_text(encoding="utf-8"))
    _write_atomically(folder / "problem.yaml", problem_yaml(MODEL_FILE))
    return folder / "problem.yaml"


def export_experiment_petab(
    model: Model, experiment: ArchiveExperiment, folder: str | Path
) -> Path:
    """One experiment (protocols run at once, perturbations, a subject) as a PEtab v1 problem
    whose measurements are ``mbaxis``'s own simulation of it; returns the ``problem.yaml``.

    Not data: a check that another tool runs the experiment as ``mbaxis`` does. The SBML
    carries the protocols as events and starts from the resting state under the perturbations
    and on the subject (:func:`~mbaxis.analysis.experiment_sbml.experiment_sbml`, as in the
    COMBINE archives); the measurements are the readouts of the archives' reports on their
    output grid, each with a noise of 1% of its value, and every dataset ID says
    ``simulated_by_mbaxis``.
    """
    from mbaxis.analysis.archive import ARCHIVE_READOUTS

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    times = np.linspace(0.0, experiment.t_end, experiment.points)
    course = Simulator(model).run(
        experiment.protocols,
        experiment.perturbations,
        subject=experiment.subject,
        times=times.tolist(),
        t_end=experiment.t_end,
        columns=ARCHIVE_READOUTS,
    )
    _write_atomically(folder / MODEL_FILE, experiment.sbml(model))
    observables = pd.DataFrame(
        {
            "observableId": [f"obs_{r}" for r in ARCHIVE_READOUTS],
            "observableName": list(ARCHIVE_READOUTS),
            "observableFormula": list(ARCHIVE_READOUTS),
            "noiseFormula": [f"noiseParameter1_obs_{r}" for r in ARCHIVE_READOUTS],
            "observableTransformation": "lin",
            "noiseDistribution": "normal",
        }
    )
    rows = [
        {
            "observableId": f"obs_{readout}",
            "simulationConditionId": "experiment",
            "measurement": float(value),
            "time": float(time),
            "noiseParameters": max(0.01 * abs(float(value)), 1e-12),
            "datasetId": f"simulated_by_mbaxis_{readout}",
        }
        for readout in ARCHIVE_READOUTS
        for time, value in zip(times, values_at(course[readout], times), strict=True)
    ]
    conditions = pd.DataFrame([{"conditionId": "experiment", "conditionName": str(experiment)}])
    # PEtab asks for a parameter table; the experiment estimates nothing, so it lists one
    # kinetic parameter of the readouts' model at its tables' value, not estimated
    first = model.parameters[0]
    parameters = pd.DataFrame(
        [
            {
                "parameterId": first.id,
                "parameterScale": "lin",
                "lowerBound": first.low if first.low is not None else first.value,
                "upperBound": first.high if first.high is not None else first.value,
                "nominalValue": first.value,
                "estimate": 0,
            }
        ]
    )
    tables = {
        "conditions.tsv": conditions,
        "measurements.tsv": pd.DataFrame(rows),
        "observables.tsv": observables,
        "parameters.tsv": parameters,
    }
    for name, table in tables.items():
        _write_atomically(folder / name, table.to_csv(sep="\t", index=False, lineterminator="\n"))
    _write_atomically(folder / "problem.yaml", problem_yaml(MODEL_FILE))
    return folder / "problem.yaml"
