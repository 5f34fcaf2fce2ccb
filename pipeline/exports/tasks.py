"""Action items as plain files: the per-unit table, JSON Lines, CSV; and `export_tasks` for Python.

Flow: source (a file, a folder, or the DuckDB store -> Letters -> action
items) -> **these formats**. Every format carries the stable task id, so
importing a re-export updates tasks instead of duplicating them: JSON Lines
records validate against `congvan schema --tasks`; CSV is UTF-8 with a BOM
(spreadsheet tools then read Vietnamese correctly) and no cell a spreadsheet
would run as a formula. `congvan tasks` prints the table; `congvan export
csv|jsonl` and `congvan.export_tasks` write the files.
"""
from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Iterable
from pathlib import Path

from congvan.models.output import action_item_to_json
from congvan.models.records import ActionItem, Letter
from congvan.pipeline.exports.items import csv_bytes, write_rows

CSV_COLUMNS = ["id", "letter_id", "path", "label", "unit", "unit_key", "role", "collaborators", "text",
               "deadline", "deadline_text", "recurrence", "rrule", "urgency", "report_to"]
FILE_FORMATS = {".csv": "csv", ".ics": "ics", ".jsonl": "jsonl"}


def _deadline(item: ActionItem) -> str:
    if item.deadline and item.deadline.date:
        return item.deadline.date.iso
    if item.recurrence:
        return item.recurrence
    return item.deadline.text if item.deadline else ""


def to_table(items: list[ActionItem], letters: dict[str, Letter] | None = None, width: int = 72) -> str:
    """Per-unit view: units by number of tasks, each task with its path,
    role, deadline and urgency."""
    if not items:
        return "No action items."
    groups: OrderedDict[str, list[ActionItem]] = OrderedDict()
    names: dict[str, str] = {}
    for item in items:
        groups.setdefault(item.unit_key, []).append(item)
        names.setdefault(item.unit_key, item.unit)
    lines: list[str] = []
    leads = sum(1 for i in items if i.role == "lead")
    lines.append(f"{len(items)} action items for {len(groups)} units ({leads} lead, {len(items) - leads} support)")
    for key, group in sorted(groups.items(), key=lambda kv: (-len(kv[1]), names[kv[0]])):
        lead = sum(1 for i in group if i.role == "lead")
        lines.append("")
        lines.append(f"{names[key]}  [{len(group)} task{'s' if len(group) != 1 else ''}: {lead} lead, {len(group) - lead} support]")
        for item in group:
            path = item.path or "(body)"
            flags: list[str] = [item.role]
            if item.urgency == "urgent":
                flags.append("URGENT")
            due = _deadline(item)
            if due:
                flags.append(f"due {due}")
            if item.report_to:
                flags.append(f"report to {item.report_to}")
            text = item.text if len(item.text) <= width else item.text[: width - 1].rstrip() + "…"
            lines.append(f"  {path:<7} {', '.join(flags)}")
            lines.append(f"          {text}")
    return "\n".join(lines)


def to_jsonl(items: Iterable[ActionItem]) -> str:
    return "".join(json.dumps(action_item_to_json(i), ensure_ascii=False) + "\n" for i in items)


def _csv_row(item: ActionItem) -> dict:
    row = action_item_to_json(item)
    row["collaborators"] = "; ".join(row["collaborators"])
    return row


def to_csv(items: Iterable[ActionItem], skipped: list[str] | None = None) -> bytes:
    """UTF-8 with a BOM and CRLF rows, as spreadsheet tools expect."""
    return csv_bytes(CSV_COLUMNS, write_rows(items, _csv_row, skipped if skipped is not None else []))


def export_tasks(source: str | Path, path: str | Path, *, fmt: str | None = None, unit: str | None = None) -> Path:
    """Write the action items of `source` (a `.duckdb` store, a letter file or a
    folder of letters) to `path` as CSV, iCalendar (VTODOs) or JSON Lines (chosen by
    `fmt` or by the suffix: .csv, .ics, .jsonl); `unit` keeps only the tasks
    of units whose name contains it. Returns the path written."""
    from congvan.pipeline.exports import ical
    from congvan.pipeline.exports import source as src

    out = Path(path)
    fmt = (fmt or FILE_FORMATS.get(out.suffix.lower(), "")).lower()
    if fmt not in ("csv", "ics", "jsonl"):
        raise ValueError(f"{out}: choose fmt='csv', 'ics' or 'jsonl' (or a .csv/.ics/.jsonl name)")
    letters, _problems = src.load(source)
    items, by_id, _warnings = src.Selection(unit=unit).items(letters)
    if fmt == "csv":
        data = to_csv(items)
    elif fmt == "ics":
        data = ical.to_ical(items, by_id, events=False)
    else:
        data = to_jsonl(items).encode("utf-8")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    return out
