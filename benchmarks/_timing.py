"""The one timing helper of the benchmarks (they run as scripts, so this folder is on sys.path)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


def best_of(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """The least wall-clock time of ``repeat`` calls of ``fn`` (at least one), and its last result.

    >>> seconds, value = best_of(lambda: 6 * 7, 3)
    >>> value, seconds >= 0
    (42, True)
    """
    best, out = float("inf"), None
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out
