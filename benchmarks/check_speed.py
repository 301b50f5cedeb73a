"""How long the check cells of each notebook take together, run on the notebook's own solutions.

Target (issue 12): under 5 s per notebook, so that a student can re-run every check at will.
Each notebook's exercise cells are loaded as a module (the way `course mutate` builds them), then
its check cells run one after the other; the best of --repeat runs is reported.

    .venv/bin/python benchmarks/check_speed.py [--repeat 3]
"""

import argparse
import contextlib
import importlib
import io
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lib.course.mutation import build  # noqa: E402
from lib.paths import assignment_names  # noqa: E402

TARGET = 5.0


def notebook_times(assignment: str, folder: Path, repeat: int) -> dict[str, float]:
    """{notebook: best total seconds of its check cells}."""
    project, exercises = build(assignment, folder)
    sys.path.insert(0, str(project))
    by_notebook = defaultdict(list)
    for ex in exercises:
        by_notebook[ex.notebook].append((importlib.import_module(f"exercises.{ex.grade_id}"), ex.check_source))
    times = {}
    for notebook, cells in by_notebook.items():
        best = float("inf")
        for _ in range(repeat):
            start = time.perf_counter()
            with contextlib.redirect_stdout(io.StringIO()):
                for module, source in cells:
                    exec(source, vars(module))
            best = min(best, time.perf_counter() - start)
        times[notebook] = best
    sys.path.remove(str(project))
    for name in [n for n in sys.modules if n == "exercises" or n.startswith("exercises.")]:
        del sys.modules[name]
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        print(f"{'notebook':<40}{'checks (s)':>12}")
        for assignment in assignment_names():
            for notebook, seconds in notebook_times(assignment, Path(tmp), args.repeat).items():
                print(f"{assignment + '/' + notebook:<40}{seconds:>12.2f}")
                ok &= seconds < TARGET
    print(f"every notebook's checks under {TARGET:.0f} s: {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
