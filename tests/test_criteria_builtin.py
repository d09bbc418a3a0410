"""Each default criterion on small, hand-made evidence: parametrized tables and properties."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from criteria.evidence import PlatformEvidence
from tests.criteria_helpers import (
    info,
    metric,
    presence,
    run_criterion,
    share,
    signal,
)


def with_(slug: str = "p", **kwargs: object) -> PlatformEvidence:
    fields = {k: kwargs.pop(k) for k in ("facts", "signals", "metrics", "presences") if k in kwargs}
    return PlatformEvidence(info(slug, **kwargs), **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("facts", "audiences", "expected"),
    [
        ([("youth", 0.76)], {"youth": 1.0}, 76.0),
        ([("youth", 0.76), ("adults", 0.40)], {"youth": 1.0, "adults": 1.0}, 58.0),
        ([("youth", 0.76), ("adults", 0.40)], {"youth": 3.0, "adults": 1.0}, 67.0),
        ([("youth", 0.76), ("adults", 0.40)], {"adults": 1.0}, 40.0),
        ([("adults", 0.40)], {"youth": 1.0}, None),
        ([], {"youth": 1.0, "adults": 1.0}, None),
    ],
)
def test_audience_fit_is_the_priority_weighted_share(facts, audiences, expected) -> None:
    platform = with_(
        facts=[share("p", a, n, "16-25" if a == "youth" else "16-64") for a, n in facts]
    )
    result = run_criterion("audience_fit", platform, audiences=audiences)
    assert result.score == (None if expected is None else pytest.approx(expected))
    if expected is None:
        assert result.explanation_en
        assert not result.evidence


def test_audience_fit_prefers_the_profile_age_group_over_a_newer_study() -> None:
    facts = [share("p", "youth", 0.30, "11-14", 2026), share("p", "youth", 0.60, "16-25", 2024)]
    result = run_criterion("audience_fit", with_(facts=facts), audiences={"youth": 1.0})
    assert result.score == pytest.approx(60.0)
    assert result.evidence == (f"fact:{facts[1].ref}",)


@pytest.mark.parametrize(
    ("own", "joined", "expected"),
    [
        (0.8, [], 80.0),
        (0.8, [0.5], 40.0),
        (0.8, [0.5, 0.5], 20.0),
        (0.0, [0.5], 0.0),
    ],
)
def test_added_value_assumes_independent_use(own, joined, expected) -> None:
    others = [
        with_(f"j{i}", status="joined", facts=[share(f"j{i}", "youth", s)])
        for i, s in enumerate(joined)
    ]
    platform = with_(facts=[share("p", "youth", own)])
    result = run_criterion("added_value", platform, *others, audiences={"youth": 1.0})
    assert result.score == pytest.approx(expected)
    assert "independent" in result.explanation_en
    assert "indépendant" in result.explanation_fr


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        (100, 100, 50.0),
        (100, 200, 50 + 50 * math.tanh(1)),
        (200, 100, 50 - 50 * math.tanh(1)),
    ],
)
def test_momentum_reads_pageview_growth(before, after, expected) -> None:
    months = ["2026-04", "2026-05", "2026-06", "2026-07", "2026-08", "2026-09"]
    rows = [
        metric("p", "pageviews.fr", m, before if i < 3 else after) for i, m in enumerate(months)
    ]
    result = run_criterion("momentum", with_(metrics={"pageviews.fr": rows}))
    assert result.score == pytest.approx(expected)
    assert len(result.evidence) == 6


def test_momentum_without_any_reading_is_missing() -> None:
    assert run_criterion("momentum", with_()).score is None


def test_momentum_treats_outside_the_chart_as_below_the_lowest_rank() -> None:
    rows = [metric("p", "app_rank.fr", f"2026-0{m}-15", 10.0) for m in (4, 5)]
    rows += [metric("p", "app_rank.fr", f"2026-0{m}-15", None, in_chart=False) for m in (7, 8)]
    result = run_criterion("momentum", with_(metrics={"app_rank.fr": rows}))
    assert result.score is not None
    assert result.score < 50
    assert result.detail["ratios"]["app_rank.fr"] == pytest.approx(10 / 11, abs=1e-4)


@pytest.mark.parametrize(
    ("present", "peers", "expected"), [(3, 4, 75.0), (0, 4, 0.0), (0, 0, None)]
)
def test_peer_adoption_is_the_share_of_peers_present(present, peers, expected) -> None:
    platform = with_(presences=[presence("p", i) for i in range(present)])
    assert run_criterion("peer_adoption", platform, peers=peers).score == expected


@pytest.mark.parametrize(
    ("signals", "expected"),
    [
        ([], None),
        ([("feature", 10)], 100.0),
        ([("regulation", 0)], 100 * 0.5**0.5),
        ([("risk", 180)], 100 * 0.5**0.25),
        ([("risk", 0), ("regulation", 0)], 50.0),
    ],
)
def test_trust_safety_decays_regulation_and_risk_news(signals, expected) -> None:
    platform = with_(signals=[signal("p", k, d) for k, d in signals])
    result = run_criterion("trust_safety", platform)
    assert result.score == (None if expected is None else pytest.approx(expected))


def test_trust_safety_counts_a_story_told_twice_once() -> None:
    twice = [signal("p", "risk", 0, cluster="c1"), signal("p", "risk", 0, cluster="c1")]
    once = [signal("p", "risk", 0)]
    assert run_criterion("trust_safety", with_(signals=twice)).score == pytest.approx(
        run_criterion("trust_safety", with_(signals=once)).score
    )


@pytest.mark.parametrize(
    ("protocol", "country", "expected"),
    [("activitypub", "DE", 100.0), ("atproto", "US", 37.5), ("proprietary", "US", 0.0),
     ("proprietary", "FR", 50.0), ("proprietary", None, 0.0)],
)  # fmt: skip
def test_openness_from_protocol_and_jurisdiction(protocol, country, expected) -> None:
    result = run_criterion("openness", with_(protocol=protocol, hq_country=country))
    assert result.score == pytest.approx(expected)


@pytest.mark.parametrize(("category", "expected"), [("video", 25.0), ("messaging", 70.0),
                                                    (None, None), ("hologram", None)])  # fmt: skip
def test_effort_is_a_stated_profile_assumption_per_category(category, expected) -> None:
    result = run_criterion("effort", with_(category=category))
    assert result.score == expected
    if expected is not None:
        assert "profile" in result.explanation_en


@pytest.mark.parametrize(
    ("launched", "signals", "expected"),
    [
        (2021, [], 50.0),
        (2010, [], 100.0),
        (2010, [("shutdown", 0, "X ferme")], 50.0),
        (2010, [("risk", 0, "Panne géante")], 90.0),
        (None, [], None),
    ],
)
def test_maturity_from_age_and_stability_news(launched, signals, expected) -> None:
    platform = with_(launched=launched, signals=[signal("p", k, d, t) for k, d, t in signals])
    result = run_criterion("maturity", platform)
    assert result.score == (None if expected is None else pytest.approx(expected))


@pytest.mark.parametrize(
    ("titles", "expected"),
    [
        (["Le département du Nord quitte P et rejoint Bluesky"], 0.0),
        (["La ville de Lyon rejoint P"], 100.0),
        (["Lyon rejoint P", "Paris quitte P"], 50.0),
        (["P change son logo"], None),
    ],
)
def test_public_service_fit_reads_institutions_joining_or_leaving(titles, expected) -> None:
    platform = with_(signals=[signal("p", "adoption", 5, t) for t in titles])
    assert run_criterion("public_service_fit", platform).score == expected


# ---------------------------------------------------------------- properties

shares = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(low=shares, high=shares)
def test_audience_fit_is_in_range_and_monotone_in_the_share(low: float, high: float) -> None:
    low, high = sorted((low, high))
    a = run_criterion("audience_fit", with_(facts=[share("p", "youth", low)]),
                      audiences={"youth": 1.0})  # fmt: skip
    b = run_criterion("audience_fit", with_(facts=[share("p", "youth", high)]),
                      audiences={"youth": 1.0})  # fmt: skip
    assert a.score is not None
    assert b.score is not None
    assert 0 <= a.score <= b.score <= 100


@settings(max_examples=40, deadline=None)
@given(peers=st.integers(1, 40), present=st.integers(0, 40))
def test_peer_adoption_is_monotone_in_presences(peers: int, present: int) -> None:
    present = min(present, peers)
    scores = [
        run_criterion(
            "peer_adoption", with_(presences=[presence("p", i) for i in range(n)]), peers=peers
        ).score  # fmt: skip
        for n in (present, min(present + 1, peers))
    ]
    assert 0 <= scores[0] <= scores[1] <= 100


@settings(max_examples=40, deadline=None)
@given(ages=st.lists(st.floats(0, 2000), min_size=1, max_size=8))
def test_trust_safety_never_rises_with_one_more_risk_story(ages: list[float]) -> None:
    base = [signal("p", "feature", 1)] + [signal("p", "risk", a) for a in ages[1:]]
    more = base + [signal("p", "risk", ages[0])]
    before = run_criterion("trust_safety", with_(signals=base)).score
    after = run_criterion("trust_safety", with_(signals=more)).score
    assert before is not None
    assert after is not None
    assert 0 <= after <= before <= 100


@settings(max_examples=40, deadline=None)
@given(before=st.floats(1, 1e6), growth=st.floats(1.0, 50.0))
def test_momentum_rises_with_recent_pageviews(before: float, growth: float) -> None:
    months = ["2026-04", "2026-05", "2026-06", "2026-07", "2026-08", "2026-09"]

    def score(after: float) -> float:
        rows = [metric("p", "pageviews.fr", m, before if i < 3 else after)
                for i, m in enumerate(months)]  # fmt: skip
        value = run_criterion("momentum", with_(metrics={"pageviews.fr": rows})).score
        assert value is not None
        return value

    assert 0 <= score(before) <= score(before * growth) <= 100


KINDS = ("launch", "feature", "milestone", "adoption", "regulation", "risk", "business",
         "shutdown", "other")  # fmt: skip
METRICS = ("pageviews.fr", "pageviews.en", "app_rank.fr", "users.total", "users.active_month")


@st.composite
def random_platform(draw: st.DrawFn) -> PlatformEvidence:
    facts = [
        share(
            "p",
            draw(st.sampled_from(["youth", "adults", "seniors"])),
            draw(shares),
            draw(st.sampled_from(["16-25", "16-64", "11-14", "65+"])),
        )  # fmt: skip
        for _ in range(draw(st.integers(0, 4)))
    ]
    signals = [
        signal(
            "p",
            draw(st.sampled_from(KINDS)),
            draw(st.floats(-5, 3000)),
            draw(st.sampled_from(["Panne", "Paris quitte P", "Lyon rejoint P", "news"])),
            value=draw(st.none() | st.floats(-10, 1e10)),
            unit=draw(st.sampled_from([None, "users", "mau"])),
            cluster=draw(st.sampled_from([None, "a", "b"])),
        )  # fmt: skip
        for _ in range(draw(st.integers(0, 12)))
    ]
    metrics: dict = {}
    for _ in range(draw(st.integers(0, 10))):
        name = draw(st.sampled_from(METRICS))
        if name == "app_rank.fr":
            period = f"2026-{draw(st.integers(1, 9)):02d}-{draw(st.integers(1, 28)):02d}"
        else:
            period = f"{draw(st.integers(2024, 2026))}-{draw(st.integers(1, 12)):02d}"
        value = draw(st.none() | st.floats(-10, 1e9))
        metrics.setdefault(name, []).append(metric("p", name, period, value, value is not None))
    for rows in metrics.values():
        rows.sort(key=lambda m: (m.end, m.id))
    return with_(
        facts=facts, signals=signals, metrics=metrics,
        presences=[presence("p", i) for i in range(draw(st.integers(0, 5)))],
        launched=draw(st.none() | st.integers(1990, 2030)),
        category=draw(st.sampled_from([None, "video", "social", "odd"])),
        protocol=draw(st.sampled_from(["activitypub", "atproto", "proprietary"])),
        hq_country=draw(st.sampled_from([None, "FR", "US", "de"])),
    )  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(platform=random_platform(), joined=random_platform())
def test_every_criterion_scores_in_range_or_says_missing(platform, joined) -> None:
    from criteria.builtin import DEFAULT_CRITERIA

    other = PlatformEvidence(info("j", status="joined"), facts=joined.facts)
    for name in DEFAULT_CRITERIA:
        result = run_criterion(name, platform, other, peers=5)
        assert result.score is None or 0.0 <= result.score <= 100.0
        assert result.explanation_fr
        assert result.explanation_en
        if result.score is None:
            assert not result.evidence
