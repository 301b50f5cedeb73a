"""One epoch of LeNet-5 training (batch 64, Adam) on the 60,000 Fashion-MNIST training images:
images per second for this course's NumPy LeNet-5 and for the same network in PyTorch (CPU),
measured in the same run.

    python benchmarks/lenet_epoch.py [--images 60000] [--default-malloc]

By default the process calls `lib.perf.keep_freed_memory()` first, as the course's notebooks do
(it affects both frameworks, which share the process); --default-malloc leaves glibc's default
behaviour, which makes our step about a third slower (page faults on fresh large arrays).

Data: Fashion-MNIST from datasets/ (`course fetch fashion_mnist`) or Debian's package
dataset-fashion-mnist. PyTorch is optional (`pip install -e ".[bench]"`). Target (issue 5):
ours within 2x of PyTorch.
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lib import optim  # noqa: E402
from lib.data import load_fashion_mnist  # noqa: E402
from lib.models import LeNet5  # noqa: E402
from lib.perf import keep_freed_memory  # noqa: E402


def ours(X, y):
    """A step function for our LeNet-5 with Adam; returns the minibatch loss."""
    model = LeNet5(seed=0)
    configs = {k: {"learning_rate": 1e-3} for k in model.params}

    def step(idx):
        loss, grads = model.loss(X[idx], y[idx])
        for k in model.params:
            model.params[k], configs[k] = optim.adam(model.params[k], grads[k], configs[k])
        return loss

    return step


def pytorch(X, y):
    """The same network and optimizer in PyTorch."""
    import torch
    from torch import nn

    torch.manual_seed(0)
    net = nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(400, 120),
        nn.ReLU(),
        nn.Linear(120, 84),
        nn.ReLU(),
        nn.Linear(84, 10),
    )
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)

    def step(idx):
        idx = torch.from_numpy(idx)
        opt.zero_grad()
        loss = nn.functional.cross_entropy(net(Xt[idx]), yt[idx])
        loss.backward()
        opt.step()
        return loss.item()

    return step


def run_interleaved(steps: dict, batches: list, block: int = 50) -> dict:
    """Time each step function over all batches, alternating blocks so both see the same machine load."""
    seconds = {name: 0.0 for name in steps}
    last = {}
    for start in range(0, len(batches), block):
        for name, step in steps.items():
            t0 = time.perf_counter()
            for idx in batches[start : start + block]:
                last[name] = step(idx)
            seconds[name] += time.perf_counter() - t0
    return seconds, last


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--images", type=int, default=60000)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--default-malloc", action="store_true", help="do not call lib.perf.keep_freed_memory()")
    args = parser.parse_args()
    allocator = "default malloc" if args.default_malloc or not keep_freed_memory() else "keep_freed_memory()"
    X_train, y_train, _, _ = load_fashion_mnist()
    X = (X_train[: args.images, None] / 255.0).astype(np.float32)
    X -= X.mean()
    y = y_train[: args.images]
    order = np.random.default_rng(0).permutation(len(X))
    batches = [order[i : i + args.batch] for i in range(0, len(X) - args.batch + 1, args.batch)]
    n = len(batches) * args.batch
    steps = {"ours (NumPy)": ours(X, y)}
    try:
        import torch

        steps[f"PyTorch {torch.__version__} ({torch.get_num_threads()} threads)"] = pytorch(X, y)
    except ImportError:
        print("PyTorch not installed: no comparison (pip install -e '.[bench]')")
    print(
        f"one epoch: {n} Fashion-MNIST images, batch {args.batch}, Adam, float32; "
        f"frameworks interleaved in blocks of 50 minibatches; {allocator}"
    )
    seconds, last = run_interleaved(steps, batches)
    for name in steps:
        print(
            f"{name:<36}{seconds[name]:7.1f} s {n / seconds[name]:8.0f} images/s"
            f"  (last minibatch loss {last[name]:.3f})"
        )
    if len(steps) < 2:
        return 0
    ours_s, torch_s = seconds.values()
    ratio = ours_s / torch_s
    print(f"ours / PyTorch time: {ratio:.2f}x  (target: within 2x: {'met' if ratio <= 2 else 'NOT met'})")
    return 0 if ratio <= 2 else 1


if __name__ == "__main__":
    sys.exit(main())
