"""Metrics: dated numbers about a platform (pageviews, app ranks, user totals, followers).

Spiders hand :class:`MetricRow` values to :func:`save_metrics`, which upserts them on
(platform, metric, subject, period): re-collecting the same month or day refreshes the value
instead of adding a row, so a crawl can be re-run any number of times.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from watch.clock import ensure_utc, isoformat
from watch.errors import InputError
from watch.models import Metric, Platform
from watch.store import Store, upsert

METRIC_NAME_RE = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)*$")
# A period is a year, a month, an ISO week, a day, or an instant; kept as text so that
# "2026-07" and "2026-07-01" stay distinct series.
PERIOD_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2}([T ][0-9:.]+Z?)?)?|-W\d{2})?$")


@dataclass(frozen=True)
class MetricRow:
    """One number to store; ``value`` None means "observed, no figure" (say why in ``detail``)."""

    platform: str
    metric: str
    period: str
    value: float | None
    subject: str = ""
    detail: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not METRIC_NAME_RE.match(self.metric):
            raise ValueError(f"invalid metric name {self.metric!r}")
        if not PERIOD_RE.match(self.period):
            raise ValueError(f"invalid metric period {self.period!r}")
        if self.value is not None and not math.isfinite(self.value):
            raise ValueError(f"metric {self.metric} has a non-finite value {self.value!r}")


def metric_dict(metric: Metric) -> dict[str, Any]:
    """The ``metrics list`` JSON shape of DESIGN.md (extra keys: observed_at, detail)."""
    return {
        "platform": metric.platform,
        "metric": metric.metric,
        "value": _plain_number(metric.value),
        "period": metric.period,
        "subject": metric.subject or None,
        "source_id": metric.source_id,
        "observed_at": isoformat(metric.observed_at),
        "detail": dict(metric.detail or {}),
    }


def _plain_number(value: float | None) -> float | int | None:
    """Counts come back from the database as floats; show 1234, not 1234.0."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def save_metrics_in(
    session: Session, rows: Iterable[MetricRow], *, source_id: str | None, now: datetime
) -> int:
    """Upsert ``rows`` inside an open transaction; rows about unknown platforms are skipped.

    Returns the number of rows written. Unknown platforms are skipped rather than failing the
    whole batch, because a user may have deleted a platform a source still mentions.
    """
    rows = list(rows)
    if not rows:
        return 0
    take_write_lock(session, "metrics")
    known = set(session.exec(select(Platform.slug)).all())
    observed = ensure_utc(now)
    values = [
        {
            "platform": row.platform,
            "metric": row.metric,
            "subject": row.subject,
            "period": row.period,
            "value": row.value,
            "observed_at": observed,
            "source_id": source_id,
            "detail": dict(row.detail),
        }
        for row in _last_per_key(rows)
        if row.platform in known
    ]
    if not values:
        return 0
    upsert(
        session,
        Metric,
        values,
        ["platform", "metric", "subject", "period"],
        update=["value", "observed_at", "source_id", "detail"],
    )
    return len(values)


def take_write_lock(session: Session, name: str) -> None:
    """Write before reading, so the transaction holds the write lock from its first statement.

    On SQLite in WAL mode, a transaction that reads and then writes fails at once ("database is
    locked", the busy timeout does not apply) if another connection committed in between; a
    transaction that starts by writing waits its turn instead. PostgreSQL takes an advisory lock.
    """
    Store(session.get_bind()).lock(session, name)  # type: ignore[arg-type]


def _last_per_key(rows: Sequence[MetricRow]) -> list[MetricRow]:
    """One row per unique key (the last wins), as one INSERT cannot touch a row twice."""
    unique: dict[tuple[str, str, str, str], MetricRow] = {}
    for row in rows:
        unique[(row.platform, row.metric, row.subject, row.period)] = row
    return list(unique.values())


def save_metrics(
    store: Store, rows: Iterable[MetricRow], *, source_id: str | None, now: datetime
) -> int:
    """Upsert ``rows`` in their own transaction; see :func:`save_metrics_in`."""
    with store.session() as session:
        return save_metrics_in(session, rows, source_id=source_id, now=now)


def list_metrics(
    store: Store,
    *,
    platform: str | None = None,
    metric: str | None = None,
    subject: str | None = None,
    source_id: str | None = None,
) -> list[dict[str, Any]]:
    """Stored metrics, by platform, metric, subject and period.

    ``metric`` matches a name exactly or, ending in ``.``  or ``*``, as a prefix (``pageviews.``).
    """
    with store.session() as session:
        if platform is not None and session.get(Platform, platform) is None:
            known = ", ".join(session.exec(select(Platform.slug).order_by(Platform.slug)).all())
            raise InputError(f"unknown platform {platform!r} (known: {known})")
        query = select(Metric).order_by(
            Metric.platform, Metric.metric, Metric.subject, Metric.period
        )
        if platform is not None:
            query = query.where(Metric.platform == platform)
        if metric is not None:
            prefix = metric.rstrip("*")
            if metric.endswith(("*", ".")):
                query = query.where(Metric.metric.startswith(prefix))  # type: ignore[attr-defined]
            else:
                query = query.where(Metric.metric == metric)
        if subject is not None:
            query = query.where(Metric.subject == subject)
        if source_id is not None:
            query = query.where(Metric.source_id == source_id)
        return [metric_dict(m) for m in session.exec(query).all()]
