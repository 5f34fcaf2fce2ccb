"""Action items -> Taskwarrior's import format (`task import FILE`).

Flow: source (Letters -> action items) -> **Taskwarrior JSON** -> `task
import`. UUIDs are derived from the stable task id (uuid5), so a re-import
updates and never duplicates; dates are UTC `YYYYMMDDTHHMMSSZ`; `recur`
comes with a first `due` (Taskwarrior refuses a recurring task without one);
the letter, directive path, unit, role and report-back target are UDAs
(declare them with `taskwarrior_rc()`). Every date written lies inside the
source's sane window (Taskwarrior 2.6 aborts the whole import on a date
before 1970), and the project name is built from the letter's number and
symbol with nothing Taskwarrior would misread.
"""
from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterable
from typing import Any

from congvan.models.records import ActionItem, Letter
from congvan.pipeline.exports.cells import clean_text, file_stem
from congvan.pipeline.exports.items import VN_TZ, due_day, end_of_day_utc, number_symbol, summary, write_rows
from congvan.pipeline.exports.source import EARLIEST_DAY, LATEST_DAY

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


def task_uuid(item_id: str) -> str:
    """The Taskwarrior UUID of a task: uuid5 of its stable id, the same on every export."""
    return str(uuid.uuid5(TASK_NAMESPACE, item_id))


def project_name(letter: Letter | None) -> str | None:
    """`congvan.2536-BCT-VP`; an unnumbered draft (`Số: /UBND-KT`) is `congvan.UBND-KT`."""
    symbol = number_symbol(letter)
    stem = file_stem(symbol.replace("/", "-").replace(".", "-"))
    return f"congvan.{stem}" if stem else None


def taskwarrior_rc() -> str:
    """The taskrc lines that declare congvan's UDAs (append them to ~/.taskrc)."""
    lines = []
    for name, (label, _) in TW_UDAS.items():
        lines.append(f"uda.{name}.type=string")
        lines.append(f"uda.{name}.label={label}")
    return "\n".join(lines) + "\n"


def _stamp(day: dt.date | None) -> str | None:
    if day is None or not EARLIEST_DAY <= day <= LATEST_DAY:
        return None
    return end_of_day_utc(day).strftime(TW_FORMAT)


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
        "description": clean_text(summary(item)),
        "status": "pending",
        "tags": ["congvan", item.role],
    }
    issued = letter.issued.to_date() if letter is not None and letter.issued is not None else None
    if issued is not None and EARLIEST_DAY <= issued <= LATEST_DAY:
        base["entry"] = dt.datetime.combine(issued, dt.time(8, 0), VN_TZ).astimezone(dt.timezone.utc).strftime(TW_FORMAT)
    project = project_name(letter)
    if project:
        base["project"] = project
    recurring = item.recurrence in TW_RECUR and not (item.deadline and item.deadline.date)
    due = _stamp(due_day(item, letter, as_of if recurring else None))
    if due is not None:
        base["due"] = due
    if item.urgency == "urgent":
        base["priority"] = "H"
    extra = {
        "congvanid": item.id, "congvanletter": item.letter_id, "congvansymbol": number_symbol(letter) or None,
        "congvanpath": item.path or None, "congvanunit": item.unit, "congvanrole": item.role,
        "congvanreport": item.report_to, "congvandeadline": item.deadline.text if item.deadline else None,
        "congvanrrule": item.rrule,
    }
    base.update({k: clean_text(v) for k, v in extra.items() if v})
    if not recurring or due is None or item.recurrence is None:  # (a recurring item has its recurrence)
        return [base]
    template = {**base, "status": "recurring", "recur": TW_RECUR[item.recurrence], "rtype": "periodic", "mask": "-"}
    instance = {**base, "uuid": task_uuid(item.id + "#0"), "recur": TW_RECUR[item.recurrence],
                "parent": base["uuid"], "imask": 0}
    return [template, instance]


def to_taskwarrior(items: Iterable[ActionItem], letters: dict[str, Letter] | None = None,
                   as_of: dt.date | None = None, skipped: list[str] | None = None) -> str:
    """A JSON array of tasks for `task import`; recurring items are anchored on
    the next occurrence on or after `as_of` (default: today). A task that cannot
    be written is named in `skipped` and left out."""
    letters = letters or {}
    as_of = as_of or dt.date.today()
    groups = write_rows(items, lambda i: taskwarrior_tasks(i, letters.get(i.letter_id), as_of),
                        skipped if skipped is not None else [])
    return json.dumps([t for g in groups for t in g], ensure_ascii=False, indent=1) + "\n"
