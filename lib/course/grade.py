"""Autograde a student's notebook with nbgrader, without touching the student's file.

nbgrader's own pipeline runs in a scratch course directory: `generate_assignment` on the solution
notebook (which records every check cell in a gradebook), then `autograde` on a copy of the
submission. nbgrader's OverwriteCells restores check cells the student edited; check cells the
student deleted are put back first (nbgrader would skip them), at the place they had in the
release. Each cell runs with a timeout and errors do not stop later cells, so one broken
exercise costs only its own points.
"""
from __future__ import annotations

import json
import logging
import os
import shutil
import sys
import tempfile
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat

from ..paths import ROOT, solution_notebooks
from .release import release_notebook

ASSIGNMENT_ID = "assignment"
STUDENT_ID = "student"


class GradeError(Exception):
    """The submission cannot be graded (unknown notebook, unreadable file, nbgrader failure)."""


@dataclass
class ExerciseGrade:
    """One graded cell. status: passed, failed, manual (needs a human), unanswered."""

    grade_id: str
    score: float | None
    max_score: float
    status: str
    message: str = ""


@dataclass
class GradeReport:
    submission: str
    notebook: str
    score: float
    max_score: float
    exercises: list[ExerciseGrade] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2)

    def table(self) -> str:
        width = max([len(e.grade_id) for e in self.exercises] + [8])
        lines = [f"{self.submission} (graded against {self.notebook})", "",
                 f"{'exercise':<{width}}  {'points':>9}  result"]
        for e in self.exercises:
            pts = "-" if e.score is None else f"{e.score:g}"
            detail = f": {e.message}" if e.message else ""
            lines.append(f"{e.grade_id:<{width}}  {pts:>4} / {e.max_score:<3g}  {e.status}{detail}")
        manual = sum(e.max_score for e in self.exercises if e.status == "manual")
        lines += ["", f"total: {self.score:g} / {self.max_score:g}"
                  + (f" (plus up to {manual:g} points graded by hand)" if manual else "")]
        return "\n".join(lines)


def find_solution(submission: Path, assignment: str | None = None, root: Path = ROOT) -> Path:
    """The solution notebook a submission answers: same file name, in solutions/<assignment>/."""
    names = [assignment] if assignment else None
    candidates = solution_notebooks(names, root)
    matches = [p for p in candidates if p.name == submission.name]
    if not matches and assignment and len(candidates) == 1:
        matches = candidates  # a renamed file, but the assignment has only one notebook
    if not matches:
        known = ", ".join(p.name for p in solution_notebooks(root=root))
        raise GradeError(f"no solution notebook named {submission.name!r} (known: {known}); "
                         f"keep the released file name or pass --assignment")
    if len(matches) > 1:
        raise GradeError(f"{submission.name!r} exists in several assignments; pass --assignment")
    return matches[0]


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


def grade(submission: Path | str, assignment: str | None = None, timeout: int = 120,
          output_dir: Path | str | None = None, root: Path = ROOT) -> GradeReport:
    """Autograde one submitted notebook and return a per-exercise report.

    submission: the student's .ipynb; it is only read.
    assignment: folder name under solutions/ (found from the file name when None).
    timeout: seconds allowed for each cell.
    output_dir: if given, the graded notebook (with outputs) and report.json are written there.
    Raises GradeError when the notebook cannot be matched, read, or graded.
    """
    submission = Path(submission).resolve()
    if not submission.is_file():
        raise GradeError(f"submission not found: {submission}")
    out_dir = Path(output_dir).resolve() if output_dir is not None else None
    if out_dir is not None and out_dir == submission.parent:
        raise GradeError("--output must not be the submission's folder: grading never writes next to a student's work")
    solution = find_solution(submission, assignment, root)
    try:
        submitted = nbformat.read(submission, as_version=4)
    except Exception as exc:
        raise GradeError(f"{submission.name} is not a readable notebook: {exc}") from exc

    release = release_notebook(nbformat.read(solution, as_version=4))
    restored = restore_deleted_checks(submitted, release)

    from nbgrader.api import Gradebook
    from nbgrader.apps import NbGraderAPI
    from traitlets.config import Config

    # nbgrader's first database-creating run calls `alembic` by name.
    os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")
    log = logging.getLogger("course.grade")
    log.setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory(prefix="course-grade-") as tmp:
        course = Path(tmp)
        src = course / "source" / ASSIGNMENT_ID
        src.mkdir(parents=True)
        shutil.copy(solution, src / solution.name)
        dst = course / "submitted" / STUDENT_ID / ASSIGNMENT_ID
        dst.mkdir(parents=True)
        nbformat.write(submitted, dst / solution.name)

        c = Config()
        c.CourseDirectory.root = str(course)
        c.CourseDirectory.course_id = "course"
        (course / "exchange").mkdir()
        c.Exchange.root = str(course / "exchange")  # unused, but nbgrader wants it writable
        c.ExecutePreprocessor.timeout = timeout
        c.Execute.timeout = timeout
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SQLAlchemy session warnings from nbgrader's gradebook
            api = NbGraderAPI(config=c, log=log)
            for step, result in [
                ("generate_assignment", lambda: api.generate_assignment(ASSIGNMENT_ID, force=True)),
                ("autograde", lambda: api.autograde(ASSIGNMENT_ID, STUDENT_ID, force=True, create=True)),
            ]:
                out = result()
                if not out["success"]:
                    raise GradeError(f"nbgrader {step} failed: {out.get('error') or out.get('log')}")

            graded_path = course / "autograded" / STUDENT_ID / ASSIGNMENT_ID / solution.name
            graded = nbformat.read(graded_path, as_version=4)
            cells = {_grade_id(cell): cell for cell in graded.cells}
            exercises = []
            with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
                nb = gb.find_submission_notebook(solution.stem, ASSIGNMENT_ID, STUDENT_ID)
                order = {_grade_id(cell): i for i, cell in enumerate(release.cells)}
                for g in sorted(nb.grades, key=lambda g: order.get(g.name, 10**6)):
                    cell = cells.get(g.name, {})
                    if g.needs_manual_grade:
                        status, message = "manual", "answer to be graded by hand"
                    elif g.auto_score == g.max_score:
                        status, message = "passed", ""
                    elif cell.get("cell_type") == "markdown":
                        status, message = "unanswered", ""
                    else:
                        status, message = "failed", _error_message(cell, timeout)
                    if g.name in restored:
                        message = ("(check cell was deleted; restored) " + message).strip()
                    exercises.append(ExerciseGrade(g.name, None if g.needs_manual_grade else g.auto_score,
                                                   g.max_score, status, message))

        report = GradeReport(
            submission=str(submission), notebook=str(solution.relative_to(root)),
            score=sum(e.score or 0 for e in exercises), max_score=sum(e.max_score for e in exercises),
            exercises=exercises,
        )
        if out_dir is not None:
            out_dir.mkdir(parents=True, exist_ok=True)
            shutil.copy(graded_path, out_dir / f"{submission.stem}.graded.ipynb")
            (out_dir / "report.json").write_text(report.to_json() + "\n", encoding="utf-8")
    return report
