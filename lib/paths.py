"""Where the course lives: the repository root and its solutions/ and assignments/ folders.

The root is the folder that holds lib/ (an editable install points here); COURSE_ROOT overrides it.
This module sits at the bottom of the package: it imports nothing from lib, so the data loaders
and the course tooling can both use it without depending on each other.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(os.environ.get("COURSE_ROOT") or Path(__file__).resolve().parents[1])


def assignment_names(root: Path = ROOT) -> list[str]:
    """Folders of solutions/ that hold at least one notebook, sorted (01_..., 02_...)."""
    folder = root / "solutions"
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))


def solution_notebooks(names: list[str] | None = None, root: Path = ROOT) -> list[Path]:
    """The solution notebooks of the named assignments (all when None), sorted."""
    out = []
    for name in names or assignment_names(root):
        folder = root / "solutions" / name
        if not folder.is_dir():
            raise FileNotFoundError(f"no such assignment: solutions/{name} (have: {', '.join(assignment_names(root))})")
        out += sorted(folder.glob("*.ipynb"))
    return out
