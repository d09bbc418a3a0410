"""Reading only the horizons the criteria need gives the scores of reading the whole history.

The engine loads signals by kind and date window (criteria/horizons.py) instead of every row;
these tests score one long, irregular history both ways (the full read is the oracle).
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import criteria.engine
from criteria.engine import evaluate
from criteria.evidence import load_evidence
from criteria.horizons import (
    MARGIN_DAYS,
    TRUST_HALF_LIVES,
    SignalNeed,
    signal_needs,
)
from criteria.profiles import load_profile
from watch.models import Metric, Signal
from watch.workspace import Workspace

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
KINDS = ("other", "feature", "adoption", "risk", "regulation", "milestone", "shutdown")


@pytest.fixture
def ws(workspace: Path, database_backend: str) -> Workspace:
    """A workspace with eight irregular years of news on three platforms."""
    ws = Workspace.load(workspace)
    rng = random.Random(7)
    rows: list[Signal] = []

    def add(platform: str, kind: str, days_ago: float, title: str = "", **extra: object) -> None:
        n = len(rows)
        date = NOW - timedelta(days=days_ago)
        undated = n % 11 == 0  # some feeds give no date: fetched_at stands in
        rows.append(Signal(
            platform=platform, kind=kind, title=title or f"{platform} {kind} story {n}",
            url=f"https://news.example/{n}", published_at=None if undated else date,
            fetched_at=date, fingerprint=f"h-{n}", **extra,
        ))  # fmt: skip

    for platform, name in (("bluesky", "Bluesky"), ("mastodon", "Mastodon"), ("x", "X")):
        for _ in range(260):
            kind = rng.choice(KINDS)
            days = rng.uniform(-3, 8 * 365)  # a few dated just after now
            extra: dict[str, object] = {}
            title = ""
            if kind == "milestone":
                extra = {"value": float(rng.randrange(1, 900)) * 1e5,
                         "unit": rng.choice(("users", "mau", "downloads"))}  # fmt: skip
                title = f"{name} passes {extra['value']:.0f} users" + rng.choice(("", " in France"))
            elif kind == "risk" and rng.random() < 0.4:
                # Outage headlines, and near misses the store's LIKE lets through.
                title = rng.choice((f"{name} outage across Europe", f"PANNE générale sur {name}",
                                    f"{name} est Down", f"{name} dépanne ses serveurs",
                                    f"Countdown to the {name} vote", f"Coupures chez {name}"))  # fmt: skip
            elif kind == "adoption":
                title = f"Une ville rejoint {name}"
            if rng.random() < 0.3:
                extra["cluster_id"] = f"{platform}-c{rng.randrange(40)}"
            add(platform, kind, days, title, **extra)
        # A story told years apart: its size counts items outside every horizon read.
        add(platform, "milestone", 2900, f"{name} passes 4000000 users", value=4e6,
            unit="users", cluster_id=f"{platform}-far")  # fmt: skip
        add(platform, "shutdown", 3, cluster_id=f"{platform}-far")
        add(platform, "other", 2950, cluster_id=f"{platform}-far")
    # Platforms whose only figures naming them are older than maturity's window: it falls back
    # on the newest one ever (one just outside the window; for TikTok, which has no cited scale
    # figure, implausibly small beside the older ones), beside recent figures of a city's
    # account that do not name the network.
    old_figures = {"threads": (3e7, 2e7, 1e7, 9e6), "tiktok": (3e5, 5e7, 4e7, 6e7)}
    for platform, name in (("threads", "Threads"), ("tiktok", "TikTok")):
        for days, value in zip((730.5, 1500, 2400, 2410), old_figures[platform], strict=True):
            add(platform, "milestone", days, f"{name} passes {value:.0f} users", value=value,
                unit="users")  # fmt: skip
        add(platform, "milestone", 20, "Notre compte passe 8000 abonnés", value=8000.0,
            unit="users")  # fmt: skip
        add(platform, "risk", 900, f"{name} down for hours")
    # Three years of daily App Store ranks: the deepest ranks are older than the window momentum
    # reads (its "outside the chart" place is below them), the recent ones partly outside it.
    metrics: list[Metric] = []
    for days_ago in range(1, 1100):
        day = (NOW - timedelta(days=days_ago)).date()
        if days_ago > 1060:  # before the year the window starts in
            value: float | None = float(rng.randrange(150, 199))
        elif days_ago > 700:
            value = float(rng.randrange(100, 150))
        else:
            value = None if rng.random() < 0.4 else float(rng.randrange(5, 60))
        metrics.append(Metric(platform="bluesky", metric="app_rank.fr", period=day.isoformat(),
                              value=value, observed_at=NOW - timedelta(days=days_ago - 1)))  # fmt: skip
    store = ws.open_store()
    assert store.dialect == database_backend
    with store.session() as session:
        session.add_all(rows)
        session.add_all(metrics)
    store.dispose()
    return ws


def _score(ws: Workspace, monkeypatch: pytest.MonkeyPatch, *, full: bool, **kwargs: object) -> dict:
    if full:
        monkeypatch.setattr(criteria.engine, "signal_needs", lambda *a: None)
    else:
        monkeypatch.setattr(criteria.engine, "signal_needs", signal_needs)
    store = ws.open_store()
    try:
        return evaluate(store, load_profile(ws), now=NOW, **kwargs).to_dict()  # type: ignore[arg-type]
    finally:
        store.dispose()


BOTH_BACKENDS = pytest.mark.parametrize(
    "database_backend",
    ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
    indirect=True,
)


@BOTH_BACKENDS
@pytest.mark.parametrize("as_of", [None, NOW - timedelta(days=400)])
def test_scores_from_the_horizons_equal_scores_from_the_whole_history(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch, as_of: datetime | None
) -> None:
    full = _score(ws, monkeypatch, full=True, as_of=as_of)
    windowed = _score(ws, monkeypatch, full=False, as_of=as_of)
    old = {p["platform"]: p for p in full["platforms"]}
    assert [p["platform"] for p in windowed["platforms"]] == [
        p["platform"] for p in full["platforms"]
    ]
    for item in windowed["platforms"]:
        before = old[item["platform"]]
        for key in ("verdict", "verdict_reason", "rank"):
            assert item[key] == before[key], (item["platform"], key)
        for name, result in item["criteria"].items():
            reference = before["criteria"][name]
            assert result["evidence"] == reference["evidence"], (item["platform"], name)
            if name == "trust_safety" and result["score"] is not None:
                # Stories older than TRUST_HALF_LIVES half-lives are left out: each weighs
                # below 2**-12 of a fresh one (criteria/horizons.py). The score moves by
                # less than 0.05 point, so at most one unit of its one-decimal rounding.
                left_out = reference["detail"]["stories"] - result["detail"]["stories"]
                gap = reference["detail"]["load"] - result["detail"]["load"]
                assert 0 <= gap <= left_out * 2**-TRUST_HALF_LIVES + 1e-4
                assert abs(result["score"] - reference["score"]) <= 0.1 + 1e-9
                assert result["detail"]["news_in_window"] == reference["detail"]["news_in_window"]
            else:
                assert result["score"] == reference["score"], (item["platform"], name)
                assert result["explanation_en"] == reference["explanation_en"], name
                assert result["detail"] == reference["detail"], (item["platform"], name)
        share = item["criteria"]["trust_safety"]["weight_share"] or 0.0
        assert abs(item["total"] - before["total"]) <= share * 0.1 + 0.01
        assert abs(item["confidence"] - before["confidence"]) <= 0.01
    assert windowed["evidence"] == full["evidence"]


@BOTH_BACKENDS
def test_the_history_does_hold_stories_beyond_the_trust_horizon(ws: Workspace) -> None:
    """Guard for the test above: the horizons really leave rows out on this history."""
    store = ws.open_store()
    profile = load_profile(ws)
    needs = signal_needs(list(profile.weights), profile.options)
    windowed = load_evidence(store, as_of=NOW, signal_needs=needs)
    full = load_evidence(store, as_of=NOW)
    store.dispose()
    assert len(windowed.signals_by_id) < len(full.signals_by_id) * 0.8
    # Every item of a story read is read, even outside every window (the `-far` stories):
    # story sizes and first dates are those of the whole history.
    assert windowed.cluster_sizes == {c: full.cluster_sizes[c] for c in windowed.cluster_sizes}
    for slug in ("bluesky", "mastodon", "x"):
        assert windowed.cluster_sizes[f"{slug}-far"] == 3


def test_maturity_reads_shutdown_news_exactly_as_long_as_it_can_cost_half_a_point() -> None:
    profile = load_profile(None)
    needs = signal_needs(["maturity"], profile.options)
    assert needs is not None
    shutdown = next(n for n in needs if n.kinds == frozenset({"shutdown"}))
    options = profile.options["maturity"]
    age = (shutdown.days or 0) - MARGIN_DAYS
    # At the horizon a shutdown story is worth exactly the 0.5 point below which it is ignored.
    assert options["shutdown_penalty"] * 0.5 ** (age / options["half_life_days"]) == pytest.approx(
        0.5
    )


def test_an_unknown_criterion_reads_the_whole_history() -> None:
    profile = load_profile(None)
    assert signal_needs(["momentum", "a_plugin_criterion"], profile.options) is None


def test_reads_covered_by_a_broader_one_are_merged() -> None:
    profile = load_profile(None)
    needs = signal_needs(list(profile.weights), profile.options)
    assert needs is not None
    figures = [n for n in needs if n.units is not None]
    # Momentum's and maturity's milestone figures: one read, both unit lists, with maturity's
    # fallback (its units include momentum's).
    assert len(figures) == 1
    assert figures[0].units == frozenset({"users", "mau", "dau", "accounts"})
    assert figures[0].fallback_days == profile.options["maturity"]["figure_days"]
    momentum = profile.options["momentum"]
    assert figures[0].days == momentum["stale_days"] + momentum["span_days"] + MARGIN_DAYS
    # Maturity's outage window (risk) reaches beyond the stories trust reads as rows: a read
    # of its own, of outage headlines only.
    (outage,) = [n for n in needs if n.kinds == frozenset({"risk"})]
    assert outage.title_words
    assert "panne" in outage.title_words
    (trust,) = [n for n in needs if n.aggregate_after is not None]
    assert trust.aggregate_after is not None
    assert trust.days is not None
    assert (outage.days or 0) > trust.aggregate_after
    assert trust.aggregate_after < trust.days
    assert SignalNeed(None, 365.0, count_only=True) in needs
