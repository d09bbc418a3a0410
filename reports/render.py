"""Turning an assembled report into HTML (inline SVG) or Markdown (PNG charts beside it).

Both renderers use Jinja2 templates shipped as package data. HTML autoescapes every value;
Markdown has no autoescaping, so its environment escapes every printed value through
``finalize`` and only values explicitly marked :class:`MdSafe` (links built from a checked URL)
go through unchanged. Nothing here reads the clock or the store: same report dict, same bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from reports import charts
from reports.i18n import (
    format_date,
    format_number,
    format_percent,
    format_short_date,
    format_signed,
    translator,
)
from reports.safety import markdown_text, markdown_url, safe_url


class MdSafe(str):
    """Markdown already built from checked parts (a link to an http(s) URL)."""


@dataclass
class Rendered:
    """A rendered report: the main file's text and the images that go beside it."""

    filename: str
    text: str
    assets: dict[str, bytes] = field(default_factory=dict)


def _as_date(value: Any) -> date | datetime | None:
    if value is None or isinstance(value, date):
        return value
    try:
        from watch.clock import parse_instant

        return parse_instant(str(value))
    except ValueError:
        return None


def _helpers(lang: str) -> dict[str, Callable[..., Any]]:
    t = translator(lang)

    def tr(value: Mapping[str, str] | None) -> str:
        return (value or {}).get(lang, "")

    def flip(value: Any) -> str:
        if not value:
            return t("flip_none")
        if not isinstance(value, Mapping):
            return t("flip_text", change=str(value))
        name = t(f"criterion.{value.get('criterion')}")
        change = (
            f"{name} {format_number(value.get('from'), lang, 2)} → "
            f"{format_number(value.get('to'), lang, 2)}"
        )
        if value.get("verdict"):
            change += f" ({t('verdict.' + str(value['verdict']))})"
        return t("flip_text", change=change)

    return {
        "t": t,
        "tr": tr,
        "flip": flip,
        "date": lambda v: format_date(_as_date(v), lang),
        "day": lambda v: format_short_date(_as_date(v), lang),
        "num": lambda v, digits=1: format_number(v, lang, digits),
        "pct": lambda v: format_percent(v, lang),
        "signed": lambda v: format_signed(v, lang),
    }


def _environment(markdown: bool) -> Environment:
    options: dict[str, Any] = {
        "loader": PackageLoader("reports", "templates"),
        "undefined": StrictUndefined,
        "trim_blocks": True,
        "lstrip_blocks": True,
        "keep_trailing_newline": True,
    }
    if markdown:
        return Environment(autoescape=False, finalize=_md_finalize, **options)
    return Environment(autoescape=True, **options)


def _md_finalize(value: Any) -> Any:
    if isinstance(value, MdSafe):
        return value
    return markdown_text(value)


def _md_link(text: Any, url: str | None) -> MdSafe:
    checked = safe_url(url)
    label = markdown_text(text)
    if checked is None:
        return MdSafe(label)
    return MdSafe(f"[{label}]({markdown_url(checked)})")


# ---------------------------------------------------------------- charts


def _charts(report: Mapping[str, Any], lang: str, export: Callable[..., Any]) -> dict[str, Any]:
    """Draw every chart once and export it with ``export(fig, chart_id, title)``."""
    helpers = _helpers(lang)
    t = helpers["t"]
    number = helpers["num"]
    out: dict[str, Any] = {"platforms": {}}
    with charts.chart_style():
        platforms = report["platforms"]
        items = ", ".join(f"{p['name']} ({t('verdict.' + p['verdict'])})" for p in platforms)
        out["map"] = export(
            charts.verdict_map(platforms, t), "map", t("chart_map_alt", items=items)
        )
        names, columns, values = report["audience_matrix"]
        heat = charts.audience_heatmap(names, columns, values, t, helpers["pct"])
        out["audience"] = export(heat, "audience", t("chart_heatmap_alt")) if heat else None
        for index, platform in enumerate(platforms, start=1):
            breakdown = charts.breakdown(platform["criteria"], t, number)
            trend = charts.momentum(platform["metrics"], t)
            name = platform["name"]
            out["platforms"][platform["slug"]] = {
                "breakdown": export(
                    breakdown, f"p{index}-score", t("score_breakdown_alt", name=name)
                ),
                "momentum": export(trend, f"p{index}-trend", t("momentum_alt", name=name))
                if trend
                else None,
            }
    return out


def render_html(report: Mapping[str, Any], lang: str) -> Rendered:
    """One self-contained ``index.html``: inline CSS and SVG, no script, no external asset."""

    def export(fig: Any, chart_id: str, title: str) -> Markup:
        # matplotlib escapes the text it writes into SVG; the title is escaped in svg_markup.
        return Markup(charts.svg_markup(fig, f"c-{chart_id}", title))

    drawn = _charts(report, lang, export)
    template = _environment(markdown=False).get_template("report.html.j2")
    text = template.render(r=report, charts=drawn, lang=lang, **_helpers(lang))
    return Rendered("index.html", text)


def render_markdown(report: Mapping[str, Any], lang: str) -> Rendered:
    """``report.md`` with its PNG charts in ``charts/`` beside it."""
    assets: dict[str, bytes] = {}

    def export(fig: Any, chart_id: str, title: str) -> dict[str, str]:
        path = f"charts/{chart_id}.png"
        assets[path] = charts.png_bytes(fig)
        return {"path": path, "alt": title}

    drawn = _charts(report, lang, export)
    template = _environment(markdown=True).get_template("report.md.j2")
    helpers = _helpers(lang)
    text = template.render(
        r=report,
        charts=drawn,
        lang=lang,
        link=_md_link,
        image=lambda chart: MdSafe(f"![{markdown_text(chart['alt'])}]({chart['path']})"),
        **helpers,
    )
    return Rendered("report.md", text, assets)


RENDERERS: dict[str, Callable[[Mapping[str, Any], str], Rendered]] = {
    "html": render_html,
    "md": render_markdown,
}
