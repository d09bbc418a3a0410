"""The one pipeline: every SourceResult is written through the watch core in one transaction.

Scrapy deep-copies its settings, so run objects (the store, the summary being filled, the clock)
cannot travel inside them; the settings carry a run key and :data:`RUNS` maps it to the
:class:`RunContext`, which the pipeline picks up in ``from_crawler``.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from spiders.items import SourceResult
from watch.clusters import ClusterIndex
from watch.fetchstate import load_sources, record_outcome
from watch.signals import SaveResult, write_entries, write_entry_batches
from watch.store import Store


def describe(exc: BaseException) -> str:
    """The first line of an exception (SQLAlchemy appends the statement and its parameters)."""
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from sqlmodel import Session

logger = logging.getLogger(__name__)
RUN_KEY = "VIGIE_RUN"


@dataclass
class SourceReport:
    """How one source fared in a run."""

    source_id: str
    kind: str
    status: str = "pending"  # ok, not_modified, failed, skipped
    message: str | None = None
    http_status: int | None = None
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, result: SourceResult) -> None:
        for name, value in result.counts.items():
            self.counts[name] = self.counts.get(name, 0) + value
        if result.status is not None:
            self.http_status = result.status
        if result.failed:
            if self.status != "failed":
                self.message = result.error
            self.status = "failed"
        elif self.status in ("pending", "not_modified"):
            self.status = "not_modified" if result.not_modified else "ok"
            if result.warning:
                self.message = "warning: " + result.warning
        elif result.warning and not self.message:
            self.message = "warning: " + result.warning

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source_id,
            "kind": self.kind,
            "status": self.status,
            "message": self.message,
            "http_status": self.http_status,
            "counts": dict(self.counts),
        }


@dataclass
class CollectSummary:
    """Per source reports and totals of a collect run."""

    sources: dict[str, SourceReport] = field(default_factory=dict)

    @property
    def failed(self) -> list[str]:
        return [sid for sid, report in self.sources.items() if report.status == "failed"]

    @property
    def totals(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for report in self.sources.values():
            for name, value in report.counts.items():
                totals[name] = totals.get(name, 0) + value
        return totals

    def count(self, status: str) -> int:
        return sum(1 for report in self.sources.values() if report.status == status)

    def describe(self) -> str:
        """One line for the person at the terminal."""
        if not self.sources:
            return "nothing to collect: no source is due (vigie sources list)"
        parts = [f"{len(self.sources)} sources: {self.count('ok')} ok"]
        for status, label in (
            ("not_modified", "not modified"),
            ("failed", "failed"),
            ("skipped", "skipped"),
        ):
            if self.count(status):
                parts.append(f"{self.count(status)} {label}")
        totals = ", ".join(f"{value} new {name}" for name, value in sorted(self.totals.items()))
        return ", ".join(parts) + (f"; {totals}" if totals else "; nothing new")

    def as_dict(self) -> dict[str, Any]:
        return {
            "sources": [report.as_dict() for report in self.sources.values()],
            "totals": self.totals,
            "failed": self.failed,
        }


@dataclass
class RunContext:
    """What the pipeline needs for one run."""

    store: Store
    now: datetime
    summary: CollectSummary
    progress: Any = None  # callable(SourceReport) once a source is done, or None
    # One index of recent stories for the whole run, so clustering stays linear.
    clusters: ClusterIndex = field(default_factory=ClusterIndex)
    # One writer at a time for the whole run: every kind's pipeline shares it, so that two
    # crawlers of one process never race for SQLite's single write lock.
    writing: asyncio.Lock = field(default_factory=asyncio.Lock)
    # Results waiting for the writer, and the writer task draining them (see StorePipeline).
    waiting: list[tuple[StorePipeline, SourceResult, asyncio.Future[SourceResult]]] = field(
        default_factory=list
    )
    writer: asyncio.Task[None] | None = None


RUNS: dict[str, RunContext] = {}
_keys = itertools.count(1)


def register_run(context: RunContext) -> str:
    key = f"run-{next(_keys)}"
    RUNS[key] = context
    return key


# A batch is written in one transaction: at most this many results, or this many entries.
BATCH_RESULTS = 200
BATCH_ENTRIES = 5000


class StorePipeline:
    """Write results (entries, core writers, fetch state) in as few transactions as possible.

    Every result joins the run's queue; one writer task takes everything queued so far and
    writes it in one transaction, off the reactor thread, while the next results queue up. A
    commit per result cost more than the result itself on a run of unchanged feeds (500 304s:
    500 transactions); batching costs no latency (a lone result is written at once). If a
    batch fails, each of its results is written again on its own, so that one bad result only
    fails its own source.
    """

    def __init__(self, context: RunContext) -> None:
        self.context = context
        # First failure of each source, so that a later successful answer for the same source
        # (several requests per source) does not hide it in the fetch state.
        self._first_error: dict[str, SourceResult] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(RUNS[crawler.settings[RUN_KEY]])

    async def process_item(self, item: Any) -> Any:
        """Queue a result for the writer (downloads go on meanwhile); done once it is saved."""
        if not isinstance(item, SourceResult):
            return item
        context = self.context
        future: asyncio.Future[SourceResult] = asyncio.get_running_loop().create_future()
        context.waiting.append((self, item, future))
        if context.writer is None or context.writer.done():
            context.writer = asyncio.ensure_future(_drain(context))
        saved = await future
        self.report(saved)
        return saved

    def save(self, item: SourceResult) -> SourceResult:
        """Write one result; a failed write is itself recorded on the source if possible."""
        try:
            self._write_alone(item)
        except Exception as exc:  # noqa: BLE001 - the transaction rolled back; record why
            message = f"cannot save what was read: {describe(exc)}"
            logger.error("%s: %s", item.source_id, message)
            failed = SourceResult(
                source_id=item.source_id,
                url=item.url,
                status=item.status,
                error=message,
                final=item.final,
                failure_writes=item.failure_writes,
            )
            try:
                self._write_alone(failed)
            except Exception as again:  # noqa: BLE001 - the store itself is unusable
                logger.error("%s: cannot record the failure either: %s", item.source_id, again)
            item = failed
        return item

    def report(self, item: SourceResult) -> None:
        """Add a saved result to the run summary and tell the progress callback."""
        context = self.context
        report = context.summary.sources.get(item.source_id)
        if report is not None:
            report.add(item)
            if item.final and context.progress is not None:
                context.progress(report)

    def _write_alone(self, item: SourceResult) -> None:
        errors = dict(self._first_error)
        with self.context.store.session() as session:
            _begin(self.context, session)
            self._write(session, item, errors)
        self._first_error = errors

    def _write(
        self,
        session: Session,
        item: SourceResult,
        errors: dict[str, SourceResult],
        saved: SaveResult | None = None,
    ) -> None:
        """Write one result in the caller's transaction (``saved``: its entries were already
        written with the rest of the batch); ``errors`` is updated, and becomes the pipeline's
        own once the transaction is committed."""
        context = self.context
        counts: dict[str, int] = {}
        if saved is not None:
            counts.update(entries=saved.entries_new, signals=saved.signals_new)
        elif item.entries and not item.failed:
            saved = write_entries(
                session,
                item.source_id,
                item.entries,
                platform=item.platform,
                now=context.now,
                clusters=context.clusters,
            )
            counts.update(entries=saved.entries_new, signals=saved.signals_new)
        for writer in item.failure_writes if item.failed else item.writes:
            for name, value in writer(session, context.now).items():
                counts[name] = counts.get(name, 0) + int(value)
        if item.failed:
            errors.setdefault(item.source_id, item)
        if item.final:
            decisive = errors.pop(item.source_id, item)
            outcome = decisive.outcome(new_items=counts.get("entries", 0))
            record_outcome(session, item.source_id, outcome, now=context.now)
        item.counts = counts


def _begin(context: RunContext, session: Session) -> None:
    """Take the run's write lock before the first read of a transaction.

    SQLite: a transaction that reads first fails at once ("database is locked") when another
    process wrote meanwhile. PostgreSQL: a batch updates many sources' rows, and two collects
    updating them in different orders could deadlock; one lock per batch orders them.
    """
    context.store.lock(session, "collect")


def _take_batch(
    waiting: list[tuple[StorePipeline, SourceResult, asyncio.Future[SourceResult]]],
) -> list[tuple[StorePipeline, SourceResult, asyncio.Future[SourceResult]]]:
    entries = 0
    size = 0
    while size < min(len(waiting), BATCH_RESULTS) and entries < BATCH_ENTRIES:
        entries += len(waiting[size][1].entries)
        size += 1
    batch = waiting[:size]
    del waiting[:size]
    return batch


async def _drain(context: RunContext) -> None:
    """Write queued results, a batch per transaction, until the queue is empty."""
    while context.waiting:
        batch = _take_batch(context.waiting)
        try:
            async with context.writing:
                saved = await asyncio.to_thread(_save_batch, context, batch)
        except BaseException as exc:  # the futures must not wait forever
            for _, _, future in batch:
                if not future.done():
                    future.set_exception(exc)
            raise
        for (_, _, future), item in zip(batch, saved, strict=True):
            if not future.done():
                future.set_result(item)


def _save_batch(
    context: RunContext,
    batch: list[tuple[StorePipeline, SourceResult, asyncio.Future[SourceResult]]],
) -> list[SourceResult]:
    """Write a batch in one transaction; if that fails, each result on its own."""
    if len(batch) > 1:
        errors = {id(p): dict(p._first_error) for p, _, _ in batch}
        try:
            with context.store.session() as session:
                _begin(context, session)
                sources = load_sources(session, [item.source_id for _, item, _ in batch])
                reading = [item for _, item, _ in batch if item.entries and not item.failed]
                saved = write_entry_batches(
                    session,
                    [(item.source_id, item.entries, item.platform) for item in reading],
                    now=context.now,
                    clusters=context.clusters,
                )
                written = {id(item): result for item, result in zip(reading, saved, strict=True)}
                for pipeline, item, _ in batch:
                    pipeline._write(session, item, errors[id(pipeline)], written.get(id(item)))
                del sources
        except Exception as exc:  # noqa: BLE001 - rolled back: retried one result at a time
            logger.debug("batch of %d results failed (%s); one at a time", len(batch), exc)
        else:
            for pipeline, _, _ in batch:
                pipeline._first_error = errors[id(pipeline)]
            return [item for _, item, _ in batch]
    return [pipeline.save(item) for pipeline, item, _ in batch]
