"""A workspace: one folder per city, movable as a whole.

``vigie.toml``, the SQLite database, ``reports/`` and ``cache/`` live together and every path
inside is relative to the folder, so a workspace can be copied or archived for the council.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from watch.config import CONFIG_NAME, CityConfig, VigieConfig, load_config, render_config
from watch.errors import InputError
from watch.store import Store

WORKSPACE_ENV = "VIGIE_WORKSPACE"
DATABASE_ENV = "VIGIE_DATABASE_URL"


def resolve_root(option: str | os.PathLike[str] | None = None) -> Path:
    """``--workspace``, else ``VIGIE_WORKSPACE``, else the current folder."""
    chosen = option or os.environ.get(WORKSPACE_ENV) or "."
    return Path(chosen).expanduser().resolve()


def resolve_database_url(root: Path, configured: str) -> str:
    """The store URL: ``VIGIE_DATABASE_URL`` wins; relative SQLite paths are workspace-relative."""
    url = os.environ.get(DATABASE_ENV) or configured
    try:
        parsed = make_url(url)
    except Exception:  # noqa: BLE001 - reported with the offending value
        raise InputError(f"invalid database URL {url!r}") from None
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        path = Path(parsed.database)
        if not path.is_absolute():
            return str(parsed.set(database=str(root / path)))
    return url


@dataclass
class Workspace:
    root: Path
    config: VigieConfig

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_NAME

    @property
    def reports_dir(self) -> Path:
        return self.root / "reports"

    @property
    def cache_dir(self) -> Path:
        return self.root / "cache"

    @property
    def database_url(self) -> str:
        return resolve_database_url(self.root, self.config.database.url)

    def open_store(self) -> Store:
        return Store.open(self.database_url)

    @classmethod
    def load(cls, root: Path) -> Workspace:
        path = root / CONFIG_NAME
        if not path.is_file():
            raise InputError(
                f"no Vigie workspace in {root} ({CONFIG_NAME} not found): "
                "run `vigie init` there, or pass --workspace DIR"
            )
        return cls(root=root, config=load_config(path))


def create_workspace(root: Path, city: CityConfig, *, profile: str = "default") -> Workspace:
    """Write ``vigie.toml`` and the folders; refuses to overwrite an existing workspace."""
    path = root / CONFIG_NAME
    if path.exists():
        raise InputError(f"{path} already exists: this folder is already a Vigie workspace")
    config = VigieConfig.model_validate({"city": city.model_dump(), "profile": {"name": profile}})
    root.mkdir(parents=True, exist_ok=True)
    (root / "reports").mkdir(exist_ok=True)
    (root / "cache").mkdir(exist_ok=True)
    path.write_text(render_config(config), encoding="utf-8")
    return Workspace(root=root, config=config)
