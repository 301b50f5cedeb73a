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

`course generate` saves each assignment's answers in lib/checks/answers/<assignment>.npz
(`write_answers`, `read_answers`: NumPy arrays plus a JSON index, loaded without pickle, so a
tampered file can hold wrong numbers but never run code). In a student release bundle
(`lib.course.bundle`), lib/checks/_bundle.json is present, and this module replays from the
shipped answers from the start: there is no live mode where the references are gone.

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
import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

__all__ = [
    "reference",
    "answer",
    "recording",
    "replaying",
    "digest",
    "MissingAnswer",
    "write_answers",
    "read_answers",
    "in_bundle",
    "BUNDLE_MARKER",
    "ANSWERS_DIR",
]

ANSWERS_DIR = Path(__file__).resolve().parent / "answers"
BUNDLE_MARKER = Path(__file__).resolve().parent / "_bundle.json"


class MissingAnswer(LookupError):
    """Replaying, a check asked for an answer that was never recorded (its inputs changed, or, in a
    student bundle, the student's code led the check down a path nobody recorded)."""

    def _render_traceback_(self) -> list[str]:  # one line in Jupyter, as for a failed check
        return [f"\x1b[31m✗ {self}\x1b[0m"]


_MODE = {"record": None, "replay": None, "bundle": False}  # at most one of record, replay is set


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
            if _MODE["bundle"]:
                raise MissingAnswer(
                    f"this check has no recorded expected value for {name} on the inputs your code led it "
                    f"to (the reference solution is not part of this release): compare your function with "
                    f"its docstring, or ask your instructor"
                )
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


# -- saved answers -----------------------------------------------------------------------------
# A file of answers is a zip in NumPy's .npz layout: one .npy member per array, and "index.npy",
# the UTF-8 bytes of a JSON document {"meta": ..., "answers": {digest: tree}}. In a tree, JSON's
# own values stand for themselves (lists for lists; ints and floats keep their type; NaN and inf
# as Python's json writes them) and a one-key object marks the rest: {"t": [...]} a tuple,
# {"d": [[key, value], ...]} a dict (any data keys), {"a": "a12"} an array, {"s": "a13"} a NumPy
# scalar (a 0-d array). Nothing in it names a class or a function to call.
_DATE = (1980, 1, 1, 0, 0, 0)  # fixed member times: the same answers always make the same bytes


def _encode(value, arrays: dict):
    """JSON tree of one answer; its arrays go into `arrays`. TypeError for what is not data."""
    if isinstance(value, (np.ndarray, np.generic)):
        arr = np.asarray(value)
        if arr.dtype.kind not in "biufc":
            raise TypeError(f"cannot save an answer array of dtype {arr.dtype}: numbers and bools only")
        ref = f"a{len(arrays)}"
        arrays[ref] = arr
        return {"a" if isinstance(value, np.ndarray) else "s": ref}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, list):
        return [_encode(v, arrays) for v in value]
    if isinstance(value, tuple) and not hasattr(value, "_fields"):
        return {"t": [_encode(v, arrays) for v in value]}
    if isinstance(value, dict):
        return {"d": [[_encode(k, arrays), _encode(v, arrays)] for k, v in value.items()]}
    raise TypeError(f"cannot save an answer of type {type(value).__name__}: answers must be data")


def _decode(tree, arrays):
    """The answer a JSON tree made by `_encode` stands for; ValueError for anything else."""
    if isinstance(tree, list):
        return [_decode(v, arrays) for v in tree]
    if not isinstance(tree, dict):
        return tree
    if len(tree) != 1:
        raise ValueError(f"not an answer: {tree!r:.80}")
    [(tag, body)] = tree.items()
    if tag == "t":
        return tuple(_decode(v, arrays) for v in body)
    if tag == "d":
        return {_hashable(_decode(k, arrays)): _decode(v, arrays) for k, v in body}
    if tag == "a":
        return arrays[body].copy()
    if tag == "s":
        return arrays[body][()]
    raise ValueError(f"not an answer: unknown tag {tag!r}")


def _hashable(key):
    return tuple(_hashable(k) for k in key) if isinstance(key, list) else key


def write_answers(path: Path, answers: dict, meta: dict | None = None) -> None:
    """Save answers (from `recording`) and a JSON-able meta dict to path (.npz layout, no pickle).

    The bytes depend only on the answers and meta, so saving the same recording twice gives the
    same file (it is committed). Raises TypeError for an answer that is not data.
    """
    arrays: dict = {}
    tree = {key: _encode(answers[key], arrays) for key in sorted(answers)}
    index = json.dumps({"meta": meta or {}, "answers": tree}, sort_keys=True, separators=(",", ":"))
    members = {"index": np.frombuffer(index.encode(), dtype=np.uint8), **arrays}
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, arr in members.items():
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.asarray(arr, order="C"), allow_pickle=False)  # keeps 0-d
            info = zipfile.ZipInfo(f"{name}.npy", date_time=_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, buffer.getvalue())


def read_answers(path: Path) -> tuple[dict, dict]:
    """(answers, meta) saved by `write_answers`. Loads with allow_pickle=False: an object array
    in the file raises ValueError instead of running code; a malformed index raises ValueError."""
    with np.load(Path(path), allow_pickle=False) as npz:
        arrays = {name: npz[name] for name in npz.files if name != "index"}
        index = json.loads(npz["index"].tobytes().decode())
    if not isinstance(index, dict) or not isinstance(index.get("answers"), dict):
        raise ValueError(f"{path}: not a file of answers")
    return {key: _decode(tree, arrays) for key, tree in index["answers"].items()}, index.get("meta", {})


def in_bundle() -> bool:
    """True in a student release bundle (lib/checks/_bundle.json exists): checks replay there."""
    return _MODE["bundle"]


def _start_bundle() -> None:
    """In a bundle, replay from every answers file it ships, from the first check on."""
    answers: dict = {}
    for path in sorted(ANSWERS_DIR.glob("*.npz")):
        answers.update(read_answers(path)[0])
    _MODE["replay"], _MODE["bundle"] = answers, True


if BUNDLE_MARKER.is_file():
    _start_bundle()
