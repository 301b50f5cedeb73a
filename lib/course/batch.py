"""Grade a class at once: many submissions in parallel on Dask, into a CSV gradebook and one
feedback page per student.

`grade_many(paths, out_dir)` finds the submissions (a folder in nbgrader's
`submitted/<student>/<assignment>/` layout, or notebook files), grades each with
`autograde.grade_sandboxed` (its own sandbox) on a Dask cluster (an embedded local one by default,
or the scheduler at an address), and writes into out_dir:

- `gradebook.csv`: one row per (student, notebook): student, assignment, notebook, status
  (graded / error), total, maximum, message, then the points of every exercise (empty for a
  written answer, which is graded by hand);
- `feedback/<student>.html`: every notebook of the student with each exercise's points and hint;
- `cache/<key>.json`: one finished grading per submission, keyed by the SHA-256 of the
  submission, its solution notebook and the checks' code. A batch that is stopped and started
  again resumes: unchanged submissions are not graded twice.

A submission that cannot be graded (not a notebook, no matching solution) becomes an error row;
the batch goes on. Nothing is ever written next to a student's work.
"""

from __future__ import annotations

import csv
import hashlib
import html
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..paths import ROOT
from .report import GradeError

ENGINE = "sandbox-1"  # part of the cache key: bump when grading changes in a way the key does not see


@dataclass(frozen=True)
class Submission:
    student: str
    assignment: str | None  # None: found from the notebook's file name
    path: Path


def find_submissions(paths: Sequence[Path | str]) -> list[Submission]:
    """Submissions in `paths`: folders in nbgrader's layout (`<folder>/submitted/<student>/<assignment>/
    *.ipynb`, or `<folder>/<student>/<assignment>/*.ipynb`) and single notebooks, whose student is
    the name of the folder holding them. Raises GradeError if a path does not exist or nothing is found."""
    found: list[Submission] = []
    for raw in paths:
        path = Path(raw).resolve()
        if path.is_file():
            found.append(Submission(path.parent.name, None, path))
        elif path.is_dir():
            base = path / "submitted" if (path / "submitted").is_dir() else path
            for nb in sorted(base.glob("*/*/*.ipynb")):
                student, assignment = nb.parent.parent.name, nb.parent.name
                if not student.startswith(".") and not assignment.startswith("."):
                    found.append(Submission(student, assignment, nb))
        else:
            raise GradeError(f"no such file or folder: {raw}")
    if not found:
        raise GradeError(
            "no submissions found: give notebooks, or a folder laid out as submitted/<student>/<assignment>/*.ipynb"
        )
    return found


def _checks_digest() -> str:
    h = hashlib.sha256(ENGINE.encode())
    for p in sorted((ROOT / "lib" / "checks").rglob("*.py")):
        h.update(p.read_bytes())
    return h.hexdigest()


def cache_key(sub: Submission, checks_digest: str) -> str:
    """SHA-256 of the submission's bytes, its solution notebook and the checks' code."""
    from .report import find_solution

    h = hashlib.sha256(checks_digest.encode())
    h.update(sub.path.read_bytes())
    try:
        h.update(find_solution(sub.path, sub.assignment).read_bytes())
    except GradeError:
        pass  # graded (as an error row) anyway
    h.update((sub.assignment or "").encode())
    return h.hexdigest()


GRADER_MEMORY = 4 << 30  # bytes of address space for one grading process (the checks, not the student's code)


def _limit_grader() -> None:  # runs in the grading process before it starts
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (GRADER_MEMORY, GRADER_MEMORY))


def grade_one(path: str, assignment: str | None, timeout: float, bundle: str | None = None) -> dict:
    """One grading as plain data (runs on a Dask worker): the GradeReport's fields, status and
    message. The grading runs in a fresh Python process (`python -m lib.course.autograde`) with a
    memory limit and a wall-time limit, so that a submission that makes the checks themselves
    work too hard (huge inputs to a callback) costs an error row, not the machine."""
    wall = max(600.0, 30 * timeout)
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "lib.course.autograde", path, assignment or "", str(timeout), bundle or ""],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=wall,
            preexec_fn=_limit_grader,
        )
    except subprocess.TimeoutExpired:
        return {**_error_row(None, f"grading took longer than {wall:g} s and was stopped"), "submission": path}
    if proc.returncode == 0:
        return dict(json.loads(proc.stdout), status="graded", message="")
    lines = (proc.stderr or f"the grader exited with {proc.returncode}").strip().splitlines()
    return {**_error_row(None, lines[-1]), "submission": path}


def _error_row(sub: Submission | None, message: str) -> dict:
    return {"status": "error", "message": message, "exercises": [], "score": 0.0, "max_score": 0.0, "notebook": ""}


def _run(
    todo: list,
    bundles: dict,
    workers: int,
    scheduler: str | None,
    timeout: float,
    done: Callable[[Submission, dict], None],
):
    """Grade `todo` on Dask, calling done(submission, result) as each finishes."""
    from dask.distributed import Client, LocalCluster, as_completed

    if scheduler:
        client, cluster = Client(scheduler), None
    else:
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            env={"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"},
        )
        client = Client(cluster)
    try:
        futures = {
            client.submit(grade_one, str(s.path), s.assignment, timeout, bundles.get(s), pure=False): s for s in todo
        }
        for fut in as_completed(futures):
            sub = futures[fut]
            try:
                result = fut.result()
            except Exception as exc:  # a worker lost, a sandbox that failed: an error row, the batch goes on
                result = _error_row(sub, f"{type(exc).__name__}: {exc}")
            done(sub, result)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def grade_many(
    paths: Sequence[Path | str],
    out_dir: Path | str,
    workers: int = 2,
    scheduler: str | None = None,
    timeout: float = 60.0,
    progress: Callable[[str], None] | None = print,
) -> list[dict]:
    """Grade every submission under `paths` into out_dir (gradebook.csv, feedback/, cache/).

    workers: Dask worker processes of the embedded local cluster (ignored with a scheduler).
    scheduler: address of a running Dask scheduler ("tcp://host:8786") to spread the work over.
    timeout: seconds for each cell and each check of a submission.
    Returns the gradebook rows (dicts). Raises GradeError when nothing can be found or out_dir lies
    inside a student's folder.
    """
    subs = find_submissions(paths)
    out = Path(out_dir).resolve()
    for s in subs:
        if out == s.path.parent or s.path.parent in out.parents:
            raise GradeError(f"--output {out} lies inside {s.student}'s folder: grading never writes there")
    cache = out / "cache"
    cache.mkdir(parents=True, exist_ok=True)
    digest = _checks_digest()
    results: dict[Submission, dict] = {}
    todo: dict[Submission, Path] = {}  # still to grade, with the cache file its result goes to
    for s in subs:
        hit = cache / f"{cache_key(s, digest)}.json"
        if hit.is_file():
            results[s] = json.loads(hit.read_text(encoding="utf-8"))
        else:
            todo[s] = hit
    if progress:
        progress(f"{len(subs)} submissions: {len(subs) - len(todo)} graded before, {len(todo)} to grade")

    def done(sub: Submission, result: dict) -> None:
        results[sub] = result
        if result["status"] == "graded":  # errors are tried again next time
            todo[sub].write_text(json.dumps(result), encoding="utf-8")
        if progress:
            progress(f"  {sub.student:20s} {sub.path.name:40s} {_total(result)}")

    if todo:
        _run(list(todo), _bundles(list(todo), out / "bundles"), workers, scheduler, timeout, done)
    rows = [_row(s, results[s]) for s in subs]
    write_gradebook(rows, out / "gradebook.csv")
    write_feedback(subs, results, out / "feedback")
    return rows


def _bundles(subs: list[Submission], folder: Path) -> dict:
    """{submission: release bundle to grade it against}, one bundle per assignment, made afresh in
    folder/<assignment>/ (with a scheduler elsewhere, folder must be visible to its workers)."""
    from .autograde import make_bundle
    from .report import find_solution

    made: dict[str, str] = {}
    out = {}
    for s in subs:
        try:
            assignment = find_solution(s.path, s.assignment).parent.name
        except GradeError:
            continue  # graded as an error row
        if assignment not in made:
            target = folder / assignment
            shutil.rmtree(target, ignore_errors=True)
            made[assignment] = str(make_bundle(assignment, target))
        out[s] = made[assignment]
    return out


def _total(result: dict) -> str:
    if result["status"] != "graded":
        return f"error: {result['message']}"
    return f"{result['score']:g} / {_auto_max(result):g}"


def _auto_max(result: dict) -> float:
    return sum(e["max_score"] for e in result["exercises"] if e["score"] is not None)


def _row(sub: Submission, result: dict) -> dict:
    row = {
        "student": sub.student,
        "assignment": sub.assignment or Path(result.get("notebook") or "").parent.name,
        "notebook": sub.path.name,
        "status": result["status"],
        "total": result["score"],
        "maximum": _auto_max(result) if result["status"] == "graded" else "",
        "message": result["message"],
    }
    for e in result["exercises"]:
        row[e["grade_id"]] = "" if e["score"] is None else e["score"]
    return row


FIXED = ["student", "assignment", "notebook", "status", "total", "maximum", "message"]


def write_gradebook(rows: list[dict], path: Path) -> None:
    """The CSV gradebook: the fixed columns, then every exercise in order of first appearance."""
    extra: list[str] = []
    for row in rows:
        extra += [k for k in row if k not in FIXED and k not in extra]
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=FIXED + extra, restval="")
        writer.writeheader()
        writer.writerows(rows)


def _safe_name(student: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", student).lstrip(".") or "student"


def write_feedback(subs: list[Submission], results: dict, folder: Path) -> None:
    """One HTML page per student: each notebook's exercises, points and hints (all text escaped)."""
    folder.mkdir(parents=True, exist_ok=True)
    by_student: dict[str, list[Submission]] = {}
    for s in subs:
        by_student.setdefault(s.student, []).append(s)
    for student, mine in by_student.items():
        parts = [f"<h1>Feedback for {html.escape(student)}</h1>"]
        for s in mine:
            r = results[s]
            parts.append(f"<h2>{html.escape(s.path.name)}: {html.escape(_total(r))}</h2>")
            if r["status"] != "graded":
                continue
            parts.append("<table><tr><th>exercise</th><th>points</th><th>result</th><th>hint</th></tr>")
            for e in r["exercises"]:
                pts = "to be graded by hand" if e["score"] is None else f"{e['score']:g} / {e['max_score']:g}"
                parts.append(
                    "<tr>"
                    + "".join(
                        f"<td>{html.escape(str(v))}</td>" for v in (e["grade_id"], pts, e["status"], e["message"])
                    )
                    + "</tr>"
                )
            parts.append("</table>")
            parts += [f"<p>{html.escape(n)}</p>" for n in r.get("notes", [])]
        page = "<!doctype html><meta charset='utf-8'><title>Feedback</title>\n" + "\n".join(parts) + "\n"
        (folder / f"{_safe_name(student)}.html").write_text(page, encoding="utf-8")


__all__ = ["Submission", "find_submissions", "grade_many", "write_gradebook", "write_feedback", "cache_key"]
