"""Statistics of a readout over a window: the times of extremes are not decided by noise."""

from __future__ import annotations

import pandas as pd
import pytest

from mbaxis.analysis.statistics import compute_statistic


def _course(values: list[float]) -> pd.DataFrame:
    return pd.DataFrame({"x": values}, index=pd.Index([0.0, 10.0, 20.0, 30.0], name="time"))


def test_a_readout_that_only_falls_peaks_at_the_start_whatever_the_integrator_noise() -> None:
    # a sign-shuffled copy of the model in which BHB falls 3.4% after a ketone ester: at the
    # null model's tolerance it came back 6.7e-6 above its start at 307 min, and its peak time
    # jumped from the start to 307 min (test_null_tolerance_keeps_the_calls)
    noisy = _course([0.1, 0.0966, 0.0965, 0.10000067])
    assert compute_statistic(noisy, "x", "time_of_max") == 0.0
    assert compute_statistic(_course([2.0, 1.0, 1.0000001, 3.0]), "x", "time_of_min") == 10.0


@pytest.mark.parametrize(
    ("values", "statistic", "expected"),
    [
        ([1.0, 3.0, 2.0, 1.0], "time_of_max", 10.0),
        ([1.0, 2.0, 2.9999, 3.0], "time_of_max", 30.0),  # a rise of 1e-4 of the level is real
        ([1.0, 0.5, 0.2, 0.6], "time_of_min", 20.0),
        ([0.0, 0.0, 0.0, 0.0], "time_of_max", 0.0),
    ],
)
def test_a_real_extreme_keeps_its_time(
    values: list[float], statistic: str, expected: float
) -> None:
    assert compute_statistic(_course(values), "x", statistic) == expected
