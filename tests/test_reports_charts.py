"""Charts: matplotlib's object API only, deterministic bytes, names shown literally."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

from reports import charts
from reports.i18n import format_number, format_percent, translator

t = translator("en")
HOSTILE = "$\\alpha$ <script>x</script> & Co"
PLATFORMS = [
    {"name": HOSTILE, "rank": 1, "verdict": "pilot", "joined": False, "total": 60.0},
    {"name": "Keepme", "rank": 2, "verdict": "keep", "joined": True, "total": 58.0},
    {"name": "Nope", "rank": 3, "verdict": "decline", "joined": False, "total": 20.0},
]
CRITERIA = [
    {"name": "audience_fit", "score": 80.0, "weight": 3.0, "contribution": 24.0},
    {"name": "momentum", "score": None, "weight": 1.0, "contribution": None},
]
METRICS = {
    "pageviews": {"pageviews.fr": [(date(2026, m, 1), 100.0 * m) for m in range(1, 11)]},
    "app_rank": {"app_rank.fr": [(date(2026, m, 1), 10.0 + m) for m in range(1, 11)]},
}


def _svgs() -> list[str]:
    with charts.chart_style():
        figures = [
            charts.verdict_map(PLATFORMS, t),
            charts.breakdown(CRITERIA, t, lambda v, d=1: format_number(v, "en", d)),
            charts.momentum(METRICS, t),
            charts.audience_heatmap(
                [HOSTILE], ["youth"], [[0.4]], t, lambda v: format_percent(v, "en")
            ),
        ]
        return [
            charts.svg_markup(fig, f"c{i}", f"title {HOSTILE}") for i, fig in enumerate(figures)
        ]


def test_svg_is_identical_for_the_same_data() -> None:
    assert _svgs() == _svgs()


def test_text_in_charts_is_escaped_and_never_mathtext() -> None:
    svgs = _svgs()
    for svg in svgs:
        assert "<script" not in svg
        assert svg.startswith('<svg role="img" aria-labelledby="')
        assert "<title id=" in svg
        assert "&lt;script&gt;" in svg
        assert "<?xml" not in svg
        assert "<metadata" not in svg
        assert "DOCTYPE" not in svg
    # the heatmap's row label, shown as typed: escaped, and not rendered as a Greek letter
    assert "$\\alpha$ &lt;script&gt;x&lt;/script&gt; &amp; Co" in svgs[3].split("</title>", 1)[1]


def test_png_bytes_are_deterministic_and_unstamped() -> None:
    with charts.chart_style():
        first = charts.png_bytes(charts.momentum(METRICS, t))
        second = charts.png_bytes(charts.momentum(METRICS, t))
    assert first == second
    assert first.startswith(b"\x89PNG")
    assert b"matplotlib" not in first.lower()


def test_momentum_has_no_chart_without_data() -> None:
    assert charts.momentum({}, t) is None
    assert charts.audience_heatmap([], [], [], t, str) is None


def test_reports_never_use_pyplot() -> None:
    code = (
        "import sys; from tests.test_reports_charts import _svgs; _svgs(); "
        "assert 'matplotlib.pyplot' not in sys.modules, 'pyplot imported'"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
