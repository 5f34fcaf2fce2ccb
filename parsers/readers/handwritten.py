"""Numbers and days written or stamped by hand into an OCR'd header.

Flow: file -> reader -> `ocr.read_page` (words with tesseract's confidence,
laid out into blocks) -> **this module** (the `Số: ___/SYMBOL` and `ngày __
tháng __` blocks checked; unsure slots read by `digits`) -> Lines -> field
parsers.

The văn thư writes or stamps the number and the day after the letter is
signed. Tesseract reads such digits badly and often confidently wrong in
shape (`2d` for `2191`, which the number grammar accepts as a number with
a letter suffix). A number or day/month field whose word is not plain
digits, or whose confidence is under `MIN_DIGIT_CONFIDENCE`, or that is
empty while the page shows ink there (blue pen erased from the black
plane), is read from the page's pixels by the digit recogniser (`digits`).
Its reading is taken only when every digit is sure and the whole is
plausible: a day 1-31, a month 1-12, and a date not after the
e-signature's (the portal's stamp may be a later forwarding: it bounds the
date, it never gives it). Plain digits tesseract reads with middling
confidence are checked against the recogniser too; when they disagree the
field is blanked. Otherwise the field is replaced by `?` in the Line's
text, so the header parser reports it as garbled (null, a warning, low
confidence) instead of taking a guess as certain; the reader adds a
warning naming what OCR and the recogniser saw.
"""
from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import regex

from congvan.parsers.readers import digits

# Tesseract's word confidence (0..100) under which digits are not trusted.
# Measured on the corpus scans: printed digits read at 85-96, stamped or
# handwritten ones that came out right at 63-75 (`1894`, `999`); the
# misreads that were plain digits or digits and a letter at 0-13 (`2d`).
MIN_DIGIT_CONFIDENCE = 50.0
UNSURE = "?"
# Plain digits tesseract reads under this confidence are checked against the
# recogniser (handwriting that happens to read as digits: `484` for `981`);
# print reads at 85-96.
CROSS_CHECK_CONFIDENCE = 85.0
MAX_NUMBER_DIGITS = 6  # registers run to five digits; six allows a prefix
WHERE = "ocr_unsure_digits"  # Line.where of a line whose digits were blanked

_SO = regex.compile(r"^(?P<head>S[ốôoỐÔOóòồổộÓÒéế]\s*[:;.]?)(?P<rest>.*)$")
_NGAY = regex.compile(r"^(?P<head>ng[àa]y)(?P<rest>.*)$", regex.IGNORECASE)
_THANG = regex.compile(r"^(?P<head>th[áa]ng)(?P<rest>.*)$", regex.IGNORECASE)
_NAM = regex.compile(r"^n[ăa]m$", regex.IGNORECASE)
_DIGITS = regex.compile(r"\d{1,6}")
_YEAR_WORD = regex.compile(r"\d{4}\W?")


def _sure(text: str, conf: float) -> bool:
    return bool(_DIGITS.fullmatch(text)) and conf >= MIN_DIGIT_CONFIDENCE


# A slot's box (x0, top, x1, bottom: its x-range and the printed line's band,
# in the words' pixels) and the most digits it may hold -> what it holds.
SlotReader = Callable[[tuple[float, float, float, float], int], digits.Reading]


@dataclass
class Slot:
    """One number, day or month field of a header line, as this module judged it."""

    name: str  # "number", "day", "month"
    seen: str  # what tesseract read there ('' for nothing)
    conf: float
    value: str | None = None  # digits kept or read; None when blanked
    read: digits.Reading | None = None  # the recogniser's reading, when it was asked
    judged: bool = False  # tesseract's reading was not taken


def _band(words: list[dict[str, Any]]) -> tuple[float, float]:
    return statistics.median(w["top"] for w in words), statistics.median(w["bottom"] for w in words)


def _size(words: list[dict[str, Any]]) -> float:
    return statistics.median(w["bottom"] - w["top"] for w in words)


def _split_x(w: dict[str, Any], at: int) -> float:
    """Where character `at` of a word starts, by its share of the word's letters."""
    n = max(len(w["text"]), 1)
    return w["x0"] + (w["x1"] - w["x0"]) * at / n


def _ask(reader: SlotReader | None, box: tuple[float, float, float, float], most: int, slot: Slot) -> None:
    if reader is None or box[2] - box[0] < 2:
        return
    got = reader(box, most)
    slot.read = got
    if got.text is not None:
        slot.value = got.text


def _number_line(words: list[dict[str, Any]], notes: list[str], reader: SlotReader | None) -> bool:
    """Judge the number on a `Số: ___/SYMBOL` line in place; True when changed."""
    for i, w in enumerate(words):  # noqa: B007 - i is the match's index, used below
        m = _SO.match(w["text"])
        if m:
            break
    else:
        return False
    # The number: what follows `Số:` in its own word, then whole words, up
    # to the slash that opens the symbol (`Số: 2!8] /CT-CS`, `Số:3036/SCT`).
    parts: list[tuple[int, str, str]] = []  # (word index, number part, the slash and what follows)
    k, rest, slash = i, m["rest"], False
    while len(parts) <= 3:
        before, sep, after = rest.partition("/")
        if before:
            parts.append((k, before, sep + after))
        if sep:
            slash = True
            break
        k += 1
        if k >= len(words):
            break
        rest = words[k]["text"]
    if not slash:
        return False  # no symbol after it: not a field this module can judge
    seen = " ".join(p[1] for p in parts)
    conf = min((words[j]["conf"] for j, _, _ in parts), default=0.0)
    sure = bool(parts) and _sure(seen.replace(" ", ""), conf)
    if sure and (reader is None or conf >= CROSS_CHECK_CONFIDENCE):
        return False
    slot = Slot("number", seen, conf)
    # The slot runs from the end of `Số:` to the slash.
    head = words[i]
    left = head["x1"] if not m["rest"] else _split_x(head, len(m["head"]))
    sw = words[k]
    right = sw["x0"] if sw["text"].startswith("/") else _split_x(sw, sw["text"].index("/"))
    top, bottom = _band([head, sw])
    _ask(reader, (left, top, right, bottom), MAX_NUMBER_DIGITS, slot)
    if sure:
        if slot.value is None or slot.value == seen.replace(" ", ""):
            return False  # the recogniser agrees, or cannot tell: tesseract's reading stands
        slot.read = digits.Reading(None, 0.0, f"it reads {slot.value} where tesseract read {seen}")
        slot.value = None
    if slot.value is None and not parts and not _inked(slot):
        return False  # a blank number (a draft)
    if slot.value is not None and slot.value.startswith("0") and len(slot.value) > 2:
        slot.value = None  # `007`: no register numbers a letter so
    value = slot.value
    if value is None:
        _blank_note(slot, notes)
    else:
        assert slot.read is not None  # a value left standing here is the recogniser's reading
        notes.append(f"the number on the `Số` line is handwritten or stamped: the digit recogniser reads {value} "
                     f"(tesseract saw {seen!r}; least digit probability {slot.read.probability:.2f})")
    text_of = (value if value is not None else UNSURE)
    if not parts:
        # Tesseract saw no number: it goes in front of the slash's word
        # (`Số:/CT-CS` glued, or `/CT-CS` a word of its own).
        rest = m["rest"].lstrip() if k == i else words[k]["text"]
        words[k] = dict(words[k], text=(m["head"] + " " if k == i else "") + text_of + " " + rest)
        return True
    for n, (j, _, tail) in enumerate(parts):
        text = (text_of if n == 0 else "") + tail
        if j == i:
            text = m["head"] + " " + text
        words[j] = dict(words[j], text=text.strip())
    return True


def _inked(slot: Slot) -> bool:
    """The recogniser found marks in an empty field that it could not read."""
    return slot.read is not None and slot.read.text is None and slot.read.why.startswith(digits.UNREAD)


def _blank_note(slot: Slot, notes: list[str]) -> None:
    what = "the number on the `Số` line" if slot.name == "number" else f"the {slot.name} of the date line"
    why = f"; the digit recogniser: {slot.read.why}" if slot.read is not None and slot.read.why else ""
    notes.append(f"{what} is handwritten or stamped and OCR is unsure of it "
                 f"({slot.seen!r}, confidence {slot.conf:.0f}){why}: left blank")


_LIMITS = {"day": 31, "month": 12}


def _date_line(words: list[dict[str, Any]], notes: list[str], reader: SlotReader | None,
               not_after: date | None) -> bool:
    """Judge the day and month of a `ngày __ tháng __ năm ____` line in place."""
    slots: list[tuple[Slot, list[tuple[int, str]], int, Any]] = []
    year: int | None = None
    for i, w in enumerate(words):
        if _NAM.match(w["text"]) and i + 1 < len(words) and _YEAR_WORD.fullmatch(words[i + 1]["text"]):
            year = int(words[i + 1]["text"][:4])
        for pattern, name, stop in ((_NGAY, "day", _THANG), (_THANG, "month", _NAM)):
            m = pattern.match(w["text"])
            if not m:
                continue
            # The field: glued to the keyword (`ngày30`) or the words up to the next keyword.
            field: list[tuple[int, str]] = [(i, m["rest"])] if m["rest"] else []
            j = i + 1
            while j < len(words) and not stop.match(words[j]["text"]) and len(field) < 2:
                field.append((j, words[j]["text"]))
                j += 1
            if j >= len(words) or not stop.match(words[j]["text"]):
                continue
            seen = "".join(t for _, t in field)
            conf = min((words[k]["conf"] for k, _ in field), default=0.0)
            slot = Slot(name, seen, conf)
            sure = bool(field) and _sure(seen, conf)
            if sure and (reader is None or conf >= CROSS_CHECK_CONFIDENCE):
                slot.value = seen
                slots.append((slot, field, i, m))
                continue
            left = w["x1"] if not m["rest"] else _split_x(w, len(m["head"]))
            top, bottom = _band([w, words[j]])
            _ask(reader, (left, top, words[j]["x0"], bottom), 2, slot)
            if sure:
                if slot.value is None or int(slot.value) == int(seen):
                    slot.value, slot.read = seen, None
                    slots.append((slot, field, i, m))
                    continue
                slot.read = digits.Reading(None, 0.0, f"it reads {slot.value} where tesseract read {seen}")
                slot.value = None
            if slot.value is None and not field and not _inked(slot):
                continue  # a blank day (a draft)
            slot.judged = True
            slots.append((slot, field, i, m))
    if not slots:
        return False
    # A value the recogniser gave must be a day or a month, and the date it
    # makes must not come after the e-signature: the stamp's time may be a
    # later forwarding, so it bounds the date and never gives it.
    by_name = {s.name: s for s, _, _, _ in slots}
    for s in by_name.values():
        if s.read is not None and s.value is not None and not 1 <= int(s.value) <= _LIMITS[s.name]:
            s.read = digits.Reading(None, 0.0, f"{s.value} is no {s.name}")
            s.value = None
    day, month = by_name.get("day"), by_name.get("month")
    if not_after is not None and year is not None and day is not None and month is not None \
            and day.value is not None and month.value is not None and (day.read or month.read):
        try:
            when = date(year, int(month.value), int(day.value))
        except ValueError:
            when = None
        if when is None or when > not_after:
            for s in (day, month):
                if s.read is not None and s.value is not None:
                    s.judged = True
                    s.read = digits.Reading(None, 0.0, f"{day.value}/{month.value}/{year} is no date on or before "
                                                       f"the e-signature's {not_after.isoformat()}")
                    s.value = None
    changed = False
    for slot, field, i, m in slots:
        if not slot.judged:
            continue  # tesseract's reading stands
        changed = True
        text = slot.value if slot.value is not None else UNSURE
        if slot.value is None:
            _blank_note(slot, notes)
        else:
            assert slot.read is not None  # a judged slot's value is the recogniser's reading
            notes.append(f"the {slot.name} of the date line is handwritten or stamped: the digit recogniser reads "
                         f"{slot.value} (tesseract saw {slot.seen!r}; least digit probability {slot.read.probability:.2f})")
        if not field:
            words[i] = dict(words[i], text=m["head"] + " " + text)
            continue
        for n, (k, _) in enumerate(field):
            t = text if n == 0 else ""
            words[k] = dict(words[k], text=(m["head"] + " " + t) if k == i else t)
    return changed


def check_header_digits(words: list[dict[str, Any]], notes: list[str], reader: SlotReader | None = None,
                        not_after: date | None = None) -> list[dict[str, Any]] | None:
    """The words of one header block with handwritten digits judged: read by
    `reader` (the digit recogniser on the page's pixels) when it is sure,
    else blanked (`?`); None when nothing changed. `not_after` is the
    e-signature's date, a bound for the date line. Words keep their boxes;
    emptied words are dropped."""
    ws = [dict(w) for w in sorted(words, key=lambda w: w["x0"])]
    changed = _number_line(ws, notes, reader)
    changed = _date_line(ws, notes, reader, not_after) or changed
    if not changed:
        return None
    return [w for w in ws if w["text"]]


__all__ = ["MAX_NUMBER_DIGITS", "MIN_DIGIT_CONFIDENCE", "SlotReader", "UNSURE", "WHERE", "check_header_digits"]
