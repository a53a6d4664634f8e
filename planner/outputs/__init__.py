"""Outputs: terminal text and JSON, workbooks and CSV folders, the template and the input reference."""
