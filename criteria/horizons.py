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
# Words of an outage headline (maturity). The criterion matches them as whole words, ASCII
# letters in any case; the store is asked for titles containing one of them (SQL LIKE, also
# ASCII case-insensitive), a superset of what the criterion keeps.
OUTAGE_WORDS = ("panne", "outage", "down", "indisponible", "inaccessible", "coupure")

# trust_safety cites a story while it weighs at least a quarter of a fresh one (two half-lives,
# a year with the defaults); older stories count in its load without being listed, and are
# summed in SQL instead of read (criteria/builtin/trust.py).
TRUST_CITED_WEIGHT = 0.25

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
    # Only titles containing one of these words (ASCII case-insensitive): a superset filter,
    # the criterion applies its own exact pattern.
    title_words: frozenset[str] | None = None
    # Figures: a platform with no figure naming it dated within ``fallback_days`` of as_of gets
    # every figure of its history (a criterion then falls back on the newest one ever).
    fallback_days: float | None = None
    # With ``whole_stories``: stories whose first item is more than ``aggregate_after`` days
    # old are not read but summed (per platform and kind of their first item: how many, and
    # the sum of their weights ``0.5 ** (age / half_life)``) into
    # ``PlatformEvidence.old_stories``; only younger stories are read as rows.
    aggregate_after: float | None = None
    half_life: float | None = None

    @property
    def read_days(self) -> float | None:
        """How far back rows are read (the rest of an aggregated need is summed)."""
        return self.aggregate_after if self.aggregate_after is not None else self.days


def _momentum(options: Mapping[str, Any]) -> list[SignalNeed]:
    # User figures: the newest milestone figure of a series, at most `stale_days` old, and the
    # newest one 30 to `span_days` days before it.
    figures = float(options["stale_days"]) + float(options["span_days"]) + MARGIN_DAYS
    days = float(options["signal_days"])
    return [
        # Signal volume: how many news items in the last one and two windows (counts).
        SignalNeed(None, days, count_only=True),
        SignalNeed(None, 2 * days, count_only=True),
        SignalNeed(frozenset({"milestone"}), figures, frozenset(USER_UNITS)),
    ]


def trust_cited_days(kinds: Mapping[str, float], half_life: float) -> float:
    """Age beyond which no trust story can be cited (its weight is below
    TRUST_CITED_WEIGHT whatever its kind): older stories only add to the load."""
    heaviest = max((float(w) for w in kinds.values()), default=0.0)
    if heaviest <= TRUST_CITED_WEIGHT:
        return 0.0
    return half_life * math.log2(heaviest / TRUST_CITED_WEIGHT)


def trust_aggregate_after(kinds: Mapping[str, float], half_life: float) -> float:
    """Age (days, with margin) from which trust stories are summed by the loader, not read."""
    cited = trust_cited_days(kinds, half_life) + MARGIN_DAYS
    return min(cited, TRUST_HALF_LIVES * half_life + MARGIN_DAYS)


def _trust(options: Mapping[str, Any]) -> list[SignalNeed]:
    half_life = float(options["half_life_days"])
    decayed = TRUST_HALF_LIVES * half_life
    kinds = dict(options["kinds"])
    return [
        # Any news within `coverage_days` says the platform is covered at all: a count.
        SignalNeed(None, float(options["coverage_days"]), count_only=True),
        # Stories that can be cited are read; older ones, weighed only, are summed in SQL.
        SignalNeed(frozenset(kinds), decayed + MARGIN_DAYS, whole_stories=True,
                   aggregate_after=trust_aggregate_after(kinds, half_life), half_life=half_life),
    ]  # fmt: skip


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
    window = float(options["figure_days"]) + MARGIN_DAYS
    return [
        # Scale figures of the window, and the number of items telling each (per-platform
        # cluster sizes are counted in SQL); every figure of a platform with none recent (the
        # newest is then used).
        SignalNeed(
            frozenset({"milestone"}),
            window,
            frozenset(SCALE_UNITS),
            fallback_days=float(options["figure_days"]),
        ),  # fmt: skip
        SignalNeed(frozenset({"shutdown"}), shutdown),
        SignalNeed(frozenset({"risk"}), outage, title_words=frozenset(OUTAGE_WORDS)),
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


# Metrics a criterion reads over a window only (daily series: ten years of daily App Store ranks
# are 3,650 rows per platform); every other metric is read whole.
METRIC_WINDOWS: dict[str, Callable[[Mapping[str, Any]], dict[str, float]]] = {
    # momentum compares the last two `rank_days` windows of a series whose newest value is at
    # most `stale_days` old; "outside the chart" is one place below the largest rank ever
    # seen, the older part of it taken as a maximum in SQL.
    "momentum": lambda o: {
        "app_rank.fr": float(o["stale_days"]) + 2 * float(o["rank_days"]) + MARGIN_DAYS
    },
}


def metric_windows(
    criteria: list[str], options: Mapping[str, Mapping[str, Any]]
) -> dict[str, float] | None:
    """Days of each windowed metric the criteria read (the longest asked); None when one of
    the criteria is unknown here (read every metric whole)."""
    windows: dict[str, float] = {}
    for name in criteria:
        if name not in NEEDS:
            return None
        for metric, days in METRIC_WINDOWS.get(name, lambda o: {})(options.get(name, {})).items():
            windows[metric] = max(windows.get(metric, 0.0), days)
    return windows


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
    if need.aggregate_after is not None or other.title_words is not None:
        return False  # an aggregate is computed from its own read; a filtered read is partial
    if need.fallback_days is not None and other.days is not None:
        return False  # only a read of the whole history covers a fallback
    days = other.read_days
    return (
        _within(need.kinds, other.kinds)
        and _within(need.units, other.units)
        and (days is None or (need.days is not None and need.days <= days))
    )


def _merge(needs: list[SignalNeed]) -> list[SignalNeed]:
    """Drop reads another one already covers (same or every kind or unit, same or longer
    horizon); figures of one kind asked with two unit lists are read once, with both (and the
    fallback of the one whose units include the others')."""
    figures = [n for n in needs if n.units is not None and not n.count_only]
    if figures:
        needs = [n for n in needs if n not in figures]
        for kinds in {n.kinds for n in figures}:
            same = [n for n in figures if n.kinds == kinds]
            days = None if any(n.days is None for n in same) else max(n.days or 0 for n in same)
            units = frozenset().union(*(n.units or () for n in same))
            fallbacks = [n for n in same if n.fallback_days is not None]
            if not fallbacks:
                needs.append(SignalNeed(kinds, days, units))
            elif len(fallbacks) == 1 and fallbacks[0].units == units:
                # A figure "within F days" of the union of units is one of these units.
                needs.append(
                    SignalNeed(kinds, days, units, fallback_days=fallbacks[0].fallback_days)
                )
            else:
                needs.extend(same)
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
