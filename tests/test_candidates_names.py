"""Candidate name extraction: the cues that present a name as a network, and the decoys."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import shared_path
from watch.catalogue import platform_entries
from watch.emergence_names import Exclusions, clean_text, find_mentions, is_all_caps, name_key


def _catalogue_exclusions(*extra: str) -> Exclusions:
    names: list[str] = list(extra)
    owners: list[str] = []
    for entry in platform_entries():
        names += [entry.slug, entry.name, *entry.aliases]
        owners.append(entry.owner or "")
    return Exclusions.build(names, owners)


EXCLUDED = _catalogue_exclusions()


def names(title: str, summary: str = "", exclusions: Exclusions = EXCLUDED) -> dict[str, float]:
    return {m.name: m.strength for m in find_mentions(title, summary, exclusions)}


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Noplace, le nouveau réseau social qui séduit les ados", "Noplace"),
        ("Spill, the Black-owned Twitter alternative, opens to everyone", "Spill"),
        ("Looking for an X alternative? Try a decentralised network called Pinksky", "Pinksky"),
        ("Koo, India's Twitter rival, shuts down", "Koo"),
        (
            "Des milliers d'utilisateurs quittent X pour UpScrolled, jeune réseau social",
            "UpScrolled",
        ),
        ("Reddit rival Squabbles closes after two years", "Squabbles"),
        ("The social app Sez wants to fix group chats for Gen Z", "Sez"),
        ("Kick, le concurrent de Twitch, attire les streamers", "Kick"),
        ("Qu'est-ce que Spoutible, le réseau social qui veut remplacer X ?", "Spoutible"),
        ("Fanbase raises $4 million to build a social network for creators", "Fanbase"),
        ("Hive Social, the Twitter alternative, shuts down", "Hive Social"),
    ],
)
def test_strong_cues_find_the_network(title: str, expected: str) -> None:
    found = names(title)
    assert found.get(expected, 0.0) >= 0.8, found


def test_app_cue_counts_only_with_social_context() -> None:
    social = names(
        "L'application Clapper dépasse 1 million de téléchargements",
        "Ce réseau social vidéo vise les plus de 30 ans.",
    )
    bare = names("Apple présente une nouvelle application Journal", "Plus de confidentialité.")
    assert social["Clapper"] >= 0.8
    assert bare.get("Journal", 0.0) < 0.5


def test_possessive_app_after_a_known_platform() -> None:
    found = names("Bluesky's Skylight app adds video editing tools", "The TikTok alternative.")
    assert set(found) == {"Skylight"}


@pytest.mark.parametrize(
    ("title", "summary"),
    [
        ("Meta launches Edits, a video editing app to rival CapCut", "Templates for Reels."),
        ("ChatGPT dépasse 800 millions d'utilisateurs hebdomadaires", "OpenAI accélère."),
        ("Elon Musk says X will launch payments in the US", "The ex-Twitter owner."),
        ("La ville de Lyon quitte X et rejoint Bluesky", "Comme Strasbourg."),
        ("Threads dépasse 300 millions d'utilisateurs actifs mensuels", "Le réseau de Meta."),
        ("Emmanuel Macron dépasse 5 millions d'abonnés sur TikTok", "Des vidéos courtes."),
        ("Vinted, l'application de seconde main, dépasse 100 millions de membres", "Revente."),
        ("TikTok Notes : l'application photo de TikTok ferme ses portes", "Un échec."),
        ("X (ex-Twitter) loses more advertisers in Europe", "Brands cite safety."),
        ("Qu'est-ce que Pixelfed, l'alternative à Instagram ?", "Le réseau du fédivers."),
        ("Panne de Signal dans toute l'Europe", "La messagerie chiffrée était inaccessible."),
        ("Le Figaro quitte X, après Ouest-France et Le Monde", "Les médias partent."),
        ("Perplexity launches Comet, an AI browser", "For Windows and Mac."),
        ("Google lance Gemini 3 dans toutes ses applications", "Sur Android."),
        (
            "Snap Inc. annonce des lunettes Spectacles",
            "Evan Spiegel mise sur la réalité augmentée.",
        ),
        ("WhatsApp Channels now have 1 billion monthly users", "A broadcast feature."),
    ],
)
def test_decoys_are_not_candidates(title: str, summary: str) -> None:
    assert names(title, summary) == {}


def test_user_added_platform_is_excluded_like_the_catalogue() -> None:
    title = "Noplace, le nouveau réseau social qui séduit les ados"
    with_noplace = _catalogue_exclusions("Noplace", "noplace")
    assert names(title) == {"Noplace": 1.0}
    assert names(title, exclusions=with_noplace) == {}


def test_all_caps_headline_is_read_with_cues_only() -> None:
    title = "LOCKET, L'APPLICATION QUI AFFICHE LES PHOTOS DE VOS AMIS, DÉPASSE 80 MILLIONS"
    assert is_all_caps(title)
    found = find_mentions(title, "Le widget social cartonne.", EXCLUDED)
    assert [(m.name, m.key) for m in found] == [("Locket", "locket")]


def test_emoji_and_punctuation_do_not_stick_to_names() -> None:
    found = names("🔥 Saturn™, the calendar social app for high schoolers, raises $12M!!!")
    assert found == {"Saturn": 1.0}
    assert clean_text("Noplace\u200d🚀\x00 !") == "Noplace !"


def test_name_key_folds_case_accents_and_punctuation() -> None:
    assert name_key("NOPLACE") == name_key("noplace") == name_key("Noplace!") == "noplace"
    assert name_key("Friend.tech") == "friendtech"
    assert name_key("Mammouth Éducation") == "mammoutheducation"


@pytest.mark.parametrize("text", ["", "   ", "!!!", "🔥🔥🔥", "12345", "A" * 5000])
def test_degenerate_text_never_crashes(text: str) -> None:
    assert find_mentions(text, text, EXCLUDED) == []


@pytest.mark.parametrize(
    ("title", "summary", "expected"),
    [
        ("Gen Z is flocking to Lapse, Locket and other photo apps", "Friends only.",
         {"Lapse", "Locket"}),
        ("Pillowfort and Cohost: the small social networks that tried", "", {"Pillowfort", "Cohost"}),
        ("Un nouveau réseau social local, Parvis, séduit les associations", "", {"Parvis"}),
        ("L'application mobile Noplace arrive en France", "Le réseau social des ados.", {"Noplace"}),
        ("Parvis revendique 300 000 utilisateurs", "Le réseau de quartier s'étend.", {"Parvis"}),
    ],
)  # fmt: skip
def test_enumerations_modifiers_and_confirmations(
    title: str, summary: str, expected: set[str]
) -> None:
    found = names(title, summary)
    assert set(found) == expected
    assert min(found.values()) >= 0.5


@pytest.mark.parametrize(
    ("title", "summary"),
    [
        ("Harcèlement en ligne : Snapchat mis en cause", "La plateforme est critiquée."),
        ("Small refactor of app.js", "Cleanup."),
        ("Black screen on install", "Tried switching boot from BIOS to UEFI, to no avail."),
        ("noplace : le réseau social façon MySpace arrive sur Android", "L'application grimpe."),
        ("Why Gen Alpha loves Roblox more than Instagram", "The gaming platform is social."),
        ("Instagram launches a dedicated Reels app in Europe", "A standalone video app."),
        ("Bump, the friend map app from Zenly's founders", "The social network for teens."),
    ],
)
def test_topics_files_and_comparisons_are_not_names(title: str, summary: str) -> None:
    found = names(title, summary)
    assert not {"Harcèlement", "Small", "UEFI", "MySpace", "Alpha", "Reels", "Zenly"} & set(found)


def test_real_captured_feeds_name_no_candidate() -> None:
    """Real feeds (Mastodon, GitHub, Reddit, YouTube...) and the shared labelled headlines:
    none presents a network outside the catalogue, so nothing may come out."""
    import json

    import feedparser

    from watch.textclean import plain_text

    corpus = shared_path("corpus", "real")
    texts = [
        (row["title"], row["summary"])
        for row in map(
            json.loads, shared_path("data", "signals-dev.jsonl").read_text().splitlines()
        )
    ]
    for path in sorted(corpus.rglob("*")):
        if path.suffix in (".xml", ".rss", ".atom"):
            parsed = feedparser.parse(path.read_bytes())
            texts += [
                (plain_text(e.get("title")), plain_text(e.get("summary"))) for e in parsed.entries
            ]
    assert len(texts) > 50
    found = {m.name for title, summary in texts for m in find_mentions(title, summary, EXCLUDED)}
    assert found == set()


@settings(max_examples=300, deadline=None)
@given(
    st.text(max_size=200),
    st.text(alphabet=st.sampled_from(list("Nnoplace, réseau social app  🔥!É.'-:")), max_size=80),
)
def test_any_text_gives_clean_names_or_nothing(noise: str, cue_soup: str) -> None:
    """Whatever a feed sends: no crash, and every name is a clean, keyed word run."""
    for title, summary in ((noise, cue_soup), (cue_soup, noise), (cue_soup.upper(), "")):
        for mention in find_mentions(title, summary, EXCLUDED):
            assert mention.key == name_key(mention.name) != ""
            assert mention.name == mention.name.strip()
            assert all(c.isalnum() or c in " .-+&" for c in mention.name)
            assert 0.0 < mention.strength <= 1.0


@pytest.mark.parametrize(
    ("title", "summary", "expected"),
    [
        ("« Noplace », le réseau social qui monte", "", "Noplace"),
        ('"Noplace", the social app for teens', "", "Noplace"),
        ("Le réseau social « Noplace » séduit", "", "Noplace"),
        ("Ello revient : le réseau social des créatifs relancé", "Fermé en 2023.", "Ello"),
        ("ZEPETO LANCE SA VERSION FRANÇAISE", "Le métavers social coréen vise les collégiens.",
         "Zepeto"),
        ("Why I left X for Bluesky, and then for Nostr", "Decentralised social media.", "Nostr"),
        ("Nextdoor rival Front Porch Forum expands", "The neighborhood forum is social.",
         "Front Porch Forum"),
        ("Social network for nurses Nurse.com raises Series B", "", "Nurse.com"),
        ("Les jeunes désertent Facebook", "Vers TikTok et de nouveaux venus comme Wizz.", "Wizz"),
        ("Pourquoi tout le monde parle de Swarm", "Le réseau social de géolocalisation revient.",
         "Swarm"),
    ],
)  # fmt: skip
def test_quotes_title_colons_shouting_and_indirect_cues(
    title: str, summary: str, expected: str
) -> None:
    assert expected in names(title, summary)


@pytest.mark.parametrize(
    ("title", "summary"),
    [
        ("Fintech startup Ramp raises $500M", "The corporate card company keeps growing."),
        (
            "Bitwarden lance une application de messagerie chiffrée",
            "Un gestionnaire de mots de passe.",
        ),
        ("Kinnu, the learning app, raises $6M", "Bite-sized lessons."),
        ("Le Slip Français lance sa propre appli", "Pour fidéliser ses clients."),
        ("Crypto social app Lens raises $30M", "Decentralised social apps."),
        ("Snap launches a standalone Snapchat app for Apple Watch", "Reply from the wrist."),
        ("Noplace, the social app for Gen Z", ""),
    ],
)
def test_makers_startups_and_descriptions_are_not_networks(title: str, summary: str) -> None:
    assert not {"Ramp", "Bitwarden", "Kinnu", "Slip Français", "Crypto", "Watch", "Z"} & set(
        names(title, summary)
    )


def test_the_issue_milestone_example_is_enough_alone() -> None:
    """ "l'application ... dépasse 1 million de téléchargements", with nothing social around:
    two cues agreeing (an app, a milestone) make it a listed candidate (>= 0.3)."""
    found = names("L'application Tandem dépasse 1 million de téléchargements", "Un succès.")
    assert found.get("Tandem", 0.0) >= 0.3
