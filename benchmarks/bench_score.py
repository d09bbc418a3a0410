"""`vigie score` wall time, start-up included, on 25 platforms and a year of evidence.

Target (issue #5): at most 1.5 s, which needs `vigie score` to import neither Scrapy nor
matplotlib. The workspace is made by the real `vigie init` (21 catalogue platforms and the cited
facts), plus 4 platforms, then one year of synthetic evidence per platform: monthly Wikipedia
pageviews (fr, en), a daily App Store rank, monthly user totals, 80 news signals, and 200 peer
cities with their presences. Each command runs in a fresh process, as a user would run it.

    python benchmarks/bench_score.py
    python benchmarks/bench_score.py --runs 7 --keep /tmp/bench-ws
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from watch.models import Metric, Peer, PeerPresence, Signal  # noqa: E402
from watch.platforms import add_platform  # noqa: E402
from watch.workspace import Workspace  # noqa: E402

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
KINDS = ("launch", "feature", "milestone", "adoption", "regulation", "risk", "business")


def vigie(root: Path, *args: str) -> float:
    return timed(root, *args)[0]


def timed(root: Path, *args: str) -> tuple[float, float]:
    """(wall, CPU) seconds of one `vigie` process. On a shared, loaded machine the CPU time
    (user + system of the child) is what the command costs; the wall time includes waiting."""
    env = {**os.environ, "VIGIE_NOW": NOW.isoformat()}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "watch", "--workspace", str(root), *args],
                   check=True, capture_output=True, env=env)  # fmt: skip
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def populate(root: Path) -> dict[str, int]:
    vigie(root, "init", "--city", "Benchville", "--no-defaults")
    workspace = Workspace.load(root)
    store = workspace.open_store()
    for i in range(4):
        add_platform(store, f"extra{i}", f"Extra {i}", category="social", launched=2024)
    rng = random.Random(7)
    counts = {"metrics": 0, "signals": 0, "presences": 0}
    with store.session() as session:
        slugs = [row[0] for row in session.execute(Metric.metadata.tables["platform"].select())]
        for slug in slugs:
            for month in range(12):
                index = NOW.year * 12 + NOW.month - 1 - (12 - month)
                period = f"{index // 12}-{index % 12 + 1:02d}"
                for metric in ("pageviews.fr", "pageviews.en"):
                    session.add(Metric(platform=slug, metric=metric, period=period,
                                       value=rng.randint(1_000, 90_000)))  # fmt: skip
                session.add(Metric(platform=slug, metric="users.total", period=period,
                                   value=1e6 * (1 + month * rng.random())))  # fmt: skip
                counts["metrics"] += 3
            for day in range(365):
                date = (NOW - timedelta(days=365 - day)).date().isoformat()
                rank = rng.randint(1, 250)
                in_chart = rank <= 200
                session.add(Metric(platform=slug, metric="app_rank.fr", period=date,
                                   value=rank if in_chart else None,
                                   detail={} if in_chart else {"in_chart": False}))  # fmt: skip
                counts["metrics"] += 1
            for n in range(80):
                session.add(Signal(platform=slug, kind=rng.choice(KINDS), title=f"{slug} news {n}",
                                   url=f"https://news.example/{slug}/{n}",
                                   published_at=NOW - timedelta(days=rng.uniform(0, 365)),
                                   fingerprint=f"{slug}-{n}", cluster_id=f"c{rng.randint(0, 600)}"))  # fmt: skip
                counts["signals"] += 1
        peers = [Peer(name=f"Ville {i}", homepage=f"https://ville{i}.example") for i in range(200)]
        session.add_all(peers)
        session.flush()
        for peer in peers:
            for slug in rng.sample(slugs, 5):
                session.add(PeerPresence(peer_id=peer.id, platform=slug,
                                         account_url=f"https://{slug}.example/{peer.id}"))  # fmt: skip
                counts["presences"] += 1
        counts["platforms"] = len(slugs)
    store.dispose()
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="Build the workspace here and keep it.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = args.keep or Path(tmp) / "ws"
        counts = populate(root)
        print("workspace: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
        vigie(root, "score")  # warm the file cache, as a second command of the day would
        for label, extra in (("table", ()), ("json", ("--format", "json")),
                             ("--audience youth=2 --save", ("--audience", "youth=2", "--save"))):  # fmt: skip
            runs = [timed(root, "score", *extra) for _ in range(args.runs)]
            walls, cpus = [r[0] for r in runs], [r[1] for r in runs]
            print(f"vigie score {label}: wall median {statistics.median(walls):.3f} s "
                  f"(min {min(walls):.3f}), CPU median {statistics.median(cpus):.3f} s "
                  f"over {args.runs} runs (target <= 1.5 s wall)")  # fmt: skip
        print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import watch.cli"], check=True)
        print(f"python start-up + import watch.cli: {time.perf_counter() - start:.3f} s")


if __name__ == "__main__":
    main()
