"""Exports of the decision archive: Markdown for the council, CSV for spreadsheets, JSON for audit.

The Markdown follows the spirit of MADR (context, options considered, decision outcome,
consequences, confirmation by a review date). Every piece of text that came from the web or
from a person (evidence titles, rationales, names) is escaped, so an export can be pasted into
a deliberation or published without turning into markup. The JSON export keeps each record
exactly as hashed, so ``vigie decisions verify --file`` can check an archived copy offline.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from watch.clock import isoformat
from watch.decisions_chain import CHAIN_FORMAT, GENESIS_HASH, HASHED_FIELDS
from watch.output import to_json

EXPORT_FORMAT = "vigie-decisions/1"
FRACTION = re.compile(r"(?<=T\d\d:\d\d:\d\d)\.\d+")
# Brackets are escaped, so no text can open a link; parentheses alone are harmless.
MD_SPECIAL = re.compile(r"([\\`*_{}\[\]#+!|~])")
NEW_FAMILY = ("join", "pilot", "watch", "decline")
JOINED_FAMILY = ("keep", "reduce", "leave")

LABELS: dict[str, dict[str, Any]] = {
    "fr": {
        "title": "Archive des décisions",
        "generated": "Généré le",
        "records": "décision(s)",
        "head": "Empreinte de tête (à conserver pour vérifier l'archive)",
        "verify": "Vérifier",
        "empty": "Aucune décision enregistrée.",
        "status": "Statut",
        "superseded_by": "remplacée par",
        "date": "Date",
        "makers": "Décideurs",
        "consulted": "Consultés",
        "review": "Date de revue",
        "supersedes": "Remplace",
        "run": "Évaluation de référence",
        "hash": "Empreinte",
        "prev": "précédente",
        "context": "Contexte et problème",
        "question_new": "La collectivité doit-elle rejoindre {name} ?",
        "question_joined": "La collectivité doit-elle rester sur {name} ?",
        "no_score": "Aucune évaluation n'a été figée avec cette décision.",
        "scored": (
            "Score total {total}/100 (rang {rank} sur {of}), recommandation du moteur : "
            "**{verdict}** (confiance {confidence}, stabilité {stability})."
        ),
        "profile": "Profil {profile} ; publics : {audiences}.",
        "options": "Options envisagées",
        "option": "Option",
        "rule": "Règle du profil",
        "note": "Remarque",
        "chosen": "retenue",
        "recommended": "recommandée par le score",
        "below": "score < {value}",
        "at_least": "score ≥ {value}",
        "criteria": "Critères et scores",
        "criterion": "Critère",
        "score": "Score",
        "weight": "Poids",
        "contribution": "Contribution",
        "explanation": "Explication",
        "outcome": "Décision",
        "because": "Option retenue : **{verdict}**, parce que :",
        "consequences": "Conséquences",
        "status_follows": "Statut de {name} pour la collectivité après cette décision : {status}.",
        "status_unchanged": "Décision {status} : le statut de {name} ne change pas.",
        "departs": "La décision s'écarte de la recommandation du score ({verdict}).",
        "confirmation": "Revue prévue le {date}.",
        "no_review": "Pas de date de revue.",
        "knockouts": "Critères éliminatoires",
        "evidence": "Éléments de preuve",
        "no_evidence": "Aucun élément de preuve cité.",
        "colon": " :",
        "lang": "fr",
        "reasons": {
            "knockout": "Le verdict du moteur est imposé par un critère éliminatoire.",
            "insufficient_evidence": (
                "Trop peu de preuves pour un score fiable : le verdict du moteur le signale "
                "au lieu de deviner."
            ),
        },
        "words": {
            "join": "rejoindre (join)",
            "pilot": "expérimenter (pilot)",
            "watch": "surveiller (watch)",
            "decline": "décliner (decline)",
            "keep": "conserver (keep)",
            "reduce": "réduire (reduce)",
            "leave": "quitter (leave)",
            "proposed": "proposée",
            "accepted": "acceptée",
            "rejected": "rejetée",
            "superseded": "remplacée",
            "joined": "présente (joined)",
            "left": "partie (left)",
            "declined": "déclinée (declined)",
            "watching": "en veille (watching)",
        },
    },
    "en": {
        "title": "Decision archive",
        "generated": "Generated on",
        "records": "decision(s)",
        "head": "Head hash (keep it to verify the archive later)",
        "verify": "Verify",
        "empty": "No decision recorded.",
        "status": "Status",
        "superseded_by": "superseded by",
        "date": "Date",
        "makers": "Decision-makers",
        "consulted": "Consulted",
        "review": "Review date",
        "supersedes": "Supersedes",
        "run": "Score run",
        "hash": "Hash",
        "prev": "previous",
        "context": "Context and problem statement",
        "question_new": "Should the city join {name}?",
        "question_joined": "Should the city stay on {name}?",
        "no_score": "No evaluation was frozen with this decision.",
        "scored": (
            "Total score {total}/100 (rank {rank} of {of}), the engine recommends "
            "**{verdict}** (confidence {confidence}, stability {stability})."
        ),
        "profile": "Profile {profile}; audiences: {audiences}.",
        "options": "Considered options",
        "option": "Option",
        "rule": "Profile rule",
        "note": "Note",
        "chosen": "chosen",
        "recommended": "recommended by the score",
        "below": "score < {value}",
        "at_least": "score ≥ {value}",
        "criteria": "Criteria and scores",
        "criterion": "Criterion",
        "score": "Score",
        "weight": "Weight",
        "contribution": "Contribution",
        "explanation": "Explanation",
        "outcome": "Decision outcome",
        "because": "Chosen option: **{verdict}**, because:",
        "consequences": "Consequences",
        "status_follows": "The city's status on {name} after this decision: {status}.",
        "status_unchanged": "Decision {status}: the status of {name} does not change.",
        "departs": "The decision departs from the score's recommendation ({verdict}).",
        "confirmation": "Review planned on {date}.",
        "no_review": "No review date.",
        "knockouts": "Knock-out criteria",
        "evidence": "Evidence",
        "no_evidence": "No evidence cited.",
        "colon": ":",
        "lang": "en",
        "reasons": {
            "knockout": "A knock-out criterion forces the engine's verdict.",
            "insufficient_evidence": (
                "Too little evidence for a reliable score: the engine's verdict says so "
                "instead of guessing."
            ),
        },
        "words": {},
    },
}


# --------------------------------------------------------------------------- escaping


def md_text(value: Any) -> str:
    """Text safe inside Markdown: HTML neutralised, Markdown punctuation backslash-escaped."""
    text = "" if value is None else str(value)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return MD_SPECIAL.sub(r"\\\1", text)


def md_cell(value: Any) -> str:
    """Text safe inside a Markdown table cell (one line)."""
    return " ".join(md_text(value).split())


def md_link(title: Any, url: Any) -> str:
    """A link when ``url`` is http(s), else the escaped title alone (no javascript: links)."""
    label = md_cell(title) or md_cell(url)
    if not isinstance(url, str) or not re.match(r"^https?://", url, re.IGNORECASE):
        return label
    safe = "".join(c if c.isprintable() and c not in " ()<>" else f"%{ord(c):02X}" for c in url)
    return f"[{label}]({safe})"


def _number(value: Any, digits: int = 1) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "—"
    return f"{value:.{digits}f}".rstrip("0").rstrip(".") if digits else str(round(value))


def _when(value: Any) -> str:
    """An instant for people: UTC, to the second (exports keep the exact value in JSON)."""
    if isinstance(value, datetime):
        return isoformat(value.replace(microsecond=0)) or ""
    return FRACTION.sub("", str(value or ""))


def _word(value: Any, t: Mapping[str, Any]) -> str:
    """A verdict or status in the export's language (the CLI value kept in brackets)."""
    return md_text(t["words"].get(value, value))


def _ref(decision_id: Any) -> str:
    return f"D-{int(decision_id):04d}" if decision_id is not None else "—"


# --------------------------------------------------------------------------- Markdown


def _meta(record: Mapping[str, Any], t: Mapping[str, Any]) -> list[str]:
    status = _word(record["status"], t)
    if record.get("superseded_by") is not None:
        status = f"{status}, {t['superseded_by']} {_ref(record['superseded_by'])}"
    snapshot = record.get("snapshot") or {}
    run = snapshot.get("score_run") or {}

    def line(label: str, value: str) -> str:
        return f"- **{t[label]}**{t['colon']} {value}"

    lines = [
        line("status", status),
        line("date", _when(record["decided_at"])),
        line("makers", md_text(record["decided_by"])),
        line("consulted", md_text(record.get("consulted") or "—")),
        line("review", str(record.get("review_on") or "—")),
    ]
    if record.get("supersedes") is not None:
        lines.append(line("supersedes", _ref(record["supersedes"])))
    if record.get("score_run_id") is not None:
        parts = [f"#{record['score_run_id']}", md_text(snapshot.get("profile") or "")]
        parts.append(md_text(_when(run.get("created_at"))))
        lines.append(line("run", ", ".join(p for p in parts if p)))
    hashes = f"`{record['hash']}` ({t['prev']} `{record['prev_hash']}`)"
    return [*lines, line("hash", hashes)]


def _family(snapshot: Mapping[str, Any], verdict: str) -> tuple[str, ...]:
    joined = snapshot.get("platform_status") == "joined" or verdict in JOINED_FAMILY
    return JOINED_FAMILY if joined else NEW_FAMILY


def _context(record: Mapping[str, Any], t: Mapping[str, Any]) -> list[str]:
    snapshot = record.get("snapshot") or {}
    name = md_text(record.get("platform_name") or record["platform"])
    family = _family(snapshot, record["verdict"])
    question = t["question_joined" if family == JOINED_FAMILY else "question_new"]
    lines = [f"### {t['context']}", "", question.format(name=name), ""]
    score = snapshot.get("score")
    if not isinstance(score, Mapping):
        return [*lines, t["no_score"], ""]
    lines.append(
        t["scored"].format(
            total=_number(score.get("total")),
            rank=score.get("rank", "—"),
            of=score.get("of", "—"),
            verdict=_word(score.get("verdict") or "—", t),
            confidence=_number(score.get("confidence"), 2),
            stability=_number(score.get("stability"), 2),
        )
    )
    audiences = ", ".join(
        f"{md_text(k)}={_number(v)}" for k, v in sorted((snapshot.get("audiences") or {}).items())
    )
    lines += [
        "",
        t["profile"].format(profile=md_text(snapshot.get("profile")), audiences=audiences),
    ]
    reason = t["reasons"].get(score.get("verdict_reason"))
    if reason:
        lines += ["", reason]
    return [*lines, "", *_knockouts(snapshot, t)]


def _knockouts(snapshot: Mapping[str, Any], t: Mapping[str, Any]) -> list[str]:
    """The knock-out rules that forced the engine's verdict, with their cited source."""
    lines = []
    for knockout in snapshot.get("knockouts") or []:
        if not isinstance(knockout, Mapping):
            knockout = {"reason": knockout}
        reason = knockout.get(f"reason_{t['lang']}") or knockout.get("reason")
        source = md_link(knockout.get("source"), knockout.get("url"))
        lines.append(
            f"- {t['knockouts']}{t['colon']} {md_text(reason)}" + (f" ({source})" if source else "")
        )
    return [*lines, ""] if lines else []


def _rules(family: Sequence[str], thresholds: Mapping[str, Any], t: Mapping[str, Any]) -> dict:
    rules = {}
    for option in family[:-1]:
        if isinstance(thresholds.get(option), int | float):
            rules[option] = t["at_least"].format(value=_number(thresholds[option]))
    bottom = family[-2]
    if isinstance(thresholds.get(bottom), int | float):
        rules[family[-1]] = t["below"].format(value=_number(thresholds[bottom]))
    return rules


def _options(record: Mapping[str, Any], t: Mapping[str, Any]) -> list[str]:
    snapshot = record.get("snapshot") or {}
    family = _family(snapshot, record["verdict"])
    rules = _rules(family, snapshot.get("thresholds") or {}, t)
    recommended = (snapshot.get("score") or {}).get("verdict")
    lines = [f"### {t['options']}", "", f"| {t['option']} | {t['rule']} | {t['note']} |"]
    lines.append("|---|---|---|")
    for option in family:
        notes = [t["chosen"]] if option == record["verdict"] else []
        if option == recommended:
            notes.append(t["recommended"])
        shown = _word(option, t)
        shown = f"**{shown}**" if option == record["verdict"] else shown
        lines.append(f"| {shown} | {rules.get(option, '—')} | {', '.join(notes)} |")
    return [*lines, ""]


def _criteria(snapshot: Mapping[str, Any], t: Mapping[str, Any], lang: str) -> list[str]:
    criteria = snapshot.get("criteria") or {}
    if not criteria:
        return []
    head = f"| {t['criterion']} | {t['score']} | {t['weight']} | {t['contribution']} |"
    lines = [f"### {t['criteria']}", "", f"{head} {t['explanation']} |", "|---|---|---|---|---|"]
    # Most weighted first, criteria without evidence last: the order a council reads them in.
    ordered = sorted(
        criteria.items(),
        key=lambda item: (
            (item[1] or {}).get("score") is None,
            -((item[1] or {}).get("weight") or 0),
            item[0],
        ),
    )
    for name, detail in ordered:
        detail = detail or {}
        explanation = detail.get(f"explanation_{lang}") or detail.get("explanation") or ""
        cells = (
            md_cell(name),
            _number(detail.get("score")),
            _number(detail.get("weight"), 2),
            _number(detail.get("contribution"), 2),
            md_cell(explanation),
        )
        lines.append("| " + " | ".join(cells) + " |")
    return [*lines, ""]


def _outcome(record: Mapping[str, Any], t: Mapping[str, Any]) -> list[str]:
    quoted = [f"> {md_text(line)}".rstrip() for line in str(record["rationale"]).splitlines()]
    return [
        f"### {t['outcome']}",
        "",
        t["because"].format(verdict=_word(record["verdict"], t)),
        "",
        *quoted,
        "",
    ]


def _consequences(record: Mapping[str, Any], t: Mapping[str, Any]) -> list[str]:
    snapshot = record.get("snapshot") or {}
    name = md_text(record.get("platform_name") or record["platform"])
    lines = [f"### {t['consequences']}", ""]
    if record.get("status_after"):
        status_after = _word(record["status_after"], t)
        lines.append("- " + t["status_follows"].format(name=name, status=status_after))
    else:
        status = _word(record["status"], t)
        lines.append("- " + t["status_unchanged"].format(name=name, status=status))
    recommended = (snapshot.get("score") or {}).get("verdict")
    if recommended and recommended != record["verdict"]:
        lines.append("- " + t["departs"].format(verdict=_word(recommended, t)))
    review = record.get("review_on")
    lines.append("- " + (t["confirmation"].format(date=review) if review else t["no_review"]))
    return [*lines, ""]


def _evidence(snapshot: Mapping[str, Any], t: Mapping[str, Any]) -> list[str]:
    items = snapshot.get("evidence") or []
    lines = [f"### {t['evidence']}", ""]
    if not items:
        return [*lines, t["no_evidence"], ""]
    for item in items:
        when = md_text(item.get("date") or item.get("year") or "")
        publisher = md_text(item.get("publisher") or "")
        extra = " — ".join(part for part in (publisher, when) if part)
        link = md_link(item.get("title") or item.get("id"), item.get("url"))
        lines.append(f"- {link}" + (f" — {extra}" if extra else "") + f" (`{md_cell(item['id'])}`)")
    return [*lines, ""]


def _decision_md(record: Mapping[str, Any], t: Mapping[str, Any], lang: str) -> list[str]:
    name = md_text(record.get("platform_name") or record["platform"])
    verdict, status = _word(record["verdict"], t), _word(record["effective_status"], t)
    title = f"## {_ref(record['id'])} · {name}{t['colon']} {verdict} — {status}"
    snapshot = record.get("snapshot") or {}
    return [
        title,
        "",
        *_meta(record, t),
        "",
        *_context(record, t),
        *_options(record, t),
        *_criteria(snapshot, t, lang),
        *_outcome(record, t),
        *_consequences(record, t),
        *_evidence(snapshot, t),
    ]


def render_markdown(
    records: Sequence[Mapping[str, Any]],
    *,
    head: str | None,
    generated_at: datetime,
    city: str | None = None,
    lang: str = "fr",
) -> str:
    """The whole archive as one Markdown document, oldest decision first."""
    t = LABELS[lang]
    title = f"# {t['title']}" + (f" — {md_text(city)}" if city else "")
    stamp = _when(generated_at)
    lines = [title, "", f"{t['generated']} {stamp} · {len(records)} {t['records']}"]
    if head:
        lines += ["", f"{t['head']}{t['colon']} `{head}`", ""]
        lines.append(f"{t['verify']}{t['colon']} `vigie decisions verify --head {head}`")
    lines.append("")
    if not records:
        lines += [t["empty"], ""]
    for record in records:
        lines += _decision_md(record, t, lang)
    return "\n".join(lines).rstrip("\n") + "\n"


# --------------------------------------------------------------------------- CSV and JSON

CSV_COLUMNS = (
    "id",
    "seq",
    "platform",
    "verdict",
    "status",
    "effective_status",
    "decided_at",
    "decided_by",
    "consulted",
    "review_on",
    "rationale",
    "supersedes",
    "superseded_by",
    "score_run_id",
    "score_total",
    "score_verdict",
    "profile",
    "prev_hash",
    "hash",
)


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    text = (isoformat(value) or "") if isinstance(value, datetime) else str(value)
    # A cell starting with = + - @ would run as a formula in a spreadsheet: neutralise it.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def render_csv(records: Iterable[Mapping[str, Any]]) -> str:
    """One row per record (no snapshot: the JSON export carries it)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for record in records:
        snapshot = record.get("snapshot") or {}
        row = {**record, "profile": snapshot.get("profile")}
        writer.writerow([_csv_value(row.get(column)) for column in CSV_COLUMNS])
    return buffer.getvalue()


def render_json(
    records: Sequence[Mapping[str, Any]],
    *,
    head: str | None,
    generated_at: datetime,
    city: str | None = None,
) -> str:
    """The archive with every record exactly as hashed, plus how to recompute the chain."""
    payload = {
        "format": EXPORT_FORMAT,
        "city": city,
        "generated_at": generated_at,
        "count": len(records),
        "head": head,
        "chain": {
            "algorithm": "sha256",
            "record_format": CHAIN_FORMAT,
            "genesis": GENESIS_HASH,
            "hashed_fields": [*HASHED_FIELDS, "prev_hash", "format"],
            "canonical_json": "sorted keys, separators (',', ':'), UTF-8, UTC instants with Z",
        },
        "decisions": list(records),
    }
    return to_json(payload) + "\n"


def records_from_json(text: str) -> list[dict[str, Any]]:
    """The records of a JSON export, for offline verification; ValueError when it is not one."""
    data = json.loads(text)
    if not isinstance(data, Mapping) or data.get("format") != EXPORT_FORMAT:
        raise ValueError(f"not a Vigie decision export (format {EXPORT_FORMAT} expected)")
    decisions = data.get("decisions")
    if not isinstance(decisions, list) or not all(isinstance(d, Mapping) for d in decisions):
        raise ValueError("the export has no list of decisions")
    return [dict(d) for d in decisions]
