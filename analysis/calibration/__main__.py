"""``python -m mbaxis.analysis.calibration build``: regenerate the bundled problem's PEtab tables
from ``points.tsv`` and ``estimated.tsv``."""

from __future__ import annotations

import sys

from mbaxis.analysis.calibration.build import build_problem
from mbaxis.analysis.errors import CalibrationError
from mbaxis.network import load_model


def main(argv: list[str]) -> int:
    if argv != ["build"]:
        print("usage: python -m mbaxis.analysis.calibration build", file=sys.stderr)
        return 2
    try:
        paths = build_problem(load_model())
    except CalibrationError as error:
        print(f"calibration build: {error}", file=sys.stderr)
        return 2
    for path in paths:
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
