"""Data for the course: the offline MNIST default, fetchers for bigger sets, splits, preprocessing.

from lib.data import get_data, preprocess
data = get_data("mnist", num_val=500, num_test=500, seed=0)   # works offline
data = preprocess(data)                                         # mean image, bias trick
"""

from .fetch import (
    REMOTE,
    DatasetChecksumError,
    DatasetFetchError,
    DatasetMissingError,
    fetch,
    load_registry,
)
from .formats import read_cifar10_archive, read_idx, write_idx
from .loaders import CLASS_NAMES, get_data, load_cifar10, load_fashion_mnist, load_mnist_5k, load_mnist_full
from .preprocess import add_bias_column, preprocess, subtract_mean_image, train_val_test_split

__all__ = [
    "REMOTE",
    "DatasetChecksumError",
    "DatasetFetchError",
    "DatasetMissingError",
    "fetch",
    "load_registry",
    "read_cifar10_archive",
    "read_idx",
    "write_idx",
    "CLASS_NAMES",
    "get_data",
    "load_cifar10",
    "load_fashion_mnist",
    "load_mnist_5k",
    "load_mnist_full",
    "add_bias_column",
    "preprocess",
    "subtract_mean_image",
    "train_val_test_split",
]
