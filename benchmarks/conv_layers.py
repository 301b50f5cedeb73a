"""Naive vs fast (im2col) convolution and max pooling at LeNet-5's shapes, float32, and the fast
convolution against PyTorch's CPU conv2d, all measured in one run.

    python benchmarks/conv_layers.py [--repeat 5]

PyTorch is optional (`pip install torch==2.13.0`, a CPU build); without it that column is skipped.
--tuned-malloc asks glibc (mallopt) to keep freed memory instead of returning large blocks to the
system: NumPy then stops paying page faults for its fresh multi-megabyte buffers on every call,
which PyTorch avoids with its own caching allocator. It changes this process only.
Targets (issue 4): fast >= 100x faster than naive; fast conv forward+backward within 2x of PyTorch.
Each time is the best of --repeat runs (naive: one run, it takes seconds).
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lib.fast_layers import conv_backward_fast, conv_forward_fast, max_pool_backward_fast, max_pool_forward_fast  # noqa: E402
from lib.layers import conv_backward_naive, conv_forward_naive, max_pool_backward_naive, max_pool_forward_naive  # noqa: E402

CONVS = [  # name, x shape, w shape, pad
    ("conv1 64x1x28x28, 6 filters 5x5, pad 2", (64, 1, 28, 28), (6, 1, 5, 5), 2),
    ("conv2 64x6x14x14, 16 filters 5x5", (64, 6, 14, 14), (16, 6, 5, 5), 0),
]
POOL = ("max pool 2x2/2 on 64x6x28x28", (64, 6, 28, 28))


def best(fn, repeat):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def torch_conv_time(x, w, b, pad, dout, repeat):
    import torch

    xt = torch.from_numpy(x).requires_grad_(True)
    wt = torch.from_numpy(w).requires_grad_(True)
    bt = torch.from_numpy(b).requires_grad_(True)
    dt = torch.from_numpy(dout)

    def step():
        xt.grad = wt.grad = bt.grad = None
        out = torch.nn.functional.conv2d(xt, wt, bt, stride=1, padding=pad)
        out.backward(dt)

    step()  # warm-up
    return best(step, repeat)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--tuned-malloc", action="store_true", help="keep freed memory in the process (glibc only)")
    args = parser.parse_args()
    if args.tuned_malloc:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
        libc.mallopt(M_MMAP_THRESHOLD, 1 << 30)
        libc.mallopt(M_TRIM_THRESHOLD, 1 << 30)
    try:
        import torch

        have_torch = True
        torch_note = f"PyTorch {torch.__version__}, {torch.get_num_threads()} threads"
    except ImportError:
        have_torch, torch_note = False, "PyTorch not installed: that comparison is skipped"
    allocator = "tuned malloc" if args.tuned_malloc else "default malloc"
    print(f"float32, forward + backward, best of {args.repeat}; {allocator}; {torch_note}\n")
    print(f"{'layer':<40}{'naive s':>9}{'fast ms':>9}{'torch ms':>10}{'naive/fast':>12}{'fast/torch':>12}")
    rng = np.random.default_rng(0)
    ok = True
    for name, xs, ws, pad in CONVS:
        x = rng.standard_normal(xs).astype(np.float32)
        w = (0.1 * rng.standard_normal(ws)).astype(np.float32)
        b = np.zeros(ws[0], np.float32)
        cp = {"stride": 1, "pad": pad}
        out, _ = conv_forward_fast(x, w, b, cp)
        dout = rng.standard_normal(out.shape).astype(np.float32)
        t_naive = best(lambda: conv_backward_naive(dout, conv_forward_naive(x, w, b, cp)[1]), 1)
        t_fast = best(lambda: conv_backward_fast(dout, conv_forward_fast(x, w, b, cp)[1]), args.repeat)
        t_torch = torch_conv_time(x, w, b, pad, dout, args.repeat) if have_torch else float("nan")
        ok &= t_naive / t_fast >= 100 and (not have_torch or t_fast / t_torch <= 2)
        print(
            f"{name:<40}{t_naive:>9.2f}{t_fast * 1e3:>9.2f}{t_torch * 1e3:>10.2f}{t_naive / t_fast:>11.0f}x"
            f"{t_fast / t_torch:>11.2f}x"
        )
    name, xs = POOL
    x = rng.standard_normal(xs).astype(np.float32)
    pp = {"pool_height": 2, "pool_width": 2, "stride": 2}
    dout = rng.standard_normal((64, 6, 14, 14)).astype(np.float32)
    t_naive = best(lambda: max_pool_backward_naive(dout, max_pool_forward_naive(x, pp)[1]), 1)
    t_fast = best(lambda: max_pool_backward_fast(dout, max_pool_forward_fast(x, pp)[1]), args.repeat)
    ok &= t_naive / t_fast >= 100
    print(f"{name:<40}{t_naive:>9.2f}{t_fast * 1e3:>9.2f}{'':>10}{t_naive / t_fast:>11.0f}x")
    print(f"\ntargets (fast >= 100x naive; fast conv <= 2x PyTorch): {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
