"""Metrics: upserted on (platform, metric, subject, period), listed with the DESIGN.md shape."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from watch.errors import InputError
from watch.metrics import MetricRow, list_metrics, save_metrics
from watch.store import Store

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


@pytest.fixture
def store(workspace: Path) -> Store:
    opened = Store.open(f"sqlite:///{workspace / 'vigie.db'}")
    yield opened
    opened.dispose()


def test_saving_twice_never_duplicates_and_keeps_the_newest_value(store: Store) -> None:
    rows = [
        MetricRow("bluesky", "pageviews.fr", "2026-09", 34000),
        MetricRow("bluesky", "pageviews.fr", "2026-10", 33123),
    ]
    assert save_metrics(store, rows, source_id="wikimedia-pageviews", now=NOW) == 2
    corrected = [MetricRow("bluesky", "pageviews.fr", "2026-10", 33200)]
    save_metrics(store, rows[:1] + corrected, source_id="wikimedia-pageviews", now=NOW)
    listed = list_metrics(store, platform="bluesky")
    assert [(m["period"], m["value"]) for m in listed] == [("2026-09", 34000), ("2026-10", 33200)]


def test_subjects_are_separate_series(store: Store) -> None:
    rows = [
        MetricRow("bluesky", "followers", "2026-11-26", 1873, "valbonne.fr"),
        MetricRow("bluesky", "followers", "2026-11-26", 912, "mirebel.fr"),
    ]
    save_metrics(store, rows, source_id="bluesky-profiles", now=NOW)
    listed = list_metrics(store, metric="followers")
    assert {(m["subject"], m["value"]) for m in listed} == {
        ("valbonne.fr", 1873),
        ("mirebel.fr", 912),
    }


def test_unknown_platforms_are_skipped_not_fatal(store: Store) -> None:
    rows = [
        MetricRow("nosuchnet", "users.total", "2026-11-26", 1),
        MetricRow("x", "users.total", "2026-11-26", 2),
    ]
    assert save_metrics(store, rows, source_id=None, now=NOW) == 1


def test_rows_refuse_bad_names_periods_and_values() -> None:
    with pytest.raises(ValueError, match="metric name"):
        MetricRow("x", "Page Views", "2026-10", 1)
    with pytest.raises(ValueError, match="period"):
        MetricRow("x", "pageviews.fr", "octobre", 1)
    with pytest.raises(ValueError, match="non-finite"):
        MetricRow("x", "pageviews.fr", "2026-10", float("nan"))


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(st.sampled_from(["2026-01", "2026-02", "2026-03"]), st.integers(0, 10**9)),
        max_size=12,
    )
)
def test_any_sequence_of_saves_leaves_one_row_per_period_with_the_last_value(
    store: Store, saves: list[tuple[str, int]]
) -> None:
    subject = uuid.uuid4().hex  # each example writes its own series in the shared store
    for period, value in saves:
        row = MetricRow("x", "pageviews.en", period, value, subject)
        save_metrics(store, [row], source_id=None, now=NOW)
    expected = dict(saves)
    listed = list_metrics(store, metric="pageviews.en", subject=subject)
    assert {m["period"]: m["value"] for m in listed} == expected
    assert len(listed) == len(expected)


def test_metrics_list_cli_json_shape_and_filters(
    workspace: Path, run: Callable[..., Result], store: Store
) -> None:
    save_metrics(
        store,
        [
            MetricRow("bluesky", "pageviews.fr", "2026-10", 33123, detail={"article": "Bluesky"}),
            MetricRow("bluesky", "pageviews.en", "2026-10", 51000),
            MetricRow(
                "lemon8",
                "app_rank.fr",
                "2026-11-25",
                None,
                detail={"in_chart": False, "chart_size": 100},
            ),
        ],
        source_id="wikimedia-pageviews",
        now=NOW,
    )
    result = run(
        "metrics", "list", "--platform", "bluesky", "--metric", "pageviews.fr", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    [row] = json.loads(result.stdout)
    assert {
        k: row[k] for k in ("platform", "metric", "value", "period", "subject", "source_id")
    } == {
        "platform": "bluesky",
        "metric": "pageviews.fr",
        "value": 33123,
        "period": "2026-10",
        "subject": None,
        "source_id": "wikimedia-pageviews",
    }
    prefix = json.loads(run("metrics", "list", "--metric", "pageviews.", "--format", "json").stdout)
    assert {r["metric"] for r in prefix} == {"pageviews.fr", "pageviews.en"}
    outside = json.loads(run("metrics", "list", "--platform", "lemon8", "--format", "json").stdout)
    assert outside[0]["value"] is None
    assert outside[0]["detail"]["in_chart"] is False
    csv_lines = run("metrics", "list", "--format", "csv").stdout.splitlines()
    assert csv_lines[0] == "platform,metric,subject,period,value,source_id"
    assert len(csv_lines) == 4


def test_unknown_platform_filter_is_a_usage_error(
    workspace: Path, run: Callable[..., Result], store: Store
) -> None:
    result = run("metrics", "list", "--platform", "myspace")
    assert result.exit_code == 2
    assert "unknown platform 'myspace'" in result.stderr
    with pytest.raises(InputError):
        list_metrics(store, platform="myspace")


def test_listing_metrics_and_peers_loads_no_crawler(workspace: Path) -> None:
    """`vigie metrics list` and `vigie peers list` stay light: no Scrapy, no matplotlib."""
    probe = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from watch.cli import cli\n"
        f"ws = {str(workspace)!r}\n"
        "for args in (['metrics', 'list'], ['peers', 'list'], ['peers', '--help']):\n"
        "    result = CliRunner().invoke(cli, ['--workspace', ws, *args])\n"
        "    assert result.exit_code == 0, result.output\n"
        "print(sorted(m for m in ('scrapy', 'twisted', 'matplotlib') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
