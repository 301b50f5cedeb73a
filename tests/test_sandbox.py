"""lib/course/sandbox.py: each property of the bubblewrap sandbox, tried from inside.

Skipped with the reason when bubblewrap cannot run here, except under CI=true, where a missing
sandbox fails (test_available_under_ci).
"""

from __future__ import annotations

import os
import shutil
import site
import sys
import tempfile
import time
from pathlib import Path

import pytest

from lib.course import sandbox
from lib.course.sandbox import Limits, Sandbox, run

REASON = sandbox.available()
ON_CI = os.environ.get("CI") == "true"
needs_sandbox = pytest.mark.skipif(REASON is not None and not ON_CI, reason=f"no sandbox here: {REASON}")
FAST = Limits(wall_seconds=20.0)
PY = sys.executable


def py(code: str, scratch: Path, limits: Limits = FAST, **kwargs):
    return run([PY, "-c", code], scratch, limits, **kwargs)


def test_available_under_ci():
    if not ON_CI:
        pytest.skip("only under CI=true, where the sandbox must work")
    assert sandbox.available() is None


def test_command_is_built_without_bwrap(tmp_path):
    line = sandbox.command(["echo", "hi"], tmp_path, Limits(memory_mb=100), hide=[tmp_path], env={"A": "1"})
    assert line[:5] == ["bwrap", "--ro-bind", "/", "/", "--dev"]
    for flag in ("--unshare-net", "--unshare-pid", "--die-with-parent", "--new-session", "--clearenv"):
        assert flag in line
    assert f"--as={100 * 2**20}" in line and line[-2:] == ["echo", "hi"]
    with pytest.raises(sandbox.SandboxError, match="scratch"):
        sandbox.command(["true"], tmp_path / "missing")
    with pytest.raises(ValueError, match="memory_mb"):
        Limits(memory_mb=0)


@needs_sandbox
def test_file_system_is_read_only_but_scratch(tmp_path):
    site_packages = Path(site.getsitepackages()[0]) if hasattr(site, "getsitepackages") else Path(sys.prefix)
    lib_dir = Path(sandbox.__file__).resolve().parents[1]
    pycache = lib_dir / "course" / "__pycache__"
    targets = [lib_dir / "checks" / "planted.py", site_packages / "planted.pth", pycache / "x.pyc"]
    code = (
        "import os, sys\n"
        f"for path in {[str(t) for t in targets]!r}:\n"
        "    try:\n        open(path, 'w').write('x'); print('WROTE', path)\n"
        "    except OSError as exc:\n        print(exc.strerror)\n"
        "open('mine.txt', 'w').write('ok'); open('/tmp/t', 'w').write('ok')\n"
        "print(os.getcwd(), os.environ['HOME'], sorted(os.listdir('/tmp')))\n"
    )
    result = py(code, tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.decode().splitlines()
    # a folder that exists is read-only; one that does not (no __pycache__ yet in a fresh clone)
    # cannot be made
    expected = ["Read-only file system" if t.parent.is_dir() else "No such file or directory" for t in targets]
    assert lines[:3] == expected
    # /tmp is private: only our file, the way to scratch when scratch lies under /tmp, and the way
    # to this Python and course when they live there (a CI clone)
    way = {tmp_path.relative_to("/tmp").parts[0]} if tmp_path.is_relative_to("/tmp") else set()
    way |= {p.relative_to("/tmp").parts[0] for p in sandbox._needed_under(Path("/tmp").resolve())}
    assert lines[3] == f"{tmp_path} {tmp_path} {sorted({'t', *way})}"
    assert (tmp_path / "mine.txt").read_text() == "ok"
    assert not any(t.exists() for t in targets)


@needs_sandbox
def test_hidden_paths_are_empty_and_read_only(tmp_path):
    secret = tmp_path / "solutions"
    secret.mkdir()
    (secret / "answer.py").write_text("42")
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    code = f"import os; print(os.listdir({str(secret)!r}))\nopen({str(secret / 'x')!r}, 'w')"
    result = py(code, scratch, hide=[secret])
    assert result.stdout == b"[]\n"
    assert "Read-only file system" in result.stderr
    assert sorted(p.name for p in secret.iterdir()) == ["answer.py"]


@needs_sandbox
def test_environment_network_and_capabilities(tmp_path, monkeypatch):
    monkeypatch.setenv("GRADER_SECRET", "s3cret")
    code = (
        "import os, socket\n"
        "print(sorted(os.environ))\n"
        "print(os.environ['EXTRA'], os.environ['OPENBLAS_NUM_THREADS'], os.environ['MPLBACKEND'])\n"
        "print([l.split()[1] for l in open('/proc/self/status') if l.startswith('CapEff')][0])\n"
        "print(os.getpid() < 10, os.getuid())\n"
        "try:\n    socket.create_connection(('1.1.1.1', 53), timeout=2); print('online')\n"
        "except OSError:\n    print('offline')\n"
    )
    result = py(code, tmp_path, env={"EXTRA": "yes"})
    names, values, caps, pid, net = result.stdout.decode().splitlines()
    assert "GRADER_SECRET" not in names and "'PATH'" in names and "'HOME'" in names
    assert values == "yes 1 Agg"
    assert int(caps, 16) == 0
    assert pid == f"True {sandbox.SANDBOX_ID}"
    assert net == "offline"


@needs_sandbox
def test_memory_limit(tmp_path):
    code = "try:\n    b = bytearray(4 * 2**30)\n    print('allocated')\nexcept MemoryError:\n    print('MemoryError')"
    result = py(code, tmp_path, Limits(memory_mb=1024, wall_seconds=20))
    assert result.stdout == b"MemoryError\n"


@needs_sandbox
def test_cpu_and_file_size_limits(tmp_path):
    result = run(["sh", "-c", "while :; do :; done"], tmp_path, Limits(cpu_seconds=1, wall_seconds=20))
    assert result.returncode != 0 and not result.timed_out  # SIGXCPU, before the wall limit
    code = "open('big', 'wb').write(b'x' * (3 * 2**20))"
    result = py(code, tmp_path, Limits(file_mb=1, wall_seconds=20))
    assert result.returncode != 0
    assert (tmp_path / "big").stat().st_size <= 2**20


@needs_sandbox
def test_fork_bomb_is_stopped(tmp_path):
    code = (
        "import os, time\n"
        "children = 0\n"
        "for _ in range(200):\n"
        "    try:\n        pid = os.fork()\n    except OSError:\n        break\n"
        "    if pid == 0:\n        time.sleep(5); os._exit(0)\n"
        "    children += 1\n"
        "print(children)\n"
    )
    started = time.monotonic()
    result = py(code, tmp_path, Limits(max_processes=16, wall_seconds=20))
    children = int(result.stdout)
    assert 5 <= children < 16, children
    assert time.monotonic() - started < 4  # the sleeping children were killed with the sandbox
    assert os.fork is not None  # the grader still runs


@needs_sandbox
@pytest.mark.parametrize(
    "launch",
    [
        "subprocess.Popen(['sh', '-c', MARK], start_new_session=True)",
        "subprocess.Popen(['sh', '-c', '(' + MARK + ') &'])",  # a double fork
        "subprocess.Popen(['sh', '-c', 'nohup sh -c \"' + MARK + '\" >/dev/null 2>&1 &'])",
    ],
    ids=["new-session", "double-fork", "nohup"],
)
def test_nothing_outlives_the_sandbox(tmp_path, launch):
    tag = f"outlive-{os.getpid()}-{time.monotonic_ns()}"
    mark = f"sleep 1.5; echo {tag} > {tmp_path / 'late.txt'}"
    code = f"import subprocess\nMARK = {mark!r}\n{launch}\nprint('started')"
    with Sandbox([PY, "-c", code], tmp_path, FAST) as proc:
        assert proc.stdout.readline() == b"started\n"
    time.sleep(2.0)
    assert not (tmp_path / "late.txt").exists()
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            assert tag.encode() not in cmdline.read_bytes()
        except OSError:
            pass  # the process ended while we looked


@needs_sandbox
def test_wall_limit_kills_and_reports(tmp_path):
    started = time.monotonic()
    result = py("while True: pass", tmp_path, Limits(wall_seconds=2))
    assert result.timed_out and result.returncode != 0
    assert 1.9 < time.monotonic() - started < 4


@needs_sandbox
def test_exception_in_block_kills_the_tree(tmp_path):
    with pytest.raises(RuntimeError), Sandbox(["sleep", "100"], tmp_path, FAST) as proc:
        raise RuntimeError("grader failed")
    assert proc.returncode is not None and not proc.timed_out


@needs_sandbox
def test_stdin_stdout_and_stderr(tmp_path):
    code = "import sys; sys.stdout.buffer.write(sys.stdin.buffer.read()[::-1]); print('warn', file=sys.stderr)"
    result = py(code, tmp_path, input=b"abc")
    assert result.returncode == 0
    assert result.stdout == b"cba" and result.stderr == "warn\n"


@needs_sandbox
def test_private_home_is_masked_but_python_works(monkeypatch):
    home = Path(tempfile.mkdtemp(dir="/var/tmp" if Path("/var/tmp").is_dir() else None)) / "home"
    monkeypatch.chdir("/")
    try:
        home_is_masked(home, monkeypatch)
    finally:
        shutil.rmtree(home.parent)


def home_is_masked(home: Path, monkeypatch):
    (home / ".ssh").mkdir(parents=True)
    (home / ".ssh" / "id_rsa").write_text("secret")
    scratch = home / "grading" / "one"
    scratch.mkdir(parents=True)
    home.chmod(0o700)
    monkeypatch.setattr(Path, "home", classmethod(lambda cls: home))
    code = f"import os; print(sorted(os.listdir({str(home)!r})))\nopen('ok', 'w').write('1')\n"
    code += f"open({str(home / 'x')!r}, 'w')"
    result = py(code, scratch)
    assert result.stdout == b"['grading']\n", result.stderr
    assert (scratch / "ok").read_text() == "1"
    assert "Read-only file system" in result.stderr


@needs_sandbox
def test_private_tmp_is_capped(tmp_path):
    code = "open('/tmp/big', 'wb').write(b'x' * (3 * 2**20))"
    result = py(code, tmp_path, Limits(file_mb=2, wall_seconds=20))
    assert result.returncode != 0
    code = "for i in range(3):\n    open(f'/tmp/f{i}', 'wb').write(b'x' * (2**20 - 4096))"
    result = py(code, tmp_path, Limits(file_mb=2, wall_seconds=20))
    assert "No space left on device" in result.stderr  # each file is below file_mb, their sum is not


@needs_sandbox
def test_cgroups_are_removed_and_stale_ones_swept(tmp_path):
    base = sandbox._pids_root()
    if os.geteuid() != 0 or base is None:
        pytest.skip("pids cgroups are used only when the grader is root")
    dead = 2**22 + 1  # above pid_max's largest value: no such process
    stale = base / f"{sandbox.CGROUP_PREFIX}{dead}-0"
    stale.mkdir(exist_ok=True)
    assert run(["true"], tmp_path).returncode == 0
    assert not stale.exists()
    assert not list(base.glob(f"{sandbox.CGROUP_PREFIX}{os.getpid()}-*"))
