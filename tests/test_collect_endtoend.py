"""Extraction measured end to end, the way the held-out set is: labelled headlines served as a
feed over HTTP, `vigie collect`, then `vigie signals list --format json`."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

from tests.conftest import shared_path
from tests.test_collect_http import cli, configure, vigie
from tests.test_extract_accuracy import FRESH_SET, OWN_SET, load
from watch.localserver import LocalServer


def as_rss(rows: list[dict]) -> bytes:
    start = datetime(2026, 11, 1, tzinfo=UTC)
    items = "".join(
        f"<item><title>{escape(row['title'])}</title><description>{escape(row['summary'])}"
        f'</description><guid isPermaLink="false">{row["id"]}</guid>'
        f"<link>https://news.example/{row['id']}</link>"
        f"<pubDate>{format_datetime(start + timedelta(hours=i), usegmt=True)}</pubDate></item>"
        for i, row in enumerate(rows)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Labelled</title><link>https://news.example/</link><description>d</description>"
        f"{items}</channel></rss>"
    ).encode()


def score(rows: list[dict], signals: list[dict]) -> dict[str, float]:
    by_url: dict[str, list[dict]] = {}
    for signal in signals:
        by_url.setdefault(signal["url"], []).append(signal)
    tp = fp = fn = kinds = kinds_right = values = values_right = 0
    for row in rows:
        found = by_url.get(f"https://news.example/{row['id']}", [])
        optional = set(row.get("platforms_optional") or ())
        expected = set(row["platforms"]) - optional
        predicted = {s["platform"] for s in found} - optional
        tp += len(predicted & expected)
        fp += len(predicted - expected)
        fn += len(expected - predicted)
        for signal in found:
            if signal["platform"] in expected:
                kinds += 1
                kinds_right += signal["kind"] in (row["kind"], *(row.get("kind_alt") or ()))
                if row["kind"] == "milestone" and row.get("value"):
                    values += 1
                    value = signal["value"] or 0
                    values_right += abs(value - row["value"]) <= 0.01 * row["value"]
    return {
        "precision": tp / (tp + fp),
        "recall": tp / (tp + fn),
        "kind": kinds_right / kinds,
        "value": values_right / values if values else 1.0,
    }


def test_labelled_headlines_through_http_meet_the_targets(tmp_path: Path, run) -> None:  # noqa: ANN001
    assert run("init", "--no-defaults", "--city", "Testville").exit_code == 0
    workspace = tmp_path / "ws"
    configure(workspace)
    sets = {"own": load(OWN_SET), "fresh": load(FRESH_SET)}
    sets["dev"] = load(shared_path("data", "signals-dev.jsonl"))
    with LocalServer() as server:
        for name, rows in sets.items():
            url = server.add_bytes(f"/{name}.xml", as_rss(rows), "application/rss+xml")
            cli(workspace, "sources", "add", "--kind", "feed", "--url", url, "--id", name)
        result = vigie(workspace, "collect")
    assert result.returncode == 0, result.stderr
    signals = json.loads(cli(workspace, "signals", "list", "--format", "json"))
    for name, rows in sets.items():
        figures = score(rows, [s for s in signals if s["source_id"] == name])
        assert figures["precision"] >= 0.97, (name, figures)
        assert figures["recall"] >= 0.95, (name, figures)
        assert figures["kind"] >= 0.80, (name, figures)
        assert figures["value"] >= 0.90, (name, figures)
