"""The per-platform signal index gives exactly what filtering every signal gives.

Criteria read their kinds (``PlatformEvidence.of_kinds``) and date windows
(``PlatformEvidence.dated_between``) through an index instead of filtering every loaded signal;
scores stay identical only if both return the same signals in the same order as the filter,
including on equal dates, on window bounds, out of date order and after more signals arrive.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from criteria.evidence import PlatformEvidence, PlatformInfo, SignalRow

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
KINDS = ("other", "risk", "regulation", "milestone", "adoption")


def _platform(signals: list[SignalRow]) -> PlatformEvidence:
    info = PlatformInfo("bluesky", "Bluesky", (), "watching", None, None, None, None, "atproto",
                        None)  # fmt: skip
    return PlatformEvidence(info, signals=signals)


def _signals(rng: random.Random, count: int, *, ordered: bool) -> list[SignalRow]:
    # Whole days only, so that many signals share a date and fall exactly on window bounds.
    rows = [
        SignalRow(n, "bluesky", rng.choice(KINDS), f"story {n}", None,
                  NOW - timedelta(days=rng.randrange(-3, 400)), None, None, None, None)
        for n in range(count)
    ]  # fmt: skip
    if ordered:
        rows.sort(key=lambda s: (s.date, s.id))
    return rows


@pytest.mark.parametrize("ordered", [True, False])
def test_of_kinds_and_dated_between_equal_the_plain_filters(ordered: bool) -> None:
    rng = random.Random(11)
    signals = _signals(rng, 600, ordered=ordered)
    platform = _platform(signals)
    for kinds in (("risk",), ("regulation", "risk"), ("milestone", "nothing"), (), KINDS):
        assert platform.of_kinds(kinds) == [s for s in signals if s.kind in kinds]
    for after_days, until_days in ((90, 0), (180, 90), (30, -10), (0, 0), (500, 450)):
        after, until = NOW - timedelta(days=after_days), NOW - timedelta(days=until_days)
        expected = [s for s in signals if after < s.date <= until]
        assert platform.dated_between(after, until) == expected
    # Bounds that are signals' own dates: `after` is excluded, `until` included.
    some = signals[len(signals) // 3].date
    assert platform.dated_between(some, some) == []
    assert platform.dated_between(some - timedelta(seconds=1), some) == [
        s for s in signals if s.date == some
    ]
    # An empty window (after past until) is empty, as the filter is.
    assert platform.dated_between(NOW, NOW - timedelta(days=30)) == []


def test_the_index_follows_signals_added_or_replaced_after_first_use() -> None:
    rng = random.Random(5)
    signals = _signals(rng, 50, ordered=True)
    platform = _platform(list(signals[:20]))
    assert platform.of_kinds(KINDS) == signals[:20]
    platform.signals.extend(signals[20:])
    assert platform.of_kinds(("risk",)) == [s for s in signals if s.kind == "risk"]
    window = (NOW - timedelta(days=200), NOW)
    assert platform.dated_between(*window) == [s for s in signals if window[0] < s.date <= NOW]
    platform.signals = list(reversed(signals))  # out of date order: filtered, not searched
    assert platform.dated_between(*window) == [
        s for s in reversed(signals) if window[0] < s.date <= NOW
    ]


def test_names_platform_answers_as_the_pattern_and_remembers_per_platform() -> None:
    from criteria.builtin._common import names_pattern, names_platform

    platform = _platform([])
    titles = ["Bluesky passes 30 M users", "bluesky: 2 M in France", "Blueskyish app grows",
              "Mastodon passes 10 M", "", "A city joins BLUESKY"]  # fmt: skip
    pattern = names_pattern(platform)
    for _ in range(2):  # the second pass answers from the memo
        assert [names_platform(platform, t) for t in titles] == [
            pattern.search(t) is not None for t in titles
        ]
    assert names_platform(platform, "Bluesky") is True
    other = PlatformEvidence(PlatformInfo("x", "X", ("Twitter",), "watching", None, None, None,
                                          None, "centralised", None))  # fmt: skip
    # Memos are per platform: the same title is judged by each platform's own names.
    assert names_platform(other, titles[0]) is False
    assert names_platform(other, "Twitter outage") is True
