"""Signal extraction: which platforms a news item is about, what kind of news, which figure.

Usable without Scrapy or a database: ``analyse(title, summary)`` works on plain text with the
packaged catalogue, or with ``catalogue={slug: aliases}`` (the store's platforms, user-added
ones included).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from watch.extract.figures import bare_figure, find_figures
from watch.extract.kinds import classify
from watch.extract.language import detect_language
from watch.extract.mentions import Matcher, compile_catalogue, mentions

__all__ = ["Analysis", "analyse", "compile_catalogue", "default_catalogue"]


@dataclass(frozen=True)
class Analysis:
    """What an entry says: platforms (subjects), kind, milestone value and unit, language."""

    platforms: list[str] = field(default_factory=list)
    kind: str = "other"
    value: float | None = None
    unit: str | None = None
    language: str | None = None

    def __reduce__(self) -> tuple[type[Analysis], tuple[Any, ...]]:
        # Analyses cross the process boundary with every entry a parse worker reads: a plain
        # tuple of fields pickles several times faster than the generic dataclass state.
        return Analysis, (self.platforms, self.kind, self.value, self.unit, self.language)


LEDE = 400  # characters of a summary that are read: the lede says what the entry is about


def lede(summary: str, limit: int = LEDE) -> str:
    """The opening of a summary, cut at a sentence end when there is one: platforms named deep
    in a long article are rarely its subject, and reading less keeps collection fast."""
    if len(summary) <= limit:
        return summary
    head = summary[:limit]
    end = max(head.rfind(". "), head.rfind("! "), head.rfind("? "))
    return head[: end + 1] if end > limit // 3 else head


@cache
def default_catalogue() -> dict[str, tuple[str, ...]]:
    """``{slug: names}`` of the packaged platform catalogue."""
    from watch.catalogue import platform_entries

    return {p.slug: tuple({p.name, *p.aliases}) for p in platform_entries()}


def analyse(
    title: str,
    summary: str | None = None,
    *,
    language: str | None = None,
    catalogue: Mapping[str, Iterable[str]] | None = None,
    bound_platform: str | None = None,
    matcher: Matcher | None = None,
) -> Analysis:
    """Analyse one entry; a source bound to a platform (its own blog) attributes it there.

    ``matcher``: the catalogue already compiled (:func:`compile_catalogue`), for callers that
    analyse many entries with one catalogue (it replaces ``catalogue``)."""
    title = title or ""
    summary = lede(summary or "")
    if matcher is None:
        matcher = compile_catalogue(catalogue if catalogue is not None else default_catalogue())
    platforms = mentions(title, summary, matcher)
    if bound_platform and bound_platform not in platforms:
        platforms.insert(0, bound_platform)
    title_figures = find_figures(title)
    figures = title_figures or find_figures(summary)
    kind = classify(title, summary, has_figure=bool(figures), title_figure=bool(title_figures))
    if kind == "other" or not figures:
        bare = bare_figure(title)
        if bare is not None and kind in ("other", "milestone"):
            figures, kind = [bare], "milestone"
    value = unit = None
    if kind == "milestone" and figures:
        value, unit = figures[0].value, figures[0].unit
    detected = language or detect_language(f"{title} {summary}")
    return Analysis(platforms=platforms, kind=kind, value=value, unit=unit, language=detected)
