"""Render listings as a table (people), JSON (scripts) or CSV (spreadsheets).

Data goes to stdout, messages to stderr: the CLI prints what these functions return.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from watch.clock import isoformat

FORMATS = ("table", "json", "csv")


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return isoformat(value)
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def to_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=_default)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list | tuple):
        return ", ".join(_cell(v) for v in value)
    if isinstance(value, Mapping):
        return json.dumps(value, ensure_ascii=False, default=_default)
    if isinstance(value, datetime):
        return isoformat(value) or ""
    return str(value)


def _columns(rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None) -> list[str]:
    if columns:
        return list(columns)
    seen: dict[str, None] = {}
    for row in rows:
        for key in row:
            seen.setdefault(key, None)
    return list(seen)


def to_csv(rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None) -> str:
    names = _columns(rows, columns)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(names)
    for row in rows:
        writer.writerow([_cell(row.get(name)) for name in names])
    return buffer.getvalue()


def to_table(
    rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None, width: int = 60
) -> str:
    names = _columns(rows, columns)
    if not rows:
        return "(none)\n"
    cells = [[_cell(row.get(name)).replace("\n", " ") for name in names] for row in rows]
    cells = [[c if len(c) <= width else c[: width - 1] + "…" for c in line] for line in cells]
    widths = [max([len(n)] + [len(line[i]) for line in cells]) for i, n in enumerate(names)]
    out = ["  ".join(n.ljust(w) for n, w in zip(names, widths, strict=True)).rstrip()]
    out.append("  ".join("-" * w for w in widths))
    for line in cells:
        out.append("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip())
    return "\n".join(out) + "\n"


def render(
    rows: Sequence[Mapping[str, Any]], fmt: str, columns: Sequence[str] | None = None
) -> str:
    """Render a listing; ``columns`` picks the table and CSV columns, JSON keeps everything."""
    if fmt == "json":
        return to_json(list(rows)) + "\n"
    if fmt == "csv":
        return to_csv(rows, columns)
    return to_table(rows, columns)


def render_record(record: Mapping[str, Any], fmt: str) -> str:
    """Render one object (``show`` commands): key/value lines, JSON, or a one-row CSV."""
    if fmt == "json":
        return to_json(record) + "\n"
    if fmt == "csv":
        return to_csv([record])
    width = max(len(k) for k in record) if record else 0
    lines = []
    for key, value in record.items():
        if isinstance(value, list) and value and isinstance(value[0], Mapping):
            lines.append(f"{key}:")
            for item in value:
                lines.append("  - " + "; ".join(f"{k}: {_cell(v)}" for k, v in item.items()))
        else:
            lines.append(f"{key.ljust(width)}  {_cell(value)}")
    return "\n".join(lines) + "\n"
