"""Rows for ``vigie score --format table|csv`` (JSON prints the evaluation itself)."""

from __future__ import annotations

from typing import Any

TABLE_COLUMNS = (
    "rank", "platform", "status", "total", "verdict", "confidence", "stability", "flip", "missing",
)  # fmt: skip


def _flip_text(flip: dict[str, Any] | None) -> str:
    if not flip:
        return ""
    return f"{flip['criterion']} {flip['from']:g}→{flip['to']:.2f}: {flip['verdict']}"


def score_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per platform: the table columns, then every criterion's score."""
    rows = []
    for item in data["platforms"]:
        verdict = item["verdict"] + ("*" if item["verdict_reason"] != "score" else "")
        row = {
            "rank": item["rank"],
            "platform": item["platform"],
            "status": item["status"],
            "total": item["total"],
            "verdict": verdict,
            "confidence": item["confidence"],
            "stability": item["stability"],
            "flip": _flip_text(item["flip"]),
            "missing": item["missing"],
        }
        row.update({name: c["score"] for name, c in item["criteria"].items()})
        rows.append(row)
    return rows


def summary_lines(data: dict[str, Any]) -> list[str]:
    """The method, stated under the table (stderr), so the total can be checked by hand."""
    forced = [
        f"  {p['platform']}: {p['verdict']}, {p['verdict_explanation']}"
        for p in data["platforms"]
        if p["verdict_reason"] != "score"
    ]
    weights = ", ".join(f"{n}={w:g}" for n, w in data["weights"].items())
    audiences = ", ".join(f"{n}={p:g}" for n, p in data["audiences"].items())
    method = data["method"]
    return [
        f"profile {data['profile']} ({data['profile_origin']}); as of {data['as_of']}",
        f"weights: {weights}",
        f"audiences: {audiences}",
        f"total = sum(weight x score) / sum(weight) over criteria with evidence "
        f"(missing evidence: {method['missing']}); aggregation: {method['aggregation']}",
        "* verdict forced by a knock-out rule or by too little evidence, or capped at pilot for "
        "want of evidence a join requires (see --format json):",
        *forced,
    ]


def problem_lines(data: dict[str, Any]) -> list[str]:
    """Warnings and criterion errors, printed on stderr whatever the format."""
    return [f"warning: {w}" for w in data.get("warnings", [])] + [
        f"error: {e}" for e in data.get("errors", [])
    ]
