"""`vigie decisions verify`: every kind of tampering done in SQL is caught and located."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from datetime import timedelta
from pathlib import Path

import pytest

from tests.test_decisions_support import (  # noqa: F401  (fixtures)
    NOW,
    copied_workspace,
    decide,
    decisions_template,
    open_store,
    save_run,
)
from watch.decisions_chain import GENESIS_HASH, record_hash


@pytest.fixture
def archive(workspace: Path) -> list[dict]:
    """Four chained decisions (two on bluesky), made through the core."""
    store = open_store(workspace)
    try:
        run_id = save_run(store)
        made = [
            decide(store, "bluesky", "watch", run_id=run_id),
            decide(store, "mastodon", "watch", run_id=run_id, now=NOW + timedelta(hours=1)),
            decide(store, "bluesky", "pilot", run_id=run_id, now=NOW + timedelta(days=30)),
            decide(store, "threads", "decline", now=NOW + timedelta(days=31)),
        ]
    finally:
        store.dispose()
    return made


def sql(workspace: Path, *statements: str) -> None:
    with closing(sqlite3.connect(workspace / "vigie.db")) as connection:
        for statement in statements:
            connection.execute(statement)
        connection.commit()


def test_an_intact_archive_verifies(archive, run) -> None:
    result = run("decisions", "verify")
    assert result.exit_code == 0, result.output
    assert "intact: 4 records" in result.stdout
    assert archive[-1]["hash"] in result.stdout


def test_the_head_printed_earlier_still_verifies_after_new_decisions(archive, run) -> None:
    result = run("decisions", "verify", "--head", archive[1]["hash"].upper(), "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["ok"], data["head_checked"], data["head_seq"], data["count"]) == (True, True, 2, 4)


@pytest.mark.parametrize(
    ("statements", "broken", "reason"),
    [
        (
            ["UPDATE decision SET rationale = 'Nothing to see' WHERE seq = 2"],
            "seq 2 (id 2)",
            "a field was edited",
        ),
        (
            [
                "UPDATE decision SET snapshot = json_set(snapshot, '$.score.total', 99) WHERE seq = 1"
            ],
            "seq 1 (id 1)",
            "a field was edited",
        ),
        (
            ["UPDATE decision SET decided_by = 'Le maire' WHERE seq = 3"],
            "seq 3 (id 3)",
            "a field was edited",
        ),
        (["DELETE FROM decision WHERE seq = 2"], "seq 3 (id 3)", "expected seq 2"),
        (
            [
                "UPDATE decision SET seq = 100 WHERE seq = 1",
                "UPDATE decision SET seq = 1 WHERE seq = 2",
                "UPDATE decision SET seq = 2 WHERE seq = 100",
            ],
            "seq 1 (id 2)",
            "prev_hash does not match the hash of the genesis",
        ),
        (
            [
                "INSERT INTO decision (id, seq, platform, verdict, status, decided_at, decided_by,"
                " rationale, snapshot, prev_hash, hash) SELECT 99, 5, 'tiktok', 'join',"
                " 'accepted', decided_at, 'Forger', 'Forged', '{}', hash,"
                " 'ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff'"
                " FROM decision WHERE seq = 4"
            ],
            "seq 5 (id 99)",
            "a field was edited",
        ),
        (
            ["UPDATE decision SET decided_at = 'yesterday' WHERE seq = 3"],
            "seq 3 (id 3)",
            "a stored value cannot be read",
        ),
        (
            ["UPDATE decision SET snapshot = '{not json' WHERE seq = 2"],
            "seq 2 (id 2)",
            "a stored value cannot be read",
        ),
    ],
    ids=[
        "edit-rationale",
        "edit-snapshot",
        "edit-author",
        "delete",
        "swap-seq",
        "insert-forged",
        "garbage-date",
        "garbage-json",
    ],
)
def test_tampering_exits_1_naming_the_first_broken_record(
    archive, run, workspace: Path, statements: list[str], broken: str, reason: str
) -> None:
    sql(workspace, *statements)
    result = run("decisions", "verify")
    assert result.exit_code == 1, result.output
    assert f"record {broken}" in result.stderr
    assert reason in result.stderr
    assert "Traceback" not in result.output


def test_a_record_moved_to_another_platform_breaks_its_supersedes_link(
    archive, run, workspace: Path
) -> None:
    # Re-sign seq 3 as if it concerned mastodon, and re-chain the last record after it.
    forged = dict(archive[2], platform="mastodon")
    forged["hash"] = record_hash(forged, forged["prev_hash"])
    last = dict(archive[3], prev_hash=forged["hash"])
    last["hash"] = record_hash(last, last["prev_hash"])
    sql(
        workspace,
        f"UPDATE decision SET platform = 'mastodon', hash = '{forged['hash']}' WHERE seq = 3",
        f"UPDATE decision SET prev_hash = '{last['prev_hash']}', hash = '{last['hash']}'"
        " WHERE seq = 4",
    )
    result = run("decisions", "verify")
    assert result.exit_code == 1
    assert "record seq 3 (id 3)" in result.stderr
    assert "supersedes link" in result.stderr


def test_truncation_is_caught_only_against_an_earlier_head(archive, run, workspace: Path) -> None:
    head = archive[-1]["hash"]
    sql(workspace, "DELETE FROM decision WHERE seq = 4")
    assert run("decisions", "verify").exit_code == 0, "a cut tail alone is a valid shorter chain"
    result = run("decisions", "verify", "--head", head)
    assert result.exit_code == 1
    assert f"the head hash {head} is not in the archive" in result.stderr


def test_a_rewritten_chain_is_caught_against_an_earlier_head(archive, run, workspace: Path) -> None:
    """Someone edits the first record and recomputes every hash after it: only the anchored
    head printed in an earlier report can reveal it."""
    head = archive[-1]["hash"]
    prev = GENESIS_HASH
    statements = []
    for index, record in enumerate(archive):
        record = dict(record, prev_hash=prev)
        if index == 0:
            record["rationale"] = "Rewritten history"
        record["hash"] = record_hash(record, prev)
        statements.append(
            f"UPDATE decision SET rationale = '{record['rationale']}', prev_hash = '{prev}', "
            f"hash = '{record['hash']}' WHERE seq = {record['seq']}"
        )
        prev = record["hash"]
    sql(workspace, *statements)
    assert run("decisions", "verify").exit_code == 0
    result = run("decisions", "verify", "--head", head)
    assert result.exit_code == 1
    assert "not in the archive" in result.stderr


def test_a_malformed_head_is_bad_input(archive, run) -> None:
    result = run("decisions", "verify", "--head", "not-a-hash")
    assert result.exit_code == 2
    assert "invalid head hash" in result.stderr
