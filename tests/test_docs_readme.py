"""The README is the user's manual: it must name every command and keep the quick start true.

A command added to the CLI without a line in the README is invisible to a digital officer, and a
quick start that CI no longer runs is a promise nobody checks. These tests read files and walk
the click tree; they start no crawl and no subprocess, so they take well under a second.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from watch.cli import cli

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
CI_SCRIPT = ROOT / ".ci" / "run"

QUICK_START_COMMANDS = (
    "pip install -e . && vigie demo",
    "pip install -e '.[test]' && pytest",
)


def command_paths(command: click.Command, prefix: tuple[str, ...] = ()) -> Iterator[str]:
    """Yield "vigie a b" for every command and subcommand under ``command`` (the root excluded)."""
    if prefix:
        yield "vigie " + " ".join(prefix)
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            if not sub.hidden:
                yield from command_paths(sub, (*prefix, name))


def readme_text() -> str:
    return README.read_text(encoding="utf-8")


def mentions(text: str, path: str) -> bool:
    """True when ``path`` appears as a whole command: "vigie peers" must not be satisfied by
    "vigie peers-something", but is by "vigie peers list" or "`vigie peers`"."""
    return re.search(re.escape(path) + r"(?![\w-])", text) is not None


def test_the_walk_finds_the_known_command_tree() -> None:
    """Guards the walker itself: if it found nothing, the documentation test would pass vacuously."""
    paths = set(command_paths(cli))
    assert {"vigie demo", "vigie score", "vigie decisions verify", "vigie sources add"} <= paths
    assert len(paths) >= 30


@pytest.mark.parametrize("path", sorted(command_paths(cli)))
def test_every_command_is_documented_in_the_readme(path: str) -> None:
    assert mentions(readme_text(), path), f"README.md never mentions `{path}`"


def test_mention_matching_is_strict() -> None:
    assert mentions("run `vigie peers list` daily", "vigie peers")
    assert mentions("see `vigie peers`.", "vigie peers")
    assert not mentions("see vigie peers-import", "vigie peers")
    assert not mentions("vigie decisionsx", "vigie decisions")


def quick_start_section(text: str) -> str:
    match = re.search(r"^## Quick start\n(.*?)(?=^## )", text, flags=re.MULTILINE | re.DOTALL)
    assert match, "README.md has no '## Quick start' section"
    return match.group(1)


def test_quick_start_opens_with_the_two_commands() -> None:
    section = quick_start_section(readme_text())
    block = re.search(r"```(?:sh|bash|console)?\n(.*?)```", section, flags=re.DOTALL)
    assert block, "the quick start has no code block"
    lines = [line.strip() for line in block.group(1).splitlines() if line.strip()]
    assert tuple(lines[:2]) == QUICK_START_COMMANDS


def github_anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = heading.strip().lower().replace("`", "")
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def test_internal_links_point_at_headings() -> None:
    """The README is long and cross-referenced; a renamed heading must not leave a dead link."""
    text = re.sub(r"```.*?```", "", readme_text(), flags=re.DOTALL)
    anchors = {github_anchor(h) for h in re.findall(r"^#{1,6} (.+)$", text, flags=re.MULTILINE)}
    links = set(re.findall(r"\]\(#([^)]+)\)", text))
    assert links, "no internal link found: the pattern is wrong"
    assert links <= anchors, f"dead links: {sorted(links - anchors)}"


def test_ci_runs_the_readme_test_command() -> None:
    """The quick start promises `pytest`; .ci/run must run exactly that, not a subset."""
    script = CI_SCRIPT.read_text(encoding="utf-8")
    commands = [
        line.strip()
        for line in script.splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]
    assert any(re.fullmatch(r"(exec\s+)?(python\s+-m\s+)?pytest", line) for line in commands), (
        ".ci/run does not call plain `pytest`"
    )
    assert "pip install --quiet -e '.[test]'" in script or "-e '.[test]'" in script
