"""Parameter ensembles from a fit: posterior samples with pyPESTO's adaptive Metropolis sampler.

The posterior is the calibration likelihood times a uniform prior on log10 parameters within
the bounds of ``parameters.tsv``. The chain starts at the best fit, the burn-in is found with
Geweke's test, and the rest is thinned evenly to the number of members asked for; the result
is an :class:`~mbaxis.analysis.ensembles.Ensemble` (equal weights) that ``--ensemble`` reads.
When Geweke's test finds no stationary stretch (a posterior whose unidentifiable directions
run to the bounds mixes slowly), the second half of the chain is kept and the summary says
``converged: false``: a longer chain (``--samples``) is the remedy.
"""

from __future__ import annotations

import logging

import numpy as np
import pypesto
import pypesto.sample

from mbaxis.analysis.calibration.fitting import CalibrationResult, WorkerObjective
from mbaxis.analysis.ensembles import Ensemble
from mbaxis.analysis.errors import CalibrationError
from mbaxis.network import Model

__all__ = ["SampleSummary", "sample_ensemble"]


class SampleSummary(dict[str, float | None]):
    """What the chain did: samples, burn-in, converged (1 or 0, Geweke), acceptance, effective
    sample size."""


def sample_ensemble(
    result: CalibrationResult,
    model: Model,
    *,
    members: int = 200,
    samples: int = 10000,
    seed: int = 0,
    progress: bool = False,
) -> tuple[Ensemble, SampleSummary]:
    """Sample the posterior around ``result``'s best fit; return ``members`` thinned samples.

    Raises
    ------
    CalibrationError
        When fewer samples than ``members`` remain after the burn-in.
    """
    problem = result.problem
    worker = WorkerObjective(problem, model, None)
    pypesto_problem = pypesto.Problem(
        pypesto.Objective(fun=worker.cost),
        lb=np.log10(problem.lower),
        ub=np.log10(problem.upper),
        x_names=list(problem.estimated),
    )
    logging.getLogger("pypesto").setLevel(logging.ERROR)
    np.random.seed(seed)  # pyPESTO's samplers draw from NumPy's global generator
    sampler = pypesto.sample.AdaptiveMetropolisSampler({"show_progress": progress})
    sampled = pypesto.sample.sample(
        pypesto_problem, n_samples=samples, sampler=sampler, x0=result.best.x, result=None
    )
    chain = np.asarray(sampled.sample_result.trace_x[0], dtype=float)
    burn_in = int(pypesto.sample.geweke_test(sampled))
    converged = burn_in < len(chain) - 1
    if not converged:
        burn_in = len(chain) // 2
    trace = chain[burn_in:]
    if len(trace) < members:
        raise CalibrationError(
            f"only {len(trace)} samples after a burn-in of {burn_in}; ask for more than "
            f"{samples} samples or fewer than {members} members"
        )
    picked = trace[np.linspace(0, len(trace) - 1, members).round().astype(int)]
    accepted = float(np.mean(np.any(np.diff(trace, axis=0) != 0, axis=1)))
    effective = pypesto.sample.effective_sample_size(sampled)
    ensemble = Ensemble(
        tuple(f"m{i:03d}" for i in range(members)),
        tuple(problem.estimated),
        np.power(10.0, picked),
        np.full(members, 1.0 / members),
    )
    summary = SampleSummary(
        samples=float(samples),
        burn_in=float(burn_in),
        converged=bool(converged),
        acceptance=accepted,
        # pyPESTO gives no effective sample size for a chain Geweke did not call converged
        effective_sample_size=(
            float(effective) if effective is not None and np.isfinite(effective) else None
        ),
    )
    return ensemble, summary
