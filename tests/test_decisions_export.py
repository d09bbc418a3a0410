"""Exports for the council (Markdown, MADR-like), spreadsheets (CSV) and audit (JSON)."""

from __future__ import annotations

import copy
import csv
import io
import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.test_decisions_support import (  # noqa: F401  (fixtures)
    NOW,
    RUN_RESULT,
    copied_workspace,
    decide,
    decisions_template,
    open_store,
    save_run,
)
from watch.decisions import append_decision, build_snapshot
from watch.platforms import set_status

HOSTILE_RATIONALE = "Essai <img src=x onerror=alert(1)> sur **six mois**\n# pas un titre"


@pytest.fixture
def archive(workspace: Path) -> list[dict]:
    store = open_store(workspace)
    try:
        run_id = save_run(store)
        return [
            decide(store, "bluesky", "watch", run_id=run_id),
            decide(
                store,
                "bluesky",
                "pilot",
                run_id=run_id,
                now=NOW + timedelta(days=1),
                review_on=date(2027, 6, 30),
                rationale=HOSTILE_RATIONALE,
            ),
            decide(store, "mastodon", "join", status="proposed", now=NOW + timedelta(days=2)),
        ]
    finally:
        store.dispose()


def test_markdown_export_has_the_madr_sections_in_french_by_default(archive, run) -> None:
    result = run("decisions", "export")
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert text.startswith("# Archive des décisions — Testville")
    assert f"`{archive[-1]['hash']}`" in text
    pilot = text.split("## D-0002")[1].split("## D-0003")[0]
    for section in ("Contexte et problème", "Options envisagées", "Critères et scores"):
        assert f"### {section}" in pilot
    for section in ("Décision", "Conséquences", "Éléments de preuve"):
        assert f"### {section}" in pilot
    assert "Score total 61.5/100 (rang 1 sur 3)" in pilot
    assert "| **expérimenter (pilot)** | score ≥ 55 | retenue, recommandée par le score |" in pilot
    assert "| décliner (decline) | score < 40 |  |" in pilot
    assert "après cette décision : présente (joined)" in pilot
    assert "Revue prévue le 2027-06-30." in pilot
    assert "- **Remplace** : D-0001" in pilot
    assert "remplacée par D-0002" in text.split("## D-0002")[0]
    assert "Décision proposée : le statut de Mastodon ne change pas" in text.split("## D-0003")[1]


def test_markdown_escapes_web_titles_and_rationales(archive, run) -> None:
    text = run("decisions", "export", "--format", "md", "--lang", "en").stdout
    assert "<script>" not in text
    assert "<img" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "\\[bait\\](javascript:" in text
    assert "[bait]" not in text, "a link inside a title is shown as text, never followed"
    assert "> \\# pas un titre" in text, "a rationale line cannot become a heading"
    assert "[&lt;script&gt;" in text
    assert "](https://example.org/news/1)" in text
    assert "### Considered options" in text


def test_csv_export_has_one_row_per_record_and_neutralises_formulas(
    archive, run, workspace: Path
) -> None:
    store = open_store(workspace)
    try:
        decide(store, "threads", "decline", rationale='=HYPERLINK("http://evil")')
    finally:
        store.dispose()
    rows = list(csv.DictReader(io.StringIO(run("decisions", "export", "--format", "csv").stdout)))
    assert [row["seq"] for row in rows] == ["1", "2", "3", "4"]
    assert rows[0]["effective_status"] == "superseded"
    assert rows[0]["status"] == "accepted"
    assert rows[1]["score_total"] == "61.5"
    assert rows[1]["profile"] == "default"
    assert rows[3]["rationale"].startswith("'=HYPERLINK")
    assert (
        rows[3]["hash"] == json.loads(run("decisions", "verify", "--format", "json").stdout)["head"]
    )


def test_json_export_verifies_offline_and_detects_an_edit(archive, run, tmp_path: Path) -> None:
    out = tmp_path / "archive.json"
    assert run("decisions", "export", "--format", "json", "--out", str(out)).exit_code == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["head"] == archive[-1]["hash"]
    assert data["count"] == 3
    assert data["decisions"][1]["snapshot"]["score"]["total"] == 61.5
    ok = run("decisions", "verify", "--file", str(out), "--head", archive[0]["hash"])
    assert ok.exit_code == 0, ok.output
    data["decisions"][1]["rationale"] = "Quietly changed"
    out.write_text(json.dumps(data), encoding="utf-8")
    broken = run("decisions", "verify", "--file", str(out))
    assert broken.exit_code == 1
    assert "record seq 2 (id 2)" in broken.stderr


def test_verify_refuses_a_file_that_is_not_an_export(workspace: Path, run, tmp_path: Path) -> None:
    other = tmp_path / "other.json"
    other.write_text('{"hello": 1}', encoding="utf-8")
    result = run("decisions", "verify", "--file", str(other))
    assert result.exit_code == 2
    assert "not a Vigie decision export" in result.stderr


def test_list_and_show_formats(archive, run) -> None:
    rows = json.loads(run("decisions", "list", "--format", "json").stdout)
    assert [row["status"] for row in rows] == ["superseded", "accepted", "proposed"]
    table = run("decisions", "list").stdout
    assert table.splitlines()[0].split()[:5] == ["id", "seq", "platform", "verdict", "status"]
    shown = json.loads(run("decisions", "show", "2", "--format", "json").stdout)
    assert shown["snapshot"]["score_run"]["id"] is not None
    assert shown["review_on"] == "2027-06-30"
    assert "snapshot:" in run("decisions", "show", "2").stdout


def test_empty_archive_exports_and_verifies(workspace: Path, run) -> None:
    assert "Aucune décision enregistrée." in run("decisions", "export").stdout
    result = run("decisions", "verify")
    assert result.exit_code == 0
    assert "intact: 0 records" in result.stdout


def test_knockouts_and_verdict_reason_appear_in_the_context(workspace: Path, run) -> None:
    result = copy.deepcopy(RUN_RESULT)
    x = next(p for p in result["platforms"] if p["platform"] == "x")
    x["verdict_reason"] = "knockout"
    x["knockouts"] = [
        {
            "id": "device_ban",
            "reason": "Banned on <b>staff phones</b>",
            "reason_fr": "Interdit sur les <b>téléphones</b> des agents",
            "reason_en": "Banned on <b>staff phones</b>",
            "source": "Circulaire du Premier ministre",
            "url": "https://example.org/circulaire",
        }
    ]
    store = open_store(workspace)
    try:
        set_status(store, "x", "joined")
        run_id = save_run(store, result)
        snapshot = build_snapshot(result, run_id, "x")
        append_decision(
            store, "x", "leave", "Conseil", "Sécurité des agents.",
            score_run_id=run_id, snapshot=snapshot, now=NOW,
        )  # fmt: skip
    finally:
        store.dispose()
    text = run("decisions", "export").stdout
    assert "imposé par un critère éliminatoire" in text
    assert (
        "- Critères éliminatoires : Interdit sur les &lt;b&gt;téléphones&lt;/b&gt; des agents "
        "([Circulaire du Premier ministre](https://example.org/circulaire))"
    ) in text
    assert "La collectivité doit-elle rester sur X ?" in text
    assert "| **quitter (leave)** | score < 40 | retenue, recommandée par le score |" in text
