"""The patterns that present a name as a network, in French and English, and their strengths.

Each pattern finds a *cue*; the name is read next to it (:mod:`watch.emergence_text`):

- ``APPOSITION``: "Noplace, le nouveau réseau social", "Spill, the Black-owned Twitter
  alternative", "Fanbase raises $4M to build a social network" (name on the left)
- ``CUE_BEFORE``: "l'application Clapper", "a network called Pinksky", "Twitter rival Koo",
  "un nouveau réseau social local, Parvis, ..." (name on the right)
- ``CUE_AFTER``: "Bluesky's Flashes photo app" (name on the left)
- ``MIGRATION``: "quittent X pour UpScrolled", "leaving Instagram for Cara" (name on the right)
- ``MILESTONE`` and ``CHART``: "Skylight dépasse 1 million d'utilisateurs", "UpScrolled tops the
  App Store" (the subject, on the left)
- ``ANAPHORA``: a summary opening "Le réseau social..." / "The app..." (the title's subject)
- ``EXAMPLES``: "de nouveaux venus comme Wizz"; ``INSTEAD_OF``: "sur Nextdoor plutôt que sur
  Facebook"; ``LIKE_A_PLATFORM``: "Sora, le TikTok de l'IA"; ``SOCIAL_FUNCTION``: "Favs lets
  friends share lists"; and names listed in a row with a known network ("Mastodon, Pixelfed,
  Loops")

Cue words are matched case-insensitively; where a name may start is case-sensitive
(``NAME_START``), so that "l'application mobile Noplace" skips "mobile".
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from watch import emergence_lexicon as lex

# Mention strengths: how clearly the text says "this is a social network".
STRONG = 1.0  # "réseau social", "social app", "alternative to <known network>"
MIGRATION = 0.8  # users leaving a known network for it
ANAPHORA_STRONG = 0.8  # the summary's "Le réseau social..." about the title's subject
WEAK_STRONG_CONTEXT = 0.8  # "app"/"platform", with "social network" or "alternative" around
WEAK_SOCIAL_CONTEXT = 0.5  # "app"/"platform", with social words or a known network around
WEAK_ALONE = 0.2  # "app"/"platform" and nothing else


def alternation(phrases: Iterable[str]) -> str:
    """A regex alternation, longest phrase first, any whitespace between words."""
    ordered = sorted(set(phrases), key=len, reverse=True)
    return "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in ordered)


_STRONG_NOUNS = alternation(lex.STRONG_NOUNS_FR + lex.STRONG_NOUNS_EN)
_WEAK_NOUNS = alternation(lex.WEAK_NOUNS_FR + lex.WEAK_NOUNS_EN)
STRONG_NOUN_SET = frozenset(
    re.sub(r"\s+", " ", n.casefold()) for n in lex.STRONG_NOUNS_FR + lex.STRONG_NOUNS_EN
)
RIVAL_NOUNS = lex.words(
    "alternative concurrent concurrente rival competitor clone alternatives concurrents rivaux "
    "rivals competitors clones answer réponse"
)
BARE_NETWORK = lex.words("réseau network networks")
FUNCTION_WORDS = lex.words(
    "that which who qui que qu to for pour of de du des with avec is est has a have was by par "
    "and et or ou on sur in dans au aux le la les l un une son sa ses leur leurs the an its "
    "their this ce cette cet"
)
SUBJECT_LEADS = lex.words("the le la l' l app appli application platform plateforme réseau network")

_POSSESSOR = r"(?-i:[A-ZÀ-Ö][\w\-]*(?:\s+[A-ZÀ-Ö][\w\-]*)?)'s\s+"
_DET = r"(?:(?:le|la|les|un|une|son|sa|ses|leur|ce|cet|cette|the|a|an|its|their|this)\s+|l'|d')"
_MODS = r"(?P<mods>(?:[\w'\-]+\s+){0,3}?)"
_NOUN = rf"\b(?P<noun>{_STRONG_NOUNS}|{_WEAK_NOUNS})\b"
# Where a name can start: a capital or a digit ("Noplace", "01"), or camel case ("eBay").
NAME_START = r"(?-i:(?=[A-ZÀ-ÖØ-Þ0-9]|[a-zà-öø-ÿ]+[A-Z]))"

_PREDICATES = (
    r"est|is|was|devient|becomes|shuts\s+down|ferme|"
    r"closes|relaunches\s+as|returns\s+as|revient\s+en\s+tant\s+que|rebrands\s+as|"
    r"pivots\s+to|wants\s+to\s+be|veut\s+devenir|veut\s+être|se\s+veut|se\s+rêve\s+en|"
    r"(?:raises|lève)[^.;!?]{0,30}?(?:to\s+build|pour\s+(?:créer|construire|développer|bâtir))"
)
APPOSITION = re.compile(
    rf"(?:\s*[,:(]\s*|\s+[-–—]\s+|\s+(?P<verb>{_PREDICATES})\s+){_DET}?{_MODS}{_NOUN}",
    re.IGNORECASE,
)
CUE_BEFORE = re.compile(
    rf"{_NOUN}(?P<mods>(?:\s+[\w\-]+){{0,2}}?)(?P<purpose>\s+(?:for|pour)\s+(?-i:[a-zà-öø-ÿ][\w\-]*))?"
    r"(?P<sep>'?\s*[,:])?\s+"
    rf"(?:(?:called|named|dubbed|baptisée?|appelée?|nommée?|intitulée?)\s+)?\"?\s*{NAME_START}",
    re.IGNORECASE,
)
CUE_AFTER = re.compile(
    r"\s+(?P<mods>(?:[a-z][a-z\-]*\s+){0,2}?)(?P<noun>social\s+network|social\s+app|app|appli)\b"
    r"(?!\s*[Ss]tore|[.\-]\w)"
)
MIGRATION_CUE = re.compile(
    r"\b(?:quitt\w*|leav\w*|left|fle[ed]\w*|ditch\w*|abandon\w*|délaiss\w*|migr\w*|exode|"
    r"exodus|flock\w*|se\s+ruent|rush\w*|switch\w*|déménag\w*|fui\w*|fuy\w*|delet\w*|"
    r"mov(?:e|es|ed|ing)|head(?:s|ed|ing)|bascul\w*|pass(?:ent|er)\s+de)\b"
    rf"(?P<between>[^.;!?]{{0,60}}?)\b(?:pour|vers|for|to|au\s+profit\s+de|in\s+favou?r\s+of)"
    rf"\s+\"?{NAME_START}",
    re.IGNORECASE,
)
MILESTONE = re.compile(
    r"\s+(?:dépasse|franchit|atteint|revendique|passe|compte|cumule|hits|tops|passes|"
    r"surpasses|reaches|crosses|nears|approaches|now\s+has|has|claims|gains|gagne|attire|"
    r"attracts)\s+(?:la\s+barre\s+des?\s+|les?\s+|the\s+|more\s+than\s+|plus\s+de\s+|"
    r"over\s+)?\d[\d\s,.]*\s*(?:millions?|milliards?|billions?|k|m|000)?\s*(?:de\s+|d')?"
    r"(?:[\w\-]+\s+){0,2}?(?P<unit>utilisateurs|téléchargements|inscrits|abonnés|membres|"
    r"comptes|users|downloads|sign-?ups|members|accounts|followers|installs)",
    re.IGNORECASE,
)
FURTHER_TARGET = re.compile(rf"\b(?:pour|vers|for|to)\s+\"?{NAME_START}", re.IGNORECASE)
CLAUSE_END = re.compile(r"[.;!?]")
# "les habitants échangent sur Nextdoor plutôt que sur Facebook": preferred to a known network.
INSTEAD_OF = re.compile(
    r"\s+(?:plutôt\s+que|au\s+lieu\s+de|rather\s+than|instead\s+of)\s+(?:sur\s+|on\s+|de\s+|d')?"
    r"(?P<platform>[\w\-]+)",
    re.IGNORECASE,
)
# Names in a row: "Signal, Olvid, Threema, Tchap et Geneva", "Mastodon, Pixelfed, Loops".
LIST_LINK = re.compile(r"\s*,\s*|\s+(?:and|et|or|ou|&)\s+", re.IGNORECASE)
TITLE_SPLIT = re.compile(r"\s*:\s+|\s+[–—-]\s+")
# "de nouveaux venus comme Wizz", "apps such as Damus and Primal": examples of a kind.
EXAMPLES = re.compile(
    rf"(?:{_NOUN}|\b(?P<newcomers>nouveaux\s+venus|newcomers|new\s+entrants|upstarts|challengers))"
    rf"\s+(?:comme|like|such\s+as|tels?\s+que|telles?\s+que|including|notamment)\s+{NAME_START}",
    re.IGNORECASE,
)
ACCOUNT_AUDIENCE = re.compile(r"^\s*(?:sur|on)\s+[\w\-]+", re.IGNORECASE)
CHART = re.compile(
    r"\s+(?:tops|topped|hits\s+no\.?\s*1|hits\s+number\s+one|climbs|climbed|surges|surged|soars|"
    r"soared|jumps|rises|rose|grimpe|caracole|s'envole|domine|devient\s+numéro\s+un|"
    r"prend\s+la\s+tête|takes\s+the\s+top\s+spot|en\s+tête)\b[^.;!?]{0,40}?"
    r"\b(?:app\s+store|play\s+store|google\s+play|charts?|classements?|téléchargements)",
    re.IGNORECASE,
)
# "Sora, le TikTok de l'IA", "Bondee, the Instagram for close friends": named after a known
# network (the word after the article is checked against the catalogue).
LIKE_A_PLATFORM = re.compile(
    r"\s*[,:]\s*(?:le|la|l'|un|une|the|a|an|this)\s*(?P<platform>[\w\-]+)\s+"
    r"(?:de|des|du|d'|of|for|pour|à\s+la|français|française|européen|européenne|chinois|"
    r"chinoise|américain|américaine|local|locale|libre|décentralisé|décentralisée|alternatif|"
    r"french|european|chinese|american|local|open|decentralised|decentralized|alternative)\b",
    re.IGNORECASE,
)
# "Favs lets friends share lists", "Parvis permet aux voisins de s'entraider": what it is for.
SOCIAL_FUNCTION = re.compile(
    r"\s+(?:lets|allows|helps|invites)\s+(?:users|people|friends|teens|you|fans|creators|"
    r"members|neighbou?rs|students|groups)\s+(?:to\s+)?(?:share|post|follow|chat|connect|meet|"
    r"publish|talk|swap|message)\b|\s+permet\s+(?:aux?\s+[\w\-]+\s+|à\s+[\w\-]+\s+)?de\s+"
    r"(?:partager|publier|suivre|discuter|échanger|se\s+retrouver|se\s+rencontrer|poster)",
    re.IGNORECASE,
)
ANAPHORA = re.compile(
    rf"^(?:(?:le|la|ce|cette|cet|the|this|its|son|sa)\s+|l'|{_POSSESSOR}){_MODS}{_NOUN}",
    re.IGNORECASE,
)
# "Manton Reece's indie blogging platform...": a possessor stands for the article. In a title,
# "Flipboard's Surf": the possessor of a name is not the subject ("Fable's new communities" is).
POSSESSOR_OF_NAME = re.compile(r"^'s\s+(?-i:[A-ZÀ-Ö0-9])")

# "Panne de Signal": a headline's first word followed by a preposition is a noun, not a name.
PREPOSITION_AFTER = re.compile(
    r"\s+(?:de|du|des|d'|of|à|au|aux|pour|for|sur|on|en|in)\b", re.IGNORECASE
)
# "everyone on BookTok": a name a place-like preposition introduces is not the subject (but
# "Tout savoir sur"... is; "parle de Swarm", "talking about Pixie" are topics, so they are).
PREPOSITION_BEFORE = re.compile(
    r"\b(?:on|sur|in|dans|à|au|aux|for|pour|to|vers|with|avec|from|by|par|chez|into|via)\s+$"
)
# A headline's kicker ("Harcèlement en ligne : Snapchat mis en cause..."): a topic, not a name.
KICKER = re.compile(r"^(?P<topic>[^:]{1,60}?)\s*:\s+")
CLOSES_APPOSITION = re.compile(r"\s*(?:[,;)]|$)")
DETERMINER_BEFORE = re.compile(r"\b(?:the|a|an|le|la|les|un|une|l')\s*$", re.IGNORECASE)
# "Grindr's rival Taimi", "Nextdoor rival Front Porch Forum": a rival of a named thing.
NAMED_BEFORE = re.compile(r"^[A-ZÀ-Ö][\w\-]*(?:'s)?\s+$")
WORD_BEFORE = re.compile(r"[\w'\-]+\s+$")
LIST_LINK_AFTER = re.compile(r"\s*,\s*|\s+(?:and|et|or|ou|&)\s+", re.IGNORECASE)
LIST_LINK_BEFORE = re.compile(r"(?:\s*,\s*|\s+(?:and|et|or|ou|&)\s+)$", re.IGNORECASE)
# What follows a noun and says what it is for: "de montage vidéo", "for editing photos".
COMPLEMENT = re.compile(
    r"\s*(?:de|d'|du|des|à|for|pour|of|to)\s*(?:[\w\-]+\s*){1,3}", re.IGNORECASE
)
STRONG_CONTEXT = re.compile(alternation(lex.STRONG_CONTEXT), re.IGNORECASE)
SOCIAL_CONTEXT = re.compile(rf"\b(?:{alternation(lex.SOCIAL_CONTEXT)})\b", re.IGNORECASE)

ADJECTIVE_SUFFIXES = ("-like", "-style", "-owned", "-based", "-inspired", "-friendly", "-first",
                      "-only", "-free", "-backed", "-powered", "-focused", "-centric", "-made",
                      "-built", "-run", "-led", "-born", "-native", "-compatible")  # fmt: skip
ADJECTIVE_PREFIXES = ("anti-", "pro-", "non-", "ex-", "post-", "pré-", "pre-", "néo-", "neo-")


def complement(text: str) -> str:
    """The complement opening ``text`` ("de seconde main"), or "" (a relative clause, "qui
    affiche la musique de vos amis", says something else)."""
    match = COMPLEMENT.match(text)
    return match.group(0) if match else ""
