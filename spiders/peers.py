"""Peer cities: visit each homepage and record which networks it links to.

Each peer's homepage is a source of kind ``peers`` (created by ``vigie peers import``), so a
homepage gets conditional GET and backoff like any source. Redirects are followed (``http`` to
``https``, bare domain to ``www``); a homepage that never answers, a redirect loop or a page
over the size cap fails that peer only: the failure is saved on the source and on the peer, its
earlier presences are kept, and the crawl goes on. The page is read by the pure
:func:`watch.peer_presence.detect_presence`.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from functools import partial
from typing import Any

import scrapy
from scrapy.http import Response
from sqlmodel import Session
from twisted.python.failure import Failure

from spiders._common import WriteLockFirst, page_text, run_store
from spiders.base import SourceSpider
from spiders.items import SourceResult
from spiders.registry import register
from spiders.settings import build_settings
from watch.config import CollectConfig
from watch.fetchstate import SourceTask
from watch.peer_discovery import (
    Commune,
    Discovery,
    Endpoints,
    annuaire_url,
    communes_url,
    parse_communes,
    parse_town_hall_website,
)
from watch.peer_presence import PlatformHosts, Presence, detect_presence
from watch.peers import platform_hosts, record_peer_error_in, record_presences_in


def _presence_writer(
    session: Session,
    now: datetime,
    *,
    peer_id: int,
    presences: list[Presence],
    status: int | None,
) -> dict[str, int]:
    count = record_presences_in(session, peer_id, presences, status=status, now=now)
    return {"presences": count}


def _error_writer(
    session: Session, now: datetime, *, peer_id: int, error: str, status: int | None
) -> dict[str, int]:
    record_peer_error_in(session, peer_id, error, status=status, now=now)
    return {}


def peer_id_of(source: SourceTask) -> int:
    value = (source.options or {}).get("peer_id")
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).isdigit():
        raise ValueError(f"source {source.id} has no peer_id option (re-run `vigie peers import`)")
    return int(value)


@register("peers")
class PeersSpider(WriteLockFirst, SourceSpider):
    """One homepage per source; presences saved through the core."""

    name = "peers"
    _hosts: list[PlatformHosts] | None = None

    def platforms(self) -> list[PlatformHosts]:
        if self._hosts is None:
            self._hosts = platform_hosts(run_store(self))
        return self._hosts

    def requests_for(self, source: SourceTask) -> Iterator[Any]:
        peer_id_of(source)  # a source without its peer is refused up front
        yield self.request(source, source.url)

    async def parse_source(self, response: Response, source: SourceTask) -> AsyncIterator[Any]:
        html = page_text(response)
        # Parsing a big homepage takes tens of milliseconds: off the reactor thread, so that
        # downloads go on meanwhile.
        presences = await asyncio.to_thread(detect_presence, html, response.url, self.platforms())
        writer = partial(
            _presence_writer,
            peer_id=peer_id_of(source),
            presences=presences,
            status=response.status,
        )
        yield self.result(source, response, writes=[writer])

    # -- failures are saved on the peer too ------------------------------------------------
    def result(self, source: SourceTask, response: Response, **fields: Any) -> SourceResult:
        result = super().result(source, response, **fields)
        return self._with_peer_error(source, result)

    def failure_result(self, source: SourceTask, url: str, message: str) -> SourceResult:
        result = super().failure_result(source, url, message)
        return self._with_peer_error(source, result)

    def _with_peer_error(self, source: SourceTask, result: SourceResult) -> SourceResult:
        if result.error is None:
            return result
        try:
            peer_id = peer_id_of(source)
        except ValueError:
            return result
        writer = partial(_error_writer, peer_id=peer_id, error=result.error, status=result.status)
        result.failure_writes.append(writer)
        return result


# ----------------------------------------------------------------------------- discovery


class PeerDiscoverySpider(scrapy.Spider):
    """Communes of a department (population range), then each town hall's website.

    Not a source spider (no source row: discovery is a one-off command), hence not registered;
    it still runs under the project's polite settings.
    """

    name = "peer_discovery"

    def __init__(
        self,
        *args: Any,
        endpoints: Endpoints,
        department: str,
        population: tuple[int | None, int | None],
        found: Discovery,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.endpoints, self.department = endpoints, department
        self.low, self.high = population
        self.found = found

    def _request(self, url: str, callback: Any, **meta: Any) -> scrapy.Request:
        meta["handle_httpstatus_list"] = list(range(400, 600))
        return scrapy.Request(url, callback=callback, errback=self._on_error, meta=meta,
                              dont_filter=True)  # fmt: skip

    async def start(self) -> AsyncIterator[scrapy.Request]:
        yield self._request(communes_url(self.endpoints, self.department), self.parse_communes)

    def parse_communes(self, response: Response) -> Iterator[scrapy.Request]:
        if response.status >= 400:
            self.found.failures.append(f"communes API: HTTP {response.status} ({response.url})")
            return
        try:
            communes = parse_communes(response.body, self.department, self.low, self.high)
        except ValueError as exc:
            self.found.failures.append(f"communes API: {exc}")
            return
        self.found.communes = communes
        for commune in communes:
            url = annuaire_url(self.endpoints.annuaire, commune.insee)
            yield self._request(url, self.parse_town_hall, commune=commune, fallback=False)

    def parse_town_hall(self, response: Response) -> Iterator[scrapy.Request]:
        commune: Commune = response.meta["commune"]
        try:
            if response.status >= 400:
                raise ValueError(f"HTTP {response.status}")
            self.found.websites[commune.insee] = parse_town_hall_website(response.body)
        except ValueError as exc:
            yield from self._retry_or_fail(commune, response.meta, str(exc))

    def _on_error(self, failure: Failure) -> Iterator[scrapy.Request]:
        request = failure.request  # type: ignore[attr-defined]
        commune = request.meta.get("commune")
        message = f"{type(failure.value).__name__}: {failure.value}"
        if commune is None:
            self.found.failures.append(f"communes API: {message}")
            return
        yield from self._retry_or_fail(commune, request.meta, message)

    def _retry_or_fail(
        self, commune: Commune, meta: dict[str, Any], message: str
    ) -> Iterator[scrapy.Request]:
        fallback = self.endpoints.annuaire_fallback
        if fallback and not meta.get("fallback"):
            url = annuaire_url(fallback, commune.insee)
            yield self._request(url, self.parse_town_hall, commune=commune, fallback=True)
            return
        self.found.failures.append(f"{commune.name} ({commune.insee}): directory API, {message}")


def discover_peers(
    collect: CollectConfig,
    endpoints: Endpoints,
    department: str,
    population: tuple[int | None, int | None],
) -> Discovery:
    """Run the discovery crawl (one crawler process: call once per process)."""
    from scrapy.crawler import AsyncCrawlerProcess

    found = Discovery()
    process = AsyncCrawlerProcess(build_settings(collect, ITEM_PIPELINES={}))
    process.crawl(
        PeerDiscoverySpider,
        endpoints=endpoints,
        department=department,
        population=population,
        found=found,
    )
    process.start()
    return found
