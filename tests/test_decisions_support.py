"""Shared helpers of the decision-archive tests: a store on a workspace and a saved score run.

The run result follows the criteria engine's published shape (notes/interface-criteria.md), so
the core is tested on the data it will really receive, without depending on the engine itself.
"""

from __future__ import annotations

import copy
import shutil
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from watch.cli import cli
from watch.decisions import append_decision, build_snapshot
from watch.models import ScoreRun
from watch.store import Store

NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
HOSTILE_TITLE = "<script>alert(1)</script> **Bluesky** [bait](javascript:alert(1)) | pipe"


def _criterion(score: float | None, weight: float, evidence: list[str]) -> dict[str, Any]:
    return {
        "score": score,
        "weight": weight,
        "weight_share": None,
        "contribution": None if score is None else round(score * weight / 6, 2),
        "missing": score is None,
        "explanation": f"score {score}",
        "explanation_fr": f"note {score}",
        "explanation_en": f"score {score}",
        "evidence": evidence,
        "detail": {},
    }


def _platform(slug: str, name: str, total: float, verdict: str, status: str) -> dict[str, Any]:
    return {
        "platform": slug,
        "name": name,
        "status": status,
        "total": total,
        "score": total,
        "verdict": verdict,
        "verdict_reason": "score",
        "confidence": 0.72,
        "confidence_label": "high",
        "stability": 0.93,
        "flip": None,
        "knockouts": [],
        "missing": [],
        "criteria": {
            "audience_fit": _criterion(total, 3.0, [f"fact:{slug}.share", "signal:1"]),
            "momentum": _criterion(total - 10, 2.0, ["signal:1", f"metric:{slug}"]),
            "effort": _criterion(60.0, 1.0, []),
        },
    }


RUN_RESULT: dict[str, Any] = {
    "profile": "default",
    "engine_version": "1",
    "as_of": "2026-11-26T15:00:00Z",
    "created_at": "2026-11-26T15:00:00Z",
    "lang": "fr",
    "method": {"aggregation": "weighted_mean"},
    "weights": {"audience_fit": 3.0, "momentum": 2.0, "effort": 1.0},
    "audiences": {"youth": 2.0, "adults": 1.0, "seniors": 1.0},
    "thresholds": {"join": 70.0, "pilot": 55.0, "watch": 40.0, "keep": 55.0, "reduce": 40.0},
    "platforms": [
        _platform("bluesky", "Bluesky", 61.5, "pilot", "watching"),
        _platform("x", "X", 38.0, "leave", "joined"),
        _platform("mastodon", "Mastodon", 52.25, "watch", "watching"),
    ],
    "evidence": {
        "signal:1": {
            "type": "signal",
            "title": HOSTILE_TITLE,
            "url": "https://example.org/news/1",
            "date": "2026-10-02T08:00:00Z",
        },
        "fact:bluesky.share": {
            "type": "fact",
            "title": "Usages numériques 2025",
            "publisher": "Arcom",
            "year": 2025,
            "url": "https://example.org/arcom",
        },
    },
}


@pytest.fixture(scope="session")
def decisions_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One workspace made by the real `vigie init`, copied by each test (a workspace is
    movable as a whole), so the suite does not pay for a fresh init every time."""
    root = tmp_path_factory.mktemp("decisions-template") / "ws"
    result = CliRunner().invoke(
        cli,
        ["--workspace", str(root), "init", "--city", "Testville", "--population", "33000"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture(name="workspace")
def copied_workspace(decisions_template: Path, tmp_path: Path) -> Path:
    """A fresh copy of the template workspace in ``tmp_path/ws`` (where ``run`` looks)."""
    target = tmp_path / "ws"
    shutil.copytree(decisions_template, target)
    return target


def open_store(workspace: Path) -> Store:
    return Store.open(f"sqlite:///{workspace / 'vigie.db'}")


def save_run(store: Store, result: dict[str, Any] | None = None) -> int:
    """Save a score run the way the criteria engine does (its result is the whole evaluation)."""
    result = copy.deepcopy(result or RUN_RESULT)
    with store.session() as session:
        run = ScoreRun(
            profile=result["profile"],
            weights=result["weights"],
            audiences=result["audiences"],
            method=result["method"],
            engine_version=result["engine_version"],
            created_at=NOW,
            as_of=NOW,
            result=result,
        )
        session.add(run)
        session.flush()
        assert run.id is not None
        return run.id


def decide(
    store: Store,
    slug: str,
    verdict: str,
    *,
    run_id: int | None = None,
    now: datetime = NOW,
    review_on: date | None = None,
    status: str = "accepted",
    rationale: str = "Reach students where they are.",
) -> dict[str, Any]:
    """Append a decision with a snapshot from ``run_id`` (when given)."""
    snapshot = build_snapshot(RUN_RESULT, run_id, slug) if run_id is not None else None
    return append_decision(
        store,
        slug,
        verdict,
        "Conseil municipal",
        rationale,
        consulted="Service communication, CMJ",
        review_on=review_on,
        status=status,
        score_run_id=run_id,
        snapshot=snapshot,
        now=now,
    )
