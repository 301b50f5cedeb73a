"""Plot helpers for gridworlds: value heatmaps, greedy-policy arrows, smoothed return curves.

States are numbered row-major (state = row * cols + col), as in gymnasium's toy-text grids and
CatMouse-v0. Actions follow FrozenLake's order by default: 0 left, 1 down, 2 right, 3 up; pass
`action_deltas` for another order (CliffWalking and CatMouse use 0 up, 1 right, 2 down, 3 left).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from ..vis import annotate_cells

FROZENLAKE_DELTAS = [(0, -1), (1, 0), (0, 1), (-1, 0)]  # (d_row, d_col) for left, down, right, up
UP_RIGHT_DOWN_LEFT = [(-1, 0), (0, 1), (1, 0), (0, -1)]


def smooth(x, k: int = 10) -> np.ndarray:
    """Moving average over k points ('valid' part only): len(x) - k + 1 values."""
    x = np.asarray(x, dtype=float)
    if k < 1 or k > len(x):
        raise ValueError(f"k must be between 1 and len(x) = {len(x)}, got {k}")
    return np.convolve(x, np.ones(k) / k, mode="valid")


def plot_returns(curves: dict, k: int = 10, ax=None, title: str = "Return per episode"):
    """One smoothed line per entry of curves ({label: per-episode returns}). Returns the Axes."""
    ax = ax or plt.gca()
    for label, returns in curves.items():
        ax.plot(np.arange(k - 1, len(returns)), smooth(returns, k), label=label)
    ax.set(title=f"{title} (moving average of {k})", xlabel="episode", ylabel="return")
    ax.legend()
    return ax


def plot_value_heatmap(V, shape, ax=None, title: str = "State values", fmt: str = "{:.2f}"):
    """V: (rows * cols,) values drawn as a heatmap of the grid, each value written in its cell."""
    ax = ax or plt.gca()
    grid = np.asarray(V, dtype=float).reshape(shape)
    im = ax.imshow(grid, cmap="viridis")
    annotate_cells(ax, grid, fmt, fontsize=8)
    ax.set(title=title, xticks=[], yticks=[])
    plt.colorbar(im, ax=ax, fraction=0.046)
    return ax


def plot_policy_arrows(policy, shape, ax=None, action_deltas=FROZENLAKE_DELTAS, skip=(), title: str = "Greedy policy"):
    """policy: (rows * cols,) action per state, drawn as arrows on the grid; states in skip get none."""
    ax = ax or plt.gca()
    rows, cols = shape
    ax.set(xlim=(-0.5, cols - 0.5), ylim=(rows - 0.5, -0.5), title=title, xticks=[], yticks=[], aspect="equal")
    for s, a in enumerate(np.asarray(policy)):
        if s in skip:
            continue
        r, c = divmod(s, cols)
        dr, dc = action_deltas[int(a)]
        ax.arrow(
            c - 0.3 * dc, r - 0.3 * dr, 0.5 * dc, 0.5 * dr, head_width=0.15, color="tab:blue", length_includes_head=True
        )
    return ax
