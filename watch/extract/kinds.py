"""The kind of a news item (DESIGN.md's taxonomy), from cue words in French and English.

Each kind has cue patterns; a cue in the title weighs more than one in the summary, and ties
go to the kind that matters most to a digital officer deciding about a network (a shutdown or
a fine outweighs a feature). A user figure ("20 millions d'utilisateurs") makes a milestone.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Weights: cue in title, cue in summary.
TITLE_WEIGHT = 3.0
SUMMARY_WEIGHT = 1.0
# A user figure ("20 millions d'utilisateurs") in the title, or only in the summary.
FIGURE_TITLE = 4.0
FIGURE_SUMMARY = 2.0
# Tie-break order, most decisive first.
PRIORITY = (
    "milestone", "shutdown", "regulation", "business", "adoption", "launch", "risk", "feature",
)  # fmt: skip


_LITERAL_STOP = set("\\()[]|.?*+{}^$")


def _literal(pattern: str) -> str:
    """The lowercase text a cue must start with ("" when it cannot be told cheaply)."""
    body = pattern[2:] if pattern.startswith("\\b") else pattern
    literal = []
    for index, char in enumerate(body):
        if char in _LITERAL_STOP or char.isspace():
            break
        if index + 1 < len(body) and body[index + 1] in "?*{":
            break  # an optional last character is not required
        literal.append(char)
    text = "".join(literal).lower()
    return text if len(text) >= 2 else ""


_WORD_START = re.compile(r"(?<![\w])[\w'’]{2,}")
KEY = 5  # characters of a cue's literal used as its index key


# Every index key of every cue set, and their first two letters: a text's words are indexed
# only under the prefixes some cue can ask for (a third of the work of indexing every prefix).
_ALL_KEYS: set[str] = set()
_ALL_PAIRS: set[str] = set()
# For each first-letter pair, the lengths of the keys that start with it (ascending): only
# those prefixes of a word can be keys.
_KEY_SIZES: dict[str, tuple[int, ...]] = {}


@lru_cache(maxsize=256)
def _word_starts(text: str) -> dict[str, list[int]]:
    """Where the words of ``text`` start, by their first 2 to KEY characters (lowercased),
    for the prefixes that are some cue's key."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a rare character whose lowercase is longer: no index
        return {}
    starts: dict[str, list[int]] = {}
    keys, sizes_of = _ALL_KEYS, _KEY_SIZES
    for match in _WORD_START.finditer(lowered):
        word = match.group()
        sizes = sizes_of.get(word[:2])
        if sizes is None:
            continue
        length = len(word)
        for size in sizes:
            if size > length:
                break
            prefix = word[:size]
            if prefix in keys:
                found = starts.get(prefix)
                if found is None:
                    starts[prefix] = [match.start()]
                else:
                    found.append(match.start())
    return starts


# Every cue set, and every indexed cue by its key with the number of its set.
_EVERY_SET: list[Cues] = []
_BY_KEY: dict[str, list[tuple[int, re.Pattern[str]]]] = {}


@lru_cache(maxsize=256)
def _indexed_counts(text: str) -> dict[int, int] | None:
    """Matches of the indexed cues of every cue set in ``text``, by set number, in one pass
    over the text's word starts (classification asks a dozen sets about the same title and
    summary); None when the text cannot be indexed (see :func:`_word_starts`)."""
    starts = _word_starts(text)
    if not starts:
        return None if len(text.lower()) != len(text) else {}
    counts: dict[int, int] = {}
    for key, positions in starts.items():
        for number, cue in _BY_KEY[key]:
            found = 0
            for start in positions:
                if cue.match(text, start):
                    found += 1
            if found:
                counts[number] = counts.get(number, 0) + found
    return counts


def _apostrophes(patterns: tuple[str, ...]) -> list[str]:
    """Spell ``['’]`` both ways, so that cues like "s'installe" keep a literal to index."""
    spelled = []
    for pattern in patterns:
        if "['’]" in pattern:
            spelled += [pattern.replace("['’]", "'"), pattern.replace("['’]", "’")]
        else:
            spelled.append(pattern)
    return spelled


class Cues:
    """Cue patterns, each starting at a word, indexed by the first letters of their leading
    literal: a cue is only tried where a word of the text starts like it. This keeps
    extraction well below the cost of feed parsing, whatever the number of cues."""

    def __init__(self, patterns: tuple[str, ...]) -> None:
        self.by_prefix: dict[str, list[re.Pattern[str]]] = {}
        self.always: list[re.Pattern[str]] = []
        for pattern in _apostrophes(patterns):
            literal = _literal(pattern)
            compiled = re.compile(r"(?<![\w])(?:" + pattern + ")", re.IGNORECASE)
            if literal:
                self.by_prefix.setdefault(literal[:KEY], []).append(compiled)
            else:
                self.always.append(compiled)
        self.keys = frozenset(self.by_prefix)
        _ALL_KEYS.update(self.keys)
        _ALL_PAIRS.update(key[:2] for key in self.keys)
        for key in self.keys:
            _KEY_SIZES[key[:2]] = tuple(sorted({*_KEY_SIZES.get(key[:2], ()), len(key)}))
        self.every = [cue for cues in self.by_prefix.values() for cue in cues] + self.always
        self.number = len(_EVERY_SET)
        _EVERY_SET.append(self)
        for key, cues in self.by_prefix.items():
            _BY_KEY.setdefault(key, []).extend((self.number, cue) for cue in cues)
        # Indexes and counts made before these keys were known lack them.
        _word_starts.cache_clear()
        _indexed_counts.cache_clear()

    def count(self, text: str) -> int:
        if not text:
            return 0
        counts = _indexed_counts(text)
        if counts is None:
            return sum(len(cue.findall(text)) for cue in self.every)
        total = counts.get(self.number, 0)
        if self.always:
            total += sum(len(cue.findall(text)) for cue in self.always)
        return total

    def search(self, text: str) -> bool:
        return self.count(text) > 0


def _cues(*patterns: str) -> Cues:
    return Cues(patterns)


CUES: dict[str, Cues] = {
    "shutdown": _cues(
        r"shut(?:s|ting)?\s+down",
        r"shutdown",
        r"will\s+close",
        r"closes\s+(?:its|the)\s+(?:app|service|doors)",
        r"discontinu\w+",
        r"sunset\w*",
        r"ferme(?:ra|ront)?\s+(?:ses\s+portes|définitivement|son\s+service|l'application)",
        r"fermeture\s+(?:de\s+l'application|du\s+service|définitive|du\s+réseau)",
        r"cessera\w*",
        r"cesse\s+(?:ses|son)\s+activit\w+",
        r"met\s+fin\s+à\s+(?:son|l'application|ses)",
        r"disparaît",
        r"disparait",
        r"tire\s+sa\s+révérence",
        r"end\s+of\s+(?:the\s+)?(?:app|service)",
        r"pulls?\s+the\s+plug",
        r"fermera",
        r"winds?\s+down",
        r"goes\s+offline\s+for\s+good",
        r"arrêt\s+définitif",
        r"s'arrête\s+définitivement",
        r"will\s+shut",
    ),
    "regulation": _cues(
        r"amendes?",
        r"fined?s?\b",
        r"sanction\w*",
        r"condamn\w+",
        r"enquête\w*",
        r"investigat\w+",
        r"probe\w*",
        r"\bDSA\b",
        r"\bDMA\b",
        r"digital\s+services\s+act",
        r"RGPD",
        r"GDPR",
        r"\bloi\b",
        r"\blaw\b",
        r"\blaws\b",
        r"\bbill\b",
        r"législat\w+",
        r"legislat\w+",
        r"tribunal",
        r"court\b",
        r"courts\b",
        r"justice",
        r"procès",
        r"lawsuits?",
        r"sues?\b",
        r"sued\b",
        r"suing",
        r"mis\w*\s+en\s+examen",
        r"inculp\w+",
        r"indicted",
        r"charged\s+with",
        r"arrested",
        r"garde\s+à\s+vue",
        r"poursuiv\w+",
        r"suspendu\w*\s+(?:aux|au|en|dans)\b",
        r"retiré\w*\s+des\s+(?:magasins|stores)",
        r"removed\s+from\s+(?:the\s+)?app\s+stores?",
        r"DGCCRF",
        r"pratiques\s+commerciales",
        r"lifts?\s+(?:the\s+)?ban",
        r"poursuit\w*",
        r"antitrust",
        r"régulat\w+",
        r"regulat\w+",
        r"authorities",
        r"autorités",
        r"mise\s+en\s+demeure",
        r"majorité\s+numérique",
        r"vérification\s+d['’]âge",
        r"age\s+verification",
        r"interdiction\s+(?:de|du|des|aux)",
        r"interdit\s+(?:aux\s+moins|en\s+France|dans)",
        r"banned\s+in",
        r"ban\s+(?:on|for)\s+(?:minors|children|under)",
        r"bans?\s+\w+\s+(?:for|in)\s+(?:minors|schools|government)",
        r"gouvernement\s+(?:interdit|bannit)",
        r"government\s+(?:bans|devices)",
        r"juge\w*",
        r"judge\w*",
        r"plainte",
        r"complaint",
        r"orders?\s+\w+\s+to",
        r"ordonn\w+",
        r"bans?\s+(?:\w+\s+){0,3}for\s+(?:under|minors|children|teens|kids)",
        r"under-1\d",
        r"moins\s+de\s+1\d\s+ans",
        r"verify\s+ages?",
        r"cour\s+suprême",
        r"supreme\s+court",
        r"suspend\w*\s+(?:\w+\s+)?(?:dans|in|au|en)\s",
        r"infraction",
        r"breach\s+of\s+the\s+(?:DSA|law)",
        r"non-?conformité",
        r"compliance",
        r"hand\s+over",
        r"transferts?\s+de\s+données",
        r"data\s+transfers?",
        r"ordered\s+to",
        r"contraint",
        r"ruling",
        r"décision\s+de\s+justice",
        r"suspendu\s+(?:au|en)\s+\w+",
        r"blocked\s+in",
        r"bloqué\s+(?:au|en)",
        r"taxe",
        r"tax\b",
        r"\bcour\b",
        r"décret",
        r"decree",
        r"règlement\b",
        r"réglementation\w*",
    ),
    "risk": _cues(
        r"pannes?",
        r"outages?",
        r"\bdown\b",
        r"inaccessible",
        r"perturbations?",
        r"disruptions?",
        r"bugs?\b",
        r"fuites?",
        r"leak\w*",
        r"breach\w*",
        r"piratage",
        r"piraté\w*",
        r"hack\w*",
        r"cyberattaque\w*",
        r"cyber-?attack\w*",
        r"désinformation",
        r"disinformation",
        r"misinformation",
        r"infox",
        r"fake\s+news",
        r"harcèlement",
        r"harass\w*",
        r"cyberharcèlement",
        r"haine",
        r"hate\s+speech",
        r"haineux",
        r"scams?",
        r"arnaque\w*",
        r"phishing",
        r"hameçonnage",
        r"deepfakes?",
        r"pédocriminalité",
        r"child\s+safety",
        r"sécurité\s+des\s+(?:enfants|mineurs)",
        r"suicide\w*",
        r"mis\s+en\s+cause",
        r"critiqu\w+",
        r"controvers\w+",
        r"scandale",
        r"scandal",
        r"failles?",
        r"vulnerab\w+",
        r"vulnérabilit\w+",
        r"exposed?\s+data",
        r"données\s+exposées",
        r"toxic\w*",
        r"toxique",
        r"extrémis\w+",
        r"extremis\w+",
        r"propagande",
        r"propaganda",
        r"bots?\b",
        r"spam",
        r"ingérence",
        r"interference",
        r"manipulation",
        r"modération\s+(?:défaillante|insuffisante)",
        r"moderation\s+fail\w*",
        r"incident",
        r"alerte",
        r"dangers?",
        r"risques?",
        r"risks?",
        r"addict\w*",
        r"santé\s+mentale",
        r"mental\s+health",
        r"abus",
        r"abuse",
        r"exploit\w*",
        r"violence",
        r"menaces?\s+(?:de\s+mort|en\s+ligne)",
        r"death\s+threats?",
        r"online\s+threats?",
        r"insultes?",
        r"racis\w+",
        r"impersonat\w+",
        r"usurp\w+",
        r"faux\s+comptes",
        r"fake\s+accounts",
        r"overwhelm\w*",
        r"débordé\w*",
        r"exposé\w*",
        r"exposed",
        r"warns?\b",
        r"alerte\w*",
        r"escro\w+",
        r"fraud\w*",
        r"struggl\w+",
        r"vigilance",
        r"surveillance",
        r"antisémit\w+",
        r"antisemit\w+",
        r"terroris\w+",
    ),
    "business": _cues(
        r"rachat",
        r"rachète",
        r"rachet\w+",
        r"acqui\w+",
        r"comptes\s+gratuits",
        r"free\s+accounts",
        r"abonnements?\b",
        r"subscriptions?\b",
        r"revenus?",
        r"chiffres?\s+record",
        r"buys\b",
        r"bought",
        r"fusion",
        r"merg\w+",
        r"levée\s+de\s+fonds",
        r"lève\s+\d",
        r"raises?\s+\$?\d",
        r"funding",
        r"financement",
        r"valorisation",
        r"valuation",
        r"valued\s+at",
        r"licenci\w+",
        r"layoffs?",
        r"lay(?:s|ing)?\s+off",
        r"job\s+cuts",
        r"cuts?\s+\d+\s*%?\s*(?:of\s+)?(?:jobs|staff|workforce)",
        r"suppressions?\s+de\s+postes",
        r"\bIPO\b",
        r"introduction\s+en\s+bourse",
        r"bourse",
        r"stock",
        r"shares?",
        r"actions?\s+(?:de|du)",
        r"chiffre\s+d['’]affaires",
        r"revenue",
        r"earnings",
        r"résultats\s+(?:financiers|trimestriels|annuels)",
        r"quarterly\s+results",
        r"bénéfices?",
        r"profits?",
        r"pertes?\b",
        r"losses",
        r"\bCEO\b",
        r"\bPDG\b",
        r"directeur\s+général",
        r"dirigeant\w*",
        r"nomme\s+(?:un|une)\s+(?:nouve\w+\s+)?(?:PDG|directeur|directrice|patron|présidente?)",
        r"appoint\w+",
        r"steps?\s+down",
        r"démission\w*",
        r"resign\w*",
        r"fondation",
        r"foundation",
        r"non-?profit",
        r"but\s+non\s+lucratif",
        r"structure\s+juridique",
        r"legal\s+structure",
        r"cession",
        r"vend\b",
        r"vendu",
        r"sells?\b",
        r"sold\b",
        r"propriétaire",
        r"owner(?:ship)?",
        r"investisseurs?",
        r"investors?",
        r"investit",
        r"invests?",
        r"restructur\w+",
        r"startup",
        r"start-up",
        r"entreprise",
        r"company's",
        r"annonceurs",
        r"publicit\w+",
        r"advertis\w+",
        r"trimestre\w*",
        r"quarter\w*",
        r"rentab\w+",
        r"profitab\w+",
        r"abonnement\s+payant",
        r"paid\s+subscription",
        r"monétis\w+",
        r"monetiz\w+",
        r"effectifs",
        r"staff\b",
        r"cut\w*\s+(?:\w+\s+){0,3}(?:jobs|postes|emplois|staff|workforce)",
        r"suppressions?\s+d['’]emplois",
        r"\bjobs\b",
        r"emplois",
        r"employees",
        r"salariés",
        r"gGmbH",
        r"\bInc\b",
        r"\bLLC\b",
    ),
    "launch": _cues(
        r"lance\s+(?:une?\s+)?(?:nouvelle\s+)?(?:app|application|appli|réseau|plateforme|service|concurrent|alternative|rival)",
        r"launch(?:es|ed)?\s+(?:an?\s+)?(?:new\s+)?(?:standalone\s+)?(?:app|application|network|platform|service|rival|competitor|alternative)",
        r"launch(?:es|ed)?\s+\w+\s+\w*,\s+an?\s+[\w-]+(?:\s+[\w-]+)?\s+app",
        r"nouvelle\s+app\w*",
        r"new\s+app\b",
        r"nouveau\s+réseau",
        r"new\s+(?:social\s+)?network",
        r"débarque\s+en\s+(?:France|Europe)",
        r"arrive\s+en\s+(?:France|Europe)",
        r"voit\s+le\s+jour",
        r"ouvre\s+(?:au|à\s+tous|ses\s+portes|au\s+public)",
        r"opens?\s+(?:to\s+(?:the\s+)?public|to\s+everyone|its\s+doors)",
        r"sans\s+invitation",
        r"without\s+(?:an\s+)?invit\w+",
        r"invite-only",
        r"sur\s+invitation",
        r"bêta\s+publique",
        r"public\s+beta",
        r"sort\s+de\s+(?:la\s+)?bêta",
        r"exits?\s+beta",
        r"launch\s+of",
        r"lancement\s+(?:de|du|d')",
        r"est\s+lancé",
        r"is\s+launching",
        r"debuts?",
        r"unveils?\s+(?:a\s+)?new\s+app",
        r"available\s+in\s+(?:France|Europe|the\s+EU)",
        r"disponible\s+en\s+(?:France|Europe)",
        r"rolls?\s+out\s+(?:in|to)\s+(?:France|Europe|the\s+EU)",
        r"launch(?:es|ed)?\s+[^.;:]{0,40}?\b(?:app|application)\b",
        r"lance\s+[^.;:]{0,40}?\b(?:app|application|appli|réseau)\b",
        r"lance\s+\S+\s+en\s+(?:France|Europe|l['’]Union)",
        r"launch(?:es|ed)?\s+\S+\s+in\s+(?:France|Europe|the\s+EU|the\s+European\s+Union)",
        r"launch(?:es|ed)?\s+on\s+(?:iOS|Android|the\s+App\s+Store)",
        r"sort\s+sur\s+(?:iOS|Android)",
        r"dans\s+l['’]Union\s+européenne",
        r"in\s+the\s+(?:EU|European\s+Union)\b",
        r"grand\s+public",
        r"débarque\s+en\s+\w+",
        r"arrive\s+en\s+\w+",
        r"enfin\s+disponible",
        r"finally\s+available",
    ),
    "feature": _cues(
        r"déploie",
        r"deploie",
        r"rolls?\s+out",
        r"rolling\s+out",
        r"ajoute",
        r"adds?\b",
        r"introdu\w+",
        r"teste\b",
        r"testent",
        r"tests?\b",
        r"testing",
        r"nouvelles?\s+fonctionnalit\w+",
        r"fonctionnalit\w+",
        r"new\s+features?",
        r"features?\b",
        r"mise\s+à\s+jour",
        r"updates?\b",
        r"options?\b",
        r"permet",
        r"lets\s+(?:users|you|people)",
        r"allows?",
        r"supprime\s+la\s+possibilit\w+",
        r"removes?",
        r"retire\w*",
        r"drops?\b",
        r"lance\b",
        r"launch\w*",
        r"nouveau\s+format",
        r"new\s+format",
        r"format\s+vertical",
        r"vidéos?\s+courtes",
        r"short(?:-form)?\s+videos?",
        r"bans?\b",
        r"interdit\b",
        r"règles",
        r"rules",
        r"policy",
        r"politique\s+de",
        r"paramètres?",
        r"settings",
        r"réglages",
        r"publications?\s+programmées",
        r"scheduled\s+posts?",
        r"stories",
        r"reels",
        r"messages?\s+privés",
        r"direct\s+messages?",
        r"\bDMs?\b",
        r"chiffrement",
        r"encryption",
        r"end-to-end",
        r"vérification",
        r"verification",
        r"badges?",
        r"hashtags?",
        r"flux",
        r"feeds?\b",
        r"algorithm\w*",
        r"algorithme\w*",
        r"bouton",
        r"button",
        r"outils?",
        r"tools?",
        r"modes?\b",
        r"intelligence\s+artificielle",
        r"\bIA\b",
        r"\bAI\b",
        r"édition",
        r"edit\b",
        r"editing",
        r"brouillons?",
        r"drafts?",
        r"sondages?",
        r"polls?",
        r"communautés",
        r"communities",
        r"listes?",
        r"lists?\b",
        r"custom\s+feeds?",
        r"starter\s+packs?",
        r"bloquer",
        r"block\w*",
        r"désormais",
        r"now\s+lets",
        r"now\s+available",
        r"dispose\s+désormais",
        r"arrive\s+sur\s+(?:Android|iOS|le\s+web|desktop)",
        r"nouvel(?:le)?\s+onglet",
        r"new\s+tab",
        r"dark\s+mode",
        r"mode\s+sombre",
        r"live\b",
        r"en\s+direct",
        r"upload",
        r"téléversement",
        r"sous-titres",
        r"captions",
        r"accessibilit\w+",
        r"texte\s+alternatif",
        r"alt\s+text",
        r"messagerie\s+de\s+groupe",
        r"group\s+chats?",
        r"chaînes",
        r"channels",
        r"met\s+fin\s+(?:à\s+la|aux|au)\b",
        r"will\s+let",
        r"\blets?\b",
        r"conditions\s+d['’]utilisation",
        r"terms\s+of\s+(?:service|use)",
        r"change\w*\s+(?:ses|its)\s+(?:conditions|terms|règles|rules)",
        r"supprim\w*",
        r"hide",
        r"masquer",
        r"cacher",
        r"citer",
        r"quote\w*",
        r"traduction",
        r"translat\w+",
        r"nouvelle\s+interface",
        r"new\s+(?:interface|design|layout|look)",
        r"redesign\w*",
        r"refonte",
        r"layout",
        r"version\s+majeure",
        r"major\s+(?:release|update)",
        r"application\s+mobile",
        r"mobile\s+app",
    ),
    "milestone": _cues(
        r"dépasse\w*",
        r"franchi\w*",
        r"atteint",
        r"passe\s+la\s+barre",
        r"barre\s+des",
        r"cap\s+des",
        r"passes\b",
        r"surpass\w+",
        r"tops\b",
        r"hits\b",
        r"reach\w*",
        r"crosses\b",
        r"milestone",
        r"record\s+d['’]utilisateurs",
        r"compte\s+désormais",
        r"revendique",
        r"claims?\b",
    ),
}
# Growth said without a figure ("le nombre d'utilisateurs a doublé") is still a milestone.
MILESTONE_WORDS = _cues(
    r"nombre\s+d['’]utilisateurs",
    r"user\s+base",
    r"user\s+growth",
    r"number\s+of\s+users",
    r"doubl\w+\s+(?:son|its)\s+(?:audience|nombre)",
)
# Adoption is an actor (city, ministry, newspaper, university...) moving onto or off a network:
# a move without an actor ("Signal threatens to leave Sweden") is not adoption.
ADOPTION_MOVES = _cues(
    r"quitte\w*",
    r"quittent",
    r"leaves?\b",
    r"leaving",
    r"left\s+(?:X|Twitter|Facebook)",
    r"rejoin\w+",
    r"joins?\b",
    r"joined",
    r"joining",
    r"ouvre\w*\s+(?:un|une|son|sa|leurs?)\s+(?:propre\s+)?(?:compte|chaîne|page|instance|serveur)",
    r"lance\w*\s+(?:sa|son|leurs?)\s+(?:propre\s+)?(?:compte|chaîne|page|instance)",
    r"opens?\s+(?:an?\s+|its\s+)?(?:own\s+)?(?:official\s+)?(?:\w+\s+)?(?:accounts?|channels?|pages?|servers?|instances?)",
    r"s['’]installe\w*\s+sur",
    r"débarque\w*\s+sur",
    r"arrive\w*\s+sur",
    r"exode",
    r"exodus",
    r"migr\w+",
    r"abandonn\w+",
    r"désert\w+",
    r"compte\s+officiel",
    r"official\s+accounts?",
    r"ferme\w*\s+(?:son|leurs?)\s+comptes?",
    r"closes?\s+(?:its|their)\s+accounts?",
    r"delete\w*\s+(?:its|their)\s+accounts?",
    r"supprime\w*\s+(?:son|leurs?)\s+comptes?",
    r"présence\s+sur",
    r"presence\s+on",
    r"cesse\w*\s+de\s+publier",
    r"no\s+longer\s+post",
    r"stops?\s+posting",
    r"will\s+post",
    r"publiera",
    r"now\s+post",
    r"adopt\w+",
    r"s['’]inscri\w+",
    r"signs?\s+up",
    r"mise\s+en\s+place\s+d['’]une\s+chaîne",
    r"s['’]abonner",
)
ADOPTION_ACTORS = _cues(
    r"ville\w*",
    r"\bcity\b",
    r"cities",
    r"mairies?",
    r"municipalit\w+",
    r"municipal\w*",
    r"communes?\b",
    r"département\w*",
    r"régions?\b",
    r"collectivit\w+",
    r"councils?",
    r"préfectures?",
    r"ministères?",
    r"ministr\w+",
    r"gouvernement",
    r"government",
    r"administrations?",
    r"commission",
    r"institutions?",
    r"médias\b",
    r"media\s+outlets",
    r"journal\b",
    r"journaux",
    r"quotidien\b",
    r"newspapers?",
    r"newsrooms?",
    r"the\s+Guardian",
    r"Le\s+Monde",
    r"universit\w+",
    r"écoles",
    r"schools",
    r"élus?\b",
    r"députés?",
    r"sénateurs",
    r"lawmakers",
    r"politicians",
    r"services\s+publics",
    r"public\s+(?:sector|bodies|services)",
    r"agences?",
    r"agencies",
    r"habitants",
    r"citoyens",
    r"residents",
    r"administrés",
    r"marques",
    r"brands",
    r"clubs?",
    r"associations?",
    r"hôpita\w+",
    r"hospitals?",
    r"police",
    r"gendarmerie",
    r"mairie",
    r"townhall",
    r"city\s+hall",
    r"pompiers",
    r"Élysée",
    r"Elysée",
    r"présidence",
    r"White\s+House",
    r"Maison\s+Blanche",
    r"ambassades?",
    r"embass\w+",
    r"armée",
    r"army",
    r"musées?",
    r"museums?",
    r"bibliothèques?",
    r"libraries",
    r"médiathèques?",
)
# Naming a regulator is weaker evidence than an action (a fine, a ban, a ruling).
REGULATION_ACTORS = _cues(
    r"commission\s+européenne",
    r"european\s+commission",
    r"bruxelles",
    r"brussels",
    r"CNIL",
    r"Arcom",
    r"ministère",
    r"parlement",
    r"parliament",
    r"senate",
    r"sénat",
    r"congress",
    r"régulateur",
    r"regulator",
)
# Feature cues are generic ("adds", "now", "tools"): they decide only when nothing else does.
KIND_WEIGHTS = {"feature": 0.5}
OTHER = "other"


def _weighted(cues: Cues, title: str, summary: str) -> float:
    return TITLE_WEIGHT * cues.count(title) + SUMMARY_WEIGHT * cues.count(summary)


def classify(title: str, summary: str, *, has_figure: bool, title_figure: bool) -> str:
    """The most likely kind; ``other`` when nothing points anywhere."""
    title, summary = title or "", summary or ""
    scores = {kind: 0.0 for kind in PRIORITY}
    for kind, pattern in CUES.items():
        scores[kind] += KIND_WEIGHTS.get(kind, 1.0) * _weighted(pattern, title, summary)
    scores["regulation"] += 0.5 * _weighted(REGULATION_ACTORS, title, summary)
    if ADOPTION_ACTORS.search(title) or ADOPTION_ACTORS.search(summary):
        scores["adoption"] += _weighted(ADOPTION_MOVES, title, summary)
    if has_figure:
        scores["milestone"] += FIGURE_TITLE if title_figure else FIGURE_SUMMARY
    else:
        scores["milestone"] = 0.0  # "passes a law" is not a milestone...
    scores["milestone"] += _weighted(MILESTONE_WORDS, title, summary)  # ...a user base is
    best = max(PRIORITY, key=lambda kind: (scores[kind], -PRIORITY.index(kind)))
    return best if scores[best] > 0 else OTHER
