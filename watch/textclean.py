"""Plain text out of the markup feeds put in titles and summaries.

Everything that comes from the web is stored as plain text: tags dropped, ``<script>`` and
``<style>`` dropped with their content, entities decoded, whitespace collapsed. Renderers
escape it again on the way out; nothing here is trusted as HTML.
"""

from __future__ import annotations

import html
import re

_DROP_WITH_CONTENT = re.compile(
    r"<(script|style|iframe|object|template|noscript)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL
)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_BLOCK = re.compile(r"<\s*(?:br|/p|/div|/li|/h[1-6])\b[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"</?[A-Za-z!/?][^<>]*>")
_SPACE = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NEEDS_WORK = re.compile(r"[<&\x00-\x1f\x7f]|\s\s|^\s|\s$")


def _needs_work(value: str) -> bool:
    """Whether ``value`` has markup, entities, control characters or loose whitespace.

    Same answer as ``_NEEDS_WORK``, cheaper for the usual printable text: there the only
    whitespace is the ASCII space (every other whitespace or control character is not
    printable), so four substring tests replace a regex scan of the whole string.
    """
    if value.isprintable():
        return "<" in value or "&" in value or "  " in value or value[0] == " " or value[-1] == " "
    return _NEEDS_WORK.search(value) is not None


def plain_text(value: str | None, *, limit: int | None = None) -> str:
    """``value`` without markup, decoded and on one line (cut at ``limit`` characters)."""
    if not value:
        return ""
    if not _needs_work(value):  # already plain text on one line: the common case
        return value if limit is None or len(value) <= limit else value[: limit - 1].rstrip() + "…"
    text = value
    if "<" in text:
        text = _COMMENT.sub(" ", text)
        text = _DROP_WITH_CONTENT.sub(" ", text)
        text = _BLOCK.sub(" ", text)
        text = _TAG.sub("", text)
    if "&" in text:
        text = html.unescape(text)
        if "<" in text:  # entities that decoded into markup are still markup
            text = _DROP_WITH_CONTENT.sub(" ", text)
            text = _TAG.sub("", text)
    text = _CONTROL.sub("", text)
    text = _SPACE.sub(" ", text).strip()
    if limit is not None and len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text
