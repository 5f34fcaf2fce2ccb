"""Action items -> task trackers: a per-unit table, JSON Lines, CSV, iCalendar.

Flow: letters (a file, a folder, or the DuckDB store) -> `derive_action_items`
(`pipeline/tasks.py`) -> **exports**. Every format carries the stable task id,
so importing a re-export updates tasks instead of duplicating them: JSON Lines
records validate against `congvan schema --tasks`, CSV is UTF-8 with a BOM
(spreadsheet tools then read Vietnamese correctly), and iCalendar VTODOs use
the id as UID.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections import OrderedDict
from pathlib import Path
from typing import Iterable

from icalendar import Calendar, Todo, vRecur

from congvan.models.output import action_item_to_json
from congvan.models.records import ActionItem, Letter
from congvan.parsers.fields.units import fold

CSV_COLUMNS = ["id", "letter_id", "path", "label", "unit", "unit_key", "role", "collaborators", "text",
               "deadline", "deadline_text", "recurrence", "rrule", "urgency", "report_to"]

class ExportError(Exception):
    """Something the user must fix (a missing store function, an unreadable file)."""


def load_items(target: Path) -> tuple[list[ActionItem], dict[str, Letter], list[str]]:
    """Action items of a letter file, a folder of letters, or a `.duckdb`
    store; with the letters read (for context) and per-file problems."""
    if target.suffix.lower() == ".duckdb":
        try:
            from congvan.pipeline.store import load_action_items  # type: ignore[attr-defined]
        except ImportError as exc:
            raise ExportError(f"{target}: reading tasks from a DuckDB store needs "
                              "congvan.pipeline.store.load_action_items, which this install does not have") from exc
        try:
            return dedupe(load_action_items(target)), {}, []
        except Exception as exc:  # noqa: BLE001 - the store's own message says what is wrong
            raise ExportError(f"{target}: cannot read action items: {exc}") from exc
    from congvan.models.records import FailedFile
    from congvan.pipeline.parse import parse_file_safe

    from congvan.pipeline.corpus import letter_files

    files = letter_files([target]) if target.is_dir() else [target]
    items: list[ActionItem] = []
    letters: dict[str, Letter] = {}
    problems: list[str] = []
    for f in files:
        result = parse_file_safe(f)
        if isinstance(result, FailedFile):
            problems.append(f"{f}: {result.reason}")
            continue
        letters[result.id] = result
        items += result.action_items
    return dedupe(items), letters, problems


def dedupe(items: Iterable[ActionItem]) -> list[ActionItem]:
    """One task per stable id: the same letter read twice gives it twice."""
    out: OrderedDict[str, ActionItem] = OrderedDict()
    for item in items:
        out.setdefault(item.id, item)
    return list(out.values())


def filter_unit(items: list[ActionItem], name: str) -> list[ActionItem]:
    """Tasks of the units whose name or key contains `name` (case, accents
    in NFC/NFD and tone placement folded)."""
    needle = fold(name)
    return [i for i in items if needle in fold(i.unit) or needle in i.unit_key]


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
            flags = [item.role]
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


def to_jsonl(items: list[ActionItem]) -> str:
    return "".join(json.dumps(action_item_to_json(i), ensure_ascii=False) + "\n" for i in items)


def to_csv(items: list[ActionItem]) -> bytes:
    """UTF-8 with a BOM and CRLF rows, as spreadsheet tools expect."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    for item in items:
        row = action_item_to_json(item)
        row["collaborators"] = "; ".join(row["collaborators"])
        writer.writerow({k: ("" if row.get(k) is None else row.get(k)) for k in CSV_COLUMNS})
    return buf.getvalue().encode("utf-8-sig")


def _start(item: ActionItem, letters: dict[str, Letter]) -> dt.date | None:
    letter = letters.get(item.letter_id)
    issued = letter.issued if letter else None
    if issued is not None and issued.precision == "day":
        return dt.date(issued.year, issued.month, issued.day)  # type: ignore[arg-type]
    return None


def to_ics(items: list[ActionItem], letters: dict[str, Letter] | None = None,
           stamp: dt.datetime | None = None) -> bytes:
    """A VCALENDAR of VTODOs: UID is the stable id, DUE the deadline, RRULE
    the recurrence (with DTSTART, as RFC 5545 requires for a rule), PRIORITY
    1 for urgent tasks and 5 otherwise."""
    letters = letters or {}
    stamp = stamp or dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    cal = Calendar()
    cal.add("prodid", "-//congvan//action items//VI")
    cal.add("version", "2.0")
    for item in items:
        todo = Todo()
        todo.add("uid", item.id)
        todo.add("dtstamp", stamp)
        summary = f"[{item.unit}] {item.path + ' ' if item.path else ''}{item.text}"
        todo.add("summary", summary if len(summary) <= 120 else summary[:119] + "…")
        todo.add("description", item.text)
        todo.add("categories", [item.unit])
        todo.add("status", "NEEDS-ACTION")
        todo.add("priority", 1 if item.urgency == "urgent" else 5)
        due = item.deadline.date if item.deadline and item.deadline.date else None
        start = _start(item, letters)
        if due is not None and due.precision == "day":
            due_day = dt.date(due.year, due.month, due.day)  # type: ignore[arg-type]
            if start is not None and start > due_day:
                start = None
            todo.add("due", due_day)
        if item.rrule:
            first = start or (dt.date(due.year, due.month, due.day) if due is not None and due.precision == "day" else None)  # type: ignore[arg-type]
            if first is not None:
                todo.add("dtstart", first)
                todo.add("rrule", vRecur.from_ical(item.rrule))
            else:
                todo.add("x-congvan-rrule", item.rrule)
        elif start is not None:
            todo.add("dtstart", start)
        if item.report_to:
            todo.add("x-congvan-report-to", item.report_to)
        todo.add("x-congvan-role", item.role)
        todo.add("x-congvan-path", item.path)
        cal.add_component(todo)
    return cal.to_ical()
