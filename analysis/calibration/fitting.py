"""Multi-start fits and profile likelihoods of a calibration problem, with pyPESTO.

The fit searches the estimated parameters on log10 scale within the bounds of the model's
``parameters.tsv``, from Latin-hypercube starts drawn at a seed, with SciPy's trust-region
least-squares method (``ls_trf``; the objective is a sum of squared weighted residuals, and
the dataset scales are profiled out in closed form, see :mod:`.objective`). Gradients are
central finite differences: the integrator's own sensitivities do not survive the protocol
switches that split every run into stretches.

Profiles re-optimise every other parameter along each one; a parameter is *identifiable* when
its profile rises above the 95% threshold (chi-square, one degree of freedom) on both sides
before reaching its bounds.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field

import numpy as np
import pypesto
import pypesto.engine
import pypesto.optimize
import pypesto.profile
import pypesto.result
import pypesto.startpoint
from scipy.stats import chi2, qmc

from mbaxis.analysis.calibration.objective import FAILED_COST, Objective
from mbaxis.analysis.calibration.problem import CalibrationProblem
from mbaxis.network import Model

__all__ = [
    "CONFIDENCE",
    "CalibrationResult",
    "ParameterEstimate",
    "Start",
    "WorkerObjective",
    "fit",
    "profile",
    "unprofiled",
]

#: The level of the profile-likelihood intervals.
CONFIDENCE = 0.95
#: Finite-difference step on log10 scale: about 0.2% of a parameter's value, well above the
#: integrator's relative error (1e-6) and below any change the data can see.
_FD_STEP = 1e-3


@dataclass(frozen=True)
class Start:
    """One local optimisation: where it began and ended."""

    index: int
    x0: np.ndarray  # log10
    x: np.ndarray  # log10
    cost: float  # negative log-likelihood at x
    evaluations: int
    message: str


@dataclass(frozen=True)
class ParameterEstimate:
    """A fitted parameter with its profile-likelihood interval (linear scale)."""

    id: str
    value: float
    lower: float  # the 95% interval; the bound of parameters.tsv where the profile stays low
    upper: float
    bound_low: float
    bound_high: float
    identifiable: bool
    profile: tuple[tuple[float, float], ...] = field(default=())  # (value, cost - best cost)


@dataclass(frozen=True)
class CalibrationResult:
    """Starts sorted from the best, and the best fit's parameters."""

    problem: CalibrationProblem
    starts: tuple[Start, ...]
    seed: int

    @property
    def best(self) -> Start:
        return self.starts[0]

    def values(self) -> dict[str, float]:
        """The best fit's parameter values (linear scale)."""
        return {
            name: float(10.0**x)
            for name, x in zip(self.problem.estimated, self.best.x, strict=True)
        }

    def converged(self, tolerance: float = 0.1) -> int:
        """How many starts ended within ``tolerance`` of the best cost (the waterfall's step)."""
        return sum(1 for s in self.starts if s.cost - self.best.cost <= tolerance)


class WorkerObjective:
    """The objective built on first use in each worker process (a compiled model cannot be
    pickled; the model and its SBML can)."""

    def __init__(self, problem: CalibrationProblem, model: Model, sbml: str | None) -> None:
        self.problem, self.model, self.sbml = problem, model, sbml
        self._objective: Objective | None = None

    def __getstate__(self) -> dict[str, object]:
        return {"problem": self.problem, "model": self.model, "sbml": self.sbml}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._objective = None

    @property
    def objective(self) -> Objective:
        if self._objective is None:
            self._objective = Objective(self.problem, self.model, sbml=self.sbml)
            self.sbml = self._objective.simulator.sbml
        return self._objective

    def residuals(self, x: np.ndarray) -> np.ndarray:
        return self.objective.residuals(x)

    def cost(self, x: np.ndarray) -> float:
        return self.objective(x)


def _pypesto_problem(problem: CalibrationProblem, model: Model) -> pypesto.Problem:
    worker = WorkerObjective(problem, model, None)
    objective = pypesto.FD(
        pypesto.Objective(fun=worker.cost, res=worker.residuals),
        grad=True,
        sres=True,
        delta_fun=_FD_STEP,
        delta_res=_FD_STEP,
        method="central",
    )
    return pypesto.Problem(
        objective,
        lb=np.log10(problem.lower),
        ub=np.log10(problem.upper),
        x_names=list(problem.estimated),
    )


def start_points(problem: CalibrationProblem, starts: int, seed: int) -> np.ndarray:
    """Latin-hypercube start points on log10 scale within the bounds; the first is the tables'
    values (the fit must beat the hand-set model or say it could not)."""
    lower, upper = np.log10(problem.lower), np.log10(problem.upper)
    sampler = qmc.LatinHypercube(d=len(lower), rng=np.random.default_rng(seed))
    points = qmc.scale(sampler.random(starts), lower, upper)
    points[0] = np.clip(np.log10(problem.nominal), lower, upper)
    return np.asarray(points)


def _engine(jobs: int) -> pypesto.engine.Engine:
    if jobs > 1:
        return pypesto.engine.MultiProcessEngine(n_procs=jobs)
    return pypesto.engine.SingleCoreEngine()


def _optimizer(max_evaluations: int) -> pypesto.optimize.Optimizer:
    return pypesto.optimize.ScipyOptimizer(
        method="ls_trf", tol=1e-8, options={"max_nfev": max_evaluations, "xtol": 1e-6}
    )


def fit(
    problem: CalibrationProblem,
    model: Model,
    *,
    starts: int = 100,
    seed: int = 0,
    jobs: int = 1,
    max_iterations: int = 50,
    progress: bool = False,
    first: np.ndarray | None = None,
) -> CalibrationResult:
    """Fit the problem's estimated parameters from ``starts`` starts; reproducible at ``seed``.

    ``max_iterations`` bounds each start's Jacobian evaluations (each costs two runs of every
    condition per parameter). ``first`` (log10) replaces the tables' values as the first start.
    """
    if starts < 1:
        raise ValueError(f"starts must be at least 1; got {starts}")
    guesses = start_points(problem, starts, seed)
    if first is not None:
        guesses[0] = np.clip(first, np.log10(problem.lower), np.log10(problem.upper))
    pypesto_problem = _pypesto_problem(problem, model)
    pypesto_problem.startpoint_method = pypesto.startpoint.FunctionStartpoints(
        lambda n_starts, **_: guesses[:n_starts], use_guesses=False
    )
    logging.getLogger("pypesto").setLevel(logging.ERROR)
    result = pypesto.optimize.minimize(
        pypesto_problem,
        optimizer=_optimizer(max_iterations),
        n_starts=starts,
        engine=_engine(jobs),
        progress_bar=progress,
        options=pypesto.optimize.OptimizeOptions(allow_failed_starts=True),
    )
    runs: list[Start] = []
    for record in result.optimize_result.list:
        x = np.asarray(record.x if record.x is not None else record.x0, dtype=float)
        cost = float(record.fval) if record.fval is not None else FAILED_COST
        index = int(str(record.id)) if str(record.id).isdigit() else len(runs)
        runs.append(
            Start(
                index=index,
                x0=np.asarray(record.x0, dtype=float),
                x=x,
                cost=cost if math.isfinite(cost) else FAILED_COST,
                evaluations=int(record.n_fval or 0) + int(record.n_res or 0),
                message=str(record.message or ""),
            )
        )
    runs.sort(key=lambda s: (s.cost, s.index))
    return CalibrationResult(problem, tuple(runs), seed)


def unprofiled(result: CalibrationResult) -> tuple[ParameterEstimate, ...]:
    """The best fit's values without intervals (the bounds stand in; nothing is called
    identifiable), for fits run without profiles."""
    problem = result.problem
    return tuple(
        ParameterEstimate(
            id=name,
            value=float(10.0 ** result.best.x[index]),
            lower=float(problem.lower[index]),
            upper=float(problem.upper[index]),
            bound_low=float(problem.lower[index]),
            bound_high=float(problem.upper[index]),
            identifiable=False,
        )
        for index, name in enumerate(problem.estimated)
    )


def _interval(
    xs: np.ndarray, rises: np.ndarray, best: float, threshold: float
) -> tuple[float, float, bool]:
    """Where the profile crosses ``threshold`` on each side of ``best`` (log10 scale);
    the profile's end where it does not."""
    below, above = xs <= best, xs >= best
    identifiable = True
    lower = float(xs[below].min()) if below.any() else best
    upper = float(xs[above].max()) if above.any() else best
    left = np.where(below & (rises > threshold))[0]
    if left.size:
        lower = float(xs[left].max())
    else:
        identifiable = False
    right = np.where(above & (rises > threshold))[0]
    if right.size:
        upper = float(xs[right].min())
    else:
        identifiable = False
    return lower, upper, identifiable


def profile(
    result: CalibrationResult,
    model: Model,
    *,
    jobs: int = 1,
    max_iterations: int = 10,
    progress: bool = False,
) -> tuple[ParameterEstimate, ...]:
    """Profile likelihoods of every estimated parameter around the best fit, and their 95%
    intervals."""
    problem = result.problem
    pypesto_problem = _pypesto_problem(problem, model)
    logging.getLogger("pypesto").setLevel(logging.ERROR)
    optimize_result = pypesto.Result(pypesto_problem)
    best = result.best
    optimize_result.optimize_result.append(
        pypesto.result.OptimizerResult(
            id="0", x=best.x, fval=best.cost, exitflag=0, x0=best.x0, message=best.message
        )
    )
    threshold = chi2.ppf(CONFIDENCE, df=1) / 2  # in negative log-likelihood
    # The profile walks until the likelihood ratio falls below exp(-threshold * 1.5) or a bound.
    options = pypesto.profile.ProfileOptions(
        ratio_min=math.exp(-1.5 * threshold),
        default_step_size_absolute=0.1,
        min_step_size_absolute=0.05,
        max_step_size_absolute=0.3,
    )
    profiled = pypesto.profile.parameter_profile(
        pypesto_problem,
        optimize_result,
        optimizer=_optimizer(max_iterations),
        engine=_engine(jobs),
        profile_options=options,
        progress_bar=progress,
    )
    estimates = []
    for index, name in enumerate(problem.estimated):
        line = profiled.profile_result.list[0][index]
        xs = np.asarray(line.x_path[index], dtype=float)
        rises = np.asarray(line.fval_path, dtype=float) - best.cost
        order = np.argsort(xs)
        xs, rises = xs[order], rises[order]
        lower, upper, identifiable = _interval(xs, rises, float(best.x[index]), threshold)
        estimates.append(
            ParameterEstimate(
                id=name,
                value=float(10.0 ** best.x[index]),
                lower=float(10.0**lower),
                upper=float(10.0**upper),
                bound_low=float(problem.lower[index]),
                bound_high=float(problem.upper[index]),
                identifiable=identifiable,
                profile=tuple((float(10.0**x), float(r)) for x, r in zip(xs, rises, strict=True)),
            )
        )
    return tuple(estimates)
