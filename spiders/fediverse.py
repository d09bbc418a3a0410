"""Fediverse figures: Mastodon instance APIs, NodeInfo and FediDB network-wide statistics.

One spider reads every shape, recognised from the body rather than the URL (so that any
endpoint can be pointed elsewhere):

* Mastodon ``/api/v2/instance`` → ``users.active_month`` (subject: the instance host);
* Mastodon ``/api/v1/instance`` → ``users.total``, ``statuses.total``, ``domains.known``;
* Mastodon ``/api/v1/instance/activity`` → weekly ``activity.statuses``, ``activity.logins``,
  ``activity.registrations`` (period: the week's first day; the current week is marked partial);
* ``/.well-known/nodeinfo`` → followed to the NodeInfo document it names, which gives
  ``users.total``, ``users.active_month``, ``users.active_halfyear``, ``statuses.total`` for any
  server software (Mastodon, Pixelfed, PeerTube...);
* FediDB ``/v1/stats`` → ``fediverse.users.total``, ``fediverse.users.active_month``,
  ``fediverse.instances``, ``fediverse.statuses`` (network-wide, no subject).

Snapshot figures use the day of observation as period (one value per day, upserted). The subject
of per-instance figures is the host the source points at, so that the v1, v2, activity and
NodeInfo figures of one server form one series whatever its own ``domain`` setting says.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urljoin, urlsplit

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

DEFAULT_PLATFORM = "mastodon"
NODEINFO_SCHEMA = "http://nodeinfo.diaspora.software/ns/schema/"


@dataclass
class Reading:
    """What one fediverse response gave: metric rows, and a document to fetch next."""

    kind: str
    rows: list[MetricRow] = field(default_factory=list)
    follow: str | None = None


def _day(now: datetime) -> str:
    return now.astimezone(UTC).date().isoformat()


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _counts(pairs: Sequence[tuple[str, Any]], what: str) -> list[tuple[str, int]]:
    """``(metric, raw)`` pairs whose raw value is present, as whole numbers."""
    return [(name, as_count(raw, f"{what} {name}")) for name, raw in pairs if raw is not None]


def read_instance_v2(data: Mapping[str, Any], platform: str, host: str, now: datetime) -> Reading:
    users = (data.get("usage") or {}).get("users") or {}
    pairs = _counts([("users.active_month", users.get("active_month"))], "instance v2")
    if not pairs:
        raise ValueError("instance v2 response without usage.users.active_month")
    return Reading("mastodon_v2", _rows(pairs, platform, _day(now), host, "api/v2/instance"))


def read_instance_v1(data: Mapping[str, Any], platform: str, host: str, now: datetime) -> Reading:
    stats = data.get("stats") or {}
    pairs = _counts(
        [
            ("users.total", stats.get("user_count")),
            ("statuses.total", stats.get("status_count")),
            ("domains.known", stats.get("domain_count")),
        ],
        "instance v1",
    )
    if not pairs:
        raise ValueError("instance v1 response without stats")
    return Reading("mastodon_v1", _rows(pairs, platform, _day(now), host, "api/v1/instance"))


def read_activity(data: Sequence[Any], platform: str, host: str, now: datetime) -> Reading:
    rows = []
    for week in data:
        if not isinstance(week, Mapping) or "week" not in week:
            raise ValueError("activity entry without a 'week'")
        start = datetime.fromtimestamp(as_count(week["week"], "activity week"), UTC)
        period = start.date().isoformat()
        detail: dict[str, Any] = {"via": "api/v1/instance/activity"}
        if start + timedelta(days=7) > now:
            detail["partial"] = True  # the current week is still being counted
        for name in ("statuses", "logins", "registrations"):
            if week.get(name) is not None:
                value = as_count(week[name], f"activity {name}")
                rows.append(
                    MetricRow(platform, f"activity.{name}", period, float(value), host, detail)
                )
    return Reading("mastodon_activity", rows)


def read_nodeinfo_links(data: Mapping[str, Any], url: str) -> Reading:
    """``/.well-known/nodeinfo``: follow the newest NodeInfo schema it lists."""
    links = [
        link
        for link in data.get("links") or []
        if isinstance(link, Mapping) and str(link.get("rel", "")).startswith(NODEINFO_SCHEMA)
    ]
    if not links:
        raise ValueError("the NodeInfo index lists no NodeInfo document")
    newest = max(links, key=lambda link: str(link["rel"]))
    return Reading("nodeinfo_index", follow=urljoin(url, str(newest.get("href") or "")))


def read_nodeinfo(
    data: Mapping[str, Any], platform: str, host: str, known: set[str], now: datetime
) -> Reading:
    software = str((data.get("software") or {}).get("name") or "").lower()
    if software in known:
        platform = software  # a Pixelfed or PeerTube server counts for its own platform
    usage = data.get("usage") or {}
    users = usage.get("users") or {}
    pairs = _counts(
        [
            ("users.total", users.get("total")),
            ("users.active_month", users.get("activeMonth")),
            ("users.active_halfyear", users.get("activeHalfyear")),
            ("statuses.total", usage.get("localPosts")),
        ],
        "nodeinfo",
    )
    return Reading("nodeinfo", _rows(pairs, platform, _day(now), host, "nodeinfo", software))


def read_fedidb(data: Mapping[str, Any], platform: str, now: datetime) -> Reading:
    """FediDB ``/v1/stats``: network-wide totals, dated by ``last_updated_at``."""
    pairs = _counts(
        [
            ("fediverse.users.total", data.get("total_users")),
            ("fediverse.users.active_month", data.get("monthly_active_users")),
            ("fediverse.instances", data.get("total_instances")),
            ("fediverse.statuses", data.get("total_statuses")),
        ],
        "FediDB",
    )
    updated = data.get("last_updated_at")
    day = _day(now)
    if isinstance(updated, str) and updated.strip():
        try:
            day = _day(datetime.fromisoformat(updated.strip().replace("Z", "+00:00")))
        except ValueError:
            raise ValueError(f"FediDB last_updated_at is not a date: {updated!r}") from None
    return Reading("fedidb", _rows(pairs, platform, day, "", "fedidb"))


def _rows(
    pairs: Sequence[tuple[str, int]],
    platform: str,
    period: str,
    subject: str,
    via: str,
    software: str | None = None,
) -> list[MetricRow]:
    detail: dict[str, Any] = {"via": via}
    if software:
        detail["software"] = software
    return [MetricRow(platform, name, period, float(v), subject, detail) for name, v in pairs]


def read_fediverse(
    body: bytes,
    url: str,
    *,
    platform: str | None,
    known: set[str],
    now: datetime,
) -> Reading:
    """Recognise the shape of a fediverse response and read it (ValueError if unknown)."""
    data = load_json(body)
    platform = platform or DEFAULT_PLATFORM
    host = _host(url)
    if isinstance(data, list):
        return read_activity(data, platform, host, now)
    if not isinstance(data, Mapping):
        raise ValueError("unexpected JSON (neither an object nor a list)")
    if "software" in data and "usage" in data:
        return read_nodeinfo(data, platform, host, known, now)
    if "links" in data and "software" not in data:
        return read_nodeinfo_links(data, url)
    if "domain" in data and "usage" in data:
        return read_instance_v2(data, platform, host, now)
    if "uri" in data and "stats" in data:
        return read_instance_v1(data, platform, host, now)
    if "total_users" in data or "monthly_active_users" in data:
        return read_fedidb(data, platform, now)
    raise ValueError(api_error(data) or "not a Mastodon, NodeInfo or FediDB response")


@register("fediverse")
class FediverseSpider(WriteLockFirst, ApiErrorDetail, SourceSpider):
    """Instance and network figures; a NodeInfo index is followed to its document."""

    name = "fediverse"

    _known: set[str] | None = None

    def known_platforms(self) -> set[str]:
        """Catalogue slugs, read once per run (a NodeInfo software name may be one)."""
        if self._known is None:
            self._known = {p["slug"] for p in list_platforms(run_store(self))}
        return self._known

    def parse_source(self, response: Response, source: SourceTask) -> Iterator[Any]:
        known = self.known_platforms()
        platform = source.platform or (source.options or {}).get("platform")
        reading = read_fediverse(
            response.body, response.url, platform=platform, known=known, now=run_now(self)
        )
        if reading.follow:
            yield self.request(source, reading.follow, conditional=False)
        yield self.result(source, response, writes=[metrics_writer(reading.rows, source.id)])
