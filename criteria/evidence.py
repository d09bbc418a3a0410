"""The evidence of every platform, read from the store in a handful of queries.

Criteria never touch the database: the engine loads one :class:`EvidenceSet` (plain, immutable
rows grouped by platform) and hands each criterion its platform's share. ``as_of`` keeps only what
was available at that instant, so a past quarter can be re-scored as it would have been then.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from watch.clock import ensure_utc, isoformat
from watch.models import Decision, Fact, Metric, Peer, PeerPresence, Platform, Signal
from watch.store import Store

# Status a platform takes after an accepted decision (same mapping as the decision archive).
STATUS_AFTER = {
    "join": "joined",
    "pilot": "joined",
    "keep": "joined",
    "reduce": "joined",
    "leave": "left",
    "decline": "declined",
    "watch": "watching",
}


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


@dataclass(frozen=True, slots=True)
class SignalRow:
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


@dataclass(frozen=True, slots=True)
class MetricRow:
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

    @property
    def slug(self) -> str:
        return self.info.slug


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


def load_evidence(store: Store, *, as_of: datetime, past: bool = False) -> EvidenceSet:
    """Read every platform's evidence, as it stood at ``as_of`` when ``past`` is set.

    Scoring "now" uses everything in the store (a clock pinned with VIGIE_NOW must not hide
    what was just collected); scoring a past instant keeps only what was known then, and the
    platforms' statuses then. Metrics always need their period to be over: a month still
    running would read as a drop.
    """
    as_of = ensure_utc(as_of)
    known_by = as_of if past else datetime.max.replace(tzinfo=UTC)
    with store.session() as session:
        platforms = _platforms(session, as_of, past)
        signals = _signals(session, known_by, platforms)
        metrics = _metrics(session, as_of, platforms)
        facts = _facts(session, known_by, platforms)
        presences, peers_total = _presences(session, known_by, platforms)
    clusters = Counter(s.cluster_id for s in signals.values() if s.cluster_id)
    return EvidenceSet(
        as_of=as_of,
        platforms=platforms,
        peers_total=peers_total,
        cluster_sizes=dict(clusters),
        signals_by_id=signals,
        metrics_by_id=metrics,
        facts_by_ref=facts,
        presences_by_id=presences,
    )


def _rows(session: Session, columns: tuple[Any, ...], *where: Any) -> list[Any]:
    """Plain tuples through Core, skipping the ORM's per-row work (the hot path of scoring)."""
    return list(session.connection().execute(sa_select(*columns).where(*where)).all())


def _signals(
    session: Session, as_of: datetime, platforms: dict[str, PlatformEvidence]
) -> dict[int, SignalRow]:
    columns = (
        col(Signal.id),
        col(Signal.platform),
        col(Signal.kind),
        col(Signal.title),
        col(Signal.url),
        col(Signal.published_at),
        col(Signal.fetched_at),
        col(Signal.source_id),
        col(Signal.value),
        col(Signal.unit),
        col(Signal.cluster_id),
    )
    found: dict[int, SignalRow] = {}
    for row in _rows(session, columns):
        date = ensure_utc(row[5] or row[6])
        if date > as_of or row[1] not in platforms:
            continue
        signal = SignalRow(row[0], row[1], row[2], row[3], row[4], date, *row[7:])
        found[signal.id] = signal
    for signal in sorted(found.values(), key=lambda s: (s.date, s.id)):
        platforms[signal.platform].signals.append(signal)
    return found


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
