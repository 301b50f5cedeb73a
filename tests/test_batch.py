"""Grading a class (lib.course.batch, `course grade FOLDER`): nbgrader's submitted/ layout, Dask
workers, a CSV gradebook, escaped feedback pages, error rows, and resuming without regrading."""

import csv
import shutil

import nbformat
import pytest

from lib.course.batch import find_submissions, grade_many
from lib.course.grade import GradeError
from lib.course.sandbox import available
from lib.paths import ROOT

pytestmark = pytest.mark.skipif(available() is not None, reason=f"no sandbox here: {available()}")

NB = "linear_regression.ipynb"


def _class(tmp_path):
    """alice: the solution; bob: the release; carol: not a notebook; <b>eve: an exercise whose error
    message is HTML."""
    sub = tmp_path / "course" / "submitted"
    for student in ["alice", "bob", "carol", "<b>eve"]:
        (sub / student / "01_linear_regression").mkdir(parents=True)
    shutil.copy(ROOT / "solutions" / "01_linear_regression" / NB, sub / "alice" / "01_linear_regression" / NB)
    shutil.copy(ROOT / "assignments" / "01_linear_regression" / NB, sub / "bob" / "01_linear_regression" / NB)
    (sub / "carol" / "01_linear_regression" / NB).write_text("not a notebook")
    nb = nbformat.read(ROOT / "solutions" / "01_linear_regression" / NB, as_version=4)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "mse_loss":
            cell.source = "def mse_loss(*args):\n    raise ValueError('<script>alert(1)</script>')\n"
    nbformat.write(nb, sub / "<b>eve" / "01_linear_regression" / NB)
    return tmp_path / "course"


def test_a_class_grades_into_a_gradebook_and_feedback_and_resumes(tmp_path):
    folder, out = _class(tmp_path), tmp_path / "out"
    lines = []
    rows = grade_many([folder], out, workers=2, progress=lines.append)
    assert lines[0] == "4 submissions: 0 graded before, 4 to grade"
    with open(out / "gradebook.csv", newline="") as f:
        book = {r["student"]: r for r in csv.DictReader(f)}
    assert len(rows) == 4 and set(book) == {"alice", "bob", "carol", "<b>eve"}
    assert book["alice"]["status"] == "graded" and float(book["alice"]["total"]) == 20
    assert float(book["alice"]["check_mse_loss"]) == 2 and book["alice"]["q_bias_slow"] == ""  # by hand
    assert float(book["bob"]["total"]) == 0
    assert book["carol"]["status"] == "error" and "not a readable notebook" in book["carol"]["message"]
    # eve's gradient_descent and minibatch_sgd call her broken mse_loss: graded with the reference in its place
    assert float(book["<b>eve"]["total"]) == 18 and float(book["<b>eve"]["check_mse_loss"]) == 0
    page = (out / "feedback" / "_b_eve.html").read_text()
    assert "&lt;script&gt;" in page and "<script>" not in page
    assert (out / "feedback" / "alice.html").is_file()
    # a second run grades only what failed to grade (carol), and keeps the others' results
    lines.clear()
    grade_many([folder], out, workers=1, progress=lines.append)
    assert lines[0] == "4 submissions: 3 graded before, 1 to grade"


def test_output_inside_a_students_folder_is_refused(tmp_path):
    folder = _class(tmp_path)
    with pytest.raises(GradeError, match="inside alice's folder"):
        grade_many([folder], folder / "submitted" / "alice" / "01_linear_regression" / "out", workers=1)


def test_find_submissions_reads_the_nbgrader_layout_and_loose_files(tmp_path):
    folder = _class(tmp_path)
    subs = find_submissions([folder])
    assert sorted(s.student for s in subs) == ["<b>eve", "alice", "bob", "carol"]
    assert {s.assignment for s in subs} == {"01_linear_regression"}
    loose = find_submissions([folder / "submitted" / "bob" / "01_linear_regression" / NB])
    assert loose[0].student == "01_linear_regression" and loose[0].assignment is None
    with pytest.raises(GradeError, match="no submissions found"):
        find_submissions([tmp_path / "out"] if (tmp_path / "out").mkdir() is None else [])


def test_a_running_dask_scheduler_can_do_the_work(tmp_path):
    from dask.distributed import LocalCluster

    folder = _class(tmp_path)
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        rows = grade_many([folder], tmp_path / "out", scheduler=cluster.scheduler_address, progress=None)
    assert {r["student"]: r["status"] for r in rows}["alice"] == "graded"
