"""Reading what other parts of Vigie publish: decisions, emergence, saved report runs.

Decisions and emergence go through their owners' public APIs (``watch.decisions``,
``watch.emergence``); saved runs are read from the ``score_run``/``score`` tables of the data
model. Everything comes back as plain dicts, so the report does not depend on internals.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlmodel import col, select

from watch.decisions import current_decisions, due_decisions, head_hash
from watch.emergence import top_candidates
from watch.models import Score, ScoreRun
from watch.store import Store

REPORT_LABEL = "report"


def decisions_view(store: Store, review_by: date) -> dict[str, Any]:
    """Current decision per platform, those due for review by ``review_by``, the head hash."""
    return {
        "current": current_decisions(store),
        "due": due_decisions(store, review_by),
        "head_hash": head_hash(store),
    }


def candidates_view(store: Store, now: datetime, limit: int = 10) -> list[dict[str, Any]]:
    """Networks spotted in the news that are not in the catalogue yet (issue #10)."""
    return list(top_candidates(store, now, limit=limit))


def previous_report(store: Store, quarter: str) -> dict[str, Any] | None:
    """The last report run saved for a quarter before ``quarter``, as totals and verdicts.

    Read from the ``score_run``/``score`` tables, which are the data model's contract, so the
    movement between editions is derived from saved data, never typed by hand.
    """
    with store.session() as session:
        run = session.exec(
            select(ScoreRun)
            .where(ScoreRun.label == REPORT_LABEL, col(ScoreRun.quarter) < quarter)
            .order_by(
                col(ScoreRun.quarter).desc(),
                col(ScoreRun.created_at).desc(),
                col(ScoreRun.id).desc(),
            )
            .limit(1)
        ).first()
        if run is None:
            return None
        scores = session.exec(select(Score).where(Score.run_id == run.id)).all()
        return {
            "id": run.id,
            "quarter": run.quarter,
            "created_at": run.created_at,
            "platforms": {
                score.platform: {"total": score.total, "verdict": score.verdict} for score in scores
            },
        }
