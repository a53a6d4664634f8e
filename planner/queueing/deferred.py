"""Deferrable work (email, tickets, social) on a cyclic horizon: deadline classes with their
backlog caps, the smoothest service profile meeting them, backlog and on-time share.

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
from typing import overload

import numpy as np

#: The share of work not required within the target must be done within this multiple of it.
LATE_FACTOR = 2.0
#: The roster plans this share of what a target lets be late to be late (the rest on time): a plan at
#: exactly the target is just in time for the expected arrivals, and random arrivals miss it about half
#: the time (95 % within 4 hours is planned as 97.5 %).
PLANNED_LATE_SHARE = 0.5
#: The roster plans each deadline class's work to be done within this share of its window, so that a quarter
#: of the window is left to absorb arrivals that bunch: a plan whose capacity arrives exactly at each deadline
#: is on time only for the expected arrivals. On the sample's weekend nights in Kuala Lumpur (small pools,
#: 1-4 hour windows) such a plan met its 95 % on paper and 81-87 % in the simulation of the floor; feeding
#: its hourly capacity to one ideal server with Poisson arrivals gave the same 84-94 %, so the loss is in the
#: plan's timing, not in the simulation. Planned within three quarters of the window, every deferred
#: queue-day of the sample met its target within the simulation's confidence interval (+0.4 % of cost).
PLANNED_WINDOW_SHARE = 0.75


def planned_share(target_share: float | np.ndarray) -> float | np.ndarray:
    """The on-time share the roster plans for a target's share (see ``PLANNED_LATE_SHARE``)."""
    return 1.0 - PLANNED_LATE_SHARE * (1.0 - target_share)


@overload
def planned_window(window: float) -> float: ...
@overload
def planned_window(window: np.ndarray) -> np.ndarray: ...
def planned_window(window: float | np.ndarray) -> float | np.ndarray:
    """The window (or target minutes) within which the roster plans the work (see ``PLANNED_WINDOW_SHARE``)."""
    return PLANNED_WINDOW_SHARE * window


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
    clock: str = ""  # a working-time clock's name and targets ("": the wall clock, deadlines a fixed window)

    @property
    def total(self) -> float:
        return float(self.work.sum())


def window_sums(work: np.ndarray, window: float | np.ndarray) -> np.ndarray:
    """sum_k clip(window - k, 0, 1) * work[t - k] on a cyclic horizon (vectorised).

    ``work`` is 1-d, or (queues x intervals) with ``window`` a scalar or one value per queue.
    """
    work = np.asarray(work, dtype=float)
    one = work.ndim == 1
    work2 = np.atleast_2d(work)
    q, n = work2.shape
    if n == 0:
        return work.copy()
    w = np.minimum(np.broadcast_to(np.asarray(window, dtype=float), (q,)), float(n))
    full = np.floor(w).astype(np.int64)
    frac = w - full
    ext = np.concatenate([work2, work2], axis=1)  # ext[n + t - k] = work[t - k] cyclically
    csum = np.concatenate([np.zeros((q, 1)), np.cumsum(ext, axis=1)], axis=1)
    t = np.arange(n)
    # sum over k = 0 .. full-1 of work[t-k] = ext[n+t-full+1 .. n+t]
    start = np.minimum(n + t[None, :] + 1 - full[:, None], 2 * n)
    out = csum[:, n + 1 : 2 * n + 1] - np.take_along_axis(csum, start, axis=1)
    part = frac > 0
    if part.any():
        back = np.clip(n + t[None, :] - full[:, None], 0, 2 * n - 1)
        tail = frac[:, None] * np.take_along_axis(ext, back, axis=1)
        out = np.where(part[:, None], out + tail, out)
    whole = full >= n
    if whole.any():
        out[whole] = np.array([float(row.sum()) for row in work2[whole]])[:, None]
    return out[0] if one else out


def deadline_sums(work: np.ndarray, due_start: np.ndarray, due_end: np.ndarray) -> np.ndarray:
    """Work not yet due at each interval end on a cyclic horizon, with a deadline per arrival interval.

    ``due_start[t]`` and ``due_end[t]`` are the deadlines of work arriving at the start and at the
    end of interval ``t``, in intervals from the start of ``t`` (between them the deadline moves
    linearly); at the end of interval ``t + k`` the share of ``work[t]`` not yet due is
    ``clip((due_end - (k+1)) / (due_end - due_start), 0, 1)``. With a fixed window ``W``
    (``due_start = W``, ``due_end = W + 1``) this is :func:`window_sums`.
    """
    work = np.asarray(work, dtype=float)
    n = work.size
    out = np.zeros(n)
    spread = due_end - due_start
    u = np.arange(n)
    for k in range(min(n, int(np.ceil(due_end.max())))):
        t = (u - k) % n
        with np.errstate(divide="ignore", invalid="ignore"):
            moving = np.clip((due_end[t] - (k + 1)) / spread[t], 0.0, 1.0)
        share = np.where(spread[t] > 1e-12, moving, (due_start[t] > k + 1).astype(float))
        out += share * work[t]
    return out


def clocked_work(work: np.ndarray, share: float, due: np.ndarray, late_due: np.ndarray, clock: str) -> DeferredWork:
    """One queue's deferrable work whose deadlines follow a working-time clock.

    ``due`` and ``late_due`` are, per interval boundary ``0..n``, the intervals from an arrival
    there until the share's deadline and the rest's (see :mod:`planner.calendars`).
    """
    first, rest = share * work, (1.0 - share) * work
    classes = [WorkClass(first, float(due.max()), deadline_sums(first, due[:-1], due[1:] + 1.0))]
    if share < 1.0:
        classes.append(WorkClass(rest, float(late_due.max()), deadline_sums(rest, late_due[:-1], late_due[1:] + 1.0)))
    return DeferredWork(work=work, window=float(due[:-1].mean()), share=share, classes=tuple(classes), clock=clock)


def deferred_works(work: np.ndarray, windows: np.ndarray, shares: np.ndarray) -> list[DeferredWork]:
    """The deferrable work of each queue: its deadline classes with their backlog caps.

    ``work`` is (queues x intervals); ``windows`` and ``shares`` have one value per queue.
    """
    work = np.asarray(work, dtype=float)
    windows = np.asarray(windows, dtype=float)
    shares = np.asarray(shares, dtype=float)
    first = shares[:, None] * work
    rest = (1.0 - shares)[:, None] * work
    late = LATE_FACTOR * windows
    first_cap = window_sums(first, windows)
    split = shares < 1.0
    rest_cap = np.zeros_like(rest)
    if split.any():
        rest_cap[split] = window_sums(rest[split], late[split])
    out = []
    for i in range(work.shape[0]):
        classes = [WorkClass(first[i], float(windows[i]), first_cap[i])]
        if split[i]:
            classes.append(WorkClass(rest[i], float(late[i]), rest_cap[i]))
        out.append(DeferredWork(work=work[i], window=float(windows[i]), share=float(shares[i]), classes=tuple(classes)))
    return out


# --------------------------------------------------------------------------------------
# Taut strings
# --------------------------------------------------------------------------------------

_SLOPE_EPS = 1e-12  # slack before a slope counts as crossing the funnel


def taut_string(lower: np.ndarray, upper: np.ndarray, until: int | None = None) -> np.ndarray:
    """Shortest path y[0..n] with lower <= y <= upper, y[0] = lower[0], y[n] = lower[n].

    With ``until``, the walk stops at the first bend at or beyond that point: ``y[0..until]``
    is then final (and exactly as without ``until``), the rest is NaN.

    The classical funnel algorithm: walk forward keeping the steepest lower-bound slope
    and the shallowest upper-bound slope seen from the current apex; when they cross,
    the string bends at the constraint point that defined the violated side.

    It runs in plain Python on floats: each step depends on the last, so there is nothing
    to vectorise, and list elements are read far faster than numpy scalars. (A version
    that walked many strings in lockstep with numpy was slower on the sample week: strings
    of short-target queues bend every few points, so it needs as many numpy rounds as the
    most-bent string has bends.)
    """
    n = len(lower) - 1
    lo: list[float] = np.asarray(lower, dtype=float).tolist()
    hi: list[float] = np.asarray(upper, dtype=float).tolist()
    hi[0] = lo[0]
    hi[n] = lo[n]
    ax, ay = 0, lo[0]
    inf = float("inf")
    # straight pieces (apex x, apex y, slope, length) and the contact points that end them
    apex_x: list[int] = []
    apex_y: list[float] = []
    slopes: list[float] = []
    lengths: list[int] = []
    contact_x: list[int] = []
    contact_y: list[float] = []
    while ax < n:
        s_lo_max, i_lo = -inf, ax
        s_hi_min, i_hi = inf, ax
        bent = False
        for d in range(1, n - ax + 1):
            i = ax + d
            s_lo = (lo[i] - ay) / d
            s_hi = (hi[i] - ay) / d
            if s_lo > s_hi_min + _SLOPE_EPS:
                bx, by, slope = i_hi, hi[i_hi], s_hi_min
                bent = True
                break
            if s_hi < s_lo_max - _SLOPE_EPS:
                bx, by, slope = i_lo, lo[i_lo], s_lo_max
                bent = True
                break
            if s_lo >= s_lo_max:
                s_lo_max, i_lo = s_lo, i
            if s_hi <= s_hi_min:
                s_hi_min, i_hi = s_hi, i
        if not bent:  # straight to the end
            bx, slope = n, (lo[n] - ay) / (n - ax)
        apex_x.append(ax)
        apex_y.append(ay)
        slopes.append(slope)
        lengths.append(bx - ax)
        if not bent:
            break
        contact_x.append(bx)
        contact_y.append(by)
        ax, ay = bx, by
        if until is not None and ax >= until:
            break
    return _piecewise_linear(n, lo[0], apex_x, apex_y, slopes, lengths, contact_x, contact_y)


def _piecewise_linear(
    n: int,
    start: float,
    apex_x: list[int],
    apex_y: list[float],
    slopes: list[float],
    lengths: list[int],
    contact_x: list[int],
    contact_y: list[float],
) -> np.ndarray:
    """The string's values y[0..n] from its straight pieces (NaN past the last piece); the
    points where it touches a bound get their exact bound values."""
    y = np.full(n + 1, np.nan)
    y[0] = start
    if lengths:
        # y[apex + k] = apex_y + slope * k for k = 1 .. length, then the exact contact values
        length = np.array(lengths)
        k = np.arange(1, int(length.sum()) + 1) - np.repeat(np.cumsum(length) - length, length)
        y[np.repeat(np.array(apex_x), length) + k] = (
            np.repeat(np.array(apex_y), length) + np.repeat(np.array(slopes), length) * k
        )
        y[contact_x] = contact_y
    return y


# --------------------------------------------------------------------------------------
# The smoothest profile
# --------------------------------------------------------------------------------------


def smooth_requirements(queues: list[DeferredWork]) -> np.ndarray:
    """The report requirement of each deferrable queue of one horizon, (queues x intervals):
    per class the smoothest profile (:func:`smooth_profiles`), the classes added."""
    if not queues:
        return np.zeros((0, 0))
    owner = [i for i, dw in enumerate(queues) for _ in dw.classes]
    work = np.array([c.work for dw in queues for c in dw.classes])
    cap = np.array([c.cap for dw in queues for c in dw.classes])
    profiles = smooth_profiles(work, cap)
    out = np.zeros((len(queues), work.shape[1]))
    np.add.at(out, owner, profiles)  # each queue's classes added in order
    return out


def smooth_profiles(work: np.ndarray, cap: np.ndarray, cycles: int = 3) -> np.ndarray:
    """The smoothest per-interval amount of work done that keeps each row's backlog within
    its ``cap`` (rows: deadline classes of one horizon).

    Solved on ``cycles`` copies of the cyclic horizon; the middle copy is returned (the
    string is periodic there once it has touched a bound; checked, with a fallback to a
    level profile when demand never binds).
    """
    work = np.asarray(work, dtype=float)
    m, n = work.shape
    out = np.zeros((m, n))
    totals = np.array([float(row.sum()) for row in work])
    live = np.flatnonzero(totals > 0) if n else np.zeros(0, dtype=np.int64)
    if live.size == 0:
        return out
    w = work[live]
    total = totals[live]
    c = np.minimum(np.asarray(cap, dtype=float)[live], total[:, None])
    arrivals = np.concatenate([np.zeros((live.size, 1)), np.cumsum(np.tile(w, cycles), axis=1)], axis=1)
    caps = np.concatenate([c[:, -1:], np.tile(c, cycles)], axis=1)
    lower = arrivals - caps
    upper = arrivals.copy()
    lower[:, 0] = upper[:, 0] = 0.0  # start empty; the middle cycle forgets the start
    end = arrivals[:, -1] - 0.5 * caps[:, -1]
    lower[:, -1] = upper[:, -1] = end
    mid = cycles // 2
    # only the first mid + 1 cycles are needed, so each walk stops once past them
    y = np.array([taut_string(lower[j], upper[j], until=(mid + 1) * n) for j in range(live.size)])
    seg = np.maximum(np.diff(y[:, mid * n : (mid + 1) * n + 1], axis=1), 0.0)
    for j, i in enumerate(live.tolist()):
        out[i] = _periodic_or_level(seg[j], w[j], c[j], total[j])
    return out


def _periodic_or_level(seg: np.ndarray, work: np.ndarray, cap: np.ndarray, total: float) -> np.ndarray:
    drift = seg.sum() - total
    if abs(drift) <= 1e-6 * max(1.0, total):
        return seg
    # not periodic yet (the bounds never bind): fall back to the level profile
    n = len(work)
    level = np.full(n, total / n)
    if np.all(backlog(work, level) <= cap + 1e-9):
        return level
    return seg * (total / seg.sum()) if seg.sum() > 0 else level


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
    b = _lindley(net)
    n = work.shape[-1]
    return np.maximum(b[..., n:], 0.0)


def oldest_open_age(work: np.ndarray, done: np.ndarray) -> np.ndarray:
    """Age, in intervals, of the oldest open contact at each interval end of a cyclic queue served at
    ``done``, oldest first (arrivals spread evenly over their interval; 0 when nothing is open).

    The open work at the end of interval ``t`` is the last ``B[t]`` arrived (:func:`backlog`); the
    oldest of it arrived where the cumulative arrivals reach ``A(t+1) - B[t]``. With two deadline
    classes the later class can hold older work; this is the age if the queue were served in order.
    Works on 1-d arrays or (queues x intervals).
    """
    one = np.ndim(work) == 1
    work = np.atleast_2d(np.asarray(work, dtype=float))
    done = np.atleast_2d(np.asarray(done, dtype=float))
    q, n = work.shape
    open_work = np.atleast_2d(backlog(work, done))
    arrived = np.concatenate([np.zeros((q, 1)), np.cumsum(np.tile(work, 3), axis=1)], axis=1)  # at boundaries 0..3n
    ends = np.arange(n) + 2 * n + 1  # the end of each interval in the third copy
    out = np.zeros((q, n))
    for i in range(q):
        goal = arrived[i, ends] - open_work[i]
        j = np.clip(np.searchsorted(arrived[i], goal, side="right") - 1, 0, 3 * n - 1)
        step = arrived[i, j + 1] - arrived[i, j]
        frac = np.where(step > 0, (goal - arrived[i, j]) / np.where(step > 0, step, 1.0), 0.0)
        out[i] = np.where(open_work[i] > 1e-9, ends - (j + np.clip(frac, 0.0, 1.0)), 0.0)
    return out[0] if one else out


def _lindley(net: np.ndarray) -> np.ndarray:
    """B[t] = max(0, B[t-1] + net[t]) from B[-1] = 0, along the last axis, in closed form."""
    x = np.cumsum(net, axis=-1)
    low = np.minimum(np.minimum.accumulate(x, axis=-1), 0.0)
    out: np.ndarray = x - low
    return out


def on_time_share(
    work: np.ndarray,
    capacity: np.ndarray,
    window: float | np.ndarray,
    share: float | np.ndarray,
    substeps: int = 4,
) -> np.ndarray:
    """Share of each interval's work answered within ``window`` under deadline order.

    Fluid model on ``substeps`` slices per interval, in steady state on the cyclic
    horizon: the ``share`` class (due within the window) is served first, oldest first;
    the rest is served, oldest first, with the capacity left. Intervals without work get 1.0.
    ``work`` and ``capacity`` are (queues x intervals), or 1-d for one queue; ``window``
    (in intervals) is a scalar, one value per queue or (queues x intervals) per arrival interval
    (a working-time clock), ``share`` a scalar or one value per queue. Two cycles suffice for
    the steady state (the first one warms up). Each class's open work follows Lindley's
    recursion, which is solved in closed form (:func:`_lindley`), so nothing loops over
    slices.
    """
    one = np.ndim(work) == 1
    work = np.atleast_2d(np.asarray(work, dtype=float))
    capacity = np.atleast_2d(np.asarray(capacity, dtype=float))
    q, n = work.shape
    m = substeps
    window = np.asarray(window, dtype=float)
    # per queue, or per queue and arrival interval (a working-time clock): per slice
    slice_window = np.repeat(window, m, axis=1) if window.ndim == 2 else np.broadcast_to(window, (q,))[:, None]
    share = np.broadcast_to(np.asarray(share, dtype=float), (q,))
    k = n * m
    cap = np.tile(np.repeat(capacity / m, m, axis=1), 2)
    avail = cap
    out = np.zeros((q, n))
    u = np.arange(k) + 0.5  # slice midpoints
    for weight in (share, 1.0 - share):
        arr = np.repeat(work * weight[:, None] / m, m, axis=1)
        arr2 = np.tile(arr, 2)
        open_work = np.maximum(_lindley(arr2 - avail), 0.0)
        before = np.concatenate([np.zeros((q, 1)), open_work[:, :-1]], axis=1)
        served = before + arr2 - open_work
        avail = avail - served
        carried = open_work[:, k - 1]  # open at the start of the steady-state cycle
        # FIFO within a class: the backlog carried in from the previous cycle is served
        # first, then arrivals in order; a contact arriving at u is on time when
        # S(u + W) >= carried + A(u).
        a_cum = np.concatenate([np.zeros((q, 1)), np.cumsum(arr2, axis=1)], axis=1) + carried[:, None]
        s_cum = np.concatenate([np.zeros((q, 1)), np.cumsum(np.tile(served[:, k:], 2), axis=1)], axis=1)
        need = 0.5 * (a_cum[:, :k] + a_cum[:, 1 : k + 1])
        # on time = answered within the target window (for the second class too,
        # although its own deadline is later)
        due = np.minimum(u[None, :] + slice_window * m, 2 * k)
        j = np.minimum(np.floor(due).astype(np.int64), 2 * k - 1)
        lo_s = np.take_along_axis(s_cum, j, axis=1)
        hi_s = np.take_along_axis(s_cum, j + 1, axis=1)
        got = lo_s + (due - j) * (hi_s - lo_s)
        ok = got >= need - 1e-9 * np.maximum(1.0, a_cum[:, -1:])
        num = (ok * arr).reshape(q, n, m).sum(axis=2)
        den = arr.reshape(q, n, m).sum(axis=2)
        part = np.where(den > 0, num / np.where(den > 0, den, 1.0), 1.0)
        out += np.where(weight[:, None] > 0, weight[:, None] * part, 0.0)
    out = np.where(work > 0, out, 1.0)
    return out[0] if one else out
