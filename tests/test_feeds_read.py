"""Feed bytes → entries: golden fixtures, bozo handling, markup, and feedparser's own corpus."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.conftest import shared_path
from watch.feeds import FeedError, read_feed
from watch.textclean import plain_text

FEEDS = Path(__file__).parent / "data" / "feeds"
RSS = {"content-type": "application/rss+xml; charset=utf-8"}


def test_rss_entries_are_plain_text_with_utc_dates() -> None:
    read = read_feed((FEEDS / "platform-blog.xml").read_bytes(), RSS)
    assert read.warning is None
    assert read.language == "fr"
    first = read.entries[0]
    assert first.title == "Bluesky franchit la barre des 30 millions d'inscrits"
    assert first.summary == "Le réseau a gagné 10 millions de comptes en trois mois."
    assert first.published_at == datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
    assert first.guid == "bsky-2026-001"
    assert first.url == "https://bsky.example/blog/30-millions"


def test_atom_uses_updated_when_published_is_missing() -> None:
    read = read_feed((FEEDS / "tech-media.atom").read_bytes(), {})
    assert [e.language for e in read.entries] == ["en", "en", "en"]
    assert read.entries[2].published_at == datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def test_truncated_feed_keeps_the_entries_that_parsed_with_a_warning() -> None:
    read = read_feed((FEEDS / "truncated.xml").read_bytes(), RSS)
    assert [e.guid for e in read.entries][:2] == ["bsky-2026-001", "bsky-2026-002"]
    assert read.warning is not None
    assert "malformed feed" in read.warning
    assert "kept the" in read.warning


def test_wrong_declared_encoding_is_decoded_without_a_warning() -> None:
    read = read_feed((FEEDS / "wrong-encoding.xml").read_bytes(), RSS)
    assert read.entries[0].title == "Le département de la Drôme quitte X et rejoint Bluesky"
    assert read.entries[1].summary == "La plateforme d'inspiration séduit la génération Z."


def test_hostile_markup_is_stored_as_text() -> None:
    read = read_feed((FEEDS / "hostile.xml").read_bytes(), RSS)
    entry = read.entries[0]
    assert entry.title == "TikTok lance TikTok Notes, une nouvelle application"
    for text in (entry.title, entry.summary):
        assert "<" not in text
        assert "alert" not in text
        assert "javascript" not in text
    assert entry.summary == "Une app photo & texte."


@pytest.mark.parametrize(
    ("body", "headers", "message"),
    [
        ((FEEDS / "not-a-feed.html").read_bytes(), {"content-type": "text/html"}, "HTML page"),
        (b'{"items": []}', {"content-type": "application/json"}, "JSON"),
        (b"", RSS, "empty"),
        (b"\x00\x01garbage\xff", {}, "not a feed"),
    ],
)
def test_what_is_not_a_feed_is_an_error(body: bytes, headers: dict, message: str) -> None:
    with pytest.raises(FeedError, match=message):
        read_feed(body, headers)


def test_plain_text_drops_scripts_styles_comments_and_decodes_entities() -> None:
    html = "<p>A&amp;B <script>x()</script><!-- c --><style>p{}</style>&lt;b&gt;bold&lt;/b&gt;</p>"
    assert plain_text(html) == "A&B bold"
    assert plain_text("a < b and c > d") == "a < b and c > d"
    assert plain_text("x" * 50, limit=10) == "xxxxxxxxx…"


def test_golden_fixtures_have_expected_signals_files() -> None:
    goldens = sorted(FEEDS.glob("*.expected.json"))
    assert len(goldens) >= 4
    for golden in goldens:
        assert isinstance(json.loads(golden.read_text(encoding="utf-8")), list)


def test_feedparser_corpus_goes_through_the_reader_without_a_crash() -> None:
    """Every file of feedparser's own test corpus: entries or a clean FeedError, nothing else."""
    corpus = shared_path("corpus", "feedparser-tests")
    files = sorted(p for p in corpus.rglob("*") if p.suffix in (".xml", ".json", ".rdf"))
    assert len(files) > 2000
    read_count = errors = 0
    for path in files:
        try:
            read = read_feed(path.read_bytes(), {}, url="http://127.0.0.1/" + path.name)
        except FeedError:
            errors += 1
            continue
        read_count += 1
        for entry in read.entries:
            assert isinstance(entry.title, str)
            assert entry.published_at is None or entry.published_at.tzinfo is not None
    assert read_count > errors
