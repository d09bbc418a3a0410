"""The packaged catalogue: platforms, cited facts and default live sources.

The data lives in ``watch/data/*.toml`` so that no URL or figure is hard-coded in code. Loading
is validated: a fact without its publisher, year or URL cannot be shipped by mistake.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, HttpUrl
from sqlmodel import Session, select

from watch.models import PROTOCOLS, SOURCE_KINDS, Fact, Platform, Source
from watch.store import upsert


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PlatformEntry(_Strict):
    slug: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$")
    name: str
    aliases: list[str]
    category: str
    launched: int | None = None
    owner: str | None = None
    hq_country: str | None = None
    protocol: str
    wikipedia: dict[str, str] = {}
    app_store_ids: list[str] = []
    domains: list[str] = []
    reference: HttpUrl

    def model_post_init(self, _context: Any) -> None:
        if self.protocol not in PROTOCOLS:
            raise ValueError(f"{self.slug}: unknown protocol {self.protocol!r}")


class FactEntry(_Strict):
    ref: str
    platform: str | None = None
    key: str
    audience: str | None = None
    age_group: str | None = None
    value: str
    number: float | None = None
    unit: str | None = None
    metric: str | None = None
    publisher: str = Field(min_length=1)
    title: str = Field(min_length=1)
    year: int = Field(ge=1990, le=2100)
    url: HttpUrl
    reported_by: str | None = None
    confidence: str | None = None
    note: str | None = None


class SourceEntry(_Strict):
    id: str
    kind: str
    url: str
    platform: str | None = None
    language: str | None = None
    title: str | None = None
    options: dict[str, Any] = {}

    def model_post_init(self, _context: Any) -> None:
        if self.kind not in SOURCE_KINDS:
            raise ValueError(f"{self.id}: unknown source kind {self.kind!r}")


def _read(name: str) -> dict[str, Any]:
    text = resources.files("watch.data").joinpath(name).read_text(encoding="utf-8")
    return tomllib.loads(text)


@cache
def platform_entries() -> tuple[PlatformEntry, ...]:
    return tuple(PlatformEntry.model_validate(row) for row in _read("platforms.toml")["platform"])


@cache
def fact_entries() -> tuple[FactEntry, ...]:
    return tuple(FactEntry.model_validate(row) for row in _read("facts.toml")["fact"])


@cache
def source_entries() -> tuple[SourceEntry, ...]:
    return tuple(SourceEntry.model_validate(row) for row in _read("sources.toml")["source"])


def platform_row(entry: PlatformEntry) -> dict[str, Any]:
    return {
        "slug": entry.slug,
        "name": entry.name,
        "aliases": entry.aliases,
        "category": entry.category,
        "launched": entry.launched,
        "owner": entry.owner,
        "hq_country": entry.hq_country,
        "protocol": entry.protocol,
        "wikipedia": entry.wikipedia,
        "app_store_ids": entry.app_store_ids,
        "domains": entry.domains,
        "reference_url": str(entry.reference),
    }


def fact_row(entry: FactEntry) -> dict[str, Any]:
    row = entry.model_dump()
    row["url"] = str(entry.url)
    row["source"] = f"{entry.publisher}, {entry.title} ({entry.year})"
    return row


def load_catalogue(session: Session) -> None:
    """Insert or refresh the packaged platforms and facts.

    Descriptive columns are refreshed from the package (a newer Vigie may correct them); the
    city's own ``status`` and user-added platforms are never touched.
    """
    rows = [platform_row(entry) for entry in platform_entries()]
    for row in rows:
        row["origin"] = "catalogue"
    upsert(session, Platform, rows, ["slug"], update=[c for c in rows[0] if c != "slug"])
    facts = [fact_row(entry) for entry in fact_entries()]
    upsert(session, Fact, facts, ["ref"])


def load_default_sources(session: Session) -> int:
    """Add the default live sources that are not registered yet; returns how many were added."""
    known = set(session.exec(select(Source.id)).all())
    rows = []
    for entry in source_entries():
        if entry.id in known:
            continue
        row = entry.model_dump()
        row.update(enabled=True, error_count=0, origin="default")
        rows.append(row)
    for row in rows:
        session.add(Source(**row))
    return len(rows)
