"""Everything a report shows, assembled from the store into plain, language-neutral dicts.

Rendering (HTML, Markdown, charts) is a pure function of this structure, so the same data and
clock always give the same report. Texts that exist in two languages are ``{"fr": ..., "en":
...}`` dicts; texts from the web stay raw here and are escaped by the renderers.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlmodel import select

from reports import evidence
from reports.adapters import candidates_view, decisions_view, previous_report
from reports.quarters import Quarter
from reports.safety import safe_url
from reports.scores import movement, platform_scores
from watch.models import Platform
from watch.store import Store


def assemble(
    store: Store,
    evaluation: Mapping[str, Any],
    *,
    quarter: Quarter,
    now: datetime,
    as_of: datetime,
    city: Mapping[str, Any],
    sample: bool = False,
    version: str = "",
) -> dict[str, Any]:
    """The report's content for one quarter, from an evaluation (DESIGN.md's score JSON).

    ``now`` is the report's clock (the edition date); ``as_of`` bounds the evidence shown.
    """
    scores = platform_scores(evaluation)
    slugs = [p["slug"] for p in scores]
    previous = previous_report(store, quarter.label)
    with store.session() as session:
        known = {p.slug: p for p in session.exec(select(Platform)).all()}
        signals, counts = evidence.signals(session, slugs, as_of, evidence.cited_signals(scores))
        metrics = evidence.metrics(session, slugs, as_of)
        facts = evidence.facts(session, slugs)
        peer_total, peers = evidence.peers(session, slugs)
        sources = evidence.sources(session)
    for platform in scores:
        slug = platform["slug"]
        row = known.get(slug)
        platform["name"] = platform["name"] or (row.name if row else slug)
        platform["status"] = platform["status"] or (row.status if row else "watching")
        platform["joined"] = platform["status"] == "joined" or platform["verdict"] in (
            "keep",
            "reduce",
            "leave",
        )
        platform["reference_url"] = safe_url(row.reference_url) if row else None
        platform["movement"] = movement(
            platform, previous["platforms"].get(slug) if previous else None
        )
        platform["signals"] = signals.get(slug, [])
        platform["signal_count"] = counts.get(slug, 0)
        platform["metrics"] = metrics.get(slug, {})
        platform["facts"] = facts.get(slug, [])
        present = peers.get(slug, [])
        platform["peers"] = {
            "present": len(present),
            "total": peer_total,
            "share": len(present) / peer_total if peer_total else None,
            "accounts": present,
        }
    review_by = quarter.last_day
    return {
        "city": dict(city),
        "quarter": quarter.label,
        "quarter_start": quarter.start.date(),
        "quarter_end": quarter.last_day,
        "now": now.astimezone(UTC),
        "as_of": as_of.astimezone(UTC),
        "sample": sample,
        "version": version,
        "profile": {
            "name": evaluation.get("profile") or "default",
            "weights": dict(evaluation.get("weights") or {}),
            "audiences": dict(evaluation.get("audiences") or {}),
            "thresholds": dict(evaluation.get("thresholds") or {}),
            "method": dict(evaluation.get("method") or {}),
            "engine_version": evaluation.get("engine_version")
            or (evaluation.get("method") or {}).get("engine_version"),
        },
        "previous": previous,
        "run_id": None,
        "platforms": scores,
        "audience_matrix": evidence.audience_matrix(scores),
        "decisions": decisions_view(store, review_by),
        "candidates": evidence.candidates(candidates_view(store, as_of)),
        "sources": sources,
        "missing": [{"platform": p["name"], "items": p["missing"]} for p in scores if p["missing"]],
        "warnings": [str(w) for w in evaluation.get("warnings") or []],
        "errors": [str(e) for e in evaluation.get("errors") or []],
    }
