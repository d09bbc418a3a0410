"""``public_service_fit``: is the platform fit for a public body's communication?

Two kinds of evidence only, never an invented rating: cited facts about institutional features
(keys listed in ``[criteria.public_service_fit] fact_keys``: a share, or yes/no), and the balance
of institutions announcing that they join or leave the platform in recent adoption news.
"""

from __future__ import annotations

import re
from functools import lru_cache

from criteria.builtin._common import days_between, fact_date, newest
from criteria.evidence import FactRow, PlatformEvidence, SignalRow
from criteria.registry import Context, Result, criterion, missing

YES = {"yes", "oui", "true", "1"}
NO = {"no", "non", "false", "0"}
LEAVE_VERBS = (
    r"quitt\w*|leav\w*|left|abandon\w*|désert\w*|ferm\w* (?:son|sa|leur) compte (?:sur )?"
    r"|exode (?:de|d')|exodus from|départ (?:de|d')|suspend\w* (?:son|sa|leur) compte (?:sur )?"
)
JOIN_VERBS = (
    r"rejoin\w*|join\w*|arriv\w* sur|débarqu\w* sur|s'install\w* sur|lanc\w* (?:son|sa|un|une) "
    r"(?:compte|chaîne|page) (?:sur )?|ouvr\w* (?:un|son|une|sa) (?:compte|chaîne|page) (?:sur )?"
    r"|moves? to|migr\w* (?:vers|to)|(?:pour|for|vers) (?:le réseau )?"
)


@lru_cache(maxsize=512)
def _patterns(aliases: tuple[str, ...]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    names = "|".join(re.escape(a) for a in sorted(aliases, key=len, reverse=True))
    tail = rf"(?:le réseau |la plateforme |the )?(?:{names})(?![\w-])"
    return (
        re.compile(rf"\b(?:{LEAVE_VERBS})\s*{tail}", re.IGNORECASE),
        re.compile(rf"\b(?:{JOIN_VERBS})\s*{tail}", re.IGNORECASE),
    )


def adoption_direction(signal: SignalRow, aliases: tuple[str, ...]) -> int:
    """+1 when the news says institutions join this platform, -1 when they leave it, 0 unclear."""
    leave, join = _patterns(aliases)
    text = signal.title
    leaves, joins = bool(leave.search(text)), bool(join.search(text))
    if leaves == joins:
        return 0
    return 1 if joins else -1


def fact_score(fact: FactRow) -> float | None:
    if fact.number is not None and 0.0 <= fact.number <= 1.0:
        return fact.number * 100.0
    value = fact.value.strip().lower()
    if value in YES:
        return 100.0
    if value in NO:
        return 0.0
    return None


@criterion(
    "public_service_fit",
    reads=("fact", "signal"),
    title_fr="Adéquation au service public",
    title_en="Public-service fit",
    defaults={
        "fact_keys": [
            "verified_institutions",
            "institutional_accounts",
            "accessibility",
            "moderation_tools",
            "ad_free",
        ],
        "adoption_days": 365,
    },
)
def public_service_fit(platform: PlatformEvidence, context: Context) -> Result:
    options = context.options
    keys = set(options["fact_keys"])
    parts: list[float] = []
    fr, en, evidence, dates = [], [], [], []
    for fact in platform.facts:
        score = fact_score(fact) if fact.key in keys else None
        if score is None:
            continue
        parts.append(score)
        fr.append(f"{fact.key} : {fact.value} ({fact.publisher} {fact.year})")
        en.append(f"{fact.key}: {fact.value} ({fact.publisher} {fact.year})")
        evidence.append(f"fact:{fact.ref}")
        dates.append(fact_date(fact.year))
    aliases = tuple({platform.info.name, *platform.info.aliases})
    joins = leaves = 0
    for s in platform.of_kinds(("adoption",)):
        if s.kind != "adoption" or days_between(s.date, context.as_of) > options["adoption_days"]:
            continue
        direction = adoption_direction(s, aliases)
        if direction:
            joins += direction > 0
            leaves += direction < 0
            evidence.append(f"signal:{s.id}")
            dates.append(s.date)
    if joins or leaves:
        parts.append(50.0 + 50.0 * (joins - leaves) / (joins + leaves))
        fr.append(f"institutions annonçant y arriver : {joins}, le quitter : {leaves}")
        en.append(f"institutions announcing they join: {joins}, leave: {leaves}")
    if not parts:
        return missing(
            "Ni fait cité sur les fonctions institutionnelles, ni annonce d'arrivée ou de départ "
            "d'institutions.",
            "No cited fact on institutional features and no institution joining or leaving.",
        )
    return Result(
        sum(parts) / len(parts),
        "Service public : " + "; ".join(fr) + ".",
        "Public service: " + "; ".join(en) + ".",
        evidence=tuple(evidence),
        observed_at=newest(*dates),
        detail={"joins": joins, "leaves": leaves, "facts": len(parts) - bool(joins or leaves)},
    )
