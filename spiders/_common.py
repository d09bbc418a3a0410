"""Helpers shared by the adoption-signal spiders (issue #4): reading JSON bodies, saying what an
API error body said, binding metric rows to a core writer, reaching the run's store and clock.

Private module (leading underscore): the registry does not import it as a spider.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from functools import partial
from typing import Any

from scrapy.http import TextResponse
from sqlmodel import Session

from watch.metrics import MetricRow, save_metrics_in, take_write_lock
from watch.store import Store


def load_json(body: bytes, what: str = "response") -> Any:
    """Decode a JSON body, with a message that says what came instead (HTML, nothing, ...)."""
    text = body.decode("utf-8", errors="replace").lstrip("\ufeff").strip()
    if not text:
        raise ValueError(f"expected JSON, the {what} is empty")
    if text.startswith("<"):
        raise ValueError(f"expected JSON, got HTML or XML ({text[:40]!r}...)")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"expected JSON, the {what} is not valid JSON ({exc.msg})") from None


def check_html(body: bytes | str, content_type: str = "") -> str:
    """The page as text; JSON, XML feeds or an empty body are refused with a clear message."""
    raw = body if isinstance(body, str) else body.decode("utf-8", errors="replace")
    text = raw.lstrip("\ufeff").strip()
    if not text:
        raise ValueError("expected an HTML page, the response is empty")
    if text[0] in "{[" or "json" in content_type.lower():
        raise ValueError("expected an HTML page, got JSON")
    if text.startswith("<?xml") and "<html" not in text[:500].lower():
        raise ValueError("expected an HTML page, got XML (a feed? register it as kind 'feed')")
    return text


def page_text(response: Any) -> str:
    """An HTML response as text in its declared or detected encoding (many city sites are
    still ISO-8859-1), refused with a clear message when it is not a page."""
    content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
    body = response.text if isinstance(response, TextResponse) else response.body
    return check_html(body, content_type)


def api_error(data: Any) -> str | None:
    """The message of an API error body (``{"error": ..., "message": ...}``), if it is one."""
    if not isinstance(data, Mapping) or any(k in data for k in ("items", "feed", "usage", "stats")):
        return None
    parts = []
    for key in ("error", "errors", "title", "message", "detail"):
        value = data.get(key)
        if isinstance(value, Mapping):
            value = value.get("message") or json.dumps(value)
        if value and (key != "title" or "type" in data):
            parts.append(str(value))
    if not parts or not any(k in data for k in ("error", "errors", "message", "detail")):
        return None
    return f"the API answered an error: {' - '.join(parts)[:300]}"


def as_count(value: Any, what: str) -> int:
    """An API count (int, or digits in a string as Mastodon sends them); refuse anything else."""
    if isinstance(value, bool):
        raise ValueError(f"{what} is not a number: {value!r}")
    if isinstance(value, int):
        count = value
    elif isinstance(value, float) and value.is_integer():
        count = int(value)
    elif isinstance(value, str) and value.strip().isdigit():
        count = int(value.strip())
    else:
        raise ValueError(f"{what} is not a whole number: {value!r}")
    if count < 0:
        raise ValueError(f"{what} is negative: {count}")
    return count


def _write(
    session: Session, now: datetime, *, rows: list[MetricRow], source_id: str
) -> dict[str, int]:
    return {"metrics": save_metrics_in(session, rows, source_id=source_id, now=now)}


def metrics_writer(rows: Iterable[MetricRow], source_id: str) -> Any:
    """A pipeline writer ``(session, now) -> counts`` that upserts ``rows`` through the core."""
    return partial(_write, rows=list(rows), source_id=source_id)


def lock_first_writer(session: Session, _now: datetime) -> dict[str, int]:
    take_write_lock(session, "collect")
    return {}


class WriteLockFirst:
    """Mixin: every result's transaction starts by taking the write lock.

    The pipeline may save results of several crawlers at once; on SQLite a transaction that
    reads before writing then fails with "database is locked" (see notes/requests-spiders.md,
    item 5). Putting a lock-taking writer first makes each of our transactions wait its turn.
    """

    def result(self, source: Any, response: Any, **fields: Any) -> Any:
        return with_write_lock(super().result(source, response, **fields))  # type: ignore[misc]

    def failure_result(self, source: Any, url: str, message: str) -> Any:
        return with_write_lock(super().failure_result(source, url, message))  # type: ignore[misc]


def with_write_lock(result: Any) -> Any:
    """``result`` with the lock-taking writer first in both its writer lists."""
    result.writes.insert(0, lock_first_writer)
    result.failure_writes.insert(0, lock_first_writer)
    return result


class ApiErrorDetail:
    """Mixin: an HTTP error answered with a JSON error body says what the API said.

    ``HTTP 400 Bad Request`` becomes ``HTTP 400 Bad Request: the API answered an error:
    InvalidRequest - Profile not found``, which tells the officer which account is wrong.
    """

    def result(self, source: Any, response: Any, **fields: Any) -> Any:
        error = fields.get("error")
        if isinstance(error, str) and error.startswith("HTTP ") and response.body:
            try:
                detail = api_error(load_json(response.body[:4096]))
            except ValueError:
                detail = None
            if detail:
                fields["error"] = f"{error}: {detail.removeprefix('the API answered an error: ')}"
        return super().result(source, response, **fields)  # type: ignore[misc]


def run_store(spider: Any) -> Store:
    """The store of the running collect (read-only use: catalogue, peers, accounts)."""
    from spiders.pipelines import RUN_KEY, RUNS

    return RUNS[spider.crawler.settings[RUN_KEY]].store


def run_now(spider: Any) -> datetime:
    """The clock of the running collect (VIGIE_NOW honoured by the CLI)."""
    from spiders.pipelines import RUN_KEY, RUNS

    return RUNS[spider.crawler.settings[RUN_KEY]].now
