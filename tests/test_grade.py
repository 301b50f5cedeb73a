"""`course grade`: nbgrader autograding that restores check cells and never writes to the submission."""

import hashlib
import os
import shutil
import sys
from pathlib import Path

import nbformat
import pytest

from lib.course import release
from lib.course.grade import GradeError, grade, restore_deleted_checks
from lib.paths import ROOT

NB01 = "01_linear_regression/linear_regression.ipynb"


def _digest(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


RELEASED = sorted(p.relative_to(ROOT / "assignments").as_posix() for p in (ROOT / "assignments").glob("*/*.ipynb"))


def _has_checks(notebook):
    nb = nbformat.read(ROOT / "solutions" / notebook, as_version=4)
    return any(c.metadata.get("nbgrader", {}).get("grade_id", "").startswith("check_") for c in nb.cells)


GRADED = [nb for nb in RELEASED if _has_checks(nb)]


def test_every_released_notebook_has_checks():
    # every released notebook has autograded checks (07c's last: stack_frames)
    assert RELEASED and sorted(set(RELEASED) - set(GRADED)) == []


def _grade_stub(tmp_path, notebook):
    sub = tmp_path / Path(notebook).name
    shutil.copy(ROOT / "assignments" / notebook, sub)
    before = _digest(sub)
    report = grade(sub, timeout=60)
    checks = [e for e in report.exercises if e.grade_id.startswith("check_")]
    assert len(checks) >= 3
    assert all(e.status == "failed" and e.score == 0 for e in checks), report.table()
    assert any("not implemented yet" in e.message for e in checks)
    assert report.score == 0
    assert _digest(sub) == before  # the student's file is never written


# Grading a released stub with nbgrader runs the whole notebook (its experiments fall back to lib's
# references), so only two quick ones here; every released stub is graded by the sandboxed engine
# in test_autograde.py, which runs only the exercise cells.
@pytest.mark.parametrize("notebook", [NB01, "06_q_learning/function_approximation.ipynb"])
def test_grading_the_released_stub_fails_every_check(tmp_path, notebook):
    _grade_stub(tmp_path, notebook)


def test_grading_restores_edited_and_deleted_checks(tmp_path, monkeypatch):
    # without the environment's bin/ on PATH (nbgrader alone would fail to run `alembic`)
    bin_dir = str(Path(sys.executable).parent)
    monkeypatch.setenv("PATH", os.pathsep.join(d for d in os.environ["PATH"].split(os.pathsep) if d != bin_dir))
    nb = nbformat.read(ROOT / "solutions" / NB01, as_version=4)
    kept = []
    for c in nb.cells:
        gid = c.metadata.get("nbgrader", {}).get("grade_id")
        if gid == "check_mse_loss":
            c.source = "print('looks fine to me')"  # edited check
        if gid == "mse_grad":
            c.source = c.source.replace("2.0 / N", "1.0 / N")  # a real mistake
        if gid == "normal_equation":
            c.source = c.source.replace("### BEGIN SOLUTION", "### BEGIN SOLUTION\n    1 / 0")  # an exception
        if gid == "check_standardize":
            continue  # deleted check
        kept.append(c)
    nb.cells = kept
    sub = tmp_path / "submitted" / "linear_regression.ipynb"
    sub.parent.mkdir()
    nbformat.write(nb, sub)
    before = _digest(sub)
    out = tmp_path / "graded"
    env, cwd = dict(os.environ), os.getcwd()
    report = grade(sub, timeout=60, output_dir=out)
    assert dict(os.environ) == env and os.getcwd() == cwd  # no process-wide state changed
    by_id = {e.grade_id: e for e in report.exercises}
    assert by_id["check_mse_loss"].status == "passed"
    assert by_id["check_mse_grad"].status == "failed" and "factor 2" in by_id["check_mse_grad"].message
    assert (
        by_id["check_normal_equation"].status == "failed"
        and "ZeroDivisionError" in by_id["check_normal_equation"].message
    )
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
