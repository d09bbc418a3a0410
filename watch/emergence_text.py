"""Text basics of the emergence watch: normalised names, clean text, tokens and name spans.

A *span* is the run of tokens that can be a network's name next to a cue ("Noplace" before ", le
nouveau réseau social"; "Hive Social" before " shuts down its Twitter alternative"): at most three
capitalised tokens (or camel case, or digits), one space apart, with the generic words around them
trimmed. In an all-caps headline capitals say nothing, so a span is one token there.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from watch import emergence_lexicon as lex

MAX_NAME_TOKENS = 3

_TOKEN = re.compile(r"[^\W_](?:[\w+&]|[.\-](?=[^\W_]))*")
_SPACES = re.compile(r"\s+")
_QUOTES = {"’": "'", "‘": "'", "ʼ": "'", "`": "'", "“": '"', "”": '"', "«": '"', "»": '"',
           "\u00a0": " ", "\u202f": " ", "\u2009": " "}  # fmt: skip
_WORDS = re.compile(r"[\w'\-]+")
# Words that keep a name going ("Truth Social", "Post News", "Mighty Networks") after a real word.
_NAME_TAILS = frozenset({"social", "sociale", "news", "network", "networks", "app"})
_GENERATIONS = frozenset({"gen", "generation"})


@lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """The normalised form names are compared and stored under (``candidate.key``).

    Accents, case and every character that is not a letter or digit are dropped, so that
    "Noplace", "NOPLACE", "noplace!" and "Friend.tech"/"friendtech" meet.
    """
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed.casefold() if c.isalnum())


class _Cleaner(dict[int, str | None]):
    """A ``str.translate`` table built as characters are met: typographic quotes and odd
    spaces unified; emoji, symbols and control or format characters become spaces."""

    def __missing__(self, codepoint: int) -> str | None:
        char = chr(codepoint)
        category = unicodedata.category(char)
        if char in _QUOTES:
            result: str | None = _QUOTES[char]
        elif (
            category in ("Cc", "Cf", "Cs", "Co")
            or (category[0] == "S" and char not in "+&")
            or "\ufe00" <= char <= "\ufe0f"  # emoji presentation selectors
        ):
            result = " "
        else:
            result = char
        self[codepoint] = result
        return result


_CLEANER = _Cleaner()


def clean_text(text: str | None) -> str:
    """One line of plain text: typographic quotes unified, emoji and symbols dropped."""
    if not text:
        return ""
    return squash(unicodedata.normalize("NFC", text).translate(_CLEANER))


def squash(text: str) -> str:
    """Whitespace runs as one space."""
    return _SPACES.sub(" ", text).strip()


def is_all_caps(text: str) -> bool:
    """Whether a headline is shouted: capitals then say nothing about what is a name."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 8 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def words(text: str) -> list[str]:
    """The words of ``text``, case-folded (apostrophes and hyphens kept inside words)."""
    return [w.casefold() for w in _WORDS.findall(text)]


@dataclass(frozen=True)
class Token:
    """A word of the text with its position."""

    start: int
    end: int
    text: str


def tokens_of(text: str) -> list[Token]:
    return [Token(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]


def name_like(token: Token, caps: bool) -> bool:
    """Capitalised, camel case or starting with a digit (anything with a letter when shouted)."""
    text = token.text
    if not any(c.isalpha() for c in text):
        return False
    if caps:
        return True
    first = text[0]
    return first.isupper() or first.isdigit() or any(c.isupper() for c in text[1:])


def trim(span: list[Token]) -> list[Token]:
    """Drop generic words around a name; keep "Social" in "Truth Social" (after a real word).

    "Gen Z" and "Gen Alpha" are generations, and a lone letter left over is no name.
    """
    original = len(span)
    span = list(span)
    while span and name_key(span[0].text) in lex.GENERIC_WORDS:
        if name_key(span.pop(0).text) in _GENERATIONS:
            return []
    while span and name_key(span[-1].text) in lex.GENERIC_WORDS:
        if (
            name_key(span[-1].text) in _NAME_TAILS
            and len(span) > 1
            and span[-1].text[0].isupper()
            and name_key(span[-2].text) not in lex.GENERIC_WORDS
        ):
            break
        span.pop()
    if len(span) == 1 and len(span[0].text) == 1 and original > 1:
        return []
    return span


def left_span(text: str, tokens: list[Token], pos: int, caps: bool) -> list[Token]:
    """The name ending right before ``pos`` (only spaces or a closing quote between).

    The title's very first token may be lowercase: brands such as "noplace" start headlines.
    """
    index = next((i for i in range(len(tokens) - 1, -1, -1) if tokens[i].end <= pos), None)
    if index is None or text[tokens[index].end : pos].strip(' "'):
        return []
    limit = 1 if caps else MAX_NAME_TOKENS
    span: list[Token] = []
    while index >= 0 and len(span) < limit:
        token = tokens[index]
        lowercase_opening = index == 0 and not span and not caps
        if not (name_like(token, caps) or lowercase_opening):
            break
        if span and text[token.end : span[0].start] != " ":
            break
        span.insert(0, token)
        index -= 1
    return trim(span)


def right_span(text: str, tokens: list[Token], pos: int, caps: bool) -> list[Token]:
    """The name starting at ``pos`` (only spaces or a quote before it)."""
    index = next((i for i, t in enumerate(tokens) if t.start >= pos), None)
    if index is None or text[pos : tokens[index].start].strip(' "'):
        return []
    limit = 1 if caps else MAX_NAME_TOKENS
    span: list[Token] = []
    while index < len(tokens) and len(span) < limit:
        token = tokens[index]
        if not name_like(token, caps):
            break
        if span and text[span[-1].end : token.start] != " ":
            break
        span.append(token)
        index += 1
    return trim(span)


def runs(text: str, tokens: list[Token]) -> Iterator[list[Token]]:
    """Every maximal run of name-like tokens of a (mixed-case) text, generic words trimmed."""
    run: list[Token] = []
    for token in [*tokens, None]:
        if (
            token is not None
            and name_like(token, False)
            and (not run or text[run[-1].end : token.start] == " ")
            and len(run) < MAX_NAME_TOKENS
        ):
            run.append(token)
            continue
        trimmed = trim(run)
        if trimmed:
            yield trimmed
        run = [token] if token is not None and name_like(token, False) else []
