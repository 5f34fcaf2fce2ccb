"""What every tracker file says of a task alike: its title line, its letter's number, its due day, the CSV form.

Flow: source (Letters -> action items, sane deadlines, filters) -> **these
helpers** -> the tracker writers (`taskwarrior`, `jira`, `gitlab`, `todoist`,
`ical`, `tasks`). Deadlines are local dates in Vietnam (UTC+7, no daylight
saving): a task due on a day is due at the end of that day, 23:59:59 +07:00.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable
from typing import Any

from congvan.models.records import ActionItem, Letter
from congvan.pipeline.exports.cells import csv_cell, sheet_text
from congvan.pipeline.exports.source import due_day

__all__ = ["VN_TZ", "by_letter", "csv_bytes", "due_day", "end_of_day_utc", "number_symbol", "summary", "write_rows"]

VN_TZ = dt.timezone(dt.timedelta(hours=7), "ICT")


def number_symbol(letter: Letter | None) -> str:
    """`2536/BCT-VP`; a blank number keeps its slash (`/SCT-VP`), as the letter prints it."""
    if letter is None or letter.number is None:
        return ""
    n = letter.number
    return f"{n.number or ''}/{n.symbol}" if n.symbol else (n.number or "")


def summary(item: ActionItem, width: int = 200) -> str:
    """`[unit] path: text`, cut to `width` characters."""
    text = " ".join(f"[{item.unit}] {item.path + ': ' if item.path else ''}{item.text}".split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def end_of_day_utc(day: dt.date) -> dt.datetime:
    """23:59:59 in Vietnam on `day`, in UTC."""
    return dt.datetime.combine(day, dt.time(23, 59, 59), VN_TZ).astimezone(dt.timezone.utc)


def by_letter(items: Iterable[ActionItem], letters: dict[str, Letter] | None
              ) -> list[tuple[str, Letter | None, list[ActionItem]]]:
    """Action items grouped by their letter, in first-seen order, with the letter if known."""
    groups: dict[str, list[ActionItem]] = {}
    for item in items:
        groups.setdefault(item.letter_id, []).append(item)
    return [(lid, (letters or {}).get(lid), group) for lid, group in groups.items()]


def csv_bytes(columns: Iterable[str], rows: Iterable[dict[str, Any]]) -> bytes:
    """A header and the rows, every cell through `cells.csv_cell` (no formula, no control
    character): UTF-8 with a BOM and CRLF rows, as spreadsheet tools and importers expect."""
    columns = list(columns)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([sheet_text(c) for c in columns])
    for row in rows:
        writer.writerow([csv_cell(row.get(k)) for k in columns])
    return buf.getvalue().encode("utf-8-sig")


def write_rows(items: Iterable[ActionItem], make: Callable[[ActionItem], Any], skipped: list[str]) -> list[Any]:
    """`make(item)` for each item; an item whose row cannot be made is named in `skipped`
    and left out, so one task never sinks the file."""
    out = []
    for item in items:
        try:
            out.append(make(item))
        except (ValueError, TypeError, KeyError, OverflowError) as exc:
            skipped.append(f"task {item.id}: not written ({type(exc).__name__}: {exc})")
    return out
