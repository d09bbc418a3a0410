"""Serve the embedded sample snapshot on 127.0.0.1, always "the last four quarters".

The snapshot in ``watch/sample/`` is written as if it had been captured during one anchor
quarter (``manifest.toml``). Serving moves every date by whole quarters, so that the anchor
quarter becomes the quarter of ``now``: feeds, pageviews and charts stay recent whenever the
demo runs, quarter-ends stay quarter-ends, and whatever would then lie in the future (a feed
item, a month of pageviews) is not served, as a real server would not have it yet.

This module is part of the core: it knows the sample's formats (RSS, Atom, Wikimedia, Apple,
Mastodon, Bluesky JSON, HTML) only as text to re-date, and never imports Scrapy.
"""

from __future__ import annotations

import calendar
import csv
import email.utils
import io
import json
import re
import tomllib
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote

from watch.clock import ensure_utc
from watch.localserver import CONTENT_TYPES, LocalServer, Reply, RequestInfo

SAMPLE_DIR = Path(__file__).parent / "sample"
MANIFEST = "manifest.toml"
PAGEVIEWS_PREFIX = "/wikimedia/api/rest_v1/metrics/pageviews/per-article/"
PEERS_PREFIX = "/peers/"
PROFILE_PATH = "/xrpc/app.bsky.actor.getProfile"
ROBOTS = b"# Vigie sample server: everything may be fetched.\nUser-agent: *\nAllow: /\n"

RFC822_RE = re.compile(
    r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
    r" \d{4} \d{2}:\d{2}:\d{2} (?:[+-]\d{4}|GMT|UT|Z)"
)
ISO_RE = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})(?P<sep>[T ])(?P<time>\d{2}:\d{2}:\d{2})(?P<frac>\.\d+)?"
    r"(?P<tz>Z|[+-]\d{2}:\d{2})?"
)
BLOCK_RE = re.compile(r"<(item|entry|article)\b[^>]*>.*?</\1>\s*", re.DOTALL)


# ----------------------------------------------------------------------------- the manifest


@dataclass(frozen=True)
class SampleSource:
    """A source of the sample: a route on the sample server and what to register for it."""

    id: str
    kind: str
    path: str
    file: str | None = None
    platform: str | None = None
    language: str | None = None
    title: str | None = None
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SampleManifest:
    """What ``manifest.toml`` says: anchor quarter, demo city, sources, peers, decision."""

    anchor_quarter: str
    city: dict[str, Any]
    joined: dict[str, date]
    decision: dict[str, Any]
    peers_csv: str
    peers_pages: str
    sources: tuple[SampleSource, ...]


def load_manifest(root: Path = SAMPLE_DIR) -> SampleManifest:
    """Read the manifest; the sample is package data, so a bad one is a bug, not user input."""
    raw = tomllib.loads((root / MANIFEST).read_text(encoding="utf-8"))
    return SampleManifest(
        anchor_quarter=raw["anchor_quarter"],
        city=dict(raw["city"]),
        joined=dict(raw["joined"]),
        decision=dict(raw["decision"]),
        peers_csv=raw["peers"]["csv"],
        peers_pages=raw["peers"]["pages"],
        sources=tuple(SampleSource(**row) for row in raw["source"]),
    )


# ----------------------------------------------------------------------------- re-dating


def quarter_index(value: datetime) -> int:
    return value.year * 4 + (value.month - 1) // 3


def parse_quarter(label: str) -> int:
    """``2026-Q4`` → a quarter index comparable with :func:`quarter_index`."""
    match = re.fullmatch(r"(\d{4})-Q([1-4])", label.strip())
    if not match:
        raise ValueError(f"not a quarter label: {label!r}")
    return int(match.group(1)) * 4 + int(match.group(2)) - 1


def month_shift(anchor_quarter: str, now: datetime) -> int:
    """Months to add to the snapshot's dates so that its anchor quarter is ``now``'s quarter."""
    return 3 * (quarter_index(ensure_utc(now)) - parse_quarter(anchor_quarter))


def add_months(value: datetime, months: int) -> datetime:
    """``value`` moved by whole months; a month's last day stays the last day (quarter-ends)."""
    index = value.year * 12 + value.month - 1 + months
    year, month = divmod(index, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    month_end = value.day == calendar.monthrange(value.year, value.month)[1]
    day = last_day if month_end else min(value.day, last_day)
    return value.replace(year=year, month=month + 1, day=day)


def _shift_rfc822(text: str, months: int) -> str:
    def replace(match: re.Match[str]) -> str:
        when = ensure_utc(email.utils.parsedate_to_datetime(match.group(0)))
        return email.utils.format_datetime(add_months(when, months)).replace("-0000", "+0000")

    return RFC822_RE.sub(replace, text)


def _shift_iso(text: str, months: int) -> str:
    def replace(match: re.Match[str]) -> str:
        date = datetime.fromisoformat(match.group("date"))
        moved = add_months(date, months).date().isoformat()
        rest = "".join(match.group(name) or "" for name in ("sep", "time", "frac", "tz"))
        return moved + rest

    return ISO_RE.sub(replace, text)


def _block_date(block: str) -> datetime | None:
    """The first date in an item/entry/article block (its publication date, as written)."""
    rfc = RFC822_RE.search(block)
    if rfc:
        return ensure_utc(email.utils.parsedate_to_datetime(rfc.group(0)))
    iso = ISO_RE.search(block)
    if iso:
        tz = iso.group("tz") or "+00:00"
        return ensure_utc(
            datetime.fromisoformat(
                f"{iso.group('date')}T{iso.group('time')}{tz.replace('Z', '+00:00')}"
            )
        )
    return None


def redate_text(text: str, months: int, now: datetime) -> str:
    """Move every full date of a document by ``months`` and drop the items now in the future.

    Items are RSS ``<item>``, Atom ``<entry>`` and HTML ``<article>`` blocks. Date-only values
    (an app's release date) are left alone: they are not part of the watch window.
    """
    shifted = _shift_iso(_shift_rfc822(text, months), months)

    def keep(match: re.Match[str]) -> str:
        when = _block_date(match.group(0))
        return "" if when is not None and when > now else match.group(0)

    return BLOCK_RE.sub(keep, shifted)


def redate_activity(data: list[dict[str, Any]], months: int, now: datetime) -> list[dict[str, Any]]:
    """Mastodon weekly activity: ``week`` is a Unix timestamp given as a string."""
    weeks = []
    for row in data:
        start = add_months(datetime.fromtimestamp(int(row["week"]), UTC), months)
        if start <= now:
            weeks.append({**row, "week": str(int(start.timestamp()))})
    return weeks


def slugify(text: str) -> str:
    """File name of a Wikipedia article in ``pageviews/`` (ASCII, lowercase, dashes)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:70]


def pageviews_items(
    document: dict[str, Any], months: int, now: datetime, start: str, end: str
) -> list[dict[str, Any]]:
    """Monthly items moved by ``months``, within ``[start, end]`` and before the current month."""
    current = f"{now.year:04d}{now.month:02d}0100"
    items = []
    for item in document.get("items", []):
        stamp = str(item["timestamp"])
        moved = add_months(datetime(int(stamp[:4]), int(stamp[4:6]), 1, tzinfo=UTC), months)
        timestamp = f"{moved.year:04d}{moved.month:02d}0100"
        if start[:8] <= timestamp[:8] <= end[:8] and timestamp < current:
            items.append({**item, "timestamp": timestamp})
    return items


def _json_reply(data: Any, status: int = 200) -> Reply:
    body = json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")
    return Reply(body=body, status=status, content_type=CONTENT_TYPES[".json"])


def _not_found(uri: str) -> Reply:
    """The Wikimedia REST API's 404 body for "no data in this range"."""
    return _json_reply(
        {
            "type": "https://mediawiki.org/wiki/HyperSwitch/errors/not_found",
            "title": "Not found.",
            "method": "get",
            "detail": "The date(s) you used are valid, but we either do not have data for those"
            " date(s), or the project you asked for is not loaded yet.",
            "uri": uri,
        },
        status=404,
    )


# ----------------------------------------------------------------------------- the server


class SampleServer(LocalServer):
    """A :class:`LocalServer` answering with the re-dated sample, including API-like routes.

    Static files are re-dated once when the server starts (``now`` is fixed for its life);
    the Wikimedia route filters months per request, like the real API.
    """

    def __init__(self, now: datetime, root: Path = SAMPLE_DIR) -> None:
        super().__init__()
        self.now = ensure_utc(now)
        self.root = root
        self.manifest = load_manifest(root)
        self.months = month_shift(self.manifest.anchor_quarter, self.now)
        self.prefixes: list[tuple[str, Callable[[RequestInfo], Reply]]] = [
            (PAGEVIEWS_PREFIX, self._pageviews),
            (PROFILE_PATH, self._profile),
        ]
        self._routes_for_sample()

    # -- routes -------------------------------------------------------------------------------
    def _routes_for_sample(self) -> None:
        self.add("/robots.txt", Reply(body=ROBOTS, content_type=CONTENT_TYPES[".txt"]))
        for source in self.manifest.sources:
            if "{" in source.path or source.path.startswith(PROFILE_PATH):
                continue  # answered by a prefix handler
            file = self.root / (source.file or source.path.lstrip("/"))
            self.add(source.path, self._lazy(file))
        pages = self.root / self.manifest.peers_pages
        for index in sorted(pages.glob("*/index.html")):
            host = index.parent.name
            reply = self._lazy(index)
            self.add(f"{PEERS_PREFIX}{host}/", reply)
            self.add(f"{PEERS_PREFIX}{host}/index.html", reply)

    def _lazy(self, file: Path) -> Callable[[RequestInfo], Reply]:
        """A handler re-dating ``file`` on its first request only (same bytes every time, so
        the ETag holds and a second collection gets 304s)."""
        cached: list[Reply] = []

        def handler(_info: RequestInfo) -> Reply:
            if not cached:
                cached.append(self._static_reply(file))
            return cached[0]

        return handler

    def _static_reply(self, file: Path) -> Reply:
        suffix = file.suffix.lower()
        content_type = CONTENT_TYPES.get(suffix, "application/octet-stream")
        if file.name == "mastodon-instance-activity.json":
            data = redate_activity(json.loads(file.read_text("utf-8")), self.months, self.now)
            return _json_reply(data)
        text = redate_text(file.read_text(encoding="utf-8"), self.months, self.now)
        return Reply(body=text.encode("utf-8"), content_type=content_type)

    # -- API-like handlers --------------------------------------------------------------------
    def _pageviews(self, info: RequestInfo) -> Reply:
        parts = info.path[len(PAGEVIEWS_PREFIX) :].split("/")
        if len(parts) != 7:
            return _json_reply({"type": "invalid_request", "title": "Bad route"}, status=400)
        project, _access, _agent, article, _granularity, start, end = parts
        title = unquote(article).replace(" ", "_")
        project = project.removesuffix(".org")
        file = self.root / "pageviews" / project / f"{slugify(title)}.json"
        if not file.is_file():
            return _not_found(info.path)
        document = json.loads(file.read_text(encoding="utf-8"))
        items = pageviews_items(document, self.months, self.now, start, end)
        if not items:
            return _not_found(info.path)
        return _json_reply({"items": items})

    def _profile(self, info: RequestInfo) -> Reply:
        actor = (parse_qs(info.query).get("actor") or [""])[0].strip().lower()
        file = self.root / "bluesky" / "profiles" / f"{actor}.json"
        if not actor or "/" in actor or not file.is_file():
            return _json_reply(
                {"error": "InvalidRequest", "message": "Profile not found"}, status=400
            )
        return self._static_reply(file)

    def _resolve(self, info: RequestInfo) -> Reply:
        full = info.path + (f"?{info.query}" if info.query else "")
        if full in self.routes or info.path in self.routes:
            return super()._resolve(info)
        for prefix, handler in self.prefixes:
            if info.path.startswith(prefix):
                return handler(info)
        return super()._resolve(info)

    # -- what the demo registers ----------------------------------------------------------------
    def source_rows(self) -> list[dict[str, Any]]:
        """The sample sources with absolute URLs on this server (call after ``start``)."""
        return [
            {
                "source_id": s.id,
                "kind": s.kind,
                "url": self.base_url + s.path,
                "platform": s.platform,
                "language": s.language,
                "title": s.title,
                "options": dict(s.options) or None,
            }
            for s in self.manifest.sources
        ]

    def peer_homepage(self, homepage: str) -> str:
        """A fictional peer homepage (``https://www.x.example/``) as served here."""
        host = homepage.split("://", 1)[-1].split("/", 1)[0]
        return f"{self.base_url}{PEERS_PREFIX}{host}/"

    def peers_csv(self) -> str:
        """The sample peers CSV with each homepage pointed at this server."""
        text = (self.root / self.manifest.peers_csv).read_text(encoding="utf-8")
        reader = csv.DictReader(io.StringIO(text))
        out = io.StringIO()
        writer = csv.DictWriter(out, list(reader.fieldnames or []), lineterminator="\n")
        writer.writeheader()
        for row in reader:
            writer.writerow({**row, "homepage": self.peer_homepage(row["homepage"])})
        return out.getvalue()


@contextmanager
def serving_sample(now: datetime, root: Path = SAMPLE_DIR) -> Iterator[SampleServer]:
    """Start the sample server for the ``with`` block (an ephemeral port on 127.0.0.1)."""
    server = SampleServer(now, root)
    with server:
        yield server
