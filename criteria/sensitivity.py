"""How fragile is a verdict? Random weight perturbations and the closed-form flip point.

Stability: every weight is multiplied by an independent uniform factor in [1 - p, 1 + p]
(seeded, so reruns agree), and we count the share of draws under which a platform's total stays
within the bounds of its verdict. All platforms and draws are computed at once with numpy.

Flip: for a weighted mean, changing one weight w_j to x moves the total along
(A + x s_j) / (B + x), where A and B are the weighted sum and the weight of the other criteria;
the x at which it reaches a threshold T is (T B - A) / (s_j - T). The smallest such change over
all criteria is the single-weight change that flips the verdict.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

CHUNK = 2000


def perturbed_weights(
    weights: np.ndarray, samples: int, perturbation: float, seed: int
) -> np.ndarray:
    """``samples`` x criteria weights, each scaled by an independent U(1-p, 1+p) factor."""
    rng = np.random.default_rng(seed)
    factors = rng.uniform(1.0 - perturbation, 1.0 + perturbation, (samples, weights.size))
    return factors * weights


def stability(
    s: np.ndarray,
    m: np.ndarray,
    weights: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
    *,
    samples: int,
    perturbation: float,
    seed: int,
    totals: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray] | None = None,
) -> np.ndarray:
    """Share of perturbed weightings under which each platform's total stays in [low, high).

    ``s`` and ``m``: scores and counted-cell mask (platforms x criteria). ``totals``: another
    aggregation taking (s, m, weights_batch) and returning platforms x batch totals (TOPSIS);
    the weighted mean is used by default.
    """
    kept = np.zeros(s.shape[0])
    if s.shape[0] == 0:
        return kept
    draws = perturbed_weights(weights, samples, perturbation, seed)
    sm = s * m
    for start in range(0, samples, CHUNK):
        w = draws[start : start + CHUNK]
        if totals is not None:
            values = totals(s, m, w)
            inside = (values >= low[:, None]) & (values < high[:, None])
        else:
            # low <= num/den < high, compared without dividing (den > 0 where anything counts).
            numerator, denominator = sm @ w.T, m @ w.T
            with np.errstate(invalid="ignore"):
                inside = (
                    (numerator >= low[:, None] * denominator)
                    & (numerator < high[:, None] * denominator)
                    & (denominator > 0)
                )
        kept += inside.sum(axis=1)
    return kept / samples


@dataclass(frozen=True)
class Flip:
    criterion: str
    weight_from: float
    weight_to: float
    verdict: str

    @property
    def change(self) -> float:
        return self.weight_to - self.weight_from

    @property
    def relative(self) -> float | None:
        return None if self.weight_from == 0 else self.change / self.weight_from

    def to_dict(self) -> dict[str, object]:
        return {
            "criterion": self.criterion,
            "from": round(self.weight_from, 4),
            "to": round(self.weight_to, 4),
            "change": round(self.change, 4),
            "relative": None if self.relative is None else round(self.relative, 4),
            "verdict": self.verdict,
        }


def smallest_flip(
    scores: Sequence[float],
    counted: Sequence[bool],
    weights: Sequence[float] | np.ndarray,
    names: Sequence[str],
    low: float,
    high: float,
    level: int,
    verdicts: Sequence[str],
) -> Flip | None:
    """The smallest single-weight change (relative to the weight) that changes the verdict."""
    s = np.asarray(scores, dtype=float)
    c = np.asarray(counted, dtype=bool)
    w = np.asarray(weights, dtype=float)
    best: tuple[float, Flip] | None = None
    for j in (int(k) for k in np.flatnonzero(c)):
        others = c.copy()
        others[j] = False
        a = float(w[others] @ s[others])
        b = float(w[others].sum())
        for threshold, new_level in ((high, level + 1), (low, level - 1)):
            if not np.isfinite(threshold) or s[j] == threshold or b <= 0:
                continue
            x = (threshold * b - a) / (s[j] - threshold)
            if x < 0 or np.isclose(x, w[j]):
                continue
            flip = Flip(str(names[j]), float(w[j]), float(x), verdicts[new_level])
            key = abs(flip.relative) if flip.relative is not None else abs(flip.change) * 1e6
            if best is None or key < best[0]:
                best = (key, flip)
    return None if best is None else best[1]
