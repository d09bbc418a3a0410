"""``vigie.toml``: the workspace configuration, validated strictly.

An unknown key or a wrong type is an error naming the key: a typo in ``populaton`` must not be
silently ignored by a tool that elected officials rely on. Configuration is never executed.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from watch.errors import InputError

CONFIG_NAME = "vigie.toml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class CityConfig(_Strict):
    name: str = Field(min_length=1)
    population: int | None = Field(default=None, ge=0)
    department: str | None = None
    insee: str | None = None
    peer_group: str | None = None


class ProfileConfig(_Strict):
    name: str = "default"
    # A profile file relative to the workspace; when absent, profiles/<name>.toml in the
    # workspace, then the packaged profile of that name.
    file: str | None = None


class DatabaseConfig(_Strict):
    # SQLAlchemy URL; a relative SQLite path is relative to the workspace. VIGIE_DATABASE_URL wins.
    url: str = "sqlite:///vigie.db"


class CollectConfig(_Strict):
    # Contact (e-mail or URL) added to the User-Agent, as the Wikimedia API asks of clients.
    contact: str | None = None
    # Pause between two requests to one domain, in seconds.
    delay: float = Field(default=1.0, ge=0)
    # Per-request timeout, in seconds.
    timeout: float = Field(default=30.0, gt=0)
    # Largest response accepted, in bytes.
    max_bytes: int = Field(default=10 * 1024 * 1024, gt=0)
    # Obey robots.txt (only switched off for the embedded sample served on 127.0.0.1).
    robots: bool = True


class ReportConfig(_Strict):
    lang: str = Field(default="fr", pattern="^(fr|en)$")
    sample: bool = False


class VigieConfig(_Strict):
    city: CityConfig
    profile: ProfileConfig = ProfileConfig()
    database: DatabaseConfig = DatabaseConfig()
    collect: CollectConfig = CollectConfig()
    report: ReportConfig = ReportConfig()


def _describe(error: dict[str, Any]) -> str:
    location = error.get("loc", ())
    section = ".".join(str(part) for part in location) or "(top level)"
    if error.get("type") == "extra_forbidden":
        return f"unknown key {section!r}"
    if error.get("type") == "missing":
        return f"missing key {section!r}"
    got = error.get("input")
    return f"key {section!r}: {error.get('msg', 'invalid value')} (got {got!r})"


def parse_config(text: str, origin: str = CONFIG_NAME) -> VigieConfig:
    """Parse and validate configuration text; errors name the file and the key."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{origin} is not valid TOML: {exc}") from None
    try:
        return VigieConfig.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(_describe(error) for error in exc.errors())  # type: ignore[arg-type]
        raise InputError(f"{origin}: {problems}") from None


def load_config(path: Path) -> VigieConfig:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{path} is not UTF-8 text") from None
    return parse_config(text, str(path))


def _toml_value(value: Any) -> str:
    # JSON strings, numbers and booleans are valid TOML basic values.
    return json.dumps(value, ensure_ascii=False)


def render_config(config: VigieConfig) -> str:
    """Write the configuration back as commented TOML (no third-party writer needed)."""
    lines = [
        "# Vigie workspace configuration. Unknown keys are rejected; see README.md.",
        "",
    ]
    comments = {
        "city": "The collectivité this workspace evaluates networks for.",
        "profile": "Scoring profile: target audiences, weights, thresholds (vigie score --help).",
        "database": "SQLite file relative to this folder by default; VIGIE_DATABASE_URL overrides.",
        "collect": "Politeness of the crawler.",
        "report": "Report defaults.",
    }
    data = config.model_dump()
    for section, values in data.items():
        lines.append(f"# {comments[section]}")
        lines.append(f"[{section}]")
        for key, value in values.items():
            if value is None:
                lines.append(f'# {key} = ""')
            else:
                lines.append(f"{key} = {_toml_value(value)}")
        lines.append("")
    return "\n".join(lines)
