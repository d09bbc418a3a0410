"""The emergence watch: networks named in the collected news that are not in the catalogue yet.

Why: matching known names only finds what the city already knows. Every collected entry (feed
item, newsroom article) is read for names *presented as* a social network, an app or an
alternative to a known one (:mod:`watch.emergence_names`); names are grouped on a normalised key,
so "Noplace", "NOPLACE" and "noplace" are one candidate. A candidate is listed once the news has
said clearly enough that it is a network (the summed strength of its mentions), and ranked by an
emergence score that rises with corroboration across distinct sources and with growth (recent
mentions against older ones).

Decisions (promote, dismiss) live in the ``candidate`` table and in
:mod:`watch.emergence_decisions`; dismissed and promoted candidates are left out here. Listing
never writes.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, select

from watch.clock import ensure_utc, isoformat
from watch.emergence_names import Exclusions, Mention, find_mentions
from watch.errors import InputError
from watch.models import Candidate, Entry, Platform
from watch.store import Store

RECENT_DAYS = 30
PREVIOUS_DAYS = 60
# Summed mention strength for a name to be listed. A lone "app"/"platform" with nothing social
# around (0.2) is not enough: on the labelled sets, 3 in 5 such names were noise ("Lovable, the
# vibe-coding platform"). Two cues agreeing ("l'application X dépasse 1 million de
# téléchargements": 0.4), or one among social words (0.5), are.
LIST_THRESHOLD = 0.3
EXAMPLES = 3
# The news read by a listing: emergence is about the last year, and reading is the slow part
# (about 2,000 entries a second), so older entries are left out unless asked for.
WINDOW_DAYS = 365
FRESHNESS_HALF_LIFE_DAYS = 60
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class Sighting:
    """One entry naming a candidate."""

    entry_id: int
    name: str
    strength: float
    when: datetime
    source: str
    kind: str
    title: str
    url: str | None
    source_id: str | None


@dataclass
class Group:
    """A candidate: every sighting of one normalised name."""

    key: str
    sightings: list[Sighting] = field(default_factory=list)

    @property
    def evidence(self) -> float:
        """How clearly, all sightings together, the news presented it as a network."""
        return sum(s.strength for s in self.sightings)


def _plain(text: str | None) -> str:
    """Web text as one clean line: no control or bidi characters (they fool terminals)."""
    return " ".join(_CONTROL.sub(" ", text or "").split())


def _web_url(url: str | None) -> str | None:
    """Only http(s) links are shown; ``javascript:`` and friends become None."""
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


def _source_of(entry_source: str | None, url: str | None) -> str:
    """The source an entry counts for: its source id, else the host of its link."""
    if entry_source:
        return entry_source
    host = urlsplit(url or "").hostname if _web_url(url) else None
    return (host or "unknown").removeprefix("www.")


def _when(published: datetime | None, fetched: datetime | None) -> datetime | None:
    """When an entry was news: its publication date, never later than when it was fetched."""
    dates = [ensure_utc(d) for d in (published, fetched) if d is not None]
    return min(dates) if dates else None


def exclusions(session: Session) -> Exclusions:
    """The catalogue as it is now in the store (user-added platforms included) and the lists."""
    names: list[str] = []
    owners: list[str] = []
    for platform in session.exec(select(Platform)).all():
        names.extend([platform.slug, platform.name, *platform.aliases])
        if platform.owner:
            owners.append(platform.owner)
    return Exclusions.build(names, owners)


_ENTRY_COLUMNS = (
    "id",
    "title",
    "summary",
    "url",
    "published_at",
    "fetched_at",
    "source_id",
    "kind",
)


def _entry_rows(session: Session, now: datetime, since: datetime) -> Iterator[tuple[Any, ...]]:
    """Entries as plain rows (no ORM objects: a listing reads every entry), each with its news
    date appended, for those dated between ``since`` and ``now``."""
    table = Entry.__table__  # type: ignore[attr-defined]
    statement = (
        sa_select(*(table.c[name] for name in _ENTRY_COLUMNS))
        .where(table.c.fetched_at >= since)
        .where(or_(table.c.published_at.is_(None), table.c.published_at >= since))
        .order_by(table.c.id)
    )
    for row in session.execute(statement):
        when = _when(row[4], row[5])
        if when is not None and since <= when <= now:
            yield (*row, when)


def mention_kind(kind: str | None) -> str:
    """The kind of news the feed reader's classifier (``watch.extract``) gave the entry when it
    saved it; "other" for entries saved without one."""
    return kind or "other"


def scan(session: Session, now: datetime, *, days: int = WINDOW_DAYS) -> dict[str, Group]:
    """Every candidate named in the entries of the ``days`` before ``now``, with its sightings."""
    excluded = exclusions(session)
    groups: dict[str, Group] = {}
    for entry_id, title, summary, url, _pub, _fetched, source_id, kind, when in _entry_rows(
        session, now, now - timedelta(days=days)
    ):
        mentions: list[Mention] = find_mentions(title, summary, excluded)
        if not mentions:
            continue
        kind = mention_kind(kind)
        for mention in mentions:
            group = groups.setdefault(mention.key, Group(mention.key))
            group.sightings.append(
                Sighting(
                    entry_id=entry_id,
                    name=mention.name,
                    strength=mention.strength,
                    when=when,
                    source=_source_of(source_id, url),
                    kind=kind,
                    title=_plain(title),
                    url=_web_url(url),
                    source_id=source_id,
                )
            )
    return groups


def display_name(sightings: list[Sighting]) -> str:
    """The spelling most entries use; shouted or all-lowercase spellings only as a last resort."""
    counts = Counter(s.name for s in sightings)
    first_index: dict[str, int] = {}
    for index, sighting in enumerate(sightings):
        first_index.setdefault(sighting.name, index)
    mixed = [n for n in counts if not n.islower() and not (n.isupper() and len(n) > 3)]
    pool = mixed or list(counts)
    return max(pool, key=lambda n: (counts[n], -first_index[n]))


def _trend(sightings: list[Sighting], now: datetime) -> dict[str, Any]:
    recent_start = now - timedelta(days=RECENT_DAYS)
    previous_start = recent_start - timedelta(days=PREVIOUS_DAYS)
    recent = sum(1 for s in sightings if s.when > recent_start)
    previous = sum(1 for s in sightings if previous_start < s.when <= recent_start)
    first = min(s.when for s in sightings)
    rate_recent, rate_previous = recent / RECENT_DAYS, previous / PREVIOUS_DAYS
    if recent == 0 and previous == 0:
        direction = "dormant"
    elif first > recent_start:
        direction = "new"
    elif rate_recent > 1.25 * rate_previous:
        direction = "rising"
    elif rate_recent < 0.8 * rate_previous:
        direction = "falling"
    else:
        direction = "steady"
    total_rate = rate_recent + rate_previous
    growth = rate_recent / total_rate if total_rate else 0.0
    return {"recent": recent, "previous": previous, "direction": direction, "growth": growth}


def emergence_score(
    sources: int, mentions: int, growth: float, quality: float, days_since_last: float
) -> float:
    """0-100: corroboration (distinct sources) weighs most, then growth, volume and how clearly
    the news called it a network; the whole fades when the news goes quiet.

    corroboration = 1 - 0.5^sources (1 source 0.5, 2 sources 0.75, 4 sources 0.94);
    volume = log2(1 + mentions) / 4, capped at 1 (15 mentions); growth = share of the recent
    mention rate (last 30 days) in recent + previous (the 60 days before); freshness halves
    every 60 days since the last mention.
    """
    corroboration = 1.0 - 0.5**sources
    volume = min(1.0, math.log2(1 + mentions) / 4)
    freshness = 0.5 ** (max(0.0, days_since_last) / FRESHNESS_HALF_LIFE_DAYS)
    raw = 0.35 * corroboration + 0.3 * growth + 0.2 * volume + 0.15 * min(1.0, quality)
    return round(100.0 * freshness * raw, 1)


def _summary(group: Group, now: datetime) -> dict[str, Any]:
    # One sighting per entry (an entry naming it in title and summary counts once).
    sightings = sorted(group.sightings, key=lambda s: (s.when, s.entry_id))
    sources = sorted({s.source for s in sightings})
    trend = _trend(sightings, now)
    last = sightings[-1].when
    quality = group.evidence / len(sightings)
    score = emergence_score(
        len(sources), len(sightings), trend["growth"], quality, (now - last).total_seconds() / 86400
    )
    examples = [
        {
            "title": s.title,
            "url": s.url,
            "published_at": isoformat(s.when),
            "source_id": s.source_id,
        }
        for s in sorted(sightings, key=lambda s: (s.when, s.entry_id), reverse=True)[:EXAMPLES]
    ]
    return {
        "name": display_name(sightings),
        "key": group.key,
        "first_seen": isoformat(sightings[0].when),
        "last_seen": isoformat(last),
        "mentions": len(sightings),
        "sources": len(sources),
        "source_ids": sources,
        "score": score,
        "trend": {k: trend[k] for k in ("recent", "previous", "direction")},
        "kinds": dict(Counter(s.kind for s in sightings).most_common()),
        "examples": examples,
        "status": "open",
    }


def _decisions(session: Session) -> dict[str, Candidate]:
    return {row.key: row for row in session.exec(select(Candidate)).all()}


def _decision_fields(row: Candidate) -> dict[str, Any]:
    return {
        "status": row.status,
        "slug": row.slug,
        "decided_by": row.decided_by,
        "reason": row.reason,
        "decided_at": isoformat(row.decided_at),
    }


def list_candidates(
    store: Store,
    now: datetime,
    *,
    limit: int | None = None,
    include_decided: bool = False,
    days: int = WINDOW_DAYS,
) -> list[dict[str, Any]]:
    """Open candidates named in the news of the last ``days``, best emergence score first (with
    ``include_decided``, the dismissed and promoted ones too, with who decided and why)."""
    if limit is not None and limit < 1:
        raise InputError(f"--limit must be at least 1 (got {limit})")
    if days < 1:
        raise InputError(f"--days must be at least 1 (got {days})")
    now = ensure_utc(now)
    with store.session() as session:
        groups = scan(session, now, days=days)
        decisions = _decisions(session)
    rows = []
    for key, group in groups.items():
        if group.evidence < LIST_THRESHOLD:
            continue
        decision = decisions.get(key)
        if decision is not None and decision.status != "open" and not include_decided:
            continue
        row = _summary(group, now)
        if decision is not None:
            row.update(_decision_fields(decision))
        rows.append(row)
    if include_decided:
        for key, decision in decisions.items():
            if key not in groups and decision.status != "open":
                rows.append({"name": decision.name, "key": key, "mentions": 0, "sources": 0,
                             "score": 0.0, "examples": [], **_decision_fields(decision)})  # fmt: skip
    rows.sort(key=lambda r: (-r["score"], -r["mentions"], r["name"].casefold()))
    return rows[:limit] if limit is not None else rows


def top_candidates(store: Store, now: datetime, limit: int = 10) -> list[dict[str, Any]]:
    """The open candidates the quarterly report shows ("Nouveaux réseaux repérés")."""
    return list_candidates(store, now, limit=limit)
