"""Calibration with uncertainty (issue #14): literature time courses as a PEtab problem, fits,
profiles and parameter ensembles.

- :mod:`.problem` reads and checks the PEtab problem and the tables of ours beside it;
- :mod:`.objective` is the likelihood of the data under the model, one compiled model reused;
- :mod:`.fitting` multi-start fits and profile likelihoods (pyPESTO), :mod:`.sampling` posterior
  ensembles, :mod:`.crossvalidation` leave-one-study-out, :mod:`.apply` fitted values back into
  the tables, :mod:`.build` the PEtab tables from ``points.tsv`` and ``estimated.tsv``.
"""

from mbaxis.analysis.calibration.objective import Fit, Objective
from mbaxis.analysis.calibration.problem import (
    CalibrationProblem,
    Condition,
    Dataset,
    bundled_fit_path,
    bundled_problem_path,
    load_problem,
)

__all__ = [
    "CalibrationProblem",
    "Condition",
    "Dataset",
    "Fit",
    "Objective",
    "bundled_fit_path",
    "bundled_problem_path",
    "load_problem",
]
