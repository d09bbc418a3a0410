"""The evidence of every platform, read from the store in a handful of queries.

Criteria never touch the database: the engine loads one :class:`EvidenceSet` (plain, immutable
rows grouped by platform) and hands each criterion its platform's share. ``as_of`` keeps only what
was available at that instant, so a past quarter can be re-scored as it would have been then.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from operator import attrgetter
from typing import Any, NamedTuple

from sqlalchemy import String, and_, case, func, true, type_coerce
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from criteria.horizons import SignalNeed
from watch.clock import ensure_utc, isoformat
from watch.decisions import STATUS_AFTER  # an accepted decision sets the status
from watch.models import Decision, Fact, Metric, Peer, PeerPresence, Platform, Signal
from watch.store import Store


@dataclass(frozen=True, slots=True)
class PlatformInfo:
    slug: str
    name: str
    aliases: tuple[str, ...]
    status: str
    category: str | None
    launched: int | None
    owner: str | None
    hq_country: str | None
    protocol: str
    reference_url: str | None


class SignalRow(NamedTuple):
    """One signal as the criteria see it (a named tuple: a ten-year store yields hundreds of
    thousands, and a tuple is built several times faster than a frozen dataclass)."""

    id: int
    platform: str
    kind: str
    title: str
    url: str | None
    date: datetime
    source_id: str | None
    value: float | None
    unit: str | None
    cluster_id: str | None


class MetricRow(NamedTuple):
    """One metric value of a platform-level series (a named tuple, like :class:`SignalRow`)."""

    id: int
    platform: str
    metric: str
    value: float | None
    period: str
    end: datetime
    subject: str
    source_id: str | None
    in_chart: bool


@dataclass(frozen=True, slots=True)
class FactRow:
    ref: str
    platform: str | None
    key: str
    audience: str | None
    age_group: str | None
    value: str
    number: float | None
    publisher: str
    title: str | None
    year: int
    url: str
    confidence: str | None


@dataclass(frozen=True, slots=True)
class PresenceRow:
    id: int
    peer_id: int
    peer_name: str
    platform: str
    account_url: str
    first_seen_at: datetime


@dataclass
class PlatformEvidence:
    """Everything known about one platform at ``as_of``."""

    info: PlatformInfo
    facts: list[FactRow] = field(default_factory=list)
    signals: list[SignalRow] = field(default_factory=list)
    metrics: dict[str, list[MetricRow]] = field(default_factory=dict)
    presences: list[PresenceRow] = field(default_factory=list)
    # How many signals of every kind are dated within N days of as_of, and the newest date,
    # counted in SQL by load_evidence for the windows the criteria ask (key: N).
    news_counts: dict[float, tuple[int, datetime | None]] = field(default_factory=dict)
    # Items telling each story among this platform's signals, over the whole history up to
    # as_of, read or not (filled by load_evidence; empty: count them among ``signals``).
    cluster_sizes: dict[str, int] = field(default_factory=dict)
    # Built on first use from ``signals`` (rebuilt if that list is replaced or grows).
    _index: _SignalIndex | None = field(default=None, init=False, repr=False, compare=False)
    # What the criteria work out from this platform's evidence and share (e.g. which titles
    # name the platform: momentum and maturity test the same milestone titles).
    memo: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def slug(self) -> str:
        return self.info.slug

    def _signal_index(self) -> _SignalIndex:
        index = self._index
        if index is None or index.signals is not self.signals or index.size != len(self.signals):
            index = self._index = _SignalIndex.of(self.signals)
        return index

    def of_kinds(self, kinds: Iterable[str]) -> list[SignalRow]:
        """The signals of ``kinds``, in ``signals`` order: each criterion reads a few kinds
        among the hundreds of thousands of signals a ten-year store loads, and filtering them
        all for each criterion and platform was a good part of scoring."""
        index = self._signal_index()
        lists = [index.positions[k] for k in set(kinds) if k in index.positions]
        if len(lists) == 1:
            return [self.signals[i] for i in lists[0]]
        return [self.signals[i] for i in sorted(i for positions in lists for i in positions)]

    def dated_between(self, after: datetime, until: datetime) -> list[SignalRow]:
        """The signals dated in ``(after, until]``, in ``signals`` order (a binary search when
        ``signals`` is in date order, as load_evidence leaves it)."""
        index = self._signal_index()
        if index.dates is None:
            return [s for s in self.signals if after < s.date <= until]
        start = bisect_right(index.dates, after)
        end = max(start, bisect_right(index.dates, until))
        return self.signals[start:end]

    def news_within(self, days: float, as_of: datetime) -> tuple[int, datetime | None]:
        """How many signals are at most ``days`` old at ``as_of`` (future-dated ones count),
        and the newest one's date: counted in SQL when loaded, else from ``signals``."""
        if days in self.news_counts:
            return self.news_counts[days]
        dates = [s.date for s in self.signals if (as_of - s.date).total_seconds() / 86400.0 <= days]
        return len(dates), max(dates, default=None)


@dataclass(frozen=True, slots=True)
class _SignalIndex:
    """Positions of a platform's signals by kind, and their dates when in date order."""

    signals: list[SignalRow]
    size: int
    positions: dict[str, list[int]]
    dates: list[datetime] | None  # None: the signals are not in date order

    @classmethod
    def of(cls, signals: list[SignalRow]) -> _SignalIndex:
        positions: dict[str, list[int]] = defaultdict(list)
        for i, signal in enumerate(signals):
            positions[signal.kind].append(i)
        dates = [s.date for s in signals]
        ordered = all(a <= b for a, b in zip(dates, dates[1:], strict=False))
        return cls(signals, len(signals), dict(positions), dates if ordered else None)


@dataclass
class EvidenceSet:
    as_of: datetime
    platforms: dict[str, PlatformEvidence]
    peers_total: int
    cluster_sizes: dict[str, int]
    signals_by_id: dict[int, SignalRow]
    metrics_by_id: dict[int, MetricRow]
    facts_by_ref: dict[str, FactRow]
    presences_by_id: dict[int, PresenceRow]

    @property
    def joined(self) -> list[str]:
        return sorted(s for s, p in self.platforms.items() if p.info.status == "joined")

    def corroborated(self, signal: SignalRow) -> bool:
        """A story is corroborated when at least two collected items tell it (same cluster)."""
        return bool(signal.cluster_id) and self.cluster_sizes.get(signal.cluster_id or "", 0) >= 2

    def describe(self, evidence_id: str) -> dict[str, Any]:
        """Title, link and date of one piece of evidence, for reports and decision snapshots."""
        kind, _, key = evidence_id.partition(":")
        if kind == "signal" and key.isdigit() and int(key) in self.signals_by_id:
            s = self.signals_by_id[int(key)]
            return {"type": "signal", "kind": s.kind, "title": s.title, "url": s.url,
                    "date": isoformat(s.date), "publisher": s.source_id}  # fmt: skip
        if kind == "metric" and key.isdigit() and int(key) in self.metrics_by_id:
            m = self.metrics_by_id[int(key)]
            return {"type": "metric", "title": f"{m.metric} {m.period}", "url": None,
                    "date": m.period, "value": m.value, "publisher": m.source_id}  # fmt: skip
        if kind == "fact" and key in self.facts_by_ref:
            f = self.facts_by_ref[key]
            return {"type": "fact", "title": f.title or f.key, "publisher": f.publisher,
                    "year": f.year, "url": f.url, "value": f.value}  # fmt: skip
        if kind == "peer_presence" and key.isdigit() and int(key) in self.presences_by_id:
            p = self.presences_by_id[int(key)]
            return {"type": "peer_presence", "title": p.peer_name, "url": p.account_url,
                    "date": isoformat(p.first_seen_at)}  # fmt: skip
        if kind == "platform" and key in self.platforms:
            info = self.platforms[key].info
            return {"type": "catalogue", "title": f"{info.name} (catalogue)",
                    "url": info.reference_url}  # fmt: skip
        return {"type": kind, "title": key, "url": None}


def period_end(period: str, fallback: datetime | None) -> datetime | None:
    """The first instant after a metric's period (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``)."""
    try:
        parts = [int(p) for p in period.split("-")]
        if len(parts) == 1:
            return datetime(parts[0] + 1, 1, 1, tzinfo=UTC)
        if len(parts) == 2:
            year, month = parts
            if not 1 <= month <= 12:
                return fallback
            return datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC)
        if len(parts) == 3:
            return datetime(parts[0], parts[1], parts[2], tzinfo=UTC) + timedelta(days=1)
    except (ValueError, OverflowError):
        return fallback
    return fallback


def _statuses_at(session: Session, as_of: datetime) -> dict[str, str]:
    """The status each platform had at ``as_of``, from the last accepted decision before it."""
    rows = session.execute(
        select(col(Decision.platform), col(Decision.verdict), col(Decision.decided_at))
        .where(col(Decision.status) == "accepted")
        .order_by(col(Decision.seq))
    ).all()
    statuses: dict[str, str] = {}
    for platform, verdict, decided_at in rows:
        if ensure_utc(decided_at) <= as_of and verdict in STATUS_AFTER:
            statuses[platform] = STATUS_AFTER[verdict]
    return statuses


def _platforms(session: Session, as_of: datetime, past: bool) -> dict[str, PlatformEvidence]:
    decided = _statuses_at(session, as_of) if past else {}
    out = {}
    for p in session.exec(select(Platform).order_by(Platform.slug)).all():
        status = p.status
        if past:
            changed_later = (
                p.status_changed_at is not None and ensure_utc(p.status_changed_at) > as_of
            )
            status = decided.get(p.slug) or ("watching" if changed_later else p.status)
        info = PlatformInfo(
            p.slug, p.name, tuple(p.aliases or ()), status, p.category, p.launched, p.owner, p.hq_country,
            p.protocol, p.reference_url,
        )  # fmt: skip
        out[p.slug] = PlatformEvidence(info)
    return out


def load_evidence(
    store: Store,
    *,
    as_of: datetime,
    past: bool = False,
    signal_needs: list[SignalNeed] | None = None,
) -> EvidenceSet:
    """Read every platform's evidence, as it stood at ``as_of`` when ``past`` is set.

    Scoring "now" uses everything in the store (a clock pinned with VIGIE_NOW must not hide
    what was just collected); scoring a past instant keeps only what was known then, and the
    platforms' statuses then. Metrics always need their period to be over: a month still
    running would read as a drop.

    ``signal_needs`` (see :mod:`criteria.horizons`) limits the signals read to the kinds and
    horizons the criteria use; None reads them all. Story sizes are counted over the whole
    history, and trust's stories are read whole (their first date is that of the history).
    """
    as_of = ensure_utc(as_of)
    known_by = as_of if past else datetime.max.replace(tzinfo=UTC)
    with store.session() as session:
        platforms = _platforms(session, as_of, past)
        signals, clusters = _signals(session, as_of if past else None, platforms, as_of=as_of,
                                     needs=signal_needs)  # fmt: skip
        _news_counts(session, as_of, as_of if past else None, platforms, signal_needs)
        metrics = _metrics(session, as_of, platforms)
        facts = _facts(session, known_by, platforms)
        presences, peers_total = _presences(session, known_by, platforms)
    return EvidenceSet(
        as_of=as_of,
        platforms=platforms,
        peers_total=peers_total,
        cluster_sizes=clusters,
        signals_by_id=signals,
        metrics_by_id=metrics,
        facts_by_ref=facts,
        presences_by_id=presences,
    )


def _rows(session: Session, columns: tuple[Any, ...], *where: Any) -> list[Any]:
    """Plain tuples through Core, skipping the ORM's per-row work (the hot path of scoring)."""
    return list(session.connection().execute(sa_select(*columns).where(*where)).all())


def plain_datetime(value: Any) -> datetime:
    """A stored datetime read raw (SQLite: naive UTC text; PostgreSQL: aware) as aware UTC."""
    if isinstance(value, str):
        try:
            # Naive UTC text: parsing it with its offset is ~7x faster than .replace(tzinfo=).
            return datetime.fromisoformat(value + "+00:00")
        except ValueError:  # already carries an offset
            value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


_SIGNAL = Signal.__table__.c  # type: ignore[attr-defined]
# Dates as plain values (no type decorator per row): parsed once by plain_datetime().
_SIGNAL_COLUMNS = (
    _SIGNAL.id, _SIGNAL.platform, _SIGNAL.kind, _SIGNAL.title, _SIGNAL.url,
    type_coerce(_SIGNAL.published_at, String), type_coerce(_SIGNAL.fetched_at, String),
    _SIGNAL.source_id, _SIGNAL.value, _SIGNAL.unit, _SIGNAL.cluster_id,
)  # fmt: skip


def _dated_between(
    since: datetime | None, until: datetime | None, before: datetime | None = None
) -> list[Any]:
    """``coalesce(published_at, fetched_at)`` in [since, until] (and < ``before``), as two
    index-friendly ranges (``published_at`` is indexed; undated items use ``fetched_at``)."""
    dated: list[Any] = [_SIGNAL.published_at.is_not(None)]
    undated: list[Any] = [_SIGNAL.published_at.is_(None)]
    if since is not None:
        dated.append(_SIGNAL.published_at >= since)
        undated.append(_SIGNAL.fetched_at >= since)
    if until is not None:
        dated.append(_SIGNAL.published_at <= until)
        undated.append(_SIGNAL.fetched_at <= until)
    if before is not None:
        dated.append(_SIGNAL.published_at < before)
        undated.append(_SIGNAL.fetched_at < before)
    return [and_(*dated), and_(*undated)]


def _signal_rows(
    session: Session, as_of: datetime, known_by: datetime | None, needs: list[SignalNeed] | None
) -> dict[int, tuple]:
    """The raw rows the criteria need (every row up to ``known_by`` when ``needs`` is None)."""
    if needs is None:
        needs = [SignalNeed(None, None)]
    # Every kind is read over the broadest window; narrower reads (kinds, figures) then only
    # need what lies before it, so that no row is fetched twice.
    broad = [n.days for n in needs if n.kinds is None and n.units is None and not n.count_only]
    broad_since = None
    if broad and None not in broad:
        broad_since = as_of - timedelta(days=max(d or 0.0 for d in broad))
    found: dict[int, tuple] = {}
    for need in needs:
        if need.count_only:
            continue
        since = None if need.days is None else as_of - timedelta(days=need.days)
        before = None if (need.kinds is None and need.units is None) else broad_since
        if before is not None and since is not None and since >= before:
            continue  # inside the broad window, already read
        if since is None and known_by is None and before is None:
            ranges: list[Any] = [true()]
        else:
            ranges = _dated_between(since, known_by, before)
        for dates in ranges:
            where = [dates]
            if need.kinds is not None:
                where.append(_SIGNAL.kind.in_(sorted(need.kinds)))
            if need.units is not None:
                where += [_SIGNAL.value > 0, _SIGNAL.unit.in_(sorted(need.units))]
            for row in _rows(session, _SIGNAL_COLUMNS, *where):
                found[row[0]] = row
    return found


def _signals(
    session: Session,
    known_by: datetime | None,
    platforms: dict[str, PlatformEvidence],
    *,
    as_of: datetime,
    needs: list[SignalNeed] | None,
) -> tuple[dict[int, SignalRow], dict[str, int]]:
    """The signals the criteria need, in date order per platform, and the size of each story
    they tell (every item up to ``known_by``, read or not)."""
    found: dict[int, SignalRow] = {}
    rows = _signal_rows(session, as_of, known_by, needs)
    if needs is None:
        sizes = Counter(row[10] for row in rows.values() if row[10] and row[1] in platforms)
    else:
        whole = sorted({k for n in needs if n.whole_stories for k in (n.kinds or ())})
        sizes = Counter(_stories(session, known_by, platforms, rows, whole))
    for row in rows.values():
        if row[1] not in platforms:
            continue
        date = plain_datetime(row[5] or row[6])
        signal = SignalRow(row[0], row[1], row[2], row[3], row[4], date, *row[7:])
        found[signal.id] = signal
    for signal in sorted(found.values(), key=attrgetter("date", "id")):
        platforms[signal.platform].signals.append(signal)
    return found, dict(sizes)


def _news_counts(
    session: Session,
    as_of: datetime,
    known_by: datetime | None,
    platforms: dict[str, PlatformEvidence],
    needs: list[SignalNeed] | None,
) -> None:
    """Fill ``news_counts`` for the windows counted in SQL (``count_only`` needs): a
    ``COUNT(*) ... GROUP BY platform`` served by ``ix_signal_platform_published``."""
    for need in needs or ():
        if not need.count_only or need.days is None:
            continue
        since = as_of - timedelta(days=need.days)
        counts: dict[str, tuple[int, datetime | None]] = {}
        for column, dates in zip(
            (_SIGNAL.published_at, _SIGNAL.fetched_at), _dated_between(since, known_by),
            strict=True,
        ):  # fmt: skip
            query = (
                sa_select(_SIGNAL.platform, func.count(), func.max(type_coerce(column, String)))
                .where(dates)
                .group_by(_SIGNAL.platform)
            )
            for platform, count, newest in session.connection().execute(query):
                before, latest = counts.get(platform, (0, None))
                newest = plain_datetime(newest) if newest is not None else None
                if latest is None or (newest is not None and newest > latest):
                    latest = newest
                counts[platform] = (before + count, latest)
        for slug, evidence in platforms.items():
            evidence.news_counts[need.days] = counts.get(slug, (0, None))


def _stories(
    session: Session,
    known_by: datetime | None,
    platforms: dict[str, PlatformEvidence],
    rows: dict[int, tuple],
    whole_kinds: list[str],
) -> dict[str, int]:
    """Story sizes over the whole history up to ``known_by`` for the stories (clusters) of
    ``rows``, counted in SQL (also per platform, in ``PlatformEvidence.cluster_sizes``), and
    the items of ``whole_kinds`` of those stories added to ``rows`` whatever their date.

    Items of one story are told within days of each other: only the few stories that straddle
    a horizon miss items, and only those are read again."""
    wanted = sorted({row[10] for row in rows.values() if row[10]})
    loaded = Counter(row[10] for row in rows.values() if row[10] and row[2] in whole_kinds)
    ranges = [true()] if known_by is None else _dated_between(None, known_by)
    per_platform: Counter[tuple[str, str]] = Counter()
    partial: list[str] = []
    whole = func.sum(case((_SIGNAL.kind.in_(whole_kinds or [""]), 1), else_=0))
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        stored: Counter[str] = Counter()
        for dates in ranges:
            query = (
                sa_select(_SIGNAL.cluster_id, _SIGNAL.platform, func.count(), whole)
                .where(_SIGNAL.cluster_id.in_(chunk), dates)
                .group_by(_SIGNAL.cluster_id, _SIGNAL.platform)
            )
            for cluster, platform, size, of_kinds in session.connection().execute(query).all():
                stored[cluster] += of_kinds or 0
                if platform in platforms:
                    per_platform[(cluster, platform)] += size
        partial += [c for c in chunk if loaded[c] and stored[c] != loaded[c]]
    for start in range(0, len(partial), 500):
        # By cluster only (its index), the kinds filtered here: a kind filter in SQL can
        # make SQLite pick the (kind, published_at) index and scan every story of that kind.
        chunk = partial[start : start + 500]
        for dates in ranges:
            for row in _rows(session, _SIGNAL_COLUMNS, _SIGNAL.cluster_id.in_(chunk), dates):
                if row[2] in whole_kinds:
                    rows[row[0]] = row
    sizes: Counter[str] = Counter()
    for (cluster, platform), size in per_platform.items():
        sizes[cluster] += size
        platforms[platform].cluster_sizes[cluster] = size
    return dict(sizes)


def _metrics(
    session: Session, as_of: datetime, platforms: dict[str, PlatformEvidence]
) -> dict[int, MetricRow]:
    # The hot path of `vigie score` (a daily app rank is 365 rows per platform a year): only
    # plain columns are read. A NULL value is "no number", which for a rank means outside the
    # chart (detail {"in_chart": false}); observed_at is read only for unparsable periods.
    columns = (
        col(Metric.id),
        col(Metric.platform),
        col(Metric.metric),
        col(Metric.value),
        col(Metric.period),
        col(Metric.subject),
        col(Metric.source_id),
    )
    found: dict[int, MetricRow] = {}
    grouped: dict[tuple[str, str], list[MetricRow]] = defaultdict(list)
    ends: dict[str, datetime | None] = {}
    unparsed: list[tuple] = []
    # Platform-level series only: per-subject rows (followers of each peer's account) can be
    # numerous on an observatory and no criterion reads them.
    for row in _rows(session, columns, col(Metric.subject) == ""):
        mid, platform, name, value, period, subject, source_id = row
        if platform not in platforms:
            continue
        if period not in ends:
            ends[period] = period_end(period, None)
        end = ends[period]
        if end is None:
            unparsed.append(row)
            continue
        if end <= as_of:
            metric = MetricRow(mid, platform, name, value, period, end, subject or "", source_id,
                               value is not None)  # fmt: skip
            found[mid] = metric
            grouped[(platform, name)].append(metric)
    if unparsed:
        ids = [r[0] for r in unparsed]
        query = select(col(Metric.id), col(Metric.observed_at)).where(col(Metric.id).in_(ids))
        observed: dict[int, datetime] = {mid: at for mid, at in session.execute(query).all()}
        for mid, platform, name, value, period, subject, source_id in unparsed:
            end = ensure_utc(observed[mid])
            if end <= as_of:
                metric = MetricRow(mid, platform, name, value, period, end, subject or "",
                                   source_id, value is not None)  # fmt: skip
                found[mid] = metric
                grouped[(platform, name)].append(metric)
    for (platform, name), rows in grouped.items():
        platforms[platform].metrics[name] = sorted(rows, key=lambda m: (m.end, m.id))
    return found


def _facts(
    session: Session, as_of: datetime, platforms: dict[str, PlatformEvidence]
) -> dict[str, FactRow]:
    found: dict[str, FactRow] = {}
    for f in session.exec(select(Fact).order_by(Fact.ref)).all():
        if f.year > as_of.year:
            continue
        row = FactRow(
            f.ref, f.platform, f.key, f.audience, f.age_group, f.value, f.number, f.publisher,
            f.title, f.year, f.url, f.confidence,
        )  # fmt: skip
        found[f.ref] = row
        if f.platform in platforms:
            platforms[f.platform].facts.append(row)
    return found


def _presences(
    session: Session, as_of: datetime, platforms: dict[str, PlatformEvidence]
) -> tuple[dict[int, PresenceRow], int]:
    # A peer counts from its registration, or from the first presence seen on its homepage
    # (a peer imported today may carry presences first seen in an earlier crawl).
    all_peers = {
        pid: (name, ensure_utc(created))
        for pid, name, created in session.connection().execute(
            select(col(Peer.id), col(Peer.name), col(Peer.created_at))
        )
    }
    columns = (
        col(PeerPresence.id),
        col(PeerPresence.peer_id),
        col(PeerPresence.platform),
        col(PeerPresence.account_url),
        col(PeerPresence.first_seen_at),
    )
    rows = [
        (pid, peer_id, platform, url, ensure_utc(first_seen))
        for pid, peer_id, platform, url, first_seen in _rows(session, columns)
        if ensure_utc(first_seen) <= as_of and peer_id in all_peers
    ]
    seen_peers = {row[1] for row in rows}
    peers = {
        pid: name
        for pid, (name, created) in all_peers.items()
        if created <= as_of or pid in seen_peers
    }
    found: dict[int, PresenceRow] = {}
    for pid, peer_id, platform, url, first_seen in rows:
        if platform not in platforms:
            continue
        row = PresenceRow(pid, peer_id, peers[peer_id], platform, url, first_seen)
        found[pid] = row
        platforms[platform].presences.append(row)
    return found, len(peers)
