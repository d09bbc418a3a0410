"""End to end: feeds served on 127.0.0.1, a real `vigie collect --only feeds` (Scrapy, in a
subprocess: its reactor cannot restart), then `vigie candidates list --format json`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from watch.config import load_config, render_config
from watch.localserver import LocalServer

DATA = Path(__file__).parent / "data" / "candidates"
NOW = "2026-11-26T12:00:00Z"


def vigie(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "VIGIE_NOW": NOW}
    env.pop("VIGIE_WORKSPACE", None)
    return subprocess.run(
        [sys.executable, "-m", "watch", "--workspace", str(root), *args],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip


@pytest.fixture
def served() -> LocalServer:
    server = LocalServer().start()
    server.add_file("/fr.rss", DATA / "feed-fr.rss")
    server.add_file("/en.atom", DATA / "feed-en.atom")
    yield server
    server.stop()


def test_collected_feeds_surface_new_networks(
    tmp_path: Path, run: Callable[..., Result], served: LocalServer
) -> None:
    assert run("init", "--no-defaults", "--city", "Testville").exit_code == 0
    root = tmp_path / "ws"
    config = load_config(root / "vigie.toml")
    config.collect.delay, config.collect.timeout, config.collect.robots = 0.0, 5.0, False
    (root / "vigie.toml").write_text(render_config(config), encoding="utf-8")
    for source_id, path in (("tech-fr", "/fr.rss"), ("tech-en", "/en.atom")):
        added = run(
            "sources", "add", "--kind", "feed", "--url", served.url(path), "--id", source_id
        )
        assert added.exit_code == 0, added.output

    collected = vigie(root, "collect", "--only", "feeds")
    assert collected.returncode == 0, collected.stderr
    listed = vigie(root, "candidates", "list", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    rows = {row["name"]: row for row in json.loads(listed.stdout)}

    assert set(rows) == {"Noplace", "Kick", "Tangle"}
    noplace = rows["Noplace"]
    assert (noplace["mentions"], noplace["sources"]) == (2, 2)
    assert noplace["score"] == max(row["score"] for row in rows.values())
    assert {e["url"] for e in noplace["examples"]} == {
        "https://tech-fr.example/noplace-reseau-social",
        "https://tech-en.example/noplace-number-one",
    }
    assert rows["Kick"]["examples"][0]["url"] is None  # a javascript: link is never shown

    promoted = vigie(root, "candidates", "promote", "Noplace")
    assert promoted.returncode == 0, promoted.stderr
    signals = vigie(root, "signals", "list", "--platform", "noplace", "--format", "json")
    assert len(json.loads(signals.stdout)) == 2
