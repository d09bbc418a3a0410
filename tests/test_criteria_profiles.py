"""Profiles: layering, and bad input rejected with the key named (exit 2, nothing written)."""

from __future__ import annotations

from pathlib import Path

import pytest

from criteria.profiles import load_profile
from tests.conftest import db_snapshot
from watch.errors import InputError
from watch.workspace import Workspace


def test_packaged_default_names_every_default_criterion() -> None:
    profile = load_profile(None)
    assert set(profile.weights) == {
        "audience_fit", "added_value", "momentum", "peer_adoption", "maturity",
        "public_service_fit", "trust_safety", "openness", "effort",
    }  # fmt: skip
    assert profile.knockouts[0].url
    assert profile.knockouts[0].source


def test_workspace_profile_overrides_default_and_flags_override_both(workspace: Path) -> None:
    (workspace / "profiles").mkdir()
    (workspace / "profiles" / "jeunesse.toml").write_text(
        "[audiences]\nyouth = 2.0\n[weights]\nmomentum = 4.0\n", encoding="utf-8"
    )
    ws = Workspace.load(workspace)
    profile = load_profile(ws, "jeunesse", weights={"effort": 0.5})
    assert profile.name == "jeunesse"
    assert profile.audiences == {"youth": 2.0}
    assert profile.weights["momentum"] == 4.0
    assert profile.weights["effort"] == 0.5
    assert profile.weights["audience_fit"] == 3.0


def test_ahp_weights_from_pairwise_comparisons_warn_when_inconsistent(tmp_path: Path) -> None:
    path = tmp_path / "ahp.toml"
    path.write_text(
        '[ahp]\ncriteria = ["audience_fit", "momentum", "effort"]\n'
        'matrix = [[1, 9, "1/9"], ["1/9", 1, 9], [9, "1/9", 1]]\n',
        encoding="utf-8",
    )
    profile = load_profile(None, str(path))
    assert profile.ahp is not None
    assert profile.ahp["consistency_ratio"] > 0.1
    assert profile.warnings
    assert "0.1" in profile.warnings[0]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("[weights\n", "not valid TOML"),
        ("[weights]\npopularity = 2\n", "weights.popularity"),
        ("[weights]\nmomentum = -1\n", "weights.momentum"),
        ('[weights]\nmomentum = "high"\n', "weights.momentum"),
        ("[audiences]\nkids = 1\n", "audiences.kids"),
        ("[audiences]\nyouth = 0\n", "audiences"),
        ("[thresholds]\njoin = 10\n", "thresholds"),
        ("[colour]\nx = 1\n", "colour"),
        ("profile = 3\n", "'profile'"),
        ("weights = [1, 2]\n", "'weights'"),
        ('[profile]\nmethod = "vote"\n', "profile.method"),
        ("[criteria.trust_safety]\nhalf_life = 3\n", "criteria.trust_safety.half_life"),
        ('[derogations]\nnope = { tiktok = "x" }\n', "derogations.nope"),
        ('[[knockouts]]\nid = "k"\nreason_fr = "r"\nreason_en = "r"\n', "knockouts[0]"),
    ],
)
def test_bad_profiles_exit_2_naming_the_key(run, workspace: Path, text: str, key: str) -> None:
    path = workspace / "bad.toml"
    path.write_text(text, encoding="utf-8")
    before = db_snapshot(workspace / "vigie.db")
    result = run("score", "--profile", str(path), "--save")
    assert result.exit_code == 2
    assert key in result.output
    assert "Traceback" not in result.output
    assert db_snapshot(workspace / "vigie.db") == before


def test_unknown_profile_name_lists_the_known_ones(workspace: Path) -> None:
    with pytest.raises(InputError, match="unknown profile 'nope'.*default"):
        load_profile(Workspace.load(workspace), "nope")
