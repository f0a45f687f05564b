"""COMBINE archives (issue #15): tellurium runs them unchanged and agrees with ``mbaxis
simulate``; COPASI runs their SBML and agrees too; bad requests are one-line errors."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import basico
import libcombine
import libsbml
import libsedml
import numpy as np
import pytest
from tellurium.sedml.tesedml import executeCombineArchive

from mbaxis.analysis.archive import ARCHIVE_READOUTS, library_experiments
from mbaxis.analysis.experiment_sbml import roadrunner_for
from mbaxis.analysis.perturbations import parse_perturbation
from mbaxis.analysis.protocols import PROTOCOLS, parse_protocol
from mbaxis.analysis.simulation import Simulator
from mbaxis.analysis.subjects import parse_subject
from mbaxis.cli import main
from mbaxis.network import Model

#: Two programmes whose switches meet a rounding apart, an absolute-intensity bout after
#: sprints, and an interval session while fasting: what events must get right.
HARD = [
    "training(protocol=sprint(bouts=3,work_min=0.16666666666666666,"
    "rest_min=0.6666666666666666),sessions_per_week=3,weeks=2)",
    "aerobic(duration_min=20,intensity=0.5,absolute=true)",
]


def _relative(a: np.ndarray, b: np.ndarray) -> float:
    return float((np.abs(a - b) / np.maximum(np.abs(b), 1e-12)).max())


@pytest.fixture(scope="module")
def library_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("omex") / "library.omex"
    assert main(["export", "omex", "--all", "--out", str(path)]) == 0
    return path


def test_tellurium_runs_the_library_archive_as_mbaxis_simulate_does(
    library_archive: Path, model: Model
) -> None:
    results = executeCombineArchive(str(library_archive), createOutputs=False)
    experiments = {e.name: e for e in library_experiments()}
    assert len(results) == len(PROTOCOLS) == len(experiments)
    simulator = Simulator(model)
    for location, result in results.items():
        entry = experiments[Path(location).stem]
        generators = result["dataGenerators"]
        times = np.asarray(generators["data_time"]).ravel()
        assert times[-1] == pytest.approx(entry.t_end) and len(times) == entry.points
        ours = simulator.run(entry.protocols, t_end=entry.t_end, times=times)
        for readout in ARCHIVE_READOUTS:
            theirs = np.asarray(generators[f"data_{readout}"]).ravel()
            assert _relative(theirs, ours[readout].loc[times].to_numpy()) <= 1e-6, (
                entry.name,
                readout,
            )


def test_the_archive_is_valid_sedml_with_a_manifest_of_every_file(
    library_archive: Path, tmp_path: Path
) -> None:
    archive = libcombine.CombineArchive()
    assert archive.initializeFromArchive(str(library_archive))
    manifest = archive.getManifest()
    entries = {
        manifest.getContent(i).getLocation(): manifest.getContent(i).getFormat()
        for i in range(manifest.getNumContents())
    }
    with zipfile.ZipFile(library_archive) as opened:
        names = set(opened.namelist())
    assert {location.removeprefix("./") for location in entries} - {"."} <= names
    sedml = [loc for loc, fmt in entries.items() if fmt.endswith("sed-ml")]
    assert len(sedml) == len(PROTOCOLS)
    for location in sedml:
        document = libsedml.readSedMLFromString(archive.extractEntryToString(location))
        assert (document.getLevel(), document.getVersion()) == (1, 4)
        assert document.getNumErrors(libsedml.LIBSEDML_SEV_ERROR) == 0, location
        assert document.getNumOutputs() == 1 + len(ARCHIVE_READOUTS)  # the report, the plots
    ElementTree.fromstring(archive.extractEntryToString("metadata.rdf"))  # well-formed XML
    description = archive.getMetadataForLocation(".")
    assert "Licence: MIT" in description.getDescription()
    assert "PMID:" in description.getDescription() and description.getNumCreators() == 1


def test_copasi_runs_the_archived_model_within_its_tolerance(tmp_path: Path, model: Model) -> None:
    path = tmp_path / "hard.omex"
    arguments = ["export", "omex", "--out", str(path), "--points", "241"]
    for protocol in HARD:
        arguments += ["--protocol", protocol]
    assert main(arguments) == 0
    archive = libcombine.CombineArchive()
    assert archive.initializeFromArchive(str(path))
    document = libsedml.readSedMLFromString(
        archive.extractEntryToString("./training_aerobic.sedml")
    )
    course = document.getSimulation("time_course")
    sbml = archive.extractEntryToString("./training_aerobic.xml")
    checked = libsbml.readSBMLFromString(sbml)
    assert checked.checkConsistency() == 0  # no error and no warning, units included
    copasi = basico.load_model(sbml)
    basico.set_task_settings(
        basico.T.TIME_COURSE,
        {"method": {"Relative Tolerance": 1e-8, "Absolute Tolerance": 1e-12}},
        model=copasi,
    )
    theirs = basico.run_time_course(
        duration=course.getOutputEndTime(),
        intervals=course.getNumberOfSteps(),
        model=copasi,
        use_sbml_id=True,
        update_model=False,
    )
    basico.remove_datamodel(copasi)
    times = theirs.index.to_numpy()
    ours = Simulator(model).run(
        [parse_protocol(p) for p in HARD], t_end=course.getOutputEndTime(), times=times
    )
    for readout in ("plasma__lactate", "plasma__GH", "body__VO2max", "brain__BDNF_mRNA"):
        assert _relative(theirs[readout].to_numpy(), ours[readout].loc[times].to_numpy()) <= 1e-4


def test_a_tellurium_user_gets_a_runner_that_runs_the_protocol_itself(model: Model) -> None:
    protocols = [parse_protocol(p) for p in HARD]
    runner = roadrunner_for(model, protocols, t_end=600)
    runner.timeCourseSelections = ["time", "plasma__lactate", "body__VO2max"]
    result = np.asarray(runner.simulate(0, 600, 601))
    ours = Simulator(model).run(protocols, t_end=600, times=result[:, 0])
    assert _relative(result[:, 1], ours["plasma__lactate"].loc[result[:, 0]].to_numpy()) <= 1e-6
    assert result[:, 1].max() > 5 * result[0, 1]  # the sprints really ran


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--protocol", "swim", "--out", "x.omex"], "unknown protocol 'swim'"),
        (["--protocol", "hiit"], "export omex needs --out FILE.omex"),
        (["--all", "--protocol", "hiit", "--out", "x.omex"], "--protocol P .* or --all, not both"),
        (["--all", "--t-end", "60", "--out", "x.omex"], "apply to one experiment, not to --all"),
        (["--protocol", "hiit", "--t-end", "-5", "--out", "x.omex"], "t_end must be positive"),
        (["--protocol", "hiit", "--points", "1", "--out", "x.omex"], "points must be at least 2"),
    ],
)
def test_bad_archive_requests_are_one_line_errors(
    arguments: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    arguments = [str(tmp_path / a) if a.endswith(".omex") else a for a in arguments]
    assert main(["export", "omex", *arguments]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert re.search(message, err[0]), err[0]
    assert not list(tmp_path.iterdir())  # nothing written


def test_experiment_options_are_refused_for_the_model_formats(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["export", "sbml", "--protocol", "hiit"]) == 2
    assert "apply to 'export omex', not to 'sbml'" in capsys.readouterr().err


def test_an_archive_carries_perturbations_and_a_subject(tmp_path: Path, model: Model) -> None:
    """A knock-out on an older woman: the archive starts from the resting state mbaxis computes
    under them, and tellurium reproduces the run."""
    path = tmp_path / "knockout.omex"
    arguments = [
        "export", "omex", "--protocol", "aerobic(duration_min=40,intensity=0.7)",
        "--perturb", "knockout(plasma__CTSB)",
        "--perturb", "knockdown(muscle__work_rate,fraction=0.2)",
        "--subject", "subject(sex=female,age=62)", "--out", str(path),
    ]  # fmt: skip
    assert main(arguments) == 0
    (result,) = executeCombineArchive(str(path), createOutputs=False).values()
    generators = result["dataGenerators"]
    times = np.asarray(generators["data_time"]).ravel()
    ours = Simulator(model).run(
        [parse_protocol("aerobic(duration_min=40,intensity=0.7)")],
        [parse_perturbation("knockout(plasma__CTSB)"),
         parse_perturbation("knockdown(muscle__work_rate,fraction=0.2)")],
        subject=parse_subject("subject(sex=female,age=62)"),
        times=times,
    )  # fmt: skip
    for readout in ARCHIVE_READOUTS:
        theirs = np.asarray(generators[f"data_{readout}"]).ravel()
        assert _relative(theirs, ours[readout].loc[times].to_numpy()) <= 1e-6, readout
    reference = Simulator(model).run(
        [parse_protocol("aerobic(duration_min=40,intensity=0.7)")], times=times
    )
    assert not np.allclose(ours["serum__BDNF"], reference["serum__BDNF"])  # they matter
