"""The mutation-testing harness (lib.course.mutation) without running mutmut: what it builds,
how it reads results and equivalent mutants, and the report."""

import importlib
import sys

import pytest

from lib.course import mutation as M
from lib.paths import CourseError


@pytest.fixture(scope="module")
def project_01(tmp_path_factory):
    return M.build("01_linear_regression", tmp_path_factory.mktemp("mutation"))


def test_opened_marks_only_the_solution_region():
    cell = "def f(x):\n    y = 1\n    ### BEGIN SOLUTION\n    for i in x:\n        y += i\n    ### END SOLUTION\n"
    out = M._opened(cell).splitlines()
    assert out[2] == "    # pragma: no mutate end" and out[5] == "    # pragma: no mutate start"
    assert out[6] == "    pass"  # the end marker closes the function: a statement carries the comment


def test_each_module_opens_one_exercise(project_01):
    project, exercises = project_01
    assert [e.grade_id for e in exercises][:3] == ["mse_loss", "mse_grad_loop", "mse_grad"]
    source = (project / "exercises" / "mse_grad.py").read_text()
    assert source.startswith("# pragma: no mutate start") and source.rstrip().endswith("# pragma: no mutate end")
    assert source.count("# pragma: no mutate end") == 2  # the mse_grad region, and the module's end
    assert "### BEGIN SOLUTION" in source  # the other exercises stay frozen, markers and all


def test_built_checks_pass_on_the_unmutated_solutions(project_01, capsys, monkeypatch):
    project, exercises = project_01
    monkeypatch.syspath_prepend(str(project))
    for ex in exercises:
        module = importlib.import_module(f"exercises.{ex.grade_id}")
        capsys.readouterr()
        exec(ex.check_source, vars(module))
        assert "✓" in capsys.readouterr().out, ex.grade_id
    for name in [n for n in sys.modules if n.startswith("exercises")]:
        monkeypatch.delitem(sys.modules, name)


def test_a_class_exercise_collects_each_of_its_checks(tmp_path):
    _, exercises = M.build("02_svm", tmp_path)
    ex = {e.grade_id: e for e in exercises}["linear_classifier"]
    assert "linear_classifier_train" in ex.check_source and "linear_classifier_predict" in ex.check_source


def test_unknown_assignment_is_a_clear_error(tmp_path):
    with pytest.raises(CourseError, match="no such assignment: 99_nope"):
        M.build("99_nope", tmp_path)


def test_report_counts_timeouts_as_killed_and_listed_equivalents_apart():
    ex = [M.Exercise("a", "nb", "f", "checks.f(f)")]
    mutants = [
        M.Mutant("m1", "f", "killed"),
        M.Mutant("m2", "f", "timeout"),
        M.Mutant("m3", "f", "survived", "x > 0", "x >= 0"),
        M.Mutant("m4", "f", "survived", "y = 1", "y = 2"),
    ]
    equivalents = [{"exercise": "f", "original": "x > 0", "mutated": "x >= 0", "reason": "ties"}]
    [row] = M.report(mutants, ex, equivalents)
    assert (row.mutants, row.killed, row.equivalent, len(row.survivors)) == (4, 2, 1, 1)
    assert row.score == pytest.approx(2 / 3)
    assert "| `f` | 4 | 2 | 1 | 1 | 66.7 % |" in M.table([row])


def test_equivalents_need_a_reason(tmp_path):
    (tmp_path / "01.toml").write_text('[[mutant]]\nexercise = "f"\noriginal = "a"\nmutated = "b"\nreason = ""\n')
    with pytest.raises(M.MutationError, match="reason"):
        M.load_equivalents(tmp_path)


def test_reviewed_equivalents_are_well_formed():
    for e in M.load_equivalents():
        assert e["original"] != e["mutated"]


def test_write_docs_replaces_only_the_table(tmp_path):
    doc = tmp_path / "checks.md"
    doc.write_text(f"intro\n{M._START}\nold\n{M._STOP}\noutro\n")
    M.write_docs([M.Row("f", 3, 3)], doc)
    text = doc.read_text()
    assert text.startswith("intro\n") and text.endswith("outro\n") and "old" not in text and "| `f` | 3 | 3 |" in text
