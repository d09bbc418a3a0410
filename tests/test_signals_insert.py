"""The prepared executemany of entries and signals stores what SQLAlchemy's own path stores.

``insert_new`` compiles the insert once and hands prepared tuples to the driver (each column's
bind processor applied: UTC dates, JSON). These tests write the same entries through it and
through the generic ``session.execute(insert, rows)`` path, and compare the raw stored rows
(as the driver returns them, so the stored types and text formats count), on SQLite and on
PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import select

import watch.signals as signals
from watch.clusters import ClusterIndex
from watch.models import Entry, Platform, Signal
from watch.signals import write_entry_batches
from watch.sources import add_source
from watch.store import Store

NOW = datetime(2026, 11, 26, 12, 0, 0, 123456, tzinfo=UTC)


def _entries(source: str) -> list[dict[str, Any]]:
    base = datetime(2026, 11, 20, 8, 30, tzinfo=UTC)
    return [
        {
            "title": f"Bluesky passes {i} million users, Threads {source}",
            "url": f"https://{source}.example/{i}" if i % 3 else None,
            "summary": "L'été « numérique » : X quitte la ville" if i % 2 else "",
            "published_at": (base - timedelta(hours=7 * i, microseconds=i)) if i % 4 else None,
            "language": "fr" if i % 2 else None,
            "guid": f"{source}-{i}",
        }
        for i in range(12)
    ]


def _write(url: str) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    store = Store.open(url)
    try:
        with store.session() as session:
            for slug, name in (("bluesky", "Bluesky"), ("threads", "Threads"), ("x", "X")):
                session.add(Platform(slug=slug, name=name, aliases=[]))
        for source in ("media-a", "media-b"):
            add_source(store, "feed", f"https://{source}.example/feed", source_id=source)
        with store.session() as session:
            write_entry_batches(
                session,
                [(s, _entries(s), None) for s in ("media-a", "media-b")],
                now=NOW,
                clusters=ClusterIndex(),
            )
        with store.session() as session:
            entries = session.execute(
                text(
                    "SELECT fingerprint, source_id, title, url, summary, published_at, fetched_at,"
                    " language, kind, value, unit, CAST(platforms AS TEXT), cluster_id"
                    " FROM entry ORDER BY fingerprint"
                )
            ).all()
            signal_rows = session.execute(
                text(
                    "SELECT s.fingerprint, s.platform, s.kind, s.title, s.url, s.summary,"
                    " s.published_at, s.fetched_at, s.source_id, s.language, s.value, s.unit,"
                    " s.cluster_id, e.fingerprint FROM signal s JOIN entry e ON e.id = s.entry_id"
                    " ORDER BY s.fingerprint"
                )
            ).all()
            # And read back through the models: aware UTC datetimes, JSON lists.
            first = session.exec(select(Entry).where(Entry.published_at.is_not(None))).first()
            assert first is not None
            assert first.published_at is not None
            assert first.published_at.tzinfo is not None
            assert isinstance(first.platforms, list)
            assert session.exec(select(Signal)).first() is not None
        return [tuple(r) for r in entries], [tuple(r) for r in signal_rows]
    finally:
        store.dispose()


def _another_schema(database: str) -> str:
    from tests.backends import new_schema_url

    return new_schema_url(database)


def test_prepared_insert_stores_what_sqlalchemy_stores(
    store_url: str, tmp_path: Any, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = _write(store_url)
    assert fast[0]
    assert fast[1]
    if store_url.startswith("sqlite"):
        other_url = f"sqlite:///{tmp_path / 'generic.db'}"
    else:
        other_url = _another_schema(request.getfixturevalue("postgres_database"))
    monkeypatch.setattr(signals, "_prepared_insert", lambda *args: None)
    generic = _write(other_url)
    assert fast == generic


def test_prepared_insert_is_used_on_both_dialects(store_url: str) -> None:
    store = Store.open(store_url)
    try:
        with store.session() as session:
            dialect = session.connection().dialect
        keys = tuple(c.name for c in Entry.__table__.columns if c.name != "id")
        prepared = signals._prepared_insert(Entry.__table__, dialect, keys)
        assert prepared is not None
        sql = prepared[0]
        assert "ON CONFLICT (fingerprint) DO NOTHING" in sql
        assert "RETURNING" not in sql
    finally:
        store.dispose()
