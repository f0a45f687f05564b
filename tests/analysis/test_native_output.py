"""The solver's own messages go through Python logging (``mbaxis.roadrunner``), not the
terminal: quiet by default, shown by ``mbaxis --verbose``."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mbaxis.analysis.errors import SimulationError
from mbaxis.analysis.native_output import native_output_to_logging
from mbaxis.analysis.protocols import make_protocol
from mbaxis.analysis.simulation import Simulator
from mbaxis.network import Model

ROOT = Path(__file__).resolve().parents[2]


def test_a_failed_integration_logs_cvode_and_prints_nothing(
    model: Model, capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    starved = Simulator(model, max_steps=3)  # CVODE gives up within the first minute
    with (
        caplog.at_level(logging.DEBUG, logger="mbaxis.roadrunner"),
        pytest.raises(SimulationError, match="CV_TOO_MUCH_WORK"),
    ):
        starved.run([make_protocol("aerobic")])
    assert "CV_TOO_MUCH_WORK" not in capfd.readouterr().err
    logged = [r for r in caplog.records if r.name == "mbaxis.roadrunner"]
    assert any("mxstep steps taken" in r.getMessage() for r in logged)
    assert all(r.levelno == logging.ERROR for r in logged if "Error" in r.getMessage())


def test_nested_captures_restore_standard_error(capfd: pytest.CaptureFixture[str]) -> None:
    with native_output_to_logging(), native_output_to_logging():
        os.write(2, b"[WARNING] inside\n")
    os.write(2, b"outside\n")
    err = capfd.readouterr().err
    assert "outside" in err and "inside" not in err


def noisy_work(simulator: Simulator, payload: int) -> list[dict[str, int]]:
    """A scan task that makes native code speak, as a failing CVODE would."""
    with native_output_to_logging():
        os.write(2, f"\x1b[35mError: CVODE Error: task {payload}\x1b[0m\n".encode())
    return [{"payload": payload}]


SCAN = (
    "import sys\n"
    "from mbaxis.analysis.executor import Task, run_tasks\n"
    "from mbaxis.analysis.native_output import log_to_stderr\n"
    "from mbaxis.network import load_model\n"
    "from tests.analysis.test_native_output import noisy_work\n"
    "if sys.argv[1] == 'verbose':\n"
    "    log_to_stderr()\n"
    "tasks = [Task(str(n), n) for n in range(4)]\n"
    "run_tasks(load_model(), tasks, noisy_work, jobs=2, progress=False)\n"
)


@pytest.mark.parametrize("verbose", [False, True])
def test_scan_workers_follow_the_parent_log_setting(verbose: bool) -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCAN, "verbose" if verbose else "quiet"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    shown = [line for line in result.stderr.splitlines() if "CVODE Error: task" in line]
    if verbose:
        assert sorted(shown) == [
            f"mbaxis.roadrunner ERROR: Error: CVODE Error: task {n}" for n in range(4)
        ]
    else:
        assert shown == []


VERBOSE = (
    "import os, sys\n"
    "from mbaxis.analysis.native_output import native_output_to_logging\n"
    "from mbaxis.cli import main\n"
    "assert main(sys.argv[1:] + ['graph', '--json']) == 0\n"
    "with native_output_to_logging():\n"
    "    os.write(2, b'[WARNING] a solver warning\\n')\n"
)


@pytest.mark.parametrize("flags", [[], ["--verbose"], ["-v"]])
def test_mbaxis_verbose_shows_the_solver_log(flags: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-c", VERBOSE, *flags], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr[-2000:]
    shown = "mbaxis.roadrunner WARNING: [WARNING] a solver warning" in result.stderr
    assert shown == bool(flags)
    if not flags:
        assert "a solver warning" not in result.stderr
