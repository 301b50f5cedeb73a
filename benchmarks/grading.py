"""Class-scale grading: how many submissions per minute `course grade FOLDER` grades, with 1 and
2 Dask workers, its fixed overhead per submission, and what that means for a whole course.

    python benchmarks/grading.py [--submissions 100] [--timeout 10]

The class: generated submissions of 01_linear_regression in nbgrader's submitted/ layout, a
quarter each correct (the solution), untouched (the release's stubs), wrong (two exercises with
typical mistakes) and hostile (patched checks, an endless loop, a crash, a 5 GB allocation, a
background process and writes into lib; the loop and the crash each cost their exercise's 2
points), graded with a per-cell and per-check limit of --timeout
seconds. Each worker count grades the class from scratch (empty cache).

Fixed overhead: the median wall time of grading the release's stubs of 01 (every check fails at
once) in a fresh process, five times: starting Python, the sandbox and its worker, the setup
statements. Every grading runs against a release bundle of its assignment (made once, as
`course grade` does per batch: about 3.5 s each, counted in the batch times).

Projection: each of the course's solution notebooks graded once, one after another; their sum is
one student's course; 600 students over 2 workers at the measured 2-worker speed-up.

Targets (issue 16): fixed overhead at most 3 s; 600 students x 9 notebooks in one night (8 hours).
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import nbformat  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lib.course.autograde import make_bundle  # noqa: E402
from lib.course.batch import grade_many  # noqa: E402
from lib.paths import ROOT, assignment_names, solution_notebooks  # noqa: E402

NB = "linear_regression.ipynb"
WRONG = {
    "mse_loss": "def mse_loss(W, b, X, y):\n    return ((X @ W + b - y) ** 2).sum()\n",  # no mean
    "mse_grad": "def mse_grad(W, b, X, y):\n    r = X @ W + b - y\n    return X.T @ r / len(y), r.mean()\n",  # no 2
}
HOSTILE = [  # (exercise cell, code): put at the top of that cell, or replacing it when the code defines it
    ("mse_loss", "import lib.checks\nlib.checks.mse_loss = lambda fn: print('✓ mse_loss')\n"),
    ("mse_grad_loop", "def mse_grad_loop(*args):\n    while True:\n        pass\n"),
    ("standardize", "import os\ndef standardize(*args):\n    os._exit(1)\n"),
    ("mse_loss", "import numpy as np\ntry:\n    hog = np.ones(int(6e8))\nexcept MemoryError:\n    pass\n"),
    (
        "mse_loss",
        "import subprocess, lib\nsubprocess.Popen(['sleep', '600'], start_new_session=True)\n"
        "try:\n    open(lib.__file__, 'a').write('# mine')\nexcept OSError:\n    pass\n",
    ),
]


def make_class(folder: Path, n: int) -> None:
    solution = nbformat.read(ROOT / "solutions" / "01_linear_regression" / NB, as_version=4)
    release = nbformat.read(ROOT / "assignments" / "01_linear_regression" / NB, as_version=4)
    for i in range(n):
        kind = ("correct", "stub", "wrong", "hostile")[i % 4]
        nb = nbformat.from_dict(release if kind == "stub" else solution)
        for cell in nb.cells:
            gid = cell.metadata.get("nbgrader", {}).get("grade_id")
            if kind == "wrong" and gid in WRONG:
                cell.source = WRONG[gid]
            target, code = HOSTILE[(i // 4) % len(HOSTILE)]
            if kind == "hostile" and gid == target:  # in an exercise cell, where a student can write anything
                cell.source = code if f"def {target}(" in code else code + "\n" + cell.source
        target = folder / "submitted" / f"student{i:03d}-{kind}" / "01_linear_regression" / NB
        target.parent.mkdir(parents=True)
        nbformat.write(nb, target)


def grade_once(path: Path, bundle: Path) -> float:
    """Seconds to grade one notebook in a fresh process, against a release bundle made beforehand."""
    start = time.perf_counter()
    argv = [sys.executable, "-m", "lib.course.autograde", str(path), "", "60", str(bundle)]
    subprocess.run(argv, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--submissions", type=int, default=100)
    ap.add_argument("--timeout", type=float, default=10.0)
    args = ap.parse_args()

    rates = {}
    with tempfile.TemporaryDirectory() as tmp:
        bundles = {a: make_bundle(a, Path(tmp) / "bundles" / a) for a in assignment_names()}
        stubs = ROOT / "assignments" / "01_linear_regression" / NB
        overhead = statistics.median(grade_once(stubs, bundles["01_linear_regression"]) for _ in range(5))
        print(f"fixed overhead (01's stubs, median of 5): {overhead:.2f} s  (target <= 3 s)")

        make_class(Path(tmp) / "class", args.submissions)
        for workers in (1, 2):
            out = Path(tmp) / f"out{workers}"
            start = time.perf_counter()
            rows = grade_many([Path(tmp) / "class"], out, workers=workers, timeout=args.timeout, progress=None)
            seconds = time.perf_counter() - start
            rates[workers] = len(rows) / seconds * 60
            totals = {}
            for r in rows:
                totals.setdefault(r["student"].split("-")[1], []).append(float(r["total"]))
            summary = ", ".join(f"{k} {statistics.mean(v):.1f}" for k, v in sorted(totals.items()))
            print(f"{workers} worker(s): {len(rows)} submissions in {seconds:.0f} s = {rates[workers]:.1f} per minute")
            print(f"  mean points of 20: {summary}")
            shutil.rmtree(out)

        course = [
            (p.relative_to(ROOT / "solutions").as_posix(), grade_once(p, bundles[p.parent.name]))
            for p in solution_notebooks()
        ]
    one_student = sum(s for _, s in course)
    for name, s in course:
        print(f"  {name:45s} {s:5.1f} s")
    speedup = rates[2] / rates[1]
    hours = 600 * one_student / speedup / 3600
    per_nb = one_student / len(course)
    print(
        f"one student's {len(course)} notebooks: {one_student:.0f} s ({per_nb:.1f} s each); 2-worker speed-up "
        f"{speedup:.2f}x; 600 students x {len(course)} notebooks: {hours:.1f} h, x 9 notebooks: "
        f"{hours * 9 / len(course):.1f} h (target < 8 h)"
    )


if __name__ == "__main__":
    main()
