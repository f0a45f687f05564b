"""COMBINE archives (OMEX) of simulation experiments that other tools run unchanged.

One archive holds, for each experiment (protocols run at once on the reference subject):
the model's SBML with the protocol's switches as events (:mod:`mbaxis.analysis.experiment_sbml`),
and a SED-ML L1V4 document with a uniform time course integrated by CVODE at the simulator's
tolerances, data generators for time and the readouts the report shows, a report of them and a
plot per readout. The manifest lists every file and its format; the OMEX metadata
(``metadata.rdf``) names the creators, the description, the creation time and, in the
description, the references and the licence. Everything is built with libsedml and libcombine.

``mbaxis export omex --protocol P... --out FILE.omex`` writes one experiment; ``--all`` one per
protocol of the library (defaults), in one archive.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from xml.sax.saxutils import escape

from mbaxis.analysis.defaults import DEFAULT_READOUTS, PLOT_READOUTS
from mbaxis.analysis.errors import SimulationError
from mbaxis.analysis.experiment_sbml import experiment_sbml
from mbaxis.analysis.perturbations import Perturbation
from mbaxis.analysis.protocols import (
    BOUT_PROTOCOLS,
    PROTOCOLS,
    Protocol,
    default_t_end,
    make_protocol,
)
from mbaxis.analysis.scenarios import Experiment
from mbaxis.analysis.simulation import (
    ABSOLUTE_TOLERANCE,
    RELATIVE_TOLERANCE,
    Simulator,
    output_points,
)
from mbaxis.analysis.subjects import REFERENCE_SUBJECT, Subject
from mbaxis.network import Model

__all__ = ["ARCHIVE_READOUTS", "ArchiveExperiment", "library_experiments", "write_omex"]

#: What each experiment's report and plots show: the readouts of the report.
ARCHIVE_READOUTS = tuple(dict.fromkeys((*PLOT_READOUTS, *DEFAULT_READOUTS)))
#: KiSAO terms: CVODE, its relative and absolute tolerances and its step limit.
_CVODE = "KISAO:0000019"
_TOLERANCES = {"KISAO:0000209": RELATIVE_TOLERANCE, "KISAO:0000211": ABSOLUTE_TOLERANCE}
_MAX_STEPS = ("KISAO:0000415", 200000)
_SEDML = "http://identifiers.org/combine.specifications/sed-ml"
_SBML = "http://identifiers.org/combine.specifications/sbml"
_OMEX = "http://identifiers.org/combine.specifications/omex"
_LICENCE = "MIT"
_REPOSITORY = "mbaxis, an open mechanistic model of the exercise muscle-brain axis"


@dataclass(frozen=True)
class ArchiveExperiment:
    """Protocols run at once from rest (under perturbations, on a subject), recorded every
    ``t_end / (points - 1)`` minutes."""

    protocols: tuple[Protocol, ...]
    t_end: float
    points: int
    perturbations: tuple[Perturbation, ...] = ()
    subject: Subject = REFERENCE_SUBJECT

    @property
    def name(self) -> str:
        """A file-name-safe ID, e.g. ``hiit_fasting`` or ``aerobic__knockout_plasma__CTSB``."""
        parts = ["_".join(p.name for p in self.protocols)]
        parts += [f"{p.kind}_{p.target}" for p in self.perturbations]
        parts += [f"{k}_{v}" for k, v in self.subject.differences().items()]
        return re.sub(r"[^A-Za-z0-9_.-]+", "_", "__".join(parts))

    def __str__(self) -> str:
        return str(Experiment(self.protocols, self.perturbations, self.subject))

    def sbml(self, model: Model, simulator: Simulator | None = None) -> str:
        """The model's SBML running this experiment by itself (protocols as events, starting
        from the resting state under the perturbations, on the subject)."""
        return experiment_sbml(
            model,
            self.protocols,
            t_end=self.t_end,
            perturbations=self.perturbations,
            subject=self.subject,
            simulator=simulator,
        )


def experiment(
    protocols: Sequence[Protocol],
    *,
    t_end: float | None = None,
    points: int | None = None,
    perturbations: Sequence[Perturbation] = (),
    subject: Subject = REFERENCE_SUBJECT,
) -> ArchiveExperiment:
    """An archive experiment with the simulator's defaults for the end and the output grid."""
    protocols = tuple(protocols) or (make_protocol("rest"),)
    end = default_t_end(protocols) if t_end is None else float(t_end)
    if not end > 0:
        raise SimulationError(f"t_end must be positive; got {end}")
    count = output_points(end, points)
    return ArchiveExperiment(protocols, end, count, tuple(perturbations), subject)


def library_experiments(
    perturbations: Sequence[Perturbation] = (), subject: Subject = REFERENCE_SUBJECT
) -> list[ArchiveExperiment]:
    """Every protocol of the library at its defaults (training repeats the default bout)."""
    found = []
    for name in PROTOCOLS:
        protocol = (
            make_protocol(name, protocol=make_protocol(BOUT_PROTOCOLS[0]))
            if name == "training"
            else make_protocol(name)
        )
        found.append(experiment([protocol], perturbations=perturbations, subject=subject))
    return found


def _sedml(experiment: ArchiveExperiment, model_file: str, targets: dict[str, str]) -> str:
    import libsedml

    document = libsedml.SedDocument(1, 4)
    source = document.createModel()
    source.setId("model")
    source.setLanguage("urn:sedml:language:sbml.level-3.version-2")
    source.setSource(model_file)
    simulation = document.createUniformTimeCourse()
    simulation.setId("time_course")
    simulation.setInitialTime(0.0)
    simulation.setOutputStartTime(0.0)
    simulation.setOutputEndTime(experiment.t_end)
    simulation.setNumberOfSteps(experiment.points - 1)
    algorithm = simulation.createAlgorithm()
    algorithm.setKisaoID(_CVODE)
    for kisao, value in (*_TOLERANCES.items(), _MAX_STEPS):
        parameter = algorithm.createAlgorithmParameter()
        parameter.setKisaoID(kisao)
        parameter.setValue(repr(value))
    task = document.createTask()
    task.setId("task")
    task.setModelReference("model")
    task.setSimulationReference("time_course")

    def generator(identifier: str, target: str | None) -> str:
        data = document.createDataGenerator()
        data.setId(f"data_{identifier}")
        data.setName(identifier)
        variable = data.createVariable()
        variable.setId(f"var_{identifier}")
        variable.setTaskReference("task")
        if target is None:
            variable.setSymbol("urn:sedml:symbol:time")
        else:
            variable.setTarget(target)
        data.setMath(libsedml.parseL3Formula(f"var_{identifier}"))
        return str(data.getId())

    time = generator("time", None)
    columns = {readout: generator(readout, target) for readout, target in targets.items()}
    report = document.createReport()
    report.setId("report")
    report.setName(str(experiment))
    for label, data in (("time", time), *columns.items()):
        dataset = report.createDataSet()
        dataset.setId(f"dataset_{label}")
        dataset.setLabel(label)
        dataset.setDataReference(data)
    for readout, data in columns.items():
        plot = document.createPlot2D()
        plot.setId(f"plot_{readout}")
        plot.setName(f"{readout} under {experiment}")
        curve = plot.createCurve()
        curve.setId(f"curve_{readout}")
        curve.setName(readout)
        curve.setXDataReference(time)
        curve.setYDataReference(data)
    text = libsedml.writeSedMLToString(document)
    return str(text)


def _targets(model: Model, readouts: Sequence[str]) -> dict[str, str]:
    """The XPath of each readout in the SBML: a species, or the parameter an observable's
    assignment rule defines."""
    states = {s.id for s in model.states}
    observables = {s.id for s in model.observables}
    unknown = [r for r in readouts if r not in states | observables]
    if unknown:
        raise SimulationError(
            f"unknown readout(s) {', '.join(unknown)}; an archive reports state species and "
            "observables"
        )
    return {
        r: (
            f"/sbml:sbml/sbml:model/sbml:listOfSpecies/sbml:species[@id='{r}']"
            if r in states
            else f"/sbml:sbml/sbml:model/sbml:listOfParameters/sbml:parameter[@id='{r}']"
        )
        for r in readouts
    }


def write_omex(
    path: str | Path,
    model: Model,
    experiments: Sequence[ArchiveExperiment],
    *,
    readouts: Sequence[str] = ARCHIVE_READOUTS,
) -> list[str]:
    """Write a COMBINE archive of ``experiments`` to ``path``; returns the locations of its
    files. (``mbaxis export omex`` writes to a temporary name and renames, so that a killed run
    never leaves half an archive.)"""
    import libcombine

    if not experiments:
        raise SimulationError("an archive needs at least one experiment")
    targets = _targets(model, readouts)
    names = [e.name for e in experiments]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise SimulationError(
            f"two experiments would share the file names {', '.join(duplicated)}; "
            "give them in separate archives"
        )
    moved = [e for e in experiments if e.perturbations or e.subject != REFERENCE_SUBJECT]
    simulator = Simulator(model) if moved else None  # searches their resting states
    archive = libcombine.CombineArchive()
    locations: list[str] = []
    with tempfile.TemporaryDirectory() as folder:
        for entry in experiments:
            model_file = f"{entry.name}.xml"
            sedml_file = f"{entry.name}.sedml"
            sbml = entry.sbml(model, simulator)
            (Path(folder) / model_file).write_text(sbml, encoding="utf-8")
            (Path(folder) / sedml_file).write_text(
                _sedml(entry, model_file, targets), encoding="utf-8"
            )
            archive.addFile(str(Path(folder) / model_file), f"./{model_file}", _SBML, False)
            archive.addFile(
                str(Path(folder) / sedml_file), f"./{sedml_file}", _SEDML, len(experiments) == 1
            )
            locations += [model_file, sedml_file]
        itself = archive.getManifest().createContent()  # the archive is in its own manifest
        itself.setLocation(".")
        itself.setFormat(_OMEX)
        description = libcombine.OmexDescription()
        description.setAbout(".")
        # libcombine writes the text into the RDF as it is: escape it (a DOI may hold '<')
        description.setDescription(escape(_description(model, experiments)))
        now = libcombine.Date()
        stamp = datetime.now(UTC)
        for setter, value in (
            (now.setYear, stamp.year),
            (now.setMonth, stamp.month),
            (now.setDay, stamp.day),
            (now.setHour, stamp.hour),
            (now.setMinute, stamp.minute),
            (now.setSecond, stamp.second),
        ):
            setter(value)
        description.setCreated(now)
        description.getModified().append(now)
        creator = libcombine.VCard()
        creator.setFamilyName("mbaxis developers")
        creator.setGivenName("")
        creator.setOrganization(_REPOSITORY)
        description.addCreator(creator)
        archive.addMetadata(".", description)
        if not archive.writeToFile(str(path)):
            raise SimulationError(f"{path}: libcombine could not write the archive")
    return [*locations, "manifest.xml", "metadata.rdf"]


def _description(model: Model, experiments: Sequence[ArchiveExperiment]) -> str:
    references = sorted(
        {ref for edge in model.interactions for ref in edge.references},
        key=lambda r: (r.split(":")[0], r),
    )
    experiments_text = "; ".join(f"{e} for {e.t_end:g} min" for e in experiments)
    return re.sub(
        r"\s+",
        " ",
        f"""Simulation experiments of {model.name} {model.version} ({_REPOSITORY}):
        {experiments_text}.
        Each model file is the mbaxis SBML with the protocol's input switches as events; each
        SED-ML file integrates it with CVODE (relative tolerance {RELATIVE_TOLERANCE:g},
        absolute {ABSOLUTE_TOLERANCE:g}) from the resting state (under the perturbations, on the
        subject, as mbaxis computes it) and reports
        {", ".join(ARCHIVE_READOUTS)}. Licence: {_LICENCE}. The model's interactions cite
        {len(references)} references: {", ".join(references)}.""",
    ).strip()
