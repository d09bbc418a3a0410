"""Mentions, kinds and figures on the traps a careful reader avoids (French and English)."""

from __future__ import annotations

import pytest

from watch.extract import analyse
from watch.extract.figures import find_figures, parse_number
from watch.extract.language import detect_language


@pytest.mark.parametrize(
    ("title", "summary", "platforms"),
    [
        ("La génération X découvre TikTok", "", ["tiktok"]),
        ("Rayons X : l'hôpital s'équipe", "", []),
        ("La députée porte plainte contre X", "", []),
        ("L'X et HEC lancent un master", "", []),
        ("X, Y, Z : comment les générations s'informent", "", []),
        ("Tesla Model X recall", "", []),
        ("X-ray vision for city budgets", "", []),
        ("Le département du Nord quitte X", "", ["x"]),
        ("X (ex-Twitter) supprime le blocage", "", ["x"]),
        ("L'ex-Twitter perd des annonceurs", "", ["x"]),
        ("Reply threads are the new newsletters", "", []),
        ("Threads passes 200 million monthly actives", "", ["threads"]),
        ("Meta launches Threads in the European Union", "", ["threads"]),
        ("Un signal fort envoyé aux collectivités", "", []),
        ("Les signaux faibles du numérique public", "", []),
        ("Signal d'alarme sur la santé mentale", "", []),
        ("La messagerie Signal menace de quitter la Suède", "", ["signal"]),
        ("Strong Signal For Public Broadcasters", "", []),
        ("Le mastodonte chinois affiche des revenus records", "", []),
        ("Mastodon 4.3 brings notification grouping", "", ["mastodon"]),
        ("Le groupe de metal Mastodon en concert", "Nouvel album.", []),
        ("Meta supprime 2 000 postes", "", []),
        ("Meta condamné à une amende", "La sanction vise Facebook.", ["facebook"]),
        ("Snap to lay off 10% of staff", "The Snapchat maker restructures.", ["snapchat"]),
        ("Snap election called in Japan", "", []),
        ("Oh snap: the best photo apps", "", []),
        ("Discord in the coalition over budget cuts", "", []),
        ("Stocks twitch higher", "", []),
        ("Suivez le conseil municipal en direct", "Retrouvez-nous sur Facebook et Instagram.", []),
        ("Instant gagnant à la médiathèque", "", []),
        ("Insta360 launches a new camera", "", []),
        ("Flashes, a Bluesky-based photo app", "", ["bluesky"]),
        ("Twitter/X : fin des comptes gratuits", "", ["x"]),
    ],
)
def test_platform_mentions_avoid_the_traps(title: str, summary: str, platforms: list[str]) -> None:
    assert sorted(analyse(title, summary).platforms) == sorted(platforms)


def test_a_source_bound_to_a_platform_attributes_its_entries() -> None:
    analysis = analyse("Nouveauté : les listes arrivent sur le web", bound_platform="bluesky")
    assert analysis.platforms == ["bluesky"]


def test_user_catalogue_finds_a_platform_added_by_the_city() -> None:
    catalogue = {"noplace": ("Noplace",), "x": ("X", "Twitter")}
    assert analyse("Noplace dépasse 2 millions d'inscrits", catalogue=catalogue).platforms == [
        "noplace"
    ]


@pytest.mark.parametrize(
    ("title", "value", "unit"),
    [
        ("Bluesky revendique 30 millions d'utilisateurs", 30e6, "users"),
        ("WhatsApp dépasse 1,5 milliard d'utilisateurs", 1.5e9, "users"),
        ("Threads reaches 275 million monthly active users", 275e6, "mau"),
        ("Bluesky tops 2.7M downloads in a week", 2.7e6, "downloads"),
        ("Pixelfed atteint 500 000 inscrits", 5e5, "accounts"),
        ("Pixelfed atteint 500\u202f000 inscrits", 5e5, "accounts"),
        ("Lemon8 revendique 1\u00a0200\u00a0000 téléchargements", 1.2e6, "downloads"),
        ("Snapchat compte 27 millions d'utilisateurs quotidiens", 27e6, "dau"),
        ("YouTube compte 2,7 milliards d'utilisateurs mensuels", 2.7e9, "mau"),
        ("Reddit reports 108 million daily active uniques", 108e6, "dau"),
        ("Mastodon passes 10 million accounts", 10e6, "accounts"),
        ("PeerTube instances host 1,500,000 users", 1.5e6, "users"),
    ],
)
def test_milestone_figures_and_units(title: str, value: float, unit: str) -> None:
    analysis = analyse(title)
    assert analysis.kind == "milestone"
    assert analysis.value == pytest.approx(value, rel=0.01)
    assert analysis.unit == unit


@pytest.mark.parametrize(
    "title",
    [
        "Meta condamné à 1,2 milliard d'euros d'amende",
        "Snap to lay off 10% of staff",
        "X supprime 1,5 million de comptes de bots",
        "Fuite de données : 1,2 million de comptes Twitch exposés",
        "Bluesky lève 15 millions de dollars",
        "En 2026, 3 utilisateurs sur 4 consultent YouTube",
    ],
)
def test_money_percentages_and_damage_are_not_milestones(title: str) -> None:
    analysis = analyse(title)
    assert analysis.value is None
    assert analysis.kind != "milestone"


@pytest.mark.parametrize(
    ("text", "multiplier", "value"),
    [
        ("1,5", "milliard", 1.5e9),
        ("2.7", "M", 2.7e6),
        ("1,500", None, 1500.0),
        ("1.200.000", None, 1.2e6),
        ("500\u202f000", None, 5e5),
        ("2,500", "millions", 2.5e6),
        ("1,234.5", None, 1234.5),
        ("1.234,5", None, 1234.5),
    ],
)
def test_numbers_written_the_french_or_english_way(
    text: str, multiplier: str | None, value: float
) -> None:
    assert parse_number(text, multiplier) == pytest.approx(value)


def test_the_first_user_figure_wins_and_its_unit_is_local() -> None:
    figures = find_figures("20 millions d'utilisateurs, soit 3 millions de plus qu'en juin")
    assert [f.value for f in figures][:1] == [20e6]
    assert figures[0].unit == "users"


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("Bluesky lève 15 millions de dollars", "business"),
        ("Panne : Discord inaccessible une partie de la journée", "risk"),
        ("Google+ for consumers will shut down", "shutdown"),
        ("La ville de Lyon ouvre une chaîne WhatsApp", "adoption"),
        ("La messagerie Signal menace de quitter la Suède à cause d'une loi", "regulation"),
        ("TikTok launches TikTok Notes, a photo-sharing app", "launch"),
        ("Instagram déploie les publications programmées", "feature"),
        ("Les signaux faibles du numérique public", "other"),
    ],
)
def test_kinds(title: str, kind: str) -> None:
    assert analyse(title).kind == kind


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Le département du Nord quitte X et rejoint Bluesky", "fr"),
        ("Threads passes 200 million monthly actives", "en"),
        ("Pinterest atteint 500 millions d'utilisateurs mensuels", "fr"),
        ("Snap to lay off 10% of staff", "en"),
    ],
)
def test_language(text: str, language: str) -> None:
    assert detect_language(text) == language


def test_only_the_lede_of_a_long_summary_is_read() -> None:
    filler = "La commune publie son bilan annuel des usages numériques des habitants. " * 8
    analysis = analyse("Le bilan numérique de la ville", filler + "Voir aussi notre page Facebook.")
    assert analysis.platforms == []
    short = analyse("Le bilan numérique de la ville", "La ville arrive sur Instagram.")
    assert short.platforms == ["instagram"]
