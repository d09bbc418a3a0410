"""`vigie report` end to end with the real criteria engine: files, saved runs, movement between
editions, bad input, and hostile feed text that went through a real `vigie collect`."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import html5lib
import pytest
from click.testing import Result
from sqlmodel import select

from tests.conftest import db_snapshot
from tests.test_reports_fixtures import seed_evidence
from watch.decisions import head_hash
from watch.localserver import LocalServer
from watch.models import Entry, Peer, PeerPresence, ScoreRun
from watch.workspace import Workspace

NOW = "2026-11-26T15:00:00Z"
Run = Callable[..., Result]


@pytest.fixture
def pinned(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VIGIE_NOW", NOW)


def _report_runs(workspace: Path) -> list[tuple[int, str | None]]:
    store = Workspace.load(workspace).open_store()
    try:
        with store.session() as session:
            runs = session.exec(select(ScoreRun).where(ScoreRun.label == "report")).all()
            return [(run.id or 0, run.quarter) for run in runs]
    finally:
        store.dispose()


@pytest.mark.usefixtures("pinned")
def test_report_writes_the_quarter_folder_and_saves_its_run(run: Run, workspace: Path) -> None:
    result = run("report")
    assert result.exit_code == 0, result.output
    path = workspace / "reports" / "2026-Q4" / "index.html"
    assert result.stdout.strip() == str(path)
    assert "score run" in result.stderr
    text = path.read_text(encoding="utf-8")
    parser = html5lib.HTMLParser()
    parser.parse(text)
    assert parser.errors == []
    assert text.count('class="platform"') == 21
    assert "Réseaux sociaux : faut-il y aller ? Rapport trimestriel 2026-Q4" in text
    assert _report_runs(workspace) == [(1, "2026-Q4")]


@pytest.mark.usefixtures("pinned")
def test_same_data_and_clock_give_the_same_bytes_and_reuse_the_run(
    run: Run, workspace: Path
) -> None:
    assert run("report").exit_code == 0
    first = (workspace / "reports" / "2026-Q4" / "index.html").read_bytes()
    assert run("report", "--lang", "en").exit_code == 0
    assert run("report").exit_code == 0
    assert (workspace / "reports" / "2026-Q4" / "index.html").read_bytes() == first
    assert len(_report_runs(workspace)) == 2  # one per language, none added by the re-run


@pytest.mark.usefixtures("pinned")
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--quarter", "2026-Q5"), "invalid quarter"),
        (("--quarter", "2027-Q1"), "has not started yet"),
        (("--out", "vigie.toml"), "is not a folder"),
        (("--lang", "de"), "Invalid value for '--lang'"),
        (("--format", "pdf"), "Invalid value for '--format'"),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(
    run: Run, workspace: Path, args: tuple[str, ...], message: str
) -> None:
    before = db_snapshot(workspace / "vigie.db")
    resolved = tuple(str(workspace / a) if a == "vigie.toml" else a for a in args)
    result = run("report", *resolved)
    assert result.exit_code == 2
    assert message in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1
    assert message in errors[0]
    assert "Traceback" not in result.stderr
    assert db_snapshot(workspace / "vigie.db") == before
    assert list((workspace / "reports").iterdir()) == []


@pytest.mark.usefixtures("pinned")
def test_markdown_in_english_with_png_charts_beside_it(
    run: Run, workspace: Path, tmp_path: Path
) -> None:
    out = tmp_path / "council"
    result = run("report", "--format", "md", "--lang", "en", "--out", str(out))
    assert result.exit_code == 0, result.output
    text = (out / "report.md").read_text(encoding="utf-8")
    assert text.startswith("# Social networks: should we join? Quarterly report 2026-Q4")
    images = re.findall(r"!\[[^\]]*\]\((charts/[^)]+)\)", text)
    assert len(images) >= 2 + 21
    assert all((out / image).read_bytes().startswith(b"\x89PNG") for image in images)
    assert not (workspace / "reports" / "2026-Q4").exists()


def test_the_next_edition_says_what_moved(
    run: Run, workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VIGIE_NOW", "2026-09-20T10:00:00Z")
    assert run("report").exit_code == 0  # the 2026-Q3 edition
    q3 = (workspace / "reports" / "2026-Q3" / "index.html").read_text(encoding="utf-8")
    assert "Première édition" in q3
    # In Q4, peer cities are seen on Bluesky: its peer adoption and total change.
    store = Workspace.load(workspace).open_store()
    seen = datetime(2026, 10, 15, tzinfo=UTC)
    with store.session() as session:
        for index in range(3):
            peer = Peer(
                name=f"Pair {index}", population=30000, homepage=f"https://pair{index}.example/"
            )
            session.add(peer)
            session.flush()
            session.add(PeerPresence(peer_id=peer.id or 0, platform="bluesky", seen_at=seen,
                                     first_seen_at=seen, account_url=f"https://bsky.app/profile/pair{index}"))  # fmt: skip
    store.dispose()
    monkeypatch.setenv("VIGIE_NOW", NOW)
    assert run("report", "--lang", "en").exit_code == 0
    q4 = (workspace / "reports" / "2026-Q4" / "index.html").read_text(encoding="utf-8")
    assert "Moves compare with the previous edition (2026-Q3)" in q4
    rows = {
        m.group(1): m.group(2)
        for m in re.finditer(
            r'<th scope="row"><a href="#p-([a-z0-9_-]+)">.*?</th>(.*?)</tr>', q4, re.S
        )
    }
    assert len(rows) == 21
    # all peers are on Bluesky, none elsewhere: the new peer-adoption evidence lifts one, lowers others
    assert 'class="move m-up"' in rows["bluesky"]
    assert 'class="move m-down"' in rows["signal"]
    assert "before: watch" in rows["signal"]
    assert "move m-new" not in q4


@pytest.mark.usefixtures("pinned")
def test_sample_workspaces_carry_a_banner(run: Run, workspace: Path) -> None:
    config = workspace / "vigie.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("sample = false", "sample = true"),
        encoding="utf-8",
    )
    assert run("report").exit_code == 0
    assert "Exemple de démonstration" in (
        workspace / "reports" / "2026-Q4" / "index.html"
    ).read_text(encoding="utf-8")


@pytest.mark.usefixtures("pinned")
def test_evidence_and_peers_appear_on_the_platform_page(run: Run, workspace: Path) -> None:
    store = Workspace.load(workspace).open_store()
    seed_evidence(store, ["bluesky", "threads"], now=datetime(2026, 11, 20, tzinfo=UTC))
    store.dispose()
    assert run("report").exit_code == 0
    text = (workspace / "reports" / "2026-Q4" / "index.html").read_text(encoding="utf-8")
    page = text.split('id="p-bluesky"', 1)[1].split("</article>", 1)[0]
    assert 'href="https://news.example/bluesky/0"' in page
    assert "collectivités pairs sur 4" in page
    assert "<svg" in page.split("Dynamique", 1)[1]  # momentum chart from the pageviews


HOSTILE_FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Hostile</title><link>https://hostile.example/</link>
<description>x</description>
<item><title>&lt;script&gt;alert(1)&lt;/script&gt; Bluesky &lt;img src=x onerror=alert(2)&gt;</title>
<link>javascript:alert(document.domain)</link>
<description>&lt;iframe src="https://evil.example/"&gt;&lt;/iframe&gt;&lt;a href="javascript:alert(3)" onclick="alert(4)"&gt;Bluesky&lt;/a&gt;</description>
<pubDate>Tue, 24 Nov 2026 08:00:00 GMT</pubDate><guid>h1</guid></item>
<item><title>Bluesky &lt;svg onload=alert(5)&gt; ouvre les comptes vérifiés</title>
<link>https://hostile.example/ok</link>
<description>&lt;style&gt;body{background:url(https://evil.example/x.png)}&lt;/style&gt;</description>
<pubDate>Mon, 23 Nov 2026 08:00:00 GMT</pubDate><guid>h2</guid></item>
<item><title>Bluesky &amp;lt;script&amp;gt;alert(6)&amp;lt;/script&amp;gt; double-encoded</title>
<link> JAVASCRIPT:alert(7)</link><description>x</description>
<pubDate>Sun, 22 Nov 2026 08:00:00 GMT</pubDate><guid>h3</guid></item>
</channel></rss>
"""


def _configure_crawl(workspace: Path) -> None:
    path = workspace / "vigie.toml"
    text = path.read_text(encoding="utf-8")
    for key, value in (("delay", "0.0"), ("timeout", "2.0"), ("robots", "false")):
        text, count = re.subn(rf"(?m)^#?\s*{key} = .*$", f"{key} = {value}", text)
        assert count == 1, key
    path.write_text(text, encoding="utf-8")


def test_hostile_feed_text_goes_through_collect_and_report_as_text(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = tmp_path / "ws"
    assert run("init", "--no-defaults", "--city", "Testville").exit_code == 0
    _configure_crawl(workspace)
    with LocalServer() as server:
        url = server.add_bytes("/hostile.rss", HOSTILE_FEED.encode(), "application/rss+xml")
        assert run("sources", "add", "--kind", "feed", "--url", url, "--id", "hostile",
                   "--platform", "bluesky").exit_code == 0  # fmt: skip
        env = {k: v for k, v in os.environ.items() if not k.startswith("VIGIE_")}
        env["VIGIE_NOW"] = NOW
        crawl = subprocess.run(
            [sys.executable, "-m", "watch", "--workspace", str(workspace), "collect"],
            capture_output=True, text=True, env=env, timeout=120, check=False,
        )  # fmt: skip
        assert crawl.returncode == 0, crawl.stderr
    monkeypatch.setenv("VIGIE_NOW", NOW)
    result = run("report")
    assert result.exit_code == 0, result.output
    text = (workspace / "reports" / "2026-Q4" / "index.html").read_text(encoding="utf-8")
    page = text.split('id="p-bluesky"', 1)[1].split("</article>", 1)[0]
    assert "ouvre les comptes vérifiés" in page  # the collected signals are there
    # collection already reduces markup to plain text; what is left reaches the report
    assert "Bluesky double-encoded" in page
    parser = html5lib.HTMLParser(namespaceHTMLElements=False)
    document = parser.parse(text)
    assert parser.errors == []
    for element in document.iter():
        tag = element.tag.split("}")[-1] if isinstance(element.tag, str) else ""
        assert tag not in ("script", "iframe", "img", "object", "embed", "link", "image")
        if tag == "style":
            assert "evil.example" not in (element.text or "")
            assert re.findall(r"url\(\s*['\"]?(?!#)", element.text or "") == []
        for name, value in element.attrib.items():
            assert not name.split("}")[-1].lower().startswith("on")
            assert "javascript:" not in value.lower()
            assert "evil.example" not in value


@pytest.mark.usefixtures("pinned")
def test_decisions_and_new_networks_sections(run: Run, workspace: Path) -> None:
    decided = run("decide", "bluesky", "--verdict", "pilot", "--by", "Conseil <b>municipal</b>",
                  "--rationale", "Toucher les étudiants <script>x</script>",
                  "--review-on", "2026-12-15")  # fmt: skip
    assert decided.exit_code == 0, decided.output
    assert run("decide", "x", "--verdict", "watch", "--by", "Maire", "--rationale", "Attendre",
               "--review-on", "2027-06-30").exit_code == 0  # fmt: skip
    store = Workspace.load(workspace).open_store()
    with store.session() as session:
        for index, source in enumerate(("numerama", "lemonde", "bfm")):
            session.add(Entry(fingerprint=f"noplace-{index}", source_id=None,
                              title=f"Noplace, le nouveau réseau social des ados ({source})",
                              url=f"https://{source}.example/noplace",
                              published_at=datetime(2026, 11, 10 + index, tzinfo=UTC)))  # fmt: skip
    head = head_hash(store)
    store.dispose()
    assert run("report").exit_code == 0
    text = (workspace / "reports" / "2026-Q4" / "index.html").read_text(encoding="utf-8")
    decisions = text.split('id="decisions"', 1)[1].split("</section>", 1)[0]
    current, due = decisions.split("Décisions à réexaminer ce trimestre", 1)
    assert "Bluesky" in current
    assert "X" in current
    assert "Conseil &lt;b&gt;municipal&lt;/b&gt;" in current
    assert "Toucher les étudiants &lt;script&gt;x&lt;/script&gt;" in current
    assert "Bluesky" in due
    assert "15 décembre 2026" in due
    assert "2027" not in due
    assert head
    assert f"(SHA-256) : {head}" in decisions
    spotted = text.split('id="candidates"', 1)[1].split("</section>", 1)[0]
    assert "Noplace" in spotted
    assert 'href="https://bfm.example/noplace"' in spotted


@pytest.mark.usefixtures("pinned")
def test_a_failing_criterion_still_gives_the_report_and_exits_1(
    run: Run, workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from criteria.registry import Criterion

    original = Criterion.score

    def broken(self: Criterion, platform: Any, context: Any) -> Any:
        if self.name == "openness" and platform.slug == "mastodon":
            raise ValueError("plugin bug <b>")
        return original(self, platform, context)

    monkeypatch.setattr(Criterion, "score", broken)
    result = run("report")
    assert result.exit_code == 1
    assert "1 criteria failed" in result.stderr
    path = workspace / "reports" / "2026-Q4" / "index.html"
    assert result.stdout.strip() == str(path)
    method = path.read_text(encoding="utf-8").split('id="method"', 1)[1]
    assert "criterion openness failed on mastodon: plugin bug &lt;b&gt;" in method
