"""Virtual populations: subjects drawn from covariate distributions, and how they respond.

- :mod:`.covariates` reads the table of covariate distributions (sex, age, training status,
  BDNF Val66Met genotype, menopause) and draws subjects from it;
- :mod:`.cohort` pairs subjects with parameter sets (members of a calibrated ensemble);
- :mod:`.responses` runs a protocol and rest for each person and summarises the responses by
  stratum (``mbaxis population``, CONTRACT section 5).
"""

from mbaxis.analysis.population.cohort import (
    Cohort,
    CohortMember,
    check_representable,
    sample_population,
    single,
)
from mbaxis.analysis.population.covariates import Covariates, load_covariates
from mbaxis.analysis.population.responses import PopulationResult, population_responses

__all__ = [
    "Cohort",
    "CohortMember",
    "Covariates",
    "PopulationResult",
    "check_representable",
    "load_covariates",
    "population_responses",
    "sample_population",
    "single",
]
