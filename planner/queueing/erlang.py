"""Live-queue maths: the measures of Erlang C, Erlang A, the loss system and chat concurrency
(:func:`queue_stats`), and the fewest agents meeting a target (:func:`staffing`).

Each measure is written once per mode (``_erlang_c_measures``, ``_erlang_a_measures``,
``_loss_measures``, dispatched by ``_measures``); :func:`queue_stats` and the staffing search
both call them. Everything here is pure (no I/O, no global state) and vectorised with numpy
and ``scipy.special``; every array argument broadcasts against the others. A plain
pure-Python reference of the staffing search, used by the tests and the benchmark, lives in
``tests/erlang_reference.py``.

Units
-----
Time is in **minutes** everywhere except :attr:`QueueStats.asa_seconds`. The arrival rate is
``contacts_per_minute`` (λ), the mean handle time ``handle_minutes`` (h), the service-level
threshold ``target_minutes`` (t) and the mean patience ``patience_minutes`` (1/θ).

Agents and slots (chat concurrency)
-----------------------------------
An agent who works ``c`` contacts at once is modelled as ``c`` servers ("slots"), after the
multi-server treatment of chat agents in Tezcan & Zhang (2014). Throughput does not grow
linearly with ``c``: an agent handling ``c`` contacts at once gets through
``e(c) = 1 + (c - 1) * concurrency_efficiency`` times the work of an agent handling one (with
the default efficiency 0.7, two chats count as 1.7 single contacts, which is common vendor
practice). Each contact therefore holds its slot for ``h' = h * c / e(c)`` minutes. With
``N`` agents the queue has ``s = c * N`` slots and an offered load of ``a = λ h'`` Erlangs.
With ``c = 1`` we get ``h' = h`` and ``s = N`` and every result is bit-for-bit the classic
Erlang C / Erlang A result for ``N`` servers. Occupancy is busy slots / total slots.

The queue model needs whole agents. :func:`queue_stats` accepts fractional agents (a schedule
may give 12.5 agents on average over an interval) and uses ``floor(agents + 1e-9)`` of them:
a fractional presence is rounded down, conservatively.

No abandonment: Erlang C (M/M/s)
--------------------------------
Used where ``patience_minutes`` is None, NaN or +inf (Erlang 1917). With ``B = B(s, a)`` the
Erlang B blocking probability,

* ``P(wait) = C(s, a) = B / (B + (1 - B) (s - a) / s)`` (the usual
  ``B / (1 - (a/s)(1 - B))``, arranged so nothing cancels),
* ``SL(t) = 1 - C exp(-(s - a) t / h')``,
* ``ASA = C h' / (s - a)`` minutes (reported in seconds),
* occupancy ``a / s`` and abandonment 0.

If ``s <= a`` the queue is unstable: SL 0, P(wait) 1, ASA +inf, occupancy 1.

Erlang B is computed with the stable recursion ``B(k) = a B(k-1) / (k + a B(k-1))``,
``B(0) = 1``, which also gives ``1 - B(k) = k / (k + a B(k-1))`` without cancellation.

Abandonment: Erlang A (M/M/s+M)
-------------------------------
Used where ``patience_minutes`` is a positive finite number: customers abandon at rate
``θ = 1/patience`` while they wait (Garnett, Mandelbaum & Reiman 2002; Mandelbaum & Zeltyn
2005). Write ``μ = 1/h'``, ``α = s μ / θ``, ``x = λ / θ``. The stationary birth-death chain has
``π(s+k) / π(s) = x^k / ((α+1) ... (α+k))`` and, summing,

* ``J = 1 + Σ_k x^k / ((α+1)...(α+k)) = α ∫_0^1 u^(α-1) e^(x(1-u)) du`` (Mandelbaum & Zeltyn's
  ``A(α, x)``),
* ``π(s) = B / (1 - B + J B)`` and ``P(wait) = J B / (1 - B + J B)``.

An arrival that finds ``k`` contacts queued ahead of it would, if infinitely patient, wait
``V_k = Σ_{j=0..k} Exp(sμ + jθ)``; by Rényi's representation ``exp(-θ V_k) ~ Beta(α, k+1)``. It
is answered within ``t`` iff ``V_k <= t`` and its own patience exceeds ``V_k``, which has
probability ``E[exp(-θ V_k); V_k <= t]``. Summing over ``k`` with the weights above gives,
with ``u0 = exp(-θ t)``,

* ``P(answered within t) = [(1 - B) + B α ∫_{u0}^1 u^α e^(x(1-u)) du] / (1 - B + J B)``,
* ``P(answered after waiting) = π(s) α ∫_0^1 u^α e^(x(1-u)) du``,
  ``P(abandon) = P(wait) - P(answered after waiting)``,
* ``E[wait; answered] = (π(s) α / θ) ∫_0^1 (-ln u) u^α e^(x(1-u)) du`` and
  ``ASA = E[wait; answered] / P(answered)`` (mean wait of answered contacts only, including
  those answered at once),
* occupancy ``a (1 - P(abandon)) / s``.

**Service-level definition.** ``service_level`` is the share of *all* arrivals that are
answered within the target: contacts that abandon, before or after the target, count as not
answered within it. Another common definition drops the contacts that abandon before ``t``
from the denominator; it always gives a number at least as high, so targets stated under that
definition are not comparable with these figures.

**Numerics.** With ``P``/``Q`` the regularised lower/upper incomplete gamma functions
(``scipy.special.gammainc``/``gammaincc``), each integral is
``∫_c^1 u^(β-1) e^(x(1-u)) du = e^x x^(-β) Γ(β) [P(β, x) - P(β, c x)]``, and everything is
computed *relative to J*, so the huge factor ``e^x x^(-β) Γ(β)`` never appears:

* ``1/J = d / P(α, x)`` where ``d = x^α e^(-x) / Γ(α + 1)`` and ``P(α, x) = P(α+1, x) + d``;
* ``α ∫_{u0}^1 u^α e^(x(1-u)) du / J = (α / x) [P(α+1, x) - P(α+1, x u0)] / P(α, x)``;
* ``P(answered | wait) = (α / x) P(α+1, x) / P(α, x)``
  (equivalently ``1 - P(abandon | wait)`` with Mandelbaum & Zeltyn's
  ``P(Ab | W) = 1/(ρJ) + 1 - 1/ρ``, ``ρ = x/α``).

``ln d`` is evaluated in Loader's (2000) saddle-point form, ``-α (r - 1 - ln r)`` with
``r = x/α`` plus Stirling's series, which keeps its relative accuracy when ``α`` and ``x`` run
into the millions (very patient customers). The differences ``P(α+1, x) - P(α+1, x u0)`` are
taken as ``Q(α+1, x u0) - Q(α+1, x)`` when ``x u0 > α + 1``, so nothing near 1 cancels. Where
``P(α+1, x)`` underflows (``x`` far below ``α``) the ratios come straight from the series
``S(β, y) = Σ_k y^k / ((β+1)...(β+k))`` (``P(β, y) = y^β e^-y S(β, y) / Γ(β+1)``), which
converges geometrically there: ``J = 1 + (x/β) S(β, x)``, ``P(answered | wait) =
(α/β) S(β, x) / J`` and ``P(answered within t | wait) = (α/β) [S(β, x) - u0^β e^(x(1-u0))
S(β, x u0)] / J`` with ``β = α + 1``. The ASA integral is done in ``y = -ln u``, where the
integrand ``y e^(-(α+1) y + x (1 - e^-y))`` is log-concave: Newton's method finds its mode,
then three 32-point Gauss–Legendre panels cover 12 curvature widths either side of it and 40
decay lengths of the right-hand tail. ``P(abandon)`` is taken as
``P(wait) (1 - P(answered | wait))`` so that small abandonment rates keep their relative
accuracy. Loads from 0.001 to well over 5,000 Erlangs neither overflow nor lose accuracy.

A patience of exactly 0 means every contact that finds all slots busy leaves at once: the
Erlang B loss system (P(wait) = P(abandon) = B, SL = 1 - B, ASA 0). With no agents and some
demand, SL is 0, P(wait) 1, occupancy 1 and ASA +inf (nobody is answered); abandonment is 1
when patience is finite and 0 under Erlang C. With no demand, SL is 1 and everything else 0.

Staffing
--------
:func:`required_agents` returns the smallest whole number of agents ``N >= 1`` (0 when there
is no demand) with ``SL >= service_level - 1e-12`` and ``occupancy <= max_occupancy + 1e-12``;
under Erlang C the queue must also be stable (``s > a``), which only matters for a zero
service-level target with ``max_occupancy >= 1``. It walks the Erlang B recursion over slot
counts ``k = 1, 2, ...`` for all elements at once, dropping elements as they are solved, and
evaluates the criteria only where ``k`` is a multiple of the element's concurrency and
``k / c`` is at least a valid lower bound:

* Erlang C: ``s > a`` (stability) and ``s >= a / max_occupancy``, i.e.
  ``max(floor(a) + 1, ceil(a / max_occupancy))`` slots;
* Erlang A (and the loss system): the answered throughput ``a P(answered)`` cannot exceed
  ``s · min(1, max_occupancy)``, and ``P(answered) >= SL``, so
  ``s >= SL · a / min(1, max_occupancy)``. Starting at ``ceil(a)`` would be wrong: with
  abandonment fewer than ``a`` slots can meet the target.

After a failed evaluation at ``k`` the bound is raised to ``a P(answered at k) /
max_occupancy``: ``P(answered)`` never falls as slots are added, so no staffing below that
can meet the occupancy cap. This skips the long stretch between the SL-based bound and
``a / max_occupancy`` when the occupancy cap is what binds. The reference in
``tests/erlang_reference.py`` runs the same search one element at a time.

References
----------
* A. K. Erlang, "Solution of some problems in the theory of probabilities of significance in
  automatic telephone exchanges", Elektroteknikeren 13, 1917.
* O. Garnett, A. Mandelbaum and M. Reiman, "Designing a call center with impatient
  customers", Manufacturing & Service Operations Management 4(3):208-227, 2002.
* A. Mandelbaum and S. Zeltyn, "The M/M/n+M queue (Erlang-A): summary of formulae",
  Technion, 2005.
* T. Tezcan and J. Zhang, "Routing and staffing in customer service chat systems with
  impatient customers", Operations Research 62(4):943-956, 2014.
* C. Loader, "Fast and accurate computation of binomial probabilities", 2000.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import TypeAlias

import numpy as np
import numpy.typing as npt
from scipy import special

__all__ = [
    "QueueStats",
    "erlang_b",
    "erlang_c",
    "queue_stats",
    "Staffing",
    "required_agents",
    "staffing",
]

FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.int64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]

CRITERIA_TOLERANCE = 1e-12
"""Slack allowed on the service-level and occupancy checks of :func:`required_agents`."""

AGENT_ROUNDING_EPS = 1e-9
"""Fractional agents are used as ``floor(agents + AGENT_ROUNDING_EPS)`` whole agents."""

_UNDERFLOW_P = 1e-280  # below this, P(α+1, x) is summed from its series instead
_SERIES_RTOL = 1e-17
_SERIES_LOOP_CUTOFF = 16
_MAX_SERIES_TERMS = 10_000_000
_MAX_SLOTS = 10_000_000  # slots per queue; guards the recursions against runaway inputs
_STIRLING_CUTOFF = 10.0
_HALF_LOG_2PI = 0.5 * math.log(2.0 * math.pi)
# Stirling-series coefficients B_2k / (2k (2k-1)) of n^-(2k-1), k = 1..7; the next term is
# below 3e-17 for n >= 10.
_STIRLING_COEFFS = (1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156)
_GL_NODES, _GL_WEIGHTS = np.polynomial.legendre.leggauss(32)

_TINY = float(np.finfo(np.float64).tiny)  # floor for λ/θ when the product underflows

_MODE_ERLANG_C = 0
_MODE_ERLANG_A = 1
_MODE_LOSS = 2


@dataclass(frozen=True)
class QueueStats:
    """Performance of one or many queues; all arrays have the broadcast shape of the inputs."""

    service_level: FloatArray
    """Share of all arrivals answered within the target (abandoned contacts count as misses)."""
    p_wait: FloatArray
    """Probability that an arrival finds every slot busy and has to wait."""
    asa_seconds: FloatArray
    """Mean wait of answered contacts, in seconds (+inf if unstable or nobody is answered)."""
    occupancy: FloatArray
    """Busy slots / total slots (0 with no demand; 1 when overloaded or unstable)."""
    abandon_rate: FloatArray
    """Share of arrivals that abandon (always 0 under Erlang C)."""


# --------------------------------------------------------------------------------------------
# Input handling
# --------------------------------------------------------------------------------------------


def _float_array(value: npt.ArrayLike, name: str) -> FloatArray:
    try:
        arr: FloatArray = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be numeric") from exc
    return arr


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise ValueError(message)


def _validate_common(
    lam: FloatArray,
    handle: FloatArray,
    target: FloatArray,
    conc: FloatArray,
    eff: FloatArray,
    patience: FloatArray,
) -> None:
    _check(bool(np.all(np.isfinite(lam) & (lam >= 0))), "contacts_per_minute must be finite and >= 0")
    _check(bool(np.all(np.isfinite(handle) & (handle > 0))), "handle_minutes must be finite and > 0")
    _check(bool(np.all(~np.isnan(target) & (target >= 0))), "target_minutes must be >= 0")
    _check(
        bool(np.all(np.isfinite(conc) & (conc >= 1) & (conc == np.floor(conc)))),
        "concurrency must be a whole number >= 1",
    )
    _check(
        bool(np.all(np.isfinite(eff) & (eff >= 0) & (eff <= 1))),
        "concurrency_efficiency must be between 0 and 1",
    )
    _check(
        bool(np.all(np.isnan(patience) | (patience >= 0))),
        "patience_minutes must be >= 0, NaN/inf (no abandonment) or None",
    )


def _patience_array(patience_minutes: npt.ArrayLike | None) -> FloatArray:
    if patience_minutes is None:
        return np.array(np.nan)
    return _float_array(patience_minutes, "patience_minutes")


def _slot_handle(handle: FloatArray, conc: FloatArray, eff: FloatArray) -> FloatArray:
    """Minutes a contact holds its slot: ``h * c / e(c)``; exactly ``h`` when ``c == 1``."""
    speed_up = 1.0 + (conc - 1.0) * eff
    out: FloatArray = handle * conc / speed_up
    return out


def _queue_mode(patience: FloatArray) -> IntArray:
    mode = np.full(patience.shape, _MODE_ERLANG_C, dtype=np.int64)
    finite = np.isfinite(patience)
    mode[finite & (patience > 0)] = _MODE_ERLANG_A
    mode[finite & (patience == 0)] = _MODE_LOSS
    return mode


# --------------------------------------------------------------------------------------------
# Erlang B and C
# --------------------------------------------------------------------------------------------


def _erlang_b_pair(servers: IntArray, load: FloatArray) -> tuple[FloatArray, FloatArray]:
    """``(B(s, a), 1 - B(s, a))`` for 1-d arrays: in closed form where it can be trusted (as
    the staffing search does), by the stable recursion elsewhere."""
    b, omb, valid = _erlang_b_closed(servers.astype(np.float64), load)
    if not valid.all():
        rb, romb = _erlang_b_recursion(servers[~valid], load[~valid])
        b[~valid], omb[~valid] = rb, romb
    return b, omb


def _erlang_b_recursion(servers: IntArray, load: FloatArray) -> tuple[FloatArray, FloatArray]:
    """``(B(s, a), 1 - B(s, a))`` for 1-d arrays, by the stable recursion.

    The elements are sorted by server count so the ones still iterating at step ``k`` are a
    contiguous tail and each step works on a view.
    """
    n = servers.size
    b_out = np.ones(n)
    omb_out = np.zeros(n)
    if n == 0:
        return b_out, omb_out
    order = np.argsort(servers, kind="stable")
    s_sorted = servers[order]
    a_sorted = load[order]
    b = np.ones(n)
    prev = np.zeros(n)  # a * B(s - 1) at the last step of each element
    top = int(s_sorted[-1])
    starts = np.searchsorted(s_sorted, np.arange(1, top + 1), side="left")
    with np.errstate(under="ignore"):
        for k in range(1, top + 1):
            start = int(starts[k - 1])
            tmp = a_sorted[start:] * b[start:]
            prev[start:] = tmp
            b[start:] = tmp / (k + tmp)
    has = s_sorted > 0
    omb = np.zeros(n)
    omb[has] = s_sorted[has] / (s_sorted[has] + prev[has])
    b_out[order] = b
    omb_out[order] = omb
    return b_out, omb_out


def _servers_array(servers: npt.ArrayLike) -> FloatArray:
    s = _float_array(servers, "servers")
    _check(
        bool(np.all(np.isfinite(s) & (s >= 0) & (s == np.floor(s)))),
        "servers must be whole numbers >= 0",
    )
    return s


def erlang_b(servers: npt.ArrayLike, load: npt.ArrayLike) -> FloatArray:
    """Erlang B blocking probability ``B(servers, load)`` of the M/M/s/s loss system.

    Uses Erlang's stable recursion ``B(k) = A B(k-1) / (k + A B(k-1))``, ``B(0) = 1``,
    iterated up to ``max(servers)`` for all elements together. ``servers`` must be whole
    numbers >= 0 and ``load`` (Erlangs) finite and >= 0; both broadcast.
    """
    s, a = np.broadcast_arrays(_servers_array(servers), _float_array(load, "load"))
    _check(bool(np.all(np.isfinite(a) & (a >= 0))), "load must be finite and >= 0")
    b, _ = _erlang_b_pair(s.ravel().astype(np.int64), a.ravel().astype(np.float64))
    return b.reshape(s.shape)


def _erlang_c_from_b(s: FloatArray, a: FloatArray, b: FloatArray, omb: FloatArray) -> FloatArray:
    """``C(s, a)`` from ``B`` and ``1 - B``; only valid where ``s > a``."""
    out: FloatArray = b / (b + omb * ((s - a) / s))
    return out


def erlang_c(servers: npt.ArrayLike, load: npt.ArrayLike) -> FloatArray:
    """Erlang C: probability of waiting in M/M/s, ``C = B / (1 - (a/s)(1 - B))``.

    Returns 1.0 where ``servers <= load`` (no steady state: everybody waits). Arguments as for
    :func:`erlang_b`.
    """
    s, a = np.broadcast_arrays(_servers_array(servers), _float_array(load, "load"))
    _check(bool(np.all(np.isfinite(a) & (a >= 0))), "load must be finite and >= 0")
    s_flat = s.ravel().astype(np.float64)
    a_flat = a.ravel().astype(np.float64)
    b, omb = _erlang_b_pair(s_flat.astype(np.int64), a_flat)
    out = np.ones(s_flat.size)
    ok = s_flat > a_flat
    out[ok] = _erlang_c_from_b(s_flat[ok], a_flat[ok], b[ok], omb[ok])
    return out.reshape(s.shape)


def _erlang_c_service_level(
    s: FloatArray, a: FloatArray, c_wait: FloatArray, target: FloatArray, h_slot: FloatArray
) -> FloatArray:
    out: FloatArray = 1.0 - c_wait * np.exp(-(s - a) * target / h_slot)
    return out


# --------------------------------------------------------------------------------------------
# Erlang A building blocks
# --------------------------------------------------------------------------------------------


def _stirling_error(n: FloatArray) -> FloatArray:
    """``ln Γ(n+1) - (n + 1/2) ln n + n - ln √(2π)`` by its asymptotic series (n >= 10)."""
    r = 1.0 / n
    r2 = r * r
    acc = np.zeros(n.shape)
    for coef in reversed(_STIRLING_COEFFS):
        acc = acc * r2 + coef
    out: FloatArray = r * acc
    return out


def _log_gamma_density(alpha: FloatArray, x: FloatArray) -> FloatArray:
    """``ln(x^α e^(-x) / Γ(α+1))`` for ``α >= 0, x > 0``, accurate for large ``α`` (Loader)."""
    out = np.empty(x.shape)
    big = alpha >= _STIRLING_CUTOFF
    small = ~big
    if small.any():
        al = alpha[small]
        xs = x[small]
        out[small] = special.xlogy(al, xs) - xs - special.gammaln(al + 1.0)
    if big.any():
        al = alpha[big]
        xb = x[big]
        v = (xb - al) / al
        # x - α - α ln(x/α), via log1p where x is near α (the terms nearly cancel there).
        near = v > -0.5
        deviance = np.empty(al.shape)
        deviance[near] = al[near] * (v[near] - np.log1p(v[near]))
        far = ~near
        deviance[far] = xb[far] - al[far] + al[far] * (np.log(al[far]) - np.log(xb[far]))
        out[big] = -deviance - 0.5 * np.log(al) - _HALF_LOG_2PI - _stirling_error(al)
    return out


def _gamma_series(a: FloatArray, y: FloatArray) -> FloatArray:
    """``Σ_{k>=0} y^k / ((a+1)(a+2)...(a+k))`` (so ``P(a, y) = y^a e^-y / Γ(a+1) · sum``).

    Only used where ``y`` is well below ``a + 1``, where it converges geometrically. A few
    elements are summed one by one (a numpy step per term would cost more than the term).
    """
    if y.size <= _SERIES_LOOP_CUTOFF:
        pairs = zip(a.tolist(), y.tolist(), strict=True)
        return np.array([_gamma_series_loop(ai, yi) for ai, yi in pairs], dtype=np.float64)
    total = np.ones(y.shape)
    term = np.ones(y.shape)
    active = np.flatnonzero(y > 0)
    k = 0
    while active.size and k < _MAX_SERIES_TERMS:
        k += 1
        term[active] *= y[active] / (a[active] + k)
        total[active] += term[active]
        active = active[term[active] > _SERIES_RTOL * total[active]]
    return total


def _gamma_series_loop(a: float, y: float) -> float:
    """``Σ_k y^k / ((a+1)...(a+k))`` by a plain loop (``y < a + 1``)."""
    total = 1.0
    term = 1.0
    k = 0
    while y > 0.0:
        k += 1
        term *= y / (a + k)
        total += term
        if term <= _SERIES_RTOL * total or k >= _MAX_SERIES_TERMS:
            break
    return total


@dataclass(frozen=True)
class _ErlangAParts:
    p_wait: FloatArray
    service_level: FloatArray
    p_answered: FloatArray
    p_abandon: FloatArray
    log_j: FloatArray


def _gamma_p_and_difference(beta: FloatArray, x: FloatArray, y0: FloatArray) -> tuple[FloatArray, FloatArray]:
    """``P(β, x)`` and ``P(β, x) - P(β, y0)`` (``y0 <= x``), the difference taken between upper
    tails where both points are right of the bulk, so nothing near 1 cancels."""
    n = x.size
    p1 = np.empty(n)
    dp = np.empty(n)
    upper = y0 > beta
    if upper.any():
        q1 = special.gammaincc(beta[upper], x[upper])
        q0 = special.gammaincc(beta[upper], y0[upper])
        p1[upper] = 1.0 - q1
        dp[upper] = q0 - q1
    lower = ~upper
    if lower.any():
        pl1 = special.gammainc(beta[lower], x[lower])
        pl0 = special.gammainc(beta[lower], y0[lower])
        p1[lower] = pl1
        dp[lower] = pl1 - pl0
    return p1, dp


def _erlang_a_parts(
    b: FloatArray, omb: FloatArray, alpha: FloatArray, x: FloatArray, log_u0: FloatArray
) -> _ErlangAParts:
    """Erlang A measures from ``B``, ``1 - B``, ``α = sμ/θ``, ``x = λ/θ`` and ``ln u0 = -θt``.

    All arrays are 1-d with ``α > 0`` and ``x > 0``.
    """
    beta = alpha + 1.0
    y0 = x * np.exp(log_u0)
    n = x.size
    p1, dp = _gamma_p_and_difference(beta, x, y0)

    log_d = _log_gamma_density(alpha, x)
    inv_j = np.empty(n)  # 1 / J
    g_full = np.empty(n)  # P(answered | wait)
    g_t = np.empty(n)  # P(answered within t | wait)
    log_j = np.empty(n)

    series = p1 < _UNDERFLOW_P
    gam = ~series
    if gam.any():
        with np.errstate(under="ignore"):
            d = np.exp(log_d[gam])
        p_alpha = p1[gam] + d  # P(α, x)
        inv_j[gam] = d / p_alpha
        g_full[gam] = alpha[gam] * (p1[gam] / p_alpha) / x[gam]
        g_t[gam] = alpha[gam] * (dp[gam] / p_alpha) / x[gam]
        log_j[gam] = np.log(p_alpha) - log_d[gam]
    if series.any():
        al, be, xs, lu = alpha[series], beta[series], x[series], log_u0[series]
        s1 = _gamma_series(be, xs)  # P(α+1, x) = d (x/β) s1
        with np.errstate(under="ignore"):
            # P(α+1, x u0) = d (x/β) s0, with u0^β e^(x(1-u0)) folded into s0.
            s0 = np.exp(be * lu - xs * np.expm1(lu)) * _gamma_series(be, y0[series])
        f1 = (xs / be) * s1  # P(α+1, x) / d = J - 1
        inv_j[series] = 1.0 / (1.0 + f1)
        g_full[series] = (al / be) * s1 / (1.0 + f1)
        g_t[series] = (al / be) * (s1 - s0) / (1.0 + f1)
        log_j[series] = np.log1p(f1)

    g_full = np.clip(g_full, 0.0, 1.0)
    g_t = np.clip(g_t, 0.0, g_full)
    den = b + omb * inv_j
    p_wait = b / den
    p_no_wait = omb * inv_j / den
    return _ErlangAParts(
        p_wait=p_wait,
        service_level=p_no_wait + p_wait * g_t,
        p_answered=p_no_wait + p_wait * g_full,
        p_abandon=p_wait * (1.0 - g_full),
        log_j=log_j,
    )


def _log_wait_integral(alpha: FloatArray, x: FloatArray) -> FloatArray:
    """``ln ∫_0^∞ y exp(-(α+1) y + x (1 - e^-y)) dy`` (= ``∫_0^1 (-ln u) u^α e^(x(1-u)) du``).

    The integrand is log-concave. Newton's method from the left (the derivative of the log
    integrand is convex and decreasing, so the iterates increase monotonically to the mode)
    finds the mode ``m``; ``σ`` is the curvature width there. Gauss–Legendre panels cover
    ``[max(0, m - 12σ), m]``, ``[m, m + 12σ]`` and then 40 e-folds of the right tail, whose
    decay rate is at least the slope at ``m + 12σ`` by concavity.
    """
    beta = alpha + 1.0
    gap = beta - x
    # e^-y >= 1 - y gives a root of x y^2 + (β - x) y - 1 = 0 to the left of the mode.
    y = 2.0 / (gap + np.sqrt(gap * gap + 4.0 * x))
    over = x > beta
    y[over] = np.maximum(y[over], np.log(x[over] / beta[over]))
    for _ in range(100):
        ey = np.exp(-y)
        slope = 1.0 / y - beta + x * ey
        curv = 1.0 / (y * y) + x * ey
        step = np.maximum(slope / curv, 0.0)
        y = y + step
        if np.all(step * np.sqrt(curv) <= 1e-10):  # the mode is only needed to ~σ/1e10
            break
    sigma = 1.0 / np.sqrt(1.0 / (y * y) + x * np.exp(-y))

    def log_f(v: FloatArray) -> FloatArray:
        out: FloatArray = np.log(v) - beta[:, None] * v - x[:, None] * np.expm1(-v)
        return out

    peak = np.log(y) - beta * y - x * np.expm1(-y)
    right = y + 12.0 * sigma
    rate = -(1.0 / right - beta + x * np.exp(-right))
    edges = (np.maximum(y - 12.0 * sigma, 0.0), y, right, right + 40.0 / rate)
    total = np.zeros(x.shape)
    with np.errstate(under="ignore"):
        for lo, hi in zip(edges[:-1], edges[1:], strict=True):
            half = 0.5 * (hi - lo)
            nodes = (0.5 * (hi + lo))[:, None] + half[:, None] * _GL_NODES[None, :]
            vals = np.exp(log_f(nodes) - peak[:, None])
            total += half * (vals @ _GL_WEIGHTS)
    out: FloatArray = peak + np.log(total)
    return out


# --------------------------------------------------------------------------------------------
# The measures of each queue mode (one implementation, used by queue_stats and the search)
# --------------------------------------------------------------------------------------------

# Rows of the per-element parameter matrix: the queue (what the measures need), then the
# staffing targets (what the search checks them against).
_ROW_LOAD, _ROW_LAM, _ROW_HSLOT, _ROW_TARGET, _ROW_PATIENCE, _ROW_GOAL, _ROW_MAXOCC = range(7)


@dataclass(frozen=True)
class _Measures:
    """Measures of a batch of staffed queues (1-d arrays, one element per queue)."""

    service_level: FloatArray
    p_wait: FloatArray
    occupancy: FloatArray
    abandon_rate: FloatArray
    p_answered: FloatArray
    asa_seconds: FloatArray  # NaN under Erlang A unless asked for (its quadrature is costly)
    log_j: FloatArray  # ln J under Erlang A, NaN elsewhere

    @classmethod
    def idle(cls, n: int) -> _Measures:
        """No demand: SL 1, everything else 0."""
        return cls(np.ones(n), np.zeros(n), np.zeros(n), np.zeros(n), np.ones(n), np.zeros(n), np.full(n, np.nan))

    @classmethod
    def unstable(cls, n: int) -> _Measures:
        """Nobody answered in the steady state: SL 0, P(wait) 1, occupancy 1, ASA +inf."""
        return cls(np.zeros(n), np.ones(n), np.ones(n), np.zeros(n), np.ones(n), np.full(n, np.inf), np.full(n, np.nan))

    def take(self, mask: BoolArray) -> _Measures:
        return _Measures(*(getattr(self, f.name)[mask] for f in fields(self)))

    def put(self, where: IntArray | BoolArray, part: _Measures) -> None:
        """Write ``part`` into these arrays at ``where``."""
        for f in fields(self):
            getattr(self, f.name)[where] = getattr(part, f.name)


def _erlang_c_measures(
    s: FloatArray, a: FloatArray, b: FloatArray, omb: FloatArray, target: FloatArray, h_slot: FloatArray
) -> _Measures:
    """Erlang C (no abandonment) at ``s > a`` slots."""
    n = s.size
    c_wait = _erlang_c_from_b(s, a, b, omb)
    return _Measures(
        service_level=_erlang_c_service_level(s, a, c_wait, target, h_slot),
        p_wait=c_wait,
        occupancy=a / s,
        abandon_rate=np.zeros(n),
        p_answered=np.ones(n),
        asa_seconds=60.0 * c_wait * h_slot / (s - a),
        log_j=np.full(n, np.nan),
    )


def _loss_measures(s: FloatArray, a: FloatArray, b: FloatArray, omb: FloatArray) -> _Measures:
    """The Erlang B loss system (patience 0): whoever finds every slot busy leaves at once."""
    n = s.size
    return _Measures(
        service_level=omb,
        p_wait=b,
        occupancy=a * omb / s,
        abandon_rate=b,
        p_answered=omb,
        asa_seconds=np.zeros(n),
        log_j=np.full(n, np.nan),
    )


def _erlang_a_measures(s: FloatArray, b: FloatArray, omb: FloatArray, par: FloatArray, with_asa: bool) -> _Measures:
    """Erlang A (mean patience ``par[_ROW_PATIENCE]`` > 0); the ASA only ``with_asa``."""
    load, lam, h_slot = par[_ROW_LOAD], par[_ROW_LAM], par[_ROW_HSLOT]
    target, patience = par[_ROW_TARGET], par[_ROW_PATIENCE]
    alpha = s * patience / h_slot
    x = np.maximum(lam * patience, _TINY)
    parts = _erlang_a_parts(b, omb, alpha, x, -target / patience)
    if with_asa:
        asa = _erlang_a_asa(alpha, x, patience, parts.p_wait, parts.p_answered, parts.log_j)
    else:
        asa = np.full(s.size, np.nan)
    return _Measures(
        service_level=parts.service_level,
        p_wait=parts.p_wait,
        occupancy=load * parts.p_answered / s,
        abandon_rate=parts.p_abandon,
        p_answered=parts.p_answered,
        asa_seconds=asa,
        log_j=parts.log_j,
    )


def _erlang_a_asa(
    alpha: FloatArray,
    x: FloatArray,
    patience: FloatArray,
    p_wait: FloatArray,
    p_answered: FloatArray,
    log_j: FloatArray,
) -> FloatArray:
    """Erlang A mean wait of answered contacts, in seconds: ``E[wait; answered] / P(answered)``."""
    log_k = _log_wait_integral(alpha, x)
    with np.errstate(under="ignore"):
        wait_answered = p_wait * np.exp(np.log(alpha * patience) + log_k - log_j)
    out: FloatArray = 60.0 * wait_answered / p_answered
    return out


def _measures(
    s: FloatArray, b: FloatArray, omb: FloatArray, par: FloatArray, mode: IntArray, with_asa: bool
) -> _Measures:
    """Every measure at ``s >= 1`` slots, each mode by its formula (see the module docstring).

    ``b`` and ``omb`` are ``B(s, a)`` and ``1 - B(s, a)``; ``par`` has one column per element
    (rows ``_ROW_LOAD`` to ``_ROW_PATIENCE``). An unstable Erlang C queue (``s <= a``) gets the
    measures of :meth:`_Measures.unstable`.
    """
    out = _Measures.unstable(s.size)
    load = par[_ROW_LOAD]
    sel = (mode == _MODE_ERLANG_C) & (s > load)
    if sel.any():
        out.put(
            sel, _erlang_c_measures(s[sel], load[sel], b[sel], omb[sel], par[_ROW_TARGET, sel], par[_ROW_HSLOT, sel])
        )
    sel = mode == _MODE_LOSS
    if sel.any():
        out.put(sel, _loss_measures(s[sel], load[sel], b[sel], omb[sel]))
    sel = mode == _MODE_ERLANG_A
    if sel.any():
        out.put(sel, _erlang_a_measures(s[sel], b[sel], omb[sel], par[:, sel], with_asa))
    return out


def _queue_stats(m: _Measures, shape: tuple[int, ...]) -> QueueStats:
    """The public result: probabilities clipped to [0, 1], arrays in the callers' shape."""
    return QueueStats(
        service_level=np.clip(m.service_level, 0.0, 1.0).reshape(shape),
        p_wait=np.clip(m.p_wait, 0.0, 1.0).reshape(shape),
        asa_seconds=m.asa_seconds.reshape(shape),
        occupancy=np.clip(m.occupancy, 0.0, 1.0).reshape(shape),
        abandon_rate=m.abandon_rate.reshape(shape),
    )


# --------------------------------------------------------------------------------------------
# queue_stats
# --------------------------------------------------------------------------------------------


def queue_stats(
    agents: npt.ArrayLike,
    contacts_per_minute: npt.ArrayLike,
    handle_minutes: npt.ArrayLike,
    target_minutes: npt.ArrayLike,
    *,
    patience_minutes: npt.ArrayLike | None = None,
    concurrency: npt.ArrayLike = 1,
    concurrency_efficiency: npt.ArrayLike = 0.7,
) -> QueueStats:
    """Service level, P(wait), ASA, occupancy and abandonment for given staffing.

    ``agents`` may be fractional; ``floor(agents + 1e-9)`` whole agents are used (the queue
    model needs whole agents, so a fractional presence is rounded down, conservatively).
    ``patience_minutes`` NaN/inf/None means no abandonment (Erlang C), a positive number the
    mean patience (Erlang A), and 0 a pure loss system (Erlang B). ``concurrency`` contacts per
    agent are modelled as slots with ``h' = h c / (1 + (c-1) concurrency_efficiency)``.
    All arguments broadcast; see the module docstring for the formulas.
    """
    arrays = np.broadcast_arrays(
        _float_array(agents, "agents"),
        _float_array(contacts_per_minute, "contacts_per_minute"),
        _float_array(handle_minutes, "handle_minutes"),
        _float_array(target_minutes, "target_minutes"),
        _patience_array(patience_minutes),
        _float_array(concurrency, "concurrency"),
        _float_array(concurrency_efficiency, "concurrency_efficiency"),
    )
    shape = arrays[0].shape
    ag, lam, handle, target, patience, conc, eff = (np.array(arr, dtype=np.float64).ravel() for arr in arrays)
    _check(bool(np.all(np.isfinite(ag) & (ag >= 0))), "agents must be finite and >= 0")
    _validate_common(lam, handle, target, conc, eff, patience)

    slots = np.floor(ag + AGENT_ROUNDING_EPS) * conc
    _check(bool(np.all(slots <= _MAX_SLOTS)), f"at most {_MAX_SLOTS} slots per queue")
    h_slot = _slot_handle(handle, conc, eff)
    load = lam * h_slot
    mode = _queue_mode(patience)
    b, omb = _erlang_b_pair(slots.astype(np.int64), load)

    out = _Measures.idle(lam.size)
    busy = load > 0
    nobody = busy & (slots == 0)  # demand but nobody to answer it: nothing is answered
    out.put(nobody, _Measures.unstable(int(nobody.sum())))
    out.abandon_rate[nobody & (mode != _MODE_ERLANG_C)] = 1.0
    staffed = busy & (slots > 0)
    if staffed.any():
        par = np.stack([load, lam, h_slot, target, patience])[:, staffed]
        out.put(staffed, _measures(slots[staffed], b[staffed], omb[staffed], par, mode[staffed], with_asa=True))
    return _queue_stats(out, shape)


# --------------------------------------------------------------------------------------------
# required_agents (vectorised)
# --------------------------------------------------------------------------------------------


def _lower_bound_slots(load: FloatArray, goal: FloatArray, max_occ: FloatArray, mode: IntArray) -> FloatArray:
    """A slot count below which the criteria certainly fail."""
    occ_cap = np.minimum(max_occ + CRITERIA_TOLERANCE, 1.0)
    # Erlang C: stability (s > a) and occupancy a / s <= max_occupancy.
    slots_c = np.maximum(np.floor(load) + 1.0, load / occ_cap)
    # Erlang A / loss: a · P(answered) <= s · min(1, max_occupancy) and P(answered) >= SL.
    slots_a = load * np.maximum(goal - CRITERIA_TOLERANCE, 0.0) / occ_cap
    out: FloatArray = np.where(mode == _MODE_ERLANG_C, slots_c, slots_a)
    return out


@dataclass(frozen=True)
class _Evaluation:
    """A batch of elements at one candidate slot count each (1-d arrays)."""

    ok: BoolArray  # meets the service level and the occupancy cap
    need: FloatArray  # a slot count every solution must reach
    measures: _Measures  # ASA NaN under Erlang A (its quadrature is done for the answers only)


def _evaluate(k: int | FloatArray, b: FloatArray, omb: FloatArray, par: FloatArray, mode: IntArray) -> _Evaluation:
    """Whether ``k`` slots meet the criteria, the measures there, and a slot count every
    solution must reach.

    ``par`` holds one column per element (rows ``_ROW_*``). The slot bound is
    ``a · P(answered at k) / max_occupancy``: ``P(answered)`` does not fall as slots are
    added, so any feasible ``s >= k`` has
    ``s >= a P(answered at s) / max_occupancy >= a P(answered at k) / max_occupancy``.
    The measures are those of :func:`queue_stats` (the same :func:`_measures`).
    """
    s = np.broadcast_to(np.asarray(k, dtype=np.float64), (par.shape[1],))
    m = _measures(s, b, omb, par, mode, with_asa=False)
    goal, max_occ = par[_ROW_GOAL], par[_ROW_MAXOCC]
    ok: BoolArray = (m.service_level >= goal - CRITERIA_TOLERANCE) & (m.occupancy <= max_occ + CRITERIA_TOLERANCE)
    need: FloatArray = par[_ROW_LOAD] * m.p_answered / (max_occ + CRITERIA_TOLERANCE)
    return _Evaluation(ok, need, m)


class _Answers:
    """The staffing found per element and, when asked for, the measures at it."""

    def __init__(self, n: int, with_stats: bool) -> None:
        self.agents = np.zeros(n, dtype=np.int64)
        self.measures = _Measures(*(np.zeros(n) for _ in fields(_Measures))) if with_stats else None

    def accept(self, where: IntArray, agents: IntArray, ev: _Evaluation, mask: BoolArray) -> None:
        """Record ``agents`` for the elements ``where``, whose evaluation is ``ev[mask]``."""
        self.agents[where] = agents
        if self.measures is not None:
            self.measures.put(where, ev.measures.take(mask))


#: Below this Poisson CDF the closed-form Erlang B is not trusted (the recursion is used).
_MIN_CDF = 1e-250


def _erlang_b_closed(k: FloatArray, load: FloatArray) -> tuple[FloatArray, FloatArray, BoolArray]:
    """Erlang B and 1 - B at ``k`` slots directly: B = pmf(k) / cdf(k) of a Poisson(load),
    1 - B = cdf(k - 1) / cdf(k) (regularised incomplete gamma functions, so 1 - B keeps its
    precision when B is near 1). The third array says where the value can be trusted."""
    with np.errstate(divide="ignore", under="ignore", invalid="ignore", over="ignore"):
        cdf = special.gammaincc(k + 1.0, load)
        cdf_prev = np.where(k >= 1.0, special.gammaincc(np.maximum(k, 1.0), load), 0.0)
        log_pmf = special.xlogy(k, load) - load - special.gammaln(k + 1.0)
        b = np.exp(log_pmf - np.log(cdf))
        omb = cdf_prev / cdf
    valid: BoolArray = (cdf > _MIN_CDF) & np.isfinite(b) & np.isfinite(omb)
    return np.clip(b, 0.0, 1.0), np.clip(omb, 0.0, 1.0), valid


def _search_direct(
    first: FloatArray, par: FloatArray, mode: IntArray, conc: FloatArray, where: IntArray, out: _Answers
) -> BoolArray:
    """Staffing search that starts each element at its own lower bound and jumps from one
    candidate slot count to the next, Erlang B in closed form at each. Records the answers
    in ``out`` (at positions ``where``) and returns a mask of the elements it could not
    handle (closed form untrusted)."""
    n = first.size
    failed = np.zeros(n, dtype=bool)
    idx = np.arange(n)
    k = first.copy()
    steps = 0
    while idx.size:
        steps += 1
        if steps > _MAX_SLOTS:
            raise RuntimeError("staffing search did not converge")
        b, omb, valid = _erlang_b_closed(k, par[_ROW_LOAD])
        if not valid.all():
            failed[idx[~valid]] = True
        ev = _evaluate(k, b, omb, par, mode)
        ok = ev.ok & valid
        out.accept(where[idx[ok]], (k[ok] // conc[ok]).astype(np.int64), ev, ok)
        keep = ~ok & valid
        nxt = np.maximum(k + conc, _first_candidate(ev.need, conc))
        idx, par, mode, conc, k = idx[keep], par[:, keep], mode[keep], conc[keep], nxt[keep]
    return failed


def _first_candidate(slots: FloatArray, conc: FloatArray) -> FloatArray:
    """Slot count of the first whole-agent staffing at or above a lower bound on slots."""
    agents = np.maximum(np.ceil(np.ceil(slots * (1.0 - 1e-12) - 1e-9) / conc - 1e-9), 1.0)
    out: FloatArray = agents * conc
    return out


@dataclass(frozen=True)
class Staffing:
    """The fewest agents meeting the targets, and the performance they give."""

    agents: IntArray
    stats: QueueStats


def required_agents(
    contacts_per_minute: npt.ArrayLike,
    handle_minutes: npt.ArrayLike,
    target_minutes: npt.ArrayLike,
    service_level: npt.ArrayLike,
    max_occupancy: npt.ArrayLike,
    *,
    patience_minutes: npt.ArrayLike | None = None,
    concurrency: npt.ArrayLike = 1,
    concurrency_efficiency: npt.ArrayLike = 0.7,
) -> IntArray:
    """Fewest whole agents meeting the service level and the occupancy cap (int64 array).

    The answer is the smallest ``N >= 1`` with ``SL >= service_level - 1e-12`` and
    ``occupancy <= max_occupancy + 1e-12`` (SL and occupancy as in :func:`queue_stats`; under
    Erlang C the queue must also be stable), or 0 where ``contacts_per_minute`` is 0. Demand
    may be fractional. All arguments broadcast.

    Each element starts at its lower bound (see the module docstring) and moves from one
    candidate slot count (a multiple of its concurrency) to the next, with Erlang B in
    closed form there; all unsolved elements move together. Where the closed form cannot be
    trusted (a Poisson CDF below 1e-250, i.e. far below the load), the Erlang B recursion is
    run over ``k = 1, 2, ...`` instead, criteria evaluated only at candidate counts.
    """
    return staffing(
        contacts_per_minute,
        handle_minutes,
        target_minutes,
        service_level,
        max_occupancy,
        patience_minutes=patience_minutes,
        concurrency=concurrency,
        concurrency_efficiency=concurrency_efficiency,
        with_stats=False,
    ).agents


def staffing(
    contacts_per_minute: npt.ArrayLike,
    handle_minutes: npt.ArrayLike,
    target_minutes: npt.ArrayLike,
    service_level: npt.ArrayLike,
    max_occupancy: npt.ArrayLike,
    *,
    patience_minutes: npt.ArrayLike | None = None,
    concurrency: npt.ArrayLike = 1,
    concurrency_efficiency: npt.ArrayLike = 0.7,
    with_stats: bool = True,
) -> Staffing:
    """:func:`required_agents` and, at that staffing, what :func:`queue_stats` would report.

    The measures are those the search computed when it accepted each element's staffing (the
    same formulas as :func:`queue_stats`), so nothing is evaluated twice; only the Erlang A
    mean wait (a quadrature) is computed afterwards, for the answers alone. With
    ``with_stats=False`` the measures are not kept (all NaN).
    """
    arrays = np.broadcast_arrays(
        _float_array(contacts_per_minute, "contacts_per_minute"),
        _float_array(handle_minutes, "handle_minutes"),
        _float_array(target_minutes, "target_minutes"),
        _float_array(service_level, "service_level"),
        _float_array(max_occupancy, "max_occupancy"),
        _patience_array(patience_minutes),
        _float_array(concurrency, "concurrency"),
        _float_array(concurrency_efficiency, "concurrency_efficiency"),
    )
    shape = arrays[0].shape
    lam, handle, target, goal, max_occ, patience, conc, eff = (
        np.array(arr, dtype=np.float64).ravel() for arr in arrays
    )
    _validate_common(lam, handle, target, conc, eff, patience)
    _check(bool(np.all((goal >= 0) & (goal <= 1))), "service_level must be between 0 and 1")
    _check(bool(np.all(max_occ > 0)), "max_occupancy must be > 0")

    out = _Answers(lam.size, with_stats)
    h_slot = _slot_handle(handle, conc, eff)
    load = lam * h_slot
    mode = _queue_mode(patience)
    first = _first_candidate(_lower_bound_slots(load, goal, max_occ, mode), conc)

    # Direct search from each element's lower bound (closed-form Erlang B); the Erlang B
    # recursion handles whatever the closed form cannot be trusted for.
    idx = np.flatnonzero(lam > 0)
    par = np.stack([load, lam, h_slot, target, patience, goal, max_occ])
    if idx.size:
        failed = _search_direct(first[idx], par[:, idx], mode[idx], conc[idx], idx, out)
        idx = idx[failed]
    if idx.size:
        _search_recursion(first[idx], par[:, idx], mode[idx], conc[idx].astype(np.int64), idx, out)
    agents = out.agents.reshape(shape)
    if out.measures is None:
        nan = np.full(shape, np.nan)
        return Staffing(agents, QueueStats(nan, nan, nan, nan, nan))
    return Staffing(agents, _answer_stats(out.agents, out.measures, lam, h_slot, patience, conc, mode, shape))


def _search_recursion(
    first: FloatArray, par: FloatArray, mode: IntArray, conc: IntArray, where: IntArray, out: _Answers
) -> None:
    """Staffing search by the Erlang B recursion over ``k = 1, 2, ...`` slots for all elements
    at once, evaluating each only at its candidate counts (multiples of its concurrency, at or
    above its bound) and dropping it once solved. Records the answers in ``out`` at ``where``."""
    idx = where
    w_first = first.copy()  # next slot count worth evaluating
    w_b = np.ones(idx.size)  # B(k, a)
    k = 0
    with np.errstate(under="ignore"):
        while idx.size:
            k += 1
            if k > _MAX_SLOTS:
                raise RuntimeError("staffing search did not converge")
            tmp = par[_ROW_LOAD] * w_b
            w_b = tmp / (k + tmp)
            if k < w_first.min():
                continue
            cand = np.flatnonzero((w_first <= k) & (k % conc == 0))
            if cand.size == 0:
                continue
            omb = k / (k + tmp[cand])
            ev = _evaluate(k, w_b[cand], omb, par[:, cand], mode[cand])
            bound = _first_candidate(ev.need, conc[cand].astype(np.float64))
            w_first[cand] = np.maximum(w_first[cand], bound)
            done = cand[ev.ok]
            if done.size == 0:
                continue
            out.accept(idx[done], k // conc[done], ev, ev.ok)
            keep = np.ones(idx.size, dtype=bool)
            keep[done] = False
            idx, par, mode, conc = idx[keep], par[:, keep], mode[keep], conc[keep]
            w_first, w_b = w_first[keep], w_b[keep]


def _answer_stats(
    agents: IntArray,
    m: _Measures,
    lam: FloatArray,
    h_slot: FloatArray,
    patience: FloatArray,
    conc: FloatArray,
    mode: IntArray,
    shape: tuple[int, ...],
) -> QueueStats:
    """QueueStats at the staffing found (no demand: SL 1, the rest 0, as queue_stats)."""
    busy = lam > 0
    out = _Measures.idle(lam.size)
    out.put(busy, m.take(busy))
    sel = busy & (mode == _MODE_ERLANG_A)
    if sel.any():
        pat = patience[sel]
        alpha = (agents[sel] * conc[sel]) * pat / h_slot[sel]
        x = np.maximum(lam[sel] * pat, _TINY)
        out.asa_seconds[sel] = _erlang_a_asa(alpha, x, pat, m.p_wait[sel], m.p_answered[sel], m.log_j[sel])
    return _queue_stats(out, shape)
