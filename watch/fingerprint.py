"""Stable identities for entries and signals, so that re-reading a feed never duplicates.

An entry is known by its guid, else its link, else a hash of its title and date. Feeds get this
wrong in practice (blank ids, one id repeated for every item, links that all point to the home
page), so the choice is made per feed batch: the first of guid / link that is present and
unique across the batch, else title+date. Identities are namespaced by source.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from datetime import datetime

from watch.clock import isoformat

STRATEGIES = ("guid", "link", "content")


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def _present_and_unique(values: Sequence[str | None]) -> bool:
    cleaned = [(v or "").strip() for v in values]
    return all(cleaned) and len(set(cleaned)) == len(cleaned)


def choose_strategy(guids: Sequence[str | None], links: Sequence[str | None]) -> str:
    """The identity this batch of entries supports best."""
    if _present_and_unique(guids):
        return "guid"
    if _present_and_unique(links):
        return "link"
    return "content"


def weakest(*strategies: str | None) -> str:
    """The least trusting of several strategies (once a feed repeats ids, keep distrusting)."""
    known = [s for s in strategies if s in STRATEGIES]
    return max(known, key=STRATEGIES.index) if known else "guid"


def content_key(title: str, published_at: datetime | None) -> str:
    normalised = re.sub(r"\s+", " ", title or "").strip().casefold()
    return f"{normalised}|{isoformat(published_at) or ''}"


def entry_key(
    strategy: str, guid: str | None, link: str | None, title: str, published_at: datetime | None
) -> str:
    if strategy == "guid" and guid:
        return "guid:" + guid.strip()
    if strategy in ("guid", "link") and link:
        return "link:" + link.strip()
    return "content:" + content_key(title, published_at)


def entry_fingerprint(source_id: str | None, key: str) -> str:
    return _digest("entry", source_id or "", key)


def signal_fingerprint(entry_fp: str, platform: str) -> str:
    return _digest("signal", entry_fp, platform)
