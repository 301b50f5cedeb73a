"""Checks of 07_dqn/dqn_catch.ipynb: the reference passes; the stub and typical mistakes are
named; correct versions written otherwise (a loop, concatenation with a padded episode) pass."""

import numpy as np
from check_harness import CheckTests

import lib.checks.dqn_catch as module
from lib.rl.envs import catch_frames, max_pool_2x2, stack_frames


def stack_newest_first(frames, k):
    return stack_frames(frames, k)[:, ::-1]


def stack_zero_padded(frames, k):
    frames = np.asarray(frames)
    padded = np.concatenate([np.zeros((k - 1, *frames.shape[1:]), frames.dtype), frames])
    return np.stack([padded[t : t + k, 0] for t in range(len(frames))])


def stack_shifted_back(frames, k):
    frames = np.asarray(frames)
    return stack_frames(np.concatenate([frames[:1], frames[:-1]]), k)


def stack_loop(frames, k):
    out = []
    for t in range(len(frames)):
        out.append([frames[max(t - k + 1 + j, 0)][0] for j in range(k)])
    return np.array(out)


def stack_concat(frames, k):
    frames = np.asarray(frames)
    padded = np.concatenate([np.repeat(frames[:1], k - 1, axis=0), frames])
    windows = np.lib.stride_tricks.sliding_window_view(padded[:, 0], k, axis=0)  # (T, H, W, k)
    return np.moveaxis(windows, -1, 1)


def frames_one_cell(states, rows=10, cols=10, basket=3):
    return catch_frames(states, rows, cols, 1)


def frames_short_basket(states, rows=10, cols=10, basket=3):
    out = np.zeros((len(states), 1, rows, cols), np.float32)
    for i, (r, f, b) in enumerate(states):
        out[i, 0, r, f] = 1
        out[i, 0, rows - 1, b - basket // 2 : b + basket // 2] = 1
    return out


def frames_wide_left(states, rows=10, cols=10, basket=3):
    out = np.zeros((len(states), 1, rows, cols), np.float32)
    for i, (r, f, b) in enumerate(states):
        out[i, 0, r, f] = 1
        out[i, 0, rows - 1, max(b - basket // 2 - 1, 0) : b + basket // 2 + 1] = 1
    return out


def frames_swapped(states, rows=10, cols=10, basket=3):
    states = np.asarray(states)
    out = np.zeros((len(states), 1, rows, cols), np.float32)
    for i, (r, f, b) in enumerate(states):
        if f < rows and r < cols:
            out[i, 0, f, r] = 1
        out[i, 0, rows - 1, b - basket // 2 : b + basket // 2 + 1] = 1
    return out


def frames_loop(states, rows=10, cols=10, basket=3):
    out = np.zeros((len(states), 1, rows, cols), dtype="float32")
    for i, (r, f, b) in enumerate(states):
        out[i, 0, r, f] = 1
        out[i, 0, -1, b - basket // 2 : b + basket // 2 + 1] = 1
    return out


def frames_masks(states, rows=10, cols=10, basket=3):
    states = np.asarray(states)
    r, f, b = (states[:, i, None, None] for i in range(3))
    ii, jj = np.arange(rows)[:, None], np.arange(cols)[None, :]
    picture = ((ii == r) & (jj == f)) | ((ii == rows - 1) & (np.abs(jj - b) <= basket // 2))
    return picture[:, None].astype(np.float32)


def pool_mean(x):
    n, c, h, w = x.shape
    return x.reshape(n, c, h // 2, 2, w // 2, 2).mean(axis=(3, 5))


def pool_wrong_reshape(x):
    n, c, h, w = x.shape
    return x.reshape(n, c, h // 2, w // 2, 2, 2).max(axis=(4, 5))


def pool_subsample(x):
    return x[:, :, ::2, ::2]


def pool_loop(x):
    n, c, h, w = x.shape
    out = np.empty((n, c, h // 2, w // 2))
    for i in range(h // 2):
        for j in range(w // 2):
            out[:, :, i, j] = x[:, :, 2 * i : 2 * i + 2, 2 * j : 2 * j + 2].max(axis=(2, 3))
    return out


def pool_slices(x):
    return np.maximum.reduce([x[:, :, a::2, b::2] for a in (0, 1) for b in (0, 1)])


def frames_float64(states, rows=10, cols=10, basket=3):
    return catch_frames(states, rows, cols, basket).astype(np.float64)


class TestChecks(CheckTests):
    module = module
    references = {"stack_frames": stack_frames, "catch_frames": catch_frames, "max_pool_2x2": max_pool_2x2}
    mistakes = [
        ("stack_frames", stack_newest_first, "newest frame comes first"),
        ("stack_frames", stack_zero_padded, "missing ones are zeros"),
        ("stack_frames", stack_shifted_back, "not frame t - 1"),
        ("catch_frames", frames_one_cell, "the basket is one cell"),
        ("catch_frames", frames_short_basket, "misses its rightmost cell"),
        ("catch_frames", frames_wide_left, "too wide on the left"),
        ("catch_frames", frames_swapped, "swapped"),
        ("catch_frames", frames_float64, "float32"),
        ("max_pool_2x2", pool_mean, "averages"),
        ("max_pool_2x2", pool_wrong_reshape, "not 2x2 squares"),
        ("max_pool_2x2", pool_subsample, "top-left"),
    ]
    alternatives = [
        ("stack_frames", stack_loop),
        ("stack_frames", stack_concat),
        ("catch_frames", frames_loop),
        ("catch_frames", frames_masks),
        ("max_pool_2x2", pool_loop),
        ("max_pool_2x2", pool_slices),
    ]
