"""Protocol optimisation: which weekly schedule raises a readout most (``mbaxis optimize``).

- :mod:`.schedules`: weekly plans built from the protocol library, and the search space;
- :mod:`.search`: differential evolution over the plans within a weekly time budget, scored
  on a cohort (a subject, an ensemble, a virtual population);
- :mod:`.mechanisms`: the signed paths that carry the best plan's effect.
"""

from mbaxis.analysis.optimization.schedules import (
    DEFAULT_SEARCH_PROTOCOLS,
    SEARCH_SPACE,
    Schedule,
    decode,
)
from mbaxis.analysis.optimization.search import SearchResult, optimize_schedule

__all__ = [
    "DEFAULT_SEARCH_PROTOCOLS",
    "SEARCH_SPACE",
    "Schedule",
    "SearchResult",
    "decode",
    "optimize_schedule",
]
