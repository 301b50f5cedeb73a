"""Grade a submission with the checks on the grader's side and the student's code in a sandbox.

`grade_sandboxed(submission)` reads the student's notebook, finds each exercise by its nbgrader
grade_id (or, when the metadata is gone or duplicated, by the function or class it defines), and
starts a worker (`lib.course.remote`) inside a bubblewrap sandbox (`lib.course.sandbox`). The
worker runs the student's exercise cells and, of the release's setup cells, only the statements
they need (the imports and constants their code refers to), nothing else: the experiments
between exercises are not needed for the points, and skipping them is what makes grading fast.
Each check of the release (never the student's copy of it) then runs here, in the grader, on a
proxy of the student's function: the comparison, the hints and the points are computed where the
student's code cannot reach. A runaway or crashing exercise costs its own points: the worker is
killed and a fresh one, with the exercise cells run again, grades the next.

Written questions are reported as "manual" (to be graded by hand) or "unanswered".
"""

from __future__ import annotations

import ast
import contextlib
import io
import json
import os
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..paths import ROOT
from .remote import Channel, RemoteCrash, RemoteTimeout
from .report import ExerciseGrade, GradeError, GradeReport, checked_paths, find_solution

STUB_ANSWER = "YOUR ANSWER HERE"


@dataclass
class Cell:
    """A notebook cell as plain data (read with json: nbformat's schema validation alone takes
    over a second to import, a fixed cost of every grading)."""

    cell_type: str
    source: str
    metadata: dict


def read_cells(path: Path) -> list[Cell]:
    """The cells of the notebook at path; GradeError if it is not a readable notebook."""
    try:
        nb = json.loads(Path(path).read_text(encoding="utf-8"))
        return [
            Cell(
                str(c.get("cell_type", "")),
                "".join(c["source"]) if isinstance(c.get("source"), list) else str(c.get("source", "")),
                c.get("metadata") if isinstance(c.get("metadata"), dict) else {},
            )
            for c in nb["cells"]
            if isinstance(c, dict)
        ]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise GradeError(f"{Path(path).name} is not a readable notebook: {exc}") from exc


def release_cells(solution: Path, root: Path = ROOT) -> list[Cell]:
    """The release of a solution notebook: assignments/ holds it (`course check` keeps it exact);
    made with nbgrader only where it is missing."""
    released = root / "assignments" / solution.parent.name / solution.name
    if released.is_file():
        return read_cells(released)
    import nbformat

    from .release import release_notebook

    nb = release_notebook(nbformat.read(solution, as_version=4))
    return [Cell(c.cell_type, c.source, dict(c.metadata)) for c in nb.cells]


def _meta(cell) -> dict:
    meta = cell.metadata.get("nbgrader", {})
    return meta if isinstance(meta, dict) else {}


def _defined_names(source: str) -> set[str]:
    """Top-level functions and classes a cell defines (empty if it does not parse)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    return {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}


def check_call(source: str) -> tuple[str, list[str]] | None:
    """(check name, argument names) of a check cell `checks.NAME(ARG, ...)`, else None."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    if len(tree.body) != 1 or not isinstance(tree.body[0], ast.Expr):
        return None
    call = tree.body[0].value
    ok = (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and isinstance(call.func.value, ast.Name)
        and call.func.value.id == "checks"
        and not call.keywords
        and all(isinstance(a, ast.Name) for a in call.args)
    )
    return (call.func.attr, [a.id for a in call.args]) if ok else None


@dataclass
class Exercise:
    """One solution cell of the release and the student's cell(s) answering it."""

    grade_id: str
    names: set[str]
    sources: list[str] = field(default_factory=list)
    note: str = ""


@dataclass
class Plan:
    setup: list[str]  # the release's code cells before the first exercise (imports, seeds)
    steps: list  # Exercise, or a graded release cell (check or written question), in release order
    notes: list[str]


def plan(release, submitted) -> Plan:
    """Match the submission's cells to the release's exercises and graded cells."""
    sub_cells = [c for c in submitted if c.cell_type == "code"]
    by_id: dict[str, list] = {}
    for c in sub_cells:
        if _meta(c).get("grade_id"):
            by_id.setdefault(_meta(c)["grade_id"], []).append(c)
    release_ids = {_meta(c).get("grade_id") for c in release}
    notes = [
        f"cell {gid!r} is not part of this notebook (pasted from another?): ignored"
        for gid in by_id
        if gid not in release_ids
    ]
    setup, steps, seen_exercise = [], [], False
    for cell in release:
        meta = _meta(cell)
        if cell.cell_type == "code" and meta.get("solution") and not meta.get("grade"):
            seen_exercise = True
            ex = Exercise(meta["grade_id"], _defined_names(cell.source))
            matches = by_id.get(ex.grade_id, [])
            if len(matches) > 1:
                ex.note = f"{len(matches)} cells carry this exercise's id: graded the last one"
            if not matches:  # metadata lost (a re-created notebook): match by what the cell defines
                matches = [c for c in sub_cells if ex.names and ex.names <= _defined_names(c.source)]
                if matches:
                    ex.note = "found by the name it defines (the cell's exercise id was missing)"
            ex.sources = [matches[-1].source] if matches else []
            steps.append(ex)
        elif meta.get("grade"):
            steps.append(cell)
        elif cell.cell_type == "code" and not seen_exercise:
            setup.append(cell.source)
    exercise_code = [src for step in steps if isinstance(step, Exercise) for src in step.sources]
    return Plan(needed_setup(setup, exercise_code), steps, notes)


def _bound(stmt) -> set[str]:
    """Names a top-level statement binds."""
    if isinstance(stmt, (ast.Import, ast.ImportFrom)):
        return {(a.asname or a.name).split(".")[0] for a in stmt.names}
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {stmt.name}
    targets = stmt.targets if isinstance(stmt, ast.Assign) else [getattr(stmt, "target", None)]
    return {n.id for t in targets if t is not None for n in ast.walk(t) if isinstance(n, ast.Name)}


def _imports_lib(stmt) -> bool:
    if isinstance(stmt, ast.Import):
        return any(a.name.split(".")[0] == "lib" for a in stmt.names)
    return isinstance(stmt, ast.ImportFrom) and (stmt.module or "").split(".")[0] == "lib"


def _free(tree) -> set[str]:
    """Names the code reads but never binds itself (parameters, assignments, its own functions):
    what it needs from elsewhere. An approximation that ignores scopes, which is enough here."""
    bound = {n.arg for n in ast.walk(tree) if isinstance(n, ast.arg)}
    bound |= {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    bound |= {n.name for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
    return _used(tree) - bound


def _used(tree) -> set[str]:
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def needed_setup(setup: list[str], code: list[str]) -> list[str]:
    """The statements of the setup cells that `code` needs: those binding a name it uses, and so
    on for the names they use (an import, a constant, a helper). The rest (plots, data loading,
    the install cell) is skipped. A setup cell that is not plain Python is kept whole."""
    used: set[str] = set()
    for src in code:
        with contextlib.suppress(SyntaxError):
            used |= _free(ast.parse(src))
    stmts = []  # (source, bound names, used names), in order
    for src in setup:
        try:
            tree = ast.parse(src)
        except SyntaxError:
            stmts.append((src, {"*"}, set()))
            continue
        for st in tree.body:
            bound = _bound(st)
            if _imports_lib(st):  # lib's own modules are cheap, and importing one may register things
                bound = bound | {"*"}
            stmts.append((ast.get_source_segment(src, st), bound, _used(st)))
    keep = [False] * len(stmts)
    changed = True
    while changed:
        changed = False
        for i, (_, bound, uses) in enumerate(stmts):
            if not keep[i] and ("*" in bound or bound & used):
                keep[i], changed = True, True
                used |= uses
    return [src for (src, _, _), k in zip(stmts, keep) if k]


def _answer(submitted, grade_id: str) -> str:
    for c in submitted:
        if _meta(c).get("grade_id") == grade_id:
            return c.source
    return ""


def _checkout_but_environment() -> list[Path]:
    """Every folder of the checkout (lib, solutions, tests, .git, ...) except the one holding this
    Python's environment (.venv); its top-level files (README, Makefile) hold no solutions."""
    prefix = Path(sys.prefix).resolve()
    return [p for p in ROOT.iterdir() if p.is_dir() and p.resolve() != prefix and p.resolve() not in prefix.parents]


def make_bundle(assignment: str, to: Path, root: Path = ROOT) -> Path:
    """The release bundle a submission of `assignment` is graded against: its notebooks and a lib
    without its references (those of earlier assignments stay, as in the students' bundle)."""
    from ..paths import assignment_names
    from .bundle import release

    return release([assignment], to, due=[a for a in assignment_names(root) if a < assignment], root=root)


def _reference_function(check: str):
    """The plain function that is the reference of `check` (lib.checks.references), or None for a
    class or method exercise, which cannot stand in through the pipe."""
    import inspect

    from ..checks.references import REFERENCES, resolve

    entry = REFERENCES.get(check)
    if entry is None:
        return None
    obj = resolve(entry.objects[0])
    return obj if inspect.isfunction(obj) and "." not in obj.__qualname__ else None


class _CellStopped(Exception):
    def __init__(self, position: int, cause: BaseException):
        super().__init__(position, cause)
        self.position, self.cause = position, cause


class _Worker:
    """A sandboxed worker with the setup and the exercise cells so far; restarted when it dies."""

    def __init__(self, scratch: Path, sandboxed: bool, timeout: float, bundle: Path | None = None):
        self.scratch, self.sandboxed, self.timeout, self.bundle = scratch, sandboxed, timeout, bundle
        self.box = self.proc = self.channel = None

    def start(self, cells: list[str]) -> list[str]:
        """Start a fresh worker and run `cells` in it; returns the errors of cells that raised.
        Raises _CellStopped (its position in `cells`) when one times out or kills the worker."""
        self.stop()
        argv = [sys.executable, "-m", "lib.course.remote"]
        if self.sandboxed:
            from .sandbox import Limits, Sandbox

            limits = Limits(memory_mb=3072, cpu_seconds=int(self.timeout * 20), wall_seconds=self.timeout * 40)
            hide, env, readonly = [ROOT / "solutions"], None, []
            if self.bundle is not None:  # the bundle's lib, without references; the checkout hidden
                hide, env, readonly = _checkout_but_environment(), {"PYTHONPATH": str(self.bundle)}, [self.bundle]
            self.box = Sandbox(argv, self.scratch, limits, hide=hide, env=env, readonly=readonly)
            self.proc = self.box.__enter__()
        else:
            import subprocess

            self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=self.scratch)
        self.channel = Channel(self.proc.stdout.fileno(), self.proc.stdin.fileno())
        try:  # the worker must come up before any cell can be blamed for stopping it
            self.channel.run_cell("pass", self.timeout)
        except (RemoteTimeout, RemoteCrash) as exc:
            detail = self.box.stderr().strip().splitlines()[-1:] if self.box is not None else []
            raise GradeError(f"the grading worker did not start ({exc}) {' '.join(detail)}".strip()) from None
        errors = []
        for i, source in enumerate(cells):
            try:
                out = self.channel.run_cell(source, self.timeout)
            except (RemoteTimeout, RemoteCrash) as exc:
                raise _CellStopped(i, exc) from None
            if not out["ok"]:
                errors.append(out["error"])
        return errors

    def stop(self) -> None:
        if self.box is not None:
            self.box.__exit__(None, None, None)
        elif self.proc is not None:
            self.proc.kill()
            self.proc.wait()
        self.box = self.proc = self.channel = None


def _run_check(channel: Channel, name: str, args: list[str], timeout: float) -> tuple[str, str]:
    """Run the grader's own check `name` on proxies of the student's globals: (status, message)."""
    from .. import checks
    from ..checks import CheckFailed

    check = getattr(checks, name, None)
    if check is None:
        return "error", f"no check named {name}"
    channel.set_deadline(timeout)
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            check(*(channel.get(a) for a in args))
    except CheckFailed as exc:
        message = str(exc).split(": ", 1)[-1] if str(exc).startswith(f"{name}:") else str(exc)
        return "failed", message
    return "passed", ""


def grade_sandboxed(
    submission: Path | str,
    assignment: str | None = None,
    timeout: float = 60.0,
    sandboxed: bool = True,
    root: Path = ROOT,
    bundle: Path | str | None = None,
) -> GradeReport:
    """Grade one submitted notebook: the student's code in a sandbox, the checks here.

    timeout: seconds for each cell and each check (a runaway exercise is stopped and costs only
    its own points). sandboxed: False runs the worker as a plain subprocess (for development
    only; it gives no protection). bundle: a release bundle (`make_bundle`, `course release`) whose
    lib the sandbox imports, with the checkout hidden, so that no reference solution of the
    assignment is within the student's reach; None: the checkout's lib (references included).
    Raises GradeError when the notebook cannot be matched or read.
    """
    submission, _ = checked_paths(submission, None)
    if sandboxed:
        from .sandbox import available

        reason = available()
        if reason is not None:
            raise GradeError(f"cannot sandbox the submission: {reason}")
    solution = find_solution(submission, assignment, root)
    submitted = read_cells(submission)
    release = release_cells(solution, root)
    the_plan = plan(release, submitted)
    notes = list(the_plan.notes)
    notes += [f"{step.grade_id}: {step.note}" for step in the_plan.steps if isinstance(step, Exercise) and step.note]
    exercises: list[ExerciseGrade] = []
    with tempfile.TemporaryDirectory(prefix="course-grade-") as tmp:
        os.chmod(tmp, 0o777)  # the sandbox may run as an unprivileged user
        worker = _Worker(Path(tmp), sandboxed, timeout, Path(bundle).resolve() if bundle else None)
        cells = list(the_plan.setup)  # what a fresh worker must run to reach the current exercise
        owners = ["the setup"] * len(cells)  # whose cell each one is, for the notes
        alive = False
        crashed_cells: set[int] = set()

        stand_ins: dict[str, str] = {}  # a failed exercise's global -> the check it failed

        def bind_stand_ins() -> None:
            """Put the reference in place of each function whose own check failed, so that a later
            exercise calling it is graded on its own code (the reference runs here, in the grader)."""
            for name, check in stand_ins.items():
                worker.channel.bind(name, _reference_function(check))

        def start_worker() -> None:
            """A fresh worker with every cell so far, leaving out each cell that stops it (a cell
            that only timed out because a previous one left the worker busy runs again here)."""
            while True:
                live = [i for i in range(len(cells)) if i not in crashed_cells]
                try:
                    errors = worker.start([cells[i] for i in live])
                except _CellStopped as stop:
                    bad = live[stop.position]
                    crashed_cells.add(bad)
                    notes.append(
                        f"{owners[bad]}: running your cell stopped the kernel ({stop.cause}); graded without it"
                    )
                    continue
                notes.extend(f"a cell raised {e}" for e in errors if f"a cell raised {e}" not in notes)
                with contextlib.suppress(RemoteTimeout, RemoteCrash):  # a dead worker shows at the next check
                    bind_stand_ins()
                return

        try:
            for step in the_plan.steps:
                if isinstance(step, Exercise):
                    for src in step.sources:
                        cells.append(src)
                        owners.append(step.grade_id)
                        if alive:
                            try:
                                worker.channel.run_cell(src, timeout)
                                bind_stand_ins()  # the cell may have redefined a stood-in function
                            except (RemoteTimeout, RemoteCrash):
                                alive = False  # the next check starts a fresh worker, which tries the cell again
                                worker.stop()
                    continue
                meta = _meta(step)
                gid, points = meta["grade_id"], float(meta.get("points", 0))
                if step.cell_type == "markdown" or meta.get("solution"):
                    text = _answer(submitted, gid).strip()
                    status = "unanswered" if not text or STUB_ANSWER in text else "manual"
                    exercises.append(ExerciseGrade(gid, None, points, status, ""))
                    continue
                call = check_call(step.source)
                if call is None:
                    exercises.append(ExerciseGrade(gid, 0.0, points, "error", "check cell not gradable here"))
                    continue
                if not alive:
                    start_worker()
                    alive = True
                try:
                    status, message = _run_check(worker.channel, *call, timeout)
                except RemoteTimeout:
                    status, message = (
                        "failed",
                        f"stopped after the {timeout:g} s time limit: look for an endless loop or a very slow one",
                    )
                    alive = False
                except RemoteCrash as exc:
                    status, message = "failed", f"your code crashed the kernel during this check ({exc})"
                    alive = False
                except Exception as exc:  # the check itself met something it could not handle
                    status, message = "failed", f"{type(exc).__name__}: {exc}"[:400]
                exercises.append(ExerciseGrade(gid, points if status == "passed" else 0.0, points, status, message))
                if status != "passed":
                    for name in call[1]:
                        if _reference_function(call[0]) is not None and name not in stand_ins:
                            stand_ins[name] = call[0]
                            notes.append(
                                f"{name} failed its check: later exercises that call it were graded with the "
                                f"reference {name} in its place"
                            )
                    if alive:
                        with contextlib.suppress(RemoteTimeout, RemoteCrash):
                            bind_stand_ins()
                if not alive:
                    worker.stop()
        finally:
            worker.stop()
    return GradeReport(
        submission=str(submission),
        notebook=str(solution.relative_to(root)),
        score=sum(e.score or 0 for e in exercises),
        max_score=sum(e.max_score for e in exercises),
        exercises=exercises,
        notes=notes,
    )


def main(argv: list[str] | None = None) -> int:
    """`python -m lib.course.autograde SUBMISSION ASSIGNMENT TIMEOUT [BUNDLE]`: the report as JSON on
    stdout (exit 0), or the GradeError's message on stderr (exit 2). Batch grading runs each
    submission this way, in a fresh process: nothing of one grading (the global random state a
    check compares, a cache) can reach the next, and Dask's own threads cannot disturb a check."""
    args = sys.argv[1:] if argv is None else argv
    try:
        bundle = args[3] if len(args) > 3 and args[3] else None
        report = grade_sandboxed(args[0], assignment=args[1] or None, timeout=float(args[2]), bundle=bundle)
    except GradeError as exc:
        print(exc, file=sys.stderr)
        return 2
    print(report.to_json())
    return 0


__all__ = ["grade_sandboxed", "make_bundle", "plan", "check_call", "GradeError", "main"]

if __name__ == "__main__":
    sys.exit(main())
