"""Sandboxed grading (lib.course.autograde): the checks run in the grader on proxies of the
student's functions, the student's code in a bubblewrap sandbox. Each attack scores exactly what
its honest part earns, and leaves the checkout and the environment as they were."""

import hashlib
import os
import struct
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from lib.course.autograde import check_call, grade_sandboxed, make_bundle
from lib.course.sandbox import available
from lib.paths import ROOT

pytestmark = pytest.mark.skipif(
    available() is not None and os.environ.get("CI") != "true", reason=f"no sandbox here: {available()}"
)

NB01 = ROOT / "solutions" / "01_linear_regression" / "linear_regression.ipynb"
AUTO01 = 20  # automatic points of 01 (the written questions are graded by hand)


def _tree_digest(*folders: Path) -> str:
    h = hashlib.sha256()
    for folder in folders:
        for p in sorted(folder.rglob("*")):
            if p.is_file():
                h.update(str(p).encode() + p.read_bytes())
            elif p.is_dir():
                h.update(str(p).encode())
    return h.hexdigest()


def _submission(tmp_path, edits: dict, notebook: Path = NB01, attack: str = "") -> Path:
    """The solution notebook with some exercise cells replaced ({grade_id: new source}) and `attack`
    run at the top of the first exercise cell (mse_loss), where a student can write anything;
    saved under the released file name."""
    nb = nbformat.read(notebook, as_version=4)
    first = True
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade_id") in edits:
            cell.source = edits[meta["grade_id"]]
        if meta.get("solution") and cell.cell_type == "code" and first:
            cell.source, first = attack + "\n" + cell.source, False
    path = tmp_path / notebook.name
    nbformat.write(nb, path)
    return path


def _scores(report) -> dict:
    return {e.grade_id: e.score for e in report.exercises if e.score is not None}


STUB = "def {name}(*args, **kwargs):\n    raise NotImplementedError()\n"


def test_check_cells_are_parsed_strictly():
    assert check_call("checks.mse_loss(mse_loss)") == ("mse_loss", ["mse_loss"])
    assert check_call("checks.mse_loss(mse_loss); print(1)") is None
    assert check_call("checks.mse_loss(lambda *a: 0)") is None


RELEASED = sorted(p.relative_to(ROOT / "assignments").as_posix() for p in (ROOT / "assignments").glob("*/*.ipynb"))


# Two classes, so that pytest-xdist (--dist loadscope) runs them on both workers.
class TestSolutions:
    @pytest.mark.parametrize("notebook", RELEASED)
    def test_solutions_get_every_automatic_point(self, notebook):
        # among them: a class the check subclasses (02), a model with pluggable layers (05), a replay
        # buffer class and functions that call back into the check's environment and network (07)
        report = grade_sandboxed(ROOT / "solutions" / notebook)
        auto = [e for e in report.exercises if e.status not in ("manual", "unanswered")]
        assert auto and all(e.status == "passed" for e in auto), report.table()


class TestStubs:
    @pytest.mark.parametrize("notebook", RELEASED)
    def test_released_stubs_score_zero(self, notebook):
        report = grade_sandboxed(ROOT / "assignments" / notebook)
        checks = [e for e in report.exercises if e.grade_id.startswith("check_")]
        assert checks and report.score == 0, report.table()
        assert all("not implemented yet" in e.message for e in checks), report.table()


ATTACKS = {
    # replacing the checks inside the kernel: the grader's checks are not there
    "patched_checks": "import lib.checks, lib.checks.core\n"
    "lib.checks.mse_loss = lambda fn: print('✓ mse_loss: all good')\n"
    "lib.checks.core.Check.close = lambda *a, **k: None\n"
    "checks = type('C', (), {'__getattr__': lambda self, n: (lambda *a: None)})()\n",
    # NumPy's comparisons patched in the kernel: the comparisons happen in the grader
    "patched_numpy": "import numpy as np\nnp.allclose = lambda *a, **k: True\n"
    "np.testing.assert_allclose = lambda *a, **k: None\n",
    # an input transformer rewriting check cells: check cells are never run in the kernel
    "input_transformer": "%config Application.log_level = 'ERROR'\n"
    "get_ipython().input_transformers_post.append(lambda lines: ['pass\\n'])\n",
    # the grader's own pip: read-only and without network inside
    "pip_install": "!pip install --quiet --no-index --no-deps numpy==1.24.0\n",
    # writing into the course: read-only inside the sandbox
    "write_lib": "import lib.checks, pathlib\n"
    "try:\n    open(lib.checks.__file__, 'a').write('\\nmse_loss = lambda fn: None\\n')\nexcept OSError:\n    pass\n"
    "try:\n    (pathlib.Path(lib.checks.__file__).parent / '__pycache__' / 'x.pyc').write_bytes(b'x')\n"
    "except OSError:\n    pass\n",
    # a .pth file in site-packages that would run code in every later Python
    "pth_file": "import site\nfor d in site.getsitepackages():\n    try:\n"
    "        open(d + '/evil.pth', 'w').write('import os\\n')\n    except OSError:\n        pass\n",
}


@pytest.mark.parametrize("attack", ATTACKS)
def test_attacks_score_only_the_honest_part(attack, tmp_path):
    # the attack runs in the mse_loss cell; the other exercises are stubs
    stubs = {gid: STUB.format(name=gid) for gid in ["mse_grad_loop", "mse_grad", "gradient_descent", "normal_equation"]}
    watched = [ROOT / "lib", ROOT / "solutions", ROOT / "assignments", Path(sys.prefix) / "lib"]
    before = _tree_digest(*watched)
    sub = _submission(tmp_path, stubs, attack=ATTACKS[attack])
    scores = _scores(grade_sandboxed(sub))
    assert _tree_digest(*watched) == before
    for gid in stubs:
        assert scores[f"check_{gid}"] == 0, (attack, gid)
    assert scores["check_mse_loss"] == 2  # the honest part still counts


def test_a_runaway_or_crashing_exercise_costs_only_its_own_points(tmp_path):
    edits = {
        "mse_grad_loop": "def mse_grad_loop(*args):\n    while True:\n        pass\n",
        "standardize": "import os\ndef standardize(*args):\n    os._exit(3)\n",
    }
    report = grade_sandboxed(_submission(tmp_path, edits), timeout=3)
    by_id = {e.grade_id: e for e in report.exercises}
    assert "time limit" in by_id["check_mse_grad_loop"].message
    assert "crashed" in by_id["check_standardize"].message
    assert report.score == AUTO01 - 4, report.table()  # every other exercise keeps its points


def test_a_broken_function_costs_only_its_own_points(tmp_path):
    # gradient_descent, minibatch_sgd and ridge_grad call mse_grad: after mse_grad fails its own
    # check, the reference stands in for it (running in the grader), and they keep their points
    broken = "def mse_grad(W, b, X, y):\n    return 0 * W, 0.0\n"
    report = grade_sandboxed(_submission(tmp_path, {"mse_grad": broken}))
    assert report.score == AUTO01 - 2, report.table()
    assert any("reference mse_grad in its place" in n for n in report.notes)


def test_nothing_outlives_the_grading(tmp_path):
    marker = f"sleep {os.getpid() % 1000 + 1000}"
    spawn = f"import subprocess\nsubprocess.Popen({marker.split()!r}, start_new_session=True)\n"
    grade_sandboxed(_submission(tmp_path, {}, attack=spawn))
    procs = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    assert marker not in procs


def test_cells_are_found_without_metadata_and_foreign_cells_are_ignored(tmp_path):
    nb = nbformat.read(NB01, as_version=4)
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and cell.cell_type == "code":
            cell.metadata = {}  # a notebook re-created by copy and paste
    nb.cells.insert(3, nbformat.v4.new_code_cell("def svm_loss_naive(W, X, y, reg):\n    return 0.0, W\n"))
    nb.cells[3].metadata["nbgrader"] = {"grade_id": "svm_loss_naive", "solution": True, "grade": False}
    path = tmp_path / NB01.name
    nbformat.write(nb, path)
    report = grade_sandboxed(path)
    assert report.score == AUTO01, report.table()


def test_the_graders_objects_hand_back_data_only(tmp_path):
    # red-team finding: big ints made the grader's spy return an object array, which crossed as a
    # handle whose methods (fill, tofile) wrote a .pth file outside the sandbox as the grader
    escaped = tmp_path / "ESCAPED.pth"
    attack = (
        "import numpy as np\n"
        "def gradient_descent(X, y, learning_rate, num_iters, grad_fn=None, W0=None, b0=0.0):\n"
        "    g, _ = grad_fn(np.zeros(X.shape[1]), 0.0, X, [2**70] * len(y))\n"
        "    g.fill('import os')\n"
        f"    g.tofile({str(escaped)!r}, sep='\\n', format='%s')\n"
    )
    report = grade_sandboxed(_submission(tmp_path, {"gradient_descent": attack}))
    assert not escaped.exists()
    assert _scores(report)["check_gradient_descent"] == 0
    assert "not data" in {e.grade_id: e for e in report.exercises}["check_gradient_descent"].message


def test_a_forged_answer_and_a_busy_worker_cost_only_that_exercise(tmp_path):
    # red-team finding: the student's function forges the worker's answer, then keeps the worker
    # busy, so the next (honest) cell timed out; it now runs again in a fresh worker
    forge = (
        "import gc, time\n"
        "def mse_grad_loop(*args):\n"
        "    peer = [o for o in gc.get_objects() if type(o).__name__ == 'Peer'][0]\n"
        "    peer.send({'op': 'raise', 'type': 'ValueError', 'message': 'forged'}, [])\n"
        "    time.sleep(1000)\n"
    )
    report = grade_sandboxed(_submission(tmp_path, {"mse_grad_loop": forge}), timeout=3)
    assert report.score == AUTO01 - 2, report.table()


def test_the_grader_refuses_frames_larger_than_its_limit():
    from lib.course import remote

    r, w = os.pipe()
    head = b"{}"
    os.write(w, struct.pack(">QQ", len(head), 3) + head + struct.pack(">Q", 1 << 30))
    with pytest.raises(remote.RemoteCrash, match="larger than allowed"):
        remote._Reader(r).read(deadline=None)
    os.close(r)
    os.close(w)


def test_against_a_bundle_the_references_are_out_of_reach(tmp_path):
    # a student who imports lib's reference (or reads it from the checkout) gets nothing for it
    bundle = make_bundle("01_linear_regression", tmp_path / "bundle")
    steal = (
        "from lib.linear_regression import mse_loss as _ref\ndef mse_loss(W, b, X, y):\n    return _ref(W, b, X, y)\n"
    )
    read = (
        f"import pathlib\n_src = pathlib.Path({str(ROOT / 'lib' / 'linear_regression.py')!r}).read_text()\nexec(_src)\n"
    )
    report = grade_sandboxed(_submission(tmp_path, {"mse_loss": steal, "mse_grad": read}), bundle=bundle)
    scores = _scores(report)
    assert scores["check_mse_loss"] == 0 and scores["check_mse_grad"] == 0, report.table()
    # the reference in the bundle raises NotImplementedError: the check says "not implemented yet"
    assert "not implemented yet" in {e.grade_id: e for e in report.exercises}["check_mse_loss"].message
    # what does not build on mse_loss or mse_grad keeps its points
    for gid in ["mse_grad_loop", "normal_equation", "numerical_hessian", "standardize", "ridge_normal_equation"]:
        assert scores[f"check_{gid}"] == 2, report.table()


def test_a_duplicated_exercise_cell_grades_the_last_copy(tmp_path):
    nb = nbformat.read(NB01, as_version=4)
    i = next(k for k, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == "mse_loss")
    first = nbformat.from_dict(nb.cells[i])
    first.source = "def mse_loss(*args):\n    raise NotImplementedError()\n"  # an old attempt, kept above
    nb.cells.insert(i, first)
    path = tmp_path / NB01.name
    nbformat.write(nb, path)
    report = grade_sandboxed(path)
    assert report.score == AUTO01, report.table()
    assert any("2 cells carry this exercise's id" in n for n in report.notes)
