"""Calibration with uncertainty (issue #14): literature time courses as a PEtab problem, fits,
profiles and parameter ensembles.

- :mod:`.problem` reads and checks the PEtab problem and the tables of ours beside it;
- :mod:`.objective` is the likelihood of the data under the model, one compiled model reused.
"""

from mbaxis.analysis.calibration.objective import Fit, Objective
from mbaxis.analysis.calibration.problem import (
    CalibrationProblem,
    Condition,
    Dataset,
    bundled_problem_path,
    load_problem,
)

__all__ = [
    "CalibrationProblem",
    "Condition",
    "Dataset",
    "Fit",
    "Objective",
    "bundled_problem_path",
    "load_problem",
]
