"""Peer cities: import, what their homepages link to, listing.

Peers come from a CSV the digital officer keeps (name, population, homepage), or from
``vigie peers discover``. Import is all or nothing: every bad row is reported with its line
number and nothing is written, so a half-imported list never skews the peer-adoption share.
The homepage scanner itself is a pure function (:mod:`watch.peer_presence`); this module only
stores what it found.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col, select

from watch.clock import ensure_utc, isoformat
from watch.errors import InputError
from watch.metrics import take_write_lock
from watch.models import Peer, PeerPresence, Platform, Source
from watch.peer_presence import PlatformHosts, Presence
from watch.sources import check_url
from watch.store import Store, upsert

REQUIRED_COLUMNS = ("name", "population", "homepage")
OPTIONAL_COLUMNS = ("department", "insee")
MAX_ERRORS_SHOWN = 20
PEER_SOURCE_PREFIX = "peer-"
SPACES_RE = re.compile(r"[\s\u00a0\u202f._']")


@dataclass(frozen=True)
class PeerRow:
    """A validated CSV row."""

    name: str
    population: int | None
    homepage: str
    department: str | None = None
    insee: str | None = None


# ----------------------------------------------------------------------------- CSV import


def _dialect(text: str) -> str:
    """French spreadsheets export ``;``-separated CSV; accept both."""
    header = text.split("\n", 1)[0]
    return ";" if header.count(";") > header.count(",") else ","


def _population(text: str) -> int | None:
    cleaned = SPACES_RE.sub("", text)
    if not cleaned:
        return None
    if not cleaned.isdigit():
        raise ValueError(f"population {text!r} is not a whole number")
    return int(cleaned)


def _homepage(text: str) -> str:
    if not text:
        raise ValueError("homepage is empty")
    try:
        return check_url(text)
    except InputError:
        raise ValueError(f"homepage {text!r} is not an absolute http(s) URL") from None


def parse_peers_csv(text: str, origin: str = "CSV") -> list[PeerRow]:
    """Validate every row; raise one :class:`InputError` listing each bad line."""
    reader = csv.DictReader(io.StringIO(text), delimiter=_dialect(text))
    fields = [(f or "").strip().lower() for f in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in fields]
    if missing:
        raise InputError(
            f"{origin}: missing column(s) {', '.join(missing)} "
            f"(expected a header line: {','.join(REQUIRED_COLUMNS)})"
        )
    rows: list[PeerRow] = []
    errors: list[str] = []
    seen: dict[tuple[str, str], int] = {}
    for raw in reader:
        line = reader.line_num
        record = {
            (k or "").strip().lower(): (v or "").strip()
            for k, v in raw.items()
            if not isinstance(v, list)
        }
        if None in raw:
            errors.append(f"line {line}: more fields than columns")
            continue
        if not any(record.values()):
            continue  # blank line
        try:
            row = _row(record)
        except ValueError as exc:
            errors.append(f"line {line}: {exc}")
            continue
        key = (row.name.casefold(), row.homepage)
        if key in seen:
            errors.append(f"line {line}: duplicate of line {seen[key]} ({row.name})")
            continue
        seen[key] = line
        rows.append(row)
    if errors:
        shown = errors[:MAX_ERRORS_SHOWN]
        more = len(errors) - len(shown)
        suffix = f"; and {more} more" if more else ""
        raise InputError(
            f"{origin}: {len(errors)} bad row(s), nothing imported: {'; '.join(shown)}{suffix}"
        )
    return rows


def _row(record: dict[str, str]) -> PeerRow:
    name = record.get("name", "")
    if not name:
        raise ValueError("name is empty")
    return PeerRow(
        name=name,
        population=_population(record.get("population", "")),
        homepage=_homepage(record.get("homepage", "")),
        department=record.get("department") or None,
        insee=record.get("insee") or None,
    )


def read_csv_file(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError(f"{path}: not UTF-8 or Windows-1252 text")  # pragma: no cover


def import_peers(store: Store, path: Path) -> dict[str, int]:
    """Add the peers of a CSV file (existing ones are updated); all or nothing."""
    rows = parse_peers_csv(read_csv_file(path), str(path))
    return save_peers(store, rows)


def save_peers(store: Store, rows: Sequence[PeerRow]) -> dict[str, int]:
    """Insert or refresh peers keyed on (name, homepage), each with its homepage source.

    Each peer's homepage is a source of kind ``peers`` (id ``peer-<id>``), so it gets the fetch
    state every source has: conditional GET, backoff after errors, ``vigie sources list``.
    """
    with store.session() as session:
        known = {(p.name, p.homepage) for p in session.exec(select(Peer)).all()}
        values = [
            {
                "name": r.name,
                "population": r.population,
                "homepage": r.homepage,
                "department": r.department,
                "insee": r.insee,
            }
            for r in rows
        ]
        upsert(
            session,
            Peer,
            values,
            ["name", "homepage"],
            update=["population", "department", "insee"],
        )
        keys = {(r.name, r.homepage) for r in rows}
        for peer in session.exec(select(Peer)).all():
            if (peer.name, peer.homepage) in keys and peer.id is not None:
                ensure_peer_source(session, peer)
    added = sum(1 for r in rows if (r.name, r.homepage) not in known)
    return {"added": added, "updated": len(rows) - added}


def peer_source_id(peer_id: int) -> str:
    return f"{PEER_SOURCE_PREFIX}{peer_id}"


def ensure_peer_source(session: Session, peer: Peer) -> Source:
    """The ``peers`` source that visits ``peer``'s homepage (created or pointed at it)."""
    assert peer.id is not None
    source = session.get(Source, peer_source_id(peer.id))
    if source is None:
        source = Source(
            id=peer_source_id(peer.id),
            kind="peers",
            url=peer.homepage,
            title=f"Homepage of {peer.name}",
            options={"peer_id": peer.id},
            origin="peers",
        )
    elif source.url != peer.homepage:
        source.url, source.etag, source.last_modified = peer.homepage, None, None
    session.add(source)
    return source


# ----------------------------------------------------------------------------- crawl results


def platform_hosts(store: Store) -> list[PlatformHosts]:
    """The catalogue as the homepage scanner needs it."""
    with store.session() as session:
        return [
            PlatformHosts(p.slug, tuple(p.domains), p.protocol)
            for p in session.exec(select(Platform).order_by(Platform.slug)).all()
        ]


def peer_targets(store: Store) -> list[tuple[int, str]]:
    """(peer id, homepage) of every peer, in a stable order."""
    with store.session() as session:
        peers = session.exec(select(Peer).order_by(col(Peer.id))).all()
        return [(p.id, p.homepage) for p in peers if p.id is not None]


def record_presences_in(
    session: Session,
    peer_id: int,
    presences: Sequence[Presence],
    *,
    status: int | None,
    now: datetime,
) -> int:
    """Save a successful visit: the networks linked now; those no longer linked are removed.

    Returns how many presences the page showed. The first sighting of each network is kept.
    """
    now = ensure_utc(now)
    take_write_lock(session, "peers")
    peer = _peer(session, peer_id)
    rows = [
        {
            "peer_id": peer_id,
            "platform": p.platform,
            "account_url": p.account_url,
            "how": p.how,
            "seen_at": now,
            "first_seen_at": now,
        }
        for p in presences
    ]
    upsert(
        session,
        PeerPresence,
        rows,
        ["peer_id", "platform"],
        update=["account_url", "how", "seen_at"],
    )
    current = [p.platform for p in presences]
    session.execute(
        delete(PeerPresence).where(
            PeerPresence.peer_id == peer_id,  # type: ignore[arg-type]
            PeerPresence.platform.not_in(current),  # type: ignore[attr-defined]
        )
    )
    peer.last_crawled_at, peer.last_status, peer.last_error = now, status, None
    session.add(peer)
    return len(rows)


def record_peer_error_in(
    session: Session, peer_id: int, error: str, *, status: int | None, now: datetime
) -> None:
    """Save a failed visit on the peer; what it linked to before is kept."""
    take_write_lock(session, "peers")
    peer = _peer(session, peer_id)
    peer.last_crawled_at = ensure_utc(now)
    peer.last_status, peer.last_error = status, error[:500]
    session.add(peer)


def record_presences(
    store: Store, peer_id: int, presences: Sequence[Presence], *, status: int | None, now: datetime
) -> int:
    """:func:`record_presences_in` in its own transaction."""
    with store.session() as session:
        return record_presences_in(session, peer_id, presences, status=status, now=now)


def record_peer_error(
    store: Store, peer_id: int, error: str, *, status: int | None, now: datetime
) -> None:
    """:func:`record_peer_error_in` in its own transaction."""
    with store.session() as session:
        record_peer_error_in(session, peer_id, error, status=status, now=now)


def _peer(session: Session, peer_id: int) -> Peer:
    peer = session.get(Peer, peer_id)
    if peer is None:
        raise InputError(f"unknown peer id {peer_id}")
    return peer


# ----------------------------------------------------------------------------- listing


def list_peers(store: Store, platform: str | None = None) -> list[dict[str, Any]]:
    """Peers with the networks they link to (``peers list`` JSON shape of DESIGN.md).

    ``last_status``/``last_error`` are those of the latest visit, whether the spider could
    record it on the peer or only on the peer's homepage source (a network failure).
    """
    with store.session() as session:
        peers = session.exec(select(Peer).order_by(Peer.name, col(Peer.id))).all()
        presences = session.exec(select(PeerPresence).order_by(PeerPresence.platform)).all()
        sources = {
            s.id: s for s in session.exec(select(Source).where(Source.kind == "peers")).all()
        }
        by_peer: dict[int, dict[str, str]] = {}
        for presence in presences:
            by_peer.setdefault(presence.peer_id, {})[presence.platform] = presence.account_url
        rows = [_peer_dict(p, by_peer, sources.get(peer_source_id(p.id or -1))) for p in peers]
    if platform is not None:
        rows = [r for r in rows if platform in r["platforms"]]
    return rows


def _peer_dict(
    peer: Peer, by_peer: dict[int, dict[str, str]], source: Source | None
) -> dict[str, Any]:
    crawled, status, error = peer.last_crawled_at, peer.last_status, peer.last_error
    if source is not None and source.last_fetched_at is not None:
        fetched = ensure_utc(source.last_fetched_at)
        if crawled is None or fetched > ensure_utc(crawled):
            crawled, status = fetched, source.last_status
            error = source.last_error
    return {
        "name": peer.name,
        "population": peer.population,
        "homepage": peer.homepage,
        "platforms": by_peer.get(peer.id or -1, {}),
        "department": peer.department,
        "insee": peer.insee,
        "last_crawled_at": isoformat(crawled),
        "last_status": status,
        "last_error": error,
    }
