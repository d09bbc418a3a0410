"""What the report lets through from the web: text is always escaped, links only when harmless.

Titles, summaries, URLs and error messages come from feeds and pages we do not control. The HTML
templates autoescape every value; this module decides which URLs may become clickable links
(absolute ``http``/``https`` only: never ``javascript:``, ``data:``, ``file:`` or relative ones)
and escapes text for Markdown, where no autoescaping exists.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

_CONTROL = re.compile(r"[\x00-\x20\x7f]")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|~#!])")
_WHITESPACE = re.compile(r"\s+")


def safe_url(url: str | None) -> str | None:
    """The URL when it is an absolute http(s) URL a reader may click, else None.

    Browsers ignore tabs, newlines and leading control characters in a scheme
    (``java\\tscript:``), so those are refused rather than stripped.
    """
    if not url or not isinstance(url, str):
        return None
    candidate = url.strip()
    if not candidate or _CONTROL.search(candidate):
        return None
    try:
        parts = urlsplit(candidate)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return candidate


def one_line(text: str | None, limit: int | None = None) -> str:
    """Collapse whitespace (feeds carry newlines and tabs) and cut to ``limit`` characters."""
    flat = _WHITESPACE.sub(" ", text or "").strip()
    if limit is not None and len(flat) > limit:
        return flat[: limit - 1].rstrip() + "…"
    return flat


def markdown_text(text: object) -> str:
    """Text that Markdown shows literally: no HTML, no links, no emphasis, one line."""
    flat = one_line(str(text))
    flat = flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN_SPECIAL.sub(r"\\\1", flat)


def markdown_url(url: str) -> str:
    """A safe URL percent-encoded so that it cannot close a Markdown link early."""
    return quote(url, safe=":/?#@!$&'*+,;=%~-._")
