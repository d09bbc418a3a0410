"""A digital officer's objections to the first engine, each pinned by a test.

1. A platform with no cited audience must not be recommended for joining (capped at pilot).
2. ``maturity`` must not read its scale from a misleading small figure.
3. The evidence listed per criterion stays short, and what is left out is counted.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from criteria.citations import limit_evidence
from criteria.engine import evaluate
from criteria.evidence import PlatformEvidence
from criteria.output import summary_lines
from criteria.profiles import load_profile
from criteria.registry import Result
from tests.criteria_helpers import evidence_set, info, metric, run_criterion, signal
from watch.errors import InputError
from watch.models import Fact, Peer, PeerPresence, Signal
from watch.workspace import Workspace

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def with_(slug: str = "p", **kwargs: object) -> PlatformEvidence:
    fields = {k: kwargs.pop(k) for k in ("facts", "signals", "metrics", "presences") if k in kwargs}
    return PlatformEvidence(info(slug, **kwargs), **fields)  # type: ignore[arg-type]


# ------------------------------------------------------------ 2. maturity's scale figure


def _milestone(days_ago: float, value: float, title: str, cluster: str | None = None):
    return signal("p", "milestone", days_ago, title, value=value, unit="accounts",
                  cluster=cluster)  # fmt: skip


def test_a_misleading_small_latest_figure_does_not_set_an_established_platforms_scale() -> None:
    """The Facebook case: the newest "figure" is a city's channel passing 8,000 subscribers."""
    big = _milestone(200, 3.0e9, "P passes 3 billion monthly users")
    small = _milestone(5, 8000, "Canicule : la chaîne P de la ville de Valmont dépasse 8 000")
    result = run_criterion("maturity", with_(launched=2004, signals=[big, small]))
    assert result.detail["figure"]["value"] == 3.0e9
    assert result.detail["figure"]["evidence"] == f"signal:{big.id}"
    assert [f["value"] for f in result.detail["set_aside"]] == [8000]
    assert result.score == 100.0  # age 100 and scale 100, not dragged down by 8,000
    assert "8 000" in result.explanation_fr
    assert "invraisemblables" in result.explanation_fr
    assert "3 000 000 000" in result.explanation_fr
    assert f"signal:{big.id}" in result.key_evidence


def test_a_figure_about_another_network_is_ignored() -> None:
    other = _milestone(5, 35e6, "Instagram compte 35 millions d'utilisateurs en France")
    result = run_criterion("maturity", with_(launched=2004, signals=[other]))
    assert "figure" not in result.detail
    assert result.detail["not_naming_platform"] == [f"signal:{other.id}"]
    assert result.score == 100.0  # age alone
    assert "ne nomment pas P" in result.explanation_fr


@pytest.mark.parametrize(
    ("launched", "figures", "expected", "set_aside"),
    [
        # A young network may really have 8,000 users: the figure is credible.
        (2025, [(5, 8000, None)], 8000, []),
        # Not established, but 250 times below its other figure: set aside.
        (2024, [(100, 5e6, None), (5, 20_000, None)], 5e6, [20_000]),
        # A story told by two items beats a larger single claim.
        (2010, [(3, 3e9, None), (40, 35e6, "c1"), (41, 35e6, "c1")], 35e6, []),
        # Nothing in the last two years: the newest credible figure, said to be old.
        (2010, [(900, 2e6, None), (1000, 9e6, None)], 2e6, []),
    ],
)
def test_scale_figure_choice(launched, figures, expected, set_aside) -> None:
    signals = [_milestone(d, v, f"P reaches {v:.0f} users", c) for d, v, c in figures]
    result = run_criterion("maturity", with_(launched=launched, signals=signals))
    assert result.detail["figure"]["value"] == expected
    assert [f["value"] for f in result.detail["set_aside"]] == set_aside
    if figures[0][0] >= 900:
        assert result.detail["figure"]["in_window"] is False
        assert "dernier chiffre connu" in result.explanation_fr


def test_a_cited_study_of_two_years_ago_is_in_the_window() -> None:
    from criteria.evidence import FactRow

    fact = FactRow("p.visitors.2024", "p", "monthly_visitors", None, None, "≈ 50 M", 50e6,
                   "Arcom", "Observatoire", 2024, "https://example.org/arcom", "high")  # fmt: skip
    result = run_criterion("maturity", with_(launched=2004, facts=[fact]))
    assert result.detail["figure"] == {
        "value": 50e6, "evidence": "fact:p.visitors.2024", "vouched": True, "in_window": True,
    }  # fmt: skip
    assert "étude citée" in result.explanation_fr


# ------------------------------------------------------------ 3. evidence listed per criterion


def test_limit_lists_the_figures_and_the_newest_news_and_counts_the_rest() -> None:
    news = [signal("p", "feature", d) for d in range(50)]  # days ago 0..49
    old_figure = signal("p", "milestone", 300, "P reaches 1M", value=1e6, unit="users")
    metrics = [metric("p", "pageviews.fr", f"2026-0{m}", 10.0) for m in (4, 5, 6)]
    platform = with_(signals=[*news, old_figure], metrics={"pageviews.fr": metrics})
    ids = (*(f"metric:{m.id}" for m in metrics), f"signal:{old_figure.id}",
           *(f"signal:{s.id}" for s in news))  # fmt: skip
    result = Result(50.0, "Tendance.", "Trend.", evidence=ids,
                    key_evidence=(f"signal:{old_figure.id}",))  # fmt: skip
    limited = limit_evidence(result, evidence_set(platform), 20)
    assert len(limited.evidence) == 20
    assert set(ids[:4]) <= set(limited.evidence)  # metrics and the key figure always listed
    listed_news = [e for e in limited.evidence if e in {f"signal:{s.id}" for s in news}]
    assert listed_news == [f"signal:{s.id}" for s in news[:16]]  # the 16 newest
    omitted = limited.detail["evidence_not_listed"]
    assert omitted["count"] == 34
    assert omitted["of"] == 54
    assert omitted["kinds"] == {"signal": 34}
    assert omitted["to"] == news[16].date.date().isoformat()
    assert omitted["from"] == news[-1].date.date().isoformat()
    assert "34 autres non listés" in limited.explanation_fr
    assert "34 more not listed" in limited.explanation_en
    assert limit_evidence(result, evidence_set(platform), 0) is result
    assert limit_evidence(result, evidence_set(platform), 60) is result


# ------------------------------------------------------------ 1. join needs cited audience


@pytest.fixture
def ws(workspace: Path) -> Workspace:
    return Workspace.load(workspace)


def _strong_mastodon_without_audience(ws: Workspace) -> None:
    """Everything but an audience share: news, institutions joining, every peer city on it."""
    store = ws.open_store()
    with store.session() as session:
        for i in range(12):
            session.add(Signal(platform="mastodon", kind="feature",
                               title=f"Mastodon ajoute la fonction {i}",
                               published_at=NOW - timedelta(days=2 + i * 5),
                               fingerprint=f"m-feature-{i}"))  # fmt: skip
        for i, city in enumerate(("Lyon", "Grenoble", "Strasbourg")):
            session.add(Signal(platform="mastodon", kind="adoption",
                               title=f"La ville de {city} rejoint Mastodon",
                               published_at=NOW - timedelta(days=10 + i),
                               fingerprint=f"m-adoption-{i}"))  # fmt: skip
        peers = [Peer(name=f"Ville {i}", homepage=f"https://ville{i}.example",
                      created_at=NOW - timedelta(days=30)) for i in range(4)]  # fmt: skip
        session.add_all(peers)
        session.flush()
        for peer in peers:
            session.add(PeerPresence(peer_id=peer.id, platform="mastodon",
                                     account_url=f"https://mastodon.example/@v{peer.id}",
                                     first_seen_at=NOW - timedelta(days=20)))  # fmt: skip
    store.dispose()


def _evaluate(ws: Workspace, profile_text: str | None = None) -> dict:
    if profile_text is None:
        profile = load_profile(ws)
    else:
        path = ws.root / "custom.toml"
        path.write_text(profile_text, encoding="utf-8")
        profile = load_profile(ws, str(path))
    return evaluate(ws.open_store(), profile, now=NOW).to_dict()


def _mastodon(ws: Workspace, profile_text: str | None = None) -> dict:
    data = _evaluate(ws, profile_text)
    return next(p for p in data["platforms"] if p["platform"] == "mastodon")


def test_a_join_without_cited_audience_is_capped_at_pilot(ws: Workspace) -> None:
    _strong_mastodon_without_audience(ws)
    data = _evaluate(ws)
    capped = next(p for p in data["platforms"] if p["platform"] == "mastodon")
    assert any(
        line.startswith("  mastodon: pilot, le score") and "expérimenter avant de rejoindre" in line
        for line in summary_lines(data)
    )  # said under the table too, not only in the JSON
    uncapped = _mastodon(ws, "[verdicts]\nrequire_for_join = []\n")
    assert uncapped["verdict"] == "join"
    assert uncapped["verdict_reason"] == "score"
    assert capped["total"] == uncapped["total"] >= 65  # the total is untouched
    counted = [c for c in capped["criteria"].values() if c["score"] is not None]
    expected = sum(c["weight"] * c["score"] for c in counted) / sum(c["weight"] for c in counted)
    assert capped["total"] == round(expected, 2)
    assert capped["verdict"] == "pilot"
    assert capped["verdict_reason"] == "join_requires_evidence"
    assert capped["score_verdict"] == "join"
    assert capped["requirements_unmet"] == ["audience_fit"]
    assert (
        "aucune part d'audience citée : expérimenter avant de rejoindre"
        in (capped["verdict_explanation_fr"])
    )
    assert "pilot before joining" in capped["verdict_explanation_en"]
    # Only a fall below the pilot threshold changes a capped verdict.
    assert capped["flip"] is None or capped["flip"]["verdict"] == "watch"
    assert capped["stability"] == 1.0
    # Coverage counts criteria (7 of 9): it must not depend on the weights (see default.toml).
    assert capped["criteria_coverage"] == pytest.approx(7 / 9, abs=0.001)
    assert capped["confidence_detail"]["coverage"] == pytest.approx(9 / 14, abs=0.001)


def test_a_cited_audience_share_lifts_the_cap(ws: Workspace) -> None:
    _strong_mastodon_without_audience(ws)
    store = ws.open_store()
    with store.session() as session:
        for audience, group in (("youth", "16-25"), ("adults", "16-64"), ("seniors", "65+")):
            session.add(Fact(ref=f"mastodon.audience_share.{group}.test", platform="mastodon",
                             key="audience_share", audience=audience, age_group=group,
                             value="90 %", number=0.9, source="test", publisher="Test study",
                             year=2025, url="https://example.org/study"))  # fmt: skip
    store.dispose()
    item = _mastodon(ws)
    assert item["verdict"] == "join"
    assert item["verdict_reason"] == "score"
    assert item["requirements_unmet"] == []


def test_joined_platforms_are_not_capped(ws: Workspace) -> None:
    _strong_mastodon_without_audience(ws)
    from watch.models import Platform

    store = ws.open_store()
    with store.session() as session:
        platform = session.get(Platform, "mastodon")
        platform.status = "joined"
        session.add(platform)
    store.dispose()
    item = _mastodon(ws)
    assert item["verdict"] == "keep"
    assert item["verdict_reason"] == "score"


def _mastodon_news(ws: Workspace, kind: str, count: int, *, clustered: bool = False) -> None:
    """``count`` news items of ``kind`` about Mastodon, one every 4 days from yesterday."""
    store = ws.open_store()
    with store.session() as session:
        for i in range(count):
            session.add(Signal(platform="mastodon", kind=kind, title=f"Mastodon news {i}",
                               published_at=NOW - timedelta(days=1 + i * 4),
                               fingerprint=f"m-{kind}-{i}",
                               cluster_id=f"c{i % 30}" if clustered else None))  # fmt: skip
    store.dispose()


def test_a_long_evidence_list_is_capped_and_confidence_reads_everything(ws: Workspace) -> None:
    """Trust cites every recent risk story; at most the limit is listed, the rest counted."""
    _strong_mastodon_without_audience(ws)
    _mastodon_news(ws, "risk", 40, clustered=True)
    capped = _mastodon(ws, "[profile]\nevidence_per_criterion = 10\n")
    full = _mastodon(ws, "[profile]\nevidence_per_criterion = 0\n")
    trust, all_ids = (
        capped["criteria"]["trust_safety"],
        full["criteria"]["trust_safety"]["evidence"],
    )
    assert len(trust["evidence"]) == 10 < len(all_ids)
    assert trust["detail"]["evidence_not_listed"]["count"] == len(all_ids) - 10
    assert set(trust["evidence"]) <= set(all_ids)
    assert capped["confidence"] == full["confidence"]
    assert capped["total"] == full["total"]


def test_momentum_counts_the_news_without_citing_each_item(ws: Workspace) -> None:
    _strong_mastodon_without_audience(ws)
    # 23 in the last 90 days (days 1..89) besides the fixture's 15, 7 in the 90 before.
    _mastodon_news(ws, "business", 30)
    momentum = _mastodon(ws)["criteria"]["momentum"]
    assert not [e for e in momentum["evidence"] if e.startswith("signal:")]
    assert momentum["detail"]["ratios"]["signals"] == round((38 + 1) / (7 + 1), 4)
    assert "38 news items in 90 days against 7 before" in momentum["explanation_en"]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('[verdicts]\nrequire_for_join = ["audience"]\n', "verdicts.require_for_join"),
        ('[verdicts]\nrequire_for_joining = ["audience_fit"]\n', "verdicts.require_for_joining"),
        ('[verdicts]\nrequire_for_join = "audience_fit"\n', "verdicts.require_for_join"),
        ("[profile]\nevidence_per_criterion = -1\n", "profile.evidence_per_criterion"),
        # Criterion options keep the shape of their defaults (else a crash deep in the engine).
        ('[criteria.momentum]\nspan_days = "two years"\n', "criteria.momentum.span_days"),
        ("[criteria.momentum]\nsignal_days = -5\n", "criteria.momentum.signal_days"),
        ("[criteria.trust_safety]\nhalf_life_days = 0\n", "criteria.trust_safety.half_life_days"),
        (
            '[criteria.trust_safety]\nkinds = { risk = "high" }\n',
            "criteria.trust_safety.kinds.risk",
        ),
        ('[criteria.trust_safety]\nkinds = ["risk"]\n', "criteria.trust_safety.kinds"),
        ("[criteria.maturity]\nscale_bounds = [1e9, 1e5]\n", "criteria.maturity.scale_bounds"),
        ("[criteria.maturity]\nscale_bounds = [1e5]\n", "criteria.maturity.scale_bounds"),
    ],
)
def test_bad_verdict_settings_name_the_key(tmp_path: Path, text: str, key: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=key.replace(".", r"\.")):
        load_profile(None, str(path))


def test_the_default_profile_requires_audience_for_join() -> None:
    profile = load_profile(None)
    assert profile.require_for_join == ("audience_fit",)
    assert profile.method_dict()["require_for_join"] == ["audience_fit"]
    assert profile.method_dict()["coverage_by"] == "count"


def test_momentum_never_compares_a_france_figure_with_a_worldwide_one() -> None:
    """The Mastodon case: "3 M accounts in France" then "13 M accounts" read as x30 a quarter."""
    signals = [
        _milestone(370, 10e6, "P passes 10 million accounts"),
        _milestone(150, 12e6, "P passes 12 million accounts"),
        _milestone(80, 2e6, "Fediverse servers in France pass 2 million accounts"),
        _milestone(60, 3e6, "P servers in France pass 3 million accounts"),
        _milestone(20, 13e6, "P passes 13 million accounts"),
    ]
    result = run_criterion("momentum", with_(signals=signals))
    ratio = result.detail["ratios"]["users"]
    assert ratio == pytest.approx((13 / 12) ** (91.25 / 130), abs=1e-3)
    assert "12 000 000 → 13 000 000" in result.explanation_fr
    assert f"signal:{signals[4].id}" in result.key_evidence
