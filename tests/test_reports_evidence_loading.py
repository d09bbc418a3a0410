"""The report reads only the signals and metrics it shows, and shows what a full read shows.

``reports.evidence.signals`` and ``metrics`` used to load every row of the store through the
ORM; they now ask SQL for the newest few per platform, the cited ones and the counts. The
oracle here is the former full read, written out plainly.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from reports import evidence
from watch.models import Metric, Signal
from watch.workspace import Workspace

AS_OF = datetime(2026, 9, 30, 23, 59, 59, tzinfo=UTC)
SLUGS = ["bluesky", "mastodon", "x"]


@pytest.fixture(
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
)
def backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both backends: SQLite returns dates as text, PostgreSQL as datetimes."""
    if request.param == "postgresql":
        monkeypatch.setenv("VIGIE_DATABASE_URL", request.getfixturevalue("pg_url"))
    return request.param


@pytest.fixture
def store(backend: str, workspace: Path):
    ws = Workspace.load(workspace)
    rng = random.Random(3)
    rows: list[Signal] = []
    for n in range(240):
        platform = rng.choice(SLUGS)
        date_ = AS_OF - timedelta(days=rng.uniform(-40, 900))  # some after as_of
        rows.append(Signal(
            platform=platform, kind=rng.choice(("other", "risk", "milestone")),
            title=f"{platform} story {n}", url=f"https://news.example/{n}",
            published_at=None if n % 7 == 0 else date_, fetched_at=date_, fingerprint=f"r-{n}",
        ))  # fmt: skip
    # Two items at the very same instant: the id breaks the tie.
    same = AS_OF - timedelta(days=1)
    for n in range(2):
        rows.append(Signal(platform="x", kind="other", title=f"tie {n}", url=None,
                           published_at=same, fetched_at=same, fingerprint=f"tie-{n}"))  # fmt: skip
    metrics = [
        Metric(platform="bluesky", metric="pageviews.fr", value=float(100 + m), period=f"{y}-{mo:02d}")
        for m, (y, mo) in enumerate((y, mo) for y in (2023, 2024, 2025, 2026) for mo in range(1, 13))
    ] + [
        Metric(platform="bluesky", metric="app_rank.fr", value=None, period="2026-09-01"),
        Metric(platform="bluesky", metric="users.total", value=5e6, period="week 36",
               observed_at=datetime(2026, 9, 2, tzinfo=UTC)),
        Metric(platform="bluesky", metric="followers", value=3.0, period="2026-09", subject="acct"),
    ]  # fmt: skip
    handle = ws.open_store()
    assert handle.dialect == backend
    with handle.session() as session:
        session.add_all(rows + metrics)
    yield handle
    handle.dispose()


def _full_read(session, cited: dict[str, set[int]]) -> tuple[dict, dict]:
    """The former implementation: every signal read, sorted, filtered in Python."""
    found = session.exec(select(Signal).where(Signal.platform.in_(SLUGS))).all()
    rows = sorted(found, key=lambda s: (s.published_at or s.fetched_at, s.id), reverse=True)
    listed: dict[str, list[int]] = {}
    counts: dict[str, int] = {}
    for s in rows:
        if (s.published_at or s.fetched_at) > AS_OF:
            continue
        counts[s.platform] = counts.get(s.platform, 0) + 1
        shown = listed.setdefault(s.platform, [])
        if len(shown) >= evidence.EVIDENCE_LIMIT and s.id not in cited.get(s.platform, ()):
            continue
        shown.append(s.id)
    return listed, counts


def test_signals_shown_and_counted_are_those_of_a_full_read(store) -> None:
    with store.session() as session:
        every = session.exec(select(Signal).order_by(Signal.id)).all()
        old = [s for s in every if (s.published_at or s.fetched_at) < AS_OF - timedelta(days=500)]
        later = [s for s in every if (s.published_at or s.fetched_at) > AS_OF]
        cited = {
            "bluesky": {s.id for s in old if s.platform == "bluesky"},
            # A cited id of another platform, and one published after as_of: never shown here.
            "mastodon": {old[0].id, later[0].id} if old[0].platform != "mastodon" else set(),
        }
        listed, counts = evidence.signals(session, SLUGS, AS_OF, cited)
        expected_listed, expected_counts = _full_read(session, cited)
    assert counts == expected_counts
    assert {
        slug: [item["id"] for item in items] for slug, items in listed.items()
    } == expected_listed
    assert len(listed["bluesky"]) > evidence.EVIDENCE_LIMIT  # the cited old ones are shown
    assert all(item["date"] <= AS_OF for items in listed.values() for item in items)
    assert [i["title"] for i in listed["x"][:2]] == ["tie 1", "tie 0"]


def test_metrics_shown_are_the_charted_platform_series_of_the_last_two_years(store) -> None:
    with store.session() as session:
        series = evidence.metrics(session, SLUGS, AS_OF)
    pageviews = series["bluesky"]["pageviews"]["pageviews.fr"]
    assert pageviews[0][0] >= date(2024, 9, 1)
    assert pageviews[-1] == (date(2026, 9, 1), 144.0)
    # An unparsed period is dated by its observation; a NULL value and a per-account series
    # (followers of an account) are not charted.
    assert series["bluesky"]["users"]["users.total"] == [(date(2026, 9, 2), 5e6)]
    assert "app_rank" not in series["bluesky"]
