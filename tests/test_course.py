"""Course tooling: the release is in sync, `check` catches what it must, grading is robust."""
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from lib.course import release
from lib.course.execute import headlines_of
from lib.course.grade import GradeError, grade, restore_deleted_checks
from lib.course.paths import ROOT, assignment_names

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


def _digest(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def test_grading_the_released_stub_fails_every_check(tmp_path):
    sub = tmp_path / "linear_regression.ipynb"
    shutil.copy(ROOT / "assignments" / NB01, sub)
    before = _digest(sub)
    report = grade(sub, timeout=60)
    checks = [e for e in report.exercises if e.grade_id.startswith("check_")]
    assert len(checks) >= 5
    assert all(e.status == "failed" and e.score == 0 for e in checks), report.table()
    assert any("not implemented yet" in e.message for e in checks)
    assert report.score == 0
    assert _digest(sub) == before  # the student's file is never written


def test_grading_restores_edited_and_deleted_checks(tmp_path):
    nb = nbformat.read(ROOT / "solutions" / NB01, as_version=4)
    kept = []
    for c in nb.cells:
        gid = c.metadata.get("nbgrader", {}).get("grade_id")
        if gid == "check_mse_loss":
            c.source = "print('looks fine to me')"          # edited check
        if gid == "mse_grad":
            c.source = c.source.replace("2.0 / N", "1.0 / N")  # a real mistake
        if gid == "normal_equation":
            c.source = c.source.replace("### BEGIN SOLUTION", "### BEGIN SOLUTION\n    1 / 0")  # an exception
        if gid == "check_standardize":
            continue                                          # deleted check
        kept.append(c)
    nb.cells = kept
    sub = tmp_path / "submitted" / "linear_regression.ipynb"
    sub.parent.mkdir()
    nbformat.write(nb, sub)
    before = _digest(sub)
    out = tmp_path / "graded"
    report = grade(sub, timeout=60, output_dir=out)
    by_id = {e.grade_id: e for e in report.exercises}
    assert by_id["check_mse_loss"].status == "passed"
    assert by_id["check_mse_grad"].status == "failed" and "factor 2" in by_id["check_mse_grad"].message
    assert by_id["check_normal_equation"].status == "failed" and "ZeroDivisionError" in by_id["check_normal_equation"].message
    assert by_id["check_standardize"].status == "passed" and "restored" in by_id["check_standardize"].message
    assert by_id["check_numerical_hessian"].status == "passed"  # later exercises still graded
    assert by_id["q_bias_slow"].status == "manual"
    assert (out / "report.json").exists() and (out / "linear_regression.graded.ipynb").exists()
    assert _digest(sub) == before
    with pytest.raises(GradeError, match="must not be the submission's folder"):
        grade(sub, output_dir=sub.parent)


def test_restore_deleted_checks_keeps_position():
    rel = release.release_notebook(nbformat.read(ROOT / "solutions" / NB01, as_version=4))
    sub = nbformat.from_dict(rel)
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in sub.cells]
    i = ids.index("check_mse_grad")
    del sub.cells[i]
    assert restore_deleted_checks(sub, rel) == ["check_mse_grad"]
    assert sub.cells[i].metadata.nbgrader.grade_id == "check_mse_grad"


def test_grade_rejects_unknown_notebooks(tmp_path):
    other = tmp_path / "mystery.ipynb"
    nbformat.write(nbformat.v4.new_notebook(), other)
    with pytest.raises(GradeError, match="no solution notebook named 'mystery.ipynb'"):
        grade(other)


def test_course_run_prints_a_summary_with_headlines():
    result = subprocess.run([sys.executable, "-m", "lib.course", "run"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    row = next(line for line in result.stdout.splitlines() if line.startswith(NB01))
    assert " ok " in row and "W = 2.0" in row and "test_r2 = 0." in row


def test_stored_headlines():
    nb = nbformat.read(ROOT / "solutions" / NB01, as_version=4)
    h = headlines_of(nb)
    assert abs(h["W"] - 2) < 0.05 and abs(h["b"] - 3) < 1.0 and 0.2 < h["test_r2"] < 0.6
