"""How a failed check looks in Jupyter: one red line, plus the student's own lines when their
code raised; never the checker's source (IPython shows what `_render_traceback_` returns)."""

import numpy as np
import pytest

from lib import checks
from lib.checks import CheckFailed


def failure(check, fn) -> list[str]:
    with pytest.raises(CheckFailed) as err:
        check(fn)
    return err.value._render_traceback_()


def test_a_wrong_value_is_one_line():
    lines = failure(checks.mse_loss, lambda W, b, X, y: 1.0)
    assert len(lines) == 1 and lines[0].startswith("\x1b[31m✗ mse_loss: the loss is wrong")


def test_not_implemented_is_one_line():
    def mse_loss(W, b, X, y):
        raise NotImplementedError()

    [line] = failure(checks.mse_loss, mse_loss)
    assert "not implemented yet" in line


def test_an_exception_shows_the_students_line_not_the_checkers():
    def mse_loss(W, b, X, y):
        residual = X @ np.ones(len(y)) + b  # (N, D) @ (N,): a shape error inside NumPy
        return float(np.mean(residual))

    lines = failure(checks.mse_loss, mse_loss)
    assert len(lines) <= 6, lines
    assert "raised ValueError" in lines[0]
    assert any("residual = X @ np.ones(len(y)) + b" in line for line in lines)
    assert not any("lib/checks" in line or "numpy" in line.split(",")[0] for line in lines[1:])


def test_ipython_shows_only_the_rendered_lines(capsys):
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    shell.run_cell("from lib import checks\nchecks.mse_loss(lambda W, b, X, y: 1.0)")
    shown = capsys.readouterr()
    text = shown.out + shown.err
    assert "✗ mse_loss: the loss is wrong" in text
    assert "Traceback" not in text and "expected = ref" not in text and "core.py" not in text
