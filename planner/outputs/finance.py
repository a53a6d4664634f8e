"""The finance pack: weekly, monthly and annual cost, cost per contact and per agent-hour by site,
language, channel and tier, from the roster's cost and coverage tables."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from planner.roster.plan import RosterResult

VIEWS = ("total", "site", "language", "channel", "tier")
FINANCE_COLUMNS = [
    "view",
    "key",
    "contacts",
    "agent_hours",
    "weekly_cost",
    "monthly_cost",
    "annual_cost",
    "cost_per_contact",
    "cost_per_agent_hour",
]


@dataclass(frozen=True)
class FinancePack:
    """Cost broken down five ways (one long table, ``view`` says which), in the scenario's currency.

    ``employed_cost`` is the hook for the rostered-hours versus employed-people comparison (people x
    contract hours): it stays ``None`` until named agents with contracts exist (the tours issue)."""

    currency: str
    weeks_per_year: float
    table: pd.DataFrame
    employed_cost: pd.DataFrame | None = None

    def view(self, name: str) -> pd.DataFrame:
        return self.table[self.table["view"] == name].reset_index(drop=True)

    def total(self) -> pd.Series:
        return self.view("total").iloc[0]


def _weekly_contacts(result: RosterResult) -> pd.DataFrame:
    """Contacts a week per language, channel and tier."""
    weeks = result.scenario.horizon.weeks
    c = result.coverage.groupby(["language", "channel", "tier"], sort=True, as_index=False)["contacts"].sum()
    c["contacts"] = c["contacts"] / weeks
    return c


def _tier_split(result: RosterResult) -> pd.DataFrame:
    """Each (language, channel) cost line split across tiers by their share of its staffed agent-hours."""
    cov = result.coverage
    staffed = cov.groupby(["language", "channel", "tier"], sort=True, as_index=False)["staffed"].sum()
    staffed["share"] = staffed["staffed"] / staffed.groupby(["language", "channel"])["staffed"].transform("sum")
    staffed["share"] = staffed["share"].fillna(1.0 / staffed.groupby(["language", "channel"])["tier"].transform("size"))
    cost = result.cost.merge(staffed[["language", "channel", "tier", "share"]], on=["language", "channel"], how="left")
    cost["tier"] = cost["tier"].fillna("(idle)")
    cost["share"] = cost["share"].fillna(1.0)
    for col in ("agent_hours", "weekly_cost"):
        cost[col] = cost[col] * cost["share"]
    return cost.drop(columns=["share"])


def _contacts_by_site(result: RosterResult, contacts: pd.DataFrame) -> pd.Series:
    """Contacts a week handled at each site: each (language, channel)'s contacts by the site's share of its hours."""
    cost = result.cost[result.cost["language"] != "(idle)"]
    hours = cost.groupby(["language", "channel", "site"], as_index=False)["agent_hours"].sum()
    hours["share"] = hours["agent_hours"] / hours.groupby(["language", "channel"])["agent_hours"].transform("sum")
    lc = contacts.groupby(["language", "channel"], as_index=False)["contacts"].sum()
    merged = hours.merge(lc, on=["language", "channel"], how="left").fillna({"contacts": 0.0})
    return (merged["share"] * merged["contacts"]).groupby(merged["site"]).sum()


def finance_pack(result: RosterResult) -> FinancePack:
    """Cost per contact and per agent-hour by site, language, channel and tier, and in total."""
    st = result.scenario.settings
    contacts = _weekly_contacts(result)
    cost = _tier_split(result)
    frames = []
    total_contacts = float(contacts["contacts"].sum())
    frames.append(
        pd.DataFrame(
            {
                "view": ["total"],
                "key": ["all"],
                "contacts": [total_contacts],
                "agent_hours": [float(cost["agent_hours"].sum())],
                "weekly_cost": [float(result.summary.weekly_cost)],
            }
        )
    )
    site_contacts = _contacts_by_site(result, contacts)
    for view in VIEWS[1:]:
        part = cost.groupby(view, sort=True, as_index=False)[["agent_hours", "weekly_cost"]].sum()
        if view == "site":
            part["contacts"] = part["site"].map(site_contacts).fillna(0.0)
        else:
            part["contacts"] = part[view].map(contacts.groupby(view)["contacts"].sum()).fillna(0.0)
        frames.append(part.rename(columns={view: "key"}).assign(view=view))
    table = pd.concat(frames, ignore_index=True)
    table["monthly_cost"] = table["weekly_cost"] * st.weeks_per_year / 12.0
    table["annual_cost"] = table["weekly_cost"] * st.weeks_per_year
    table["cost_per_contact"] = _per(table["weekly_cost"], table["contacts"])
    table["cost_per_agent_hour"] = _per(table["weekly_cost"], table["agent_hours"])
    table["key"] = table["key"].astype(str)
    return FinancePack(st.currency, st.weeks_per_year, table[FINANCE_COLUMNS])


def _per(amount: pd.Series, base: pd.Series) -> np.ndarray:
    """amount / base where base > 0, else NaN (floats throughout: an empty roster has object columns)."""
    a, b = amount.to_numpy(dtype=float), base.to_numpy(dtype=float)
    return np.divide(a, b, out=np.full_like(a, np.nan), where=b > 0)
