"""`vigie run`'s bookkeeping (lock, due report) and `vigie demo`'s refusals, in-process."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import db_snapshot
from watch.cycle import (
    LOCK_NAME,
    RunLock,
    past_quarters,
    previous_quarter,
    report_due,
    run_lock,
)
from watch.demo import check_target, review_date
from watch.errors import InputError
from watch.models import ScoreRun
from watch.store import Store

NOW = datetime(2026, 11, 26, 15, tzinfo=UTC)


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def _write_lock(root: Path, pid: int, started: datetime, host: str | None = None) -> Path:
    path = root / LOCK_NAME
    record = {"pid": pid, "host": host or socket.gethostname(), "started_at": started.isoformat()}
    path.write_text(json.dumps(record), encoding="utf-8")
    return path


def test_second_run_is_refused_while_the_first_holds_the_lock(tmp_path: Path):
    with (
        run_lock(tmp_path, NOW),
        pytest.raises(InputError, match="another vigie run is in progress"),
    ):
        RunLock(tmp_path, NOW).acquire()
    assert not (tmp_path / LOCK_NAME).exists()


def test_lock_of_a_dead_process_is_taken_over(tmp_path: Path):
    pid = _dead_pid()
    _write_lock(tmp_path, pid, NOW - timedelta(minutes=5))
    with run_lock(tmp_path, NOW) as lock:
        assert lock.taken_over is not None
        assert lock.taken_over.pid == pid
        assert json.loads((tmp_path / LOCK_NAME).read_text())["pid"] == os.getpid()


def test_lock_older_than_any_run_is_taken_over_even_from_another_host(tmp_path: Path):
    _write_lock(tmp_path, 1, NOW - timedelta(days=2), host="another-host")
    with run_lock(tmp_path, NOW) as lock:
        assert lock.taken_over is not None


def test_recent_lock_of_another_host_is_respected(tmp_path: Path):
    _write_lock(tmp_path, _dead_pid(), NOW - timedelta(minutes=5), host="another-host")
    with pytest.raises(InputError, match="another-host"):
        RunLock(tmp_path, NOW).acquire()


def test_release_leaves_a_lock_that_is_not_ours(tmp_path: Path):
    lock = RunLock(tmp_path, NOW)
    lock.acquire()
    _write_lock(tmp_path, os.getpid() + 1, NOW)  # someone replaced it (manual cleanup + run)
    lock.release()
    assert (tmp_path / LOCK_NAME).exists()


def test_quarters_before_now():
    assert previous_quarter(NOW) == "2026-Q3"
    assert previous_quarter(datetime(2027, 1, 1, tzinfo=UTC)) == "2026-Q4"
    assert past_quarters(NOW) == ["2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"]


def test_report_is_due_once_per_closed_quarter(tmp_path: Path):
    store = Store.open(f"sqlite:///{tmp_path / 'vigie.db'}")
    try:
        assert report_due(store, NOW, "report") == "2026-Q3"
        with store.session() as session:
            session.add(
                ScoreRun(profile="default", engine_version="1", label="run", quarter="2026-Q3")
            )
        assert report_due(store, NOW, "report") == "2026-Q3"  # a plain run is not a report
        with store.session() as session:
            session.add(
                ScoreRun(profile="default", engine_version="1", label="report", quarter="2026-Q3")
            )
        assert report_due(store, NOW, "report") is None
        assert report_due(store, datetime(2027, 1, 2, tzinfo=UTC), "report") == "2026-Q4"
    finally:
        store.dispose()


def test_review_date_is_six_months_later_with_month_ends_clamped():
    assert review_date(NOW.date(), 6).isoformat() == "2027-05-26"
    assert review_date(datetime(2026, 8, 31).date(), 6).isoformat() == "2027-02-28"


def test_demo_refuses_a_folder_that_is_not_empty(tmp_path: Path):
    check_target(tmp_path / "new")
    check_target(tmp_path)
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(InputError, match="not empty"):
        check_target(tmp_path)


def test_demo_into_an_existing_workspace_exits_2_and_writes_nothing(run, workspace: Path):
    before = db_snapshot(workspace / "vigie.db")
    files = sorted(p.name for p in workspace.iterdir())
    result = run("demo", "--dir", str(workspace))
    assert result.exit_code == 2
    assert "already created there" in result.output
    assert db_snapshot(workspace / "vigie.db") == before
    assert sorted(p.name for p in workspace.iterdir()) == files


def test_run_while_another_run_holds_the_lock_exits_2(run, workspace: Path):
    with run_lock(workspace, datetime.now(UTC)):
        result = run("run")
    assert result.exit_code == 2
    assert "another vigie run is in progress" in result.output


def test_help_of_run_shows_the_cron_line(run):
    result = run("run", "--help")
    assert result.exit_code == 0
    assert "vigie run >>" in result.output


def test_demo_refuses_to_write_the_sample_into_a_shared_database(run, tmp_path, monkeypatch):
    monkeypatch.setenv("VIGIE_DATABASE_URL", f"sqlite:///{tmp_path / 'shared.db'}")
    result = run("demo", "--dir", str(tmp_path / "demo"))
    assert result.exit_code == 2
    assert "VIGIE_DATABASE_URL is set" in result.output
    assert not (tmp_path / "demo").exists()
    assert not (tmp_path / "shared.db").exists()
