"""``trust_safety``: recent regulation and risk news, decayed with age (higher is safer).

Each story counts once (signals of one cluster tell the same story) with the weight of its kind,
halved every ``half_life_days``; the score halves for every ``halving_load`` of weighted stories.
No news at all about a platform is not evidence of safety: the criterion is then missing.
"""

from __future__ import annotations

from criteria.builtin._common import days_between, decay
from criteria.evidence import PlatformEvidence, SignalRow
from criteria.horizons import TRUST_CITED_WEIGHT, trust_aggregate_after
from criteria.registry import Context, Result, criterion, missing


def stories(signals: list[SignalRow], kinds: dict[str, float]) -> dict[str, list[SignalRow]]:
    """Regulation and risk signals grouped by story (cluster, else the signal itself)."""
    grouped: dict[str, list[SignalRow]] = {}
    for s in signals:
        if s.kind in kinds:
            grouped.setdefault(s.cluster_id or f"signal:{s.id}", []).append(s)
    return grouped


@criterion(
    "trust_safety",
    reads=("signal",),
    title_fr="Confiance et sécurité",
    title_en="Trust and safety",
    defaults={
        "half_life_days": 180,
        "halving_load": 2.0,
        "coverage_days": 365,
        "kinds": {"regulation": 1.0, "risk": 1.0},
    },
)
def trust_safety(platform: PlatformEvidence, context: Context) -> Result:
    options = context.options
    as_of = context.as_of
    # Counted in SQL on a large store: only the count and the newest date are needed.
    news, newest = platform.news_within(float(options["coverage_days"]), as_of)
    if not news:
        return missing(
            f"Aucun article collecté sur ce réseau depuis {options['coverage_days']} jours : "
            "l'absence d'incident n'est pas établie.",
            f"No news collected about this network in {options['coverage_days']} days: "
            "absence of incidents is not established.",
        )
    kinds = dict(options["kinds"])
    half_life = float(options["half_life_days"])
    load = 0.0
    cited: list[str] = []
    counted = 0
    # On a large store, the stories too old to be cited are summed by the loader (same
    # weights); only younger ones are read as rows.
    key = (frozenset(kinds), half_life, trust_aggregate_after(kinds, half_life))
    old = platform.old_stories.get(key)
    for story in stories(platform.of_kinds(kinds), kinds).values():
        first = min(story, key=lambda s: s.date)
        if old is not None and first.date < old.before:
            continue  # summed in `old`
        weight = kinds[first.kind] * decay(days_between(first.date, as_of), half_life)
        load += weight
        counted += 1
        if weight >= TRUST_CITED_WEIGHT:
            cited.extend(f"signal:{s.id}" for s in story)
    if old is not None:
        for kind, (count, decayed) in old.by_kind.items():
            load += kinds[kind] * decayed
            counted += count
    score = 100.0 * 0.5 ** (load / float(options["halving_load"]))
    fr = (
        f"{counted} affaire(s) de régulation ou de risque, pesées par leur ancienneté "
        f"(demi-vie {half_life:.0f} jours) : charge {load:.2f} ; le score est divisé par deux "
        f"toutes les {options['halving_load']} affaires récentes."
    )
    en = (
        f"{counted} regulation or risk stor(ies), weighted by age (half-life {half_life:.0f} "
        f"days): load {load:.2f}; the score halves for every {options['halving_load']} recent "
        "stories."
    )
    dated = [context.evidence.signals_by_id[int(e.split(":")[1])].date for e in cited]
    return Result(
        score,
        fr,
        en,
        evidence=tuple(cited),
        observed_at=max(dated) if dated else newest,
        detail={"load": round(load, 4), "stories": counted, "news_in_window": news},
    )
