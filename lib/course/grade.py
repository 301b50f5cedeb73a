"""Autograde a student's notebook with nbgrader, without touching the student's file.

nbgrader's own pipeline runs in a scratch course directory: `generate_assignment` on the solution
notebook (which records every check cell in a gradebook), then `autograde` on a copy of the
submission. nbgrader's OverwriteCells restores check cells the student edited; check cells the
student deleted are put back first (nbgrader would skip them), at the place they had in the
release. Each cell runs with a timeout and errors do not stop later cells, so one broken
exercise costs only its own points.

`grade` runs these steps, each a function below: check the paths, find the solution, read the
submission, restore deleted check cells, lay out the scratch course, create the gradebook, run
nbgrader, collect the grades, write the outputs. None of them changes process-wide state.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import sqlite3
import tempfile
import warnings
from pathlib import Path

import nbformat

from ..paths import ROOT
from .release import release_notebook
from .report import ExerciseGrade, GradeError, GradeReport, checked_paths, find_solution

ASSIGNMENT_ID = "assignment"
STUDENT_ID = "student"


def _grade_id(cell) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def restore_deleted_checks(submission, release) -> list[str]:
    """Put back, in place, the locked check cells of `release` that `submission` lacks.

    Each goes right after the nearest cell before it (in the release) that the submission still
    has, or at the end. Returns the grade_ids restored.
    """
    present = {_grade_id(c) for c in submission.cells} - {None}
    restored = []
    anchor = None
    for cell in release.cells:
        gid = _grade_id(cell)
        meta = cell.metadata.get("nbgrader", {})
        if gid and gid not in present and meta.get("grade") and meta.get("locked") and cell.cell_type == "code":
            ids = [_grade_id(c) for c in submission.cells]
            pos = ids.index(anchor) + 1 if anchor in ids else len(submission.cells)
            submission.cells.insert(pos, nbformat.from_dict(cell))
            present.add(gid)
            restored.append(gid)
        if gid and gid in present:
            anchor = gid
    return restored


def _error_message(cell, timeout: int) -> str:
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error" and out.get("ename") == "KeyboardInterrupt":
            return f"stopped after the {timeout} s time limit: look for an endless loop or a very slow one"
        if out.get("output_type") == "error":
            text = f"{out.get('ename', 'Error')}: {out.get('evalue', '')}".strip()
            return text if len(text) <= 400 else text[:397] + "..."
        if out.get("output_type") == "stream" and out.get("name") == "stderr":
            return "wrote to stderr: " + out.get("text", "").strip().splitlines()[-1][:300]
    return ""


def _read_notebook(path: Path) -> nbformat.NotebookNode:
    """The notebook at path (nbformat 4); GradeError if it is not a readable notebook."""
    try:
        return nbformat.read(path, as_version=4)
    except Exception as exc:
        raise GradeError(f"{path.name} is not a readable notebook: {exc}") from exc


def _lay_out_course(course: Path, solution: Path, submitted) -> None:
    """Write nbgrader's course layout under `course`: the solution as source/, the submission
    (already repaired in memory) as submitted/<student>/, and an exchange folder nbgrader wants."""
    src = course / "source" / ASSIGNMENT_ID
    src.mkdir(parents=True)
    shutil.copy(solution, src / solution.name)
    dst = course / "submitted" / STUDENT_ID / ASSIGNMENT_ID
    dst.mkdir(parents=True)
    nbformat.write(submitted, dst / solution.name)
    (course / "exchange").mkdir()


def _create_gradebook(db_path: Path) -> None:
    """Create an empty gradebook database stamped with nbgrader's current schema revision.

    nbgrader stamps a new database by running the `alembic` command by name in a subprocess
    (nbgrader.api.get_alembic_version), which fails when the environment's bin/ is not on PATH.
    Reading the same revision with alembic's Python API, from nbgrader's own migration scripts,
    needs no PATH: nbgrader then finds a database that exists and creates its tables in it.
    """
    from alembic.script import ScriptDirectory
    from nbgrader.dbutil import ALEMBIC_DIR

    head = ScriptDirectory(ALEMBIC_DIR).get_current_head()
    with contextlib.closing(sqlite3.connect(db_path)) as con, con:
        con.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
        con.execute("INSERT INTO alembic_version (version_num) VALUES (?)", (head,))


def _nbgrader_config(course: Path, timeout: int):
    """nbgrader's configuration for a scratch course at `course`, with a per-cell timeout in seconds."""
    from traitlets.config import Config

    c = Config()
    c.CourseDirectory.root = str(course)
    c.CourseDirectory.course_id = "course"
    c.CourseDirectory.db_url = f"sqlite:///{course / 'gradebook.db'}"
    c.Exchange.root = str(course / "exchange")  # unused, but nbgrader wants it writable
    c.ExecutePreprocessor.timeout = timeout
    c.Execute.timeout = timeout
    return c


def _run_nbgrader(course: Path, timeout: int) -> None:
    """Run nbgrader's generate_assignment (records the check cells) and autograde in `course`.

    Raises GradeError with nbgrader's error or log when either step fails.
    """
    from nbgrader.apps import NbGraderAPI

    log = logging.getLogger("course.grade")
    log.setLevel(logging.ERROR)
    api = NbGraderAPI(config=_nbgrader_config(course, timeout), log=log)
    for step, run in [
        ("generate_assignment", lambda: api.generate_assignment(ASSIGNMENT_ID, force=True)),
        ("autograde", lambda: api.autograde(ASSIGNMENT_ID, STUDENT_ID, force=True, create=True)),
    ]:
        out = run()
        if not out["success"]:
            raise GradeError(f"nbgrader {step} failed: {out.get('error') or out.get('log')}")


def _judge(grade_row, cell, restored: list[str], timeout: int) -> ExerciseGrade:
    """One gradebook row and its autograded cell as an ExerciseGrade (status and message)."""
    if grade_row.needs_manual_grade:
        status, message = "manual", "answer to be graded by hand"
    elif grade_row.auto_score == grade_row.max_score:
        status, message = "passed", ""
    elif cell.get("cell_type") == "markdown":
        status, message = "unanswered", ""
    else:
        status, message = "failed", _error_message(cell, timeout)
    if grade_row.name in restored:
        message = ("(check cell was deleted; restored) " + message).strip()
    score = None if grade_row.needs_manual_grade else grade_row.auto_score
    return ExerciseGrade(grade_row.name, score, grade_row.max_score, status, message)


def _collect_grades(
    course: Path, notebook: str, graded, release, restored: list[str], timeout: int
) -> list[ExerciseGrade]:
    """Every graded cell of the autograded notebook, from nbgrader's gradebook, in release order."""
    from nbgrader.api import Gradebook

    cells = {_grade_id(cell): cell for cell in graded.cells}
    order = {_grade_id(cell): i for i, cell in enumerate(release.cells)}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        nb = gb.find_submission_notebook(notebook, ASSIGNMENT_ID, STUDENT_ID)
        rows = sorted(nb.grades, key=lambda g: order.get(g.name, 10**6))
        return [_judge(g, cells.get(g.name, {}), restored, timeout) for g in rows]


def _write_outputs(out_dir: Path, submission: Path, graded_path: Path, report: GradeReport) -> None:
    """Save the graded notebook (with outputs) and report.json into out_dir."""
    out_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy(graded_path, out_dir / f"{submission.stem}.graded.ipynb")
    (out_dir / "report.json").write_text(report.to_json() + "\n", encoding="utf-8")


def grade(
    submission: Path | str,
    assignment: str | None = None,
    timeout: int = 120,
    output_dir: Path | str | None = None,
    root: Path = ROOT,
) -> GradeReport:
    """Autograde one submitted notebook and return a per-exercise report.

    submission: the student's .ipynb; it is only read.
    assignment: folder name under solutions/ (found from the file name when None).
    timeout: seconds allowed for each cell.
    output_dir: if given, the graded notebook (with outputs) and report.json are written there.
    Changes no process-wide state (environment, working directory). Raises GradeError when the
    notebook cannot be matched, read, or graded.
    """
    submission, out_dir = checked_paths(submission, output_dir)
    solution = find_solution(submission, assignment, root)
    submitted = _read_notebook(submission)
    release = release_notebook(nbformat.read(solution, as_version=4))
    restored = restore_deleted_checks(submitted, release)

    with tempfile.TemporaryDirectory(prefix="course-grade-") as tmp:
        course = Path(tmp)
        _lay_out_course(course, solution, submitted)
        _create_gradebook(course / "gradebook.db")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SQLAlchemy session warnings from nbgrader's gradebook
            _run_nbgrader(course, timeout)
            graded_path = course / "autograded" / STUDENT_ID / ASSIGNMENT_ID / solution.name
            graded = nbformat.read(graded_path, as_version=4)
            exercises = _collect_grades(course, solution.stem, graded, release, restored, timeout)
        report = GradeReport(
            submission=str(submission),
            notebook=str(solution.relative_to(root)),
            score=sum(e.score or 0 for e in exercises),
            max_score=sum(e.max_score for e in exercises),
            exercises=exercises,
        )
        if out_dir is not None:
            _write_outputs(out_dir, submission, graded_path, report)
    return report
