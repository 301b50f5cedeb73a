"""The `course` command (also `python -m lib.course`).

course start ASSIGNMENT            copy the release into work/ASSIGNMENT/, your own copy (students)
course generate [ASSIGNMENT ...]   solutions/ -> assignments/ (student release)
course check                       fail unless the release is exactly what generate makes
course execute [ASSIGNMENT ...]    re-run solution notebooks, store their outputs
course run [ASSIGNMENT ...]        generate, then execute the whole course; print a summary
course grade SUBMISSION|FOLDER...  grade notebooks, each in a sandbox; a class into a CSV gradebook
course release A... --to DIR       the student bundle: notebooks, a lib without the references of A...
course fetch NAME                  download a dataset into datasets/ (checked by SHA-256)
course mutate [ASSIGNMENT ...]     mutation-test every graded check with mutmut (make mutation)
"""

from __future__ import annotations

import argparse
import sys

from .. import __version__
from ..paths import ROOT, CourseError, require_checkout, solution_notebooks

# Commands that read solutions/ and so need the repository, not an installed copy.
NEEDS_CHECKOUT = {"start", "generate", "check", "execute", "run", "grade", "mutate", "release"}


def _start(args) -> int:
    from .release import start

    copied, kept = start(args.assignment, args.to)
    for path in copied:
        print(f"copied {path}")
    for path in kept:
        print(f"kept   {path} (already there: your work is never overwritten)")
    folder = (copied or kept)[0].parent if copied or kept else args.to
    print(f"\nOpen it with:  jupyter lab {folder}")
    return 0


def _generate(args) -> int:
    from .release import generate

    written = generate(args.assignments or None, force=args.force)
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


def _grade(args) -> int:
    from pathlib import Path

    paths = [Path(p) for p in args.submissions]
    batch = len(paths) > 1 or any(p.is_dir() for p in paths) or args.workers or args.scheduler
    if args.engine == "nbgrader":
        if batch:
            raise CourseError("--engine nbgrader grades one notebook at a time; the sandbox engine grades a class")
        from .grade import grade

        report = grade(paths[0], assignment=args.assignment, timeout=args.timeout, output_dir=args.output)
    elif batch:
        from .batch import grade_many

        if not args.output:
            raise CourseError("grading several submissions needs --output DIR (gradebook.csv and feedback/ go there)")
        rows = grade_many(paths, args.output, workers=args.workers or 2, scheduler=args.scheduler, timeout=args.timeout)
        errors = sum(r["status"] == "error" for r in rows)
        print(f"\n{len(rows)} notebooks graded ({errors} errors): {Path(args.output) / 'gradebook.csv'}")
        return 0
    else:
        import tempfile

        from .autograde import make_bundle
        from .batch import grade_one
        from .report import GradeReport, find_solution

        with tempfile.TemporaryDirectory(prefix="course-bundle-") as tmp:  # no reference within the student's reach
            bundle = make_bundle(find_solution(paths[0].resolve(), args.assignment).parent.name, Path(tmp) / "b")
            result = grade_one(str(paths[0].resolve()), args.assignment, args.timeout, str(bundle))
        if result["status"] != "graded":
            raise CourseError(result["message"])
        report = GradeReport.from_dict(result)
        if args.output:
            out = Path(args.output)
            out.mkdir(parents=True, exist_ok=True)
            (out / "report.json").write_text(report.to_json() + "\n", encoding="utf-8")
    print(report.to_json() if args.json else report.table())
    return 0


def _release(args) -> int:
    from pathlib import Path

    from .bundle import release

    to = release(args.assignments, Path(args.to), due=args.due or ())
    print(f"wrote the bundle of {', '.join(args.assignments)} into {to}")
    return 0


def _run(args) -> int:
    from .execute import execute_notebook
    from .release import generate

    names = args.assignments or None
    generate(names)
    print("regenerated assignments/ from solutions/")
    notebooks = solution_notebooks(names)
    results = [execute_notebook(p) for p in notebooks]
    rows = [
        (
            str(p.relative_to(ROOT / "solutions")),
            r.status,
            f"{r.seconds:.1f}",
            ", ".join(f"{k} = {v}" for k, v in r.headlines.items()) or r.error,
        )
        for p, r in zip(notebooks, results)
    ]
    header = ("notebook", "status", "seconds", "headline figures")
    widths = [max(len(row[i]) for row in rows + [header]) for i in range(3)]

    def fmt(row):
        return "  ".join(f"{c:<{w}}" for c, w in zip(row[:3], widths)) + "  " + row[3]

    print("\n" + fmt(header))
    print("  ".join("-" * w for w in widths) + "  " + "-" * 16)
    for row in rows:
        print(fmt(row))
    return 0 if all(r.status == "ok" for r in results) else 1


def _fetch(args) -> int:
    from ..data.fetch import fetch

    for path in fetch(args.name):
        print(f"ok  {path}")
    return 0


def _mutate(args) -> int:
    from .mutation import TARGET, mutate, table, write_docs

    rows = mutate(args.assignments or None, max_children=args.jobs)
    print(table(rows))
    for row in rows:
        for m in row.survivors:
            print(f"survived  {row.exercise}: {m.original}  ->  {m.mutated}")
    if args.write_docs:
        write_docs(rows)
        print("wrote the table into docs/checks.md")
    short = [r.exercise for r in rows if r.score < TARGET]
    if short:
        print(f"below {100 * TARGET:.0f} % killed: {', '.join(short)}", file=sys.stderr)
        return 1
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="course", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--version", action="version", version=f"course {__version__} (dl-from-scratch-course)")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("start", help="copy an assignment's release into work/ASSIGNMENT/ to work in (students)")
    p.add_argument("assignment", help="e.g. 01_linear_regression")
    p.add_argument("--to", help="another folder for your copy (default: work/ASSIGNMENT)")
    p.set_defaults(func=_start)
    p = sub.add_parser("generate", help="release solutions/ into assignments/")
    p.add_argument("assignments", nargs="*", help="e.g. 01_linear_regression (default: all)")
    p.add_argument("--force", action="store_true", help="replace release files even if they were edited")
    p.set_defaults(func=_generate)
    p = sub.add_parser("check", help="fail unless assignments/ is exactly what generate makes")
    p.set_defaults(func=_check)
    p = sub.add_parser("execute", help="re-run solution notebooks and store their outputs")
    p.add_argument("assignments", nargs="*")
    p.set_defaults(func=_execute)
    p = sub.add_parser("run", help="regenerate the release, execute every solution notebook, print a summary")
    p.add_argument("assignments", nargs="*", help="only these (default: the whole course)")
    p.set_defaults(func=_run)
    p = sub.add_parser(
        "grade", help="grade submitted notebooks, each in a sandbox (a file, several, or a class folder)"
    )
    p.add_argument(
        "submissions",
        nargs="+",
        help="a student's .ipynb, several, or a folder laid out as submitted/<student>/<assignment>/",
    )
    p.add_argument("--assignment", help="folder under solutions/ (default: found from the file name)")
    p.add_argument("--timeout", type=int, default=60, help="seconds per cell and per check (default 60)")
    p.add_argument(
        "--output",
        help="folder for the results: report.json (one notebook) or gradebook.csv, feedback/ and cache/ (a class); "
        "never a student's folder",
    )
    p.add_argument("--workers", type=int, help="Dask worker processes of the local cluster (default 2)")
    p.add_argument("--scheduler", help="address of a Dask scheduler to spread the grading over (tcp://host:8786)")
    p.add_argument(
        "--engine",
        choices=["sandbox", "nbgrader"],
        default="sandbox",
        help="sandbox (default): checks in the grader, the student's code in bubblewrap; nbgrader: nbgrader's "
        "autograde of one notebook with outputs, WITHOUT a sandbox (only for notebooks you trust)",
    )
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=_grade)
    p = sub.add_parser(
        "release", help="write the student bundle: released notebooks and a lib without their references"
    )
    p.add_argument("assignments", nargs="+", help="the assignments released so far")
    p.add_argument("--to", required=True, help="a new (or empty) folder for the bundle")
    p.add_argument("--due", nargs="*", help="assignments past their due date: their references stay in lib")
    p.set_defaults(func=_release)
    p = sub.add_parser("fetch", help="download a dataset into datasets/, checked by SHA-256")
    p.add_argument("name", choices=["mnist_full", "fashion_mnist", "cifar10"])
    p.set_defaults(func=_fetch)
    p = sub.add_parser("mutate", help="mutation-test the graded checks with mutmut (needs the mutation extra)")
    p.add_argument("assignments", nargs="*", help="only these (default: all)")
    p.add_argument("--jobs", type=int, default=2, help="mutants tested at once (default 2)")
    p.add_argument("--write-docs", action="store_true", help="write the table into docs/checks.md")
    p.set_defaults(func=_mutate)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command. A user's mistake (an unknown assignment, a missing file, an installed copy
    where the repository is needed) is one line on stderr and exit status 2, never a traceback."""
    args = build_parser().parse_args(argv)
    try:
        if args.command in NEEDS_CHECKOUT:
            require_checkout(f"course {args.command}")
        return args.func(args)
    except CourseError as exc:
        print(f"course {args.command}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
