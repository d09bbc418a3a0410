"""A small HTTP server on 127.0.0.1 that serves recorded responses.

Used by ``vigie demo`` to serve the embedded sample and by the tests to replay real-world
responses (and misbehaviours: 500s, slow answers, redirect loops, huge bodies) without touching
the internet. Static content gets an ETag and a Last-Modified date and honours conditional GET,
as real feed servers do, so that a second collection costs 304s.
"""

from __future__ import annotations

import email.utils
import hashlib
import mimetypes
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

CONTENT_TYPES = {
    ".xml": "application/xml; charset=utf-8",
    ".rss": "application/rss+xml; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}
DEFAULT_MTIME = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass
class Reply:
    """What the server answers for one path."""

    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str | None = "application/octet-stream"
    delay: float = 0.0
    conditional: bool = True
    modified: datetime = DEFAULT_MTIME


Handler = Callable[["RequestInfo"], Reply]


@dataclass
class RequestInfo:
    method: str
    path: str
    query: str
    headers: dict[str, str]


def reply_for_file(path: Path, modified: datetime = DEFAULT_MTIME) -> Reply:
    content_type = CONTENT_TYPES.get(path.suffix.lower()) or (
        mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    )
    return Reply(body=path.read_bytes(), content_type=content_type, modified=modified)


class LocalServer:
    """Serve routes on an ephemeral 127.0.0.1 port from a background thread.

    ``requests`` records every request (method, path, headers) so tests can check, for example,
    that a second collection sent ``If-None-Match`` or that each page was fetched once.
    """

    def __init__(self) -> None:
        self.routes: dict[str, Reply | Handler] = {}
        self.requests: list[RequestInfo] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- routes -------------------------------------------------------------------------------
    def add(self, path: str, reply: Reply | Handler) -> str:
        """Serve ``reply`` (or call a handler) at ``path`` (query string included if given)."""
        self.routes[path] = reply
        return self.url(path)

    def add_bytes(
        self, path: str, body: bytes, content_type: str | None = None, status: int = 200, **kw
    ) -> str:
        return self.add(path, Reply(body=body, content_type=content_type, status=status, **kw))

    def add_file(self, path: str, file: Path) -> str:
        return self.add(path, reply_for_file(file))

    def add_directory(self, directory: Path, prefix: str = "/") -> None:
        """Serve every file below ``directory`` under ``prefix`` (``index.html`` for folders)."""
        prefix = "/" + prefix.strip("/")
        for file in sorted(p for p in directory.rglob("*") if p.is_file()):
            relative = file.relative_to(directory).as_posix()
            route = f"{prefix.rstrip('/')}/{relative}"
            self.add_file(route, file)
            if file.name == "index.html":
                self.add_file(route[: -len("index.html")], file)

    # -- lifecycle ----------------------------------------------------------------------------
    @property
    def port(self) -> int:
        assert self._server is not None, "server not started"
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base_url + path if self._server else path

    def start(self) -> LocalServer:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(self))
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def hits(self, path: str) -> int:
        """How many times ``path`` (without query) was requested."""
        return sum(1 for r in self.requests if r.path == path)

    # -- dispatch -----------------------------------------------------------------------------
    def _resolve(self, info: RequestInfo) -> Reply:
        full = info.path + (f"?{info.query}" if info.query else "")
        target = self.routes.get(full) or self.routes.get(info.path)
        if target is None:
            return Reply(body=b"not found", status=404, content_type="text/plain")
        if callable(target):
            return target(info)
        return target


def _etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:20] + '"'


def _make_handler(owner: LocalServer) -> type[BaseHTTPRequestHandler]:
    class _Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out in two writes; without TCP_NODELAY, Nagle's algorithm and
        # the client's delayed ACK add ~40 ms to every keep-alive response.
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            return  # keep test and demo output quiet

        def do_HEAD(self) -> None:  # noqa: N802
            self._answer(head=True)

        def do_GET(self) -> None:  # noqa: N802
            self._answer(head=False)

        def _answer(self, head: bool) -> None:
            parts = urlsplit(self.path)
            info = RequestInfo(
                method=self.command,
                path=parts.path,
                query=parts.query,
                headers={k.lower(): v for k, v in self.headers.items()},
            )
            with owner._lock:
                owner.requests.append(info)
            reply = owner._resolve(info)
            if reply.delay:
                time.sleep(reply.delay)
            headers = dict(reply.headers)
            status, body = reply.status, reply.body
            if status == 200 and reply.conditional:
                etag = _etag(body)
                modified = email.utils.format_datetime(reply.modified, usegmt=True)
                headers.setdefault("ETag", etag)
                headers.setdefault("Last-Modified", modified)
                if info.headers.get("if-none-match") == etag or (
                    "if-none-match" not in info.headers
                    and info.headers.get("if-modified-since") == modified
                ):
                    status, body = 304, b""
            try:
                self.send_response(status)
                if reply.content_type and status != 304:
                    self.send_header("Content-Type", reply.content_type)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if not head and body:
                    self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeouts, size caps): nothing to do

    return _Handler


@contextmanager
def serving(directory: Path | None = None) -> Iterator[LocalServer]:
    """Start a server (optionally serving ``directory`` at ``/``) for the ``with`` block."""
    server = LocalServer()
    if directory is not None:
        server.add_directory(directory)
    with server:
        yield server
