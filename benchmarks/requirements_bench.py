"""Benchmark: the staffing-requirements table, library call vs a straightforward loop.

    python benchmarks/requirements_bench.py [--workbook inputs/exchange_week.xlsx]
                                            [--repeats 5] [--quick [N]]

Computes the requirements table of the sample week (every interval x language x channel
x tier) three ways and checks that they agree row by row:

* **library** - ``planner.requirements.compute_requirements(scenario)`` (vectorised numpy /
  scipy staffing search for the live queues, taut-string profiles for the deferrable ones);
* **straightforward loop** - a plain per-row Python loop written here (``math`` only for the
  queueing part): for each live (queue, interval) it tries N = 1, 2, 3, ... agents and, for
  each N, computes service level, occupancy, ASA and abandonment from scratch, stopping at
  the first N that meets the targets. Deferrable queues are done one queue at a time in
  plain Python too: window sums, the taut string (``planner.queueing.deferred.taut_string``, the
  same plain-Python walk the library runs), Lindley's recursion and a fluid simulation for
  the on-time share (see :func:`straightforward_deferred`);
* **scalar reference** - ``required_agents_scalar`` from ``tests/erlang_reference.py`` (the
  library's staffing search in pure Python, one row at a time) over the same live rows: a
  second baseline for the Erlang part.

Criteria and definitions follow ``planner.queueing.erlang`` (module docstring): chat concurrency as
``c`` slots per agent holding a contact ``h c / (1 + (c - 1) efficiency)`` minutes; service
level = share of *all* arrivals answered within the target (abandoners count as misses);
occupancy = busy slots / slots <= max_occupancy; tolerance 1e-12 on both checks; Erlang C
queues must also be stable.

How the straightforward Erlang A (``patience`` finite and > 0) metrics are computed for a
given N, with ``s = c N`` slots, ``mu = 1 / h'``, ``theta = 1 / patience``:

1. the stationary distribution of the birth-death chain (birth rate lambda everywhere,
   death rate ``min(n, s) mu + max(n - s, 0) theta``) is built state by state from n = 0
   upwards and truncated once the (geometrically decaying) queue tail is below 1e-18 of
   the total;
2. an arrival finding n < s busy slots is answered at once; one finding ``k`` contacts
   queued ahead is answered within ``t`` with probability ``E[U; U >= exp(-theta t)]``
   where ``U = exp(-theta V_k) ~ Beta(alpha, k + 1)``, ``alpha = s mu / theta`` (Renyi's
   representation, the same fact the ``planner.queueing.erlang`` docstring uses). With the integer
   second parameter this is a finite sum:
   ``alpha / (alpha + k + 1) * (1 - sum_{j<=k} NegBin(j; alpha + 1, exp(-theta t)))``,
   whose partial sums are carried from one k to the next;
3. SL, P(answered), busy slots and the mean wait of answered contacts
   (``E[V e^(-theta V)]`` = ``alpha / (alpha + k + 1) * sum_{j<=k} 1 / (alpha + 1 + j)`` /
   theta) are summed over all states and divided by the total mass.

Erlang C queues (no patience) use the Erlang B recursion from 0 to s and the closed forms
``C = B / (1 - (a/s)(1 - B))``, ``SL = 1 - C exp(-(s - a) t / h')``, ``ASA = C h' / (s - a)``;
patience 0 is the Erlang B loss system. All of it is recomputed from scratch for every N.

This is a benchmark, not a test: it prints tables and never fails on timings. ``--quick``
runs the straightforward loop on an evenly spaced subset of the live rows only and
extrapolates its time to all live rows (clearly labelled).
"""

from __future__ import annotations

import argparse
import math
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # runnable from a checkout without installing the package
    sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))  # the plain-Python references the tests check the library against

from bench_common import cpus, git_revision  # noqa: E402
from deferred_reference import on_time_share_scalar  # noqa: E402
from erlang_reference import required_agents_scalar  # noqa: E402

from planner.domain import Scenario, WorkKind  # noqa: E402
from planner.inputs.load import load_scenario  # noqa: E402
from planner.queueing import deferred as dfr  # noqa: E402
from planner.queueing import erlang  # noqa: E402
from planner.requirements import QueueSpec, compute_requirements, queue_specs  # noqa: E402

TOL = 1e-12  # slack on the SL and occupancy checks, as in planner.queueing.erlang
TAIL_RTOL = 1e-18  # truncate the queue tail of the birth-death chain below this share
MAX_AGENTS = 1_000_000
RESCALE_ABOVE = 1e250  # rescale the unnormalised state weights before they overflow

# --------------------------------------------------------------------------------------
# Straightforward queueing metrics (math module only)
# --------------------------------------------------------------------------------------

Metrics = tuple[float, float, float, float]  # service level, ASA seconds, occupancy, abandon


def erlang_b_recursion(servers: int, load: float) -> float:
    """Erlang B by its recursion B(0) = 1, B(k) = a B(k-1) / (k + a B(k-1))."""
    b = 1.0
    for k in range(1, servers + 1):
        b = load * b / (k + load * b)
    return b


def erlang_c_metrics(slots: int, load: float, target: float, h_slot: float) -> Metrics | None:
    """Erlang C (M/M/s): None when unstable (s <= a)."""
    if slots <= load:
        return None
    b = erlang_b_recursion(slots, load)
    c_wait = b / (1.0 - (load / slots) * (1.0 - b))
    sl = 1.0 - c_wait * math.exp(-(slots - load) * target / h_slot)
    asa = 60.0 * c_wait * h_slot / (slots - load)
    return sl, asa, load / slots, 0.0


def loss_metrics(slots: int, load: float) -> Metrics:
    """Patience 0: the Erlang B loss system (blocked contacts leave at once)."""
    b = erlang_b_recursion(slots, load)
    return 1.0 - b, 0.0, load * (1.0 - b) / slots, b


def erlang_a_metrics(slots: int, lam: float, h_slot: float, target: float, patience: float) -> Metrics:
    """Erlang A (M/M/s+M) by summing over the truncated stationary distribution."""
    mu = 1.0 / h_slot
    theta = 1.0 / patience
    # -- states n = 0 .. s - 1: everybody is answered at once -----------------------
    weight = 1.0  # unnormalised pi(n), pi(0) = 1
    total = 0.0  # sum of weights
    answered_now = 0.0  # sum over n < s of weight
    busy = 0.0  # sum of weight * min(n, s)
    for n in range(slots):
        total += weight
        answered_now += weight
        busy += n * weight
        weight *= lam / ((n + 1) * mu)
        if weight > RESCALE_ABOVE:
            weight /= RESCALE_ABOVE
            total /= RESCALE_ABOVE
            answered_now /= RESCALE_ABOVE
            busy /= RESCALE_ABOVE
    # -- states n = s + k: k contacts queued ahead of an arrival ---------------------
    alpha = slots * mu / theta
    beta = alpha + 1.0
    u0 = math.exp(-theta * target)  # a wait V is within target iff exp(-theta V) >= u0
    nb_term = u0**beta  # NegBin(j; beta, u0) pmf at j = 0
    nb_cdf = 0.0  # sum_{j <= k} NegBin(j; beta, u0) = P(Beta(beta, k+1) <= u0)
    harmonic = 0.0  # sum_{j <= k} 1 / (beta + j)
    within = 0.0  # sum of weight * P(answered within target | k ahead)
    eventually = 0.0  # sum of weight * P(answered at all | k ahead)
    wait_answered = 0.0  # sum of weight * E[wait; answered | k ahead] (minutes)
    k = 0
    while True:
        nb_cdf += nb_term
        harmonic += 1.0 / (beta + k)
        p_ans = alpha / (alpha + k + 1.0)
        p_within = p_ans * max(0.0, 1.0 - nb_cdf)
        total += weight
        within += weight * p_within
        eventually += weight * p_ans
        wait_answered += weight * p_ans * harmonic / theta
        busy += slots * weight
        ratio = lam / (slots * mu + (k + 1) * theta)  # pi(s+k+1) / pi(s+k)
        if ratio < 1.0 and weight <= TAIL_RTOL * total:
            break
        weight *= ratio
        nb_term *= (beta + k) / (k + 1.0) * (1.0 - u0)
        k += 1
        if weight > RESCALE_ABOVE:
            weight /= RESCALE_ABOVE
            total /= RESCALE_ABOVE
            answered_now /= RESCALE_ABOVE
            busy /= RESCALE_ABOVE
            within /= RESCALE_ABOVE
            eventually /= RESCALE_ABOVE
            wait_answered /= RESCALE_ABOVE
    sl = (answered_now + within) / total
    p_answered = (answered_now + eventually) / total
    occupancy = busy / total / slots
    asa = 60.0 * (wait_answered / total) / p_answered if p_answered > 0 else math.inf
    return sl, asa, occupancy, 1.0 - p_answered


def straightforward_agents(
    lam: float,
    handle: float,
    target: float,
    goal: float,
    max_occ: float,
    patience: float | None,
    conc: int,
    eff: float,
) -> tuple[int, Metrics]:
    """The textbook search: N = 1, 2, ... until SL and occupancy are met (from scratch)."""
    if lam == 0:
        return 0, (1.0, 0.0, 0.0, 0.0)
    h_slot = handle * conc / (1.0 + (conc - 1.0) * eff)
    load = lam * h_slot
    for agents in range(1, MAX_AGENTS):
        slots = agents * conc
        if patience is None or math.isinf(patience) or math.isnan(patience):
            found = erlang_c_metrics(slots, load, target, h_slot)
            if found is None:
                continue
            m = found
        elif patience == 0:
            m = loss_metrics(slots, load)
        else:
            m = erlang_a_metrics(slots, lam, h_slot, target, patience)
        if m[0] >= goal - TOL and m[2] <= max_occ + TOL:
            return agents, m
    raise RuntimeError("no staffing found")


# --------------------------------------------------------------------------------------
# The straightforward table
# --------------------------------------------------------------------------------------


def grid_contacts(scenario: Scenario, keys: list[tuple[str, str, str]]) -> dict[Any, list[float]]:
    """Contacts per queue and interval, from the demand rows, in plain Python."""
    n = scenario.horizon.n_intervals
    grid: dict[Any, list[float]] = {k: [0.0] * n for k in keys}
    d = scenario.demand
    cols = zip(d["language"], d["channel"], d["tier"], d["interval"], d["contacts"], strict=True)
    for lang, chan, tier, interval, contacts in cols:
        grid[(lang, chan, tier)][int(interval)] += float(contacts)
    return grid


def live_rows(scenario: Scenario) -> list[tuple[int, int, tuple]]:
    """(queue index, interval, search arguments) for every live row of the grid."""
    specs = queue_specs(scenario)
    keys = list(specs)
    grid = grid_contacts(scenario, keys)
    st = scenario.settings
    minutes = scenario.horizon.interval_minutes
    out = []
    for qi, key in enumerate(keys):
        q = specs[key]
        if q.kind is not WorkKind.LIVE:
            continue
        for t, contacts in enumerate(grid[key]):
            lam = contacts * (1.0 - q.bot_deflection) / minutes
            args = (
                lam,
                q.handle_minutes,
                q.target_minutes,
                q.service_level,
                st.max_occupancy,
                q.patience_minutes,
                q.concurrency,
                st.concurrency_efficiency,
            )
            out.append((qi, t, args))
    return out


def straightforward_live(rows: list[tuple[int, int, tuple]]) -> dict[tuple[int, int], tuple]:
    """Run the textbook search on every given live row."""
    return {(qi, t): straightforward_agents(*args) for qi, t, args in rows}


def straightforward_deferred(scenario: Scenario) -> dict[tuple[int, int], tuple]:
    """Deferrable queues, one queue at a time, in plain Python (lists of floats).

    For each queue: the work per interval; per deadline class (the service-level share
    within the target, the rest within ``LATE_FACTOR`` times it) the backlog caps as direct
    window sums and the smoothest profile (the taut string, with ``planner.queueing.deferred.taut_string``,
    which is itself a plain-Python walk, so both sides run the same code there); the
    steady-state backlog by Lindley's recursion; and the on-time share by a fluid simulation
    on 4 slices per interval. Returns (required, floor, service level, backlog hours).
    """
    specs = queue_specs(scenario)
    keys = list(specs)
    grid = grid_contacts(scenario, keys)
    st = scenario.settings
    h = scenario.horizon
    cap_per_agent = h.interval_hours * st.deferred_max_occupancy
    out: dict[tuple[int, int], tuple] = {}
    for qi, key in enumerate(keys):
        q: QueueSpec = specs[key]
        if q.kind is WorkKind.LIVE:
            continue
        eff = 1.0 + (q.concurrency - 1) * st.concurrency_efficiency
        work = [c * (1.0 - q.bot_deflection) * q.handle_minutes / 60.0 / eff / cap_per_agent for c in grid[key]]
        window = q.target_minutes / h.interval_minutes
        share = q.service_level
        classes = [([share * w for w in work], window)]
        if share < 1.0:
            classes.append(([(1.0 - share) * w for w in work], dfr.LATE_FACTOR * window))
        profile = [0.0] * len(work)
        for cls_work, cls_window in classes:
            cls_profile = plain_smooth_profile(cls_work, plain_window_sums(cls_work, cls_window))
            profile = [a + b for a, b in zip(profile, cls_profile, strict=True)]
        on_time = on_time_share_scalar(work, profile, window, share)
        open_work = plain_backlog(work, profile)
        for t in range(h.n_intervals):
            p = profile[t]
            out[(qi, t)] = (math.ceil(p - 1e-9), p, on_time[t], open_work[t] * cap_per_agent)
    return out


def plain_window_sums(work: list[float], window: float) -> list[float]:
    """Work of the last ``window`` intervals (the current one included), cyclic: the most of
    a class that may still be open at each interval end."""
    n = len(work)
    w = min(window, float(n))
    out = []
    for t in range(n):
        total = 0.0
        k = 0
        while k < w:
            total += min(1.0, w - k) * work[(t - k) % n]
            k += 1
        out.append(total)
    return out


def plain_backlog(work: list[float], done: list[float]) -> list[float]:
    """Open work at each interval end in steady state: Lindley's recursion over two cycles."""
    open_work = 0.0
    out = [0.0] * len(work)
    for _cycle in range(2):
        for t, (w, d) in enumerate(zip(work, done, strict=True)):
            open_work = max(0.0, open_work + w - d)
            out[t] = open_work
    return out


def plain_smooth_profile(work: list[float], cap: list[float], cycles: int = 3) -> list[float]:
    """The smoothest profile of one deadline class: the taut string between "arrived minus
    what may still be open" and "arrived" on three copies of the week, middle copy."""
    n = len(work)
    total = sum(work)
    if n == 0 or total <= 0:
        return [0.0] * n
    cap = [min(c, total) for c in cap]
    arrived = [0.0]
    for _ in range(cycles):
        for w in work:
            arrived.append(arrived[-1] + w)
    caps = [cap[-1]] + cap * cycles
    lower = [a - c for a, c in zip(arrived, caps, strict=True)]
    upper = list(arrived)
    lower[0] = upper[0] = 0.0
    end = arrived[-1] - 0.5 * caps[-1]
    lower[-1] = upper[-1] = end
    mid = cycles // 2
    y = dfr.taut_string(np.array(lower), np.array(upper), until=(mid + 1) * n).tolist()
    seg = [max(y[t + 1] - y[t], 0.0) for t in range(mid * n, (mid + 1) * n)]
    if abs(sum(seg) - total) <= 1e-6 * max(1.0, total):
        return seg
    level = [total / n] * n
    if all(b <= c + 1e-9 for b, c in zip(plain_backlog(work, level), cap, strict=True)):
        return level
    return [x * total / sum(seg) for x in seg] if sum(seg) > 0 else level


def straightforward_table(scenario: Scenario, live_subset: list | None = None) -> pd.DataFrame:
    """The whole grid (live + deferrable), in the library's row order."""
    specs = queue_specs(scenario)
    keys = list(specs)
    rows = live_rows(scenario) if live_subset is None else live_subset
    live = straightforward_live(rows)
    deferred = straightforward_deferred(scenario)
    sched = 1.0 / (1.0 - scenario.settings.shrinkage)
    records = []
    for qi, key in enumerate(keys):
        for t in range(scenario.horizon.n_intervals):
            if (qi, t) in live:
                n_req, (sl, asa, occ, ab) = live[(qi, t)]
                floor = float(n_req)
            elif (qi, t) in deferred:
                n_req, floor, sl, _ = deferred[(qi, t)]
                asa, occ, ab = math.nan, 0.0, 0.0
            else:
                continue  # live row outside the --quick subset
            records.append((qi, t, *key, n_req, floor * sched, sl, asa, occ, ab))
    cols = [
        "queue",
        "interval",
        "language",
        "channel",
        "tier",
        "agents_required",
        "agents_scheduled",
        "service_level",
        "asa_seconds",
        "occupancy",
        "abandon_rate",
    ]
    return pd.DataFrame.from_records(records, columns=cols)


# --------------------------------------------------------------------------------------
# Timing and reporting
# --------------------------------------------------------------------------------------


def timed(fn: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    """Median wall time of ``repeats`` calls, and the last result."""
    times = []
    result = None
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def print_table(headers: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    print(line(headers))
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print(line(r))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workbook", type=Path, default=REPO / "inputs" / "exchange_week.xlsx")
    parser.add_argument("--repeats", type=int, default=7, help="runs of the library calls (median; at least 3)")
    parser.add_argument(
        "--baseline-repeats",
        type=int,
        default=3,
        help="runs of the straightforward loop and the scalar search (median)",
    )
    parser.add_argument(
        "--quick",
        type=int,
        nargs="?",
        const=400,
        default=None,
        metavar="N",
        help="run the straightforward loop on ~N evenly spaced live rows only (default 400) "
        "and extrapolate its time to all live rows",
    )
    args = parser.parse_args(argv)
    repeats = max(3, args.repeats)

    scenario = load_scenario(args.workbook)
    specs = queue_specs(scenario)
    keys = list(specs)

    # ---- library ----------------------------------------------------------------------
    t_lib, req = timed(lambda: compute_requirements(scenario), repeats)
    table = req.table
    n_rows = len(table)

    rows_all = live_rows(scenario)
    arg_cols = list(zip(*(r[2] for r in rows_all), strict=True))
    lam = np.array(arg_cols[0])
    demand_rows = [r for r in rows_all if r[2][0] > 0]
    handle, target, goal, max_occ = (np.array(c, dtype=float) for c in arg_cols[1:5])
    patience = np.array([np.nan if p is None else p for p in arg_cols[5]])
    conc = np.array(arg_cols[6], dtype=np.int64)
    eff = float(arg_cols[7][0])
    kw: dict[str, Any] = dict(patience_minutes=patience, concurrency=conc, concurrency_efficiency=eff)

    def lib_live() -> tuple[np.ndarray, Any]:
        found = erlang.staffing(lam, handle, target, goal, max_occ, **kw)
        return found.agents, found.stats

    def lib_agents_only() -> np.ndarray:
        return erlang.required_agents(lam, handle, target, goal, max_occ, **kw)

    t_lib_live, (lib_n, _) = timed(lib_live, repeats)
    t_lib_agents, _ = timed(lib_agents_only, repeats)

    # ---- scalar reference over the live rows -----------------------------------------
    t_scalar, scalar_n = timed(lambda: [required_agents_scalar(*r[2]) for r in rows_all], args.baseline_repeats)

    # ---- straightforward loop -----------------------------------------------------------
    if args.quick:
        step = max(1, len(rows_all) // args.quick)
        subset = rows_all[::step]
    else:
        subset = rows_all
    slow_repeats = args.baseline_repeats
    t_plain_live, _ = timed(lambda: straightforward_live(subset), slow_repeats)
    t_plain_def, _ = timed(lambda: straightforward_deferred(scenario), slow_repeats)
    t_plain_table, plain = timed(lambda: straightforward_table(scenario, subset), slow_repeats)
    scale = len(rows_all) / len(subset)
    if args.quick:
        # extrapolate the live part; the rest of the table (deferred, grid) is measured
        t_plain_live_est = t_plain_live * scale
        t_plain_table_est = t_plain_table - t_plain_live + t_plain_live_est
    else:
        t_plain_live_est, t_plain_table_est = t_plain_live, t_plain_table

    # ---- identical answers ----------------------------------------------------------------
    qidx = {k: i for i, k in enumerate(keys)}
    lib_tab = table.assign(
        queue=[
            qidx[(r.language, r.channel, r.tier)]
            for r in table[["language", "channel", "tier"]].itertuples(index=False)
        ]
    )
    merged = plain.merge(lib_tab, on=["queue", "interval"], suffixes=("_plain", "_lib"))
    if len(merged) != len(plain):
        raise SystemExit("the straightforward table's rows do not match the library's grid")
    mism = merged[merged["agents_required_plain"] != merged["agents_required_lib"]]
    scalar_mism = [(r, int(s), int(n)) for r, s, n in zip(rows_all, scalar_n, lib_n, strict=True) if int(s) != int(n)]
    live_merged = merged[merged["kind"] == WorkKind.LIVE.value]
    live_demand = live_merged[live_merged["contacts"] > 0]

    def max_rel(col: str, frame: pd.DataFrame) -> float:
        a = frame[f"{col}_plain"].to_numpy(dtype=float)
        b = frame[f"{col}_lib"].to_numpy(dtype=float)
        ok = np.isfinite(a) & np.isfinite(b)
        if not ok.any():
            return 0.0
        return float(np.max(np.abs(a[ok] - b[ok]) / np.maximum(np.abs(b[ok]), 1e-300)))

    # ---- report -------------------------------------------------------------------------------
    print(f"workbook: {args.workbook}; planner revision {git_revision()}")
    print(
        f"machine: {platform.processor() or platform.machine()}, {cpus()} CPU cores, "
        f"Python {platform.python_version()}, numpy {np.__version__}"
    )
    n_def = int((table["kind"] == WorkKind.DEFERRABLE.value).sum())
    print(
        f"grid: {len(keys)} queues x {scenario.horizon.n_intervals} intervals = {n_rows} rows "
        f"({len(rows_all)} live, of which {len(demand_rows)} with demand; {n_def} deferrable)"
    )
    if args.quick:
        print(
            f"--quick: straightforward loop run on {len(subset)} of {len(rows_all)} live rows "
            f"(every {step}th); its live time is EXTRAPOLATED x{scale:.2f} (marked *)"
        )
    print()
    star = "*" if args.quick else ""
    slow_note = f"median of {slow_repeats}" + (", extrapolated" if args.quick else "")
    lines = [
        ["library compute_requirements (whole table)", str(n_rows), _s(t_lib), f"median of {repeats}", "1.0"],
        [
            "straightforward loop (whole table)" + star,
            str(n_rows),
            _s(t_plain_table_est),
            slow_note,
            _x(t_plain_table_est / t_lib),
        ],
        [
            "  of which deferrable queues (plain Python, per queue)",
            str(n_def),
            _s(t_plain_def),
            f"median of {slow_repeats}",
            _x(t_plain_def / t_lib),
        ],
        [
            "library Erlang part: erlang.staffing (agents + stats)",
            str(len(rows_all)),
            _s(t_lib_live),
            f"median of {repeats}",
            "1.0 (live)",
        ],
        [
            "straightforward loop, live rows only" + star,
            str(len(rows_all)),
            _s(t_plain_live_est),
            slow_note,
            _x(t_plain_live_est / t_lib_live) + " (live)",
        ],
        [
            "library required_agents only (no stats)",
            str(len(rows_all)),
            _s(t_lib_agents),
            f"median of {repeats}",
            _x(t_lib_agents / t_lib_live) + " (live)",
        ],
        [
            "required_agents_scalar (tests/erlang_reference.py), live rows",
            str(len(rows_all)),
            _s(t_scalar),
            f"median of {slow_repeats}",
            _x(t_scalar / t_lib_live) + " (live)",
        ],
    ]
    print_table(["implementation", "rows", "seconds", "timing", "ratio vs library"], lines)
    print()
    print("ratios (baseline time / library time, higher = library faster):")
    print(f"  whole table:  straightforward loop / compute_requirements = {t_plain_table_est / t_lib:,.1f}x{star}")
    print(f"  live (Erlang) part: straightforward loop / erlang.staffing = {t_plain_live_est / t_lib_live:,.1f}x{star}")
    print(f"  live (Erlang) part: required_agents_scalar / required_agents = {t_scalar / t_lib_agents:,.1f}x")
    print()
    print("identical answers:")
    print(
        f"  agents_required, straightforward loop vs library: {len(merged)} rows compared "
        f"({len(live_merged)} live, {len(merged) - len(live_merged)} deferrable), "
        f"{len(mism)} mismatches"
    )
    if len(mism):
        show = [
            "language",
            "channel",
            "tier",
            "interval",
            "contacts",
            "agents_required_plain",
            "agents_required_lib",
            "service_level_plain",
            "service_level_lib",
        ]
        print(mism[show].head(10).to_string(index=False))
    print(
        f"  agents_required, required_agents_scalar vs library: {len(rows_all)} live rows, "
        f"{len(scalar_mism)} mismatches"
    )
    for r, s_n, l_n in scalar_mism[:10]:
        print(f"    queue {keys[r[0]]} interval {r[1]}: scalar {s_n}, library {l_n}")
    print("  largest relative difference at the chosen staffing, live rows with demand:")
    for col in ("service_level", "occupancy", "asa_seconds", "abandon_rate", "agents_scheduled"):
        print(f"    {col:<17} {max_rel(col, live_demand):.2e}")
    deferrable = merged[merged["kind"] != WorkKind.LIVE.value]
    print(
        f"  deferrable rows: largest relative difference, agents_scheduled "
        f"{max_rel('agents_scheduled', deferrable):.2e}, service_level {max_rel('service_level', deferrable):.2e}"
    )
    return 0


def _s(seconds: float) -> str:
    return f"{seconds:.4f}" if seconds < 1 else f"{seconds:.2f}"


def _x(ratio: float) -> str:
    return f"{ratio:,.1f}x"


if __name__ == "__main__":
    sys.exit(main())
