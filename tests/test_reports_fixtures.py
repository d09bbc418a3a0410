"""Data for the report tests: evidence written through the store, and evaluations in the shape
of ``criteria.engine.Evaluation.to_dict()`` (notes/interface-criteria.md).

The evaluations here are synthetic on purpose: the report tests check how a given evaluation is
shown, independently of how the criteria engine scores; the CLI tests use the real engine.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import select

from watch.models import Metric, Peer, PeerPresence, Platform, Signal, Source
from watch.store import Store

NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
CRITERIA = (
    "audience_fit", "added_value", "momentum", "peer_adoption", "maturity",
    "public_service_fit", "trust_safety", "openness", "effort",
)  # fmt: skip
HOSTILE_TITLE = '<script>alert("t")</script><img src=x onerror=alert(1)> Threads <b>bold</b>'
HOSTILE_SUMMARY = (
    '<iframe src="https://evil.example/x"></iframe><a href="javascript:alert(2)">x</a>'
)


def _number(slug: str, salt: str, low: float, high: float) -> float:
    digest = hashlib.sha256(f"{slug}:{salt}".encode()).digest()
    return round(low + (high - low) * digest[0] / 255, 1)


def seed_evidence(
    store: Store, slugs: list[str], *, now: datetime = NOW, hostile: bool = False
) -> None:
    """Sources, signals, monthly metrics and peer presences for ``slugs``."""
    with store.session() as session:
        session.add(
            Source(
                id="news-fr",
                kind="feed",
                url="https://news.example/feed",
                title="News FR",
                last_fetched_at=now - timedelta(hours=3),
                last_status=200,
            )
        )
        session.add(
            Source(
                id="broken",
                kind="feed",
                url="https://broken.example/rss",
                last_fetched_at=now - timedelta(hours=2),
                last_status=500,
                last_error="HTTP 500 Internal Server Error <b>oops</b>",
                error_count=3,
            )
        )
        session.add(
            Source(
                id="wiki",
                kind="pageviews",
                url="https://wikimedia.example/{project}/{article}/{start}/{end}",
            )
        )
        peers = [
            Peer(
                name=f"Ville {i}",
                population=20000 + i * 1000,
                homepage=f"https://ville{i}.example/",
            )
            for i in range(4)
        ]
        session.add_all(peers)
        session.flush()
        for index, slug in enumerate(slugs):
            for n in range(3 + index % 4):
                published = now - timedelta(days=9 * n + index)
                title = f"{slug} news {n}"
                url = f"https://news.example/{slug}/{n}"
                summary = f"Summary {n} about {slug}."
                if hostile and n == 0:
                    title, summary, url = (
                        HOSTILE_TITLE,
                        HOSTILE_SUMMARY,
                        "javascript:alert(document.cookie)",
                    )
                session.add(
                    Signal(
                        platform=slug,
                        kind=("launch", "risk", "adoption", "feature")[n % 4],
                        title=title,
                        url=url,
                        summary=summary,
                        published_at=published,
                        fetched_at=published,
                        source_id="news-fr",
                        fingerprint=f"{slug}-{n}",
                    )
                )
            for month in range(12):
                day = datetime(2025, 12, 1, tzinfo=UTC) + timedelta(days=31 * month)
                period = f"{day.year}-{day.month:02d}"
                views = 1000 + 50 * month * (index % 5 + 1)
                session.add(
                    Metric(
                        platform=slug,
                        metric="pageviews.fr",
                        value=views,
                        period=period,
                        observed_at=now,
                        source_id="wiki",
                    )
                )
                session.add(
                    Metric(
                        platform=slug,
                        metric="pageviews.en",
                        value=views * 3,
                        period=period,
                        observed_at=now,
                        source_id="wiki",
                    )
                )
                if index % 2 == 0:
                    session.add(
                        Metric(
                            platform=slug,
                            metric="app_rank.fr",
                            value=10 + (month * 7 + index) % 40,
                            period=period,
                            observed_at=now,
                        )
                    )
            for peer in peers[: index % 5]:
                session.add(
                    PeerPresence(
                        peer_id=peer.id,
                        platform=slug,
                        seen_at=now,
                        first_seen_at=now,
                        account_url=f"https://{slug}.example/@{peer.name.replace(' ', '')}",
                    )
                )


def evaluation_for(
    store: Store, slugs: list[str], *, now: datetime = NOW, shift: float = 0.0
) -> dict[str, Any]:
    """A synthetic evaluation of ``slugs``; ``shift`` moves every total (for movement tests)."""
    with store.session() as session:
        platforms = {p.slug: p for p in session.exec(select(Platform)).all()}
    weights = {name: 1.0 + (i % 3) for i, name in enumerate(CRITERIA)}
    rows = []
    for slug in slugs:
        criteria = {}
        for name in CRITERIA:
            score = _number(slug, name, 10, 95)
            criteria[name] = {
                "score": score,
                "weight": weights[name],
                "explanation_fr": f"{name} : note {score}",
                "explanation_en": f"{name}: score {score}",
                "evidence": [f"signal:{len(slug)}"],
            }
        total_weight = sum(weights.values())
        for item in criteria.values():
            item["contribution"] = round(item["weight"] / total_weight * item["score"], 2)
        total = round(min(100.0, sum(c["contribution"] for c in criteria.values()) + shift), 2)
        joined = platforms[slug].status == "joined"
        if joined:
            verdict = "keep" if total >= 55 else "reduce" if total >= 40 else "leave"
        else:
            verdict = (
                "join"
                if total >= 62
                else "pilot"
                if total >= 55
                else "watch"
                if total >= 45
                else "decline"
            )
        rows.append(
            {
                "platform": slug,
                "name": platforms[slug].name,
                "status": platforms[slug].status,
                "total": total,
                "verdict": verdict,
                "confidence": _number(slug, "conf", 0.2, 0.95),
                "stability": _number(slug, "stab", 0.5, 1.0),
                "flip": {
                    "criterion": "momentum",
                    "from": 1.0,
                    "to": 1.6,
                    "change": 0.6,
                    "relative": 0.6,
                    "verdict": "pilot",
                }
                if len(slug) % 2
                else None,
                "knockouts": [
                    {
                        "id": "fr-state-ban",
                        "reason_fr": "Interdit sur les téléphones des agents de l'État",
                        "reason_en": "Banned on State agents' phones",
                    }
                ]
                if slug == "tiktok"
                else [],
                "missing": ["public_service_fit"] if len(slug) % 3 == 0 else [],
                "explanation_fr": f"{platforms[slug].name} : synthèse.",
                "explanation_en": f"{platforms[slug].name}: summary.",
                "criteria": criteria,
            }
        )
    rows.sort(key=lambda r: (-r["total"], r["platform"]))
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
    return {
        "profile": "default",
        "engine_version": "1",
        "as_of": "2026-11-26T15:00:00Z",
        "created_at": "2026-11-26T15:00:00Z",
        "lang": "fr",
        "method": {"aggregation": "weighted_mean", "missing": "exclude"},
        "weights": weights,
        "audiences": {"youth": 2.0, "adults": 1.0, "seniors": 1.0},
        "thresholds": {"join": 62.0, "pilot": 55.0, "watch": 45.0, "keep": 55.0, "reduce": 40.0},
        "platforms": rows,
        "evidence": {},
    }
