"""Pure-Python, one-interval reference of ``planner.queueing.erlang.required_agents`` (``math`` only).

The tests check the vectorised staffing search against it, and ``benchmarks/requirements_bench.py``
times it as a baseline. It runs the same search as the library one element at a time: the Erlang B
recursion, the closed-form Erlang C and, for Erlang A, the incomplete-gamma ratios from a plain
series loop (``x < α + 1``) or Lentz's continued fraction (formulas in the ``planner.queueing.erlang``
module docstring).
"""

from __future__ import annotations

import math
import sys

CRITERIA_TOLERANCE = 1e-12  # slack on the service-level and occupancy checks, as in the library
_SERIES_RTOL = 1e-17
_MAX_SERIES_TERMS = 10_000_000
_MAX_SLOTS = 10_000_000
_STIRLING_CUTOFF = 10.0
_HALF_LOG_2PI = 0.5 * math.log(2.0 * math.pi)
# Stirling-series coefficients B_2k / (2k (2k-1)) of n^-(2k-1), k = 1..7.
_STIRLING_COEFFS = (1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156)
_TINY = sys.float_info.min  # floor for λ/θ when the product underflows

_MODE_ERLANG_C = 0
_MODE_ERLANG_A = 1
_MODE_LOSS = 2


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise ValueError(message)


def _gamma_series(a: float, y: float) -> float:
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


def _gamma_q(a: float, y: float) -> float:
    """Regularised upper incomplete gamma ``Q(a, y)`` for ``y >= a`` (Lentz continued fraction)."""
    tiny = 1e-300
    bb = y + 1.0 - a
    cc = 1.0 / tiny
    dd = 1.0 / bb
    frac = dd
    i = 0
    while i < _MAX_SERIES_TERMS:
        i += 1
        an = -i * (i - a)
        bb += 2.0
        dd = an * dd + bb
        if abs(dd) < tiny:
            dd = tiny
        cc = bb + an / cc
        if abs(cc) < tiny:
            cc = tiny
        dd = 1.0 / dd
        delta = dd * cc
        frac *= delta
        if abs(delta - 1.0) < 1e-16:
            break
    return math.exp(a * math.log(y) - y - math.lgamma(a)) * frac


def _log_gamma_density(alpha: float, x: float) -> float:
    """``ln(x^α e^-x / Γ(α+1))`` (Loader's form for ``α >= 10``)."""
    if alpha < _STIRLING_CUTOFF:
        return (alpha * math.log(x) if alpha > 0 else 0.0) - x - math.lgamma(alpha + 1.0)
    v = (x - alpha) / alpha
    if v > -0.5:
        deviance = alpha * (v - math.log1p(v))
    else:
        deviance = x - alpha + alpha * (math.log(alpha) - math.log(x))
    r = 1.0 / alpha
    acc = 0.0
    for coef in reversed(_STIRLING_COEFFS):
        acc = acc * r * r + coef
    stirling = r * acc
    return -deviance - 0.5 * math.log(alpha) - _HALF_LOG_2PI - stirling


def _erlang_a(b: float, omb: float, alpha: float, x: float, log_u0: float) -> tuple[float, float]:
    """(service level, P(answered)) of Erlang A, pure Python (as ``erlang._erlang_a_parts``)."""
    beta = alpha + 1.0
    y0 = x * math.exp(log_u0)
    if x < beta:
        s1 = _gamma_series(beta, x)
        s0 = math.exp(beta * log_u0 - x * math.expm1(log_u0)) * _gamma_series(beta, y0)
        f1 = (x / beta) * s1
        inv_j = 1.0 / (1.0 + f1)
        g_full = (alpha / beta) * s1 / (1.0 + f1)
        g_t = (alpha / beta) * (s1 - s0) / (1.0 + f1)
    else:
        d = math.exp(_log_gamma_density(alpha, x))
        q1 = _gamma_q(beta, x)
        p1 = 1.0 - q1
        if y0 >= beta:
            dp = _gamma_q(beta, y0) - q1
        elif y0 > 0.0:
            p0 = math.exp(beta * math.log(y0) - y0 - math.lgamma(beta + 1.0))
            dp = p1 - p0 * _gamma_series(beta, y0)
        else:
            dp = p1
        p_alpha = p1 + d
        inv_j = d / p_alpha
        g_full = alpha * (p1 / p_alpha) / x
        g_t = alpha * (dp / p_alpha) / x
    g_full = min(max(g_full, 0.0), 1.0)
    g_t = min(max(g_t, 0.0), g_full)
    den = b + omb * inv_j
    p_wait = b / den
    p_no_wait = omb * inv_j / den
    return p_no_wait + p_wait * g_t, p_no_wait + p_wait * g_full


def required_agents_scalar(
    contacts_per_minute: float,
    handle_minutes: float,
    target_minutes: float,
    service_level: float,
    max_occupancy: float,
    patience_minutes: float | None = None,
    concurrency: int = 1,
    concurrency_efficiency: float = 0.7,
) -> int:
    """Pure-Python, one-interval version of ``planner.queueing.erlang.required_agents`` (same answers).

    Uses only the ``math`` module: the Erlang B recursion, the closed-form Erlang C and, for
    Erlang A, the incomplete-gamma ratios from a plain series loop (``x < α + 1``) or Lentz's
    continued fraction. Kept deliberately straightforward as a reference and benchmark baseline.
    """
    lam = float(contacts_per_minute)
    handle = float(handle_minutes)
    target = float(target_minutes)
    goal = float(service_level)
    max_occ = float(max_occupancy)
    conc = int(concurrency)
    eff = float(concurrency_efficiency)
    patience = math.nan if patience_minutes is None else float(patience_minutes)
    _check(math.isfinite(lam) and lam >= 0, "contacts_per_minute must be finite and >= 0")
    _check(math.isfinite(handle) and handle > 0, "handle_minutes must be finite and > 0")
    _check(not math.isnan(target) and target >= 0, "target_minutes must be >= 0")
    _check(conc >= 1 and conc == concurrency, "concurrency must be a whole number >= 1")
    _check(0 <= eff <= 1, "concurrency_efficiency must be between 0 and 1")
    _check(math.isnan(patience) or patience >= 0, "patience_minutes must be >= 0 or NaN/inf")
    _check(0 <= goal <= 1, "service_level must be between 0 and 1")
    _check(max_occ > 0, "max_occupancy must be > 0")
    if lam == 0:
        return 0

    h_slot = handle * conc / (1.0 + (conc - 1.0) * eff)
    load = lam * h_slot
    if math.isfinite(patience):
        mode = _MODE_ERLANG_A if patience > 0 else _MODE_LOSS
    else:
        mode = _MODE_ERLANG_C
    occ_cap = min(max_occ + CRITERIA_TOLERANCE, 1.0)
    if mode == _MODE_ERLANG_C:
        lb_slots = max(math.floor(load) + 1.0, load / occ_cap)
    else:
        lb_slots = load * max(goal - CRITERIA_TOLERANCE, 0.0) / occ_cap
    first = _first_candidate(lb_slots, conc)

    b = 1.0
    k = 0
    while True:
        k += 1
        if k > _MAX_SLOTS:
            raise RuntimeError("staffing search did not converge")
        tmp = load * b
        b = tmp / (k + tmp)
        if k < first or k % conc:
            continue
        omb = k / (k + tmp)
        s = float(k)
        p_answered = 1.0
        if mode == _MODE_ERLANG_C:
            if s <= load:
                continue
            c_wait = b / (b + omb * ((s - load) / s))
            sl = 1.0 - c_wait * math.exp(-(s - load) * target / h_slot)
            occ = load / s
        elif mode == _MODE_LOSS:
            sl = p_answered = omb
            occ = load * omb / s
        else:
            alpha = s * patience / h_slot
            x = max(lam * patience, _TINY)
            sl, p_answered = _erlang_a(b, omb, alpha, x, -target / patience)
            occ = load * p_answered / s
        if sl >= goal - CRITERIA_TOLERANCE and occ <= max_occ + CRITERIA_TOLERANCE:
            return k // conc
        # P(answered) does not fall with more slots, so skip staffings that cannot meet the
        # occupancy cap (see erlang._evaluate).
        need = load * p_answered / (max_occ + CRITERIA_TOLERANCE)
        first = max(first, _first_candidate(need, conc))


def _first_candidate(slots: float, conc: int) -> int:
    agents = max(math.ceil(math.ceil(slots * (1.0 - 1e-12) - 1e-9) / conc - 1e-9), 1)
    return agents * conc
