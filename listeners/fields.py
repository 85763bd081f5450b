"""Field checks the API parsers share: a source item's bad field raises ValueError naming it (then quarantined)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.errors import SourceError


def count(item: Mapping[str, Any], key: str, *, prefix: str = "") -> int:
    """An engagement count of ``item`` (missing: 0); anything but a non-negative integer is refused."""
    value = item.get(key)
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{prefix}{key} must be a non-negative integer, not {str(value)[:20]!r}")
    return value


def json_object(resp: Any, error: str) -> dict[str, Any]:
    """The JSON object a response carries (httpx or requests); ``SourceError(error)`` when it is anything else."""
    try:
        body = resp.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise SourceError(error)
    return body
