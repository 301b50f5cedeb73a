"""Download datasets with pooch, verified by SHA-256, into <data dir>/<name>/.

The data dir is $COURSE_DATA_DIR if set, else datasets/ in the course's repository, else (an
installed copy, e.g. on Colab) pooch's per-user cache folder. Every file's hash comes from
lib/data/registry.txt, which ships inside the package. A download is tried from each mirror in
turn (MNIST's original host often answers 403), each with a timeout and a few retries; pooch
checks the hash and deletes a file that does not match. Loaders verify the hash again before
reading, so a damaged or substituted file is never loaded.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from ..paths import ROOT, CourseError, in_checkout

REGISTRY_FILE = Path(__file__).with_name("registry.txt")
TIMEOUT = 30  # seconds without an answer before an attempt is abandoned (pooch 1.8 has none)
RETRIES = 2  # attempts per mirror


def default_data_dir() -> Path:
    """$COURSE_DATA_DIR, else datasets/ in a checkout, else pooch's per-user cache folder."""
    if os.environ.get("COURSE_DATA_DIR"):
        return Path(os.environ["COURSE_DATA_DIR"])
    if in_checkout(ROOT):
        return ROOT / "datasets"
    import pooch

    return Path(pooch.os_cache("dl-from-scratch-course"))


DATA_DIR = default_data_dir()
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


class DatasetFetchError(CourseError, RuntimeError):
    """No mirror delivered a file with the right hash; the message lists each attempt."""


def load_registry(path: Path = REGISTRY_FILE) -> dict[str, str]:
    """{path under the data dir: sha256} from a pooch-format registry file (comments with #)."""
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
    timeout: float = TIMEOUT,
    retries: int = RETRIES,
) -> list[Path]:
    """Download every file of dataset `name` into data_dir/<folder>/, checking SHA-256.

    name: one of REMOTE ("mnist_full", "fashion_mnist", "cifar10").
    data_dir: defaults to DATA_DIR (see the module docstring). mirrors: override the base URLs.
    timeout: seconds an attempt may wait for the server; retries: attempts per mirror.
    Files already present with the right hash are not downloaded again.
    Returns the file paths. Raises KeyError for an unknown name, DatasetFetchError when no
    mirror delivers a file whose hash matches: its message lists every URL tried and says where
    to put the file by hand.
    """
    import pooch

    if name not in REMOTE:
        raise KeyError(f"unknown dataset {name!r}; choose one of {', '.join(REMOTE)}")
    spec = REMOTE[name]
    registry = load_registry() if registry is None else registry
    folder = Path(data_dir or DATA_DIR) / spec.folder
    downloader = pooch.HTTPDownloader(progressbar=progressbar, timeout=timeout)
    paths = []
    for fname in spec.files:
        digest = registry[f"{spec.folder}/{fname}"]
        path, attempts = _retrieve(fname, digest, folder, mirrors or spec.mirrors, downloader, retries)
        if path is None:
            raise DatasetFetchError(
                f"could not fetch {fname} for {spec.title}:\n  " + "\n  ".join(attempts) + "\n"
                f"Download it by hand from one of those addresses and put it at {folder / fname} "
                f"(its SHA-256 must be {digest}), then run your code again."
            )
        paths.append(path)
    return paths


def _retrieve(fname, digest, folder, mirrors, downloader, retries):
    """(path, []) from the first mirror that delivers the file with the right hash, else
    (None, one line per failed attempt)."""
    import pooch

    attempts = []
    for base in mirrors:
        for _ in range(max(1, retries)):
            try:
                path = pooch.retrieve(
                    base + fname, known_hash=f"sha256:{digest}", fname=fname, path=folder, downloader=downloader
                )
                return Path(path), attempts
            except Exception as exc:  # HTTP errors, timeouts, hash mismatch: try again, then the next mirror
                attempts.append(f"{base}{fname}: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}")
                if isinstance(exc, ValueError):  # a wrong hash will not get better on a second try
                    break
    return None, attempts
