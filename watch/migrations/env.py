"""Alembic environment: always run with a connection handed in by ``watch.store.migrate``."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import watch.models  # noqa: F401  (registers the tables on SQLModel.metadata)

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - Vigie never runs Alembic from its own CLI
    raise RuntimeError("run migrations through watch.store.migrate()")

context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
