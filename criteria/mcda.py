"""Textbook multi-criteria methods: TOPSIS, AHP weights and the rank-crossover weight.

Each is checked against published examples (../shared/data/mcda-reference.md): Tzeng & Huang
(2011) and Ersoy (2021) for TOPSIS, Papathanasiou & Ploskas (2018) and Wang & Chin (2011) for AHP.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

# Saaty's random consistency index by matrix size.
RANDOM_INDEX = {1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45,
                10: 1.49}  # fmt: skip


def topsis(
    matrix: Any,
    weights: Sequence[float] | np.ndarray,
    types: Sequence[int] | None = None,
    *,
    normalisation: str = "vector",
) -> np.ndarray:
    """Relative closeness to the ideal solution (0-1, higher is better) of each row.

    ``types``: 1 for a benefit criterion, -1 for a cost. ``normalisation``: ``vector`` (x / norm
    of the column, the classic method) or ``minmax``.
    """
    x = np.asarray(matrix, dtype=float)
    w = np.asarray(weights, dtype=float)
    w = w / w.sum()
    t = np.ones(x.shape[1]) if types is None else np.asarray(types, dtype=float)
    if normalisation == "vector":
        norms = np.sqrt((x**2).sum(axis=0))
        n = np.divide(x, norms, out=np.zeros_like(x), where=norms > 0)
    elif normalisation == "minmax":
        low, high = x.min(axis=0), x.max(axis=0)
        span = np.where(high > low, high - low, 1.0)
        n = np.where(t > 0, (x - low) / span, (high - x) / span)
        t = np.ones_like(t)
    else:
        raise ValueError(f"unknown normalisation {normalisation!r}")
    v = n * w
    best = np.where(t > 0, v.max(axis=0), v.min(axis=0))
    worst = np.where(t > 0, v.min(axis=0), v.max(axis=0))
    d_best = np.sqrt(((v - best) ** 2).sum(axis=1))
    d_worst = np.sqrt(((v - worst) ** 2).sum(axis=1))
    total = d_best + d_worst
    return np.divide(d_worst, total, out=np.full_like(total, 0.5), where=total > 0)


def topsis_batch(matrix: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """TOPSIS closeness (benefit criteria, vector normalisation) for many weightings at once.

    ``weights`` is draws x criteria; returns alternatives x draws.
    """
    x = np.asarray(matrix, dtype=float)
    norms = np.sqrt((x**2).sum(axis=0))
    n = np.divide(x, norms, out=np.zeros_like(x), where=norms > 0)
    w = weights / weights.sum(axis=1, keepdims=True)
    v = n[None, :, :] * w[:, None, :]
    d_best = np.sqrt(((v - v.max(axis=1, keepdims=True)) ** 2).sum(axis=2))
    d_worst = np.sqrt(((v - v.min(axis=1, keepdims=True)) ** 2).sum(axis=2))
    total = d_best + d_worst
    closeness = np.divide(d_worst, total, out=np.full_like(total, 0.5), where=total > 0)
    return closeness.T


@dataclass(frozen=True)
class AHPResult:
    weights: np.ndarray
    lambda_max: float
    ci: float
    cr: float

    @property
    def consistent(self) -> bool:
        return self.cr <= 0.1


def _entry(value: Any) -> float:
    if isinstance(value, str):
        try:
            return float(Fraction(value.strip()))
        except (ValueError, ZeroDivisionError):
            raise ValueError(f"{value!r} is not a number or a fraction such as '1/3'") from None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{value!r} is not a number")
    return float(value)


def pairwise_matrix(rows: Any) -> np.ndarray:
    """A validated reciprocal pairwise-comparison matrix (entries may be '1/3' strings)."""
    if (
        isinstance(rows, str)
        or not isinstance(rows, Sequence)
        or not rows
        or not all(isinstance(r, Sequence) and not isinstance(r, str) for r in rows)
    ):
        raise ValueError("expected a square matrix (a list of rows)")
    a = np.array([[_entry(v) for v in row] for row in rows], dtype=float)
    if a.ndim != 2 or a.shape[0] != a.shape[1]:
        raise ValueError("the matrix must be square")
    if (a <= 0).any():
        raise ValueError("every comparison must be positive")
    if not np.allclose(a * a.T, 1.0, rtol=1e-2):
        raise ValueError("the matrix must be reciprocal (a[i][j] = 1 / a[j][i])")
    return a


def ahp(rows: Any) -> AHPResult:
    """Principal-eigenvector weights, lambda max and Saaty's consistency ratio."""
    a = pairwise_matrix(rows)
    n = a.shape[0]
    values, vectors = np.linalg.eig(a)
    k = int(np.argmax(values.real))
    w = np.abs(vectors[:, k].real)
    w = w / w.sum()
    lam = float(values[k].real)
    ci = (lam - n) / (n - 1) if n > 2 else 0.0
    ri = RANDOM_INDEX.get(n, 1.49)
    cr = ci / ri if ri > 0 else 0.0
    return AHPResult(w, lam, ci, cr)


def ahp_synthesis(criteria_rows: Any, alternatives: Sequence[Any]) -> np.ndarray:
    """Global priorities of the alternatives: local priorities weighted by criterion weights."""
    criteria_weights = ahp(criteria_rows).weights
    local = np.column_stack([ahp(m).weights for m in alternatives])
    return local @ criteria_weights


def crossover_weight(
    a: Sequence[float], b: Sequence[float], weights: Sequence[float], j: int
) -> float | None:
    """Weight share t of criterion ``j`` at which alternatives a and b tie.

    The other weights are rescaled proportionally so that the shares still sum to 1. With O the
    weighted score without criterion j, d = (O_a - O_b) / (1 - w_j) and e = a_j - b_j, the tie is
    at t* = d / (d - e) (mcda-reference.md §2.6). None when they never tie for t in [0, 1].
    """
    w = np.asarray(weights, dtype=float)
    w = w / w.sum()
    sa, sb = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if w[j] >= 1.0:
        return None
    mask = np.arange(len(w)) != j
    d = (float(w[mask] @ sa[mask]) - float(w[mask] @ sb[mask])) / (1.0 - w[j])
    e = float(sa[j] - sb[j])
    if d == e:
        return None
    t = d / (d - e)
    return t if 0.0 <= t <= 1.0 else None
