"""Sources: add, disable, OPML import and export, and the bad inputs that change nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import db_snapshot

GOOD_OPML = """<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0"><head><title>veille</title></head><body>
  <outline text="Médias">
    <outline type="rss" text="Numerama" xmlUrl="https://www.numerama.com/feed/" language="fr"/>
    <outline type="rss" text="Gazette" title="La Gazette des communes"
             xmlUrl="https://www.lagazettedescommunes.com/feed/"/>
  </outline>
</body></opml>
"""

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<opml version="2.0"><body><outline text="&lol3;" xmlUrl="https://example.org/feed"/></body></opml>
"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE opml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<opml version="2.0"><body><outline text="&xxe;" xmlUrl="https://example.org/feed"/></body></opml>
"""


def _sources(run) -> list[dict]:
    return json.loads(run("sources", "list", "--format", "json").stdout)


def test_add_a_feed_source(tmp_path: Path, run) -> None:
    assert run("init", "--no-defaults").exit_code == 0
    result = run(
        "sources", "add", "--kind", "feed", "--url", "https://bsky.social/about/rss.xml",
        "--platform", "bluesky", "--id", "blog-bluesky", "--language", "en",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    (row,) = _sources(run)
    assert row["id"] == "blog-bluesky"
    assert row["platform"] == "bluesky"
    assert row["enabled"] is True


def test_disable_keeps_the_source(workspace: Path, run) -> None:
    assert run("sources", "disable", "numerama").exit_code == 0
    row = next(r for r in _sources(run) if r["id"] == "numerama")
    assert row["enabled"] is False


def test_opml_import_and_export_round_trip(tmp_path: Path, run) -> None:
    assert run("init", "--no-defaults").exit_code == 0
    opml = tmp_path / "feeds.opml"
    opml.write_text(GOOD_OPML, encoding="utf-8")
    result = run("sources", "import-opml", str(opml))
    assert result.exit_code == 0
    assert "2 feeds added" in result.stderr
    again = run("sources", "import-opml", str(opml))
    assert "0 feeds added, 2 already registered" in again.stderr
    exported = run("sources", "export-opml").stdout
    assert "https://www.numerama.com/feed/" in exported
    assert "La Gazette des communes" in exported
    (tmp_path / "back.opml").write_text(exported)
    rows = _sources(run)
    assert {r["url"] for r in rows} == {
        "https://www.numerama.com/feed/",
        "https://www.lagazettedescommunes.com/feed/",
    }


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("this is not xml <<<", "not well-formed XML"),
        (BILLION_LAUGHS, "refused"),
        (EXTERNAL_ENTITY, "refused"),
        ("<html><body>hello</body></html>", "is not OPML"),
        (
            GOOD_OPML.replace("https://www.numerama.com/feed/", "ftp://numerama.com/feed"),
            "http or https",
        ),
    ],
    ids=["not-xml", "entity-expansion", "external-entity", "not-opml", "bad-scheme"],
)
def test_bad_opml_is_exit_2_and_changes_nothing(
    workspace: Path, tmp_path: Path, run, content: str, message: str
) -> None:
    path = tmp_path / "bad.opml"
    path.write_text(content, encoding="utf-8")
    before = db_snapshot(workspace / "vigie.db")
    result = run("sources", "import-opml", str(path))
    assert result.exit_code == 2
    assert message in result.stderr
    assert db_snapshot(workspace / "vigie.db") == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--kind", "feed", "--url", "https://x.org/feed", "--id", "numerama"), "already exists"),
        (("--kind", "feed", "--url", "javascript:alert(1)"), "http or https"),
        (("--kind", "feed", "--url", "file:///etc/passwd"), "http or https"),
        (("--kind", "feed", "--url", "www.example.org/feed"), "http or https"),
        (("--kind", "carrier-pigeon", "--url", "https://x.org/"), "unknown source kind"),
        (
            ("--kind", "feed", "--url", "https://x.org/", "--platform", "myspace"),
            "unknown platform",
        ),
        (("--kind", "feed", "--url", "https://x.org/", "--option", "novalue"), "KEY=VALUE"),
    ],
    ids=[
        "duplicate-id",
        "javascript",
        "file",
        "no-scheme",
        "bad-kind",
        "bad-platform",
        "bad-option",
    ],
)
def test_bad_source_is_exit_2_and_changes_nothing(
    workspace: Path, run, args: tuple[str, ...], message: str
) -> None:
    before = db_snapshot(workspace / "vigie.db")
    result = run("sources", "add", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert db_snapshot(workspace / "vigie.db") == before


def test_disable_unknown_source_is_exit_2(workspace: Path, run) -> None:
    result = run("sources", "disable", "nope")
    assert result.exit_code == 2
    assert "unknown source 'nope'" in result.stderr


def test_a_url_already_registered_is_refused(workspace: Path, run) -> None:
    before = db_snapshot(workspace / "vigie.db")
    result = run("sources", "add", "--kind", "feed", "--url", "https://www.numerama.com/feed/")
    assert result.exit_code == 2
    assert "already registered as source 'numerama'" in result.stderr
    assert db_snapshot(workspace / "vigie.db") == before
