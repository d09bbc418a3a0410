"""The JSON form of an evaluation (DESIGN.md's ``score`` shape plus what reports need)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from criteria.confidence import label
from watch.clock import isoformat

if TYPE_CHECKING:
    from criteria.engine import Evaluation, PlatformScore

REASONS = {
    "score": (
        "selon le score et les seuils du profil",
        "from the score and the profile's thresholds",
    ),
    "knockout": ("imposé par une règle éliminatoire", "forced by a knock-out rule"),
    "join_requires_evidence": (
        "plafonné à « pilot » : des éléments requis pour rejoindre manquent",
        "capped at pilot: evidence required to join is missing",
    ),
    "insufficient_evidence": (
        "trop peu d'éléments pour trancher : en veille",
        "too little evidence to decide: kept under watch",
    ),
}
# Why a `join` was capped at `pilot`, per missing criterion of [verdicts] require_for_join.
REQUIRED_FOR_JOIN = {
    "audience_fit": (
        "aucune part d'audience citée : expérimenter avant de rejoindre",
        "no cited audience share: pilot before joining",
    ),
    "added_value": (
        "aucune part d'audience citée pour estimer les publics gagnés : expérimenter avant de "
        "rejoindre",
        "no cited audience share to estimate the audiences gained: pilot before joining",
    ),
}


def verdict_explanations(row: PlatformScore) -> tuple[str, str]:
    """Why this verdict, in French and English."""
    if row.verdict_reason != "join_requires_evidence":
        return REASONS[row.verdict_reason]
    from criteria.registry import registry

    known = registry()
    fr, en = [], []
    for name in row.unmet:
        if name in REQUIRED_FOR_JOIN:
            text_fr, text_en = REQUIRED_FOR_JOIN[name]
        else:
            title_fr = known[name].title_fr if name in known else name
            title_en = known[name].title_en if name in known else name
            text_fr = f"aucun élément cité pour « {title_fr} » : expérimenter avant de rejoindre"
            text_en = f'no cited evidence for "{title_en}": pilot before joining'
        fr.append(text_fr)
        en.append(text_en)
    lead_fr = f"le score ({row.total:.2f}) atteint le seuil « rejoindre », mais "
    lead_en = f"the score ({row.total:.2f}) reaches the join threshold, but "
    return lead_fr + " ; ".join(dict.fromkeys(fr)), lead_en + "; ".join(dict.fromkeys(en))


def evaluation_dict(evaluation: Evaluation, lang: str) -> dict[str, Any]:
    from criteria.engine import ENGINE_VERSION

    profile = evaluation.profile
    platforms = [
        _platform_dict(row, rank, evaluation, lang)
        for rank, row in enumerate(evaluation.platforms, start=1)
    ]
    cited = sorted({e for p in platforms for c in p["criteria"].values() for e in c["evidence"]})
    return {
        "profile": profile.name,
        "profile_origin": profile.origin,
        "engine_version": ENGINE_VERSION,
        "as_of": isoformat(evaluation.as_of),
        "created_at": isoformat(evaluation.now),
        "lang": lang,
        "method": profile.method_dict(),
        "weights": dict(profile.weights),
        "audiences": dict(profile.audiences),
        "thresholds": dict(profile.thresholds),
        "knockout_rules": [rule.to_dict() for rule in profile.knockouts],
        "derogations": profile.derogations,
        "platforms": platforms,
        "evidence": {e: evaluation.evidence.describe(e) for e in cited},
        "warnings": list(profile.warnings),
        "errors": list(evaluation.errors),
    }


def _platform_dict(
    row: PlatformScore, rank: int, evaluation: Evaluation, lang: str
) -> dict[str, Any]:
    profile = evaluation.profile
    counted = {
        n: (profile.missing_score if s is None else s) if profile.missing == "penalise" else s
        for n, s in row.scores.items()
    }
    weight_sum = sum(profile.weights[n] for n, s in counted.items() if s is not None)
    criteria = {}
    for name, result in row.results.items():
        weight = profile.weights[name]
        score = row.scores[name]
        entered = counted[name]
        share = weight / weight_sum if weight_sum and entered is not None else 0.0
        contribution = None
        if entered is not None and profile.method == "weighted_mean":
            contribution = round(share * entered, 2)
        criteria[name] = {
            "score": score,
            "weight": weight,
            "weight_share": round(share, 4),
            "contribution": contribution,
            "missing": score is None,
            "scored_as": entered,
            "explanation": result.explanation_fr if lang == "fr" else result.explanation_en,
            "explanation_fr": result.explanation_fr,
            "explanation_en": result.explanation_en,
            "evidence": list(result.evidence),
            "detail": _plain(dict(result.detail)),
        }
    reason_fr, reason_en = verdict_explanations(row)
    return {
        "platform": row.slug,
        "name": row.name,
        "status": row.status,
        "rank": rank,
        "total": row.total,
        "score": row.total,
        "verdict": row.verdict,
        "verdict_reason": row.verdict_reason,
        "verdict_explanation": reason_fr if lang == "fr" else reason_en,
        "verdict_explanation_fr": reason_fr,
        "verdict_explanation_en": reason_en,
        "score_verdict": row.score_verdict,
        "requirements_unmet": list(row.unmet),
        "confidence": row.confidence,
        "confidence_label": label(row.confidence),
        "confidence_detail": row.confidence_detail,
        "criteria_coverage": round(row.coverage, 3),
        "stability": row.stability,
        "flip": row.flip.to_dict() if row.flip else None,
        "knockouts": [hit.to_dict(lang) for hit in row.knockouts],
        "derogations": [{"id": hit.rule.id, "text": hit.derogation} for hit in row.waived],
        "missing": row.missing,
        "criteria": criteria,
    }


def _plain(value: Any) -> Any:
    """JSON-safe copy of a criterion's detail (numpy numbers, tuples, rounded floats)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, float):
        return round(value, 4)
    if hasattr(value, "item"):
        return _plain(value.item())
    return value
