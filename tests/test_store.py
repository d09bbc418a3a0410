"""The store: real SQLite with foreign keys, aware UTC datetimes, idempotent upserts."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError, StatementError
from sqlmodel import select

from tests.conftest import db_snapshot
from watch.models import Metric, Platform, Signal
from watch.store import Store, upsert


@pytest.fixture
def store(tmp_path: Path) -> Store:
    opened = Store.open(f"sqlite:///{tmp_path / 'store.db'}")
    with opened.session() as session:
        session.add(Platform(slug="bluesky", name="Bluesky"))
    yield opened
    opened.dispose()


def test_datetimes_come_back_aware_utc(store: Store) -> None:
    moment = datetime(2026, 3, 1, 12, 30, tzinfo=UTC)
    with store.session() as session:
        session.add(Signal(platform="bluesky", title="t", fingerprint="f1", published_at=moment))
    with store.session() as session:
        signal = session.exec(select(Signal)).one()
    assert signal.published_at == moment
    assert signal.published_at.tzinfo is not None
    assert signal.fetched_at.tzinfo is not None


def test_naive_datetimes_are_refused(store: Store) -> None:
    with pytest.raises(StatementError), store.session() as session:
        session.add(
            Signal(
                platform="bluesky", title="t", fingerprint="f2", published_at=datetime(2026, 1, 1)
            )
        )


def test_foreign_keys_are_enforced(store: Store) -> None:
    with pytest.raises(IntegrityError), store.session() as session:
        session.add(Signal(platform="nope", title="t", fingerprint="f3"))


def test_fingerprint_is_unique(store: Store) -> None:
    with store.session() as session:
        session.add(Signal(platform="bluesky", title="t", fingerprint="same"))
    with pytest.raises(IntegrityError), store.session() as session:
        session.add(Signal(platform="bluesky", title="again", fingerprint="same"))


def test_metric_upsert_never_duplicates(store: Store) -> None:
    row = {"platform": "bluesky", "metric": "pageviews.fr", "period": "2026-01", "value": 10.0}
    for value in (10.0, 12.0):
        with store.session() as session:
            upsert(
                session,
                Metric,
                [{**row, "value": value}],
                ["platform", "metric", "subject", "period"],
            )
    with store.session() as session:
        metrics = session.exec(select(Metric)).all()
    assert [m.value for m in metrics] == [12.0]


def test_a_file_that_is_not_sqlite_is_exit_2_and_untouched(workspace: Path, run) -> None:
    database = workspace / "vigie.db"
    for suffix in ("-wal", "-shm"):
        (workspace / f"vigie.db{suffix}").unlink(missing_ok=True)
    database.write_bytes(b"%PDF-1.7 this is a council minute, not a database\n" * 20)
    before = database.read_bytes()
    result = run("platforms", "list")
    assert result.exit_code == 2
    assert "not a SQLite database" in result.stderr
    assert database.read_bytes() == before


def test_init_refuses_an_existing_non_sqlite_database(tmp_path: Path, run) -> None:
    root = tmp_path / "ws"
    root.mkdir()
    (root / "vigie.db").write_text("not sqlite at all, but precious")
    result = run("init")
    assert result.exit_code == 2
    assert not (root / "vigie.toml").exists()
    assert (root / "vigie.db").read_text() == "not sqlite at all, but precious"


def test_snapshot_helper_sees_changes(workspace: Path, run) -> None:
    before = db_snapshot(workspace / "vigie.db")
    assert run("platforms", "set-status", "bluesky", "joined").exit_code == 0
    assert db_snapshot(workspace / "vigie.db") != before
