"""Quarters such as ``2026-Q4``: parsing, bounds, and the one a report covers by default."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from watch.clock import quarter_of
from watch.errors import InputError

QUARTER_RE = re.compile(r"^(\d{4})-Q([1-4])$")


@dataclass(frozen=True, order=True)
class Quarter:
    """A calendar quarter; ``start`` is inclusive and ``end`` exclusive (aware UTC)."""

    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        match = QUARTER_RE.match(text.strip().upper())
        if not match:
            raise InputError(f"invalid quarter {text!r}: expected YEAR-QN, for example 2026-Q4")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def containing(cls, moment: datetime | date) -> Quarter:
        return cls.parse(quarter_of(moment))

    @property
    def label(self) -> str:
        return f"{self.year}-Q{self.number}"

    @property
    def start(self) -> datetime:
        return datetime(self.year, 3 * self.number - 2, 1, tzinfo=UTC)

    @property
    def end(self) -> datetime:
        if self.number == 4:
            return datetime(self.year + 1, 1, 1, tzinfo=UTC)
        return datetime(self.year, 3 * self.number + 1, 1, tzinfo=UTC)

    @property
    def last_day(self) -> date:
        return (self.end - timedelta(days=1)).date()

    def __str__(self) -> str:
        return self.label


def report_quarter(text: str | None, now: datetime) -> Quarter:
    """The quarter a report covers: the one asked for, else the current one; never the future."""
    quarter = Quarter.containing(now) if text is None else Quarter.parse(text)
    if quarter.start > now:
        raise InputError(f"quarter {quarter.label} has not started yet (today is {now.date()})")
    return quarter


def as_of(quarter: Quarter, now: datetime) -> datetime:
    """The instant the report looks at: now for the current quarter, else the quarter's end."""
    return min(now, quarter.end - timedelta(microseconds=1))
