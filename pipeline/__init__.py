"""The pipeline: plain-Python steps that flows and the CLI call (being moved out of flows/)."""
