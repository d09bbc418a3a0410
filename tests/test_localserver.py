"""The loopback server used by the demo and the tests honours conditional GET."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

import pytest

from watch.localserver import LocalServer, Reply, serving


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def test_serves_a_directory_with_validators(tmp_path: Path) -> None:
    (tmp_path / "feeds").mkdir()
    (tmp_path / "feeds" / "a.xml").write_text("<rss/>")
    with serving(tmp_path) as server:
        status, headers, body = _get(server.url("/feeds/a.xml"))
        assert status == 200
        assert body == b"<rss/>"
        assert headers["Content-Type"].startswith("application/xml")
        again = _get(server.url("/feeds/a.xml"), {"If-None-Match": headers["ETag"]})
        assert again[0] == 304
        assert again[2] == b""
        assert server.hits("/feeds/a.xml") == 2


def test_unknown_path_is_404_and_handlers_see_the_request() -> None:
    with LocalServer() as server:
        server.add("/echo", lambda info: Reply(body=info.headers.get("user-agent", "").encode()))
        assert _get(server.url("/missing"))[0] == 404
        assert _get(server.url("/echo"), {"User-Agent": "probe"})[2] == b"probe"


@pytest.mark.parametrize("status", [500, 429])
def test_error_statuses_are_served_as_recorded(status: int) -> None:
    with LocalServer() as server:
        server.add("/e", Reply(body=b"oops", status=status, headers={"Retry-After": "120"}))
        code, headers, _ = _get(server.url("/e"))
        assert code == status
        assert headers["Retry-After"] == "120"
