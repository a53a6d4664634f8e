"""The roster's floor plan: activity-plan rounding, staggered breaks, routing order, and the simulation
running the plan (issue 13)."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from planner.analysis.activities import (
    DEFERRED_DUE,
    NO_AGENT_FREE,
    DeferredBacklog,
    GroupInfo,
    queue_text,
    round_interval,
    round_with_backlog,
    routing_table,
)
from planner.analysis.breaks import BreakGroup, slack_after, stagger
from planner.domain import Horizon, Pool, Scenario, WorkKind
from planner.errors import InputError
from planner.inputs.load import load_scenario
from planner.outputs.workbooks import write_roster
from planner.requirements import QueueSpec
from planner.roster.plan import RosterResult, plan_roster
from planner.roster.rules import DeferredGroup, PoolSpec
from planner.simulation.engine import _fill_desks, compile_input
from planner.simulation.floor import Activity, FloorPlan, ShiftBlock
from planner.simulation.model import SimInput, SimQueue, slot_minutes
from planner.simulation.plan_tables import floor_parts
from planner.simulation.roster_file import read_roster_file
from planner.simulation.run import simulate

START = dt.datetime(2026, 3, 23, tzinfo=dt.UTC)
TINY = Path(__file__).resolve().parents[1] / "inputs" / "tiny.xlsx"


def test_rounding_keeps_every_live_target_where_the_plan_did() -> None:
    # pool 0 (4 agents): A 2.4, B 1.3, D 0.3; pool 1 (3 agents): A 1.2, D 1.8; A needs 3.6, B 1.3.
    # Rounded down: A 2+1 = 3, B 1. A needs one more (ceil 3.6 = 4) and B one more (ceil 1.3 = 2); only
    # pool 0 plans B, so B's agent must come from pool 0 and A's from pool 1: A 2+2, B 2 (pool 0 full),
    # and pool 1's last agent goes to its deferred group D.
    plan = {0: {"A": 2.4, "B": 1.3, "D": 0.3}, 1: {"A": 1.2, "D": 1.8}}
    whole, unkept = round_interval(plan, {"A": 3.6, "B": 1.3}, {0: 4, 1: 3}, {"A", "B"})
    assert whole == {0: {"A": 2, "B": 2}, 1: {"A": 2, "D": 1}}
    assert unkept == []


def test_deferred_groups_share_the_rest_by_largest_remainder() -> None:
    # 6 agents: live A 2.2 -> 3 whole; the other 3 go to D1 (1.0) and D2 (0.6) in proportion:
    # quotas 3 x 1.0/1.6 = 1.875 and 3 x 0.6/1.6 = 1.125 -> 1 and 1, the last one to D1 (remainder .875)
    whole, unkept = round_interval({0: {"A": 2.2, "D1": 1.0, "D2": 0.6}}, {"A": 2.2}, {0: 6}, {"A"})
    assert whole == {0: {"A": 3, "D1": 2, "D2": 1}}
    assert unkept == []


def test_whole_agents_that_cannot_keep_a_live_target_are_reported() -> None:
    # 2 agents, A 1.5 and B 0.5: whole agents need 2 + 1 = 3; A (first by name) gets the free one, B cannot
    whole, unkept = round_interval({0: {"A": 1.5, "B": 0.5}}, {"A": 1.5, "B": 0.5}, {0: 2}, {"A", "B"})
    assert whole == {0: {"A": 2}}
    assert unkept == ["B"]


def test_a_kept_live_target_is_not_rounded_up_past_it_at_the_deferred_works_expense() -> None:
    # 6 agents: live A planned 2.4 (requirement 2.0), deferred D 3.6. A keeps its 2 whole agents (the
    # requirement) and the model's 3.6 on D become 4 whole agents; rounding A up to 3 would leave D 3
    assert round_interval({0: {"A": 2.4, "D": 3.6}}, {"A": 2.0}, {0: 6}, {"A"}) == ({0: {"A": 2, "D": 4}}, [])
    # no deferred work planned in the pool: the free agent rounds A up as before
    assert round_interval({0: {"A": 2.4}}, {"A": 2.0}, {0: 4}, {"A"}) == ({0: {"A": 3}}, [])
    # a plan short of the requirement (1.6 < 2, the roster's gap) is still rounded up: A 1 -> 2, D the other 2
    assert round_interval({0: {"A": 1.6, "D": 1.0}}, {"A": 2.0}, {0: 4}, {"A"}) == ({0: {"A": 2, "D": 2}}, [])


def test_urgent_deferred_work_gets_an_agent_before_a_live_round_up_for_another_pools_gap() -> None:
    # pool 0 (3 agents): live A 2.0, deferred D 0.2; pool 1 (2 agents): A 1.6. A needs 3.6 -> 4 whole.
    # Rounded down A is 2 + 1; both pools have a free agent. Without urgent work pool 0's goes to A (first
    # pool by number) and pool 1's rounds A up: D gets nobody.
    plan = {0: {"A": 2.0, "D": 0.2}, 1: {"A": 1.6}}
    assert round_interval(plan, {"A": 3.6}, {0: 3, 1: 2}, {"A"}) == ({0: {"A": 3}, 1: {"A": 2}}, [])
    # D's 0.2 must be worked now: pool 0 holds its free agent for it, so A's fourth agent comes from pool 1
    whole = round_interval(plan, {"A": 3.6}, {0: 3, 1: 2}, {"A"}, urgent={0: 0.2})
    assert whole == ({0: {"A": 2, "D": 1}, 1: {"A": 2}}, [])
    # one pool alone: the agent held for D was A's only third agent, and A (2.4 -> 3 whole) is reported
    assert round_interval({0: {"A": 2.4, "D": 0.2}}, {"A": 2.4}, {0: 3}, {"A"}, urgent={0: 0.2}) == (
        {0: {"A": 2, "D": 1}},
        ["A"],
    )
    # but a pool with no agent free after its rounded-down live plan holds nobody
    assert round_interval({0: {"A": 3.0, "D": 0.2}}, {"A": 3.0}, {0: 3}, {"A"}, urgent={0: 0.2}) == (
        {0: {"A": 3}},
        [],
    )


def _deferred_group(window: float) -> DeferredGroup:
    return DeferredGroup("D", (("de", "social", "standard"),), ("de",), np.zeros(1), (), window, 0.95)


def test_deferred_work_an_interval_does_not_take_is_carried_to_its_last_interval() -> None:
    # a 2-hour target in hourly intervals is planned within 1.5 h: no interval to spare, each interval's
    # plan is urgent at once, and what nobody took stays urgent for a planned window (2 intervals) more
    short = DeferredBacklog([_deferred_group(1.5)])
    short.add(0, {0: {"D": 0.2, "A": 1.0}})
    assert short.urgent(0) == {0: pytest.approx(0.2)} and short.due(0) == {"D": pytest.approx(0.2)}
    short.add(1, {0: {"D": 0.2}})
    assert short.urgent(1) == {0: pytest.approx(0.4)}
    short.add(3, {})
    assert short.urgent(3) == {0: pytest.approx(0.2)}  # the part of interval 0 is dropped after interval 2
    short.work(0, {"D": 1})
    assert short.due(0) == {} and short.pools() == set()
    # a 24-hour target in 3-hour intervals is planned within 6 intervals: 2 to spare (8 - 6)
    long = DeferredBacklog([_deferred_group(6.0)])
    long.add(0, {0: {"D": 0.5}})
    long.add(1, {0: {"D": 0.5}})
    assert long.urgent(1) == {} and long.due(0) == {"D": pytest.approx(1.0)}
    long.add(2, {})
    assert long.urgent(2) == {0: pytest.approx(0.5)}
    long.work(0, {"D": 1})  # one agent-interval takes interval 0's half and interval 1's half, oldest first
    assert long.due(0) == {}
    # the week repeats: work planned in its last interval (167) falls due in the next week's interval 1
    long.add(167, {0: {"D": 0.4}})
    long.wrap(168)
    long.add(0, {})
    assert long.urgent(0) == {} and long.due(0) == {"D": pytest.approx(0.4)}
    long.add(1, {})
    assert long.urgent(1) == {0: pytest.approx(0.4)}


def test_a_small_deferred_plan_that_rounding_drops_every_interval_gets_an_agent_when_it_falls_due() -> None:
    # pool 0 (3 agents) plans live A 2.0 and deferred D 0.3 an interval; pool 1 (1 agent) plans A 0.6, so A
    # (2.6 -> 3 whole) takes pool 0's free agent every interval and D, rounded interval by interval, gets
    # none all day. With its work carried (a window of 6 intervals, 2 to spare) D gets an agent in interval
    # 2 (interval 0's work falls due) and in interval 5 (interval 3's): 2 agent-intervals for 1.8 planned.
    plans = {0: {"A": 2.0, "D": 0.3}, 1: {"A": 0.6}}
    backlog = DeferredBacklog([_deferred_group(6.0)])
    given, short = [], []
    for t in range(6):
        whole, unkept = round_with_backlog(backlog, t, plans, {"A": 2.6}, {0: 3, 1: 1}, {"A"})
        given.append(whole[0].get("D", 0))
        short.append(unkept)
    assert given == [0, 0, 1, 0, 0, 1]
    assert short == [{}] * 6  # A's third agent is pool 1's rounded-up 0.6 when pool 0 holds its agent
    assert [round_interval(plans, {"A": 2.6}, {0: 3, 1: 1}, {"A"})[0][0].get("D", 0) for _ in range(6)] == [0] * 6


def test_urgent_work_of_a_group_another_pools_deferred_agents_take_holds_no_agent() -> None:
    # D falls due at once (a 2-hour target in hourly intervals) in both pools. Without holding anyone,
    # A (2.0 + 0.6 -> 3 whole) takes pool 0's free agent and pool 1's two free agents go to D: pool 1's
    # deferred agents take D's work (pool 0's too, earliest deadline first), so pool 0 holds nobody for it
    backlog = DeferredBacklog([_deferred_group(1.5)])
    plans = {0: {"A": 2.0, "D": 0.2}, 1: {"A": 0.6, "D": 1.0}}
    whole, unkept = round_with_backlog(backlog, 0, plans, {"A": 2.6}, {0: 3, 1: 2}, {"A"})
    assert whole == {0: {"A": 3}, 1: {"D": 2}} and unkept == {}
    assert backlog.due(0) == {} and backlog.due(1) == {}
    # pool 1 without D in its plan: D's 0.2 in pool 0 is nobody's work unless pool 0 holds its agent for it
    backlog = DeferredBacklog([_deferred_group(1.5)])
    whole, unkept = round_with_backlog(backlog, 0, {0: plans[0], 1: {"A": 0.6}}, {"A": 2.6}, {0: 3, 1: 2}, {"A"})
    assert whole == {0: {"A": 2, "D": 1}, 1: {"A": 1}} and unkept == {}


def test_an_activity_gap_says_whether_deferred_work_falling_due_made_it() -> None:
    backlog = DeferredBacklog([_deferred_group(1.5)])  # a 2-hour target in hourly intervals: due at once
    # 3 agents, A 2.4 (3 whole): the third works D's 0.2 that falls due, so A is one short by choice
    whole, unkept = round_with_backlog(backlog, 0, {0: {"A": 2.4, "D": 0.2}}, {"A": 2.4}, {0: 3}, {"A"})
    assert whole == {0: {"A": 2, "D": 1}} and unkept == {"A": DEFERRED_DUE}
    # 2 agents, A 2.4: no third agent at all (and D's work, taken by nobody, stays open)
    whole, unkept = round_with_backlog(backlog, 1, {0: {"A": 2.4}}, {"A": 2.4}, {0: 2}, {"A"})
    assert whole == {0: {"A": 2}} and unkept == {"A": NO_AGENT_FREE}
    assert backlog.due(0) == {}  # interval 0's 0.2 was worked by its agent


def test_deferred_routing_takes_the_groups_a_pool_was_planned_for_first() -> None:
    # "multi" (en+ja) was planned for ja email only; en email, which its skills allow, comes one rank later,
    # so its deferred agents do not take English backlog another pool works, by its early deadlines, first
    pools = {"multi": Pool("multi", "s", ("en", "ja")), "en_only": Pool("en_only", "s", ("en",))}
    specs = (PoolSpec("multi", "s", "en+ja"), PoolSpec("en_only", "s", "en"))
    chat = (("en", "chat", "standard"),)
    ja_email, en_email = (("ja", "email", "standard"),), (("en", "email", "standard"),)
    queues = [_spec(*chat[0])] + [_spec(*q[0], kind=WorkKind.DEFERRABLE) for q in (ja_email, en_email)]
    groups = {
        "live:en:chat": GroupInfo("live:en:chat", True, chat, ("en", "en+ja")),
        "defer:ja:email": GroupInfo("defer:ja:email", False, ja_email, ("en+ja",)),
        "defer:en:email": GroupInfo("defer:en:email", False, en_email, ("en", "en+ja")),
    }
    hours = {0: {"live:en:chat": 40.0, "defer:ja:email": 20.0}, 1: {"defer:en:email": 30.0}}
    t = routing_table(pools, specs, queues, groups, hours)
    assert [(r.pool, r.rank, r.kind, r.queues) for r in t.itertuples(index=False)] == [
        ("multi", 1, "live", "en/chat/standard"),
        ("multi", 2, "deferred", "ja/email/standard"),
        ("multi", 3, "deferred", "en/email/standard"),
        ("en_only", 1, "live", "en/chat/standard"),
        ("en_only", 2, "deferred", "en/email/standard"),
    ]
    # the simulated floor gets both ranks as levels, in that order, and a deferred desk may take both
    parts = floor_parts(Horizon(START, 60), None, t, None)
    assert parts.routing is not None
    assert parts.routing["multi"] == (chat, ja_email, en_email)


def test_staggered_breaks_keep_a_half_hour_peak_that_the_mid_shift_rule_empties() -> None:
    # one start (minute 0), 10 agents, 9-hour shift with a 30-minute break: mid-shift at 255 minutes
    # ((540 - 30) / 2 = 255), window 195..315. The half-hour 255-285 (slots 17 and 18) needs 8 agents,
    # the rest of the day 4. Today's rule sends all 10 on break at 255: 0 on duty against 8.
    step = 15
    need = np.zeros(96)
    need[: 540 // step] = 4.0
    need[17:19] = 8.0
    group = BreakGroup(key=0, start=0, shift_minutes=540, length=30, earliest=195, latest=315, agents=10)
    old = slack_after([group], need, step, {0: [(255, 10)]})
    assert old[17] == -8.0 and old[18] == -8.0
    placed = stagger([group], need, step)
    assert sum(n for _, n in placed[0]) == 10
    assert all(195 <= off <= 315 and off % step == 0 for off, _ in placed[0])
    assert slack_after([group], need, step, placed)[: 540 // step].min() >= 0.0


def _spec(lang: str, chan: str, tier: str, kind: WorkKind = WorkKind.LIVE) -> QueueSpec:
    target = 1.0 if kind is WorkKind.LIVE else 1440.0
    return QueueSpec(lang, chan, tier, kind, 3.0, target if tier == "standard" else target / 2, 0.8, 1, None, 0.0)


def test_routing_follows_planned_hours_with_named_tiers_first() -> None:
    pools = {"multi": Pool("multi", "s", ("en", "ja")), "en_only": Pool("en_only", "s", ("en",))}
    specs = (PoolSpec("multi", "s", "en+ja"), PoolSpec("en_only", "s", "en"))
    en_chat = (("en", "chat", "standard"), ("en", "chat", "vip"))
    ja_chat = (("ja", "chat", "standard"),)
    email = (("en", "email", "standard"),)
    queues = [_spec(*q) for q in en_chat + ja_chat] + [_spec(*email[0], kind=WorkKind.DEFERRABLE)]
    groups = {
        "live:en:chat": GroupInfo("live:en:chat", True, en_chat, ("en", "en+ja")),
        "live:ja:chat": GroupInfo("live:ja:chat", True, ja_chat, ("en+ja",)),
        "defer:en:email": GroupInfo("defer:en:email", False, email, ("en", "en+ja")),
    }

    def order(hours: dict[int, dict[str, float]]) -> list[tuple[str, int, str]]:
        t = routing_table(pools, specs, queues, groups, hours)
        return [(r.pool, r.rank, r.queues) for r in t.itertuples(index=False)]

    # multi planned mostly for en: vip first (named tier), then en standard, then ja, then the email rank
    assert order({0: {"live:en:chat": 50.0, "live:ja:chat": 30.0}}) == [
        ("multi", 1, "en/chat/vip"),
        ("multi", 2, "en/chat/standard"),
        ("multi", 3, "ja/chat/standard"),
        ("multi", 4, "en/email/standard"),
        ("en_only", 1, "en/chat/vip"),
        ("en_only", 2, "en/chat/standard"),
        ("en_only", 3, "en/email/standard"),
    ]
    # planned mostly for ja: among default-tier queues, ja now comes before en
    assert order({0: {"live:en:chat": 10.0, "live:ja:chat": 60.0}})[:3] == [
        ("multi", 1, "en/chat/vip"),
        ("multi", 2, "ja/chat/standard"),
        ("multi", 3, "en/chat/standard"),
    ]


STEP = 30
N = 96  # two days of half-hours
PHONE_HOURS = range(32)  # 00:00-16:00 each day
PHONE = ("en", "phone", "standard")
EMAIL = ("en", "email", "standard")


def _phone_and_email(with_plan: bool) -> SimInput:
    """Two agents all day for two days. Phone calls (0.4 a minute, 3-minute handle) arrive 00:00-16:00 with
    1.5 emails (12-minute handle, 24-hour window) each half-hour; the plan puts both agents on the phone
    until 16:30 (the last calls are answered) and on email after it."""
    rows = []
    for k in range(N):
        kind, queue = ("live", PHONE) if k % 48 <= 32 else ("deferred", EMAIL)
        rows.append(("desk", pd.Timestamp(START) + pd.Timedelta(minutes=k * STEP), kind, queue_text((queue,)), 2))
    sheet = pd.DataFrame(rows, columns=["pool", "interval_start", "kind", "queues", "on_floor"])
    parts = floor_parts(Horizon(START, STEP), sheet if with_plan else None, None, None)
    floor = FloorPlan(
        ("desk",), (ShiftBlock("desk", 0, N * STEP, 2),), {"desk": ((PHONE,), (EMAIL,))}, parts.activities
    )
    queues = (
        SimQueue(PHONE, True, slot_minutes(3.0, 1, 0.7), 1, None, 20 / 60, 0.5),
        SimQueue(EMAIL, False, slot_minutes(12.0, 1, 0.7), 1, None, 1440.0, 0.9),
    )
    rates = np.zeros((2, N))
    phone = np.array([k % 48 in PHONE_HOURS for k in range(N)])
    rates[0, phone] = 0.4 * STEP
    rates[1, phone] = 1.5
    return SimInput(STEP, queues, rates, floor, warmup_minutes=120.0)


def test_the_activity_plan_keeps_the_phone_promise_that_idle_email_breaks() -> None:
    # with the plan the phone is an M/M/2 queue (load 1.2): Erlang C wait probability
    # (1.2^2/2 x 2/0.8) / (1 + 1.2 + 1.2^2/2 x 2/0.8) = 0.45, service level within 20 s
    # 1 - 0.45 exp(-(2 - 1.2) x (20/60) / 3) = 0.588274 against a 50 % target
    exact = 1.0 - 0.45 * math.exp(-0.8 * (20 / 60) / 3.0)
    assert exact == pytest.approx(0.588274, abs=1e-6)
    planned = simulate(_phone_and_email(True), replications=40, seed=3)
    phone = next(w for w in planned.weeks if w.channel == "phone")
    assert phone.service_level.low <= exact <= phone.service_level.high
    assert phone.service_level.mean >= 0.5
    # without it, agents take 12-minute emails whenever idle and the phone falls far below its 50 % target
    free = simulate(_phone_and_email(False), replications=40, seed=3)
    assert next(w for w in free.weeks if w.channel == "phone").service_level.high < 0.5
    email = next(w for w in planned.weeks if w.channel == "email")
    assert email.service_level.mean >= 0.9  # 48 emails x 12 min = 9.6 agent-hours a day, done 16:30-24:00


@pytest.fixture(scope="module")
def tiny_roster() -> tuple[Scenario, RosterResult]:
    scenario = load_scenario(TINY)
    return scenario, plan_roster(scenario)


def test_the_roster_file_carries_the_floor_plan_the_simulation_runs(
    tmp_path: Path, tiny_roster: tuple[Scenario, RosterResult]
) -> None:
    scenario, result = tiny_roster
    plan = result.floor
    assert plan is not None
    assert len(plan.unkept) == 0
    # every agent of every shift has a break placed, inside its shift
    placed = plan.breaks.groupby(["pool", "shift", "shift_utc_start"])["agents"].sum()
    rostered = result.shifts.set_index(["pool", "shift", "utc_start"])["agents"]
    assert sorted(placed.items()) == sorted(rostered.items())
    expected = floor_parts(scenario.horizon, plan.activities, plan.routing, plan.breaks)
    for path in (tmp_path / "r.xlsx", tmp_path / "r_csv"):
        write_roster(result, path, "csv" if path.suffix == "" else None)
        assert read_roster_file(path, scenario).parts == expected


def test_a_bad_floor_plan_cell_is_reported_where_it_is(
    tmp_path: Path, tiny_roster: tuple[Scenario, RosterResult]
) -> None:
    scenario, result = tiny_roster
    path = write_roster(result, tmp_path / "r_csv", "csv")
    routing = pd.read_csv(path / "routing.csv")
    routing.loc[1, "queues"] = "en chat"
    routing.to_csv(path / "routing.csv", index=False)
    with pytest.raises(InputError) as err:
        read_roster_file(path, scenario)
    (problem,) = err.value.problems
    assert (problem.sheet, problem.row, problem.column, problem.value) == ("routing", 3, "queues", "en chat")


# --------------------------------------------------------------------------- deferred work by the interval's plan

RU_EMAIL, RU_VIP = ("ru", "email", "standard"), ("ru", "email", "vip")
EN_SOCIAL, EN_EMAIL = ("en", "social", "standard"), ("en", "email", "standard")


def test_the_deferred_desk_takes_the_intervals_planned_languages_first() -> None:
    # pool "ist" (ru+en): the week's routing has one planned deferred rank (ru email, ru email vip, en social)
    # and a later one (en email). In 00:00 the plan has ru email on 2 agents and ru email vip on a
    # fraction (a row with 0 whole agents); in 01:00 en social on 1 agent; in 02:00 nothing deferred.
    routing = pd.DataFrame(
        [
            ("ist", 1, "deferred", queue_text((RU_EMAIL, RU_VIP, EN_SOCIAL))),
            ("ist", 2, "deferred", queue_text((EN_EMAIL,))),
        ],
        columns=["pool", "rank", "kind", "queues"],
    )
    hour = pd.Timedelta(hours=1)
    t0 = pd.Timestamp(START)
    activities = pd.DataFrame(
        [
            ("ist", t0, "deferred", queue_text((RU_EMAIL,)), 2),
            ("ist", t0, "deferred", queue_text((RU_VIP,)), 0),
            ("ist", t0 + hour, "deferred", queue_text((EN_SOCIAL,)), 1),
            ("ist", t0 + 2 * hour, "deferred", queue_text((RU_VIP,)), 0),
        ],
        columns=["pool", "interval_start", "kind", "queues", "on_floor"],
    )
    parts = floor_parts(Horizon(START, 60), activities, routing, None)
    by_interval = {a.interval: a for a in parts.activities}
    # 00:00: the planned groups' queues (ru, so every ru queue the pool was planned for) come first; en
    # social, which other pools work in bulk, waits until no ru work is waiting
    assert by_interval[0].first == (RU_EMAIL, RU_VIP)
    assert by_interval[0].queues == (RU_EMAIL, RU_VIP, EN_SOCIAL, EN_EMAIL)
    assert by_interval[0].agents == 2
    # 01:00: en social is this hour's plan, and en email (same language) joins it
    assert by_interval[1].first == (EN_SOCIAL, EN_EMAIL)
    # 02:00: no whole agent on deferred work, so no deferred desk
    assert set(by_interval) == {0, 1}


def test_a_deferred_desk_puts_its_first_queues_in_a_level_of_their_own() -> None:
    queues = (
        SimQueue(RU_EMAIL, False, 12.0, 1, None, 1440.0, 0.95),
        SimQueue(EN_SOCIAL, False, 6.0, 1, None, 240.0, 0.9),
        SimQueue(EN_EMAIL, False, 12.0, 1, None, 1440.0, 0.95),
    )
    routing = {"ist": ((RU_EMAIL, EN_SOCIAL), (EN_EMAIL,))}
    plan = (
        Activity("ist", 0, (RU_EMAIL, EN_SOCIAL, EN_EMAIL), 1, (RU_EMAIL,)),
        Activity("ist", 1, (RU_EMAIL, EN_SOCIAL, EN_EMAIL), 1),
    )
    floor = FloorPlan(("ist",), (ShiftBlock("ist", 0, 120, 1),), routing, plan)
    comp = compile_input(SimInput(60, queues, np.zeros((3, 24)), floor, warmup_minutes=120.0))
    # desk 0: the pool's whole routing order; desk 1: interval 0's plan; desk 2: interval 1's (no first)
    assert comp.desk_levels == [[[0, 1], [2]], [[0], [1], [2]], [[0, 1], [2]]]
    # the two deferred desks hold the same queues: one family, so an agent at one stays at the other
    assert comp.desk_family == [0, 1, 1]


def test_an_agent_at_a_deferred_desk_stays_on_deferred_work_when_the_desk_changes() -> None:
    # pool 0: desk 1 live, desks 2 and 3 the deferred desks of two intervals (family 2). Agent 7 was at
    # desk 2 (deferred), agent 8 was not seated. The new plan wants one agent at desk 1 and one at desk 3:
    # 7 stays on deferred work (desk 3) and 8 takes the live desk; without families, 7 (first in order)
    # would have taken the live desk carrying its email.
    family = [0, 1, 2, 2]
    desk_now = [0] * 9
    desk_now[7] = 2
    assert _fill_desks([(1, 1), (3, 1)], [7, 8], desk_now, 0, family) == {8: 1, 7: 3}
    assert _fill_desks([(1, 1), (3, 1)], [7, 8], desk_now, 0) == {7: 1, 8: 3}
