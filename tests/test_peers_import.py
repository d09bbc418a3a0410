"""`vigie peers import` and `vigie peers list`: all or nothing, line numbers, the JSON shape."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from click.testing import Result

from tests.conftest import db_snapshot
from watch.peer_presence import Presence
from watch.peers import record_peer_error, record_presences
from watch.store import Store

GOOD = """name,population,homepage
Valbonne-sur-Drôme,24 512,https://www.valbonne-sur-drome.fr/
Mirebel-les-Vignes,31000,https://www.mirebel-les-vignes.fr/
Pont-sur-Isère,,https://www.pont-sur-isere.fr/
"""
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


def write(tmp_path: Path, text: str, name: str = "peers.csv", encoding: str = "utf-8") -> str:
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return str(path)


def peers_json(run: Callable[..., Result]) -> list[dict]:
    result = run("peers", "list", "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def store_of(workspace: Path) -> Store:
    return Store.open(f"sqlite:///{workspace / 'vigie.db'}")


def test_import_then_list_gives_the_design_shape(
    workspace: Path, run: Callable[..., Result], tmp_path: Path
) -> None:
    result = run("peers", "import", write(tmp_path, GOOD))
    assert result.exit_code == 0, result.output
    assert "3 peers added, 0 updated" in result.stderr
    rows = peers_json(run)
    assert [(r["name"], r["population"], r["homepage"], r["platforms"]) for r in rows] == [
        ("Mirebel-les-Vignes", 31000, "https://www.mirebel-les-vignes.fr/", {}),
        ("Pont-sur-Isère", None, "https://www.pont-sur-isere.fr/", {}),
        ("Valbonne-sur-Drôme", 24512, "https://www.valbonne-sur-drome.fr/", {}),
    ]


def test_each_peer_gets_a_homepage_source_for_the_crawl(
    workspace: Path, run: Callable[..., Result], tmp_path: Path
) -> None:
    run("peers", "import", write(tmp_path, GOOD))
    sources = json.loads(run("sources", "list", "--kind", "peers", "--format", "json").stdout)
    assert sorted(s["url"] for s in sources) == sorted(
        line.split(",")[2] for line in GOOD.splitlines()[1:]
    )


def test_reimport_updates_instead_of_duplicating(
    workspace: Path, run: Callable[..., Result], tmp_path: Path
) -> None:
    run("peers", "import", write(tmp_path, GOOD))
    again = GOOD.replace("31000", "31500")
    result = run("peers", "import", write(tmp_path, again, "again.csv"))
    assert "0 peers added, 3 updated" in result.stderr
    rows = peers_json(run)
    assert len(rows) == 3
    assert rows[0]["population"] == 31500
    assert (
        len(json.loads(run("sources", "list", "--kind", "peers", "--format", "json").stdout)) == 3
    )


def test_bad_rows_are_named_by_line_and_nothing_is_imported(
    workspace: Path, run: Callable[..., Result], tmp_path: Path
) -> None:
    bad = (
        "name,population,homepage\n"
        "Valbonne,24000,https://www.valbonne.fr/\n"
        ",1200,https://www.sans-nom.fr/\n"
        "Mirebel,beaucoup,https://www.mirebel.fr/\n"
        "Pont,900,ftp://pont.fr/\n"
        "Valbonne,24000,https://www.valbonne.fr/\n"
        "Trop,1,https://trop.fr/,en plus\n"
    )
    before = db_snapshot(workspace / "vigie.db")
    result = run("peers", "import", write(tmp_path, bad))
    assert result.exit_code == 2
    message = result.stderr
    assert "5 bad row(s), nothing imported" in message
    for expected in (
        "line 3: name is empty",
        "line 4: population 'beaucoup' is not a whole number",
        "line 5: homepage 'ftp://pont.fr/' is not an absolute http(s) URL",
        "line 6: duplicate of line 2",
        "line 7: more fields than columns",
    ):
        assert expected in message
    assert db_snapshot(workspace / "vigie.db") == before


def test_missing_columns_and_unreadable_files_are_input_errors(
    workspace: Path, run: Callable[..., Result], tmp_path: Path
) -> None:
    result = run("peers", "import", write(tmp_path, "nom,habitants\nValbonne,24000\n"))
    assert result.exit_code == 2
    assert "missing column(s) name, population, homepage" in result.stderr
    missing = run("peers", "import", str(tmp_path / "absent.csv"))
    assert missing.exit_code == 2


def test_semicolon_csv_from_a_french_spreadsheet_in_windows_1252(
    workspace: Path, run: Callable[..., Result], tmp_path: Path
) -> None:
    text = "Name;Population;Homepage;Department\nPont-sur-Isère;3 200;https://www.pont.fr/;26\n"
    result = run("peers", "import", write(tmp_path, text, encoding="cp1252"))
    assert result.exit_code == 0, result.stderr
    [row] = peers_json(run)
    assert (row["name"], row["population"], row["department"]) == ("Pont-sur-Isère", 3200, "26")


def test_presences_are_listed_and_replaced_by_the_next_visit(
    workspace: Path, run: Callable[..., Result], tmp_path: Path
) -> None:
    run("peers", "import", write(tmp_path, GOOD))
    store = store_of(workspace)
    try:
        peer_id = _peer_id(store, "Valbonne-sur-Drôme")
        first = [
            Presence("facebook", "https://www.facebook.com/valbonne", "a_href"),
            Presence("x", "https://x.com/valbonne", "a_href"),
        ]
        record_presences(store, peer_id, first, status=200, now=NOW)
        rows = {r["name"]: r for r in peers_json(run)}
        assert rows["Valbonne-sur-Drôme"]["platforms"] == {
            "facebook": "https://www.facebook.com/valbonne",
            "x": "https://x.com/valbonne",
        }
        # The city left X and joined Bluesky.
        second = [
            Presence("facebook", "https://www.facebook.com/valbonne", "a_href"),
            Presence("bluesky", "https://bsky.app/profile/valbonne.fr", "a_href"),
        ]
        record_presences(store, peer_id, second, status=200, now=NOW)
        assert set(_platforms(run, "Valbonne-sur-Drôme")) == {"facebook", "bluesky"}
        # A failed visit keeps what was known, and says why.
        record_peer_error(store, peer_id, "timed out after 1 s", status=None, now=NOW)
        row = {r["name"]: r for r in peers_json(run)}["Valbonne-sur-Drôme"]
        assert set(row["platforms"]) == {"facebook", "bluesky"}
        assert row["last_error"] == "timed out after 1 s"
        only = json.loads(run("peers", "list", "--platform", "bluesky", "--format", "json").stdout)
        assert [r["name"] for r in only] == ["Valbonne-sur-Drôme"]
    finally:
        store.dispose()


def _platforms(run: Callable[..., Result], name: str) -> dict[str, str]:
    return {r["name"]: r for r in peers_json(run)}[name]["platforms"]


def _peer_id(store: Store, name: str) -> int:
    from sqlmodel import select

    from watch.models import Peer

    with store.session() as session:
        return session.exec(select(Peer.id).where(Peer.name == name)).one()


def test_table_and_csv_listings(
    workspace: Path, run: Callable[..., Result], tmp_path: Path
) -> None:
    run("peers", "import", write(tmp_path, GOOD))
    table = run("peers", "list")
    assert table.exit_code == 0
    assert "Valbonne-sur-Drôme" in table.stdout
    csv_out = run("peers", "list", "--format", "csv")
    assert (
        csv_out.stdout.splitlines()[0]
        == "name,population,platforms,last_status,last_error,homepage"
    )


def test_excel_utf8_with_bom_and_crlf_line_ends(
    workspace: Path, run: Callable[..., Result], tmp_path: Path
) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes(
        "\ufeffname,population,homepage\r\nÉtoile-sur-Rhône,5 400,https://www.etoile.fr/\r\n".encode()
    )
    result = run("peers", "import", str(path))
    assert result.exit_code == 0, result.stderr
    [row] = peers_json(run)
    assert (row["name"], row["population"]) == ("Étoile-sur-Rhône", 5400)
