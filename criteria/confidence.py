"""How much to trust a platform's total: coverage, freshness and corroboration of its evidence.

confidence = coverage x (0.5 + 0.5 x freshness) x (0.8 + 0.2 x corroboration), in [0, 1]:
- coverage: share of the weight carried by criteria that have evidence;
- freshness: weight-averaged 0.5 ** (age in years) of each criterion's newest evidence (timeless
  catalogue attributes count as fresh);
- corroboration: share of the cited news stories told by at least two collected items (1 when
  no news is cited, so that a platform is not rewarded for having no news).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from criteria.evidence import EvidenceSet
from criteria.registry import Result

FRESHNESS_HALF_LIFE_DAYS = 365.0


def label(value: float) -> str:
    if value >= 0.7:
        return "high"
    if value >= 0.4:
        return "medium"
    return "low"


def confidence(
    results: Mapping[str, Result],
    weights: Mapping[str, float],
    evidence: EvidenceSet,
    as_of: datetime,
) -> tuple[float, dict[str, float | None]]:
    weighted = {n: w for n, w in weights.items() if w > 0 and n in results}
    total = sum(weighted.values())
    present = {n: w for n, w in weighted.items() if results[n].score is not None}
    coverage = sum(present.values()) / total if total else 0.0
    fresh_sum = 0.0
    for name, weight in present.items():
        observed = results[name].observed_at
        age = 0.0 if observed is None else max((as_of - observed).days, 0)
        fresh_sum += weight * 0.5 ** (age / FRESHNESS_HALF_LIFE_DAYS)
    freshness = fresh_sum / sum(present.values()) if present else 0.0
    signal_ids = {
        int(e.split(":", 1)[1])
        for n in present
        for e in results[n].evidence
        if e.startswith("signal:")
    }
    signals = [evidence.signals_by_id[i] for i in signal_ids if i in evidence.signals_by_id]
    corroboration = (
        sum(evidence.corroborated(s) for s in signals) / len(signals) if signals else None
    )
    corroboration_factor = 1.0 if corroboration is None else 0.8 + 0.2 * corroboration
    value = coverage * (0.5 + 0.5 * freshness) * corroboration_factor
    detail = {
        "coverage": round(coverage, 3),
        "freshness": round(freshness, 3),
        "corroboration": None if corroboration is None else round(corroboration, 3),
    }
    return round(value, 2), detail
