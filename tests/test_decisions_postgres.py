"""The decision archive on PostgreSQL (shared deployments): same chain, same lock, same audit.

Runs against the server on 127.0.0.1 (tests/backends.py) and skips cleanly without it. The
archive must hash identically after a round trip through PostgreSQL's timestamptz and JSON
columns, and concurrent `vigie decide` processes must serialise on the advisory lock.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import db_snapshot

pytestmark = pytest.mark.postgres

DECIDE = ("--by", "Conseil municipal", "--rationale", "Décision partagée")


@pytest.fixture
def pg_workspace(pg_url: str, monkeypatch: pytest.MonkeyPatch, run, tmp_path: Path) -> Path:
    monkeypatch.setenv("VIGIE_DATABASE_URL", pg_url)
    result = run("init", "--city", "Observatoire", "--no-defaults")
    assert result.exit_code == 0, result.output
    return tmp_path / "ws"


def _execute(url: str, statement: str) -> None:
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text(statement))
    finally:
        engine.dispose()


def test_concurrent_decides_on_postgresql_keep_one_chain(pg_workspace: Path, run) -> None:
    first = run("decide", "bluesky", "--verdict", "pilot", *DECIDE)
    assert first.exit_code == 0, first.output
    command = [sys.executable, "-m", "watch", "--workspace", str(pg_workspace), "decide"]
    plan = [("bluesky", "join"), ("mastodon", "watch")] * 2
    processes = [
        subprocess.Popen(
            [*command, slug, "--verdict", verdict, *DECIDE],
            env=dict(os.environ),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for slug, verdict in plan
    ]
    outcomes = [(p.wait(timeout=120), p.communicate()[1]) for p in processes]
    assert [code for code, _ in outcomes] == [0] * len(plan), outcomes
    rows = json.loads(run("decisions", "list", "--format", "json").stdout)
    assert [row["seq"] for row in rows] == list(range(1, len(plan) + 2))
    verified = run("decisions", "verify", "--format", "json")
    assert verified.exit_code == 0, verified.output
    assert json.loads(verified.stdout)["count"] == len(plan) + 1


def test_an_edit_on_postgresql_is_located(pg_workspace: Path, run) -> None:
    for slug in ("bluesky", "mastodon", "threads"):
        assert run("decide", slug, "--verdict", "watch", *DECIDE).exit_code == 0
    _execute(os.environ["VIGIE_DATABASE_URL"], "UPDATE decision SET verdict = 'join' WHERE seq = 2")
    result = run("decisions", "verify")
    assert result.exit_code == 1
    assert "record seq 2 (id 2)" in result.stderr


def test_bad_input_on_postgresql_writes_nothing(pg_workspace: Path, run) -> None:
    before = db_snapshot(pg_workspace / "vigie.db")
    result = run("decide", "bluesky", "--verdict", "pilot", "--by", "Maire", "--rationale", " ")
    assert result.exit_code == 2
    assert db_snapshot(pg_workspace / "vigie.db") == before
