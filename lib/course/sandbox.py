"""Run one untrusted command (a student's submission) in a bubblewrap sandbox.

bubblewrap (`bwrap`, Debian package `bubblewrap`) builds the sandbox from Linux namespaces; nothing
else is needed, and no daemon. Inside:

- the whole file system is visible read-only (`--ro-bind / /`): the checkout, lib/, the virtual
  environment with its site-packages and every __pycache__ cannot be changed;
- one scratch directory (the caller's, bound at the same path) is writable; it is the working
  directory and HOME. /tmp is a private tmpfs (of at most limits.file_mb, as it takes memory),
  empty but for what this Python and the course need when they live there (a CI clone and its
  .venv under /tmp), bound back read-only; /dev and /proc are fresh;
- each path in `readonly` is shown read-only at its own path even where /tmp or a hidden folder
  would cover it (the release bundle a grading worker imports);
- each path in `hide` is an empty read-only directory (e.g. the checkout's solutions/), and so is
  the grading user's home when it is closed to others (e.g. /root), but for this Python's files;
- no network (a private loopback only), new PID, IPC, UTS and cgroup namespaces, a new session
  (no TIOCSTI onto the grader's terminal), no capabilities, and a cleared environment (`env_for`);
- limits set by `prlimit` (util-linux) on every process: address space, CPU seconds, file size and
  the number of processes and threads; the wall time is enforced from outside by a watchdog;
- the process tree dies with the sandbox: the sandbox's PID 1 is killed, and the kernel kills
  every process of its PID namespace (double forks and new sessions included) before it exits.

RLIMIT_NPROC is counted per user and never enforced for root, and the inside of a user namespace
made by root is root outside (measured: as root, `--unshare-user --uid 65534` plus
`prlimit --nproc=5` lets 10 processes start). So as an ordinary user the process limit is
RLIMIT_NPROC, counted per sandbox (its own user namespace); as root each sandbox gets a pids cgroup
of its own (cgroup v1 or v2, `pids.max`), removed afterwards. Starting bwrap as uid 65534 instead
would make RLIMIT_NPROC work too, but then nothing under a private home (e.g. a Python in
/root/.pyenv) is reachable.

What is NOT isolated: the sandbox reads what the grading user can read. Started by root, that is
every file owned by root (measured: /etc/shadow is readable inside) but the masked home: pass
other private directories in `hide`, or grade as an ordinary user. The course, lib and its reference implementations are
readable; removing reference solutions is the job of the student release bundle, a later step.
Scratch directories of other submissions are readable unless they lie under /tmp (hidden by the
private /tmp) or in `hide`. The scratch directory lies on the real disk: RLIMIT_FSIZE caps each
file, not their number. Memory is capped per process (RLIMIT_AS), not per sandbox.

Instructors who prefer containers can run the grader in a Docker or podman image instead (a
read-only image with `--network none --memory ... --pids-limit ...`); this module does not need one.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..paths import CourseError

BWRAP = "bwrap"
PRLIMIT = "prlimit"
SANDBOX_ID = 65534  # uid and gid inside (nobody/nogroup)
INSTALL_HINT = (
    "install bubblewrap (`apt-get install bubblewrap` on Debian/Ubuntu), or grade inside a Docker/podman "
    "container instead"
)
CGROUP_PREFIX = "course-sandbox-"  # as root: one pids cgroup per sandbox, named PREFIX<grader pid>-<n>
STDOUT_CAP = 64 * 2**20  # bytes of stdout that run() keeps; the rest is read and dropped


class SandboxError(CourseError):
    """The sandbox cannot be set up (bwrap missing, bad scratch directory or hidden path)."""


@dataclass(frozen=True)
class Limits:
    """Resource limits of one sandbox.

    memory_mb: address space (RLIMIT_AS) of every process inside, in MiB; cpu_seconds: CPU time of
    every process (RLIMIT_CPU, SIGXCPU then SIGKILL); wall_seconds: wall time of the whole sandbox,
    enforced from outside (the tree is killed after it); max_processes: processes and threads inside
    (RLIMIT_NPROC for an ordinary grading user, a pids cgroup when the grader is root); file_mb: the largest file a
    process may write (RLIMIT_FSIZE), in MiB.
    """

    memory_mb: int = 2048
    cpu_seconds: int = 600
    wall_seconds: float = 600.0
    max_processes: int = 64
    file_mb: int = 512

    def __post_init__(self):
        for name in ("memory_mb", "cpu_seconds", "wall_seconds", "max_processes", "file_mb"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                raise ValueError(f"Limits.{name} must be a positive number, got {value!r}")


@dataclass
class Result:
    """A finished sandbox run: returncode (negative: killed by that signal), stdout (bytes, at most
    STDOUT_CAP kept), stderr (text, decoded with replacement), timed_out (killed at the wall limit)."""

    returncode: int
    stdout: bytes
    stderr: str
    timed_out: bool


def _as_root() -> bool:
    return os.geteuid() == 0


def _pids_root() -> Path | None:
    """The writable cgroup directory with the pids controller (cgroup v1 or v2), or None."""
    for base in (Path("/sys/fs/cgroup/pids"), Path("/sys/fs/cgroup")):
        if (base / "pids.max").exists() or (base / "cgroup.procs").exists() and base.name == "pids":
            if os.access(base, os.W_OK):
                return base
        controllers = base / "cgroup.controllers"
        if controllers.exists() and "pids" in controllers.read_text().split() and os.access(base, os.W_OK):
            return base
    return None


@functools.lru_cache(maxsize=1)
def available() -> str | None:
    """None if a sandbox can be made here, else the reason with an install hint.

    Tries the real thing once (a read-only root, new user/PID/network namespaces, running `true`)
    and caches the answer for the process.
    """
    if shutil.which(BWRAP) is None:
        return f"bubblewrap (`{BWRAP}`) is not installed: {INSTALL_HINT}"
    if shutil.which(PRLIMIT) is None:
        return f"`{PRLIMIT}` (util-linux) is not installed: it sets the sandbox's resource limits"
    if _as_root() and _pids_root() is None:
        return (
            "running as root, the process limit needs a writable pids cgroup (RLIMIT_NPROC does not apply to "
            "root), and none was found under /sys/fs/cgroup: run the grader as an ordinary user, or in a "
            "Docker/podman container with --pids-limit"
        )
    argv = [BWRAP, "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev", "--unshare-user", "--unshare-pid"]
    argv += ["--unshare-net", "--uid", str(SANDBOX_ID), "--gid", str(SANDBOX_ID), "--", PRLIMIT, "--nproc=8", "true"]
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as exc:
        return f"bubblewrap cannot start ({exc}): {INSTALL_HINT}"
    if done.returncode != 0:
        why = done.stderr.strip() or f"exit status {done.returncode}"
        return (
            f"bubblewrap cannot create namespaces here ({why}); unprivileged user namespaces may be disabled "
            f"(sysctl kernel.unprivileged_userns_clone / user.max_user_namespaces, or AppArmor): {INSTALL_HINT}"
        )
    return None


def env_for(scratch: Path, env: Mapping[str, str] | None = None) -> dict[str, str]:
    """The whole environment inside: PATH (this Python's environment first), HOME = scratch, a UTF-8
    locale, one BLAS/OpenMP thread, matplotlib's Agg backend, no bytecode writing; then `env`."""
    path = [str(Path(sys.prefix) / "bin"), "/usr/local/bin", "/usr/bin", "/bin"]
    inside = {
        "PATH": os.pathsep.join(dict.fromkeys(path)),
        "HOME": str(scratch),
        "LANG": "C.UTF-8",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "MPLBACKEND": "Agg",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    inside.update(env or {})
    return inside


def _absolute(path: Path | str, name: str) -> Path:
    path = Path(path)
    if not path.is_absolute():
        path = path.resolve()
    if not path.is_dir():
        raise SandboxError(f"{name} must be an existing directory, got {str(path)!r}")
    return path.resolve()


def _needed_under(root: Path) -> list[Path]:
    """What this Python and this course need that lies under root (its prefixes, sys.path entries,
    the folder holding the `lib` package), fewest folders first: the paths to bind back read-only
    where the sandbox replaces root (a private home, /tmp)."""
    wanted = {Path(sys.prefix), Path(sys.base_prefix), Path(sys.executable).resolve().parent.parent}
    wanted |= {Path(entry) for entry in sys.path if entry}
    wanted.add(Path(__file__).resolve().parents[2])  # lib/course/sandbox.py -> the folder holding lib
    needed = sorted({p.resolve() for p in wanted if p.resolve().is_relative_to(root) and p.resolve().exists()})
    return [p for p in needed if p != root and not any(p != q and p.is_relative_to(q) for q in needed)]


def _private_home_masks() -> list[str]:
    """bwrap arguments that show a home directory closed to others (e.g. /root, mode 0700) as an empty
    directory, except the parts this Python needs (`_needed_under`), bound back read-only; command()
    remounts it read-only after the other mounts. Started by root, the sandbox could otherwise read
    it all (credentials included)."""
    home = Path.home().resolve()
    if not home.is_dir() or home.is_relative_to("/tmp") or home == Path("/") or home.stat().st_mode & 0o005:
        return []  # open to others anyway, or under /tmp, which the sandbox replaces
    masks = ["--tmpfs", str(home)]
    for path in _needed_under(home):
        masks += ["--ro-bind", str(path), str(path)]
    return masks


def command(
    argv: Sequence[str],
    scratch: Path,
    limits: Limits = Limits(),
    hide: Sequence[Path] = (),
    env: Mapping[str, str] | None = None,
    readonly: Sequence[Path] = (),
) -> list[str]:
    """The bwrap command line that runs argv inside the sandbox (see the module docstring).

    argv: the command (argv[0] is looked up on the inside PATH); scratch: an existing directory,
    writable inside, the working directory and HOME; hide: existing directories shown empty and
    read-only; env: variables added to the minimal environment; readonly: existing directories
    shown read-only at their path (bound after /tmp and hide, so that they show through). Raises
    SandboxError for a missing scratch or hidden directory, ValueError for an empty argv. Does not
    start anything, and does not prepare scratch for uid 65534 (Sandbox does).
    """
    if not argv:
        raise ValueError("argv must name a command, got an empty list")
    scratch = _absolute(scratch, "scratch")
    mib = 2**20
    line = [BWRAP, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
    home = _private_home_masks()
    line += home
    line += ["--size", str(limits.file_mb * mib), "--tmpfs", "/tmp"]
    for path in _needed_under(Path("/tmp").resolve()):  # a checkout and its .venv under /tmp (a CI clone)
        line += ["--ro-bind", str(path), str(path)]
    line += ["--bind", str(scratch), str(scratch)]
    for path in hide:
        path = _absolute(path, "each hidden path")
        line += ["--size", str(mib), "--tmpfs", str(path), "--remount-ro", str(path)]
    for path in readonly:
        path = _absolute(path, "each read-only path")
        line += ["--ro-bind", str(path), str(path)]
    if home:  # last: scratch or a hidden path may lie under it
        line += ["--remount-ro", home[1]]
    line += ["--unshare-user", "--uid", str(SANDBOX_ID), "--gid", str(SANDBOX_ID)]
    line += ["--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"]
    line += ["--hostname", "sandbox", "--die-with-parent", "--new-session", "--cap-drop", "ALL"]
    line += ["--chdir", str(scratch), "--clearenv"]
    for key, value in env_for(scratch, env).items():
        line += ["--setenv", key, value]
    line += ["--", PRLIMIT, f"--as={limits.memory_mb * mib}", f"--cpu={int(limits.cpu_seconds)}"]
    line += [f"--fsize={limits.file_mb * mib}", f"--nproc={limits.max_processes}", "--core=0", "--"]
    return line + [str(a) for a in argv]


class _PidsCgroup:
    """A pids cgroup of its own for one sandbox (only as root, where RLIMIT_NPROC does not apply)."""

    def __init__(self, max_pids: int):
        base = _pids_root()
        if base is None:
            raise SandboxError(available() or "no writable pids cgroup")
        self._sweep(base)
        self.path = base / f"{CGROUP_PREFIX}{os.getpid()}-{next(_counter)}"
        self.path.mkdir()
        (self.path / "pids.max").write_text(str(max_pids))

    @staticmethod
    def _sweep(base: Path) -> None:
        """Remove the empty cgroups left by graders that died before cleaning up (killed, say)."""
        for stale in base.glob(f"{CGROUP_PREFIX}*-*"):
            owner = stale.name[len(CGROUP_PREFIX) :].split("-")[0]
            if owner.isdigit() and not Path(f"/proc/{owner}").exists():
                with contextlib.suppress(OSError):
                    stale.rmdir()  # fails while processes are still inside

    def wrap(self, argv: list[str]) -> list[str]:
        """argv started inside the cgroup: a shell moves itself in, then becomes argv."""
        return ["/bin/sh", "-c", 'echo $$ > "$0" && exec "$@"', str(self.path / "cgroup.procs"), *argv]

    def remove(self) -> None:
        for _ in range(100):  # the last processes may still be leaving
            try:
                self.path.rmdir()
                return
            except OSError:
                time.sleep(0.01)


_counter = itertools.count()


class Sandbox:
    """`with Sandbox(argv, scratch, limits, hide=..., env=...) as proc:` runs argv in a sandbox.

    proc is a subprocess.Popen with stdin and stdout as binary pipes; stderr goes to the file
    scratch/stderr.txt (capped by limits.file_mb; read it with `sandbox.stderr()`, which reads the
    grader's own file descriptor, so replacing the file inside changes nothing). proc.kill_tree()
    (also `sandbox.kill_tree()`) kills every process of the sandbox and waits until they are gone;
    it runs when the block ends, normally or by an exception, and from a watchdog thread after
    limits.wall_seconds, which then sets `timed_out` (also as proc.timed_out).
    Raises SandboxError when the sandbox cannot be made (see `available()`).
    """

    def __init__(
        self,
        argv: Sequence[str],
        scratch: Path,
        limits: Limits = Limits(),
        hide: Sequence[Path] = (),
        env: Mapping[str, str] | None = None,
        readonly: Sequence[Path] = (),
    ):
        self.limits = limits
        self.scratch = _absolute(scratch, "scratch")
        self.argv = command(argv, self.scratch, limits, hide, env, readonly)
        self.timed_out = False
        self.proc: subprocess.Popen | None = None
        self._stderr = None
        self._cgroup: _PidsCgroup | None = None
        self._stderr_text: str | None = None
        self._pidfd: int | None = None
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._watchdog: threading.Thread | None = None

    def __enter__(self) -> subprocess.Popen:
        reason = available()
        if reason is not None:
            raise SandboxError(reason)
        self._cgroup = _PidsCgroup(self.limits.max_processes + 2) if _as_root() else None  # + bwrap's two
        self._stderr = open(self.scratch / "stderr.txt", "w+b")  # noqa: SIM115 (closed in __exit__)
        info_read, info_write = os.pipe()
        try:
            argv = [self.argv[0], "--info-fd", str(info_write)] + self.argv[1:]
            argv = self._cgroup.wrap(argv) if self._cgroup else argv
            self.proc = subprocess.Popen(
                argv,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self._stderr,
                pass_fds=(info_write,),
            )
        except BaseException:
            os.close(info_read)
            self._stderr.close()
            if self._cgroup:
                self._cgroup.remove()
            raise
        finally:
            os.close(info_write)
        self._pidfd = self._open_init(info_read)
        self.proc.kill_tree = self.kill_tree
        self.proc.timed_out = False
        self._watchdog = threading.Thread(target=self._watch, name="sandbox-watchdog", daemon=True)
        self._watchdog.start()
        return self.proc

    def _open_init(self, info_read: int) -> int | None:
        """A pidfd on the sandbox's PID 1 (bwrap's child), read from --info-fd: once it has exited,
        the kernel has killed and reaped every process of the PID namespace."""
        data = b""
        with os.fdopen(info_read, "rb") as info:
            data = info.read()  # bwrap closes the descriptor after writing, before running argv
        try:
            pid = int(json.loads(data)["child-pid"])
            pidfd = os.pidfd_open(pid)
        except (ValueError, KeyError, OSError):
            return None  # bwrap failed, or PID 1 already exited (then its namespace is gone)
        if self.proc.poll() is not None:
            os.close(pidfd)  # bwrap reaped PID 1 already: the pid may since belong to someone else
            return None
        return pidfd

    def _watch(self) -> None:
        if not self._done.wait(self.limits.wall_seconds):
            self.timed_out = True
            self.proc.timed_out = True
            self.kill_tree()

    def kill_tree(self) -> None:
        """Kill every process of the sandbox and wait for them (idempotent, thread-safe)."""
        with self._lock:
            if self.proc is None:
                return
            if self._pidfd is not None:
                with contextlib.suppress(OSError):
                    signal.pidfd_send_signal(self._pidfd, signal.SIGKILL)
            with contextlib.suppress(ProcessLookupError):
                self.proc.kill()
            self.proc.wait()
            if self._pidfd is not None:
                # PID 1 was reparented when bwrap died: wait until it (and so its namespace) is gone.
                select.select([self._pidfd], [], [], 10.0)
                os.close(self._pidfd)
                self._pidfd = None

    def stderr(self) -> str:
        """What the sandbox wrote to stderr (so far, inside the block), decoded with replacement."""
        if self._stderr_text is not None:
            return self._stderr_text
        self._stderr.flush()
        self._stderr.seek(0)
        return self._stderr.read().decode("utf-8", errors="replace")

    def __exit__(self, *exc_info) -> None:
        self._done.set()
        self.kill_tree()
        for stream in (self.proc.stdin, self.proc.stdout):
            with contextlib.suppress(OSError):
                stream.close()
        if self._watchdog is not None:
            self._watchdog.join()
        self._stderr_text = self.stderr()
        self._stderr.close()
        if self._cgroup:
            self._cgroup.remove()


def _drain(stream, keep: list[bytes], cap: int) -> None:
    """Read stream to its end, keeping at most cap bytes (so a flood cannot fill the grader's memory)."""
    kept = 0
    while chunk := stream.read(65536):
        if kept < cap:
            keep.append(chunk[: cap - kept])
            kept += len(keep[-1])


def run(
    argv: Sequence[str],
    scratch: Path,
    limits: Limits = Limits(),
    hide: Sequence[Path] = (),
    env: Mapping[str, str] | None = None,
    input: bytes | None = None,
    readonly: Sequence[Path] = (),
) -> Result:
    """Run argv in a sandbox to completion, or until the wall limit kills it; see Sandbox.

    input: bytes written to its stdin (then closed). Returns Result(returncode, stdout, stderr,
    timed_out); stdout keeps at most STDOUT_CAP bytes. Raises SandboxError as Sandbox does.
    """
    box = Sandbox(argv, scratch, limits, hide=hide, env=env, readonly=readonly)
    with box as proc:
        out: list[bytes] = []
        reader = threading.Thread(target=_drain, args=(proc.stdout, out, STDOUT_CAP), daemon=True)
        reader.start()
        with contextlib.suppress(BrokenPipeError, OSError):
            if input:
                proc.stdin.write(input)
            proc.stdin.close()
        proc.wait()
        # The command exited, which ended its PID namespace: the reader sees the pipe's end.
        reader.join(timeout=5)
    return Result(proc.returncode, b"".join(out), box.stderr(), box.timed_out)
