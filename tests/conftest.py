"""Shared test set-up: parametrize the standard check tests of `check_harness.CheckTests`."""

from check_harness import CheckTests


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
