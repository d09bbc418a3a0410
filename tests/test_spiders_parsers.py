"""Layer 1: the parsers of the adoption-signal spiders, on saved responses (real and authored)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from spiders._common import check_html, page_text
from spiders.app_rank import parse_chart, rank_rows
from spiders.bluesky import actor_from_url, configured_actors, parse_profile, parse_user_count
from spiders.fediverse import read_fediverse
from spiders.newsroom import parse_date, parse_listing
from spiders.pageviews import Article, article_url, articles_of, month_range, parse_pageviews
from tests.conftest import shared_path

DATA = Path(__file__).parent / "data" / "spiders"
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
PLATFORMS = [
    {"slug": "bluesky", "app_store_ids": ["6444370199"], "wikipedia": {"fr": "Bluesky"}},
    {"slug": "facebook", "app_store_ids": ["284882215"], "wikipedia": {"fr": "Facebook"}},
    {"slug": "lemon8", "app_store_ids": ["1498765432"], "wikipedia": {"en": "Lemon8"}},
    {"slug": "pixelfed", "app_store_ids": [], "wikipedia": {}},
    {
        "slug": "x",
        "app_store_ids": ["333903271"],
        "wikipedia": {"fr": "X (réseau social)", "en": "Twitter"},
    },
]
KNOWN = {"mastodon", "pixelfed", "peertube", "bluesky"}


def read(name: str) -> bytes:
    return (DATA / name).read_bytes()


# --------------------------------------------------------------------------- pageviews


def test_month_range_covers_the_24_complete_months_before_now() -> None:
    assert month_range(NOW) == ("2024110100", "2026103100")
    assert month_range(datetime(2026, 3, 1, tzinfo=UTC)) == ("2024030100", "2026022800")


def test_article_url_fills_the_template_with_quoted_titles() -> None:
    template = "http://127.0.0.1:1/{project}/all-access/user/{article}/monthly/{start}/{end}"
    article = Article("x", "fr", "X (réseau social)")
    url = article_url(template, article, "2024110100", "2026103100")
    assert url.endswith(
        "/fr.wikipedia/all-access/user/X_%28r%C3%A9seau_social%29/monthly/2024110100/2026103100"
    )
    slash = Article("acdc", "en", "AC/DC")
    assert "/AC%2FDC/" in article_url(template, slash, "a", "b")


def test_articles_come_from_the_catalogue_titles_per_language() -> None:
    articles = articles_of(PLATFORMS)
    assert Article("x", "fr", "X (réseau social)") in articles
    assert Article("x", "en", "Twitter") in articles
    assert Article("lemon8", "en", "Lemon8") in articles
    assert not any(a.platform == "pixelfed" for a in articles)


def test_monthly_pageviews_are_read_exactly_and_missing_months_stay_missing() -> None:
    rows = parse_pageviews(
        read("wikimedia_fr_bluesky_monthly.json"), Article("bluesky", "fr", "Bluesky")
    )
    by_period = {r.period: r.value for r in rows}
    assert len(rows) == 23
    assert by_period["2024-11"] == 412345
    assert by_period["2026-10"] == 33123
    assert "2025-03" not in by_period  # never invented as 0
    assert {r.metric for r in rows} == {"pageviews.fr"}
    assert all(r.platform == "bluesky" and r.subject == "" for r in rows)


def test_real_wikimedia_daily_excerpt_is_summed_per_month() -> None:
    body = shared_path("corpus", "real", "wikimedia").glob("*.json").__next__().read_bytes()
    rows = parse_pageviews(body, Article("python", "en", "Python (programming language)"))
    assert [(r.period, r.value) for r in rows] == [("2021-01", 7238 + 8449 + 8669)]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<!DOCTYPE html><html><body>Wikimedia Error</body></html>", "expected JSON, got HTML"),
        (b"", "empty"),
        (b'{"items": [{"timestamp": "2026070100", "views": "many"}]}', "not a whole number"),
        (b'{"items": [{"timestamp": "2026130100", "views": 3}]}', "unexpected timestamp"),
    ],
)
def test_bad_pageviews_bodies_are_refused_with_a_clear_message(body: bytes, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_pageviews(body, Article("x", "fr", "X"))


def test_wikimedia_not_found_body_is_an_api_error_not_data() -> None:
    with pytest.raises(ValueError, match="Not found|API answered an error|do not have data"):
        parse_pageviews(read("wikimedia_not_found.json"), Article("lemon8", "fr", "Lemon8"))


# --------------------------------------------------------------------------- app rank


def test_app_rank_is_the_chart_position_and_the_period_is_the_chart_day() -> None:
    chart = parse_chart(read("apple_fr_top_free.json"), NOW)
    assert (chart.country, chart.day, chart.size) == ("fr", "2026-11-25", 10)
    rows = {r.platform: r for r in rank_rows(chart, PLATFORMS)}
    assert rows["bluesky"].value == 3
    assert rows["facebook"].value == 10
    assert rows["bluesky"].metric == "app_rank.fr"
    assert rows["bluesky"].period == "2026-11-25"


def test_a_platform_outside_the_chart_is_recorded_as_such_never_as_rank_zero() -> None:
    chart = parse_chart(read("apple_fr_top_free.json"), NOW)
    rows = {r.platform: r for r in rank_rows(chart, PLATFORMS)}
    assert rows["lemon8"].value is None
    assert rows["lemon8"].detail == {"in_chart": False, "chart_size": 10}
    assert "pixelfed" not in rows  # no App Store id: nothing to say
    assert all(r.value is None or r.value >= 1 for r in rows.values())


def test_real_apple_chart_excerpt_is_read() -> None:
    path = next(shared_path("corpus", "real", "apple-marketing-rss").glob("*.json"))
    chart = parse_chart(path.read_bytes(), NOW)
    assert (chart.country, chart.day, chart.app_ids) == ("us", "2023-10-05", ("1577705074",))


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<html><body>Service unavailable</body></html>", "got HTML"),
        (b'{"error": "rate limited"}', "API answered an error"),
        (b'{"feed": {"results": [{"name": "no id"}]}}', "has no app id"),
    ],
)
def test_bad_charts_are_refused(body: bytes, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_chart(body, NOW)


# --------------------------------------------------------------------------- fediverse


def real_mastodon(name: str) -> bytes:
    return shared_path("corpus", "real", "mastodon", name).read_bytes()


def test_mastodon_v2_instance_gives_monthly_active_users_of_the_host() -> None:
    reading = read_fediverse(
        real_mastodon("mastodon.social_api_v2_instance.json"),
        "https://mastodon.social/api/v2/instance",
        platform="mastodon",
        known=KNOWN,
        now=NOW,
    )
    [row] = reading.rows
    assert (row.metric, row.value, row.subject, row.period) == (
        "users.active_month",
        286109,
        "mastodon.social",
        "2026-11-26",
    )


def test_mastodon_v1_instance_gives_totals() -> None:
    reading = read_fediverse(
        real_mastodon("mastodon.social_api_v1_instance.json"),
        "https://mastodon.social/api/v1/instance",
        platform=None,
        known=KNOWN,
        now=NOW,
    )
    values = {r.metric: r.value for r in reading.rows}
    assert values == {"users.total": 3227352, "statuses.total": 170416131, "domains.known": 114357}
    assert {r.subject for r in reading.rows} == {"mastodon.social"}


def test_mastodon_activity_gives_weekly_figures_and_marks_the_current_week() -> None:
    body = real_mastodon("mastodon.social_api_v1_instance_activity.json")
    weeks = json.loads(body)
    now = datetime.fromtimestamp(int(weeks[0]["week"]), UTC).replace(hour=23)
    reading = read_fediverse(
        body,
        "https://mastodon.social/api/v1/instance/activity",
        platform="mastodon",
        known=KNOWN,
        now=now,
    )
    assert len(reading.rows) == 3 * len(weeks)
    first = datetime.fromtimestamp(int(weeks[0]["week"]), UTC).date().isoformat()
    current = [r for r in reading.rows if r.period == first]
    assert {r.metric: r.value for r in current} == {
        "activity.statuses": 107105,
        "activity.logins": 57575,
        "activity.registrations": 1397,
    }
    assert all(r.detail.get("partial") for r in current)
    assert not any(r.detail.get("partial") for r in reading.rows if r.period != first)


def test_nodeinfo_index_is_followed_and_nodeinfo_read() -> None:
    index = read_fediverse(
        real_mastodon("mastodon.social_well-known_nodeinfo.json"),
        "https://mastodon.social/.well-known/nodeinfo",
        platform=None,
        known=KNOWN,
        now=NOW,
    )
    assert index.rows == []
    assert index.follow == "https://mastodon.social/nodeinfo/2.0"
    info = read_fediverse(
        real_mastodon("mastodon.social_nodeinfo_2.0.json"),
        "https://mastodon.social/nodeinfo/2.0",
        platform=None,
        known=KNOWN,
        now=NOW,
    )
    values = {r.metric: r.value for r in info.rows}
    assert values == {
        "users.total": 3227352,
        "users.active_month": 286109,
        "users.active_halfyear": 722982,
        "statuses.total": 170416131,
    }
    assert {r.platform for r in info.rows} == {"mastodon"}


def test_nodeinfo_of_a_pixelfed_server_counts_for_pixelfed() -> None:
    body = json.dumps(
        {"version": "2.0", "software": {"name": "pixelfed", "version": "0.12.4"},
         "usage": {"users": {"total": 1200, "activeMonth": 300}, "localPosts": 45000}}
    ).encode()  # fmt: skip
    reading = read_fediverse(
        body, "https://pixelfed.fr/nodeinfo/2.0", platform=None, known=KNOWN, now=NOW
    )
    assert {r.platform for r in reading.rows} == {"pixelfed"}
    assert {r.subject for r in reading.rows} == {"pixelfed.fr"}


def test_fedidb_network_stats_are_dated_by_their_update() -> None:
    reading = read_fediverse(
        read("fedidb_stats.json"),
        "https://api.fedidb.org/v1/stats",
        platform=None,
        known=KNOWN,
        now=NOW,
    )
    values = {r.metric: r.value for r in reading.rows}
    assert values == {
        "fediverse.users.total": 14209407,
        "fediverse.users.active_month": 1178138,
        "fediverse.instances": 27512,
        "fediverse.statuses": 1587654321,
    }
    assert {(r.period, r.subject, r.platform) for r in reading.rows} == {
        ("2026-11-25", "", "mastodon")
    }


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"error":"Record not found"}', "API answered an error: Record not found"),
        (b"<html><title>502 Bad Gateway</title></html>", "got HTML"),
        (b'{"hello": "world"}', "not a Mastodon, NodeInfo or FediDB response"),
        (b'{"uri": "x.org", "stats": {"user_count": -4}}', "negative"),
    ],
)
def test_unreadable_fediverse_answers_are_refused(body: bytes, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        read_fediverse(body, "https://x.org/api", platform=None, known=KNOWN, now=NOW)


# --------------------------------------------------------------------------- bluesky


def test_bluesky_user_count_is_stored_for_the_day_of_its_timestamp() -> None:
    [row] = parse_user_count(read("bluesky_user_count.json"))
    assert (row.platform, row.metric, row.period, row.value) == (
        "bluesky",
        "users.total",
        "2026-11-25",
        41234567,
    )


def test_every_row_of_the_saved_user_count_history_parses() -> None:
    path = next(shared_path("corpus", "real", "bluesky-stats").glob("*.csv"))
    lines = path.read_text().splitlines()[1:]
    for line in (lines[0], lines[len(lines) // 2], lines[-1]):
        stamp, users = line.split(",")
        body = json.dumps({"last_user_count": int(users), "last_timestamp": stamp}).encode()
        [row] = parse_user_count(body)
        assert row.value == int(users)
        assert row.period == stamp[:10]


def test_get_profile_gives_followers_with_the_handle_as_subject() -> None:
    [row] = parse_profile(read("bluesky_profile_valbonne.json"), NOW)
    assert (row.metric, row.subject, row.value, row.period) == (
        "followers",
        "valbonne-sur-drome.fr",
        1873,
        "2026-11-26",
    )
    real = shared_path("corpus", "real", "bluesky", "app.bsky.actor.getProfile_bsky.app.json")
    [official] = parse_profile(real.read_bytes(), NOW)
    assert (official.subject, official.value) == ("bsky.app", 20356754)


def test_get_profile_error_body_is_refused() -> None:
    with pytest.raises(ValueError, match="Profile not found"):
        parse_profile(read("bluesky_profile_not_found.json"), NOW)


def test_actors_come_from_options_as_list_or_comma_string() -> None:
    assert configured_actors({"actors": ["@Paris.fr", " lyon.fr "]}) == ["paris.fr", "lyon.fr"]
    assert configured_actors({"actors": "paris.fr, did:plc:abc"}) == ["paris.fr", "did:plc:abc"]
    assert actor_from_url("https://bsky.app/profile/Paris.fr") == "paris.fr"
    assert actor_from_url("https://bsky.app/") is None


# --------------------------------------------------------------------------- newsroom


def test_newsroom_defaults_find_every_article_with_title_link_and_date() -> None:
    html = read("newsroom_default.html").decode()
    entries = parse_listing(html, "https://newsroom.example.com/fr/", language="fr")
    assert [e["title"] for e in entries] == [
        "Nouveaux outils pour les comptes institutionnels & collectivités",
        "Rapport de modération, second semestre",
        "10 millions d'utilisateurs en France",
        "Un article sans date",
    ]
    assert entries[0]["url"] == "https://newsroom.example.com/news/comptes-institutionnels"
    assert entries[3]["url"] == "https://newsroom.example.com/fr/news/sans-date"
    assert entries[0]["published_at"] == datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    assert entries[1]["published_at"] == datetime(2026, 3, 12, tzinfo=UTC)
    assert entries[2]["published_at"] == datetime(2026, 6, 1, tzinfo=UTC)
    assert entries[3]["published_at"] is None
    assert (
        entries[0]["summary"] == "Les collectivités peuvent désormais faire vérifier leur compte."
    )


def test_newsroom_selectors_from_the_source_options() -> None:
    html = read("newsroom_custom.html").decode()
    options = {
        "item": ".news-card",
        "title": ".news-card__title",
        "link": "a.news-card__link",
        "date": ".news-card__date",
        "summary": ".news-card__excerpt",
    }
    entries = parse_listing(html, "https://about.example.com/", options, "en")
    assert [(e["title"], e["url"], e["published_at"].date().isoformat()) for e in entries] == [
        ("Teen accounts come to Europe", "https://about.example.com/en/news/teen-accounts", "2026-03-03"),
        ("A new EU data centre", "https://about.example.com/en/news/eu-data-centre", "2026-02-14"),
        ("Our response to the regulator's fine", "https://about.example.com/en/news/fine-appeal", "2026-01-09"),
    ]  # fmt: skip


def test_newsroom_without_articles_falls_back_to_linked_headings() -> None:
    html = "<main><h2><a href='/a'>Premier</a></h2><h3><a href='/b'>Second</a></h3></main>"
    entries = parse_listing(html, "https://x.example/")
    assert [e["url"] for e in entries] == ["https://x.example/a", "https://x.example/b"]


def test_newsroom_refuses_json_and_pages_without_articles() -> None:
    with pytest.raises(ValueError, match="expected an HTML page, got JSON"):
        check_html(b'{"articles": []}')
    with pytest.raises(ValueError, match="got XML"):
        check_html(b"<?xml version='1.0'?><rss><channel></channel></rss>")
    with pytest.raises(ValueError, match="no article found"):
        parse_listing("<html><body><p>Rien</p></body></html>", "https://x.example/")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-12", "2026-03-12"),
        ("le 1er juillet 2026", "2026-07-01"),
        ("3 févr. 2026", "2026-02-03"),
        ("December 24, 2025", "2025-12-24"),
        ("24/12/2025", "2025-12-24"),
        ("31 février 2026", None),
        ("bientôt", None),
    ],
)
def test_listing_dates_in_french_and_english(text: str, expected: str | None) -> None:
    parsed = parse_date(text)
    assert (parsed.date().isoformat() if parsed else None) == expected


def test_a_written_date_anywhere_in_the_item_is_used_when_there_is_no_date_element() -> None:
    html = (
        "<article><h2><a href='/n1'>Nouvelle fonction</a></h2>"
        "<span class='meta'>Publié le 4 octobre 2026 par la rédaction</span></article>"
    )
    [entry] = parse_listing(html, "https://x.example/")
    assert entry["published_at"] == datetime(2026, 10, 4, tzinfo=UTC)


def test_latin1_pages_are_read_in_their_declared_encoding() -> None:
    from scrapy.http import HtmlResponse

    html = "<article><h2><a href='/a'>Fête de la musique à l'église</a></h2></article>"
    response = HtmlResponse(
        "https://x.example/", body=html.encode("latin-1"),
        headers={"Content-Type": "text/html; charset=iso-8859-1"},
    )  # fmt: skip
    [entry] = parse_listing(page_text(response), response.url)
    assert entry["title"] == "Fête de la musique à l'église"
