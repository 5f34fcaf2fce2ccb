"""Flattened rows split back at their seams, before any field parser runs.

Some sites and converters print each table row of a letter on one line:
`Số: 2536/BCT-VP V/v triển khai Công điện số 280/CĐ-TTg ...` (number and
subject cells), `Hà Nội, ngày 27 tháng 4 năm 2023 Kính gửi: ...` (the date
cell run on with the body), `... được biết./. Nơi nhận: - Như trên; ...`.
The seams are certain: a `V/v` right after a number's symbol, `Kính gửi:` or
`Nơi nhận:` inside a line, body text after the issue date's year. A line is
cut there into two `TextLine`s with their own spans, so provenance holds.

Bracketed editorial notes a site adds (`[Văn bản này được hướng dẫn bởi
Công văn 123/BTC-TCT ...]`) are not the letter's text: they are dropped here,
with a warning, so their citations are not taken for the letter's references.

Flow: `split_lines()` -> **`split_seams()`** -> header, addressees, footer,
signer (parsers/letter.py).
"""
from __future__ import annotations

import regex

from congvan.parsers.fields.dates import LONG_DATE, PLACE_DATE
from congvan.parsers.fields.lines import TextLine, fold_accents

# Cut before these, folded, when something stands before them on the line.
_KINH_GUI = regex.compile(r"(?<=\S)\s+(?=kinh\s*gui\s*:)")
_NOI_NHAN = regex.compile(r"(?<=[./;:)]|\S\s*/\.)\s+(?=noi\s*nhan\s*:)")
# `Số: 2536/BCT-VP V/v ...`: the subject cell after the symbol.
_VV_AFTER_NUMBER = regex.compile(r"^s\S{0,2}\s*[:;.]?\s*\S{0,12}\s*/\s*\S+?\s+(?=v\s?[/.]\s?v\b|ve\s+viec\b)")
_EDITORIAL = regex.compile(r"^\[[^\[\]]{10,}\]$")
_CITES = regex.compile(r"\d+\s*/\s*\p{L}")
_YEAR = regex.compile(r"\d{4}")


def _cut(line: TextLine, at: int) -> list[TextLine]:
    left = line.text[:at].rstrip()
    right = line.text[at:].lstrip()
    if not left or not right:
        return [line]
    r_start = line.start + len(line.text) - len(right)
    return [TextLine(left, line.start, line.start + len(left), line.index),
            TextLine(right, r_start, line.end, line.index)]


def _seams(line: TextLine, head: bool) -> list[TextLine]:
    """`line` cut at its seams; `head`: the line is in the letter's first lines,
    where the date cell stands."""
    f = fold_accents(line.text)
    m = _VV_AFTER_NUMBER.match(f)
    if m:
        cut = _cut(line, m.end())
        if len(cut) == 2:
            return [cut[0], *_seams(cut[1], head)]
    # The date cell opens a flattened row, after at most the number and subject cells:
    # looked for in the line's start only (a page of one long line stays linear).
    # (A long date in the window first: the place-and-date pattern is costly to try where none is.)
    d = PLACE_DATE.search(f, 0, _DATE_WINDOW) if head and LONG_DATE.search(f, 0, _DATE_WINDOW) else None
    if d and "," in f[d.start():d.start("date")] and _YEAR.fullmatch(d["y"] or ""):
        rest = f[d.end():]
        # Body text after the date's year: `... năm 2023 Kính gửi: ...`, `... năm 2025 CÔNG ĐIỆN`.
        if len(rest.strip(" .")) >= 3 and not rest.lstrip().startswith((")", ",", ";", "cua", "ve ", "va ", "den ", "tai ")):
            cut = _cut(line, d.end())
            if len(cut) == 2:
                return [cut[0], *_seams(cut[1], head)]
    for pattern in (_KINH_GUI, _NOI_NHAN):
        m = pattern.search(f)
        if m:
            cut = _cut(line, m.end())
            if len(cut) == 2:
                return [*_seams(cut[0], head), *_seams(cut[1], head)]
    return [line]


_HEAD_LINES = 40  # the date cell stands among the letter's first lines
_DATE_WINDOW = 600


def split_seams(lines: list[TextLine]) -> tuple[list[TextLine], list[str], list[tuple[int, int]]]:
    """Lines cut at the seams of flattened rows, editorial notes dropped;
    (new lines, warnings, spans of the dropped notes)."""
    out: list[TextLine] = []
    warnings: list[str] = []
    dropped: list[tuple[int, int]] = []
    changed = False
    for line in lines:
        if out and out[-1].text in ("Kính", "KÍNH") and fold_accents(line.text).startswith("gui"):
            # `Kính` / `gửi: ...`: the opener of the addressees wrapped after its first word.
            prev = out.pop()
            line = TextLine(f"{prev.text} {line.text}", prev.start, line.end, prev.index)
            changed = True
        if _EDITORIAL.match(line.text) and _CITES.search(line.text):
            warnings.append(f"editorial note left out of the letter's text: {line.text[:120]!r}")
            dropped.append((line.start, line.end))
            changed = True
            continue
        pieces = _seams(line, line.index < _HEAD_LINES)
        changed = changed or len(pieces) > 1
        out.extend(pieces)
    if not changed:
        return lines, warnings, dropped
    return [TextLine(l.text, l.start, l.end, i) for i, l in enumerate(out)], warnings, dropped
