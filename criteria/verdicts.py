"""Verdicts from totals and thresholds, and the knock-out rules checked before any weighing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from criteria.profiles import Knockout, Profile

NEW_LEVELS = ("decline", "watch", "pilot", "join")
JOINED_LEVELS = ("leave", "reduce", "keep")


def levels(joined: bool) -> tuple[str, ...]:
    """Verdicts from worst to best for a platform the city is (not) on."""
    return JOINED_LEVELS if joined else NEW_LEVELS


def cutoffs(thresholds: Mapping[str, float], joined: bool) -> tuple[float, ...]:
    """Ascending lower bounds of every verdict but the worst."""
    if joined:
        return (thresholds["reduce"], thresholds["keep"])
    return (thresholds["watch"], thresholds["pilot"], thresholds["join"])


def level_of(total: float, thresholds: Mapping[str, float], joined: bool) -> int:
    return sum(1 for cut in cutoffs(thresholds, joined) if total >= cut)


def verdict_for(total: float, thresholds: Mapping[str, float], joined: bool) -> str:
    return levels(joined)[level_of(total, thresholds, joined)]


def bounds(
    level: int, thresholds: Mapping[str, float], joined: bool, top: int | None = None
) -> tuple[float, float]:
    """The interval [low, high) of totals that keep verdict ``level``.

    ``top`` is the best level reachable (a capped platform cannot go above ``pilot``): at that
    level any higher total keeps the verdict.
    """
    cuts = cutoffs(thresholds, joined)
    low = cuts[level - 1] if level > 0 else float("-inf")
    high = cuts[level] if level < len(cuts) and level != top else float("inf")
    return low, high


PILOT_LEVEL = NEW_LEVELS.index("pilot")


def unmet_requirements(
    required: Sequence[str], scores: Mapping[str, float | None], joined: bool
) -> list[str]:
    """Criteria a ``join`` needs evidence on and that have none (never for a joined platform:
    keep/reduce/leave judge a presence the city already has)."""
    if joined:
        return []
    return [name for name in required if scores.get(name) is None]


def top_level(joined: bool, unmet: Sequence[str]) -> int:
    """The best verdict level reachable: ``pilot`` while a requirement for ``join`` is unmet."""
    return PILOT_LEVEL if unmet and not joined else len(levels(joined)) - 1


@dataclass(frozen=True)
class KnockoutHit:
    rule: Knockout
    derogation: str | None

    def to_dict(self, lang: str) -> dict[str, object]:
        reason = self.rule.reason_fr if lang == "fr" else self.rule.reason_en
        return {
            "id": self.rule.id, "reason": reason, "reason_fr": self.rule.reason_fr,
            "reason_en": self.rule.reason_en, "source": self.rule.source, "url": self.rule.url,
            "year": self.rule.year, "verdict": self.rule.verdict,
            "verdict_joined": self.rule.verdict_joined, "derogation": self.derogation,
        }  # fmt: skip


def knockouts_for(
    profile: Profile, slug: str, scores: Mapping[str, float | None]
) -> tuple[list[KnockoutHit], list[KnockoutHit]]:
    """(active, waived) knock-outs of one platform; a criterion floor needs a real score."""
    active: list[KnockoutHit] = []
    waived: list[KnockoutHit] = []
    for rule in profile.knockouts:
        if rule.platforms:
            hit = slug in rule.platforms
        else:
            score = scores.get(rule.criterion or "")
            hit = score is not None and rule.below is not None and score < rule.below
        if not hit:
            continue
        derogation = profile.derogations.get(rule.id, {}).get(slug)
        (waived if derogation else active).append(KnockoutHit(rule, derogation))
    return active, waived


def forced_verdict(hits: list[KnockoutHit], joined: bool) -> str:
    """The harshest verdict among the active knock-outs."""
    order = levels(joined)
    chosen = [h.rule.verdict_joined if joined else h.rule.verdict for h in hits]
    return min(chosen, key=order.index)
