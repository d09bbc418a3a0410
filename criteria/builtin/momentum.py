"""``momentum``: is attention to the platform growing or fading, over recent quarters?

Four independent readings, each a ratio "recent window / the window before" mapped to 0-100
(flat = 50): Wikipedia pageviews, App Store rank in France, user figures (metrics and milestone
signals), and the volume of news signals. The score is their plain mean; each reading is shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from criteria.builtin._common import days_between, names_platform, ratio_score, scope_of
from criteria.evidence import MetricRow, PlatformEvidence
from criteria.registry import Context, Result, criterion, missing

USER_METRICS = ("users.total", "users.active_month")
USER_UNITS = ("users", "mau", "accounts")


@dataclass(frozen=True)
class Reading:
    name: str
    ratio: float
    evidence: tuple[str, ...]
    observed_at: datetime
    fr: str
    en: str


def _stale(rows: Sequence[MetricRow], as_of: datetime, stale_days: int) -> bool:
    return not rows or days_between(rows[-1].end, as_of) > stale_days


def pageviews(platform: PlatformEvidence, as_of: datetime, options: dict) -> Reading | None:
    for name in ("pageviews.fr", "pageviews.en"):
        rows = [m for m in platform.metrics.get(name, []) if m.value is not None]
        if len(rows) < 2 or _stale(rows, as_of, options["stale_days"]):
            continue
        n = min(options["pageview_months"], len(rows) // 2)
        recent, before = rows[-n:], rows[-2 * n : -n]
        total_before = sum(m.value or 0.0 for m in before)
        if total_before <= 0:
            continue
        ratio = sum(m.value or 0.0 for m in recent) / total_before
        lang = name.rsplit(".", 1)[1]
        span = f"{recent[0].period}..{recent[-1].period} / {before[0].period}..{before[-1].period}"
        return Reading(
            name,
            ratio,
            tuple(f"metric:{m.id}" for m in (*before, *recent)),
            recent[-1].end,
            f"vues Wikipédia ({lang}) ×{ratio:.2f} ({span})",
            f"Wikipedia views ({lang}) ×{ratio:.2f} ({span})",
        )
    return None


def app_rank(platform: PlatformEvidence, as_of: datetime, options: dict) -> Reading | None:
    # A rank is 1 or more; a NULL value (detail {"in_chart": false}) is outside the chart.
    rows = [m for m in platform.metrics.get("app_rank.fr", []) if m.value is None or m.value >= 1]
    if len(rows) < 2 or _stale(rows, as_of, options["stale_days"]):
        return None
    ranked = [m.value for m in rows if m.value is not None and m.in_chart]
    if not ranked:
        return None
    # Outside the chart: one place below the lowest rank ever observed for this chart (the
    # loader may read only recent ranks, with the largest older one aside).
    older = platform.metric_max_before.get("app_rank.fr")
    outside = max(ranked + ([older] if older is not None and older >= 1 else [])) + 1
    window = timedelta(days=options["rank_days"])
    last = rows[-1].end
    recent = [m for m in rows if m.end > last - window]
    before = [m for m in rows if last - 2 * window < m.end <= last - window]
    if not before:
        return None

    def mean_rank(items: list[MetricRow]) -> float:
        values = [m.value if (m.value is not None and m.in_chart) else outside for m in items]
        return sum(values) / len(values)

    old, new = mean_rank(before), mean_rank(recent)
    ratio = old / new
    return Reading(
        "app_rank.fr",
        ratio,
        (f"metric:{before[-1].id}", f"metric:{recent[-1].id}"),
        last,
        f"rang App Store France moyen {old:.0f} → {new:.0f}",
        f"mean App Store France rank {old:.0f} → {new:.0f}",
    )


def user_figures(platform: PlatformEvidence, as_of: datetime, options: dict) -> Reading | None:
    """Growth per quarter between the latest figure of one kind and the latest one 30 to
    ``span_days`` days before it (a growth measured over a longer span says little about the
    current trend).

    A kind is a metric, or a milestone unit and scope (France or worldwide); milestones whose
    title does not name the platform are left out."""
    series: dict[str, list[tuple[datetime, float, str]]] = {}
    for name in USER_METRICS:
        for m in platform.metrics.get(name, []):
            if m.value is not None and m.value > 0 and not m.subject:
                series.setdefault(name, []).append((m.end, m.value, f"metric:{m.id}"))
    for s in platform.of_kinds(("milestone",)):
        if s.kind == "milestone" and s.value is not None and s.value > 0 and s.unit in USER_UNITS:
            if not names_platform(platform, s.title):
                continue  # about another network or an account attached to this one
            # France-only and worldwide figures are separate series: 3 M accounts in France
            # then 13 M worldwide is not a x4 growth.
            key = f"signal.{s.unit}.{scope_of(s.title)}"
            series.setdefault(key, []).append((s.date, s.value, f"signal:{s.id}"))
    best: Reading | None = None
    for points in series.values():
        points.sort()
        latest = points[-1]
        if days_between(latest[0], as_of) > options["stale_days"]:
            continue
        earlier = [p for p in points if 30 <= days_between(p[0], latest[0]) <= options["span_days"]]
        if not earlier:
            continue
        first = earlier[-1]
        days = days_between(first[0], latest[0])
        ratio = (latest[1] / first[1]) ** (91.25 / days)
        reading = Reading(
            "users",
            ratio,
            (first[2], latest[2]),
            latest[0],
            f"utilisateurs {first[1]:,.0f} → {latest[1]:,.0f} en {days:.0f} jours "
            f"(×{ratio:.2f} par trimestre)".replace(",", " "),
            f"users {first[1]:,.0f} → {latest[1]:,.0f} in {days:.0f} days "
            f"(×{ratio:.2f} per quarter)",
        )
        if best is None or reading.observed_at > best.observed_at:
            best = reading
    return best


def signal_volume(platform: PlatformEvidence, as_of: datetime, options: dict) -> Reading | None:
    """News items of the last ``signal_days`` against the ``signal_days`` before: a count
    (counted in SQL on a large store), so no single item is cited for it."""
    days = float(options["signal_days"])
    recent, _ = platform.news_within(days, as_of)
    both, newest_both = platform.news_within(2 * days, as_of)
    before = both - recent
    if not both:
        return None
    # +1 on both sides: one article more or less must not swing the reading to an extreme.
    ratio = (recent + 1) / (before + 1)
    shown = options["signal_days"]
    return Reading(
        "signals",
        ratio,
        (),
        newest_both or as_of,
        f"{recent} articles sur {shown} jours contre {before} avant",
        f"{recent} news items in {shown} days against {before} before",
    )


READERS = (pageviews, app_rank, user_figures, signal_volume)


@criterion(
    "momentum",
    reads=("metric", "signal"),
    title_fr="Dynamique",
    title_en="Momentum",
    defaults={
        "pageview_months": 3,
        "rank_days": 90,
        "signal_days": 90,
        "stale_days": 365,
        "span_days": 730,
    },
)
def momentum(platform: PlatformEvidence, context: Context) -> Result:
    options = dict(context.options)
    readings = [r for read in READERS if (r := read(platform, context.as_of, options))]
    if not readings:
        return missing(
            "Ni audience Wikipédia, ni rang App Store, ni chiffres d'utilisateurs, ni articles "
            "récents : tendance inconnue.",
            "No Wikipedia views, App Store rank, user figures or recent news: trend unknown.",
        )
    scores = {r.name: ratio_score(r.ratio) for r in readings}
    score = sum(scores.values()) / len(scores)
    fr = "Tendance (1 = stable) : " + "; ".join(r.fr for r in readings) + "."
    en = "Trend (1 = flat): " + "; ".join(r.en for r in readings) + "."
    evidence = tuple(dict.fromkeys(e for r in readings for e in r.evidence))
    return Result(
        score,
        fr,
        en,
        evidence=evidence,
        observed_at=max(r.observed_at for r in readings),
        detail={"ratios": {r.name: round(r.ratio, 4) for r in readings}, "readings": scores},
        # The user figures compared are figures, not counted news: always listed.
        key_evidence=tuple(e for r in readings if r.name == "users" for e in r.evidence),
    )
