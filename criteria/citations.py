"""Keep the evidence listed per criterion short, without losing track of the figures used.

A criterion such as ``momentum`` counts every news item of two 90-day windows; listing each id
made `vigie score --format json` and every saved run hundreds of kilobytes. The engine lists at
most the profile's ``evidence_per_criterion`` ids per criterion:

- always the *figures* the score is computed from: facts, metrics, catalogue and profile
  entries, and the ids a criterion marks as ``key_evidence`` (e.g. a milestone's user count);
- then the counted items (news signals, peer presences), most recent first, up to the limit.

What is left out is counted, with its date span, in the criterion's ``detail`` and stated in its
explanation, so a reader can still find it (same platform, same kind, those dates).
"""

from __future__ import annotations

import heapq
from dataclasses import replace
from datetime import datetime

from criteria.builtin._common import fact_date
from criteria.evidence import EvidenceSet
from criteria.registry import Result

# Evidence kinds that are counted rather than read for a figure.
COUNTED_KINDS = ("signal", "peer_presence")


def evidence_date(evidence: EvidenceSet, evidence_id: str) -> datetime | None:
    """When a piece of evidence was published or observed (None: timeless or unknown)."""
    kind, _, key = evidence_id.partition(":")
    if kind == "signal":  # the common case: momentum cites every news item it counts
        signal = evidence.signals_by_id.get(int(key)) if key.isdigit() else None
        return None if signal is None else signal.date
    if kind == "peer_presence" and key.isdigit() and int(key) in evidence.presences_by_id:
        return evidence.presences_by_id[int(key)].first_seen_at
    if kind == "metric" and key.isdigit() and int(key) in evidence.metrics_by_id:
        return evidence.metrics_by_id[int(key)].end
    if kind == "fact" and key in evidence.facts_by_ref:
        return fact_date(evidence.facts_by_ref[key].year)
    return None


def _day(moment: datetime | None) -> str | None:
    return None if moment is None else moment.date().isoformat()


def limit_evidence(result: Result, evidence: EvidenceSet, limit: int) -> Result:
    """``result`` with at most ``limit`` evidence ids listed (figures first, then the newest
    counted items); ``limit`` <= 0 lists everything."""
    ids = result.evidence
    if limit <= 0 or len(ids) <= limit:
        return result
    key = set(result.key_evidence)
    figures = [e for e in ids if e in key or e.partition(":")[0] not in COUNTED_KINDS]
    listed_figures = set(figures)  # sets: momentum may cite tens of thousands of items
    counted = [e for e in ids if e not in listed_figures]
    counted_set = set(counted)
    room = max(limit - len(figures), 0)
    # Each date looked up once (momentum counts tens of thousands of items).
    moments = {e: evidence_date(evidence, e) for e in counted_set}
    # Newest first; on a tie, the criterion's own order. Only the `room` newest are ordered
    # (heapq.nlargest is sorted(..., reverse=True)[:room] without sorting them all).
    stamps = {e: _timestamp(m) for e, m in moments.items()}
    newest = heapq.nlargest(room, enumerate(counted), key=lambda item: (stamps[item[1]], -item[0]))
    listed_counted = {e for _, e in newest}
    listed_at = {i for i, _ in newest}
    left_out = [e for i, e in enumerate(counted) if i not in listed_at]
    if not left_out:
        return result
    kept = tuple(e for e in ids if e in listed_counted or e not in counted_set)
    dates = [d for d in (moments[e] for e in left_out) if d is not None]
    first, last = _day(min(dates, default=None)), _day(max(dates, default=None))
    kinds: dict[str, int] = {}
    for e in left_out:
        kind = e.partition(":")[0]
        kinds[kind] = kinds.get(kind, 0) + 1
    span_fr = f", du {first} au {last}" if first else ""
    span_en = f", {first} to {last}" if first else ""
    fr = (
        f" Éléments cités : {len(kept)} listés sur {len(ids)} (les plus récents) ; "
        f"{len(left_out)} autres non listés{span_fr}."
    )
    en = (
        f" Evidence: {len(kept)} listed of {len(ids)} (the most recent); "
        f"{len(left_out)} more not listed{span_en}."
    )
    detail = dict(result.detail)
    detail["evidence_not_listed"] = {
        "count": len(left_out), "of": len(ids), "kinds": kinds, "from": first, "to": last,
    }  # fmt: skip
    return replace(
        result,
        evidence=kept,
        explanation_fr=result.explanation_fr + fr,
        explanation_en=result.explanation_en + en,
        detail=detail,
    )


def _timestamp(moment: datetime | None) -> float:
    return float("-inf") if moment is None else moment.timestamp()
