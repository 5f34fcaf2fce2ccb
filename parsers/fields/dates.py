"""Dates as letters write them, with their precision and their damage.

`<Place>, ngày 04 tháng 5 năm 2023` (the issue line), `ngày 04/5/2023`,
`04-5-2023`, `ngày 24 tháng 6 năm 2021` in running text. A blank day
(`ngày  tháng 5 năm 2023`) gives a month-precision date. A garbled part
(`ngày 0? tháng 2#`) is never guessed: the date keeps only the parts that
are clean digits, and says so in a warning.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import regex

from congvan.models.records import PartialDate
from congvan.parsers.fields.lines import fold_accents

# Patterns run on folded text (`fold_accents()`: lower case, no accents, one
# character per character), so OCR that drops accents (`ngay 22 thang 8`)
# or bends letters (`ngàj`, `kháng`) still matches; spans and slot values
# are then read from the original text at the same positions.
# Field slots are loose on purpose: blanks, dots, OCR garbage all land in the
# slot and are judged after matching, so a garbled day cannot shift the month.
_SLOT = r"(?:[^\s,](?:[^,\n]{0,4}?[^\s,])?)?"
_DATE = rf"nga[yj]\s*[,.:;]?\s*(?P<d>{_SLOT})\s*[tk]han[gq]\s*(?P<m>{_SLOT})\s*nam\s*(?P<y>[^\s,.;)]{{0,6}})"
LONG_DATE = regex.compile(_DATE)
SHORT_DATE = regex.compile(r"(?<![\d/])(?P<d>\d{1,2})\s?([/.-])\s?(?P<m>\d{1,2})\s?\2\s?(?P<y>\d{4})(?![\d/])")
# The issue line: the place, a comma, then a long date.
PLACE_DATE = regex.compile(rf"(?P<place>[^\n,]{{2,80}}?)\s*,?\s*(?P<date>{_DATE})")


def search_long(text: str, pattern: regex.Pattern[str] = LONG_DATE) -> regex.Match[str] | None:
    """Search a date pattern in folded `text`; read groups from `text` by span."""
    return pattern.search(fold_accents(text))


def group(text: str, m: regex.Match[str], name: str) -> str:
    return text[m.start(name):m.end(name)] if m.start(name) >= 0 else ""


_DIGITS = regex.compile(r"\d{1,4}")
_BLANK = regex.compile(r"[.…_\s]*")
_SPACED_DIGITS = regex.compile(r"\d \d")  # OCR's space inside a day or month: `1 5`


@dataclass(frozen=True)
class DateReading:
    date: PartialDate | None
    confidence: float
    warning: str | None = None


def _part(text: str) -> tuple[int | None, bool]:
    """(value, garbled) for one slot: blank -> (None, False)."""
    text = text.strip()
    if _BLANK.fullmatch(text):
        return None, False
    if _DIGITS.fullmatch(text):
        return int(text), False
    if _SPACED_DIGITS.fullmatch(text):  # OCR space inside a day or month: `1 5`
        return int(text.replace(" ", "")), False
    return None, True


def build_date(d: str, m: str, y: str) -> DateReading:
    """Judge the three slots of a date; keep only what is certain."""
    day, bad_d = _part(d)
    month, bad_m = _part(m)
    year, bad_y = _part(y)
    if bad_y or year is None or not 1900 <= year <= 2100:
        return DateReading(None, 0.0, f"year {y!r} cannot be read" if y.strip() else None)
    if bad_m or (month is not None and not 1 <= month <= 12):
        return DateReading(PartialDate(year=year), 0.3, f"month {m!r} cannot be read: kept the year only")
    if month is None:
        return DateReading(PartialDate(year=year), 1.0)
    if bad_d or (day is not None and not 1 <= day <= 31):
        return DateReading(PartialDate(year=year, month=month), 0.3, f"day {d!r} cannot be read: kept the month")
    if day is not None:
        try:
            dt.date(year, month, day)
        except ValueError:
            return DateReading(PartialDate(year=year, month=month), 0.3, f"{day}/{month}/{year} is no calendar date")
    return DateReading(PartialDate(year=year, month=month, day=day), 1.0)


def read_date(text: str) -> DateReading | None:
    """The first date written in `text`, long or short form."""
    m = search_long(text)
    s = SHORT_DATE.search(text)
    if m and (not s or m.start() <= s.start()):
        return build_date(group(text, m, "d"), group(text, m, "m"), group(text, m, "y"))
    if s:
        return build_date(s["d"], s["m"], s["y"])
    return None
