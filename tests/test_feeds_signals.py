"""Entries and signals in the store: golden fixtures, idempotence, identities, clusters, listing."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from watch.feeds import read_feed
from watch.models import Entry, Signal, Source
from watch.signals import list_signals, save_entries
from watch.sources import add_source
from watch.store import Store

FEEDS = Path(__file__).parent / "data" / "feeds"
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


@pytest.fixture
def store(workspace: Path) -> Store:
    store = Store.open(f"sqlite:///{workspace / 'vigie.db'}")
    yield store
    store.dispose()


def _feed(store: Store, source_id: str, platform: str | None = None) -> str:
    add_source(
        store, "feed", f"https://{source_id}.example/feed", source_id=source_id, platform=platform
    )
    return source_id


def _save_fixture(store: Store, name: str, source_id: str) -> None:
    read = read_feed((FEEDS / name).read_bytes(), {"content-type": "application/xml"})
    save_entries(store, source_id, [e.as_dict() for e in read.entries], now=NOW)


def _signals(store: Store, source_id: str) -> list[dict]:
    return [s for s in list_signals(store) if s["source_id"] == source_id]


@pytest.mark.parametrize(
    ("fixture", "platform"),
    [
        ("platform-blog.xml", "bluesky"),
        ("tech-media.atom", None),
        ("hostile.xml", None),
        ("wrong-encoding.xml", None),
    ],
)
def test_fixture_feed_gives_its_expected_signals(
    store: Store, fixture: str, platform: str | None
) -> None:
    source_id = _feed(store, fixture.split(".")[0], platform)
    _save_fixture(store, fixture, source_id)
    expected = json.loads(
        (FEEDS / fixture.rsplit(".", 1)[0]).with_suffix(".expected.json").read_text("utf-8")
    )
    got = [
        {k: s[k] for k in ("title", "platform", "kind", "value", "unit", "published_at")}
        for s in _signals(store, source_id)
    ]
    key = lambda row: (row["title"], row["platform"])  # noqa: E731
    assert sorted(got, key=key) == sorted(expected, key=key)


def test_reading_the_same_feed_twice_adds_nothing(store: Store) -> None:
    source_id = _feed(store, "blog", "bluesky")
    read = read_feed((FEEDS / "platform-blog.xml").read_bytes(), {})
    entries = [e.as_dict() for e in read.entries]
    first = save_entries(store, source_id, entries, now=NOW)
    second = save_entries(store, source_id, entries, now=NOW + timedelta(hours=1))
    assert (first.entries_new, first.signals_new) == (3, 4)
    assert (second.entries_seen, second.entries_new, second.signals_new) == (3, 0, 0)
    assert len(_signals(store, source_id)) == 4


def test_concurrent_saves_never_duplicate(store: Store) -> None:
    source_id = _feed(store, "busy")
    entries = [
        {"title": f"Bluesky ajoute la fonction {i}", "url": f"https://busy.example/{i}", "guid": f"g{i}",
         "published_at": NOW - timedelta(hours=i)}
        for i in range(40)
    ]  # fmt: skip
    errors: list[BaseException] = []

    def save() -> None:
        try:
            save_entries(store, source_id, entries, now=NOW)
        except BaseException as exc:  # noqa: BLE001 - surfaced by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=save) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with store.session() as session:
        assert len(session.exec(select(Entry).where(Entry.source_id == source_id)).all()) == 40
        assert len(session.exec(select(Signal).where(Signal.source_id == source_id)).all()) == 40


def test_repeated_guids_fall_back_to_links_and_stay_there(store: Store) -> None:
    source_id = _feed(store, "ids", "mastodon")
    _save_fixture(store, "repeated-guids.xml", source_id)
    with store.session() as session:
        entries = session.exec(select(Entry).where(Entry.source_id == source_id)).all()
        assert len(entries) == 3  # three items although two share a guid and one has none
        assert session.get(Source, source_id).options["fingerprint"] == "link"
    # Later batches with clean ids keep the weaker identity, so nothing is duplicated.
    clean = [{"title": e.title, "url": e.url, "guid": f"clean-{i}", "published_at": e.published_at}
             for i, e in enumerate(entries)]  # fmt: skip
    assert save_entries(store, source_id, clean, now=NOW).entries_new == 0


def test_entries_without_guid_or_link_are_known_by_title_and_date(store: Store) -> None:
    source_id = _feed(store, "bare")
    entry = {"title": "Threads lance les messages privés", "published_at": NOW}
    assert save_entries(store, source_id, [entry], now=NOW).entries_new == 1
    assert save_entries(store, source_id, [dict(entry)], now=NOW).entries_new == 0
    later = {**entry, "published_at": NOW + timedelta(days=7)}
    assert save_entries(store, source_id, [later], now=NOW).entries_new == 1


def test_same_story_from_two_outlets_shares_a_cluster(store: Store) -> None:
    one, two, three = _feed(store, "one"), _feed(store, "two"), _feed(store, "three")
    save_entries(store, one, [{"title": "Bluesky dépasse les 30 millions d'utilisateurs",
                               "url": "https://one.example/a", "published_at": NOW}], now=NOW)  # fmt: skip
    save_entries(store, two, [{"title": "Le réseau Bluesky dépasse 30 millions d'utilisateurs",
                               "url": "https://two.example/b", "published_at": NOW + timedelta(hours=5)}],
                 now=NOW)  # fmt: skip
    save_entries(store, three, [{"title": "Bluesky lance les vidéos de trois minutes",
                                 "url": "https://three.example/c", "published_at": NOW}], now=NOW)  # fmt: skip
    rows = {s["source_id"]: s for s in list_signals(store, platform="bluesky")}
    assert rows[one]["cluster_id"] == rows[two]["cluster_id"]
    assert rows[one]["cluster_size"] == 2
    assert rows[three]["cluster_id"] != rows[one]["cluster_id"]
    assert rows[three]["cluster_size"] == 1


def test_list_signals_filters_and_shape(store: Store) -> None:
    source_id = _feed(store, "mix")
    save_entries(store, source_id, [
        {"title": "Bluesky revendique 20 millions d'utilisateurs", "url": "u1", "published_at": NOW},
        {"title": "Panne : Discord inaccessible", "url": "u2", "published_at": NOW - timedelta(days=40)},
    ], now=NOW)  # fmt: skip
    assert [s["platform"] for s in list_signals(store, kind="milestone")] == ["bluesky"]
    assert [s["platform"] for s in list_signals(store, platform="discord")] == ["discord"]
    assert [s["platform"] for s in list_signals(store, since="2026-11-01")] == ["bluesky"]
    row = list_signals(store)[0]
    for key in ("id", "platform", "kind", "title", "url", "published_at", "source_id", "value",
                "unit", "cluster_id"):  # fmt: skip
        assert key in row
    assert row["published_at"] == "2026-11-26T12:00:00Z"


def test_signals_list_cli_json_and_bad_input(workspace: Path, run) -> None:  # noqa: ANN001
    store = Store.open(f"sqlite:///{workspace / 'vigie.db'}")
    try:
        source_id = _feed(store, "cli")
        save_entries(store, source_id, [{"title": "Threads passes 200 million monthly actives",
                                         "url": "https://cli.example/1", "published_at": NOW}], now=NOW)  # fmt: skip
    finally:
        store.dispose()
    result = run("signals", "list", "--platform", "threads", "--format", "json")
    assert result.exit_code == 0, result.output
    [row] = json.loads(result.stdout)
    assert (row["kind"], row["value"], row["unit"]) == ("milestone", 200e6, "mau")
    bad = run("signals", "list", "--since", "yesterday")
    assert bad.exit_code == 2
    assert "not a date" in bad.stderr
    unknown = run("signals", "list", "--platform", "myspace")
    assert unknown.exit_code == 2


def test_cli_kind_choices_follow_the_data_model() -> None:
    from watch.cli import SIGNAL_KIND_CHOICES
    from watch.models import SIGNAL_KINDS

    assert tuple(SIGNAL_KIND_CHOICES) == tuple(SIGNAL_KINDS)
