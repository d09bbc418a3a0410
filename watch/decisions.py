"""The decision archive: who decided what about a platform, when, why, and on what evidence.

An append-only, hash-chained log (see :mod:`watch.decisions_chain`). Nothing here updates or
deletes a decision: a new decision on a platform *supersedes* the previous one by appending a
record that points to it, and "superseded" is derived when the log is read. Appends run under
``Store.lock`` so that concurrent ``vigie decide`` calls keep one linear chain; the unique
``seq`` and ``hash`` columns are the backstop.

The core stays independent of the criteria engine: the caller passes the frozen snapshot, built
from a saved score run with :func:`build_snapshot`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, text
from sqlmodel import Session, col, select

from watch.clock import ensure_utc, utcnow
from watch.decisions_chain import (
    GENESIS_HASH,
    VerifyResult,
    normalise,
    record_hash,
    verify_records,
)
from watch.errors import InputError, VigieError
from watch.models import Decision, Platform, ScoreRun
from watch.platforms import get_platform
from watch.store import Store

__all__ = [
    "ArchiveAltered",
    "VerifyResult",
    "append_decision",
    "build_snapshot",
    "current_decisions",
    "due_decisions",
    "export_archive",
    "export_records",
    "verify_export",
    "get_decision",
    "head_hash",
    "list_decisions",
    "parse_review_date",
    "validate_decision",
    "verify_chain",
]

LOCK_NAME = "decisions"
VERDICTS = ("join", "pilot", "watch", "decline", "keep", "reduce", "leave")
RECORDED_STATUSES = ("proposed", "accepted", "rejected")
# What an *accepted* decision does to the city's status on the platform. A pilot opens an
# account on trial, so the city is on the platform until a later decision says otherwise;
# keep and reduce stay on it; watch returns it to the watch list.
STATUS_AFTER = {
    "join": "joined",
    "pilot": "joined",
    "keep": "joined",
    "reduce": "joined",
    "leave": "left",
    "decline": "declined",
    "watch": "watching",
}
ONLY_WHEN_JOINED = ("keep", "reduce", "leave")
ONLY_WHEN_NOT_JOINED = ("watch", "decline")
MAX_RATIONALE = 10_000
MAX_NAME = 200
MAX_CONSULTED = 2_000
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
HASH_RE = re.compile(r"^[0-9a-f]{64}$")


# --------------------------------------------------------------------------- validation


def parse_review_date(text: str | None) -> date | None:
    """``YYYY-MM-DD`` as a date; anything else is an input error naming the value."""
    if text is None or not text.strip():
        return None
    value = text.strip()
    try:
        if not DATE_RE.match(value):
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"invalid review date {text!r}: expected YYYY-MM-DD") from None


def _choice(value: str, allowed: Sequence[str], what: str) -> str:
    if value not in allowed:
        raise InputError(f"unknown {what} {value!r} (expected one of {', '.join(allowed)})")
    return value


def _text(value: str | None, what: str, limit: int, *, required: bool) -> str | None:
    cleaned = (value or "").strip()
    if required and not cleaned:
        raise InputError(f"the {what} is empty: say it in a few words")
    if len(cleaned) > limit:
        raise InputError(f"the {what} is {len(cleaned):,} characters long (at most {limit:,})")
    return cleaned or None


def validate_decision(
    verdict: str,
    decided_by: str,
    rationale: str,
    *,
    consulted: str | None = None,
    review_on: date | None = None,
    status: str = "accepted",
    today: date | None = None,
) -> dict[str, Any]:
    """Check a decision's own fields (not the platform) before anything is written."""
    fields = {
        "verdict": _choice(verdict, VERDICTS, "verdict"),
        "status": _choice(status, RECORDED_STATUSES, "status"),
        "decided_by": _text(decided_by, "decision-maker name (--by)", MAX_NAME, required=True),
        "rationale": _text(rationale, "rationale", MAX_RATIONALE, required=True),
        "consulted": _text(consulted, "list of people consulted", MAX_CONSULTED, required=False),
        "review_on": review_on,
    }
    if review_on is not None and today is not None and review_on < today:
        raise InputError(f"the review date {review_on} is before the decision date {today}")
    return fields


def _check_fits_platform(platform: Platform, verdict: str) -> None:
    joined = platform.status == "joined"
    if verdict in ONLY_WHEN_JOINED and not joined:
        raise InputError(
            f"{verdict!r} applies to a platform the city is on, and {platform.slug} is "
            f"{platform.status!r} (record it first: vigie platforms set-status "
            f"{platform.slug} joined)"
        )
    if verdict in ONLY_WHEN_NOT_JOINED and joined:
        raise InputError(
            f"{verdict!r} applies to a platform the city is not on; {platform.slug} is joined "
            "(use keep, reduce or leave)"
        )


def check_platform(store: Store, slug: str, verdict: str) -> None:
    """Input errors for an unknown platform or a verdict that does not fit its status."""
    with store.session() as session:
        _check_fits_platform(get_platform(session, slug), verdict)


# --------------------------------------------------------------------------- appending


def _record_fields(decision: Decision) -> dict[str, Any]:
    return {
        "id": decision.id,
        "seq": decision.seq,
        "platform": decision.platform,
        "verdict": decision.verdict,
        "status": decision.status,
        "decided_at": ensure_utc(decision.decided_at),
        "decided_by": decision.decided_by,
        "consulted": decision.consulted,
        "rationale": decision.rationale,
        "review_on": decision.review_on,
        "score_run_id": decision.score_run_id,
        "snapshot": decision.snapshot,
        "supersedes": decision.supersedes,
        "prev_hash": decision.prev_hash,
        "hash": decision.hash,
    }


def _next_record(session: Session, slug: str) -> dict[str, Any]:
    """seq, id, prev_hash and supersedes for the record about to be appended (under the lock)."""
    newest_first = col(Decision.seq).desc()
    last = session.exec(select(Decision).order_by(newest_first).limit(1)).first()
    previous_on_platform = session.exec(
        select(Decision.id).where(Decision.platform == slug).order_by(newest_first).limit(1)
    ).first()
    top_id = session.exec(select(func.max(Decision.id))).one()
    return {
        "seq": (last.seq + 1) if last else 1,
        "id": (top_id or 0) + 1,
        "prev_hash": last.hash if last else GENESIS_HASH,
        "supersedes": previous_on_platform,
    }


def _follow_status(platform: Platform, verdict: str, status: str, now: datetime) -> None:
    target = STATUS_AFTER[verdict]
    if status == "accepted" and platform.status != target:
        platform.status = target
        platform.status_changed_at = now


def append_decision(
    store: Store,
    slug: str,
    verdict: str,
    decided_by: str,
    rationale: str,
    *,
    consulted: str | None = None,
    review_on: date | None = None,
    status: str = "accepted",
    score_run_id: int | None = None,
    snapshot: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Append one decision to the chain and let the platform's status follow it.

    Returns the stored record as :func:`get_decision` shows it. Bad input raises
    :class:`InputError` before anything is written.
    """
    now = ensure_utc(now or utcnow())
    fields = validate_decision(
        verdict,
        decided_by,
        rationale,
        consulted=consulted,
        review_on=review_on,
        status=status,
        today=now.date(),
    )
    frozen = normalise(dict(snapshot or {}))
    with store.session() as session:
        store.lock(session, LOCK_NAME)  # first statement: no stale read before the write lock
        platform = get_platform(session, slug)
        _check_fits_platform(platform, verdict)
        if score_run_id is not None and session.get(ScoreRun, score_run_id) is None:
            raise InputError(f"unknown score run {score_run_id}")
        record = {
            **fields,
            **_next_record(session, slug),
            "platform": slug,
            "decided_at": now,
            "score_run_id": score_run_id,
            "snapshot": frozen,
        }
        record["hash"] = record_hash(record, record["prev_hash"])
        session.add(Decision(**record))
        _follow_status(platform, verdict, status, now)
        session.add(platform)
        session.flush()
        decision_id = record["id"]
    return get_decision(store, decision_id)


# --------------------------------------------------------------------------- reading


def _load(session: Session) -> tuple[list[Decision], dict[str, str]]:
    rows = list(session.exec(select(Decision).order_by(col(Decision.seq))).all())
    names = dict(session.exec(select(Platform.slug, Platform.name)).all())
    return rows, names


def _view(
    decision: Decision,
    names: Mapping[str, str],
    superseded_by: Mapping[int, int],
    today: date | None,
) -> dict[str, Any]:
    score = decision.snapshot.get("score") if isinstance(decision.snapshot, dict) else None
    score = score if isinstance(score, dict) else {}
    later = superseded_by.get(decision.id) if decision.id is not None else None
    view = _record_fields(decision)
    view.pop("snapshot")
    view.update(
        platform_name=names.get(decision.platform, decision.platform),
        status="superseded" if later is not None else decision.status,
        recorded_status=decision.status,
        superseded_by=later,
        score_total=score.get("total"),
        score_verdict=score.get("verdict"),
    )
    if today is not None:
        view["due"] = bool(later is None and decision.review_on and decision.review_on <= today)
    return view


def _views(store: Store, today: date | None) -> list[tuple[Decision, dict[str, Any]]]:
    with store.session() as session:
        rows, names = _load(session)
    superseded_by = {
        row.supersedes: row.id for row in rows if row.supersedes is not None and row.id is not None
    }
    return [(row, _view(row, names, superseded_by, today)) for row in rows]


def list_decisions(
    store: Store, platform: str | None = None, *, due_on: date | None = None
) -> list[dict[str, Any]]:
    """Every record in chain order; with ``due_on``, only current ones due for review then."""
    if platform is not None:
        with store.session() as session:
            get_platform(session, platform)
    views = [view for _, view in _views(store, due_on)]
    if platform is not None:
        views = [v for v in views if v["platform"] == platform]
    if due_on is not None:
        views = [v for v in views if v["due"]]
    return views


def get_decision(store: Store, decision_id: int, *, today: date | None = None) -> dict[str, Any]:
    """One record with its frozen snapshot; an unknown id is an input error."""
    with store.session() as session:
        row = session.get(Decision, decision_id)
        if row is None:
            raise InputError(f"no decision with id {decision_id} (see: vigie decisions list)")
        later = session.exec(select(Decision.id).where(Decision.supersedes == decision_id)).first()
        platform = session.get(Platform, row.platform)
        names = {row.platform: platform.name} if platform else {}
    superseded_by = {decision_id: later} if later is not None else {}
    return {**_view(row, names, superseded_by, today), "snapshot": row.snapshot}


def current_decisions(store: Store) -> list[dict[str, Any]]:
    """The latest decision per platform (the one no later record supersedes), by platform."""
    views = [view for _, view in _views(store, None) if view["superseded_by"] is None]
    return sorted(views, key=lambda v: v["platform"])


def due_decisions(store: Store, today: date) -> list[dict[str, Any]]:
    """Current decisions whose review date is today or past, the longest overdue first."""
    due = [view for _, view in _views(store, today) if view["due"]]
    return sorted(due, key=lambda v: (v["review_on"], v["seq"]))


def export_records(store: Store) -> list[dict[str, Any]]:
    """Every record exactly as hashed (``status`` as recorded), with its snapshot and the
    derived ``effective_status``, ``superseded_by`` and ``status_after``, in chain order."""
    records = []
    for row, view in _views(store, None):
        record = _record_fields(row)
        accepted = row.status == "accepted"
        record.update(
            platform_name=view["platform_name"],
            effective_status=view["status"],
            superseded_by=view["superseded_by"],
            status_after=STATUS_AFTER.get(row.verdict) if accepted else None,
            score_total=view["score_total"],
            score_verdict=view["score_verdict"],
        )
        records.append(record)
    return records


def head_hash(store: Store) -> str | None:
    """The hash of the newest record: print it somewhere safe to detect truncation later."""
    with store.session() as session:
        return session.exec(
            select(Decision.hash).order_by(col(Decision.seq).desc()).limit(1)
        ).first()


def _clean_head(head: str | None) -> str | None:
    if head is None:
        return None
    cleaned = head.strip().lower()
    if not HASH_RE.match(cleaned):
        raise InputError(f"invalid head hash {head!r}: expected 64 hexadecimal characters")
    return cleaned


def verify_chain(store: Store, head: str | None = None) -> VerifyResult:
    """Recompute the whole chain; ``head`` (an earlier head hash) also detects truncation."""
    head = _clean_head(head)
    with store.session() as session:
        records, unreadable = _read_records(session)
    result = verify_records(records, None if unreadable else head)
    if unreadable is None or not result.ok:
        return result
    return VerifyResult(
        ok=False,
        count=len(records) + 1,
        head=None,
        broken_seq=unreadable["seq"],
        broken_id=unreadable["id"],
        reason=unreadable["reason"],
    )


def _read_records(session: Session) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """Every record in seq order, or those before the first one whose stored values no longer
    parse (a date or JSON edited by hand on SQLite), with that one's seq, id and why."""
    try:
        rows = session.exec(select(Decision).order_by(col(Decision.seq))).all()
        return [_record_fields(row) for row in rows], None
    except (ValueError, TypeError) as exc:
        first_error = exc
    session.expunge_all()
    records: list[dict[str, Any]] = []
    raw = session.execute(text("SELECT id, seq FROM decision ORDER BY seq")).all()
    for raw_id, raw_seq in raw:
        try:
            row = session.exec(select(Decision).where(Decision.id == raw_id)).one()
            records.append(_record_fields(row))
        except (ValueError, TypeError) as exc:
            reason = f"a stored value cannot be read ({exc}): it was edited outside Vigie"
            return records, {"id": raw_id, "seq": raw_seq, "reason": reason}
    raise first_error  # pragma: no cover - the bulk read failed but no single row does


# --------------------------------------------------------------------------- snapshots


SCORE_KEYS = (
    "total",
    "verdict",
    "verdict_reason",
    "confidence",
    "confidence_label",
    "stability",
    "rank",
    "missing",
    "flip",
)
RUN_KEYS = ("created_at", "as_of", "quarter", "label", "engine_version", "method", "lang")


def _ranking(platforms: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    ranked = sorted(
        platforms, key=lambda p: (p.get("total") is None, -(p.get("total") or 0), p["platform"])
    )
    return [
        {"platform": p["platform"], "total": p.get("total"), "verdict": p.get("verdict")}
        for p in ranked
    ]


def _evidence_ids(criteria: Mapping[str, Any]) -> list[str]:
    seen: dict[str, None] = {}
    for detail in criteria.values():
        for item in (detail or {}).get("evidence") or []:
            seen.setdefault(str(item), None)
    return list(seen)


def _evidence_entry(evidence_id: str, described: str | Mapping[str, Any] | None) -> dict[str, Any]:
    if isinstance(described, Mapping):
        return {"id": evidence_id, **{k: v for k, v in described.items() if k != "id"}}
    return {"id": evidence_id, "title": described}


def build_snapshot(
    run_result: Mapping[str, Any],
    run_id: int | None,
    slug: str,
    evidence_titles: Mapping[str, str | Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """Freeze what a decision rests on: the platform's score in a saved run, its criteria,
    the weights, thresholds and profile, and the evidence (ids with titles) behind them.

    ``run_result`` is a ScoreRun ``result`` (DESIGN.md's score shape). ``evidence_titles`` maps
    evidence ids to a title or to a mapping with ``title``, ``url``, ``date``; ids it lacks are
    looked up in the run's own ``evidence`` table.
    """
    platforms = list(run_result.get("platforms") or [])
    entry = next((p for p in platforms if p.get("platform") == slug), None)
    if entry is None:
        raise InputError(f"platform {slug!r} is not in score run {run_id}")
    ranking = _ranking(platforms)
    criteria = dict(entry.get("criteria") or {})
    known = {**(run_result.get("evidence") or {}), **(evidence_titles or {})}
    score = {key: entry.get(key) for key in SCORE_KEYS if key in entry}
    score.setdefault("rank", [r["platform"] for r in ranking].index(slug) + 1)
    score["of"] = len(ranking)
    return normalise(
        {
            "format": "vigie-snapshot/1",
            "platform": slug,
            "platform_name": entry.get("name"),
            "platform_status": entry.get("status"),
            "score_run": {"id": run_id, **{k: run_result.get(k) for k in RUN_KEYS}},
            "profile": run_result.get("profile"),
            "weights": run_result.get("weights") or {},
            "audiences": run_result.get("audiences") or {},
            "thresholds": run_result.get("thresholds") or {},
            "score": score,
            "knockouts": entry.get("knockouts") or [],
            "criteria": criteria,
            "evidence": [_evidence_entry(i, known.get(i)) for i in _evidence_ids(criteria)],
            "ranking": ranking,
        }
    )


# --------------------------------------------------------------------------- exports and audit


class ArchiveAltered(VigieError):
    """``verify`` found a broken chain or a missing head: exit 1, naming the first break."""

    exit_code = 1


def export_archive(
    store: Store,
    fmt: str,
    *,
    city: str | None = None,
    lang: str = "fr",
    now: datetime | None = None,
) -> str:
    """The whole archive as Markdown (MADR-like), CSV or JSON text."""
    from watch import decisions_export as export

    if fmt not in ("md", "csv", "json"):
        raise InputError(f"unknown export format {fmt!r} (expected md, csv or json)")
    if lang not in export.LABELS:
        raise InputError(f"unknown language {lang!r} (expected {', '.join(export.LABELS)})")
    records = export_records(store)
    head = records[-1]["hash"] if records else None
    generated_at = ensure_utc(now or utcnow())
    if fmt == "csv":
        return export.render_csv(records)
    if fmt == "json":
        return export.render_json(records, head=head, generated_at=generated_at, city=city)
    return export.render_markdown(
        records, head=head, generated_at=generated_at, city=city, lang=lang
    )


def verify_export(text: str, head: str | None = None) -> VerifyResult:
    """Check an archived JSON export offline, without the database."""
    from watch.decisions_export import records_from_json

    try:
        records = records_from_json(text)
    except ValueError as exc:
        raise InputError(f"cannot read the export: {exc}") from None
    return verify_records(records, _clean_head(head))
