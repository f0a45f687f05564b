"""The solver's own messages go through Python logging (``mbaxis.roadrunner``), not the
terminal: quiet by default, shown by ``mbaxis --verbose``."""

from __future__ import annotations

import logging
import os

import pytest

from mbaxis.analysis.errors import SimulationError
from mbaxis.analysis.native_output import native_output_to_logging
from mbaxis.analysis.protocols import make_protocol
from mbaxis.analysis.simulation import Simulator
from mbaxis.cli import main
from mbaxis.network import Model


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


def test_verbose_shows_the_solver_log_on_standard_error(
    capfd: pytest.CaptureFixture[str],
) -> None:
    logger = logging.getLogger("mbaxis")
    handlers, level = list(logger.handlers), logger.level
    try:
        assert main(["--verbose", "graph", "--json"]) == 0
        capfd.readouterr()
        with native_output_to_logging():
            os.write(2, b"\x1b[35mError: CVODE Error: CV_TOO_CLOSE\x1b[0m\n")
        err = capfd.readouterr().err
        assert "mbaxis.roadrunner ERROR: Error: CVODE Error: CV_TOO_CLOSE" in err
    finally:
        logger.handlers[:] = handlers
        logger.setLevel(level)
