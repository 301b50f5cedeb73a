"""Mutation testing of the graded checks with mutmut: does every check reject every small change
of the solution it guards?

For each exercise, its solution code (the lines between `### BEGIN SOLUTION` and
`### END SOLUTION` in `solutions/`) is what mutmut mutates; everything else is marked
`# pragma: no mutate`. The exercise's own check is the only test that sees it:

    build/mutation/<assignment>/
        exercises/<grade_id>.py   the notebook's first code cell (imports) and all its exercise
                                  cells; only this exercise's solution lines may be mutated
        tests/test_<grade_id>.py  runs the exercise's check cell against that module
        pyproject.toml            mutmut's settings

mutmut (`mutmut run`) then applies each mutant and runs the test: a failing check kills it. A
surviving mutant is either a gap in the check or an equivalent mutant (same behaviour, e.g.
`astype(None)` for `astype(float)`): those are reviewed by hand and listed, with a reason, in
`tests/equivalent_mutants/<assignment>.toml`. `report` counts per exercise: mutants, killed, equivalent,
survived, and the share of non-equivalent mutants killed (the target is 97 %).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

from ..paths import ROOT, CourseError, assignment_names, check_assignment

BUILD = ROOT / "build" / "mutation"
EQUIVALENTS = ROOT / "tests" / "equivalent_mutants"  # one reviewed TOML file per assignment
TARGET = 0.97
_BEGIN, _END = "### BEGIN SOLUTION", "### END SOLUTION"


class MutationError(CourseError):
    """The mutation run could not be set up (no such assignment, mutmut missing, a broken cell)."""


@dataclass
class Exercise:
    """One graded exercise: its solution cell, its check cell and the notebook they come from."""

    assignment: str
    notebook: str
    grade_id: str
    check_source: str
    functions: list[str] = field(default_factory=list)


# -- building the mutation project ---------------------------------------------------------------
def _nbgrader(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def _opened(source: str) -> str:
    """The exercise cell with its solution region opened to mutation: mutmut's selection pragmas
    replace the markers (`# pragma: no mutate end` where the solution begins, `start` where it
    ends), inside a module that is otherwise frozen. A `pass` follows an end marker that closes its
    block, so that the comment belongs to a statement, where mutmut looks for it."""
    lines, out = source.splitlines(), []
    for i, line in enumerate(lines):
        indent = line[: len(line) - len(line.lstrip())]
        if line.strip() == _BEGIN:
            out.append(indent + "# pragma: no mutate end")
        elif line.strip() == _END:
            out.append(indent + "# pragma: no mutate start")
            rest = [x for x in lines[i + 1 :] if x.strip()]
            if not rest or len(rest[0]) - len(rest[0].lstrip()) < len(indent):
                out.append(indent + "pass")
        else:
            out.append(line)
    return "\n".join(out)


def _defined_names(source: str) -> list[str]:
    """Top-level functions and classes a cell defines."""
    return re.findall(r"^(?:def|class)\s+(\w+)", source, flags=re.M)


def exercises_of(notebook: Path) -> tuple[str, list[tuple[str, str]], list[Exercise]]:
    """(setup code, [(grade_id, exercise cell code)], exercises) of one solution notebook.

    An exercise's checks are the check cells named `check_<grade_id>` or `check_<grade_id>_...`
    (one solution cell can hold a class whose methods have a check each).
    """
    nb = nbformat.read(notebook, as_version=4)
    # The setup cell is the first code cell, after the cell that installs the course on Colab.
    code = [c for c in nb.cells if c.cell_type == "code" and "course-install" not in c.metadata.get("tags", [])]
    setup = code[0].source if code and not _nbgrader(code[0]) else ""
    cells, checks = [], []
    for cell in code:
        meta = _nbgrader(cell)
        if meta.get("solution") and meta.get("grade_id"):
            cells.append((meta["grade_id"], cell.source))
        elif meta.get("grade") and str(meta.get("grade_id", "")).startswith("check_"):
            checks.append((meta["grade_id"][len("check_") :], cell.source))
    found = []
    for gid, src in cells:
        mine = [check for name, check in checks if name == gid or name.startswith(gid + "_")]
        if mine:
            found.append(Exercise(notebook.parent.name, notebook.stem, gid, "\n".join(mine), _defined_names(src)))
    return setup, cells, found


def _module_source(setup: str, cells: list[tuple[str, str]], mutable_id: str) -> str:
    """The notebook's setup and exercise cells as one module, all frozen for mutmut
    (`# pragma: no mutate start` ... `end`) except the solution region of mutable_id."""
    parts = [
        "# pragma: no mutate start",
        f'"""Generated by lib.course.mutation: only {mutable_id}\'s solution is mutated."""',
    ]
    parts += [setup] + [_opened(src) if gid == mutable_id else src for gid, src in cells]
    return "\n\n\n".join(parts) + "\n\n\n# pragma: no mutate end\n"


def _test_source(ex: Exercise) -> str:
    return (
        f'"""The check of {ex.grade_id}, run against the module mutmut mutates."""\n'
        f"import exercises.{ex.grade_id} as exercise\n\n\n"
        f"def test_{ex.grade_id}():\n"
        f"    exec(compile({ex.check_source!r}, 'check cell', 'exec'), vars(exercise))\n"
    )


_PYPROJECT = """[tool.mutmut]
source_paths = ["exercises/"]
pytest_add_cli_args_test_selection = ["tests/"]
pytest_add_cli_args = ["-p", "no:cacheprovider", "-q"]
"""


def build(assignment: str, build_root: Path = BUILD, root: Path = ROOT) -> tuple[Path, list[Exercise]]:
    """Write the mutation project of one assignment into build_root/assignment (made afresh)."""
    check_assignment(assignment, root)
    project = build_root / assignment
    shutil.rmtree(project, ignore_errors=True)
    (project / "exercises").mkdir(parents=True)
    (project / "tests").mkdir()
    (project / "exercises" / "__init__.py").write_text("")
    (project / "pyproject.toml").write_text(_PYPROJECT)
    everything = []
    for notebook in sorted((root / "solutions" / assignment).glob("*.ipynb")):
        setup, cells, found = exercises_of(notebook)
        for ex in found:
            source = _module_source(setup, cells, ex.grade_id)
            try:
                compile(source, ex.grade_id, "exec")
            except SyntaxError as exc:
                raise MutationError(
                    f"{notebook.name}: the module built for {ex.grade_id} does not compile: {exc}"
                ) from exc
            (project / "exercises" / f"{ex.grade_id}.py").write_text(source)
            (project / "tests" / f"test_{ex.grade_id}.py").write_text(_test_source(ex))
            everything.append(ex)
    return project, everything


# -- running mutmut and reading its results ------------------------------------------------------
def run(project: Path, max_children: int = 2) -> None:
    """`mutmut run` in the project folder (one BLAS thread per child, as in `make test`)."""
    mutmut = shutil.which("mutmut", path=str(Path(sys.executable).parent)) or shutil.which("mutmut")
    if mutmut is None:
        raise MutationError("mutmut is not installed: pip install -e '.[mutation]'")
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", PYTHONWARNINGS="ignore")
    done = subprocess.run(
        [mutmut, "run", "--max-children", str(max_children)], cwd=project, env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).splitlines()[-20:])
        raise MutationError(f"mutmut run failed in {project}:\n{tail}")


@dataclass
class Mutant:
    """One mutant: its mutmut name, the exercise and status, and the line it changed."""

    name: str
    exercise: str
    status: str  # killed, timeout, survived, or what mutmut calls the rest
    original: str = ""
    mutated: str = ""


def _status(exit_code) -> str:
    from mutmut.stats import status_by_exit_code

    return status_by_exit_code[exit_code]


def _changed_line(project: Path, name: str) -> tuple[str, str]:
    """The (original, mutated) line of a mutant, from `mutmut show NAME`'s diff."""
    mutmut = shutil.which("mutmut", path=str(Path(sys.executable).parent)) or "mutmut"
    diff = subprocess.run([mutmut, "show", name], cwd=project, capture_output=True, text=True).stdout
    removed = [line[1:].strip() for line in diff.splitlines() if line.startswith("-") and not line.startswith("---")]
    added = [line[1:].strip() for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++")]
    strip = re.compile(r"\s*# pragma: no mutate$")
    return " / ".join(strip.sub("", r) for r in removed), " / ".join(strip.sub("", a) for a in added)


def results(project: Path, with_lines: bool = True) -> list[Mutant]:
    """Every mutant of the project with its status; the changed line for those that survived."""
    out = []
    for meta in sorted((project / "mutants" / "exercises").glob("*.py.meta")):
        exercise = meta.name[: -len(".py.meta")]
        if exercise == "__init__":
            continue
        for name, code in json.loads(meta.read_text())["exit_code_by_key"].items():
            m = Mutant(name, exercise, _status(code))
            if with_lines and m.status not in ("killed", "timeout"):
                m.original, m.mutated = _changed_line(project, name)
            out.append(m)
    return out


# -- equivalent mutants and the report ------------------------------------------------------------
def load_equivalents(folder: Path = EQUIVALENTS) -> list[dict]:
    """The reviewed equivalent mutants of every assignment: [{exercise, original, mutated, reason}].

    Each `<assignment>.toml` in folder holds entries like
        [[mutant]]
        exercise = "svm_loss_naive"
        original = "if margin > 0:"
        mutated = "if margin >= 0:"
        reason = "at a margin of exactly 0 both are valid subgradients of the hinge"
    """
    entries = []
    for path in sorted(folder.glob("*.toml")):
        for e in tomllib.loads(path.read_text()).get("mutant", []):
            missing = {"exercise", "original", "mutated", "reason"} - set(e)
            if missing or not str(e.get("reason", "")).strip():
                raise MutationError(f"{path.name}: an entry lacks {sorted(missing) or ['a reason']}: {e}")
            entries.append(e)
    return entries


def is_equivalent(m: Mutant, equivalents: list[dict]) -> str | None:
    """The reviewed reason if m is a listed equivalent mutant, else None."""
    for e in equivalents:
        if (e["exercise"], e["original"], e["mutated"]) == (m.exercise, m.original, m.mutated):
            return e["reason"]
    return None


@dataclass
class Row:
    """One exercise's line in the report."""

    exercise: str
    mutants: int = 0
    killed: int = 0
    equivalent: int = 0
    survivors: list = field(default_factory=list)

    @property
    def score(self) -> float:
        relevant = self.mutants - self.equivalent
        return 1.0 if relevant == 0 else self.killed / relevant


def report(mutants: list[Mutant], exercises: list[Exercise], equivalents: list[dict]) -> list[Row]:
    """One row per exercise (in notebook order); killed counts timeouts too (a hung check fails)."""
    rows = {ex.grade_id: Row(ex.grade_id) for ex in exercises}
    for m in mutants:
        row = rows.setdefault(m.exercise, Row(m.exercise))
        row.mutants += 1
        if m.status in ("killed", "timeout"):
            row.killed += 1
        elif is_equivalent(m, equivalents):
            row.equivalent += 1
        else:
            row.survivors.append(m)
    return list(rows.values())


def table(rows: list[Row]) -> str:
    """The report as a Markdown table (docs/checks.md carries it)."""
    lines = [
        "| exercise | mutants | killed | equivalent | survived | killed of non-equivalent |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        counts = f"{r.mutants} | {r.killed} | {r.equivalent} | {len(r.survivors)}"
        lines.append(f"| `{r.exercise}` | {counts} | {100 * r.score:.1f} % |")
    total = Row("all", *(sum(getattr(r, k) for r in rows) for k in ("mutants", "killed", "equivalent")))
    total.survivors = [m for r in rows for m in r.survivors]
    lines.append(
        f"| **all** | {total.mutants} | {total.killed} | {total.equivalent} | {len(total.survivors)} "
        f"| {100 * total.score:.1f} % |"
    )
    return "\n".join(lines)


def mutate(assignments: list[str] | None = None, build_root: Path = BUILD, max_children: int = 2) -> list[Row]:
    """Build, run and report the named assignments (all when None)."""
    equivalents = load_equivalents()
    rows = []
    for name in assignments or assignment_names():
        project, exercises = build(name, build_root)
        if not exercises:
            continue
        run(project, max_children)
        rows += report(results(project), exercises, equivalents)
    return rows


# -- docs/checks.md -------------------------------------------------------------------------------
DOCS = ROOT / "docs" / "checks.md"
_START, _STOP = "<!-- mutation table: start -->", "<!-- mutation table: end -->"


def write_docs(rows: list[Row], path: Path = DOCS) -> None:
    """Replace the table between the markers in docs/checks.md (the rest is prose kept by hand)."""
    text = path.read_text()
    if _START not in text or _STOP not in text:
        raise MutationError(f"{path} lacks the markers {_START} and {_STOP}")
    head, rest = text.split(_START, 1)
    tail = rest.split(_STOP, 1)[1]
    path.write_text(f"{head}{_START}\n{table(rows)}\n{_STOP}{tail}")
