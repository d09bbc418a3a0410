"""`vigie init`: a workspace with the catalogue, the default sources and a valid configuration."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from tests.conftest import DEFAULT_SLUGS
from watch.catalogue import source_entries
from watch.config import load_config


def test_init_then_platforms_list_shows_the_21_platforms(workspace: Path, run) -> None:
    result = run("platforms", "list", "--format", "json")
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert {row["slug"] for row in rows} == DEFAULT_SLUGS
    assert all(row["status"] == "watching" for row in rows)
    assert {"slug", "name", "status"} <= set(rows[0])


def test_init_writes_a_config_that_loads_back(workspace: Path) -> None:
    config = load_config(workspace / "vigie.toml")
    assert config.city.name == "Testville"
    assert config.city.population == 33000
    assert config.city.department == "26"
    assert config.profile.name == "default"
    assert (workspace / "reports").is_dir()
    assert (workspace / "cache").is_dir()


def test_init_registers_the_default_live_sources(workspace: Path, run) -> None:
    rows = json.loads(run("sources", "list", "--format", "json").stdout)
    assert {row["id"] for row in rows} == {entry.id for entry in source_entries()}
    assert {"id", "kind", "url", "platform", "enabled", "last_status", "last_error",
            "last_fetched_at"} <= set(rows[0])  # fmt: skip


def test_init_no_defaults_registers_no_source(tmp_path: Path, run) -> None:
    assert run("init", "--no-defaults").exit_code == 0
    assert json.loads(run("sources", "list", "--format", "json").stdout) == []


def test_database_is_sqlite_in_wal_mode(workspace: Path) -> None:
    connection = sqlite3.connect(workspace / "vigie.db")
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    connection.close()


def test_init_twice_is_refused(workspace: Path, run) -> None:
    before = (workspace / "vigie.toml").read_text()
    result = run("init")
    assert result.exit_code == 2
    assert "already" in result.stderr
    assert (workspace / "vigie.toml").read_text() == before


def test_workspace_from_environment(tmp_path: Path, monkeypatch) -> None:
    from click.testing import CliRunner

    from watch.cli import cli

    root = tmp_path / "from-env"
    monkeypatch.setenv("VIGIE_WORKSPACE", str(root))
    runner = CliRunner()
    assert runner.invoke(cli, ["init", "--no-defaults"]).exit_code == 0
    assert (root / "vigie.toml").exists()
    result = runner.invoke(cli, ["platforms", "list", "--format", "csv"])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0].startswith("slug,name,status")


def test_database_url_from_environment(tmp_path: Path, run, monkeypatch) -> None:
    elsewhere = tmp_path / "elsewhere.db"
    monkeypatch.setenv("VIGIE_DATABASE_URL", f"sqlite:///{elsewhere}")
    assert run("init", "--no-defaults").exit_code == 0
    assert elsewhere.exists()
    assert not (tmp_path / "ws" / "vigie.db").exists()


def test_command_outside_a_workspace_is_a_clear_error(tmp_path: Path, run) -> None:
    result = run("platforms", "list", workspace=tmp_path / "nowhere")
    assert result.exit_code == 2
    assert "vigie init" in result.stderr
    assert "Traceback" not in result.output


def test_init_with_an_unknown_profile_is_refused(tmp_path: Path, run) -> None:
    result = run("init", "--profile", "jeunesse")
    assert result.exit_code == 2
    assert "unknown profile 'jeunesse'" in result.stderr
    assert "profiles/jeunesse.toml" in result.stderr
    assert not (tmp_path / "ws" / "vigie.toml").exists()
