"""planner: staffing optimizer and capacity planner for multilingual customer-support teams."""

__version__ = "0.1.0"
