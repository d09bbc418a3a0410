"""vigie.toml is validated: unknown keys and wrong types are clear errors naming the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import db_snapshot


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda t: t.replace("population = 33000", "populaton = 33000"), "city.populaton"),
        (lambda t: t.replace("population = 33000", 'population = "many"'), "city.population"),
        (lambda t: t + "\n[unknown]\nx = 1\n", "unknown"),
        (lambda t: t.replace("[city]", "[city"), "not valid TOML"),
        (lambda t: t.replace("delay = 1.0", "delay = -3.0"), "collect.delay"),
        (lambda t: t.replace('lang = "fr"', 'lang = "de"'), "report.lang"),
    ],
    ids=["unknown-key", "wrong-type", "unknown-section", "bad-toml", "negative", "bad-lang"],
)
def test_malformed_config_is_exit_2_naming_the_key(
    workspace: Path, run, edit, message: str
) -> None:
    path = workspace / "vigie.toml"
    path.write_text(edit(path.read_text()))
    before = db_snapshot(workspace / "vigie.db")
    result = run("platforms", "set-status", "x", "joined")
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert db_snapshot(workspace / "vigie.db") == before


def test_config_that_is_not_utf8(workspace: Path, run) -> None:
    (workspace / "vigie.toml").write_bytes(b'[city]\nname = "\xff\xfe"\n')
    result = run("platforms", "list")
    assert result.exit_code == 2
    assert "UTF-8" in result.stderr
