"""The hash chain behind the decision archive: canonical JSON, record hashes, verification.

Pure functions over plain values, so the same code checks the database and an exported JSON
archive. Each record's hash is SHA-256 over the canonical JSON (sorted keys, compact separators,
UTF-8, UTC ISO instants with ``Z``) of its fields *and* the previous record's hash; the first
record chains on 64 zeros. Editing, deleting, reordering or inserting a record therefore breaks
the chain at that record. A chain alone cannot reveal that its tail was cut off, or that someone
rewrote every hash after an edit: for that the verifier compares the head with one printed
earlier (the quarterly report prints it), which is what ``verify --head`` does.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from watch.clock import isoformat

GENESIS_HASH = "0" * 64
CHAIN_FORMAT = "vigie-decision/1"
# The fields a record's hash covers, besides ``prev_hash``; the order here is only for people.
HASHED_FIELDS = (
    "id",
    "seq",
    "platform",
    "verdict",
    "status",
    "decided_at",
    "decided_by",
    "consulted",
    "rationale",
    "review_on",
    "score_run_id",
    "snapshot",
    "supersedes",
)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return isoformat(value)
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable in a decision record: {type(value).__name__}")


def canonical_json(value: Any) -> str:
    """The one text a value hashes as: sorted keys, no spaces, UTF-8 kept, no NaN."""
    return json.dumps(
        value,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
        default=_plain,
    )


def normalise(value: Any) -> Any:
    """``value`` as it will read back from a JSON column (tuples become lists, dates text)."""
    return json.loads(canonical_json(value))


def record_hash(fields: Mapping[str, Any], prev_hash: str) -> str:
    """SHA-256 (hex) of a record's hashed fields and the previous record's hash."""
    payload = {name: fields.get(name) for name in HASHED_FIELDS}
    payload["prev_hash"] = prev_hash
    payload["format"] = CHAIN_FORMAT
    return hashlib.sha256(canonical_json(payload).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class VerifyResult:
    """What ``verify`` found: the first broken record, if any, and the head comparison."""

    ok: bool
    count: int
    head: str | None
    broken_seq: int | None = None
    broken_id: int | None = None
    reason: str | None = None
    head_checked: bool = False
    head_seq: int | None = None

    @property
    def message(self) -> str:
        """One line for the person at the terminal."""
        if not self.ok:
            where = (
                f"record seq {self.broken_seq} (id {self.broken_id})"
                if self.broken_seq is not None
                else "the archive"
            )
            return f"decision archive altered: {where}: {self.reason}"
        text = f"decision archive intact: {self.count} records, head {self.head or '(empty)'}"
        if self.head_checked:
            text += f"; the given head is record seq {self.head_seq}"
            if self.head_seq is not None and self.head_seq < self.count:
                text += f" ({self.count - self.head_seq} recorded since)"
        return text

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["message"] = self.message
        return data


def _broken(count: int, head: str | None, record: Mapping[str, Any], reason: str) -> VerifyResult:
    return VerifyResult(
        ok=False,
        count=count,
        head=head,
        broken_seq=record.get("seq"),
        broken_id=record.get("id"),
        reason=reason,
    )


def _check_record(
    record: Mapping[str, Any],
    expected_seq: int,
    previous: Mapping[str, Any] | None,
    last_by_platform: Mapping[str, Any],
) -> str | None:
    """Why ``record`` breaks the chain, or None when it links correctly."""
    prev_hash = str(previous.get("hash")) if previous else GENESIS_HASH
    if record.get("seq") != expected_seq:
        return (
            f"expected seq {expected_seq} here, found {record.get('seq')} "
            "(a record was deleted, inserted or renumbered)"
        )
    if record.get("prev_hash") != prev_hash:
        before = (
            f"seq {previous.get('seq')} (id {previous.get('id')})" if previous else "the genesis"
        )
        return f"its prev_hash does not match the hash of {before} (deleted, inserted or rewritten)"
    if record_hash(record, prev_hash) != record.get("hash"):
        return "its content does not match its hash (a field was edited)"
    if record.get("supersedes") != last_by_platform.get(str(record.get("platform"))):
        return "its supersedes link does not point to the previous decision on its platform"
    return None


def verify_records(records: Iterable[Mapping[str, Any]], head: str | None = None) -> VerifyResult:
    """Recompute the chain over ``records`` (in seq order); ``head`` is an earlier head hash."""
    previous: Mapping[str, Any] | None = None
    last_by_platform: dict[str, Any] = {}
    seen: dict[str, int] = {}
    rows = list(records)
    current_head = rows[-1].get("hash") if rows else None
    for index, record in enumerate(rows, start=1):
        reason = _check_record(record, index, previous, last_by_platform)
        if reason:
            return _broken(len(rows), current_head, record, reason)
        last_by_platform[str(record.get("platform"))] = record.get("id")
        seen[str(record.get("hash"))] = index
        previous = record
    if head is None:
        return VerifyResult(ok=True, count=len(rows), head=current_head)
    if head not in seen:
        return VerifyResult(
            ok=False,
            count=len(rows),
            head=current_head,
            reason=(
                f"the head hash {head} is not in the archive (records were removed after it, "
                "or the archive was replaced)"
            ),
            head_checked=True,
        )
    return VerifyResult(
        ok=True, count=len(rows), head=current_head, head_checked=True, head_seq=seen[head]
    )
