"""Batched writes: many results in one transaction give what one transaction each gave.

The pipeline writes every queued result in one transaction (entries of all sources with a few
statements, fetch states loaded in one query); these tests pin that the stored data, the counts
and the fetch state are the same as result-by-result writes, and that a result whose write
fails is retried alone, failing only its own source. On SQLite and on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import delete
from sqlmodel import Session, select

from spiders.items import SourceResult
from spiders.pipelines import CollectSummary, RunContext, StorePipeline, _save_batch
from watch.clusters import ClusterIndex
from watch.models import Entry, Platform, Signal, Source
from watch.signals import write_entries, write_entry_batches
from watch.sources import add_source
from watch.store import Store

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
SOURCES = ("media-a", "media-b", "media-c")


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    opened = Store.open(store_url)
    with opened.session() as session:
        for slug, name in (("bluesky", "Bluesky"), ("threads", "Threads"), ("x", "X")):
            session.add(Platform(slug=slug, name=name, aliases=[]))
    for source_id in SOURCES:
        add_source(opened, "feed", f"https://{source_id}.example/feed", source_id=source_id)
    yield opened
    opened.dispose()


def _entries(source_id: str, count: int = 4, *, offset: int = 0) -> list[dict[str, Any]]:
    """Entries of one feed; the same story is told by every source (one cluster)."""
    rows = []
    for i in range(offset, offset + count):
        rows.append(
            {
                "title": f"Bluesky dépasse les {20 + i} millions d'utilisateurs"
                if i % 2 == 0
                else f"Threads déploie la fonction numéro {i} pour les comptes pro",
                "url": f"https://{source_id}.example/{i}",
                "summary": "Selon la plateforme, la croissance se poursuit.",
                "published_at": NOW - timedelta(hours=i),
                "language": "fr",
                "guid": f"{source_id}-{i}",
            }
        )
    return rows


def _stored(store: Store) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    with store.session() as session:
        entries = session.exec(
            select(Entry.fingerprint, Entry.source_id, Entry.kind, Entry.value, Entry.cluster_id)
        ).all()
        signals = session.exec(
            select(Signal.fingerprint, Signal.platform, Signal.kind, Signal.cluster_id)
        ).all()
    return sorted(map(tuple, entries)), sorted(map(tuple, signals))


def test_a_batch_of_sources_stores_what_one_write_per_source_stores(store: Store) -> None:
    batches = [(sid, _entries(sid), None) for sid in SOURCES]
    with store.session() as session:
        together = write_entry_batches(session, batches, now=NOW, clusters=ClusterIndex())
    batch_rows = _stored(store)
    with store.session() as session:  # nothing new the second time
        again = write_entry_batches(session, batches, now=NOW)
    assert [r.entries_new for r in again] == [0, 0, 0]
    assert _stored(store) == batch_rows

    with store.session() as session:  # a clean slate, then one transaction per source
        session.execute(delete(Signal))
        session.execute(delete(Entry))
    one_by_one = []
    clusters = ClusterIndex()  # one index for the run, as the pipeline keeps
    for source_id, entries, platform in batches:
        with store.session() as session:
            one_by_one.append(
                write_entries(
                    session, source_id, entries, platform=platform, now=NOW, clusters=clusters
                )
            )
    assert [(r.entries_seen, r.entries_new, r.signals_new) for r in together] == [
        (r.entries_seen, r.entries_new, r.signals_new) for r in one_by_one
    ]
    assert together[0].signals_new > 0
    assert _stored(store) == batch_rows
    # The same story from three sources is one cluster, as with one write per source.
    clusters = {row[4] for row in batch_rows[0] if row[2] == "milestone" and row[3] == 20e6}
    assert len(clusters) == 1


def test_an_entry_read_twice_in_one_batch_counts_once(store: Store) -> None:
    first = _entries("media-a", 3)
    overlapping = _entries("media-a", 3, offset=2)  # entry 2 in both
    with store.session() as session:
        results = write_entry_batches(
            session, [("media-a", first, None), ("media-a", overlapping, None)], now=NOW
        )
    assert [r.entries_new for r in results] == [3, 2]
    with store.session() as session:
        assert len(session.exec(select(Entry.id)).all()) == 5


def _context(store: Store) -> tuple[RunContext, StorePipeline]:
    context = RunContext(store=store, now=NOW, summary=CollectSummary())
    return context, StorePipeline(context)


def test_a_batch_of_results_records_every_fetch_state(store: Store) -> None:
    context, pipeline = _context(store)
    batch: list[Any] = [
        (pipeline, SourceResult("media-a", "u", status=200, entries=_entries("media-a")), None),
        (pipeline, SourceResult("media-b", "u", status=304, not_modified=True, etag='"b"'), None),
        (pipeline, SourceResult("media-c", "u", error="HTTP 500 Internal Server Error"), None),
    ]
    saved = _save_batch(context, batch)
    assert [item.counts.get("entries", 0) for item in saved] == [4, 0, 0]
    with Session(store.engine) as session:
        sources = {s.id: s for s in session.exec(select(Source)).all()}
    assert sources["media-a"].last_status == 200
    assert sources["media-a"].last_new_item_at is not None
    assert sources["media-b"].etag == '"b"'
    assert sources["media-b"].error_count == 0
    assert sources["media-c"].error_count == 1
    assert sources["media-c"].last_error == "HTTP 500 Internal Server Error"


def test_a_failing_result_is_retried_alone_and_fails_only_its_source(store: Store) -> None:
    context, pipeline = _context(store)

    def broken(session: Session, now: datetime) -> dict[str, int]:
        raise RuntimeError("disk on fire")

    batch: list[Any] = [
        (pipeline, SourceResult("media-a", "u", status=200, entries=_entries("media-a")), None),
        (pipeline, SourceResult("media-b", "u", status=200, writes=[broken]), None),
        (pipeline, SourceResult("media-c", "u", status=200, entries=_entries("media-c")), None),
    ]
    saved = _save_batch(context, batch)
    assert [item.failed for item in saved] == [False, True, False]
    assert saved[1].error == "cannot save what was read: disk on fire"
    with Session(store.engine) as session:
        sources = {s.id: s for s in session.exec(select(Source)).all()}
        stored = session.exec(select(Entry.source_id)).all()
    assert sorted(set(stored)) == ["media-a", "media-c"]
    assert len(stored) == 8
    assert sources["media-b"].error_count == 1
    assert sources["media-a"].error_count == 0
    assert sources["media-c"].error_count == 0
