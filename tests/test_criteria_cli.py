"""`vigie score`: JSON shape, overrides, --save, and a light start-up (no Scrapy, no matplotlib)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import db_snapshot


def test_score_json_has_designs_shape(run, workspace: Path) -> None:
    result = run("score", "--format", "json", "--lang", "en")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {"profile", "weights", "platforms"} <= set(data)
    first = data["platforms"][0]
    assert {"platform", "total", "verdict", "confidence", "stability", "criteria"} <= set(first)
    assert set(first["criteria"]) == set(data["weights"])
    criterion = next(iter(first["criteria"].values()))
    assert {"score", "weight", "contribution", "explanation", "evidence"} <= set(criterion)
    assert criterion["explanation"] == criterion["explanation_en"]


def test_youth_counted_double_changes_the_weights_and_audience_fit(run, workspace: Path) -> None:
    base = json.loads(run("score", "--format", "json").stdout)
    youth = json.loads(run("score", "--format", "json", "--audience", "youth=2").stdout)
    assert youth["audiences"]["youth"] == 2.0
    snap = {p["platform"]: p for p in youth["platforms"]}["snapchat"]
    snap_base = {p["platform"]: p for p in base["platforms"]}["snapchat"]
    # Snapchat reaches more young people than adults: counting youth double raises its fit.
    assert (
        snap["criteria"]["audience_fit"]["score"] > snap_base["criteria"]["audience_fit"]["score"]
    )


def test_score_without_save_writes_nothing_and_save_stores_a_run(run, workspace: Path) -> None:
    before = db_snapshot(workspace / "vigie.db")
    assert run("score").exit_code == 0
    assert db_snapshot(workspace / "vigie.db") == before
    result = run("score", "--save", "--label", "test", "--format", "csv")
    assert result.exit_code == 0
    assert "saved as score run 1" in result.stderr
    assert result.stdout.splitlines()[0].startswith("rank,platform,status,total,verdict")
    import sqlite3

    with sqlite3.connect(workspace / "vigie.db") as connection:
        runs = connection.execute("SELECT label, profile FROM score_run").fetchall()
        scores = connection.execute("SELECT COUNT(*) FROM score").fetchone()[0]
        criteria = connection.execute("SELECT COUNT(*) FROM criterion_score").fetchone()[0]
    assert runs == [("test", "default")]
    assert scores == 21
    assert criteria == 21 * 9


def test_malformed_override_is_a_usage_error(run, workspace: Path) -> None:
    for args in (["--weight", "momentum"], ["--weight", "momentum=lots"], ["--as-of", "soon"]):
        result = run("score", *args)
        assert result.exit_code == 2, args


def test_score_loads_neither_scrapy_nor_matplotlib(workspace: Path) -> None:
    probe = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from watch.cli import cli\n"
        f"r = CliRunner().invoke(cli, ['--workspace', {str(workspace)!r}, 'score'])\n"
        "assert r.exit_code == 0, r.output\n"
        "print(','.join(m for m in ('scrapy', 'matplotlib', 'twisted', 'feedparser')"
        " if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True, timeout=120)  # fmt: skip
    assert out.stdout.strip() == ""


def test_a_failing_criterion_is_reported_and_the_rest_kept(run, workspace: Path) -> None:
    from criteria.registry import criterion

    @criterion("fragile", reads=("catalogue",), title_fr="Fragile", title_en="Fragile")
    def fragile(platform, context):  # noqa: ANN001, ANN202
        raise RuntimeError("upstream format changed")

    (workspace / "p.toml").write_text("[weights]\nfragile = 1\n", encoding="utf-8")
    result = run("score", "--profile", str(workspace / "p.toml"), "--format", "json")
    assert result.exit_code == 1
    assert "criterion fragile failed on" in result.stderr
    data = json.loads(result.stdout)
    assert all("fragile" in p["missing"] for p in data["platforms"])
    assert all(p["total"] is not None for p in data["platforms"])


def test_the_criteria_package_stays_off_the_cli_and_heavy_modules() -> None:
    probe = (
        "import sys\n"
        "import criteria.engine, criteria.runs, criteria.profiles, criteria.mcda\n"
        "print(','.join(m for m in ('watch.cli', 'scrapy', 'matplotlib', 'reports')"
        " if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == ""


def test_as_of_scores_an_earlier_date(run, workspace: Path) -> None:
    result = run("score", "--as-of", "2024-06-30", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["as_of"] == "2024-06-30T00:00:00Z"
    facebook = {p["platform"]: p for p in data["platforms"]}["facebook"]
    # The 2025 studies were not published yet: facebook is scored on the 2023-2024 ones.
    cited = facebook["criteria"]["audience_fit"]["evidence"]
    assert cited
    assert all(data["evidence"][e]["year"] <= 2024 for e in cited)
    today = json.loads(run("score", "--format", "json").stdout)
    cited_today = {p["platform"]: p for p in today["platforms"]}["facebook"]["criteria"]
    assert any(
        today["evidence"][e]["year"] == 2025 for e in cited_today["audience_fit"]["evidence"]
    )


@pytest.mark.postgres
def test_score_and_saved_runs_work_on_postgresql(
    run, tmp_path: Path, pg_url: str, monkeypatch
) -> None:
    from criteria.runs import latest_run
    from watch.store import Store

    monkeypatch.setenv("VIGIE_DATABASE_URL", pg_url)
    assert run("init", "--city", "Testville").exit_code == 0
    result = run("score", "--save", "--format", "json", "--audience", "youth=2")
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    store = Store.open(pg_url)
    try:
        saved = latest_run(store)
    finally:
        store.dispose()
    assert saved is not None
    assert saved["run_id"] == printed["run_id"]
    assert saved["platforms"] == printed["platforms"]
