"""Shared test configuration."""

from __future__ import annotations

import os

import pandas as pd
from hypothesis import settings

# Property tests draw the same examples on every run (a failure found once is found again, and CI
# never fails on a new random draw); widen the search locally with HYPOTHESIS_PROFILE=explore.
settings.register_profile("default", derandomize=True, database=None)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

# The tests read written workbooks back with pandas. With python-calamine installed, pandas
# warns that its default .xlsx reader will change; choose openpyxl explicitly (the tests then
# read with a different library than planner's fast path, which is what we want).
pd.set_option("io.excel.xlsx.reader", "openpyxl")
