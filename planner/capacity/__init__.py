"""Capacity planning over months: how many people to hire per pool and period (issue 12)."""
