"""Creating a workspace: configuration, schema, catalogue and default sources in one step."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from watch.catalogue import load_catalogue, load_default_sources
from watch.config import CONFIG_NAME, CityConfig, DatabaseConfig
from watch.errors import InputError
from watch.store import Store
from watch.workspace import Workspace, create_workspace, resolve_database_url


def init_workspace(
    root: Path, city: CityConfig, *, defaults: bool = True, profile: str = "default"
) -> tuple[Workspace, dict[str, Any]]:
    """Create a workspace; the store is opened (and validated) before any file is written."""
    if (root / CONFIG_NAME).exists():
        raise InputError(f"{root / CONFIG_NAME} already exists: this is already a Vigie workspace")
    store = Store.open(resolve_database_url(root, DatabaseConfig().url))
    try:
        with store.session() as session:
            load_catalogue(session)
            added = load_default_sources(session) if defaults else 0
    finally:
        store.dispose()
    workspace = create_workspace(root, city, profile=profile)
    return workspace, {"sources_added": added}
