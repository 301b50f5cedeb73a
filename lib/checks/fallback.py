"""The student's code drives the experiments; an unfinished exercise falls back to the reference.

A notebook hands its experiments the student's function through `student_or_reference`:

    svm_loss = student_or_reference(svm_loss_vectorized, "lib.classifiers.linear_svm")

While the exercise is still the released stub (it raises `NotImplementedError`), the first call
prints one line and uses `lib`'s reference instead, so the rest of the notebook still runs. Any
other error in the student's code is the student's to see: it is raised as it is. Where `lib`
holds no reference (a student bundle before the exercise is due: its lib/checks/_bundle.json
lists the references it removed), `NotFinished` says which exercise to finish first.
"""

from __future__ import annotations

import functools
import importlib
import json
from collections.abc import Callable

from .expected import BUNDLE_MARKER

__all__ = ["student_or_reference", "NotFinished"]


class NotFinished(RuntimeError):
    """An experiment needs an exercise that is not done yet and no reference is available."""

    def _render_traceback_(self) -> list[str]:  # one line in Jupyter, as for a failed check
        return [f"\x1b[31m✗ {self}\x1b[0m"]


@functools.cache
def _removed() -> dict[str, str]:
    """{dotted path of a removed reference: its exercise (assignment)}; empty outside a bundle."""
    if not BUNDLE_MARKER.is_file():
        return {}
    return dict(json.loads(BUNDLE_MARKER.read_text(encoding="utf-8")).get("removed", {}))


def _reference(module: str, name: str) -> Callable:
    """lib's module.name; NotFinished when it is absent or, in a bundle, only a stub."""
    exercise = _removed().get(f"{module}.{name}")
    if exercise is None:
        try:
            return getattr(importlib.import_module(module), name)
        except (ImportError, AttributeError):
            exercise = f"`{name}`"
    raise NotFinished(
        f"finish the exercise {exercise} above first: the experiments below run your code, and this release "
        f"holds no reference solution for it."
    )


def student_or_reference(fn: Callable, module: str, name: str | None = None) -> Callable:
    """fn itself while it works; lib's `module.name` (name defaults to fn's) while fn is a stub.

    fn: the student's function or class. module: the dotted module of the reference, e.g.
    "lib.layers". Returns a callable with fn's name and docstring. The first call in which fn
    raises NotImplementedError prints "<name> is not finished yet: ..." once and switches to the
    reference for good. Raises `NotFinished` when the reference is needed but absent.
    """
    if not callable(fn):
        raise TypeError(f"student_or_reference: fn must be a function or class, got {type(fn).__name__}")
    name = name or fn.__name__
    current = [fn]

    @functools.wraps(fn)
    def run(*args, **kwargs):
        try:
            return current[0](*args, **kwargs)
        except NotImplementedError:
            if current[0] is not fn:
                raise
            current[0] = _reference(module, name)
            print(f"{name} is not finished yet: the cells below use lib's reference ({module}.{name}) instead.")
            return current[0](*args, **kwargs)

    return run
