"""Scoring profiles: target audiences, weights, thresholds, knock-outs, criterion options.

Layers, each overriding the one before: the packaged ``criteria/data/default.toml``; the
workspace profile (``[profile] file`` of ``vigie.toml``, else ``profiles/<name>.toml`` in the
workspace); then the command-line overrides. Profiles are data: a typo, an unknown criterion or
audience, or a negative weight is an :class:`InputError` naming the key, never ignored.
"""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from watch.errors import InputError

if TYPE_CHECKING:
    from watch.workspace import Workspace

DATA = Path(__file__).parent / "data"
AUDIENCES = ("seniors", "adults", "youth", "students", "professionals", "families", "associations")
METHODS = ("weighted_mean", "topsis")
MISSING_POLICIES = ("exclude", "penalise")
NEW_VERDICTS = ("join", "pilot", "watch", "decline")
JOINED_VERDICTS = ("keep", "reduce", "leave")
TOP_KEYS = {
    "profile", "audiences", "age_groups", "weights", "thresholds", "stability", "knockouts",
    "derogations", "criteria", "ahp", "verdicts",
}  # fmt: skip
PROFILE_KEYS = {
    "name", "method", "missing", "missing_score", "min_coverage", "description",
    "evidence_per_criterion",
}  # fmt: skip
VERDICT_KEYS = {"require_for_join"}
KNOCKOUT_KEYS = {
    "id", "platforms", "verdict", "verdict_joined", "reason_fr", "reason_en", "source", "url",
    "year", "criterion", "below",
}  # fmt: skip


@dataclass(frozen=True)
class Knockout:
    """A rule that forces a verdict before any weighing (a ban, a floor on a criterion)."""

    id: str
    reason_fr: str
    reason_en: str
    source: str | None = None
    url: str | None = None
    year: int | None = None
    platforms: tuple[str, ...] = ()
    criterion: str | None = None
    below: float | None = None
    verdict: str = "decline"
    verdict_joined: str = "leave"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "reason_fr": self.reason_fr, "reason_en": self.reason_en,
            "source": self.source, "url": self.url, "year": self.year,
            "platforms": list(self.platforms), "criterion": self.criterion, "below": self.below,
            "verdict": self.verdict, "verdict_joined": self.verdict_joined,
        }  # fmt: skip


@dataclass(frozen=True)
class Profile:
    name: str
    origin: str
    weights: dict[str, float]
    audiences: dict[str, float]
    age_groups: dict[str, tuple[str, ...]]
    thresholds: dict[str, float]
    method: str = "weighted_mean"
    missing: str = "exclude"
    missing_score: float = 25.0
    min_coverage: float = 0.5
    samples: int = 2000
    perturbation: float = 0.25
    seed: int = 5
    knockouts: tuple[Knockout, ...] = ()
    derogations: dict[str, dict[str, str]] = field(default_factory=dict)
    options: dict[str, dict[str, Any]] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    ahp: dict[str, Any] | None = None
    # Criteria whose evidence a `join` needs: without it the verdict is capped at `pilot`.
    require_for_join: tuple[str, ...] = ()
    # Evidence ids listed per criterion in the output (0 = all); the rest are counted.
    evidence_per_criterion: int = 20

    def method_dict(self) -> dict[str, Any]:
        return {
            "aggregation": self.method,
            "missing": self.missing,
            "missing_score": self.missing_score if self.missing == "penalise" else None,
            "min_coverage": self.min_coverage,
            "coverage_by": "count",
            "require_for_join": list(self.require_for_join),
            "evidence_per_criterion": self.evidence_per_criterion,
            "perturbation": self.perturbation,
            "samples": self.samples,
            "seed": self.seed,
            "weights_from": "ahp" if self.ahp else "profile",
            **({"ahp": self.ahp} if self.ahp else {}),
        }


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"profile file {path} not found") from None
    except (UnicodeDecodeError, IsADirectoryError):
        raise InputError(f"profile file {path} is not a UTF-8 text file") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"profile {path} is not valid TOML: {exc}") from None


def _merge(base: dict[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """Tables merge key by key; ``audiences``, ``age_groups`` lists and ``knockouts`` replace."""
    merged = copy.deepcopy(base)
    for key, value in over.items():
        if key in ("audiences", "knockouts", "ahp"):
            merged[key] = copy.deepcopy(value)
        elif isinstance(value, Mapping) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def _resolve(workspace: Workspace | None, name_or_file: str | None) -> tuple[str, Path | None]:
    """The profile name and the file that overrides the packaged default (if any)."""
    root = workspace.root if workspace is not None else None
    if name_or_file is None:
        config = workspace.config.profile if workspace is not None else None
        if config is not None and config.file:
            return config.name, (root / config.file if root else Path(config.file))
        name_or_file = config.name if config is not None else "default"
    looks_like_file = name_or_file.endswith(".toml") or "/" in name_or_file or "\\" in name_or_file
    if looks_like_file:
        path = Path(name_or_file).expanduser()
        if not path.is_absolute() and not path.exists() and root is not None:
            path = root / path
        return path.stem, path
    if root is not None and (root / "profiles" / f"{name_or_file}.toml").is_file():
        return name_or_file, root / "profiles" / f"{name_or_file}.toml"
    if (DATA / f"{name_or_file}.toml").is_file():
        return name_or_file, DATA / f"{name_or_file}.toml" if name_or_file != "default" else None
    known = sorted({p.stem for p in DATA.glob("*.toml")} | _workspace_profiles(root))
    raise InputError(f"unknown profile {name_or_file!r} (known: {', '.join(known)})")


def _workspace_profiles(root: Path | None) -> set[str]:
    if root is None or not (root / "profiles").is_dir():
        return set()
    return {p.stem for p in (root / "profiles").glob("*.toml")}


def load_profile(
    workspace: Workspace | None,
    name_or_file: str | None = None,
    *,
    weights: Mapping[str, float] | None = None,
    audiences: Mapping[str, float] | None = None,
) -> Profile:
    """The profile to score with: packaged default < workspace profile < overrides."""
    raw = _read_toml(DATA / "default.toml")
    name, path = _resolve(workspace, name_or_file)
    origin = "package:default"
    if path is not None:
        layer = _read_toml(path)
        raw = _merge(raw, layer)
        origin = str(path)
        head = raw.setdefault("profile", {})
        if isinstance(head, dict) and "name" not in layer.get("profile", {}):
            head["name"] = name
    if weights:
        raw.setdefault("weights", {}).update(weights)
    if audiences:
        raw.setdefault("audiences", {}).update(audiences)
    return parse_profile(raw, origin)


def _number(value: Any, key: str, *, minimum: float | None = 0.0) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(f"profile key {key!r}: expected a number, got {value!r}")
    if minimum is not None and value < minimum:
        raise InputError(f"profile key {key!r}: must be >= {minimum:g}, got {value!r}")
    return float(value)


def _table(raw: Mapping[str, Any], key: str) -> dict[str, Any]:
    value = raw.get(key, {})
    if not isinstance(value, Mapping):
        raise InputError(f"profile key {key!r}: expected a table")
    return dict(value)


def parse_profile(raw: Mapping[str, Any], origin: str = "profile") -> Profile:
    """Validate a profile mapping (already merged) into a :class:`Profile`."""
    from criteria.registry import registry

    known = registry()
    for key in raw:
        if key not in TOP_KEYS:
            raise InputError(f"unknown profile key {key!r} in {origin}")
    head = _table(raw, "profile")
    for key in head:
        if key not in PROFILE_KEYS:
            raise InputError(f"unknown profile key 'profile.{key}' in {origin}")
    weights = _weights(raw, known)
    audiences = {}
    for name, value in _table(raw, "audiences").items():
        if name not in AUDIENCES:
            raise InputError(
                f"unknown audience {name!r} (profile key 'audiences.{name}'; "
                f"known: {', '.join(AUDIENCES)})"
            )
        audiences[name] = _number(value, f"audiences.{name}")
    if not any(v > 0 for v in audiences.values()):
        raise InputError("profile key 'audiences': at least one audience needs a priority > 0")
    age_groups = _age_groups(raw)
    method = head.get("method", "weighted_mean")
    if method not in METHODS:
        raise InputError(f"profile key 'profile.method': {method!r} is not one of {METHODS}")
    policy = head.get("missing", "exclude")
    if policy not in MISSING_POLICIES:
        raise InputError(
            f"profile key 'profile.missing': {policy!r} is not one of {MISSING_POLICIES}"
        )
    stability = _table(raw, "stability")
    for key in stability:
        if key not in ("samples", "perturbation", "seed"):
            raise InputError(f"unknown profile key 'stability.{key}'")
    warnings: list[str] = []
    ahp = None
    if "ahp" in raw:
        weights, ahp, warning = _ahp_weights(_table(raw, "ahp"), weights, known)
        warnings += [warning] if warning else []
    if not any(w > 0 for w in weights.values()):
        raise InputError("profile key 'weights': at least one weight must be > 0")
    return Profile(
        name=str(head.get("name", "default")),
        origin=origin,
        weights=weights,
        audiences=audiences,
        age_groups=age_groups,
        thresholds=_thresholds(raw),
        method=method,
        missing=policy,
        missing_score=_number(head.get("missing_score", 25.0), "profile.missing_score"),
        min_coverage=_number(head.get("min_coverage", 0.5), "profile.min_coverage"),
        samples=int(_number(stability.get("samples", 2000), "stability.samples", minimum=1)),
        perturbation=_number(stability.get("perturbation", 0.25), "stability.perturbation"),
        seed=int(_number(stability.get("seed", 5), "stability.seed")),
        knockouts=_knockouts(raw, known),
        derogations=_derogations(raw),
        options=_options(raw, known, weights),
        warnings=tuple(warnings),
        ahp=ahp,
        require_for_join=_require_for_join(raw, known, weights),
        evidence_per_criterion=int(
            _number(head.get("evidence_per_criterion", 20), "profile.evidence_per_criterion")
        ),
    )


def _require_for_join(
    raw: Mapping[str, Any], known: Mapping[str, Any], weights: Mapping[str, float]
) -> tuple[str, ...]:
    """``[verdicts] require_for_join``: criteria that must have evidence for a ``join``."""
    table = _table(raw, "verdicts")
    for key in table:
        if key not in VERDICT_KEYS:
            raise InputError(f"unknown profile key 'verdicts.{key}'")
    names = table.get("require_for_join", [])
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise InputError("profile key 'verdicts.require_for_join': expected a list of criteria")
    for name in names:
        if name not in known:
            raise InputError(
                f"unknown criterion {name!r} (profile key 'verdicts.require_for_join')"
            )
        if name not in weights:
            raise InputError(
                f"profile key 'verdicts.require_for_join': {name!r} is not scored "
                f"(give it a weight under [weights])"
            )
    return tuple(dict.fromkeys(names))


def _weights(raw: Mapping[str, Any], known: Mapping[str, Any]) -> dict[str, float]:
    weights = {}
    for name, value in _table(raw, "weights").items():
        if name not in known:
            raise InputError(
                f"unknown criterion {name!r} (profile key 'weights.{name}'; "
                f"known: {', '.join(sorted(known))})"
            )
        weights[name] = _number(value, f"weights.{name}")
    return weights


def _age_groups(raw: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    groups = {}
    for name, value in _table(raw, "age_groups").items():
        if name not in AUDIENCES:
            raise InputError(f"unknown audience {name!r} (profile key 'age_groups.{name}')")
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise InputError(f"profile key 'age_groups.{name}': expected a list of strings")
        groups[name] = tuple(value)
    return groups


def _thresholds(raw: Mapping[str, Any]) -> dict[str, float]:
    table = _table(raw, "thresholds")
    values: dict[str, float] = {}
    for key in ("join", "pilot", "watch", "keep", "reduce"):
        if key not in table:
            raise InputError(f"profile key 'thresholds.{key}' is missing")
        values[key] = _number(table[key], f"thresholds.{key}")
        if values[key] > 100:
            raise InputError(f"profile key 'thresholds.{key}': must be <= 100")
    for key in table:
        if key not in values:
            raise InputError(f"unknown profile key 'thresholds.{key}'")
    if not values["join"] >= values["pilot"] >= values["watch"]:
        raise InputError("profile key 'thresholds': expected join >= pilot >= watch")
    if not values["keep"] >= values["reduce"]:
        raise InputError("profile key 'thresholds': expected keep >= reduce")
    return values


def _knockouts(raw: Mapping[str, Any], known: Mapping[str, Any]) -> tuple[Knockout, ...]:
    rules = raw.get("knockouts", [])
    if not isinstance(rules, list):
        raise InputError("profile key 'knockouts': expected an array of tables ([[knockouts]])")
    parsed = []
    for index, rule in enumerate(rules):
        where = f"knockouts[{index}]"
        if not isinstance(rule, Mapping):
            raise InputError(f"profile key {where!r}: expected a table")
        for key in rule:
            if key not in KNOCKOUT_KEYS:
                raise InputError(f"unknown profile key '{where}.{key}'")
        for key in ("id", "reason_fr", "reason_en"):
            if not isinstance(rule.get(key), str) or not rule[key].strip():
                raise InputError(f"profile key '{where}.{key}' is required (text)")
        if rule.get("verdict", "decline") not in NEW_VERDICTS:
            raise InputError(f"profile key '{where}.verdict': one of {NEW_VERDICTS}")
        if rule.get("verdict_joined", "leave") not in JOINED_VERDICTS:
            raise InputError(f"profile key '{where}.verdict_joined': one of {JOINED_VERDICTS}")
        criterion = rule.get("criterion")
        if criterion is not None and criterion not in known:
            raise InputError(f"unknown criterion {criterion!r} (profile key '{where}.criterion')")
        if (criterion is None) != ("below" not in rule):
            raise InputError(f"profile key {where!r}: 'criterion' and 'below' go together")
        if criterion is None and not rule.get("platforms"):
            raise InputError(f"profile key {where!r}: needs 'platforms' or 'criterion'/'below'")
        parsed.append(
            Knockout(
                id=rule["id"],
                reason_fr=rule["reason_fr"],
                reason_en=rule["reason_en"],
                source=rule.get("source"),
                url=rule.get("url"),
                year=rule.get("year"),
                platforms=tuple(rule.get("platforms", ())),
                criterion=criterion,
                below=_number(rule["below"], f"{where}.below") if "below" in rule else None,
                verdict=rule.get("verdict", "decline"),
                verdict_joined=rule.get("verdict_joined", "leave"),
            )
        )
    return tuple(parsed)


def _derogations(raw: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    ids = {r.get("id") for r in raw.get("knockouts", []) if isinstance(r, Mapping)}
    out = {}
    for rule_id, table in _table(raw, "derogations").items():
        if rule_id not in ids:
            raise InputError(f"profile key 'derogations.{rule_id}': no knock-out rule has that id")
        if not isinstance(table, Mapping) or not all(isinstance(v, str) for v in table.values()):
            raise InputError(
                f"profile key 'derogations.{rule_id}': expected {{ platform = \"reference\" }}"
            )
        out[rule_id] = dict(table)
    return out


# Options the built-in criteria divide by (or take the logarithm of): zero is not a setting.
POSITIVE_OPTIONS = frozenset(
    {"half_life_days", "halving_load", "full_age_years", "implausible_ratio", "scale_bounds"}
)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_option(key: str, value: Any, default: Any) -> None:
    """A criterion option has the shape of its default: a number for a number (not negative
    when the default is not), a table of numbers for a table of numbers, and so on. A bad
    value is named here rather than failing deep in the engine."""
    if _is_number(default):
        if not _is_number(value):
            raise InputError(f"profile key {key!r}: expected a number, got {value!r}")
        if default >= 0 and value < 0:
            raise InputError(f"profile key {key!r}: must be >= 0, got {value!r}")
        if key.rsplit(".", 1)[-1] in POSITIVE_OPTIONS and value <= 0:
            raise InputError(f"profile key {key!r}: must be > 0, got {value!r}")
    elif isinstance(default, Mapping):
        if not isinstance(value, Mapping):
            raise InputError(f"profile key {key!r}: expected a table, got {value!r}")
        if all(_is_number(v) for v in default.values()):
            for item, number in value.items():
                if not _is_number(number) or number < 0:
                    raise InputError(
                        f"profile key '{key}.{item}': expected a number >= 0, got {number!r}"
                    )
    elif isinstance(default, list | tuple):
        if not isinstance(value, list | tuple):
            raise InputError(f"profile key {key!r}: expected a list, got {value!r}")
        numbers = bool(default) and all(_is_number(v) for v in default)
        if numbers and (len(value) != len(default) or not all(_is_number(v) for v in value)):
            raise InputError(f"profile key {key!r}: expected {len(default)} numbers, got {value!r}")
        if key.rsplit(".", 1)[-1] == "scale_bounds" and not 0 < value[0] < value[1]:
            raise InputError(f"profile key {key!r}: expected [low, high] with 0 < low < high")
    elif isinstance(default, bool | str) and type(value) is not type(default):
        kind = "true or false" if isinstance(default, bool) else "a text"
        raise InputError(f"profile key {key!r}: expected {kind}, got {value!r}")


def _options(
    raw: Mapping[str, Any], known: Mapping[str, Any], weights: Mapping[str, float]
) -> dict[str, dict[str, Any]]:
    given = _table(raw, "criteria")
    options = {}
    for name, table in given.items():
        if name not in known:
            raise InputError(f"unknown criterion {name!r} (profile key 'criteria.{name}')")
        for key, value in table.items():
            if key not in known[name].defaults:
                raise InputError(f"unknown profile key 'criteria.{name}.{key}'")
            _check_option(f"criteria.{name}.{key}", value, known[name].defaults[key])
    for name in weights:
        merged = copy.deepcopy(dict(known[name].defaults))
        merged.update(given.get(name, {}))
        options[name] = merged
    return options


def _ahp_weights(
    table: Mapping[str, Any], weights: dict[str, float], known: Mapping[str, Any]
) -> tuple[dict[str, float], dict[str, Any], str | None]:
    """Weights from a pairwise-comparison matrix (AHP); the listed criteria share their sum."""
    from criteria.mcda import ahp

    names = table.get("criteria")
    matrix = table.get("matrix")
    if not isinstance(names, list) or not names:
        raise InputError("profile key 'ahp.criteria': expected a list of criterion names")
    for name in names:
        if name not in known:
            raise InputError(f"unknown criterion {name!r} (profile key 'ahp.criteria')")
    try:
        result = ahp(matrix)
    except ValueError as exc:
        raise InputError(f"profile key 'ahp.matrix': {exc}") from None
    if len(result.weights) != len(names):
        raise InputError("profile key 'ahp.matrix': one row and column per listed criterion")
    budget = sum(weights.get(n, 0.0) for n in names) or float(len(names))
    updated = dict(weights)
    for name, w in zip(names, result.weights, strict=True):
        updated[name] = round(float(w) * budget, 6)
    info = {"criteria": names, "consistency_ratio": round(result.cr, 4),
            "lambda_max": round(result.lambda_max, 4)}  # fmt: skip
    warning = None
    if result.cr > 0.1:
        warning = (
            f"AHP consistency ratio {result.cr:.3f} exceeds 0.1: the pairwise comparisons "
            "contradict each other; revise them before relying on these weights"
        )
    return updated, info, warning
