"""Per-source fetch state: due sources, backoff that never gives up, validators, silence."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from watch.errors import InputError
from watch.fetchstate import (
    BACKOFF_CAP,
    JITTER,
    MAX_INTERVAL,
    Outcome,
    backoff_delay,
    record_outcome,
    select_sources,
    silence,
)
from watch.models import Source
from watch.sources import add_source, list_sources, set_enabled
from watch.store import Store

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path, run) -> Store:  # noqa: ANN001
    assert run("init", "--no-defaults", "--city", "T").exit_code == 0
    store = Store.open(f"sqlite:///{tmp_path / 'ws' / 'vigie.db'}")
    add_source(store, "feed", "https://a.example/feed", source_id="a")
    add_source(store, "feed", "https://b.example/feed", source_id="b")
    add_source(
        store, "pageviews", "https://w.example/{project}/{article}/{start}/{end}", source_id="w"
    )
    yield store
    store.dispose()


def _record(store: Store, source_id: str, outcome: Outcome, now: datetime = NOW) -> Source:
    with store.session() as session:
        record_outcome(session, source_id, outcome, now=now, rng=random.Random(1))
    with store.session() as session:
        return session.get(Source, source_id)


def test_backoff_grows_with_jitter_and_is_capped_but_never_stops() -> None:
    rng = random.Random(7)
    delays = [backoff_delay(n, rng=rng) for n in range(1, 30)]
    assert delays[0] == pytest.approx(15 * 60, rel=JITTER)
    assert delays[3] == pytest.approx(15 * 60 * 8, rel=JITTER)
    assert all(d <= BACKOFF_CAP * (1 + JITTER) for d in delays)
    assert all(d > 0 for d in delays)
    assert len({round(d) for d in delays[-10:]}) > 1  # jittered, not lock-step


def test_retry_after_is_a_floor() -> None:
    assert backoff_delay(1, retry_after=7200, rng=random.Random(1)) >= 7200


def test_failure_records_message_count_and_backoff(store: Store) -> None:
    source = _record(store, "a", Outcome(status=500, error="HTTP 500 Internal Server Error"))
    assert (source.last_status, source.last_error, source.error_count) == (
        500,
        "HTTP 500 Internal Server Error",
        1,
    )
    first_wait = source.next_fetch_at - NOW
    source = _record(store, "a", Outcome(status=500, error="HTTP 500 Internal Server Error"))
    assert source.error_count == 2
    assert source.next_fetch_at - NOW > first_wait


def test_success_resets_errors_and_not_modified_refreshes_validators(store: Store) -> None:
    _record(store, "a", Outcome(error="timed out after 30 s"))
    source = _record(
        store,
        "a",
        Outcome(
            status=200, etag='"v1"', last_modified="Mon, 02 Nov 2026 10:00:00 GMT", new_items=3
        ),
    )
    assert (source.error_count, source.last_error, source.etag) == (0, None, '"v1"')
    assert source.last_new_item_at == NOW
    later = NOW + timedelta(hours=2)
    source = _record(store, "a", Outcome(status=304, not_modified=True, etag='"v2"'), now=later)
    assert source.etag == '"v2"'
    assert source.last_modified == "Mon, 02 Nov 2026 10:00:00 GMT"  # kept when not resent
    assert source.last_new_item_at == NOW
    assert source.next_fetch_at == later + timedelta(hours=1)


def test_cache_control_max_age_lengthens_the_interval_within_a_cap(store: Store) -> None:
    source = _record(store, "a", Outcome(status=200, max_age=6 * 3600))
    assert source.next_fetch_at == NOW + timedelta(hours=6)
    source = _record(store, "a", Outcome(status=200, max_age=365 * 86400))
    assert source.next_fetch_at == NOW + timedelta(seconds=MAX_INTERVAL)


def test_a_warning_is_kept_on_a_successful_source(store: Store) -> None:
    source = _record(store, "a", Outcome(status=200, warning="malformed feed (x); kept 2"))
    assert source.error_count == 0
    assert source.last_error == "warning: malformed feed (x); kept 2"


def test_due_sources_and_explicit_source(store: Store) -> None:
    assert [t.id for t in select_sources(store, NOW)] == ["a", "b", "w"]
    _record(store, "a", Outcome(status=200))
    assert [t.id for t in select_sources(store, NOW, kinds={"feed"})] == ["b"]
    assert [t.id for t in select_sources(store, NOW, exclude_kinds={"feed"})] == ["w"]
    assert [t.id for t in select_sources(store, NOW, source_id="a")] == ["a"]  # even if not due
    set_enabled(store, "b", False)
    assert [t.id for t in select_sources(store, NOW, kinds={"feed"})] == []
    with pytest.raises(InputError, match="unknown source"):
        select_sources(store, NOW, source_id="nope")


def test_silence_needs_a_rhythm_and_a_long_quiet() -> None:
    daily = [NOW - timedelta(days=30 + i) for i in range(10)]
    assert silence(daily, NOW) is not None
    assert silence(daily, NOW - timedelta(days=28)) is None
    assert silence(daily[:2], NOW) is None  # too few items to know a rhythm
    monthly = [NOW - timedelta(days=20 + 30 * i) for i in range(6)]
    assert silence(monthly, NOW) is None


def test_sources_list_flags_a_silent_feed(store: Store) -> None:
    from watch.signals import save_entries

    old = datetime(2025, 1, 1, tzinfo=UTC)
    entries = [{"title": f"Billet {i}", "url": f"https://a.example/{i}", "published_at": old + timedelta(days=i)}
               for i in range(8)]  # fmt: skip
    save_entries(store, "a", entries, now=NOW)
    rows = {row["id"]: row for row in list_sources(store)}
    assert rows["a"]["silent"].startswith("silent since 2025-01-08")
    assert rows["b"]["silent"] is None
