"""Action items -> the trackers offices use: Taskwarrior, Jira, GitLab, Todoist, calendars.

Flow: file -> reader -> text -> field parsers -> records -> store ->
graph/**tasks** -> **exports**. Beside the JSON Lines, CSV and VTODO files of
`task_export.py`, this writes:

- Taskwarrior JSON (`task import`): UUIDs derived from the stable task id
  (uuid5), so a re-import updates and never duplicates; dates in UTC
  `YYYYMMDDTHHMMSSZ`; `recur` with a first `due` (Taskwarrior refuses a
  recurring task without one); the letter, directive path, unit, role and
  report-back target as UDAs (declare them with `taskwarrior_rc()`).
- Jira CSV: `Summary` first, one parent `Task` per letter and a `Sub-task`
  per action item linked by `Issue ID`/`Parent`; dates `yyyy-MM-dd`, the
  format declared in the importer configuration `jira_config()` gives.
- GitLab CSV (title, description, due_date) and Todoist CSV (TYPE, CONTENT,
  DESCRIPTION, PRIORITY, INDENT, ..., DATE): neither keys issues by an id of
  ours, so the stable id is written into the description for de-duplication.
- iCalendar with a VEVENT beside each VTODO that has a date, for calendars
  that ignore tasks.

Deadlines are local dates in Vietnam (UTC+7, no daylight saving): a task
due on a day is due at the end of that day, 23:59:59 +07:00.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import uuid
from typing import Any, Iterable

from congvan.models.records import ActionItem, Letter
from congvan.models.nd30 import deadline_day

VN_TZ = dt.timezone(dt.timedelta(hours=7), "ICT")
# Fixed namespace for task UUIDs: changing it would duplicate every task already imported.
TASK_NAMESPACE = uuid.UUID("abceaade-eb01-5ecc-aa5c-3f66009e27ae")  # uuid5(NAMESPACE_URL, "https://github.com/congvan/tasks")
TW_FORMAT = "%Y%m%dT%H%M%SZ"
# Taskwarrior's recurrence periods for the recurrence labels of `parsers/fields/deadlines.py`.
TW_RECUR = {"daily": "daily", "weekly": "weekly", "monthly": "monthly", "quarterly": "quarterly",
            "semiannual": "semiannual", "yearly": "yearly"}
# UDA name -> (label, what it holds). Names are lower-case letters only: the
# most conservative spelling every Taskwarrior version accepts.
TW_UDAS: dict[str, tuple[str, str]] = {
    "congvanid": ("Congvan id", "stable task id"),
    "congvanletter": ("Letter", "letter id"),
    "congvansymbol": ("Số, ký hiệu", "the letter's number/symbol"),
    "congvanpath": ("Path", "directive path, e.g. 3.a"),
    "congvanunit": ("Unit", "the unit that must act"),
    "congvanrole": ("Role", "lead or support"),
    "congvanreport": ("Report to", "who hears back"),
    "congvandeadline": ("Deadline text", "the deadline as the letter words it"),
    "congvanrrule": ("RRULE", "RFC 5545 rule of the recurrence"),
}
JIRA_DATE_FORMAT = "yyyy-MM-dd"
JIRA_COLUMNS = ("Summary", "Issue ID", "Parent", "Issue Type", "Description", "Due date", "Priority", "Labels",
                "Congvan ID")
GITLAB_COLUMNS = ("title", "description", "due_date")
TODOIST_COLUMNS = ("TYPE", "CONTENT", "DESCRIPTION", "PRIORITY", "INDENT", "AUTHOR", "RESPONSIBLE", "DATE",
                   "DATE_LANG", "TIMEZONE", "DURATION", "DURATION_UNIT")
TODOIST_EVERY = {"daily": "every day", "weekly": "every week", "monthly": "every month",
                 "quarterly": "every 3 months", "semiannual": "every 6 months", "yearly": "every year"}


def task_uuid(item_id: str) -> str:
    """The Taskwarrior UUID of a task: uuid5 of its stable id, the same on every export."""
    return str(uuid.uuid5(TASK_NAMESPACE, item_id))


def _number_symbol(letter: Letter | None) -> str:
    if letter is None or letter.number is None:
        return ""
    n = letter.number
    return f"{n.number or ''}/{n.symbol}" if n.symbol else (n.number or "")


def _issued_day(letter: Letter | None) -> dt.date | None:
    if letter is not None and letter.issued is not None and letter.issued.precision == "day":
        return dt.date(letter.issued.year, letter.issued.month, letter.issued.day)  # type: ignore[arg-type]
    return None


def due_day(item: ActionItem, letter: Letter | None = None, as_of: dt.date | None = None) -> dt.date | None:
    """The day a task is due: its dated deadline (the last day a partial one
    allows); for a recurring task without one, the rule's first occurrence on
    or after the letter's issue day, or on or after `as_of` when given (a
    tracker wants the next report due, not the first one of 1998)."""
    if item.deadline and item.deadline.date:
        return deadline_day(item.deadline.date)
    if item.rrule:
        start = _issued_day(letter)
        if start is None:
            return None
        from dateutil.rrule import rrulestr

        rule = rrulestr(item.rrule, dtstart=dt.datetime.combine(start, dt.time()))
        first = rule.after(dt.datetime.combine(max(start, as_of or start), dt.time()), inc=True)
        return first.date() if first else None
    return None


def end_of_day_utc(day: dt.date) -> dt.datetime:
    """23:59:59 in Vietnam on `day`, in UTC."""
    return dt.datetime.combine(day, dt.time(23, 59, 59), VN_TZ).astimezone(dt.timezone.utc)


def _summary(item: ActionItem, width: int = 200) -> str:
    text = f"[{item.unit}] {item.path + ': ' if item.path else ''}{item.text}"
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


# ---------------------------------------------------------------- Taskwarrior


def taskwarrior_rc() -> str:
    """The taskrc lines that declare congvan's UDAs (append them to ~/.taskrc)."""
    lines = []
    for name, (label, _) in TW_UDAS.items():
        lines.append(f"uda.{name}.type=string")
        lines.append(f"uda.{name}.label={label}")
    return "\n".join(lines) + "\n"


def taskwarrior_tasks(item: ActionItem, letter: Letter | None = None, as_of: dt.date | None = None) -> list[dict[str, Any]]:
    """One action item in Taskwarrior's import format: one pending task, or for
    a recurring item the recurrence template (status `recurring`, uuid5 of the
    id) and its current instance (uuid5 of the id and `#0`, `parent` the template).

    Why the instance is written out: `task import` replaces a task whole, so a
    template imported again loses the `mask` that records which instances
    Taskwarrior already generated, and Taskwarrior would generate them all
    again. Giving the template `mask: "-"` with its one instance, due on the
    next occurrence on or after `as_of`, makes a second import change nothing.
    """
    base: dict[str, Any] = {
        "uuid": task_uuid(item.id),
        "description": _summary(item),
        "status": "pending",
        "tags": ["congvan", item.role],
    }
    issued = _issued_day(letter)
    if issued is not None:
        base["entry"] = dt.datetime.combine(issued, dt.time(8, 0), VN_TZ).astimezone(dt.timezone.utc).strftime(TW_FORMAT)
    symbol = _number_symbol(letter)
    if symbol:
        base["project"] = "congvan." + "".join(ch if ch.isalnum() or ch == "-" else "-" for ch in symbol)
    recurring = item.recurrence in TW_RECUR and not (item.deadline and item.deadline.date)
    due = due_day(item, letter, as_of if recurring else None)
    if due is not None:
        base["due"] = end_of_day_utc(due).strftime(TW_FORMAT)
    if item.urgency == "urgent":
        base["priority"] = "H"
    extra = {
        "congvanid": item.id, "congvanletter": item.letter_id, "congvansymbol": symbol or None,
        "congvanpath": item.path or None, "congvanunit": item.unit, "congvanrole": item.role,
        "congvanreport": item.report_to, "congvandeadline": item.deadline.text if item.deadline else None,
        "congvanrrule": item.rrule,
    }
    base.update({k: v for k, v in extra.items() if v})
    if not recurring or due is None:
        return [base]
    template = {**base, "status": "recurring", "recur": TW_RECUR[item.recurrence], "rtype": "periodic", "mask": "-"}
    instance = {**base, "uuid": task_uuid(item.id + "#0"), "recur": TW_RECUR[item.recurrence],
                "parent": base["uuid"], "imask": 0}
    return [template, instance]


def to_taskwarrior(items: Iterable[ActionItem], letters: dict[str, Letter] | None = None,
                   as_of: dt.date | None = None) -> str:
    """A JSON array of tasks for `task import`; recurring items are anchored on
    the next occurrence on or after `as_of` (default: today)."""
    letters = letters or {}
    as_of = as_of or dt.date.today()
    tasks = [t for i in items for t in taskwarrior_tasks(i, letters.get(i.letter_id), as_of)]
    return json.dumps(tasks, ensure_ascii=False, indent=1) + "\n"


# ----------------------------------------------------------------------- Jira


def jira_issue_id(key: str) -> int:
    """A stable numeric Issue ID (the CSV importer links parents by it)."""
    return int(hashlib.sha256(key.encode("utf-8")).hexdigest()[:12], 16) % 10**12 + 1


def _csv(columns: tuple[str, ...], rows: list[dict[str, Any]]) -> bytes:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(columns), lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ("" if row.get(k) is None else row.get(k)) for k in columns})
    return buf.getvalue().encode("utf-8-sig")


def _by_letter(items: Iterable[ActionItem], letters: dict[str, Letter] | None
               ) -> list[tuple[str, Letter | None, list[ActionItem]]]:
    """Action items grouped by their letter, in first-seen order, with the letter if known."""
    groups: dict[str, list[ActionItem]] = {}
    for item in items:
        groups.setdefault(item.letter_id, []).append(item)
    return [(lid, (letters or {}).get(lid), group) for lid, group in groups.items()]


def to_jira(items: Iterable[ActionItem], letters: dict[str, Letter] | None = None) -> bytes:
    """Jira CSV: a parent Task per letter, then its action items as Sub-tasks."""
    rows: list[dict[str, Any]] = []
    for letter_id, letter, group in _by_letter(items, letters):
        symbol = _number_symbol(letter)
        subject = letter.subject if letter and letter.subject else ""
        parent = jira_issue_id(f"letter:{letter_id}")
        rows.append({
            "Summary": (f"{symbol or letter_id}: {subject}".strip(": "))[:250],
            "Issue ID": parent, "Issue Type": "Task",
            "Description": f"{letter.doc_type if letter else 'Văn bản'} {symbol} — {(letter.issuer or '') if letter else ''}\n"
                           f"congvan letter {letter_id}",
            "Labels": "congvan", "Congvan ID": f"letter-{letter_id}",
        })
        for item in group:
            due = due_day(item, letter)
            rows.append({
                "Summary": _summary(item, 250), "Issue ID": jira_issue_id(item.id), "Parent": parent,
                "Issue Type": "Sub-task",
                "Description": "\n".join(x for x in (
                    item.text,
                    f"Vai trò: {'chủ trì' if item.role == 'lead' else 'phối hợp'}",
                    f"Hạn: {item.deadline.text}" if item.deadline else "",
                    f"Báo cáo: {item.report_to}" if item.report_to else "",
                    f"congvan id {item.id}") if x),
                "Due date": due.isoformat() if due else None,
                "Priority": "High" if item.urgency == "urgent" else "Medium",
                "Labels": f"congvan {item.role}", "Congvan ID": item.id,
            })
    return _csv(JIRA_COLUMNS, rows)


def jira_config() -> dict[str, Any]:
    """The CSV importer configuration to load with the file: declares the date
    format and maps the columns (Issue ID/Parent link sub-tasks to tasks)."""
    return {
        "config.version": "2.0",
        "config.delimiter": ",",
        "config.encoding": "UTF-8",
        "config.date.format": JIRA_DATE_FORMAT,
        "config.field.mappings": {
            "Summary": {"jira.field": "summary"},
            "Issue ID": {"jira.field": "issue-id"},
            "Parent": {"jira.field": "subtask-parent-id"},
            "Issue Type": {"jira.field": "issuetype"},
            "Description": {"jira.field": "description"},
            "Due date": {"jira.field": "duedate"},
            "Priority": {"jira.field": "priority"},
            "Labels": {"jira.field": "labels"},
        },
    }


# --------------------------------------------------------------------- GitLab


def to_gitlab(items: Iterable[ActionItem], letters: dict[str, Letter] | None = None) -> bytes:
    """GitLab's issue CSV import: title, description, due_date (YYYY-MM-DD)."""
    letters = letters or {}
    rows = []
    for item in items:
        letter = letters.get(item.letter_id)
        due = due_day(item, letter)
        symbol = _number_symbol(letter)
        rows.append({
            "title": _summary(item, 255),
            "description": "\n\n".join(x for x in (
                item.text,
                f"**Văn bản:** {symbol}" if symbol else "",
                f"**Hạn:** {item.deadline.text}" if item.deadline else "",
                f"**Định kỳ:** {item.recurrence} (`{item.rrule}`)" if item.rrule else "",
                f"congvan id: `{item.id}`") if x),
            "due_date": due.isoformat() if due else None,
        })
    return _csv(GITLAB_COLUMNS, rows)


# -------------------------------------------------------------------- Todoist


def to_todoist(items: Iterable[ActionItem], letters: dict[str, Letter] | None = None) -> bytes:
    """Todoist's CSV template: a section per letter, its tasks under it.
    PRIORITY 1 is the highest (p1), 4 the default."""
    rows: list[dict[str, Any]] = []
    for letter_id, letter, group in _by_letter(items, letters):
        rows.append({"TYPE": "section", "CONTENT": (f"{_number_symbol(letter) or letter_id} "
                                                    f"{letter.subject if letter and letter.subject else ''}").strip()[:200]})
        for item in group:
            due = due_day(item, letter)
            if item.recurrence in TODOIST_EVERY:
                date = TODOIST_EVERY[item.recurrence] + (f" starting {due.isoformat()}" if due else "")
            else:
                date = due.isoformat() if due else ""
            rows.append({
                "TYPE": "task", "CONTENT": _summary(item, 300),
                "DESCRIPTION": f"{item.text}\ncongvan id: {item.id}",
                "PRIORITY": 1 if item.urgency == "urgent" else 4, "INDENT": 1,
                "DATE": date, "DATE_LANG": "en", "TIMEZONE": "Asia/Ho_Chi_Minh",
            })
    return _csv(TODOIST_COLUMNS, rows)


# ------------------------------------------------------------------ iCalendar


def to_ical(items: list[ActionItem], letters: dict[str, Letter] | None = None,
            stamp: dt.datetime | None = None) -> bytes:
    """The VTODOs of `task_export.to_ics`, plus an all-day VEVENT on each task's
    due day (UID `<id>-due`, RRULE for a recurring task) for calendars that
    show events only."""
    from icalendar import Calendar, Event, vRecur

    from congvan.pipeline.task_export import to_ics

    letters = letters or {}
    stamp = stamp or dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    cal = Calendar.from_ical(to_ics(items, letters, stamp=stamp))
    for item in items:
        letter = letters.get(item.letter_id)
        day = due_day(item, letter)
        if day is None:
            continue
        ev = Event()
        ev.add("uid", f"{item.id}-due")
        ev.add("dtstamp", stamp)
        ev.add("dtstart", day)
        ev.add("dtend", day + dt.timedelta(days=1))
        ev.add("summary", "Hạn: " + _summary(item, 110))
        ev.add("description", f"{item.text}\n\ncongvan id: {item.id}")
        ev.add("transp", "TRANSPARENT")
        ev.add("categories", [item.unit])
        if item.rrule:
            ev.add("rrule", vRecur.from_ical(item.rrule))
        ev.add("related-to", item.id)
        cal.add_component(ev)
    return cal.to_ical()


FORMATS = ("taskwarrior", "jira", "gitlab", "todoist", "ical")


def collect(letters: Iterable[Letter]) -> tuple[list[ActionItem], dict[str, Letter]]:
    """The letters' action items, one per stable id (the same document read from
    two files gives the same ids: its tasks are exported once), and the
    letters by id for context."""
    from congvan.pipeline.task_export import dedupe

    letters = list(letters)
    return dedupe(i for l in letters for i in l.action_items), {l.id: l for l in letters}


def export(fmt: str, items: list[ActionItem], letters: dict[str, Letter] | None = None,
           as_of: dt.date | None = None) -> bytes:
    """The bytes of one tracker format (see FORMATS)."""
    if fmt == "taskwarrior":
        return to_taskwarrior(items, letters, as_of).encode("utf-8")
    if fmt == "jira":
        return to_jira(items, letters)
    if fmt == "gitlab":
        return to_gitlab(items, letters)
    if fmt == "todoist":
        return to_todoist(items, letters)
    if fmt == "ical":
        return to_ical(items, letters)
    raise ValueError(f"unknown tracker format {fmt!r}: use one of {', '.join(FORMATS)}")
