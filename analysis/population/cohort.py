"""A cohort: the people (and parameter sets) one question is asked of.

A member of a cohort is a subject (CONTRACT section 6) and a set of parameter overrides, e.g.
one member of a calibrated ensemble (CONTRACT section 7) standing in for the person-to-person
variation that the covariates do not explain. A single subject is a cohort of one; an ensemble
is a cohort of one subject with many parameter sets; a virtual population is subjects drawn
from covariate distributions, each with a member of the ensemble drawn by its weight.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from mbaxis.analysis.ensembles import Ensemble
from mbaxis.analysis.errors import CovariateError, SubjectError
from mbaxis.analysis.population.covariates import Covariates
from mbaxis.analysis.subjects import REFERENCE_SUBJECT, Subject, subject_effect
from mbaxis.network import Model

__all__ = [
    "Cohort",
    "CohortMember",
    "check_representable",
    "describe_members",
    "sample_population",
    "single",
]


@dataclass(frozen=True)
class CohortMember:
    """One person of a cohort: who, with which parameters, and the ensemble member's name."""

    subject: Subject
    parameters: tuple[tuple[str, float], ...] = ()
    member: str = "tables"


@dataclass(frozen=True)
class Cohort:
    """People to ask one question of, with weights that sum to 1."""

    members: tuple[CohortMember, ...]
    weights: np.ndarray = field(default_factory=lambda: np.ones(1))

    def __len__(self) -> int:
        return len(self.members)


def single(subject: Subject = REFERENCE_SUBJECT, ensemble: Ensemble | None = None) -> Cohort:
    """One subject: with the tables' parameters, or once per ensemble member (its weights)."""
    if ensemble is None:
        return Cohort((CohortMember(subject),), np.ones(1))
    members = tuple(
        CohortMember(subject, tuple(ensemble.overrides(i).items()), name)
        for i, name in enumerate(ensemble.members)
    )
    return Cohort(members, np.asarray(ensemble.weights, dtype=float))


def sample_population(
    covariates: Covariates, n: int, seed: int, ensemble: Ensemble | None = None
) -> Cohort:
    """``n`` subjects drawn from ``covariates`` at ``seed``, each with an ensemble member drawn
    by weight (when an ensemble is given); every person weighs the same."""
    rng = np.random.default_rng(seed)
    subjects = covariates.sample(n, rng)
    if ensemble is None:
        members = tuple(CohortMember(s) for s in subjects)
    else:
        picks = rng.choice(len(ensemble), size=n, p=ensemble.weights / ensemble.weights.sum())
        members = tuple(
            CohortMember(s, tuple(ensemble.overrides(int(i)).items()), ensemble.members[int(i)])
            for s, i in zip(subjects, picks, strict=True)
        )
    return Cohort(members, np.full(n, 1.0 / n))


def check_representable(model: Model, covariates: Covariates) -> None:
    """Refuse a covariates table naming a subject the model cannot represent.

    Raises
    ------
    CovariateError
        Naming the file, the covariate and level, and the model's answer.
    """
    probes: list[tuple[str, Subject]] = []
    for covariate, levels in covariates.categorical.items():
        for level in levels:
            if level.frequency > 0:
                values: dict[str, Any] = {covariate: level.value}
                probes.append((f"{covariate}={level.value}", Subject(**values)))
    if covariates.age:
        oldest = max(band.high for band in covariates.age)
        probes.append((f"age={oldest:g}", Subject(age=oldest)))
    if covariates.menopause_from_age is not None:
        probes.append(("menopause=true", Subject(sex="female", menopause=True)))
    for label, subject in probes:
        try:
            subject_effect(model, subject)
        except SubjectError as error:
            raise CovariateError(f"{covariates.path}: covariate {label}: {error}") from None


def describe_members(members: Sequence[CohortMember]) -> list[dict[str, object]]:
    """Who each member is, as table rows (the covariates and the ensemble member)."""
    return [
        {
            "sex": m.subject.sex,
            "age": m.subject.age,
            "training_status": m.subject.training_status,
            "bdnf_val66met": m.subject.bdnf_val66met,
            "menopause": m.subject.menopause,
            "member": m.member,
        }
        for m in members
    ]
