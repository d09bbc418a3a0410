"""Small helpers shared by the built-in criteria: wording, dates and bounded mappings."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime

from criteria.evidence import PlatformEvidence
from criteria.evidence import names_pattern as evidence_names_pattern

AUDIENCE_FR = {
    "youth": "jeunes",
    "adults": "adultes",
    "seniors": "seniors",
    "students": "étudiants",
    "professionals": "professionnels",
    "families": "familles",
    "associations": "associations",
}


def audience_fr(name: str) -> str:
    return AUDIENCE_FR.get(name, name)


def pct(fraction: float) -> str:
    """A share as a whole percentage, the way reports print it (``76 %``)."""
    return f"{fraction * 100:.0f} %"


def clamp(value: float, low: float = 0.0, high: float = 100.0) -> float:
    return max(low, min(high, value))


def ratio_score(ratio: float) -> float:
    """Map a growth ratio to 0-100: flat = 50, doubling ~ 88, halving ~ 12 (tanh of log2)."""
    if ratio <= 0:
        return 0.0
    return clamp(50.0 + 50.0 * math.tanh(math.log2(ratio)))


def decay(age_days: float, half_life_days: float) -> float:
    """Weight of a piece of evidence ``age_days`` old: halves every ``half_life_days``."""
    return 0.5 ** (max(age_days, 0.0) / half_life_days)


def fact_date(year: int) -> datetime:
    """A cited study is dated by its year only: take the middle of that year."""
    return datetime(year, 7, 1, tzinfo=UTC)


def days_between(earlier: datetime, later: datetime) -> float:
    return (later - earlier).total_seconds() / 86400.0


def newest(*dates: datetime | None) -> datetime | None:
    present = [d for d in dates if d is not None]
    return max(present) if present else None


def names_pattern(platform: PlatformEvidence) -> re.Pattern[str]:
    """The platform's name, slug or aliases as whole words (see :func:`evidence.names_pattern`)."""
    return evidence_names_pattern(platform.info)


def names_platform(platform: PlatformEvidence, title: str) -> bool:
    """Whether ``title`` names the platform, remembered per platform."""
    return platform.names(title)


# A figure said to be for France only ("en France", "in France", "French users").
FRANCE_SCOPE = re.compile(r"\b(en France|in France|France's|français|French)\b", re.IGNORECASE)


def scope_of(title: str) -> str:
    """``fr`` for a figure about France only, ``world`` otherwise: never compare the two."""
    return "fr" if FRANCE_SCOPE.search(title) else "world"
