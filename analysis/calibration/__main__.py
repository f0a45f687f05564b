"""``python -m mbaxis.analysis.calibration build | apply [FIT_DIR]``.

``build`` regenerates the bundled problem's PEtab tables from ``points.tsv`` and
``estimated.tsv``; ``apply`` writes the identifiable values of a fit (default: the committed
one, ``analysis/data/calibration/fit``) into the model's ``parameters.tsv``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from mbaxis.analysis.calibration.apply import apply_fit
from mbaxis.analysis.calibration.build import build_problem, problem_folder
from mbaxis.analysis.errors import CalibrationError
from mbaxis.network import bundled_model_path, load_model

USAGE = "usage: python -m mbaxis.analysis.calibration build | apply [FIT_DIR]"


def main(argv: list[str]) -> int:
    try:
        if argv == ["build"]:
            for path in build_problem(load_model()):
                print(f"wrote {path}")
            return 0
        if argv[:1] == ["apply"] and len(argv) <= 2:
            folder = Path(argv[1]) if len(argv) == 2 else problem_folder() / "fit"
            # the source file, not the installed link to it
            tables = (bundled_model_path() / "parameters.tsv").resolve()
            for name in apply_fit(folder / "fitted_parameters.tsv", tables):
                print(f"fitted {name} -> {tables}")
            return 0
    except (CalibrationError, FileNotFoundError) as error:
        print(f"calibration: {error}", file=sys.stderr)
        return 2
    print(USAGE, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
