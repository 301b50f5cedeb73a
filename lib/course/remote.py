"""Call a student's functions that live in another process as if they were local.

The grader keeps the checks, the expected values and the points on its side. The student's code
runs in a worker process (inside the sandbox, `lib.course.sandbox`): it executes the notebook's
cells and answers calls. A check on the grader's side gets a `RemoteObject` in place of the
student's function or class; calling it sends the arguments to the worker, which calls the real
function and sends back what it returned. So the student's code can return wrong values, raise,
loop or crash, but it never touches the check's code, its expected values or the gradebook.

What crosses the pipe is data only, in a format whose decoding runs no code (unlike pickle):
None, bools, numbers, strings, bytes, lists, tuples, dicts, named tuples, NumPy arrays and
scalars of numeric or bool dtype, and NumPy random generators (as their state). Any other object
stays in the process that owns it and crosses as a handle: the other side gets a proxy whose
calls, attribute reads and a few special methods (len, [], iteration) are forwarded back. The
worker may call public methods of the objects a check passes to the student's function (an
environment's `step`, a network's `forward`, a spy) and nothing else of the grader's.

Calls mirror what a local call does to its arguments: arrays, lists and dicts the student's
function changed in place are changed in place on the grader's side too, a generator argument
advances as it did in the worker, a draw from NumPy's or Python's global generator in the worker
is mirrored by one draw on the grader's side (so `checks.core.global_rng_untouched` still sees
it), and what the function printed is printed on the grader's side.
"""

from __future__ import annotations

import collections
import contextlib
import functools
import io
import json
import keyword
import os
import random
import select
import struct
import sys
import time
import traceback
from collections.abc import Callable

import numpy as np

__all__ = ["RemoteObject", "RemoteError", "RemoteTimeout", "RemoteCrash", "Channel", "Peer", "encode", "decode"]

# A frame claiming more bytes in all, or more buffers, is refused before it is read, so that a worker
# cannot make the grader hold more than this (the worker itself may use up to its sandbox's limit).
MAX_FRAME = 256 << 20
MAX_BUFFERS = 100_000
_ARRAY_KINDS = "biufc"  # bool, signed, unsigned, float, complex: no objects, no structured dtypes
_SPECIAL = {"__len__", "__getitem__", "__setitem__", "__iter__", "__next__", "__contains__", "__call__"}
_SPECIAL_TRUSTED = {"__len__", "__getitem__", "__contains__", "__call__"}  # what the worker may do to ours


class MethodName(str):
    """Stands in a getattr answer for a method of the grader's object: the worker may call it by
    name (through the object's handle) but never holds the bound method itself."""


def _refuse(obj):
    raise TypeError(
        f"the grader's side returned a {type(obj).__name__}, which is not data: only numbers, strings, "
        f"arrays, lists, tuples and dicts come back from the grader's objects"
    )


class RemoteError(Exception):
    """The other side raised an exception we cannot rebuild as the same built-in type."""


# BaseException, as KeyboardInterrupt: a check's `except Exception` around the student's call must
# not turn a dead or runaway worker into an ordinary failed call
class RemoteTimeout(BaseException):
    """The worker did not answer within the time limit (it is killed)."""


class RemoteCrash(BaseException):
    """The worker died or broke the protocol (its process ended, or it sent something invalid)."""


# -- frames ------------------------------------------------------------------------------------
def _write_frame(fd: int, header: dict, buffers: list[bytes]) -> None:
    head = json.dumps(header).encode()
    parts = [struct.pack(">QQ", len(head), len(buffers)), head]
    for b in buffers:
        parts += [struct.pack(">Q", len(b)), b]
    data = b"".join(parts)
    view = memoryview(data)
    try:
        while view:
            n = os.write(fd, view)
            view = view[n:]
    except OSError as exc:  # BrokenPipeError: the other end is gone
        raise RemoteCrash(f"the worker's pipe closed ({exc.strerror})") from None


class _Reader:
    """Reads whole frames from a file descriptor, with a deadline."""

    def __init__(self, fd: int):
        self.fd, self.buf = fd, bytearray()

    def _need(self, n: int, deadline: float | None) -> bytes:
        while len(self.buf) < n:
            wait = None if deadline is None else max(0.0, deadline - time.monotonic())
            ready, _, _ = select.select([self.fd], [], [], wait)
            if not ready:
                raise RemoteTimeout("no answer within the time limit")
            chunk = os.read(self.fd, 1 << 20)
            if not chunk:
                raise RemoteCrash("the worker's process ended")
            self.buf += chunk
        out = bytes(self.buf[:n])
        del self.buf[:n]
        return out

    def read(self, deadline: float | None = None) -> tuple[dict, list[bytes]]:
        head_len, count = struct.unpack(">QQ", self._need(16, deadline))
        if head_len > MAX_FRAME or count > MAX_BUFFERS:
            raise RemoteCrash("a frame larger than allowed")
        try:
            header = json.loads(self._need(head_len, deadline))
        except (ValueError, RecursionError) as exc:  # RecursionError: nested too deep for json
            raise RemoteCrash(f"an unreadable frame: {type(exc).__name__}") from None
        buffers, total = [], head_len
        for _ in range(count):
            (n,) = struct.unpack(">Q", self._need(8, deadline))
            total += n
            if total > MAX_FRAME:
                raise RemoteCrash("a frame larger than allowed")
            buffers.append(self._need(n, deadline))
        if not isinstance(header, dict):
            raise RemoteCrash("a frame that is not a message")
        return header, buffers


# -- values ------------------------------------------------------------------------------------
def _is_namedtuple(value) -> bool:
    return isinstance(value, tuple) and hasattr(value, "_fields")


def encode(value, buffers: list[bytes], keep: Callable[[object], dict]):
    """value as JSON-able data; arrays go to `buffers`; `keep(obj)` turns any other object into a
    handle ({"H": id} or {"O": id}) owned by this side."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, RemoteObject) and isinstance(value._ref, dict):
        return value._ref  # a proxy goes back as the handle it stands for
    if isinstance(value, int) and not isinstance(value, np.integer):
        return value
    if isinstance(value, float) and not isinstance(value, np.floating):
        return {"F": repr(value)}  # repr keeps nan, inf and every digit
    if isinstance(value, complex):
        return {"C": [repr(value.real), repr(value.imag)]}
    if isinstance(value, bytes):
        buffers.append(value)
        return {"B": len(buffers) - 1}
    if isinstance(value, (np.ndarray, np.generic)) and value.dtype.kind in _ARRAY_KINDS:
        arr = np.asarray(value)
        buffers.append(arr.tobytes())  # C order, also for a 0-d array (ascontiguousarray would make it 1-d)
        tag = "A" if isinstance(value, np.ndarray) else "S"
        return {tag: len(buffers) - 1, "dt": arr.dtype.str, "sh": list(arr.shape)}
    if _is_namedtuple(value):
        return {"N": type(value).__name__, "NF": list(value._fields), "V": [encode(v, buffers, keep) for v in value]}
    if isinstance(value, list):
        return {"L": [encode(v, buffers, keep) for v in value]}
    if isinstance(value, tuple):
        return {"T": [encode(v, buffers, keep) for v in value]}
    if isinstance(value, dict):
        return {"D": [[encode(k, buffers, keep), encode(v, buffers, keep)] for k, v in value.items()]}
    if isinstance(value, np.dtype) and value.kind in _ARRAY_KINDS:
        return {"Y": value.str}
    if isinstance(value, type) and issubclass(value, np.generic) and np.dtype(value).kind in _ARRAY_KINDS:
        return {"Z": np.dtype(value).str}
    if isinstance(value, type) and value in (float, int, bool, complex):
        return {"P": value.__name__}
    if isinstance(value, np.random.Generator) and type(value.bit_generator).__name__ == "PCG64":
        return {"G": encode(value.bit_generator.state, buffers, keep)}
    return keep(value)


_NAMEDTUPLES: dict = {}


def _namedtuple(name: str, fields: list):
    """A named tuple type for (name, fields): lib's own Batch when it matches, else a fresh one."""
    from ..rl.replay import Batch

    if name == "Batch" and tuple(fields) == Batch._fields:
        return Batch
    ok = name.isidentifier() and all(
        isinstance(f, str) and f.isidentifier() and not keyword.iskeyword(f) for f in fields
    )
    if not ok or keyword.iskeyword(name):
        raise RemoteCrash("a named tuple with invalid names")
    key = (name, tuple(fields))
    if key not in _NAMEDTUPLES:
        _NAMEDTUPLES[key] = collections.namedtuple(name, fields)
    return _NAMEDTUPLES[key]


def decode(obj, buffers: list[bytes], resolve: Callable[[dict], object]):
    """The value `encode` made; runs no code of the sender's; RemoteCrash on anything malformed."""
    if obj is None or isinstance(obj, (bool, int, str)):
        return obj
    if not isinstance(obj, dict) or len(obj) == 0:
        raise RemoteCrash("malformed value")
    try:
        if "F" in obj:
            return float(obj["F"])
        if "C" in obj:
            return complex(float(obj["C"][0]), float(obj["C"][1]))
        if "B" in obj:
            return bytes(buffers[obj["B"]])
        if "A" in obj or "S" in obj:
            dtype = np.dtype(obj["dt"])
            if dtype.kind not in _ARRAY_KINDS:
                raise RemoteCrash(f"an array of dtype {dtype} (only numbers and bools cross)")
            shape = tuple(int(n) for n in obj["sh"])
            arr = np.frombuffer(buffers[obj.get("A", obj.get("S"))], dtype=dtype).reshape(shape).copy()
            return arr if "A" in obj else arr[()]
        if "N" in obj:
            return _namedtuple(obj["N"], obj["NF"])(*(decode(v, buffers, resolve) for v in obj["V"]))
        if "L" in obj:
            return [decode(v, buffers, resolve) for v in obj["L"]]
        if "T" in obj:
            return tuple(decode(v, buffers, resolve) for v in obj["T"])
        if "D" in obj:
            return {decode(k, buffers, resolve): decode(v, buffers, resolve) for k, v in obj["D"]}
        if "Y" in obj or "Z" in obj:
            dtype = np.dtype(obj.get("Y", obj.get("Z")))
            if dtype.kind not in _ARRAY_KINDS:
                raise RemoteCrash(f"dtype {dtype} does not cross")
            return dtype if "Y" in obj else dtype.type
        if "P" in obj:
            return {"float": float, "int": int, "bool": bool, "complex": complex}[obj["P"]]
        if "M" in obj:
            return MethodName(obj["M"])
        if "G" in obj:
            rng = np.random.Generator(np.random.PCG64(0))  # seeded: no OS entropy read, the state is replaced
            rng.bit_generator.state = decode(obj["G"], buffers, resolve)
            return rng
        if "H" in obj or "O" in obj:
            return resolve(obj)
    except RemoteCrash:
        raise
    except Exception as exc:  # wrong types, bad indices, bad shapes: the sender broke the format
        raise RemoteCrash(f"malformed value: {type(exc).__name__}: {exc}") from None
    raise RemoteCrash("malformed value")


def _write_back(original, new) -> None:
    """Make `original` (an argument the caller still holds) equal to `new`, its state after the
    call on the other side, in place where Python allows it."""
    with contextlib.suppress(Exception):  # a changed shape or type cannot be mirrored: nothing to do
        if isinstance(original, np.ndarray) and isinstance(new, np.ndarray) and original.shape == new.shape:
            if original.flags.writeable and not np.array_equal(original, new, equal_nan=original.dtype.kind in "fc"):
                original[...] = new
        elif isinstance(original, dict) and isinstance(new, dict):
            for k in list(original):
                if k not in new:
                    del original[k]
            mirrored = (np.ndarray, dict, list, np.random.Generator)
            for k, v in new.items():
                if k in original and type(original[k]) is type(v) and isinstance(v, mirrored):
                    _write_back(original[k], v)
                elif k not in original or not _equal(original[k], v):
                    original[k] = v
        elif isinstance(original, list) and isinstance(new, list):
            original[:] = new
        elif isinstance(original, np.random.Generator) and isinstance(new, np.random.Generator):
            original.bit_generator.state = new.bit_generator.state


def _equal(a, b) -> bool:
    try:
        return type(a) is type(b) and bool(np.all(a == b))
    except Exception:
        return False


def _global_rng_state():
    """NumPy's and Python's global generator states, cheap to take and to compare with ==."""
    return np.random.get_state()[1].tobytes(), random.getstate()


# -- the two ends ------------------------------------------------------------------------------
class Peer:
    """One end of the pipe: serves the other end's requests and makes its own.

    trusted: True on the grader's side. Requests from the other end may then only call public
    methods (and a few special methods) of objects this side handed over; on the worker's side
    (trusted False) the grader may also call the notebook's globals by name and execute cells.
    """

    def __init__(self, read_fd: int, write_fd: int, trusted: bool, namespace: dict | None = None):
        self.reader, self.write_fd, self.trusted = _Reader(read_fd), write_fd, trusted
        self.namespace = namespace if namespace is not None else {}
        self.objects: dict[int, object] = {}  # handles this side gave out
        # the arguments of the calls in progress (innermost last): the grader's originals, the
        # worker's live copies; a callback from the worker carries the copies' current state, so
        # the grader's code called back sees what the student's code has done to them so far
        self.calls: list[tuple[tuple, dict]] = []
        self.deadline: float | None = None

    # values
    def _keep(self, obj) -> dict:
        self.objects[id(obj)] = obj
        return {("O" if self.trusted else "H"): id(obj)}

    def _resolve(self, ref: dict):
        mine = "O" if self.trusted else "H"
        if mine in ref:
            if ref[mine] not in self.objects:
                raise RemoteCrash("an unknown handle")
            return self.objects[ref[mine]]
        return RemoteObject(self, ref, name=None)

    def _encode_args(self, args, kwargs, buffers):
        return [encode(a, buffers, self._keep) for a in args], {
            k: encode(v, buffers, self._keep) for k, v in kwargs.items()
        }

    def send(self, header: dict, buffers: list[bytes]) -> None:
        _write_frame(self.write_fd, header, buffers)

    # requests this side makes
    def request(self, header: dict, buffers: list[bytes]):
        """Send a request and serve the other end's requests until its answer comes back."""
        self.send(header, buffers)
        while True:
            msg, bufs = self.reader.read(self.deadline)
            op = msg.get("op")
            if op in ("return", "raise"):
                return msg, bufs
            self.serve(msg, bufs)

    def answer_value(self, msg, bufs):
        if msg.get("op") == "raise":
            raise _rebuild(msg)
        try:
            return decode(msg.get("value"), bufs, self._resolve)
        except RecursionError:
            raise RemoteCrash("a value nested too deep") from None

    # requests this side serves
    def serve(self, msg: dict, bufs: list[bytes]) -> None:
        out: list[bytes] = []
        stdout = io.StringIO()
        try:
            op = msg.get("op")
            if self.trusted and "sync" in msg and self.calls:
                self._mirror(self.calls[-1], msg["sync"], bufs)
            if op == "setattr" and not self.trusted:
                target = self._target(msg.get("target"))
                setattr(target, str(msg.get("name")), decode(msg.get("value"), bufs, self._resolve))
                header = {"op": "return", "value": None}
            elif op == "bind" and not self.trusted:  # the grader puts one of its functions in place of a global
                self.namespace[str(msg.get("name"))] = decode(msg.get("value"), bufs, self._resolve)
                header = {"op": "return", "value": None}
            elif op == "exec" and not self.trusted:
                header = {"op": "return", "value": encode(self._exec(str(msg.get("source", ""))), out, self._keep)}
            elif op in ("call", "getattr", "signature"):
                target = self._target(msg.get("target"))
                if op == "signature":
                    header = {"op": "return", "value": encode(_signature(target), out, self._keep)}
                elif op == "getattr":
                    value = self._getattr(target, msg.get("name"))
                    if self.trusted and callable(value) and not isinstance(value, np.ndarray):
                        header = {"op": "return", "value": {"M": str(msg.get("name"))}}
                    else:
                        header = {"op": "return", "value": encode(value, out, self._result_keep)}
                else:
                    header = self._call(target, msg, bufs, out, stdout)
            else:
                raise RemoteCrash(f"unknown request {op!r}")
        except RemoteCrash:
            raise
        except BaseException as exc:  # the student's code may raise anything, even SystemExit
            out = []
            header = {"op": "raise", "type": type(exc).__name__, "message": str(exc)[:2000], "trace": _trace(exc)}
        header["stdout"] = stdout.getvalue()[-20_000:]
        self.send(header, out)

    def _mirror(self, call, state, bufs) -> None:
        """Write a call's argument state (sent by the worker) back into the grader's originals."""
        args, kwargs = call
        for original, after in zip(args, state.get("args", [])):
            _write_back(original, decode(after, bufs, self._resolve))
        for key, after in state.get("kwargs", {}).items():
            if key in kwargs:
                _write_back(kwargs[key], decode(after, bufs, self._resolve))

    def _target(self, ref):
        if isinstance(ref, str) and not self.trusted:
            if ref not in self.namespace:
                raise NameError(f"name {ref!r} is not defined")
            return self.namespace[ref]
        if isinstance(ref, dict):
            mine = "O" if self.trusted else "H"
            if mine in ref and ref[mine] in self.objects:
                return self.objects[ref[mine]]
        raise RemoteCrash("a request for an unknown object")

    @property
    def _result_keep(self):
        """How this side encodes what it answers: the worker hands out handles to the student's
        objects; the grader answers with data only (a handle to one of its objects would let the
        worker call that object's methods: numpy's tofile, say)."""
        return _refuse if self.trusted else self._keep

    def _getattr(self, target, name):
        if not isinstance(name, str) or (self.trusted and name.startswith("_")):
            raise AttributeError(f"attribute {name!r} is not available")
        return getattr(target, name)

    def _call(self, target, msg, bufs, out, stdout):
        method = msg.get("method") or "__call__"
        allowed = _SPECIAL_TRUSTED if self.trusted else _SPECIAL
        if method not in allowed and (not isinstance(method, str) or method.startswith("_")):
            raise AttributeError(f"method {method!r} is not available")
        if self.trusted and isinstance(target, type):
            raise TypeError("classes of the grader cannot be called")
        args = [decode(a, bufs, self._resolve) for a in msg.get("args", [])]
        kwargs = {str(k): decode(v, bufs, self._resolve) for k, v in msg.get("kwargs", {}).items()}
        fn = target if method == "__call__" else getattr(target, method)
        before = _global_rng_state()
        if self.trusted:
            result = fn(*args, **kwargs)
        else:
            self.calls.append((args, kwargs))
            try:
                with contextlib.redirect_stdout(stdout):
                    result = fn(*args, **kwargs)
            finally:
                self.calls.pop()
        header = {"op": "return", "value": encode(result, out, self._result_keep)}
        if not self.trusted:  # the grader mirrors what the call did to its arguments and the global generators
            header["args_after"] = [encode(a, out, self._keep) for a in args]
            header["kwargs_after"] = {k: encode(v, out, self._keep) for k, v in kwargs.items()}
            header["global_rng_drawn"] = _global_rng_state() != before
        return header

    def _exec(self, source: str) -> dict:
        """Run one notebook cell in the namespace: plain Python, or through IPython when the cell
        uses its syntax (magics, `!` commands); IPython is imported only then."""
        stdout = io.StringIO()
        self.cells_run = getattr(self, "cells_run", 0) + 1
        error = None
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stdout):
            try:
                code = compile(source, f"<cell {self.cells_run}>", "exec")
            except SyntaxError:
                code = None
            if code is None:
                from IPython.core.interactiveshell import InteractiveShell

                shell = InteractiveShell.instance(user_ns=self.namespace, colors="NoColor")
                result = shell.run_cell(source, store_history=False)
                error = result.error_before_exec or result.error_in_exec
            else:
                try:
                    exec(code, self.namespace)
                except BaseException as exc:  # the student's cell may raise anything, even SystemExit
                    error = exc
        return {
            "ok": error is None,
            "error": f"{type(error).__name__}: {error}" if error else "",
            "stdout": stdout.getvalue()[-5000:],
        }


def _sync_state(peer: Peer, out: list[bytes]) -> dict | None:
    """The current state of the innermost call's arguments (worker side), for a callback."""
    if peer.trusted or not peer.calls:
        return None
    args, kwargs = peer.calls[-1]
    return {
        "args": [encode(a, out, peer._keep) for a in args],
        "kwargs": {k: encode(v, out, peer._keep) for k, v in kwargs.items()},
    }


def _signature(fn) -> list:
    """[(name, kind, has_default), ...] of fn's parameters (empty when it has no signature)."""
    import inspect

    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return []
    return [[p.name, int(p.kind), p.default is not inspect.Parameter.empty] for p in sig.parameters.values()]


def _trace(exc: BaseException) -> list[str]:
    """The student's frames of exc's traceback (cells run as <ipython-input...>/<cell...>)."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.startswith("<")]
    return [line.rstrip("\n") for line in traceback.format_list(frames[-2:])]


_REBUILT = {
    name: getattr(__import__("builtins"), name)
    for name in dir(__import__("builtins"))
    if isinstance(getattr(__import__("builtins"), name), type)
    and issubclass(getattr(__import__("builtins"), name), Exception)
    and name not in {"SystemExit", "KeyboardInterrupt", "GeneratorExit"}
}


def _rebuild(msg: dict) -> Exception:
    """The other side's exception as the same built-in type (NotImplementedError stays one), with
    its message; any other type becomes RemoteError naming it."""
    name, text = str(msg.get("type", "Exception")), str(msg.get("message", ""))
    cls = _REBUILT.get(name)
    try:
        exc = cls(text) if cls is not None else RemoteError(f"{name}: {text}")
    except Exception:
        exc = RemoteError(f"{name}: {text}")
    exc.remote_trace = [str(line) for line in msg.get("trace", [])][:20]
    return exc


class RemoteObject:
    """Stands for an object of the other process: calls, attribute reads, len, [] and iteration
    are forwarded. `name` is the notebook global it stands for (the student's function or class)."""

    def __init__(self, peer: Peer, ref, name: str | None):
        object.__setattr__(self, "_peer", peer)
        object.__setattr__(self, "_ref", ref if name is None else name)
        object.__setattr__(self, "__name__", name or "remote")
        object.__setattr__(self, "__qualname__", name or "remote")

    def _request(self, method: str, *args, **kwargs):
        peer, out = self._peer, []
        enc_args, enc_kwargs = peer._encode_args(args, kwargs, out)
        header = {"op": "call", "target": self._ref, "method": method, "args": enc_args, "kwargs": enc_kwargs}
        sync = _sync_state(peer, out)
        if sync is not None:
            header["sync"] = sync
        if peer.trusted:
            peer.calls.append((args, kwargs))
        try:
            msg, bufs = peer.request(header, out)
        finally:
            if peer.trusted:
                peer.calls.pop()
        if msg.get("stdout"):
            sys.stdout.write(msg["stdout"])
        value = peer.answer_value(msg, bufs)
        if msg.get("global_rng_drawn"):
            np.random.random()  # mirror the draw so that checks of the global generator see it
            random.random()
        peer._mirror((args, kwargs), {"args": msg.get("args_after", []), "kwargs": msg.get("kwargs_after", {})}, bufs)
        return value

    def __call__(self, *args, **kwargs):
        return self._request("__call__", *args, **kwargs)

    def __getattr__(self, name: str):
        if name.startswith("__") or name in ("_peer", "_ref"):
            if name == "__signature__":
                return self._signature()
            raise AttributeError(name)
        peer = self._peer
        msg, bufs = peer.request({"op": "getattr", "target": self._ref, "name": name}, [])
        value = peer.answer_value(msg, bufs)
        if isinstance(value, MethodName):  # a method of the grader's object: called through the object
            return functools.partial(self._request, str(value))
        return value

    def _signature(self):
        import inspect

        if "_sig" in self.__dict__:  # asked once: checks look it up on every call
            return self.__dict__["_sig"]
        msg, bufs = self._peer.request({"op": "signature", "target": self._ref}, [])
        params = self._peer.answer_value(msg, bufs)
        try:
            sig = inspect.Signature(
                [
                    inspect.Parameter(n, inspect._ParameterKind(k), default=None if d else inspect.Parameter.empty)
                    for n, k, d in params
                ]
            )
        except (TypeError, ValueError):
            sig = None
        self.__dict__["_sig"] = sig
        return sig

    def __setattr__(self, name: str, value):
        peer, out = self._peer, []
        msg, bufs = peer.request(
            {"op": "setattr", "target": self._ref, "name": name, "value": encode(value, out, peer._keep)}, out
        )
        peer.answer_value(msg, bufs)

    def __len__(self):
        return self._request("__len__")

    def __getitem__(self, key):
        return self._request("__getitem__", key)

    def __setitem__(self, key, value):
        return self._request("__setitem__", key, value)

    def __iter__(self):
        it = self._request("__iter__")
        while True:
            try:
                yield it._request("__next__") if isinstance(it, RemoteObject) else next(it)
            except StopIteration:
                return

    def __repr__(self):
        return f"<remote {self.__name__}>"


class Channel:
    """The grader's end: runs cells in the worker and hands out its globals as RemoteObjects."""

    def __init__(self, read_fd: int, write_fd: int):
        self.peer = Peer(read_fd, write_fd, trusted=True)

    def run_cell(self, source: str, timeout: float) -> dict:
        """Execute a cell in the worker: {"ok", "error", "stdout"}; RemoteTimeout/RemoteCrash."""
        self.peer.deadline = time.monotonic() + timeout
        msg, bufs = self.peer.request({"op": "exec", "source": source}, [])
        return self.peer.answer_value(msg, bufs)

    def bind(self, name: str, fn) -> None:
        """Make the worker's global `name` call the grader's function fn (through a handle)."""
        out: list[bytes] = []
        msg, bufs = self.peer.request({"op": "bind", "name": name, "value": encode(fn, out, self.peer._keep)}, out)
        self.peer.answer_value(msg, bufs)

    def get(self, name: str) -> RemoteObject:
        """The worker's global `name` (a function or class), to pass to a check."""
        return RemoteObject(self.peer, None, name=name)

    def set_deadline(self, seconds: float) -> None:
        self.peer.deadline = time.monotonic() + seconds


def worker_main() -> int:
    """The worker: serve the grader's requests on the pipes it was started with (fds 0 and 1),
    after moving them aside so that the student's prints and C-level writes cannot mix into them."""
    read_fd, write_fd = os.dup(0), os.dup(1)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    log = os.open("worker-output.txt", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(log, 1)
    os.dup2(log, 2)
    sys.stdout = io.TextIOWrapper(os.fdopen(1, "wb", closefd=False), write_through=True)
    sys.stderr = sys.stdout
    peer = Peer(read_fd, write_fd, trusted=False, namespace={"__name__": "__main__"})
    while True:
        try:
            msg, bufs = peer.reader.read()
        except RemoteCrash:
            return 0  # the grader closed the pipe: done
        peer.serve(msg, bufs)


if __name__ == "__main__":
    sys.exit(worker_main())
