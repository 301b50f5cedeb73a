"""The machinery behind every graded check.

A check runs the student's function on fresh, seeded inputs, compares what comes back with the
expected values it gets through `expected` (the one door to the references in `lib`), and
either prints one green line or raises `CheckFailed` with a message that
names the likely mistake. Typical mistakes are recognised by computing what a typical wrong
implementation would return (a missing factor 2, a sum instead of a mean, ...) and matching the
student's answer against those values.

Check cells must not write to stderr (nbgrader scores any stderr output as zero), so the
student's code runs with warnings silenced; NaN and inf are caught by the comparisons instead.
"""

from __future__ import annotations

import contextlib
import copy
import inspect
import os
import random
import re
import sysconfig
import traceback
import warnings
from collections.abc import Callable, Iterable, Sequence

import numpy as np

from .expected import MissingAnswer

__all__ = ["CheckFailed", "Check"]

GREEN, RED, RESET = "\x1b[32m", "\x1b[31m", "\x1b[0m"
_LIBRARY_DIRS = tuple(
    os.path.realpath(p) + os.sep
    for p in {os.path.dirname(__file__), sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["purelib"]}
)


def _student_frames(exc: BaseException, keep: int = 2) -> list[str]:
    """The last `keep` frames of exc's traceback that are the student's code (not the checks', not
    NumPy's or Python's), formatted as traceback lines, then the exception line."""
    frames = [
        f for f in traceback.extract_tb(exc.__traceback__) if not os.path.realpath(f.filename).startswith(_LIBRARY_DIRS)
    ]
    lines = [line.rstrip("\n") for line in traceback.format_list(frames[-keep:])]
    return ["Raised here, in your code:", *lines] if lines else []


class CheckFailed(AssertionError):
    """A graded check found a problem; the message says what and the likely cause.

    In Jupyter it shows as one red line, not a traceback through the checker's code (IPython
    calls `_render_traceback_`); when the student's function raised, the lines of the student's
    own code that raised follow. Grading still sees the error and scores the cell as failed.
    """

    def _render_traceback_(self) -> list[str]:
        lines = [f"{RED}✗ {self}{RESET}"]
        if self.__cause__ is not None:
            lines += _student_frames(self.__cause__)
        return [line for chunk in lines for line in chunk.splitlines()]


def _fmt(value, max_items: int = 6) -> str:
    arr = np.asarray(value)
    if arr.ndim == 0:
        return f"{float(arr):.6g}" if np.issubdtype(arr.dtype, np.number) else repr(value)
    flat = arr.ravel()
    body = np.array2string(flat[:max_items], precision=5, separator=", ", suppress_small=False)
    return body[:-1] + ", ...]" if flat.size > max_items else body


def _fmt_pair(expected: float, got: float) -> tuple[str, str]:
    """Two numbers with just enough significant digits (6 to 17) to show that they differ."""
    for digits in range(6, 18):
        a, b = f"{expected:.{digits}g}", f"{got:.{digits}g}"
        if a != b:
            return a, b
    return a, b


_DATA = (np.ndarray, np.generic, int, float, complex, str, bytes, bool, type(None))


def _copy(value):
    """Copy of data arguments (arrays, numbers, lists, tuples, dicts); any other object (a
    function, a random generator, an environment) is passed through as it is, since using it is
    the point."""
    if isinstance(value, tuple) and hasattr(value, "_fields"):  # a NamedTuple such as a replay Batch
        return type(value)(*(_copy(v) for v in value))
    if isinstance(value, (list, tuple)):
        return type(value)(_copy(v) for v in value)
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, _DATA):
        return copy.deepcopy(value)
    return value


def _same(a, b) -> bool:
    """True if two argument snapshots are equal (arrays elementwise, NaN equal to NaN)."""
    if not isinstance(a, (*_DATA, list, tuple, dict)):
        return a is b  # passed through, not copied: nothing to compare
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)
        return a.shape == b.shape and a.dtype == b.dtype and np.array_equal(a, b, equal_nan=a.dtype.kind in "fc")
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    try:
        return bool(a == b)
    except Exception:
        return True  # not comparable (e.g. a callable): nothing to say


class Check:
    """One graded check of one student function.

    Usage inside a check function:
        c = Check("mse_loss", fn)
        got = c.call(W, b, X, y)                    # safe call on copies
        c.close(got, expected, "the loss", mistakes=[("you summed ...", expected * N)])
        c.done()                                    # prints the green line
    """

    def __init__(self, name: str, fn: Callable):
        self.name = name
        self.fn = fn
        self.count = 0
        if not callable(fn):
            self.fail(f"expected your function `{name}`, got {type(fn).__name__} {fn!r}")

    def fail(self, message: str):
        raise CheckFailed(f"{self.name}: {message}")

    # -- calling -----------------------------------------------------------------------------
    @staticmethod
    def _arg_names(fn, args, kwargs) -> list[str]:
        try:
            bound = inspect.signature(fn).bind(*args, **kwargs)
            return list(bound.arguments)
        except (TypeError, ValueError):
            return [f"argument {i + 1}" for i in range(len(args))] + list(kwargs)

    def call(self, *args, may_change: tuple = (), **kwargs):
        """Call the student's function on deep copies of the arguments; return its result.

        Raises CheckFailed if it is not implemented yet, raises an exception, or changes an
        argument in place (except those in may_change, by name or position, e.g. an optimizer's
        config).
        """
        return self.call_with(self.fn, *args, may_change=may_change, **kwargs)

    def call_with(self, fn: Callable, *args, may_change: tuple = (), **kwargs):
        """Like `call`, for another callable of the student's (e.g. a method of their class)."""
        # arguments that may change (e.g. a Q table updated in place) are passed as they are
        call_args = tuple(a if i in may_change else _copy(a) for i, a in enumerate(args))
        call_kwargs = {k: v if k in may_change else _copy(v) for k, v in kwargs.items()}
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                result = fn(*call_args, **call_kwargs)
        except NotImplementedError:
            raise CheckFailed(
                f"{self.name}: not implemented yet. Replace `raise NotImplementedError()` with your "
                f"code, run that cell, then run this check again."
            ) from None
        except (CheckFailed, MissingAnswer):
            raise
        except Exception as exc:
            raise CheckFailed(f"{self.name}: your function raised {type(exc).__name__}: {exc}") from exc
        names = self._arg_names(fn, args, kwargs)
        given = list(args) + list(kwargs.values())
        passed = list(call_args) + list(call_kwargs.values())
        for i, (name, before, after) in enumerate(zip(names, given, passed)):
            if name not in may_change and i not in may_change and not _same(before, after):
                self.fail(
                    f"your function changed its argument `{name}` in place. Leave inputs untouched: "
                    f"build new arrays (x = x - 1, not x -= 1) or work on a copy (x = x.copy())."
                )
        return result

    # -- shapes and values -------------------------------------------------------------------
    def unpack(self, result, names: Sequence[str]):
        """Require a tuple/list of len(names) values, e.g. the pair (dW, db)."""
        pretty = "(" + ", ".join(names) + ")"
        if not isinstance(result, (tuple, list)) or len(result) != len(names):
            got = "None (did you forget `return`?)" if result is None else f"{type(result).__name__}"
            if isinstance(result, (tuple, list)):
                got += f" of length {len(result)}"
            self.fail(f"should return {pretty}, got {got}")
        return tuple(result)

    def array(self, value, what: str, shape: tuple, nonfinite_hint: str = "") -> np.ndarray:
        """Convert value to a float array of the given shape, or fail saying what is off.

        nonfinite_hint: the likely cause to name if the value holds NaN or inf.
        """
        if value is None:
            self.fail(f"{what} is None: did you forget `return`?")
        try:
            arr = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError):
            self.fail(f"{what} should be numbers, got {type(value).__name__}")
        if arr.shape != tuple(shape):
            if shape == () and arr.size == 1:
                return arr.reshape(())
            if shape == ():
                self.fail(
                    f"{what} should be a single number, got an array of shape {arr.shape}: "
                    f"reduce it (e.g. with np.mean)"
                )
            if len(shape) == 2 and arr.shape == tuple(shape)[::-1]:
                self.fail(f"{what} has shape {arr.shape} but should be {tuple(shape)}: it looks transposed")
            self.fail(f"{what} has shape {arr.shape} but should have shape {tuple(shape)}")
        if not np.all(np.isfinite(arr)):
            self.fail(f"{what} contains NaN or inf: {_fmt(arr)}" + (f". {nonfinite_hint}" if nonfinite_hint else ""))
        return arr

    def close(
        self,
        got,
        expected,
        what: str,
        mistakes: Iterable[tuple[str, object]] = (),
        rtol: float = 1e-6,
        atol: float = 1e-8,
        hint: str = "",
        nonfinite_hint: str = "",
    ) -> np.ndarray:
        """Require got == expected within tolerances; otherwise name the first matching mistake.

        mistakes: (message, value) pairs: what a typical wrong implementation returns, and
        what to tell a student whose answer equals it. hint: added to the generic message.
        """
        expected = np.asarray(expected, dtype=np.float64)
        arr = self.array(got, what, expected.shape, nonfinite_hint)
        if np.allclose(arr, expected, rtol=rtol, atol=atol):
            self.count += 1
            return arr
        for message, value in mistakes:
            value = np.asarray(value, dtype=np.float64)
            if value.shape == arr.shape and np.allclose(arr, value, rtol=rtol, atol=atol):
                self.fail(f"{what} is wrong: {message}")
        # Name the worst element with enough digits to see the difference (the tolerance may be 1e-9).
        excess = np.abs(arr - expected) - rtol * np.abs(expected)
        worst = np.unravel_index(np.argmax(excess), excess.shape) if excess.ndim else ()
        want, have = _fmt_pair(float(expected[worst]), float(arr[worst]))
        if worst:
            index = tuple(int(i) for i in worst)
            detail = f"at index {index} expected {want}, got {have} (all: expected {_fmt(expected)}, got {_fmt(arr)})"
        else:
            detail = f"expected {want}, got {have}"
        self.fail(f"{what} is wrong: {detail}." + (f" {hint}" if hint else ""))

    def require(self, condition: bool, message: str) -> None:
        """Fail with message unless condition holds; counts as one passed test."""
        if not condition:
            self.fail(message)
        self.count += 1

    def done(self) -> None:
        tests = "1 test" if self.count == 1 else f"all {self.count} tests"
        print(f"{GREEN}✓ {self.name}: {tests} passed.{RESET}")


# -- helpers shared by the checks --------------------------------------------------------------
def distinct(mistakes, expected, rtol: float = 1e-6, atol: float = 1e-8) -> list:
    """The (message, value) mistakes that these inputs can tell apart: a value equal to the expected
    one, or to another mistake's value under a different message, would name a cause the inputs
    cannot distinguish (with D = 1, "divided by D" gives the same number as "summed"), so it is
    dropped and the failure gets the generic message instead."""
    expected = np.asarray(expected, dtype=np.float64)

    def same(a, b) -> bool:
        return a.shape == b.shape and bool(np.allclose(a, b, rtol=rtol, atol=atol))

    values = [np.asarray(v, dtype=np.float64) for _, v in mistakes]
    return [
        (message, value)
        for i, ((message, _), value) in enumerate(zip(mistakes, values))
        if not same(value, expected)
        and not any(same(value, other) for j, other in enumerate(values) if j != i and mistakes[j][0] != message)
    ]


def _global_rng_state():
    """NumPy's global generator state (a tuple holding an array) and Python's `random` state."""
    return np.random.get_state(), random.getstate()


def _same_rng_state(a, b) -> bool:
    (np_a, py_a), (np_b, py_b) = a, b
    return py_a == py_b and all(np.array_equal(x, y) for x, y in zip(np_a, np_b))


RNG_FROM_SEED = "rng = np.random.default_rng(seed), so that the same seed gives the same run"
RNG_ARGUMENT = (
    "the `rng` argument (rng.random(), rng.integers(n), rng.choice(...)), so that the same generator gives the same run"
)


@contextlib.contextmanager
def global_rng_untouched(c: Check, source: str = RNG_ARGUMENT):
    """Fail the check if the code run inside draws from NumPy's global generator (np.random.rand,
    np.random.permutation, np.random.seed, ...) or Python's `random`; the global state is restored
    either way, so a check never changes the random numbers of the student's notebook.
    source: where the numbers should come from, for the message (RNG_FROM_SEED or RNG_ARGUMENT)."""
    before = _global_rng_state()
    try:
        yield
    finally:
        after = _global_rng_state()
        np.random.set_state(before[0])
        random.setstate(before[1])
    if not _same_rng_state(before, after):
        c.fail(
            "your code drew from a global random generator (np.random.rand, np.random.choice, "
            f"np.random.permutation, random.shuffle, ...): draw every random number from {source}."
        )


Z_WINDOW = 4.5  # acceptance windows of statistical tests, in standard deviations (1 in 150,000 fails)


def share_window(p: float, n: int) -> float:
    """Half-width of the acceptance window for a share with probability p over n draws."""
    return Z_WINDOW * np.sqrt(p * (1 - p) / n)


def require_progress_lines(c: Check, printed: str, num_iters: int = 201, every: int = 100) -> None:
    """Require a verbose training loop's output to be one line per `every` iterations (0, 100, 200
    for 201 iterations), each naming its iteration number, as CS231n's `train(verbose=True)` prints."""
    lines = [line for line in printed.splitlines() if line.strip()]
    marks = list(range(0, num_iters, every))
    c.require(
        len(lines) == len(marks) and all(re.search(rf"\b{k}\b", line) for k, line in zip(marks, lines)),
        f"with verbose=True and num_iters={num_iters}, print one line naming the iteration at iterations "
        f"{', '.join(map(str, marks[:-1]))} and {marks[-1]} (it % {every} == 0); got {len(lines)} lines"
        + (f", the first {lines[0]!r}" if lines else "")
        + ".",
    )
