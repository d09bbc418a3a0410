"""Per-source fetch state: which sources are due, what happened last time, when to try again.

Feed-reader users complain most about readers that silently stop retrying, so a failing source
backs off (exponentially, with jitter, honouring Retry-After, capped) but is never abandoned; a
source that answers but has said nothing for much longer than its usual rhythm is flagged as
silent. This module is core: no Scrapy, ``now`` always passed in.
"""

from __future__ import annotations

import random
import statistics
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from watch.clock import ensure_utc
from watch.errors import InputError
from watch.models import Source
from watch.store import Store

# Seconds between two fetches of a healthy source, per kind (a source's options["interval"] wins).
DEFAULT_INTERVALS = {
    "feed": 3600,
    "newsroom": 6 * 3600,
    "pageviews": 86400,
    "app_rank": 86400,
}
FALLBACK_INTERVAL = 6 * 3600
MAX_INTERVAL = 7 * 86400  # a Cache-Control max-age of a year must not hide a source for a year
BACKOFF_BASE = 15 * 60
BACKOFF_CAP = 86400  # a broken source is still tried every day: never abandoned
JITTER = 0.2
WARNING_PREFIX = "warning: "


@dataclass(frozen=True)
class SourceTask:
    """What a spider needs to fetch a source: a plain snapshot, detached from any session."""

    id: str
    kind: str
    url: str
    platform: str | None = None
    language: str | None = None
    title: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    error_count: int = 0

    @classmethod
    def of(cls, source: Source) -> SourceTask:
        return cls(
            id=source.id,
            kind=source.kind,
            url=source.url,
            platform=source.platform,
            language=source.language,
            title=source.title,
            options=dict(source.options or {}),
            etag=source.etag,
            last_modified=source.last_modified,
            error_count=source.error_count,
        )


@dataclass
class Outcome:
    """What one fetch of a source came to (HTTP details kept for backoff and validators)."""

    status: int | None = None
    error: str | None = None
    warning: str | None = None
    not_modified: bool = False
    etag: str | None = None
    last_modified: str | None = None
    retry_after: float | None = None
    max_age: float | None = None
    new_items: int = 0

    @property
    def failed(self) -> bool:
        return self.error is not None


def is_due(source: Source, now: datetime) -> bool:
    return source.next_fetch_at is None or ensure_utc(source.next_fetch_at) <= now


def select_sources(
    store: Store,
    now: datetime,
    *,
    kinds: set[str] | None = None,
    exclude_kinds: set[str] | None = None,
    source_id: str | None = None,
) -> list[SourceTask]:
    """The sources to fetch now: enabled and due, or the one named (even when not due)."""
    with store.session() as session:
        if source_id is not None:
            source = session.get(Source, source_id)
            if source is None:
                raise InputError(f"unknown source {source_id!r} (see `vigie sources list`)")
            if kinds is not None and source.kind not in kinds:
                raise InputError(f"source {source_id!r} is of kind {source.kind!r}, not selected")
            return [SourceTask.of(source)]
        query = select(Source).where(Source.enabled == True).order_by(Source.id)  # noqa: E712
        chosen = []
        for source in session.exec(query).all():
            if kinds is not None and source.kind not in kinds:
                continue
            if exclude_kinds and source.kind in exclude_kinds:
                continue
            if is_due(source, now):
                chosen.append(SourceTask.of(source))
        return chosen


def interval_for(source: Source) -> float:
    """Seconds between two fetches of a healthy source."""
    configured = (source.options or {}).get("interval")
    if isinstance(configured, int | float) and configured > 0:
        return float(configured)
    return float(DEFAULT_INTERVALS.get(source.kind, FALLBACK_INTERVAL))


def backoff_delay(
    error_count: int, retry_after: float | None = None, rng: random.Random | None = None
) -> float:
    """Seconds before retrying after ``error_count`` consecutive failures.

    Exponential with ±20 % jitter so that many failing sources do not retry in lock-step; a
    server's Retry-After is a floor; the cap keeps a broken source on a daily retry forever.
    """
    rng = rng or random.Random()
    exponent = max(error_count - 1, 0)
    delay = min(BACKOFF_BASE * (2 ** min(exponent, 20)), BACKOFF_CAP)
    delay *= 1 + rng.uniform(-JITTER, JITTER)
    if retry_after is not None and retry_after > 0:
        delay = max(delay, retry_after)
    return min(delay, BACKOFF_CAP * (1 + JITTER))


def success_delay(source: Source, max_age: float | None) -> float:
    """Seconds before the next fetch of a source that answered: its rhythm, or the cache's."""
    delay = interval_for(source)
    if max_age is not None and max_age > delay:
        delay = max_age
    return min(delay, MAX_INTERVAL)


def load_sources(session: Session, source_ids: list[str]) -> list[Source]:
    """Load many sources in one query before recording their outcomes.

    :func:`record_outcome` then finds each in the session (no query per source), and the
    session flushes their updates together: a batch of 500 unchanged feeds costs a few
    statements instead of a SELECT and an UPDATE each. Keep the returned list while recording
    (the session only holds weak references to unchanged objects).
    """
    wanted = sorted(set(source_ids))
    found: list[Source] = []
    for start in range(0, len(wanted), 400):
        chunk = wanted[start : start + 400]
        found += session.exec(select(Source).where(col(Source.id).in_(chunk))).all()
    return found


def record_outcome(
    session: Session,
    source_id: str,
    outcome: Outcome,
    *,
    now: datetime,
    rng: random.Random | None = None,
) -> None:
    """Save what a fetch came to on the source, in the caller's transaction."""
    source = session.get(Source, source_id)
    if source is None:  # removed while the crawl ran: nothing to record
        return
    source.last_fetched_at = now
    if outcome.status is not None:
        source.last_status = outcome.status
    if outcome.failed:
        source.error_count = (source.error_count or 0) + 1
        source.last_error = outcome.error
        source.next_fetch_at = now + timedelta(
            seconds=backoff_delay(source.error_count, outcome.retry_after, rng)
        )
    else:
        source.error_count = 0
        source.last_error = WARNING_PREFIX + outcome.warning if outcome.warning else None
        source.last_success_at = now
        if outcome.new_items:
            source.last_new_item_at = now
        # Validators are refreshed whenever the server sends them, 304 included.
        if outcome.etag:
            source.etag = outcome.etag
        if outcome.last_modified:
            source.last_modified = outcome.last_modified
        source.next_fetch_at = now + timedelta(seconds=success_delay(source, outcome.max_age))
    session.add(source)


# -- silence --------------------------------------------------------------------------------

SILENCE_FACTOR = 4
SILENCE_MIN = timedelta(days=7)
SILENCE_MIN_ITEMS = 4


@dataclass(frozen=True)
class Silence:
    """A source quiet for much longer than its usual rhythm."""

    since: datetime
    usual_gap: timedelta

    def describe(self) -> str:
        days = self.usual_gap.total_seconds() / 86400
        return f"silent since {self.since.date().isoformat()} (usually every {days:.1f} days)"


def silence(published: list[datetime], now: datetime) -> Silence | None:
    """Flag a source whose newest item is older than several times its median gap.

    Needs a few items to know a rhythm; a one-week floor keeps weekly blogs from being flagged
    on their day off.
    """
    dates = sorted(ensure_utc(d) for d in published if d is not None)
    if len(dates) < SILENCE_MIN_ITEMS:
        return None
    gaps = [b - a for a, b in zip(dates, dates[1:], strict=False) if b > a]
    if not gaps:
        return None
    usual = timedelta(seconds=statistics.median(g.total_seconds() for g in gaps))
    threshold = max(usual * SILENCE_FACTOR, SILENCE_MIN)
    newest = dates[-1]
    if now - newest > threshold:
        return Silence(since=newest, usual_gap=usual)
    return None


RHYTHM_SAMPLE = 30  # newest items used to learn a source's rhythm


def silences(session: Session, source_ids: list[str], now: datetime) -> dict[str, Silence]:
    """The sources among ``source_ids`` that have gone silent, from their entries' dates."""
    from watch.models import Entry

    found = {}
    for source_id in source_ids:
        query = (
            select(Entry.published_at)
            .where(Entry.source_id == source_id)
            .where(Entry.published_at.is_not(None))  # type: ignore[union-attr]
            .order_by(Entry.published_at.desc())  # type: ignore[union-attr]
            .limit(RHYTHM_SAMPLE)
        )
        dates = [d for d in session.exec(query).all() if d is not None]
        quiet = silence(dates, now)
        if quiet is not None:
            found[source_id] = quiet
    return found
