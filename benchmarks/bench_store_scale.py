"""Store size and query time for a synthetic ten-year history on SQLite.

A regional observatory that has run Vigie for ten years holds about a million signals and a
hundred thousand metrics. This script builds such a workspace (the real catalogue and default
sources from ``vigie init``, then synthetic rows written with ``executemany`` in one transaction:
no ORM objects, so a million rows take seconds), and times what a digital officer does with it:

* ``vigie score`` (target: at most 2 s) and ``vigie report`` (target: at most 30 s),
* ``vigie signals list`` / ``vigie metrics list`` for one platform,
* the SQL behind them, with the query plan, so a missing index shows up as a ``SCAN``.

Every command runs in a subprocess, as a user would run it (Python start-up included); commands
that another part of Vigie has not shipped yet are reported as such, not skipped silently.

    python benchmarks/bench_store_scale.py                   # 1,000,000 signals, 100,000 metrics
    python benchmarks/bench_store_scale.py --signals 100000  # a quicker look
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
YEARS = 10
KINDS = (
    ("other", 30), ("feature", 20), ("adoption", 12), ("risk", 10), ("business", 8),
    ("regulation", 7), ("milestone", 7), ("launch", 4), ("shutdown", 2),
)  # fmt: skip
UNITS = ("users", "mau", "dau", "downloads", "accounts")


def _stamp(moment: datetime) -> str:
    """The text SQLAlchemy stores for an aware UTC datetime on SQLite (naive UTC, microseconds)."""
    return moment.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def make_workspace(root: Path) -> None:
    """A real workspace: configuration, migrated schema, catalogue and default sources."""
    from watch.bootstrap import init_workspace
    from watch.config import CityConfig

    init_workspace(root, CityConfig(name="Observatoire régional", population=450000))


def _weights(connection: sqlite3.Connection) -> tuple[list[str], list[float]]:
    """Platforms, the big ones more talked about (weights: a smooth long tail, not data)."""
    slugs = [row[0] for row in connection.execute("SELECT slug FROM platform ORDER BY slug")]
    return slugs, [1.0 / (1 + index % 7) for index in range(len(slugs))]


def generate_signals(connection: sqlite3.Connection, count: int, rng: random.Random) -> None:
    slugs, weights = _weights(connection)
    sources = [row[0] for row in connection.execute("SELECT id FROM source ORDER BY id")]
    kinds, kind_weights = zip(*KINDS, strict=True)
    span = YEARS * 365 * 86400
    start = NOW - timedelta(seconds=span)
    # Draw every random column at once: per-row calls into random dominate otherwise.
    platforms = rng.choices(slugs, weights, k=count)
    chosen_kinds = rng.choices(kinds, kind_weights, k=count)
    chosen_sources = rng.choices(sources, k=count)
    languages = rng.choices(("fr", "en"), k=count)
    # Collected in time order, as a real store fills up (and its indexes grow at the end).
    offsets = sorted(rng.randrange(span) for _ in range(count))
    delays = [rng.randrange(300, 43200) for _ in range(count)]
    batch: list[tuple[object, ...]] = []
    for n in range(count):
        kind = chosen_kinds[n]
        published = start + timedelta(seconds=offsets[n])
        value = unit = None
        if kind == "milestone":
            value, unit = float(rng.randrange(1, 500)) * 1e6, rng.choice(UNITS)
        # About a third of the stories are told by two or three outlets (one cluster).
        cluster = f"c{n - n % 3}" if n % 10 < 3 else None
        batch.append((
            platforms[n], kind, f"{platforms[n]} {kind} story {n}", f"https://news.example/{n}",
            f"Synthetic summary {n}", _stamp(published),
            _stamp(published + timedelta(seconds=delays[n])), chosen_sources[n], languages[n],
            value, unit, f"synthetic-{n:08d}", cluster,
        ))  # fmt: skip
        if len(batch) == 50_000:
            _insert_signals(connection, batch)
            batch.clear()
    _insert_signals(connection, batch)


def _insert_signals(connection: sqlite3.Connection, rows: list[tuple[object, ...]]) -> None:
    connection.executemany(
        "INSERT INTO signal (platform, kind, title, url, summary, published_at, fetched_at,"
        " source_id, language, value, unit, fingerprint, cluster_id)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )


def metric_rows(slugs: list[str], count: int) -> list[tuple[object, ...]]:
    """Ten years of monthly pageviews (fr, en), daily app ranks, then monthly follower counts
    of peer cities' accounts until ``count`` rows."""
    rows: list[tuple[object, ...]] = []
    months = [(NOW.year - YEARS + (m // 12), m % 12 + 1) for m in range(YEARS * 12)]
    for slug in slugs:
        for year, month in months:
            for lang in ("fr", "en"):
                rows.append((slug, f"pageviews.{lang}", f"{year}-{month:02d}", ""))
    day = NOW.date() - timedelta(days=YEARS * 365)
    while len(rows) < count * 0.8 and day <= NOW.date():
        for slug in slugs:
            rows.append((slug, "app_rank.fr", day.isoformat(), ""))
        day += timedelta(days=1)
    peer = 0
    while len(rows) < count:
        for slug in slugs:
            for year, month in months:
                rows.append((slug, "followers", f"{year}-{month:02d}", f"peer-{peer}"))
        peer += 1
    return rows[:count]


def generate_metrics(connection: sqlite3.Connection, count: int, rng: random.Random) -> None:
    slugs, _ = _weights(connection)
    observed = _stamp(NOW)
    connection.executemany(
        "INSERT INTO metric (platform, metric, value, period, observed_at, subject, detail)"
        " VALUES (?, ?, ?, ?, ?, ?, '{}')",
        [
            (slug, name, float(rng.randrange(1, 100_000)), period, observed, subject)
            for slug, name, period, subject in metric_rows(slugs, count)
        ],
    )


def populate(database: Path, signals: int, metrics: int) -> float:
    started = time.perf_counter()
    rng = random.Random(9)
    connection = sqlite3.connect(database, isolation_level=None)
    try:
        connection.execute("BEGIN")
        generate_signals(connection, signals, rng)
        generate_metrics(connection, metrics, rng)
        connection.execute("COMMIT")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
    return time.perf_counter() - started


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def vigie(root: Path, *args: str) -> tuple[float, float, subprocess.CompletedProcess[str]]:
    """Run a command as a user would; its wall time and its CPU time (user + system).

    On a shared machine the wall time includes waiting for a core; the CPU time is what the
    command itself costs.
    """
    env = {**os.environ, "VIGIE_NOW": NOW.isoformat().replace("+00:00", "Z")}
    env.pop("VIGIE_DATABASE_URL", None)
    cpu, started = _children_cpu(), time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "watch", "--workspace", str(root), *args],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    return time.perf_counter() - started, _children_cpu() - cpu, done


def time_command(
    root: Path, label: str, args: list[str], repeat: int, target: float | None
) -> None:
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu, done = vigie(root, *args)
        if done.returncode == 2 and "No such command" in done.stderr:
            print(f"  {label:<44} n/a (command not available yet)")
            return
        if done.returncode not in (0, 1):
            line = (done.stderr.strip().splitlines() or ["?"])[-1]
            print(f"  {label:<44} failed (exit {done.returncode}): {line}")
            return
        walls.append(wall)
        cpus.append(cpu)
    wall, cpu = statistics.median(walls), statistics.median(cpus)
    verdict = ""
    if target is not None:
        verdict = "  OK" if wall <= target else f"  OVER the {target:g} s target"
    print(f"  {label:<44} {wall:7.2f} s wall, {cpu:6.2f} s CPU (median of {repeat}){verdict}")


QUERIES = {
    "signals of one platform, last quarter": (
        "SELECT id, kind, title, url, published_at FROM signal WHERE platform = 'bluesky'"
        " AND published_at >= '2026-07-01' ORDER BY published_at DESC"
    ),
    "signals of one kind since a date, all platforms": (
        "SELECT id, platform, title FROM signal WHERE kind = 'regulation'"
        " AND published_at >= '2026-01-01'"
    ),
    "signal volume per platform and quarter (momentum)": (
        "SELECT platform, substr(published_at, 1, 4) AS y, count(*) FROM signal"
        " WHERE published_at >= '2024-01-01' GROUP BY platform, y"
    ),
    "one metric series (pageviews.fr, 10 years)": (
        "SELECT period, value FROM metric WHERE platform = 'bluesky' AND metric = 'pageviews.fr'"
        " ORDER BY period"
    ),
    "cluster sizes": "SELECT cluster_id, count(*) FROM signal WHERE cluster_id IS NOT NULL GROUP BY cluster_id",
    "all signals, every column the engine reads": (
        "SELECT id, platform, kind, title, url, published_at, fetched_at, source_id, value, unit,"
        " cluster_id FROM signal"
    ),
}


def time_queries(database: Path) -> None:
    connection = sqlite3.connect(database)
    try:
        for label, sql in QUERIES.items():
            plan = " / ".join(row[3] for row in connection.execute("EXPLAIN QUERY PLAN " + sql))
            runs = []
            for _ in range(3):
                started = time.perf_counter()
                rows = connection.execute(sql).fetchall()
                runs.append(time.perf_counter() - started)
            print(f"  {label:<52} {statistics.median(runs) * 1000:8.1f} ms  {len(rows):>8} rows")
            print(f"      plan: {plan}")
    finally:
        connection.close()


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} CPUs, Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--signals", type=int, default=1_000_000)
    parser.add_argument("--metrics", type=int, default=100_000)
    parser.add_argument("--dir", type=Path, help="Keep the workspace here (default: a temp dir).")
    args = parser.parse_args()
    holder = None
    if args.dir is None:
        holder = tempfile.TemporaryDirectory(prefix="vigie-scale-")
        root = Path(holder.name) / "ws"
    else:
        root = args.dir
    try:
        print(f"machine: {machine()}")
        make_workspace(root)
        database = root / "vigie.db"
        elapsed = populate(database, args.signals, args.metrics)
        rate = (args.signals + args.metrics) / elapsed
        print(f"generated {args.signals:,} signals and {args.metrics:,} metrics in {elapsed:.1f} s"
              f" ({rate:,.0f} rows/s)")  # fmt: skip
        size = sum(p.stat().st_size for p in root.glob("vigie.db*"))
        print(
            f"store size: {size / 1e6:.0f} MB ({size / max(args.signals, 1):.0f} bytes per signal)"
        )
        print("commands (subprocess, Python start-up included):")
        vigie(root, "platforms", "list")  # warm the file cache; upgrades an older schema
        time_command(root, "vigie --version (start-up floor)", ["--version"], 3, None)
        time_command(root, "vigie score", ["score", "--format", "json"], 3, 2.0)
        out = root / "bench-report"
        time_command(root, "vigie report (html)", ["report", "--out", str(out)], 1, 30.0)
        time_command(
            root, "vigie signals list --platform bluesky --since",
            ["signals", "list", "--platform", "bluesky", "--since", "2026-07-01", "--format", "json"],
            3, None,
        )  # fmt: skip
        time_command(
            root, "vigie metrics list --platform bluesky",
            ["metrics", "list", "--platform", "bluesky", "--metric", "pageviews.fr", "--format", "json"],
            3, None,
        )  # fmt: skip
        print("queries (sqlite3, warm cache):")
        time_queries(database)
    finally:
        if holder is not None:
            holder.cleanup()


if __name__ == "__main__":
    main()
