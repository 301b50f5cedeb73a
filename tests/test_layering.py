"""Layering: the numerical core of lib never imports the graded checks or the course tooling.

The checks and the tooling sit on top of the core (they import layers, models, data), never the
other way round; lib/paths.py sits at the bottom and imports nothing from lib. Every .py file
under lib/ is parsed (not imported), and relative imports are resolved against the file's module.
"""

import ast
from pathlib import Path

import pytest

import lib

LIB = Path(lib.__file__).resolve().parent

# lib's core: folders and files under lib/ that must not import FORBIDDEN.
CORE = [
    "data",
    "layers.py",
    "layer_utils.py",
    "fast_layers.py",
    "optim.py",
    "solver.py",
    "initializers.py",
    "gradient_check.py",
    "models",
    "rl",
    "classifiers",
    "linear_regression.py",
    "vis.py",
    "perf.py",
]
FORBIDDEN = ("lib.course", "lib.checks")
# Everything else at the top of lib/: the layers above the core, and the bottom.
NOT_CORE = {"checks", "course", "paths.py", "__init__.py"}


def module_name(path: Path, lib_dir: Path = LIB) -> str:
    """Dotted module name of a file under lib_dir: lib/data/fetch.py -> lib.data.fetch,
    lib/data/__init__.py -> lib.data."""
    parts = ("lib",) + path.relative_to(lib_dir).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(source: str, module: str, is_package: bool = False) -> list[tuple[int, str, str]]:
    """Every import in source, anywhere (functions included): (line, absolute module, statement).

    module: the dotted name of the file's module; is_package: the file is an __init__.py, so
    `from . import x` is relative to module itself. `from A import b` yields both A and A.b (b may
    be a submodule, as in `from lib import checks`).
    """
    tree = ast.parse(source)
    package = module.split(".") if is_package else module.split(".")[:-1]
    found = []
    for node in ast.walk(tree):
        text = ast.get_source_segment(source, node) if isinstance(node, (ast.Import, ast.ImportFrom)) else None
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name, text) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module
            found.append((node.lineno, target, text))
            found += [(node.lineno, f"{target}.{alias.name}", text) for alias in node.names if alias.name != "*"]
    return found


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def violations(source: str, rel_path: str, module: str, is_package: bool = False, forbidden=FORBIDDEN) -> list[str]:
    """One message per import of a forbidden module, naming the file, line and statement."""
    out = []
    for line, name, text in imports_of(source, module, is_package):
        hit = next((f for f in forbidden if _within(name, f)), None)
        if hit:
            message = f"{rel_path}:{line} imports {hit} ({text.strip()})"
            if message not in out:
                out.append(message)
    return out


def _core_files() -> list[Path]:
    files = []
    for entry in CORE:
        path = LIB / entry
        files += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return files


def _check(path: Path, forbidden) -> list[str]:
    return violations(
        path.read_text(encoding="utf-8"),
        path.relative_to(LIB.parent).as_posix(),
        module_name(path),
        path.name == "__init__.py",
        forbidden,
    )


def test_every_file_under_lib_parses_and_the_core_list_is_current():
    for path in LIB.rglob("*.py"):
        imports_of(path.read_text(encoding="utf-8"), module_name(path), path.name == "__init__.py")
    missing = [entry for entry in CORE if not (LIB / entry).exists()]
    assert not missing, f"CORE names files that no longer exist: {missing}; update tests/test_layering.py"
    entries = {p.name for p in LIB.iterdir() if p.suffix == ".py" or (p / "__init__.py").exists()}
    unsorted = sorted(entries - set(CORE) - NOT_CORE)
    assert not unsorted, f"new modules {unsorted}: add them to CORE or NOT_CORE in tests/test_layering.py"


def test_core_does_not_import_the_checks_or_the_course_tooling():
    problems = [msg for path in _core_files() for msg in _check(path, FORBIDDEN)]
    assert not problems, (
        "lib's core must not depend on lib.checks or lib.course "
        "(move the shared piece down into the core instead):\n  " + "\n  ".join(problems)
    )


def test_paths_imports_nothing_from_lib():
    problems = _check(LIB / "paths.py", ("lib",))
    assert not problems, "lib/paths.py is the bottom of the package:\n  " + "\n  ".join(problems)


# -- the helper itself, on sources written to break the rules ---------------------------------
@pytest.mark.parametrize(
    "source, module, is_package, expected",
    [
        ("from ..course.paths import ROOT", "lib.data.fetch", False, "lib.course"),
        ("from .. import checks", "lib.models.lenet", False, "lib.checks"),
        ("from . import checks", "lib", True, "lib.checks"),
        ("from ...checks.core import Check", "lib.rl.sub.mod", False, "lib.checks"),
        ("import lib.checks.core as core", "lib.layers", False, "lib.checks"),
        ("from lib import course", "lib.solver", False, "lib.course"),
        ("def f():\n    from lib.course.grade import grade\n    return grade", "lib.optim", False, "lib.course"),
    ],
)
def test_the_helper_finds_forbidden_imports(source, module, is_package, expected):
    found = violations(source, "lib/x.py", module, is_package)
    assert found and expected in found[0] and found[0].startswith("lib/x.py:")


@pytest.mark.parametrize(
    "source, module",
    [
        ("from .layers import conv_shapes", "lib.fast_layers"),
        ("from ..paths import ROOT", "lib.data.fetch"),
        ("from .checks_helper import x", "lib.layers"),  # lib.checks_helper is not lib.checks
        ("import lib.coursework", "lib.optim"),
        ("from . import course_notes", "lib.rl.tabular"),  # lib.rl.course_notes
    ],
)
def test_the_helper_allows_allowed_imports(source, module):
    assert violations(source, "lib/x.py", module) == []


def test_message_names_the_file_line_and_statement():
    msg = violations("import numpy\nfrom ..checks import core\n", "lib/data/x.py", "lib.data.x")
    assert msg == ["lib/data/x.py:2 imports lib.checks (from ..checks import core)"]
