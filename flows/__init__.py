"""Prefect flows: thin wiring of listeners → nlp → storage → reports."""
