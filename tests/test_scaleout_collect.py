"""Two ``vigie collect`` at once on one PostgreSQL database never store a signal twice."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from sqlalchemy import create_engine, text

from watch.config import load_config, render_config
from watch.localserver import LocalServer, Reply

ITEMS = 40
NETWORKS = ("Bluesky", "Threads", "Mastodon", "TikTok", "Instagram")


def feed() -> bytes:
    items = "".join(
        f"<item><title>{NETWORKS[n % len(NETWORKS)]} : annonce numéro {n}</title>"
        f"<link>https://news.example/{n}</link><guid>news-{n}</guid>"
        f"<pubDate>Mon, {n % 28 + 1:02d} Sep 2026 08:00:00 +0000</pubDate>"
        f"<description>{NETWORKS[n % len(NETWORKS)]} change encore (article {n}).</description>"
        "</item>"
        for n in range(ITEMS)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>Veille</title><link>https://news.example/</link>{items}</channel></rss>"
    ).encode()


@pytest.mark.postgres
def test_two_collects_at_once_store_each_entry_and_signal_once(
    tmp_path: Path, run: Callable[..., Result], pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VIGIE_DATABASE_URL", pg_url)
    assert run("init", "--no-defaults").exit_code == 0
    root = tmp_path / "ws"
    config = load_config(root / "vigie.toml")
    config.collect.delay, config.collect.timeout, config.collect.robots = 0.0, 5.0, False
    (root / "vigie.toml").write_text(render_config(config), encoding="utf-8")
    with LocalServer() as server:
        url = server.add("/veille.xml", Reply(body=feed(), content_type="application/rss+xml"))
        added = run("sources", "add", "--kind", "feed", "--url", url, "--id", "veille")
        assert added.exit_code == 0, added.output
        command = [sys.executable, "-m", "watch", "--workspace", str(root), "collect"]
        env = {**os.environ, "VIGIE_DATABASE_URL": pg_url}
        both = [
            subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True) for _ in range(2)
        ]
        outcomes = [(p.wait(timeout=120), p.stderr.read()) for p in both]  # type: ignore[union-attr]
        assert server.hits("/veille.xml") == 2, "both collects really fetched the feed"
    for code, err in outcomes:
        assert code == 0, err
    engine = create_engine(pg_url)
    try:
        with engine.connect() as conn:
            entries = conn.execute(text("SELECT count(*), count(DISTINCT url) FROM entry")).one()
            signals = conn.execute(
                text("SELECT count(*), count(DISTINCT (entry_id, platform)) FROM signal")
            ).one()
    finally:
        engine.dispose()
    assert tuple(entries) == (ITEMS, ITEMS)
    assert signals[0] == signals[1] >= ITEMS  # each (entry, platform) pair once
