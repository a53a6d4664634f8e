"""What-if scenarios: changes to the input read from a `scenarios` sheet, applied, solved side by side."""
