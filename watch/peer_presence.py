"""Which networks a city's homepage links to: a pure function of the page and the catalogue.

A city says "follow us" in three ways: footer icons (``<a href>``), ``<link rel="me">`` /
``<a rel="me">`` (Mastodon's verification), and JSON-LD ``sameAs``. Share and intent buttons
("share this page on X") are links to the platform too, but say nothing about the city being
there, so they are filtered out; so are links to a single video or post, and bare platform
homepages (an unconfigured theme icon). Hosts are matched against ``Platform.domains`` with
mobile and country subdomains (``m.facebook.com``, ``fr.linkedin.com``) and country top-level
domains (``pinterest.fr``); ``twitter.com`` is a domain of ``x`` in the catalogue. A Mastodon
account on a server we do not know is recognised by its ``/@name`` path or a rel="me" link.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from html.parser import HTMLParser
from importlib import resources
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

HOW_PRIORITY = {"rel_me": 0, "json_ld": 1, "a_href": 2}
# Path segments that make a link a share/intent button rather than an account.
SHARE_SEGMENTS = frozenset(
    {
        "share", "sharer", "sharer.php", "share.php", "intent", "dialog", "sharing",
        "sharearticle", "submit", "compose", "send", "share-offsite", "plugins",
    }
)  # fmt: skip
# Query keys that carry the page being shared.
SHARE_QUERY_KEYS = frozenset({"u", "url", "text", "status", "body", "title", "href"})
# First path segments that point at content or service pages, not at an account.
CONTENT_SEGMENTS = frozenset(
    {
        "watch", "embed", "results", "shorts", "p", "reel", "reels", "tv", "search", "hashtag",
        "explore", "login", "signup", "legal", "privacy", "policies", "policy", "help", "terms",
        "tr", "l.php", "home", "i", "about", "download", "settings", "hashtags", "tags", "tag",
        "pin", "status", "post", "posts", "video", "videos", "events", "watchparty",
    }
)  # fmt: skip
# Hosts of links to one video: never an account.
VIDEO_HOSTS = frozenset({"youtu.be"})
# Query parameters that identify an account (facebook profile.php?id=...); others are dropped.
KEEP_QUERY_KEYS = frozenset({"id"})
COUNTRY_TLDS = (
    "fr", "be", "ch", "ca", "de", "es", "it", "nl", "pt", "lu", "at", "ie", "pl", "eu",
    "co.uk", "uk", "com.br", "com.mx", "com.au", "co.jp", "jp", "ru", "in", "us",
)  # fmt: skip
MASTODON_PATH_RE = re.compile(r"^/(web/)?(@[^/@]+(/\d+)?|users/[^/]+)/?$")
MASTODON_SLUG = "mastodon"
PEERTUBE_SLUG = "peertube"
# PeerTube account and channel pages, on a server whose name says it hosts videos.
PEERTUBE_PATH_RE = re.compile(r"^/(a|c|accounts|video-channels)/[^/]+")


@dataclass(frozen=True)
class PlatformHosts:
    """What the scanner needs from a catalogue platform."""

    slug: str
    domains: tuple[str, ...]
    protocol: str = "proprietary"


@dataclass(frozen=True)
class Presence:
    """One network a homepage links to, with the account URL and how it was found."""

    platform: str
    account_url: str
    how: str


@dataclass(frozen=True)
class HostLists:
    """Known fediverse servers, and sites that use ``/@name`` without being the fediverse."""

    fediverse: frozenset[str]
    not_fediverse: frozenset[str]


@cache
def default_host_lists() -> HostLists:
    """The lists shipped in ``watch/data/peers.toml``."""
    text = resources.files("watch.data").joinpath("peers.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)["presence"]
    return HostLists(
        fediverse=frozenset(h.lower() for h in data["fediverse_hosts"]),
        not_fediverse=frozenset(h.lower() for h in data["not_fediverse_hosts"]),
    )


# ----------------------------------------------------------------------------- HTML reading


@dataclass(frozen=True)
class Link:
    href: str
    how: str
    rel_me: bool = False


class _LinkCollector(HTMLParser):
    """Collects ``<a>``/``<link>``/``<area>`` hrefs, ``<base href>`` and JSON-LD scripts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[Link] = []
        self.base: str | None = None
        self.json_ld: list[str] = []
        self._in_json_ld = False
        self._buffer: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): (v or "") for k, v in attrs}
        if tag == "base" and self.base is None and values.get("href"):
            self.base = values["href"].strip()
        elif tag == "iframe" and "/plugins/" in values.get("src", ""):
            # A Facebook page widget names the page it shows: a presence, unlike a video embed.
            self.links.append(Link(values["src"].strip(), "a_href"))
        elif tag in ("a", "link", "area") and values.get("href"):
            rel_me = "me" in values.get("rel", "").lower().split()
            same_as = values.get("itemprop", "").strip() == "sameAs"  # microdata
            how = "rel_me" if rel_me else "json_ld" if same_as else "a_href"
            if tag == "link" and not (rel_me or same_as):
                return  # stylesheets, icons, alternates: not "follow us" links
            self.links.append(Link(values["href"].strip(), how, rel_me))
        elif tag == "script" and "ld+json" in values.get("type", "").lower():
            self._in_json_ld = True
            self._buffer = []

    def handle_data(self, data: str) -> None:
        if self._in_json_ld:
            self._buffer.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._in_json_ld:
            self._in_json_ld = False
            self.json_ld.append("".join(self._buffer))


def _same_as(node: Any) -> Iterable[str]:
    """Every ``sameAs`` string in a JSON-LD document, at any depth (``@graph`` included)."""
    if isinstance(node, list):
        for item in node:
            yield from _same_as(item)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key == "sameAs":
                values = value if isinstance(value, list) else [value]
                yield from (v for v in values if isinstance(v, str))
            else:
                yield from _same_as(value)


def extract_links(html: str) -> tuple[list[Link], str | None]:
    """The candidate links of a page (document order) and its ``<base href>``."""
    collector = _LinkCollector()
    collector.feed(html)
    collector.close()
    links = list(collector.links)
    for block in collector.json_ld:
        try:
            document = json.loads(block)
        except ValueError:
            continue  # a broken JSON-LD block must not hide the footer links
        links.extend(Link(url.strip(), "json_ld") for url in _same_as(document))
    return links, collector.base


# ----------------------------------------------------------------------------- URL classification


def _host(url_host: str) -> str:
    host = url_host.lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def match_platform(host: str, platforms: Sequence[PlatformHosts]) -> str | None:
    """The platform whose domain (or a subdomain, or a country TLD variant) is ``host``.

    The most specific domain wins (``chat.whatsapp.com`` before ``whatsapp.com``). Looked up
    suffix by suffix in a prepared index, since a homepage can have thousands of links.
    """
    index = _domain_index(tuple(platforms))
    labels = host.split(".")
    for start in range(len(labels) - 1):
        slug = index.get(".".join(labels[start:]))
        if slug is not None:
            return slug
    return None


@cache
def _domain_index(platforms: tuple[PlatformHosts, ...]) -> dict[str, str]:
    """Every domain (and country variant) → platform slug."""
    index: dict[str, tuple[int, str]] = {}

    def put(name: str, slug: str, rank: int) -> None:
        if name not in index or rank > index[name][0]:
            index[name] = (rank, slug)

    for platform in platforms:
        for domain in (d.lower() for d in platform.domains):
            put(domain, platform.slug, 2 * len(domain) + 1)
            label, _, tld = domain.partition(".")
            # Short labels (x, t, fb) would match unrelated country sites: only long ones vary.
            if len(label) >= 5 and tld in ("com", "net", "org"):
                for cc in COUNTRY_TLDS:
                    put(f"{label}.{cc}", platform.slug, 2 * len(domain))
    return {name: slug for name, (_, slug) in index.items()}


def is_share_link(path: str, query: str) -> bool:
    """A "share this page" or "post this" button: not a presence."""
    segments = [s.lower() for s in path.split("/") if s]
    if any(s in SHARE_SEGMENTS for s in segments):
        return True
    keys = {k.lower() for k, v in parse_qsl(query) if v}
    return not segments and bool(keys & SHARE_QUERY_KEYS)


def _follow_intent(path: str, query: str) -> str | None:
    """``twitter.com/intent/follow?screen_name=ville`` names the account: keep it."""
    if path.lower().rstrip("/") in ("/intent/follow", "/intent/user"):
        name = dict(parse_qsl(query)).get("screen_name")
        return f"/{name}" if name else None
    return None


def _plugin_target(path: str, query: str) -> str | None:
    """``facebook.com/plugins/page.php?href=<page>``: the page the widget shows."""
    if "/plugins/" not in path.lower():
        return None
    target = dict(parse_qsl(query)).get("href")
    return target if target and "/plugins/" not in target else None


def account_url(scheme: str, host: str, path: str, query: str) -> str:
    """The link without tracking parameters, fragment or trailing slash."""
    kept = [(k, v) for k, v in parse_qsl(query) if k in KEEP_QUERY_KEYS]
    return urlunsplit((scheme, host, path.rstrip("/") or "/", urlencode(kept), ""))


def classify(
    href: str,
    *,
    base_url: str,
    platforms: Sequence[PlatformHosts],
    rel_me: bool = False,
    hosts: HostLists | None = None,
) -> tuple[str, str] | None:
    """``(platform, account_url)`` if ``href`` points at an account on a known network."""
    if not href[:8].lower().startswith(("http://", "https://", "//")):
        return None  # relative links stay on the city's own site
    hosts = hosts or default_host_lists()
    try:
        url = urlsplit(urljoin(base_url, href))
        page_host = _host(urlsplit(base_url).hostname or "")
        raw_host = url.hostname or ""
    except ValueError:
        return None  # a malformed href (bad port, bad IPv6 literal) is not a link we can use
    if url.scheme not in ("http", "https") or not raw_host:
        return None
    host = _host(raw_host)
    if host == page_host or host in VIDEO_HOSTS:
        return None
    path, query = url.path, url.query
    if path in ("", "/") and url.fragment.startswith("!/"):
        path = url.fragment[1:]  # old "#!/name" links (twitter.com/#!/ville)
    shown = _plugin_target(path, query)
    if shown is not None:
        return classify(shown, base_url=base_url, platforms=platforms, hosts=hosts)
    follow = _follow_intent(path, query)
    if follow is not None:
        path, query = follow, ""
    elif is_share_link(path, query):
        return None
    segments = [s for s in path.split("/") if s]
    if not segments or segments[0].lower() in CONTENT_SEGMENTS:
        return None
    slug = match_platform(host, platforms) or _fediverse(host, path, rel_me, platforms, hosts)
    if slug is None:
        return None
    if segments[0].startswith("@"):
        path = "/" + segments[0]  # /@handle/video/123 → the account /@handle
    elif segments[0] == "profile" and len(segments) > 2:
        path = "/" + "/".join(segments[:2])  # bsky.app/profile/h/post/x → the profile
    return slug, account_url(url.scheme, raw_host.lower(), path, query)


def _fediverse(
    host: str, path: str, rel_me: bool, platforms: Sequence[PlatformHosts], hosts: HostLists
) -> str | None:
    """Mastodon on a server the catalogue does not list (``/@name`` or a rel="me" link), or a
    PeerTube channel on a server named like one (``peertube.example.org/a/ville``)."""
    slugs = {p.slug for p in platforms}
    if any(host == h or host.endswith("." + h) for h in hosts.not_fediverse):
        return None
    if PEERTUBE_SLUG in slugs and "tube" in host and PEERTUBE_PATH_RE.match(path):
        return PEERTUBE_SLUG
    if MASTODON_SLUG not in slugs:
        return None
    if MASTODON_PATH_RE.match(path) and ("/@" in path or rel_me):
        return MASTODON_SLUG
    if host in hosts.fediverse and (rel_me or MASTODON_PATH_RE.match(path)):
        return MASTODON_SLUG
    return None


def detect_presence(
    html: str,
    base_url: str,
    platforms: Sequence[PlatformHosts],
    *,
    hosts: HostLists | None = None,
) -> list[Presence]:
    """One :class:`Presence` per network the page links to, sorted by platform.

    When a page links to several accounts on one network, the strongest evidence wins
    (rel="me", then JSON-LD, then a plain link), then the first in document order.
    """
    links, base = extract_links(html)
    base_url = urljoin(base_url, base) if base else base_url
    found: dict[str, tuple[int, int, Presence]] = {}
    for order, link in enumerate(links):
        hit = classify(
            link.href, base_url=base_url, platforms=platforms, rel_me=link.rel_me, hosts=hosts
        )
        if hit is None:
            continue
        slug, url = hit
        rank = (HOW_PRIORITY[link.how], order)
        if slug not in found or rank < found[slug][:2]:
            found[slug] = (*rank, Presence(slug, url, link.how))
    return [found[slug][2] for slug in sorted(found)]
