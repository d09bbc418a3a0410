"""The feed spider's callbacks, in-process, on responses built from saved bytes (no reactor)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from scrapy.http import TextResponse

from spiders.base import SOURCE_META, describe_exception, max_age_seconds, retry_after_seconds
from spiders.feeds import FeedSpider
from spiders.items import SourceResult
from spiders.registry import load_spiders
from spiders.settings import build_settings, user_agent
from watch.config import CollectConfig
from watch.fetchstate import SourceTask

FEEDS = Path(__file__).parent / "data" / "feeds"
SOURCE = SourceTask(id="blog", kind="feed", url="http://127.0.0.1/blog.xml", platform="bluesky",
                    etag='"abc"', last_modified="Mon, 02 Nov 2026 10:00:00 GMT")  # fmt: skip


def answer(spider: FeedSpider, body: bytes, status: int = 200, headers: dict | None = None) -> list:
    request = spider.request(SOURCE, SOURCE.url)
    response = TextResponse(
        url=SOURCE.url, body=body, status=status, request=request,
        headers={"Content-Type": "application/rss+xml", **(headers or {})},
    )  # fmt: skip

    async def collect() -> list:
        return [item async for item in spider._on_response(response)]

    return asyncio.run(collect())


def test_requests_carry_the_stored_validators() -> None:
    spider = FeedSpider(sources=[SOURCE])
    request = spider.request(SOURCE, SOURCE.url)
    assert request.headers[b"If-None-Match"] == b'"abc"'
    assert request.headers[b"If-Modified-Since"] == b"Mon, 02 Nov 2026 10:00:00 GMT"
    assert request.meta[SOURCE_META] is SOURCE
    assert 304 in request.meta["handle_httpstatus_list"]
    assert 302 not in request.meta["handle_httpstatus_list"]  # redirects are followed


def test_a_feed_becomes_one_final_result_with_analysed_entries() -> None:
    spider = FeedSpider(sources=[SOURCE])
    [result] = answer(spider, (FEEDS / "platform-blog.xml").read_bytes(),
                      headers={"ETag": '"new"', "Cache-Control": "public, max-age=7200"})  # fmt: skip
    assert isinstance(result, SourceResult)
    assert result.final
    assert not result.failed
    assert (result.etag, result.max_age) == ('"new"', 7200.0)
    assert [e["analysis"].kind for e in result.entries] == ["milestone", "feature", "adoption"]
    assert all("bluesky" in e["analysis"].platforms for e in result.entries)


def test_not_modified_is_not_parsed() -> None:
    spider = FeedSpider(sources=[SOURCE])
    [result] = answer(spider, b"", status=304, headers={"ETag": '"abc"'})
    assert result.not_modified
    assert result.entries == []
    assert not result.failed


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        (b"oops", 500, "HTTP 500 Internal Server Error"),
        (b"gone", 404, "HTTP 404 Not Found"),
        ((FEEDS / "not-a-feed.html").read_bytes(), 200, "expected a feed, got an HTML page"),
    ],
)
def test_failures_become_results_with_a_clear_message(
    body: bytes, status: int, message: str
) -> None:
    spider = FeedSpider(sources=[SOURCE])
    [result] = answer(spider, body, status=status, headers={"Retry-After": "120"})
    assert result.failed
    assert message in result.error
    assert result.final
    if status >= 400:
        assert result.retry_after == 120.0


def test_header_helpers() -> None:
    assert max_age_seconds("no-cache, max-age=60") == 60.0
    assert max_age_seconds("no-store") is None
    assert retry_after_seconds("30") == 30.0
    assert retry_after_seconds("not a date") is None
    assert describe_exception(ValueError("x" * 1000)).endswith("…")


def test_settings_are_polite_and_named() -> None:
    settings = build_settings(CollectConfig(contact="dsi@ville.example", delay=2.0, timeout=10.0))
    assert settings["ROBOTSTXT_OBEY"] is True
    assert settings["CONCURRENT_REQUESTS_PER_DOMAIN"] == 1
    assert settings["DOWNLOAD_DELAY"] == 2.0
    assert settings["DOWNLOAD_TIMEOUT"] == 10.0
    assert settings["AUTOTHROTTLE_ENABLED"] is True
    unthrottled = build_settings(CollectConfig(delay=0))
    assert unthrottled["AUTOTHROTTLE_ENABLED"] is False
    assert unthrottled["DOWNLOAD_DELAY"] > 0  # keeps the keep-alive connection in use
    assert settings["HTTPCACHE_ENABLED"] is False
    assert settings["USER_AGENT"] == user_agent("dsi@ville.example")
    assert settings["USER_AGENT"].startswith("vigie-reseaux/")
    assert "dsi@ville.example" in settings["USER_AGENT"]


def test_registry_maps_feed_to_the_feed_spider() -> None:
    assert load_spiders()["feed"] is FeedSpider


def test_unanswered_request_count_marks_only_the_last_result_final() -> None:
    spider = FeedSpider(sources=[SOURCE])
    spider.request(SOURCE, SOURCE.url + "?page=2")  # a second request for the same source
    [first] = answer(spider, b"oops", status=500)
    assert not first.final


def test_only_selects_feeds_spiders_or_one_kind() -> None:
    from spiders.runner import plan, resolve_only
    from watch.errors import InputError

    assert resolve_only(None) == (None, set())
    assert resolve_only("feeds") == ({"feed"}, set())
    assert resolve_only("spiders") == (None, {"feed"})
    assert resolve_only("pageviews") == ({"pageviews"}, set())
    with pytest.raises(InputError, match="unknown selection"):
        resolve_only("carrier-pigeon")
    tasks = [SOURCE, SourceTask(id="w", kind="pageviews", url="http://127.0.0.1/{project}")]
    by_kind, orphans = plan(tasks, {"feed"})
    assert by_kind == {"feed": [SOURCE]}
    assert [t.id for t in orphans] == ["w"]
