"""The student release bundle (`course release`): notebooks and a `lib` without the answers.

`release(["01_linear_regression", "02_svm"], to, due=["01_linear_regression"])` writes

    to/assignments/<A>/...       the released notebooks of each listed assignment (as `generate` makes them)
    to/lib/                      a copy of lib in which every exercise of an assignment not in `due`
                                 keeps its signature and docstring but its body raises NotImplementedError
    to/lib/checks/answers/*.npz  the expected values the checks replay (recorded by `course generate`);
                                 the checks' `@answer` recipes that made them are removed too
    to/lib/checks/_bundle.json   the marker that switches the checks into replay mode, and the
                                 list of removed references (for `student_or_reference`)
    to/README.md                 how to use it

so that a student (or the grading sandbox, which imports the bundle's lib) can reach no reference
solution of work not yet due, while every check still works: `lib.checks.expected` replays from
the shipped answers. Assignments in `due` keep their references, since later ones build on them
(05's LeNet runs on 04's layers).

It also records the answers: `record(assignment)` runs every check of an assignment against its
reference (the table in `lib.checks.references`) and returns what they asked the door for;
`course generate` saves them (`save_answers`) and `course check` reports stale ones
(`answers_problems`).
"""

from __future__ import annotations

import ast
import contextlib
import hashlib
import io
import json
import shutil
from pathlib import Path

from ..checks.expected import ANSWERS_DIR, read_answers, recording, write_answers
from ..checks.references import REFERENCES, checks_of, resolve
from ..paths import ROOT, CourseError, check_assignment

__all__ = [
    "release",
    "record",
    "save_answers",
    "answers_problems",
    "fingerprint",
    "stub_source",
    "strip_recipes",
    "removed_references",
    "BundleError",
]

LIB = Path(__file__).resolve().parents[1]


class BundleError(CourseError):
    """The bundle cannot be made (a target folder in use, stale answers, a reference not found)."""


# -- recording ---------------------------------------------------------------------------------
def fingerprint(assignment: str, lib_dir: Path = LIB) -> str:
    """SHA-256 of what an assignment's recorded answers depend on most directly: the checks
    (lib/checks/*.py) and the modules holding the assignment's references. An edit elsewhere in
    lib (a plot helper, the agent) does not make every answers file stale; one that does change
    an answer is caught by tests/test_bundle.py, which runs every check on recorded answers."""
    files = {p for p in (lib_dir / "checks").glob("*.py")}
    for e in REFERENCES.values():
        if e.assignment == assignment:
            files |= {_module_file(lib_dir, _split(o)[0]) for o in e.objects}
    files = {f for f in files if f.is_file()}  # a module that is not there counts as empty
    h = hashlib.sha256()
    for path in sorted(files):
        h.update(path.relative_to(lib_dir).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def _reference_of(check: str):
    """What a check is called with to pass: the reference function or class (the class that owns
    a method exercise, e.g. LinearClassifier for linear_classifier_train)."""
    path = REFERENCES[check].objects[0]
    obj = resolve(path)
    owner = path.rsplit(".", 1)[0]
    if callable(obj) and getattr(obj, "__qualname__", "").count(".") == 1 and not isinstance(obj, type):
        return resolve(owner)  # a method: the check takes the class
    return obj


def record(assignment: str) -> dict:
    """{digest: answer} that the checks of `assignment` ask for when run on the references.

    Runs each check once with lib's reference (their green lines are swallowed). Raises KeyError
    for an assignment without exercises and CheckFailed if a reference fails its own check.
    """
    from .. import checks

    answers: dict = {}
    for name in checks_of(assignment):
        with recording() as asked, contextlib.redirect_stdout(io.StringIO()):
            getattr(checks, name)(_reference_of(name))
        answers.update(asked)
    return answers


def answers_path(assignment: str, answers_dir: Path = ANSWERS_DIR) -> Path:
    """Where the recorded answers of an assignment live: lib/checks/answers/<assignment>.npz."""
    return Path(answers_dir) / f"{assignment}.npz"


def save_answers(assignments: list[str], answers_dir: Path = ANSWERS_DIR) -> list[Path]:
    """Record and save the answers of each assignment that has exercises; returns the paths.

    Called by `course generate`. Each file carries the lib fingerprint it was made from.
    """
    written = []
    for assignment in assignments:
        if not any(e.assignment == assignment for e in REFERENCES.values()):
            continue
        path = answers_path(assignment, answers_dir)
        meta = {"assignment": assignment, "fingerprint": fingerprint(assignment)}
        write_answers(path, record(assignment), meta)
        written.append(path)
    return written


def answers_problems(assignments: list[str], answers_dir: Path = ANSWERS_DIR) -> list[str]:
    """One message per assignment whose saved answers are missing, unreadable or made from another
    version of its checks or references (`fingerprint`); empty when all are current. Cheap: nothing is re-run."""
    problems = []
    for assignment in assignments:
        if not any(e.assignment == assignment for e in REFERENCES.values()):
            continue
        path = answers_path(assignment, answers_dir)
        rel = f"lib/checks/answers/{path.name}"
        if not path.is_file():
            problems.append(f"{rel} is missing: run `course generate {assignment}`")
            continue
        try:
            meta = read_answers(path)[1]
        except (ValueError, OSError, KeyError) as exc:
            problems.append(f"{rel} is unreadable ({exc}): run `course generate {assignment}`")
            continue
        if meta.get("fingerprint") != fingerprint(assignment):
            problems.append(f"{rel} was recorded from another version of lib: run `course generate {assignment}`")
    return problems


# -- removing references -----------------------------------------------------------------------
def _message(name: str, assignment: str) -> str:
    return f"{name} is an exercise of {assignment}; its reference solution is not part of this release"


def _stub_ranges(tree: ast.Module, qualname: str, assignment: str) -> list[tuple[int, int, str, str]]:
    """(first line, last line, indent, message) of each body to replace for one object: a
    function, a method (Class.method) or every method of a class. KeyError if absent."""
    parts = qualname.split(".")
    scope = tree.body
    node = None
    for i, part in enumerate(parts):
        node = next(
            (n for n in scope if isinstance(n, (ast.FunctionDef, ast.ClassDef)) and n.name == part),
            None,
        )
        if node is None:
            raise KeyError(f"{'.'.join(parts[: i + 1])} is not defined at the top of its module or class")
        scope = node.body
    functions = [n for n in node.body if isinstance(n, ast.FunctionDef)] if isinstance(node, ast.ClassDef) else [node]
    ranges = []
    for fn in functions:
        body = fn.body
        has_doc = isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant)
        has_doc = has_doc and isinstance(body[0].value.value, str)
        rest = body[1:] if has_doc else body
        name = qualname if fn is node else f"{qualname}.{fn.name}"
        if not rest:  # a docstring alone: nothing to remove
            continue
        if rest[0].lineno == fn.lineno:
            raise ValueError(f"{name}: a body on the line of its `def` cannot be removed; put it on its own line")
        indent = " " * rest[0].col_offset
        ranges.append((rest[0].lineno, fn.end_lineno, indent, _message(name, assignment)))
    return ranges


def stub_source(source: str, objects: dict[str, str]) -> str:
    """source with the bodies of objects ({qualname in this module: assignment}) replaced by
    `raise NotImplementedError("<name> is an exercise of <assignment>; ...")`, signatures,
    decorators and docstrings kept. The result still parses. KeyError for an object that is not
    in source."""
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    ranges = [r for qualname, assignment in objects.items() for r in _stub_ranges(tree, qualname, assignment)]
    for first, last, indent, message in sorted(ranges, reverse=True):
        lines[first - 1 : last] = [f"{indent}raise NotImplementedError({message!r})\n"]
    out = "".join(lines)
    ast.parse(out)
    return out


def _recipes(source: str) -> list[str]:
    """Names of the top-level functions of a check module decorated with `@answer`."""
    return [
        node.name
        for node in ast.parse(source).body
        if isinstance(node, ast.FunctionDef)
        and any(getattr(d, "id", getattr(d, "attr", None)) == "answer" for d in node.decorator_list)
    ]


def strip_recipes(source: str) -> str:
    """A check module's source with the bodies of its `@answer` recipes removed (docstrings kept).

    In a bundle the checks replay recorded answers and never run a recipe, and a recipe may hold
    code one step away from a solution (a typical mistake computed from the reference's formula).
    """
    message = "recorded by `course generate`; the recipe is not part of this release"
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    ranges = [r for name in _recipes(source) for r in _stub_ranges(tree, name, "")]
    for first, last, indent, _ in sorted(ranges, reverse=True):
        lines[first - 1 : last] = [f"{indent}raise NotImplementedError({message!r})\n"]
    out = "".join(lines)
    ast.parse(out)
    return out


def _module_file(lib_dir: Path, module: str) -> Path:
    """The file of a dotted lib module (lib.rl.replay -> lib_dir/rl/replay.py, or a package's __init__)."""
    rel = Path(*module.split(".")[1:])
    path = lib_dir / rel.with_suffix(".py")
    return path if path.is_file() else lib_dir / rel / "__init__.py"


def _split(path: str) -> tuple[str, str]:
    """("lib.module", "Qualname") of a registry path, by where the module file ends."""
    parts = path.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        module = ".".join(parts[:cut])
        if _module_file(LIB, module).is_file():
            return module, ".".join(parts[cut:])
    raise BundleError(f"no module of lib holds {path}")


def removed_references(due: list[str]) -> dict[str, str]:
    """{dotted path: "`check` of assignment"} of every reference a bundle removes, given the due ones."""
    return {
        path: f"`{name}` of {e.assignment}"
        for name, e in REFERENCES.items()
        if e.assignment not in due
        for path in e.objects
    }


# -- the bundle --------------------------------------------------------------------------------
_SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints", "answers", "_bundle.json")

_README = """# {title}

Your notebooks are in `assignments/`: {assignment_list}.

Start Jupyter in this folder (so that `import lib` finds the `lib/` next to the notebooks), or put
this folder on `PYTHONPATH`. Work through each notebook from the top; under every exercise a check
cell tells you at once whether your code is right and, if not, what the likely mistake is.

This `lib` holds the reference implementations of the assignments already due ({due_list}). For the
others it holds only the signatures and docstrings: the checks compare your results with recorded
expected values, and an experiment that needs an exercise you have not finished says which one to
finish first.
"""


def release(assignments: list[str], to: Path, due: list[str] | tuple = (), root: Path = ROOT) -> Path:
    """Write the student bundle of `assignments` into the folder `to` (created; must not exist or
    be empty); the references of every exercise of an assignment not in `due` are removed.

    Returns to. Raises NoSuchAssignment for an unknown name, BundleError when `to` is not empty, a
    listed assignment's recorded answers are stale (run `course generate`), or a reference named
    in `lib.checks.references` is not found in lib's source.
    """
    from .release import expected_release  # nbgrader, only where a bundle is made

    to, due = Path(to), list(due)
    for name in [*assignments, *due]:
        check_assignment(name, root)
    if to.exists() and any(to.iterdir()):
        raise BundleError(f"{to} is not empty: release into a new folder")
    stale = answers_problems(sorted(set(assignments) | set(due)))
    if stale:
        raise BundleError("the recorded answers are not current: " + "; ".join(stale))

    for name in assignments:
        for rel, text in expected_release(name, root).items():
            out = to / "assignments" / rel
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(text, encoding="utf-8")

    lib_out = to / "lib"
    shutil.copytree(LIB, lib_out, ignore=_SKIP)
    removed = removed_references(due)
    by_module: dict[str, dict[str, str]] = {}
    for path, exercise in removed.items():
        module, qualname = _split(path)
        by_module.setdefault(module, {})[qualname] = exercise.split(" of ")[-1]
    for module, objects in sorted(by_module.items()):
        target = _module_file(lib_out, module)
        try:
            target.write_text(stub_source(target.read_text(encoding="utf-8"), objects), encoding="utf-8")
        except KeyError as exc:
            raise BundleError(f"{module}: {exc.args[0]} (see lib/checks/references.py)") from None

    for path in sorted((lib_out / "checks").glob("*.py")):
        path.write_text(strip_recipes(path.read_text(encoding="utf-8")), encoding="utf-8")

    answers_out = lib_out / "checks" / "answers"
    answers_out.mkdir(parents=True, exist_ok=True)
    shipped = [answers_path(a) for a in sorted(set(assignments) | set(due)) if answers_path(a).is_file()]
    for path in shipped:
        shutil.copy2(path, answers_out / path.name)
    marker = {
        "assignments": list(assignments),
        "due": due,
        "answers": [p.name for p in shipped],
        "removed": removed,
    }
    (lib_out / "checks" / "_bundle.json").write_text(json.dumps(marker, indent=1, sort_keys=True) + "\n")
    (to / "README.md").write_text(
        _README.format(
            title="Course release",
            assignment_list=", ".join(assignments),
            due_list=", ".join(due) or "none yet",
        ),
        encoding="utf-8",
    )
    return to
