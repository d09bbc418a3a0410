"""Find the names an entry presents as a social network, an app or an alternative to one.

Why cue-anchored patterns rather than "every capitalised word": headlines are full of capitalised
words (sentence starts, companies, people, cities, outlets), and the emergence watch is only
useful if what it lists is mostly real networks. A name is taken only where the text itself says
what it is (:mod:`watch.emergence_cues` lists the cues), in French or English.

Each mention carries a strength: 1.0 when the cue says "social network" (or an alternative to a
known one), less when it only says "app" or "platform": those count as much as the entry speaks
of social things (friends, followers, sharing, a known network), and not at all when the text
says the app is something else (a video editor, a second-hand shop). Catalogue platforms (and
their own products: "TikTok Notes"), companies, people, places, media and generic words are
never names. All-caps headlines are read with the cues only (capitals tell nothing there).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from watch import emergence_cues as cues
from watch import emergence_lexicon as lex
from watch.emergence_text import (
    Token,
    clean_text,
    is_all_caps,
    left_span,
    name_key,
    right_span,
    runs,
    squash,
    tokens_of,
    words,
)

__all__ = ["Exclusions", "Mention", "clean_text", "find_mentions", "is_all_caps", "name_key"]

# News summaries say what a thing is in their first sentences; beyond that a "summary" is an
# article body or a forum post, where cues mostly match noise (and reading costs time).
SUMMARY_CHARS = 600
AGREEMENT_BONUS = 0.2  # per extra kind of cue naming the same network in one entry


@dataclass(frozen=True)
class Mention:
    """One name presented as a network in one entry."""

    name: str
    key: str
    strength: float
    cue: str


@dataclass(frozen=True)
class Exclusions:
    """Normalised names that are never candidates: the catalogue (read from the store, with
    slugs and aliases) and the blocked names (word lists and the catalogue's owners)."""

    catalogue: frozenset[str]
    blocked: frozenset[str]

    @classmethod
    def build(cls, platform_names: Iterable[str], owner_names: Iterable[str] = ()) -> Exclusions:
        """From catalogue names, slugs and aliases ("ex-Twitter" also as "Twitter") and owners
        ("Google (Alphabet)" as "Google (Alphabet)", "Google" and "Alphabet")."""
        catalogue = {
            name_key(variant)
            for name in platform_names
            for variant in (name, re.sub(r"^ex[-\s]", "", name, flags=re.IGNORECASE))
        }
        owners: set[str] = set()
        for owner in owner_names:
            for part in [owner, *re.split(r"[()]", owner)]:
                if part.split():
                    owners.update((name_key(part), name_key(part.split()[0])))
        lists = (lex.COMPANIES, lex.PRODUCTS, lex.PEOPLE, lex.PLACES, lex.MEDIA, lex.INSTITUTIONS)
        blocked = {name_key(word) for names in lists for word in names} | owners
        return cls(frozenset(catalogue - {""}), frozenset(blocked - {""}))

    def mentions_platform(self, text: str) -> bool:
        """Whether ``text`` names a catalogue platform."""
        return any(name_key(w) in self.catalogue for w in re.findall(r"\w+", text))


class _EntryReader:
    """Reads one entry (title, then summary) and collects its mentions."""

    def __init__(self, exclusions: Exclusions, title: str, summary: str) -> None:
        self.exclusions = exclusions
        self.title = clean_text(title)
        self.summary = clean_text(summary)[:SUMMARY_CHARS]
        self.lower = f"{self.title} . {self.summary}".casefold()
        self.found: dict[str, list[Mention]] = {}
        self.vetoed: set[str] = set()
        self._context: float | None = None

    def read(self) -> list[Mention]:
        """Every name the entry presents as a network, one mention per key."""
        if self.title:
            self._read_part(self.title)
        in_title = {m.name for mentions in self.found.values() for m in mentions}
        if self.summary:
            self._read_part(self.summary)
        if self.title and self.summary:
            self._read_anaphora(self.summary, self.title, in_title, kicker=True)
        head, sep, tail = _split_title(self.title)
        if sep and not in_title:  # "Ello revient : le réseau social des créatifs..."
            self._read_anaphora(tail, head, in_title, kicker=False)
        return [_best(found) for key, found in self.found.items() if key not in self.vetoed]

    # -- names --------------------------------------------------------------------------------

    def _accept(self, text: str, span: list[Token], caps: bool) -> tuple[str, str] | None:
        """(surface name, key) when the span can name a new network, else None."""
        if not span:
            return None
        surface = text[span[0].start : span[-1].end]
        key = name_key(surface)
        keys = [name_key(t.text) for t in span]
        excluded = self.exclusions
        if not key or key.isdigit() or len(key) > 40:
            return None
        if key in excluded.catalogue or key in excluded.blocked:
            return None
        if keys[0] in excluded.catalogue or keys[-1] in excluded.catalogue:
            return None  # a catalogue platform's own product ("TikTok Notes", "Meta Threads")
        if keys[0] in excluded.blocked and len(span) > 1:
            return None  # a company's product ("Google Maps", "Meta AI")
        if len(span) == 2 and keys[0] in lex.FIRST_NAMES:
            return None  # a person
        if all(k in lex.GENERIC_WORDS for k in keys):
            return None
        if any(_is_adjective(t.text) for t in span):
            return None  # "MySpace-like", "Black-owned": a description, not a name
        if len(key) == 1 and (caps or not surface.isupper()):
            return None
        return (surface.title() if caps else surface), key

    def _add(self, accepted: tuple[str, str] | None, strength: float, cue: str) -> None:
        """Record a mention; a zero strength vetoes the name for the whole entry."""
        if accepted is None:
            return
        name, key = accepted
        if strength <= 0.0:
            self.vetoed.add(key)
            return
        self.found.setdefault(key, []).append(Mention(name, key, strength, cue))

    def _subject_span(self, text: str, tokens: list[Token], pos: int, caps: bool) -> list[Token]:
        """The name before ``pos`` when it starts its clause: the subject of a verb ("Skylight
        dépasse..."), not the end of a phrase ("inspirée de MySpace grimpe...")."""
        span = left_span(text, tokens, pos, caps)
        if not span:
            return []
        before = text[: span[0].start].rstrip()
        if not before or before[-1] in '.:;,!?"(':
            return span
        previous = words(before)
        last = previous[-1].rsplit("'", 1)[-1] if previous else ""  # "l'application" -> application
        return span if last in cues.SUBJECT_LEADS else []

    def _listed_after(
        self, text: str, tokens: list[Token], span: list[Token], caps: bool
    ) -> list[list[Token]]:
        """``span`` and the names enumerated after it: "pour Lapse, Locket et Retro"."""
        names = [span]
        while span and len(names) <= 4:
            link = cues.LIST_LINK_AFTER.match(text, span[-1].end)
            span = right_span(text, tokens, link.end(), caps) if link else []
            if span:
                names.append(span)
        return names

    def _listed_before(
        self, text: str, tokens: list[Token], span: list[Token], caps: bool
    ) -> list[list[Token]]:
        """The names enumerated before ``span``: "Pillowfort and Cohost: the small networks"."""
        names: list[list[Token]] = []
        while span and len(names) < 4:
            link = cues.LIST_LINK_BEFORE.search(text[: span[0].start])
            span = left_span(text, tokens, link.start(), caps) if link else []
            if span:
                names.append(span)
        return names

    # -- strength -----------------------------------------------------------------------------

    def _context_strength(self) -> float:
        """What a weak cue ("app", "platform") is worth in this entry: more when it speaks of
        social things (social words, or a catalogue platform it is compared with)."""
        if self._context is None:
            if cues.STRONG_CONTEXT.search(self.lower):
                self._context = cues.WEAK_STRONG_CONTEXT
            elif cues.SOCIAL_CONTEXT.search(self.lower) or self.exclusions.mentions_platform(
                self.lower
            ):
                self._context = cues.WEAK_SOCIAL_CONTEXT
            else:
                self._context = cues.WEAK_ALONE
        return self._context

    def _noun_strength(self, noun: str, mods: str, after: str = "") -> float:
        """How strongly NOUN, with its modifiers and its complement (``after``: "de seconde
        main", "for editing"), says "social network"; 0 when it says something else."""
        noun = squash(noun.casefold())
        described = f"{mods} {after}"
        social = bool({"social", "sociale"} & set(words(f"{noun} {mods}")))
        strong = noun in cues.STRONG_NOUN_SET
        if strong and noun in cues.RIVAL_NOUNS:  # an alternative to a network, not to Gmail
            strong = (
                social
                or self.exclusions.mentions_platform(described)
                or bool({"réseau", "network"} & set(words(described)))
            )
        if _non_social(described) and not social:
            return 0.0
        return cues.STRONG if strong else self._context_strength()

    # -- cues ---------------------------------------------------------------------------------

    def _read_part(self, text: str) -> None:
        caps = is_all_caps(text)
        tokens = tokens_of(text)
        for match in cues.APPOSITION.finditer(text):
            self._apposition(text, tokens, match, caps)
        for match in cues.CUE_BEFORE.finditer(text):
            self._cue_before(text, tokens, match, caps)
        if not caps:
            for match in cues.CUE_AFTER.finditer(text):
                self._cue_after(text, tokens, match)
        for match in cues.EXAMPLES.finditer(text):
            if match.group("newcomers"):
                strength = self._context_strength()
            else:
                strength = self._noun_strength(match.group("noun"), "")
            span = right_span(text, tokens, match.end(), caps)
            for name in self._listed_after(text, tokens, span, caps):
                self._add(self._accept(text, name, caps), strength, "examples")
        for match in cues.MIGRATION_CUE.finditer(text):
            self._migration(text, tokens, match, caps)
        for match in cues.MILESTONE.finditer(text):
            if match.group("unit").casefold() in ("abonnés", "followers") and (
                cues.ACCOUNT_AUDIENCE.match(text[match.end() :])
            ):
                continue  # an account's audience on a platform, not a network's
            span = self._subject_span(text, tokens, match.start(), caps)
            self._add(self._accept(text, span, caps), self._context_strength(), "milestone")
        for match in cues.LIKE_A_PLATFORM.finditer(text):
            if name_key(match.group("platform")) in self.exclusions.catalogue:
                span = left_span(text, tokens, match.start(), caps)
                self._add(self._accept(text, span, caps), cues.STRONG, "like")
        for match in cues.SOCIAL_FUNCTION.finditer(text):
            span = self._subject_span(text, tokens, match.start(), caps)
            self._add(self._accept(text, span, caps), cues.WEAK_SOCIAL_CONTEXT, "function")
        if not caps:
            self._read_lists(text, tokens)
        for match in cues.INSTEAD_OF.finditer(text):
            if name_key(match.group("platform")) in self.exclusions.catalogue:
                span = left_span(text, tokens, match.start(), caps)
                self._add(self._accept(text, span, caps), cues.MIGRATION, "instead")
        for match in cues.CHART.finditer(text):
            span = self._subject_span(text, tokens, match.start(), caps)
            self._add(self._accept(text, span, caps), self._context_strength(), "chart")

    def _apposition(self, text: str, tokens: list[Token], match: re.Match[str], caps: bool) -> None:
        """ "Noplace, le nouveau réseau social"; "Fanbase raises $4M to build a social network"."""
        mods = match.group("mods")
        if set(words(mods)) & cues.FUNCTION_WORDS:
            return
        if match.group("verb"):  # a predicate: the name is its subject
            span = self._subject_span(text, tokens, match.start(), caps)
        else:
            span = left_span(text, tokens, match.start(), caps)
        noun = match.group("noun")
        strength = self._noun_strength(noun, mods, cues.complement(text[match.end() :]))
        self._add(self._accept(text, span, caps), strength, "apposition")
        if span and noun.casefold().endswith(("s", "x")):  # plural: "A and B: the networks"
            for other in self._listed_before(text, tokens, span, caps):
                self._add(self._accept(text, other, caps), strength, "apposition")

    def _cue_before(self, text: str, tokens: list[Token], match: re.Match[str], caps: bool) -> None:
        """ "l'application Clapper", "a network called Pinksky", "Twitter rival Koo"."""
        noun = squash(match.group("noun").casefold())
        mods = match.group("mods") or ""
        if (caps and mods.strip()) or any(w not in lex.NOUN_MODIFIERS for w in words(mods)):
            return  # "app from Zenly", "réseau façon MySpace": the next word is not its name
        before = cues.WORD_BEFORE.search(text, 0, match.start())
        previous = before.group(0) if before else ""
        if previous.strip().casefold() in lex.PRODUCT_KINDS and noun not in cues.STRONG_NOUN_SET:
            return  # "news app Particle", "banking app Qonto"
        if noun in cues.RIVAL_NOUNS or noun == "client":  # "Twitter rival Koo", "Mastodon
            # client Ivory", "Grindr's rival Taimi"; not "to rival CapCut"
            if self.exclusions.mentions_platform(previous) or "social" in previous.lower():
                strength = cues.STRONG if noun != "client" else self._context_strength()
            elif cues.NAMED_BEFORE.search(previous):
                strength = self._context_strength()
            else:
                return
        else:
            strength = self._noun_strength(noun, mods)
            if noun in cues.BARE_NETWORK and "social" not in self.lower and strength == cues.STRONG:
                strength = self._context_strength()  # "réseau" alone: electricity, transport...
        span = right_span(text, tokens, match.end(), caps)
        end = span[-1].end if span else 0
        if match.group("sep") and (caps or not cues.CLOSES_APPOSITION.match(text, end)):
            return  # "un réseau social local, Parvis, séduit...", not "SOCIAL APP, HITS NO. 1"
        for name in self._listed_after(text, tokens, span, caps):
            self._add(self._accept(text, name, caps), strength, "noun")

    def _read_lists(self, text: str, tokens: list[Token]) -> None:
        """Names in a row with a known network ("Mastodon, Pixelfed, Loops"; "Signal, Olvid,
        Threema et Tchap"): the unknown ones are likely networks too."""
        for members in _rows_of_names(text, tokens):
            keys = [name_key(text[m[0].start : m[-1].end]) for m in members]
            if len(members) < 2 or not any(k in self.exclusions.catalogue for k in keys):
                continue
            for member in members:
                self._add(self._accept(text, member, False), cues.WEAK_SOCIAL_CONTEXT, "list")

    def _cue_after(self, text: str, tokens: list[Token], match: re.Match[str]) -> None:
        """ "Bluesky's Flashes photo app"."""
        if any(w not in lex.NOUN_MODIFIERS for w in match.group("mods").split()):
            return  # "refactor of app.js", "portfolio app": not "NAME app"
        span = left_span(text, tokens, match.start(), False)
        social = "social" in match.group("noun")
        if social and span and cues.DETERMINER_BEFORE.search(text, 0, span[0].start):
            return  # "the Canadian social network": a description, not "Hive Social network"
        strength = cues.STRONG if social else self._context_strength()
        self._add(self._accept(text, span, False), strength, "app")

    def _migration(self, text: str, tokens: list[Token], match: re.Match[str], caps: bool) -> None:
        """ "quittent X pour UpScrolled"; "Gen Z is flocking to Lapse, Locket and ..."."""
        if self.exclusions.mentions_platform(match.group("between")):
            strength = cues.MIGRATION
        else:  # counts among social words; "switching boot from BIOS to UEFI" does not
            strength = self._context_strength()
            if strength < cues.WEAK_SOCIAL_CONTEXT:
                return
        span = right_span(text, tokens, match.end(), caps)
        for name in self._listed_after(text, tokens, span, caps):
            self._add(self._accept(text, name, caps), strength, "migration")
        clause_end = cues.CLAUSE_END.search(text, match.end())
        end = clause_end.start() if clause_end else len(text)
        for further in cues.FURTHER_TARGET.finditer(text, match.end(), end):
            # "left X for Bluesky, and then for Nostr"
            span = right_span(text, tokens, further.end(), caps)
            self._add(self._accept(text, span, caps), strength, "migration")

    def _read_anaphora(self, opening: str, title: str, in_title: set[str], *, kicker: bool) -> None:
        """ "Hive Social shuts down..." + "The app had a brief moment...": the title's subject.

        ``opening`` is the text that may start with "Le réseau social..." (the summary, or the
        end of the title after a colon). The subject is the title's first name that no
        place-like preposition introduces ("on BookTok" is not one). When the title itself
        presented names, the summary can only confirm one of them ("Parvis revendique 300 000
        utilisateurs" + "Le réseau de quartier..."). In a shouted title, only its first word.
        """
        match = cues.ANAPHORA.match(opening)
        if not match or set(words(match.group("mods"))) & cues.FUNCTION_WORDS:
            return
        after = cues.complement(opening[match.end() :])
        strength = self._noun_strength(match.group("noun"), match.group("mods"), after)
        strength = min(strength, cues.ANAPHORA_STRONG)
        tokens = tokens_of(title)
        if is_all_caps(title):
            self._add_subject(title, tokens[:1], strength, in_title, caps=True)
            return
        folded = title.casefold()
        known = [p for p in (folded.find(name.casefold()) for name in in_title) if p >= 0]
        first_known = min(known, default=len(title))
        topic = cues.KICKER.match(title) if kicker else None
        topic_end = topic.end() if topic and _has_lowercase_word(topic.group("topic")) else 0
        for span in runs(title, tokens):
            if span[0].start < topic_end:
                continue
            if span[0].start > first_known:
                return
            if cues.PREPOSITION_BEFORE.search(title[: span[0].start]):
                continue
            if cues.POSSESSOR_OF_NAME.match(title[span[-1].end :]) and not any(
                name_key(t.text) in self.exclusions.catalogue for t in span
            ):
                continue  # "Flipboard's Surf": the possessor is not the subject
            if self._add_subject(title, span, strength, in_title, caps=False):
                return

    def _add_subject(
        self, title: str, span: list[Token], strength: float, in_title: set[str], *, caps: bool
    ) -> bool:
        """Record ``span`` as the title's subject; True when the search should stop there."""
        if not span:
            return True
        if (
            span[0].start == 0
            and len(span) == 1
            and cues.PREPOSITION_AFTER.match(title[span[0].end :])
        ):
            return False  # "Panne de Signal": a headline's first noun, not a name
        if any(name_key(t.text) in self.exclusions.catalogue for t in span):
            return True  # the summary speaks of a known platform
        accepted = self._accept(title, span, caps)
        if accepted is None:
            return False
        if accepted[1] not in self.vetoed and (not in_title or accepted[0] in in_title):
            self._add(accepted, strength, "anaphora")
        return True


def _rows_of_names(text: str, tokens: list[Token]) -> list[list[list[Token]]]:
    """Runs of names linked by commas, "et", "and"... ("Signal, Olvid, Threema et Tchap")."""
    rows: list[list[list[Token]]] = []
    current: list[list[Token]] = []
    previous_end = -1
    for span in runs(text, tokens):
        gap = text[previous_end : span[0].start] if previous_end >= 0 else ""
        if current and cues.LIST_LINK.fullmatch(gap):
            current.append(span)
        else:
            if len(current) > 1:
                rows.append(current)
            current = [span]
        previous_end = span[-1].end
    if len(current) > 1:
        rows.append(current)
    return rows


def _split_title(title: str) -> tuple[str, str, str]:
    """(head, separator, tail) of "Head : tail" or "Head – tail"; ("title", "", "") otherwise."""
    match = cues.TITLE_SPLIT.search(title)
    if not match:
        return title, "", ""
    return title[: match.start()], match.group(0), title[match.end() :]


def _is_adjective(token: str) -> bool:
    folded = token.casefold()
    return folded.endswith(cues.ADJECTIVE_SUFFIXES) or folded.startswith(cues.ADJECTIVE_PREFIXES)


def _non_social(text: str) -> bool:
    """Whether a description says the app is something else: an editor, a shop, a browser."""
    folded = text.casefold()
    return bool(set(words(text)) & lex.NON_SOCIAL_DESCRIPTORS) or (
        "seconde main" in folded or "second-hand" in folded
    )


def _has_lowercase_word(text: str) -> bool:
    return any(word.islower() for word in text.split())


def _best(mentions: list[Mention]) -> Mention:
    """One mention per key: the strongest cue, a little more when several kinds of cue agree."""
    best = max(mentions, key=lambda m: m.strength)
    kinds = {m.cue for m in mentions}
    strength = min(cues.STRONG, best.strength + AGREEMENT_BONUS * (len(kinds) - 1))
    return Mention(best.name, best.key, round(strength, 3), best.cue)


def find_mentions(title: str | None, summary: str | None, exclusions: Exclusions) -> list[Mention]:
    """The candidate networks named in one entry (title and summary), at most one per name."""
    return _EntryReader(exclusions, title or "", summary or "").read()
