"""The store: engine, sessions, migrations, upserts and locks, for SQLite and PostgreSQL.

Only this module knows how a backend is configured. SQLite runs in WAL mode with foreign keys on
and real transactions (``BEGIN`` emitted by us, as SQLAlchemy recommends for pysqlite), so that
the same code is safe on both backends. Schema changes go through Alembic; a workspace whose
database is behind the code is upgraded in place when it is opened.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, OperationalError
from sqlmodel import Session, SQLModel, select

from watch.errors import InputError

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# Kept in step with the newest file in migrations/versions (a test checks it), so that opening a
# store can tell "up to date" from one cheap query instead of loading Alembic on every command.
HEAD_REVISION = "0004"
SQLITE_MAGIC = b"SQLite format 3\x00"


def _check_sqlite_file(database: str | None) -> None:
    if not database or database == ":memory:":
        return
    path = Path(database)
    if path.exists() and path.stat().st_size > 0:
        with path.open("rb") as handle:
            header = handle.read(16)
        if header != SQLITE_MAGIC:
            raise InputError(f"{path} is not a SQLite database (wrong file header)")


def _power(base: float | None, exponent: float | None) -> float | None:
    """SQLite's ``power()`` where the library was built without its math functions."""
    if base is None or exponent is None:
        return None
    return math.pow(base, exponent)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not pysqlite, decide where transactions start.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        try:  # SQL math functions (criteria sum decayed weights in SQL); not in every build
            cursor.execute("SELECT power(2, 2)")
        except sqlite3.OperationalError:
            dbapi_connection.create_function("power", 2, _power, deterministic=True)
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN")


def make_engine(url: str) -> Engine:
    """Create an engine for ``url``; a file that is not SQLite is a clear input error."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise InputError(f"invalid database URL {url!r}: {exc}") from None
    if parsed.get_backend_name() == "sqlite":
        _check_sqlite_file(parsed.database)
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})
        _configure_sqlite(engine)
        return engine
    try:
        return create_engine(url, pool_pre_ping=True)
    except ModuleNotFoundError as exc:
        raise InputError(
            f"the driver for {parsed.get_backend_name()} is not installed ({exc.name}); "
            "install the extra: pip install 'vigie-reseaux[postgres]'"
        ) from None


def current_revision(engine: Engine) -> str | None:
    """The Alembic revision of the database, or None for an empty one."""
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except DatabaseError as exc:
        raise InputError(f"cannot read the database: {exc.orig}") from None


def migrate(engine: Engine, revision: str = "head") -> None:
    """Upgrade the schema through Alembic (creating it on an empty database)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)


class Store:
    """The one place that hands out sessions; every service takes a Store."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, url: str, *, upgrade: bool = True) -> Store:
        """Open a store, upgrading its schema in place when the code is newer."""
        engine = make_engine(url)
        try:
            revision = current_revision(engine)
        except OperationalError as exc:
            raise InputError(f"cannot open the database {url!r}: {exc.orig}") from None
        if revision != HEAD_REVISION and upgrade:
            migrate(engine)
        return cls(engine)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A transaction: committed on success, rolled back on any error."""
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def lock(self, session: Session, name: str) -> None:
        """Serialise a critical section (such as appending to the decision chain).

        PostgreSQL takes a transaction-scoped advisory lock; SQLite takes its write lock with a
        no-op write first, so that every later read in the transaction sees the newest data and
        concurrent writers queue on the busy timeout instead of failing.
        """
        if self.dialect == "postgresql":
            session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:name))"), {"name": name})
            return
        # A write statement takes SQLite's write lock even when it changes nothing, so the lock
        # leaves no trace in the data (a 304-only collection must not change the database).
        session.execute(
            text("UPDATE app_lock SET counter = counter WHERE name = :name"), {"name": name}
        )

    def dispose(self) -> None:
        self.engine.dispose()


def upsert(
    session: Session,
    model: type[SQLModel],
    rows: Sequence[dict[str, Any]],
    conflict: Sequence[str],
    *,
    update: Sequence[str] | None = None,
) -> int:
    """Insert rows, resolving conflicts on ``conflict`` in one statement (no read-then-write).

    ``update`` names the columns refreshed on conflict; None refreshes every non-key column and
    an empty list leaves the existing row untouched. Returns the number of rows affected.
    """
    if not rows:
        return 0
    table = model.__table__  # type: ignore[attr-defined]
    given = list(rows[0])
    rows = [_complete(model, table, row) for row in rows]
    dialect = session.get_bind().dialect.name
    insert: Any
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - only the two supported backends
        raise InputError(f"unsupported database backend {dialect}")
    statement = insert(table).values(list(rows))
    columns = update if update is not None else [c for c in given if c not in conflict]
    if columns:
        statement = statement.on_conflict_do_update(
            index_elements=list(conflict),
            set_={name: statement.excluded[name] for name in columns},
        )
    else:
        statement = statement.on_conflict_do_nothing(index_elements=list(conflict))
    # SQLAlchemy only keeps an INSERT's rowcount on request (psycopg reports -1 otherwise).
    result: Any = session.execute(statement, execution_options={"preserve_rowcount": True})
    return int(result.rowcount or 0)


def _complete(model: type[SQLModel], table: Any, row: dict[str, Any]) -> dict[str, Any]:
    """Fill the model's Python-side defaults (SQLModel keeps them out of the table DDL)."""
    instance = model(**row)
    full = {}
    for column in table.columns:
        value = getattr(instance, column.name)
        if value is None and column.primary_key and column.autoincrement:
            continue
        full[column.name] = value
    return full


def exists(session: Session, model: type[SQLModel], **where: Any) -> bool:
    """Whether a row matching ``where`` exists."""
    statement = select(model)
    for column, value in where.items():
        statement = statement.where(getattr(model, column) == value)
    return session.exec(statement.limit(1)).first() is not None
