"""Process-level speed settings that notebooks opt into explicitly.

`keep_freed_memory()`: glibc gives large freed blocks back to the operating system and maps
fresh pages for the next large array, so NumPy code that allocates multi-megabyte temporaries on
every step (im2col convolutions, a training loop) pays thousands of page faults per step. Asking
glibc (`mallopt`, see `man 3 mallopt`) to keep freed memory in the process removes that cost: a
LeNet-5 training step here went from about 15 ms to 9 ms (docs/benchmarks.md). The price is that
the process holds on to its peak memory (tens of megabytes for this course's models).
"""

from __future__ import annotations

import ctypes
import ctypes.util

M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # from glibc's malloc.h


def keep_freed_memory(limit_bytes: int = 1 << 30) -> bool:
    """Let glibc keep up to limit_bytes of freed memory instead of returning it to the system,
    and serve blocks up to that size from its heap instead of fresh mappings.

    Affects the whole process (every later allocation). Returns True if applied; False on C
    libraries without mallopt (macOS, Windows, musl), where it does nothing.
    Raises ValueError if limit_bytes is not positive.
    """
    if limit_bytes <= 0:
        raise ValueError(f"limit_bytes must be positive, got {limit_bytes}")
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    limit = min(int(limit_bytes), 2**31 - 1)  # mallopt takes a C int
    return bool(mallopt(M_MMAP_THRESHOLD, limit)) and bool(mallopt(M_TRIM_THRESHOLD, limit))
