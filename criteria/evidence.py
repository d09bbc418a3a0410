"""The evidence of every platform, read from the store in a handful of queries.

Criteria never touch the database: the engine loads one :class:`EvidenceSet` (plain, immutable
rows grouped by platform) and hands each criterion its platform's share. ``as_of`` keeps only what
was available at that instant, so a past quarter can be re-scored as it would have been then.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from operator import itemgetter
from typing import Any, NamedTuple

from sqlalchemy import (
    ARRAY,
    String,
    and_,
    bindparam,
    case,
    cast,
    func,
    literal,
    literal_column,
    or_,
    true,
    type_coerce,
)
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
    # Largest value of a windowed metric before its window (``load_evidence(metric_windows=)``),
    # counted in SQL: app ranks are read over two quarters, "outside the chart" needs the
    # largest rank ever seen.
    metric_max_before: dict[str, float] = field(default_factory=dict)
    # Stories too old to be cited, summed in SQL instead of read (SignalNeed.aggregate_after),
    # by (kinds, half_life, aggregate_after) of the need.
    old_stories: dict[tuple[frozenset[str], float, float], OldStories] = field(default_factory=dict)
    # Built on first use from ``signals`` (rebuilt if that list is replaced or grows).
    _index: _SignalIndex | None = field(default=None, init=False, repr=False, compare=False)
    # What the criteria work out from this platform's evidence and share (e.g. which titles
    # name the platform: momentum and maturity test the same milestone titles).
    memo: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def slug(self) -> str:
        return self.info.slug

    def names(self, title: str) -> bool:
        """Whether ``title`` names the platform (:func:`names_pattern`), remembered: momentum,
        maturity and the loader test the same milestone titles, tens of thousands on a
        ten-year store."""
        memo = self.memo.get("names_platform")
        if memo is None:
            memo = self.memo["names_platform"] = (names_pattern(self.info), {})
        pattern, seen = memo
        found = seen.get(title)
        if found is None:
            found = seen[title] = pattern.search(title) is not None
        return found

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


def names_pattern(info: PlatformInfo) -> re.Pattern[str]:
    """The platform's name, slug or aliases as whole words: a milestone whose title names none of
    them is about something else (another network, a city's account) attached to this one."""
    words = sorted({w for w in (info.name, info.slug, *info.aliases) if w}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(" + "|".join(map(re.escape, words)) + r")(?!\w)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class OldStories:
    """Stories first told before ``before`` (and after the need's horizon), weighed only:
    per kind of their first item, how many and the sum of ``0.5 ** (age / half_life)``."""

    before: datetime
    by_kind: dict[str, tuple[int, float]]


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
    metric_windows: dict[str, float] | None = None,
) -> EvidenceSet:
    """Read every platform's evidence, as it stood at ``as_of`` when ``past`` is set.

    Scoring "now" uses everything in the store (a clock pinned with VIGIE_NOW must not hide
    what was just collected); scoring a past instant keeps only what was known then, and the
    platforms' statuses then. Metrics always need their period to be over: a month still
    running would read as a drop.

    ``signal_needs`` (see :mod:`criteria.horizons`) limits the signals read to the kinds and
    horizons the criteria use; None reads them all. Story sizes are counted over the whole
    history, and trust's stories are read whole (their first date is that of the history).
    ``metric_windows`` reads those metrics over their last N days only (with the largest
    value before, in ``PlatformEvidence.metric_max_before``).
    """
    as_of = ensure_utc(as_of)
    known_by = as_of if past else datetime.max.replace(tzinfo=UTC)
    with store.session() as session:
        platforms = _platforms(session, as_of, past)
        signals, clusters = _signals(session, as_of if past else None, platforms, as_of=as_of,
                                     needs=signal_needs)  # fmt: skip
        _news_counts(session, as_of, as_of if past else None, platforms, signal_needs)
        metrics = _metrics(session, as_of, platforms, metric_windows or {})
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
_DATE_COLUMNS = (_SIGNAL.published_at, _SIGNAL.fetched_at)
_DATE_ID = itemgetter(5, 0)  # a SignalRow's (date, id): the order of PlatformEvidence.signals
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
    broad = [n.days for n in needs if n.kinds is None and n.units is None and not n.count_only
             and n.title_words is None]  # fmt: skip
    broad_since = None
    if broad and None not in broad:
        broad_since = as_of - timedelta(days=max(d or 0.0 for d in broad))
    found: dict[int, tuple] = {}
    for need in needs:
        if need.count_only:
            continue
        days = need.read_days
        since = None if days is None else as_of - timedelta(days=days)
        narrow = need.kinds is not None or need.units is not None or need.title_words is not None
        before = broad_since if narrow else None
        if before is not None and since is not None and since >= before:
            continue  # inside the broad window, already read
        if since is None and known_by is None and before is None:
            ranges: list[Any] = [true()]
        else:
            ranges = _dated_between(since, known_by, before)
        for dates in ranges:
            for row in _rows(session, _SIGNAL_COLUMNS, dates, *_need_filters(need)):
                found[row[0]] = row
    return found


def _need_filters(need: SignalNeed) -> list[Any]:
    where: list[Any] = []
    if need.kinds is not None:
        where.append(_SIGNAL.kind.in_(sorted(need.kinds)))
    if need.units is not None:
        where += [_SIGNAL.value > 0, _SIGNAL.unit.in_(sorted(need.units))]
    if need.title_words is not None:
        # ilike: ILIKE on PostgreSQL, lower() LIKE lower() on SQLite; ASCII case-insensitive
        # on both, like the criterion's pattern.
        where.append(or_(*(_SIGNAL.title.ilike(f"%{w}%") for w in sorted(need.title_words))))
    return where


def _fallbacks(
    session: Session,
    as_of: datetime,
    known_by: datetime | None,
    platforms: dict[str, PlatformEvidence],
    rows: dict[int, tuple],
    needs: list[SignalNeed],
) -> None:
    """Every figure of the platforms with none naming them within a need's ``fallback_days``
    (added to ``rows``): the criterion then reads the whole history of their figures."""
    for need in needs:
        if need.fallback_days is None:
            continue
        recent: set[str] = set()
        for row in rows.values():
            platform = platforms.get(row[1])
            if (
                platform is None
                or row[1] in recent
                or (need.kinds is not None and row[2] not in need.kinds)
                or not (row[8] is not None and row[8] > 0)
                or (need.units is not None and row[9] not in need.units)
            ):
                continue
            age = (as_of - plain_datetime(row[5] or row[6])).total_seconds() / 86400.0
            if age <= need.fallback_days and platform.names(row[3]):
                recent.add(row[1])
        lacking = sorted(set(platforms) - recent)
        ranges = [true()] if known_by is None else _dated_between(None, known_by)
        for start in range(0, len(lacking), 500):
            chunk = lacking[start : start + 500]
            for dates in ranges:
                where = [dates, _SIGNAL.platform.in_(chunk), *_need_filters(need)]
                for row in _rows(session, _SIGNAL_COLUMNS, *where):
                    rows[row[0]] = row


def _old_stories(
    session: Session,
    as_of: datetime,
    known_by: datetime | None,
    platforms: dict[str, PlatformEvidence],
    needs: list[SignalNeed],
) -> None:
    """Sum in SQL the stories of aggregated needs (``SignalNeed.aggregate_after``) first told
    between the need's horizon and ``aggregate_after`` days ago, as the criterion would weigh
    their rows: a story is a cluster of the platform (else one signal), dated by its first item
    (date, then id) over the whole history up to ``known_by``, weighing
    ``0.5 ** (age / half_life)``. Only one row per platform and kind, or per story, is read."""
    dialect = session.connection().dialect.name
    for need in needs:
        if need.aggregate_after is None or need.kinds is None or need.half_life is None:
            continue
        kinds = sorted(need.kinds)
        since = None if need.days is None else as_of - timedelta(days=need.days)
        before = as_of - timedelta(days=need.aggregate_after)
        sums: dict[str, dict[str, list[float]]] = defaultdict(dict)
        # Signals outside any story are their own story: counted and weighed in SQL.
        for column, dates in zip(_DATE_COLUMNS, _dated_between(since, known_by, before),
                                 strict=True):  # fmt: skip
            weight = func.power(0.5, _age_days(dialect, as_of, column) / need.half_life)
            query = (
                sa_select(_SIGNAL.platform, _SIGNAL.kind, func.count(), func.sum(weight))
                # `cluster_id || ''`: an index on cluster_id would scan every signal outside a
                # story, not the few of these kinds and dates.
                .where(dates, _SIGNAL.kind.in_(kinds), _SIGNAL.cluster_id.concat("").is_(None))
                .group_by(_SIGNAL.platform, _SIGNAL.kind)
            )
            for platform, kind, count, total in session.connection().execute(query):
                entry = sums[platform].setdefault(kind, [0, 0.0])
                entry[0] += count
                entry[1] += float(total or 0.0)
        # Stories with an item since the horizon: each one's first item over its whole history
        # (a key "date|id|kind" that sorts as the criterion's order), kept when told before
        # `before` (younger ones are read as rows).
        touched = sa_select(_SIGNAL.cluster_id).where(
            _SIGNAL.kind.in_(kinds), _SIGNAL.cluster_id.is_not(None),
            or_(*_dated_between(since, known_by)),
        )  # fmt: skip
        if known_by is None:
            ranges = [(func.coalesce(*_DATE_COLUMNS), true())]
        else:
            ranges = list(zip(_DATE_COLUMNS, _dated_between(None, known_by), strict=True))
        first: dict[tuple[str, str], str] = {}
        limit = (
            before.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
        )
        for column, dates in ranges:
            # The kind is tested in the aggregate, not in WHERE: a kind filter steers SQLite
            # to the kind index and a scan of every story of that kind.
            key = func.min(case((_SIGNAL.kind.in_(kinds), _first_key(dialect, column)),
                                else_=None))  # fmt: skip
            # Stories first told since `before` are read as rows: left out here (the key
            # starts with the date, in the same text form as `limit`).
            query = (
                sa_select(_SIGNAL.platform, _SIGNAL.cluster_id, key)
                .where(dates, _SIGNAL.cluster_id.in_(touched))
                .group_by(_SIGNAL.platform, _SIGNAL.cluster_id)
                .having(key < limit)
            )
            for platform, cluster, found in session.connection().execute(query).all():
                if found is not None and platform in platforms:
                    known = first.get((platform, cluster))
                    if known is None or found < known:
                        first[(platform, cluster)] = found
        for (platform, _cluster), found in first.items():
            text, _id, kind = found.split("|")
            date = plain_datetime(text)
            if date < before:
                age = max((as_of - date).total_seconds() / 86400.0, 0.0)
                entry = sums[platform].setdefault(kind, [0, 0.0])
                entry[0] += 1
                entry[1] += 0.5 ** (age / need.half_life)
        key_of_need = (need.kinds, need.half_life, need.aggregate_after)
        for slug, evidence in platforms.items():
            by_kind = {k: (int(n), total) for k, (n, total) in sums.get(slug, {}).items()}
            evidence.old_stories[key_of_need] = OldStories(before, by_kind)


def _age_days(dialect: str, as_of: datetime, column: Any) -> Any:
    """SQL for the age in days of ``column`` at ``as_of``."""
    if dialect == "sqlite":
        moment = as_of.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")
        return func.julianday(moment) - func.julianday(type_coerce(column, String))
    return func.extract("epoch", literal(as_of) - column) / 86400.0


def _first_key(dialect: str, column: Any) -> Any:
    """``date|id|kind`` as text of fixed-width fields: its minimum is the first item of a
    story (by date, then id) on both backends."""
    if dialect == "sqlite":
        date = type_coerce(column, String)  # stored as "YYYY-MM-DD HH:MM:SS.ffffff"
        ident = func.printf("%012d", _SIGNAL.id)
    else:
        date = func.to_char(func.timezone("UTC", column), "YYYY-MM-DD HH24:MI:SS.US")
        ident = func.lpad(cast(_SIGNAL.id, String), 12, "0")
    return date.concat("|").concat(ident).concat("|").concat(_SIGNAL.kind)


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
    if needs is not None:
        _fallbacks(session, as_of, known_by, platforms, rows, needs)
        _old_stories(session, as_of, known_by, platforms, needs)
    if needs is None:
        sizes = Counter(row[10] for row in rows.values() if row[10] and row[1] in platforms)
    else:
        whole = sorted({k for n in needs if n.whole_stories for k in (n.kinds or ())})
        sizes = Counter(_stories(session, known_by, platforms, rows, whole))
    make = SignalRow._make
    parse = datetime.fromisoformat
    for row in rows.values():
        if row[1] not in platforms:
            continue
        raw = row[5] or row[6]
        # The common case inline (a hundred thousand rows): SQLite's naive UTC text.
        date = parse(raw + "+00:00") if raw.__class__ is str and len(raw) == 26 else None
        if date is None:
            date = plain_datetime(raw)
        found[row[0]] = make((row[0], row[1], row[2], row[3], row[4], date, *row[7:]))
    by_platform: dict[str, list[SignalRow]] = defaultdict(list)
    for signal in found.values():
        by_platform[signal.platform].append(signal)
    for slug, signals in by_platform.items():
        signals.sort(key=_DATE_ID)
        platforms[slug].signals.extend(signals)
    return found, dict(sizes)


def _news_counts(
    session: Session,
    as_of: datetime,
    known_by: datetime | None,
    platforms: dict[str, PlatformEvidence],
    needs: list[SignalNeed] | None,
) -> None:
    """Fill ``news_counts`` for the windows counted in SQL (``count_only`` needs): one pass
    over the longest window, ``COUNT(*)`` per shorter one, ``GROUP BY platform``, on the
    ``(platform, published_at)`` index (every window ends at ``known_by``, so the newest item
    of a window that has any is the newest of all)."""
    windows = sorted({n.days for n in needs or () if n.count_only and n.days is not None})
    if not windows:
        return
    starts = {days: as_of - timedelta(days=days) for days in windows}
    counts: dict[str, list[Any]] = {}
    slugs = _SIGNAL.platform.in_(sorted(platforms))
    for column, dates in zip(
        _DATE_COLUMNS, _dated_between(starts[windows[-1]], known_by), strict=True
    ):
        per_window = [func.sum(case((column >= starts[d], 1), else_=0)) for d in windows[:-1]]
        query = (
            sa_select(_SIGNAL.platform, *per_window, func.count(),
                      func.max(type_coerce(column, String)))
            .where(slugs, dates)
            .group_by(_SIGNAL.platform)
        )  # fmt: skip
        for platform, *found, newest in session.connection().execute(query).all():
            known = counts.setdefault(platform, [[0] * len(windows), None])
            known[0] = [a + int(b or 0) for a, b in zip(known[0], found, strict=True)]
            newest = plain_datetime(newest) if newest is not None else None
            if known[1] is None or (newest is not None and newest > known[1]):
                known[1] = newest
    for slug, evidence in platforms.items():
        numbers, newest = counts.get(slug, [[0] * len(windows), None])
        for days, count in zip(windows, numbers, strict=True):
            evidence.news_counts[days] = (count, newest if count else None)


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
    per_platform: dict[tuple[str, str], int] = {}
    stored: dict[str, int] = {}
    whole = func.sum(case((_SIGNAL.kind.in_(whole_kinds or [""]), 1), else_=0))
    dialect = session.connection().dialect.name
    # One query for tens of thousands of stories: the ids go as one parameter (a JSON list
    # on SQLite, an array on PostgreSQL), not as thousands of bound values.
    chunk = 50_000
    for start in range(0, len(wanted), chunk):
        ids = _one_parameter(dialect, wanted[start : start + chunk])
        for dates in ranges:
            query = (
                sa_select(_SIGNAL.cluster_id, _SIGNAL.platform, func.count(), whole)
                .where(_SIGNAL.cluster_id.in_(ids), dates)
                .group_by(_SIGNAL.cluster_id, _SIGNAL.platform)
            )
            for cluster, platform, size, of_kinds in session.connection().execute(query).all():
                stored[cluster] = stored.get(cluster, 0) + (of_kinds or 0)
                if platform in platforms:
                    key = (cluster, platform)
                    per_platform[key] = per_platform.get(key, 0) + size
    partial = [c for c, n in loaded.items() if stored.get(c, 0) != n]
    for start in range(0, len(partial), 500):
        # By cluster only (its index), the kinds filtered here: a kind filter in SQL can
        # make SQLite pick the (kind, published_at) index and scan every story of that kind.
        chunk = partial[start : start + 500]
        for dates in ranges:
            for row in _rows(session, _SIGNAL_COLUMNS, _SIGNAL.cluster_id.in_(chunk), dates):
                if row[2] in whole_kinds:
                    rows[row[0]] = row
    sizes: dict[str, int] = {}
    for (cluster, platform), size in per_platform.items():
        sizes[cluster] = sizes.get(cluster, 0) + size
        platforms[platform].cluster_sizes[cluster] = size
    return sizes


def _one_parameter(dialect: str, values: list[str]) -> Any:
    """A subquery of ``values`` bound as one parameter, for ``column.in_(...)``."""
    if dialect == "sqlite":
        table = func.json_each(bindparam(None, json.dumps(values), type_=String))
        return sa_select(literal_column("value")).select_from(table)
    array = bindparam(None, values, type_=ARRAY(String))
    return sa_select(func.unnest(array))


def _metrics(
    session: Session,
    as_of: datetime,
    platforms: dict[str, PlatformEvidence],
    windows: dict[str, float],
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
    # numerous on an observatory and no criterion reads them. A windowed metric is read from
    # the first day of the year its window starts (periods are "YYYY", "YYYY-MM" or
    # "YYYY-MM-DD": as text, every period that can end in the window sorts after that year).
    platform_level = col(Metric.subject) == ""
    reads: list[Any] = [and_(platform_level, col(Metric.metric).not_in(sorted(windows)))]
    # The platforms named, so that the (platform, metric, subject, period) key serves the
    # windowed reads instead of a scan of every metric.
    slugs = col(Metric.platform).in_(sorted(platforms))
    starts: dict[str, str] = {}
    for name, days in sorted(windows.items()):
        starts[name] = str((as_of - timedelta(days=days)).year)
        reads.append(and_(slugs, col(Metric.metric) == name, platform_level,
                          col(Metric.period) >= starts[name]))  # fmt: skip
        older = (
            sa_select(col(Metric.platform), func.max(col(Metric.value)))
            .where(slugs, col(Metric.metric) == name, platform_level,
                   col(Metric.period) < starts[name], col(Metric.value).is_not(None))
            .group_by(col(Metric.platform))
        )  # fmt: skip
        for platform, largest in session.connection().execute(older):
            if platform in platforms and largest is not None:
                platforms[platform].metric_max_before[name] = float(largest)
    rows = [row for where in reads for row in _rows(session, columns, where)]
    for row in rows:
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
