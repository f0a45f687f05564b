"""How many examples a property test draws.

CI runs each property with the budget written beside it, derandomised (the ``ci`` profile of
``tests/conftest.py``: the same examples on every run). ``MBAXIS_EXAMPLES=N`` runs every property
with N examples instead, on fresh random draws (the ``long`` profile), which is how the long runs
of the README are made.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings


def examples(budget: int) -> int:
    """``budget``, or ``MBAXIS_EXAMPLES`` when set."""
    wanted = os.environ.get("MBAXIS_EXAMPLES")
    return int(wanted) if wanted else budget


def budget(default: int) -> settings:
    """Settings of a property test: ``default`` examples (or ``MBAXIS_EXAMPLES``), no deadline
    (a simulation of weeks takes a second on a busy machine), and no complaint that generating
    a protocol or copying a model folder is slow."""
    return settings(
        max_examples=examples(default),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
