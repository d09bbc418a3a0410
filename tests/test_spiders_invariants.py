"""Layer 2: invariants every adoption-signal spider keeps, checked over the registry.

Each spider obeys the base (registered for its kind, no ``start_requests``, requests built with
``self.request`` so errors are recorded), refuses error bodies with a clear ``ValueError``
instead of storing them, and everything it stores carries its source and never a rank 0.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from scrapy.http import HtmlResponse, Request, TextResponse
from scrapy.utils.test import get_crawler
from sqlmodel import select

from spiders._common import lock_first_writer
from spiders.base import SOURCE_META, SourceSpider
from spiders.items import SourceResult
from spiders.pageviews import ARTICLE_META, Article
from spiders.pipelines import RUN_KEY, RUNS, CollectSummary, RunContext
from spiders.registry import load_spiders
from watch.bootstrap import init_workspace
from watch.config import CityConfig
from watch.fetchstate import SourceTask
from watch.models import Metric
from watch.peers import PeerRow, save_peers
from watch.sources import add_source
from watch.store import Store

DATA = Path(__file__).parent / "data"
NOW = datetime(2026, 11, 26, 12, tzinfo=UTC)
OURS = ("pageviews", "app_rank", "fediverse", "bluesky", "account", "newsroom", "peers")
GOOD = {
    "pageviews": ("spiders/wikimedia_fr_bluesky_monthly.json", "application/json"),
    "app_rank": ("spiders/apple_fr_top_free.json", "application/json"),
    "fediverse": ("spiders/fedidb_stats.json", "application/json"),
    "bluesky": ("spiders/bluesky_user_count.json", "application/json"),
    "account": ("spiders/bluesky_profile_valbonne.json", "application/json"),
    "newsroom": ("spiders/newsroom_default.html", "text/html"),
    "peers": ("peers/homepages/mirebel-les-vignes.html", "text/html"),
}
ERROR_BODIES = [
    (b"<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>", "text/html"),
    (b'{"error": "InternalServerError", "message": "Something went wrong"}', "application/json"),
    (b"", "application/json"),
]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    root = tmp_path_factory.mktemp("inv")
    init_workspace(root, CityConfig(name="Testville"), defaults=False)
    opened = Store.open(f"sqlite:///{root / 'vigie.db'}")
    save_peers(opened, [PeerRow("Mirebel", 31000, "https://www.mirebel-les-vignes.fr/")])
    for kind in OURS:
        task = source_for(kind)
        add_source(opened, kind, task.url, source_id=task.id, platform=task.platform)
    yield opened
    opened.dispose()


@pytest.fixture(scope="module")
def run_key(store: Store) -> Iterator[str]:
    key = "run-invariants"
    RUNS[key] = RunContext(store=store, now=NOW, summary=CollectSummary())
    yield key
    RUNS.pop(key, None)


def source_for(kind: str) -> SourceTask:
    options: dict[str, Any] = {"actors": ["valbonne-sur-drome.fr"]} if kind == "account" else {}
    if kind == "peers":
        options = {"peer_id": 1}
    platform = {"account": "bluesky", "bluesky": "bluesky", "newsroom": "bluesky"}.get(kind)
    return SourceTask(
        id=f"src-{kind}", kind=kind, url="https://example.org/x", platform=platform,
        options=options, language="fr",
    )  # fmt: skip


def spider_of(kind: str, run_key: str) -> SourceSpider:
    cls = load_spiders()[kind]
    crawler = get_crawler(cls, {RUN_KEY: run_key})
    return cls.from_crawler(crawler, sources=[source_for(kind)])


def response_for(kind: str, body: bytes, content_type: str, url: str) -> TextResponse:
    meta: dict[str, Any] = {SOURCE_META: source_for(kind)}
    if kind == "pageviews":
        meta[ARTICLE_META] = Article("bluesky", "fr", "Bluesky")
    request = Request(url, meta=meta)
    cls = HtmlResponse if content_type == "text/html" else TextResponse
    return cls(
        url, body=body, headers={"Content-Type": content_type}, request=request, encoding="utf-8"
    )


def parse(spider: SourceSpider, kind: str, body: bytes, content_type: str) -> list[Any]:
    response = response_for(kind, body, content_type, "https://www.mirebel-les-vignes.fr/")
    produced = spider.parse_source(response, source_for(kind))
    if hasattr(produced, "__aiter__"):  # async parsers (work off the reactor thread)
        return asyncio.run(_drain(produced))
    return list(produced)


async def _drain(produced: Any) -> list[Any]:
    return [item async for item in produced]


@pytest.mark.parametrize("kind", OURS)
def test_each_kind_has_a_registered_spider_that_obeys_the_base(kind: str) -> None:
    cls = load_spiders()[kind]
    assert issubclass(cls, SourceSpider)
    assert cls.kind == kind
    assert "start_requests" not in vars(cls)
    assert "start" not in vars(cls)  # the base turns sources into requests
    assert cls.__doc__


@pytest.mark.parametrize("kind", OURS)
@pytest.mark.parametrize(("body", "content_type"), ERROR_BODIES)
def test_error_bodies_are_refused_not_stored(
    kind: str, body: bytes, content_type: str, run_key: str
) -> None:
    spider = spider_of(kind, run_key)
    if kind == "peers" and content_type == "text/html":
        # An HTML error page is still a page: it is read, and links to no network.
        [result] = parse(spider, kind, body, content_type)
        [writer] = [w for w in result.writes if "presences" in getattr(w, "keywords", {})]
        assert writer.keywords["presences"] == []
        return
    with pytest.raises(ValueError, match=r"\S"):
        parse(spider, kind, body, content_type)


@pytest.mark.parametrize("kind", OURS)
def test_good_answers_give_one_result_for_the_source_with_data(kind: str, run_key: str) -> None:
    spider = spider_of(kind, run_key)
    name, content_type = GOOD[kind]
    results = [r for r in parse(spider, kind, (DATA / name).read_bytes(), content_type)
               if isinstance(r, SourceResult)]  # fmt: skip
    assert len(results) == 1
    [result] = results
    assert result.source_id == f"src-{kind}"
    assert result.error is None
    assert result.entries or result.writes
    # Every transaction starts by taking the write lock (SQLite: no read-then-write failure).
    assert result.writes[0] is lock_first_writer


@pytest.mark.parametrize("kind", ["pageviews", "app_rank", "fediverse", "bluesky", "account"])
def test_stored_metrics_carry_their_source_and_no_rank_is_zero(
    kind: str, run_key: str, store: Store
) -> None:
    spider = spider_of(kind, run_key)
    name, content_type = GOOD[kind]
    [result] = parse(spider, kind, (DATA / name).read_bytes(), content_type)
    with store.session() as session:
        counts = [writer(session, NOW) for writer in result.writes]
    assert sum(c.get("metrics", 0) for c in counts) > 0
    with store.session() as session:
        rows = session.exec(select(Metric).where(Metric.source_id == f"src-{kind}")).all()
        assert rows
        for row in rows:
            assert row.value is None or row.value >= 0
            if row.metric.startswith("app_rank."):
                assert row.value is None or row.value >= 1
                assert row.value is not None or row.detail["in_chart"] is False
