"""Several `vigie decide` processes at once still make one linear chain (lock + UNIQUE(seq))."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.test_decisions_support import copied_workspace, decisions_template  # noqa: F401


def _decide(workspace: Path, slug: str, verdict: str, n: int) -> subprocess.Popen[str]:
    command = [
        sys.executable, "-m", "watch", "--workspace", str(workspace), "decide", slug,
        "--verdict", verdict, "--by", f"Élu {n}", "--rationale", f"Décision concurrente {n}",
    ]  # fmt: skip
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIGIE_")}
    return subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def test_concurrent_decides_keep_one_linear_chain(workspace: Path, run) -> None:
    # One decision first, so the concurrent ones share its saved score run.
    first = run("decide", "bluesky", "--verdict", "pilot", "--by", "Maire", "--rationale", "Essai")
    assert first.exit_code == 0, first.output
    plan = [("bluesky", "join"), ("mastodon", "watch")] * 2
    processes = [_decide(workspace, slug, verdict, n) for n, (slug, verdict) in enumerate(plan)]
    outcomes = [(p.wait(timeout=120), p.stderr.read()) for p in processes]
    for process in processes:
        process.stdout.close()
        process.stderr.close()
    assert [code for code, _ in outcomes] == [0] * len(plan), outcomes

    rows = json.loads(run("decisions", "list", "--format", "json").stdout)
    assert [row["seq"] for row in rows] == list(range(1, len(plan) + 2))
    assert all(b["prev_hash"] == a["hash"] for a, b in zip(rows, rows[1:], strict=False))
    for slug in ("bluesky", "mastodon"):
        mine = [row for row in rows if row["platform"] == slug]
        assert [row["supersedes"] for row in mine] == [None] + [row["id"] for row in mine[:-1]]
        assert [row["status"] for row in mine][-1] == "accepted"
        assert {row["status"] for row in mine[:-1]} <= {"superseded"}
    verified = run("decisions", "verify", "--format", "json")
    assert verified.exit_code == 0
    assert json.loads(verified.stdout)["count"] == len(plan) + 1
