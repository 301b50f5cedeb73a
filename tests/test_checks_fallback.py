"""student_or_reference: the student's function runs; a stub falls back to the reference, once."""

import numpy as np
import pytest

from lib import layers
from lib.checks import NotFinished, student_or_reference


def relu_forward(x):
    raise NotImplementedError()


def test_a_stub_falls_back_to_the_reference_with_one_line(capsys):
    run = student_or_reference(relu_forward, "lib.layers")
    x = np.array([-1.0, 2.0])
    out, _ = run(x)
    out2, _ = run(x)
    np.testing.assert_array_equal(out, layers.relu_forward(x)[0])
    np.testing.assert_array_equal(out2, out)
    printed = capsys.readouterr().out
    assert printed.count("relu_forward is not finished yet") == 1
    assert "lib.layers.relu_forward" in printed
    assert run.__name__ == "relu_forward"


def test_the_students_code_runs_and_its_errors_are_its_own(capsys):
    calls = []

    def relu_forward(x):
        calls.append(x)
        return "mine", None

    assert student_or_reference(relu_forward, "lib.layers")(np.zeros(2))[0] == "mine"
    assert len(calls) == 1

    def broken(x):
        raise ValueError("a bug of mine")

    with pytest.raises(ValueError, match="a bug of mine"):
        student_or_reference(broken, "lib.layers", name="relu_forward")(np.zeros(2))
    assert capsys.readouterr().out == ""


def test_without_a_reference_the_message_names_the_exercise():
    def softmax_flavour(x):
        raise NotImplementedError()

    with pytest.raises(NotFinished, match="finish the exercise `softmax_flavour` above first"):
        student_or_reference(softmax_flavour, "lib.layers")(1)
    with pytest.raises(NotFinished):
        student_or_reference(softmax_flavour, "lib.no_such_module")(1)
    with pytest.raises(TypeError, match="fn must be a function"):
        student_or_reference(3, "lib.layers")
