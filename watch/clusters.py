"""Story clusters: the same story told by several outlets gets one ``cluster_id``.

Two entries from different sources are the same story when they are about a common platform,
were published within a few days of each other, and their headlines share enough content words
(or the same milestone figure). The number of sources in a cluster is corroboration for the
criteria engine. Matching uses an in-memory inverted index over recent entries, so a large
collect stays linear instead of comparing every pair.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache

from sqlmodel import Session, col, select

from watch.clock import ensure_utc
from watch.models import Entry

WINDOW = timedelta(days=3)
THRESHOLD = 0.34  # Jaccard of content words
MIN_SHARED = 2
COMMON_TOKEN = 60  # a word in more recent headlines than this says nothing about the story
RAREST = 4  # words of a headline used to look for candidates
STOPWORDS = frozenset(
    [
        "les",
        "des",
        "une",
        "pour",
        "sur",
        "dans",
        "avec",
        "sans",
        "par",
        "aux",
        "est",
        "sont",
        "plus",
        "que",
        "qui",
        "son",
        "ses",
        "leur",
        "leurs",
        "cette",
        "ces",
        "via",
        "pas",
        "tout",
        "tous",
        "toute",
        "après",
        "avant",
        "chez",
        "entre",
        "vers",
        "depuis",
        "comme",
        "aussi",
        "être",
        "été",
        "fait",
        "the",
        "and",
        "for",
        "with",
        "from",
        "into",
        "over",
        "than",
        "this",
        "that",
        "these",
        "its",
        "are",
        "was",
        "were",
        "has",
        "have",
        "will",
        "can",
        "new",
        "now",
        "its",
        "after",
        "before",
        "about",
        "more",
        "says",
        "said",
        "how",
        "why",
        "what",
        "who",
        "their",
        "your",
        "you",
        "our",
        "réseau",
        "social",
        "network",
        "app",
    ]
)
WORD = re.compile(r"[a-z0-9]+")


_FOLD = str.maketrans("àâäáãåçéèêëíìîïñóòôöõúùûüýÿœæ", "aaaaaaceeeeiiiinooooouuuuyyoa")


def _fold(text: str) -> str:
    folded = text.casefold().translate(_FOLD)
    if folded.isascii():
        return folded
    decomposed = unicodedata.normalize("NFKD", folded)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=4096)
def tokens(text: str) -> frozenset[str]:
    """Content words of a headline, accents folded, crude plural folding (cached: a new
    headline is matched, then added to the index)."""
    folded = _fold(text)
    words = set()
    for word in WORD.findall(folded):
        if len(word) < 3 or word in STOPWORDS:
            continue
        words.add(word[:-1] if len(word) > 4 and word.endswith("s") else word)
    return frozenset(words)


@dataclass
class _Known:
    cluster_id: str
    source_id: str | None
    published_at: datetime | None
    platforms: frozenset[str]
    words: frozenset[str]
    value: float | None


@dataclass
class ClusterIndex:
    """Recent entries by content word, loaded from the store once and kept up to date."""

    known: list[_Known] = field(default_factory=list)
    postings: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    loaded_from: datetime | None = None

    def ensure_loaded(self, session: Session, earliest: datetime) -> None:
        """Load stored entries published since ``earliest - WINDOW`` not loaded yet."""
        start = earliest - WINDOW
        if self.loaded_from is not None and start >= self.loaded_from:
            return
        query = (
            select(Entry)
            .where(col(Entry.cluster_id).is_not(None))
            .where(col(Entry.published_at) >= start)
        )
        if self.loaded_from is not None:
            query = query.where(col(Entry.published_at) < self.loaded_from)
        for entry in session.exec(query):
            self.add(
                entry.cluster_id or "",
                entry.source_id,
                entry.published_at,
                entry.platforms,
                entry.title,
                entry.value,
            )
        self.loaded_from = start

    def add(
        self,
        cluster_id: str,
        source_id: str | None,
        published_at: datetime | None,
        platforms: list[str],
        title: str,
        value: float | None,
    ) -> None:
        known = _Known(
            cluster_id,
            source_id,
            ensure_utc(published_at) if published_at else None,
            frozenset(platforms),
            tokens(title),
            value,
        )
        index = len(self.known)
        self.known.append(known)
        for word in known.words:
            self.postings[word].append(index)

    def match(
        self,
        source_id: str | None,
        published_at: datetime | None,
        platforms: list[str],
        title: str,
        value: float | None,
    ) -> str | None:
        """The cluster of the most similar recent story from another source, if any."""
        if published_at is None or not platforms:
            return None
        words = tokens(title)
        shared: dict[int, int] = defaultdict(int)
        # The rarest words find the candidates; common ones would only cost time.
        postings = sorted(
            (p for p in (self.postings.get(w) for w in words) if p and len(p) <= COMMON_TOKEN),
            key=len,
        )
        for posting in postings[:RAREST]:
            for index in posting:
                shared[index] += 1
        best, best_score = None, 0.0
        wanted = set(platforms)
        when = ensure_utc(published_at)
        for index, count in shared.items():
            other = self.known[index]
            same_figure = value is not None and other.value == value
            if count < MIN_SHARED and not same_figure:
                continue
            if other.source_id == source_id or not (other.platforms & wanted):
                continue
            if other.published_at is None or abs(other.published_at - when) > WINDOW:
                continue
            score = count / len(words | other.words) + (0.5 if same_figure else 0.0)
            if score >= THRESHOLD and score > best_score:
                best, best_score = other.cluster_id, score
        return best
