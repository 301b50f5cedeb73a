"""Readers for the two on-disk formats the course meets: IDX (MNIST, Fashion-MNIST) and
CIFAR-10's pickled Python batches.

IDX (LeCun et al., "The MNIST database", file-format section): a big-endian header of two zero
bytes, a type code (0x08 = unsigned byte), the number of dimensions, then one 4-byte size per
dimension, then the data in C order. CIFAR-10 (Krizhevsky, 2009, "Learning Multiple Layers of
Features from Tiny Images", and the dataset page): each batch is a pickled dict with b"data",
a (10000, 3072) uint8 array of R, G, B planes of 32x32 images, and b"labels".
"""

from __future__ import annotations

import gzip
import pickle
import tarfile
from pathlib import Path

import numpy as np

_IDX_TYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def parse_idx(raw: bytes, name: str = "IDX data") -> np.ndarray:
    """Decode the bytes of an (uncompressed) IDX file into an array of the stored shape.

    Raises ValueError naming `name` if the header or the length is wrong.
    """
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in _IDX_TYPES:
        raise ValueError(f"{name} is not an IDX file: bad magic number {raw[:4].hex()}")
    ndim = raw[3]
    header = 4 + 4 * ndim
    shape = tuple(int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    dtype = np.dtype(_IDX_TYPES[raw[2]])
    expected = header + int(np.prod(shape)) * dtype.itemsize
    if len(raw) != expected:
        raise ValueError(f"{name} has {len(raw)} bytes but its header {shape} implies {expected}")
    return np.frombuffer(raw, dtype=dtype, offset=header).reshape(shape)


def read_idx(path: Path | str) -> np.ndarray:
    """Read an IDX file, gzip-compressed (.gz) or not. Images come out (N, 28, 28) uint8, labels (N,)."""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as f:
        return parse_idx(f.read(), name=str(path))


def write_idx(path: Path | str, array: np.ndarray) -> None:
    """Write a uint8 array as a gzip-compressed IDX file (used by the tests to make small real files)."""
    array = np.ascontiguousarray(array, dtype=np.uint8)
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(int(n).to_bytes(4, "big") for n in array.shape)
    with gzip.open(path, "wb") as f:
        f.write(header + array.tobytes())


def read_cifar_batch(fileobj) -> tuple[np.ndarray, np.ndarray]:
    """Decode one pickled CIFAR-10 batch. Returns X: (N, 32, 32, 3) uint8 (HWC), y: (N,) int64."""
    batch = pickle.load(fileobj, encoding="bytes")
    data = np.asarray(batch[b"data"], dtype=np.uint8)
    X = data.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
    return np.ascontiguousarray(X), np.asarray(batch[b"labels"], dtype=np.int64)


def read_cifar10_archive(path: Path | str):
    """Read CIFAR-10 straight from cifar-10-python.tar.gz, without extracting it.

    Returns (X_train (50000, 32, 32, 3) uint8, y_train, X_test (10000, 32, 32, 3), y_test)
    (fewer rows for a smaller archive of the same layout). Raises ValueError if batches are missing.
    """
    parts: dict[str, tuple] = {}
    with tarfile.open(path, "r:gz") as tar:
        for member in tar.getmembers():
            base = Path(member.name).name
            if base.startswith("data_batch_") or base == "test_batch":
                parts[base] = read_cifar_batch(tar.extractfile(member))
    train = [parts[k] for k in sorted(parts) if k.startswith("data_batch_")]
    if not train or "test_batch" not in parts:
        raise ValueError(f"{path} does not hold CIFAR-10's data_batch_* and test_batch files")
    X_train = np.concatenate([x for x, _ in train])
    y_train = np.concatenate([y for _, y in train])
    return X_train, y_train, *parts["test_batch"]
