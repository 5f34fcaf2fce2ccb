"""Numbers and days written or stamped by hand into an OCR'd header.

Flow: file -> reader -> `ocr.read_page` (words with tesseract's confidence,
laid out into blocks) -> **this module** (the `Số: ___/SYMBOL` and `ngày __
tháng __` blocks checked) -> Lines -> field parsers.

The văn thư writes or stamps the number and the day after the letter is
signed. Tesseract reads such digits badly and often confidently wrong in
shape (`2d` for `2191`, which the number grammar accepts as a number with
a letter suffix). Judged here by what tesseract itself says: a number or
day/month field whose word is not plain digits, or whose confidence is
under `MIN_DIGIT_CONFIDENCE`, is replaced by `?` in the Line's text, so
the header parser reports it as garbled (null, a warning, low confidence)
instead of taking a guess as certain; the reader adds a warning naming what
OCR saw.
"""
from __future__ import annotations

from typing import Any

import regex

# Tesseract's word confidence (0..100) under which digits are not trusted.
# Measured on the corpus scans: printed digits read at 85-96, stamped or
# handwritten ones that came out right at 63-75 (`1894`, `999`); the
# misreads that were plain digits or digits and a letter at 0-13 (`2d`).
MIN_DIGIT_CONFIDENCE = 50.0
UNSURE = "?"
WHERE = "ocr_unsure_digits"  # Line.where of a line whose digits were blanked

_SO = regex.compile(r"^(?P<head>S[ốôoỐÔOóòồổộÓÒéế]\s*[:;.]?)(?P<rest>.*)$")
_NGAY = regex.compile(r"^(?P<head>ng[àa]y)(?P<rest>.*)$", regex.IGNORECASE)
_THANG = regex.compile(r"^(?P<head>th[áa]ng)(?P<rest>.*)$", regex.IGNORECASE)
_NAM = regex.compile(r"^n[ăa]m$", regex.IGNORECASE)
_DIGITS = regex.compile(r"\d{1,6}")


def _sure(text: str, conf: float) -> bool:
    return bool(_DIGITS.fullmatch(text)) and conf >= MIN_DIGIT_CONFIDENCE


def _number_line(words: list[dict[str, Any]], notes: list[str]) -> bool:
    """Blank an unsure number on a `Số: ___/SYMBOL` line in place; True when changed."""
    for i, w in enumerate(words):
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
    if not slash or not parts:
        return False  # no symbol after it: not a field this module can judge
    seen = " ".join(p[1] for p in parts)
    conf = min(words[j]["conf"] for j, _, _ in parts)
    if _sure(seen.replace(" ", ""), conf):
        return False
    for n, (j, _, tail) in enumerate(parts):
        text = (UNSURE if n == 0 else "") + tail
        if j == i:
            text = m["head"] + " " + text
        words[j] = dict(words[j], text=text.strip())
    notes.append(f"the number on the `Số` line is handwritten or stamped and OCR is unsure of it "
                 f"({seen!r}, confidence {conf:.0f}): left blank")
    return True


def _date_line(words: list[dict[str, Any]], notes: list[str]) -> bool:
    """Blank an unsure day or month of a `ngày __ tháng __ năm` line in place."""
    changed = False
    for i, w in enumerate(words):
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
            if j >= len(words) or not stop.match(words[j]["text"]) or not field:
                continue
            seen = "".join(t for _, t in field)
            conf = min(words[k]["conf"] for k, _ in field)
            if _sure(seen, conf):
                continue
            for n, (k, _) in enumerate(field):
                text = UNSURE if n == 0 else ""
                words[k] = dict(words[k], text=(m["head"] + " " + text) if k == i else text)
            notes.append(f"the {name} of the date line is handwritten or stamped and OCR is unsure of it "
                         f"({seen!r}, confidence {conf:.0f}): left blank")
            changed = True
    return changed


def check_header_digits(words: list[dict[str, Any]], notes: list[str]) -> list[dict[str, Any]] | None:
    """The words of one header block with unsure handwritten digits blanked
    (`?`), or None when nothing changed. Words keep their boxes; emptied
    words are dropped."""
    ws = [dict(w) for w in sorted(words, key=lambda w: w["x0"])]
    changed = _number_line(ws, notes)
    changed = _date_line(ws, notes) or changed
    if not changed:
        return None
    return [w for w in ws if w["text"]]


__all__ = ["MIN_DIGIT_CONFIDENCE", "UNSURE", "WHERE", "check_header_digits"]
