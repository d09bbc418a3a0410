"""Only harmless links become clickable, and Markdown shows web text literally."""

from __future__ import annotations

import pytest

from reports.quarters import Quarter, as_of, report_quarter
from reports.safety import markdown_text, markdown_url, one_line, safe_url
from tests.test_reports_fixtures import NOW
from watch.errors import InputError


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/a?b=c#d",
        "http://example.org",
        "  https://example.org/padded  ",
        "HTTPS://EXAMPLE.ORG/upper",
    ],
)
def test_http_and_https_urls_are_links(url: str) -> None:
    assert safe_url(url) == url.strip()


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "\x01javascript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "vbscript:msgbox(1)",
        "file:///etc/passwd",
        "mailto:maire@example.org",
        "/relative/path",
        "//evil.example/protocol-relative",
        "https://",
        "https://exa mple.org/space",
        "",
        None,
    ],
)
def test_other_urls_are_never_links(url: str | None) -> None:
    assert safe_url(url) is None


def test_markdown_text_neutralises_markup_links_and_tables() -> None:
    text = markdown_text("<script>x</script> [click](javascript:alert(1)) a|b *bold* `code`\n# h")
    assert "<" not in text
    assert ">" not in text
    assert "\\[click\\]" in text
    assert "\\|" in text
    assert "\\*bold\\*" in text
    assert "\\`" in text
    assert "\n" not in text
    assert "\\#" in text


def test_markdown_url_cannot_close_the_link_early() -> None:
    assert markdown_url("https://e.org/a_(b) c]") == "https://e.org/a_%28b%29%20c%5D"


def test_one_line_collapses_whitespace_and_cuts() -> None:
    assert one_line("  a\n\tb  c ") == "a b c"
    assert one_line("abcdefgh", 5) == "abcd…"


def test_quarter_bounds_and_labels() -> None:
    q4 = Quarter.parse("2026-q4")
    assert q4.label == "2026-Q4"
    assert q4.start.isoformat() == "2026-10-01T00:00:00+00:00"
    assert q4.end.isoformat() == "2027-01-01T00:00:00+00:00"
    assert str(q4.last_day) == "2026-12-31"
    assert Quarter.parse("2026-Q1").end.month == 4


@pytest.mark.parametrize("text", ["2026-Q5", "2026Q4", "Q4-2026", "26-Q1", ""])
def test_bad_quarters_are_input_errors(text: str) -> None:
    with pytest.raises(InputError, match="YEAR-QN"):
        Quarter.parse(text)


def test_default_quarter_is_the_current_one_and_never_the_future() -> None:
    assert report_quarter(None, NOW).label == "2026-Q4"
    with pytest.raises(InputError, match="not started"):
        report_quarter("2027-Q1", NOW)
    past = report_quarter("2026-Q3", NOW)
    assert as_of(past, NOW) < past.end <= NOW
    assert as_of(report_quarter("2026-Q4", NOW), NOW) == NOW
