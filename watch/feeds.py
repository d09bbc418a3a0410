"""Feed bytes → entries, with feedparser (which never fetches anything itself here).

Fetch first, parse second: Scrapy brings the bytes and headers, this module reads them. What
feedparser calls "bozo" is sorted into three cases: harmless (a wrong declared encoding that
feedparser recovered from), a warning (a truncated or malformed feed: the entries that parsed
are kept), or an error (an HTML page, or nothing that looks like a feed).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import feedparser

from watch.textclean import plain_text

SUMMARY_LIMIT = 2000
TITLE_LIMIT = 500
# feedparser's exceptions that only say the declared encoding was wrong or missing: it decoded
# the feed anyway, so the entries are as good as any.
HARMLESS_BOZO = ("CharacterEncodingOverride", "NonXMLContentType")


class FeedError(ValueError):
    """The bytes are not a feed (an HTML page, JSON, garbage): nothing to keep."""


@dataclass
class FeedEntry:
    """One entry as Vigie keeps it: plain text, aware UTC dates."""

    title: str
    url: str | None = None
    summary: str = ""
    published_at: datetime | None = None
    language: str | None = None
    guid: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "url": self.url,
            "summary": self.summary,
            "published_at": self.published_at,
            "language": self.language,
            "guid": self.guid,
        }


@dataclass
class FeedRead:
    """What a feed contained, and anything worth telling about how it was read."""

    title: str = ""
    language: str | None = None
    entries: list[FeedEntry] = field(default_factory=list)
    warning: str | None = None
    version: str = ""


def read_feed(
    body: bytes, headers: Mapping[str, str] | None = None, url: str | None = None
) -> FeedRead:
    """Parse feed bytes; raise :class:`FeedError` when they are not a feed at all."""
    response_headers = {k.lower(): v for k, v in (headers or {}).items()}
    if url:
        response_headers.setdefault("content-location", url)
    parsed = feedparser.parse(
        body,
        response_headers=response_headers,
        sanitize_html=False,  # markup is dropped entirely by plain_text
        resolve_relative_uris=False,
    )
    version = parsed.get("version") or ""
    raw_entries = parsed.get("entries") or []
    if not version and not raw_entries:
        raise FeedError(_not_a_feed(body, response_headers, parsed))
    meta = parsed.get("feed") or {}
    language = _language(meta.get("language"))
    read = FeedRead(title=plain_text(meta.get("title"), limit=TITLE_LIMIT), language=language)
    read.version = version
    for raw in raw_entries:
        entry = _entry(raw, language)
        if entry is not None:
            read.entries.append(entry)
    read.warning = _warning(parsed, len(read.entries))
    return read


def read_and_analyse(
    body: bytes,
    headers: Mapping[str, str] | None = None,
    url: str | None = None,
    *,
    language: str | None = None,
    platform: str | None = None,
    catalogue: Mapping[str, Iterable[str]] | None = None,
) -> tuple[FeedRead, list[dict[str, Any]]]:
    """Parse a feed and analyse its entries: all the CPU work of one feed, in one call that a
    worker thread or process can run (entry dicts carry their ``analysis``).

    The :class:`FeedRead` comes back without its entries (the dicts are them), so that a
    worker process sends each entry across once, not twice."""
    from watch.extract import analyse, compile_catalogue, default_catalogue

    read = read_feed(body, headers, url)
    matcher = compile_catalogue(catalogue if catalogue is not None else default_catalogue())
    rows = []
    for entry in read.entries:
        entry.language = entry.language or language
        row = entry.as_dict()
        row["analysis"] = analyse(
            entry.title,
            entry.summary,
            language=entry.language,
            bound_platform=platform,
            matcher=matcher,
        )
        rows.append(row)
    read.entries = []
    return read, rows


def _not_a_feed(body: bytes, headers: Mapping[str, str], parsed: Any) -> str:
    head = body[:2048].lstrip().lower()
    content_type = headers.get("content-type", "")
    if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head or "html" in content_type:
        return "expected a feed, got an HTML page"
    if head.startswith((b"{", b"[")):
        return "expected a feed, got JSON"
    if not head:
        return "expected a feed, got an empty response"
    problem = parsed.get("bozo_exception")
    detail = f" ({_short(problem)})" if problem else ""
    return f"not a feed: no RSS or Atom content{detail}"


def _warning(parsed: Any, kept: int) -> str | None:
    if not parsed.get("bozo"):
        return None
    problem = parsed.get("bozo_exception")
    if type(problem).__name__ in HARMLESS_BOZO:
        return None
    return f"malformed feed ({_short(problem)}); kept the {kept} entries that parsed"


def _short(problem: object) -> str:
    text = " ".join(str(problem).split()) or type(problem).__name__
    return text[:200]


def _entry(raw: Mapping[str, Any], feed_language: str | None) -> FeedEntry | None:
    title = plain_text(raw.get("title"), limit=TITLE_LIMIT)
    summary = plain_text(_summary_html(raw), limit=SUMMARY_LIMIT)
    if not title and not summary:
        return None
    link = (raw.get("link") or "").strip() or None
    guid = (raw.get("id") or "").strip() or None
    detail = raw.get("title_detail") or {}
    language = _language(detail.get("language")) or feed_language
    return FeedEntry(
        title=title or summary[:120],
        url=link,
        summary=summary,
        published_at=_date(raw),
        language=language,
        guid=guid,
    )


def _summary_html(raw: Mapping[str, Any]) -> str:
    summary = raw.get("summary")
    if summary:
        return str(summary)
    for content in raw.get("content") or []:
        value = content.get("value")
        if value:
            return str(value)
    return ""


def _date(raw: Mapping[str, Any]) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = raw.get(key)
        if value:
            try:
                return datetime.fromtimestamp(calendar.timegm(value), UTC)
            except (OverflowError, ValueError, TypeError):
                continue
    return None


def _language(value: object) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip().lower().replace("_", "-").split("-")[0][:8] or None
