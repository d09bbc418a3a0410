"""The hash chain on plain records: canonical JSON, and that any single change is located."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from watch.decisions_chain import (
    GENESIS_HASH,
    HASHED_FIELDS,
    canonical_json,
    record_hash,
    verify_records,
)


def test_canonical_json_is_sorted_compact_utf8_with_utc_z_instants() -> None:
    paris = timezone(timedelta(hours=1))
    value = {"b": 1, "a": "Élu·e", "when": datetime(2026, 11, 26, 16, 0, tzinfo=paris)}
    value["day"] = date(2027, 6, 30)
    expected = '{"a":"Élu·e","b":1,"day":"2027-06-30","when":"2026-11-26T15:00:00Z"}'
    assert canonical_json(value) == expected


def test_canonical_json_refuses_nan() -> None:
    with pytest.raises(ValueError, match="Out of range float"):
        canonical_json({"score": float("nan")})


def test_record_hash_is_sha256_of_the_documented_payload() -> None:
    record = {name: None for name in HASHED_FIELDS} | {"id": 1, "seq": 1, "platform": "x"}
    payload = {**record, "prev_hash": GENESIS_HASH, "format": "vigie-decision/1"}
    expected = hashlib.sha256(canonical_json(payload).encode("utf-8")).hexdigest()
    assert record_hash(record, GENESIS_HASH) == expected


def make_chain(specs: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """Records as the archive appends them: seq, id, supersedes and hashes all consistent."""
    chain: list[dict[str, Any]] = []
    last_by_platform: dict[str, int] = {}
    prev = GENESIS_HASH
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for index, (platform, rationale) in enumerate(specs, start=1):
        record = {
            "id": index,
            "seq": index,
            "platform": platform,
            "verdict": "watch",
            "status": "accepted",
            "decided_at": start + timedelta(days=index),
            "decided_by": "Conseil",
            "consulted": None,
            "rationale": rationale,
            "review_on": None,
            "score_run_id": None,
            "snapshot": {"score": {"total": index * 1.5}},
            "supersedes": last_by_platform.get(platform),
            "prev_hash": prev,
        }
        record["hash"] = prev = record_hash(record, prev)
        last_by_platform[platform] = index
        chain.append(record)
    return chain


SPECS = st.lists(
    st.tuples(st.sampled_from(["bluesky", "x", "mastodon"]), st.text(min_size=1, max_size=30)),
    min_size=2,
    max_size=8,
)
MUTABLE = ["platform", "verdict", "status", "decided_by", "rationale", "review_on", "snapshot"]


@settings(max_examples=60, deadline=None)
@given(specs=SPECS, data=st.data())
def test_any_edited_field_is_located(specs: list[tuple[str, str]], data: st.DataObject) -> None:
    chain = make_chain(specs)
    assert verify_records(chain).ok
    target = data.draw(st.integers(0, len(chain) - 1))
    field = data.draw(st.sampled_from(MUTABLE))
    replacement = {"snapshot": {"score": {"total": -1}}, "review_on": "2099-01-01"}
    chain[target][field] = replacement.get(field, f"{chain[target][field]} (altered)")
    result = verify_records(chain)
    assert not result.ok
    assert result.broken_seq == target + 1


@settings(max_examples=40, deadline=None)
@given(specs=SPECS, data=st.data())
def test_a_removed_record_is_located_or_caught_by_the_head(
    specs: list[tuple[str, str]], data: st.DataObject
) -> None:
    chain = make_chain(specs)
    head = chain[-1]["hash"]
    target = data.draw(st.integers(0, len(chain) - 1))
    del chain[target]
    result = verify_records(chain)
    if target == len(chain):  # the tail: a shorter chain is valid on its own
        assert result.ok
        assert not verify_records(chain, head).ok
    else:
        assert not result.ok
        assert result.broken_seq == target + 2


def test_reordered_records_are_located() -> None:
    chain = make_chain([("x", "a"), ("bluesky", "b"), ("x", "c")])
    chain[0], chain[1] = chain[1], chain[0]
    result = verify_records(chain)
    assert (result.ok, result.broken_seq, result.broken_id) == (False, 2, 2)


def test_result_serialises_with_its_message() -> None:
    chain = make_chain([("x", "a")])
    data = verify_records(chain, chain[0]["hash"]).to_dict()
    assert json.loads(json.dumps(data))["message"].startswith("decision archive intact: 1 records")
