"""Which platforms an entry is about, from the catalogue's aliases, avoiding the usual traps.

A naive word-boundary matcher is fooled by words that are also platform names: "X" the letter
("génération X", "rayons X", "plainte contre X", "l'X"), "threads" and "signal" as common nouns
("reply threads", "un signal fort"), "snap" ("snap election"), "discord", "twitch". Names that
are ordinary words are therefore *ambiguous*: matched only in their capitalised form, and, when
the capital may just be the start of a sentence or Title Case, only with evidence that the
network is meant (a verb a headline uses for a company, a cue word such as "app", or the same
name unambiguously elsewhere in the entry). "Meta" is the company, not an alias of its apps.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

# Aliases that are also ordinary words, in some language Vigie reads.
AMBIGUOUS = {"x", "threads", "signal", "snap", "discord", "twitch", "telegram", "fb", "meta"}
# Ambiguous in a lowercase form only ("sowing discord", "a nervous twitch", "a telegram"): once
# capitalised they are the network, even at the start of a sentence, unless a common-noun
# construction follows.
SOFT = {"discord", "twitch", "telegram"}

# Words just before an "X" that make it the letter, not the network.
X_TRAPS_BEFORE = {
    "génération", "generation", "gen", "rayon", "rayons", "ray", "rays", "malcolm", "model",
    "modèle", "modele", "os", "contre", "classé", "classée", "classés", "film", "films", "projet",
    "project", "monsieur", "mr", "docteur", "dr", "axe", "axis", "pixel", "iphone", "windows",
    "mac", "jour", "facteur", "factor", "brigade", "planète", "planet", "opération", "operation",
    "agent", "madame", "mme", "sous", "kit", "type", "série", "series", "galaxy", "falcon",
    "space", "tesla", "chromosome", "pôle", "fois", "times", "plan", "format", "par", "fondé",
    "stade", "tome", "volume", "vol", "chapitre", "chapter", "partie", "part", "louis", "pie",
    "pape", "charles", "henri", "acte", "point", "formule", "version", "ix", "xx", "xxi",
    "l", "d", "dossier", "dossiers", "affaire", "x", "y", "z", "mission",
}  # fmt: skip
# Words just after an "X" that make it the letter (X fois, X Æ A-12, X et Y, X-ray...).
X_TRAPS_AFTER = {
    "fois", "times", "æ", "y", "z", "men", "marks", "files", "factor", "games",
    "ray", "rays", "box", "window", "%", "euros", "€", "millions", "milliards", "ans",
}  # fmt: skip
# Letters that read as a list of letters ("X, Y et Z").
LETTER_RUN = re.compile(r"\b[A-Z]\s*(?:,|et|and|ou|or|/)\s*[A-Z]\b")

# Determiners and adjectives that turn "Signal"/"Threads"/"Snap" into common nouns.
COMMON_NOUN_BEFORE = {
    "un", "une", "le", "la", "les", "ce", "cet", "cette", "du", "des", "au", "aux", "a", "an",
    "the", "this", "that", "these", "strong", "clear", "weak", "mixed", "warning", "fort",
    "faible", "premier", "first", "bon", "good", "bad", "reply", "comment", "email", "discussion",
    "conversation", "forum", "twitter", "long", "oh", "quel", "quelle", "mon", "ma", "my", "our",
    "their", "leurs", "nos", "notre", "votre", "his", "her", "its", "sowing", "sow", "sème",
    "semer", "in", "en", "of", "de", "sur", "on", "avec", "with",
}  # fmt: skip
COMMON_NOUN_AFTER = {
    "fort", "forte", "faible", "faibles", "d'alarme", "d'alerte", "of", "are", "were", "between",
    "strength", "boost", "booster", "processing", "traitement", "election", "elections",
    "judgment", "judgement", "decision", "verdict", "poll", "vote", "among", "within",
}  # fmt: skip
# Words that, right after a capitalised name, show a company or network is the subject.
SUBJECT_AFTER = {
    "lance", "launches", "launch", "déploie", "deploie", "rolls", "adds", "ajoute", "teste",
    "tests", "testing", "introduces", "annonce", "announces", "dépasse", "depasse", "passes",
    "atteint", "reaches", "hits", "tops", "compte", "revendique", "claims", "bans", "interdit",
    "supprime", "removes", "drops", "quitte", "is", "est", "will", "va", "to", "gets", "now",
    "can", "could", "has", "a", "had", "was", "sera", "permet", "lets", "allows", "offre",
    "offers", "propose", "franchit", "crosses", "surpasses", "s'ouvre", "ouvre", "opens",
    "rachète", "rachete", "buys", "acquires", "raises", "lève", "leve", "licencie", "cuts",
    "lays", "fined", "condamné", "condamne", "sanctionné", "sued", "poursuivi", "inaccessible",
    "down", "panne", "outage", "hit", "suffers", "subit", "change", "changes", "modifie",
    "updates", "met", "makes", "fait", "ferme", "closes", "shuts", "shutting", "arrête", "stops",
    "begins", "starts", "commence", "expands", "étend", "inc", "inc.", "corp", "app", "messenger",
    "foundation", "fondation", "users", "utilisateurs", "revenue", "ceo", "says", "said",
    "confirme", "confirms", "refuse", "refuses", "veut", "wants", "plans", "prévoit", "prepare",
    "prépare", "unveils", "dévoile", "publishes", "publie", "reveals", "révèle", "no", "ne", "n'",
    "also", "aussi", "finally", "enfin", "officially", "officiellement", "desktop", "web",
    "pour", "for", "map", "stories", "spotlight", "premium", "plus", "+", "business", "channels",
    "chaînes", "communities", "communautés", "nitro", "stream", "streamers", "streams",
    "creators", "créateurs", "account", "accounts", "comptes", "api", "data", "données",
    "débarque", "arrive", "president", "présidente", "président", "boss", "chief", "founder",
    "fondateur", "fondatrice", "team", "équipe", "founders", "s'installe",
}  # fmt: skip
# Words anywhere in the entry that show networks are the topic (so a capitalised ambiguous
# name at the start of a Title Case headline is probably one).
TOPIC_CUES = re.compile(
    r"\b(?:app|apps|application|applis?|messagerie|messaging|messenger|réseaux?\s+sociaux|"
    r"réseau\s+social|social\s+(?:network|media|app)|plateforme|platform|chiffr\w*|encrypt\w*|"
    r"utilisateurs|users|abonnés|followers|Meta|Zuckerberg|Musk|Elon|Instagram|Facebook|"
    r"WhatsApp|TikTok|Bluesky|Mastodon|streaming|streamers?|gaming|serveurs?|servers?|"
    r"Twitter|tweets?|posts?|publications?|fil|feed|compte|account|vidéos?|videos?)\b",
    re.IGNORECASE,
)
# Boilerplate in summaries ("Suivez-nous sur Facebook et Instagram") is not a mention.
BOILERPLATE = re.compile(
    r"(?:suivez[- ]nous|retrouvez[- ]nous|rejoignez[- ]nous|abonnez[- ]vous|partager?\s+sur|"
    r"follow\s+us|find\s+us|join\s+us|share\s+(?:this\s+)?on|the\s+post\s+.{0,80}\s+appeared\s+first)"
    r"[^.!?]{0,160}",
    re.IGNORECASE,
)
BOILERPLATE_HINT = re.compile(r"\b(?:nous|vous|us)\b|partag|share|appeared", re.IGNORECASE)
# Music bands and other things named like a network.
FOREIGN_CONTEXT = {
    "mastodon": re.compile(
        r"\b(?:album|band|groupe\s+de\s+metal|metal\s+band|tournée|tour\s+dates)\b", re.I
    ),
    "discord": re.compile(r"\bdiscord\s+(?:among|between|within|in\s+the)\b", re.I),
}
WORD = re.compile(r"[\w'’+.%€Ææ-]+")
# Prepositions that introduce a place, as in "sur Threads", "on Signal".
PLACE_WORDS = {"sur", "on", "de", "en", "in", "avec", "with", "twitter", "of"}
SENTENCE_END = re.compile(r"[.!?:;«»\"“”(\[]\s*$|^\s*$")


@dataclass(frozen=True)
class Alias:
    slug: str
    text: str
    ambiguous: bool


@dataclass(frozen=True)
class Matcher:
    """Compiled aliases of a catalogue: one regex, longest alias first."""

    pattern: re.Pattern[str]
    aliases: Mapping[str, Alias]

    def find(self, text: str) -> Iterable[tuple[Alias, int, int]]:
        for match in self.pattern.finditer(text):
            alias = self.aliases.get(match.group(0).lower())
            if alias is None:  # a case-sensitive group matched: look up exact
                alias = self.aliases.get(match.group(0))
            if alias is not None:
                yield alias, match.start(), match.end()


def compile_catalogue(catalogue: Mapping[str, Iterable[str]]) -> Matcher:
    """Build the matcher for ``{slug: aliases}`` (the name is expected among the aliases)."""
    return _compile(tuple(sorted((slug, tuple(sorted(set(a)))) for slug, a in catalogue.items())))


@lru_cache(maxsize=32)
def _compile(items: tuple[tuple[str, tuple[str, ...]], ...]) -> Matcher:
    aliases: dict[str, Alias] = {}
    exact: list[str] = []
    loose: list[str] = []
    for slug, names in items:
        for name in names:
            name = name.strip()
            if not name:
                continue
            ambiguous = name.lower() in AMBIGUOUS or len(name) <= 2
            if ambiguous:
                aliases[name] = Alias(slug, name, True)
                exact.append(name)
            else:
                aliases[name.lower()] = Alias(slug, name, False)
                loose.append(name)

    def alternatives(names: list[str]) -> str:
        return "|".join(re.escape(n) for n in sorted(set(names), key=len, reverse=True))

    parts = []
    if loose:
        parts.append(f"(?i:{alternatives(loose)})")
    if exact:
        parts.append(f"(?-i:{alternatives(exact)})")
    body = "|".join(parts) or r"(?!x)x"
    pattern = re.compile(rf"(?<![\w@])(?:{body})(?![\w]|’\w)")
    return Matcher(pattern, aliases)


def _previous_word(text: str, start: int) -> str:
    words = WORD.findall(text[max(0, start - 40) : start])
    return words[-1].lower().strip("'’") if words else ""


def _next_word(text: str, end: int) -> str:
    words = WORD.findall(text[end : end + 40])
    return words[0].lower() if words else ""


def _at_sentence_start(text: str, start: int) -> bool:
    return bool(SENTENCE_END.search(text[max(0, start - 3) : start]))


def is_title_case(text: str) -> bool:
    """English headlines often capitalise every word, which hides common nouns."""
    words = [w for w in re.findall(r"[A-Za-zÀ-ÿ]+", text) if len(w) > 3]
    if len(words) < 4:
        return False
    capitalised = sum(1 for w in words if w[0].isupper())
    return capitalised / len(words) >= 0.7


def _x_is_letter(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 2) : start]
    if before.endswith(("'", "’")) or re.search(r"[-.]$", before):
        return True  # l'X (the école), -X, .X
    if _previous_word(text, start) in X_TRAPS_BEFORE:
        return True
    following = text[end : end + 3]
    if re.match(r"\s?\d", following) or following.startswith(("²", "³", "-")):
        return True
    if _next_word(text, end) in X_TRAPS_AFTER:
        return True
    window = text[max(0, start - 6) : end + 6]
    return bool(LETTER_RUN.search(window))


def _common_noun(
    alias: Alias, text: str, start: int, end: int, title_case: bool, entry: str
) -> bool:
    """Whether a capitalised ambiguous alias is more likely an ordinary word here."""
    if alias.slug == "x" and alias.text == "X":
        return _x_is_letter(text, start, end)
    previous, following = _previous_word(text, start), _next_word(text, end)
    if title_case and previous in COMMON_NOUN_BEFORE and previous not in PLACE_WORDS:
        return True  # "Reply Threads Are...", "Strong Signal For..."
    if following in COMMON_NOUN_AFTER:
        return True
    if text[end : end + 2] in ("'s", "’s") or following in SUBJECT_AFTER:
        return False
    if re.match(r"\s*:", text[end:]):  # "Threads : 100 millions d'inscrits"
        return False
    if alias.text.lower() in SOFT:
        return False
    if not (_at_sentence_start(text, start) or title_case):
        return False  # a capital in the middle of a sentence is a proper noun
    return not TOPIC_CUES.search(entry)


def mentions(title: str, summary: str, matcher: Matcher) -> list[str]:
    """Slugs mentioned as subjects in the title or summary, in order of first mention."""
    found: dict[str, None] = {}
    strong: set[str] = set()
    candidates: list[tuple[Alias, str, int, int, bool]] = []
    summary = summary or ""
    if BOILERPLATE_HINT.search(summary):
        summary = BOILERPLATE.sub(" ", summary)
    entry = f"{title or ''} {summary}"
    for text in (title or "", summary):
        title_case = text is title and is_title_case(text)
        for alias, start, end in matcher.find(text):
            candidates.append((alias, text, start, end, title_case))
            if not alias.ambiguous:
                strong.add(alias.slug)
    for alias, text, start, end, title_case in candidates:
        foreign = FOREIGN_CONTEXT.get(alias.slug)
        if foreign is not None and foreign.search(text):
            continue
        ambiguous = alias.ambiguous and alias.slug not in strong
        if ambiguous and _common_noun(alias, text, start, end, title_case, entry):
            continue
        found.setdefault(alias.slug, None)
    return list(found)
