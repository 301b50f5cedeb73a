"""Naive vs vectorized SVM and softmax loss+gradient at CS231n's development size.

    python benchmarks/linear_losses.py [--repeat 7]

N = 500 real MNIST digits (mean image subtracted, bias column: D = 785), C = 10 classes.
Each function's time is the best of --repeat runs; the ratios are measured in the same run, so
they do not depend on how fast this machine is. Target: vectorized >= 20x faster (issue 3).
"""

import argparse
import sys
import timeit
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lib.classifiers.linear_svm import svm_loss_naive, svm_loss_vectorized  # noqa: E402
from lib.classifiers.softmax import softmax_loss_naive, softmax_loss_vectorized  # noqa: E402
from lib.data import get_data, preprocess  # noqa: E402

TARGET = 20.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    data = preprocess(get_data("mnist", seed=0))
    X, y = data["X_train"][:500], data["y_train"][:500]
    W = 0.0001 * np.random.default_rng(0).standard_normal((X.shape[1], 10))
    print(f"N = {X.shape[0]}, D = {X.shape[1]}, C = {W.shape[1]}; best of {args.repeat} runs")
    print(f"{'loss':<10}{'naive ms':>10}{'vectorized ms':>15}{'ratio':>8}")
    ok = True
    for name, naive, vec in [
        ("svm", svm_loss_naive, svm_loss_vectorized),
        ("softmax", softmax_loss_naive, softmax_loss_vectorized),
    ]:
        t_n = min(timeit.repeat(lambda: naive(W, X, y, 1e2), number=1, repeat=args.repeat))
        t_v = min(timeit.repeat(lambda: vec(W, X, y, 1e2), number=10, repeat=args.repeat)) / 10
        ratio = t_n / t_v
        ok &= ratio >= TARGET
        print(f"{name:<10}{t_n * 1e3:>10.2f}{t_v * 1e3:>15.3f}{ratio:>7.0f}x")
    print(f"target: vectorized at least {TARGET:.0f}x faster: {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
