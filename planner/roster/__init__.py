"""The roster: shift options across time zones, the integer program's data and rules, the solve, the plan."""
