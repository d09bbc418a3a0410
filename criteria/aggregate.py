"""From criterion scores to one total per platform, reproducible from the printed numbers.

Scores are rounded to one decimal *before* aggregation, so that anyone can recompute the total
from the table: total = round(sum(weight x score) / sum(weight), 2) over the criteria counted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

SCORE_DECIMALS = 1
TOTAL_DECIMALS = 2


def round_score(score: float | None) -> float | None:
    return None if score is None else round(float(score), SCORE_DECIMALS)


def counted_scores(
    scores: Mapping[str, float | None], *, missing: str, missing_score: float
) -> dict[str, float]:
    """The score each criterion enters the mean with: missing ones dropped or penalised."""
    if missing == "penalise":
        return {name: (missing_score if s is None else s) for name, s in scores.items()}
    return {name: s for name, s in scores.items() if s is not None}


def weighted_mean(scores: Mapping[str, float], weights: Mapping[str, float]) -> float | None:
    """The weighted mean of ``scores`` (None when no weight is left to divide by)."""
    total_weight = sum(weights.get(name, 0.0) for name in scores)
    if total_weight <= 0:
        return None
    value = sum(weights.get(name, 0.0) * s for name, s in scores.items()) / total_weight
    return round(value, TOTAL_DECIMALS)


def score_matrix(
    rows: Sequence[Mapping[str, float | None]],
    names: Sequence[str],
    *,
    missing: str,
    missing_score: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Scores (platforms x criteria) and the mask of the cells counted in the mean."""
    s = np.zeros((len(rows), len(names)))
    m = np.zeros((len(rows), len(names)))
    for i, row in enumerate(rows):
        counted = counted_scores(row, missing=missing, missing_score=missing_score)
        for j, name in enumerate(names):
            if name in counted:
                s[i, j] = counted[name]
                m[i, j] = 1.0
    return s, m


def impute_medians(s: np.ndarray, m: np.ndarray) -> np.ndarray:
    """TOPSIS needs a full matrix: a cell not counted takes its column's median."""
    filled = s.copy()
    counted = m > 0
    for j in range(s.shape[1]):
        present = s[counted[:, j], j]
        filled[~counted[:, j], j] = float(np.median(present)) if present.size else 0.0
    return filled


def topsis_totals(s: np.ndarray, m: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """TOPSIS closeness x 100 (missing cells imputed with the column median)."""
    from criteria.mcda import topsis

    if weights.sum() <= 0 or len(s) == 0:
        return np.zeros(len(s))
    return np.round(topsis(impute_medians(s, m), weights) * 100.0, TOTAL_DECIMALS)


def topsis_totals_batch(s: np.ndarray, m: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """:func:`topsis_totals` for many weightings (draws x criteria) -> platforms x draws."""
    from criteria.mcda import topsis_batch

    return np.round(topsis_batch(impute_medians(s, m), weights) * 100.0, TOTAL_DECIMALS)
