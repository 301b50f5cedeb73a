"""The student release: solutions/ -> assignments/, and the check that the two are in sync.

The release runs nbgrader's own preprocessors, in the order nbgrader's `generate_assignment`
runs them, minus the two that need a gradebook database (SaveCells) or a header file
(IncludeHeaderFooter). Working on notebooks in memory keeps `generate` and `check` fast and
free of a database; `course grade` runs the full nbgrader pipeline in a scratch directory.
"""

from __future__ import annotations

import difflib
import hashlib
import shutil
from pathlib import Path

import nbformat
from nbgrader.preprocessors import (
    CheckCellMetadata,
    ClearHiddenTests,
    ClearMarkScheme,
    ClearOutput,
    ClearSolutions,
    ComputeChecksums,
    LockCells,
)

from ..paths import ROOT, CourseError, assignment_names, check_assignment, solution_notebooks

# Files a release carries besides notebooks. Python files are excluded on purpose: a
# jupytext-paired .py file would carry the full solutions into the release.
RELEASED_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".csv", ".txt", ".md"}

_BEGIN, _END = "### BEGIN SOLUTION", "### END SOLUTION"


class ReleaseError(CourseError):
    """The solutions cannot be released, or the release is out of sync; the message says why."""


def release_notebook(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Return the student version of a solution notebook (the input is not modified), with its
    fingerprint in metadata.course.release_sha256 (see `edited_since_release`)."""
    nb = nbformat.from_dict(nb)  # deep copy
    resources: dict = {}
    for pre in [
        LockCells(),
        ClearSolutions(),
        ClearOutput(),
        CheckCellMetadata(),
        ComputeChecksums(),
        ClearHiddenTests(),
        ClearMarkScheme(),
        ComputeChecksums(),
        CheckCellMetadata(),
    ]:
        nb, resources = pre.preprocess(nb, resources)
    nb.metadata.pop("course", None)
    nb.metadata["course"] = {"release_sha256": hashlib.sha256(_dumps(nb).encode()).hexdigest()}
    return nb


def _dumps(nb) -> str:
    return nbformat.writes(nb) + "\n"


def edited_since_release(path: Path) -> bool:
    """True unless the notebook at path is exactly what `generate` wrote: its text, without the
    fingerprint, still hashes to the fingerprint. A student's saved work, an instructor's hand edit
    or a notebook generate never made all count as edited."""
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception:
        return True
    stamp = nb.metadata.get("course", {}).pop("release_sha256", None)
    if not nb.metadata.get("course"):
        nb.metadata.pop("course", None)
    return stamp is None or hashlib.sha256(_dumps(nb).encode()).hexdigest() != stamp


def _would_lose(target: Path, files: dict[str, str], assignments_dir: Path) -> list[str]:
    """Files under target that replacing it with `files` would overwrite or delete, and that are not
    generate's own unchanged output: edited notebooks, and files the release does not contain."""
    lost = []
    for path in sorted(p for p in target.rglob("*") if p.is_file()):
        rel = path.relative_to(assignments_dir).as_posix()
        if path.suffix == ".ipynb":
            if edited_since_release(path):
                lost.append(rel)
        elif rel not in files:
            lost.append(rel)
    return lost


def expected_release(assignment: str, root: Path = ROOT) -> dict[str, str]:
    """What generate writes for one assignment: {path relative to assignments/: file text}."""
    solutions_dir = root / "solutions"
    folder = solutions_dir / assignment
    files: dict[str, str] = {}
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or ".ipynb_checkpoints" in path.parts or "__pycache__" in path.parts:
            continue
        rel = path.relative_to(solutions_dir).as_posix()
        if path.suffix == ".ipynb":
            files[rel] = _dumps(release_notebook(nbformat.read(path, as_version=4)))
        elif path.suffix.lower() in RELEASED_SUFFIXES:
            files[rel] = path.read_text(encoding="utf-8")
    return files


def generate(assignments: list[str] | None = None, root: Path = ROOT, force: bool = False) -> list[Path]:
    """Write assignments/<name>/ from solutions/<name>/ for each name (all when None), and, for
    this checkout's lib, record the expected values its checks replay in a student bundle
    (lib/checks/answers/<name>.npz, `lib.course.bundle.save_answers`).

    Stale files in those release folders are removed. Nothing is lost silently: unless force,
    ReleaseError names every notebook that changed since generate wrote it (a student's work, a
    hand edit) and every file the release would delete, and nothing is written. Returns the
    written paths. Raises NoSuchAssignment for an unknown name; nbgrader's errors for invalid
    cell metadata.
    """
    assignments_dir = root / "assignments"
    names = assignments or assignment_names(root)
    releases = {name: expected_release(check_assignment(name, root), root) for name in names}
    if not force:
        lost = [rel for name in names for rel in _would_lose(assignments_dir / name, releases[name], assignments_dir)]
        if lost:
            raise ReleaseError(
                "these files changed since `course generate` wrote them, or are not part of the release, and "
                "would be overwritten or deleted: " + ", ".join(f"assignments/{rel}" for rel in lost) + ". "
                "Students work in their own copy (course start NAME); to replace them anyway, run "
                "`course generate --force`."
            )
    written = []
    if Path(root).resolve() == ROOT.resolve():  # answers belong to this lib, not to a scratch copy's
        from .bundle import save_answers

        written += save_answers(names)
    for name in names:
        files = releases[name]
        target = assignments_dir / name
        if target.exists():
            shutil.rmtree(target)
        for rel, text in files.items():
            out = assignments_dir / rel
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(text, encoding="utf-8")
            written.append(out)
    return written


def start(assignment: str, dest: Path | None = None, root: Path = ROOT) -> tuple[list[Path], list[Path]]:
    """Copy the release of `assignment` into dest (default work/<assignment>/, ignored by git):
    the student's own copy, which `generate` never touches. Files already there are kept as they
    are, never overwritten. Returns (copied, kept). Raises NoSuchAssignment for an unknown name
    and ReleaseError when the release folder is missing (run `course generate` first)."""
    check_assignment(assignment, root)
    source = root / "assignments" / assignment
    if not source.is_dir():
        raise ReleaseError(f"assignments/{assignment} is missing: run `course generate {assignment}` first")
    dest = Path(dest) if dest is not None else root / "work" / assignment
    copied, kept = [], []
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        target = dest / path.relative_to(source)
        if target.exists():
            kept.append(target)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
        copied.append(target)
    return copied, kept


def _solution_lines(nb) -> set[str]:
    """Substantive lines inside solution regions, minus lines that also stand outside them."""
    inside, outside = set(), set()
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        in_region = False
        whole_cell = meta.get("solution") and cell.cell_type == "markdown"
        for line in cell.source.splitlines():
            s = line.strip()
            if s.startswith(_BEGIN):
                in_region = True
                continue
            if s.startswith(_END):
                in_region = False
                continue
            target = inside if (in_region or whole_cell) else outside
            target.add(s)
    return {s for s in inside - outside if len(s) >= 12 and not s.startswith("#")}


def _metadata_problems(path: Path, nb) -> list[str]:
    """What is wrong with one notebook's nbgrader metadata; path is only used in the messages."""
    problems, ids = [], set()
    graded = 0
    for i, cell in enumerate(nb.cells):
        meta = cell.metadata.get("nbgrader")
        if not meta:
            continue
        gid = meta.get("grade_id")
        where = f"{path.as_posix()} cell {i} ({gid or 'no grade_id'})"
        if not gid:
            problems.append(f"{where}: nbgrader metadata without a grade_id")
        elif gid in ids:
            problems.append(f"{where}: grade_id used twice")
        ids.add(gid)
        if meta.get("solution") and cell.cell_type == "code" and _BEGIN not in cell.source:
            problems.append(f"{where}: solution cell without a '{_BEGIN}' region")
        if meta.get("grade"):
            graded += 1
            if not meta.get("points", 0) > 0:
                problems.append(f"{where}: graded cell without points")
            if cell.cell_type == "code" and not meta.get("locked"):
                problems.append(f"{where}: check cell is not locked")
    if graded == 0:
        problems.append(f"{path.as_posix()}: no graded cells")
    return problems


def metadata_problems(root: Path = ROOT) -> list[str]:
    """Invalid or missing nbgrader metadata in the solution notebooks, one message per problem.

    Our own rules (every metadata cell has a unique grade_id, solution code cells hold a solution
    region, graded cells have points and check cells are locked, every notebook grades something)
    and whatever nbgrader's preprocessors reject when the notebook is released.
    """
    problems: list[str] = []
    for path in solution_notebooks(root=root):
        rel = path.relative_to(root)
        nb = nbformat.read(path, as_version=4)
        problems += _metadata_problems(rel, nb)
        try:
            release_notebook(nb)
        except Exception as exc:  # nbgrader's CheckCellMetadata raises on invalid metadata
            problems.append(f"{rel.as_posix()}: nbgrader rejects it: {exc}")
    return problems


def _released_files(root: Path) -> dict[str, str]:
    """What assignments/ holds now: {path relative to assignments/: file text}."""
    assignments_dir = root / "assignments"
    if not assignments_dir.exists():
        return {}
    return {
        p.relative_to(assignments_dir).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(assignments_dir.rglob("*"))
        if p.is_file() and ".ipynb_checkpoints" not in p.parts
    }


def sync_problems(root: Path = ROOT) -> list[str]:
    """Release files that differ from what `generate` writes: missing, without a source, or stale
    (with the first lines of a diff). Empty when assignments/ is exactly what generate makes."""
    expected: dict[str, str] = {}
    for name in assignment_names(root):
        expected.update(expected_release(name, root))
    actual = _released_files(root)
    problems = [
        f"assignments/{rel} is missing: run `course generate`" for rel in sorted(expected.keys() - actual.keys())
    ]
    problems += [
        f"assignments/{rel} has no source in solutions/: run `course generate`"
        for rel in sorted(actual.keys() - expected.keys())
    ]
    for rel in sorted(expected.keys() & actual.keys()):
        if expected[rel] != actual[rel]:
            diff = list(
                difflib.unified_diff(
                    actual[rel].splitlines(),
                    expected[rel].splitlines(),
                    f"assignments/{rel}",
                    "generated",
                    n=0,
                    lineterm="",
                )
            )
            problems.append(f"assignments/{rel} is stale: run `course generate`\n  " + "\n  ".join(diff[:12]))
    return problems


def leak_problems(root: Path = ROOT) -> list[str]:
    """Solution lines that appear in a released notebook (at most five reported per notebook).

    A line counts as solution text when it stands inside a solution region, nowhere outside one,
    and is substantive (12 characters or more, not a comment). Works on the files as they are in
    assignments/, so it also catches a release edited by hand.
    """
    problems: list[str] = []
    solutions_dir, assignments_dir = root / "solutions", root / "assignments"
    for path in solution_notebooks(root=root):
        rel = path.relative_to(solutions_dir).as_posix()
        released_path = assignments_dir / rel
        text = released_path.read_text(encoding="utf-8") if released_path.is_file() else ""
        if not text:
            continue
        secret = _solution_lines(nbformat.read(path, as_version=4))
        released = nbformat.reads(text, as_version=4)
        released_lines = {line.strip() for c in released.cells for line in c.source.splitlines()}
        for line in sorted(secret & released_lines)[:5]:
            problems.append(f"assignments/{rel} leaks solution text: {line!r}")
    return problems


def check(root: Path = ROOT) -> list[str]:
    """Everything wrong with the release; an empty list means it is in order.

    First the metadata (`metadata_problems`); only when it is valid, the release files
    (`sync_problems`: stale or missing, with a short diff) and solution text in assignments/
    (`leak_problems`), and, for this checkout, recorded answers made from another version of lib
    (`lib.course.bundle.answers_problems`: run `course generate`).
    """
    problems = metadata_problems(root)
    if problems:
        return problems
    problems = sync_problems(root) + leak_problems(root)
    if Path(root).resolve() == ROOT.resolve():
        from .bundle import answers_problems

        problems += answers_problems(assignment_names(root))
    return problems
