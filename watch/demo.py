"""Setting up the demo workspace from the embedded sample (core: no Scrapy, no criteria).

``vigie demo`` is the whole product on illustrative data: this module creates the workspace
(the fictional city of the sample, ``[report] sample = true`` so that every report says it was
built from the sample), registers the sample sources pointed at the running sample server,
imports the fictional peer cities and marks the networks the city is already on. Collecting,
scoring and reporting are done by the CLI with the same code as a real city's cycle.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from watch.bootstrap import init_workspace
from watch.config import CONFIG_NAME, CityConfig, VigieConfig, render_config
from watch.errors import InputError
from watch.models import Platform
from watch.peers import import_peers
from watch.platforms import set_status
from watch.sample_server import SampleManifest, SampleServer
from watch.sources import add_source
from watch.store import Store
from watch.workspace import DATABASE_ENV, Workspace

DEFAULT_DIR = "vigie-demo"
PEERS_FILE = "peers-sample.csv"
# The sample server answers on 127.0.0.1 in microseconds: no need to wait between requests.
DEMO_COLLECT = {"delay": 0.0, "timeout": 15.0, "robots": True, "contact": None}


@dataclass(frozen=True)
class DemoSetup:
    """What :func:`setup_demo` registered."""

    workspace: Workspace
    sources: int
    peers: int
    joined: tuple[str, ...]


def check_target(root: Path) -> None:
    """The demo writes into a new or empty folder only; it never deletes anything.

    Running it twice into the same folder is refused (exit 2) rather than starting fresh, so a
    folder someone has worked in (decisions recorded during the tour) is never lost.
    """
    if root.exists() and not root.is_dir():
        raise InputError(f"{root} exists and is not a folder")
    if root.is_dir() and any(root.iterdir()):
        hint = "a demo was already created there" if (root / CONFIG_NAME).exists() else "it is"
        raise InputError(
            f"{root} is not empty ({hint}): choose another folder with --dir, "
            "or remove it to start the demo afresh"
        )


def check_environment(environ: Mapping[str, str]) -> None:
    """The demo keeps its data in its own folder; a shared database URL would defeat that.

    ``VIGIE_DATABASE_URL`` overrides every workspace's database, so with it set the demo (and
    every later command of the tour) would write the sample into that database instead.
    """
    if environ.get(DATABASE_ENV):
        raise InputError(
            f"{DATABASE_ENV} is set: the demo keeps its own SQLite database in its folder and "
            f"must not write the sample into that database; unset {DATABASE_ENV} to run it"
        )


def demo_config(manifest: SampleManifest) -> VigieConfig:
    """The demo workspace's configuration: the sample city, the sample banner, a fast crawler."""
    return VigieConfig.model_validate(
        {
            "city": manifest.city,
            "collect": DEMO_COLLECT,
            "report": {"lang": "fr", "sample": True},
        }
    )


def create_demo_workspace(root: Path, manifest: SampleManifest) -> Workspace:
    """``vigie init --no-defaults`` for the sample city, then the demo's configuration."""
    config = demo_config(manifest)
    workspace, _summary = init_workspace(root, CityConfig(**manifest.city), defaults=False)
    workspace.config_path.write_text(render_config(config), encoding="utf-8")
    return Workspace(root=workspace.root, config=config)


def register_sample(store: Store, workspace: Workspace, server: SampleServer) -> DemoSetup:
    """Register the sample sources and peers (pointed at ``server``) and the joined networks."""
    rows = server.source_rows()
    for row in rows:
        add_source(store, origin="sample", **row)
    peers_csv = workspace.root / PEERS_FILE
    peers_csv.write_text(server.peers_csv(), encoding="utf-8")
    peers = import_peers(store, peers_csv)
    mark_joined(store, server.manifest.joined)
    return DemoSetup(
        workspace=workspace,
        sources=len(rows),
        peers=peers["added"] + peers["updated"],
        joined=tuple(server.manifest.joined),
    )


def mark_joined(store: Store, joined: dict[str, date]) -> None:
    """Mark the networks the city is on, with the date it joined each.

    The date matters: scoring a past quarter-end treats a platform whose status changed later
    as not joined yet, and the demo city has been on these networks for years.
    """
    for slug, since in joined.items():
        set_status(store, slug, "joined")
        with store.session() as session:
            platform = session.get(Platform, slug)
            assert platform is not None  # set_status checked it
            platform.status_changed_at = datetime.combine(since, time(), tzinfo=UTC)
            session.add(platform)


def review_date(today: date, months: int) -> date:
    """``today`` plus ``months`` months (the day clamped to the month's length)."""
    index = today.year * 12 + today.month - 1 + months
    year, month = divmod(index, 12)
    day = min(today.day, calendar.monthrange(year, month + 1)[1])
    return date(year, month + 1, day)


def example_decision(manifest: SampleManifest, now: datetime) -> dict[str, Any]:
    """The decision the demo records, as keyword arguments of ``append_decision``."""
    decision = manifest.decision
    return {
        "slug": decision["platform"],
        "verdict": decision["verdict"],
        "decided_by": decision["decided_by"],
        "rationale": decision["rationale"],
        "consulted": decision.get("consulted"),
        "review_on": review_date(now.date(), int(decision.get("review_months", 6))),
    }
