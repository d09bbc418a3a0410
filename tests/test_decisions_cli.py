"""End to end: `vigie init` then `vigie decide` with a real score from the criteria engine."""

from __future__ import annotations

import json
from pathlib import Path

from sqlmodel import select

from tests.test_decisions_support import (  # noqa: F401  (fixtures)
    copied_workspace,
    decisions_template,
    open_store,
)
from watch.models import ScoreRun

DECIDE = ("--by", "Conseil municipal du 20 novembre", "--consulted", "CMJ, service com")


def _runs(workspace: Path) -> list[ScoreRun]:
    store = open_store(workspace)
    try:
        with store.session() as session:
            return list(session.exec(select(ScoreRun).order_by(ScoreRun.id)).all())
    finally:
        store.dispose()


def test_decide_scores_first_then_freezes_the_real_score(workspace: Path, run) -> None:
    result = run(
        "decide", "bluesky", "--verdict", "pilot", *DECIDE,
        "--rationale", "Toucher les étudiants ; essai de six mois.",
        "--review-on", "2027-06-30", "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "scored the platforms first (score run 1)" in result.stderr
    record = json.loads(result.stdout)
    assert (record["seq"], record["platform"], record["verdict"]) == (1, "bluesky", "pilot")
    [saved] = _runs(workspace)
    scored = next(p for p in saved.result["platforms"] if p["platform"] == "bluesky")
    snapshot = json.loads(run("decisions", "show", "1", "--format", "json").stdout)["snapshot"]
    assert snapshot["score_run"]["id"] == saved.id == record["score_run_id"]
    assert snapshot["score"]["total"] == scored["total"] == record["score_total"]
    assert snapshot["score"]["verdict"] == scored["verdict"]
    assert snapshot["weights"] == saved.result["weights"]
    assert set(snapshot["criteria"]) == set(scored["criteria"])
    cited = {e for c in scored["criteria"].values() for e in c["evidence"]}
    assert {item["id"] for item in snapshot["evidence"]} == cited
    assert all(item["title"] for item in snapshot["evidence"])
    status = json.loads(run("platforms", "show", "bluesky", "--format", "json").stdout)["status"]
    assert status == "joined"
    assert run("decisions", "verify").exit_code == 0


def test_later_decisions_reuse_the_saved_run_unless_asked_to_rescore(workspace: Path, run) -> None:
    args = ("--verdict", "watch", *DECIDE, "--rationale", "Trop tôt.")
    assert run("decide", "mastodon", *args).exit_code == 0
    second = run("decide", "threads", *args)
    assert second.exit_code == 0
    assert "scored the platforms first" not in second.stderr
    assert "snapshot from score run 1 of " in second.stderr
    assert len(_runs(workspace)) == 1
    third = run("decide", "pixelfed", *args, "--rescore")
    assert "score run 2" in third.stderr
    assert len(_runs(workspace)) == 2


def test_a_platform_added_after_the_last_run_is_scored_before_deciding(
    workspace: Path, run
) -> None:
    args = ("--verdict", "watch", *DECIDE, "--rationale", "À suivre.")
    assert run("decide", "mastodon", *args).exit_code == 0
    added = run("platforms", "add", "noplace", "--name", "Noplace", "--category", "social")
    assert added.exit_code == 0
    result = run("decide", "noplace", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    assert "score run 2" in result.stderr
    assert json.loads(result.stdout)["score_run_id"] == 2


def test_rationale_can_come_from_a_file(workspace: Path, run, tmp_path: Path) -> None:
    text = tmp_path / "motif.txt"
    text.write_text("Délibération n° 2026-114.\nVote : 31 pour, 2 contre.\n", encoding="utf-8")
    result = run(
        "decide", "mastodon", "--verdict", "watch", *DECIDE,
        "--rationale-file", str(text), "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert (
        json.loads(result.stdout)["rationale"]
        == "Délibération n° 2026-114.\nVote : 31 pour, 2 contre."
    )


def test_due_lists_decisions_whose_review_date_has_come(workspace: Path, run, monkeypatch) -> None:
    monkeypatch.setenv("VIGIE_NOW", "2026-11-26T10:00:00Z")
    base = ("--verdict", "watch", *DECIDE, "--rationale", "À revoir.")
    assert run("decide", "mastodon", *base, "--review-on", "2027-01-15").exit_code == 0
    assert run("decide", "threads", *base, "--review-on", "2027-06-30").exit_code == 0
    assert json.loads(run("decisions", "list", "--due", "--format", "json").stdout) == []
    monkeypatch.setenv("VIGIE_NOW", "2027-02-01T08:00:00Z")
    due = json.loads(run("decisions", "list", "--due", "--format", "json").stdout)
    assert [row["platform"] for row in due] == ["mastodon"]
    assert due[0]["due"] is True
