"""Deferrable work (email, tickets, social): what must be done by when, on a cyclic horizon.

Representation given to the optimizer
-------------------------------------
Work arriving in interval ``t`` (spread evenly over it) comes in two deadline classes,
measured from each contact's arrival: the ``share`` (the service level, e.g. 95 %) must
be answered within the ``window`` (the target, e.g. 24 h); the rest within
``LATE_FACTOR`` times the window. Each class is served oldest first. The horizon
repeats, so work still open at its end is carried into its start (the next week).

For one class served oldest first, with every contact due a fixed time after it
arrives, nothing is late exactly when, at the end of each interval, the open backlog is
no larger than the work that arrived within the last window - a constant per interval::

    cap[t] = window_sum(W)[t] = sum_k clip(W - k, 0, 1) * work[t - k]   (cyclic, W in intervals)

so the optimizer needs, per class, queue and interval, the backlog balance
``B[t] >= B[t-1] + work[t] - done[t]`` (cyclic, ``B >= 0``) and the bound ``B[t] <= cap[t]``;
the capacity given to the queue is split between its two classes. (A single backlog with
the two caps added is *not* enough: capacity spent early on late-deadline work does not
help short-deadline work arriving later.)

Report requirement
------------------
For reports, the per-interval requirement is the smoothest service profile that meets
the bounds: per class, the taut string between the cumulative curves ``A - cap`` (what
must be done by each interval end) and ``A`` (what has arrived), which minimises every
convex function of the per-interval rates at once (peak, variance); the two classes'
profiles are added.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: The share of work not required within the target must be done within this multiple of it.
LATE_FACTOR = 2.0


@dataclass(frozen=True)
class WorkClass:
    """One deadline class of a deferrable queue."""

    work: np.ndarray  # work arriving per interval
    window: float  # deadline after arrival, in intervals
    cap: np.ndarray  # most work of this class that may be open at each interval end


@dataclass(frozen=True)
class DeferredWork:
    """Deferrable work of one queue on the cyclic horizon (units: agent-intervals)."""

    work: np.ndarray  # work arriving per interval (both classes)
    window: float  # response target, in intervals
    share: float  # share of each interval's work due within the window
    classes: tuple[WorkClass, ...]  # due within the window; the rest (if share < 1)

    @property
    def total(self) -> float:
        return float(self.work.sum())


def window_sums(work: np.ndarray, window: float) -> np.ndarray:
    """sum_k clip(window - k, 0, 1) * work[t - k] on a cyclic horizon (vectorised)."""
    n = len(work)
    if n == 0:
        return work.copy()
    w = min(float(window), float(n))
    full = int(np.floor(w))
    frac = w - full
    total = float(work.sum())
    if full >= n:
        return np.full(n, total)
    ext = np.concatenate([work, work])  # ext[n + t - k] = work[t - k] cyclically
    csum = np.concatenate([[0.0], np.cumsum(ext)])
    t = np.arange(n)
    # sum over k = 0 .. full-1 of work[t-k] = ext[n+t-full+1 .. n+t]
    out = csum[n + t + 1] - csum[n + t + 1 - full]
    if frac > 0:
        out = out + frac * ext[n + t - full]
    return out


def work_classes(work: np.ndarray, window: float, share: float) -> tuple[WorkClass, ...]:
    """Split work into its deadline classes, each with its backlog caps."""
    work = np.asarray(work, dtype=float)
    first = share * work
    out = [WorkClass(first, float(window), window_sums(first, window))]
    if share < 1.0:
        rest = (1.0 - share) * work
        late = LATE_FACTOR * float(window)
        out.append(WorkClass(rest, late, window_sums(rest, late)))
    return tuple(out)


def deferred_work(work: np.ndarray, window: float, share: float) -> DeferredWork:
    work = np.asarray(work, dtype=float)
    return DeferredWork(work=work, window=float(window), share=float(share), classes=work_classes(work, window, share))


def taut_string(lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """Shortest path y[0..n] with lower <= y <= upper, y[0] = lower[0], y[n] = lower[n].

    The classical funnel algorithm: walk forward keeping the steepest lower-bound slope
    and the shallowest upper-bound slope seen from the current apex; when they cross,
    the string bends at the constraint point that defined the violated side.
    """
    n = len(lower) - 1
    y = np.empty(n + 1)
    # plain Python floats: this loop reads single elements, which lists serve far faster
    lo: list[float] = np.asarray(lower, dtype=float).tolist()
    hi: list[float] = np.asarray(upper, dtype=float).tolist()
    hi[0] = lo[0]
    hi[n] = lo[n]
    ax, ay = 0, lo[0]
    y[0] = ay
    inf = float("inf")
    while ax < n:
        s_lo_max, i_lo = -inf, ax
        s_hi_min, i_hi = inf, ax
        bend_at: tuple[int, float, float] | None = None
        for i in range(ax + 1, n + 1):
            d = i - ax
            s_lo = (lo[i] - ay) / d
            s_hi = (hi[i] - ay) / d
            if s_lo > s_hi_min + 1e-12:
                bend_at = (i_hi, hi[i_hi], s_hi_min)
                break
            if s_hi < s_lo_max - 1e-12:
                bend_at = (i_lo, lo[i_lo], s_lo_max)
                break
            if s_lo >= s_lo_max:
                s_lo_max, i_lo = s_lo, i
            if s_hi <= s_hi_min:
                s_hi_min, i_hi = s_hi, i
        if bend_at is None:
            slope = (lo[n] - ay) / (n - ax)
            y[ax + 1 : n + 1] = ay + slope * np.arange(1, n - ax + 1)
            break
        bx, by, slope = bend_at
        y[ax + 1 : bx + 1] = ay + slope * np.arange(1, bx - ax + 1)
        y[bx] = by
        ax, ay = bx, by
    return y


def smooth_requirement(dw: DeferredWork) -> np.ndarray:
    """The report requirement of a deferrable queue: per class the smoothest profile, added."""
    return np.sum([smooth_profile(c.work, c.cap) for c in dw.classes], axis=0)


def smooth_profile(work: np.ndarray, cap: np.ndarray, cycles: int = 3) -> np.ndarray:
    """The smoothest per-interval amount of work done that keeps one class's backlog within ``cap``.

    Solved on ``cycles`` copies of the cyclic horizon; the middle copy is returned (the
    string is periodic there once it has touched a bound; checked, with a fallback to a
    level profile when demand never binds).
    """
    work = np.asarray(work, dtype=float)
    n = len(work)
    total = float(work.sum())
    if n == 0 or total <= 0:
        return np.zeros(n)
    cap = np.minimum(np.asarray(cap, dtype=float), total)
    arrivals = np.concatenate([[0.0], np.cumsum(np.tile(work, cycles))])  # A at interval ends
    caps = np.concatenate([[cap[-1]], np.tile(cap, cycles)])
    lower = arrivals - caps
    upper = arrivals
    lower[0] = upper[0] = 0.0  # start empty; the middle cycle forgets the start
    end = arrivals[-1] - 0.5 * caps[-1]
    lower[-1] = upper[-1] = end
    y = taut_string(lower, upper)
    mid = cycles // 2
    seg = np.diff(y[mid * n : (mid + 1) * n + 1])
    seg = np.maximum(seg, 0.0)
    drift = seg.sum() - total
    if abs(drift) > 1e-6 * max(1.0, total):
        # not periodic yet (the bounds never bind): fall back to the level profile
        level = np.full(n, total / n)
        if np.all(backlog(work, level) <= cap + 1e-9):
            return level
        seg = seg * (total / seg.sum()) if seg.sum() > 0 else level
    return seg


def backlog(work: np.ndarray, done: np.ndarray) -> np.ndarray:
    """Steady-state open work at each interval end of a cyclic queue served at ``done``.

    Lindley's recursion B[t] = max(0, B[t-1] + work[t] - done[t]) in closed form,
    B[t] = X[t] - min(0, min_{s<=t} X[s]) with X the cumulative net input, over two
    cycles (the first warms up; exact whenever capacity covers the work over a cycle).
    Works on 1-d arrays or (queues x intervals).
    """
    work = np.asarray(work, dtype=float)
    done = np.asarray(done, dtype=float)
    net = np.concatenate([work - done, work - done], axis=-1)
    x = np.cumsum(net, axis=-1)
    low = np.minimum(np.minimum.accumulate(x, axis=-1), 0.0)
    b = x - low
    n = work.shape[-1]
    return np.maximum(b[..., n:], 0.0)


def on_time_share(
    work: np.ndarray,
    capacity: np.ndarray,
    window: float | np.ndarray,
    share: float | np.ndarray,
    substeps: int = 4,
) -> np.ndarray:
    """Share of each interval's work answered within ``window`` under deadline order.

    Fluid simulation on ``substeps`` slices per interval, in steady state on the cyclic
    horizon: the ``share`` class (due within the window) is served first, oldest first;
    the rest is served, oldest first, with the capacity left. Intervals without work get 1.0.
    ``work`` and ``capacity`` are (queues x intervals), or 1-d for one queue; ``window``
    (in intervals) and ``share`` are scalars or one value per queue. Vectorised across
    queues; two cycles suffice for the steady state (the first one warms up).
    """
    one = np.ndim(work) == 1
    work = np.atleast_2d(np.asarray(work, dtype=float))
    capacity = np.atleast_2d(np.asarray(capacity, dtype=float))
    q, n = work.shape
    window = np.broadcast_to(np.asarray(window, dtype=float), (q,))
    share = np.broadcast_to(np.asarray(share, dtype=float), (q,))
    m = substeps
    k = n * m
    classes = [
        np.repeat(work * share[:, None] / m, m, axis=1),
        np.repeat(work * (1.0 - share[:, None]) / m, m, axis=1),
    ]
    cap = np.repeat(capacity / m, m, axis=1)
    open_work = [np.zeros(q), np.zeros(q)]
    served = [np.zeros((q, k)), np.zeros((q, k))]
    carried = [np.zeros(q), np.zeros(q)]
    for cycle in range(2):
        last = cycle == 1
        if last:
            carried = [open_work[0].copy(), open_work[1].copy()]
        for j in range(k):
            avail = cap[:, j]
            for c in (0, 1):
                d = np.minimum(avail, open_work[c] + classes[c][:, j])
                open_work[c] = open_work[c] + classes[c][:, j] - d
                avail = avail - d
                if last:
                    served[c][:, j] = d
    out = np.zeros((q, n))
    grid = np.arange(2 * k + 1)
    u = np.arange(k) + 0.5  # slice midpoints
    for c in (0, 1):
        weight = share if c == 0 else 1.0 - share
        arr = classes[c]
        # FIFO within a class: the backlog carried in from the previous cycle is served
        # first, then arrivals in order; a contact arriving at u is on time when
        # S(u + W) >= carried + A(u).
        a_cum = np.concatenate([np.zeros((q, 1)), np.cumsum(np.tile(arr, 2), axis=1)], axis=1) + carried[c][:, None]
        s_cum = np.concatenate([np.zeros((q, 1)), np.cumsum(np.tile(served[c], 2), axis=1)], axis=1)
        for i in range(q):
            if weight[i] <= 0:
                continue
            need = np.interp(u, grid, a_cum[i])
            # on time = answered within the target window (for the second class too,
            # although its own deadline is later)
            got = np.interp(np.minimum(u + window[i] * m, 2 * k), grid, s_cum[i])
            ok = got >= need - 1e-9 * max(1.0, float(a_cum[i, -1]))
            num = (ok * arr[i]).reshape(n, m).sum(axis=1)
            den = arr[i].reshape(n, m).sum(axis=1)
            out[i] += weight[i] * np.where(den > 0, num / np.where(den > 0, den, 1.0), 1.0)
    out = np.where(work > 0, out, 1.0)
    return out[0] if one else out
