"""The store on both backends: the foundation's store suite, migrations, and concurrent writers.

The foundation's tests in tests/test_store.py are imported here and run against the ``store``
fixture below, which is parametrised over SQLite and PostgreSQL (tests/backends.py), so the same
suite passes on both. The concurrency tests hammer one store from several connections at once:
upserts must never duplicate a signal, and ``Store.lock`` must keep an append-only chain linear.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, inspect, text
from sqlmodel import SQLModel, select

from tests.test_store import (  # noqa: F401  (the foundation's suite, re-run on both backends)
    test_datetimes_come_back_aware_utc,
    test_fingerprint_is_unique,
    test_foreign_keys_are_enforced,
    test_metric_upsert_never_duplicates,
    test_naive_datetimes_are_refused,
    test_snapshot_helper_sees_changes,
)
from watch.models import Decision, Platform, Signal
from watch.store import HEAD_REVISION, Store, current_revision, upsert

WRITERS = 4


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """An upgraded store with one platform, on SQLite then on PostgreSQL."""
    opened = Store.open(store_url)
    with opened.session() as session:
        session.add(Platform(slug="bluesky", name="Bluesky"))
    yield opened
    opened.dispose()


def _concurrently(count: int, work: Callable[[int], object]) -> list[object]:
    """Run ``work(i)`` for i in range(count) on as many threads, released at the same instant."""
    barrier = threading.Barrier(count)

    def start(index: int) -> object:
        barrier.wait()
        return work(index)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(start, range(count)))


def test_migrations_reach_head_with_every_model_column(store: Store) -> None:
    assert current_revision(store.engine) == HEAD_REVISION
    inspector = inspect(store.engine)
    for table in SQLModel.metadata.sorted_tables:
        columns = {column["name"] for column in inspector.get_columns(table.name)}
        assert columns == {column.name for column in table.columns}, table.name


def test_reopening_an_up_to_date_store_changes_nothing(store: Store, store_url: str) -> None:
    again = Store.open(store_url)
    try:
        assert current_revision(again.engine) == HEAD_REVISION
        with again.session() as session:
            assert session.get(Platform, "bluesky") is not None
    finally:
        again.dispose()


def test_concurrent_upserts_of_the_same_signals_never_duplicate(store: Store) -> None:
    """Several collectors reading the same feed at once store each signal exactly once."""
    rows = [
        {"platform": "bluesky", "title": f"Story {n}", "fingerprint": f"fp-{n}"} for n in range(150)
    ]

    def collect(_: int) -> int:
        inserted = 0
        for start in range(0, len(rows), 10):  # one transaction per small batch, interleaved
            with store.session() as session:
                inserted += upsert(
                    session, Signal, rows[start : start + 10], ["fingerprint"], update=[]
                )
        return inserted

    counts = _concurrently(WRITERS, collect)
    with store.session() as session:
        stored = session.exec(select(func.count()).select_from(Signal)).one()
        distinct = session.exec(select(func.count(func.distinct(Signal.fingerprint)))).one()
    assert stored == distinct == len(rows)
    assert sum(counts) == len(rows)  # ON CONFLICT DO NOTHING: the losers inserted nothing


def _append(store: Store, author: int) -> None:
    """Append one decision the way an archive must: lock, read the head, write the next link."""
    with store.session() as session:
        store.lock(session, "decision")
        head = session.exec(select(Decision).order_by(Decision.seq.desc()).limit(1)).first()  # type: ignore[union-attr]
        seq = head.seq + 1 if head else 1
        prev_hash = head.hash if head else "0" * 64
        digest = hashlib.sha256(f"{prev_hash}|{seq}|{author}".encode()).hexdigest()
        session.add(
            Decision(
                seq=seq, platform="bluesky", verdict="watch", decided_by=f"officer {author}",
                rationale="concurrency test", prev_hash=prev_hash, hash=digest,
            )
        )  # fmt: skip


def test_lock_keeps_the_decision_chain_linear_under_concurrent_appends(store: Store) -> None:
    """Read-head-then-append is serialised: contiguous sequence, every link intact."""
    per_writer = 8

    def writer(author: int) -> None:
        for _ in range(per_writer):
            _append(store, author)

    _concurrently(WRITERS, writer)
    with store.session() as session:
        records = session.exec(select(Decision).order_by(Decision.seq)).all()
    assert [r.seq for r in records] == list(range(1, WRITERS * per_writer + 1))
    previous = "0" * 64
    for record in records:
        assert record.prev_hash == previous
        previous = record.hash


@pytest.mark.postgres
def test_postgres_lock_is_a_transaction_scoped_advisory_lock(pg_url: str) -> None:
    opened = Store.open(pg_url)
    try:
        with opened.session() as session:
            opened.lock(session, "decision")
            held = session.exec(
                text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted")  # type: ignore[call-overload]
            ).one()[0]
            assert held >= 1
        with opened.session() as session:
            held = session.exec(
                text(  # type: ignore[call-overload]
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
                    " AND pid = pg_backend_pid()"
                )
            ).one()[0]
            assert held == 0  # released at commit: a crashed command cannot leave it behind
    finally:
        opened.dispose()


def test_a_long_history_has_indexes_by_date_and_by_kind(store: Store) -> None:
    indexes = {index["name"] for index in inspect(store.engine).get_indexes("signal")}
    assert {"ix_signal_published", "ix_signal_kind_published"} <= indexes
    if store.dialect != "sqlite":
        return  # PostgreSQL rightly scans a tiny table; the plan is checked on SQLite
    with store.engine.connect() as conn:
        plan = " ".join(
            str(row[3])
            for row in conn.exec_driver_sql(
                "EXPLAIN QUERY PLAN SELECT id FROM signal WHERE kind = 'risk'"
                " AND published_at >= '2026-01-01'"
            )
        )
    assert "ix_signal_kind_published" in plan


def test_concurrent_decisions_through_the_archive_keep_one_verifiable_chain(store: Store) -> None:
    """The real archive service (issue #7), hammered from several connections at once."""
    from watch.decisions import append_decision, verify_chain

    per_writer = 4

    def officer(index: int) -> None:
        for n in range(per_writer):
            append_decision(
                store, "bluesky", "pilot" if n % 2 else "watch", f"Officer {index}",
                f"Concurrent proposal {n} by officer {index}", status="proposed",
            )  # fmt: skip

    _concurrently(WRITERS, officer)
    result = verify_chain(store)
    assert result.ok, result.message
    assert result.count == WRITERS * per_writer
    with store.session() as session:
        seqs = session.exec(select(Decision.seq).order_by(Decision.seq)).all()
    assert list(seqs) == list(range(1, WRITERS * per_writer + 1))
