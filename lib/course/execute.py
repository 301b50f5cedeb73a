"""Execute solution notebooks with nbclient: refresh stored outputs, or run the whole course.

`course execute` writes the outputs back into solutions/ (the stored outputs nbval compares),
keeping only the final state of progress bars;
`course run` executes the same way but leaves the files alone and reports a summary table.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

from . import HEADLINE_MIME

CELL_TIMEOUT = 600  # seconds for one cell; notebooks' own budgets are far smaller


@dataclass
class RunResult:
    """One executed notebook: status is "ok" or "error"; seconds of wall time; headline figures."""

    notebook: str
    status: str
    seconds: float
    headlines: dict = field(default_factory=dict)
    error: str = ""


def headlines_of(nb) -> dict:
    """The figures the notebook showed with `lib.course.headline`, in order."""
    found: dict = {}
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if HEADLINE_MIME in data:
                found.update(data[HEADLINE_MIME])
    return found


def final_frames(nb) -> None:
    """Store each stream as a terminal would show it: a progress bar redraws itself with "\r",
    and every redraw arrives as its own output; keep only what the last one left on each line.
    Consecutive outputs of the same stream are merged first (in place)."""
    for cell in nb.cells:
        merged = []
        for out in cell.get("outputs", []):
            same = merged and out.get("output_type") == "stream" == merged[-1].get("output_type")
            if same and out.get("name") == merged[-1].get("name"):
                merged[-1]["text"] += out["text"]
            else:
                merged.append(out)
        for out in merged:
            if out.get("output_type") == "stream" and "\r" in out["text"]:
                out["text"] = "\n".join(line.rsplit("\r", 1)[-1] for line in out["text"].split("\n"))
        if "outputs" in cell:
            cell["outputs"] = merged


def execute_notebook(path: Path, write: bool = False, timeout: int = CELL_TIMEOUT) -> RunResult:
    """Run every cell of the notebook at path, in its own folder, with a fresh kernel.

    write: store the new outputs in the file (only when every cell succeeded).
    Returns a RunResult; a failing cell gives status "error" and the error's last line.
    """
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    # IPC sockets in a private folder instead of TCP on localhost: the kernel then has no reason
    # to warn about unencrypted TCP before every notebook.
    with tempfile.TemporaryDirectory(prefix="course-kernel-") as sockets:
        km = KernelManager(kernel_name="python3", transport="ipc", ip=str(Path(sockets) / "kernel"))
        client = NotebookClient(
            nb,
            km=km,
            timeout=timeout,
            record_timing=False,
            resources={"metadata": {"path": str(path.parent)}},
        )
        try:
            client.execute()
            status, error = "ok", ""
        except (CellExecutionError, CellTimeoutError, DeadKernelError) as exc:
            status = "error"
            lines = [ln for ln in str(exc).strip().splitlines() if ln.strip()]
            error = lines[-1] if lines else type(exc).__name__
        finally:
            if km.has_kernel:  # a kernel manager passed in is not shut down by nbclient
                km.shutdown_kernel(now=True)
    seconds = time.perf_counter() - start
    if write and status == "ok":
        final_frames(nb)
        nbformat.write(nb, path)
    return RunResult(path.name, status, seconds, headlines_of(nb), error)
