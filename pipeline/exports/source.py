"""The one source every export reads: a store, a folder or a file -> Letters, filtered, in register order.

Flow: store (or files) -> **source** -> one writer per format (`registers`,
`edxml`, `handling_report`, `taskwarrior`, `jira`, `gitlab`, `todoist`,
`ical`, `tasks`, `parquet`). Everything a writer needs to know about the
user's choice is here, once:

- `load`: a `.duckdb` store gives its Letters whole; a folder or file is
  parsed now; a file that gives no letter is a problem line, never an
  exception. A store that cannot be read raises `SourceError` with one line
  saying what is wrong and what to do (the command line prints it).
- `filter_letters` (issue date since/until, issuer or parent body) and
  `sort_letters` (register order: issue date, number, id).
- `one_per_document`: one letter per document (number and symbol, issuer,
  year) when several files hold it, keeping the most complete record.
- `action_items` (one per stable id), `sane_deadlines` (a deadline outside a
  sane window is dropped with a warning, so no tracker import fails on it),
  `filter_items` (unit, open only).
- `load_done`: which tasks the tracker says are finished.
"""
from __future__ import annotations

import datetime as dt
import json
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from congvan.models.nd30 import deadline_day, nd30_fields
from congvan.models.records import ActionItem, FailedFile, Letter

# A deadline is taken as written only inside these bounds: earlier than a year before the
# letter or later than 30 years after it, it was read off something else (`Luật ... năm
# 1945` in a condition); and nothing before 1971 or after 2099 (Taskwarrior cannot hold a
# date before 1970: its import aborts on one).
EARLIEST_DAY = dt.date(1971, 1, 1)
LATEST_DAY = dt.date(2099, 12, 31)
YEARS_BEFORE_LETTER = 1
YEARS_AFTER_LETTER = 30
# `--open-only`: a dated task is still open this many days after its due day (a report a
# little late is still asked for); an undated one while its letter is younger than a year.
OPEN_GRACE_DAYS = 90
UNDATED_OPEN_DAYS = 365


class SourceError(Exception):
    """A source that cannot be read at all: the message is one line for the user."""


# --------------------------------------------------------------------- loading


def load(target: str | Path) -> tuple[list[Letter], list[str]]:
    """Letters of a `.duckdb` store (whole, as parsed), a folder of letter files or one file
    (parsed now), in register order; with one problem line per file that gave none."""
    target = Path(target)
    if target.suffix.lower() == ".duckdb" or is_store(target):
        return sort_letters(letters_from_store(target)), []
    if not target.exists():
        raise SourceError(f"{target}: no such file or folder")
    from congvan.pipeline.corpus import letter_files
    from congvan.pipeline.parse import parse_file_safe

    files = letter_files([target]) if target.is_dir() else [target]
    letters: list[Letter] = []
    problems: list[str] = []
    seen: set[str] = set()
    for f in files:
        result = parse_file_safe(f)
        if isinstance(result, FailedFile):
            problems.append(f"{f}: {result.reason}")
        elif result.id not in seen:  # the same bytes twice are one letter, as in the store
            seen.add(result.id)
            letters.append(result)
    return sort_letters(letters), problems


def is_store(path: Path) -> bool:
    """A regular file that starts like a DuckDB database (whatever its name)."""
    try:
        with path.open("rb") as fh:
            return fh.read(12)[8:12] == b"DUCK"
    except OSError:
        return False


def letters_from_store(db: str | Path) -> list[Letter]:
    """The store's letters, whole, in register order; `SourceError` when the store cannot be read."""
    from congvan.pipeline import store

    try:
        return sort_letters(store.load_letters(db))
    except Exception as exc:  # noqa: BLE001 - translated to one line, or raised again
        message = store.explain(exc, db)
        if message is None:
            raise
        raise SourceError(message) from exc


# ------------------------------------------------------------------- letters


def sort_letters(letters: Iterable[Letter]) -> list[Letter]:
    """Register order: by issue date (undated last), then number, then id."""
    def key(l: Letter) -> tuple[Any, ...]:
        day = l.issued.last_day() if l.issued else None
        num = l.number.number if l.number and l.number.number else ""
        return (day is None, day or dt.date.max, num.zfill(12), l.id)

    return sorted(letters, key=key)


def filter_letters(letters: Iterable[Letter], *, since: dt.date | None = None, until: dt.date | None = None,
                   issuer: str | None = None) -> list[Letter]:
    """Letters issued in [since, until] (a partial date counts when any day of it
    falls in the range) whose issuer or parent body contains `issuer` (folded)."""
    from congvan.parsers.fields.units import name_key

    needle = name_key(issuer) if issuer else None
    out = []
    for l in letters:
        if since or until:
            if l.issued is None:
                continue
            if since and l.issued.last_day() < since:
                continue
            if until and l.issued.first_day() > until:
                continue
        if needle and not any(needle in name_key(x) for x in (l.issuer, l.parent_issuer) if x):
            continue
        out.append(l)
    return out


def completeness(letter: Letter) -> tuple[Any, ...]:
    """How much a record holds, to choose among files of one document: Decree 30 fields
    filled, then their confidence, then directives and action items read, then the id."""
    fields = nd30_fields(letter)
    filled = sum(1 for v in fields.values() if v["value"] not in (None, "", []))
    confidence = sum(v["confidence"] for v in fields.values())
    return (filled, round(confidence, 3), len(letter.directives), len(letter.action_items), len(letter.text))


def one_per_document(letters: Iterable[Letter]) -> tuple[list[Letter], list[str]]:
    """One letter per document key (number and symbol, issuer, year): the most complete
    record of the files that hold it, in the first one's place; unnumbered letters are kept
    as they are. Returns the letters and a note per document held in several files."""
    from congvan.parsers.keys import letter_key

    letters = list(letters)
    groups: OrderedDict[str, list[Letter]] = OrderedDict()
    for l in letters:
        groups.setdefault(letter_key(l) or f"id:{l.id}", []).append(l)
    chosen: dict[str, Letter] = {}
    notes: list[str] = []
    for key, group in groups.items():
        best = max(group, key=lambda l: (completeness(l), [-ord(c) for c in l.id]))
        chosen[key] = best
        if len(group) > 1:
            others = ", ".join(Path(l.file or l.id).name for l in group if l is not best)
            notes.append(f"{key}: {len(group)} files hold one document; kept {Path(best.file or best.id).name} "
                         f"(the most complete), left out {others}")
    keep = {id(l) for l in chosen.values()}
    return [l for l in sort_letters(letters) if id(l) in keep], notes


# ---------------------------------------------------------------- action items


def action_items(letters: Iterable[Letter]) -> tuple[list[ActionItem], dict[str, Letter]]:
    """The letters' action items, one per stable id (the same document read from two files
    gives the same ids: its tasks are exported once), and the letters by id for context."""
    letters = list(letters)
    return dedupe(i for l in letters for i in l.action_items), {l.id: l for l in letters}


def dedupe(items: Iterable[ActionItem]) -> list[ActionItem]:
    """One task per stable id: the same letter read twice gives it twice."""
    out: OrderedDict[str, ActionItem] = OrderedDict()
    for item in items:
        out.setdefault(item.id, item)
    return list(out.values())


def sane_window(letter: Letter | None) -> tuple[dt.date, dt.date]:
    """The days a deadline of `letter` may fall on (see EARLIEST_DAY)."""
    lo, hi = EARLIEST_DAY, LATEST_DAY
    if letter is not None and letter.issued is not None:
        year = letter.issued.year
        lo = max(lo, dt.date(max(1, year - YEARS_BEFORE_LETTER), 1, 1))
        hi = min(hi, dt.date(min(9999, year + YEARS_AFTER_LETTER), 12, 31))
    return lo, hi


def sane_deadlines(items: Iterable[ActionItem], letters: dict[str, Letter]) -> tuple[list[ActionItem], list[str]]:
    """Items whose deadline date lies outside `sane_window` (or is no calendar day) lose that
    date (the wording stays in `deadline.text`); one warning per item changed."""
    out: list[ActionItem] = []
    warnings: list[str] = []
    for item in items:
        deadline = item.deadline
        date = deadline.date if deadline else None
        if deadline is not None and date is not None:
            lo, hi = sane_window(letters.get(item.letter_id))
            try:
                first, last = date.first_day(), date.last_day()
                bad = last < lo or first > hi
                why = f"{date.iso} is outside {lo.isoformat()}..{hi.isoformat()}"
            except ValueError:
                bad, why = True, f"{date.iso} is no calendar day"
            if bad:
                warnings.append(f"task {item.id} ({item.unit}, {item.path or 'body'}): due date {why} "
                                f"(read from {deadline.text!r}): left out")
                item = item.model_copy(update={"deadline": deadline.model_copy(update={"date": None})})
        out.append(item)
    return out, warnings


def due_day(item: ActionItem, letter: Letter | None = None, as_of: dt.date | None = None) -> dt.date | None:
    """The day a task is due: its dated deadline (the last day a partial one
    allows); for a recurring task without one, the rule's first occurrence on
    or after the letter's issue day, or on or after `as_of` when given (a
    tracker wants the next report due, not the first one of 1998)."""
    if item.deadline and item.deadline.date:
        return deadline_day(item.deadline.date)
    if item.rrule:
        start = letter.issued.to_date() if letter is not None and letter.issued is not None else None
        if start is None:
            return None
        from dateutil.rrule import rrulestr

        try:
            rule = rrulestr(item.rrule, dtstart=dt.datetime.combine(start, dt.time()))
            first = rule.after(dt.datetime.combine(max(start, as_of or start), dt.time()), inc=True)
        except (ValueError, TypeError):
            return None
        return first.date() if first else None
    return None


def filter_items(items: Iterable[ActionItem], letters: dict[str, Letter], *, unit: str | None = None,
                 open_only: bool = False, as_of: dt.date | None = None,
                 done: dict[str, dt.date | None] | None = None) -> list[ActionItem]:
    """Tasks of the units whose name or key contains `unit` (folded); with `open_only`, the
    tasks not done whose due day is at most OPEN_GRACE_DAYS past `as_of`, recurring duties,
    and undated tasks of letters issued within UNDATED_OPEN_DAYS."""
    from congvan.parsers.fields.units import name_key

    as_of = as_of or dt.date.today()
    done = done or {}
    needle = name_key(unit) if unit else None
    out = []
    for item in items:
        if needle and needle not in name_key(item.unit) and needle not in item.unit_key:
            continue
        if open_only:
            finished = done.get(item.id, dt.date.max)
            if item.id in done and (finished is None or finished <= as_of):
                continue
            letter = letters.get(item.letter_id)
            if item.rrule and not (item.deadline and item.deadline.date):
                pass
            else:
                due = due_day(item, letter)
                if due is not None:
                    if due < as_of - dt.timedelta(days=OPEN_GRACE_DAYS):
                        continue
                else:
                    issued = letter.issued.last_day() if letter is not None and letter.issued else None
                    if issued is None or issued < as_of - dt.timedelta(days=UNDATED_OPEN_DAYS):
                        continue
        out.append(item)
    return out


# ------------------------------------------------------------ completed tasks


def load_done(path: str | Path) -> dict[str, dt.date | None]:
    """Completed task ids, with the day they were completed when known.

    Reads a Taskwarrior `task export` (JSON array or one object per line: tasks
    with status `completed` and the `congvanid` UDA that the Taskwarrior export
    writes; `end` is the completion time) or a text file of task ids, one per
    line, optionally followed by a tab or space and an ISO date. A file that is
    neither raises ValueError naming the line at fault.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(f"--done {p}: not a text file ({exc.reason})") from exc
    stripped = text.lstrip()
    done: dict[str, dt.date | None] = {}
    if stripped.startswith(("[", "{")):
        try:
            data = json.loads(stripped)
            tasks = data if isinstance(data, list) else [data]
        except json.JSONDecodeError:
            try:
                tasks = [json.loads(line) for line in stripped.splitlines() if line.strip()]
            except json.JSONDecodeError as exc:
                raise ValueError(f"--done {p}: not a Taskwarrior export (JSON: {exc.msg}, line {exc.lineno})") from exc
        for n, t in enumerate(tasks, 1):
            if not isinstance(t, dict):
                raise ValueError(f"--done {p}: task {n} is {type(t).__name__}, not an object: "
                                 "give `task export` output or a list of task ids")
            if t.get("status") == "completed" and t.get("congvanid"):
                end = t.get("end")
                try:
                    done[str(t["congvanid"])] = dt.datetime.strptime(end, "%Y%m%dT%H%M%SZ").date() if end else None
                except (TypeError, ValueError) as exc:
                    raise ValueError(f"--done {p}: task {n}: end {end!r} is not a Taskwarrior date "
                                     "(YYYYMMDDTHHMMSSZ)") from exc
        return done
    for n, line in enumerate(text.splitlines(), 1):
        parts = line.split()
        if not parts or parts[0].startswith("#"):
            continue
        try:
            day = dt.date.fromisoformat(parts[1]) if len(parts) > 1 else None
        except ValueError as exc:
            raise ValueError(f"--done {p}: line {n}: {parts[1]!r} is not a day (YYYY-MM-DD after the task id)") from exc
        done[parts[0]] = day
    return done


@dataclass(frozen=True)
class Selection:
    """What the user asked for, as the command line gives it."""

    since: dt.date | None = None
    until: dt.date | None = None
    issuer: str | None = None
    unit: str | None = None
    open_only: bool = False
    as_of: dt.date | None = None
    done: Any = None     # dict[str, date | None]

    def letters(self, letters: Iterable[Letter]) -> list[Letter]:
        return filter_letters(letters, since=self.since, until=self.until, issuer=self.issuer)

    def items(self, letters: Iterable[Letter]) -> tuple[list[ActionItem], dict[str, Letter], list[str]]:
        """The selected letters' tasks, deadlines made sane, then filtered by unit and openness;
        with the warnings about dropped dates."""
        items, by_id = action_items(self.letters(letters))
        items, warnings = sane_deadlines(items, by_id)
        items = filter_items(items, by_id, unit=self.unit, open_only=self.open_only, as_of=self.as_of,
                             done=self.done or {})
        return items, by_id, warnings
