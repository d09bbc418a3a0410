"""Platforms: list, inspect, add, and record the city's status on each."""

from __future__ import annotations

import re
from typing import Any

from sqlmodel import Session, select

from watch.clock import utcnow
from watch.errors import InputError
from watch.models import PLATFORM_STATUSES, PROTOCOLS, Fact, Platform, Source
from watch.store import Store

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


def platform_dict(platform: Platform) -> dict[str, Any]:
    return {
        "slug": platform.slug,
        "name": platform.name,
        "status": platform.status,
        "category": platform.category,
        "launched": platform.launched,
        "owner": platform.owner,
        "hq_country": platform.hq_country,
        "protocol": platform.protocol,
        "aliases": list(platform.aliases),
        "wikipedia": dict(platform.wikipedia),
        "app_store_ids": list(platform.app_store_ids),
        "domains": list(platform.domains),
        "reference_url": platform.reference_url,
        "origin": platform.origin,
    }


def get_platform(session: Session, slug: str) -> Platform:
    """The platform ``slug``, or an input error that lists the known slugs."""
    platform = session.get(Platform, slug)
    if platform is None:
        known = ", ".join(session.exec(select(Platform.slug).order_by(Platform.slug)).all())
        raise InputError(f"unknown platform {slug!r} (known: {known})")
    return platform


def list_platforms(store: Store, status: str | None = None) -> list[dict[str, Any]]:
    if status is not None and status not in PLATFORM_STATUSES:
        raise InputError(
            f"unknown status {status!r} (expected one of {', '.join(PLATFORM_STATUSES)})"
        )
    with store.session() as session:
        query = select(Platform).order_by(Platform.slug)
        if status:
            query = query.where(Platform.status == status)
        return [platform_dict(p) for p in session.exec(query).all()]


def show_platform(store: Store, slug: str) -> dict[str, Any]:
    """A platform with its cited facts and the sources bound to it."""
    with store.session() as session:
        platform = get_platform(session, slug)
        data = platform_dict(platform)
        facts = session.exec(select(Fact).where(Fact.platform == slug).order_by(Fact.ref)).all()
        data["facts"] = [
            {
                "key": f.key,
                "audience": f.audience,
                "age_group": f.age_group,
                "value": f.value,
                "metric": f.metric,
                "source": f.source,
                "url": f.url,
            }
            for f in facts
        ]
        sources = session.exec(select(Source.id).where(Source.platform == slug)).all()
        data["sources"] = list(sources)
        return data


def add_platform(
    store: Store,
    slug: str,
    name: str,
    *,
    aliases: list[str] | None = None,
    category: str | None = None,
    protocol: str = "proprietary",
    launched: int | None = None,
    owner: str | None = None,
    hq_country: str | None = None,
    domains: list[str] | None = None,
    wikipedia: dict[str, str] | None = None,
    app_store_ids: list[str] | None = None,
    origin: str = "user",
) -> dict[str, Any]:
    if not SLUG_RE.match(slug):
        raise InputError(
            f"invalid slug {slug!r}: lowercase letters, digits, '-' or '_', at most 40 characters"
        )
    if protocol not in PROTOCOLS:
        raise InputError(f"unknown protocol {protocol!r} (expected one of {', '.join(PROTOCOLS)})")
    if not name.strip():
        raise InputError("a platform needs a name")
    with store.session() as session:
        if session.get(Platform, slug) is not None:
            raise InputError(f"platform {slug!r} already exists")
        platform = Platform(
            slug=slug,
            name=name.strip(),
            aliases=aliases or [name.strip()],
            category=category,
            protocol=protocol,
            launched=launched,
            owner=owner,
            hq_country=hq_country,
            domains=domains or [],
            wikipedia=wikipedia or {},
            app_store_ids=app_store_ids or [],
            origin=origin,
        )
        session.add(platform)
        session.flush()
        return platform_dict(platform)


def set_status(store: Store, slug: str, status: str) -> dict[str, Any]:
    if status not in PLATFORM_STATUSES:
        raise InputError(
            f"unknown status {status!r} (expected one of {', '.join(PLATFORM_STATUSES)})"
        )
    with store.session() as session:
        platform = get_platform(session, slug)
        if platform.status != status:
            platform.status = status
            platform.status_changed_at = utcnow()
            session.add(platform)
        return platform_dict(platform)
