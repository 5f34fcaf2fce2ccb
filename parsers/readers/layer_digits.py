"""Digits of a partly broken text layer put over OCR's reading of them.

Flow: file -> PDF reader (a page whose text layer has glyphs without
Unicode, read by OCR instead) -> `ocr` (Lines) -> **this module** -> Lines
-> field parsers.

A broken glyph map loses the Vietnamese letters (`(cid:55)(cid:1228)`) but
the glyphs that do carry Unicode are exact, and digits nearly always do:
the day stamped into `ngày 28 tháng 5` is `2`, `8` in the layer where OCR
reads `26`. Within one OCR Line, the layer's numbers (runs of digits, in
reading order, inside the Line's box) are matched to OCR's runs of digits
one to one; only when both have as many runs, each of the same length, are
OCR's digits replaced by the layer's. A `?` that the handwritten-digit check
left for an unreadable slot is a run to fill too. Anything else (a run OCR
lost or invented) leaves the Line as OCR read it.
"""
from __future__ import annotations

import statistics
from typing import Any

import regex

from congvan.parsers.readers.base import Line

_RUN = regex.compile(r"\d+")
_CID = regex.compile(r"\(cid:\d+\)")
# OCR's runs: digits, or a `?` standing alone for a blanked slot.
_OCR_RUN = regex.compile(r"\d+|(?<!\S)\?(?!\S)")
GLUE_EM = 0.35  # digits drawn one by one closer than this share of their height are one number
SLACK = 2.0  # points a layer glyph may stand outside the OCR Line's box (deskew)


def _layer_runs(words: list[dict[str, Any]], box: tuple[float, float, float, float]) -> list[str]:
    """The layer's numbers inside `box`, in reading order."""
    x0, top, x1, bottom = box
    # A glyph without Unicode (`(cid:81)`) carries digits of its own number: none of the text's.
    inside = [dict(w, text=_CID.sub("\ufffd", w["text"])) for w in words
              if top - SLACK <= (w["top"] + w["bottom"]) / 2 <= bottom + SLACK
              and x0 - SLACK <= (w["x0"] + w["x1"]) / 2 <= x1 + SLACK]
    inside = [w for w in inside if _RUN.search(w["text"])]
    if not inside:
        return []
    height = statistics.median(w["bottom"] - w["top"] for w in inside) or 1.0
    # Rows by vertical position (glyphs of one row differ by a point or two), then left to right.
    inside.sort(key=lambda w: w["top"])
    rows: list[list[dict[str, Any]]] = []
    for w in inside:
        if rows and w["top"] - rows[-1][0]["top"] < 0.5 * height:
            rows[-1].append(w)
        else:
            rows.append([w])
    inside = [w for row in rows for w in sorted(row, key=lambda w: w["x0"])]
    runs: list[str] = []
    prev: dict[str, Any] | None = None
    for w in inside:
        parts = _RUN.findall(w["text"])
        whole = w["text"].isdigit()
        glued = (prev is not None and whole and prev["text"].isdigit() and abs(prev["top"] - w["top"]) < 0.5 * height
                 and w["x0"] - prev["x1"] < GLUE_EM * height)
        if glued and runs:
            runs[-1] += parts[0]
        else:
            runs.extend(parts)
        prev = w
    return runs


def mend_digits(lines: list[Line], words: list[dict[str, Any]]) -> tuple[list[Line], list[str]]:
    """`lines` with OCR's digits replaced by the layer's where the two match
    run for run (see the module's note), and a note per changed Line."""
    out: list[Line] = []
    notes: list[str] = []
    for ln in lines:
        if ln.bbox is None:
            out.append(ln)
            continue
        ocr_runs = list(_OCR_RUN.finditer(ln.text))
        layer = _layer_runs(words, ln.bbox)
        if not ocr_runs or len(layer) != len(ocr_runs) or any(
                m.group() != "?" and len(m.group()) != len(d) for m, d in zip(ocr_runs, layer)):
            out.append(ln)
            continue
        text = ln.text
        for m, d in sorted(zip(ocr_runs, layer), key=lambda p: -p[0].start()):
            text = text[:m.start()] + d + text[m.end():]
        if text != ln.text:
            changed = [f"{m.group()!r} -> {d!r}" for m, d in zip(ocr_runs, layer) if m.group() != d]
            notes.append(f"page {ln.page}: digits taken from the text layer over OCR's ({', '.join(changed)})")
            ln = Line(text, page=ln.page, bbox=ln.bbox, where=ln.where)
        out.append(ln)
    return out, notes


__all__ = ["mend_digits"]
