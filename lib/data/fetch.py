"""Download datasets with pooch, verified by SHA-256, into datasets/<name>/.

Every file's hash comes from datasets/registry.txt. A download is tried from each mirror in
turn (MNIST's original host often answers 403); pooch checks the hash and deletes a file that
does not match. Loaders verify the hash again before reading, so a damaged or substituted file
is never loaded.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from ..paths import ROOT

DATA_DIR = Path(os.environ.get("COURSE_DATA_DIR") or ROOT / "datasets")
REGISTRY_FILE = ROOT / "datasets" / "registry.txt"
DEBIAN_FASHION_DIR = Path("/usr/share/datasets/fashion-mnist")


@dataclass(frozen=True)
class RemoteDataset:
    """A dataset the course can fetch: its folder under datasets/, its files, and mirrors (base URLs)."""

    title: str
    folder: str
    files: tuple[str, ...]
    mirrors: tuple[str, ...]


# The four IDX files of MNIST and Fashion-MNIST, in the order the loaders return them:
# training images, training labels, test images, test labels.
IDX_FILES = (
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
)

REMOTE = {
    "mnist_full": RemoteDataset(
        "MNIST (70,000 digits)",
        "mnist_full",
        IDX_FILES,
        (
            "https://ossci-datasets.s3.amazonaws.com/mnist/",
            "https://storage.googleapis.com/cvdf-datasets/mnist/",
            "https://yann.lecun.com/exdb/mnist/",
        ),
    ),
    "fashion_mnist": RemoteDataset(
        "Fashion-MNIST (70,000 clothing images)",
        "fashion_mnist",
        IDX_FILES,
        (
            "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
            "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/",
        ),
    ),
    "cifar10": RemoteDataset(
        "CIFAR-10 (60,000 colour images)",
        "cifar10",
        ("cifar-10-python.tar.gz",),
        ("https://www.cs.toronto.edu/~kriz/",),
    ),
}


class DatasetMissingError(FileNotFoundError):
    """A dataset is not on disk; the message names the command that fetches it."""


class DatasetChecksumError(ValueError):
    """A dataset file's SHA-256 differs from the registry: it is damaged or not the official file."""


class DatasetFetchError(RuntimeError):
    """No mirror delivered a file with the right hash; the message lists each attempt."""


def load_registry(path: Path = REGISTRY_FILE) -> dict[str, str]:
    """{path under datasets/: sha256} from a pooch-format registry file (comments with #)."""
    registry = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, digest = line.split()[:2]
            registry[name] = digest.lower()
    return registry


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def fetch_command(name: str) -> str:
    return f"course fetch {name}   (or: python datasets/get_datasets.py {name})"


def verified(path: Path, key: str, registry: dict[str, str] | None = None) -> Path:
    """Return path if its SHA-256 matches registry[key]; raise DatasetChecksumError otherwise."""
    registry = load_registry() if registry is None else registry
    expected = registry[key]
    actual = sha256_of(path)
    if actual != expected:
        dataset = key.split("/")[0]
        hint = (
            f"Delete it and run: {fetch_command(dataset)}"
            if dataset in REMOTE
            else "Reinstall the package that provides it."
        )
        raise DatasetChecksumError(
            f"{path} has SHA-256 {actual}, but the registry expects {expected}: the file is damaged "
            f"or not the official one, so it was not loaded. {hint}"
        )
    return path


def fetch(
    name: str,
    data_dir: Path | str | None = None,
    registry: dict[str, str] | None = None,
    mirrors: tuple[str, ...] | None = None,
    progressbar: bool = True,
) -> list[Path]:
    """Download every file of dataset `name` into data_dir/<folder>/, checking SHA-256.

    name: one of REMOTE ("mnist_full", "fashion_mnist", "cifar10").
    data_dir: defaults to datasets/ (or $COURSE_DATA_DIR). mirrors: override the base URLs.
    Files already present with the right hash are not downloaded again.
    Returns the file paths. Raises KeyError for an unknown name, DatasetFetchError when no
    mirror delivers a file whose hash matches.
    """
    import pooch

    if name not in REMOTE:
        raise KeyError(f"unknown dataset {name!r}; choose one of {', '.join(REMOTE)}")
    spec = REMOTE[name]
    registry = load_registry() if registry is None else registry
    folder = Path(data_dir or DATA_DIR) / spec.folder
    paths = []
    for fname in spec.files:
        digest = registry[f"{spec.folder}/{fname}"]
        attempts = []
        for base in mirrors or spec.mirrors:
            try:
                path = pooch.retrieve(
                    base + fname, known_hash=f"sha256:{digest}", fname=fname, path=folder, progressbar=progressbar
                )
                paths.append(Path(path))
                break
            except Exception as exc:  # HTTP errors, timeouts, hash mismatch: try the next mirror
                attempts.append(f"{base}{fname}: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}")
        else:
            raise DatasetFetchError(f"could not fetch {fname} for {spec.title}:\n  " + "\n  ".join(attempts))
    return paths
