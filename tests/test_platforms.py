"""Platforms: show, add, set-status, and the bad inputs that must change nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import db_snapshot


def test_set_status_marks_a_platform_joined(workspace: Path, run) -> None:
    assert run("platforms", "set-status", "facebook", "joined").exit_code == 0
    rows = json.loads(run("platforms", "list", "--status", "joined", "--format", "json").stdout)
    assert [row["slug"] for row in rows] == ["facebook"]


def test_show_includes_cited_facts(workspace: Path, run) -> None:
    result = run("platforms", "show", "snapchat", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["name"] == "Snapchat"
    assert data["facts"], "Snapchat has cited audience facts"
    assert all(fact["url"].startswith("https://") and fact["source"] for fact in data["facts"])


def test_add_platform_then_show(workspace: Path, run) -> None:
    result = run(
        "platforms", "add", "noplace", "--name", "Noplace", "--alias", "Noplace",
        "--category", "social", "--launched", "2024", "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    shown = json.loads(run("platforms", "show", "noplace", "--format", "json").stdout)
    assert shown["origin"] == "user"
    assert shown["launched"] == 2024


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("platforms", "show", "myspace"), "unknown platform 'myspace'"),
        (("platforms", "set-status", "myspace", "joined"), "unknown platform 'myspace'"),
        (("platforms", "set-status", "x", "maybe"), "'maybe' is not one of"),
        (("platforms", "add", "facebook", "--name", "Facebook"), "already exists"),
        (("platforms", "add", "Bad Slug!", "--name", "Bad"), "invalid slug"),
        (("platforms", "list", "--format", "xml"), "'xml' is not one of"),
    ],
    ids=[
        "show-unknown",
        "status-unknown-platform",
        "bad-status",
        "duplicate",
        "bad-slug",
        "bad-format",
    ],
)
def test_bad_input_is_exit_2_and_changes_nothing(
    workspace: Path, run, args: tuple[str, ...], message: str
) -> None:
    before = db_snapshot(workspace / "vigie.db")
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert db_snapshot(workspace / "vigie.db") == before
