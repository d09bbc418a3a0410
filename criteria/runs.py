"""Saved evaluations (ScoreRun, Score, CriterionScore): history, report editions, decisions.

``ScoreRun.result`` keeps the full JSON of the evaluation, so a report or a decision snapshot
can be rebuilt exactly as it was; the per-platform and per-criterion rows make it queryable.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlmodel import col, select

from criteria.engine import ENGINE_VERSION, Evaluation
from watch.clock import ensure_utc, isoformat, quarter_of
from watch.errors import InputError
from watch.models import CriterionScore, Score, ScoreRun
from watch.store import Store


def save_run(
    store: Store, evaluation: Evaluation, *, label: str | None = None, quarter: str | None = None
) -> int:
    """Store the evaluation in one transaction; returns the new ScoreRun id."""
    data = evaluation.to_dict()
    with store.session() as session:
        run = ScoreRun(
            profile=evaluation.profile.name,
            weights=dict(evaluation.profile.weights),
            audiences=dict(evaluation.profile.audiences),
            method=evaluation.profile.method_dict(),
            engine_version=ENGINE_VERSION,
            created_at=evaluation.now,
            as_of=evaluation.as_of,
            quarter=quarter or quarter_of(evaluation.as_of),
            label=label,
            result=data,
        )
        session.add(run)
        session.flush()
        run_id = int(run.id or 0)
        # Core bulk inserts: a run is ~25 scores and ~225 criterion rows, written in two statements.
        session.execute(insert(Score), [_score_row(run_id, item) for item in data["platforms"]])
        session.execute(
            insert(CriterionScore),
            [
                {
                    "run_id": run_id,
                    "platform": item["platform"],
                    "criterion": name,
                    "score": c["score"],
                    "weight": c["weight"],
                    "contribution": c["contribution"],
                    "explanation_fr": c["explanation_fr"],
                    "explanation_en": c["explanation_en"],
                    "evidence": c["evidence"],
                }  # fmt: skip
                for item in data["platforms"]
                for name, c in item["criteria"].items()
            ],
        )
    return run_id


def _score_row(run_id: int, item: dict[str, Any]) -> dict[str, Any]:
    return {
        "run_id": run_id,
        "platform": item["platform"],
        "total": item["total"],
        "verdict": item["verdict"],
        "confidence": item["confidence"],
        "stability": item["stability"],
        "rank": item["rank"],
        "knockouts": item["knockouts"],
        "detail": {
            "verdict_reason": item["verdict_reason"],
            "flip": item["flip"],
            "missing": item["missing"],
            "confidence_detail": item["confidence_detail"],
            "score_verdict": item.get("score_verdict"),
            "requirements_unmet": item.get("requirements_unmet", []),
        },
    }


def _run_dict(run: ScoreRun) -> dict[str, Any]:
    data = dict(run.result)
    data.update(
        run_id=run.id, quarter=run.quarter, label=run.label, saved_at=isoformat(run.created_at)
    )
    return data


def load_run(store: Store, run_id: int) -> dict[str, Any]:
    with store.session() as session:
        run = session.get(ScoreRun, run_id)
        if run is None:
            raise InputError(f"no saved score run with id {run_id}")
        return _run_dict(run)


def latest_run(
    store: Store, *, quarter: str | None = None, before: datetime | None = None
) -> dict[str, Any] | None:
    """The newest saved run, optionally of one quarter or evaluated as of before ``before``."""
    with store.session() as session:
        query = select(ScoreRun).order_by(col(ScoreRun.created_at).desc(), col(ScoreRun.id).desc())
        if quarter is not None:
            query = query.where(ScoreRun.quarter == quarter)
        if before is not None:
            query = query.where(ScoreRun.as_of < ensure_utc(before))
        run = session.exec(query.limit(1)).first()
        return None if run is None else _run_dict(run)


def list_runs(store: Store) -> list[dict[str, Any]]:
    with store.session() as session:
        runs = session.exec(select(ScoreRun).order_by(col(ScoreRun.id))).all()
        return [
            {
                "run_id": r.id,
                "profile": r.profile,
                "quarter": r.quarter,
                "label": r.label,
                "as_of": isoformat(r.as_of),
                "created_at": isoformat(r.created_at),
            }  # fmt: skip
            for r in runs
        ]
