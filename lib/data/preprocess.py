"""Splits and CS231n-style preprocessing: mean-image subtraction and the bias trick.

The bias trick (CS231n notes, "Linear classification"): append a constant 1 to every input, so
that a score function W x + b becomes one matrix product W' x' with b as the last row of W'.
"""

from __future__ import annotations

import numpy as np
from sklearn.model_selection import train_test_split


def train_val_test_split(X, y, num_val: int, num_test: int, seed: int = 0, stratify: bool = True) -> dict:
    """Split (X, y) into train / validation / test sets with class proportions kept (stratified).

    X: (N, ...) samples, y: (N,) integer labels. num_val, num_test: sizes (> 0, together < N).
    Returns {"X_train", "y_train", "X_val", "y_val", "X_test", "y_test"}; the same seed gives
    the same split. Raises ValueError for sizes that do not fit.
    """
    X, y = np.asarray(X), np.asarray(y)
    if len(X) != len(y):
        raise ValueError(f"X has {len(X)} samples but y has {len(y)}")
    if num_val < 1 or num_test < 1 or num_val + num_test >= len(y):
        raise ValueError(
            f"num_val={num_val} and num_test={num_test} must be >= 1 and leave training data out of N={len(y)}"
        )
    strat = y if stratify else None
    X_rest, X_test, y_rest, y_test = train_test_split(X, y, test_size=num_test, random_state=seed, stratify=strat)
    strat = y_rest if stratify else None
    X_train, X_val, y_train, y_val = train_test_split(
        X_rest, y_rest, test_size=num_val, random_state=seed + 1, stratify=strat
    )
    return {"X_train": X_train, "y_train": y_train, "X_val": X_val, "y_val": y_val, "X_test": X_test, "y_test": y_test}


def subtract_mean_image(X_train, *others):
    """Centre every set on the training set's mean image.

    X_train: (N, D) or (N, H, W[, C]); others: arrays of the same trailing shape.
    Returns (mean_image, X_train_centred, *others_centred), all float64.
    """
    X_train = np.asarray(X_train, dtype=np.float64)
    mean_image = X_train.mean(axis=0)
    out = [X_train - mean_image]
    for X in others:
        X = np.asarray(X, dtype=np.float64)
        if X.shape[1:] != X_train.shape[1:]:
            raise ValueError(f"every set must have samples of shape {X_train.shape[1:]}, got {X.shape[1:]}")
        out.append(X - mean_image)
    return (mean_image, *out)


def add_bias_column(X) -> np.ndarray:
    """The bias trick: X (N, D) -> (N, D + 1) with a last column of ones."""
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D (N, D), got shape {X.shape}: flatten images first")
    return np.hstack([X, np.ones((X.shape[0], 1))])


def preprocess(data: dict, bias_trick: bool = True) -> dict:
    """Mean-image subtraction (and the bias trick) on a split from `get_data`.

    Returns a new dict with the same keys, centred X_* arrays (with a ones column when
    bias_trick) and "mean_image"; the input dict is not changed.
    """
    mean_image, X_train, X_val, X_test = subtract_mean_image(data["X_train"], data["X_val"], data["X_test"])
    out = dict(data, mean_image=mean_image, X_train=X_train, X_val=X_val, X_test=X_test)
    if bias_trick:
        for key in ("X_train", "X_val", "X_test"):
            out[key] = add_bias_column(out[key])
    return out
