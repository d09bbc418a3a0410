"""The main job's bookkeeping: one run at a time, and which quarterly report is due.

``vigie run`` is meant for cron, so two runs can overlap (a slow crawl, a manual run during the
scheduled one). :class:`RunLock` makes the second one stop with a clear message instead of
crawling the same sources twice; a lock left behind by a run that died (its process is gone,
or it is older than any run can be) is taken over, so one crash never blocks cron forever.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlmodel import col, select

from watch.clock import ensure_utc, isoformat, parse_instant, quarter_of
from watch.errors import InputError
from watch.models import ScoreRun
from watch.store import Store

LOCK_NAME = "vigie.lock"
# No run takes this long; a lock older than this is left over from a crash.
STALE_AFTER = timedelta(hours=12)


@dataclass(frozen=True)
class LockHolder:
    """Who holds the lock, as written in the lock file."""

    pid: int | None
    host: str | None
    started_at: datetime | None


def _read_holder(path: Path) -> LockHolder:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        started = data.get("started_at")
        return LockHolder(
            pid=int(data["pid"]) if data.get("pid") is not None else None,
            host=data.get("host"),
            started_at=parse_instant(started) if started else None,
        )
    except (OSError, ValueError, TypeError, KeyError):
        return LockHolder(None, None, None)  # unreadable: judged by the file's age


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    return True


def is_stale(path: Path, holder: LockHolder, now: datetime) -> bool:
    """A lock is stale when its process is gone (same host) or it is older than any run."""
    started = holder.started_at
    if started is None:
        try:
            started = datetime.fromtimestamp(path.stat().st_mtime, tz=now.tzinfo)
        except FileNotFoundError:
            return True
    if now - ensure_utc(started) > STALE_AFTER:
        return True
    same_host = holder.host == socket.gethostname()
    return same_host and holder.pid is not None and not _process_alive(holder.pid)


class RunLock:
    """An exclusive lock file (``O_CREAT | O_EXCL``) in the workspace."""

    def __init__(self, root: Path, now: datetime) -> None:
        self.path = root / LOCK_NAME
        self.now = ensure_utc(now)
        self.taken_over: LockHolder | None = None
        self._token = f"{os.getpid()}@{socket.gethostname()}@{isoformat(self.now)}"

    def _create(self) -> bool:
        try:
            fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            return False
        record = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started_at": isoformat(self.now),
            "token": self._token,
        }
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(record, handle)
        return True

    def acquire(self) -> None:
        """Take the lock, taking over a stale one; a live one is an error (exit 2)."""
        if self._create():
            return
        holder = _read_holder(self.path)
        if not is_stale(self.path, holder, self.now):
            since = isoformat(holder.started_at) or "an unknown time"
            who = f"process {holder.pid} on {holder.host}" if holder.pid else "another run"
            raise InputError(
                f"another vigie run is in progress ({who}, since {since}); "
                f"if it is not, remove {self.path}"
            )
        self.taken_over = holder
        self.path.unlink(missing_ok=True)
        if not self._create():  # another run took over at the same instant
            raise InputError(f"another vigie run has just taken the lock {self.path}")

    def release(self) -> None:
        """Remove the lock file, only if it is still ours."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if data.get("token") == self._token:
            self.path.unlink(missing_ok=True)


@contextmanager
def run_lock(root: Path, now: datetime) -> Iterator[RunLock]:
    """Hold the workspace's run lock for the ``with`` block."""
    lock = RunLock(root, now)
    lock.acquire()
    try:
        yield lock
    finally:
        lock.release()


def previous_quarter(now: datetime) -> str:
    """The last quarter that has closed (``2026-Q3`` on any day of 2026-Q4)."""
    index = now.year * 4 + (now.month - 1) // 3 - 1
    return f"{index // 4}-Q{index % 4 + 1}"


def past_quarters(now: datetime, count: int = 4) -> list[str]:
    """The ``count`` quarters that closed last, oldest first."""
    index = now.year * 4 + (now.month - 1) // 3
    return [f"{i // 4}-Q{i % 4 + 1}" for i in range(index - count, index)]


def report_due(store: Store, now: datetime, label: str) -> str | None:
    """The closed quarter whose report has not been saved yet, or None.

    A report is due once a quarter has closed and no run with the report ``label`` was saved
    for it: the cron job writes each quarterly edition once, on its first run after the
    quarter's end.
    """
    quarter = previous_quarter(now)
    with store.session() as session:
        saved = session.exec(
            select(ScoreRun.id)
            .where(ScoreRun.label == label, col(ScoreRun.quarter) == quarter)
            .limit(1)
        ).first()
    return None if saved is not None else quarter


def current_quarter(now: datetime) -> str:
    return quarter_of(now)
