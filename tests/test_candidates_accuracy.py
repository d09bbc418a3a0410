"""How well the emergence watch finds real new networks in labelled headlines.

Each labelled set (tests/data/candidates/*.jsonl) is saved through the feed reader's own API
(``watch.signals.save_entries``) into a fresh workspace, then listed with ``list_candidates``
exactly as ``vigie candidates list`` does. Recall = labelled networks listed / labelled
networks; noise = listed names that are no labelled network / listed names. The issue's bar:
recall >= 80 %, noise <= 20 %.

``dev.jsonl`` was used to write the cues. Each ``holdoutN.jsonl`` was written before the code it
was first measured with, and that first, blind measurement is kept here; the misses it showed
were then fixed with general cues (never by listing the missed names):

| set | blind recall | blind noise |
|---|---|---|
| holdout | 23/26 (88 %) | 4/27 (15 %) |
| holdout2 | 15/20 (75 %) | 4/20 (20 %) |
| holdout3 | 12/17 (71 %) | 0/12 (0 %) |
| holdout4 | 16/17 (94 %) | 1/17 (6 %) |
| holdout5 | 19/21 (90 %) | 5/24 (21 %) |
| holdout6 | 9/16 (56 %) | 5/14 (36 %) |
| holdout7 | 7/14 (50 %) | 2/9 (22 %) |
| holdout8 | 11/21 (52 %) | 3/14 (21 %) |
| holdout9 | 9/18 (50 %) | 2/11 (18 %) |
| holdout10 | 14/19 (74 %) | 0/14 (0 %) |

holdout6 was written with the decoys real tech feeds are full of (fintech, learning and dating
apps, browsers, consoles, brands launching "their own app"): the weakest blind result, which led
to dropping "startup"/"service" as cues and "X launches a ..." as a predicate; holdout7 (same
spirit, more indirect phrasings) led to raising the listing bar from 0.2 to 0.3 (a lone "app"
mention with nothing social around is not listed) and to the "newcomers like X" cue; holdout8
led to names listed in a row with a known network ("Signal, Olvid, Threema et Tchap") and to
"news app X"-style product kinds; holdout9 to "sur X plutôt que sur Facebook", "the
fediverse's answer to Facebook Groups" and possessives ("Flipboard's Surf"); holdout10 to
reading "l'application X dépasse..." as a subject (the issue's own example, alone).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from watch.emergence import list_candidates
from watch.emergence_names import name_key
from watch.signals import save_entries
from watch.sources import add_source
from watch.store import Store
from watch.workspace import Workspace

DATA = Path(__file__).parent / "data" / "candidates"
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
DATASETS = sorted(path.name for path in DATA.glob("*.jsonl"))
MIN_RECALL = 0.80
MAX_NOISE = 0.20
SET_MIN_RECALL = 0.70
SET_MAX_NOISE = 0.20


def load_items(name: str) -> list[dict]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def fill_store(store: Store, items: list[dict]) -> None:
    """Save the labelled headlines as collected entries, one feed source per outlet."""
    by_source: dict[str, list[dict]] = {}
    for item in items:
        by_source.setdefault(item["source"], []).append(item)
    for source_id, group in sorted(by_source.items()):
        add_source(store, "feed", f"http://127.0.0.1:9/{source_id}.xml", source_id=source_id)
        entries = [
            {
                "title": item["title"],
                "summary": item["summary"],
                "url": f"https://{source_id}.example/{item['id']}",
                "guid": item["id"],
                "published_at": datetime.fromisoformat(item["published"]).replace(tzinfo=UTC),
                "language": item["lang"],
            }
            for item in group
        ]
        save_entries(store, source_id, entries, now=NOW)


def measure(items: list[dict], listed: list[dict]) -> tuple[float, float, list[str], list[str]]:
    """(recall, noise share, missed labels, noise names); a label may be "RedNote|Xiaohongshu"."""
    labels = {label for item in items for label in item["candidates"]}
    label_keys = {label: {name_key(n) for n in label.split("|")} for label in labels}
    every_key = set().union(*label_keys.values()) if label_keys else set()
    listed_keys = {row["key"] for row in listed}
    missed = sorted(label for label, keys in label_keys.items() if not keys & listed_keys)
    noise = sorted(row["name"] for row in listed if row["key"] not in every_key)
    recall = 1 - len(missed) / len(labels) if labels else 1.0
    noise_share = len(noise) / len(listed) if listed else 0.0
    return recall, noise_share, missed, noise


@pytest.fixture
def store(tmp_path: Path, run) -> Iterator[Store]:
    """A workspace with the catalogue but none of the default live sources."""
    assert run("init", "--no-defaults", "--city", "Testville").exit_code == 0
    opened = Workspace.load(tmp_path / "ws").open_store()
    yield opened
    opened.dispose()


@pytest.mark.parametrize("dataset", DATASETS)
def test_each_set_stays_above_its_floor(store: Store, dataset: str) -> None:
    """Per set, a looser floor: a regression on one kind of phrasing shows here."""
    items = load_items(dataset)
    fill_store(store, items)
    recall, noise_share, missed, noise = measure(items, list_candidates(store, NOW))
    print(f"{dataset}: recall {recall:.0%} missed {missed}; noise {noise_share:.0%} {noise}")
    assert recall >= SET_MIN_RECALL, f"missed {missed}"
    assert noise_share <= SET_MAX_NOISE, f"noise {noise}"


def test_all_sets_together_meet_the_issue_bar(store: Store) -> None:
    """The issue's bar on everything labelled, as one big feed: recall >= 80 %, noise <= 20 %."""
    items = []
    for dataset in DATASETS:
        prefix = dataset.removesuffix(".jsonl")
        items += [{**item, "id": f"{prefix}-{item['id']}"} for item in load_items(dataset)]
    fill_store(store, items)
    recall, noise_share, missed, noise = measure(items, list_candidates(store, NOW))
    print(f"all sets: recall {recall:.1%} missed {missed}; noise {noise_share:.1%} {noise}")
    assert recall >= MIN_RECALL, f"missed {missed}"
    assert noise_share <= MAX_NOISE, f"noise {noise}"


def test_labelled_sets_are_big_and_balanced() -> None:
    items = [item for name in DATASETS for item in load_items(name)]
    with_network = [i for i in items if i["candidates"]]
    assert len(DATASETS) >= 7
    assert len(items) >= 300
    assert 0.3 < len(with_network) / len(items) < 0.7  # decoys are a large part of the sets
    assert {i["lang"] for i in items} == {"fr", "en"}
