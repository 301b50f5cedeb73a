"""What grading produces, and where a submission's solution is: shared by both grading engines
(`grade`: nbgrader's autograde; `autograde`: the sandboxed one). Imports nothing heavy (no
nbformat, no nbgrader), so that a grading process starts fast.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..paths import ROOT, CourseError, solution_notebooks


class GradeError(CourseError):
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
    notes: list[str] = field(default_factory=list)  # what the grader noticed (pasted cells, cells found by name)

    @classmethod
    def from_dict(cls, data: dict) -> GradeReport:
        """The report `dataclasses.asdict` (or `to_json`) made."""
        fields = {k: data[k] for k in ("submission", "notebook", "score", "max_score")}
        exercises = [ExerciseGrade(**e) for e in data.get("exercises", [])]
        return cls(**fields, exercises=exercises, notes=list(data.get("notes", [])))

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2)

    def table(self) -> str:
        width = max([len(e.grade_id) for e in self.exercises] + [8])
        lines = [
            f"{self.submission} (graded against {self.notebook})",
            "",
            f"{'exercise':<{width}}  {'points':>9}  result",
        ]
        for e in self.exercises:
            pts = "-" if e.score is None else f"{e.score:g}"
            detail = f": {e.message}" if e.message else ""
            lines.append(f"{e.grade_id:<{width}}  {pts:>4} / {e.max_score:<3g}  {e.status}{detail}")
        manual = sum(e.max_score for e in self.exercises if e.status == "manual")
        lines += [""] + [f"note: {n}" for n in self.notes]
        lines += [
            f"total: {self.score:g} / {self.max_score:g}"
            + (f" (plus up to {manual:g} points graded by hand)" if manual else ""),
        ]
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
        raise GradeError(
            f"no solution notebook named {submission.name!r} (known: {known}); "
            f"keep the released file name or pass --assignment"
        )
    if len(matches) > 1:
        raise GradeError(f"{submission.name!r} exists in several assignments; pass --assignment")
    return matches[0]


def checked_paths(submission, output_dir) -> tuple[Path, Path | None]:
    """The submission and output folder as absolute paths, after refusing the unsafe cases.

    Raises GradeError if the submission is not a file, or if output_dir is the submission's own
    folder (grading never writes next to a student's work).
    """
    submission = Path(submission).resolve()
    if not submission.is_file():
        raise GradeError(f"submission not found: {submission}")
    out_dir = Path(output_dir).resolve() if output_dir is not None else None
    if out_dir is not None and out_dir == submission.parent:
        raise GradeError("--output must not be the submission's folder: grading never writes next to a student's work")
    return submission, out_dir
