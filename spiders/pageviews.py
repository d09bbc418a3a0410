"""Attention: monthly views of each platform's Wikipedia article, in French and in English.

The source URL is a template shaped like the Wikimedia REST API's per-article route
(``{project}``, ``{article}``, ``{start}``, ``{end}``); one request per platform and language
covers the last 24 complete months. Months the API does not return are left absent (never
stored as 0), and a 404 answer ("no data at all for this article") is recorded as no data,
not as a failure of the source.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

import scrapy
from scrapy.http import Response

from spiders._common import (
    ApiErrorDetail,
    WriteLockFirst,
    api_error,
    as_count,
    load_json,
    metrics_writer,
    run_now,
    run_store,
)
from spiders.base import SourceSpider
from spiders.registry import register
from watch.fetchstate import SourceTask
from watch.metrics import MetricRow
from watch.platforms import list_platforms

MONTHS = 24
LANGUAGES = ("fr", "en")
ARTICLE_META = "vigie_article"


@dataclass(frozen=True)
class Article:
    """One Wikipedia article to ask about."""

    platform: str
    language: str
    title: str

    @property
    def project(self) -> str:
        return f"{self.language}.wikipedia"

    @property
    def metric(self) -> str:
        return f"pageviews.{self.language}"


def month_range(now: datetime, months: int = MONTHS) -> tuple[str, str]:
    """``{start}``/``{end}`` (YYYYMMDD00) covering the ``months`` complete months before ``now``."""
    index = now.year * 12 + now.month - 1  # the current (incomplete) month
    first = index - months
    last = index - 1
    start = f"{first // 12:04d}{first % 12 + 1:02d}0100"
    end_year, end_month = last // 12, last % 12 + 1
    end_day = _days_in_month(end_year, end_month)
    return start, f"{end_year:04d}{end_month:02d}{end_day:02d}00"


def _days_in_month(year: int, month: int) -> int:
    following = datetime(year + month // 12, month % 12 + 1, 1)
    return (following - datetime(year, month, 1)).days


def article_url(template: str, article: Article, start: str, end: str) -> str:
    """Fill the template: titles with spaces as underscores, URL-quoted (``/`` included)."""
    title = quote(article.title.replace(" ", "_"), safe="")
    return (
        template.replace("{project}", article.project)
        .replace("{article}", title)
        .replace("{start}", start)
        .replace("{end}", end)
    )


def articles_of(platforms: Sequence[Mapping[str, Any]]) -> list[Article]:
    """The fr and en articles named in the catalogue (``Platform.wikipedia``)."""
    return [
        Article(p["slug"], language, p["wikipedia"][language])
        for p in platforms
        for language in LANGUAGES
        if (p.get("wikipedia") or {}).get(language)
    ]


def period_of(timestamp: str) -> str:
    """``2026070100`` → ``2026-07``."""
    text = str(timestamp)
    if len(text) < 6 or not text[:6].isdigit() or not 1 <= int(text[4:6]) <= 12:
        raise ValueError(f"unexpected timestamp {timestamp!r}")
    return f"{text[:4]}-{text[4:6]}"


def parse_pageviews(body: bytes, article: Article) -> list[MetricRow]:
    """Monthly views from a Wikimedia per-article response, one row per month returned."""
    data = load_json(body)
    if not isinstance(data, Mapping) or not isinstance(data.get("items"), list):
        raise ValueError(api_error(data) or "not a Wikimedia pageviews response (no 'items')")
    views: dict[str, int] = {}
    for item in data["items"]:
        if not isinstance(item, Mapping):
            raise ValueError("an item of the pageviews response is not an object")
        period = period_of(item.get("timestamp", ""))
        # Daily granularity (a template pointed at /daily/) is summed per month.
        views[period] = views.get(period, 0) + as_count(item.get("views"), "views")
    detail = {"article": article.title, "project": article.project}
    return [
        MetricRow(article.platform, article.metric, period, float(count), detail=detail)
        for period, count in sorted(views.items())
    ]


def is_no_data(response: Response) -> bool:
    """The API's 404 JSON for an article with no data at all in the range."""
    if response.status != 404:
        return False
    try:
        data = load_json(response.body)
    except ValueError:
        return False
    return isinstance(data, Mapping) and "not_found" in str(data.get("type", ""))


@register("pageviews")
class PageviewsSpider(WriteLockFirst, ApiErrorDetail, SourceSpider):
    """One request per platform and language; metrics upserted per month."""

    name = "pageviews"
    # The API answers 404 (with a JSON body) for an article with no data at all in the range.
    readable_statuses = frozenset({404})

    def articles(self) -> list[Article]:
        return articles_of(list_platforms(run_store(self)))

    def requests_for(self, source: SourceTask) -> Iterator[scrapy.Request]:
        start, end = month_range(run_now(self))
        for article in self.articles():
            url = article_url(source.url, article, start, end)
            yield self.request(source, url, meta={ARTICLE_META: article})

    def parse_source(self, response: Response, source: SourceTask) -> Iterator[Any]:
        article: Article = response.meta[ARTICLE_META]
        if response.status == 404:
            if not is_no_data(response):
                raise ValueError("HTTP 404 Not Found (not the API's 'no data' answer)")
            note = f"no pageviews data for {article.language}:{article.title}"
            yield self.result(source, response, warning=note)
            return
        rows = parse_pageviews(response.body, article)
        yield self.result(source, response, writes=[metrics_writer(rows, source.id)])
