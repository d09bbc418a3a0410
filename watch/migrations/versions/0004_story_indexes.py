"""Covering indexes for reading stories on a long signal history.

Scoring weighs every regulation and risk story of the last six years and counts the items of
each story it cites (criteria/evidence.py). On a ten-year history (a million signals) those
queries looked each signal up in the table after the index; with the columns they read in the
index they are answered from it. The story index is partial: two signals in three belong to no
story, and a query for signals outside any story must not walk it.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

IN_A_STORY = sa.text("cluster_id IS NOT NULL")


def upgrade() -> None:
    op.drop_index("ix_signal_kind_published", table_name="signal")
    op.create_index(
        "ix_signal_kind_published", "signal", ["kind", "published_at", "cluster_id", "platform"]
    )
    op.drop_index("ix_signal_cluster", table_name="signal")
    op.create_index(
        "ix_signal_cluster",
        "signal",
        ["cluster_id", "platform", "kind", "published_at", "fetched_at"],
        sqlite_where=IN_A_STORY,
        postgresql_where=IN_A_STORY,
    )


def downgrade() -> None:
    op.drop_index("ix_signal_cluster", table_name="signal")
    op.create_index("ix_signal_cluster", "signal", ["cluster_id"])
    op.drop_index("ix_signal_kind_published", table_name="signal")
    op.create_index("ix_signal_kind_published", "signal", ["kind", "published_at"])
