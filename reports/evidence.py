"""The evidence behind each platform, read from the store up to the report's ``as_of``.

Signals (the cited ones first, then the most recent), momentum series, cited audience studies,
peer presences, the sources' fetch state and the emergence candidates; URLs are checked here
(only http/https become links) and texts flattened to one line, never trusted as markup.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import String, and_, type_coerce
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, func, select

from reports.safety import one_line, safe_url
from watch.models import Fact, Metric, Peer, PeerPresence, Signal, Source

EVIDENCE_LIMIT = 12
MOMENTUM_MONTHS = 24


def _signal_date(signal: Signal) -> datetime:
    return signal.published_at or signal.fetched_at


def cited_signals(platforms: Iterable[Mapping[str, Any]]) -> dict[str, set[int]]:
    """Per platform, the ids of the signals its criteria cite (``signal:<id>`` evidence)."""
    cited: dict[str, set[int]] = defaultdict(set)
    for platform in platforms:
        for criterion in platform["criteria"]:
            for item in criterion["evidence"]:
                kind, _, number = str(item).partition(":")
                if kind == "signal" and number.isdigit():
                    cited[platform["slug"]].add(int(number))
    return cited


def _signal_dated(until: datetime) -> tuple[Any, Any]:
    """``coalesce(published_at, fetched_at) <= until`` as two index-friendly conditions."""
    return (
        and_(col(Signal.published_at).is_not(None), col(Signal.published_at) <= until),
        and_(col(Signal.published_at).is_(None), col(Signal.fetched_at) <= until),
    )


def _signal_counts(session: Session, slugs: list[str], as_of: datetime) -> dict[str, int]:
    """How many signals each platform has up to ``as_of`` (``COUNT(*)`` on the
    ``(platform, published_at)`` index, not a read of every row)."""
    counts: dict[str, int] = defaultdict(int)
    for dated in _signal_dated(as_of):
        query = (
            select(col(Signal.platform), func.count())
            .where(col(Signal.platform).in_(slugs), dated)
            .group_by(col(Signal.platform))
        )
        for platform, count in session.exec(query).all():
            counts[platform] += int(count)
    return counts


def _latest_signals(session: Session, slug: str, as_of: datetime) -> list[Signal]:
    """The :data:`EVIDENCE_LIMIT` newest signals of one platform up to ``as_of``."""
    published, undated = _signal_dated(as_of)
    found = list(
        session.exec(
            select(Signal)
            .where(col(Signal.platform) == slug, published)
            .order_by(col(Signal.published_at).desc(), col(Signal.id).desc())
            .limit(EVIDENCE_LIMIT)
        ).all()
    )
    found += session.exec(
        select(Signal)
        .where(col(Signal.platform) == slug, undated)
        .order_by(col(Signal.fetched_at).desc(), col(Signal.id).desc())
        .limit(EVIDENCE_LIMIT)
    ).all()
    return found


def signals(
    session: Session, slugs: list[str], as_of: datetime, cited: Mapping[str, set[int]]
) -> tuple[dict[str, list[dict[str, Any]]], dict[str, int]]:
    """Per platform up to ``as_of``: the signals the score cites and the most recent others
    (at most :data:`EVIDENCE_LIMIT` in all unless more are cited), and how many exist.

    Only what is shown is read: the newest few per platform and the cited ones; the totals
    are counted in SQL (a ten-year store holds a million signals)."""
    titles = dict(session.exec(select(Source.id, Source.title)).all())
    found: dict[int, Signal] = {}
    for slug in slugs:
        for signal in _latest_signals(session, slug, as_of):
            found[signal.id or 0] = signal
    wanted = sorted({i for slug in slugs for i in cited.get(slug, ())})
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        for signal in session.exec(select(Signal).where(col(Signal.id).in_(chunk))).all():
            found[signal.id or 0] = signal
    rows = sorted(found.values(), key=lambda s: (_signal_date(s), s.id or 0), reverse=True)
    listed: dict[str, list[dict[str, Any]]] = defaultdict(list)
    counts = _signal_counts(session, slugs, as_of)
    for signal in rows:
        when = _signal_date(signal)
        if when > as_of or signal.platform not in counts:
            continue
        is_cited = signal.id in cited.get(signal.platform, ())
        if len(listed[signal.platform]) >= EVIDENCE_LIMIT and not is_cited:
            continue
        listed[signal.platform].append(
            {
                "id": signal.id,
                "date": when,
                "kind": signal.kind,
                "title": one_line(signal.title, 200),
                "summary": one_line(signal.summary, 280),
                "url": safe_url(signal.url),
                "raw_url": signal.url,
                "source": titles.get(signal.source_id) or signal.source_id or "",
                "value": signal.value,
                "unit": signal.unit,
                "cited": is_cited,
            }
        )
    return listed, dict(counts)


_PERIOD_FORMATS = (
    (re.compile(r"^(\d{4})-(\d{2})-(\d{2})"), lambda m: date(int(m[1]), int(m[2]), int(m[3]))),
    (re.compile(r"^(\d{4})(\d{2})(\d{2})"), lambda m: date(int(m[1]), int(m[2]), int(m[3]))),
    (re.compile(r"^(\d{4})-(\d{2})$"), lambda m: date(int(m[1]), int(m[2]), 1)),
    (re.compile(r"^(\d{4})-Q([1-4])$"), lambda m: date(int(m[1]), 3 * int(m[2]) - 2, 1)),
)


class _LazyDate:
    """A raw stored datetime (SQLite text, PostgreSQL datetime) parsed only if asked."""

    def __init__(self, raw: Any) -> None:
        self.raw = raw

    def date(self) -> date:
        value = datetime.fromisoformat(self.raw) if isinstance(self.raw, str) else self.raw
        return value.astimezone(UTC).date() if value.tzinfo else value.date()


def period_date(period: str, observed_at: datetime | _LazyDate) -> date:
    """The day a metric's period starts (2026-10, 2026-10-01, 2026100100, 2026-Q4...)."""
    for pattern, build in _PERIOD_FORMATS:
        match = pattern.match(period or "")
        if match:
            try:
                return build(match)
            except ValueError:
                break
    return observed_at.date()


def metric_group(metric: str) -> str | None:
    """Which momentum chart panel a metric belongs to, if any."""
    head = metric.split(".", 1)[0]
    if head == "pageviews":
        return "pageviews"
    if head == "app_rank":
        return "app_rank"
    if head in ("users", "mau", "dau", "accounts", "downloads"):
        return "users"
    return None


def metrics(session: Session, slugs: list[str], as_of: datetime) -> dict[str, dict[str, Any]]:
    """Per platform, per momentum panel, per metric: sorted (day, value) points."""
    since = (as_of - timedelta(days=31 * MOMENTUM_MONTHS)).date()
    # Plain columns through Core (no ORM object per row: ten years of daily ranks are ~80,000
    # rows); observed_at is parsed only for the rare period that does not say its date.
    table = Metric.__table__.c  # type: ignore[attr-defined]
    query = sa_select(
        table.platform, table.metric, table.value, table.period,
        type_coerce(table.observed_at, String),
    ).where(table.platform.in_(slugs), table.subject == "", table.value.is_not(None))  # fmt: skip
    series: dict[str, dict[str, dict[str, list[tuple[date, float]]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(list))
    )
    for platform, name, value, period, observed in session.connection().execute(query):
        group = metric_group(name)
        if group is None:
            continue
        day = period_date(period, _LazyDate(observed))
        if day < since or day > as_of.date():
            continue
        series[platform][group][name].append((day, float(value)))
    return {
        slug: {
            group: {name: sorted(points) for name, points in sorted(metrics.items())}
            for group, metrics in groups.items()
        }
        for slug, groups in series.items()
    }


def facts(session: Session, slugs: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Per platform, the cited audience studies (publisher, title, year, link): never uncited."""
    facts: dict[str, list[dict[str, Any]]] = defaultdict(list)
    rows = session.exec(
        select(Fact)
        .where(col(Fact.platform).in_(slugs), col(Fact.key) == "audience_share")
        .order_by(col(Fact.audience), col(Fact.age_group), col(Fact.year).desc(), col(Fact.ref))
    ).all()
    for fact in rows:
        facts[fact.platform or ""].append(
            {
                "audience": fact.audience or "all",
                "age_group": fact.age_group,
                "value": fact.value,
                "number": fact.number,
                "publisher": fact.publisher,
                "title": fact.title,
                "year": fact.year,
                "url": safe_url(fact.url),
                "reported_by": fact.reported_by,
            }
        )
    return facts


def audience_matrix(
    platforms: Iterable[Mapping[str, Any]],
) -> tuple[list[str], list[str], list[list[float | None]]]:
    """Rows (platform names), columns (audiences) and the most recent cited share of each.

    Among the studies of the most recent year for a cell, the highest share is kept: the
    question is whether the audience can be reached there at all.
    """
    best: dict[tuple[str, str], tuple[int, float]] = {}
    names: list[str] = []
    audiences: set[str] = set()
    for platform in platforms:
        names.append(platform["name"])
        for fact in platform["facts"]:
            if fact["number"] is None:
                continue
            key = (platform["name"], fact["audience"])
            audiences.add(fact["audience"])
            candidate = (fact["year"], fact["number"])
            if key not in best or candidate > best[key]:
                best[key] = candidate
    order = ["seniors", "adults", "youth", "students", "professionals", "families", "associations"]
    columns = [a for a in order if a in audiences] + sorted(audiences - set(order))
    values = [[best[(n, a)][1] if (n, a) in best else None for a in columns] for n in names]
    return names, columns, values


def peers(session: Session, slugs: list[str]) -> tuple[int, dict[str, list[dict[str, Any]]]]:
    """How many peer cities are known, and per platform which of them link to it."""
    total = session.exec(select(func.count()).select_from(Peer)).one()
    rows = session.exec(
        select(PeerPresence, Peer)
        .join(Peer, col(Peer.id) == col(PeerPresence.peer_id))
        .where(col(PeerPresence.platform).in_(slugs))
        .order_by(col(Peer.name), col(Peer.id))
    ).all()
    present: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for presence, peer in rows:
        present[presence.platform].append(
            {
                "peer": peer.name,
                "population": peer.population,
                "url": safe_url(presence.account_url),
                "raw_url": presence.account_url,
            }
        )
    return int(total), present


def sources(session: Session) -> list[dict[str, Any]]:
    """Every source with its fetch state, for the method section (templates are not links)."""
    rows = session.exec(select(Source).order_by(col(Source.kind), col(Source.id))).all()
    return [
        {
            "id": source.id,
            "kind": source.kind,
            "title": source.title,
            "url": safe_url(source.url) if "{" not in source.url else None,
            "raw_url": source.url,
            "enabled": source.enabled,
            "last_fetched_at": source.last_fetched_at,
            "last_status": source.last_status,
            "last_error": one_line(source.last_error, 200) or None,
            "error_count": source.error_count,
        }
        for source in rows
    ]


def candidates(raw: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Emergence candidates with their example links checked like every other link."""
    return [
        {
            **candidate,
            "examples": [
                {
                    **example,
                    "title": one_line(example.get("title"), 200),
                    "url": safe_url(example.get("url")),
                }
                for example in candidate.get("examples") or []
            ],
        }
        for candidate in raw
    ]
