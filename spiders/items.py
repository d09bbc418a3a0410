"""What spiders hand to the pipeline: one ``SourceResult`` per answered request.

A result carries the data read from one response (entries, or core writers for other data)
and the HTTP facts the fetch state needs (status, validators, Retry-After, max-age). Spiders
never write to the store; the pipeline does, through the watch core.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session

from watch.fetchstate import Outcome

# A writer of the watch core bound to its rows, called inside the result's transaction.
Writer = Callable[[Session, datetime], Mapping[str, int]]


@dataclass
class SourceResult:
    """The outcome of one request made for a source."""

    source_id: str
    url: str
    status: int | None = None
    error: str | None = None
    warning: str | None = None
    not_modified: bool = False
    etag: str | None = None
    last_modified: str | None = None
    retry_after: float | None = None
    max_age: float | None = None
    entries: list[dict[str, Any]] = field(default_factory=list)
    writes: list[Writer] = field(default_factory=list)
    # Writers run instead of ``writes`` when the result failed (a peer row's own error state).
    failure_writes: list[Writer] = field(default_factory=list)
    platform: str | None = None
    final: bool = True
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return self.error is not None

    def outcome(self, new_items: int = 0) -> Outcome:
        return Outcome(
            status=self.status,
            error=self.error,
            warning=self.warning,
            not_modified=self.not_modified,
            etag=self.etag,
            last_modified=self.last_modified,
            retry_after=self.retry_after,
            max_age=self.max_age,
            new_items=new_items,
        )
