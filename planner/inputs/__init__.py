"""Inputs: read untrusted workbooks and CSV folders, check them against the input contract, load a Scenario."""
