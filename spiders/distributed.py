"""A distributed crawl: several processes share one Redis-backed Scrapy scheduler (scrapy-redis).

``vigie collect --redis URL`` builds the usual requests from the due sources and pushes them to a
shared queue in Redis; it works that queue too. ``vigie worker --redis URL`` runs the same spiders
with no sources of their own, on any machine that reaches Redis and the database, and works the
same queue. The dupefilter is shared, so a URL is fetched once whichever process meets it first;
every result is written to the shared store by the process that fetched it.

Only scrapy-redis's scheduler, queue and dupefilter are used. Its spiders (``RedisSpider``) are
not: they are built on ``start_requests()``, which Scrapy 2.16 removed in favour of
``async def start()``, and Vigie's spiders have their own ``start()``. What scrapy-redis's spiders
did besides reading start URLs from Redis - keep the spider open while the queue may still get
work - is :class:`SharedQueueIdleClose` here, with two fixes for several processes:

* ``SCHEDULER_PERSIST`` is on for everyone: scrapy-redis otherwise clears the queue and the
  dupefilter when a spider closes, so the first process to finish would wipe the others' work.
  The seeding process clears them when it opens instead (``SCHEDULER_FLUSH_ON_START``), so that
  each batch starts afresh and last week's fingerprints do not hide this week's pages.
* A process that has a request in flight says so in Redis (a ``busy`` key that expires on its
  own if the process dies), and nobody closes while another process is busy: the seeding process
  does not end, and report, before the workers have saved their last pages. A process closes once
  the queue has stayed empty, with nobody busy, for ``idle`` seconds.
"""

from __future__ import annotations

import os
import socket
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy_redis.queue import FifoQueue

from spiders.base import SOURCE_META
from spiders.pipelines import RUN_KEY, RUNS, CollectSummary, RunContext, register_run
from watch.errors import InputError

QUEUE_ENV = "VIGIE_REDIS_QUEUE"
DEFAULT_QUEUE = "vigie"
DEFAULT_IDLE = 10.0
# How often a process refreshes its busy key and looks at the shared queue (seconds).
BEAT = 0.5
# A busy key outlives a crashed process by this long at most (seconds).
BUSY_TTL = 5.0
# How long the seeding process waits, once the queue is empty and nobody is busy (seconds).
SEED_GRACE = 2 * BEAT
CALLBACK_META = "vigie_callback"
REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


def queue_name(explicit: str | None = None) -> str:
    """The name that prefixes every Redis key of a crawl (``--queue``, ``$VIGIE_REDIS_QUEUE``)."""
    name = explicit or os.environ.get(QUEUE_ENV) or DEFAULT_QUEUE
    if not name or any(ch in name for ch in " *?[]"):
        raise InputError(f"invalid Redis queue name {name!r} (no spaces or glob characters)")
    return name


def check_redis(url: str) -> None:
    """Fail early, with one clear line, on a malformed or unreachable Redis URL (exit 2)."""
    if not url.startswith(REDIS_SCHEMES):
        raise InputError(f"--redis: expected a redis:// URL, got {url!r}")
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=5)
        client.ping()
        client.close()
    except (redis.RedisError, ValueError) as exc:
        raise InputError(f"cannot reach Redis at {url}: {exc}") from None


def redis_settings(url: str, *, queue: str, seed: bool, idle: float) -> dict[str, Any]:
    """Scrapy settings that put a crawler on the shared queue (merged over build_settings)."""
    return {
        # The shared scheduler and dupefilter of scrapy-redis; our own queue class (below).
        "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_QUEUE_CLASS": "spiders.distributed.SourceRequestQueue",
        "SCHEDULER_QUEUE_KEY": f"{queue}:%(spider)s:requests",
        "SCHEDULER_DUPEFILTER_KEY": f"{queue}:%(spider)s:dupefilter",
        # Never wipe the shared queue on close (see the module docstring); the seeder starts
        # every batch from an empty queue and dupefilter instead.
        "SCHEDULER_PERSIST": True,
        "SCHEDULER_FLUSH_ON_START": seed,
        # scrapy-redis would block the reactor in a Redis pop for this long: never.
        "SCHEDULER_IDLE_BEFORE_CLOSE": 0,
        "REDIS_URL": url,
        "EXTENSIONS": {"spiders.distributed.SharedQueueIdleClose": 500},
        "SPIDER_MIDDLEWARES": {"spiders.distributed.SharedDupefilterMiddleware": 50},
        "VIGIE_REDIS_QUEUE": queue,
        "VIGIE_REDIS_IDLE": idle,
    }


class SourceRequestQueue(FifoQueue):
    """scrapy-redis's FIFO queue, able to carry a spider's own follow-up callback.

    Requests travel through Redis as ``Request.to_dict()`` pickled; the base spider keeps a
    follow-up parser as a bound method in ``meta["vigie_callback"]``, which cannot be pickled.
    It travels as the method's name and is bound again to the receiving process's spider.
    """

    def _encode_request(self, request: scrapy.Request) -> bytes:
        callback = request.meta.get(CALLBACK_META)
        if callable(callback):
            request = request.replace(meta={**request.meta, CALLBACK_META: callback.__name__})
        return super()._encode_request(request)

    def _decode_request(self, encoded_request: bytes) -> scrapy.Request:
        request = super()._decode_request(encoded_request)
        name = request.meta.get(CALLBACK_META)
        if isinstance(name, str):
            request.meta[CALLBACK_META] = getattr(self.spider, name)
        return request


class SharedDupefilterMiddleware:
    """Let the shared dupefilter see Vigie's requests.

    The base spider marks its requests ``dont_filter`` (in one process a source may fetch the
    same URL twice); on a shared queue the point is the opposite - one fetch per URL across all
    processes - so requests built for sources go through the dupefilter. Retries keep
    ``dont_filter`` (Scrapy's retry middleware sets it) and are never dropped.
    """

    async def process_start(self, start: Any) -> Any:
        async for item in start:
            yield _filtered(item)

    async def process_spider_output_async(self, response: Any, result: Any) -> Any:
        async for item in result:
            yield _filtered(item)

    def process_spider_output(self, response: Any, result: Iterable[Any]) -> Iterator[Any]:
        for item in result:
            yield _filtered(item)


def _filtered(item: Any) -> Any:
    if isinstance(item, scrapy.Request) and item.dont_filter and "retry_times" not in item.meta:
        return item.replace(dont_filter=False)
    return item


class SharedQueueIdleClose:
    """Keep a spider open while the shared queue has work or a process is busy; close once it
    has been quiet for ``VIGIE_REDIS_IDLE`` seconds (see the module docstring)."""

    def __init__(self, crawler: Any) -> None:
        from scrapy_redis.connection import get_redis_from_settings

        settings = crawler.settings
        if not settings.get("VIGIE_REDIS_QUEUE"):
            raise NotConfigured("not a distributed crawl")
        self.crawler = crawler
        self.idle = settings.getfloat("VIGIE_REDIS_IDLE", DEFAULT_IDLE)
        self.queue = settings.get("VIGIE_REDIS_QUEUE")
        self.server = get_redis_from_settings(settings)
        self.token = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.quiet_since: float | None = None
        self.busy_key = ""
        self.loop: Any = None
        self.fetched = 0
        self.results = 0
        self.failures = 0
        crawler.signals.connect(self.engine_started, signals.engine_started)
        crawler.signals.connect(self.spider_opened, signals.spider_opened)
        crawler.signals.connect(self.spider_idle, signals.spider_idle)
        crawler.signals.connect(self.spider_closed, signals.spider_closed)
        crawler.signals.connect(self.response_received, signals.response_received)
        crawler.signals.connect(self.item_scraped, signals.item_scraped)

    @classmethod
    def from_crawler(cls, crawler: Any) -> SharedQueueIdleClose:
        return cls(crawler)

    def engine_started(self) -> None:
        # Scrapy polls an idle scheduler every 5 s (a private class constant): a worker would
        # notice new work, and the idle deadline, up to 5 s late. Poll at our beat instead.
        engine = self.crawler.engine
        if hasattr(engine, "_SLOT_HEARTBEAT_INTERVAL"):
            engine._SLOT_HEARTBEAT_INTERVAL = BEAT

    def spider_opened(self, spider: scrapy.Spider) -> None:
        from twisted.internet import task

        self.busy_key = f"{self.queue}:{spider.name}:busy:{self.token}"
        self.loop = task.LoopingCall(self._beat)
        self.loop.start(BEAT, now=True)

    def _beat(self) -> None:
        """Say in Redis whether this process has work in hand (refreshed, so it expires if we die)."""
        engine = self.crawler.engine
        if engine is None or engine.spider is None:
            return
        if engine.spider_is_idle():
            self.server.delete(self.busy_key)
        else:
            self.quiet_since = None
            self.server.set(self.busy_key, "1", px=int(BUSY_TTL * 1000))

    def _others_busy(self, spider: scrapy.Spider) -> bool:
        pattern = f"{self.queue}:{spider.name}:busy:*"
        return any(key != self.busy_key.encode() for key in self.server.scan_iter(match=pattern))

    def spider_idle(self, spider: scrapy.Spider) -> None:
        # Scrapy calls this when this process has nothing in hand and the queue is empty.
        self.server.delete(self.busy_key)
        now = time.monotonic()
        if self._others_busy(spider):
            self.quiet_since = None
            raise DontCloseSpider
        if self.quiet_since is None:
            self.quiet_since = now
        if now - self.quiet_since < self.idle:
            raise DontCloseSpider

    def response_received(self, response: Any, request: Any, spider: Any) -> None:
        self.quiet_since = None
        if SOURCE_META in request.meta:  # a page of a source, not robots.txt
            self.fetched += 1

    def item_scraped(self, item: Any, response: Any, spider: Any) -> None:
        self.results += 1
        if getattr(item, "failed", False):
            self.failures += 1

    def spider_closed(self, spider: scrapy.Spider) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        self.server.delete(self.busy_key)


@dataclass
class WorkerReport:
    """What one worker did: pages fetched and results saved, per source kind."""

    kinds: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def fetched(self) -> int:
        return sum(kind["fetched"] for kind in self.kinds.values())

    @property
    def failures(self) -> int:
        return sum(kind["failures"] for kind in self.kinds.values())

    def as_dict(self) -> dict[str, Any]:
        return {"fetched": self.fetched, "failures": self.failures, "kinds": self.kinds}


def run_worker(
    store: Any,
    collect: Any,
    *,
    redis_url: str,
    queue: str,
    idle: float,
    now: datetime,
    kinds: Iterable[str] | None = None,
) -> WorkerReport:
    """Work the shared queue of every spider (or of ``kinds``) until it stays quiet ``idle`` s.

    One Scrapy process, one crawler per kind, none with sources of its own: every request comes
    from Redis, and every result is written to ``store`` by this process's pipeline.
    """
    from scrapy.crawler import AsyncCrawlerProcess

    from spiders.registry import load_spiders
    from spiders.runner import store_catalogue
    from spiders.settings import build_settings

    check_redis(redis_url)
    registry = load_spiders()
    chosen = sorted(registry) if kinds is None else sorted(kinds)
    unknown = [kind for kind in chosen if kind not in registry]
    if unknown:
        raise InputError(f"no spider for kind {unknown[0]!r}")
    context = RunContext(store=store, now=now, summary=CollectSummary())
    key = register_run(context)
    extra = redis_settings(redis_url, queue=queue, seed=False, idle=idle)
    settings = build_settings(collect, **{RUN_KEY: key, **extra})
    crawlers: dict[str, Any] = {}
    try:
        catalogue = store_catalogue(store)
        process = AsyncCrawlerProcess(settings)
        for kind in chosen:
            crawler = process.create_crawler(registry[kind])
            crawlers[kind] = crawler
            process.crawl(crawler, sources=(), catalogue=catalogue)
        process.start()
    finally:
        RUNS.pop(key, None)
    return WorkerReport({kind: _counts(crawler) for kind, crawler in crawlers.items()})


def _counts(crawler: Any) -> dict[str, int]:
    extension = next(
        (e for e in crawler.extensions.middlewares if isinstance(e, SharedQueueIdleClose)), None
    )
    if extension is None:
        return {"fetched": 0, "results": 0, "failures": 0}
    return {
        "fetched": extension.fetched,
        "results": extension.results,
        "failures": extension.failures,
    }


def seeding_settings(redis_url: str, *, queue: str) -> dict[str, Any]:
    """Extra settings for ``run_collect`` when ``vigie collect --redis`` seeds the queue.

    The seeder waits for the workers through their busy keys, so it needs no long idle time:
    only a grace of a few beats, for a worker that has just taken a request from the queue and
    not yet said it is busy.
    """
    check_redis(redis_url)
    return redis_settings(redis_url, queue=queue, seed=True, idle=SEED_GRACE)


def fetch_marks(store: Any) -> dict[str, Any]:
    """When each source was last fetched, before a run (see :func:`settle_from_store`)."""
    from sqlmodel import select

    from watch.models import Source

    with store.session() as session:
        return dict(session.exec(select(Source.id, Source.last_fetched_at)).all())


def settle_from_store(summary: CollectSummary, store: Any, *, before: dict[str, Any]) -> None:
    """Fill in the sources a worker answered: the seeder only saw its own share of results.

    A source still "no answer recorded" after the crawl was fetched by another process if its
    fetch state in the shared store moved since ``before`` (taken with :func:`fetch_marks`).
    """
    from watch.models import Source

    waiting = [
        report
        for report in summary.sources.values()
        if report.status == "pending"
        or (report.status == "failed" and (report.message or "").startswith("no answer recorded"))
    ]
    if not waiting:
        return
    with store.session() as session:
        for report in waiting:
            source = session.get(Source, report.source_id)
            if source is None or source.last_fetched_at in (None, before.get(report.source_id)):
                continue
            report.http_status = source.last_status
            if source.last_error and not source.last_error.startswith("warning: "):
                report.status, report.message = "failed", source.last_error
            else:
                report.status, report.message = "ok", "fetched by a worker"


__all__ = [
    "DEFAULT_IDLE",
    "SharedQueueIdleClose",
    "SourceRequestQueue",
    "WorkerReport",
    "check_redis",
    "queue_name",
    "redis_settings",
    "run_worker",
    "seeding_settings",
    "settle_from_store",
    "fetch_marks",
]
