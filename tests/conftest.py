"""Shared test configuration."""

from __future__ import annotations

import pandas as pd

# The tests read written workbooks back with pandas. With python-calamine installed, pandas
# warns that its default .xlsx reader will change; choose openpyxl explicitly (the tests then
# read with a different library than planner's fast path, which is what we want).
pd.set_option("io.excel.xlsx.reader", "openpyxl")
