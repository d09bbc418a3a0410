"""Peer discovery: comparable communes and their official websites, from the State's directories.

Two public APIs, as described in the project's source research: the API Découpage administratif
(geo.api.gouv.fr) lists the communes of a department with their population and INSEE code; the
API Annuaire de l'administration (DILA, Opendatasoft Explore v2.1) gives each town hall's website.
This module holds the pure parts (endpoints, parsing, selection); the fetching is done by Scrapy
(``spiders.peers.discover_peers``), and the result is saved with :func:`watch.peers.save_peers`.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any
from urllib.parse import quote

from watch.errors import InputError
from watch.peers import PeerRow, save_peers
from watch.sources import check_url
from watch.store import Store

DEPARTMENT_RE = re.compile(r"^(\d{2,3}|2[AaBb])$")
RANGE_RE = re.compile(r"^\s*(\d[\d\s_]*)?\s*-\s*(\d[\d\s_]*)?\s*$")


@dataclass(frozen=True)
class Endpoints:
    """URL templates: ``{department}`` for the communes, ``{insee}`` for the directory."""

    communes: str
    annuaire: str
    annuaire_fallback: str | None = None


@dataclass(frozen=True)
class Commune:
    name: str
    insee: str
    population: int | None
    department: str


@dataclass
class Discovery:
    """What a discovery crawl found: communes, their websites (None: none listed), failures."""

    communes: list[Commune] = field(default_factory=list)
    websites: dict[str, str | None] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)


def default_endpoints() -> Endpoints:
    """The endpoints shipped in ``watch/data/peers.toml``."""
    text = resources.files("watch.data").joinpath("peers.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)["discovery"]
    return Endpoints(data["communes_url"], data["annuaire_url"], data.get("annuaire_fallback_url"))


def endpoints_with(
    base: Endpoints, communes: str | None = None, annuaire: str | None = None
) -> Endpoints:
    """Endpoints with the user's overrides, each checked to be an http(s) URL template."""
    chosen = Endpoints(
        communes or base.communes,
        annuaire or base.annuaire,
        None if annuaire else base.annuaire_fallback,
    )
    for template, name in ((chosen.communes, "{department}"), (chosen.annuaire, "{insee}")):
        if name not in template:
            raise InputError(f"endpoint {template!r} must contain {name}")
        check_url(template, template=True)
    return chosen


def check_department(code: str) -> str:
    code = code.strip().upper()
    if not DEPARTMENT_RE.match(code):
        raise InputError(
            f"--department: expected a department code such as 26, 971 or 2A, got {code!r}"
        )
    return code


def parse_population_range(text: str | None) -> tuple[int | None, int | None]:
    """``20000-50000``, ``20000-`` or ``-50000`` as (low, high); a bad range is an input error."""
    if text is None or not text.strip():
        return None, None
    match = RANGE_RE.match(text)
    if not match or not (match.group(1) or match.group(2)):
        raise InputError(f"--population: expected MIN-MAX such as 20000-50000, got {text!r}")
    low, high = (int(re.sub(r"[\s_]", "", g)) if g else None for g in match.groups())
    if low is not None and high is not None and low > high:
        raise InputError(f"--population: {low} is above {high}")
    return low, high


def communes_url(endpoints: Endpoints, department: str) -> str:
    return endpoints.communes.replace("{department}", quote(department, safe=""))


def annuaire_url(template: str, insee: str) -> str:
    return template.replace("{insee}", quote(insee, safe=""))


def parse_communes(
    body: bytes, department: str, low: int | None, high: int | None
) -> list[Commune]:
    """Communes of a geo.api.gouv.fr answer within the population range, largest first."""
    data = _json(body, "the communes API")
    if not isinstance(data, list):
        raise ValueError("the communes API did not return a list of communes")
    communes = []
    for item in data:
        if not isinstance(item, Mapping) or not item.get("nom") or not item.get("code"):
            raise ValueError("a commune of the answer has no nom or code")
        population = item.get("population")
        population = population if isinstance(population, int) else None
        if low is not None and (population is None or population < low):
            continue
        if high is not None and (population is None or population > high):
            continue
        communes.append(
            Commune(str(item["nom"]), str(item["code"]), population,
                    str(item.get("codeDepartement") or department))
        )  # fmt: skip
    return sorted(communes, key=lambda c: (-(c.population or 0), c.name))


def _json(body: bytes, what: str) -> Any:
    text = body.decode("utf-8", errors="replace").strip()
    if text.startswith("<"):
        raise ValueError(f"{what} answered HTML where JSON was expected")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{what} answered something that is not JSON ({exc.msg})") from None


def _stringified(value: Any) -> Any:
    """The directory stores some columns as JSON text inside the JSON: decode them."""
    if isinstance(value, str) and value.strip()[:1] in "[{":
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return None
    return value


def parse_town_hall_website(body: bytes) -> str | None:
    """The website of the main town hall (``mairie-XXXXX-01``) in an Annuaire answer, if any."""
    data = _json(body, "the directory API")
    if not isinstance(data, Mapping) or not isinstance(data.get("results"), list):
        raise ValueError("the directory API answer has no 'results'")
    records = [r for r in data["results"] if isinstance(r, Mapping)]
    records.sort(key=lambda r: not str(r.get("ancien_code_pivot") or "").endswith("-01"))
    for record in records:
        sites = _stringified(record.get("site_internet"))
        for site in sites if isinstance(sites, list) else []:
            url = site.get("valeur") if isinstance(site, Mapping) else None
            if isinstance(url, str) and url.strip().lower().startswith(("http://", "https://")):
                return url.strip()
    return None


def peer_rows(
    communes: Sequence[Commune], websites: Mapping[str, str | None], *, exclude: set[str]
) -> list[PeerRow]:
    """Peers for the communes that have a website, the city itself excluded."""
    return [
        PeerRow(c.name, c.population, site, c.department, c.insee)
        for c in communes
        if (site := websites.get(c.insee))
        and c.insee not in exclude
        and c.name.casefold() not in exclude
    ]


def save_discovery(store: Store, found: Discovery, *, exclude: set[str]) -> dict[str, Any]:
    """Save the communes that have a website as peers; say which had none.

    ``exclude`` holds the city's own INSEE code and name (casefolded): a city is not its own peer.
    """
    rows = peer_rows(found.communes, found.websites, exclude=exclude)
    counts = save_peers(store, rows) if rows else {"added": 0, "updated": 0}
    without = [
        c.name
        for c in found.communes
        if c.insee in found.websites and not found.websites[c.insee] and c.insee not in exclude
    ]
    return {
        **counts,
        "peers": [
            {"name": r.name, "population": r.population, "homepage": r.homepage, "insee": r.insee}
            for r in rows
        ],
        "without_website": without,
        "failures": list(found.failures),
    }
