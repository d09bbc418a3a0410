"""OPML import and export of feed sources, parsed safely.

OPML files come from other feed readers and from strangers; they are parsed with defusedxml,
which refuses entity expansion (billion laughs) and external entities.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element, SubElement, tostring

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from watch.errors import InputError


def parse_opml(data: bytes, origin: str = "OPML file") -> list[dict[str, str | None]]:
    """Feed outlines (``xmlUrl``, title, language) of an OPML document, nested ones included."""
    try:
        root = fromstring(data, forbid_dtd=True)
    except (DefusedXmlException, ValueError) as exc:
        raise InputError(f"{origin} refused: {type(exc).__name__} ({exc})") from None
    except ParseError as exc:
        raise InputError(f"{origin} is not well-formed XML: {exc}") from None
    if root.tag != "opml":
        raise InputError(f"{origin} is not OPML (root element <{root.tag}>)")
    feeds = []
    for outline in root.iter("outline"):
        url = outline.get("xmlUrl")
        if not url:
            continue
        feeds.append(
            {
                "url": url.strip(),
                "title": outline.get("title") or outline.get("text"),
                "language": outline.get("language"),
            }
        )
    return feeds


def render_opml(feeds: list[dict[str, str | None]], title: str = "Vigie feed sources") -> str:
    root = Element("opml", version="2.0")
    head = SubElement(root, "head")
    SubElement(head, "title").text = title
    body = SubElement(root, "body")
    for feed in feeds:
        attributes = {"type": "rss", "text": feed.get("title") or feed["url"] or ""}
        attributes["xmlUrl"] = feed["url"] or ""
        if feed.get("title"):
            attributes["title"] = feed["title"] or ""
        if feed.get("language"):
            attributes["language"] = feed["language"] or ""
        if feed.get("id"):
            attributes["vigieId"] = feed["id"] or ""
        SubElement(body, "outline", attributes)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(root, encoding="unicode") + "\n"
