"""Presence detection on city homepages: F1 over the authored pages, and each rule on its own."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import shared_path
from watch.catalogue import platform_entries
from watch.peer_presence import PlatformHosts, classify, detect_presence

DATA = Path(__file__).parent / "data" / "peers"
PLATFORMS = [PlatformHosts(e.slug, tuple(e.domains), e.protocol) for e in platform_entries()]
EXPECTED = json.loads((DATA / "expected.json").read_text(encoding="utf-8"))
BASE = "https://www.ville-exemple.fr/"


def detect(name: str) -> dict[str, str]:
    html = (DATA / "homepages" / name).read_text(encoding="utf-8")
    found = detect_presence(html, EXPECTED[name]["url"], PLATFORMS)
    return {p.platform: p.account_url for p in found}


def first(href: str, rel_me: bool = False) -> tuple[str, str] | None:
    return classify(href, base_url=BASE, platforms=PLATFORMS, rel_me=rel_me)


def test_presence_f1_over_the_authored_homepages_is_at_least_0_9() -> None:
    tp = fp = fn = 0
    for name, case in EXPECTED.items():
        got, want = set(detect(name)), set(case["platforms"])
        tp, fp, fn = tp + len(got & want), fp + len(got - want), fn + len(want - got)
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    f1 = 2 * precision * recall / (precision + recall)
    assert len(EXPECTED) >= 15
    assert f1 >= 0.9, (precision, recall)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_homepage_gives_its_accounts(name: str) -> None:
    assert detect(name) == EXPECTED[name]["platforms"]


def test_the_paris_footer_accounts_are_recognised() -> None:
    data = json.loads(
        next(shared_path("corpus", "real", "city-social-accounts").glob("*.json")).read_text()
    )
    links = "".join(f'<a href="{a["url"]}">{a["label"]}</a>' for a in data["accounts"])
    found = detect_presence(f"<footer>{links}</footer>", "https://www.paris.fr/", PLATFORMS)
    assert {p.platform for p in found} == {a["platform"] for a in data["accounts"]}


@pytest.mark.parametrize(
    "href",
    [
        "https://www.facebook.com/sharer/sharer.php?u=https://www.ville-exemple.fr/",
        "https://www.facebook.com/sharer.php?u=x",
        "https://twitter.com/intent/tweet?text=Bonjour",
        "https://twitter.com/share?url=https://www.ville-exemple.fr/",
        "https://x.com/intent/post?text=a",
        "https://www.linkedin.com/shareArticle?mini=true&url=x",
        "https://www.linkedin.com/sharing/share-offsite/?url=x",
        "https://wa.me/?text=Bonjour",
        "https://api.whatsapp.com/send?text=x",
        "https://t.me/share/url?url=x",
        "https://www.reddit.com/submit?url=x",
        "https://bsky.app/intent/compose?text=x",
        "https://mastodon.social/share?text=x",
        "https://pinterest.com/pin/create/button/?url=x",
    ],
)
def test_share_and_intent_buttons_are_not_a_presence(href: str) -> None:
    assert first(href) is None


@pytest.mark.parametrize(
    ("href", "platform", "url"),
    [
        ("https://twitter.com/VilleExemple", "x", "https://twitter.com/VilleExemple"),
        (
            "https://m.facebook.com/ville.exemple",
            "facebook",
            "https://m.facebook.com/ville.exemple",
        ),
        (
            "https://fr-fr.facebook.com/villeexemple/",
            "facebook",
            "https://fr-fr.facebook.com/villeexemple",
        ),
        (
            "https://fr.linkedin.com/company/ville",
            "linkedin",
            "https://fr.linkedin.com/company/ville",
        ),
        ("https://www.pinterest.fr/ville/", "pinterest", "https://www.pinterest.fr/ville"),
        ("https://www.youtube.fr/@ville", "youtube", "https://www.youtube.fr/@ville"),
        ("HTTPS://WWW.INSTAGRAM.COM/Ville", "instagram", "https://www.instagram.com/Ville"),
        ("//www.tiktok.com/@ville?lang=fr", "tiktok", "https://www.tiktok.com/@ville"),
        ("https://x.com/ville?utm_source=site&utm_medium=footer", "x", "https://x.com/ville"),
        ("https://piaille.fr/@ville", "mastodon", "https://piaille.fr/@ville"),
        (
            "https://mastodon.example.org/@ville/113456789",
            "mastodon",
            "https://mastodon.example.org/@ville",
        ),
        ("https://bsky.app/profile/ville.fr", "bluesky", "https://bsky.app/profile/ville.fr"),
        ("https://www.threads.com/@ville", "threads", "https://www.threads.com/@ville"),
        ("https://twitter.com/intent/follow?screen_name=ville", "x", "https://twitter.com/ville"),
        ("http://twitter.com/#!/VilleExemple", "x", "http://twitter.com/VilleExemple"),
        ("https://piaille.fr/web/@ville", "mastodon", "https://piaille.fr/web/@ville"),
        (
            "https://bsky.app/profile/ville.fr/post/3kabc",
            "bluesky",
            "https://bsky.app/profile/ville.fr",
        ),
    ],
)
def test_account_links_are_recognised_and_cleaned(href: str, platform: str, url: str) -> None:
    assert first(href) == (platform, url)


def test_mastodon_on_an_unknown_server_needs_an_at_path_or_rel_me() -> None:
    assert first("https://social.exemple.org/users/ville") is None
    assert first("https://social.exemple.org/users/ville", rel_me=True) == (
        "mastodon",
        "https://social.exemple.org/users/ville",
    )
    assert first("https://medium.com/@ville") is None  # /@name is not always the fediverse
    assert first("https://github.com/ville", rel_me=True) is None


@pytest.mark.parametrize(
    "href",
    [
        "https://www.facebook.com/",
        "https://twitter.com",
        "https://www.youtube.com/watch?v=abc",
        "https://youtu.be/abc",
        "https://www.instagram.com/p/Cabc/",
        "https://www.facebook.com/policies/cookies/",
        "/reseaux-sociaux",
        "https://www.ville-exemple.fr/@mairie",
        "mailto:mairie@ville-exemple.fr",
        "javascript:void(0)",
        "https://[not-a-host/",
    ],
)
def test_platform_homepages_content_links_and_own_pages_are_ignored(href: str) -> None:
    assert first(href) is None


def test_strongest_evidence_wins_when_a_page_links_twice_to_a_network() -> None:
    html = (
        '<a href="https://www.facebook.com/groups/habitants">Groupe</a>'
        '<script type="application/ld+json">{"sameAs": "https://www.facebook.com/ville"}</script>'
    )
    [presence] = detect_presence(html, BASE, PLATFORMS)
    assert (presence.account_url, presence.how) == ("https://www.facebook.com/ville", "json_ld")


def test_a_facebook_page_widget_counts_but_a_video_embed_does_not() -> None:
    html = (
        '<iframe src="https://www.facebook.com/plugins/page.php?href=https%3A%2F%2F'
        'www.facebook.com%2Fville&tabs=timeline"></iframe>'
        '<iframe src="https://www.youtube.com/embed/xyz"></iframe>'
    )
    assert [(p.platform, p.account_url) for p in detect_presence(html, BASE, PLATFORMS)] == [
        ("facebook", "https://www.facebook.com/ville")
    ]


def test_microdata_same_as_links_count_but_other_link_tags_do_not() -> None:
    html = (
        '<link rel="stylesheet" href="https://www.facebook.com/some.css">'
        '<link rel="alternate" href="https://www.youtube.com/feeds/videos.xml?channel_id=UC1">'
        '<div itemscope><link itemprop="sameAs" href="https://www.instagram.com/ville"></div>'
    )
    found = detect_presence(html, BASE, PLATFORMS)
    assert [(p.platform, p.how) for p in found] == [("instagram", "json_ld")]
