"""The engine end to end on a real workspace store, with evidence inserted by the test."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from criteria.engine import evaluate
from criteria.profiles import load_profile
from criteria.runs import latest_run, load_run, save_run
from watch.models import Metric, Peer, PeerPresence, Platform, Signal
from watch.workspace import Workspace

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


@pytest.fixture
def ws(workspace: Path) -> Workspace:
    return Workspace.load(workspace)


def _add_signals(ws: Workspace, platform: str, kind: str, dates: list[datetime]) -> None:
    store = ws.open_store()
    with store.session() as session:
        for i, date in enumerate(dates):
            session.add(Signal(platform=platform, kind=kind, title=f"{platform} {kind} {i}",
                               url="https://example.org", published_at=date,
                               fingerprint=f"{platform}-{kind}-{i}-{date.isoformat()}"))  # fmt: skip
    store.dispose()


def _by_slug(data: dict) -> dict[str, dict]:
    return {p["platform"]: p for p in data["platforms"]}


def test_total_is_the_weighted_mean_of_the_printed_weights_and_scores(ws: Workspace) -> None:
    data = evaluate(ws.open_store(), load_profile(ws), now=NOW).to_dict()
    assert [p["total"] for p in data["platforms"]] == sorted(
        (p["total"] for p in data["platforms"]), reverse=True
    )
    for item in data["platforms"]:
        counted = {n: c for n, c in item["criteria"].items() if c["score"] is not None}
        expected = sum(c["weight"] * c["score"] for c in counted.values()) / sum(
            c["weight"] for c in counted.values()
        )
        assert item["total"] == round(expected, 2)
        assert set(item["missing"]) == set(item["criteria"]) - set(counted)
        for c in item["criteria"].values():
            assert c["explanation_fr"]
            assert c["explanation_en"]
            assert all(e in data["evidence"] for e in c["evidence"])


def test_a_one_audience_profile_ranks_audience_fit_by_that_audiences_facts(
    ws: Workspace,
) -> None:
    profile = load_profile(ws, audiences={"youth": 1.0})
    only_youth = load_profile(ws, str(_write(ws, "[audiences]\nyouth = 1.0\n")))
    data = _by_slug(evaluate(ws.open_store(), only_youth, now=NOW).to_dict())
    youth_16_25 = {"instagram": 76, "snapchat": 63, "tiktok": 60, "linkedin": 43, "facebook": 38}
    for slug, percent in youth_16_25.items():
        assert data[slug]["criteria"]["audience_fit"]["score"] == percent
    adults_only = _by_slug(
        evaluate(
            ws.open_store(), load_profile(ws, str(_write(ws, "[audiences]\nadults = 1\n"))), now=NOW
        ).to_dict()  # fmt: skip
    )
    assert adults_only["facebook"]["criteria"]["audience_fit"]["score"] == 70.4
    assert adults_only["twitch"]["criteria"]["audience_fit"]["score"] is None
    assert profile.audiences["youth"] == 1.0


def _write(ws: Workspace, text: str, name: str = "custom.toml") -> Path:
    path = ws.root / name
    path.write_text(text, encoding="utf-8")
    return path


def test_knockout_forces_decline_and_a_derogation_lifts_it(ws: Workspace) -> None:
    store = ws.open_store()
    plain = _by_slug(evaluate(store, load_profile(ws), now=NOW).to_dict())
    assert plain["tiktok"]["verdict"] == "decline"
    assert plain["tiktok"]["verdict_reason"] == "knockout"
    assert plain["tiktok"]["knockouts"][0]["url"].startswith("https://")
    text = (
        '[derogations]\nfr-state-recreational-apps-2023 = { tiktok = "Dérogation DINUM n° 12" }\n'
    )
    waived = _by_slug(evaluate(store, load_profile(ws, str(_write(ws, text))), now=NOW).to_dict())
    assert waived["tiktok"]["verdict_reason"] != "knockout"
    assert waived["tiktok"]["derogations"] == [
        {"id": "fr-state-recreational-apps-2023", "text": "Dérogation DINUM n° 12"}
    ]


def test_joined_platforms_get_keep_reduce_or_leave(ws: Workspace) -> None:
    store = ws.open_store()
    with store.session() as session:
        for slug in ("tiktok", "facebook"):
            platform = session.get(Platform, slug)
            platform.status = "joined"
            session.add(platform)
    data = _by_slug(evaluate(store, load_profile(ws), now=NOW).to_dict())
    assert data["tiktok"]["verdict"] == "leave"
    assert data["facebook"]["verdict"] in ("keep", "reduce", "leave")
    # Added value of Instagram now discounts the young people Facebook already reaches.
    assert "Facebook" in data["instagram"]["criteria"]["added_value"]["explanation_en"]


def test_missing_evidence_is_penalised_when_the_profile_says_so(ws: Workspace) -> None:
    path = _write(ws, '[profile]\nmissing = "penalise"\nmissing_score = 10.0\n')
    data = _by_slug(evaluate(ws.open_store(), load_profile(ws, str(path)), now=NOW).to_dict())
    bluesky = data["bluesky"]
    assert "audience_fit" in bluesky["missing"]
    assert bluesky["criteria"]["audience_fit"]["scored_as"] == 10.0
    weights = {n: c["weight"] for n, c in bluesky["criteria"].items()}
    entered = {n: c["scored_as"] for n, c in bluesky["criteria"].items()}
    expected = sum(weights[n] * entered[n] for n in weights) / sum(weights.values())
    assert bluesky["total"] == round(expected, 2)


def test_news_moves_trust_safety_and_confidence_counts_coverage(ws: Workspace) -> None:
    _add_signals(ws, "x", "regulation", [NOW - timedelta(days=d) for d in (5, 20, 40)])
    _add_signals(ws, "bluesky", "feature", [NOW - timedelta(days=10)])
    data = _by_slug(evaluate(ws.open_store(), load_profile(ws), now=NOW).to_dict())
    assert data["x"]["criteria"]["trust_safety"]["score"] < 50
    assert data["bluesky"]["criteria"]["trust_safety"]["score"] == 100.0
    assert data["mastodon"]["criteria"]["trust_safety"]["score"] is None
    assert data["x"]["confidence"] > data["mastodon"]["confidence"]


def test_as_of_ignores_evidence_that_came_later(ws: Workspace) -> None:
    _add_signals(ws, "x", "risk", [datetime(2026, 11, 1, tzinfo=UTC)])
    _add_signals(ws, "x", "feature", [datetime(2026, 6, 1, tzinfo=UTC)])
    store = ws.open_store()
    with store.session() as session:
        peer = Peer(name="Valence", homepage="https://valence.example", created_at=NOW)
        session.add(peer)
        session.flush()
        session.add(PeerPresence(peer_id=peer.id, platform="x", account_url="https://x.com/v",
                                 first_seen_at=datetime(2026, 11, 2, tzinfo=UTC)))  # fmt: skip
        session.add(Metric(platform="x", metric="pageviews.fr", period="2026-10", value=10.0))
    past = evaluate(store, load_profile(ws), now=NOW, as_of=datetime(2026, 9, 30, tzinfo=UTC))
    data = _by_slug(past.to_dict())
    assert data["x"]["criteria"]["trust_safety"]["score"] == 100.0
    assert data["x"]["criteria"]["peer_adoption"]["score"] is None
    assert past.to_dict()["as_of"] == "2026-09-30T00:00:00Z"
    now = _by_slug(evaluate(store, load_profile(ws), now=NOW).to_dict())
    assert now["x"]["criteria"]["trust_safety"]["score"] < 100.0
    assert now["x"]["criteria"]["peer_adoption"]["score"] == 100.0


def test_the_flip_point_really_flips_the_verdict(ws: Workspace) -> None:
    store = ws.open_store()
    data = evaluate(store, load_profile(ws), now=NOW).to_dict()
    item = next(p for p in data["platforms"] if p["flip"])
    flip = item["flip"]
    nudge = 0.02 if flip["change"] > 0 else -0.02  # past the rounding of the total
    changed = load_profile(ws, weights={flip["criterion"]: flip["to"] + nudge})
    after = _by_slug(evaluate(store, changed, now=NOW).to_dict())
    assert after[item["platform"]]["verdict"] == flip["verdict"] != item["verdict"]


def test_stability_is_reproducible(ws: Workspace) -> None:
    store = ws.open_store()
    first = evaluate(store, load_profile(ws), now=NOW).to_dict()
    second = evaluate(store, load_profile(ws), now=NOW).to_dict()
    assert first == second
    assert all(0.0 <= p["stability"] <= 1.0 for p in first["platforms"])


def test_topsis_is_an_alternative_method(ws: Workspace) -> None:
    path = _write(ws, '[profile]\nmethod = "topsis"\n[stability]\nsamples = 50\n')
    data = evaluate(ws.open_store(), load_profile(ws, str(path)), now=NOW).to_dict()
    assert data["method"]["aggregation"] == "topsis"
    assert all(0 <= p["total"] <= 100 for p in data["platforms"])


def test_saved_runs_round_trip(ws: Workspace) -> None:
    store = ws.open_store()
    evaluation = evaluate(store, load_profile(ws), now=NOW)
    run_id = save_run(store, evaluation, label="comité", quarter="2026-Q4")
    loaded = load_run(store, run_id)
    assert loaded["platforms"] == evaluation.to_dict()["platforms"]
    assert loaded["label"] == "comité"
    assert loaded["quarter"] == "2026-Q4"
    assert latest_run(store)["run_id"] == run_id
    assert latest_run(store, quarter="2026-Q3") is None
    assert latest_run(store, before=NOW - timedelta(days=1)) is None


def test_a_users_own_criterion_registers_and_scores_like_a_builtin(ws: Workspace) -> None:
    from criteria.registry import Result, criterion, missing

    @criterion("local_press", reads=("signal",), title_fr="Presse locale", title_en="Local press",
               defaults={"per_article": 25.0})  # fmt: skip
    def local_press(platform, context):  # noqa: ANN001, ANN202 - as a user would write it
        news = [s for s in platform.signals if "Drôme" in s.title]
        if not news:
            return missing("Aucun article local.", "No local article.")
        score = min(100.0, context.options["per_article"] * len(news))
        return Result(score, f"{len(news)} articles locaux.", f"{len(news)} local articles.",
                      evidence=tuple(f"signal:{s.id}" for s in news))  # fmt: skip

    store = ws.open_store()
    with store.session() as session:
        session.add(Signal(platform="bluesky", kind="adoption", title="La Drôme arrive sur Bluesky",
                           published_at=NOW - timedelta(days=3), fingerprint="drome-1"))  # fmt: skip
    path = _write(ws, "[weights]\nlocal_press = 2\n[criteria.local_press]\nper_article = 40\n")
    data = _by_slug(evaluate(store, load_profile(ws, str(path)), now=NOW).to_dict())
    assert data["bluesky"]["criteria"]["local_press"]["score"] == 40.0
    assert data["x"]["criteria"]["local_press"]["score"] is None
    assert "local_press" in data["x"]["missing"]
