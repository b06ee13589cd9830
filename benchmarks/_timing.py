"""The one timing helper of the benchmark scripts (run them as ``python benchmarks/<name>.py``)."""
from __future__ import annotations

import time


def best_of(fn, repeats):
    """(result of the last call, best wall time in seconds over `repeats` calls of fn())."""
    out, best = None, float("inf")
    for _ in range(max(1, int(repeats))):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return out, best
