"""Per-person activities: the whole-agent activity plan given to the people on duty (issue 13, deliverable 2)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
from test_tours import week

from planner.analysis.person_activities import (
    ANY,
    BREAK,
    Block,
    Duty,
    assign_people,
    person_activities,
    person_blocks,
)
from planner.inputs.load import load_scenario
from planner.outputs.workbooks import write_roster
from planner.roster.plan import plan_roster

TINY = Path(__file__).resolve().parents[1] / "inputs" / "tiny.xlsx"


def test_a_hand_worked_pool_gets_few_switches_and_its_breaks() -> None:
    # one pool, 60-minute intervals 0..3; Ann 0-240 (break 120-150), Bob 0-180, Cat 60-240.
    # plan: t0 chat 1 email 1; t1 chat 2 email 1; t2 chat 1 email 2; t3 chat 1.
    # t0: nobody has an activity yet: the longest shift first, groups in plan order: Ann chat, Bob email.
    # t1: Ann stays on chat, Bob on email, the new chat place goes to Cat.
    # t2: one chat place for Ann (2 intervals on chat) and Cat (1): Cat stays, so no 1-interval block;
    #     Bob stays on email, Ann takes the second email place.
    # t3: Cat stays on chat; the plan needs nobody else: Ann serves the routing order.
    duties = [
        Duty("Ann", "P", 0, 240, ((120, 150),)),
        Duty("Bob", "P", 0, 180),
        Duty("Cat", "P", 60, 240),
    ]
    counts = {
        ("P", 0): {"chat": 1, "email": 1},
        ("P", 1): {"chat": 2, "email": 1},
        ("P", 2): {"chat": 1, "email": 2},
        ("P", 3): {"chat": 1},
    }
    assigned = assign_people(duties, counts, 60, 4)
    assert assigned == [
        {0: "chat", 1: "chat", 2: "email", 3: ANY},
        {0: "email", 1: "email", 2: "email"},
        {1: "chat", 2: "chat", 3: "chat"},
    ]
    assert person_blocks(duties, assigned, 60) == [
        Block(0, 0, 120, "chat"),
        Block(0, 120, 150, BREAK),
        Block(0, 150, 180, "email"),
        Block(0, 180, 240, ANY),
        Block(1, 0, 180, "email"),
        Block(2, 60, 240, "chat"),
    ]


def test_a_break_across_an_interval_boundary_is_one_block_inside_the_shift() -> None:
    duties = [Duty("Ann", "P", 30, 210, ((90, 150),))]  # starts mid-interval, breaks across minute 120
    assigned = assign_people(duties, {("P", t): {"email": 1} for t in range(4)}, 60, 4)
    assert person_blocks(duties, assigned, 60) == [
        Block(0, 30, 90, "email"),
        Block(0, 90, 150, BREAK),
        Block(0, 150, 210, "email"),
    ]


def test_every_interval_count_is_reproduced_and_blocks_respect_shifts_and_breaks() -> None:
    # 40 people in two pools on a cyclic day of 24 intervals (some shifts wrap past its end); the plan
    # puts at most the people on duty on three groups: each count must come back exactly
    rng = np.random.default_rng(7)
    step, n = 60, 24
    duties = []
    for j in range(40):
        start = int(rng.integers(0, n)) * step
        length = int(rng.integers(4, 10)) * step
        b0 = start + int(rng.integers(1, 3)) * step + 30
        duties.append(Duty(f"p{j:02d}", "AB"[j % 2], start, start + length, ((b0, b0 + 30),)))
    on: Counter[tuple[str, int]] = Counter()
    for d in duties:
        for k in range(d.start // step, -(-d.end // step)):
            on[(d.pool, k % n)] += 1
    counts: dict[tuple[str, int], dict[str, int]] = {}
    for (pool, t), people in sorted(on.items()):
        a = int(rng.integers(0, people + 1))
        b = int(rng.integers(0, people - a + 1))
        counts[(pool, t)] = {
            "live": a,
            "email": b,
            "social": people - a - b - int(rng.integers(0, 2) if people - a - b else 0),
        }
    assigned = assign_people(duties, counts, step, n)
    got: Counter[tuple[str, int, str]] = Counter()
    for d, acts in zip(duties, assigned, strict=True):
        assert sorted(acts) == list(range(d.start // step, -(-d.end // step)))  # every interval of the shift
        for k, g in acts.items():
            got[(d.pool, k % n, g)] += 1
    for (pool, t), plan in counts.items():
        for g, c in plan.items():
            assert got[(pool, t, g)] == c
    for b in person_blocks(duties, assigned, step):
        d = duties[b.duty]
        assert d.start <= b.start < b.end <= d.end
        inside = any(b0 <= b.start and b.end <= b1 for b0, b1 in d.breaks)
        overlaps = any(b.start < b1 and b0 < b.end for b0, b1 in d.breaks)
        assert inside if b.activity == BREAK else not overlaps


def test_the_tiny_roster_writes_person_activities_that_add_up_to_its_activity_plan(tmp_path: Path) -> None:
    scenario = load_scenario(TINY)
    result = plan_roster(scenario)
    assert result.floor is not None
    people = person_activities(scenario, result.floor.activities, result.floor.breaks, shifts=result.shifts)
    table = people.blocks
    assert set(table.columns) >= {"agent", "site", "pool", "local_day", "from", "to", "activity", "kind"}
    # every agent of every shift appears, and its blocks cover exactly the shift's length
    minutes = (table["utc_end"] - table["utc_start"]).dt.total_seconds() / 60
    per_agent = minutes.groupby(table["agent"]).sum()
    shift_minutes = (result.shifts["utc_end"] - result.shifts["utc_start"]).dt.total_seconds() / 60
    assert len(per_agent) == int(result.shifts["agents"].sum())
    assert sorted(per_agent.round(6)) == sorted(np.repeat(shift_minutes.to_numpy(), result.shifts["agents"]).round(6))
    out = write_roster(result, tmp_path / "r.xlsx")
    sheet = pd.read_excel(out, sheet_name="person_activities", engine="openpyxl")
    assert len(sheet) == len(table)
    folder = write_roster(result, tmp_path / "r", fmt="csv")
    assert (folder / "person_activities.csv").exists()


def test_a_named_agents_schedule_says_what_they_do_when(tmp_path: Path) -> None:
    # one agent needed 09-18 Monday to Friday on a 9-hour shift with an unpaid hour's break; Cy takes the
    # week. Each day reads: the shift, then en chat until the break the breaks sheet gives, the break, chat.

    need = {(d, h): 1.0 for d in range(5) for h in range(9, 18)}
    result = week(tmp_path, need, [["day", 8, 9, "09:00", "09:00", 60, None]], agents=[["cy", "hq", "en", 40]])
    assert result.floor is not None
    people = person_activities(
        result.scenario, result.floor.activities, result.floor.breaks, result.tour_groups, result.shifts
    )
    grid = people.grid.set_index("agent")
    breaks = result.floor.breaks
    assert len(breaks) == 5 and set(breaks["agents"]) == {1}
    for b in breaks.itertuples(index=False):
        day = b.break_utc_start.strftime("%a")
        b0, b1 = b.break_utc_start.strftime("%H:%M"), b.break_utc_end.strftime("%H:%M")
        assert grid.at["cy", day] == f"09:00-18:00: 09:00-{b0} en chat, {b0}-{b1} break, {b1}-18:00 en chat"
    assert grid.at["cy", "Sat"] == grid.at["cy", "Sun"] == "off"
    rows = people.blocks[people.blocks["local_day"] == "Mon"]
    assert rows["activity"].tolist() == ["en chat", "break", "en chat"]
    assert rows["kind"].tolist() == ["live", "break", "live"]
