"""The report's charts, drawn with matplotlib's object API (``Figure``, never pyplot state).

Charts are deterministic for the same data: fixed fonts and sizes, a fixed ``svg.hashsalt``,
no creation date in the metadata, so two runs give byte-identical SVG and PNG. Colours follow
the Okabe-Ito palette (safe for colour-blind readers) and every verdict also has its own marker
shape, so no information rests on colour alone.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Callable, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any

import matplotlib
from matplotlib.figure import Figure
from matplotlib.ticker import EngFormatter, MaxNLocator

OKABE_ITO = {
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "black": "#000000",
    "grey": "#999999",
}
VERDICT_STYLE = {
    "join": (OKABE_ITO["green"], "o"),
    "pilot": (OKABE_ITO["sky"], "s"),
    "watch": (OKABE_ITO["orange"], "D"),
    "decline": (OKABE_ITO["vermillion"], "X"),
    "keep": (OKABE_ITO["blue"], "o"),
    "reduce": (OKABE_ITO["purple"], "s"),
    "leave": (OKABE_ITO["vermillion"], "X"),
}
RINGS_NEW = ("join", "pilot", "watch", "decline")
RINGS_JOINED = ("keep", "reduce", "leave")
# Ring edges (radius): the inner rings are wider because they matter most and are smaller.
RING_BOUNDS = {4: (0.0, 1.45, 2.4, 3.25, 4.0), 3: (0.0, 1.7, 2.95, 4.0)}
SERIES_COLOURS = (OKABE_ITO["blue"], OKABE_ITO["orange"], OKABE_ITO["green"], OKABE_ITO["purple"])
STYLE = {
    "svg.hashsalt": "vigie-report",
    "svg.fonttype": "none",
    "font.family": ["DejaVu Sans"],
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.edgecolor": "#555555",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "path.simplify": True,
}
Translate = Callable[..., str]


@contextmanager
def chart_style() -> Any:
    """Fixed style for drawing and saving (rc_context restores the caller's settings)."""
    with matplotlib.rc_context(STYLE):
        yield


def plain(text: str) -> str:
    """A label matplotlib shows literally: ``$`` would otherwise start mathtext."""
    return str(text).replace("$", r"\$")


def _panel_title(ax: Any, text: str) -> None:
    """A title as plain text above the axes (``set_title`` re-measures every tick label)."""
    ax.text(0, 1.04, plain(text), transform=ax.transAxes, fontsize=8.5, color="#333333")


# ---------------------------------------------------------------- verdict map


def _ring_positions(count: int, start: float, stop: float) -> list[float]:
    """Angles (degrees) spreading ``count`` points over a sector, away from its edges."""
    if count <= 1:
        return [(start + stop) / 2] * count
    step = (stop - start) / count
    return [start + step * (i + 0.5) for i in range(count)]


def verdict_map(platforms: Sequence[Mapping[str, Any]], t: Translate) -> Figure:
    """A radar in two halves: not joined on the left (join at the centre), joined on the right.

    Each point carries the platform's rank in the summary table (names of 25 platforms do not
    fit legibly; the key goes under the chart). Within a ring, platforms are ordered by total
    from the top down. Ring labels sit on the vertical axis, where no platform is drawn.
    """
    fig = Figure(figsize=(7.6, 6.6))
    ax = fig.add_axes((0.01, 0.01, 0.98, 0.92))
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_xlim(-4.6, 4.6)
    ax.set_ylim(-4.3, 4.4)
    halves = ((RINGS_NEW, 120.0, 240.0, False), (RINGS_JOINED, -60.0, 60.0, True))
    for rings, start, stop, joined in halves:
        bounds = RING_BOUNDS[len(rings)]
        for index, verdict in enumerate(rings):
            inner, outer = bounds[index], bounds[index + 1]
            lo, hi = (90.0, 270.0) if not joined else (-90.0, 90.0)
            theta = [math.radians(lo + (hi - lo) * k / 90) for k in range(91)]
            ax.plot(
                [outer * math.cos(a) for a in theta],
                [outer * math.sin(a) for a in theta],
                color="#999999",
                linewidth=0.8,
            )
            for y in (outer - 0.2, -(outer - 0.2)):
                ax.text(
                    0.08 if joined else -0.08,
                    y,
                    plain(t(f"verdict.{verdict}")),
                    ha="left" if joined else "right",
                    va="center",
                    fontsize=7.5,
                    color="#444444",
                    fontweight="bold",
                )
            members = sorted(
                (p for p in platforms if p["joined"] == joined and p["verdict"] == verdict),
                key=lambda p: (-(p["total"] or 0.0), p["name"]),
            )
            angles = _ring_positions(len(members), start, stop)
            colour, marker = VERDICT_STYLE[verdict]
            crowded = len(members) > 5
            for index, (platform, angle) in enumerate(zip(members, angles, strict=True)):
                # a crowded ring staggers its points over three tracks so labels do not touch
                depth = (0.25, 0.5, 0.75)[index % 3] if crowded else 0.5
                radius = inner + (outer - inner) * depth if inner else outer * (0.3 + 0.5 * depth)
                x = radius * math.cos(math.radians(angle))
                y = radius * math.sin(math.radians(angle))
                ax.scatter([x], [y], s=70, c=colour, marker=marker, edgecolors="black", zorder=3)
                ax.annotate(
                    str(platform["rank"]),
                    (x, y),
                    xytext=(6, 4),
                    textcoords="offset points",
                    fontsize=7.5,
                    fontweight="bold",
                    zorder=4,
                )
    ax.plot([0, 0], [-4.05, 4.05], color="#555555", linewidth=1.0)
    ax.text(-2.3, 4.25, plain(t("chart_not_joined")), ha="center", fontsize=9, fontweight="bold")
    ax.text(2.3, 4.25, plain(t("chart_joined")), ha="center", fontsize=9, fontweight="bold")
    return fig


# ---------------------------------------------------------------- score breakdown


def breakdown(
    criteria: Sequence[Mapping[str, Any]], t: Translate, number: Callable[..., str]
) -> Figure:
    """Horizontal bars: how many points of the total each criterion brings.

    Drawn straight on the figure (rectangles and texts, no Axes): the numbers are printed on
    the bars, so ticks would add nothing, and an Axes is most of the cost of 25 such charts.
    """
    from matplotlib.patches import Rectangle

    rows = sorted(criteria, key=lambda c: (-(c["contribution"] or 0.0), c["name"]))
    row_height = 0.27  # inches
    height = 0.45 + row_height * max(1, len(rows))
    fig = Figure(figsize=(6.4, height))
    left, width = 0.4, 0.4  # figure fractions: labels on the left, bars, then values
    top = max([*(c["contribution"] or 0.0 for c in rows), 1.0])
    fig.text(0.01, 1 - 0.2 / height, plain(t("chart_score")), fontsize=8.5, color="#333333",
             va="center")  # fmt: skip
    fig.add_artist(Rectangle((left, 0.05 / height), 0.002, (height - 0.45) / height,
                             color="#555555", transform=fig.transFigure))  # fmt: skip
    for index, row in enumerate(rows):
        middle = 1 - (0.4 + row_height * (index + 0.5)) / height
        value = row["contribution"] or 0.0
        bar = width * value / top
        fig.add_artist(Rectangle((left, middle - 0.3 * row_height / height), bar,
                                 0.6 * row_height / height, color=OKABE_ITO["blue"],
                                 transform=fig.transFigure))  # fmt: skip
        fig.text(left - 0.01, middle, plain(t(f"criterion.{row['name']}")), ha="right",
                 va="center", fontsize=8)  # fmt: skip
        score = "?" if row["score"] is None else number(row["score"], 0)
        fig.text(left + bar + 0.01, middle,
                 f"{number(value, 1)}  ({score}/100 × {number(row['weight'], 1)})",
                 va="center", fontsize=7.5)  # fmt: skip
    return fig


# ---------------------------------------------------------------- momentum


def _quarter_ticks(first: date, last: date) -> list[date]:
    """First days of quarters (every other one over long spans) between two days."""
    ticks = []
    year, month = first.year, (first.month - 1) // 3 * 3 + 1
    while date(year, month, 1) <= last:
        if date(year, month, 1) >= first:
            ticks.append(date(year, month, 1))
        month += 3
        if month > 12:
            year, month = year + 1, month - 12
    return ticks[::2] if len(ticks) > 6 else ticks


def momentum(
    groups: Mapping[str, Mapping[str, Sequence[tuple[date, float]]]], t: Translate
) -> Figure | None:
    """Stacked panels sharing a time axis: pageviews, App Store rank (1 at the top), users.

    Days are plotted as ordinals with quarter ticks computed here, and each line is labelled
    at its end instead of by a legend: both avoid matplotlib's costliest automatic layout.
    """
    panels = [g for g in ("pageviews", "app_rank", "users") if groups.get(g)]
    if not panels:
        return None
    days = [day for panel in panels for points in groups[panel].values() for day, _ in points]
    first, last = min(days), max(days)
    span = max(31, last.toordinal() - first.toordinal())
    height = 0.45 + 1.45 * len(panels)
    fig = Figure(figsize=(6.4, height))
    axes = fig.subplots(len(panels), 1, sharex=True, squeeze=False)[:, 0]
    titles = {"pageviews": "chart_pageviews", "app_rank": "chart_app_rank", "users": "chart_users"}
    for ax, panel in zip(axes, panels, strict=True):
        series = groups[panel]
        for colour, (name, points) in zip(SERIES_COLOURS * 3, series.items(), strict=False):
            xs = [day.toordinal() for day, _ in points]
            ys = [value for _, value in points]
            ax.plot(xs, ys, marker="o", markersize=2.5, linewidth=1.4, color=colour)
            if len(series) > 1:
                ax.text(xs[-1] + span * 0.015, ys[-1], plain(name.split(".", 1)[-1]),
                        color=colour, fontsize=7.5, va="center")  # fmt: skip
        _panel_title(ax, t(titles[panel]))
        if panel == "app_rank":
            ax.invert_yaxis()
        ax.yaxis.set_major_locator(MaxNLocator(4, integer=panel == "app_rank"))
        if panel != "app_rank":  # 12 M rather than an offset "1e7" over the title
            ax.yaxis.set_major_formatter(EngFormatter(places=0, sep=""))
        ax.grid(axis="y", color="#DDDDDD", linewidth=0.6)
    ticks = _quarter_ticks(first, last) or [first]
    axes[-1].set_xticks([d.toordinal() for d in ticks], [f"{d.year}-{d.month:02d}" for d in ticks])
    axes[-1].set_xlim(first.toordinal() - span * 0.02, last.toordinal() + span * 0.07)
    fig.subplots_adjust(
        left=0.12, right=0.97, top=1 - 0.3 / height, bottom=0.35 / height, hspace=0.5
    )
    return fig


# ---------------------------------------------------------------- audience coverage


def audience_heatmap(
    names: Sequence[str],
    columns: Sequence[str],
    values: Sequence[Sequence[float | None]],
    t: Translate,
    percent: Callable[..., str],
) -> Figure | None:
    """Platforms × audiences, shaded by the cited share; unknown cells stay blank."""
    if not columns or not names:
        return None
    import numpy as np

    grid = np.ma.masked_invalid(
        np.array([[np.nan if v is None else v for v in row] for row in values], dtype=float)
    )
    height = 0.9 + 0.26 * len(names)
    fig = Figure(figsize=(1.6 + 1.1 * len(columns), height))
    ax = fig.add_axes((0.3, 0.6 / height * 0.5, 0.65, 1 - 0.95 / height))
    # Vector cells (not imshow's embedded bitmap): crisp in print, no image inside the SVG.
    ax.pcolormesh(grid, cmap="cividis", vmin=0, vmax=1, edgecolors="white", linewidth=1)
    ax.set_xlim(0, len(columns))
    ax.set_ylim(len(names), 0)
    ax.set_xticks(
        [i + 0.5 for i in range(len(columns))], [plain(t(f"audience.{a}")) for a in columns]
    )
    ax.xaxis.tick_top()
    ax.set_yticks([i + 0.5 for i in range(len(names))], [plain(n) for n in names])
    ax.tick_params(length=0)
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)
    for row, line in enumerate(values):
        for column, value in enumerate(line):
            if value is None:
                continue
            ax.text(
                column + 0.5,
                row + 0.5,
                percent(value),
                ha="center",
                va="center",
                fontsize=7.5,
                color="black" if value > 0.55 else "white",
            )
    return fig


# ---------------------------------------------------------------- export

_PROLOGUE = re.compile(r"^.*?(?=<svg\b)", re.S)
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.S)
_ID = re.compile(r'\bid="([^"]+)"')


def svg_markup(fig: Figure, chart_id: str, title: str) -> str:
    """Inline SVG: no XML prologue or metadata, ids prefixed so charts never clash, a title.

    The ``<title>`` and ``role="img"`` make the chart readable by screen readers; the title
    text is escaped here because it can contain names from the store.
    """
    from xml.sax.saxutils import escape

    buffer = io.StringIO()
    with chart_style():
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    text = _METADATA.sub("", _PROLOGUE.sub("", buffer.getvalue(), count=1))
    ids = set(_ID.findall(text))
    for name in sorted(ids, key=len, reverse=True):
        new = f"{chart_id}-{name}"
        text = text.replace(f'id="{name}"', f'id="{new}"')
        text = text.replace(f'href="#{name}"', f'href="#{new}"').replace(
            f"url(#{name})", f"url(#{new})"
        )
    label = escape(title)
    text = re.sub(
        r"<svg\b",
        f'<svg role="img" aria-labelledby="{chart_id}-title"',
        text,
        count=1,
    )
    text = re.sub(
        r"(<svg\b[^>]*>)", rf'\1<title id="{chart_id}-title">{label}</title>', text, count=1
    )
    return text.strip()


def png_bytes(fig: Figure, dpi: int = 96) -> bytes:
    """PNG for the Markdown report, without the software/version stamp."""
    buffer = io.BytesIO()
    with chart_style():
        fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()
