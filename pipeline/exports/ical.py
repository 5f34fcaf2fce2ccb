"""Action items -> iCalendar: one VTODO per task, and an all-day VEVENT on each due day.

Flow: source (Letters -> action items) -> **iCalendar** -> calendar and task
apps. The one iCalendar writer: `congvan tasks --format ics` and
`congvan.export_tasks(..., "x.ics")` write the VTODOs alone (`events=False`),
`congvan export ical` adds the VEVENTs for calendars that show events only.

A VTODO's UID is the stable task id (re-importing updates, never
duplicates), DUE the due day (the last day a partial deadline allows),
RRULE the recurrence with DTSTART (RFC 5545 requires it for a rule),
PRIORITY 1 for urgent tasks and 5 otherwise. A VEVENT's UID is `<id>-due`.
Text is cleaned of control characters, which iCalendar TEXT cannot carry.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from congvan.models.records import ActionItem, Letter
from congvan.pipeline.exports.cells import clean_text
from congvan.pipeline.exports.items import due_day, summary, write_rows


def _todo(item: ActionItem, letter: Letter | None, stamp: dt.datetime):  # noqa: ANN202 - icalendar.Todo
    from icalendar import Todo, vRecur

    todo = Todo()
    todo.add("uid", item.id)
    todo.add("dtstamp", stamp)
    todo.add("summary", clean_text(summary(item, 120)))
    todo.add("description", clean_text(item.text))
    todo.add("categories", [clean_text(item.unit)])
    todo.add("status", "NEEDS-ACTION")
    todo.add("priority", 1 if item.urgency == "urgent" else 5)
    start = letter.issued.to_date() if letter is not None and letter.issued is not None else None
    due = due_day(item, letter) if item.deadline and item.deadline.date else None
    if due is not None:
        if start is not None and start > due:
            start = None
        todo.add("due", due)
    if item.rrule:
        first = start or due
        if first is not None:
            todo.add("dtstart", first)
            todo.add("rrule", vRecur.from_ical(item.rrule))
        else:
            todo.add("x-congvan-rrule", item.rrule)
    elif start is not None:
        todo.add("dtstart", start)
    if item.report_to:
        todo.add("x-congvan-report-to", clean_text(item.report_to))
    todo.add("x-congvan-role", item.role)
    todo.add("x-congvan-path", clean_text(item.path))
    return todo


def _event(item: ActionItem, letter: Letter | None, stamp: dt.datetime):  # noqa: ANN202 - icalendar.Event | None
    from icalendar import Event, vRecur

    day = due_day(item, letter)
    if day is None:
        return None
    ev = Event()
    ev.add("uid", f"{item.id}-due")
    ev.add("dtstamp", stamp)
    ev.add("dtstart", day)
    ev.add("dtend", day + dt.timedelta(days=1))
    ev.add("summary", "Hạn: " + clean_text(summary(item, 110)))
    ev.add("description", clean_text(f"{item.text}\n\ncongvan id: {item.id}"))
    ev.add("transp", "TRANSPARENT")
    ev.add("categories", [clean_text(item.unit)])
    if item.rrule:
        ev.add("rrule", vRecur.from_ical(item.rrule))
    ev.add("related-to", item.id)
    return ev


def to_ical(items: Iterable[ActionItem], letters: dict[str, Letter] | None = None, *,
            stamp: dt.datetime | None = None, events: bool = True, skipped: list[str] | None = None) -> bytes:
    """A VCALENDAR of the tasks' VTODOs and, with `events`, a VEVENT on each due day."""
    from icalendar import Calendar

    letters = letters or {}
    skipped = skipped if skipped is not None else []
    stamp = stamp or dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    cal = Calendar()
    cal.add("prodid", "-//congvan//action items//VI")
    cal.add("version", "2.0")
    items = list(items)
    for todo in write_rows(items, lambda i: _todo(i, letters.get(i.letter_id), stamp), skipped):
        cal.add_component(todo)
    if events:
        for ev in write_rows(items, lambda i: _event(i, letters.get(i.letter_id), stamp), skipped):
            if ev is not None:
                cal.add_component(ev)
    return cal.to_ical()
