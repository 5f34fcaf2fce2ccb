"""Action items -> Todoist's CSV template, split into files Todoist can import.

Flow: source (Letters -> action items, filtered) -> **Todoist CSV files**.
A file is one project: a section per letter, its tasks under it (TYPE,
CONTENT, DESCRIPTION, PRIORITY, INDENT, ..., DATE; PRIORITY 1 is the highest,
4 the default). Todoist takes at most `MAX_SECTIONS` sections and
`MAX_TASKS` active tasks per project, so the tasks are packed, in letter
order, into as many files as needed, a letter's tasks kept together unless
they alone are more than a project holds. Todoist keys tasks by nothing of
ours: the stable id is written into the description.
"""
from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import Any

from congvan.models.records import ActionItem, Letter
from congvan.pipeline.exports.items import by_letter, csv_bytes, due_day, number_symbol, summary, write_rows

TODOIST_COLUMNS = ("TYPE", "CONTENT", "DESCRIPTION", "PRIORITY", "INDENT", "AUTHOR", "RESPONSIBLE", "DATE",
                   "DATE_LANG", "TIMEZONE", "DURATION", "DURATION_UNIT")
TODOIST_EVERY = {"daily": "every day", "weekly": "every week", "monthly": "every month",
                 "quarterly": "every 3 months", "semiannual": "every 6 months", "yearly": "every year"}
# Todoist's limits per project (the free and the paid plans alike for sections; 300 active
# tasks is the free plan's, the one every account has).
MAX_SECTIONS = 20
MAX_TASKS = 300


def _task_row(item: ActionItem, letter: Letter | None) -> dict[str, Any]:
    due = due_day(item, letter)
    if item.recurrence in TODOIST_EVERY:
        date = TODOIST_EVERY[item.recurrence] + (f" starting {due.isoformat()}" if due else "")
    else:
        date = due.isoformat() if due else ""
    return {
        "TYPE": "task", "CONTENT": summary(item, 300),
        "DESCRIPTION": f"{item.text}\ncongvan id: {item.id}",
        "PRIORITY": 1 if item.urgency == "urgent" else 4, "INDENT": 1,
        "DATE": date, "DATE_LANG": "en", "TIMEZONE": "Asia/Ho_Chi_Minh",
    }


def to_todoist(items: Iterable[ActionItem], letters: dict[str, Letter] | None = None,
               skipped: list[str] | None = None) -> list[bytes]:
    """One or more Todoist CSV files, each within MAX_SECTIONS sections and MAX_TASKS tasks."""
    skipped = skipped if skipped is not None else []
    files: list[list[dict[str, Any]]] = [[]]
    sections = tasks = 0
    for letter_id, letter, group in by_letter(items, letters):
        rows = write_rows(group, partial(_task_row, letter=letter), skipped)
        title = " ".join(f"{number_symbol(letter) or letter_id} "
                         f"{letter.subject if letter and letter.subject else ''}".split())[:200]
        for start in range(0, len(rows), MAX_TASKS):
            chunk = rows[start:start + MAX_TASKS]
            if files[-1] and (sections + 1 > MAX_SECTIONS or tasks + len(chunk) > MAX_TASKS):
                files.append([])
                sections = tasks = 0
            files[-1].append({"TYPE": "section", "CONTENT": title + (" (tiếp)" if start else "")})
            files[-1].extend(chunk)
            sections += 1
            tasks += len(chunk)
    return [csv_bytes(TODOIST_COLUMNS, rows) for rows in files]
