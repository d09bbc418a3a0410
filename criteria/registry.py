"""Declared criteria: a name, the evidence it reads, and a function from evidence to 0-100.

Built-in criteria register through :func:`criterion` exactly as a user's own would (import a
module that uses the decorator, then name the criterion in a profile). Nothing from a profile is
ever executed: a profile only names registered criteria and gives them weights and options.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from criteria.evidence import EvidenceSet, PlatformEvidence

# What a criterion may declare it reads (documentation and the report's method section).
EVIDENCE_KINDS = ("fact", "signal", "metric", "peer_presence", "catalogue", "profile", "status")


@dataclass(frozen=True)
class Result:
    """One criterion's verdict on one platform.

    ``score`` is None when the evidence is missing: the engine then applies the profile's
    missing-evidence policy instead of reading it as zero. ``observed_at`` is the date of the
    newest evidence used (None for timeless catalogue attributes), for the freshness part of
    confidence; the engine reads corroboration from the signals among ``evidence``.

    ``key_evidence``: ids among ``evidence`` that carry a figure the score is computed from (a
    milestone's user count...). The output lists a criterion's evidence up to the profile's
    ``evidence_per_criterion``; facts, metrics, catalogue entries and these key ids are always
    listed, counted items (news, peer presences) are listed most recent first.
    """

    score: float | None
    explanation_fr: str
    explanation_en: str
    evidence: tuple[str, ...] = ()
    observed_at: datetime | None = None
    detail: Mapping[str, Any] = field(default_factory=dict)
    key_evidence: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.score is not None and not 0.0 <= self.score <= 100.0:
            raise ValueError(f"criterion score out of range: {self.score}")


def missing(fr: str, en: str, **detail: Any) -> Result:
    """A result that says plainly that the evidence is not there."""
    return Result(None, fr, en, detail=detail)


@dataclass(frozen=True)
class Context:
    """What a criterion sees besides its platform: the whole evidence set and its options."""

    evidence: EvidenceSet
    options: Mapping[str, Any]
    audiences: Mapping[str, float]
    age_groups: Mapping[str, tuple[str, ...]]

    @property
    def as_of(self) -> datetime:
        return self.evidence.as_of


Scorer = Callable[["PlatformEvidence", Context], Result]


@dataclass(frozen=True)
class Criterion:
    name: str
    reads: tuple[str, ...]
    title_fr: str
    title_en: str
    scorer: Scorer
    defaults: Mapping[str, Any] = field(default_factory=dict)

    def score(self, platform: PlatformEvidence, context: Context) -> Result:
        return self.scorer(platform, context)


_REGISTRY: dict[str, Criterion] = {}


def criterion(
    name: str,
    *,
    reads: tuple[str, ...],
    title_fr: str,
    title_en: str,
    defaults: Mapping[str, Any] | None = None,
) -> Callable[[Scorer], Scorer]:
    """Register ``func(platform, context) -> Result`` as the criterion ``name``.

    ``defaults`` are the options a profile may override under ``[criteria.<name>]``; any other
    option key is rejected when the profile is loaded.
    """
    unknown = set(reads) - set(EVIDENCE_KINDS)
    if unknown:
        raise ValueError(f"criterion {name!r} reads unknown evidence kinds: {sorted(unknown)}")

    def register(func: Scorer) -> Scorer:
        if name in _REGISTRY and _REGISTRY[name].scorer is not func:
            raise ValueError(f"criterion {name!r} is already registered")
        _REGISTRY[name] = Criterion(name, reads, title_fr, title_en, func, dict(defaults or {}))
        return func

    return register


PLUGIN_GROUP = "vigie.criteria"
_plugins_loaded = False


def _load_plugins() -> None:
    """Import the modules that installed packages declare in the ``vigie.criteria`` entry-point
    group: installing a package is the explicit act that adds criteria, never a profile."""
    global _plugins_loaded
    if _plugins_loaded:
        return
    _plugins_loaded = True
    from importlib.metadata import entry_points

    for entry in entry_points(group=PLUGIN_GROUP):
        entry.load()


def registry() -> dict[str, Criterion]:
    """Every registered criterion: the built-ins, then those of installed plugins."""
    import criteria.builtin  # noqa: F401 - registers the built-ins

    _load_plugins()
    return dict(_REGISTRY)


def get(name: str) -> Criterion:
    found = registry().get(name)
    if found is None:
        raise KeyError(name)
    return found
