"""Indexes for a long signal history: by date, and by kind and date.

A ten-year history holds about a million signals (benchmarks/bench_store_scale.py). Listing
signals since a date, or of one kind since a date (``vigie signals list --kind --since``), or
reading a recent window of evidence for every platform, would otherwise scan the whole table;
``ix_signal_platform_published`` only serves queries that name a platform.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_signal_published", "signal", ["published_at"])
    op.create_index("ix_signal_kind_published", "signal", ["kind", "published_at"])


def downgrade() -> None:
    op.drop_index("ix_signal_kind_published", table_name="signal")
    op.drop_index("ix_signal_published", table_name="signal")
