"""`vigie run` for real, in a subprocess: collect, score, the due report, exit 1 on a failure."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from watch.cycle import LOCK_NAME
from watch.sample_server import serving_sample

NOW = "2026-11-26T08:00:00Z"

pytestmark = pytest.mark.slow


def _vigie_run(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "VIGIE_NOW": NOW, "PYTHONWARNINGS": "ignore"}
    env.pop("VIGIE_WORKSPACE", None)
    env.pop("VIGIE_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "watch", "--workspace", str(root), "run"],
        env=env, capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip


def _count(root: Path, sql: str) -> int:
    connection = sqlite3.connect(root / "vigie.db")
    try:
        return int(connection.execute(sql).fetchone()[0])
    finally:
        connection.close()


def test_run_collects_scores_writes_the_due_report_once_and_reports_failures(run, tmp_path):
    root = tmp_path / "ws"
    assert run("init", "--no-defaults", "--city", "Testville").exit_code == 0
    config = root / "vigie.toml"
    text = config.read_text(encoding="utf-8")
    text = text.replace("delay = 1.0", "delay = 0.0").replace("timeout = 30.0", "timeout = 5.0")
    config.write_text(text, encoding="utf-8")
    with serving_sample(datetime(2026, 11, 26, 8, tzinfo=UTC)) as server:
        feed = server.url("/feeds/le-fil-numerique.rss")
        broken = server.url("/feeds/gone.rss")
        assert run("sources", "add", "--kind", "feed", "--id", "fil", "--url", feed).exit_code == 0
        assert (
            run("sources", "add", "--kind", "feed", "--id", "gone", "--url", broken).exit_code == 0
        )

        first = _vigie_run(root)
        second = _vigie_run(root)

    assert first.returncode == 1, first.stderr
    assert "gone" in first.stderr
    assert "HTTP 404" in first.stderr
    report = Path(first.stdout.strip())
    assert report == root / "reports" / "2026-Q3" / "index.html"
    assert report.is_file()
    assert _count(root, "SELECT count(*) FROM signal WHERE source_id = 'fil'") > 10
    assert _count(root, "SELECT count(*) FROM score_run WHERE label = 'run'") == 2
    assert _count(root, "SELECT count(*) FROM score_run WHERE label = 'report'") == 1
    # Second run, same instant: nothing due (the failing source is in backoff), no new report.
    assert second.returncode == 0, second.stderr
    assert second.stdout == ""
    assert not (root / LOCK_NAME).exists()
