"""Bluesky figures: total registered accounts, and followers of given accounts.

* kind ``bluesky``: the public user-count API (``last_user_count``, ``last_timestamp``) →
  ``users.total`` for the day of its timestamp. Worldwide registered accounts, not active users.
* kind ``account``: the public AppView's ``app.bsky.actor.getProfile`` (URL template with
  ``{actor}``) for every actor in the source's ``options.actors`` (a list, or a comma-separated
  string) plus, unless ``options.peers`` is false, the Bluesky accounts that peer cities link to
  from their homepages → ``followers`` with subject = the handle, one value per day.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlsplit

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
    with_write_lock,
)
from spiders.base import SourceSpider
from spiders.items import SourceResult
from spiders.registry import register
from watch.fetchstate import SourceTask
from watch.metrics import MetricRow
from watch.peers import list_peers

PLATFORM = "bluesky"
ACTOR_META = "vigie_actor"


def timestamp_day(value: Any) -> str:
    """The UTC day of an API timestamp: ISO 8601, ``YYYY-MM-DD HH:MM:SS`` (UTC) or epoch."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = value / 1000 if value > 1e11 else value  # milliseconds or seconds
        return datetime.fromtimestamp(seconds, UTC).date().isoformat()
    if isinstance(value, str) and value.strip():
        text = value.strip().replace("Z", "+00:00")
        try:
            when = datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(f"unreadable timestamp {value!r}") from None
        when = when if when.tzinfo else when.replace(tzinfo=UTC)
        return when.astimezone(UTC).date().isoformat()
    raise ValueError(f"missing or unreadable timestamp {value!r}")


def parse_user_count(body: bytes, platform: str = PLATFORM) -> list[MetricRow]:
    """``{"last_user_count": N, "last_timestamp": T}`` → ``users.total`` on T's day."""
    data = load_json(body)
    if not isinstance(data, Mapping) or "last_user_count" not in data:
        raise ValueError(api_error(data) or "not a user-count response (no last_user_count)")
    count = as_count(data["last_user_count"], "last_user_count")
    day = timestamp_day(data.get("last_timestamp"))
    detail = {"what": "registered accounts, worldwide", "as_of": str(data.get("last_timestamp"))}
    return [MetricRow(platform, "users.total", day, float(count), detail=detail)]


def parse_profile(body: bytes, now: datetime, platform: str = PLATFORM) -> list[MetricRow]:
    """A ``getProfile`` answer → ``followers`` of its handle for the day of ``now``."""
    data = load_json(body)
    if not isinstance(data, Mapping) or "followersCount" not in data:
        raise ValueError(api_error(data) or "not a Bluesky profile (no followersCount)")
    handle = str(data.get("handle") or data.get("did") or "").strip().lower()
    if not handle:
        raise ValueError("Bluesky profile without handle or did")
    detail: dict[str, Any] = {"did": data.get("did")}
    for key, name in (("followsCount", "follows"), ("postsCount", "posts")):
        if data.get(key) is not None:
            detail[name] = as_count(data[key], key)
    followers = as_count(data["followersCount"], "followersCount")
    day = now.astimezone(UTC).date().isoformat()
    return [MetricRow(platform, "followers", day, float(followers), handle, detail)]


def configured_actors(options: Mapping[str, Any]) -> list[str]:
    """``options.actors`` as a clean list (handles without ``@``, DIDs kept)."""
    raw = options.get("actors") or []
    items = raw.split(",") if isinstance(raw, str) else list(raw)
    return [str(a).strip().lstrip("@").lower() for a in items if str(a).strip()]


def actor_from_url(url: str) -> str | None:
    """``https://bsky.app/profile/ville.fr`` → ``ville.fr``."""
    parts = [p for p in urlsplit(url).path.split("/") if p]
    if len(parts) >= 2 and parts[0] == "profile":
        return parts[1].lower()
    return None


def unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


@register("bluesky")
class BlueskyUsersSpider(WriteLockFirst, ApiErrorDetail, SourceSpider):
    """Total registered Bluesky accounts."""

    name = "bluesky"

    def parse_source(self, response: Response, source: SourceTask) -> Iterator[Any]:
        rows = parse_user_count(response.body, source.platform or PLATFORM)
        yield self.result(source, response, writes=[metrics_writer(rows, source.id)])


@register("account")
class AccountSpider(WriteLockFirst, ApiErrorDetail, SourceSpider):
    """Followers of the city's own accounts and of its peers' accounts, via getProfile."""

    name = "account"

    def actors(self, source: SourceTask) -> list[str]:
        actors = configured_actors(source.options or {})
        if (source.options or {}).get("peers", True) not in (False, "false", "no", "0"):
            for peer in list_peers(run_store(self)):
                url = peer["platforms"].get(PLATFORM)
                actor = actor_from_url(url) if url else None
                if actor:
                    actors.append(actor)
        return unique(actors)

    def requests_for(self, source: SourceTask) -> Iterator[Any]:
        actors = self.actors(source)
        if not actors:  # nothing to ask is not a failure, but say so on the source
            message = "no Bluesky account to look up (set options.actors, or import peers)"
            result = SourceResult(source.id, source.url, warning=message)
            yield self._settle(with_write_lock(result))
            return
        for actor in actors:
            url = source.url.replace("{actor}", quote(actor, safe=":"))
            meta = {ACTOR_META: actor}
            yield self.request(source, url, meta=meta)

    def parse_source(self, response: Response, source: SourceTask) -> Iterator[Any]:
        rows = parse_profile(response.body, run_now(self), source.platform or PLATFORM)
        yield self.result(source, response, writes=[metrics_writer(rows, source.id)])
