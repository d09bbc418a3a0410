"""Shared fixtures: a workspace made by the real CLI, and a runner that never hides tracebacks."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tests import backends
from tests.backends import (  # noqa: F401  (fixtures of the PostgreSQL and Redis suites)
    pg_url,
    postgres_database,
    redis_namespace,
    redis_server,
    store_url,
)
from watch.cli import cli

SHARED = Path(__file__).resolve().parents[1].parent / "shared"

DEFAULT_SLUGS = {
    "facebook", "instagram", "x", "linkedin", "tiktok", "snapchat", "youtube", "bluesky",
    "threads", "mastodon", "bereal", "discord", "whatsapp", "telegram", "pinterest", "twitch",
    "pixelfed", "peertube", "lemon8", "reddit", "signal",
}  # fmt: skip


def shared_path(*parts: str) -> Path:
    """A path in ../shared, or a clean skip on a fresh clone that has none."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"../shared/{'/'.join(parts)} is not available on this machine")
    return path


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("VIGIE_WORKSPACE", "VIGIE_DATABASE_URL", "VIGIE_NOW"):
        monkeypatch.delenv(name, raising=False)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    backends.parametrize_backends(metafunc)


@pytest.fixture(autouse=True)
def database_backend(
    request: pytest.FixtureRequest, _isolated_env: None, monkeypatch: pytest.MonkeyPatch
) -> str:
    """``sqlite``, or ``postgresql`` when the suite runs on both (see tests/backends.py)."""
    return backends.use_backend(request, monkeypatch)


@pytest.fixture
def run(tmp_path: Path) -> Callable[..., Result]:
    """Invoke ``vigie`` in-process against a workspace folder (``tmp_path/ws`` by default)."""

    def _run(*args: str, workspace: Path | None = None, input: str | None = None) -> Result:
        root = workspace or tmp_path / "ws"
        runner = CliRunner()
        return runner.invoke(
            cli, ["--workspace", str(root), *args], input=input, catch_exceptions=False
        )

    return _run


@pytest.fixture
def workspace(tmp_path: Path, run: Callable[..., Result]) -> Path:
    """A fresh workspace with the catalogue and the default sources."""
    result = run("init", "--city", "Testville", "--population", "33000", "--department", "26")
    assert result.exit_code == 0, result.output
    return tmp_path / "ws"


def db_snapshot(path: Path) -> list[str]:
    """Every statement needed to rebuild the database: equal snapshots mean nothing changed."""
    postgres = backends.active_postgres_url()
    if postgres:
        return backends.postgres_snapshot(postgres)
    connection = sqlite3.connect(path)
    try:
        return list(connection.iterdump())
    finally:
        connection.close()
