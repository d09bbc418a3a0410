"""Builders of in-memory evidence for the criteria tests (no database needed)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import lru_cache
from itertools import count

from criteria.evidence import (
    EvidenceSet,
    FactRow,
    MetricRow,
    PlatformEvidence,
    PlatformInfo,
    PresenceRow,
    SignalRow,
    period_end,
)
from criteria.profiles import Profile, load_profile
from criteria.registry import Context, Result, get

AS_OF = datetime(2026, 10, 1, tzinfo=UTC)
_ids = count(1)


def info(slug: str = "p", **overrides: object) -> PlatformInfo:
    values = {
        "slug": slug, "name": slug.title(), "aliases": (slug.title(),), "status": "watching",
        "category": "social", "launched": 2016, "owner": None, "hq_country": "US",
        "protocol": "proprietary", "reference_url": None,
    }  # fmt: skip
    values.update(overrides)
    return PlatformInfo(**values)  # type: ignore[arg-type]


def share(platform: str, audience: str, number: float, age_group: str = "16-25",
          year: int = 2025) -> FactRow:  # fmt: skip
    return FactRow(
        f"{platform}.{audience}.{age_group}.{year}.{next(_ids)}", platform, "audience_share",
        audience, age_group, f"{number:.0%}", number, "Test study", "Study", year,
        "https://example.org/study", "medium",
    )  # fmt: skip


def signal(platform: str, kind: str, days_ago: float, title: str = "news", *,
           value: float | None = None, unit: str | None = None,
           cluster: str | None = None) -> SignalRow:  # fmt: skip
    return SignalRow(
        next(_ids), platform, kind, title, "https://example.org/n",
        AS_OF - timedelta(days=days_ago), "feed", value, unit, cluster,
    )  # fmt: skip


def metric(platform: str, name: str, period: str, value: float | None,
           in_chart: bool = True) -> MetricRow:  # fmt: skip
    return MetricRow(
        next(_ids), platform, name, value, period, period_end(period, AS_OF), "", "src", in_chart
    )


def presence(platform: str, peer_id: int) -> PresenceRow:
    return PresenceRow(next(_ids), peer_id, f"Ville {peer_id}", platform,
                       f"https://example.org/{peer_id}", AS_OF - timedelta(days=10))  # fmt: skip


def evidence_set(*platforms: PlatformEvidence, peers: int = 0) -> EvidenceSet:
    signals = {s.id: s for p in platforms for s in p.signals}
    metrics = {m.id: m for p in platforms for rows in p.metrics.values() for m in rows}
    clusters: dict[str, int] = {}
    for s in signals.values():
        if s.cluster_id:
            clusters[s.cluster_id] = clusters.get(s.cluster_id, 0) + 1
    return EvidenceSet(
        as_of=AS_OF,
        platforms={p.slug: p for p in platforms},
        peers_total=peers,
        cluster_sizes=clusters,
        signals_by_id=signals,
        metrics_by_id=metrics,
        facts_by_ref={f.ref: f for p in platforms for f in p.facts},
        presences_by_id={r.id: r for p in platforms for r in p.presences},
    )


@lru_cache(maxsize=32)
def _profile(audiences: tuple[tuple[str, float], ...]) -> Profile:
    return load_profile(None, audiences=dict(audiences) or None)


def run_criterion(
    name: str,
    platform: PlatformEvidence,
    *others: PlatformEvidence,
    peers: int = 0,
    audiences: dict[str, float] | None = None,
) -> Result:
    profile = _profile(tuple(sorted((audiences or {}).items())))
    targets = audiences if audiences is not None else profile.audiences
    context = Context(
        evidence_set(platform, *others, peers=peers),
        profile.options[name],
        {**{a: 0.0 for a in profile.audiences}, **targets},
        profile.age_groups,
    )
    return get(name).score(platform, context)
