"""`vigie report` time for 25 platforms with two years of evidence (target: at most 10 s).

The workspace is made by the real `vigie init` (21 catalogue platforms and their cited facts),
plus 4 platforms, then synthetic evidence per platform: 24 months of Wikipedia pageviews (fr,
en), a monthly App Store rank and user total, 60 news signals, and 100 peer cities with their
presences. Each edition runs in a fresh process, start-up, criteria evaluation, the saved run,
every chart and the files included, as a user would run it. Wall time and CPU time (user +
system of the child) are both printed: on a shared machine the CPU time is what the command
costs, the wall time includes waiting for a core.

    python benchmarks/bench_report.py
    python benchmarks/bench_report.py --runs 5 --keep /tmp/bench-report
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
from watch.platforms import add_platform, list_platforms  # noqa: E402
from watch.workspace import Workspace  # noqa: E402

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
KINDS = ("launch", "feature", "milestone", "adoption", "regulation", "risk", "business")
TARGET = 10.0


def timed(root: Path, *args: str) -> tuple[float, float]:
    """(wall, CPU) seconds of one `vigie` process."""
    env = {**os.environ, "VIGIE_NOW": NOW.isoformat()}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "watch", "--workspace", str(root), *args],
                   check=True, capture_output=True, env=env)  # fmt: skip
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def populate(root: Path, seed: int = 6) -> int:
    """Create the workspace and its evidence; returns the number of platforms."""
    timed(root, "init", "--city", "Benchville", "--no-defaults")
    rng = random.Random(seed)
    store = Workspace.load(root).open_store()
    for i in range(4):
        add_platform(store, f"newnet{i}", f"NewNet {i}", category="social")
    slugs = [p["slug"] for p in list_platforms(store)]
    with store.session() as session:
        peers = [Peer(name=f"Ville {i}", population=20000 + 100 * i,
                      homepage=f"https://ville{i}.example/") for i in range(100)]  # fmt: skip
        session.add_all(peers)
        session.flush()
        for slug in slugs:
            for month in range(24):
                index = NOW.year * 12 + NOW.month - 1 - (24 - month)
                period = f"{index // 12}-{index % 12 + 1:02d}"
                base = rng.randint(500, 50000)
                for metric, value in (("pageviews.fr", base), ("pageviews.en", base * 4),
                                      ("app_rank.fr", rng.randint(1, 200)),
                                      ("users.total", base * 1000)):  # fmt: skip
                    session.add(Metric(platform=slug, metric=metric, value=value, period=period,
                                       observed_at=NOW))  # fmt: skip
            for n in range(60):
                published = NOW - timedelta(days=rng.randint(0, 700), hours=n)
                session.add(Signal(platform=slug, kind=rng.choice(KINDS),
                                   title=f"{slug}: nouvelle {n}", url=f"https://news.example/{slug}/{n}",
                                   summary="Résumé de l'article.", published_at=published,
                                   fetched_at=published, fingerprint=f"{slug}-{n}"))  # fmt: skip
            for peer in rng.sample(peers, rng.randint(0, 60)):
                session.add(PeerPresence(peer_id=peer.id, platform=slug, seen_at=NOW,
                                         first_seen_at=NOW - timedelta(days=200),
                                         account_url=f"https://{slug}.example/@{peer.id}"))  # fmt: skip
    store.dispose()
    return len(slugs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="Build the workspace here and keep it.")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        root = options.keep or Path(temporary) / "bench"
        count = populate(root)
        print(f"{count} platforms, 24 months of metrics, 60 signals each, 100 peers")
        worst = 0.0
        for label, args in (("html", ("report",)), ("md", ("report", "--format", "md"))):
            walls, cpus = [], []
            for _ in range(options.runs):
                wall, cpu = timed(root, *args)
                walls.append(wall)
                cpus.append(cpu)
            wall, cpu = statistics.median(walls), statistics.median(cpus)
            worst = max(worst, cpu)
            print(f"vigie report --format {label}: median wall {wall:.2f} s, CPU {cpu:.2f} s "
                  f"(runs: {', '.join(f'{w:.2f}' for w in walls)})")  # fmt: skip
        verdict = "ok" if worst <= TARGET else "TOO SLOW"
        print(f"target: at most {TARGET:.0f} s of CPU per report: {verdict}")
        return 0 if worst <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
