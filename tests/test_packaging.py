"""environment.yml and pyproject.toml list the same packages, and the entry points work."""

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

from lib.data import write_idx
from lib.data.fetch import IDX_FILES, sha256_of
from lib.paths import ROOT


def _name(req: str) -> str:
    return re.split(r"[<>=!~ \[]", req.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_matches_pyproject():
    """environment.yml (conda, Binder: students) is the notebooks' runtime and JupyterLab."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = project["dependencies"] + project["optional-dependencies"]["lab"]
    wanted = {_name(r): r.split("#")[0].strip() for r in reqs}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = {_name(d): d for d in env["dependencies"] if isinstance(d, str)}
    conda.pop("python"), conda.pop("pip")
    assert conda.keys() == wanted.keys()
    # Same lower bounds too, so the two installs cannot drift apart.
    for name, req in wanted.items():
        assert re.sub(r"\s", "", conda[name]) == re.sub(r"\s", "", req), (name, conda[name], req)
    assert {"pip": ["-e ."]} in env["dependencies"]


def test_course_command_and_module_entry_point():
    out = subprocess.run([sys.executable, "-m", "lib.course", "--help"], capture_output=True, text=True)
    assert out.returncode == 0
    for cmd in ("generate", "check", "execute", "run", "grade", "fetch"):
        assert cmd in out.stdout
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["scripts"]["course"] == "lib.course.cli:main"
    assert project["requires-python"] == ">=3.10"


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in readme and "make run" in readme
    commands = [ln.strip() for ln in ci.splitlines() if ln.strip() and not ln.strip().startswith("#")]
    makes = [c for c in commands if c.startswith("make ")]
    assert makes == ["make test", "make test-lowest", "make test-browser"]


@pytest.fixture(scope="module")
def installed_copy(tmp_path_factory):
    """pip install . (not editable) into a folder outside the checkout, as on Colab; returns the
    environment that makes Python use it, with a home folder of its own."""
    tmp = tmp_path_factory.mktemp("installed")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "--target",
            tmp / "site",
            ROOT,
        ],
        check=True,
        capture_output=True,
    )
    return {"PYTHONPATH": str(tmp / "site"), "PATH": "/usr/bin:/bin", "HOME": str(tmp / "home")}, tmp


def test_an_installed_copy_ships_the_registry_and_refuses_checkout_commands(installed_copy):
    """Data work in an installed copy; the instructor commands fail clearly."""
    env, tmp_path = installed_copy
    probe = (
        "import lib.paths as p; from lib.data.fetch import DATA_DIR, load_registry;"
        "print(p.in_checkout(), len(load_registry()), DATA_DIR.is_relative_to(p.ROOT))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert out.stdout.split() == ["False", "13", "False"], out.stderr  # no checkout; registry shipped; data in a cache
    for command in (["check"], ["generate"], ["run"]):
        out = subprocess.run(
            [sys.executable, "-m", "lib.course", *command], capture_output=True, text=True, env=env, cwd=tmp_path
        )
        assert out.returncode == 2 and "needs the course's repository" in out.stderr, out.stderr
        assert "Traceback" not in out.stderr


def test_an_installed_copy_loads_data_and_fetches_into_a_per_user_cache(installed_copy, local_mirror):
    env, _ = installed_copy
    www, mirror = local_mirror
    for name in IDX_FILES:
        images = np.arange(28 * 28 * 2, dtype=np.uint8).reshape(2, 28, 28)
        write_idx(www / name, images if "images" in name else np.ones(2, np.uint8))
    registry = {f"mnist_full/{n}": sha256_of(www / n) for n in IDX_FILES}
    probe = (
        "from lib.data import fetch, load_mnist_5k, load_mnist_full;"
        f"paths = fetch('mnist_full', registry={registry!r}, mirrors=({mirror!r},), progressbar=False);"
        f"X, *_ = load_mnist_full(registry={registry!r}); X5, y5 = load_mnist_5k();"
        "print(paths[0].parent, X.shape, X5.shape)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, cwd=www)
    assert out.returncode == 0, out.stderr
    folder, shapes = out.stdout.split(" ", 1)
    assert Path(folder).is_relative_to(Path(env["HOME"]) / ".cache"), folder  # pooch's per-user cache
    assert shapes.split() == ["(2,", "28,", "28)", "(5000,", "28,", "28)"], shapes


def test_students_do_not_install_the_instructor_tools():
    """nbgrader (its JupyterLab menus), nbval and Dask (batch grading) come only with the instructor extra."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = {_name(r) for r in project["dependencies"]}
    assert not runtime & {"nbgrader", "nbval", "pytest", "jupyterlab"}  # Colab keeps its own Jupyter
    assert {_name(r) for r in project["optional-dependencies"]["instructor"]} == {"nbgrader", "nbval", "dask"}
    makefile = (ROOT / "Makefile").read_text()
    assert '-e ".[lab,instructor,test]"' in makefile
