"""How a cohort responds to an experiment: each person against themselves at rest.

A person's response is the relative change of a readout's statistic over a window,
``(s_protocol - s_rest) / |s_rest|``, with ``s_rest`` the same statistic over the same window
while the same person (subject and parameters) stays at rest: a trained woman of 60 is
compared with herself, not with the reference man. A responder is a person whose response is
above the responder threshold (CONTRACT section 5: ``mbaxis population``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from mbaxis.analysis.defaults import CHANGE_THRESHOLD
from mbaxis.analysis.errors import ScenarioError
from mbaxis.analysis.evaluation import evaluate_scenarios
from mbaxis.analysis.population.cohort import Cohort, describe_members
from mbaxis.analysis.population.covariates import Covariates
from mbaxis.analysis.protocols import Protocol, default_t_end, make_protocol
from mbaxis.analysis.scenarios import Experiment, Scenario
from mbaxis.network import Model

__all__ = [
    "STRATA",
    "PopulationResult",
    "cohort_scenarios",
    "population_responses",
    "quantiles",
]

#: The covariates a population is stratified by, in the order reports list them.
STRATA = ("sex", "age_band", "training_status", "bdnf_val66met", "menopause")
#: Statistics that are times, not amounts: a relative change against rest means nothing.
_TIMES = ("time_of_max", "time_of_min")


def cohort_scenarios(
    cohort: Cohort,
    protocols: Sequence[Protocol],
    readout: str,
    statistic: str,
    window: tuple[float, float] | None,
) -> tuple[list[Scenario], list[Scenario]]:
    """The scenarios that answer the question for every member: the protocols, and rest over
    the same window (the protocols' duration plus recovery when no window is given)."""
    if statistic in _TIMES:
        raise ScenarioError(
            f"statistic '{statistic}' is a time; a response is a relative change against rest, "
            "so choose one of mean, max, min, auc, final, rise"
        )
    span = window if window is not None else (0.0, default_t_end(protocols))
    rest = (make_protocol("rest"),)
    treated, resting = [], []
    for member in cohort.members:
        parameters = dict(member.parameters)
        treated.append(
            Scenario(
                Experiment(tuple(protocols), subject=member.subject),
                (readout,),
                statistic,
                span,
                parameters,
            )
        )
        resting.append(
            Scenario(
                Experiment(rest, subject=member.subject), (readout,), statistic, span, parameters
            )
        )
    return treated, resting


def quantiles(values: np.ndarray) -> dict[str, float]:
    """Median and 5-95% band of ``values`` (NaN-free), as JSON numbers."""
    if values.size == 0:
        return {"median": math.nan, "p05": math.nan, "p95": math.nan}
    p05, median, p95 = np.quantile(values, [0.05, 0.5, 0.95])
    return {"median": float(median), "p05": float(p05), "p95": float(p95)}


@dataclass(frozen=True)
class PopulationResult:
    """Every person's response to one protocol, and the summaries by stratum.

    ``people`` has one row per person: the covariates, the ensemble ``member``, ``rest`` and
    ``value`` (the statistic at rest and under the protocol, in display units), ``response``
    (the relative change), ``responder`` and ``error`` (why a run failed, else empty).
    """

    protocol: str
    readout: str
    statistic: str
    window: tuple[float, float]
    seed: int | None
    responder_threshold: float
    people: pd.DataFrame

    def strata(self) -> pd.DataFrame:
        """Per covariate and level: n, median and 5-95% band of the response, responders."""
        rows = []
        ok = self.people[self.people["error"] == ""]
        for covariate in STRATA:
            column = ok[covariate]
            if covariate == "menopause":  # a stratum of women only
                column = column[ok["sex"] == "female"]
            for level in sorted(column.unique(), key=str):
                group = ok.loc[column.index[column == level]]
                responses = group["response"].to_numpy(dtype=float)
                rows.append(
                    {
                        "covariate": covariate,
                        "level": _level(level),
                        "n": len(group),
                        **quantiles(responses),
                        "responder_fraction": float(group["responder"].mean()),
                    }
                )
        return pd.DataFrame(rows)

    def summary(self) -> dict[str, Any]:
        """The JSON of ``mbaxis population --json`` (CONTRACT section 5)."""
        ok = self.people[self.people["error"] == ""]
        return {
            "protocol": self.protocol,
            "readout": self.readout,
            "statistic": self.statistic,
            "window": list(self.window),
            "response": "relative change of the statistic against the same person at rest",
            "seed": self.seed,
            "n": len(self.people),
            "failed": int((self.people["error"] != "").sum()),
            "responder_threshold": self.responder_threshold,
            "responder_fraction": float(ok["responder"].mean()) if len(ok) else math.nan,
            **quantiles(ok["response"].to_numpy(dtype=float)),
            "strata": self.strata().to_dict("records"),
        }


def _level(value: object) -> str:
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    return str(value)


def population_responses(
    model: Model,
    cohort: Cohort,
    protocols: Sequence[Protocol],
    *,
    readout: str,
    statistic: str = "max",
    window: tuple[float, float] | None = None,
    responder_threshold: float = CHANGE_THRESHOLD,
    covariates: Covariates | None = None,
    seed: int | None = None,
    jobs: int = 1,
    checkpoint: str | Path | None = None,
    resume: bool = False,
    progress: bool = False,
    scheduler: str | None = None,
) -> PopulationResult:
    """Run ``protocols`` and rest for every member of ``cohort``; their responses.

    The runs go through the scans' executor (worker processes or a Dask cluster, a progress
    bar, a checkpoint to resume from). A person whose run fails stays in the table with the
    reason, and out of the summaries.
    """
    if not (math.isfinite(responder_threshold) and responder_threshold >= 0):
        raise ScenarioError(
            f"the responder threshold must be a relative change >= 0; got {responder_threshold}"
        )
    treated, resting = cohort_scenarios(cohort, protocols, readout, statistic, window)
    outcomes = evaluate_scenarios(
        model,
        [*treated, *resting],
        jobs=jobs,
        checkpoint=checkpoint,
        resume=resume,
        progress=progress,
        description="people",
        scheduler=scheduler,
    )
    n = len(cohort)
    people = pd.DataFrame(describe_members(cohort.members))
    if covariates is not None and covariates.age:
        people.insert(2, "age_band", [covariates.age_band(a) for a in people["age"]])
    else:
        people.insert(2, "age_band", [f"{a:g}" for a in people["age"]])
    values = np.array([o.values[readout] for o in outcomes[:n]], dtype=float)
    rests = np.array([o.values[readout] for o in outcomes[n:]], dtype=float)
    errors = [o.error or r.error or "" for o, r in zip(outcomes[:n], outcomes[n:], strict=True)]
    with np.errstate(divide="ignore", invalid="ignore"):
        response = (values - rests) / np.abs(rests)
    people["rest"] = rests
    people["value"] = values
    people["response"] = response
    people["responder"] = response > responder_threshold
    people["error"] = [
        e or ("the readout is 0 at rest" if not np.isfinite(r) else "")
        for e, r in zip(errors, response, strict=True)
    ]
    return PopulationResult(
        " + ".join(map(str, protocols)),
        readout,
        statistic,
        treated[0].window if treated[0].window is not None else (0.0, 0.0),
        seed,
        responder_threshold,
        people,
    )
