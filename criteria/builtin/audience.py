"""``audience_fit`` and ``added_value``: who in France uses the platform, from cited facts.

Only ``audience_share`` facts count (share of an age group using the platform). When several
studies cover one audience, the profile's age-group order picks the study (e.g. youth = 16-25
first), then the most recent year: one definition per audience keeps platforms comparable.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from criteria.builtin._common import audience_fr, fact_date, newest, pct
from criteria.evidence import FactRow, PlatformEvidence
from criteria.registry import Context, Result, criterion, missing


def pick_shares(
    facts: Iterable[FactRow],
    audiences: Mapping[str, float],
    age_groups: Mapping[str, tuple[str, ...]],
) -> dict[str, FactRow]:
    """The audience-share fact used for each target audience (absent when none is cited)."""
    chosen: dict[str, FactRow] = {}
    for fact in facts:
        audience = fact.audience
        if fact.key != "audience_share" or fact.number is None or audience is None:
            continue
        if audiences.get(audience, 0.0) <= 0:
            continue
        current = chosen.get(audience)
        if current is None or _preference(fact, age_groups) < _preference(current, age_groups):
            chosen[audience] = fact
    return chosen


def _preference(fact: FactRow, age_groups: Mapping[str, tuple[str, ...]]) -> tuple:
    order = age_groups.get(fact.audience or "", ())
    rank = order.index(fact.age_group) if fact.age_group in order else len(order)
    return (rank, -fact.year, fact.ref)


def _cite(fact: FactRow) -> str:
    return f"{fact.age_group}, {fact.publisher} {fact.year}"


def _targets(context: Context) -> dict[str, float]:
    return {a: p for a, p in context.audiences.items() if p > 0}


@criterion(
    "audience_fit",
    reads=("fact",),
    title_fr="Adéquation aux publics cibles",
    title_en="Audience fit",
)
def audience_fit(platform: PlatformEvidence, context: Context) -> Result:
    """Priority-weighted mean share of each target audience using the platform in France."""
    targets = _targets(context)
    shares = pick_shares(platform.facts, targets, context.age_groups)
    if not shares:
        return missing(
            "Aucune part d'audience citée pour les publics cibles en France.",
            "No cited audience share for the target audiences in France.",
        )
    weight = sum(targets[a] for a in shares)
    score = sum(targets[a] * f.number for a, f in shares.items() if f.number) / weight * 100
    parts_fr = [f"{audience_fr(a)} {pct(f.number or 0)} ({_cite(f)})" for a, f in shares.items()]
    parts_en = [f"{a} {pct(f.number or 0)} ({_cite(f)})" for a, f in shares.items()]
    without = [a for a in targets if a not in shares]
    fr = "Part des publics cibles qui l'utilisent en France : " + "; ".join(parts_fr) + "."
    en = "Share of each target audience using it in France: " + "; ".join(parts_en) + "."
    if without:
        fr += " Sans donnée citée : " + ", ".join(audience_fr(a) for a in without) + "."
        en += " No cited figure for: " + ", ".join(without) + "."
    return Result(
        score,
        fr,
        en,
        evidence=tuple(f"fact:{f.ref}" for f in shares.values()),
        observed_at=newest(*(fact_date(f.year) for f in shares.values())),
        detail={
            "shares": {a: f.number for a, f in shares.items()},
            "audiences_without_facts": without,
        },
    )


@criterion(
    "added_value",
    reads=("fact", "status"),
    title_fr="Valeur ajoutée (publics non touchés)",
    title_en="Added value (audiences not yet reached)",
)
def added_value(platform: PlatformEvidence, context: Context) -> Result:
    """Share of each target audience the platform reaches and the joined platforms do not.

    Assumes use of one network is independent of use of another (no cited overlap data exists),
    so the share reached by none of the joined networks is the product of their non-use.
    """
    targets = _targets(context)
    own = pick_shares(platform.facts, targets, context.age_groups)
    if not own:
        return missing(
            "Aucune part d'audience citée : impossible d'estimer ce qu'il ajouterait.",
            "No cited audience share: cannot estimate what it would add.",
        )
    others = [
        context.evidence.platforms[slug]
        for slug in context.evidence.joined
        if slug != platform.slug
    ]
    other_shares = {p.slug: pick_shares(p.facts, targets, context.age_groups) for p in others}
    evidence = [f"fact:{f.ref}" for f in own.values()]
    new_by_audience: dict[str, float] = {}
    parts_fr, parts_en, blind = [], [], set()
    for audience, fact in own.items():
        unreached = 1.0
        for slug, shares in other_shares.items():
            if audience in shares:
                unreached *= 1.0 - (shares[audience].number or 0.0)
                evidence.append(f"fact:{shares[audience].ref}")
            else:
                blind.add(slug)
        new = (fact.number or 0.0) * unreached
        new_by_audience[audience] = new
        parts_fr.append(f"{audience_fr(audience)} {pct(new)} (déjà touchés : {pct(1 - unreached)})")
        parts_en.append(f"{audience} {pct(new)} (already reached: {pct(1 - unreached)})")
    weight = sum(targets[a] for a in own)
    score = sum(targets[a] * v for a, v in new_by_audience.items()) / weight * 100
    joined_names = ", ".join(p.info.name for p in others) or "aucun"
    joined_en = ", ".join(p.info.name for p in others) or "none"
    fr = (
        f"Part des publics cibles touchés par ce réseau et par aucun des réseaux déjà rejoints "
        f"({joined_names}) : " + "; ".join(parts_fr) + ". Hypothèse : l'usage d'un réseau est "
        "indépendant de l'usage des autres (aucune donnée citée sur les recoupements)."
    )
    en = (
        f"Share of the target audiences reached by this network and by none of the joined ones "
        f"({joined_en}): " + "; ".join(parts_en) + ". Assumption: use of one network is "
        "independent of use of the others (no cited overlap data)."
    )
    if blind:
        names = ", ".join(sorted(context.evidence.platforms[s].info.name for s in blind))
        fr += f" Sans part citée pour {names} : compté comme ne touchant pas ce public."
        en += f" No cited share for {names}: counted as not reaching that audience."
    return Result(
        score,
        fr,
        en,
        evidence=tuple(dict.fromkeys(evidence)),
        observed_at=newest(*(fact_date(f.year) for f in own.values())),
        detail={"new_reach": new_by_audience, "joined": [p.slug for p in others]},
    )
