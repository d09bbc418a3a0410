"""Milestone figures: "30 millions d'utilisateurs", "1,5 milliard", "2.7M", "500 000 inscrits".

A figure counts when a user-like unit follows it closely (users, monthly or daily actives,
downloads, accounts); money ("1,2 milliard d'euros"), percentages and years do not. French and
English number writing differ: "1,5" is one and a half in French and "1,500" is fifteen hundred
in English; thousands may be split by spaces, no-break spaces or narrow no-break spaces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SEP = r"[ \u00a0\u202f\u2009.,’']"
NUMBER = rf"(?P<num>\d{{1,3}}(?:{SEP}\d{{3}})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)"
MULTIPLIERS = {
    "k": 1e3, "mille": 1e3, "thousand": 1e3,
    "m": 1e6, "million": 1e6, "millions": 1e6, "mn": 1e6, "mio": 1e6,
    "md": 1e9, "mds": 1e9, "mrd": 1e9, "milliard": 1e9, "milliards": 1e9, "billion": 1e9,
    "billions": 1e9, "bn": 1e9, "b": 1e9,
}  # fmt: skip
MULTIPLIER = r"(?:\s*(?P<mult>(?i:millions?|milliards?|billions?|thousand|mille|mds|mrd|mio|mn|bn|md)\b|[kKMB]\b))?"
FIGURE = re.compile(
    rf"(?<![\w.,])(?:plus\s+de\s+|over\s+|more\s+than\s+|près\s+de\s+|nearly\s+|~)?{NUMBER}{MULTIPLIER}"
)
MONEY = re.compile(
    r"^\s*(?:de\s+|d['’]\s*|of\s+)?(?:€|\$|£|euros?|dollars?|usd|eur|livres|pounds|%|pour\s*cent|percent|"
    r"ans\b|years?\b|mois\b|months?\b|jours?\b|days?\b|heures?\b|hours?\b|km|kg|go\b|gb\b|to\b|tb\b)",
    re.IGNORECASE,
)
MONEY_BEFORE = re.compile(r"(?:€|\$|£|US\$|USD|EUR)\s*$")
# Unit words, searched in the few words after the figure.
DAU = re.compile(
    r"\b(?:daily\s+active|dau\b|quotidien\w*|par\s+jour|chaque\s+jour|each\s+day|a\s+day|per\s+day|"
    r"actifs?\s+quotidien\w*)",
    re.IGNORECASE,
)
MAU = re.compile(
    r"\b(?:monthly\s+active|monthly\s+users|monthly|mau\b|mensuel\w*|par\s+mois|chaque\s+mois|"
    r"each\s+month|a\s+month|per\s+month|actifs?\s+mensuel\w*)",
    re.IGNORECASE,
)
DOWNLOADS = re.compile(
    r"\b(?:téléchargements?|telechargements?|downloads?|installs?|installations?)\b", re.I
)
ACCOUNTS = re.compile(
    r"\b(?:inscrits?|inscriptions?|comptes?|accounts?|abonnés|abonnes|subscribers?|sign-?ups?|"
    r"registered|enregistrés)\b",
    re.IGNORECASE,
)
USERS = re.compile(
    r"\b(?:utilisateur\w*|usagers?|users?|people|personnes|membres?|members?|actives|actifs|"
    r"mau|dau|internautes|fans|joueurs|players|visiteurs|visitors|créateurs|creators)\b",
    re.IGNORECASE,
)
UNIT_WINDOW = 48  # characters after the figure where the unit must appear
# A figure of accounts removed, leaked or hit is the size of a problem, not a milestone.
DAMAGE_BEFORE = re.compile(
    r"(?:supprim\w*|removes?|removed|deletes?|deleted|bann\w*|suspend\w*|ferme\w*|closes?|bloqu\w*|"
    r"blocks?|blocked|fuite|leak\w*|vol\b|stole\w*|expos\w*|pirat\w*|hack\w*|affect\w*|touch\w*|"
    r"victimes?|victims?|amendes?|fines?|fined|purge\w*|efface\w*|wipes?)"
    r"\s+(?:\w+\s+){0,2}$",
    re.IGNORECASE,
)
DAMAGE_AFTER = re.compile(
    r"\b(?:exposé\w*|exposed|piraté\w*|hacked|supprimé\w*|deleted|removed|banni\w*|banned|"
    r"suspendu\w*|suspended|compromi\w+|leaked|stolen|volé\w*|bots?|fake|faux|frauduleu\w+|affected|"
    r"touché\w*|concerné\w*)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Figure:
    value: float
    unit: str
    text: str


def parse_number(text: str, multiplier: str | None) -> float | None:
    """The value of a written number, French or English."""
    raw = re.sub(r"[ \u00a0\u202f\u2009’']", "", text)
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", raw):
        # "1,500", "1.200.000": thousands separators, except "2,500 millions" (one separator
        # and a multiplier), which is a decimal in either language.
        single = len(re.findall(r"[.,]", raw)) == 1
        raw = raw.replace(",", ".") if multiplier and single else re.sub(r"[.,]", "", raw)
    elif re.fullmatch(r"\d{1,3}(?:,\d{3})+\.\d+", raw):
        raw = raw.replace(",", "")
    elif re.fullmatch(r"\d{1,3}(?:\.\d{3})+,\d+", raw):
        raw = raw.replace(".", "").replace(",", ".")
    else:
        raw = raw.replace(",", ".")
    try:
        value = float(raw)
    except ValueError:
        return None
    if multiplier:
        value *= MULTIPLIERS.get(multiplier.lower(), 1.0)
    return value


def _unit(after: str) -> str | None:
    window = after[:UNIT_WINDOW]
    # Stop at the end of the clause: "20 millions, soit 3 % des utilisateurs" is not a unit.
    window = re.split(r"[;:!?()]|\.\s|,\s", window)[0]
    if DOWNLOADS.search(window):
        return "downloads"
    if DAU.search(window):
        return "dau"
    if MAU.search(window):
        return "mau"
    if ACCOUNTS.search(window):
        return "accounts"
    if USERS.search(window):
        return "users"
    return None


def find_figures(text: str) -> list[Figure]:
    """Every user-like figure in ``text``, in order."""
    found = []
    for match in FIGURE.finditer(text or ""):
        after = text[match.end() :]
        if MONEY.match(after) or MONEY_BEFORE.search(text[: match.start()]):
            continue
        multiplier = match.group("mult")
        value = parse_number(match.group("num"), multiplier)
        if value is None:
            continue
        unit = _unit(after)
        if unit is None:
            continue
        if DAMAGE_BEFORE.search(text[max(0, match.start() - 40) : match.start()]):
            continue
        if DAMAGE_AFTER.search(after[:UNIT_WINDOW]):
            continue
        if value < 1000 and not multiplier:
            continue  # "3 utilisateurs sur 4", "10 users": not a milestone
        if not multiplier and re.fullmatch(r"(?:19|20)\d\d", match.group("num")):
            continue  # a year
        found.append(Figure(value=value, unit=unit, text=match.group(0).strip()))
    return found


def bare_figure(text: str) -> Figure | None:
    """A large figure with a multiplier but no unit ("Threads passes 150 million"): users."""
    for match in FIGURE.finditer(text or ""):
        multiplier = match.group("mult")
        if not multiplier:
            continue
        after = text[match.end() :]
        if MONEY.match(after) or MONEY_BEFORE.search(text[: match.start()]):
            continue
        value = parse_number(match.group("num"), multiplier)
        if value is not None and value >= 1e5:
            return Figure(value=value, unit="users", text=match.group(0).strip())
    return None
