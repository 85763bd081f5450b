"""Prefect flows around the pipeline: tasks with retries, the run logger, artifacts; no pipeline logic."""
