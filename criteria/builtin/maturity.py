"""``maturity``: age, scale and stability (shutdown and outage news).

Age comes from the catalogue's launch year; scale from a robust user figure on a log scale;
shutdown and outage news subtract points, decayed with age.

The scale figure is *not* simply the latest one: a news item about a city's channel "passing
8,000 subscribers" may be attached to a network and read as its user count. Among the user or
visitor figures of the last ``figure_days`` (metrics, milestone signals, cited facts), figures
that are implausibly small are set aside — below the bottom of the scale for a platform launched
``established_years`` ago or more, or ``implausible_ratio`` times smaller than the median of its
other figures — then the largest remaining figure is used, taken from vouched evidence (a
collected metric, a cited fact, or a news story told by two items) when there is some.
"""

from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass
from datetime import datetime

from criteria.builtin._common import clamp, days_between, decay, fact_date, names_platform
from criteria.evidence import PlatformEvidence
from criteria.horizons import OUTAGE_WORDS
from criteria.registry import Context, Result, criterion, missing

# Whole words, ASCII letters in any case (the loader asks the store for titles containing them).
OUTAGE = re.compile(r"\b(?a:(?i:" + "|".join(OUTAGE_WORDS) + r"))\b")
SCALE_FACTS = ("monthly_visitors", "daily_visitors", "users_after_launch")
SCALE_METRICS = ("users.total", "users.active_month")
SCALE_UNITS = ("users", "mau", "dau", "accounts")


# How a figure is vouched for, by evidence kind ("" = a single news item).
HOW = {
    "fact": ("étude citée", "cited study"),
    "metric": ("série collectée", "collected series"),
    "signal": ("annonce recoupée par deux articles", "story told by two news items"),
    "": ("un seul article", "a single news item"),
}


@dataclass(frozen=True)
class Figure:
    """One user or visitor figure and where it comes from."""

    value: float
    evidence: str
    date: datetime
    vouched: bool  # a collected metric, a cited fact, or a story told by two items
    year_only: bool = False  # a cited study, dated by its year only


def _in_window(figure: Figure, as_of: datetime, days: int) -> bool:
    """Recent enough; a study dated by its year counts while any day of that year is."""
    if figure.year_only:
        return days_between(figure.date.replace(month=12, day=31), as_of) <= days
    return days_between(figure.date, as_of) <= days


@dataclass(frozen=True)
class ScaleChoice:
    used: Figure | None  # None when every figure was set aside
    considered: int  # figures in the window
    set_aside: tuple[Figure, ...]  # implausibly small ones
    in_window: bool
    larger_unvouched: int = 0  # larger figures passed over: single, uncorroborated news items


def unnamed_figures(platform: PlatformEvidence, as_of: datetime, days: int) -> list[str]:
    """Milestone figures of the last ``days`` attached to the platform whose title does not
    name it (ignored)."""
    return [
        f"signal:{s.id}"
        for s in platform.of_kinds(("milestone",))
        if s.kind == "milestone"
        and s.value
        and s.unit in SCALE_UNITS
        and days_between(s.date, as_of) <= days
        and not names_platform(platform, s.title)
    ]


def user_figures(platform: PlatformEvidence) -> list[Figure]:
    """Every user or visitor figure known for the platform."""
    found: list[Figure] = []
    for name in SCALE_METRICS:
        for m in platform.metrics.get(name, []):
            if m.value is not None and m.value > 0 and not m.subject:
                found.append(Figure(m.value, f"metric:{m.id}", m.end, True))
    # Story sizes over the whole history (the engine reads only recent news besides the
    # milestones); counted here when the evidence was built without them (tests).
    clusters = platform.cluster_sizes
    if not clusters:
        clusters = {}
        for s in platform.signals:
            if s.cluster_id:
                clusters[s.cluster_id] = clusters.get(s.cluster_id, 0) + 1
    for s in platform.of_kinds(("milestone",)):
        if s.kind == "milestone" and s.value is not None and s.value > 0 and s.unit in SCALE_UNITS:
            if not names_platform(platform, s.title):
                continue  # about another network or an account (counted in unnamed_figures)
            told_twice = clusters.get(s.cluster_id or "", 0) >= 2
            found.append(Figure(s.value, f"signal:{s.id}", s.date, told_twice))
    for f in platform.facts:
        if f.key in SCALE_FACTS and f.number is not None and f.number > 0:
            found.append(Figure(f.number, f"fact:{f.ref}", fact_date(f.year), True, True))
    return found


def _median_without(ordered: list[float], value: float) -> float:
    """``statistics.median`` of ``ordered`` (sorted) with one occurrence of ``value`` removed,
    without copying: a ten-year store can hold thousands of figures per platform."""
    skip = bisect.bisect_left(ordered, value)
    size = len(ordered) - 1

    def at(index: int) -> float:
        return ordered[index] if index < skip else ordered[index + 1]

    if size % 2:
        return at(size // 2)
    return (at(size // 2 - 1) + at(size // 2)) / 2


def _implausible(figure: Figure, ordered: list[float], established: bool, options: dict) -> bool:
    """Below the scale for an established platform, or ``implausible_ratio`` times smaller
    than the median of the other figures (``ordered``: every figure's value, sorted)."""
    if established and figure.value < options["scale_bounds"][0]:
        return True
    if len(ordered) < 2:
        return False
    return figure.value * options["implausible_ratio"] < _median_without(ordered, figure.value)


def choose_scale(platform: PlatformEvidence, as_of: datetime, options: dict) -> ScaleChoice | None:
    """The user figure the scale is read from (see the module docstring); None: no figure."""
    figures = user_figures(platform)
    if not figures:
        return None
    launched = platform.info.launched
    established = launched is not None and as_of.year - launched >= options["established_years"]
    recent = [f for f in figures if _in_window(f, as_of, options["figure_days"])]
    pool, in_window = (recent, True) if recent else (figures, False)
    ordered = sorted(f.value for f in pool)
    credible = [f for f in pool if not _implausible(f, ordered, established, options)]
    kept = {id(f) for f in credible}
    set_aside = tuple(f for f in pool if id(f) not in kept)
    if not credible:
        return ScaleChoice(None, len(pool), set_aside, in_window)
    if not in_window:
        used = max(credible, key=lambda f: (f.date, f.value))  # nothing recent: the newest
        return ScaleChoice(used, len(pool), set_aside, in_window)
    used = max([f for f in credible if f.vouched] or credible, key=lambda f: (f.value, f.date))
    larger = sum(1 for f in credible if f.value > used.value)
    return ScaleChoice(used, len(pool), set_aside, in_window, larger)


def _number(value: float) -> str:
    return f"{value:,.0f}".replace(",", " ")


def _scale_text(choice: ScaleChoice, options: dict, launched: int | None) -> tuple[str, str]:
    """Which figure was used and why, and which were set aside."""
    fr: list[str] = []
    en: list[str] = []
    used = choice.used
    if used is not None:
        day = str(used.date.year) if used.year_only else used.date.date().isoformat()
        if not choice.in_window:
            fr.append(f"{_number(used.value)} utilisateurs ou visiteurs (dernier chiffre connu, "
                      f"{day}, plus de {options['figure_days']} jours)")  # fmt: skip
            en.append(f"{_number(used.value)} users or visitors (last known figure, {day}, over "
                      f"{options['figure_days']} days old)")  # fmt: skip
        else:
            how_fr, how_en = HOW[used.evidence.partition(":")[0] if used.vouched else ""]
            best_fr = "plus grand chiffre recoupé ou cité" if used.vouched else "plus grand chiffre"
            best_en = "largest corroborated or cited figure" if used.vouched else "largest figure"
            fr.append(f"{_number(used.value)} utilisateurs ou visiteurs ({day}, {how_fr} ; "
                      f"{best_fr} parmi {choice.considered} des {options['figure_days']} "
                      f"derniers jours)")  # fmt: skip
            en.append(f"{_number(used.value)} users or visitors ({day}, {how_en}; {best_en} "
                      f"of {choice.considered} in the last {options['figure_days']} days)")  # fmt: skip
            if choice.larger_unvouched:
                fr.append(f"{choice.larger_unvouched} chiffre(s) plus élevé(s) tiré(s) d'un seul "
                          "article non recoupé, non retenu(s)")  # fmt: skip
                en.append(f"{choice.larger_unvouched} larger figure(s) from a single "
                          "uncorroborated news item not used")  # fmt: skip
    if choice.set_aside:
        values = ", ".join(_number(f.value) for f in choice.set_aside)
        floor = _number(options["scale_bounds"][0])
        since = f"lancé en {launched}" if launched else "sans date de lancement"
        since_en = f"launched in {launched}" if launched else "no launch year"
        fr.append(f"chiffre(s) écarté(s) comme invraisemblables : {values} (sous {floor} pour un "
                  f"réseau établi, {since}, ou {options['implausible_ratio']:g} fois moins que "
                  f"ses autres chiffres)")  # fmt: skip
        en.append(f"figure(s) set aside as implausible: {values} (below {floor} for an "
                  f"established network, {since_en}, or {options['implausible_ratio']:g} times "
                  f"below its other figures)")  # fmt: skip
    return "; ".join(fr), "; ".join(en)


@criterion(
    "maturity",
    reads=("catalogue", "metric", "signal", "fact"),
    title_fr="Maturité",
    title_en="Maturity",
    defaults={
        "full_age_years": 10,
        "scale_bounds": [1e5, 1e9],
        "shutdown_penalty": 50.0,
        "outage_penalty": 10.0,
        "half_life_days": 365,
        "figure_days": 730,
        "established_years": 5,
        "implausible_ratio": 100.0,
    },
)
def maturity(platform: PlatformEvidence, context: Context) -> Result:
    options = context.options
    info = platform.info
    parts: dict[str, float] = {}
    fr, en, evidence = [], [], []
    key: list[str] = []
    observed = None
    if info.launched:
        age = max(context.as_of.year - info.launched, 0)
        parts["age"] = clamp(age / options["full_age_years"] * 100)
        fr.append(f"lancé en {info.launched} ({age} ans)")
        en.append(f"launched in {info.launched} ({age} years)")
        evidence.append(f"platform:{info.slug}")
    choice = choose_scale(platform, context.as_of, dict(options))
    scale_detail: dict[str, object] = {}
    if choice is not None:
        text_fr, text_en = _scale_text(choice, options, info.launched)
        fr.append(text_fr)
        en.append(text_en)
        if choice.used is not None:
            used = choice.used
            low, high = (math.log10(b) for b in options["scale_bounds"])
            parts["scale"] = clamp((math.log10(used.value) - low) / (high - low) * 100)
            evidence.append(used.evidence)
            key.append(used.evidence)
            observed = used.date
            scale_detail["figure"] = {"value": used.value, "evidence": used.evidence,
                                      "vouched": used.vouched, "in_window": choice.in_window}  # fmt: skip
        scale_detail["set_aside"] = [
            {"value": f.value, "evidence": f.evidence} for f in choice.set_aside
        ]
    unnamed = unnamed_figures(platform, context.as_of, options["figure_days"])
    if unnamed:
        fr.append(f"{len(unnamed)} chiffre(s) d'articles qui ne nomment pas {info.name} ignoré(s)")
        en.append(f"{len(unnamed)} figure(s) from news items not naming {info.name} ignored")
        scale_detail["not_naming_platform"] = unnamed
    if not parts:
        return missing(
            "Ni année de lancement ni chiffre d'utilisateurs crédible.",
            "Neither a launch year nor a credible user figure.",
            **scale_detail,
        )
    penalty = 0.0
    for s in platform.of_kinds(("shutdown", "risk")):
        if s.kind == "shutdown":
            weight = options["shutdown_penalty"]
        elif s.kind == "risk" and OUTAGE.search(s.title):
            weight = options["outage_penalty"]
        else:
            continue
        points = weight * decay(days_between(s.date, context.as_of), options["half_life_days"])
        if points >= 0.5:
            penalty += points
            evidence.append(f"signal:{s.id}")
            observed = s.date if observed is None else max(observed, s.date)
    score = clamp(sum(parts.values()) / len(parts) - penalty)
    if penalty:
        fr.append(f"annonces de fermeture ou pannes : −{penalty:.0f} points")
        en.append(f"shutdown or outage news: −{penalty:.0f} points")
    return Result(
        score,
        "Maturité : " + "; ".join(t for t in fr if t) + ".",
        "Maturity: " + "; ".join(t for t in en if t) + ".",
        evidence=tuple(evidence),
        observed_at=observed,
        detail={"parts": parts, "penalty": round(penalty, 2), **scale_detail},
        key_evidence=tuple(key),
    )
