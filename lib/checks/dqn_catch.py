"""Graded checks of 07_dqn/dqn_catch.ipynb (Catch from pixels).

`stack_frames` is compared with `lib.rl.envs.stack_frames` (asked through `expected`) on episodes
whose frames are all different (each frame holds its own step number), with non-square frames and
several k, including k larger than the episode and k = 1; the usual wrong versions (newest frame
first, zeros instead of the first frame before the episode has k frames, a window shifted by one)
are recognised by the values they return. `catch_frames` and `max_pool_2x2` are compared with
`lib.rl.envs` on random states of non-square grids with two basket widths, and on random
non-square images with several channels.
"""

from __future__ import annotations

import numpy as np

from .core import Check
from .expected import reference

ref = reference("lib.rl.envs")

__all__ = ["stack_frames", "catch_frames", "max_pool_2x2"]


def _episode(T, H, W, seed):
    """T distinct frames (1, H, W): random pixels plus the step number, so every frame differs."""
    rng = np.random.default_rng(seed)
    return (rng.random((T, 1, H, W)) + np.arange(1, T + 1)[:, None, None, None]).astype(np.float32)


def _mistakes(frames, k):
    T = len(frames)
    idx = np.arange(T)[:, None] - np.arange(k - 1, -1, -1)
    zeros = np.where((idx >= 0)[:, :, None, None], frames[np.maximum(idx, 0), 0], 0.0)
    return [
        (
            "the newest frame comes first: keep the frames oldest first, so channel k - 1 is frame t.",
            frames[np.maximum(idx, 0), 0][:, ::-1],
        ),
        (
            "before the episode has k frames, the missing ones are zeros: repeat the first frame instead "
            "(an all-zero frame is a picture the game never shows).",
            zeros,
        ),
        (
            "the window is shifted by one: row t must end with frame t itself, not frame t - 1.",
            frames[np.clip(idx - 1, 0, T - 1), 0],
        ),
    ]


def stack_frames(fn) -> None:
    """Check `stack_frames(frames, k) -> (T, k, H, W)`."""
    c = Check("stack_frames", fn)
    for T, H, W, k, seed in ((6, 3, 4, 3, 0), (9, 5, 2, 4, 1), (2, 2, 3, 5, 2), (4, 3, 2, 1, 3)):
        frames = _episode(T, H, W, seed)
        got = c.array(c.call(frames, k), f"stack_frames(frames of shape {frames.shape}, k={k})", (T, k, H, W))
        c.close(
            got,
            ref.stack_frames(frames, k),
            f"the stacked frames for T={T}, k={k}",
            mistakes=_mistakes(frames, k),
            hint="row t holds frames t-k+1, ..., t (oldest first); steps before the first frame use the first frame.",
        )
    c.done()


def _states(rows, cols, basket, n, seed):
    rng = np.random.default_rng(seed)
    half = basket // 2
    return np.stack([rng.integers(0, rows, n), rng.integers(0, cols, n), rng.integers(half, cols - half, n)], axis=1)


def _one_cell_basket(states, rows, cols):
    out = np.zeros((len(states), 1, rows, cols))
    for i, (r, f, b) in enumerate(states):
        out[i, 0, r, f] = out[i, 0, rows - 1, b] = 1.0
    return out


def _basket_from(states, rows, cols, basket, lo_shift, hi_shift):
    half = basket // 2
    out = np.zeros((len(states), 1, rows, cols))
    for i, (r, f, b) in enumerate(states):
        out[i, 0, rows - 1, max(b - half + lo_shift, 0) : b + half + 1 + hi_shift] = 1.0
        out[i, 0, r, f] = 1.0
    return out


def _transposed(states, rows, cols, basket):
    out = np.zeros((len(states), 1, rows, cols))
    half = basket // 2
    for i, (r, f, b) in enumerate(states):
        if f < rows and r < cols:
            out[i, 0, f, r] = 1.0
        out[i, 0, rows - 1, b - half : b + half + 1] = 1.0
    return out


def catch_frames(fn) -> None:
    """Check `catch_frames(states, rows, cols, basket) -> (S, 1, rows, cols)`."""
    c = Check("catch_frames", fn)
    for rows, cols, basket, n, seed in ((6, 9, 3, 40, 0), (8, 7, 5, 40, 1), (10, 10, 3, 60, 2)):
        states = _states(rows, cols, basket, n, seed)
        result = c.call(states, rows, cols, basket)
        c.require(
            getattr(result, "dtype", None) == np.float32,
            f"catch_frames should return a float32 array (the dtype the Q-network reads), "
            f"got {getattr(result, 'dtype', type(result).__name__)}",
        )
        got = c.array(
            result,
            f"catch_frames(states, rows={rows}, cols={cols}, basket={basket})",
            (n, 1, rows, cols),
        )
        c.close(
            got,
            ref.catch_frames(states, rows, cols, basket),
            f"the frames of {n} states on a {rows}x{cols} grid with a basket {basket} wide",
            mistakes=[
                (
                    "the basket is one cell: it covers `basket` cells centred on its column.",
                    _one_cell_basket(states, rows, cols),
                ),
                (
                    "the basket misses its rightmost cell: it spans columns centre - basket // 2 to "
                    "centre + basket // 2, both included.",
                    _basket_from(states, rows, cols, basket, 0, -1),
                ),
                (
                    "the basket is one cell too wide on the left: it starts at centre - basket // 2.",
                    _basket_from(states, rows, cols, basket, -1, 0),
                ),
                (
                    "the fruit's row and column are swapped: a state is (fruit row, fruit column, basket column).",
                    _transposed(states, rows, cols, basket),
                ),
            ],
            hint="1 at [s, 0, fruit row, fruit column] and at [s, 0, rows - 1, c] for every basket column c "
            "(centre - basket // 2 ... centre + basket // 2).",
        )
    c.done()


def max_pool_2x2(fn) -> None:
    """Check `max_pool_2x2(x) -> (N, C, H // 2, W // 2)`."""
    c = Check("max_pool_2x2", fn)
    for shape, seed in (((2, 3, 4, 6), 0), ((3, 1, 10, 10), 1), ((1, 2, 6, 2), 2)):
        x = np.random.default_rng(seed).normal(size=shape)
        n, ch, h, w = shape
        blocks = x.reshape(n, ch, h // 2, 2, w // 2, 2)
        got = c.array(c.call(x), f"max_pool_2x2(x of shape {shape})", (n, ch, h // 2, w // 2))
        c.close(
            got,
            ref.max_pool_2x2(x),
            f"the pooled x of shape {shape}",
            mistakes=[
                ("it averages each block: max pooling keeps the largest of the four values.", blocks.mean(axis=(3, 5))),
                (
                    "the blocks are not 2x2 squares of neighbours: after reshaping to (N, C, H/2, 2, W/2, 2) take the "
                    "max over axes 3 and 5 (a reshape to (..., H/2, W/2, 2, 2) mixes distant pixels).",
                    x.reshape(n, ch, h // 2, w // 2, 2, 2).max(axis=(4, 5)),
                ),
                (
                    "it keeps the top-left value of each block (a stride-2 subsampling), not the largest.",
                    x[:, :, ::2, ::2],
                ),
            ],
            hint="out[n, c, i, j] = max of x[n, c, 2i:2i+2, 2j:2j+2].",
        )
    c.done()
