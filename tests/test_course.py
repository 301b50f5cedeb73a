"""Course tooling: the release is in sync, `check` catches what it must, grading is robust."""

import os
import shutil
import subprocess
import sys

import nbformat
import pytest

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

from lib.course import release
from lib.course.execute import headlines_of
from lib.paths import ROOT, assignment_names

NB01 = "01_linear_regression/linear_regression.ipynb"


def _course(cmd, root):
    env = dict(os.environ, COURSE_ROOT=str(root))
    return subprocess.run([sys.executable, "-m", "lib.course", *cmd], capture_output=True, text=True, env=env, cwd=ROOT)


@pytest.fixture
def scratch(tmp_path):
    """A copy of the course's solutions/ and assignments/ to break on purpose."""
    for d in ("solutions", "assignments"):
        shutil.copytree(ROOT / d, tmp_path / d)
    return tmp_path


def test_release_in_sync():
    assert release.check() == []
    assert "01_linear_regression" in assignment_names()


def test_generate_is_deterministic_and_matches_committed(scratch):
    release.generate(root=scratch)
    first = (scratch / "assignments" / NB01).read_bytes()
    release.generate(root=scratch)
    assert (scratch / "assignments" / NB01).read_bytes() == first == (ROOT / "assignments" / NB01).read_bytes()


def test_check_catches_a_stale_release(scratch):
    sol = scratch / "solutions" / NB01
    nb = nbformat.read(sol, as_version=4)
    nb.cells[0].source += "\nOne more sentence."
    nbformat.write(nb, sol)
    problems = release.check(scratch)
    assert any("is stale" in p for p in problems), problems
    result = _course(["check"], scratch)
    assert result.returncode == 1 and "is stale" in result.stderr


def test_check_catches_leaked_solution_text(scratch):
    path = scratch / "assignments" / NB01
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "mse_grad")
    cell.source = cell.source.replace("raise NotImplementedError()", "r = X @ W + b - y\n    dW = 2.0 / N * (X.T @ r)")
    nbformat.write(nb, path)
    problems = release.check(scratch)
    assert any("leaks solution text" in p and "X.T @ r" in p for p in problems), problems


def test_check_catches_missing_metadata_and_extra_files(scratch):
    sol = scratch / "solutions" / NB01
    nb = nbformat.read(sol, as_version=4)
    check_cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade"))
    check_cell.metadata.nbgrader["points"] = 0
    nbformat.write(nb, sol)
    (scratch / "assignments" / "01_linear_regression" / "stray.txt").write_text("x")
    problems = release.check(scratch)
    assert any("without points" in p for p in problems), problems


def test_check_catches_an_extra_release_file(scratch):
    (scratch / "assignments" / "01_linear_regression" / "stray.txt").write_text("x")
    assert any("stray.txt has no source" in p for p in release.check(scratch))


def test_released_stubs_raise_not_implemented():
    nb = nbformat.read(ROOT / "assignments" / NB01, as_version=4)
    stubs = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution") and c.cell_type == "code"]
    assert len(stubs) >= 5
    assert all("raise NotImplementedError()" in c.source and "### BEGIN SOLUTION" not in c.source for c in stubs)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")


def test_course_run_prints_a_summary_with_headlines():
    result = subprocess.run(
        [sys.executable, "-m", "lib.course", "run", "01_linear_regression"], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 0, result.stdout + result.stderr
    row = next(line for line in result.stdout.splitlines() if line.startswith(NB01))
    assert " ok " in row and "W = 2.0" in row and "test_r2 = 0." in row
    assert "WARNING" not in result.stderr, result.stderr  # no kernel transport or shutdown warnings


def test_stored_headlines():
    nb = nbformat.read(ROOT / "solutions" / NB01, as_version=4)
    h = headlines_of(nb)
    assert abs(h["W"] - 2) < 0.05 and abs(h["b"] - 3) < 1.0 and 0.2 < h["test_r2"] < 0.6


def test_start_copies_the_release_and_never_overwrites(tmp_path):
    dest = tmp_path / "mine"
    first = _course(["start", "01_linear_regression", "--to", str(dest)], ROOT)
    assert first.returncode == 0 and "copied" in first.stdout, first.stderr
    notebook = dest / "linear_regression.ipynb"
    assert notebook.read_bytes() == (ROOT / "assignments" / NB01).read_bytes()
    notebook.write_text("my work")
    again = _course(["start", "01_linear_regression", "--to", str(dest)], ROOT)
    assert again.returncode == 0 and "kept" in again.stdout and notebook.read_text() == "my work"
    unknown = _course(["start", "99_nope"], ROOT)
    assert unknown.returncode == 2 and "no such assignment: 99_nope" in unknown.stderr


def test_generate_refuses_to_replace_edited_release_notebooks(scratch):
    """A student who filled in the release in the checkout loses nothing to `make run`."""
    path = scratch / "assignments" / NB01
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "mse_loss")
    cell.source = cell.source.replace("raise NotImplementedError()", "return 0.0  # my work")
    nbformat.write(nb, path)
    (scratch / "assignments" / "01_linear_regression" / "notes.txt").write_text("mine")
    with pytest.raises(release.ReleaseError) as err:
        release.generate(["01_linear_regression"], root=scratch)
    message = str(err.value)
    assert f"assignments/{NB01}" in message and "notes.txt" in message and "--force" in message
    assert "# my work" in path.read_text()  # nothing was written
    result = _course(["run", "01_linear_regression"], scratch)
    assert result.returncode == 2 and "--force" in result.stderr and "# my work" in path.read_text()
    release.generate(["01_linear_regression"], root=scratch, force=True)
    assert "# my work" not in path.read_text() and not release.edited_since_release(path)


def test_every_notebook_links_to_the_repository_and_installs_itself():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    repo = project["urls"]["Repository"].removeprefix("https://github.com/")
    install_cells = set()
    for path in sorted((ROOT / "solutions").glob("*/*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        rel = path.relative_to(ROOT / "solutions").as_posix()
        intro = nb.cells[0].source
        assert f"colab.research.google.com/github/{repo}/blob/main/assignments/{rel}" in intro, rel
        assert f"mybinder.org/v2/gh/{repo}/main?urlpath=lab/tree/assignments/{rel}" in intro, rel
        first_code = next(c for c in nb.cells if c.cell_type == "code")
        assert "course-install" in first_code.metadata.get("tags", []), rel
        install_cells.add(first_code.source)
        if any(c.metadata.get("nbgrader", {}).get("grade") for c in nb.cells if c.cell_type == "code"):
            assert "*Run All*\nstops at the first check that fails" in intro, rel
    [cell] = install_cells  # the same cell everywhere
    assert f"git+https://github.com/{repo}" in cell
