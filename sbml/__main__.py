"""``python -m mbaxis.sbml build``: regenerate the committed files in ``sbml/models/``."""

from __future__ import annotations

import sys

from mbaxis.sbml.exporters import build_models


def main(argv: list[str]) -> int:
    if argv != ["build"]:
        print("usage: python -m mbaxis.sbml build", file=sys.stderr)
        return 2
    for path in build_models():
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
