"""`vigie decide` refuses bad input with exit 2 and appends nothing (the database is unchanged)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import db_snapshot
from tests.test_decisions_support import copied_workspace, decisions_template  # noqa: F401

VALID = ("--verdict", "pilot", "--by", "Conseil municipal", "--rationale", "Reach students.")


def _replace(args: tuple[str, ...], option: str, value: str) -> tuple[str, ...]:
    out = list(args)
    out[out.index(option) + 1] = value
    return tuple(out)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("myspace", *VALID), "unknown platform 'myspace'"),
        (("bluesky", *_replace(VALID, "--verdict", "maybe")), "unknown verdict 'maybe'"),
        (("bluesky", *VALID, "--status", "superseded"), "unknown status 'superseded'"),
        (("bluesky", *VALID, "--status", "done"), "unknown status 'done'"),
        (("bluesky", *VALID, "--review-on", "next spring"), "invalid review date 'next spring'"),
        (("bluesky", *VALID, "--review-on", "2027-02-30"), "invalid review date '2027-02-30'"),
        (("bluesky", *VALID, "--review-on", "20270630"), "invalid review date '20270630'"),
        (("bluesky", *VALID, "--review-on", "2020-01-01"), "is before the decision date"),
        (("bluesky", *_replace(VALID, "--rationale", "")), "the rationale is empty"),
        (("bluesky", *_replace(VALID, "--rationale", "   \n ")), "the rationale is empty"),
        (("bluesky", *_replace(VALID, "--rationale", "x" * 10_001)), "10,001 characters long"),
        (("bluesky", *_replace(VALID, "--by", " ")), "decision-maker name (--by) is empty"),
        (("bluesky", "--verdict", "pilot", "--by", "Maire"), "--rationale or --rationale-file"),
        (("x", *_replace(VALID, "--verdict", "keep")), "applies to a platform the city is on"),
    ],
    ids=[
        "unknown-platform",
        "unknown-verdict",
        "derived-status",
        "unknown-status",
        "date-words",
        "date-impossible",
        "date-compact",
        "date-in-the-past",
        "empty-rationale",
        "blank-rationale",
        "rationale-too-long",
        "blank-author",
        "no-rationale",
        "verdict-does-not-fit",
    ],
)
def test_bad_input_is_exit_2_and_appends_nothing(
    workspace: Path, run, args: tuple[str, ...], message: str
) -> None:
    before = db_snapshot(workspace / "vigie.db")
    result = run("decide", *args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert db_snapshot(workspace / "vigie.db") == before


def test_a_rationale_of_exactly_10000_characters_is_accepted_by_validation() -> None:
    from watch.decisions import validate_decision

    fields = validate_decision("pilot", "Maire", "x" * 10_000)
    assert len(fields["rationale"]) == 10_000


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("decisions", "show", "42"), "no decision with id 42"),
        (("decisions", "show", "abc"), "'abc' is not a valid integer"),
        (("decisions", "list", "--platform", "myspace"), "unknown platform 'myspace'"),
        (("decisions", "export", "--format", "pdf"), "'pdf' is not one of"),
    ],
    ids=["show-unknown", "show-not-a-number", "list-unknown-platform", "export-bad-format"],
)
def test_bad_input_to_the_archive_commands_is_exit_2(
    workspace: Path, run, args: tuple[str, ...], message: str
) -> None:
    before = db_snapshot(workspace / "vigie.db")
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert db_snapshot(workspace / "vigie.db") == before


def test_a_rationale_file_that_is_not_utf8_is_bad_input(
    workspace: Path, run, tmp_path: Path
) -> None:
    latin1 = tmp_path / "motif.txt"
    latin1.write_bytes("Délibération".encode("latin-1"))
    before = db_snapshot(workspace / "vigie.db")
    result = run(
        "decide", "bluesky", "--verdict", "pilot", "--by", "Maire", "--rationale-file", str(latin1)
    )
    assert result.exit_code == 2
    assert "not UTF-8 text" in result.stderr
    assert db_snapshot(workspace / "vigie.db") == before


def test_rationale_and_rationale_file_together_are_refused(
    workspace: Path, run, tmp_path: Path
) -> None:
    text = tmp_path / "motif.txt"
    text.write_text("Motif", encoding="utf-8")
    result = run("decide", "bluesky", *VALID, "--rationale-file", str(text))
    assert result.exit_code == 2
    assert "--rationale or --rationale-file" in result.stderr
