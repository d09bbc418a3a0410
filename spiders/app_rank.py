"""Adoption: rank of each platform's app in an App Store chart (Apple marketing-tools JSON).

Rank is the position in ``feed.results`` plus one, matched by ``Platform.app_store_ids``. A
platform whose app is not in the chart is stored with no value and ``{"in_chart": false,
"chart_size": N}``: "not in the top 100" is information, and a rank of 0 would read as "first".
The chart's date (``feed.updated``) is the period, so one chart per day is kept. The source's
``options.fallback`` URL (Apple's older host) is tried when the main URL fails.
"""

from __future__ import annotations

import email.utils
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from scrapy.http import Response

from spiders._common import (
    ApiErrorDetail,
    WriteLockFirst,
    api_error,
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


@dataclass(frozen=True)
class Chart:
    """An App Store chart: app ids in rank order, its country and its date."""

    country: str
    day: str
    app_ids: tuple[str, ...]
    names: tuple[str, ...]

    @property
    def size(self) -> int:
        return len(self.app_ids)


def chart_day(updated: Any, now: datetime) -> str:
    """The chart's date (UTC) from ``feed.updated`` (RFC 2822 or ISO 8601); today if absent."""
    if isinstance(updated, str) and updated.strip():
        text = updated.strip()
        try:
            when = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError):
            try:
                when = datetime.fromisoformat(text.replace("Z", "+00:00"))
            except ValueError:
                raise ValueError(f"unreadable chart date {text!r}") from None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return when.astimezone(UTC).date().isoformat()
    return now.astimezone(UTC).date().isoformat()


def parse_chart(body: bytes, now: datetime, default_country: str = "fr") -> Chart:
    """Read an Apple marketing-tools chart; anything else (HTML, an error body) is refused."""
    data = load_json(body)
    feed = data.get("feed") if isinstance(data, Mapping) else None
    if not isinstance(feed, Mapping) or not isinstance(feed.get("results"), list):
        raise ValueError(api_error(data) or "not an App Store chart (no feed.results)")
    ids, names = [], []
    for position, result in enumerate(feed["results"], start=1):
        if not isinstance(result, Mapping) or not str(result.get("id", "")).strip():
            raise ValueError(f"chart entry {position} has no app id")
        ids.append(str(result["id"]).strip())
        names.append(str(result.get("name") or ""))
    country = str(feed.get("country") or default_country).lower()
    return Chart(
        country=country,
        day=chart_day(feed.get("updated"), now),
        app_ids=tuple(ids),
        names=tuple(names),
    )


def rank_rows(chart: Chart, platforms: Sequence[Mapping[str, Any]]) -> list[MetricRow]:
    """One row per platform with an App Store id: its best rank, or "not in the chart"."""
    positions: dict[str, int] = {}
    for index, app_id in enumerate(chart.app_ids):
        positions.setdefault(app_id, index)
    metric = f"app_rank.{chart.country}"
    rows = []
    for platform in platforms:
        ids = [str(i) for i in platform.get("app_store_ids") or []]
        if not ids:
            continue
        found = sorted(positions[i] for i in ids if i in positions)
        detail: dict[str, Any] = {"in_chart": bool(found), "chart_size": chart.size}
        value = None
        if found:
            value = float(found[0] + 1)
            detail.update(app_id=chart.app_ids[found[0]], app_name=chart.names[found[0]])
        rows.append(MetricRow(platform["slug"], metric, chart.day, value, detail=detail))
    return rows


@register("app_rank")
class AppRankSpider(WriteLockFirst, ApiErrorDetail, SourceSpider):
    """One chart per source; falls back to ``options.fallback`` when the main URL fails."""

    name = "app_rank"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._fell_back: set[str] = set()  # sources whose fallback was already tried

    def parse_source(self, response: Response, source: SourceTask) -> Iterator[Any]:
        chart = parse_chart(response.body, run_now(self), source.language or "fr")
        rows = rank_rows(chart, list_platforms(run_store(self)))
        yield self.result(source, response, writes=[metrics_writer(rows, source.id)])

    def fallback_request(self, source: SourceTask, url: str, message: str) -> Any:
        """The source's ``options.fallback`` (Apple's older host), tried once per run."""
        fallback = (source.options or {}).get("fallback")
        if not isinstance(fallback, str) or not fallback.strip() or source.id in self._fell_back:
            return None
        self._fell_back.add(source.id)
        self.logger.info("%s failed (%s); trying %s", source.id, message, fallback)
        return self.request(source, fallback.strip(), conditional=False)
