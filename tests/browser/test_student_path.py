"""A student's first minutes in a real browser: JupyterLab in Debian's Chromium, driven by
Playwright (`make test-browser`, in a fresh .venv-browser that starts without the course).

First the notebook's own install cell installs the course, as it would on Colab (from this
checkout instead of GitHub). Then the test opens a copy of the 01 release, runs all cells (Run
All stops at the first check), reads the one-line "not implemented" message, types the first
solution, sees the green line, finds the check cells locked and no instructor menus.
Screenshots go to build/browser/. Nothing here imports the course itself.
"""

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

playwright = pytest.importorskip("playwright.sync_api")
expect = playwright.expect

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "build" / "browser"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
NOTEBOOK = "linear_regression.ipynb"
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"  # hidden tabs keep their cells in the DOM
SOLUTION = (
    "def mse_loss(W, b, X, y):\n"
    '    """Mean squared error of y_hat = X @ W + b."""\n'
    "    return float(np.mean((X @ W + b - y) ** 2))\n"
)


def _python(code: str) -> subprocess.CompletedProcess:
    """Run code in a fresh interpreter of this environment, away from the checkout."""
    with tempfile.TemporaryDirectory() as away:
        return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=away)


@pytest.fixture(scope="module")
def installed():
    """The course installed by the release's own first cell, in a Python that did not have it."""
    subprocess.run([sys.executable, "-m", "pip", "uninstall", "-y", "-q", "dl-from-scratch-course"], check=False)
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert _python("import lib").returncode != 0, "the course should not be installed yet"
    release = json.loads((ROOT / "assignments" / "01_linear_regression" / NOTEBOOK).read_text())
    first = next(c for c in release["cells"] if c["cell_type"] == "code")
    assert "course-install" in first["metadata"].get("tags", [])
    source = "".join(first["source"])
    git_url = source.split('COURSE = "', 1)[1].split('"', 1)[0]
    local = source.replace(git_url, f"dl-from-scratch-course @ {ROOT.as_uri()}")  # the checkout stands in for GitHub
    done = _python(local)
    assert done.returncode == 0, done.stderr[-2000:]
    return _python("import lib.checks, lib.paths; print(lib.paths.in_checkout())")


def test_the_first_cell_installs_the_course_where_it_is_missing(installed):
    assert installed.returncode == 0, installed.stderr
    assert installed.stdout.strip() == "False"  # an installed copy, as on Colab, not the checkout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory, installed):
    """JupyterLab on 127.0.0.1 with a token, serving a copy of the 01 release; yields its URL."""
    work = tmp_path_factory.mktemp("student")
    shutil.copytree(ROOT / "assignments" / "01_linear_regression", work / "01_linear_regression")
    port, token = _free_port(), secrets.token_hex(16)
    # Draw every cell, off-screen ones too (JupyterLab 4 draws only the visible ones by default,
    # and a cell that scrolled away would vanish from under the locators).
    settings = work / ".lab-settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    (settings / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    env = dict(
        os.environ,
        JUPYTER_CONFIG_DIR=str(work / ".jupyter"),
        JUPYTERLAB_SETTINGS_DIR=str(work / ".lab-settings"),
        HOME=str(work),
        OPENBLAS_NUM_THREADS="1",
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}", "--allow-root",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={work}"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=1)
            break
        except OSError:
            time.sleep(0.5)
    else:
        server.kill()
        pytest.fail("JupyterLab did not start within 60 s")
    yield f"{base}/lab/tree/01_linear_regression/{NOTEBOOK}?token={token}"
    server.terminate()
    server.wait(timeout=30)


@pytest.fixture(scope="module")
def page(lab):
    SHOTS.mkdir(parents=True, exist_ok=True)
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.set_default_timeout(180_000)  # a first import of matplotlib in a fresh HOME builds its font cache
        page.goto(lab)
        page.wait_for_selector(f"{PANEL} .jp-Cell")
        _wait_idle(page)
        news = page.locator(".jp-toast-button", has_text="No")  # JupyterLab asks once about its news feed
        if news.count():
            news.first.click()
        yield page
        browser.close()


def _wait_idle(page, timeout=180_000):
    """Until the kernel is connected and idle, and no cell waits in the queue ([*])."""
    expect(page.locator(".jp-StatusBar-Widget", has_text="Python 3 (ipykernel) | Idle")).to_be_visible(timeout=timeout)
    page.wait_for_selector(f"{PANEL} .jp-Notebook-ExecutionIndicator[data-status=idle]", timeout=timeout)
    page.wait_for_function(
        f"""() => ![...document.querySelectorAll('{PANEL} .jp-InputPrompt')]
                   .some(p => p.textContent.includes('*'))""",
        timeout=timeout,
    )


def _cell(page, text: str):
    """The code cell whose source contains text."""
    return page.locator(f"{PANEL} .jp-CodeCell").filter(has=page.locator(".jp-InputArea", has_text=text)).first


def _output(cell) -> str:
    return cell.locator(".jp-OutputArea").evaluate("el => el.textContent")


def _run_all(page):
    """Run > Run All Cells, once more if the first cell has not started within 30 s (a click that
    lands while JupyterLab still connects the kernel can be lost)."""
    first = page.locator(f"{PANEL} .jp-CodeCell .jp-InputPrompt").first
    for _ in range(2):
        page.locator(".lm-MenuBar-item", has_text="Run").click()
        page.locator(".lm-Menu-item[data-command='runmenu:run-all']").click()
        try:
            expect(first).not_to_have_text("[ ]:", timeout=30_000)
            return
        except AssertionError:
            page.keyboard.press("Escape")
    raise AssertionError("Run All did not start the notebook")


def test_run_all_stops_at_the_first_check_with_one_line(page):
    _run_all(page)
    check = _cell(page, "checks.mse_loss(mse_loss)")
    expect(check.locator(".jp-OutputArea")).to_contain_text("mse_loss", timeout=180_000)
    _wait_idle(page)
    check.scroll_into_view_if_needed()
    page.screenshot(path=SHOTS / "1-run-all.png")
    text = _output(check)
    assert "✗ mse_loss: not implemented yet" in text
    lines = [ln for ln in check.locator(".jp-OutputArea-output").inner_text().splitlines() if ln.strip()]
    assert 1 <= len(lines) <= 6, lines
    assert "Traceback" not in text and "lib/checks" not in text
    # Run All stopped there: the cell after the check never ran.
    assert _output(_cell(page, "MSE at the true line")).strip() == ""


def test_the_students_solution_gets_the_green_line(page):
    exercise = _cell(page, "def mse_loss(W, b, X, y):")
    exercise.locator(".cm-content").click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(SOLUTION)  # inserted as text, not typed: no editor auto-indent
    page.keyboard.press("Shift+Enter")  # runs it and moves to the check cell
    _wait_idle(page)
    page.keyboard.press("Shift+Enter")
    check = _cell(page, "checks.mse_loss(mse_loss)")
    expect(check.locator(".jp-OutputArea")).to_contain_text("✓ mse_loss", timeout=180_000)
    page.screenshot(path=SHOTS / "2-green-line.png")
    assert "✓ mse_loss" in _output(check) and "✗" not in _output(check)


def test_check_cells_are_locked(page):
    check = _cell(page, "checks.mse_loss(mse_loss)")
    check.locator(".cm-content").click()
    page.keyboard.press("End")
    page.keyboard.insert_text("  # edited")
    page.keyboard.press("Backspace")
    assert check.locator(".cm-content").inner_text().strip() == "checks.mse_loss(mse_loss)"
    page.screenshot(path=SHOTS / "3-locked.png")


def test_no_instructor_tools_in_the_students_lab(page):
    menus = page.locator(".lm-MenuBar-item").all_inner_texts()
    assert not any("nbgrader" in m.lower() for m in menus), menus
    side = " ".join(page.locator(".jp-SideBar .lm-TabBar-tab").evaluate_all("tabs => tabs.map(t => t.title)"))
    for tool in ("Create Assignment", "Formgrader", "Assignment List", "Course List"):
        assert tool not in side, side
    page.screenshot(path=SHOTS / "4-menus.png")
