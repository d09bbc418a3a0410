"""Sources: where evidence comes from, registered, listed, disabled, imported as OPML."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlmodel import Session, select

from watch.clock import isoformat
from watch.errors import InputError
from watch.models import SOURCE_KINDS, Source
from watch.opml import parse_opml, render_opml
from watch.platforms import get_platform
from watch.store import Store

ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$")


def source_dict(source: Source) -> dict[str, Any]:
    return {
        "id": source.id,
        "kind": source.kind,
        "url": source.url,
        "platform": source.platform,
        "language": source.language,
        "title": source.title,
        "enabled": source.enabled,
        "last_status": source.last_status,
        "last_error": source.last_error,
        "last_fetched_at": isoformat(source.last_fetched_at),
        "error_count": source.error_count,
        "next_fetch_at": isoformat(source.next_fetch_at),
        "options": dict(source.options),
    }


def check_url(url: str, *, template: bool = False) -> str:
    """Only absolute http(s) URLs are fetched; anything else is refused up front."""
    url = url.strip()
    probe = re.sub(r"\{[a-z_]+\}", "x", url) if template else url
    parts = urlsplit(probe)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InputError(f"source URL must be an absolute http or https URL, got {url!r}")
    return url


def suggest_id(session: Session, url: str) -> str:
    parts = urlsplit(url)
    base = re.sub(r"[^a-z0-9]+", "-", f"{parts.netloc}{parts.path}".lower()).strip("-")[:60]
    base = base or "source"
    candidate, counter = base, 2
    while session.get(Source, candidate) is not None:
        candidate = f"{base}-{counter}"
        counter += 1
    return candidate


def _validate(session: Session, kind: str, source_id: str | None, platform: str | None) -> None:
    if kind not in SOURCE_KINDS:
        raise InputError(
            f"unknown source kind {kind!r} (expected one of {', '.join(SOURCE_KINDS)})"
        )
    if source_id is not None:
        if not ID_RE.match(source_id):
            raise InputError(
                f"invalid source id {source_id!r}: letters, digits, '.', '-' or '_', at most 80"
            )
        if session.get(Source, source_id) is not None:
            raise InputError(f"a source with id {source_id!r} already exists")
    if platform is not None:
        get_platform(session, platform)


def list_sources(store: Store, kind: str | None = None) -> list[dict[str, Any]]:
    from watch.clock import utcnow
    from watch.fetchstate import silences

    with store.session() as session:
        query = select(Source).order_by(Source.kind, Source.id)
        if kind:
            query = query.where(Source.kind == kind)
        rows = session.exec(query).all()
        # A feed quiet for much longer than its usual rhythm is flagged (issue 3).
        quiet = silences(session, [s.id for s in rows if s.kind in ("feed", "newsroom")], utcnow())
        return [
            {**source_dict(s), "silent": quiet[s.id].describe() if s.id in quiet else None}
            for s in rows
        ]


def add_source(
    store: Store,
    kind: str,
    url: str,
    *,
    source_id: str | None = None,
    platform: str | None = None,
    language: str | None = None,
    title: str | None = None,
    options: dict[str, Any] | None = None,
    origin: str = "user",
) -> dict[str, Any]:
    url = check_url(url, template=kind in ("pageviews", "account"))
    with store.session() as session:
        _validate(session, kind, source_id, platform)
        same = session.exec(select(Source.id).where(Source.url == url, Source.kind == kind)).first()
        if same is not None:
            raise InputError(f"{url} is already registered as source {same!r}")
        source = Source(
            id=source_id or suggest_id(session, url),
            kind=kind,
            url=url,
            platform=platform,
            language=language,
            title=title,
            options=options or {},
            origin=origin,
        )
        session.add(source)
        session.flush()
        return source_dict(source)


def _get(session: Session, source_id: str) -> Source:
    source = session.get(Source, source_id)
    if source is None:
        raise InputError(f"unknown source {source_id!r} (see `vigie sources list`)")
    return source


def set_enabled(store: Store, source_id: str, enabled: bool) -> dict[str, Any]:
    with store.session() as session:
        source = _get(session, source_id)
        source.enabled = enabled
        session.add(source)
        return source_dict(source)


def import_opml(store: Store, path: Path, *, platform: str | None = None) -> dict[str, int]:
    """Add every feed of an OPML file; all or nothing, feeds already registered are skipped."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None
    feeds = parse_opml(data, str(path))
    for feed in feeds:
        check_url(feed["url"] or "")
    added = skipped = 0
    with store.session() as session:
        if platform is not None:
            get_platform(session, platform)
        known = set(session.exec(select(Source.url)).all())
        for feed in feeds:
            url = feed["url"] or ""
            if url in known:
                skipped += 1
                continue
            known.add(url)
            session.add(
                Source(
                    id=suggest_id(session, url),
                    kind="feed",
                    url=url,
                    platform=platform,
                    language=feed.get("language"),
                    title=feed.get("title"),
                    origin="opml",
                )
            )
            session.flush()
            added += 1
    return {"added": added, "skipped": skipped}


def export_opml(store: Store) -> str:
    with store.session() as session:
        feeds = session.exec(select(Source).where(Source.kind == "feed").order_by(Source.id)).all()
        return render_opml(
            [{"id": s.id, "url": s.url, "title": s.title, "language": s.language} for s in feeds]
        )
