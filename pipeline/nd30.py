"""Letters loaded back for the exports.

Flow: store (or files) -> **Letters** -> exports (`registers.py`, `edxml.py`,
`handling_report.py`, `trackers.py`). The Decree 30 / edXML names of a
letter's fields live beside the records (`congvan.models.nd30`).
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any, Iterable

from congvan.models.nd30 import deadline_day
from congvan.models.records import FailedFile, Letter


def load_letters(target: str | Path) -> tuple[list[Letter], list[str]]:
    """Letters of a `.duckdb` store (whole, as parsed), a folder of letter
    files or one file (parsed); with one problem line per file that gave none.
    Errors are values: nothing here raises for a bad letter."""
    target = Path(target)
    if target.suffix.lower() == ".duckdb":
        return letters_from_store(target), []
    from congvan.pipeline.parse import parse_file_safe

    from congvan.pipeline.corpus import letter_files

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
    return letters, problems


def letters_from_store(db: str | Path) -> list[Letter]:
    """The store's letters, whole, in register order."""
    from congvan.pipeline import store

    return sort_letters(store.load_letters(db))


def sort_letters(letters: Iterable[Letter]) -> list[Letter]:
    """Register order: by issue date (undated last), then number, then id."""
    def key(l: Letter) -> tuple[Any, ...]:
        day = deadline_day(l.issued) if l.issued else None
        num = l.number.number if l.number and l.number.number else ""
        return (day is None, day or dt.date.max, num.zfill(12), l.id)

    return sorted(letters, key=key)


def filter_letters(letters: Iterable[Letter], *, since: dt.date | None = None, until: dt.date | None = None,
                   issuer: str | None = None) -> list[Letter]:
    """Letters issued in [since, until] (a partial date counts when any day of it
    falls in the range) whose issuer or parent body contains `issuer` (folded)."""
    from congvan.parsers.fields.units import fold

    needle = fold(issuer) if issuer else None
    out = []
    for l in letters:
        if since or until:
            if l.issued is None:
                continue
            first = dt.date(l.issued.year, l.issued.month or 1, l.issued.day or 1)
            last = deadline_day(l.issued)
            if since and last and last < since:
                continue
            if until and first > until:
                continue
        if needle and not any(needle in fold(x) for x in (l.issuer, l.parent_issuer) if x):
            continue
        out.append(l)
    return out


def load_organ_ids(path: str | Path | None) -> dict[str, str]:
    """Organ name -> edXML OrganId (mã định danh, QĐ 20/2020/QĐ-TTg), from a
    JSON object or a two-column CSV/TSV file. congvan ships no codes: a wrong
    code would route a letter to the wrong office, so only a list the office
    supplies is used. Keys are folded for lookup."""
    if path is None:
        return {}
    from congvan.parsers.fields.units import fold

    p = Path(path)
    text = p.read_text(encoding="utf-8-sig")
    if p.suffix.lower() == ".json":
        data = json.loads(text)
        pairs = list(data.items())
    else:
        import csv
        import io

        delim = "\t" if "\t" in text.splitlines()[0] else ","
        pairs = [(row[0], row[1]) for row in csv.reader(io.StringIO(text), delimiter=delim) if len(row) >= 2]
    return {fold(name): code.strip() for name, code in pairs if name and code}


def organ_id(name: str | None, organ_ids: dict[str, str]) -> str | None:
    if not name or not organ_ids:
        return None
    from congvan.parsers.fields.units import fold

    return organ_ids.get(fold(name))
