"""Cold-start time of ``vigie demo``: a new process, a new folder, the whole cycle.

Target (issue #8): at most 60 s on 2 cores from a cold start. Each repetition runs
``python -m watch demo --dir <new folder>`` in a fresh interpreter (imports, Scrapy, matplotlib,
the crawl of the sample over HTTP, five scorings, the report, the decision) and reads the
per-step timings the demo prints on stderr.

    python benchmarks/bench_demo.py
    python benchmarks/bench_demo.py --repeat 3 --now 2027-02-15T09:00:00Z
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

STEP_RE = re.compile(r"^\[(\d)/\d\] (.*)$")
TIME_RE = re.compile(r"\((\d+\.\d) s\)$")
TARGET = 60.0


def run_once(folder: Path, now: str | None) -> tuple[float, list[tuple[str, float]], int]:
    """Wall time, per-step times and exit code of one demo."""
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    for name in ("VIGIE_WORKSPACE", "VIGIE_DATABASE_URL", "VIGIE_NOW"):
        env.pop(name, None)
    if now:
        env["VIGIE_NOW"] = now
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "watch", "demo", "--dir", str(folder)],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    wall = time.perf_counter() - started
    steps, current = [], None
    for line in result.stderr.splitlines():
        step = STEP_RE.match(line)
        if step:
            current = step.group(2)
            continue
        timing = TIME_RE.search(line)
        if timing and current:
            steps.append((current[:60], float(timing.group(1))))
            current = None
    return wall, steps, result.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--now", help="Pin the clock (VIGIE_NOW), e.g. 2027-02-15T09:00:00Z.")
    args = parser.parse_args()

    print(f"python {platform.python_version()}, {os.cpu_count()} CPUs, {platform.platform()}")
    walls = []
    with tempfile.TemporaryDirectory() as tmp:
        for index in range(args.repeat):
            wall, steps, code = run_once(Path(tmp) / f"demo-{index}", args.now)
            walls.append(wall)
            print(f"run {index + 1}: {wall:.1f} s (exit {code})")
            for name, seconds in steps:
                print(f"    {seconds:5.1f} s  {name}")
            if code != 0:
                sys.exit(f"the demo failed with exit code {code}")
    best = min(walls)
    verdict = "OK" if best <= TARGET else "TOO SLOW"
    print(f"best {best:.1f} s, worst {max(walls):.1f} s (target {TARGET:.0f} s): {verdict}")


if __name__ == "__main__":
    main()
