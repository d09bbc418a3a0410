"""How far back each built-in criterion reads the news, so the engine loads only that.

A ten-year observatory holds about a million signals; reading every one of them to score a
quarter took ~24 s. Each built-in criterion only looks at a window, or at kinds of news whose
weight decays with age, so :func:`signal_needs` turns a profile (its criteria and their options)
into a short list of ``(kinds, days)`` reads that ``criteria.evidence.load_evidence`` runs in SQL
(``published_at`` ranges served by the indexes ``ix_signal_published`` and
``ix_signal_kind_published``).

A criterion that is not listed here (a plug-in) may read anything: the profile then loads the
whole history, as before. Horizons are relative to the evaluation's ``as_of`` and keep a day of
margin: the criteria apply their own exact bounds to what is loaded.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

# Units of the user figures the criteria read (momentum: growth; maturity: scale). Kept here,
# not imported from the criteria, so that loading the horizons never imports a criterion.
USER_UNITS = ("users", "mau", "accounts")
SCALE_UNITS = ("users", "mau", "dau", "accounts")

# Margin added to every horizon: criteria compare ages in fractional days with `>` / `<=`.
MARGIN_DAYS = 1.0

# trust_safety: a story older than TRUST_HALF_LIVES half-lives weighs less than 2**-12 (1/4096)
# of a fresh one, and is left out. Why that is negligible: the score is
# 100 * 2 ** (-load / halving_load), so leaving out a load d moves it by at most
# 100 * ln 2 / halving_load * d, i.e. with the defaults (halving_load 2, half-life 180 days,
# horizon 2,160 days ~ 5.9 years) at most 0.0085 point per story left out. For a platform
# with a steady flow of n stories a year the stories left out total n * 0.71 * 2**-12 of load
# while the score is 100 * 2 ** (-0.355 n): the change is at most 0.009 point whatever n
# (maximum at n ~ 4). The one-decimal score then moves by at most one unit, and only when it
# sits on a rounding boundary (tests/test_criteria_horizons.py checks both bounds). A history
# shorter than the horizon scores exactly as when reading everything; on the ten-year
# benchmark store (1,000,000 signals) every score, total and verdict is unchanged.
TRUST_HALF_LIVES = 12


@dataclass(frozen=True)
class SignalNeed:
    """Signals of ``kinds`` (None: every kind) dated within ``days`` of as_of (None: ever).

    ``units``: only figures (a positive ``value`` in one of these units). ``count_only``: the
    criterion needs only how many signals of every kind are that recent, and the newest date
    (``PlatformEvidence.news_within``), counted in SQL instead of reading the rows; ``days``
    is then exact, without margin.
    """

    kinds: frozenset[str] | None
    days: float | None
    units: frozenset[str] | None = None
    count_only: bool = False
    # Read every item of these kinds of each story read, whatever its date (a story's first
    # date is then that of the whole history).
    whole_stories: bool = False


def _momentum(options: Mapping[str, Any]) -> list[SignalNeed]:
    # Signal volume: two windows of `signal_days`. User figures: the newest milestone figure
    # of a series and the newest one at least 30 days before it, which may be old: every
    # milestone figure (rare: a few a year per platform).
    return [
        SignalNeed(None, 2 * float(options["signal_days"]) + MARGIN_DAYS),
        SignalNeed(frozenset({"milestone"}), None, frozenset(USER_UNITS)),
    ]


def _trust(options: Mapping[str, Any]) -> list[SignalNeed]:
    decayed = TRUST_HALF_LIVES * float(options["half_life_days"])
    return [
        # Any news within `coverage_days` says the platform is covered at all: a count.
        SignalNeed(None, float(options["coverage_days"]), count_only=True),
        SignalNeed(frozenset(options["kinds"]), decayed + MARGIN_DAYS, whole_stories=True),
    ]


def _penalty_days(points: float, half_life: float) -> float:
    """Age after which a penalty of ``points`` decays below the 0.5 point maturity counts: past
    it the story adds nothing (exact, not an approximation)."""
    if points <= 0.5:
        return MARGIN_DAYS
    return half_life * math.log2(points / 0.5) + MARGIN_DAYS


def _maturity(options: Mapping[str, Any]) -> list[SignalNeed]:
    half_life = float(options["half_life_days"])
    shutdown = _penalty_days(float(options["shutdown_penalty"]), half_life)
    outage = _penalty_days(float(options["outage_penalty"]), half_life)
    return [
        # Scale figures: every milestone figure (the newest is used when none is recent) and
        # the number of items telling each (per-platform cluster sizes are counted in SQL).
        SignalNeed(frozenset({"milestone"}), None, frozenset(SCALE_UNITS)),
        SignalNeed(frozenset({"shutdown"}), shutdown),
        SignalNeed(frozenset({"risk"}), outage),
    ]


def _public_service(options: Mapping[str, Any]) -> list[SignalNeed]:
    return [SignalNeed(frozenset({"adoption"}), float(options["adoption_days"]) + MARGIN_DAYS)]


def _none(options: Mapping[str, Any]) -> list[SignalNeed]:
    return []


NEEDS: dict[str, Callable[[Mapping[str, Any]], list[SignalNeed]]] = {
    "momentum": _momentum,
    "trust_safety": _trust,
    "maturity": _maturity,
    "public_service_fit": _public_service,
    "audience_fit": _none,
    "added_value": _none,
    "peer_adoption": _none,
    "openness": _none,
    "effort": _none,
}


def signal_needs(
    criteria: list[str], options: Mapping[str, Mapping[str, Any]]
) -> list[SignalNeed] | None:
    """The signal reads the criteria need; None when one of them is unknown here (read all)."""
    needs: list[SignalNeed] = []
    for name in criteria:
        if name not in NEEDS:
            return None
        needs.extend(NEEDS[name](options.get(name, {})))
    return _merge(needs)


def _within(inner: frozenset[str] | None, outer: frozenset[str] | None) -> bool:
    return outer is None or (inner is not None and inner <= outer)


def _covers(other: SignalNeed, need: SignalNeed) -> bool:
    if other.count_only != need.count_only or need.whole_stories > other.whole_stories:
        return False
    if need.count_only:
        return other.days == need.days
    return (
        _within(need.kinds, other.kinds)
        and _within(need.units, other.units)
        and (other.days is None or (need.days is not None and need.days <= other.days))
    )


def _merge(needs: list[SignalNeed]) -> list[SignalNeed]:
    """Drop reads another one already covers (same or every kind or unit, same or longer
    horizon); figures of one kind asked with two unit lists are read once, with both."""
    figures = [n for n in needs if n.units is not None and not n.count_only]
    if figures:
        needs = [n for n in needs if n not in figures]
        for kinds in {n.kinds for n in figures}:
            same = [n for n in figures if n.kinds == kinds]
            days = None if any(n.days is None for n in same) else max(n.days or 0 for n in same)
            units = frozenset().union(*(n.units or () for n in same))
            needs.append(SignalNeed(kinds, days, units))
    kept: list[SignalNeed] = []
    order = sorted(
        set(needs),
        key=lambda n: (n.count_only, n.kinds is not None, n.units is not None,
                       -(n.days or math.inf)),
    )  # fmt: skip
    for need in order:
        if not any(_covers(other, need) for other in kept):
            kept.append(need)
    return kept
