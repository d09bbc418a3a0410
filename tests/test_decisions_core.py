"""The decision archive's core: appending, superseding, status following, views, snapshots."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.test_decisions_support import (  # noqa: F401  (fixtures)
    NOW,
    RUN_RESULT,
    copied_workspace,
    decide,
    decisions_template,
    open_store,
    save_run,
)
from watch.decisions import (
    append_decision,
    build_snapshot,
    current_decisions,
    due_decisions,
    get_decision,
    head_hash,
    list_decisions,
    verify_chain,
)
from watch.decisions_chain import GENESIS_HASH, record_hash
from watch.errors import InputError
from watch.platforms import set_status, show_platform


@pytest.fixture
def store(workspace: Path):
    store = open_store(workspace)
    yield store
    store.dispose()


def test_first_record_chains_on_the_genesis_and_hashes_its_fields(store) -> None:
    record = decide(store, "bluesky", "pilot", run_id=save_run(store))
    assert (record["seq"], record["prev_hash"]) == (1, GENESIS_HASH)
    assert record["hash"] == record_hash(record, GENESIS_HASH)
    assert head_hash(store) == record["hash"]


def test_each_record_chains_on_the_previous_hash(store) -> None:
    first = decide(store, "bluesky", "pilot")
    second = decide(store, "mastodon", "watch", now=NOW + timedelta(minutes=1))
    assert second["seq"] == 2
    assert second["prev_hash"] == first["hash"]
    assert verify_chain(store).ok


def test_a_new_decision_supersedes_the_previous_one_without_touching_it(
    store, workspace: Path
) -> None:
    first = decide(store, "bluesky", "pilot", review_on=date(2027, 6, 30))
    second = decide(store, "bluesky", "join", now=NOW + timedelta(days=200))
    assert second["supersedes"] == first["id"]
    views = {row["id"]: row for row in list_decisions(store)}
    assert views[first["id"]]["status"] == "superseded"
    assert views[first["id"]]["superseded_by"] == second["id"]
    assert views[second["id"]]["status"] == "accepted"
    with closing(sqlite3.connect(workspace / "vigie.db")) as connection:
        stored = connection.execute(
            "SELECT status, hash FROM decision WHERE id = ?", (first["id"],)
        ).fetchone()
    assert stored == ("accepted", first["hash"]), "the old row is never rewritten"


@pytest.mark.parametrize(
    ("verdict", "status", "expected"),
    [
        ("join", "accepted", "joined"),
        ("pilot", "accepted", "joined"),
        ("decline", "accepted", "declined"),
        ("watch", "accepted", "watching"),
        ("join", "proposed", "watching"),
        ("join", "rejected", "watching"),
    ],
)
def test_platform_status_follows_accepted_decisions_only(
    store, verdict: str, status: str, expected: str
) -> None:
    decide(store, "mastodon", verdict, status=status)
    assert show_platform(store, "mastodon")["status"] == expected


def test_leaving_a_joined_platform_marks_it_left(store) -> None:
    set_status(store, "x", "joined")
    decide(store, "x", "leave", rationale="Moderation no longer fits a public service.")
    assert show_platform(store, "x")["status"] == "left"


@pytest.mark.parametrize(
    ("slug", "verdict", "message"),
    [
        ("x", "keep", "applies to a platform the city is on"),
        ("x", "leave", "applies to a platform the city is on"),
        ("facebook", "decline", "applies to a platform the city is not on"),
    ],
)
def test_verdict_must_fit_the_platform_status(store, slug: str, verdict: str, message: str) -> None:
    set_status(store, "facebook", "joined")
    with pytest.raises(InputError, match=message):
        decide(store, slug, verdict)
    assert list_decisions(store) == []


def test_due_decisions_are_current_ones_whose_review_date_came(store) -> None:
    decide(store, "bluesky", "pilot", review_on=date(2027, 1, 15))
    decide(store, "mastodon", "watch", review_on=date(2026, 12, 31))
    decide(store, "threads", "watch", review_on=date(2027, 6, 30))
    decide(store, "pixelfed", "watch", review_on=date(2026, 12, 1))
    decide(store, "pixelfed", "decline")  # supersedes the pixelfed one: no longer due
    due = due_decisions(store, date(2027, 1, 15))
    assert [row["platform"] for row in due] == ["mastodon", "bluesky"]
    assert all(row["due"] for row in due)
    assert due_decisions(store, date(2026, 12, 30)) == []
    listed = list_decisions(store, due_on=date(2027, 1, 15))
    assert [row["platform"] for row in listed] == ["bluesky", "mastodon"]


def test_current_decisions_are_the_latest_per_platform(store) -> None:
    decide(store, "bluesky", "watch")
    decide(store, "mastodon", "watch")
    latest = decide(store, "bluesky", "pilot")
    current = current_decisions(store)
    assert [(row["platform"], row["verdict"]) for row in current] == [
        ("bluesky", "pilot"),
        ("mastodon", "watch"),
    ]
    assert current[0]["id"] == latest["id"]


def test_list_filters_by_platform_and_rejects_an_unknown_one(store) -> None:
    decide(store, "bluesky", "watch")
    decide(store, "mastodon", "watch")
    assert [row["platform"] for row in list_decisions(store, "mastodon")] == ["mastodon"]
    with pytest.raises(InputError, match="unknown platform 'myspace'"):
        list_decisions(store, "myspace")


def test_snapshot_freezes_score_weights_profile_and_evidence_titles(store) -> None:
    run_id = save_run(store)
    record = get_decision(store, decide(store, "bluesky", "pilot", run_id=run_id)["id"])
    snapshot = record["snapshot"]
    assert snapshot["score_run"]["id"] == run_id
    assert snapshot["profile"] == "default"
    assert snapshot["weights"] == RUN_RESULT["weights"]
    assert snapshot["audiences"]["youth"] == 2.0
    assert snapshot["score"]["total"] == 61.5
    assert snapshot["score"]["verdict"] == "pilot"
    assert (snapshot["score"]["rank"], snapshot["score"]["of"]) == (1, 3)
    assert set(snapshot["criteria"]) == {"audience_fit", "momentum", "effort"}
    evidence = {item["id"]: item for item in snapshot["evidence"]}
    assert list(evidence) == ["fact:bluesky.share", "signal:1", "metric:bluesky"]
    assert evidence["fact:bluesky.share"]["publisher"] == "Arcom"
    assert evidence["signal:1"]["url"] == "https://example.org/news/1"
    assert evidence["metric:bluesky"]["title"] is None, "unknown evidence stays unknown"
    assert record["score_total"] == 61.5


def test_snapshot_rank_follows_totals_and_a_missing_platform_is_an_error() -> None:
    assert build_snapshot(RUN_RESULT, 1, "mastodon")["score"]["rank"] == 2
    with pytest.raises(InputError, match="not in score run 1"):
        build_snapshot(RUN_RESULT, 1, "tiktok")


def test_an_unknown_score_run_is_refused(store) -> None:
    with pytest.raises(InputError, match="unknown score run 99"):
        append_decision(store, "bluesky", "pilot", "Maire", "Essai", score_run_id=99, now=NOW)
    assert list_decisions(store) == []


def test_get_decision_of_an_unknown_id_is_an_input_error(store) -> None:
    with pytest.raises(InputError, match="no decision with id 7"):
        get_decision(store, 7)
