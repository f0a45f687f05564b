"""Benchmark: the validation null model at the size that p < 0.001 needs.

Run on demand: ``.venv/bin/python benchmarks/bench_null_model.py [COPIES] [JOBS]`` (default
1000 copies on 2 processes). Times ``mbaxis validate --null COPIES --jobs JOBS`` as a whole
process after a warm-up (``mbaxis validate`` without the null model, which also fills the
compiled-model cache), median of 3, and prints the ratio to that warm-up command measured in the
same run. Target (the architecture issue): 1000 copies on 2 processes within 2 min.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from common import median_seconds

MBAXIS = str(Path(sys.executable).with_name("mbaxis"))
REPEATS = 3


def main(copies: int, jobs: int) -> None:
    plain = [MBAXIS, "validate", "--no-progress"]
    null = [*plain, "--null", str(copies), "--jobs", str(jobs)]
    subprocess.run(plain, check=True, stdout=subprocess.DEVNULL)
    base = median_seconds(lambda: subprocess.run(plain, check=True, stdout=subprocess.DEVNULL), 3)
    ours = median_seconds(
        lambda: subprocess.run(null, check=True, stdout=subprocess.DEVNULL), REPEATS
    )
    print(f"mbaxis validate (no null model)          {base:8.1f} s")
    print(f"mbaxis validate --null {copies} --jobs {jobs}   {ours:8.1f} s  (target 120 s)")
    print(
        f"  per copy and process: {ours * jobs / copies * 1000:6.0f} ms; "
        f"ratio to the plain command: {ours / base:5.1f}"
    )


if __name__ == "__main__":
    main(
        int(sys.argv[1]) if len(sys.argv) > 1 else 1000,
        int(sys.argv[2]) if len(sys.argv) > 2 else 2,
    )
