"""Layer 3: real crawls (``vigie collect`` in a subprocess) against recorded responses on 127.0.0.1.

One workspace holds a source of every adoption-signal kind plus misbehaving servers: a 429 with
Retry-After, an API error body, JSON where HTML was expected, a homepage that never answers, a
redirect loop, a page over the size cap, a main App Store host that fails (fallback used). The
run exits 1, each failure is saved on its source (and peer), and every good answer is stored
exactly.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from spiders.pageviews import Article, article_url, month_range
from watch.catalogue import platform_entries
from watch.cli import cli
from watch.config import load_config, render_config
from watch.localserver import LocalServer, Reply

DATA = Path(__file__).parent / "data"
SPIDERS = DATA / "spiders"
HOMEPAGES = DATA / "peers" / "homepages"
EXPECTED = json.loads((DATA / "peers" / "expected.json").read_text(encoding="utf-8"))
NOW = "2026-11-26T12:00:00Z"
PV_TEMPLATE = "/wiki/{project}/all-access/user/{article}/monthly/{start}/{end}"
MAX_BYTES = 200_000
JSON = "application/json; charset=utf-8"
HTML = "text/html; charset=utf-8"
GOOD_PEERS = ("valbonne-sur-drome.html", "mirebel-les-vignes.html", "beaumont-la-riviere.html")


def _json(name: str, status: int = 200, **kw) -> Reply:
    return Reply(body=(SPIDERS / name).read_bytes(), status=status, content_type=JSON, **kw)


def _pageview_routes(server: LocalServer) -> None:
    start, end = month_range(datetime(2026, 11, 26, 12, tzinfo=UTC))
    for entry in platform_entries():
        for language, title in entry.wikipedia.items():
            path = article_url(PV_TEMPLATE, Article(entry.slug, language, title), start, end)
            item = {"project": f"{language}.wikipedia", "article": title, "granularity": "monthly",
                    "timestamp": "2026100100", "access": "all-access", "agent": "user", "views": 7}  # fmt: skip
            server.add(path, Reply(body=json.dumps({"items": [item]}).encode(), content_type=JSON))
    fr = lambda title: article_url(PV_TEMPLATE, Article("", "fr", title), start, end)  # noqa: E731
    en = lambda title: article_url(PV_TEMPLATE, Article("", "en", title), start, end)  # noqa: E731
    server.add(fr("Bluesky"), _json("wikimedia_fr_bluesky_monthly.json"))
    server.add(fr("Lemon8"), _json("wikimedia_not_found.json", status=404))
    server.add(en("Bluesky"), Reply(body=b'{"title":"Too many requests"}', status=429,
                                    content_type=JSON, headers={"Retry-After": "7200"}))  # fmt: skip


@pytest.fixture(scope="module")
def server() -> Iterator[LocalServer]:
    server = LocalServer()
    _pageview_routes(server)
    server.add("/apple/fr.json", Reply(body=b"<html>Service Unavailable</html>", status=503,
                                       content_type=HTML))  # fmt: skip
    server.add("/apple-legacy/fr.json", _json("apple_fr_top_free.json"))
    server.add("/api/v2/instance", _json("mastodon_v2_instance_exemple.json"))
    server.add("/api/v1/instance/activity", _json("mastodon_activity_exemple.json"))
    server.add("/nodeinfo/2.0", _json("nodeinfo_2.0_exemple.json"))
    server.add("/fedidb/v1/stats", _json("fedidb_stats.json"))
    challenge = b"<!DOCTYPE html><html><head><title>Just a moment...</title></head></html>"
    server.add("/html-instead/api/v2/instance", Reply(body=challenge, content_type=HTML))
    server.add("/bsky/stats", _json("bluesky_user_count.json"))
    server.add("/xrpc/app.bsky.actor.getProfile?actor=valbonne-sur-drome.fr",
               _json("bluesky_profile_valbonne.json"))  # fmt: skip
    server.add("/xrpc/app.bsky.actor.getProfile?actor=ghost.example",
               _json("bluesky_profile_not_found.json", status=400))  # fmt: skip
    beaumont = {"did": "did:plc:beaumont", "handle": "beaumont-la-riviere.fr",
                "followersCount": 321, "followsCount": 10, "postsCount": 42}  # fmt: skip
    server.add("/xrpc/app.bsky.actor.getProfile?actor=beaumont-la-riviere.fr",
               Reply(body=json.dumps(beaumont).encode(), content_type=JSON))  # fmt: skip
    server.add("/newsroom/", Reply(body=(SPIDERS / "newsroom_default.html").read_bytes(),
                                   content_type=HTML))  # fmt: skip
    server.add("/newsroom-json/", Reply(body=b'{"articles": []}', content_type=JSON))
    for name in GOOD_PEERS:
        server.add(f"/{name}", Reply(body=(HOMEPAGES / name).read_bytes(), content_type=HTML))
    server.add("/old-home/", Reply(status=301, headers={"Location": "/valbonne-sur-drome.html"}))
    server.add("/slow/", Reply(body=b"<html></html>", content_type=HTML, delay=2.5))
    server.add("/loop-a/", Reply(status=302, headers={"Location": "/loop-b/"}))
    server.add("/loop-b/", Reply(status=302, headers={"Location": "/loop-a/"}))
    server.add("/huge/", Reply(body=b"<html>" + b"x" * (MAX_BYTES * 2) + b"</html>",
                               content_type=HTML))  # fmt: skip
    server.add("/api-home/", Reply(body=b'{"city": "not a page"}', content_type=JSON))
    with server:
        server.add("/.well-known/nodeinfo", Reply(
            body=json.dumps({"links": [{"rel": "http://nodeinfo.diaspora.software/ns/schema/2.0",
                                        "href": server.url("/nodeinfo/2.0")}]}).encode(),
            content_type=JSON))  # fmt: skip
        yield server


def vigie(root: Path, *args: str) -> Result:
    """The CLI in-process (set-up and listings; crawls run in a subprocess)."""
    return CliRunner().invoke(cli, ["--workspace", str(root), *args], catch_exceptions=False)


@pytest.fixture(scope="module")
def crawled(
    tmp_path_factory: pytest.TempPathFactory, server: LocalServer
) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """One workspace, one crawl of every kind, shared by the tests of this module."""
    tmp_path = tmp_path_factory.mktemp("crawl")
    root = tmp_path / "ws"
    assert vigie(root, "init", "--no-defaults", "--city", "Testville").exit_code == 0
    config = load_config(root / "vigie.toml")
    config.collect.delay, config.collect.timeout, config.collect.robots = 0.0, 1.0, False
    config.collect.max_bytes = MAX_BYTES
    (root / "vigie.toml").write_text(render_config(config), encoding="utf-8")
    base = server.base_url

    def add(kind: str, url: str, source_id: str, *extra: str) -> None:
        result = vigie(
            root, "sources", "add", "--kind", kind, "--url", base + url, "--id", source_id, *extra
        )
        assert result.exit_code == 0, result.output

    add("pageviews", PV_TEMPLATE, "pv")
    add("app_rank", "/apple/fr.json", "apps", "--language", "fr",
        "--option", f"fallback={base}/apple-legacy/fr.json")  # fmt: skip
    add("fediverse", "/api/v2/instance", "masto-v2", "--platform", "mastodon")
    add("fediverse", "/api/v1/instance/activity", "masto-activity", "--platform", "mastodon")
    add("fediverse", "/.well-known/nodeinfo", "masto-nodeinfo", "--platform", "mastodon")
    add("fediverse", "/fedidb/v1/stats", "fedidb")
    add("fediverse", "/html-instead/api/v2/instance", "masto-html", "--platform", "mastodon")
    add("bluesky", "/bsky/stats", "bsky-users", "--platform", "bluesky")
    add("account", "/xrpc/app.bsky.actor.getProfile?actor={actor}", "bsky-profiles",
        "--platform", "bluesky", "--option", "actors=valbonne-sur-drome.fr,ghost.example")  # fmt: skip
    add("newsroom", "/newsroom/", "newsroom", "--platform", "bluesky", "--language", "fr")
    add("newsroom", "/newsroom-json/", "newsroom-json", "--platform", "bluesky")
    peers = ["name,population,homepage"]
    peers += [f"{n.removesuffix('.html')},20000,{base}/{n}" for n in GOOD_PEERS]
    for name in ("old-home", "slow", "loop-a", "huge", "api-home"):
        peers.append(f"Ville {name},20000,{base}/{name}/")
    (tmp_path / "peers.csv").write_text("\n".join(peers) + "\n", encoding="utf-8")
    assert vigie(root, "peers", "import", str(tmp_path / "peers.csv")).exit_code == 0
    process = collect(root, "--only", "spiders")
    return root, process


def collect(root: Path, *args: str, now: str = NOW) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "VIGIE_NOW": now}
    env.pop("VIGIE_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "watch", "--workspace", str(root), "collect", *args],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip


def metrics(root: Path, **where: str) -> dict[tuple[str, str, str, str], float | None]:
    query = "SELECT platform, metric, subject, period, value FROM metric"
    if where:
        query += " WHERE " + " AND ".join(f"{k} = ?" for k in where)
    with sqlite3.connect(root / "vigie.db") as db:
        rows = db.execute(query, tuple(where.values())).fetchall()
    return {(p, m, s, per): v for p, m, s, per, v in rows}


def presences(root: Path) -> dict[str, dict[str, str]]:
    listed = json.loads(vigie(root, "peers", "list", "--format", "json").stdout)
    return {peer["name"]: peer["platforms"] for peer in listed}


def sources(root: Path) -> dict[str, dict]:
    with sqlite3.connect(root / "vigie.db") as db:
        db.row_factory = sqlite3.Row
        rows = db.execute("SELECT * FROM source").fetchall()
    return {row["id"]: dict(row) for row in rows}


def test_the_run_exits_1_and_names_each_failing_source(crawled) -> None:
    root, process = crawled
    assert process.returncode == 1, process.stderr
    failed = {"pv", "bsky-profiles", "newsroom-json", "masto-html"} | {
        f"peer-{n}" for n in (5, 6, 7, 8)
    }  # slow, loop, huge, api-home
    for source_id in failed:
        assert source_id in process.stderr
    state = sources(root)
    assert {sid for sid, s in state.items() if s["last_error"] and not
            s["last_error"].startswith("warning")} == failed  # fmt: skip


def test_pageviews_are_stored_exactly_and_a_429_is_recorded_with_its_retry_after(crawled) -> None:
    root, _ = crawled
    fr = {
        per: v
        for (_, _, _, per), v in metrics(root, platform="bluesky", metric="pageviews.fr").items()
    }
    expected = {
        item["timestamp"][:4] + "-" + item["timestamp"][4:6]: item["views"]
        for item in json.loads((SPIDERS / "wikimedia_fr_bluesky_monthly.json").read_text())["items"]
    }
    assert fr == expected
    assert metrics(root, platform="lemon8", metric="pageviews.fr") == {}  # 404: no data, no row
    assert metrics(root, platform="bluesky", metric="pageviews.en") == {}
    assert metrics(root, platform="facebook", metric="pageviews.en") == {
        ("facebook", "pageviews.en", "", "2026-10"): 7
    }
    pv = sources(root)["pv"]
    assert pv["last_status"] is not None
    assert "429" in pv["last_error"]
    retry = datetime.fromisoformat(pv["next_fetch_at"]).replace(tzinfo=UTC)
    assert (retry - datetime(2026, 11, 26, 12, tzinfo=UTC)).total_seconds() >= 7200


def test_app_rank_uses_the_fallback_and_never_writes_rank_zero(
    crawled, server: LocalServer
) -> None:
    root, _ = crawled
    assert server.hits("/apple/fr.json") >= 1
    assert server.hits("/apple-legacy/fr.json") == 1
    ranks = {p: v for (p, m, _, per), v in metrics(root, metric="app_rank.fr").items()}
    assert ranks["bereal"] == 1
    assert ranks["bluesky"] == 3
    assert ranks["facebook"] == 10
    assert ranks["x"] is None  # not in the chart: recorded as such
    assert 0 not in ranks.values()
    assert sources(root)["apps"]["last_error"] is None


def test_fediverse_and_bluesky_figures_are_stored_exactly(crawled) -> None:
    root, _ = crawled
    masto = metrics(root, platform="mastodon")
    # Per-instance figures are about the host the sources point at, whatever its own "domain".
    assert masto[("mastodon", "users.active_month", "127.0.0.1", "2026-11-26")] == 1234
    assert not any(subject == "social.exemple.fr" for (_, _, subject, _) in masto)
    assert masto[("mastodon", "users.active_halfyear", "127.0.0.1", "2026-11-26")] == 2345
    assert masto[("mastodon", "users.total", "127.0.0.1", "2026-11-26")] == 5678
    assert masto[("mastodon", "activity.statuses", "127.0.0.1", "2025-12-01")] == 512
    assert masto[("mastodon", "fediverse.users.total", "", "2026-11-25")] == 14209407
    bsky = metrics(root, platform="bluesky")
    assert bsky[("bluesky", "users.total", "", "2026-11-25")] == 41234567
    assert bsky[("bluesky", "followers", "valbonne-sur-drome.fr", "2026-11-26")] == 1873
    assert sources(root)["bsky-profiles"]["last_error"] == (
        "HTTP 400 Bad Request: InvalidRequest - Profile not found"
    )


def test_newsroom_articles_become_entries_and_json_is_refused(crawled) -> None:
    root, _ = crawled
    with sqlite3.connect(root / "vigie.db") as db:
        titles = [t for (t,) in db.execute("SELECT title FROM entry WHERE source_id = 'newsroom'")]
        signals = db.execute("SELECT COUNT(*) FROM signal WHERE source_id = 'newsroom'").fetchone()
    assert len(titles) == 4
    assert "10 millions d'utilisateurs en France" in titles
    assert signals[0] >= 4  # every entry is attributed to the source's platform
    assert "expected an HTML page, got JSON" in sources(root)["newsroom-json"]["last_error"]
    # ... and the reverse: an HTML page (a bot challenge) where an API's JSON was expected.
    assert "expected JSON, got HTML" in sources(root)["masto-html"]["last_error"]


def test_peer_presences_and_failures_are_recorded_and_the_crawl_goes_on(crawled) -> None:
    root, _ = crawled
    rows = {
        r["name"]: r for r in json.loads(vigie(root, "peers", "list", "--format", "json").stdout)
    }
    for name in GOOD_PEERS:
        assert rows[name.removesuffix(".html")]["platforms"] == EXPECTED[name]["platforms"]
    assert rows["Ville old-home"]["platforms"] == EXPECTED["valbonne-sur-drome.html"]["platforms"]
    errors = {
        n: rows[f"Ville {n}"]["last_error"] or "" for n in ("slow", "loop-a", "huge", "api-home")
    }
    assert "timed out" in errors["slow"]
    assert "redirect" in errors["loop-a"]
    assert "byte cap" in errors["huge"]
    assert "got JSON" in errors["api-home"]
    with sqlite3.connect(root / "vigie.db") as db:  # saved on the peer itself, not only its source
        saved = dict(db.execute("SELECT name, last_error FROM peer WHERE last_error IS NOT NULL"))
    assert set(saved) == {f"Ville {n}" for n in ("slow", "loop-a", "huge", "api-home")}


def test_a_second_run_a_day_later_duplicates_nothing_and_follows_peer_accounts(
    crawled, server: LocalServer
) -> None:
    root, _ = crawled
    before = metrics(root)
    peers_before = presences(root)
    again = collect(root, "--only", "spiders", now="2026-11-27T12:00:00Z")
    assert again.returncode == 1  # the broken sources are still broken
    after = metrics(root)
    dated = {k: v for k, v in after.items() if k[3] not in ("2026-11-27",)}
    assert dated == before  # months, chart days, API timestamps: same keys, same values
    # The account spider now also asks for the Bluesky accounts found on peer homepages.
    assert any(r.query == "actor=beaumont-la-riviere.fr" for r in server.requests)
    assert after[("bluesky", "followers", "beaumont-la-riviere.fr", "2026-11-27")] == 321
    assert after[("bluesky", "followers", "valbonne-sur-drome.fr", "2026-11-27")] == 1873
    # Unchanged homepages answer 304: nothing re-read, presences kept as they were.
    assert presences(root) == peers_before
    assert [sources(root)[f"peer-{n}"]["last_status"] for n in (1, 2, 3)] == [304, 304, 304]
