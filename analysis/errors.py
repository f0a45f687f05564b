"""Errors of the analysis layer. All derive from :class:`network.ModelError`."""

from __future__ import annotations

from mbaxis.network.errors import ModelError

__all__ = [
    "CalibrationError",
    "CovariateError",
    "OptimizationError",
    "PerturbationError",
    "ProtocolError",
    "ScenarioError",
    "SimulationError",
    "SubjectError",
]


class ProtocolError(ModelError, ValueError):
    """An unknown protocol or parameter, or a bad value; the message lists the valid ones."""


class PerturbationError(ModelError, ValueError):
    """An unknown perturbation, node or edge, or a bad value; the message lists the valid ones."""


class SimulationError(ModelError, RuntimeError):
    """The integrator failed; the message names the protocols and perturbations."""


class ScenarioError(ModelError, ValueError):
    """A scenario that cannot be asked: an unknown statistic, a window that ends before it
    starts, no readouts."""


class SubjectError(ModelError, ValueError):
    """An unknown subject key or value, or a subject the model cannot represent yet."""


class CalibrationError(ModelError, ValueError):
    """A calibration problem that cannot be used: a malformed PEtab table, a condition without an
    experiment, a dataset without its source; the message names the file, row and column."""


class CovariateError(ModelError, ValueError):
    """A covariates table that cannot describe a population: an unknown covariate or level,
    frequencies that are negative or do not sum to 1, a malformed age band; the message names
    the file and row."""


class OptimizationError(ModelError, ValueError):
    """A schedule search that cannot be run: a budget too small for any protocol, a protocol
    the search space does not know, a bad number of weeks."""
