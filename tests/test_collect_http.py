"""`vigie collect` for real: a subprocess crawl of feeds served on 127.0.0.1.

Scrapy's reactor cannot restart in a process, so every crawl runs in a subprocess; the server
runs in the test process and records what it was asked (conditional GET headers, user agent).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import db_snapshot, shared_path
from watch.cli import cli as main_cli
from watch.localserver import LocalServer, Reply

FEEDS = Path(__file__).parent / "data" / "feeds"
RSS = "application/rss+xml; charset=utf-8"
LATER = "2026-12-01T12:00:00Z"  # every source due again (first backoff is ~15 min)


def configure(workspace: Path, **collect: object) -> None:
    """Fast, local-friendly crawl settings in the workspace's vigie.toml."""
    values = {"delay": 0.0, "timeout": 1.0, "robots": False, "max_bytes": 200_000, **collect}
    path = workspace / "vigie.toml"
    text = path.read_text(encoding="utf-8")
    for key, value in values.items():
        rendered = json.dumps(value) if not isinstance(value, bool) else str(value).lower()
        text, count = re.subn(rf"(?m)^#?\s*{key} = .*$", f"{key} = {rendered}", text)
        assert count == 1, key
    path.write_text(text, encoding="utf-8")


def vigie(workspace: Path, *args: str, now: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIGIE_")}
    if now:
        env["VIGIE_NOW"] = now
    return subprocess.run(
        [sys.executable, "-m", "watch", "--workspace", str(workspace), *args],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip


def cli(workspace: Path, *args: str) -> str:
    """Commands other than collect run in-process (fast); they never load Scrapy."""
    result = CliRunner().invoke(
        main_cli, ["--workspace", str(workspace), *args], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return result.stdout


def add_feed(workspace: Path, source_id: str, url: str, platform: str | None = None) -> None:
    args = ["sources", "add", "--kind", "feed", "--url", url, "--id", source_id]
    cli(workspace, *args, *(["--platform", platform] if platform else []))


def sources(workspace: Path) -> dict[str, dict]:
    return {
        row["id"]: row for row in json.loads(cli(workspace, "sources", "list", "--format", "json"))
    }


def signals(workspace: Path) -> list[dict]:
    return json.loads(cli(workspace, "signals", "list", "--format", "json"))


@pytest.fixture
def ws(tmp_path: Path, run) -> Path:  # noqa: ANN001
    assert run("init", "--no-defaults", "--city", "Testville").exit_code == 0
    workspace = tmp_path / "ws"
    configure(workspace)
    return workspace


@pytest.fixture
def server() -> LocalServer:
    with LocalServer() as server:
        yield server


def test_bad_input_is_recorded_per_source_and_the_rest_is_collected(
    ws: Path, server: LocalServer
) -> None:
    flaky = Reply(
        body=(FEEDS / "tech-media.atom").read_bytes(), content_type="application/atom+xml"
    )
    routes = {
        "blog": (
            Reply(body=(FEEDS / "platform-blog.xml").read_bytes(), content_type=RSS),
            "bluesky",
        ),
        "media": (flaky, None),
        "hostile": (Reply(body=(FEEDS / "hostile.xml").read_bytes(), content_type=RSS), None),
        "truncated": (
            Reply(body=(FEEDS / "truncated.xml").read_bytes(), content_type=RSS),
            "bluesky",
        ),
        "encoding": (
            Reply(body=(FEEDS / "wrong-encoding.xml").read_bytes(), content_type=RSS),
            None,
        ),
        "error500": (Reply(body=b"oops", status=500, content_type="text/plain"), None),
        "slow": (
            Reply(body=(FEEDS / "platform-blog.xml").read_bytes(), content_type=RSS, delay=2.5),
            None,
        ),
        "html": (
            Reply(body=(FEEDS / "not-a-feed.html").read_bytes(), content_type="text/html"),
            None,
        ),
        "huge": (Reply(body=b"<rss>" + b"x" * 3_000_000 + b"</rss>", content_type=RSS), None),
        "loop": (Reply(status=302, headers={"Location": "/loop"}, content_type=None), None),
    }
    for name, (reply, platform) in routes.items():
        add_feed(ws, name, server.add(f"/{name}", reply), platform)

    first = vigie(ws, "collect")
    assert first.returncode == 1, first.stderr
    state = sources(ws)
    expected_errors = {
        "error500": "HTTP 500 Internal Server Error",
        "slow": "timed out after 1 s",
        "html": "expected a feed, got an HTML page",
        "huge": "200000-byte cap",
        "loop": "too many redirects",
    }
    for source_id, message in expected_errors.items():
        assert message in state[source_id]["last_error"], (source_id, state[source_id])
        assert state[source_id]["error_count"] == 1
        assert source_id in first.stderr
    for source_id in ("blog", "media", "hostile", "encoding"):
        assert state[source_id]["last_error"] is None, state[source_id]
        assert state[source_id]["last_status"] == 200
    assert state["truncated"]["last_error"].startswith("warning: malformed feed")
    assert "5 source(s) failed" in first.stderr

    stored = signals(ws)
    titles = {s["title"] for s in stored}
    assert "TikTok lance TikTok Notes, une nouvelle application" in titles  # hostile, as text
    assert not any("<" in s["title"] or "alert" in s["title"] for s in stored)
    assert {s["source_id"] for s in stored} >= {"blog", "media", "hostile", "truncated", "encoding"}
    truncated = [s for s in stored if s["source_id"] == "truncated"]
    assert len(truncated) == 2  # the entries that parsed were kept
    agents = {r.headers.get("user-agent", "") for r in server.requests}
    assert all(a.startswith("vigie-reseaux/") for a in agents)

    # Second run: unchanged feeds cost a 304 and no parsing; a feed that now fails loses nothing.
    flaky.status, flaky.body = 503, b"maintenance"
    before = len(server.requests)
    second = vigie(ws, "collect", now=LATER)
    assert second.returncode == 1
    again = [r for r in server.requests[before:] if r.path == "/blog"]
    assert again
    assert again[0].headers.get("if-none-match")
    state = sources(ws)
    assert state["blog"]["last_status"] == 304
    assert state["media"]["last_error"] == "HTTP 503 Service Unavailable"
    assert state["error500"]["error_count"] == 2
    assert signals(ws) == stored


def test_robots_txt_is_obeyed_and_second_collect_gets_304(ws: Path, server: LocalServer) -> None:
    configure(ws, robots=True)
    server.add_bytes("/robots.txt", b"User-agent: *\nDisallow: /private/\n", "text/plain")
    add_feed(ws, "private", server.add_file("/private/feed.xml", FEEDS / "tech-media.atom"))
    add_feed(ws, "blog", server.add_file("/blog.xml", FEEDS / "platform-blog.xml"), "bluesky")
    first = vigie(ws, "collect", "--only", "feeds")
    assert first.returncode == 1
    state = sources(ws)
    assert state["private"]["last_error"] == "forbidden by robots.txt"
    assert server.hits("/private/feed.xml") == 0
    assert state["blog"]["last_status"] == 200

    snapshot = db_snapshot(ws / "vigie.db")
    result = vigie(ws, "collect", "--source", "blog")
    assert result.returncode == 0, result.stderr
    assert "1 not modified" in result.stderr
    first_get, second_get = [r for r in server.requests if r.path == "/blog.xml"]
    assert "if-none-match" not in first_get.headers
    assert second_get.headers["if-none-match"]
    assert second_get.headers["if-modified-since"]
    changed = [line for line in db_snapshot(ws / "vigie.db") if line not in snapshot]
    assert changed
    assert all(line.startswith('INSERT INTO "source"') for line in changed)  # fetch state only


def test_bad_usage_exits_2_and_writes_nothing(ws: Path, server: LocalServer) -> None:
    add_feed(ws, "blog", server.add_file("/blog.xml", FEEDS / "platform-blog.xml"))
    snapshot = db_snapshot(ws / "vigie.db")
    for args in (["--source", "nope"], ["--only", "carrier-pigeon"]):
        result = vigie(ws, "collect", *args)
        assert result.returncode == 2, result.stderr
        assert result.stderr.count("\n") == 1
    assert db_snapshot(ws / "vigie.db") == snapshot
    assert server.requests == []


def test_feedparser_corpus_sample_over_http(ws: Path, server: LocalServer) -> None:
    corpus = shared_path("corpus", "feedparser-tests")
    files = sorted(p for p in corpus.rglob("*.xml"))
    sample = files[:: max(len(files) // 25, 1)][:25]
    for index, path in enumerate(sample):
        add_feed(ws, f"corpus-{index}", server.add_file(f"/corpus/{index}.xml", path))
    result = vigie(ws, "collect")
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr
    state = sources(ws)
    assert all(state[f"corpus-{i}"]["last_fetched_at"] for i in range(len(sample)))
    for row in state.values():
        if row["last_error"] and not row["last_error"].startswith("warning"):
            assert row["last_error"].startswith(("cannot read", "HTTP")), row
