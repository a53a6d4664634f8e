"""Plain-Python reference of ``planner.queueing.deferred.on_time_share``, and one-queue shorthands.

The tests check the closed-form on-time share against :func:`on_time_share_scalar`, a slice-by-slice
fluid simulation; ``benchmarks/requirements_bench.py`` uses it as its straightforward version. The
shorthands call the library's batched functions for a single queue.
"""

from __future__ import annotations

import numpy as np

from planner.queueing.deferred import DeferredWork, deferred_works, smooth_profiles, smooth_requirements


def deferred_work(work: np.ndarray, window: float, share: float) -> DeferredWork:
    """The deferrable work of one queue: its deadline classes with their backlog caps."""
    return deferred_works(np.asarray(work, dtype=float)[None, :], np.array([window]), np.array([share]))[0]


def smooth_requirement(dw: DeferredWork) -> np.ndarray:
    """The report requirement of one deferrable queue: per class the smoothest profile, added."""
    return smooth_requirements([dw])[0]


def smooth_profile(work: np.ndarray, cap: np.ndarray, cycles: int = 3) -> np.ndarray:
    """The smoothest per-interval work done keeping one class's backlog within ``cap``."""
    return smooth_profiles(np.asarray(work, dtype=float)[None, :], np.asarray(cap, dtype=float)[None, :], cycles)[0]


def on_time_share_scalar(
    work: list[float], capacity: list[float], window: float, share: float, substeps: int = 4
) -> list[float]:
    """``planner.queueing.deferred.on_time_share`` of one queue in plain Python, slice by slice.

    ``work`` and ``capacity`` are lists of floats, one per interval. The fluid model step by
    step: in each slice the ``share`` class takes the capacity first, then the rest; each
    class is served oldest first; two cycles, the first warming up. The reference for the
    library's closed-form ``on_time_share``, and the benchmark's straightforward version.
    """
    n = len(work)
    m = substeps
    k = n * m
    arrive = [[w * share / m for w in work for _ in range(m)], [w * (1.0 - share) / m for w in work for _ in range(m)]]
    cap = [c / m for c in capacity for _ in range(m)]
    open_work = [0.0, 0.0]
    carried = [0.0, 0.0]
    served = [[0.0] * k, [0.0] * k]
    for cycle in range(2):
        if cycle == 1:
            carried = list(open_work)
        for j in range(k):
            avail = cap[j]
            for c in (0, 1):
                d = min(avail, open_work[c] + arrive[c][j])
                open_work[c] += arrive[c][j] - d
                avail -= d
                if cycle == 1:
                    served[c][j] = d
    out = [0.0] * n
    for c, weight in ((0, share), (1, 1.0 - share)):
        if weight <= 0:
            continue
        arr = arrive[c]
        a_cum = [carried[c]]  # FIFO: the carried backlog first, then arrivals in order
        s_cum = [0.0]
        for j in range(2 * k):
            a_cum.append(a_cum[-1] + arr[j % k])
            s_cum.append(s_cum[-1] + served[c][j % k])
        slack = 1e-9 * max(1.0, a_cum[-1])
        on_time = [0.0] * n
        arrived = [0.0] * n
        for j in range(k):
            need = 0.5 * (a_cum[j] + a_cum[j + 1])  # arrival at the slice midpoint
            due = min(j + 0.5 + window * m, 2.0 * k)
            i = min(int(due), 2 * k - 1)
            got = s_cum[i] + (due - i) * (s_cum[i + 1] - s_cum[i])
            if got >= need - slack:
                on_time[j // m] += arr[j]
            arrived[j // m] += arr[j]
        for t in range(n):
            out[t] += weight * (on_time[t] / arrived[t] if arrived[t] > 0 else 1.0)
    return [out[t] if work[t] > 0 else 1.0 for t in range(n)]
