"""Plot helpers shared by the notebooks: image grids, class templates, search heatmaps.

Each returns the matplotlib Figure; the notebook calls plt.show().
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np


def _as_image(row, image_shape):
    img = np.asarray(row, dtype=np.float64).reshape(image_shape)
    lo, hi = img.min(), img.max()
    return (img - lo) / (hi - lo) if hi > lo else np.zeros_like(img)


def samples_per_class(X, y, class_names, image_shape, per_class: int = 6, seed: int = 0, title: str = ""):
    """A grid with one column per class and `per_class` random examples of each (seeded).

    X: (N, D) rows of pixels, y: (N,) labels, image_shape: (H, W) or (H, W, 3).
    """
    rng = np.random.default_rng(seed)
    C = len(class_names)
    fig, axes = plt.subplots(per_class, C, figsize=(C * 0.8, per_class * 0.8))
    for c in range(C):
        idx = rng.choice(np.flatnonzero(y == c), per_class, replace=False)
        for r, i in enumerate(idx):
            ax = axes[r, c]
            ax.imshow(_as_image(X[i], image_shape), cmap="gray")
            ax.axis("off")
            if r == 0:
                ax.set_title(class_names[c], fontsize=8)
    fig.suptitle(title or "Random training examples per class")
    return fig


def class_templates(W, class_names, image_shape, title: str = "Learned weights, one template per class"):
    """Show the columns of W (D, C), without a bias row, as one image per class, each rescaled to 0-1."""
    C = len(class_names)
    fig, axes = plt.subplots(1, C, figsize=(C * 1.0, 1.6))
    for c in range(C):
        axes[c].imshow(_as_image(W[:, c], image_shape), cmap="gray")
        axes[c].set_title(class_names[c], fontsize=8)
        axes[c].axis("off")
    fig.suptitle(title)
    return fig


def annotate_cells(ax, grid, fmt: str = "{:.3f}", fontsize: int = 9):
    """Write each value of a 2-D grid into its imshow cell: dark text on the bright half of the
    colour map (viridis), light text on the dark half."""
    grid = np.asarray(grid, dtype=float)
    middle = (grid.min() + grid.max()) / 2
    for (r, c), v in np.ndenumerate(grid):
        ax.text(c, r, fmt.format(v), ha="center", va="center", fontsize=fontsize, color="k" if v > middle else "w")


def search_heatmap(results, learning_rates, regs, title: str = "Validation accuracy"):
    """results: {(lr, reg): accuracy}. A heatmap with learning rates down and regs across, values written in."""
    grid = np.array([[results[(lr, reg)] for reg in regs] for lr in learning_rates])
    fig, ax = plt.subplots(figsize=(5, 3.5))
    im = ax.imshow(grid, cmap="viridis")
    ax.set_xticks(range(len(regs)), [f"{r:g}" for r in regs])
    ax.set_yticks(range(len(learning_rates)), [f"{lr:g}" for lr in learning_rates])
    ax.set(xlabel="regularization strength", ylabel="learning rate", title=title)
    annotate_cells(ax, grid)
    fig.colorbar(im, ax=ax)
    return fig
