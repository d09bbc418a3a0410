"""`vigie demo` for real, in a subprocess: serve, crawl, score five quarters, report, decide."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import DEFAULT_SLUGS, db_snapshot

# A clock in another quarter than the sample's anchor (2026-Q4): the served snapshot is moved
# by one quarter, so this also checks that the demo stays "the last four quarters".
NOW = "2027-02-15T09:00:00Z"
PAST_QUARTERS = ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]

pytestmark = pytest.mark.slow


def _vigie(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "VIGIE_NOW": NOW, "PYTHONWARNINGS": "ignore"}
    env.pop("VIGIE_WORKSPACE", None)
    env.pop("VIGIE_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "watch", *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip


@pytest.fixture(scope="module")
def demo(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, subprocess.CompletedProcess[str], float]:
    """One demo run shared by the checks below (it is the slow part)."""
    base = tmp_path_factory.mktemp("demo")
    started = time.monotonic()
    result = _vigie("demo", "--dir", "ma-demo", cwd=base)
    return base / "ma-demo", result, time.monotonic() - started


def _query(root: Path, sql: str) -> list[tuple]:
    connection = sqlite3.connect(root / "vigie.db")
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


def test_demo_prints_the_report_path_and_the_report_says_it_is_a_sample(demo):
    root, result, elapsed = demo
    assert result.returncode == 0, result.stderr
    report = Path(result.stdout.strip())
    assert report == root / "reports" / "2027-Q1" / "index.html"
    html = report.read_text(encoding="utf-8")
    assert "Exemple de démonstration" in html
    assert "Montclair-sur-Drôme" in html
    assert "2026-Q4" in html  # compared with the previous edition, scored by the demo
    assert "[6/6]" in result.stderr  # the progress display went to stderr
    print(f"demo took {elapsed:.1f} s")


def test_demo_collected_every_sample_source_over_http(demo):
    root, result, _ = demo
    assert result.returncode == 0, result.stderr
    failed = _query(root, "SELECT id, last_error FROM source WHERE last_error IS NOT NULL")
    assert failed == []
    never = _query(root, "SELECT id FROM source WHERE last_fetched_at IS NULL")
    assert never == []
    assert _query(root, "SELECT count(*) FROM signal")[0][0] >= 150
    chart_days = _query(
        root, "SELECT DISTINCT period FROM metric WHERE metric = 'app_rank.fr' ORDER BY period"
    )
    assert [d for (d,) in chart_days] == ["2026-03-31", "2026-06-30", "2026-09-30", "2026-12-31"]
    months = _query(root, "SELECT count(DISTINCT period) FROM metric WHERE metric = 'pageviews.fr'")
    assert months[0][0] == 24
    presences = _query(root, "SELECT count(*), count(DISTINCT peer_id) FROM peer_presence")
    assert presences[0] == (139, 29)  # one fictional city links to no network


def test_demo_scored_four_past_quarter_ends_and_this_quarter(demo):
    root, result, _ = demo
    assert result.returncode == 0, result.stderr
    runs = _query(
        root,
        "SELECT quarter, as_of, id FROM score_run WHERE label = 'report' ORDER BY quarter",
    )
    assert [q for q, _, _ in runs] == [*PAST_QUARTERS, "2027-Q1"]
    assert runs[0][1].startswith("2026-03-31 23:59:59")
    totals = {}
    for quarter, _, run_id in runs:
        rows = _query(root, f"SELECT platform, total FROM score WHERE run_id = {run_id}")
        assert {p for p, _ in rows} == DEFAULT_SLUGS
        totals[quarter] = dict(rows)
    moved = [s for s in DEFAULT_SLUGS if totals["2026-Q1"][s] != totals["2027-Q1"][s]]
    assert len(moved) >= 10  # the report has movement to show
    joined = _query(root, "SELECT slug FROM platform WHERE status = 'joined' ORDER BY slug")
    assert [s for (s,) in joined] == [
        "bluesky",
        "facebook",
        "instagram",
        "linkedin",
        "x",
        "youtube",
    ]


def test_demo_recorded_the_example_decision_on_the_report_run(demo, run, monkeypatch):
    root, result, _ = demo
    assert result.returncode == 0, result.stderr
    monkeypatch.setenv("VIGIE_NOW", NOW)
    listed = run("decisions", "list", "--format", "json", workspace=root)
    assert listed.exit_code == 0, listed.output
    (decision,) = json.loads(listed.stdout)
    report_run = _query(root, "SELECT id FROM score_run WHERE quarter = '2027-Q1'")[0][0]
    assert decision["platform"] == "bluesky"
    assert decision["verdict"] == "pilot"
    assert decision["review_on"] == "2027-08-15"
    assert decision["score_run_id"] == report_run
    verified = run("decisions", "verify", workspace=root)
    assert verified.exit_code == 0, verified.output


def test_rescoring_the_demo_with_other_weights_answers_from_the_store(demo, run, monkeypatch):
    root, result, _ = demo
    assert result.returncode == 0, result.stderr
    monkeypatch.setenv("VIGIE_NOW", NOW)
    scored = run("score", "--audience", "youth=2", "--format", "json", workspace=root)
    assert scored.exit_code == 0, scored.output
    platforms = json.loads(scored.stdout)["platforms"]
    assert {p["platform"] for p in platforms} == DEFAULT_SLUGS


def test_second_demo_into_the_same_folder_exits_2_and_changes_nothing(demo):
    root, result, _ = demo
    assert result.returncode == 0, result.stderr
    before = db_snapshot(root / "vigie.db")
    again = _vigie("demo", "--dir", str(root), cwd=root.parent)
    assert again.returncode == 2
    assert "already created there" in again.stderr
    assert again.stdout == ""
    assert db_snapshot(root / "vigie.db") == before


def test_demo_news_reveal_the_fictional_newcomers_to_the_emergence_watch(demo, run, monkeypatch):
    root, result, _ = demo
    assert result.returncode == 0, result.stderr
    monkeypatch.setenv("VIGIE_NOW", NOW)
    listed = run("candidates", "list", "--format", "json", workspace=root)
    assert listed.exit_code == 0, listed.output
    names = {c["name"] for c in json.loads(listed.stdout)}
    assert {"Parvis", "Glimmr", "Tessera"} <= names
