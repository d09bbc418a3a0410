"""The feed spider: Scrapy fetches, feedparser reads the bytes off the reactor thread.

feedparser is slow (pure Python), and so is signal analysis, so both run outside the reactor:
in a thread for a handful of feeds, in a small pool of worker processes for a large collect
(feedparser holds the GIL, so only processes use more than one core). The reactor keeps
downloading meanwhile, and the pipeline only writes.
"""

from __future__ import annotations

import asyncio
import functools
import gc
import multiprocessing
import os
from collections.abc import AsyncIterator
from concurrent.futures import Executor, ProcessPoolExecutor
from typing import Any

from scrapy.http import Response

from spiders.base import SourceSpider
from spiders.registry import register
from watch.feeds import read_and_analyse
from watch.fetchstate import SourceTask

# From this many feeds on, parsing goes to worker processes (their start-up cost, about half
# a second each, is then small against the parsing itself).
PROCESS_POOL_FROM = 20
MAX_WORKERS = 4
# The youngest GC generation's threshold during a large collect (see FeedSpider).
GC_THRESHOLD = 20_000


def _headers(response: Response) -> dict[str, str]:
    wanted = (b"Content-Type", b"Content-Location", b"Content-Language")
    found = {}
    for name in wanted:
        value = response.headers.get(name)
        if value:
            found[name.decode().lower()] = value.decode("latin-1")
    return found


def parse_workers(feeds: int) -> int:
    """Worker processes for a collect of ``feeds`` feeds (0: parse in a thread)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    if feeds < PROCESS_POOL_FROM or (cores or 1) < 2:
        return 0
    # One worker per core: the crawler process mostly waits (downloads, batched writes), and
    # leaving it a core of its own left that core half idle (measured on 2 cores: 1 worker,
    # 14.9 s; 2 workers, 11.8 s for 500 feeds).
    return min(cores or 1, MAX_WORKERS)


def _process_pool(workers: int) -> ProcessPoolExecutor:
    # forkserver, not fork: the crawler process already runs threads, which must not be forked.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["watch.feeds", "watch.extract", "feedparser"])
    return ProcessPoolExecutor(max_workers=workers, mp_context=context)


@register("feed")
class FeedSpider(SourceSpider):
    """RSS and Atom feeds; one request per source, conditional GET."""

    name = "feeds"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        workers = parse_workers(len(self.sources))
        self.executor: Executor | None = _process_pool(workers) if workers else None
        self._gc_threshold: tuple[int, int, int] | None = None
        if workers:
            # A large collect allocates containers by the hundred thousand (results, rows,
            # parameters), nearly all short-lived: with the default youngest-generation
            # threshold (700) the collector keeps rescanning the run's live objects (measured:
            # a fifth of the write path's CPU). Restored when the spider closes.
            self._gc_threshold = gc.get_threshold()
            gc.set_threshold(GC_THRESHOLD, *self._gc_threshold[1:])

    async def parse_source(self, response: Response, source: SourceTask) -> AsyncIterator[Any]:
        loop = asyncio.get_running_loop()
        work = functools.partial(
            read_and_analyse,
            response.body,
            _headers(response),
            response.url,
            language=source.language,
            platform=source.platform,
            catalogue=self.catalogue,
        )
        # None: the default thread pool.
        read, entries = await loop.run_in_executor(self.executor, work)
        yield self.result(source, response, entries=entries, warning=read.warning)

    def closed(self, reason: str) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
        if self._gc_threshold is not None:
            gc.set_threshold(*self._gc_threshold)
