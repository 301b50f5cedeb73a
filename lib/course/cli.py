"""The `course` command (also `python -m lib.course`).

  course generate [ASSIGNMENT ...]   solutions/ -> assignments/ (student release)
  course check                       fail unless the release is exactly what generate makes
  course execute [ASSIGNMENT ...]    re-run solution notebooks, store their outputs
  course run                         generate, then execute the whole course; print a summary
  course grade SUBMISSION            autograde a student's notebook with nbgrader
  course fetch NAME                  download a dataset into datasets/ (checked by SHA-256)
"""
from __future__ import annotations

import argparse
import sys

from .paths import ROOT, solution_notebooks


def _generate(args) -> int:
    from .release import generate

    written = generate(args.assignments or None)
    for path in written:
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


def _check(args) -> int:
    from .release import check

    problems = check()
    if problems:
        print("The release is not in order:", file=sys.stderr)
        for p in problems:
            print(f"  - {p}", file=sys.stderr)
        return 1
    print(f"release in sync: {len(solution_notebooks())} notebooks, no solution text in assignments/")
    return 0


def _execute(args) -> int:
    from .execute import execute_notebook

    failed = 0
    for path in solution_notebooks(args.assignments or None):
        res = execute_notebook(path, write=True)
        print(f"{path.relative_to(ROOT)}: {res.status} in {res.seconds:.1f} s {res.error}")
        failed += res.status != "ok"
    return 1 if failed else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="course", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("generate", help="release solutions/ into assignments/")
    p.add_argument("assignments", nargs="*", help="e.g. 01_linear_regression (default: all)")
    p.set_defaults(func=_generate)
    p = sub.add_parser("check", help="fail unless assignments/ is exactly what generate makes")
    p.set_defaults(func=_check)
    p = sub.add_parser("execute", help="re-run solution notebooks and store their outputs")
    p.add_argument("assignments", nargs="*")
    p.set_defaults(func=_execute)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
