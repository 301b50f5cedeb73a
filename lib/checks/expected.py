"""The one door through which every check gets its expected values.

A check never imports a reference solution. It asks this module:

    ref = reference("lib.linear_regression")
    expected = ref.mse_loss(W, b, X, y)         # what the reference returns on these inputs

and, for an expected value that takes more than one reference call (train a classifier, run an
episode), a small recipe in the check module marked `@answer`:

    @answer
    def _trained_weights(X, y, seed): ...       # its body runs only where the reference is present

Both go through `_ask`, which has three modes:

- live (the default): import the reference and call it;
- `recording()`: the same, and every answer is also kept under a digest of its name and
  arguments; `course generate` (or a test) can save what a check run asked for;
- `replaying(answers)`: return the recorded answer and never import or run reference code, so
  checks work where the reference solutions are absent (a student bundle, a sandboxed grader).

Answers must be data (arrays, numbers, tuples, lists, dicts): they are copied on the way out, so
a check that changes an expected value cannot change what the next call gets. Arguments must be
data too, or a random generator (its state is digested), or a module-level function (its name is).
"""

from __future__ import annotations

import contextlib
import copy
import functools
import hashlib
import importlib
from collections.abc import Callable

import numpy as np

__all__ = ["reference", "answer", "recording", "replaying", "digest", "MissingAnswer"]


class MissingAnswer(LookupError):
    """Replaying, a check asked for an answer that was never recorded (its inputs changed)."""


_MODE = {"record": None, "replay": None}  # at most one of them is a dict


# -- digests -----------------------------------------------------------------------------------
def _feed(h, value) -> None:
    """Feed a canonical encoding of value into the hash h; TypeError for what cannot be digested."""
    if value is None or isinstance(value, (bool, int, float, complex, str, bytes)):
        h.update(f"{type(value).__name__}:{value!r};".encode())
    elif isinstance(value, (np.ndarray, np.generic)):
        arr = np.ascontiguousarray(value)
        h.update(f"array:{arr.dtype.str}:{arr.shape};".encode())
        h.update(arr.tobytes())
    elif isinstance(value, (list, tuple)):
        h.update(f"{type(value).__name__}:{len(value)}[".encode())
        for v in value:
            _feed(h, v)
        h.update(b"]")
    elif isinstance(value, dict):
        h.update(f"dict:{len(value)}{{".encode())
        for k in sorted(value, key=repr):
            _feed(h, k)
            _feed(h, value[k])
        h.update(b"}")
    elif isinstance(value, np.random.Generator):
        h.update(b"generator:")
        _feed(h, value.bit_generator.state)
    elif callable(value) and hasattr(value, "__qualname__") and "<locals>" not in value.__qualname__:
        h.update(f"function:{value.__module__}.{value.__qualname__};".encode())
    else:
        raise TypeError(
            f"cannot digest an argument of type {type(value).__name__}: pass data, a random "
            f"generator or a module-level function to a reference"
        )


def digest(name: str, args: tuple, kwargs: dict) -> str:
    """SHA-256 (hex) of a reference's name and its arguments: the key of a recorded answer."""
    h = hashlib.sha256(name.encode() + b"(")
    _feed(h, list(args))
    _feed(h, dict(kwargs))
    return h.hexdigest()


# -- the door ----------------------------------------------------------------------------------
def _ask(name: str, compute: Callable, args: tuple, kwargs: dict):
    """The expected value `compute(*args, **kwargs)`, named `name`, live, recorded or replayed."""
    replay, record = _MODE["replay"], _MODE["record"]
    if replay is not None:
        key = digest(name, args, kwargs)
        if key not in replay:
            raise MissingAnswer(
                f"no recorded answer for {name} on these inputs: record the checks again "
                f"(course generate) after changing them"
            )
        return copy.deepcopy(replay[key])
    value = compute(*copy.deepcopy(args), **copy.deepcopy(kwargs))
    if record is not None:
        record[digest(name, args, kwargs)] = copy.deepcopy(value)
    return value


class _Reference:
    """Stands for a reference module: `ref.f(...)` asks the door for f's answer."""

    def __init__(self, module: str):
        self._module = module

    def __getattr__(self, attr: str) -> Callable:
        if attr.startswith("__"):
            raise AttributeError(attr)
        name = f"{self._module}.{attr}"

        def call(*args, **kwargs):
            return _ask(
                name, lambda *a, **k: getattr(importlib.import_module(self._module), attr)(*a, **k), args, kwargs
            )

        call.__name__ = attr
        return call


def reference(module: str) -> _Reference:
    """The reference solutions in `module` (e.g. "lib.layers"), reached only through the door.

    The module is imported at the first live call, never when replaying.
    """
    return _Reference(module)


def answer(recipe: Callable) -> Callable:
    """Mark a check module's function that computes an expected value from reference code.

    Its body runs live or while recording; when replaying, its recorded value is returned. It
    must import the references it uses inside its body (or use `reference`), so that a module
    holding recipes can be imported where no reference exists.
    """
    name = f"{recipe.__module__}.{recipe.__qualname__}"

    @functools.wraps(recipe)
    def ask(*args, **kwargs):
        return _ask(name, recipe, args, kwargs)

    return ask


@contextlib.contextmanager
def recording():
    """Record every answer checks ask for while inside: `with recording() as answers: ...`."""
    if _MODE["replay"] is not None:
        raise RuntimeError("cannot record while replaying")
    answers: dict = {}
    previous, _MODE["record"] = _MODE["record"], answers
    try:
        yield answers
    finally:
        _MODE["record"] = previous


@contextlib.contextmanager
def replaying(answers: dict):
    """Answer from `answers` (made by `recording`) instead of running reference code."""
    previous = _MODE["record"], _MODE["replay"]
    _MODE["record"], _MODE["replay"] = None, answers
    try:
        yield
    finally:
        _MODE["record"], _MODE["replay"] = previous
