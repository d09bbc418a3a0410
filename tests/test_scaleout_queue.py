"""The pieces of the distributed crawl, in-process: the Redis queue's request round trip, the
shared dupefilter, and how the seeder learns what its workers fetched."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import scrapy

from spiders.base import SOURCE_META, SourceSpider
from spiders.distributed import (
    SharedDupefilterMiddleware,
    SourceRequestQueue,
    fetch_marks,
    queue_name,
    redis_settings,
    settle_from_store,
)
from spiders.pipelines import CollectSummary, SourceReport
from watch.errors import InputError
from watch.fetchstate import SourceTask
from watch.models import Source
from watch.store import Store

TASK = SourceTask(id="peer-7", kind="peers", url="https://www.ville7.fr/", options={"peer_id": 7})


class _Spider(SourceSpider):
    name = "peers-test"

    def follow_up(self, response: object, source: SourceTask) -> None:
        """A spider's own follow-up parser, carried in the request meta."""


@pytest.mark.redis
def test_a_request_crosses_redis_with_its_source_and_follow_up(
    redis_server: str, redis_namespace: str
) -> None:
    import redis

    spider = _Spider()
    queue = SourceRequestQueue(
        redis.Redis.from_url(redis_server), spider, f"{redis_namespace}:%(spider)s:requests"
    )
    sent = spider.request(TASK, TASK.url, callback=spider.follow_up, meta={"peer_id": 7})
    queue.push(sent)
    assert len(queue) == 1
    received = queue.pop()
    assert received.url == TASK.url
    assert received.meta[SOURCE_META] == TASK  # which peer this homepage belongs to
    assert received.meta["vigie_callback"] == spider.follow_up
    assert received.callback == spider._on_response
    assert received.errback == spider._on_error
    assert len(queue) == 0


async def _collect(generator) -> list:  # type: ignore[no-untyped-def]
    return [item async for item in generator]


async def _start(*items):  # type: ignore[no-untyped-def]
    for item in items:
        yield item


def test_source_requests_go_through_the_shared_dupefilter() -> None:
    import asyncio

    spider = _Spider()
    request = spider.request(TASK, TASK.url)
    assert request.dont_filter  # one process: the base spider does its own de-duplication
    item = {"not": "a request"}
    out = asyncio.run(_collect(SharedDupefilterMiddleware().process_start(_start(request, item))))
    assert out[0].dont_filter is False  # shared queue: one fetch per URL across processes
    assert out[0].meta[SOURCE_META] == TASK
    assert out[1] is item
    retried = scrapy.Request(TASK.url, dont_filter=True, meta={"retry_times": 1})
    assert next(SharedDupefilterMiddleware().process_spider_output(None, [retried])).dont_filter


def test_every_process_keeps_the_shared_queue_and_only_the_seeder_flushes_it() -> None:
    seeder = redis_settings("redis://127.0.0.1:6379/0", queue="obs", seed=True, idle=1)
    worker = redis_settings("redis://127.0.0.1:6379/0", queue="obs", seed=False, idle=10)
    assert seeder["SCHEDULER_PERSIST"] is worker["SCHEDULER_PERSIST"] is True
    assert seeder["SCHEDULER_FLUSH_ON_START"] is True
    assert worker["SCHEDULER_FLUSH_ON_START"] is False
    assert worker["SCHEDULER_QUEUE_KEY"] == "obs:%(spider)s:requests"
    assert worker["SCHEDULER_IDLE_BEFORE_CLOSE"] == 0  # never block the reactor in a Redis pop


@pytest.mark.parametrize("name", ["two words", "star*", "a[b]"])
def test_a_queue_name_with_glob_characters_is_refused(name: str) -> None:
    with pytest.raises(InputError, match="invalid Redis queue name"):
        queue_name(name)


def test_queue_name_defaults_to_vigie_or_the_environment(monkeypatch) -> None:
    assert queue_name() == "vigie"
    monkeypatch.setenv("VIGIE_REDIS_QUEUE", "drome")
    assert queue_name() == "drome"
    assert queue_name("explicit") == "explicit"


def test_the_seeder_reports_what_its_workers_fetched(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'store.db'}")
    earlier = datetime(2026, 11, 1, tzinfo=UTC)
    with store.session() as session:
        for sid in ("a", "b", "c"):
            session.add(
                Source(id=sid, kind="peers", url=f"https://{sid}.fr/", last_fetched_at=earlier)
            )
    marks = fetch_marks(store)
    now = datetime(2026, 11, 26, tzinfo=UTC)
    with store.session() as session:  # what two workers wrote during the crawl
        session.get(Source, "a").last_fetched_at, session.get(Source, "a").last_status = now, 200
        b = session.get(Source, "b")
        b.last_fetched_at, b.last_status, b.last_error = now, 404, "HTTP 404 Not Found"
    summary = CollectSummary()
    for sid in ("a", "b", "c"):
        summary.sources[sid] = SourceReport(
            sid, "peers", status="failed", message="no answer recorded (crawl interrupted)"
        )
    settle_from_store(summary, store, before=marks)
    store.dispose()
    assert summary.sources["a"].status == "ok"
    assert summary.sources["a"].http_status == 200
    assert (summary.sources["b"].status, summary.sources["b"].message) == (
        "failed", "HTTP 404 Not Found",
    )  # fmt: skip
    assert summary.sources["c"].status == "failed"  # nobody fetched it: still said
    assert summary.failed == ["b", "c"]
