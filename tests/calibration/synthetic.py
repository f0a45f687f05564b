"""A calibration problem written from the model itself, for tests of the machinery.

The data are the model's own values at known parameters (``truth``) with a 5% standard error,
so a fit must find the truth again; the folder is a complete PEtab problem with our tables.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from mbaxis.analysis import Simulator, parse_protocol
from mbaxis.analysis.calibration.problem import observable_id
from mbaxis.network import Model
from mbaxis.sbml import write_sbml

#: (condition, protocol spec, readout, times in minutes)
Course = tuple[str, str, str, Sequence[float]]


def write_synthetic_problem(
    folder: Path,
    model: Model,
    courses: Sequence[Course],
    estimated: Sequence[str],
    truth: Mapping[str, float],
    scale: float = 1.3,
    one_study_each: bool = False,
) -> Path:
    """Write the problem into ``folder``; return its YAML file."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "model.xml").write_text(write_sbml(model), encoding="utf-8")
    simulator = Simulator(model)
    measurements = [
        "observableId\tsimulationConditionId\tmeasurement\ttime\tobservableParameters"
        "\tnoiseParameters\tdatasetId"
    ]
    datasets = ["datasetId\tstudyId\treference\tsource\torganism\tpopulation\tnotes"]
    experiments = ["conditionId\tprotocols\tsubject"]
    conditions = ["conditionId\tconditionName"]
    readouts: dict[str, None] = {}
    for number, (condition, spec, readout, times) in enumerate(courses):
        grid = sorted({0.0, *times})
        table = simulator.run([parse_protocol(spec)], times=grid, t_end=grid[-1], parameters=truth)
        values = table[readout].reindex(grid).to_numpy()
        dataset = f"d{number}"
        for time, value in zip(grid, values, strict=True):
            if time in times:
                measurements.append(
                    f"{observable_id(readout)}\t{condition}\t{float(scale * value)!r}"
                    f"\t{float(time)!r}\tscale_{dataset}\t{float(0.05 * scale * value)!r}"
                    f"\t{dataset}"
                )
        study = f"study{number}" if one_study_each else "synthetic"
        datasets.append(f"{dataset}\t{study}\tPMID:1\tsimulated\thuman\tnone\tsynthetic")
        if f"{condition}\t" not in "\n".join(experiments):
            experiments.append(f"{condition}\t{spec}\t")
            conditions.append(f"{condition}\t{spec}")
        readouts[readout] = None
    observables = [
        "observableId\tobservableFormula\tnoiseFormula\tobservableTransformation\tnoiseDistribution"
    ]
    for readout in readouts:
        obs = observable_id(readout)
        observables.append(
            f"{obs}\tobservableParameter1_{obs} * {readout}\tnoiseParameter1_{obs}\tlin\tnormal"
        )
    tables = {p.id: p for p in model.parameters}
    parameters = ["parameterId\tparameterScale\tlowerBound\tupperBound\tnominalValue\testimate"]
    for name in estimated:
        p = tables[name]
        parameters.append(f"{name}\tlog10\t{p.low!r}\t{p.high!r}\t{p.value!r}\t1")
    for number in range(len(courses)):
        parameters.append(f"scale_d{number}\tlog10\t0.001\t1000\t1\t1")
    files = {
        "measurements.tsv": measurements,
        "datasets.tsv": datasets,
        "experiments.tsv": experiments,
        "conditions.tsv": conditions,
        "observables.tsv": observables,
        "parameters.tsv": parameters,
    }
    for name, lines in files.items():
        (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "problem.yaml").write_text(
        "format_version: 1\nparameter_file: parameters.tsv\nproblems:\n"
        "  - condition_files: [conditions.tsv]\n    measurement_files: [measurements.tsv]\n"
        "    observable_files: [observables.tsv]\n    sbml_files: [model.xml]\n",
        encoding="utf-8",
    )
    return folder / "problem.yaml"


def log10(values: Sequence[float]) -> np.ndarray:
    return np.log10(np.asarray(values, dtype=float))
