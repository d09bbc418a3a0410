"""``run_collect``: every spider needed, in one crawler process started once.

Scrapy's reactor cannot be restarted in a process, so a collect run is exactly one
``AsyncCrawlerProcess.start()``; tests run real crawls in a subprocess.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from spiders.pipelines import RUN_KEY, RUNS, CollectSummary, RunContext, SourceReport, register_run
from spiders.registry import load_spiders
from spiders.settings import build_settings
from watch.config import CollectConfig
from watch.errors import InputError
from watch.fetchstate import SourceTask, select_sources
from watch.models import SOURCE_KINDS
from watch.signals import catalogue_of
from watch.store import Store

FEED_KIND = "feed"


def resolve_only(only: str | None) -> tuple[set[str] | None, set[str]]:
    """``--only`` as (kinds to include or None for all, kinds to exclude)."""
    if only is None:
        return None, set()
    if only == "feeds":
        return {FEED_KIND}, set()
    if only == "spiders":
        return None, {FEED_KIND}
    if only in SOURCE_KINDS:
        return {only}, set()
    choices = ", ".join(["feeds", "spiders", *SOURCE_KINDS])
    raise InputError(f"--only: unknown selection {only!r} (expected one of {choices})")


def plan(
    tasks: list[SourceTask], registered: set[str]
) -> tuple[dict[str, list[SourceTask]], list[SourceTask]]:
    """Group tasks by kind; those with no spider yet are returned apart."""
    by_kind: dict[str, list[SourceTask]] = {}
    orphans = []
    for task in tasks:
        if task.kind in registered:
            by_kind.setdefault(task.kind, []).append(task)
        else:
            orphans.append(task)
    return by_kind, orphans


def run_collect(
    store: Store,
    config: CollectConfig,
    *,
    now: datetime,
    only: str | None = None,
    source_id: str | None = None,
    progress: Callable[[SourceReport], None] | None = None,
    extra_settings: dict[str, object] | None = None,
) -> CollectSummary:
    """Fetch every due source (or the one named) and save what was read; never raises for a
    failing source: failures are in the summary and on the sources."""
    # Usage is checked and sources selected before Scrapy is even imported.
    kinds, excluded = resolve_only(only)
    tasks = select_sources(store, now, kinds=kinds, exclude_kinds=excluded, source_id=source_id)
    registry = load_spiders() if tasks else {}
    by_kind, orphans = plan(tasks, set(registry))
    summary = CollectSummary()
    for task in orphans:
        summary.sources[task.id] = SourceReport(
            task.id, task.kind, status="skipped", message=f"no spider for kind {task.kind!r} yet"
        )
    if not by_kind:
        return summary
    for kind_tasks in by_kind.values():
        for task in kind_tasks:
            summary.sources[task.id] = SourceReport(task.id, task.kind)
    context = RunContext(store=store, now=now, summary=summary, progress=progress)
    key = register_run(context)
    try:
        settings = build_settings(config, **{RUN_KEY: key, **(extra_settings or {})})
        _crawl(by_kind, registry, settings, store_catalogue(store))
    finally:
        RUNS.pop(key, None)
    for report in summary.sources.values():
        if report.status == "pending":  # the crawl ended before this source answered
            report.status = "failed"
            report.message = "no answer recorded (crawl interrupted)"
    return summary


def store_catalogue(store: Store) -> dict[str, tuple[str, ...]]:
    with store.session() as session:
        return catalogue_of(session)


def _crawl(
    by_kind: dict[str, list[SourceTask]],
    registry: dict[str, type],
    settings: dict[str, object],
    catalogue: dict[str, tuple[str, ...]],
) -> None:
    from scrapy.crawler import AsyncCrawlerProcess

    process = AsyncCrawlerProcess(settings)
    # A robots.txt that cannot be fetched is logged by Scrapy with a full traceback, although
    # the source's own request then fails and is reported cleanly (stderr summary, saved on
    # the source): keep that middleware quiet so a failing site costs one clear line.
    logging.getLogger("scrapy.downloadermiddlewares.robotstxt").setLevel(logging.CRITICAL)
    for kind, tasks in sorted(by_kind.items()):
        process.crawl(registry[kind], sources=tasks, catalogue=catalogue)
    process.start()
