"""Peer crawl throughput: pages per second with one process, and with Redis-shared workers.

Serves generated homepages of peer cities on 127.0.0.1 (``watch.localserver``), imports them as
peers of a fresh workspace, and times ``vigie collect --only peers`` in four set-ups:

* ``collect``                      one process, Scrapy's own scheduler (no Redis);
* ``collect --redis``              one process on the shared Redis scheduler;
* ``collect --redis`` + 1 worker   two processes sharing the queue;
* ``collect --redis`` + 2 workers  three processes sharing the queue.

Each set-up starts from an empty store (a fresh PostgreSQL database, or a fresh SQLite file with
``--database sqlite``), so every page is really fetched and every presence really written.
The time is the seeding ``collect``'s wall time: it ends once the queue is empty and no worker
is busy, so the last page saved by any worker is included. Every page must be fetched once.

All homepages live on one host here, and Vigie is polite per host (one request at a time,
``CONCURRENT_REQUESTS_PER_DOMAIN = 1``), so one process fetches one page at a time: that is
the per-process cost (fetch, parse, one transaction) that more workers divide. Real peers are
on thousands of hosts.

    python benchmarks/bench_peers.py                  # 2,000 homepages, PostgreSQL on 127.0.0.1
    python benchmarks/bench_peers.py --pages 300 --database sqlite
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from watch.localserver import LocalServer, Reply  # noqa: E402

PG = "postgresql+psycopg://postgres@127.0.0.1:5432/"
REDIS = "redis://127.0.0.1:6379/0"
LINKS = (
    (1, "https://www.facebook.com/ville{n}"),
    (2, "https://www.instagram.com/ville{n}/"),
    (3, "https://bsky.app/profile/ville{n}.fr"),
    (5, "https://www.linkedin.com/company/ville-{n}"),
    (7, "https://www.youtube.com/@ville{n}"),
)
FILLER = "<p>Actualités, agenda, démarches en ligne, conseil municipal.</p>" * 120


def homepage(n: int) -> bytes:
    """A city homepage of a realistic size (~10 kB) with its "follow us" footer."""
    icons = "".join(
        f'<li><a href="{url.format(n=n)}">x</a></li>' for every, url in LINKS if n % every == 0
    )
    return (
        f"<!doctype html><html lang=fr><head><meta charset=utf-8><title>Ville {n}</title></head>"
        f"<body><main>{FILLER}</main><footer><ul>{icons}</ul></footer></body></html>"
    ).encode()


class Database:
    """A fresh, empty store per set-up: a PostgreSQL database, or a SQLite file."""

    def __init__(self, kind: str, scratch: Path) -> None:
        self.kind, self.scratch = kind, scratch
        self.created: list[str] = []

    def fresh(self, label: str) -> str:
        if self.kind == "sqlite":
            return f"sqlite:///{self.scratch / (label + '.db')}"
        import psycopg

        name = f"vigie_bench_{secrets.token_hex(4)}"
        with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True) as c:
            c.execute(f'CREATE DATABASE "{name}"')
        self.created.append(name)
        return PG + name

    def drop_all(self) -> None:
        if not self.created:
            return
        import psycopg

        with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True) as c:
            for name in self.created:
                c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


STAMPS: list[float] = []


def _children_cpu() -> float:
    """User + system CPU of the finished child processes (what the crawl itself cost)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class Stamped:
    """Serve a page and note when it was asked for (to separate the crawl from start-up)."""

    def __init__(self, body: bytes) -> None:
        self.reply = Reply(body=body, content_type="text/html; charset=utf-8")

    def __call__(self, info: object) -> Reply:
        STAMPS.append(time.perf_counter())
        return self.reply


def vigie(root: Path, env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "watch", "--workspace", str(root), *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip


def check(process: subprocess.Popen[str], what: str) -> str:
    _, err = process.communicate(timeout=3600)
    if process.returncode != 0:
        raise SystemExit(f"{what} failed (exit {process.returncode}):\n{err}")
    return err


def prepare(root: Path, url: str, server: LocalServer, pages: int) -> dict[str, str]:
    env = {
        **os.environ,
        "VIGIE_DATABASE_URL": url,
        "VIGIE_REDIS_QUEUE": f"bench-{secrets.token_hex(4)}",
    }
    check(vigie(root, env, "init", "--no-defaults", "--city", "Banc d'essai"), "init")
    config = (root / "vigie.toml").read_text(encoding="utf-8")
    config = config.replace("delay = 1.0", "delay = 0.0").replace("robots = true", "robots = false")
    (root / "vigie.toml").write_text(config, encoding="utf-8")
    csv = root / "peers.csv"
    rows = [f"Ville {n},{10000 + n},{server.url(f'/v{n}/')}" for n in range(pages)]
    csv.write_text("name,population,homepage\n" + "\n".join(rows) + "\n", encoding="utf-8")
    check(vigie(root, env, "peers", "import", str(csv)), "peers import")
    return env


def run_setup(label: str, workers: int, redis: bool, db: Database, server: LocalServer,
              pages: int, scratch: Path) -> None:  # fmt: skip
    root = scratch / label.replace(" ", "-").replace("+", "")
    env = prepare(root, db.fresh(label.replace(" ", "_").replace("+", "")), server, pages)
    server.requests.clear()
    STAMPS.clear()
    cpu = _children_cpu()
    started = time.perf_counter()
    extra = [
        vigie(root, env, "worker", "--redis", REDIS, "--idle", "5", "--only", "peers")
        for _ in range(workers)
    ]
    seeder = vigie(root, env, "collect", "--only", "peers", *(["--redis", REDIS] if redis else []))
    check(seeder, "collect")
    elapsed = time.perf_counter() - started
    shares = []
    for process in extra:
        err = check(process, "worker")
        shares.append(next((line for line in err.splitlines() if "worker done" in line), "?"))
    cpu = _children_cpu() - cpu
    fetched = sum(1 for r in server.requests if r.path.startswith("/v"))
    once = fetched == pages and len({r.path for r in server.requests}) >= pages
    window = max(STAMPS) - min(STAMPS) if len(STAMPS) > 1 else float("nan")
    first, last = min(STAMPS) - started, started + elapsed - max(STAMPS)
    print(f"  {label:<28} {elapsed:6.1f} s wall, {pages / elapsed:6.1f} pages/s; crawling "
          f"{window:6.1f} s, {pages / window:6.1f} pages/s; fetched {fetched} "
          f"({'each once' if once else 'NOT each once'}); start-up {first:.1f} s, "
          f"saving the last pages and closing {last:.1f} s; CPU of the processes {cpu:.1f} s")  # fmt: skip
    for share in shares:
        print(f"      {share.split(': ', 1)[-1]}")
    forget_queue(env["VIGIE_REDIS_QUEUE"])


def forget_queue(name: str) -> None:
    """Delete this set-up's Redis keys (the dupefilter outlives a crawl on purpose)."""
    import redis

    client = redis.Redis.from_url(REDIS)
    keys = list(client.scan_iter(match=f"{name}:*"))
    if keys:
        client.delete(*keys)
    client.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--database", choices=["postgresql", "sqlite"], default="postgresql")
    args = parser.parse_args()
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.machine())  # fmt: skip
    print(f"machine: {cpu}, {os.cpu_count()} CPUs, Python {platform.python_version()}; "
          f"{args.pages} homepages of {len(homepage(1)) // 1000} kB on 127.0.0.1; store: {args.database}")  # fmt: skip
    server = LocalServer()
    for n in range(args.pages):
        server.add(f"/v{n}/", Stamped(homepage(n)))
    with tempfile.TemporaryDirectory(prefix="vigie-bench-peers-") as scratch, server:
        db = Database(args.database, Path(scratch))
        try:
            run_setup("collect", 0, False, db, server, args.pages, Path(scratch))
            run_setup("collect --redis", 0, True, db, server, args.pages, Path(scratch))
            run_setup("collect --redis + 1 worker", 1, True, db, server, args.pages, Path(scratch))
            run_setup("collect --redis + 2 workers", 2, True, db, server, args.pages, Path(scratch))
        finally:
            db.drop_all()


if __name__ == "__main__":
    main()
