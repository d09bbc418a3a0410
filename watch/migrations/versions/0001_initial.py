"""Initial schema: platforms, sources, signals, metrics, facts, peers, scores, decisions.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from watch.dbtypes import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "platform",
        sa.Column("slug", sa.String(40), primary_key=True),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.Column("category", sa.String(), nullable=True),
        sa.Column("launched", sa.Integer(), nullable=True),
        sa.Column("owner", sa.String(), nullable=True),
        sa.Column("hq_country", sa.String(), nullable=True),
        sa.Column("protocol", sa.String(), nullable=False),
        sa.Column("wikipedia", sa.JSON(), nullable=False),
        sa.Column("app_store_ids", sa.JSON(), nullable=False),
        sa.Column("domains", sa.JSON(), nullable=False),
        sa.Column("reference_url", sa.String(), nullable=True),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("status_changed_at", UTCDateTime(), nullable=True),
        sa.Column("origin", sa.String(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "source",
        sa.Column("id", sa.String(80), primary_key=True),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("url", sa.String(), nullable=False),
        sa.Column("platform", sa.String(40), sa.ForeignKey("platform.slug"), nullable=True),
        sa.Column("language", sa.String(), nullable=True),
        sa.Column("title", sa.String(), nullable=True),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("etag", sa.String(), nullable=True),
        sa.Column("last_modified", sa.String(), nullable=True),
        sa.Column("last_fetched_at", UTCDateTime(), nullable=True),
        sa.Column("last_success_at", UTCDateTime(), nullable=True),
        sa.Column("last_new_item_at", UTCDateTime(), nullable=True),
        sa.Column("last_status", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.String(), nullable=True),
        sa.Column("error_count", sa.Integer(), nullable=False),
        sa.Column("next_fetch_at", UTCDateTime(), nullable=True),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("origin", sa.String(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "signal",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("platform", sa.String(40), sa.ForeignKey("platform.slug"), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("url", sa.String(), nullable=True),
        sa.Column("summary", sa.String(), nullable=True),
        sa.Column("published_at", UTCDateTime(), nullable=True),
        sa.Column("fetched_at", UTCDateTime(), nullable=False),
        sa.Column("source_id", sa.String(80), sa.ForeignKey("source.id"), nullable=True),
        sa.Column("language", sa.String(), nullable=True),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("unit", sa.String(), nullable=True),
        sa.Column("fingerprint", sa.String(128), nullable=False, unique=True),
        sa.Column("cluster_id", sa.String(64), nullable=True),
    )
    op.create_index("ix_signal_platform_published", "signal", ["platform", "published_at"])
    op.create_index("ix_signal_source", "signal", ["source_id"])
    op.create_index("ix_signal_cluster", "signal", ["cluster_id"])
    op.create_table(
        "metric",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("platform", sa.String(40), sa.ForeignKey("platform.slug"), nullable=False),
        sa.Column("metric", sa.String(), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("period", sa.String(), nullable=False),
        sa.Column("observed_at", UTCDateTime(), nullable=False),
        sa.Column("subject", sa.String(), nullable=False),
        sa.Column("source_id", sa.String(80), sa.ForeignKey("source.id"), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.UniqueConstraint("platform", "metric", "subject", "period"),
    )
    op.create_table(
        "fact",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("ref", sa.String(120), nullable=False, unique=True),
        sa.Column("platform", sa.String(40), sa.ForeignKey("platform.slug"), nullable=True),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("audience", sa.String(), nullable=True),
        sa.Column("age_group", sa.String(), nullable=True),
        sa.Column("value", sa.String(), nullable=False),
        sa.Column("number", sa.Float(), nullable=True),
        sa.Column("unit", sa.String(), nullable=True),
        sa.Column("metric", sa.String(), nullable=True),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("publisher", sa.String(), nullable=False),
        sa.Column("title", sa.String(), nullable=True),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(), nullable=False),
        sa.Column("reported_by", sa.String(), nullable=True),
        sa.Column("confidence", sa.String(), nullable=True),
        sa.Column("note", sa.String(), nullable=True),
    )
    op.create_table(
        "peer",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("population", sa.Integer(), nullable=True),
        sa.Column("homepage", sa.String(), nullable=False),
        sa.Column("department", sa.String(), nullable=True),
        sa.Column("insee", sa.String(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("last_crawled_at", UTCDateTime(), nullable=True),
        sa.Column("last_status", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.String(), nullable=True),
        sa.UniqueConstraint("name", "homepage"),
    )
    op.create_table(
        "peer_presence",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("peer_id", sa.Integer(), sa.ForeignKey("peer.id"), nullable=False),
        sa.Column("platform", sa.String(40), sa.ForeignKey("platform.slug"), nullable=False),
        sa.Column("account_url", sa.String(), nullable=False),
        sa.Column("how", sa.String(), nullable=True),
        sa.Column("seen_at", UTCDateTime(), nullable=False),
        sa.Column("first_seen_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("peer_id", "platform"),
    )
    op.create_table(
        "score_run",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("profile", sa.String(), nullable=False),
        sa.Column("weights", sa.JSON(), nullable=False),
        sa.Column("audiences", sa.JSON(), nullable=False),
        sa.Column("method", sa.JSON(), nullable=False),
        sa.Column("engine_version", sa.String(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("as_of", UTCDateTime(), nullable=False),
        sa.Column("quarter", sa.String(), nullable=True),
        sa.Column("label", sa.String(), nullable=True),
        sa.Column("result", sa.JSON(), nullable=False),
    )
    op.create_table(
        "score",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("run_id", sa.Integer(), sa.ForeignKey("score_run.id"), nullable=False),
        sa.Column("platform", sa.String(40), sa.ForeignKey("platform.slug"), nullable=False),
        sa.Column("total", sa.Float(), nullable=True),
        sa.Column("verdict", sa.String(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("stability", sa.Float(), nullable=True),
        sa.Column("rank", sa.Integer(), nullable=True),
        sa.Column("knockouts", sa.JSON(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.UniqueConstraint("run_id", "platform"),
    )
    op.create_table(
        "criterion_score",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("run_id", sa.Integer(), sa.ForeignKey("score_run.id"), nullable=False),
        sa.Column("platform", sa.String(40), sa.ForeignKey("platform.slug"), nullable=False),
        sa.Column("criterion", sa.String(), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.Column("contribution", sa.Float(), nullable=True),
        sa.Column("explanation_fr", sa.String(), nullable=True),
        sa.Column("explanation_en", sa.String(), nullable=True),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.UniqueConstraint("run_id", "platform", "criterion"),
    )
    op.create_table(
        "decision",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("seq", sa.Integer(), nullable=False, unique=True),
        sa.Column("platform", sa.String(40), sa.ForeignKey("platform.slug"), nullable=False),
        sa.Column("verdict", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("decided_at", UTCDateTime(), nullable=False),
        sa.Column("decided_by", sa.String(), nullable=False),
        sa.Column("consulted", sa.String(), nullable=True),
        sa.Column("rationale", sa.String(), nullable=False),
        sa.Column("review_on", sa.Date(), nullable=True),
        sa.Column("score_run_id", sa.Integer(), sa.ForeignKey("score_run.id"), nullable=True),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("supersedes", sa.Integer(), nullable=True),
        sa.Column("prev_hash", sa.String(), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False, unique=True),
    )
    op.create_index("ix_decision_platform", "decision", ["platform"])
    op.create_table(
        "app_lock",
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("counter", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    for table in (
        "app_lock",
        "decision",
        "criterion_score",
        "score",
        "score_run",
        "peer_presence",
        "peer",
        "fact",
        "metric",
        "signal",
        "source",
        "platform",
    ):
        op.drop_table(table)
