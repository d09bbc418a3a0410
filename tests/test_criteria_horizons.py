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
from watch.models import Signal
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
            elif kind == "risk" and rng.random() < 0.3:
                title = f"{name} outage across Europe"
            elif kind == "adoption":
                title = f"Une ville rejoint {name}"
            if rng.random() < 0.3:
                extra["cluster_id"] = f"{platform}-c{rng.randrange(40)}"
            add(platform, kind, days, title, **extra)
        # A story told years apart: its size counts items outside every horizon read.
        add(platform, "milestone", 2900, f"{name} passes 4000000 users", value=4e6,
            unit="users", cluster_id=f"{platform}-far")  # fmt: skip
        add(platform, "other", 3, cluster_id=f"{platform}-far")
        add(platform, "other", 2950, cluster_id=f"{platform}-far")
    store = ws.open_store()
    assert store.dialect == database_backend
    with store.session() as session:
        session.add_all(rows)
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
    # Momentum's and maturity's milestone figures: one read, both unit lists.
    assert len(figures) == 1
    assert figures[0].units == frozenset({"users", "mau", "dau", "accounts"})
    # Maturity's outage window (risk) is inside trust's risk and regulation window.
    assert not [n for n in needs if n.kinds == frozenset({"risk"})]
    assert SignalNeed(None, 365.0, count_only=True) in needs
