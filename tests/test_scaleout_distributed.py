"""A distributed peer crawl: a seeding ``vigie collect --redis`` and two ``vigie worker`` processes.

Three real processes share one Redis scheduler and one PostgreSQL store, and crawl 300 peer
homepages served on 127.0.0.1: each page is fetched exactly once (the shared dupefilter), each
presence is stored, the workers exit by themselves once the queue has stayed empty, and the
seeding process reports every source, including those its workers fetched.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import Result

from tests.conftest import db_snapshot
from watch.config import load_config, render_config
from watch.localserver import LocalServer, Reply

PAGES = 300
WORKER_IDLE = "4"
# Which networks page n links to (the rule the expected presences are computed from).
LINKS = {
    "facebook": (1, "https://www.facebook.com/ville{n}"),
    "instagram": (2, "https://www.instagram.com/ville{n}/"),
    "bluesky": (3, "https://bsky.app/profile/ville{n}.fr"),
    "linkedin": (5, "https://www.linkedin.com/company/ville-{n}"),
    "youtube": (7, "https://www.youtube.com/@ville{n}"),
}


def expected_platforms(n: int) -> set[str]:
    return {slug for slug, (every, _) in LINKS.items() if n % every == 0}


def homepage(n: int) -> bytes:
    icons = "\n".join(
        f'<li><a href="{LINKS[slug][1].format(n=n)}" aria-label="{slug}">{slug}</a></li>'
        for slug in sorted(expected_platforms(n))
    )
    share = f'<a href="https://www.facebook.com/sharer/sharer.php?u=https://ville{n}.fr/">share</a>'
    return (
        f"<!doctype html><html lang=fr><head><meta charset=utf-8><title>Ville {n}</title></head>"
        f"<body><main><h1>Bienvenue à Ville {n}</h1><p>{share}</p></main>"
        f"<footer><ul class=social>{icons}</ul></footer></body></html>"
    ).encode()


def _path(n: int) -> str:
    return f"/ville-{n:03d}/"


@pytest.fixture
def homepages() -> Iterator[LocalServer]:
    server = LocalServer()
    for n in range(PAGES):
        # 20 ms per page, as a real town-hall server: the seeder alone would need 6 s or more,
        # so both workers are up in time to take a share.
        page = Reply(body=homepage(n), content_type="text/html; charset=utf-8", delay=0.02)
        server.add(_path(n), page)
    with server:
        yield server


@pytest.fixture
def observatory(
    tmp_path: Path,
    run: Callable[..., Result],
    pg_url: str,
    homepages: LocalServer,
    monkeypatch: pytest.MonkeyPatch,
) -> Path:
    """A workspace on PostgreSQL with 300 peers whose homepages are served locally."""
    monkeypatch.setenv("VIGIE_DATABASE_URL", pg_url)
    assert run("init", "--no-defaults", "--city", "Observatoire").exit_code == 0
    root = tmp_path / "ws"
    config = load_config(root / "vigie.toml")
    config.collect.delay, config.collect.timeout, config.collect.robots = 0.0, 5.0, False
    (root / "vigie.toml").write_text(render_config(config), encoding="utf-8")
    lines = ["name,population,homepage"]
    lines += [f"Ville {n},{10000 + n},{homepages.url(_path(n))}" for n in range(PAGES)]
    (tmp_path / "peers.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run("peers", "import", str(tmp_path / "peers.csv"))
    assert result.exit_code == 0, result.output
    return root


def _vigie(root: Path, env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "watch", "--workspace", str(root), *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip


def _finish(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=120)
    return process.returncode, out, err


@pytest.mark.postgres
@pytest.mark.redis
def test_two_workers_and_the_seeder_fetch_each_homepage_once(
    observatory: Path, homepages: LocalServer, redis_server: str, redis_namespace: str, run
) -> None:
    env = {**os.environ, "VIGIE_REDIS_QUEUE": redis_namespace}
    # The seeder first: a worker that found the queue empty for --idle seconds would leave.
    seeder = _vigie(observatory, env, "collect", "--only", "peers", "--redis", redis_server)
    worker = ("worker", "--redis", redis_server, "--idle", WORKER_IDLE, "--only", "peers")
    workers = [_vigie(observatory, env, *worker) for _ in range(2)]
    code, _, seeder_err = _finish(seeder)
    finished = [_finish(process) for process in workers]

    assert code == 0, seeder_err
    for worker_code, _, worker_err in finished:
        assert worker_code == 0, worker_err
        fetched = int(re.search(r"worker done: (\d+) pages fetched", worker_err).group(1))
        assert fetched > 0, "each worker took a share of the queue"
    hits = [homepages.hits(_path(n)) for n in range(PAGES)]
    assert hits == [1] * PAGES, "every homepage fetched exactly once across the three processes"

    peers = json.loads(run("peers", "list", "--format", "json").stdout)
    found = {peer["name"]: set(peer["platforms"]) for peer in peers}
    assert found == {f"Ville {n}": expected_platforms(n) for n in range(PAGES)}
    sources = json.loads(run("sources", "list", "--kind", "peers", "--format", "json").stdout)
    assert len(sources) == PAGES
    assert all(s["last_status"] == 200 and s["last_error"] is None for s in sources)


@pytest.mark.parametrize(
    ("command", "url", "message"),
    [
        ("worker", "http://127.0.0.1:6379", "expected a redis:// URL"),
        ("worker", "redis://127.0.0.1:1/0", "cannot reach Redis at redis://127.0.0.1:1/0"),
        ("collect", "redis://127.0.0.1:1/0", "cannot reach Redis at redis://127.0.0.1:1/0"),
    ],
    ids=["worker-not-redis", "worker-unreachable", "collect-unreachable"],
)
def test_a_bad_redis_url_is_exit_2_and_fetches_nothing(
    workspace: Path, run, command: str, url: str, message: str
) -> None:
    before = db_snapshot(workspace / "vigie.db")
    result = run(command, "--redis", url)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert db_snapshot(workspace / "vigie.db") == before


@pytest.mark.redis
def test_a_worker_on_an_empty_queue_leaves_after_its_idle_time(
    workspace: Path, redis_server: str, redis_namespace: str
) -> None:
    env = {**os.environ, "VIGIE_REDIS_QUEUE": redis_namespace}
    started = time.monotonic()
    worker = _vigie(workspace, env, "worker", "--redis", redis_server, "--idle", "1.5")
    code, _, err = _finish(worker)
    assert code == 0, err
    assert "worker done: 0 pages fetched" in err
    assert time.monotonic() - started >= 1.5  # it did wait for work before leaving
