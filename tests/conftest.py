"""Shared test set-up: parametrize the standard check tests of `check_harness.CheckTests`, and a
local HTTP mirror for the download tests (nothing is downloaded from outside at test time)."""

import http.server
import threading
from functools import partial

import pytest
from check_harness import CheckTests


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # no request lines in the test output
        pass


@pytest.fixture
def local_mirror(tmp_path):
    """An HTTP server on 127.0.0.1 serving tmp_path/www; yields (that folder, its base URL)."""
    www = tmp_path / "www"
    www.mkdir()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(www)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield www, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def pytest_generate_tests(metafunc):
    cls = metafunc.cls
    if cls is None or not issubclass(cls, CheckTests):
        return
    if "exercise" in metafunc.fixturenames:
        metafunc.parametrize("exercise", list(cls.references))
    if "mistake" in metafunc.fixturenames:
        ids = [f"{name}-{getattr(wrong, '__name__', 'fn')}-{i}" for i, (name, wrong, _) in enumerate(cls.mistakes)]
        metafunc.parametrize("mistake", cls.mistakes, ids=ids)
    if "alternative" in metafunc.fixturenames:
        ids = [f"{name}-{getattr(fn, '__name__', 'fn')}-{i}" for i, (name, fn) in enumerate(cls.alternatives)]
        metafunc.parametrize("alternative", cls.alternatives, ids=ids)
