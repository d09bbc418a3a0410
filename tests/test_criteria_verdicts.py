"""Verdict thresholds, knock-outs and confidence, on small tables."""

from __future__ import annotations

from datetime import timedelta

import pytest

from criteria.confidence import confidence, label
from criteria.profiles import load_profile
from criteria.registry import Result
from criteria.verdicts import forced_verdict, knockouts_for, verdict_for
from tests.criteria_helpers import AS_OF, evidence_set, signal

THRESHOLDS = {"join": 65.0, "pilot": 50.0, "watch": 35.0, "keep": 50.0, "reduce": 35.0}


@pytest.mark.parametrize(
    ("total", "joined", "expected"),
    [
        (80.0, False, "join"),
        (65.0, False, "join"),
        (64.99, False, "pilot"),
        (50.0, False, "pilot"),
        (35.0, False, "watch"),
        (34.99, False, "decline"),
        (0.0, False, "decline"),
        (90.0, True, "keep"),
        (50.0, True, "keep"),
        (49.99, True, "reduce"),
        (35.0, True, "reduce"),
        (20.0, True, "leave"),
    ],
)
def test_verdict_thresholds(total: float, joined: bool, expected: str) -> None:
    assert verdict_for(total, THRESHOLDS, joined) == expected


def test_a_criterion_floor_knocks_out_only_with_a_real_score(tmp_path) -> None:
    path = tmp_path / "floor.toml"
    path.write_text(
        '[[knockouts]]\nid = "unsafe"\ncriterion = "trust_safety"\nbelow = 10\n'
        'reason_fr = "Trop d\'affaires récentes"\nreason_en = "Too many recent cases"\n'
        'verdict = "watch"\nverdict_joined = "reduce"\n',
        encoding="utf-8",
    )
    profile = load_profile(None, str(path))
    active, _ = knockouts_for(profile, "x", {"trust_safety": 5.0})
    assert [hit.rule.id for hit in active] == ["unsafe"]
    assert forced_verdict(active, joined=False) == "watch"
    assert forced_verdict(active, joined=True) == "reduce"
    assert knockouts_for(profile, "x", {"trust_safety": None}) == ([], [])
    assert knockouts_for(profile, "x", {"trust_safety": 10.0}) == ([], [])


def _result(score: float | None, days: float | None = None, evidence: tuple = ()) -> Result:
    observed = None if days is None else AS_OF - timedelta(days=days)
    return Result(score, "fr", "en", evidence=evidence, observed_at=observed)


def test_confidence_falls_with_missing_stale_and_uncorroborated_evidence() -> None:
    alone = signal("p", "risk", 1)
    told_twice = [signal("p", "risk", 1, cluster="c"), signal("p", "risk", 2, cluster="c")]
    evidence = evidence_set()
    evidence.signals_by_id = {s.id: s for s in (alone, *told_twice)}
    evidence.cluster_sizes = {"c": 2}
    weights = {"a": 1.0, "b": 1.0}

    full, _ = confidence({"a": _result(50, 0), "b": _result(50, 0)}, weights, evidence, AS_OF)
    half, detail = confidence({"a": _result(50, 0), "b": _result(None)}, weights, evidence, AS_OF)
    stale, _ = confidence({"a": _result(50, 730), "b": _result(50, 730)}, weights, evidence, AS_OF)
    assert full == 1.0
    assert half == 0.5
    assert detail["coverage"] == 0.5
    assert stale == pytest.approx(0.62, abs=0.01)

    lone = {"a": _result(50, 0, (f"signal:{alone.id}",)), "b": _result(50, 0)}
    pair = {"a": _result(50, 0, tuple(f"signal:{s.id}" for s in told_twice)), "b": _result(50, 0)}
    assert confidence(lone, weights, evidence, AS_OF)[0] == 0.8
    assert confidence(pair, weights, evidence, AS_OF)[0] == 1.0
    assert (label(0.8), label(0.5), label(0.1)) == ("high", "medium", "low")
