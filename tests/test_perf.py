"""lib.perf: the opt-in allocator setting the training notebooks use."""

import platform

import numpy as np
import pytest

from lib.perf import keep_freed_memory


def test_keep_freed_memory_applies_on_glibc_and_numpy_still_works():
    applied = keep_freed_memory(64 << 20)
    if platform.libc_ver()[0] == "glibc":
        assert applied is True
    else:
        assert applied is False
    a = np.ones((512, 1024))  # a 4 MB array, allocated and freed under the new setting
    assert float(a.sum()) == 512 * 1024


def test_keep_freed_memory_rejects_a_non_positive_limit():
    with pytest.raises(ValueError, match="limit_bytes"):
        keep_freed_memory(0)
