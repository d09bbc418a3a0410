"""The criteria engine's evaluation, normalised for the report, and moves between editions.

The engine's JSON (DESIGN.md's score shape plus extras) becomes plain dicts with texts in both
languages; :func:`movement` compares a platform with the previous edition's saved run.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reports.safety import safe_url

VERDICT_ORDER = {
    "join": 3,
    "pilot": 2,
    "watch": 1,
    "decline": 0,
    "keep": 2,
    "reduce": 1,
    "leave": 0,
}
SAME_BAND = 1.0  # points out of 100 under which a total has not really moved


def bilingual(value: Any, *, fr: Any = None, en: Any = None) -> dict[str, str]:
    """Normalise a text given as a string, a {fr, en} dict or two separate values."""
    if fr or en:
        return {"fr": str(fr or en), "en": str(en or fr)}
    if value is None:
        return {}
    if isinstance(value, Mapping):
        if "fr" in value or "en" in value:
            return {
                "fr": str(value.get("fr") or value.get("en")),
                "en": str(value.get("en") or value.get("fr")),
            }
        for key in ("explanation", "reason", "message", "text", "rule", "name"):
            if key in value or f"{key}_fr" in value:
                return bilingual(
                    value.get(key), fr=value.get(f"{key}_fr"), en=value.get(f"{key}_en")
                )
        return {"fr": str(dict(value)), "en": str(dict(value))}
    return {"fr": str(value), "en": str(value)}


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _criteria(platform: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The criteria of one platform as rows; a missing score stays None, never 0."""
    rows = []
    for name, raw in (platform.get("criteria") or {}).items():
        raw = raw if isinstance(raw, Mapping) else {"score": raw}
        rows.append(
            {
                "name": name,
                "score": _number(raw.get("score")),
                "weight": _number(raw.get("weight")) or 0.0,
                "contribution": _number(raw.get("contribution")),
                "explanation": bilingual(
                    raw.get("explanation"),
                    fr=raw.get("explanation_fr"),
                    en=raw.get("explanation_en"),
                ),
                "evidence": list(raw.get("evidence") or []),
            }
        )
    return rows


def movement(current: Mapping[str, Any], previous: Mapping[str, Any] | None) -> dict[str, Any]:
    """new / up / down / same against the previous edition: a verdict change wins, else the total.

    A total within :data:`SAME_BAND` points is "same": a decimal of noise is not news for a
    council.
    """
    if previous is None:
        return {"kind": "new", "delta": None, "previous_verdict": None, "previous_total": None}
    total, before = _number(current.get("total")), _number(previous.get("total"))
    delta = None if total is None or before is None else round(total - before, 1)
    kind = "same"
    verdict, old = current.get("verdict"), previous.get("verdict")
    same_family = (verdict in ("keep", "reduce", "leave")) == (old in ("keep", "reduce", "leave"))
    if verdict != old and same_family and verdict in VERDICT_ORDER and old in VERDICT_ORDER:
        kind = "up" if VERDICT_ORDER[verdict] > VERDICT_ORDER[old] else "down"
    elif delta is not None and abs(delta) >= SAME_BAND:
        kind = "up" if delta > 0 else "down"
    return {"kind": kind, "delta": delta, "previous_verdict": old, "previous_total": before}


def _rule(raw: Any) -> dict[str, Any]:
    """A knock-out or a derogation: its reason in both languages and its cited source."""
    if not isinstance(raw, Mapping):
        return {"text": bilingual(raw), "source": None, "url": None}
    text = bilingual(
        raw.get("text") or raw.get("reason"), fr=raw.get("reason_fr"), en=raw.get("reason_en")
    )
    return {"text": text, "source": raw.get("source"), "url": safe_url(raw.get("url"))}


def platform_scores(evaluation: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One dict per platform, in the engine's order (highest total first), ranks from 1."""
    platforms = []
    for rank, raw in enumerate(evaluation.get("platforms") or [], start=1):
        platforms.append(
            {
                "slug": raw["platform"],
                "rank": rank,
                "name": raw.get("name"),
                "status": raw.get("status"),
                "total": _number(raw.get("total")),
                "verdict": raw.get("verdict") or "watch",
                "confidence": _number(raw.get("confidence")),
                "stability": _number(raw.get("stability")),
                "verdict_reason": raw.get("verdict_reason") or "score",
                "confidence_label": raw.get("confidence_label"),
                "knockouts": [_rule(k) for k in raw.get("knockouts") or []],
                "derogations": [_rule(k) for k in raw.get("derogations") or []],
                "flip": raw.get("flip"),
                "missing": [str(m) for m in raw.get("missing") or []],
                "explanation": bilingual(
                    raw.get("explanation") or raw.get("verdict_explanation"),
                    fr=raw.get("explanation_fr") or raw.get("verdict_explanation_fr"),
                    en=raw.get("explanation_en") or raw.get("verdict_explanation_en"),
                ),
                "criteria": _criteria(raw),
            }
        )
    return platforms
