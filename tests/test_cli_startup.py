"""`vigie --help` stays fast: it loads neither Scrapy nor matplotlib (checked in a subprocess)."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import sys
from click.testing import CliRunner
from watch.cli import cli
result = CliRunner().invoke(cli, {args!r})
assert result.exit_code == 0, result.output
heavy = sorted(m for m in ("scrapy", "matplotlib", "twisted", "feedparser") if m in sys.modules)
print(",".join(heavy))
"""


def _heavy_modules(args: list[str]) -> str:
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(args=args)],
        capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    return out.stdout.strip()


def test_help_imports_nothing_heavy() -> None:
    assert _heavy_modules(["--help"]) == ""


def test_every_group_help_imports_nothing_heavy() -> None:
    assert _heavy_modules(["platforms", "--help"]) == ""
    assert _heavy_modules(["sources", "--help"]) == ""


def test_python_dash_m_watch_works() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "watch", "--version"], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0
    assert "vigie" in out.stdout
