"""Collected entries (every item, whatever it mentions) and emergence candidates.

Signals became (entry, platform) pairs: the new ``signal.entry_id`` links each signal to the
entry it came from, so that the emergence watch can read entries that name no known platform.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from watch.dbtypes import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "entry",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("source_id", sa.String(80), sa.ForeignKey("source.id"), nullable=True),
        sa.Column("fingerprint", sa.String(128), nullable=False, unique=True),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("url", sa.String(), nullable=True),
        sa.Column("summary", sa.String(), nullable=True),
        sa.Column("published_at", UTCDateTime(), nullable=True),
        sa.Column("fetched_at", UTCDateTime(), nullable=False),
        sa.Column("language", sa.String(), nullable=True),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("unit", sa.String(), nullable=True),
        sa.Column("platforms", sa.JSON(), nullable=False),
        sa.Column("cluster_id", sa.String(64), nullable=True),
    )
    op.create_index("ix_entry_published", "entry", ["published_at"])
    op.create_table(
        "candidate",
        sa.Column("key", sa.String(120), primary_key=True),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("slug", sa.String(), nullable=True),
        sa.Column("decided_by", sa.String(), nullable=True),
        sa.Column("reason", sa.String(), nullable=True),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
    )
    with op.batch_alter_table("signal") as batch:
        batch.add_column(sa.Column("entry_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_signal_entry", "entry", ["entry_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("signal") as batch:
        batch.drop_constraint("fk_signal_entry", type_="foreignkey")
        batch.drop_column("entry_id")
    op.drop_table("candidate")
    op.drop_index("ix_entry_published", table_name="entry")
    op.drop_table("entry")
