"""Where the course lives: the repository root and its solutions/ and assignments/ folders.

The root is the folder that holds lib/ (an editable install points here); COURSE_ROOT overrides it.
In a normal install (pip install ., or from git, as on Colab) the root is site-packages and there
is no checkout: the notebooks' imports work, while the instructor commands that read solutions/
say so and stop (`require_checkout`).
This module sits at the bottom of the package: it imports nothing from lib, so the data loaders
and the course tooling can both use it without depending on each other.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(os.environ.get("COURSE_ROOT") or Path(__file__).resolve().parents[1])


class CourseError(Exception):
    """A mistake in how the course was called, or a missing prerequisite. The message says what
    to do; the `course` command prints it on one line (no traceback) and exits with status 2."""


class NoSuchAssignment(CourseError, LookupError):
    """An assignment name that has no folder under solutions/."""


def in_checkout(root: Path = ROOT) -> bool:
    """True when root is the course's repository, or a copy of its solutions/ (COURSE_ROOT)."""
    return (root / "solutions").is_dir()


def require_checkout(what: str, root: Path = ROOT) -> None:
    """Raise CourseError unless root is a checkout of the course: `what` needs solutions/."""
    if not in_checkout(root):
        raise CourseError(
            f"{what} needs the course's repository (its solutions/ folder), but this is an installed copy "
            f"at {root}. Clone the repository and run it there, or set COURSE_ROOT to the clone."
        )


def assignment_names(root: Path = ROOT) -> list[str]:
    """Folders of solutions/ that hold at least one notebook, sorted (01_..., 02_...)."""
    folder = root / "solutions"
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))


def check_assignment(name: str, root: Path = ROOT) -> str:
    """name if solutions/name exists; NoSuchAssignment naming the ones that do otherwise."""
    if not (root / "solutions" / name).is_dir():
        raise NoSuchAssignment(f"no such assignment: {name} (have: {', '.join(assignment_names(root))})")
    return name


def solution_notebooks(names: list[str] | None = None, root: Path = ROOT) -> list[Path]:
    """The solution notebooks of the named assignments (all when None), sorted.

    Raises NoSuchAssignment for a name without a folder under solutions/.
    """
    out = []
    for name in names or assignment_names(root):
        out += sorted((root / "solutions" / check_assignment(name, root)).glob("*.ipynb"))
    return out
