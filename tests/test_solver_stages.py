"""The solve's stages: the persistent HiGHS model's matrix, the LP dive, and stage limits that do not
depend on the clock (so that the same input gives the same roster on any machine load)."""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pulp
import pytest
from test_model import DAY, Q_EN, concat, one_person_week, shifts_every_interval

from planner.domain import SolverChoice
from planner.roster import solve as solve_module
from planner.roster.cover import ShortSpot, first_additions, swap_pairs
from planner.roster.highs_model import matrix_of
from planner.roster.rules import LiveGroup, PoolSpec, RosterProblem, build_model
from planner.roster.solve import SolveOptions, _HighsBackend, _Solve, solve_model


def test_matrix_of_reads_columns_rows_and_bounds():
    # min 3x + 2y  s.t.  x + 2y >= 3,  x - y <= 1,  x integer in [0, 4], y >= 0
    lp = pulp.LpProblem("m", pulp.LpMinimize)
    x = lp.add_variable("x", 0, 4, pulp.LpInteger)
    y = lp.add_variable("y", 0)
    lp.setObjective(3 * x + 2 * y)
    lp.addConstraint(x + 2 * y >= 3, "c1")
    lp.addConstraint(x - y <= 1, "c2")
    m = matrix_of(lp)
    assert m.names == ("x", "y")
    assert list(m.cost) == [3.0, 2.0]
    assert list(m.lower) == [0.0, 0.0] and list(m.upper) == [4.0, np.inf]
    assert list(m.integer) == [True, False]
    assert m.row_names == ("c1", "c2")
    assert list(m.row_lower) == [3.0, -np.inf] and list(m.row_upper) == [np.inf, 1.0]
    assert list(m.starts) == [0, 2, 4]
    assert list(zip(m.index, m.value, strict=True)) == [(0, 1.0), (1, 2.0), (0, 1.0), (1, -1.0)]
    assert (m.size.rows, m.size.columns, m.size.nonzeros) == (2, 2, 4)
    assert m.feasible(np.array([1.0, 1.0]))  # 1 + 2 = 3 >= 3, 1 - 1 = 0 <= 1
    assert not m.feasible(np.array([3.0, 0.0]))  # 3 - 0 > 1
    assert not m.feasible(np.array([0.5, 1.5]))  # x not whole
    assert not m.feasible(np.array([5.0, 4.0]))  # x above its bound


def _cyclic_day(scale: float = 1.0 / 3.0) -> RosterProblem:
    return RosterProblem(
        n_intervals=24,
        interval_hours=1.0,
        pools=(PoolSpec("p", "s", "en"),),
        live=(LiveGroup("g", (Q_EN,), ("en",), np.array(DAY, float) * scale),),
        penalty=1000.0,
        **shifts_every_interval(24, 8),
    )


def _dive(problem: RosterProblem) -> tuple[float, np.ndarray | None, _HighsBackend]:
    model = build_model(problem)
    run = _Solve(model, SolveOptions(solver=SolverChoice.HIGHS), None)
    backend = _HighsBackend(run)
    lp_bound, x_lp = backend.lp()
    return lp_bound, backend.dive(x_lp), backend


def test_dive_gives_a_whole_roster_that_covers_the_day():
    # the cyclic day scaled by 1/3 needs fractional staff: the LP is fractional, the dive's roster whole
    # (each start a whole number), covering every hour, and it costs no less than the LP bound
    problem = _cyclic_day()
    lp_bound, values, backend = _dive(problem)
    assert values is not None
    shifts = values[backend.shift_columns]
    assert np.allclose(shifts, np.round(shifts))
    need = np.array(DAY, float) / 3.0
    on_duty = [sum(shifts[(t - k) % 24] for k in range(8)) for t in range(24)]
    assert all(on_duty[t] >= need[t] - 1e-6 for t in range(24))
    assert float(np.sum(values[backend.short_columns])) == pytest.approx(0.0)
    assert float(backend.cost @ values) >= lp_bound - 1e-6
    assert float(backend.cost @ values) == pytest.approx(shifts.sum())


def test_dive_keeps_a_headcount_cap():
    # one person, 5 shifts a week, need 1.5 every day: the LP would round up beyond the cap; the dive's
    # roster keeps one shift a day and five a week
    lp_bound, values, backend = _dive(one_person_week(1.5))
    assert values is not None
    shifts = np.round(values[backend.shift_columns])
    assert shifts.sum() == 5 and shifts.max() == 1


def test_same_roster_whatever_the_clock_says(monkeypatch):
    # stage limits are counts of the solver's work: a clock that runs 1000 times faster (as on a
    # heavily loaded machine), still far from the overall limit, changes nothing
    problem = _cyclic_day(0.37)

    def roster() -> tuple[list[int], str]:
        model = build_model(problem)
        info = solve_model(model, SolveOptions(solver=SolverChoice.HIGHS, time_limit=1e6, gap=0.0))
        return [round(v.varValue) for v in model.shifts], info.status

    calm = roster()
    ticks = itertools.count()
    monkeypatch.setattr(solve_module.time, "perf_counter", lambda: 1000.0 * next(ticks))
    busy = roster()
    assert busy == calm
    assert calm[1] == "optimal"


def _two_pools_two_blocks() -> RosterProblem:
    # one agent needed in hours 0-7 and in hours 12-19; pool a (8 a shift) can start 8-hour shifts at any
    # hour, pool b (6 a shift) only at 12:00; both serve the queue
    need = np.zeros(24)
    need[0:8] = need[12:20] = 1.0
    pool_b = shifts_every_interval(24, 8, pool=1, cost=6.0)
    only_noon = {key: value[12:13] for key, value in pool_b.items() if key != "option_names"}
    only_noon["option_names"] = ("p1_s12",)
    return RosterProblem(
        n_intervals=24,
        interval_hours=1.0,
        pools=(PoolSpec("a", "s", "en"), PoolSpec("b", "s", "en")),
        live=(LiveGroup("g", (Q_EN,), ("en",), need),),
        penalty=1000.0,
        **concat(shifts_every_interval(24, 8, pool=0, cost=8.0), only_noon),
    )


def _starts(pool: int, cost: float, starts: list[int]) -> dict:
    """Pool ``pool``'s 8-hour options starting at ``starts`` (hours of a 24-hour day), each costing ``cost``."""
    every = shifts_every_interval(24, 8, pool=pool, cost=cost)
    return {
        key: (value[starts] if key != "option_names" else tuple(value[i] for i in starts))
        for key, value in every.items()
    }


def _two_blocks(pools: tuple[PoolSpec, ...], *options: dict) -> RosterProblem:
    """One agent needed in hours 0-7 and 12-19 of a day."""
    need = np.zeros(24)
    need[0:8] = need[12:20] = 1.0
    return RosterProblem(
        n_intervals=24,
        interval_hours=1.0,
        pools=pools,
        live=(LiveGroup("g", (Q_EN,), ("en",), need),),
        penalty=1000.0,
        **concat(*options),
    )


def _cover_from(problem: RosterProblem, shifts: list[float]) -> tuple[_HighsBackend, float, float, np.ndarray | None]:
    """The cover stage from the roster with these shift counts: (backend, its objective before, after, values)."""
    model = build_model(problem)
    run = _Solve(model, SolveOptions(solver=SolverChoice.HIGHS), None)
    backend = _HighsBackend(run)
    start = backend.fix_shifts(np.array(shifts, dtype=float))
    assert start is not None
    before = float(backend.cost @ start)
    best, values = solve_module._cover_stage(run, backend, before, start)
    return backend, before, best, values


def test_constructive_cover_closes_a_hand_built_rosters_shortfall():
    # the empty roster leaves all 16 hours one agent short (16 x 1000 penalty). The cover adds, for the
    # largest short hour first, the cheapest option on duty then, among equal prices the one on duty in
    # most short hours: pool a's 00:00 start (8, covers 0-7) and pool b's 12:00 start (6, covers 12-19);
    # cost 14, nothing short, which is also the optimum (two disjoint blocks need two shifts, and b's
    # only option is the cheapest shift there is)
    model = build_model(_two_pools_two_blocks())
    run = _Solve(model, SolveOptions(solver=SolverChoice.HIGHS), None)
    backend = _HighsBackend(run)
    empty = backend.fix_shifts(np.zeros(len(backend.shift_columns)))
    assert empty is not None and float(backend.cost @ empty) == pytest.approx(16 * 1000.0)
    best, values = solve_module._cover_stage(run, backend, float(backend.cost @ empty), empty)
    assert values is not None and best == pytest.approx(14.0)
    shifts = dict(zip((v.name for v in model.shifts), np.round(values[backend.shift_columns]), strict=True))
    assert {name: n for name, n in shifts.items() if n} == {"shifts__p0_s00": 1.0, "shifts__p1_s12": 1.0}
    assert float(np.sum(values[backend.short_columns])) == pytest.approx(0.0)


def test_constructive_cover_drops_a_shift_it_no_longer_needs():
    # hours 0-7 and 12-19 short, but pool a may only start at 00:00 and 05:00 and pool b (dearer, 9)
    # at 12:00. Shortfall largest first, ties by hour: hour 0 takes a's 00:00; hour 12's cheapest
    # per share on duty is a's 05:00 (8; on duty 5-12) - then hour 13 still short takes b's 12:00.
    # b's 12:00 covers 12 too, so a's 05:00 is dropped again: cost 8 + 9 = 17, nothing short
    problem = _two_blocks(
        (PoolSpec("a", "s", "en"), PoolSpec("b", "s", "en")), _starts(0, 8.0, [0, 5]), _starts(1, 9.0, [12])
    )
    model = build_model(problem)
    backend, before, best, values = _cover_from(problem, [0.0, 0.0, 0.0])
    assert values is not None and best == pytest.approx(17.0)
    shifts = dict(zip((v.name for v in model.shifts), np.round(values[backend.shift_columns]), strict=True))
    assert {name: n for name, n in shifts.items() if n} == {"shifts__p0_s00": 1.0, "shifts__p1_s12": 1.0}


def test_cover_adds_a_shift_only_where_the_penalty_it_saves_exceeds_its_cost():
    # penalty 1000 per unit short; option 0 costs 8, option 1 costs 6; spots largest first.
    # A (0.005 short, options 1 then 0): option 1 could save at most 1000 x (0.005 + 0.004) = 9 > 6: added.
    # B (0.004, option 1) is served by it already. C (0.002, option 0): option 0 could save 1000 x
    # (0.005 + 0.002) = 7 < 8: left short. Without option 1, option 0 is the only one and never pays.
    spots = [
        ShortSpot(short=0, amount=0.005, options=(1, 0)),
        ShortSpot(short=1, amount=0.004, options=(1,)),
        ShortSpot(short=2, amount=0.002, options=(0,)),
    ]
    assert first_additions(spots, np.array([8.0, 6.0]), 1000.0) == [1]
    assert first_additions(spots, np.array([8.0, 6.0]), 1000.0, skip={1}) == []


def test_default_time_limit_is_the_settings_safety_net():
    # one home for the default: the solve options and the settings sheet's blank both give 600 s
    from planner.domain import DEFAULT_TIME_LIMIT_SECONDS
    from planner.inputs.settings import SETTING_SPECS

    spec = next(s for s in SETTING_SPECS if s.name == "time_limit_seconds")
    assert SolveOptions().time_limit == DEFAULT_TIME_LIMIT_SECONDS == spec.default == 600.0


def test_full_mip_runs_with_its_node_limit(monkeypatch):
    # stage 3 is a count of nodes, never a share of the clock: the MIP call gets FULL_MIP_NODES
    model = build_model(_two_pools_two_blocks())
    run = _Solve(model, SolveOptions(solver=SolverChoice.HIGHS, gap=0.0), None)
    backend = _HighsBackend(run)
    lp_bound, _ = backend.lp()
    seen: list[int | None] = []
    real_mip = backend.mip

    def mip(bounds, start, limits):  # type: ignore[no-untyped-def]
        seen.append(limits.max_nodes)
        return real_mip(bounds, start, limits)

    monkeypatch.setattr(backend, "mip", mip)
    best, bound, values = solve_module._full_mip_stage(run, backend, float("inf"), None, lp_bound)
    assert seen[0] == solve_module.FULL_MIP_NODES
    # the optimum, hand-solved in test_constructive_cover_closes_a_hand_built_rosters_shortfall: 8 + 6
    assert values is not None and best == pytest.approx(14.0)


def test_a_solve_ended_by_work_before_the_gap_says_work_limit(monkeypatch):
    # a roster of pool a's 00:00 and 12:00 shifts (8 + 8 = 16) covers both blocks; the optimum is 14, so
    # it is 12.5 % above the bound. When the stages (here: stage 3 finding nothing better within its
    # nodes) end there and the clock never ran out, the status is "work limit", not "gap reached"
    model = build_model(_two_pools_two_blocks())

    def first_stages(run, backend):  # type: ignore[no-untyped-def]
        shifts = np.zeros(len(backend.shift_columns))
        shifts[[0, 12]] = 1.0
        values = backend.fix_shifts(shifts)
        return backend.lp()[0], float(backend.cost @ values), values

    monkeypatch.setattr(solve_module, "_first_stages", first_stages)
    monkeypatch.setattr(solve_module, "_full_mip_stage", lambda run, backend, best, values, lp: (best, lp, values))
    info = solve_model(model, SolveOptions(solver=SolverChoice.HIGHS, gap=0.005))
    assert info.objective == pytest.approx(16.0) and info.lp_bound == pytest.approx(14.0)
    assert info.status == "work limit"


def test_the_restricted_mip_leaves_a_share_of_the_time_limit_for_the_repair(monkeypatch: pytest.MonkeyPatch) -> None:
    # With a 1000 s limit the restricted MIP's own HiGHS time limit is what is left of it less
    # REPAIR_RESERVE (0.2) x 1000 = 200 s: at most 800 s, and more than 790 s this early in the solve.
    model = build_model(_cyclic_day())
    run = _Solve(model, SolveOptions(solver=SolverChoice.HIGHS, time_limit=1000.0), None)
    backend = _HighsBackend(run)
    lp_bound, x_lp = backend.lp()
    seen: list[float] = []
    real_mip = backend.mip

    def spy(*args: object, **kwargs: object) -> object:
        result = real_mip(*args, **kwargs)  # type: ignore[arg-type]
        seen.append(float(backend.model.h.getOptionValue("time_limit")[1]))
        return result

    monkeypatch.setattr(backend, "mip", spy)
    solve_module._restricted_mip_stage(run, backend, x_lp, None, lp_bound * 1.01)
    assert len(seen) == 1
    assert 790.0 < seen[0] <= 800.0
    assert run.remaining() > 990.0  # other stages see the whole limit


def _one_person_two_starts() -> RosterProblem:
    # one day; pool a has one person (available=1: one shift a day) who may start at 00:00 or 12:00 (8 hours,
    # cost 8); one agent is needed in hours 12-19 only
    need = np.zeros(24)
    need[12:20] = 1.0
    a = shifts_every_interval(24, 8, pool=0, cost=8.0)
    a = {key: (value[[0, 12]] if key != "option_names" else (value[0], value[12])) for key, value in a.items()}
    return RosterProblem(
        n_intervals=24,
        interval_hours=1.0,
        pools=(PoolSpec("a", "s", "en", available=1),),
        live=(LiveGroup("g", (Q_EN,), ("en",), need),),
        penalty=1000.0,
        **a,
    )


def test_cover_moves_a_capped_pools_shift_to_its_shortfall():
    # the roster starts the one person at 00:00: hours 12-19 are short (8 x 1000 penalty, plus the shift's 8).
    # Adding the 12:00 start would need a second person (available=1), so the add move finds nothing; the
    # swap moves the person to 12:00: cost 8, nothing short (the optimum)
    model = build_model(_one_person_two_starts())
    run = _Solve(model, SolveOptions(solver=SolverChoice.HIGHS), None)
    backend = _HighsBackend(run)
    early = backend.fix_shifts(np.array([1.0, 0.0]))
    assert early is not None and float(backend.cost @ early) == pytest.approx(8.0 + 8 * 1000.0)
    assert backend.fix_shifts(np.array([1.0, 1.0])) is None  # two shifts in a day break the cap
    best, values = solve_module._cover_stage(run, backend, float(backend.cost @ early), early)
    assert values is not None and best == pytest.approx(8.0)
    assert list(np.round(values[backend.shift_columns])) == [0.0, 1.0]
    assert float(np.sum(values[backend.short_columns])) == pytest.approx(0.0)


def test_swap_pairs_take_from_the_same_day_first_then_the_least_valued_shift():
    # pool 0 is capped (available=2), pool 1 is not. Options: 0 (pool 0, day 0, the spot's cheapest),
    # 1 (pool 1), 2, 3 (pool 0, day 0 and day 1, one shift each), 4 (pool 0, day 0, no shift).
    # For option 0: option 2 (same day) first, then option 3 (other day); 4 has no shift to take;
    # option 1's pool is not capped, so it is never moved to
    pools = (PoolSpec("c", "s", "en", available=2), PoolSpec("u", "s", "en"))
    base = shifts_every_interval(24, 8, pool=0)
    problem = RosterProblem(
        n_intervals=24,
        interval_hours=1.0,
        pools=pools,
        live=(LiveGroup("g", (Q_EN,), ("en",), np.ones(24)),),
        penalty=1000.0,
        option_pool=np.array([0, 1, 0, 0, 0]),
        option_cost=np.full(5, 8.0),
        option_day=np.array([0, 0, 0, 1, 0]),
        option_names=tuple(f"o{i}" for i in range(5)),
        cover_index=base["cover_index"][:5],
        cover_fraction=base["cover_fraction"][:5],
    )
    spots = [ShortSpot(short=0, amount=1.0, options=(0, 1))]
    shifts = np.array([0.0, 1.0, 1.0, 1.0, 0.0])
    reduced = np.array([-5.0, 0.0, 1.0, 3.0, 0.0])
    assert swap_pairs(spots, problem, shifts, reduced, set()) == [(0, 2), (0, 3)]
    assert swap_pairs(spots, problem, shifts, reduced, {(0, 2)}) == [(0, 3)]
    # on the same day, the larger reduced cost (the shift the roster values less) first
    problem_same_day = dataclasses.replace(problem, option_day=np.zeros(5, dtype=int))
    assert swap_pairs(spots, problem_same_day, shifts, reduced, set()) == [(0, 3), (0, 2)]


def test_cover_swaps_and_then_covers_the_hole_the_swap_leaves():
    # pool a has one person (available=1) who may start at 00:00 or 12:00 (cost 8); pool b, dearer (9), may
    # start only at 00:00; one agent is needed in hours 0-7 and 12-19. From a at 00:00 (hours 12-19 short:
    # 8 + 8 x 1000): no add serves 12-19 (a is full, b cannot start at 12:00); the swap alone moves the short
    # block to hours 0-7 (the same objective, so not kept by itself), and one add round on top (b at 00:00)
    # covers it: 8 + 9 = 17, nothing short, the optimum
    problem = _two_blocks(
        (PoolSpec("a", "s", "en", available=1), PoolSpec("b", "s", "en")),
        _starts(0, 8.0, [0, 12]),
        _starts(1, 9.0, [0]),
    )
    backend, before, best, values = _cover_from(problem, [1.0, 0.0, 0.0])
    assert before == pytest.approx(8.0 + 8 * 1000.0)
    assert values is not None and best == pytest.approx(17.0)
    assert list(np.round(values[backend.shift_columns])) == [0.0, 1.0, 1.0]
    assert float(np.sum(values[backend.short_columns])) == pytest.approx(0.0)
