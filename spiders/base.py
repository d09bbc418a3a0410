"""The base of every Vigie spider: one spider per source kind, subclasses only parse.

The base spider turns the sources it is given into requests (conditional GET from the stored
validators), and turns every answer into a :class:`~spiders.items.SourceResult`: a 304 is "not
modified" (nothing parsed), a 4xx/5xx or a network error is a failure with a clear message, and
anything a subclass's parser raises is a failure of that source only. The pipeline saves it all.
"""

from __future__ import annotations

import email.utils
import inspect
import re
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any, ClassVar

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from spiders.items import SourceResult
from watch.fetchstate import SourceTask

SOURCE_META = "vigie_source"
MAX_MESSAGE = 300
# Statuses the spider sees instead of Scrapy's HttpError: 304 and every error. Redirects are
# left to RedirectMiddleware (which also detects loops).
HANDLED_STATUSES = [304, *range(400, 600)]


class SourceSpider(scrapy.Spider):
    """Fetch a list of sources of one kind; subclasses implement :meth:`parse_source`."""

    kind: ClassVar[str] = ""
    name = "vigie"
    # Error statuses this spider's parser reads itself (an API's 404 meaning "no data").
    readable_statuses: ClassVar[frozenset[int]] = frozenset()

    def __init__(
        self,
        *args: Any,
        sources: Iterable[SourceTask] = (),
        catalogue: Mapping[str, Iterable[str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.sources = list(sources)
        # {slug: names} of the store's platforms, for spiders that detect mentions.
        self.catalogue = catalogue
        self._pending: Counter[str] = Counter()

    # -- requests ---------------------------------------------------------------------------
    async def start(self) -> AsyncIterator[scrapy.Request]:
        for source in self.sources:
            try:
                requests = list(self.requests_for(source))
            except Exception as exc:  # noqa: BLE001 - a bad source must not stop the others
                # start() may yield items too: the failure is recorded like any other.
                self._pending[source.id] += 1
                message = f"cannot build the request: {describe_exception(exc)}"
                yield self._settle(self.failure_result(source, source.url, message))  # type: ignore[misc]
                continue
            for request in requests:
                yield request

    def requests_for(self, source: SourceTask) -> Iterator[scrapy.Request]:
        """The requests for one source; the default fetches ``source.url`` once."""
        yield self.request(source, source.url)

    def request(
        self,
        source: SourceTask,
        url: str,
        *,
        conditional: bool | None = None,
        callback: Callable[..., Any] | None = None,
        meta: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> scrapy.Request:
        """A request made on behalf of ``source``: errors recorded, answer counted."""
        headers = dict(kwargs.pop("headers", None) or {})
        if conditional if conditional is not None else url == source.url:
            headers.update(conditional_headers(source))
        request_meta = {
            SOURCE_META: source,
            "handle_httpstatus_list": HANDLED_STATUSES,
            **(meta or {}),
        }
        if callback is not None:
            request_meta["vigie_callback"] = callback
        self._pending[source.id] += 1
        return scrapy.Request(
            url,
            headers=headers,
            meta=request_meta,
            callback=self._on_response,
            errback=self._on_error,
            dont_filter=True,
            **kwargs,
        )

    # -- answers ----------------------------------------------------------------------------
    async def _on_response(self, response: Response) -> AsyncIterator[Any]:
        source: SourceTask = response.meta[SOURCE_META]
        if response.status == 304:
            yield self._settle(self.result(source, response, not_modified=True))
            return
        if response.status >= 400 and response.status not in self.readable_statuses:
            message = f"HTTP {response.status} {status_phrase(response.status)}"
            retry = self.fallback_request(source, response.url, message)
            if retry is not None:
                yield retry
                self._pending[source.id] -= 1  # this answer is replaced by the retry
                return
            yield self._settle(self.result(source, response, error=message))
            return
        parser = response.meta.get("vigie_callback") or self.parse_source
        produced = 0
        try:
            async for item in _iterate(parser(response, source)):
                if isinstance(item, SourceResult):
                    produced += 1
                    yield self._settle(item)
                else:
                    yield item
        except Exception as exc:  # noqa: BLE001 - recorded on the source, the run goes on
            self.logger.debug("parser error for %s", response.url, exc_info=True)
            message = f"cannot read {response.url}: {describe_exception(exc)}"
            retry = self.fallback_request(source, response.url, message)
            if retry is not None:
                yield retry
                self._pending[source.id] -= 1
                return
            yield self._settle(self.result(source, response, error=message))
            return
        if produced == 0:
            yield self._settle(self.result(source, response))

    def _on_error(self, failure: Failure) -> Iterator[Any]:
        request = failure.request  # type: ignore[attr-defined]
        source: SourceTask = request.meta[SOURCE_META]
        message = describe_failure(failure, request, self.crawler.settings)
        retry = self.fallback_request(source, request.url, message)
        if retry is not None:
            yield retry
            self._pending[source.id] -= 1
            return
        yield self._settle(self.failure_result(source, request.url, message))

    def fallback_request(self, source: SourceTask, url: str, message: str) -> scrapy.Request | None:
        """Another request to try before a failure is recorded (e.g. a mirror); None: fail.

        Build it with :meth:`request` (which counts it as pending for the source)."""
        return None

    def _settle(self, result: SourceResult) -> SourceResult:
        """Mark the last answer expected for its source as final (fetch state is saved then)."""
        self._pending[result.source_id] -= 1
        result.final = self._pending[result.source_id] <= 0
        return result

    def parse_source(self, response: Response, source: SourceTask) -> Any:
        """Read a 2xx response; yield :class:`SourceResult` items (raise on unreadable input)."""
        raise NotImplementedError(f"{type(self).__name__} must implement parse_source")

    # -- results ----------------------------------------------------------------------------
    def result(self, source: SourceTask, response: Response, **fields: Any) -> SourceResult:
        """A result for ``source`` with the HTTP facts of ``response`` filled in."""
        headers = response.headers
        values: dict[str, Any] = {
            "source_id": source.id,
            "url": response.url,
            "status": response.status,
            "etag": _header(headers, b"ETag"),
            "last_modified": _header(headers, b"Last-Modified"),
            "retry_after": retry_after_seconds(_header(headers, b"Retry-After")),
            "max_age": max_age_seconds(_header(headers, b"Cache-Control")),
            "platform": source.platform,
        }
        values.update(fields)
        return SourceResult(**values)

    def failure_result(self, source: SourceTask, url: str, message: str) -> SourceResult:
        return SourceResult(source_id=source.id, url=url, error=message, platform=source.platform)


async def _iterate(produced: Any) -> AsyncIterator[Any]:
    """Iterate what a parser returned: async generator, generator, coroutine or None."""
    if inspect.isawaitable(produced):
        produced = await produced
    if produced is None:
        return
    if hasattr(produced, "__aiter__"):
        async for item in produced:
            yield item
        return
    if isinstance(produced, SourceResult):
        yield produced
        return
    for item in produced:
        yield item


def conditional_headers(source: SourceTask) -> dict[str, str]:
    headers = {}
    if source.etag:
        headers["If-None-Match"] = source.etag
    if source.last_modified:
        headers["If-Modified-Since"] = source.last_modified
    return headers


def _header(headers: Any, name: bytes) -> str | None:
    value = headers.get(name)
    if value is None:
        return None
    return value.decode("latin-1").strip() or None


def status_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "error"


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Retry-After as seconds: either a number of seconds or an HTTP date."""
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    delta = (when - (now or datetime.now(UTC))).total_seconds()
    return max(delta, 0.0)


MAX_AGE_RE = re.compile(r"(?:^|[,\s])(?:s-)?max-age\s*=\s*\"?(\d+)", re.IGNORECASE)


def max_age_seconds(value: str | None) -> float | None:
    if not value:
        return None
    match = MAX_AGE_RE.search(value)
    return float(match.group(1)) if match else None


def describe_exception(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    text = " ".join(text.split())
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"


def describe_failure(failure: Failure, request: scrapy.Request, settings: Any) -> str:
    """One clear sentence for a download failure, naming the cause a user can act on."""
    exc = failure.value
    name = type(exc).__name__
    text = str(exc)
    timeout = request.meta.get("download_timeout") or settings.getfloat("DOWNLOAD_TIMEOUT")
    maxsize = request.meta.get("download_maxsize") or settings.getint("DOWNLOAD_MAXSIZE")
    if "Timeout" in name or "timed out" in text.lower() or "took longer than" in text:
        return f"timed out after {timeout:g} s"
    if "max size" in text or "maxsize" in text or ("exceeds" in text and "size" in text):
        return f"response larger than the {maxsize}-byte cap (collect.max_bytes)"
    if "Cancelled" in name:
        return f"download cancelled: {describe_exception(exc)}"
    if "max redirections" in text:
        return "too many redirects (redirect loop?)"
    if "robots.txt" in text.lower() or "Forbidden by robots" in text:
        return "forbidden by robots.txt"
    if name == "IgnoreRequest":
        return f"request dropped: {describe_exception(exc)}"
    if "DNS" in name or "Resolve" in name:
        return f"DNS lookup failed for {request.url}"
    if "Refused" in name:
        return "connection refused"
    if "DataLoss" in name or "PotentialDataLoss" in text:
        return "connection closed before the whole response arrived"
    return f"{name}: {describe_exception(exc)}"
