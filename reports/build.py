"""One edition of the quarterly report: evaluate, save the run it shows, render, write.

This is what ``vigie report`` calls. Bad input (unknown quarter, language or format, an output
path that is a file) is refused before anything is evaluated or written. The report is a pure
function of the store and ``now``: re-running it with the same data and clock reuses the saved
run and writes byte-identical files.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlmodel import col, select

from reports.adapters import REPORT_LABEL
from reports.data import assemble
from reports.i18n import LANGUAGES
from reports.quarters import Quarter, as_of, report_quarter
from reports.render import RENDERERS, Rendered
from watch import __version__
from watch.errors import InputError
from watch.models import ScoreRun
from watch.store import Store

FORMATS = tuple(RENDERERS)
_OWN_CHART = re.compile(r"^(map|audience|p\d+-(score|trend))\.png$")
_RUN_KEYS = ("run_id", "quarter", "label", "saved_at")


@dataclass(frozen=True)
class ReportResult:
    """Where the report went and which saved run it shows."""

    path: Path
    quarter: str
    run_id: int
    platforms: int
    failed_sources: int
    errors: tuple[str, ...] = ()  # criteria that raised: scored as missing, said in the report


def check_options(lang: str, fmt: str, out: Path | None) -> None:
    """Refuse bad options up front, so that nothing is computed or written for them."""
    if lang not in LANGUAGES:
        raise InputError(f"unknown language {lang!r} (expected one of {', '.join(LANGUAGES)})")
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r} (expected one of {', '.join(FORMATS)})")
    if out is not None and out.exists() and not out.is_dir():
        raise InputError(f"{out} exists and is not a folder")


def evaluate_quarter(
    workspace: Any, store: Store, *, now: datetime, moment: datetime, lang: str
) -> Any:
    """The criteria engine's evaluation of the workspace's profile as of ``moment``."""
    from criteria.engine import evaluate
    from criteria.profiles import load_profile

    profile = load_profile(workspace, None)
    return evaluate(store, profile, now=now, as_of=moment, lang=lang)


def _canonical(data: dict[str, Any]) -> str:
    return json.dumps({k: v for k, v in data.items() if k not in _RUN_KEYS}, sort_keys=True)


def save_report_run(store: Store, evaluation: Any, quarter: Quarter) -> int:
    """Save the run this edition shows, or reuse an identical one saved by an earlier run.

    Reuse keeps re-runs from piling up runs, and keeps the report (which prints the run id)
    byte-identical for the same data and clock, even when editions in two languages alternate.
    """
    from criteria.runs import load_run, save_run

    with store.session() as session:
        saved = session.exec(
            select(ScoreRun.id)
            .where(ScoreRun.label == REPORT_LABEL, ScoreRun.quarter == quarter.label)
            .order_by(col(ScoreRun.created_at).desc(), col(ScoreRun.id).desc())
        ).all()
    wanted = _canonical(evaluation.to_dict())
    for run_id in saved:
        if run_id is not None and _canonical(load_run(store, run_id)) == wanted:
            return int(run_id)
    return int(save_run(store, evaluation, label=REPORT_LABEL, quarter=quarter.label))


def write_rendered(rendered: Rendered, folder: Path) -> Path:
    """Write the report and its images; each file is replaced atomically.

    Charts of an earlier rendering that this one no longer has (a platform removed) are
    deleted, but only files whose names Vigie itself gives its charts.
    """
    folder.mkdir(parents=True, exist_ok=True)
    files = {rendered.filename: rendered.text.encode("utf-8"), **rendered.assets}
    for name, content in sorted(files.items()):
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.tmp")
        temporary.write_bytes(content)
        os.replace(temporary, target)
    charts = folder / "charts"
    if rendered.assets and charts.is_dir():
        for stale in charts.iterdir():
            if _OWN_CHART.match(stale.name) and f"charts/{stale.name}" not in rendered.assets:
                stale.unlink()
    return folder / rendered.filename


def build_report(
    workspace: Any,
    store: Store,
    *,
    now: datetime,
    quarter: str | None = None,
    lang: str | None = None,
    fmt: str = "html",
    out: Path | None = None,
) -> ReportResult:
    """Evaluate, save the run, render and write one edition of the report."""
    lang = lang or workspace.config.report.lang
    check_options(lang, fmt, out)
    period = report_quarter(quarter, now)
    moment = as_of(period, now)
    evaluation = evaluate_quarter(workspace, store, now=now, moment=moment, lang=lang)
    run_id = save_report_run(store, evaluation, period)
    report = assemble(
        store,
        evaluation.to_dict(),
        quarter=period,
        now=now,
        as_of=moment,
        city=workspace.config.city.model_dump(),
        sample=workspace.config.report.sample,
        version=__version__,
    )
    report["run_id"] = run_id
    rendered = RENDERERS[fmt](report, lang)
    folder = out if out is not None else workspace.reports_dir / period.label
    path = write_rendered(rendered, folder)
    failed = sum(1 for source in report["sources"] if source["last_error"])
    return ReportResult(
        path, period.label, run_id, len(report["platforms"]), failed, tuple(report["errors"])
    )
