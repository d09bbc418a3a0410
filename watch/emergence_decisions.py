"""Decisions about candidates: promote one to the catalogue, or dismiss it for good.

``promote`` adds the network through :func:`watch.platforms.add_platform` (origin "candidate"),
so that it is collected, scored and reported like the others from then on, and turns the entries
that named it into its Signals, with the feed reader's own fingerprints: collecting the same
story again finds them instead of adding duplicates. ``dismiss`` records who decided and why;
the candidate never shows again. Both are rows of the ``candidate`` table, keyed by the
normalised name, and a second decision on the same candidate is refused (exit 2).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from watch.clock import ensure_utc, isoformat
from watch.emergence import LIST_THRESHOLD, Group, display_name, mention_kind, scan
from watch.emergence_names import name_key
from watch.errors import InputError
from watch.fingerprint import signal_fingerprint
from watch.models import Candidate, Entry, Platform, Signal
from watch.store import Store, upsert


def _find(session: Session, name: str, now: datetime) -> tuple[str, Group | None, Candidate | None]:
    """The candidate called ``name`` (any case or spelling of it), or a clear input error."""
    key = name_key(name or "")
    if not key:
        raise InputError(f"{name!r} is not a candidate name")
    decision = session.get(Candidate, key)
    group = scan(session, now, days=EVER).get(key)
    if group is not None and group.evidence < LIST_THRESHOLD:
        group = None
    if group is None and decision is None:
        raise InputError(f"no candidate named {name!r} (see: vigie candidates list)")
    if decision is not None and decision.status == "dismissed":
        raise InputError(
            f"{decision.name} was dismissed by {decision.decided_by} on "
            f"{isoformat(decision.decided_at)}: {decision.reason}"
        )
    if decision is not None and decision.status == "promoted":
        raise InputError(f"{decision.name} is already in the catalogue as {decision.slug!r}")
    return key, group, decision


def slugify(name: str) -> str:
    """A catalogue slug from a display name: "Friend.tech" -> "friend-tech", "Noplace" -> "noplace"."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:40].strip("-")


EVER = 365 * 100  # a decision finds a candidate however old its news
BATCH = 400  # rows per statement: far below SQLite's limit on bound parameters


def _signals_from_entries(session: Session, slug: str, entry_ids: list[int], now: datetime) -> int:
    """Turn the entries that named the candidate into Signals of the new platform."""
    written = 0
    for start in range(0, len(entry_ids), BATCH):
        chunk = entry_ids[start : start + BATCH]
        entries = session.exec(select(Entry).where(Entry.id.in_(chunk))).all()  # type: ignore[union-attr]
        written += _write_signals(session, slug, list(entries), now)
    return written


def _write_signals(session: Session, slug: str, entries: list[Entry], now: datetime) -> int:
    rows = []
    for entry in entries:
        others = [p for p in entry.platforms if p != slug]
        kind = mention_kind(entry.kind)
        rows.append(
            {
                "platform": slug,
                "kind": kind,
                "title": entry.title or "",
                "url": entry.url,
                "summary": entry.summary,
                "published_at": entry.published_at,
                "fetched_at": entry.fetched_at or now,
                "source_id": entry.source_id,
                "language": entry.language,
                # A figure in an entry naming other platforms may be theirs: keep it only alone.
                "value": entry.value if not others else None,
                "unit": entry.unit if not others else None,
                # The feed reader's own (entry, platform) identity: a later collection of the
                # same entry for this platform finds this signal instead of adding another.
                "fingerprint": signal_fingerprint(entry.fingerprint, slug),
                "cluster_id": entry.cluster_id,
                "entry_id": entry.id,
            }
        )
        if slug not in entry.platforms:
            entry.platforms = [*entry.platforms, slug]
            session.add(entry)
    if not rows:
        return 0
    return upsert(session, Signal, rows, ["fingerprint"], update=[])


def promote_candidate(
    store: Store,
    name: str,
    now: datetime,
    *,
    slug: str | None = None,
    by: str | None = None,
    reason: str | None = None,
) -> dict[str, Any]:
    """Add the candidate to the catalogue (origin "candidate") with its past mentions as Signals.

    The platform is created through :func:`watch.platforms.add_platform` (slug and name checks,
    duplicate refused); if writing the signals then fails, the new platform is removed again so
    that nothing is half done.
    """
    from watch.platforms import add_platform, platform_dict

    now = ensure_utc(now)
    with store.session() as session:
        key, group, _decision = _find(session, name, now)
    if group is None:
        raise InputError(f"no mention of {name!r} in the collected entries to promote")
    display = display_name(group.sightings)
    slug = (slug or slugify(display)).strip()
    if not slug:
        raise InputError(f"cannot derive a slug from {display!r}: give one with --slug")
    aliases = sorted({s.name for s in group.sightings if not s.name.islower()} | {display})
    add_platform(store, slug, display, aliases=aliases, category="social", origin="candidate")
    try:
        with store.session() as session:
            count = _signals_from_entries(
                session, slug, sorted({s.entry_id for s in group.sightings}), now
            )
            upsert(
                session,
                Candidate,
                [
                    {
                        "key": key,
                        "name": display,
                        "status": "promoted",
                        "slug": slug,
                        "decided_by": (by or "").strip() or None,
                        "reason": (reason or "").strip() or None,
                        "decided_at": now,
                    }
                ],
                ["key"],
            )
            platform = platform_dict(session.get(Platform, slug))  # type: ignore[arg-type]
    except BaseException:
        with store.session() as session:
            created = session.get(Platform, slug)
            if created is not None and created.origin == "candidate":
                session.delete(created)
        raise
    return {**platform, "signals": count, "candidate": display}


def dismiss_candidate(
    store: Store, name: str, now: datetime, *, by: str, reason: str
) -> dict[str, Any]:
    """Hide a candidate for good, recording who decided and why."""
    by, reason = (by or "").strip(), (reason or "").strip()
    if not by:
        raise InputError("--by must name who dismisses the candidate")
    if not reason:
        raise InputError("--reason must say why the candidate is dismissed")
    now = ensure_utc(now)
    with store.session() as session:
        key, group, _decision = _find(session, name, now)
        display = display_name(group.sightings) if group is not None else name.strip()
        row = {
            "key": key,
            "name": display,
            "status": "dismissed",
            "slug": None,
            "decided_by": by,
            "reason": reason,
            "decided_at": now,
        }
        upsert(session, Candidate, [row], ["key"])
    return {**row, "decided_at": isoformat(now)}
