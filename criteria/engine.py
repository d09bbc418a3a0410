"""The criteria engine: evidence + profile -> scores, verdicts, confidence and sensitivity.

Order of operations (DESIGN.md): every criterion scores every platform; knock-out rules are
checked first and force a verdict whatever the total; then the weighted mean (or TOPSIS) gives
the total and the thresholds the verdict; then confidence, stability and the flip point.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np

from criteria.aggregate import (
    counted_scores,
    round_score,
    score_matrix,
    topsis_totals,
    topsis_totals_batch,
    weighted_mean,
)
from criteria.citations import limit_evidence
from criteria.confidence import confidence
from criteria.evidence import EvidenceSet, PlatformEvidence, load_evidence
from criteria.horizons import metric_windows, signal_needs
from criteria.profiles import Profile
from criteria.registry import Context, Criterion, Result, registry
from criteria.sensitivity import Flip, smallest_flip, stability
from criteria.verdicts import (
    KnockoutHit,
    bounds,
    forced_verdict,
    knockouts_for,
    level_of,
    levels,
    top_level,
    unmet_requirements,
)
from watch.clock import ensure_utc, isoformat
from watch.store import Store

ENGINE_VERSION = "2"
# Verdicts that come from the total (and so can move with the weights).
FROM_TOTAL = ("score", "join_requires_evidence")


@dataclass
class PlatformScore:
    slug: str
    name: str
    status: str
    results: dict[str, Result]
    scores: dict[str, float | None]
    total: float | None = None
    verdict: str = "watch"
    verdict_reason: str = "score"
    confidence: float = 0.0
    confidence_detail: dict[str, Any] = field(default_factory=dict)
    stability: float | None = None
    flip: Flip | None = None
    knockouts: list[KnockoutHit] = field(default_factory=list)
    waived: list[KnockoutHit] = field(default_factory=list)
    coverage: float = 0.0
    # Criteria a `join` needs evidence on and that have none (the verdict is capped at pilot).
    unmet: list[str] = field(default_factory=list)
    # The verdict the thresholds alone give (differs from `verdict` when capped or forced).
    score_verdict: str | None = None

    @property
    def joined(self) -> bool:
        return self.status == "joined"

    @property
    def missing(self) -> list[str]:
        return [name for name, score in self.scores.items() if score is None]


@dataclass
class Evaluation:
    profile: Profile
    now: datetime
    as_of: datetime
    lang: str
    platforms: list[PlatformScore]
    evidence: EvidenceSet
    # Criteria that failed on some platform: scored as missing, reported, exit 1 in the CLI.
    errors: list[str] = field(default_factory=list)

    def to_dict(self, lang: str | None = None) -> dict[str, Any]:
        """DESIGN.md's JSON shape (see notes/interface-criteria.md), highest total first."""
        from criteria.serialise import evaluation_dict

        return evaluation_dict(self, lang or self.lang)


def _score_all(
    evidence: EvidenceSet, profile: Profile, names: list[str], errors: list[str]
) -> dict[str, dict[str, Result]]:
    known = registry()
    results: dict[str, dict[str, Result]] = {slug: {} for slug in evidence.platforms}
    for name in names:
        context = Context(evidence, profile.options.get(name, {}), profile.audiences,
                          profile.age_groups)  # fmt: skip
        for slug, platform in evidence.platforms.items():
            results[slug][name] = _score_one(known[name], platform, context, errors)
    return results


def _score_one(
    criterion: Criterion, platform: PlatformEvidence, context: Context, errors: list[str]
) -> Result:
    """One criterion on one platform; a failing criterion (a plugin's bug, a bad option) is
    reported and counted as missing evidence instead of stopping the whole evaluation."""
    try:
        return criterion.score(platform, context)
    except Exception as exc:  # noqa: BLE001 - reported to the user, the rest is kept
        message = f"criterion {criterion.name} failed on {platform.slug}: {exc}"
        errors.append(message)
        return Result(None, f"Erreur du critère : {exc}", f"Criterion error: {exc}")


def _platform_score(
    platform: PlatformEvidence, results: dict[str, Result], profile: Profile
) -> PlatformScore:
    scores = {name: round_score(r.score) for name, r in results.items()}
    row = PlatformScore(platform.slug, platform.info.name, platform.info.status, results, scores)
    active, waived = knockouts_for(profile, platform.slug, scores)
    row.knockouts, row.waived = active, waived
    # Coverage by count of weighted criteria, not by weight: the evidence test then does not
    # move with the weights, so the flip point and the stability stay exact (a weight-based
    # coverage would let a weight change turn a scored verdict into "watch"). The heaviest
    # missing evidence is handled by [verdicts] require_for_join instead.
    weighted = [n for n, w in profile.weights.items() if w > 0]
    with_evidence = [n for n in weighted if scores.get(n) is not None]
    row.coverage = len(with_evidence) / len(weighted) if weighted else 0.0
    row.unmet = unmet_requirements(profile.require_for_join, scores, row.joined)
    return row


def evaluate(
    store: Store,
    profile: Profile,
    *,
    now: datetime,
    as_of: datetime | None = None,
    lang: str = "fr",
) -> Evaluation:
    """Score every platform of the store with ``profile``, from the evidence known at ``as_of``."""
    now = ensure_utc(now)
    moment = ensure_utc(as_of) if as_of is not None else now
    names = list(profile.weights)
    needs = signal_needs(names, profile.options)
    windows = metric_windows(names, profile.options) if needs is not None else None
    evidence = load_evidence(store, as_of=moment, past=as_of is not None, signal_needs=needs,
                             metric_windows=windows)  # fmt: skip
    errors: list[str] = []
    results = _score_all(evidence, profile, names, errors)
    rows = [_platform_score(evidence.platforms[s], results[s], profile) for s in evidence.platforms]
    _aggregate(rows, profile, names)
    for row in rows:
        row.confidence, row.confidence_detail = confidence(
            row.results, profile.weights, evidence, moment
        )
    for row in rows:
        # After confidence, which reads every cited news item: only the listing is shortened.
        row.results = {
            name: limit_evidence(result, evidence, profile.evidence_per_criterion)
            for name, result in row.results.items()
        }
    rows.sort(key=lambda r: (r.total is None, -(r.total or 0.0), r.name.lower()))
    return Evaluation(profile, now, moment, lang, rows, evidence, errors)


def _aggregate(rows: list[PlatformScore], profile: Profile, names: list[str]) -> None:
    """Totals, verdicts, stability and flips for every platform at once."""
    weights = np.array([profile.weights[n] for n in names])
    s, m = score_matrix([r.scores for r in rows], names, missing=profile.missing,
                        missing_score=profile.missing_score)  # fmt: skip
    m = m * (weights > 0)
    if profile.method == "topsis":
        totals = topsis_totals(s, m, weights)
    else:
        totals = np.array([
            weighted_mean(counted_scores(r.scores, missing=profile.missing,
                                         missing_score=profile.missing_score), profile.weights)
            if m[i].any() else np.nan
            for i, r in enumerate(rows)
        ], dtype=float)  # fmt: skip
    low = np.full(len(rows), -np.inf)
    high = np.full(len(rows), np.inf)
    for i, row in enumerate(rows):
        row.total = None if np.isnan(totals[i]) else float(totals[i])
        _decide(row, profile)
        if row.verdict_reason in FROM_TOTAL and row.total is not None:
            top = top_level(row.joined, row.unmet)
            level = min(level_of(row.total, profile.thresholds, row.joined), top)
            low[i], high[i] = bounds(level, profile.thresholds, row.joined, top)
            if profile.method == "weighted_mean":
                row.flip = smallest_flip(
                    s[i], m[i] > 0, weights, names, low[i], high[i], level, levels(row.joined)
                )
    decided = np.array([r.verdict_reason in FROM_TOTAL and r.total is not None for r in rows])
    aggregate = topsis_totals_batch if profile.method == "topsis" else None
    shares = stability(s, m, weights, low, high, samples=profile.samples,
                       perturbation=profile.perturbation, seed=profile.seed,
                       totals=aggregate)  # fmt: skip
    for i, row in enumerate(rows):
        # A forced verdict (knock-out, too little evidence) does not depend on the weights.
        row.stability = round(float(shares[i]), 3) if decided[i] else 1.0


def _decide(row: PlatformScore, profile: Profile) -> None:
    """Knock-outs first, then too little evidence, then the thresholds (capped at ``pilot``
    while a criterion of ``[verdicts] require_for_join`` has no evidence)."""
    if row.total is not None:
        level = level_of(row.total, profile.thresholds, row.joined)
        row.score_verdict = levels(row.joined)[level]
    if row.knockouts:
        row.verdict = forced_verdict(row.knockouts, row.joined)
        row.verdict_reason = "knockout"
    elif row.total is None or row.coverage < profile.min_coverage:
        row.verdict = "keep" if row.joined else "watch"
        row.verdict_reason = "insufficient_evidence"
    else:
        level = level_of(row.total, profile.thresholds, row.joined)
        top = top_level(row.joined, row.unmet)
        row.verdict = levels(row.joined)[min(level, top)]
        # Capped: the total reaches `join` but cited evidence a join needs is missing.
        row.verdict_reason = "join_requires_evidence" if level > top else "score"


__all__ = ["ENGINE_VERSION", "Evaluation", "PlatformScore", "evaluate", "isoformat"]
