"""The tests every assignment's graded checks get, so that a test module only lists its mistakes.

    from check_harness import CheckTests

    class TestChecks(CheckTests):
        module = lib.checks.linear_regression          # the checks under test
        references = {"mse_loss": ref.mse_loss, ...}   # one reference per check in module.__all__
        mistakes = [("mse_loss", mse_sum, "divide by N"), ...]   # (check, wrong code, message regex)
        alternatives = [("mse_loss", mse_loss_by_loops), ...]    # (check, correct code written otherwise)

`conftest.py` parametrizes the methods below over `references` (the `exercise` argument),
`mistakes` (the `mistake` argument) and `alternatives` (the `alternative` argument).
"""

import pytest

from lib import checks
from lib.checks import CheckFailed
from lib.checks.expected import MissingAnswer, recording, replaying


def stub(*args, **kwargs):
    """What a released exercise does before the student writes it."""
    raise NotImplementedError()


class CheckTests:
    """Base class of one checks module's tests (not collected itself: no `Test` prefix).

    module: the `lib.checks` submodule; references: {check name: reference function or class};
    stubs: {check name: stand-in raising NotImplementedError} where the plain `stub` does not fit
    (a class); mistakes: (check name, wrong implementation, regex of the message that names it);
    min_mistakes: how many named mistakes every check needs; alternatives: (check name, a correct
    implementation written differently from the reference: loops vs vectorized, einsum, float32
    input, another valid tie rule) that the check must accept, at least min_alternatives per
    check; behavioural: checks that compare with literal values and behaviour only, so they ask
    the expected-value door for nothing.
    """

    module = None
    references: dict = {}
    stubs: dict = {}
    mistakes: list = []
    min_mistakes = 2
    alternatives: list = []
    min_alternatives = 2
    behavioural: set = set()

    def test_every_check_has_a_reference(self):
        assert set(self.references) == set(self.module.__all__)

    def test_reference_passes(self, exercise, capsys):
        getattr(checks, exercise)(self.references[exercise])
        assert "✓" in capsys.readouterr().out

    def test_stub_fails(self, exercise):
        with pytest.raises(CheckFailed, match="not implemented yet"):
            getattr(checks, exercise)(self.stubs.get(exercise, stub))

    def test_mistake_is_named(self, mistake):
        name, wrong, message = mistake
        with pytest.raises(CheckFailed, match=message):
            getattr(checks, name)(wrong)

    def test_every_check_names_mistakes(self):
        counts = {name: sum(1 for m in self.mistakes if m[0] == name) for name in self.references}
        assert all(n >= self.min_mistakes for n in counts.values()), counts

    def test_alternative_is_accepted(self, alternative, capsys):
        name, correct = alternative
        getattr(checks, name)(correct)
        assert "✓" in capsys.readouterr().out

    def test_alternative_passes_on_recorded_answers(self, alternative, capsys):
        """Answers recorded with the reference fit every correct version: no check asks the door
        about inputs that depend on the student's results (how they draw random numbers, say)."""
        name, correct = alternative
        check = getattr(checks, name)
        with recording() as answers:
            check(self.references[name])
        with replaying(answers):
            check(correct)
        assert capsys.readouterr().out.count("✓") == 2

    def test_every_check_accepts_alternatives(self):
        counts = {name: sum(1 for a in self.alternatives if a[0] == name) for name in self.references}
        assert all(n >= self.min_alternatives for n in counts.values()), counts

    def test_recorded_answers_replace_the_reference(self, exercise, capsys):
        """Expected values come through one door: recorded once, they are all a check needs."""
        check, reference = getattr(checks, exercise), self.references[exercise]
        with recording() as answers:
            check(reference)
        assert bool(answers) != (exercise in self.behavioural), f"{exercise} asked for {len(answers)} answers"
        with replaying(answers):
            check(reference)
        assert capsys.readouterr().out.count("✓") == 2
        if answers:
            with replaying({}), pytest.raises(MissingAnswer):
                check(reference)
