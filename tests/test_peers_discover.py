"""`vigie peers discover`: communes in a population range and their town hall's website.

The two State APIs are replayed on 127.0.0.1 in their real shapes (geo.api.gouv.fr list of
communes; Opendatasoft Explore v2.1 records whose ``site_internet`` is JSON inside a string),
with fictional communes. The crawl runs in a subprocess (Scrapy's reactor).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import Result

from tests.conftest import db_snapshot
from watch.config import load_config, render_config
from watch.errors import InputError
from watch.localserver import LocalServer, Reply
from watch.peer_discovery import parse_population_range, parse_town_hall_website

JSON = "application/json; charset=utf-8"
COMMUNES = [
    {"nom": "Valbonne-sur-Drôme", "code": "26901", "population": 24512, "codeDepartement": "26"},
    {"nom": "Mirebel-les-Vignes", "code": "26902", "population": 31000, "codeDepartement": "26"},
    {"nom": "Sans-Site", "code": "26903", "population": 45000, "codeDepartement": "26"},
    {"nom": "Petit-Village", "code": "26904", "population": 15000, "codeDepartement": "26"},
    {"nom": "Grande-Ville", "code": "26905", "population": 60000, "codeDepartement": "26"},
    {"nom": "En-Panne", "code": "26906", "population": 22000, "codeDepartement": "26"},
    {"nom": "Testville", "code": "26999", "population": 33000, "codeDepartement": "26"},
]


def record(insee: str, pivot: str, site: str | None) -> dict:
    sites = json.dumps([{"libelle": "", "valeur": site}]) if site else None
    return {
        "nom": f"Mairie {insee}",
        "code_insee_commune": insee,
        "ancien_code_pivot": pivot,
        "pivot": json.dumps([{"type_service_local": "mairie", "code_insee_commune": [insee]}]),
        "site_internet": sites,
    }


def answer(*records: dict) -> Reply:
    body = json.dumps({"total_count": len(records), "results": list(records)}).encode()
    return Reply(body=body, content_type=JSON)


@pytest.fixture
def server() -> Iterator[LocalServer]:
    server = LocalServer()
    server.add("/geo/departements/26/communes", Reply(body=json.dumps(COMMUNES).encode(),
                                                      content_type=JSON))  # fmt: skip
    server.add("/annuaire?insee=26901", answer(record("26901", "mairie-26901-01",
                                                      "https://www.valbonne-sur-drome.fr/")))  # fmt: skip
    server.add("/annuaire?insee=26902", answer(
        record("26902", "mairie-26902-02", None),
        record("26902", "mairie-26902-01", "https://www.mirebel-les-vignes.fr/"),
    ))  # fmt: skip
    server.add("/annuaire?insee=26903", answer(record("26903", "mairie-26903-01", None)))
    server.add("/annuaire?insee=26906", Reply(body=b"oops", status=500, content_type="text/plain"))
    server.add("/annuaire?insee=26999", answer(record("26999", "mairie-26999-01",
                                                      "https://www.testville.fr/")))  # fmt: skip
    with server:
        yield server


@pytest.fixture
def ws(workspace: Path) -> Path:
    config = load_config(workspace / "vigie.toml")
    config.collect.delay, config.collect.timeout, config.collect.robots = 0.0, 2.0, False
    (workspace / "vigie.toml").write_text(render_config(config), encoding="utf-8")
    return workspace


def discover(root: Path, server: LocalServer, *args: str) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable, "-m", "watch", "--workspace", str(root), "peers", "discover",
        "--communes-url", server.url("/geo/departements/{department}/communes"),
        "--annuaire-url", server.url("/annuaire?insee={insee}"), *args,
    ]  # fmt: skip
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIGIE_")}
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)


def test_discovery_saves_the_communes_in_range_that_have_a_website(
    ws: Path, server: LocalServer, run: Callable[..., Result]
) -> None:
    done = discover(ws, server, "--department", "26", "--population", "20000-50000",
                    "--format", "json")  # fmt: skip
    assert done.returncode == 1, done.stderr  # the En-Panne lookup failed
    printed = json.loads(done.stdout)
    assert [(p["name"], p["homepage"]) for p in printed] == [
        ("Mirebel-les-Vignes", "https://www.mirebel-les-vignes.fr/"),
        ("Valbonne-sur-Drôme", "https://www.valbonne-sur-drome.fr/"),
    ]
    assert "no website in the directory: Sans-Site" in done.stderr
    assert "En-Panne (26906): directory API, HTTP 500" in done.stderr
    assert "Testville" not in done.stdout  # a city is not its own peer
    asked = {r.query for r in server.requests if r.path == "/annuaire"}
    assert asked.isdisjoint({"insee=26904", "insee=26905"})  # out of range: not even looked up
    peers = json.loads(run("peers", "list", "--format", "json").stdout)
    assert {(p["name"], p["population"], p["insee"], p["department"]) for p in peers} == {
        ("Mirebel-les-Vignes", 31000, "26902", "26"),
        ("Valbonne-sur-Drôme", 24512, "26901", "26"),
    }
    sources = json.loads(run("sources", "list", "--kind", "peers", "--format", "json").stdout)
    assert len(sources) == 2


@pytest.mark.parametrize(
    "args",
    [
        ("--department", "26", "--population", "beaucoup"),
        ("--department", "26", "--population", "50000-20000"),
        ("--department", "Drôme"),
    ],
)
def test_bad_options_exit_2_and_write_nothing(
    ws: Path, server: LocalServer, run: Callable[..., Result], args: tuple[str, ...]
) -> None:
    before = db_snapshot(ws / "vigie.db")
    result = run(
        "peers", "discover", "--annuaire-url", server.url("/annuaire?insee={insee}"), *args
    )
    assert result.exit_code == 2
    assert "--population" in result.stderr or "--department" in result.stderr
    assert db_snapshot(ws / "vigie.db") == before
    assert server.requests == []


def test_population_ranges() -> None:
    assert parse_population_range("20000-50000") == (20000, 50000)
    assert parse_population_range("20 000-") == (20000, None)
    assert parse_population_range("-50000") == (None, 50000)
    assert parse_population_range(None) == (None, None)
    with pytest.raises(InputError):
        parse_population_range("-")


def test_the_main_town_hall_website_is_taken_from_the_stringified_column() -> None:
    body = json.dumps({"results": [
        record("1", "mairie-1-02", "https://annexe.example.fr/"),
        record("1", "mairie-1-01", "https://www.ville.example.fr/"),
    ]}).encode()  # fmt: skip
    assert parse_town_hall_website(body) == "https://www.ville.example.fr/"
    assert parse_town_hall_website(b'{"results": []}') is None
    with pytest.raises(ValueError, match="HTML where JSON"):
        parse_town_hall_website(b"<html>maintenance</html>")
