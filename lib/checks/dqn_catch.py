"""Graded checks of 07_dqn/dqn_catch.ipynb (Catch from pixels).

`stack_frames` is compared with `lib.rl.envs.stack_frames` (asked through `expected`) on episodes
whose frames are all different (each frame holds its own step number), with non-square frames and
several k, including k larger than the episode and k = 1; the usual wrong versions (newest frame
first, zeros instead of the first frame before the episode has k frames, a window shifted by one)
are recognised by the values they return.
"""

from __future__ import annotations

import numpy as np

from .core import Check
from .expected import reference

ref = reference("lib.rl.envs")

__all__ = ["stack_frames"]


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
