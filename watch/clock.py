"""One injectable clock, always timezone-aware UTC.

Reports and scores must be reproducible for the same data and clock, so nothing reads the wall
clock directly: callers pass ``now`` or use :func:`utcnow`, which honours ``VIGIE_NOW`` (an ISO
8601 instant) so that a whole command can be pinned to a date in tests and demos.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime

NOW_ENV = "VIGIE_NOW"


def utcnow() -> datetime:
    """Current instant in UTC, or the instant pinned by ``VIGIE_NOW``."""
    pinned = os.environ.get(NOW_ENV)
    if pinned:
        return parse_instant(pinned)
    return datetime.now(UTC)


def ensure_utc(value: datetime) -> datetime:
    """Return ``value`` as an aware UTC datetime; naive values are taken to be UTC already."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def parse_instant(text: str) -> datetime:
    """Parse an ISO 8601 date or datetime into aware UTC (``Z`` suffix accepted)."""
    text = text.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    if len(text) == 10:
        return datetime.combine(date.fromisoformat(text), datetime.min.time(), tzinfo=UTC)
    return ensure_utc(datetime.fromisoformat(text))


def isoformat(value: datetime | None) -> str | None:
    """Canonical UTC ISO text (``2026-11-26T15:00:00Z``) used in JSON output and hashes."""
    if value is None:
        return None
    return ensure_utc(value).isoformat().replace("+00:00", "Z")


def quarter_of(value: datetime | date) -> str:
    """Quarter label such as ``2026-Q4``."""
    return f"{value.year}-Q{(value.month - 1) // 3 + 1}"
