"""Entries and signals in the store: saved idempotently, listed with filters.

An entry is a collected item; a signal is an (entry, platform) pair. Both are keyed by a unique
fingerprint and written with ``INSERT ... ON CONFLICT DO NOTHING``, so re-reading a feed, or two
collects running at once, never duplicates anything.
"""

from __future__ import annotations

import dataclasses
import operator
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, SQLModel, col, select

from watch.clock import ensure_utc, isoformat, parse_instant
from watch.clusters import ClusterIndex
from watch.errors import InputError
from watch.extract import Analysis, analyse
from watch.fingerprint import (
    choose_strategy,
    entry_fingerprint,
    entry_key,
    signal_fingerprint,
    weakest,
)
from watch.models import SIGNAL_KINDS, Entry, Platform, Signal, Source
from watch.store import Store
from watch.textclean import plain_text

FINGERPRINT_OPTION = "fingerprint"
LOCK_NAME = "signals"
BATCH = 400  # fingerprints per IN (...) lookup


@dataclass
class SaveResult:
    """What a save did: entries and signals that were new, entries seen in total."""

    entries_seen: int = 0
    entries_new: int = 0
    signals_new: int = 0


def _as_mapping(entry: Any) -> Mapping[str, Any]:
    if isinstance(entry, Mapping):
        return entry
    if dataclasses.is_dataclass(entry) and not isinstance(entry, type):
        return dataclasses.asdict(entry)
    return vars(entry)


def _date(value: Any) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return ensure_utc(value)
    return parse_instant(str(value))


def catalogue_of(session: Session) -> dict[str, tuple[str, ...]]:
    """``{slug: names}`` of the store's platforms (user-added ones included)."""
    rows = session.exec(select(Platform.slug, Platform.name, Platform.aliases)).all()
    return _frozen_catalogue(
        tuple((slug, name, tuple(aliases or ())) for slug, name, aliases in rows)
    )


@lru_cache(maxsize=8)
def _frozen_catalogue(
    rows: tuple[tuple[str, str, tuple[str, ...]], ...],
) -> dict[str, tuple[str, ...]]:
    return {slug: tuple(sorted({name, *aliases})) for slug, name, aliases in rows}


def write_entries(
    session: Session,
    source_id: str | None,
    entries: Iterable[Any],
    *,
    platform: str | None = None,
    now: datetime,
    clusters: ClusterIndex | None = None,
) -> SaveResult:
    """Save entries and their signals in the caller's transaction."""
    return write_entry_batches(
        session, [(source_id, entries, platform)], now=now, clusters=clusters
    )[0]


def write_entry_batches(
    session: Session,
    batches: Sequence[tuple[str | None, Iterable[Any], str | None]],
    *,
    now: datetime,
    clusters: ClusterIndex | None = None,
) -> list[SaveResult]:
    """Save the entries of several sources, ``(source_id, entries, platform)`` each, in the
    caller's transaction, with a handful of statements for them all (one lookup of existing
    fingerprints, one insert of entries, one of signals) rather than a handful per source.

    The result is what :func:`write_entries` on each batch in turn would give: batches are
    read in order (clusters, a feed's identity strategy), and an entry read twice counts once.
    """
    prepared = [
        (source_id, [_as_mapping(e) for e in entries], platform)
        for source_id, entries, platform in batches
    ]
    results = [SaveResult(entries_seen=len(items)) for _, items, _ in prepared]
    if not any(items for _, items, _ in prepared):
        return results
    # Writers take the lock before reading, so that two collects at once neither deadlock on
    # SQLite's read-to-write upgrade nor both decide that an entry is new.
    Store(session.get_bind()).lock(session, LOCK_NAME)  # type: ignore[arg-type]
    catalogue = catalogue_of(session)
    ids_wanted = sorted({sid for sid, items, _ in prepared if sid and items})
    sources = (
        {
            source.id: source
            for source in session.exec(select(Source).where(col(Source.id).in_(ids_wanted))).all()
        }
        if ids_wanted
        else {}
    )
    per_batch: list[list[dict[str, Any]]] = []
    for source_id, items, platform in prepared:
        if not items:
            per_batch.append([])
            continue
        source = sources.get(source_id) if source_id else None
        bound = platform if platform is not None else (source.platform if source else None)
        default_language = source.language if source else None
        strategy = _strategy(source, items)
        per_batch.append(
            _entry_rows(items, source_id, strategy, bound, default_language, catalogue, now)
        )
    existing = _existing(session, [row["fingerprint"] for rows in per_batch for row in rows])
    taken: set[str] = set(existing)
    fresh_rows: list[dict[str, Any]] = []
    for (source_id, _, _), rows, result in zip(prepared, per_batch, results, strict=True):
        fresh = [row for row in rows if row["fingerprint"] not in taken]
        if not fresh:
            continue
        taken.update(row["fingerprint"] for row in fresh)
        _assign_clusters(session, fresh, source_id, clusters)
        result.entries_new = len(fresh)
        fresh_rows += fresh
    if not fresh_rows:
        return results
    insert_new(session, Entry, fresh_rows)
    ids = _existing(session, [row["fingerprint"] for row in fresh_rows])
    signal_rows: list[dict[str, Any]] = []
    by_source = {
        id(row): result for rows, result in zip(per_batch, results, strict=True) for row in rows
    }
    for row in fresh_rows:
        if row["fingerprint"] not in ids:
            continue
        for slug in row["platforms"]:
            signal_rows.append(
                _signal_row(row, slug, ids[row["fingerprint"]], row["source_id"], now)
            )
            by_source[id(row)].signals_new += 1
    insert_new(session, Signal, signal_rows)
    return results


def insert_new(session: Session, model: type[SQLModel], rows: list[dict[str, Any]]) -> int:
    """Insert complete rows, skipping any whose fingerprint exists (a concurrent writer's).

    One statement executed for many rows (``executemany``). The statement is compiled once per
    table, dialect and column set, each column's own bind processor (UTC dates, JSON) is
    applied to the values, and the prepared tuples go straight to the driver: the stored
    values are exactly what SQLAlchemy's generic per-row parameter processing would store, at
    a fraction of its cost (it was most of the write time of a large collect). Callers hold
    the signals lock, so the rows they pass were checked as new and the count returned is
    exact.
    """
    if not rows:
        return 0
    connection = session.connection()
    prepared = _prepared_insert(model.__table__, connection.dialect, tuple(rows[0]))  # type: ignore[attr-defined]
    if prepared is None:  # a column default to compute, or a driver we do not know
        table = model.__table__  # type: ignore[attr-defined]
        statement = _dialect_insert(connection.dialect, table)
        session.execute(statement, rows)
        return len(rows)
    sql, keys, processors, named = prepared
    # Only the columns with a bind processor are touched; dates repeat (the run's ``now`` on
    # every row, a feed's dates on its signals), so each distinct one is converted once.
    converted = [
        (i, _memoised(process) if keys[i] in _DATES else process)
        for i, process in enumerate(processors)
        if process is not None
    ]
    getter = operator.itemgetter(*keys)
    values = []
    for row in rows:
        value = list(getter(row))
        for i, process in converted:
            value[i] = process(value[i])
        values.append(value)
    parameters: list[Any] = (
        [dict(zip(keys, value, strict=True)) for value in values]
        if named
        else [tuple(value) for value in values]
    )
    connection.exec_driver_sql(sql, parameters)
    return len(rows)


def _dialect_insert(dialect: Any, table: Any) -> Any:
    from sqlalchemy.dialects import postgresql, sqlite

    module = postgresql if dialect.name == "postgresql" else sqlite
    return module.insert(table).on_conflict_do_nothing(index_elements=["fingerprint"])


_PREPARED: dict[tuple[Any, ...], Any] = {}
_DATES = frozenset({"published_at", "fetched_at"})


def _memoised(process: Any) -> Any:
    cache: dict[Any, Any] = {}

    def run(value: Any) -> Any:
        try:
            return cache[value]
        except KeyError:
            cache[value] = result = process(value)
            return result

    return run


def _prepared_insert(table: Any, dialect: Any, keys: tuple[str, ...]) -> Any:
    """``(sql, keys, bind processors, named)`` for an executemany of rows with ``keys``, or
    None when the compiled statement needs more than the rows' own values."""
    cache_key = (table.name, dialect.name, dialect.driver, keys)
    if cache_key in _PREPARED:
        return _PREPARED[cache_key]
    prepared = None
    if dialect.paramstyle in ("qmark", "pyformat", "named"):
        compiled = _dialect_insert(dialect, table).compile(
            dialect=dialect, column_keys=keys, for_executemany=True
        )
        named = dialect.paramstyle != "qmark"
        order = list(compiled.positiontup or []) if not named else list(compiled.binds)
        if sorted(order) == sorted(keys) and not compiled.insert_prefetch:
            processors = [table.c[key].type._cached_bind_processor(dialect) for key in order]
            prepared = (compiled.string, tuple(order), tuple(processors), named)
    _PREPARED[cache_key] = prepared
    return prepared


def save_entries(
    store: Store,
    source_id: str | None,
    entries: Iterable[Any],
    *,
    platform: str | None = None,
    now: datetime,
) -> SaveResult:
    """Save entries (dicts or dataclasses with title, url, summary, published_at, language,
    guid) and their signals in one transaction. Re-saving the same entries adds nothing."""
    with store.session() as session:
        return write_entries(session, source_id, entries, platform=platform, now=now)


def _strategy(source: Source | None, items: Sequence[Mapping[str, Any]]) -> str:
    """Per-feed identity choice, sticky once degraded (kept in the source's options)."""
    chosen = choose_strategy([i.get("guid") for i in items], [i.get("url") for i in items])
    if source is None:
        return chosen
    stored = (source.options or {}).get(FINGERPRINT_OPTION)
    strategy = weakest(stored, chosen) if stored else chosen
    if strategy != "guid" and strategy != stored:
        source.options = {**(source.options or {}), FINGERPRINT_OPTION: strategy}
        session = Session.object_session(source)
        if session is not None:
            session.add(source)
    return strategy


def _entry_rows(
    items: Sequence[Mapping[str, Any]],
    source_id: str | None,
    strategy: str,
    bound: str | None,
    default_language: str | None,
    catalogue: Mapping[str, tuple[str, ...]],
    now: datetime,
) -> list[dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}
    for item in items:
        title = plain_text(item.get("title"), limit=500)
        summary = plain_text(item.get("summary"), limit=2000)
        if not title and not summary:
            continue
        title = title or summary[:120]
        published = _date(item.get("published_at"))
        url = (item.get("url") or "").strip() or None
        key = entry_key(strategy, item.get("guid"), url, title, published)
        fingerprint = entry_fingerprint(source_id, key)
        analysis: Analysis = item.get("analysis") or analyse(
            title,
            summary,
            language=item.get("language") or None,
            catalogue=catalogue,
            bound_platform=bound,
        )
        rows.setdefault(
            fingerprint,
            {
                "fingerprint": fingerprint,
                "source_id": source_id,
                "title": title,
                "url": url,
                "summary": summary or None,
                "published_at": published,
                "fetched_at": now,
                "language": analysis.language or default_language,
                "kind": analysis.kind,
                "value": analysis.value,
                "unit": analysis.unit,
                "platforms": [p for p in analysis.platforms if p in catalogue],
                "cluster_id": None,
            },
        )
    return list(rows.values())


def _existing(session: Session, fingerprints: Sequence[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for start in range(0, len(fingerprints), BATCH):
        chunk = fingerprints[start : start + BATCH]
        query = select(Entry.fingerprint, Entry.id).where(col(Entry.fingerprint).in_(chunk))
        found.update({fp: entry_id for fp, entry_id in session.exec(query).all() if entry_id})
    return found


def _assign_clusters(
    session: Session, rows: list[dict[str, Any]], source_id: str | None, index: ClusterIndex | None
) -> None:
    dated = [r for r in rows if r["platforms"] and r["published_at"] is not None]
    for row in rows:
        if row["platforms"]:
            row["cluster_id"] = row["fingerprint"][:16]
    if not dated:
        return
    index = index if index is not None else ClusterIndex()
    index.ensure_loaded(session, min(r["published_at"] for r in dated))
    for row in dated:
        cluster = index.match(
            source_id, row["published_at"], row["platforms"], row["title"], row["value"]
        )
        if cluster is not None:
            row["cluster_id"] = cluster
        index.add(
            row["cluster_id"],
            source_id,
            row["published_at"],
            row["platforms"],
            row["title"],
            row["value"],
        )


def _signal_row(
    row: Mapping[str, Any], slug: str, entry_id: int, source_id: str | None, now: datetime
) -> dict[str, Any]:
    return {
        "fingerprint": signal_fingerprint(row["fingerprint"], slug),
        "platform": slug,
        "kind": row["kind"],
        "title": row["title"],
        "url": row["url"],
        "summary": row["summary"],
        "published_at": row["published_at"],
        "fetched_at": now,
        "source_id": source_id,
        "language": row["language"],
        "value": row["value"],
        "unit": row["unit"],
        "cluster_id": row["cluster_id"],
        "entry_id": entry_id,
    }


# -- listing --------------------------------------------------------------------------------


def signal_dict(signal: Signal, cluster_size: int = 1) -> dict[str, Any]:
    return {
        "id": signal.id,
        "platform": signal.platform,
        "kind": signal.kind,
        "title": signal.title,
        "url": signal.url,
        "published_at": isoformat(signal.published_at),
        "source_id": signal.source_id,
        "value": signal.value,
        "unit": signal.unit,
        "cluster_id": signal.cluster_id,
        "cluster_size": cluster_size,
        "language": signal.language,
        "summary": signal.summary,
        "fetched_at": isoformat(signal.fetched_at),
    }


def list_signals(
    store: Store,
    platform: str | None = None,
    kind: str | None = None,
    since: datetime | str | None = None,
) -> list[dict[str, Any]]:
    """Signals newest first; ``cluster_size`` counts the sources telling the same story."""
    if kind is not None and kind not in SIGNAL_KINDS:
        raise InputError(
            f"unknown signal kind {kind!r} (expected one of {', '.join(SIGNAL_KINDS)})"
        )
    if isinstance(since, str):
        try:
            since = parse_instant(since)
        except ValueError:
            raise InputError(f"--since: not a date: {since!r} (expected YYYY-MM-DD)") from None
    with store.session() as session:
        if platform is not None and session.get(Platform, platform) is None:
            known = ", ".join(session.exec(select(Platform.slug).order_by(Platform.slug)).all())
            raise InputError(f"unknown platform {platform!r} (known: {known})")
        query = select(Signal)
        if platform:
            query = query.where(Signal.platform == platform)
        if kind:
            query = query.where(Signal.kind == kind)
        if since is not None:
            query = query.where(col(Signal.published_at) >= since)
        query = query.order_by(col(Signal.published_at).desc().nulls_last(), col(Signal.id))
        signals = session.exec(query).all()
        sizes = _cluster_sizes(session, {s.cluster_id for s in signals if s.cluster_id})
        return [signal_dict(s, sizes.get(s.cluster_id or "", 1)) for s in signals]


def _cluster_sizes(session: Session, clusters: set[str]) -> dict[str, int]:
    sizes: dict[str, int] = {}
    ordered = sorted(clusters)
    for start in range(0, len(ordered), BATCH):
        chunk = ordered[start : start + BATCH]
        query = (
            select(Entry.cluster_id, func.count(func.distinct(Entry.source_id)))
            .where(col(Entry.cluster_id).in_(chunk))
            .group_by(Entry.cluster_id)
        )
        sizes.update(
            {cluster: int(count) for cluster, count in session.exec(query).all() if cluster}
        )
    return sizes
