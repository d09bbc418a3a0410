"""The rendered report: valid, self-contained, accessible, safe with hostile web text, and
byte-identical for the same data and clock. Rendered once per module from evidence written
through the store and a synthetic evaluation (the CLI tests use the real criteria engine)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import html5lib
import pytest
from click.testing import CliRunner

from reports.data import assemble
from reports.quarters import Quarter
from reports.render import Rendered, render_html, render_markdown
from reports.scores import movement
from tests.test_reports_fixtures import HOSTILE_TITLE, NOW, evaluation_for, seed_evidence
from watch.cli import cli
from watch.platforms import set_status
from watch.workspace import Workspace

SVG = "{http://www.w3.org/2000/svg}"
XHTML = "{http://www.w3.org/1999/xhtml}"


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("reports") / "ws"
    result = CliRunner().invoke(cli, ["--workspace", str(root), "init", "--city", "Testville"])
    assert result.exit_code == 0, result.output
    store = Workspace.load(root).open_store()
    for slug in ("facebook", "instagram", "x"):
        set_status(store, slug, "joined")
    # eight platforms keep the module fast; the CLI and benchmark cover the whole catalogue
    slugs = ["facebook", "instagram", "x", "threads", "bluesky", "tiktok", "mastodon", "bereal"]
    seed_evidence(store, slugs, hostile=True)
    data = assemble(
        store,
        evaluation_for(store, slugs),
        quarter=Quarter.parse("2026-Q4"),
        now=NOW,
        as_of=NOW,
        city={"name": "Testville <b>&</b>"},
        sample=True,
        version="test",
    )
    store.dispose()
    return data


@pytest.fixture(scope="module")
def html_fr(report: dict[str, Any]) -> Rendered:
    return render_html(report, "fr")


@pytest.fixture(scope="module")
def html_en(report: dict[str, Any]) -> Rendered:
    return render_html(report, "en")


@pytest.fixture(scope="module")
def markdown(report: dict[str, Any]) -> Rendered:
    return render_markdown(report, "en")


def _parse(text: str) -> Any:
    parser = html5lib.HTMLParser(tree=html5lib.getTreeBuilder("etree"), namespaceHTMLElements=True)
    document = parser.parse(text)
    return parser, document


def _local(tag: Any) -> str:
    return tag.split("}", 1)[-1] if isinstance(tag, str) else ""


def test_html_parses_without_errors(html_fr: Rendered, html_en: Rendered) -> None:
    for rendered in (html_fr, html_en):
        parser, document = _parse(rendered.text)
        assert parser.errors == []
        assert document.find(f"{XHTML}body") is not None


def test_html_is_self_contained(html_fr: Rendered) -> None:
    _, document = _parse(html_fr.text)
    for element in document.iter():
        name = _local(element.tag)
        assert name not in ("script", "iframe", "object", "embed", "link", "img", "base", "frame")
        for attribute, value in element.attrib.items():
            attr = _local(attribute)
            assert attr != "src", (name, value)
            if attr == "href":
                if name == "a" and value.startswith("#"):
                    continue
                if name == "a":
                    # links to evidence are fine; never a way to load anything
                    assert re.match(r"^https?://", value), value
                else:  # an SVG reference stays inside the document
                    assert value.startswith("#"), (name, value)
    styles = " ".join(e.text or "" for e in document.iter() if _local(e.tag) == "style")
    assert "@import" not in styles
    assert re.findall(r"url\(\s*['\"]?(?!#)", html_fr.text) == []


def test_hostile_web_text_is_shown_as_text_never_as_markup(html_fr: Rendered) -> None:
    _, document = _parse(html_fr.text)
    texts = []
    for element in document.iter():
        for attribute, value in element.attrib.items():
            assert not _local(attribute).lower().startswith("on"), (element.tag, attribute)
            assert "javascript:" not in value.lower()
        texts.append(element.text or "")
        texts.append(element.tail or "")
    assert HOSTILE_TITLE in "".join(texts)
    assert "<script" not in html_fr.text
    assert "<iframe" not in html_fr.text
    assert "&lt;script&gt;" in html_fr.text
    assert "Testville &lt;b&gt;&amp;&lt;/b&gt;" in html_fr.text


def test_every_chart_is_inline_svg_with_a_title(html_fr: Rendered, report: dict[str, Any]) -> None:
    _, document = _parse(html_fr.text)
    svgs = list(document.iter(f"{SVG}svg"))
    with_trend = sum(1 for p in report["platforms"] if p["metrics"])
    assert len(svgs) == 2 + len(report["platforms"]) + with_trend
    ids = [e.get("id") for e in document.iter() if e.get("id")]
    assert len(ids) == len(set(ids)), "ids must be unique across the inline charts"
    for svg in svgs:
        assert svg.get("role") == "img"
        title = svg.find(f"{SVG}title")
        assert title is not None
        assert title.text
        assert svg.get("aria-labelledby") == title.get("id")


def test_tables_have_headers_and_the_page_prints_one_platform_per_page(html_fr: Rendered) -> None:
    _, document = _parse(html_fr.text)
    for table in document.iter(f"{XHTML}table"):
        assert table.find(f"{XHTML}thead") is not None
        assert all(th.get("scope") for th in table.iter(f"{XHTML}th"))
    assert "@media print" in html_fr.text
    assert "break-before: page" in html_fr.text
    assert len(list(document.iter(f"{XHTML}h1"))) == 1


def test_summary_lists_every_platform_with_verdict_and_movement(
    html_fr: Rendered, report: dict[str, Any]
) -> None:
    _, document = _parse(html_fr.text)
    table = next(t for t in document.iter(f"{XHTML}table") if "summary" in (t.get("class") or ""))
    rows = list(table.find(f"{XHTML}tbody"))
    assert len(rows) == len(report["platforms"]) == 8
    first = report["platforms"][0]
    assert "".join(rows[0].itertext()).count(first["name"]) == 1
    assert "nouveau" in "".join(rows[0].itertext())


def test_sections_and_banner_in_both_languages(html_fr: Rendered, html_en: Rendered) -> None:
    for heading in ("1. Synthèse", "2. Fiches par réseau social", "3. Décisions", "5. Méthode",
                    "4. Nouveaux réseaux repérés", "Exemple de démonstration"):  # fmt: skip
        assert heading in html_fr.text
    for heading in ("1. Summary", "3. Decisions", "5. Method", "4. New networks spotted",
                    "Demonstration sample"):  # fmt: skip
        assert heading in html_en.text
    assert "rejoindre" not in html_en.text
    assert "surveiller" not in html_en.text


def test_evidence_links_only_for_http_urls(html_fr: Rendered) -> None:
    assert 'href="https://news.example/threads/1"' in html_fr.text
    assert "javascript:alert(document.cookie)" in html_fr.text  # shown, as text
    assert 'href="javascript' not in html_fr.text


def test_failed_sources_and_their_errors_are_in_the_method(html_fr: Rendered) -> None:
    method = html_fr.text.split('id="method"', 1)[1]
    assert "HTTP 500 Internal Server Error &lt;b&gt;oops&lt;/b&gt;" in method
    assert "jamais" in method  # a source never fetched says so


def test_same_data_and_clock_give_identical_bytes(
    report: dict[str, Any], html_fr: Rendered
) -> None:
    assert render_html(report, "fr").text == html_fr.text


def test_markdown_escapes_web_text_and_links_only_http(markdown: Rendered) -> None:
    text = markdown.text
    assert "<script" not in text
    assert "<iframe" not in text
    assert "](javascript" not in text
    assert "&lt;script&gt;" in text
    assert "[threads news 1](https://news.example/threads/1)" in text


def test_markdown_charts_are_png_files_it_references(
    markdown: Rendered, report: dict[str, Any]
) -> None:
    referenced = re.findall(r"!\[[^\]]*\]\((charts/[^)]+\.png)\)", markdown.text)
    assert sorted(referenced) == sorted(markdown.assets)
    assert all(content.startswith(b"\x89PNG\r\n\x1a\n") for content in markdown.assets.values())
    assert render_markdown(report, "en").assets == markdown.assets


def test_movement_against_the_previous_edition() -> None:
    assert movement({"total": 50, "verdict": "watch"}, None)["kind"] == "new"
    assert (
        movement({"total": 50.4, "verdict": "watch"}, {"total": 50, "verdict": "watch"})["kind"]
        == "same"
    )
    up = movement({"total": 56, "verdict": "pilot"}, {"total": 54.5, "verdict": "watch"})
    assert (up["kind"], up["delta"], up["previous_verdict"]) == ("up", 1.5, "watch")
    # a verdict change wins over a small move of the total
    assert (
        movement({"total": 54.9, "verdict": "watch"}, {"total": 55.1, "verdict": "pilot"})["kind"]
        == "down"
    )
    assert (
        movement({"total": 40, "verdict": "decline"}, {"total": 47, "verdict": "watch"})["kind"]
        == "down"
    )
    # joining moves a platform from one family of verdicts to the other: the total decides
    assert (
        movement({"total": 60, "verdict": "keep"}, {"total": 58, "verdict": "pilot"})["kind"]
        == "up"
    )


def test_output_paths_are_relative(markdown: Rendered, html_fr: Rendered) -> None:
    for text in (markdown.text, html_fr.text):
        assert str(Path.home()) not in text
        assert "/tmp/" not in text
