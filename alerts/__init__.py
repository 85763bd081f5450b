"""Alerts: rules over the aggregation layer, episodes, idempotent delivery through Apprise (docs/alerts.md).

A layer of its own between ``pipeline`` and ``flows``: it reads the store through ``reports.aggregate``,
records what it sent in the store's alert log, and never imports Prefect (a Secret block is loaded by
``listeners.credentials``, lazily).
"""

from alerts.channels import AppriseChannel, ConsoleChannel, Delivery, DeliveryError, FileChannel, deliver
from alerts.engine import AlertState, Evaluator, Outcome, backtest
from alerts.messages import Message, compose
from alerts.rules import DEFAULTS, Rule, default_rules, resolve
from alerts.run import build_channels, dry_run, evaluate_now, summarise

__all__ = [
    "DEFAULTS",
    "AlertState",
    "AppriseChannel",
    "ConsoleChannel",
    "Delivery",
    "DeliveryError",
    "Evaluator",
    "FileChannel",
    "Message",
    "Outcome",
    "Rule",
    "backtest",
    "build_channels",
    "compose",
    "default_rules",
    "deliver",
    "dry_run",
    "evaluate_now",
    "resolve",
    "summarise",
]
