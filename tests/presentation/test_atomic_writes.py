"""Every file the CLI writes appears whole or not at all.

Each command runs in a child process under Python audit hooks (``tests/presentation/
audited_run.py``): every file it opens for writing in the output folder must be a temporary
name (``.NAME.*``, later renamed onto NAME) or a scan's checkpoint journal, and a run killed
with SIGKILL at its first rename leaves the files that were there before untouched. The
checkpoint journal is tested by killing a scan midway (``test_knockout.py``) and here for
its torn last line.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mbaxis.analysis.defaults import DEFAULT_PROTOCOL

ROOT = Path(__file__).resolve().parents[2]

#: Each command with the files it writes (relative to the output folder).
COMMANDS: dict[str, tuple[list[str], list[str]]] = {
    "simulate": (
        [
            "simulate",
            "aerobic(duration_min=20)",
            "--t-end",
            "60",
            "--out",
            "{o}/run.csv",
            "--plot",
            "{o}/run.png",
        ],
        ["run.csv", "run.png"],
    ),
    "knockout": (
        [
            "knockout",
            "--readout",
            "brain__BDNF_mRNA",
            "--out",
            "{o}/scan.json",
            "--plot",
            "{o}/scan.svg",
            "--no-progress",
        ],
        ["scan.json", "scan.svg"],
    ),
    "sensitivity": (
        [
            "sensitivity",
            "--method",
            "local",
            "--protocol",
            "aerobic(duration_min=20)",
            "--out",
            "{o}/indices.csv",
            "--plot",
            "{o}/tornado.png",
            "--no-progress",
        ],
        ["indices.csv", "tornado.png"],
    ),
    "validate": (["validate", "--out", "{o}/card.json", "--no-progress"], ["card.json"]),
    "export": (["export", "qual", "--out", "{o}/model.xml"], ["model.xml"]),
    "omex": (["export", "omex", "--protocol", "hiit", "--out", "{o}/hiit.omex"], ["hiit.omex"]),
    "graph": (["graph", "--plot", "{o}/graph.pdf"], ["graph.pdf"]),
    "report": (
        [
            "report",
            "--out",
            "{o}/results",
            "--jobs",
            "1",
            "--null",
            "2",
            "--sobol-n",
            "8",
            "--sobol-top",
            "5",
            "--population-n",
            "40",
            "--optimize-evaluations",
            "100",
            "--optimize-members",
            "4",
            "--no-progress",
        ],
        ["results/report.html", "results/summary.json"],
    ),
}


def _run(folder: Path, how: str, arguments: list[str]) -> subprocess.CompletedProcess[str]:
    argv = [a.replace("{o}", str(folder)) for a in arguments]
    return subprocess.run(
        [sys.executable, "-m", "tests.presentation.audited_run", str(folder), how, *argv],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "MPLBACKEND": "Agg"},
        check=False,
        timeout=900,
    )


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_file_is_written_under_a_temporary_name_then_renamed(
    command: str, tmp_path: Path
) -> None:
    arguments, outputs = COMMANDS[command]
    result = _run(tmp_path, "record", arguments)
    assert result.returncode == 0, result.stderr[-2000:]
    record = json.loads(result.stdout.splitlines()[-1])
    assert record["status"] == 0, result.stderr[-2000:]
    in_place = [
        path
        for path in record["opened"]
        if not Path(path).name.startswith(".") and not path.endswith(".partial.jsonl")
    ]
    assert not in_place, f"written in place: {in_place}"
    for name in outputs:
        assert (tmp_path / name).stat().st_size > 0, name
    leftovers = [p.name for p in tmp_path.rglob(".*") if p.is_file()]
    assert not leftovers, f"temporary files left after a clean run: {leftovers}"


@pytest.mark.parametrize(
    "command", ["simulate", "knockout", "sensitivity", "validate", "export", "omex", "report"]
)
def test_a_run_killed_before_its_result_appears_leaves_the_old_file_whole(
    command: str, tmp_path: Path
) -> None:
    arguments, outputs = COMMANDS[command]
    old = b"the result of an earlier run\n"
    for name in outputs:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(old)
    result = _run(tmp_path, "kill", arguments)
    assert result.returncode == -signal.SIGKILL, result.stderr[-2000:]
    for name in outputs:
        assert (tmp_path / name).read_bytes() == old, name


def test_a_torn_checkpoint_line_is_dropped_and_the_scan_resumes(tmp_path: Path) -> None:
    from mbaxis.analysis.knockout import knockout_scan
    from mbaxis.analysis.protocols import parse_protocol
    from mbaxis.cli import main
    from mbaxis.network import load_model

    out = tmp_path / "scan.csv"
    arguments = ["knockout", "--readout", "brain__BDNF_mRNA", "--out", str(out), "--no-progress"]
    assert main(arguments) == 0
    reference = out.read_text()
    out.unlink()
    # the journal an interrupted run leaves: the same scan, its last line cut by the kill
    journal = Path(f"{out}.partial.jsonl")
    knockout_scan(
        load_model(),
        parse_protocol(DEFAULT_PROTOCOL),
        ["brain__BDNF_mRNA"],
        checkpoint=journal,
    )
    lines = journal.read_text(encoding="utf-8").splitlines(keepends=True)
    assert len(lines) >= 3
    torn = "".join(lines[:-2]) + lines[-2][: len(lines[-2]) // 2]
    journal.write_text(torn, encoding="utf-8")
    assert main([*arguments, "--resume"]) == 0
    assert out.read_text() == reference
    assert not journal.exists()


#: Long scans that stream to FILE.partial.jsonl and take --resume (knockout: test_knockout.py).
SCANS: dict[str, tuple[list[str], str]] = {
    "sensitivity": (
        [
            "sensitivity",
            "--method",
            "local",
            "--protocol",
            "training(protocol=aerobic,weeks=1)",
            "--jobs",
            "1",
            "--no-progress",
            "--out",
        ],
        "indices.csv",
    ),
    "validate": (
        # 2 copies scored in full, 22 that stop at their first surplus miss
        ["validate", "--null", "24", "--null-full", "2", "--jobs", "1", "--no-progress", "--out"],
        "card.json",
    ),
    # folders: population.json and optimize.json are compared
    "population": (
        [
            "population",
            "--protocol",
            "aerobic",
            "--n",
            "300",
            "--jobs",
            "1",
            "--no-progress",
            "--out",
        ],
        "population",
    ),
    "optimize": (
        [
            "optimize",
            "--readout",
            "brain__BDNF_mRNA",
            "--weeks",
            "1",
            "--slots",
            "1",
            "--evaluations",
            "150",
            "--no-mechanisms",
            "--jobs",
            "1",
            "--no-progress",
            "--out",
        ],
        "optimize",
    ),
}


def _finished_lines(journal: Path) -> int:
    if not journal.exists():
        return 0
    lines = journal.read_text(encoding="utf-8").splitlines()[1:]
    return sum(1 for line in lines if line.endswith("}"))


@pytest.mark.parametrize("command", sorted(SCANS))
def test_a_scan_killed_midway_resumes_to_the_same_result(command: str, tmp_path: Path) -> None:
    from mbaxis.cli import main

    arguments, name = SCANS[command]
    reference = tmp_path / f"reference-{name}"
    assert main([*arguments, str(reference)]) == 0
    out = tmp_path / name
    journal = Path(f"{out}.partial.jsonl")
    runner = [sys.executable, "-m", "mbaxis", *arguments, str(out)]
    process = subprocess.Popen(runner, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and _finished_lines(journal) < 3:
        time.sleep(0.02)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    interrupted = _finished_lines(journal)
    assert not out.exists() and interrupted >= 3  # killed midway, nothing written
    resumed = subprocess.run([*runner, "--resume"], capture_output=True, text=True, check=False)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert not journal.exists()
    if out.is_dir():
        summary = f"{command}.json"
        written = json.loads((out / summary).read_text())
        assert written == json.loads((reference / summary).read_text())
    elif name.endswith(".json"):
        written, expected = json.loads(out.read_text()), json.loads(reference.read_text())
        assert written == expected
    else:
        assert out.read_text() == reference.read_text()


def test_resume_without_an_output_file_is_a_one_line_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from mbaxis.cli import main

    assert main(["sensitivity", "--resume"]) == 2
    assert main(["validate", "--null", "5", "--resume"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2 and all("--resume needs --out" in line for line in err)
