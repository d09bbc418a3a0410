"""Alembic migrations: an old database upgrades in place and loses nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlmodel import SQLModel, select

import watch.models as models
from watch.store import HEAD_REVISION, MIGRATIONS_DIR, Store, make_engine, migrate


def _script() -> ScriptDirectory:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return ScriptDirectory.from_config(config)


def test_head_constant_matches_the_newest_migration() -> None:
    assert _script().get_heads() == [HEAD_REVISION]


def test_migrated_schema_matches_the_models(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'schema.db'}")
    migrate(engine)
    inspector = inspect(engine)
    for table in SQLModel.metadata.sorted_tables:
        columns = {c["name"] for c in inspector.get_columns(table.name)}
        assert columns == {c.name for c in table.columns}, table.name
        # Named indexes too (their columns, in order): queries of a large store rely on them.
        migrated = {i["name"]: i["column_names"] for i in inspector.get_indexes(table.name)}
        for index in table.indexes:
            assert migrated.get(index.name) == [c.name for c in index.columns], index.name
    engine.dispose()


def test_first_revision_filled_then_upgraded_keeps_every_row(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    migrate(engine, "0001")
    moment = "2025-06-30 12:00:00.000000"
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO platform (slug, name, aliases, protocol, wikipedia, app_store_ids, domains,"
                " status, origin, created_at) VALUES ('bluesky', 'Bluesky', '[\"Bluesky\"]', 'atproto',"
                " '{}', '[]', '[]', 'joined', 'catalogue', :t)"
            ),
            {"t": moment},
        )
        conn.execute(
            text(
                "INSERT INTO source (id, kind, url, platform, enabled, error_count, options, origin,"
                " created_at, etag) VALUES ('blog', 'feed', 'https://bsky.social/about/rss.xml',"
                " 'bluesky', 1, 0, '{}', 'user', :t, 'W/\"abc\"')"
            ),
            {"t": moment},
        )
        conn.execute(
            text(
                "INSERT INTO signal (platform, kind, title, fetched_at, source_id, fingerprint,"
                " published_at) VALUES ('bluesky', 'milestone', 'Bluesky passe 20 M', :t, 'blog',"
                " 'fp-1', :t)"
            ),
            {"t": moment},
        )
        conn.execute(
            text(
                "INSERT INTO metric (platform, metric, value, period, observed_at, subject, detail)"
                " VALUES ('bluesky', 'pageviews.fr', 1234, '2025-05', :t, '', '{}')"
            ),
            {"t": moment},
        )
        conn.execute(
            text(
                "INSERT INTO fact (ref, platform, key, value, source, publisher, year, url)"
                " VALUES ('r1', 'bluesky', 'audience_share', '1 %', 'P, T (2025)', 'P', 2025,"
                " 'https://example.org/')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO peer (name, population, homepage, created_at) VALUES ('Valence', 64000,"
                " 'https://www.valence.fr/', :t)"
            ),
            {"t": moment},
        )
        conn.execute(
            text(
                "INSERT INTO peer_presence (peer_id, platform, account_url, seen_at, first_seen_at)"
                " VALUES (1, 'bluesky', 'https://bsky.app/profile/valence.fr', :t, :t)"
            ),
            {"t": moment},
        )
        conn.execute(
            text(
                "INSERT INTO score_run (profile, weights, audiences, method, engine_version, created_at,"
                " as_of, quarter, result) VALUES ('default', '{\"momentum\": 1}', '{}', '{}', '0.1',"
                " :t, :t, '2025-Q2', '{}')"
            ),
            {"t": moment},
        )
        conn.execute(
            text(
                "INSERT INTO score (run_id, platform, total, verdict, knockouts, detail)"
                " VALUES (1, 'bluesky', 61.5, 'pilot', '[]', '{}')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO criterion_score (run_id, platform, criterion, score, weight, evidence)"
                " VALUES (1, 'bluesky', 'momentum', 80, 1, '[]')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO decision (seq, platform, verdict, status, decided_at, decided_by,"
                " rationale, review_on, snapshot, prev_hash, hash) VALUES (1, 'bluesky', 'pilot',"
                " 'accepted', :t, 'Conseil', 'Essai', '2026-06-30', '{}', '0', 'h1')"
            ),
            {"t": moment},
        )
    engine.dispose()

    store = Store.open(url)  # opening an old store upgrades it in place
    with store.session() as session:
        platform = session.get(models.Platform, "bluesky")
        assert platform is not None
        assert platform.status == "joined"
        source = session.get(models.Source, "blog")
        assert source is not None
        assert source.etag == 'W/"abc"'
        signal = session.exec(select(models.Signal)).one()
        assert signal.title == "Bluesky passe 20 M"
        assert signal.published_at == datetime(2025, 6, 30, 12, tzinfo=UTC)
        assert signal.entry_id is None
        assert session.exec(select(models.Metric)).one().value == 1234
        assert session.exec(select(models.Fact)).one().ref == "r1"
        assert session.exec(select(models.Peer)).one().name == "Valence"
        assert session.exec(select(models.PeerPresence)).one().platform == "bluesky"
        assert session.exec(select(models.ScoreRun)).one().weights == {"momentum": 1}
        assert session.exec(select(models.Score)).one().verdict == "pilot"
        assert session.exec(select(models.CriterionScore)).one().score == 80
        decision = session.exec(select(models.Decision)).one()
        assert decision.review_on == date(2026, 6, 30)
        assert session.exec(select(models.Entry)).all() == []
    with store.engine.connect() as conn:
        assert (
            conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == HEAD_REVISION
        )
    store.dispose()
