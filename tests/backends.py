"""The PostgreSQL and Redis servers on 127.0.0.1, as pytest fixtures that skip cleanly without them.

PostgreSQL: one database ``vigie_test_<random>`` per test session (created through the
``postgres`` maintenance database with trust auth, dropped at the end), and one fresh schema per
test inside it, so tests never see each other's rows and a schema costs milliseconds, not the
second a ``CREATE DATABASE`` takes. Redis: one key prefix per test, deleted afterwards.

The same store suites run on both backends: ``parametrize_backends`` (called from
``tests/conftest.py``'s ``pytest_generate_tests``) runs the foundation's CLI suites twice, once on
the workspace's SQLite file and once with ``VIGIE_DATABASE_URL`` pointing at a fresh PostgreSQL
schema. ``postgres_snapshot`` lets ``db_snapshot`` prove "nothing written" on PostgreSQL too.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from urllib.parse import quote

import pytest

PG_HOST = os.environ.get("VIGIE_TEST_PGHOST", "127.0.0.1")
PG_PORT = int(os.environ.get("VIGIE_TEST_PGPORT", "5432"))
PG_USER = os.environ.get("VIGIE_TEST_PGUSER", "postgres")
REDIS_URL = os.environ.get("VIGIE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
MAINTENANCE_DATABASES = ("postgres", "test", "template1")

# Test modules whose CLI tests run on both backends (the foundation's store-backed suites).
BACKEND_SUITES = {
    "tests.test_init",
    "tests.test_platforms",
    "tests.test_sources",
    "tests.test_scaleout_store",
}
# Tests about the SQLite file itself: meaningless on PostgreSQL.
SQLITE_ONLY = {
    "test_database_is_sqlite_in_wal_mode": "checks the SQLite journal mode",
    "test_database_url_from_environment": "sets its own SQLite VIGIE_DATABASE_URL",
}


def _maintenance_connection():  # type: ignore[no-untyped-def]
    """An autocommit connection to a maintenance database, or a skip saying why there is none."""
    try:
        import psycopg
    except ModuleNotFoundError:
        pytest.skip("psycopg is not installed (pip install 'vigie-reseaux[postgres]')")
    errors = []
    for name in MAINTENANCE_DATABASES:
        try:
            return psycopg.connect(
                host=PG_HOST, port=PG_PORT, user=PG_USER, dbname=name,
                autocommit=True, connect_timeout=3,
            )  # fmt: skip
        except psycopg.OperationalError as exc:
            errors.append(str(exc).strip().splitlines()[0])
    pytest.skip(f"no PostgreSQL server on {PG_HOST}:{PG_PORT} ({errors[-1]})")


def postgres_url(database: str, schema: str | None = None) -> str:
    """A SQLAlchemy URL for ``database``; ``schema`` becomes the connection's search_path."""
    url = f"postgresql+psycopg://{PG_USER}@{PG_HOST}:{PG_PORT}/{database}"
    if schema:
        url += "?options=" + quote(f"-csearch_path={schema}")
    return url


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A fresh database for this test session, dropped at the end; yields its name."""
    admin = _maintenance_connection()
    name = f"vigie_test_{secrets.token_hex(4)}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def new_schema_url(database: str) -> str:
    """A SQLAlchemy URL to a new, empty schema of ``database`` (a fresh store)."""
    import psycopg

    schema = f"t_{secrets.token_hex(6)}"
    with psycopg.connect(
        host=PG_HOST, port=PG_PORT, user=PG_USER, dbname=database, autocommit=True
    ) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    return postgres_url(database, schema)


@pytest.fixture
def pg_url(postgres_database: str) -> str:
    """A SQLAlchemy URL to an empty schema of its own (a fresh store for one test)."""
    return new_schema_url(postgres_database)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path) -> str:  # type: ignore[no-untyped-def]
    """A fresh, empty store URL on each backend in turn."""
    if request.param == "postgresql":
        return request.getfixturevalue("pg_url")
    return f"sqlite:///{tmp_path / 'store.db'}"


def parametrize_backends(metafunc: pytest.Metafunc) -> None:
    """Run the foundation's store-backed CLI suites on SQLite and on PostgreSQL."""
    if metafunc.module.__name__ not in BACKEND_SUITES or "run" not in metafunc.fixturenames:
        return  # only the tests that go through the CLI (and so VIGIE_DATABASE_URL)
    if metafunc.function.__name__ in SQLITE_ONLY:
        return
    metafunc.parametrize(
        "database_backend",
        ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
        indirect=True,
    )


def use_backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Body of conftest's ``database_backend``: point ``VIGIE_DATABASE_URL`` at PostgreSQL."""
    backend = getattr(request, "param", "sqlite")
    if backend == "postgresql":
        monkeypatch.setenv("VIGIE_DATABASE_URL", request.getfixturevalue("pg_url"))
    return backend


def postgres_snapshot(url: str) -> list[str]:
    """Every row of every table of the store at ``url``, sorted: equal lists mean no change."""
    from sqlalchemy import create_engine, text
    from sqlmodel import SQLModel

    import watch.models  # noqa: F401  (registers the tables)

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            rows = []
            for table in SQLModel.metadata.sorted_tables:
                for row in conn.execute(text(f'SELECT * FROM "{table.name}"')):
                    rows.append(f"{table.name}: {tuple(row)!r}")
            return sorted(rows)
    finally:
        engine.dispose()


def active_postgres_url() -> str | None:
    """The PostgreSQL URL this test runs against, if any."""
    url = os.environ.get("VIGIE_DATABASE_URL", "")
    return url if url.startswith("postgresql") else None


# -- Redis ----------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def redis_server() -> str:
    """The Redis URL on 127.0.0.1, or a skip saying why there is none."""
    try:
        import redis
    except ModuleNotFoundError:
        pytest.skip("redis is not installed (pip install 'vigie-reseaux[distributed]')")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"no Redis server at {REDIS_URL} ({exc})")
    finally:
        client.close()
    return REDIS_URL


@pytest.fixture
def redis_namespace(redis_server: str) -> Iterator[str]:
    """A key prefix of this test's own; every key under it is deleted afterwards."""
    import redis

    namespace = f"vigie-test-{secrets.token_hex(4)}"
    yield namespace
    client = redis.Redis.from_url(redis_server)
    try:
        keys = list(client.scan_iter(match=f"{namespace}*"))
        if keys:
            client.delete(*keys)
    finally:
        client.close()
