"""The embedded sample: complete, labelled as illustrative, and always "the last four quarters"."""

from __future__ import annotations

import calendar
import csv
import json
import urllib.error
import urllib.request
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import feedparser
import pytest
from hypothesis import given
from hypothesis import strategies as st

from watch.catalogue import platform_entries
from watch.peer_presence import PlatformHosts, detect_presence
from watch.peers import parse_peers_csv
from watch.sample_server import (
    SAMPLE_DIR,
    add_months,
    load_manifest,
    month_shift,
    redate_text,
    serving_sample,
    slugify,
)

LABEL_WORDS = ("illustrati", "fictif", "fictive", "échantillon")
ANCHOR_NOW = datetime(2026, 11, 26, 12, tzinfo=UTC)


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _feeds() -> list[Path]:
    manifest = load_manifest()
    return [SAMPLE_DIR / s.path.lstrip("/") for s in manifest.sources if s.kind == "feed"]


def test_sample_has_eight_feeds_rss_and_atom_with_about_200_entries():
    feeds = _feeds()
    parsed = [feedparser.parse(path.read_bytes()) for path in feeds]
    assert len(feeds) >= 8
    assert {p.version[:3] for p in parsed} == {"rss", "ato"}
    assert all(not p.bozo for p in parsed), [p.get("bozo_exception") for p in parsed]
    assert 180 <= sum(len(p.entries) for p in parsed) <= 260


def test_every_sample_file_says_it_is_illustrative():
    checked = 0
    for path in SAMPLE_DIR.rglob("*"):
        if path.suffix in (".rss", ".atom", ".html", ".md") or path.parent.name == "appstore":
            text = path.read_text(encoding="utf-8").lower()
            assert any(word in text for word in LABEL_WORDS), path
            checked += 1
    assert checked >= 8 + 4 + 2 + 30


def test_every_catalogue_platform_has_24_months_of_pageviews_in_french_and_english():
    for entry in platform_entries():
        for language in ("fr", "en"):
            title = entry.wikipedia[language].replace(" ", "_")
            path = SAMPLE_DIR / "pageviews" / f"{language}.wikipedia" / f"{slugify(title)}.json"
            items = json.loads(path.read_text(encoding="utf-8"))["items"]
            assert len(items) >= 26, path
            assert {i["article"] for i in items} == {title}
            assert all(isinstance(i["views"], int) and i["views"] > 0 for i in items)


def test_charts_rank_catalogue_apps_by_their_real_app_store_ids():
    ids = {e.slug: e.app_store_ids[0] for e in platform_entries() if e.app_store_ids}
    for quarter in (1, 2, 3, 4):
        chart = json.loads((SAMPLE_DIR / "appstore" / f"top-free-q{quarter}.json").read_text())
        results = chart["feed"]["results"]
        assert len(results) == 100
        assert len({r["id"] for r in results}) == 100
        present = {r["id"] for r in results}
        assert {
            ids[s] for s in ("tiktok", "instagram", "whatsapp", "bluesky", "threads")
        } <= present


def test_fictional_newcomers_appear_in_the_news_but_not_in_the_catalogue():
    names = {"Parvis", "Tessera", "Glimmr", "Lianes"}
    catalogue = {a.lower() for e in platform_entries() for a in (*e.aliases, e.name, e.slug)}
    assert not {n.lower() for n in names} & catalogue
    titles = " ".join(e.title for f in _feeds() for e in feedparser.parse(f.read_bytes()).entries)
    assert all(titles.count(name) >= 2 for name in names)


def test_peer_csv_lists_30_fictional_cities_the_importer_accepts():
    rows = parse_peers_csv((SAMPLE_DIR / "peers" / "peers.csv").read_text(encoding="utf-8"))
    assert len(rows) == 30
    assert all(r.homepage.endswith(".example/") for r in rows)
    assert all(20000 <= (r.population or 0) <= 45000 for r in rows)


def test_peer_homepages_show_exactly_the_expected_presences():
    """Share buttons, twitter.com vs x.com, m.facebook.com, rel="me", JSON-LD, instances."""
    platforms = [PlatformHosts(e.slug, tuple(e.domains), e.protocol) for e in platform_entries()]
    expected = json.loads((SAMPLE_DIR / "peers" / "expected.json").read_text())["presence"]
    with (SAMPLE_DIR / "peers" / "peers.csv").open(encoding="utf-8") as handle:
        homepages = {row["name"]: row["homepage"] for row in csv.DictReader(handle)}
    for name, accounts in expected.items():
        host = homepages[name].split("/")[2]
        html = (SAMPLE_DIR / "peers" / host / "index.html").read_text(encoding="utf-8")
        found = detect_presence(html, homepages[name], platforms)
        assert {p.platform: p.account_url.rstrip("/") for p in found} == {
            slug: url.rstrip("/") for slug, url in accounts.items()
        }, name
    assert sum(len(a) for a in expected.values()) > 100
    assert any(not a for a in expected.values())  # a city linking to no network at all


def test_manifest_sources_point_at_files_that_exist_and_joined_platforms_are_known():
    manifest = load_manifest()
    slugs = {e.slug for e in platform_entries()}
    assert set(manifest.joined) == {"facebook", "instagram", "x", "linkedin", "youtube"}
    assert set(manifest.joined) <= slugs
    assert 30000 <= manifest.city["population"] <= 36000
    for source in manifest.sources:
        assert source.platform is None or source.platform in slugs
        if "{" not in source.path:
            assert (SAMPLE_DIR / (source.file or source.path.lstrip("/"))).is_file(), source.id


# ----------------------------------------------------------------------------- re-dating


def test_month_shift_is_whole_quarters_from_the_anchor():
    assert month_shift("2026-Q4", ANCHOR_NOW) == 0
    assert month_shift("2026-Q4", datetime(2027, 1, 1, tzinfo=UTC)) == 3
    assert month_shift("2026-Q4", datetime(2028, 8, 1, tzinfo=UTC)) == 21


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        ("2026-09-30", 3, "2026-12-31"),
        ("2026-12-31", 3, "2027-03-31"),
        ("2026-03-31", 3, "2026-06-30"),
        ("2026-01-30", 1, "2026-02-28"),
        ("2026-05-14", 12, "2027-05-14"),
    ],
)
def test_add_months_keeps_month_ends_at_month_ends(day: str, months: int, expected: str):
    moved = add_months(datetime.fromisoformat(day).replace(tzinfo=UTC), months)
    assert moved.date().isoformat() == expected


def test_redate_moves_rss_and_atom_dates_and_drops_future_items():
    text = (
        "<rss><channel><item><title>a</title><pubDate>Tue, 01 Dec 2026 17:41:00 +0000</pubDate>"
        "</item><item><title>b</title><pubDate>Mon, 02 Nov 2026 08:00:00 +0000</pubDate></item>"
        "</channel></rss><entry><published>2026-10-01T10:00:00Z</published></entry>"
    )
    now = datetime(2027, 2, 10, tzinfo=UTC)
    out = redate_text(text, 3, now)
    assert "<title>a</title>" not in out  # 2027-03-01: after now
    assert "Tue, 02 Feb 2027 08:00:00 +0000" in out
    assert "2027-01-01T10:00:00Z" in out


# ----------------------------------------------------------------------------- serving


@pytest.mark.parametrize(
    "now",
    [ANCHOR_NOW, datetime(2027, 2, 15, 9, tzinfo=UTC), datetime(2028, 8, 1, tzinfo=UTC)],
)
def test_served_sample_always_covers_the_last_four_quarters(now: datetime):
    with serving_sample(now) as server:
        newest, oldest = [], []
        for source in server.manifest.sources:
            if source.kind != "feed":
                continue
            status, body = _get(server.base_url + source.path)
            assert status == 200
            dates = [
                datetime(*e.published_parsed[:6], tzinfo=UTC)
                for e in feedparser.parse(body).entries
            ]
            assert all(d <= now for d in dates)
            newest.append(max(dates))
            oldest.append(min(dates))
        assert (now - max(newest)).days <= 60
        assert (now - min(oldest)).days >= 365  # four closed quarters back, at least
        _status, body = _get(server.base_url + "/appstore/fr/top-free-q1.json")
        updated = json.loads(body)["feed"]["updated"]
    quarter_start = datetime(now.year, (now.month - 1) // 3 * 3 + 1, 1)
    last_quarter_end = quarter_start - timedelta(days=1)
    assert last_quarter_end.strftime("%d %b %Y") in updated


def test_pageviews_route_answers_like_the_wikimedia_api():
    with serving_sample(ANCHOR_NOW) as server:
        base = server.base_url + "/wikimedia/api/rest_v1/metrics/pageviews/per-article"
        url = f"{base}/fr.wikipedia/all-access/user/X_%28r%C3%A9seau_social%29/monthly"
        status, body = _get(f"{url}/2024110100/2026103100")
        items = json.loads(body)["items"]
        assert status == 200
        assert [items[0]["timestamp"], items[-1]["timestamp"]] == ["2024110100", "2026100100"]
        assert len(items) == 24
        status, body = _get(
            f"{base}/fr.wikipedia/all-access/user/Inconnu/monthly/2024110100/2026103100"
        )
        assert status == 404
        assert "not_found" in json.loads(body)["type"]


def test_profile_route_knows_the_sample_handles_only():
    with serving_sample(ANCHOR_NOW) as server:
        ok, body = _get(server.base_url + "/xrpc/app.bsky.actor.getProfile?actor=lorvan.example")
        missing, _ = _get(server.base_url + "/xrpc/app.bsky.actor.getProfile?actor=nobody.example")
        robots, rules = _get(server.base_url + "/robots.txt")
    assert ok == 200
    assert json.loads(body)["followersCount"] > 0
    assert missing == 400
    assert robots == 200
    assert b"Allow: /" in rules


def test_peers_csv_points_homepages_at_the_server():
    with serving_sample(ANCHOR_NOW) as server:
        rows = parse_peers_csv(server.peers_csv())
        status, body = _get(rows[0].homepage)
        assert rows[0].homepage.startswith(server.base_url + "/peers/www.")
    assert len(rows) == 30
    assert status == 200
    assert b"ville fictive" in body


@given(
    day=st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)),
    quarters=st.integers(min_value=-12, max_value=12),
)
def test_moving_by_quarters_keeps_quarter_ends_and_is_reversible(day: date, quarters: int):
    moment = datetime.combine(day, datetime.min.time(), tzinfo=UTC)
    moved = add_months(moment, 3 * quarters)
    assert (moved.year * 12 + moved.month) - (day.year * 12 + day.month) == 3 * quarters
    is_month_end = (moment + timedelta(days=1)).day == 1
    last_day = calendar.monthrange(moved.year, moved.month)[1]
    assert moved.day == (last_day if is_month_end else min(day.day, last_day))
    if day.day <= 27:  # never lands on a month's last day, so the way back is exact
        assert add_months(moved, -3 * quarters) == moment
