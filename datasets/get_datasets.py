#!/usr/bin/env python
"""Fetch a dataset into datasets/<name>/ with SHA-256 checks: the same as `course fetch NAME`.

python datasets/get_datasets.py mnist_full | fashion_mnist | cifar10
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

from lib.course.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(["fetch", *sys.argv[1:]]))
