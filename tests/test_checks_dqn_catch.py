"""Checks of 07_dqn/dqn_catch.ipynb: the reference passes; the stub and typical mistakes are
named; correct versions written otherwise (a loop, concatenation with a padded episode) pass."""

import numpy as np
from check_harness import CheckTests

import lib.checks.dqn_catch as module
from lib.rl.envs import stack_frames


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


class TestChecks(CheckTests):
    module = module
    references = {"stack_frames": stack_frames}
    mistakes = [
        ("stack_frames", stack_newest_first, "newest frame comes first"),
        ("stack_frames", stack_zero_padded, "missing ones are zeros"),
        ("stack_frames", stack_shifted_back, "not frame t - 1"),
    ]
    alternatives = [("stack_frames", stack_loop), ("stack_frames", stack_concat)]
