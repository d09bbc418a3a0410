"""Feed collection benchmark: 500 feeds x 50 entries served on 127.0.0.1.

Prints (1) feedparser's own parse rate on the very same bytes, (2) entries per second end to
end through ``vigie collect`` (a real subprocess crawl: Scrapy download, feedparser in worker
threads, signal extraction, SQLite writes), their ratio (target >= 0.8), and (3) a second run
with nothing changed (conditional GET -> 304s), as a share of the first (target <= 10 %).

Usage: .venv/bin/python benchmarks/bench_feeds.py [--feeds 500] [--entries 50]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from watch.localserver import LocalServer, Reply, _make_handler  # noqa: E402


class HostServer(LocalServer):
    """A LocalServer on another loopback address (127.0.0.2, ...): a distinct host for the
    crawler, which is polite per host (one request at a time, AutoThrottle)."""

    def __init__(self, host: str) -> None:
        super().__init__()
        self.host = host

    def start(self) -> HostServer:
        import threading
        from http.server import ThreadingHTTPServer

        server = ThreadingHTTPServer((self.host, 0), _make_handler(self))
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, daemon=True)
        self._thread.start()
        return self

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"


PLATFORMS = ["Bluesky", "Threads", "Mastodon", "TikTok", "Instagram", "LinkedIn", "X", "WhatsApp",
             "Snapchat", "YouTube", "Discord", "Telegram", "Pinterest", "Twitch", "Reddit"]  # fmt: skip
TEMPLATES = [
    "{p} dépasse les {n} millions d'utilisateurs",
    "{p} passes {n} million monthly active users",
    "{p} déploie une nouvelle fonctionnalité pour les comptes professionnels",
    "{p} rolls out scheduled posts to everyone",
    "La ville de {city} quitte {p}",
    "{p} visé par une enquête de la Commission européenne",
    "Panne : {p} inaccessible une partie de la journée",
    "{p} lève {n} millions de dollars",
    "Les collectivités face à {p} : mode d'emploi",
    "Génération Z : les usages de {p} en {year}",
    "Reply threads and the future of local news",
]
CITIES = ["Lyon", "Nantes", "Grenoble", "Valence", "Romans-sur-Isère", "Lille", "Rennes", "Brest"]
SUMMARY = (
    "<p>{lead} Selon les chiffres publiés par la plateforme, la croissance se poursuit et les "
    "services de communication des collectivités s'interrogent sur l'intérêt d'y être présents. "
    '<a href="https://example.org/{i}">Lire la suite</a> sur notre site, avec les réactions des '
    "élus et des chargés de communication interrogés.</p><p>Publié dans la rubrique numérique.</p>"
)


def make_feed(index: int, entries: int, rng: random.Random) -> bytes:
    start = datetime(2026, 11, 20, tzinfo=UTC) - timedelta(days=index % 30)
    items = []
    for j in range(entries):
        title = rng.choice(TEMPLATES).format(
            p=rng.choice(PLATFORMS), n=rng.randint(2, 900), city=rng.choice(CITIES), year=2026
        )
        when = start - timedelta(hours=7 * j + rng.randint(0, 6))
        summary = SUMMARY.format(lead=escape(title) + ".", i=f"{index}-{j}")
        items.append(
            f"<item><title>{escape(title)}</title>"
            f"<link>https://media{index}.example/articles/{j}</link>"
            f'<guid isPermaLink="false">media{index}-{j}</guid>'
            f"<pubDate>{format_datetime(when, usegmt=True)}</pubDate>"
            f"<description>{escape(summary)}</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Média {index}</title><link>https://media{index}.example/</link>"
        "<description>Actualités du numérique</description><language>fr</language>"
        + "".join(items)
        + "</channel></rss>"
    ).encode("utf-8")


def feedparser_rate(bodies: list[bytes], **options: object) -> tuple[float, int]:
    import feedparser

    started = time.perf_counter()
    count = 0
    for body in bodies:
        count += len(
            feedparser.parse(
                body, response_headers={"content-type": "application/rss+xml"}, **options
            ).entries
        )
    return count / (time.perf_counter() - started), count


def vigie(workspace: Path, *args: str, now: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIGIE_")}
    if now:
        env["VIGIE_NOW"] = now
    return subprocess.run(
        [sys.executable, "-m", "watch", "--workspace", str(workspace), *args],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip


def prepare_workspace(root: Path, urls: list[str]) -> Path:
    from watch.sources import add_source
    from watch.store import Store

    workspace = root / "ws"
    result = vigie(workspace, "init", "--no-defaults", "--city", "Bench")
    assert result.returncode == 0, result.stderr
    config = workspace / "vigie.toml"
    text = config.read_text(encoding="utf-8")
    text = text.replace("delay = 1.0", "delay = 0.0").replace("robots = true", "robots = false")
    config.write_text(text, encoding="utf-8")
    store = Store.open(f"sqlite:///{workspace / 'vigie.db'}")
    for i, url in enumerate(urls):
        add_source(store, "feed", url, source_id=f"media-{i:03d}")
    store.dispose()
    return workspace


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=500)
    parser.add_argument("--entries", type=int, default=50)
    parser.add_argument(
        "--hosts", type=int, default=1,
        help="spread the feeds over this many loopback hosts (127.0.0.1, .2, ...); default 1",
    )  # fmt: skip
    args = parser.parse_args()
    rng = random.Random(2026)
    bodies = [make_feed(i, args.entries, rng) for i in range(args.feeds)]
    size = sum(len(b) for b in bodies)
    print(f"{args.feeds} feeds x {args.entries} entries, {size / 1e6:.1f} MB")

    servers = [HostServer(f"127.0.0.{n + 1}").start() for n in range(args.hosts)]
    print(f"served by {args.hosts} loopback host(s)")
    with tempfile.TemporaryDirectory() as tmp:
        urls = [
            servers[i % len(servers)].add(
                f"/feed/{i}.xml", Reply(body=b, content_type="application/rss+xml; charset=utf-8")
            )
            for i, b in enumerate(bodies)
        ]
        workspace = prepare_workspace(Path(tmp), urls)

        print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        default_rate, total = feedparser_rate(bodies)
        print(
            f"feedparser alone (defaults):          {default_rate:8.0f} entries/s ({total} entries)"
        )
        lean_rate, _ = feedparser_rate(bodies, sanitize_html=False, resolve_relative_uris=False)
        print(f"feedparser alone (Vigie's options):   {lean_rate:8.0f} entries/s")

        started = time.perf_counter()
        cpu = _children_cpu()
        first = vigie(workspace, "collect")
        first_time = time.perf_counter() - started
        first_cpu = _children_cpu() - cpu
        assert first.returncode == 0, first.stderr[-2000:]
        rate = total / first_time
        print(f"vigie collect, first run:             {rate:8.0f} entries/s ({first_time:.1f} s wall, "
              f"process start included)")  # fmt: skip
        print(f"  {first.stderr.strip().splitlines()[-1]}")
        print(f"  CPU of the collect process: {first_cpu:.1f} s (parse workers not counted)")
        print(f"ratio to feedparser (defaults):       {rate / default_rate:8.2f}  (target >= 0.8)")
        print(f"ratio to feedparser (Vigie's options):{rate / lean_rate:8.2f}")

        later = (datetime.now(UTC) + timedelta(days=1)).isoformat()
        started = time.perf_counter()
        second = vigie(workspace, "collect", now=later)
        second_time = time.perf_counter() - started
        assert second.returncode == 0, second.stderr[-2000:]
        print(f"vigie collect, nothing changed:       {second_time:8.1f} s = "
              f"{100 * second_time / first_time:.1f} % of the first run (target <= 10 %)")  # fmt: skip
        print(f"  {second.stderr.strip().splitlines()[-1]}")
        requests = sum(1 for s in servers for r in s.requests if r.path.startswith("/feed/"))
        print(f"  requests in both runs: {requests}")
    for server in servers:
        server.stop()


if __name__ == "__main__":
    main()
