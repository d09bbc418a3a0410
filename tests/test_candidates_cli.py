"""`vigie candidates list|promote|dismiss` on entries saved through the feed reader's API."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import Result
from sqlmodel import select

from tests.conftest import db_snapshot
from watch.emergence import emergence_score, list_candidates, top_candidates
from watch.fingerprint import signal_fingerprint
from watch.models import Candidate, Entry, Signal
from watch.signals import save_entries
from watch.sources import add_source
from watch.store import Store
from watch.workspace import Workspace

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
KEYS = {"name", "first_seen", "last_seen", "mentions", "sources", "score", "examples", "trend",
        "kinds"}  # fmt: skip


@pytest.fixture
def ws(tmp_path: Path, run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch) -> Path:
    """A workspace with the catalogue, no default source, and the clock pinned to NOW."""
    monkeypatch.setenv("VIGIE_NOW", NOW.isoformat())
    assert run("init", "--no-defaults", "--city", "Testville").exit_code == 0
    return tmp_path / "ws"


@pytest.fixture
def store(ws: Path) -> Iterator[Store]:
    opened = Workspace.load(ws).open_store()
    yield opened
    opened.dispose()


def feed(store: Store, source_id: str, *items: tuple[str, str, int]) -> None:
    """Save (title, summary, days before NOW) items as entries of the feed ``source_id``."""
    add_source(store, "feed", f"http://127.0.0.1:9/{source_id}.xml", source_id=source_id)
    entries = [
        {
            "title": title,
            "summary": summary,
            "url": f"https://{source_id}.example/{index}",
            "guid": f"{source_id}-{index}",
            "published_at": NOW - timedelta(days=days),
        }
        for index, (title, summary, days) in enumerate(items)
    ]
    save_entries(store, source_id, entries, now=NOW)


NOPLACE_FR = ("Noplace, le nouveau réseau social qui séduit les ados", "Façon MySpace.", 2)
NOPLACE_EN = ("Noplace, the social app for Gen Z, tops the App Store", "Teens love it.", 5)
NOPLACE_UP = ("NOPLACE : LE RÉSEAU SOCIAL QUI AFFOLE LES COLLÈGES", "Les parents s'inquiètent.", 1)
SPILL_OLD = ("Spill, the Black-owned Twitter alternative, opens to everyone", "Visual-first.", 80)
DECOY = ("Elon Musk says X will launch payments", "The ex-Twitter owner.", 3)


def candidates_json(run: Callable[..., Result], *args: str) -> list[dict]:
    result = run("candidates", "list", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_list_shape_ranking_and_one_candidate_per_network(
    store: Store, run: Callable[..., Result]
) -> None:
    feed(store, "numerama", NOPLACE_FR, DECOY)
    feed(store, "techcrunch", NOPLACE_EN, SPILL_OLD)
    feed(store, "clubic", NOPLACE_UP)
    rows = candidates_json(run)
    assert [r["name"] for r in rows] == ["Noplace", "Spill"]
    noplace, spill = rows
    assert set(noplace) >= KEYS
    assert (noplace["mentions"], noplace["sources"]) == (3, 3)
    assert noplace["first_seen"] == "2026-11-21T12:00:00Z"
    assert noplace["last_seen"] == "2026-11-25T12:00:00Z"
    assert noplace["trend"]["direction"] == "new"
    assert noplace["score"] > spill["score"]
    assert [e["url"] for e in noplace["examples"]] == [
        "https://clubic.example/0", "https://numerama.example/0", "https://techcrunch.example/0"
    ]  # fmt: skip
    assert sum(noplace["kinds"].values()) == 3
    assert spill["trend"]["direction"] in ("falling", "dormant")


def test_score_rises_with_corroboration_and_growth() -> None:
    one_source = emergence_score(1, 3, growth=0.5, quality=1.0, days_since_last=1)
    three_sources = emergence_score(3, 3, growth=0.5, quality=1.0, days_since_last=1)
    shrinking = emergence_score(3, 3, growth=0.1, quality=1.0, days_since_last=1)
    growing = emergence_score(3, 3, growth=0.9, quality=1.0, days_since_last=1)
    stale = emergence_score(3, 3, growth=0.9, quality=1.0, days_since_last=120)
    assert one_source < three_sources
    assert shrinking < growing
    assert stale < growing / 2
    assert shrinking >= 0
    assert growing <= 100


def test_growing_candidate_outranks_a_fading_one(store: Store) -> None:
    fable = "Fable, the social network for book lovers, {}"
    tangle = "Tangle, a new Threads rival, {}"
    feed(store, "a", (fable.format("adds clubs"), "", 5), (tangle.format("launches"), "", 85))
    feed(store, "b", (fable.format("grows"), "", 10), (tangle.format("grows"), "", 70))
    feed(store, "c", (fable.format("raises money"), "", 40), (tangle.format("adds DMs"), "", 50))
    rows = {r["name"]: r for r in list_candidates(store, NOW)}
    assert rows["Fable"]["trend"]["direction"] == "rising"
    assert rows["Tangle"]["trend"]["direction"] == "falling"
    assert rows["Fable"]["score"] > rows["Tangle"]["score"]


def test_bad_entries_never_crash_and_unsafe_links_are_dropped(store: Store) -> None:
    """Entries written by any collector: empty titles, emoji, control characters, odd links."""
    odd = [
        ("", None, "https://a.example/1"),
        ("   ", "Une entrée sans titre.", None),
        (
            "🔥🔥 Saturn™, the calendar social app!!! 🚀",
            "Students share schedules.",
            "javascript:alert(1)",
        ),
        ("saturn, THE CALENDAR SOCIAL APP, raises $12M", None, "ftp://files.example/x"),
        ("SATURN, L'APPLI SOCIALE DES LYCÉENS", "\x1b[31mrouge\x1b[0m", "https://b.example/2"),
        ("Saturn\u202e, the social app \x00 for students", None, "https://c.example/3"),
    ]
    with store.session() as session:
        for index, (title, summary, url) in enumerate(odd):
            session.add(
                Entry(
                    fingerprint=f"odd-{index}",
                    title=title,
                    summary=summary,
                    url=url,
                    published_at=NOW - timedelta(days=index),
                )  # fmt: skip
            )
    rows = list_candidates(store, NOW)
    assert [r["name"] for r in rows] == ["Saturn"]
    assert rows[0]["mentions"] == 4
    urls = {e["url"] for e in rows[0]["examples"]}
    assert urls <= {None, "https://b.example/2", "https://c.example/3"}
    assert all("\x1b" not in e["title"] and "\u202e" not in e["title"] for e in rows[0]["examples"])


def test_listing_as_of_a_date_ignores_later_news_and_clamps_future_dates(store: Store) -> None:
    feed(store, "a", ("Noplace, le nouveau réseau social des ados", "", -30))
    # Fetched at NOW: unknown to a listing as of the day before (a past quarter's report).
    assert list_candidates(store, NOW - timedelta(days=1)) == []
    # A publication date in the future is a feed's mistake: the fetch date stands for it.
    assert [r["last_seen"] for r in list_candidates(store, NOW)] == ["2026-11-26T12:00:00Z"]


def test_platform_added_by_the_city_is_no_longer_a_candidate(
    store: Store, run: Callable[..., Result]
) -> None:
    feed(store, "a", NOPLACE_FR)
    assert [r["name"] for r in candidates_json(run)] == ["Noplace"]
    assert run("platforms", "add", "noplace", "--name", "Noplace").exit_code == 0
    assert candidates_json(run) == []


def test_promote_adds_the_platform_and_turns_mentions_into_signals(
    store: Store, run: Callable[..., Result]
) -> None:
    feed(store, "numerama", NOPLACE_FR, DECOY)
    feed(store, "techcrunch", NOPLACE_EN)
    result = run("candidates", "promote", "noplace", "--format", "json", "--by", "C. Martin")
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert (record["slug"], record["name"], record["origin"]) == ("noplace", "Noplace", "candidate")
    assert record["signals"] == 2
    with store.session() as session:
        signals = session.exec(select(Signal).where(Signal.platform == "noplace")).all()
        entries = {e.id: e for e in session.exec(select(Entry)).all()}
        decision = session.get(Candidate, "noplace")
    assert len(signals) == 2
    for signal in signals:
        entry = entries[signal.entry_id]
        assert signal.fingerprint == signal_fingerprint(entry.fingerprint, "noplace")
        assert "noplace" in entry.platforms
    assert (decision.status, decision.slug, decision.decided_by) == (
        "promoted",
        "noplace",
        "C. Martin",
    )
    assert candidates_json(run) == []
    assert [(r["name"], r["status"]) for r in candidates_json(run, "--all")] == [
        ("Noplace", "promoted")
    ]
    # Collected like the others from now on: a new entry naming it becomes its signal.
    feed(store, "clubic", ("Noplace ajoute les discussions de groupe", "Pour les ados.", 0))
    with store.session() as session:
        count = len(session.exec(select(Signal).where(Signal.platform == "noplace")).all())
    assert count == 3
    again = run("candidates", "promote", "Noplace")
    assert again.exit_code == 2
    assert "already in the catalogue" in again.output


def test_promote_refuses_a_taken_slug_and_writes_nothing(
    ws: Path, store: Store, run: Callable[..., Result]
) -> None:
    feed(store, "a", NOPLACE_FR)
    before = db_snapshot(ws / "vigie.db")
    result = run("candidates", "promote", "Noplace", "--slug", "bluesky")
    assert result.exit_code == 2
    assert "already exists" in result.output
    assert db_snapshot(ws / "vigie.db") == before


def test_dismiss_hides_for_good_with_who_and_why(
    ws: Path, store: Store, run: Callable[..., Result]
) -> None:
    feed(store, "a", NOPLACE_FR, SPILL_OLD)
    result = run("candidates", "dismiss", "SPILL", "--by", "C. Martin", "--reason", "US only")
    assert result.exit_code == 0, result.output
    assert [r["name"] for r in candidates_json(run)] == ["Noplace"]
    dismissed = [r for r in candidates_json(run, "--all") if r["status"] == "dismissed"]
    assert [(r["name"], r["decided_by"], r["reason"]) for r in dismissed] == [
        ("Spill", "C. Martin", "US only")
    ]
    # New mentions do not bring it back.
    feed(store, "b", ("Spill, l'alternative à X, arrive en France", "", 0))
    assert [r["name"] for r in candidates_json(run)] == ["Noplace"]
    before = db_snapshot(ws / "vigie.db")
    for args in (
        ("dismiss", "Spill", "--by", "X", "--reason", "again"),
        ("promote", "Spill"),
        ("dismiss", "Nowhere", "--by", "X", "--reason", "unknown"),
        ("dismiss", "Noplace", "--by", " ", "--reason", "blank"),
        ("dismiss", "Noplace", "--by", "X"),
    ):
        outcome = run("candidates", *args)
        assert outcome.exit_code == 2, (args, outcome.output)
    assert db_snapshot(ws / "vigie.db") == before


def test_top_candidates_for_the_quarterly_report(store: Store) -> None:
    feed(store, "a", NOPLACE_FR, SPILL_OLD)
    feed(store, "b", NOPLACE_EN)
    top = top_candidates(store, NOW, limit=1)
    assert [row["name"] for row in top] == ["Noplace"]
    assert set(top[0]) >= KEYS
    assert top_candidates(store, NOW, limit=1) == top  # same data, same clock: same answer


def test_table_and_csv_listings(store: Store, run: Callable[..., Result]) -> None:
    feed(store, "a", NOPLACE_FR)
    table = run("candidates", "list")
    assert table.exit_code == 0
    assert "Noplace" in table.stdout
    assert "new (1/0)" in table.stdout
    csv_out = run("candidates", "list", "--format", "csv", "--limit", "1")
    assert csv_out.stdout.splitlines()[0].startswith("name,score,mentions,sources")
    assert run("candidates", "list", "--limit", "0").exit_code == 2


@pytest.mark.postgres
def test_list_promote_dismiss_on_postgresql(
    tmp_path: Path, run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch, pg_url: str
) -> None:
    """The shared, multi-user deployment: the same commands on PostgreSQL."""
    monkeypatch.setenv("VIGIE_DATABASE_URL", pg_url)
    monkeypatch.setenv("VIGIE_NOW", NOW.isoformat())
    assert run("init", "--no-defaults", "--city", "Observatoire").exit_code == 0
    store = Workspace.load(tmp_path / "ws").open_store()
    try:
        feed(store, "a", NOPLACE_FR, SPILL_OLD)
        feed(store, "b", NOPLACE_EN)
        assert [r["name"] for r in candidates_json(run)] == ["Noplace", "Spill"]
        assert run("candidates", "promote", "Noplace").exit_code == 0
        assert run("candidates", "dismiss", "Spill", "--by", "A", "--reason", "B").exit_code == 0
        assert candidates_json(run) == []
        with store.session() as session:
            signals = session.exec(select(Signal).where(Signal.platform == "noplace")).all()
        assert len(signals) == 2
    finally:
        store.dispose()


def test_failed_promotion_leaves_no_half_added_platform(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from watch import emergence_decisions
    from watch.models import Platform

    feed(store, "a", NOPLACE_FR)

    def broken(*_args: object) -> int:
        raise RuntimeError("disk full")

    monkeypatch.setattr(emergence_decisions, "_signals_from_entries", broken)
    with pytest.raises(RuntimeError):
        emergence_decisions.promote_candidate(store, "Noplace", NOW)
    with store.session() as session:
        assert session.get(Platform, "noplace") is None
        assert session.get(Candidate, "noplace") is None
    assert [r["name"] for r in list_candidates(store, NOW)] == ["Noplace"]


def test_listing_reads_the_last_year_unless_asked(store: Store, run: Callable[..., Result]) -> None:
    """Old news is not emergence (and reading it is the slow part); --days widens the window."""
    with store.session() as session:
        session.add(
            Entry(fingerprint="old", title="Cohost, le réseau social sans algorithme, ouvre",
                  published_at=NOW - timedelta(days=400), fetched_at=NOW - timedelta(days=399))
        )  # fmt: skip
    assert candidates_json(run) == []
    assert [r["name"] for r in candidates_json(run, "--days", "500")] == ["Cohost"]
    promoted = run("candidates", "promote", "Cohost")  # a decision finds it however old
    assert promoted.exit_code == 0, promoted.output
