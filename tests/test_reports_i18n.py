"""Both languages are complete: every string a template can ask for exists in French and English."""

from __future__ import annotations

import re
from datetime import date
from importlib import resources

import pytest

from criteria.serialise import REASONS
from reports.i18n import (
    MESSAGES,
    format_date,
    format_number,
    format_percent,
    format_signed,
    translator,
)
from watch.models import (
    DECISION_STATUSES,
    PLATFORM_STATUSES,
    SIGNAL_KINDS,
    VERDICTS_JOINED,
    VERDICTS_NEW,
)

TEMPLATES = ("report.html.j2", "report.md.j2")
LITERAL_KEY = re.compile(r"""\bt\(\s*['"]([a-z_.]+)['"]\s*[,)]""")
PREFIXED_KEY = re.compile(r"""\bt\(\s*['"]([a-z_]+\.)['"]\s*~""")


def _source(name: str) -> str:
    return resources.files("reports").joinpath(name).read_text(encoding="utf-8")


def _template(name: str) -> str:
    return _source(f"templates/{name}")


def test_french_and_english_have_the_same_keys() -> None:
    assert set(MESSAGES["fr"]) == set(MESSAGES["en"])


def test_every_template_key_exists_in_both_languages() -> None:
    used = set()
    for name in TEMPLATES:
        used |= set(LITERAL_KEY.findall(_template(name)))
    assert len(used) > 80
    for lang in ("fr", "en"):
        assert sorted(used - set(MESSAGES[lang])) == [], lang


def test_every_message_is_used_by_a_template_or_the_charts() -> None:
    text = "".join(_template(n) for n in TEMPLATES)
    # The code that asks for messages; i18n.py only after its catalogue, which defines them all.
    code = _source("charts.py") + _source("render.py") + _source("i18n.py").split("_MONTHS")[1]
    prefixes = set(PREFIXED_KEY.findall(text)) | set(re.findall(r'f"([a-z_]+\.)\{', code))
    unused = [
        key
        for key in MESSAGES["en"]
        if not any(key.startswith(p) for p in prefixes)
        and f"'{key}'" not in text
        and f'"{key}"' not in code
        and f'["{key}"]' not in code
    ]
    assert unused == []


@pytest.mark.parametrize(
    ("prefix", "names"),
    [
        ("verdict.", VERDICTS_NEW + VERDICTS_JOINED),
        ("status.", PLATFORM_STATUSES),
        ("kind.", SIGNAL_KINDS),
        ("decision_status.", DECISION_STATUSES),
        ("reason.", tuple(REASONS)),  # every reason the criteria engine can give
        ("confidence.", ("high", "medium", "low")),
        ("movement.", ("new", "up", "down", "same")),
        (
            "audience.",
            ("seniors", "adults", "youth", "students", "professionals", "families", "associations"),
        ),
    ],
)
def test_every_vocabulary_value_is_translated(prefix: str, names: tuple[str, ...]) -> None:
    for lang in ("fr", "en"):
        missing = [n for n in names if prefix + n not in MESSAGES[lang]]
        assert missing == [], (lang, prefix)


def test_every_default_criterion_is_translated() -> None:
    from criteria.profiles import load_profile

    profile = load_profile(None, None)
    for lang in ("fr", "en"):
        assert [c for c in profile.weights if f"criterion.{c}" not in MESSAGES[lang]] == []


def test_french_uses_the_vocabulary_of_public_communication() -> None:
    t = translator("fr")
    assert [t(f"verdict.{v}") for v in VERDICTS_NEW + VERDICTS_JOINED] == [
        "rejoindre", "expérimenter", "surveiller", "décliner", "conserver", "réduire", "quitter",
    ]  # fmt: skip
    french = " ".join(MESSAGES["fr"].values())
    for word in ("réseau social", "collectivité", "cible", "ligne éditoriale"):
        assert word in french


def test_an_unknown_dotted_key_reads_as_its_name_but_a_plain_one_fails() -> None:
    t = translator("en")
    assert t("criterion.local_press") == "local press"
    with pytest.raises(KeyError):
        t("no_such_message")


def test_locale_formats() -> None:
    assert format_date(date(2026, 11, 26), "fr") == "26 novembre 2026"
    assert format_date(date(2026, 8, 1), "en") == "1 August 2026"
    assert format_number(12345.67, "fr") == "12\u202f345,7"
    assert format_number(12345.67, "en") == "12,345.7"
    assert format_percent(0.725, "fr") == "72\u202f%"
    assert format_percent(None, "en") == "unknown"
    assert format_signed(-2.04, "en") == "−2.0"
    assert format_signed(3.0, "fr") == "+3,0"
