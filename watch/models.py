"""The tables of DESIGN.md's data model.

Table and column names are the contract; extra columns are allowed. Every datetime is aware UTC
(:class:`watch.dbtypes.UTCDateTime`); lists and mappings are JSON columns. Schema changes go
through the Alembic migrations in ``watch/migrations``: a test checks that the migrated schema
matches these classes.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from watch.clock import utcnow
from watch.dbtypes import UTCDateTime

PLATFORM_STATUSES = ("watching", "joined", "left", "declined")
PROTOCOLS = ("activitypub", "atproto", "proprietary")
SOURCE_KINDS = (
    "feed",
    "newsroom",
    "pageviews",
    "app_rank",
    "fediverse",
    "bluesky",
    "account",
    "peers",
)
SIGNAL_KINDS = (
    "launch",
    "feature",
    "milestone",
    "adoption",
    "regulation",
    "risk",
    "business",
    "shutdown",
    "other",
)
MILESTONE_UNITS = ("users", "mau", "dau", "downloads", "accounts")
VERDICTS_NEW = ("join", "pilot", "watch", "decline")
VERDICTS_JOINED = ("keep", "reduce", "leave")
DECISION_STATUSES = ("proposed", "accepted", "rejected", "superseded")


def _now() -> datetime:
    return utcnow()


class Platform(SQLModel, table=True):
    """A social network Vigie watches, and the city's status on it."""

    __tablename__ = "platform"

    slug: str = Field(primary_key=True, max_length=40)
    name: str
    aliases: list[str] = Field(default_factory=list, sa_type=JSON)
    category: str | None = None
    launched: int | None = None
    owner: str | None = None
    hq_country: str | None = None
    protocol: str = "proprietary"
    wikipedia: dict[str, str] = Field(default_factory=dict, sa_type=JSON)
    app_store_ids: list[str] = Field(default_factory=list, sa_type=JSON)
    domains: list[str] = Field(default_factory=list, sa_type=JSON)
    reference_url: str | None = None
    status: str = "watching"
    status_changed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    origin: str = "catalogue"
    created_at: datetime = Field(default_factory=_now, sa_type=UTCDateTime)


class Source(SQLModel, table=True):
    """Where evidence comes from, with its fetch state (conditional GET, backoff)."""

    __tablename__ = "source"

    id: str = Field(primary_key=True, max_length=80)
    kind: str
    url: str
    platform: str | None = Field(default=None, foreign_key="platform.slug")
    language: str | None = None
    title: str | None = None
    enabled: bool = True
    etag: str | None = None
    last_modified: str | None = None
    last_fetched_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_success_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_new_item_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_status: int | None = None
    last_error: str | None = None
    error_count: int = 0
    next_fetch_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    options: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    origin: str = "user"
    created_at: datetime = Field(default_factory=_now, sa_type=UTCDateTime)


class Signal(SQLModel, table=True):
    """A dated piece of evidence from text, about one platform."""

    __tablename__ = "signal"
    __table_args__ = (
        Index("ix_signal_platform_published", "platform", "published_at"),
        Index("ix_signal_published", "published_at"),
        # Covering: kind and date ranges that read a story id and platform (migration 0004).
        Index("ix_signal_kind_published", "kind", "published_at", "cluster_id", "platform"),
        Index("ix_signal_source", "source_id"),
        # Partial and covering: the items of stories, never the signals outside one.
        Index(
            "ix_signal_cluster",
            "cluster_id",
            "platform",
            "kind",
            "published_at",
            "fetched_at",
            sqlite_where=text("cluster_id IS NOT NULL"),
            postgresql_where=text("cluster_id IS NOT NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(foreign_key="platform.slug")
    kind: str = "other"
    title: str
    url: str | None = None
    summary: str | None = None
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    fetched_at: datetime = Field(default_factory=_now, sa_type=UTCDateTime)
    source_id: str | None = Field(default=None, foreign_key="source.id")
    language: str | None = None
    value: float | None = None
    unit: str | None = None
    fingerprint: str = Field(unique=True, max_length=128)
    cluster_id: str | None = Field(default=None, max_length=64)
    entry_id: int | None = Field(default=None, foreign_key="entry.id")


class Entry(SQLModel, table=True):
    """A collected item (feed entry, newsroom article), whatever platform it mentions.

    Signals are the (entry, platform) pairs; entries also feed the emergence watch, which looks
    for networks that are not in the catalogue yet.
    """

    __tablename__ = "entry"
    __table_args__ = (Index("ix_entry_published", "published_at"),)

    id: int | None = Field(default=None, primary_key=True)
    source_id: str | None = Field(default=None, foreign_key="source.id")
    fingerprint: str = Field(unique=True, max_length=128)
    title: str
    url: str | None = None
    summary: str | None = None
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    fetched_at: datetime = Field(default_factory=_now, sa_type=UTCDateTime)
    language: str | None = None
    kind: str = "other"
    value: float | None = None
    unit: str | None = None
    platforms: list[str] = Field(default_factory=list, sa_type=JSON)
    cluster_id: str | None = Field(default=None, max_length=64)


class Metric(SQLModel, table=True):
    """A dated number about a platform (pageviews, app rank, user totals, followers)."""

    __tablename__ = "metric"
    __table_args__ = (UniqueConstraint("platform", "metric", "subject", "period"),)

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(foreign_key="platform.slug")
    metric: str
    value: float | None = None
    period: str
    observed_at: datetime = Field(default_factory=_now, sa_type=UTCDateTime)
    subject: str = ""
    source_id: str | None = Field(default=None, foreign_key="source.id")
    detail: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)


class Fact(SQLModel, table=True):
    """A curated, cited number or attribute. A fact without a citation is never stored."""

    __tablename__ = "fact"

    id: int | None = Field(default=None, primary_key=True)
    ref: str = Field(unique=True, max_length=120)
    platform: str | None = Field(default=None, foreign_key="platform.slug")
    key: str
    audience: str | None = None
    age_group: str | None = None
    value: str
    number: float | None = None
    unit: str | None = None
    metric: str | None = None
    source: str
    publisher: str
    title: str | None = None
    year: int
    url: str
    reported_by: str | None = None
    confidence: str | None = None
    note: str | None = None


class Peer(SQLModel, table=True):
    """A comparable city whose homepage tells which networks it is on."""

    __tablename__ = "peer"
    __table_args__ = (UniqueConstraint("name", "homepage"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str
    population: int | None = None
    homepage: str
    department: str | None = None
    insee: str | None = None
    created_at: datetime = Field(default_factory=_now, sa_type=UTCDateTime)
    last_crawled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_status: int | None = None
    last_error: str | None = None


class PeerPresence(SQLModel, table=True):
    """Which network a peer city links to from its homepage."""

    __tablename__ = "peer_presence"
    __table_args__ = (UniqueConstraint("peer_id", "platform"),)

    id: int | None = Field(default=None, primary_key=True)
    peer_id: int = Field(foreign_key="peer.id")
    platform: str = Field(foreign_key="platform.slug")
    account_url: str
    how: str | None = None
    seen_at: datetime = Field(default_factory=_now, sa_type=UTCDateTime)
    first_seen_at: datetime = Field(default_factory=_now, sa_type=UTCDateTime)


class ScoreRun(SQLModel, table=True):
    """A saved evaluation: the weights and method behind a set of scores."""

    __tablename__ = "score_run"

    id: int | None = Field(default=None, primary_key=True)
    profile: str
    weights: dict[str, float] = Field(default_factory=dict, sa_type=JSON)
    audiences: dict[str, float] = Field(default_factory=dict, sa_type=JSON)
    method: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    engine_version: str
    created_at: datetime = Field(default_factory=_now, sa_type=UTCDateTime)
    as_of: datetime = Field(default_factory=_now, sa_type=UTCDateTime)
    quarter: str | None = None
    label: str | None = None
    result: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)


class Score(SQLModel, table=True):
    """Per platform in a run: total, verdict, confidence, stability."""

    __tablename__ = "score"
    __table_args__ = (UniqueConstraint("run_id", "platform"),)

    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="score_run.id")
    platform: str = Field(foreign_key="platform.slug")
    total: float | None = None
    verdict: str
    confidence: float | None = None
    stability: float | None = None
    rank: int | None = None
    knockouts: list[Any] = Field(default_factory=list, sa_type=JSON)
    detail: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)


class CriterionScore(SQLModel, table=True):
    """Per platform and criterion in a run: score 0-100, weight, contribution, explanation."""

    __tablename__ = "criterion_score"
    __table_args__ = (UniqueConstraint("run_id", "platform", "criterion"),)

    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="score_run.id")
    platform: str = Field(foreign_key="platform.slug")
    criterion: str
    score: float | None = None
    weight: float
    contribution: float | None = None
    explanation_fr: str | None = None
    explanation_en: str | None = None
    evidence: list[Any] = Field(default_factory=list, sa_type=JSON)


class Decision(SQLModel, table=True):
    """One record of the append-only, hash-chained decision log."""

    __tablename__ = "decision"
    __table_args__ = (Index("ix_decision_platform", "platform"),)

    id: int | None = Field(default=None, primary_key=True)
    seq: int = Field(unique=True)
    platform: str = Field(foreign_key="platform.slug")
    verdict: str
    status: str = "accepted"
    decided_at: datetime = Field(default_factory=_now, sa_type=UTCDateTime)
    decided_by: str
    consulted: str | None = None
    rationale: str
    review_on: date | None = None
    score_run_id: int | None = Field(default=None, foreign_key="score_run.id")
    snapshot: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    supersedes: int | None = None
    prev_hash: str
    hash: str = Field(unique=True, max_length=64)


class Candidate(SQLModel, table=True):
    """A network spotted in the news that is not in the catalogue, and what the city made of it."""

    __tablename__ = "candidate"

    key: str = Field(primary_key=True, max_length=120)
    name: str
    status: str = "open"
    slug: str | None = None
    decided_by: str | None = None
    reason: str | None = None
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class AppLock(SQLModel, table=True):
    """Rows taken with a write to serialise critical sections on every backend."""

    __tablename__ = "app_lock"

    name: str = Field(primary_key=True, max_length=40)
    counter: int = 0
