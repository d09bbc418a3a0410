"""Engine sensitivity at scale: 1,000 platforms x 10,000 seeded weight perturbations.

Target (issue #5): at most 2 s for the stability of every platform, vectorised with numpy.
Scores are random in 0-100 with 10 % of cells missing (excluded and renormalised, as the default
profile does); the thresholds are the default profile's.

    python benchmarks/bench_engine.py
    python benchmarks/bench_engine.py --platforms 1000 --samples 10000 --repeat 3
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from criteria.profiles import load_profile  # noqa: E402
from criteria.sensitivity import smallest_flip, stability  # noqa: E402
from criteria.verdicts import bounds, level_of, levels  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--platforms", type=int, default=1000)
    parser.add_argument("--samples", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    profile = load_profile(None)
    names = list(profile.weights)
    weights = np.array([profile.weights[n] for n in names])
    rng = np.random.default_rng(1)
    s = np.round(rng.uniform(0, 100, (args.platforms, len(names))), 1)
    m = (rng.uniform(size=s.shape) > 0.1).astype(float)
    totals = (s * m) @ weights / (m @ weights)
    joined = rng.uniform(size=args.platforms) < 0.2
    low = np.empty(args.platforms)
    high = np.empty(args.platforms)
    for i, total in enumerate(totals):
        level = level_of(total, profile.thresholds, bool(joined[i]))
        low[i], high[i] = bounds(level, profile.thresholds, bool(joined[i]))

    times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        shares = stability(s, m, weights, low, high, samples=args.samples,
                           perturbation=0.25, seed=5)  # fmt: skip
        times.append(time.perf_counter() - start)
    start = time.perf_counter()
    for i in range(args.platforms):
        level = level_of(totals[i], profile.thresholds, bool(joined[i]))
        smallest_flip(s[i], m[i] > 0, weights, names, low[i], high[i], level,
                      levels(bool(joined[i])))  # fmt: skip
    flips = time.perf_counter() - start

    print(f"machine: {platform.processor() or platform.machine()}, numpy {np.__version__}")
    print(f"stability: {args.platforms} platforms x {args.samples} perturbations "
          f"({len(names)} criteria): best {min(times):.3f} s, "
          f"median {sorted(times)[len(times) // 2]:.3f} s (target <= 2 s)")  # fmt: skip
    print(f"mean stability {shares.mean():.3f}; flip points (closed form): {flips:.3f} s")


if __name__ == "__main__":
    main()
