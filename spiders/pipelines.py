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
from watch.fetchstate import record_outcome
from watch.signals import write_entries
from watch.store import Store


def describe(exc: BaseException) -> str:
    """The first line of an exception (SQLAlchemy appends the statement and its parameters)."""
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


if TYPE_CHECKING:
    from scrapy.crawler import Crawler

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


RUNS: dict[str, RunContext] = {}
_keys = itertools.count(1)


def register_run(context: RunContext) -> str:
    key = f"run-{next(_keys)}"
    RUNS[key] = context
    return key


class StorePipeline:
    """Write each result (entries, core writers, fetch state) in its own transaction."""

    def __init__(self, context: RunContext) -> None:
        self.context = context
        # First failure of each source, so that a later successful answer for the same source
        # (several requests per source) does not hide it in the fetch state.
        self._first_error: dict[str, SourceResult] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(RUNS[crawler.settings[RUN_KEY]])

    async def process_item(self, item: Any) -> Any:
        """Save off the reactor thread (downloads go on meanwhile), one result at a time."""
        if not isinstance(item, SourceResult):
            return item
        async with self.context.writing:
            saved = await asyncio.to_thread(self.save, item)
        self.report(saved)
        return saved

    def save(self, item: SourceResult) -> SourceResult:
        """Write one result; a failed write is itself recorded on the source if possible."""
        try:
            self._write(item)
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
                self._write(failed)
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

    def _write(self, item: SourceResult) -> None:
        context = self.context
        with context.store.session() as session:
            if context.store.dialect == "sqlite":
                # Take the write lock before the first read: a transaction that reads first
                # fails at once ("database is locked") when another process wrote meanwhile.
                context.store.lock(session, "collect")
            counts: dict[str, int] = {}
            if item.entries and not item.failed:
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
                self._first_error.setdefault(item.source_id, item)
            if item.final:
                decisive = self._first_error.pop(item.source_id, item)
                outcome = decisive.outcome(new_items=counts.get("entries", 0))
                record_outcome(session, item.source_id, outcome, now=context.now)
        item.counts = counts
