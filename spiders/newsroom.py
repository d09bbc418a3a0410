"""Newsrooms without a feed: read the article listing of an HTML page.

Defaults fit most newsroom templates: each ``<article>`` is an item, its ``h2 a`` / ``h3 a``
gives title and link, ``<time datetime>`` its date. A source adapts them with CSS selectors in
its ``options``: ``item``, ``title``, ``link``, ``date``, ``summary`` (``vigie sources add
--kind newsroom --option item=.news-card --option title=.news-card__title``). Entries then go
through the same extraction as feed entries, attributed to the source's platform.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from parsel import Selector
from scrapy.http import Response

from spiders._common import WriteLockFirst, page_text
from spiders.base import SourceSpider
from spiders.registry import register
from watch.fetchstate import SourceTask

DEFAULTS = {
    "item": "article",
    "title": "h2, h3",
    "link": "h2 a[href], h3 a[href], a[href]",
    "date": "time",
    "summary": "p",
}
# When the default ``<article>`` finds nothing, headings with links are the next best guess.
HEADING_FALLBACK = "h2:has(a[href]), h3:has(a[href]), h4:has(a[href])"
MONTHS = {
    "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6,
    "juillet": 7, "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11,
    "décembre": 12, "decembre": 12, "january": 1, "february": 2, "march": 3, "april": 4,
    "may": 5, "june": 6, "july": 7, "august": 8, "september": 9, "october": 10,
    "november": 11, "december": 12, "janv": 1, "févr": 2, "fevr": 2, "avr": 4, "juil": 7,
    "sept": 9, "oct": 10, "nov": 11, "déc": 12, "dec": 12, "jan": 1, "feb": 2, "mar": 3,
    "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
}  # fmt: skip
DAY_MONTH_YEAR = re.compile(r"(\d{1,2})(?:er)?\s+([a-zéûè]+)\.?\s+(\d{4})", re.IGNORECASE)
MONTH_DAY_YEAR = re.compile(r"([a-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})", re.IGNORECASE)
NUMERIC_DMY = re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b")
ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?")


def parse_date(text: str | None) -> datetime | None:
    """A listing date as aware UTC: ISO 8601, ``12 mars 2026``, ``March 12, 2026``, ``12/03/2026``."""
    if not text or not text.strip():
        return None
    text = " ".join(text.split())
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return when.astimezone(UTC) if when.tzinfo else when.replace(tzinfo=UTC)
    except ValueError:
        pass
    for pattern, order in ((DAY_MONTH_YEAR, "dmy"), (MONTH_DAY_YEAR, "mdy")):
        match = pattern.search(text)
        if match:
            parts = match.groups()
            day, month_name, year = (
                (parts[0], parts[1], parts[2]) if order == "dmy" else (parts[1], parts[0], parts[2])
            )
            month = MONTHS.get(month_name.lower().rstrip("."))
            if month:
                return _safe_date(int(year), month, int(day))
    match = ISO_DATE.search(text)
    if match:
        year, month, day, hour, minute, second = match.groups()
        return _safe_date(int(year), int(month), int(day), int(hour or 0), int(minute or 0),
                          int(second or 0))  # fmt: skip
    match = NUMERIC_DMY.search(text)
    if match:
        return _safe_date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
    return None


def _safe_date(*parts: int) -> datetime | None:
    try:
        return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]
    except ValueError:
        return None


def _text(node: Selector | None) -> str:
    if node is None:
        return ""
    return " ".join(" ".join(node.css("::text").getall()).split())


def _first(scope: Selector, selector: str) -> Selector | None:
    """The first match of the first alternative that matches (``h2 a, a``: prefer ``h2 a``)."""
    for alternative in selector.split(","):
        found = scope.css(alternative.strip())
        if found:
            return found[0]
    return None


def parse_listing(
    html: str, base_url: str, options: Mapping[str, Any] | None = None, language: str | None = None
) -> list[dict[str, Any]]:
    """The articles of a listing page as entries (title, url, summary, published_at, guid)."""
    options = options or {}
    chosen = {key: str(options.get(key) or default) for key, default in DEFAULTS.items()}
    page = Selector(text=html)
    items = page.css(chosen["item"])
    if not items and "item" not in options:
        items = page.css(HEADING_FALLBACK)
    entries: list[dict[str, Any]] = []
    seen: set[str] = set()
    for item in items:
        entry = _entry(item, chosen, base_url, language)
        if entry is None or entry["url"] in seen:
            continue
        seen.add(entry["url"])
        entries.append(entry)
    if not entries:
        raise ValueError(
            f"no article found on the page (item selector {chosen['item']!r}); "
            "set the source's options item/title/link/date"
        )
    return entries


def _entry(
    item: Selector, chosen: Mapping[str, str], base_url: str, language: str | None
) -> dict[str, Any] | None:
    is_heading = getattr(item.root, "tag", None) in ("h2", "h3", "h4")
    title_node = item if is_heading else _first(item, chosen["title"])
    link_node = _first(item, chosen["link"]) or _first(item, "a[href]")
    href = link_node.attrib.get("href") if link_node is not None else None
    title = _text(title_node) or _text(link_node) or _longest_link_text(item)
    if not href or not title:
        return None
    url = urljoin(base_url, href.strip())
    if urlsplit(url).scheme not in ("http", "https"):
        return None
    summary = None if is_heading else _text(_first(item, chosen["summary"])) or None
    return {
        "title": title,
        "url": url,
        "summary": summary if summary != title else None,
        "published_at": _published(item, chosen["date"], is_heading),
        "language": language,
        "guid": url,
    }


def _longest_link_text(item: Selector) -> str:
    """When no heading names the item, its most descriptive link text is the title."""
    return max((_text(a) for a in item.css("a[href]")), key=len, default="")


def _published(item: Selector, selector: str, is_heading: bool) -> datetime | None:
    """The item's date: the date element's ``datetime``/``content``, else its text, else a
    written date anywhere in the item ("Publié le 12 mars 2026")."""
    node = _first(item, selector)
    if node is not None:
        machine = node.attrib.get("datetime") or node.attrib.get("content")
        return parse_date(machine) or parse_date(_text(node))
    return None if is_heading else parse_date(_text(item))


@register("newsroom")
class NewsroomSpider(WriteLockFirst, SourceSpider):
    """One listing page per source; its articles become entries (and signals)."""

    name = "newsroom"

    def parse_source(self, response: Response, source: SourceTask) -> Iterator[Any]:
        html = page_text(response)
        entries = parse_listing(html, response.url, source.options, source.language)
        yield self.result(source, response, entries=entries)
