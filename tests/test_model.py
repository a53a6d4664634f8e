"""The roster integer program on tiny instances whose optimum is worked out by hand.

Each test builds a :class:`RosterProblem` directly (requirements given, no workbook), so
the answer depends only on the model's rules.
"""

from __future__ import annotations

import numpy as np
import pytest
from deferred_reference import deferred_work

from planner.roster.rules import (
    RULES,
    DeferredGroup,
    LiveGroup,
    PoolSpec,
    RosterProblem,
    build_model,
    rounded_start,
)
from planner.roster.solve import SolveOptions, solve_model

Q_EN = ("en", "chat", "standard")
Q_JA = ("ja", "chat", "standard")


def shifts_every_interval(n: int, length: int, pool: int = 0, cost: float = 1.0, first: int = 0):
    """One option per start interval, each on duty `length` whole intervals (cyclic)."""
    starts = np.arange(n)
    index = (starts[:, None] + np.arange(length)[None, :]) % n
    return dict(
        option_pool=np.full(n, pool),
        option_cost=np.full(n, float(cost)),
        option_day=np.zeros(n, dtype=int),
        option_names=tuple(f"p{pool}_s{s:02d}" for s in starts + first),
        cover_index=index,
        cover_fraction=np.ones((n, length)),
    )


def concat(*parts):
    out = {}
    for key in ("option_pool", "option_cost", "option_day", "cover_index", "cover_fraction"):
        out[key] = np.concatenate([p[key] for p in parts])
    out["option_names"] = tuple(name for p in parts for name in p["option_names"])
    return out


def solve(problem: RosterProblem, solver: str = "auto"):
    from planner.domain import SolverChoice

    model = build_model(problem)
    info = solve_model(model, SolveOptions(solver=SolverChoice(solver), gap=0.0, time_limit=60))
    shifts = np.array([round(v.varValue) for v in model.shifts])
    return model, info, shifts


# The classic cyclic day: hourly demand, 8-hour shifts starting at every hour.
DAY = [6, 6, 6, 6, 6, 8, 9, 12, 18, 22, 25, 21, 21, 20, 18, 21, 21, 24, 24, 18, 18, 18, 12, 8]


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_cyclic_day_needs_55_shifts(solver):
    problem = RosterProblem(
        n_intervals=24,
        interval_hours=1.0,
        pools=(PoolSpec("p", "s", "en"),),
        live=(LiveGroup("g", (Q_EN,), ("en",), np.array(DAY, float)),),
        penalty=1000.0,
        **shifts_every_interval(24, 8),
    )
    model, info, shifts = solve(problem, solver)
    assert shifts.sum() == 55
    assert info.objective == pytest.approx(55.0)
    # every hour is covered: on-duty agents >= demand
    presence = problem.presence()
    assert np.all(shifts @ presence >= np.array(DAY) - 1e-9)
    # a lower bound by hand: the 8-hour blocks [0-8), [8-16), [16-24) each need max demand there
    # agents covering ... the LP bound is 55 too for this instance
    assert info.lp_bound == pytest.approx(55.0)


def test_every_rule_is_named_and_described():
    from planner.roster.rules import RULE_DESCRIPTIONS, TOUR_RULES

    names = {r.__name__.removeprefix("rule_") for r in RULES + TOUR_RULES}
    assert names == set(RULE_DESCRIPTIONS)


def _two_languages(bilingual_cost: float, need_en: float, need_ja: float):
    """Three pools, each with one option covering the whole 4-interval horizon."""
    n = 4
    full = dict(cover_index=np.tile(np.arange(n), (1, 1)), cover_fraction=np.ones((1, n)))
    parts = []
    for k, cost in enumerate([10.0, 10.0, bilingual_cost]):
        parts.append(
            dict(
                option_pool=np.array([k]),
                option_cost=np.array([cost]),
                option_day=np.array([0]),
                option_names=(f"pool{k}",),
                **full,
            )
        )
    pools = (PoolSpec("mono_en", "s", "en"), PoolSpec("mono_ja", "s", "ja"), PoolSpec("bi", "s", "en+ja"))
    live = (
        LiveGroup("en", (Q_EN,), ("en", "en+ja"), np.full(n, need_en)),
        LiveGroup("ja", (Q_JA,), ("ja", "en+ja"), np.full(n, need_ja)),
    )
    return RosterProblem(n_intervals=n, interval_hours=1.0, pools=pools, live=live, penalty=1e4, **concat(*parts))


def test_bilingual_agent_replaces_two_monolinguals_when_cheaper():
    # each language needs half an agent all day: one bilingual (15) beats two monolinguals (20)
    _, info, shifts = solve(_two_languages(15.0, 0.5, 0.5))
    assert list(shifts) == [0, 0, 1]
    assert info.objective == pytest.approx(15.0)


def test_bilingual_not_used_when_dearer():
    _, info, shifts = solve(_two_languages(25.0, 0.5, 0.5))
    assert list(shifts) == [1, 1, 0]
    assert info.objective == pytest.approx(20.0)


def test_agent_hour_counts_once():
    # each language needs a whole agent: one bilingual cannot serve both at once,
    # so two bilinguals (2 x 15 = 30) lose to two monolinguals (20)
    model, info, shifts = solve(_two_languages(15.0, 1.0, 1.0))
    assert list(shifts) == [1, 1, 0]
    # and if monolinguals are missing, two bilinguals are needed, not one
    problem = _two_languages(15.0, 1.0, 1.0)
    problem = RosterProblem(**{**problem.__dict__, "option_cost": np.array([1e3, 1e3, 15.0])})
    _, info, shifts = solve(problem)
    assert list(shifts) == [0, 0, 2]


def test_pool_channel_restriction_holds():
    # the cheap pool does not work this queue's skill set: the dear one must be used
    n = 4
    parts = [
        dict(
            option_pool=np.array([k]),
            option_cost=np.array([c]),
            option_day=np.array([0]),
            option_names=(f"o{k}",),
            cover_index=np.arange(n)[None, :],
            cover_fraction=np.ones((1, n)),
        )
        for k, c in enumerate([1.0, 50.0])
    ]
    pools = (PoolSpec("cheap_chat_only", "s", "en|chat"), PoolSpec("dear_all", "s", "en"))
    live = (LiveGroup("phone", (("en", "phone", "standard"),), ("en",), np.ones(n)),)
    _, info, shifts = solve(
        RosterProblem(n_intervals=n, interval_hours=1.0, pools=pools, live=live, penalty=1e4, **concat(*parts))
    )
    assert list(shifts) == [0, 1]


def test_uncoverable_interval_is_reported_not_infeasible():
    # demand at interval 5, but the only shift covers intervals 0-3
    n = 8
    problem = RosterProblem(
        n_intervals=n,
        interval_hours=1.0,
        pools=(PoolSpec("p", "s", "en"),),
        option_pool=np.array([0]),
        option_cost=np.array([4.0]),
        option_day=np.array([0]),
        option_names=("only",),
        cover_index=np.arange(4)[None, :],
        cover_fraction=np.ones((1, 4)),
        live=(LiveGroup("g", (Q_EN,), ("en",), np.array([1, 1, 0, 0, 0, 2, 0, 0], float)),),
        penalty=100.0,
    )
    model, info, shifts = solve(problem)
    assert list(shifts) == [1]
    assert model.uncoverable == {("g", 5): 2.0}


def test_penalty_below_cost_leaves_shortfall():
    # covering one interval needs a 4-interval shift costing 40; the penalty is 10 per agent-hour
    n = 8
    problem = RosterProblem(
        n_intervals=n,
        interval_hours=1.0,
        pools=(PoolSpec("p", "s", "en"),),
        live=(LiveGroup("g", (Q_EN,), ("en",), np.array([0, 0, 1, 0, 0, 0, 0, 0], float)),),
        penalty=10.0,
        **shifts_every_interval(n, 4, cost=40.0),
    )
    model, info, shifts = solve(problem)
    assert shifts.sum() == 0
    assert info.objective == pytest.approx(10.0)
    assert model.short[("g", 2, 0)].varValue == pytest.approx(1.0)


def one_person_week(need: float, site_caps: dict[str, int] | None = None) -> RosterProblem:
    """A pool of one person (available=1, 5 shifts a week) with one 8-hour option a day at
    00:00, and a need of ``need`` agents during those 8 hours every day."""
    n = 7 * 24
    starts = np.arange(0, n, 24)
    index = (starts[:, None] + np.arange(8)[None, :]) % n
    return RosterProblem(
        n_intervals=n,
        interval_hours=1.0,
        pools=(PoolSpec("p", "s", "en", available=1),),
        option_pool=np.zeros(7, dtype=int),
        option_cost=np.full(7, 8.0),
        option_day=np.arange(7),
        option_names=tuple(f"d{d}" for d in range(7)),
        cover_index=index,
        cover_fraction=np.ones((7, 8)),
        live=(LiveGroup("g", (Q_EN,), ("en",), np.tile(np.r_[np.full(8, need), np.zeros(16)], 7)),),
        site_caps=site_caps or {},
        penalty=1000.0,
        shifts_per_week=5,
    )


def test_pool_available_caps_shifts_per_week_and_per_day():
    # one person may work 5 shifts a week, one a day; demand asks for 2 every day
    problem = one_person_week(2.0)
    model, info, shifts = solve(problem)
    assert shifts.sum() == 5
    assert shifts.max() == 1
    # the relaxed (full-coverage) problem hires: 2 per day
    relaxed = RosterProblem(**{**problem.__dict__, "relax_headcount": True})
    _, _, shifts = solve(relaxed)
    assert list(shifts) == [2] * 7


def test_site_max_agents_caps_the_pools_of_a_site():
    n = 7 * 24
    starts = np.arange(0, n, 24)
    index = (starts[:, None] + np.arange(8)[None, :]) % n
    base = dict(
        option_cost=np.full(14, 8.0),
        option_day=np.r_[np.arange(7), np.arange(7)],
        option_names=tuple(f"a{d}" for d in range(7)) + tuple(f"b{d}" for d in range(7)),
        cover_index=np.r_[index, index],
        cover_fraction=np.ones((14, 8)),
    )
    problem = RosterProblem(
        n_intervals=n,
        interval_hours=1.0,
        pools=(PoolSpec("a", "site1", "en"), PoolSpec("b", "site1", "en")),
        option_pool=np.r_[np.zeros(7, dtype=int), np.ones(7, dtype=int)],
        live=(LiveGroup("g", (Q_EN,), ("en",), np.tile(np.r_[np.full(8, 3.0), np.zeros(16)], 7)),),
        site_caps={"site1": 2},
        penalty=1000.0,
        shifts_per_week=5,
        **base,
    )
    model, info, shifts = solve(problem)
    people = sum(v.varValue for v in model.people.values())
    assert people <= 2 + 1e-9
    assert shifts.sum() == 10  # 2 people x 5 shifts
    assert shifts.reshape(2, 7).sum(axis=0).max() <= 2


def test_deferrable_email_is_worked_off_peak_within_its_window():
    # chat needs 4 agents 08-16 and half an agent 16-24; 8-hour shifts cost 8.
    # Email: 4 agent-hours arrive at 08:00, due within 24 h. The evening agent's idle half
    # does it, so the optimum is 4 day shifts + 1 evening shift = 40, with the email done 16-24.
    n = 24
    chat = np.zeros(n)
    chat[8:16] = 4
    chat[16:24] = 0.5
    work = np.zeros(n)
    work[8] = 4.0
    dw = deferred_work(work, window=24, share=1.0)
    problem = RosterProblem(
        n_intervals=n,
        interval_hours=1.0,
        pools=(PoolSpec("p", "s", "en"),),
        live=(LiveGroup("chat", (Q_EN,), ("en",), chat),),
        deferred=(DeferredGroup("email", (("en", "email", "standard"),), ("en",), dw.work, dw.classes, 24.0, 1.0),),
        penalty=1e3,
        **shifts_every_interval(n, 8, cost=8.0),
    )
    model, info, shifts = solve(problem)
    assert info.objective == pytest.approx(40.0)
    assert shifts.sum() == 5
    email = np.zeros(n)
    for (_s, g, t), v in model.alloc.items():
        if g == "email":
            email[t] += v.varValue
    assert email[16:24].sum() == pytest.approx(4.0)
    assert email[8:16].sum() == pytest.approx(0.0, abs=1e-6)
    # were the email due within one hour of arrival (arrivals spread over 08-09), it would
    # have to be done in intervals 8 and 9, where chat leaves no idle time: 2 more agents
    # for those two hours, i.e. 2 more shifts (7 in all)
    tight = deferred_work(work, window=1, share=1.0)
    problem2 = RosterProblem(
        **{
            **problem.__dict__,
            "deferred": (
                DeferredGroup("email", (("en", "email", "standard"),), ("en",), tight.work, tight.classes, 1.0, 1.0),
            ),
        }
    )
    _, info2, shifts2 = solve(problem2)
    assert shifts2.sum() == 7
    assert info2.objective == pytest.approx(56.0)


def test_deferred_backlog_carries_across_the_week_boundary():
    # work arrives in the last interval; the only shift is at the start of the horizon
    n = 12
    work = np.zeros(n)
    work[11] = 2.0
    dw = deferred_work(work, window=4, share=1.0)
    problem = RosterProblem(
        n_intervals=n,
        interval_hours=1.0,
        pools=(PoolSpec("p", "s", "en"),),
        option_pool=np.array([0]),
        option_cost=np.array([5.0]),
        option_day=np.array([0]),
        option_names=("start",),
        cover_index=np.arange(2)[None, :],
        cover_fraction=np.ones((1, 2)),
        deferred=(DeferredGroup("email", (("en", "email", "standard"),), ("en",), dw.work, dw.classes, 4.0, 1.0),),
        penalty=1e3,
    )
    model, info, shifts = solve(problem)
    assert list(shifts) == [1]  # one agent at 00:00-02:00 does the 2 units carried over
    assert sum(v.varValue for v in model.short.values()) == pytest.approx(0.0)
    assert model.backlog[("email", 0, 11)].varValue == pytest.approx(2.0)


def test_same_input_same_roster():
    problem = RosterProblem(
        n_intervals=24,
        interval_hours=1.0,
        pools=(PoolSpec("p", "s", "en"),),
        live=(LiveGroup("g", (Q_EN,), ("en",), np.array(DAY, float) * 0.37),),
        penalty=1000.0,
        **shifts_every_interval(24, 8),
    )
    a = solve(problem)[2]
    b = solve(problem)[2]
    assert list(a) == list(b)


def test_names_are_readable():
    problem = _two_languages(15.0, 0.5, 0.5)
    model = build_model(problem)
    names = [v.name for v in model.lp.variables()]
    assert any(n.startswith("shifts__pool2") for n in names)
    assert any(n.startswith("alloc__en_ja__en__t00000") for n in names)
    assert set(model.rules) >= {"live_coverage", "agent_time"}
    assert model.lp.get_constraint_by_name("cover__en__t00000") is not None


def test_repair_covers_a_shortfall_cheaper_than_its_penalty():
    # two 4-interval shifts (starts 0 and 4) cover a flat need of 1 agent; start from a roster
    # with only the first one, i.e. 4 agent-hours short; the repair adds the second
    from planner.domain import SolverChoice
    from planner.roster.solve import _HighsBackend, _repair, _Solve, _write_back

    n = 8
    problem = RosterProblem(
        n_intervals=n,
        interval_hours=1.0,
        pools=(PoolSpec("p", "s", "en"),),
        live=(LiveGroup("g", (Q_EN,), ("en",), np.ones(n)),),
        penalty=100.0,
        **shifts_every_interval(n, 4, cost=4.0),
    )
    model = build_model(problem)
    for v in model.lp.variables():
        v.varValue = 0.0
    model.shifts[0].varValue = 1.0
    for (_s, _g, t), v in model.alloc.items():
        v.varValue = 1.0 if t < 4 else 0.0
    for (_g, t, _c), v in model.short.items():
        v.varValue = 0.0 if t < 4 else 1.0
    assert sum(v.varValue for v in model.short.values()) == 4.0
    run = _Solve(model, SolveOptions(solver=SolverChoice.HIGHS), None)
    backend = _HighsBackend(run)
    repaired = _repair(run, backend, np.array([v.varValue for v in model.lp.variables()]))
    assert repaired is not None
    after, values = repaired
    assert after == pytest.approx(8.0)
    _write_back(model, backend, values)
    assert sum(v.varValue for v in model.short.values()) == pytest.approx(0.0)
    assert sum(round(v.varValue) for v in model.shifts) == 2


def _lp_values(model) -> dict[str, float]:
    """Solve the model's LP relaxation; its values by variable name."""
    import pulp

    for v in model.lp.variables():
        v.cat = pulp.LpContinuous
    model.lp.solve(pulp.HiGHS(msg=False))
    return {v.name: float(v.varValue or 0.0) for v in model.lp.variables()}


def _violations(model, values: dict[str, float]) -> list[str]:
    out = []
    for c in model.lp.constraints():
        name = c.name
        lhs = sum(coef * values.get(v.name, 0.0) for v, coef in c.items()) + c.constant
        if (c.sense <= 0 and lhs > 1e-7) or (c.sense >= 0 and lhs < -1e-7):
            out.append(name)
    return out


def test_rounded_lp_start_is_a_roster_of_the_model():
    # uncapped: every shift count rounded up keeps the LP's allocation valid; the start is
    # whole, feasible as it stands, and at most one agent per used option above the LP
    n = 24
    problem = RosterProblem(
        n_intervals=n,
        interval_hours=1.0,
        pools=(PoolSpec("p", "s", "en"),),
        live=(LiveGroup("g", (Q_EN,), ("en",), np.array(DAY, float) / 3.0),),
        penalty=1000.0,
        **shifts_every_interval(n, 8),
    )
    model = build_model(problem)
    lp = _lp_values(model)
    x = np.array([lp[v.name] for v in model.shifts])
    assert np.any(np.abs(x - np.round(x)) > 1e-6)  # the LP is fractional here
    start = rounded_start(model, lp)
    counts = np.array([start[v.name] for v in model.shifts])
    assert np.all(counts == np.ceil(x - 1e-6))
    assert _violations(model, start) == []


def test_rounded_lp_start_keeps_pool_and_site_caps():
    # one person (available=1) and a site cap of 1: rounding up would break both caps, so
    # the capped pool is rounded within them (largest fractional part first)
    model = build_model(one_person_week(0.7, site_caps={"s": 1}))
    lp = _lp_values(model)
    assert [round(lp[v.name], 6) for v in model.shifts] == [0.7] * 7
    start = rounded_start(model, lp)
    counts = [start[v.name] for v in model.shifts]
    assert counts == [1.0] * 5 + [0.0] * 2  # 5 shifts a week, ties broken by option order
    assert start[model.people["p"].name] == 1.0
    # only the rows that the shifts no longer back (the two days rounded down) are violated
    assert sorted({name.split("__")[0] for name in _violations(model, start)}) == ["agent_time"]


def _quarter_hour_email_week(clock: str = "") -> RosterProblem:
    """The off-peak email day in 15-minute intervals: chat needs 4 agents 08-16 and half an agent
    16-24; 16 agent-intervals (4 agent-hours) of email arrive 08:00-08:15, due within 24 h."""
    n = 96
    chat = np.zeros(n)
    chat[32:64] = 4
    chat[64:96] = 0.5
    work = np.zeros(n)
    work[32] = 16.0
    dw = deferred_work(work, window=96, share=1.0)
    email = DeferredGroup("email", (("en", "email", "standard"),), ("en",), dw.work, dw.classes, 96.0, 1.0, clock)
    return RosterProblem(
        n_intervals=n,
        interval_hours=0.25,
        pools=(PoolSpec("p", "s", "en"),),
        live=(LiveGroup("chat", (Q_EN,), ("en",), chat),),
        deferred=(email,),
        penalty=1e3,
        **shifts_every_interval(n, 32, cost=8.0),
    )


def test_hour_blocks_of_deferrable_work_keep_the_fine_optimum():
    # By hand: 4 day shifts 08-16 cover chat; the 16-24 half agent needs one shift, whose idle half
    # (0.5 x 32 intervals = 16 agent-intervals) does the email from 16:00 on, well before 07:00 the
    # next day (24 h less the one-hour block). Optimum 5 shifts x 8 = 40, per interval and per block.
    blocked = _quarter_hour_email_week()
    assert blocked.block_length == 4 and blocked.blocked(blocked.deferred[0])
    fine = _quarter_hour_email_week(clock="per interval")  # a clock's deadlines are kept per interval
    assert not fine.blocked(fine.deferred[0])
    for problem in (blocked, fine):
        model, info, shifts = solve(problem)
        assert info.objective == pytest.approx(40.0)
        assert shifts.sum() == 5
    model, _, _ = solve(blocked)
    assert len(model.rules["deferred_blocks"]) == 24  # one backlog balance per hour, not per interval
    assert "deferred_deadlines" not in model.rules
    # per interval, the email's agents (the block allocation spread over its intervals) fit the
    # agents left over by chat, and add up to the work
    alloc = model.interval_alloc()
    email = np.zeros(96)
    used = np.zeros(96)
    for (_s, g, t), x in alloc.items():
        used[t] += x
        if g == "email":
            email[t] += x
    agents = np.array([round(v.varValue) for v in model.shifts])
    duty = agents @ blocked.presence()
    assert email.sum() == pytest.approx(16.0)
    assert np.all(used <= duty + 1e-6)
    assert email[:64].sum() == pytest.approx(0.0, abs=1e-6)  # nothing left over before 16:00


def _late_email_morning(clock: str = "") -> RosterProblem:
    """15-minute intervals: 4 agent-intervals of email arrive 08:00-08:15, due within 4 h (12:00-12:15).
    Option `early` (09:00-11:00, cost 10 an agent) and option `late` (11:15-13:15, cost 1 an agent)."""
    n = 96
    work = np.zeros(n)
    work[32] = 4.0
    dw = deferred_work(work, window=16, share=1.0)
    email = DeferredGroup("email", (("en", "email", "standard"),), ("en",), dw.work, dw.classes, 16.0, 1.0, clock)
    return RosterProblem(
        n_intervals=n,
        interval_hours=0.25,
        pools=(PoolSpec("p", "s", "en"),),
        option_pool=np.array([0, 0]),
        option_cost=np.array([10.0, 1.0]),
        option_day=np.array([0, 0]),
        option_names=("early", "late"),
        cover_index=np.array([np.arange(36, 44), np.arange(45, 53)]),
        cover_fraction=np.ones((2, 8)),
        deferred=(email,),
        penalty=1e3,
    )


def test_hour_blocks_shorten_deadlines_by_one_hour():
    # Per interval, the late agent serves one agent-interval from 11:15: the contact at share f of the
    # arrivals (arrived at 08:00 + f x 15 min) is done at 11:15 + f hours, before its deadline
    # 12:00 + f x 15 min, so one late agent (cost 1) is the optimum. On hour blocks all work due
    # 12:00-13:00 must be done by 12:00, and a late agent gives only 3 agent-intervals before then:
    # two late agents (cost 2) are cheaper than an early one (10) or a shortfall (1000 x 0.25 a unit).
    fine = _late_email_morning(clock="per interval")
    _, info, shifts = solve(fine)
    assert list(shifts) == [0, 1]
    assert info.objective == pytest.approx(1.0)
    blocked = _late_email_morning()
    assert blocked.blocked(blocked.deferred[0])
    model, info, shifts = solve(blocked)
    assert list(shifts) == [0, 2]
    assert info.objective == pytest.approx(2.0)
    assert sum(v.varValue for v in model.short.values()) == pytest.approx(0.0, abs=1e-9)
