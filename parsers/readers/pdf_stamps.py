"""Text that a PDF draws from annotations rather than from the page content:
the number and day a clerk's digital signature stamps onto an e-office letter.

Flow: file -> PDF reader (`pdf.py`) -> page words + **these stamp words** ->
rows and columns -> field parsers.

Vietnamese e-office systems sign a letter after it is typeset: the number
(`Số: 193 /UBND-KT`) and the day (`ngày 10 tháng 01 năm 2026`) are drawn by
the appearance streams (/AP /N) of small signature widgets placed over the
blanks, so pdfplumber's words of the page say `Số: /UBND-KT`. This module
renders each annotation's appearance form with pdfminer (the same engine,
fonts and resource cache as pdfplumber) and returns its characters as words
in page coordinates, marked `stamp`, for the reader to merge into its rows.

Signer boxes (`Ký bởi: ...`, `Người ký: ...`, `Thời gian ký: ...`) are the
signature's own label, not the letter: they come back apart, for the
result's metadata.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import regex

# Annotation kinds whose appearance is visible page text: form fields
# (signature and text widgets) and free-text or stamp notes.
_TEXT_SUBTYPES = frozenset({"Widget", "FreeText", "Stamp"})
_HIDDEN = 0x2  # annotation flag bit 2: never shown nor printed
_MAX_ANNOTS = 200  # a letter page has a handful; more is a form, not stamps

# The labels an e-signature writes in its own box; such a box is about the
# signing, not text of the letter.
_SIGNER_LABEL = regex.compile(r"\b(?:Ký\s+bởi|Người\s+ký|Thời\s+gian\s+ký|Ngày\s+ký)\s*:", regex.IGNORECASE)
_SIGNED_AT = regex.compile(r"Thời\s+gian\s+ký\s*:\s*(\d{1,2})[./-](\d{1,2})[./-](\d{4})(?:\s+(\d{1,2}:\d{2}(?::\d{2})?))?",
                           regex.IGNORECASE)
_SIGNED_BY = regex.compile(r"(?:Ký\s+bởi|Người\s+ký)\s*:\s*(.+)", regex.IGNORECASE)
_NEXT_STAMP_LABEL = regex.compile(r"\b(?:Email|Cơ\s+quan|Địa\s+chỉ)\s*:")


@dataclass
class Stamps:
    """What a page's annotations draw: letter text as words, signer boxes as
    text lines."""

    words: list[dict[str, Any]] = field(default_factory=list)
    signer_boxes: list[list[str]] = field(default_factory=list)


def page_stamps(page: Any) -> Stamps:
    """Words drawn by a pdfplumber page's annotation appearances. A broken
    annotation is skipped: stamps add to a page, they never fail it."""
    from pdfminer.pdftypes import resolve1

    out = Stamps()
    try:
        annots = resolve1(page.page_obj.annots)
    except Exception:  # a looping (RecursionError) or broken /Annots must not cost the page
        return out
    if not isinstance(annots, list) or not annots:
        return out
    for ref in annots[:_MAX_ANNOTS]:
        try:
            words = _annotation_words(page, resolve1(ref))
        except Exception:  # recursion or pdfminer's many private types on odd streams
            continue
        if not words:
            continue
        lines = _lines_text(words)
        if any(_SIGNER_LABEL.search(t) for t in lines):
            out.signer_boxes.append(lines)
        else:
            out.words.extend(words)
    return out


def signer_metadata(boxes: list[list[str]]) -> dict[str, str]:
    """`signed_by` / `signed_at` (ISO date, time) from signer boxes' labels."""
    out: dict[str, str] = {}
    for lines in boxes:
        for text in lines:
            if "signed_by" not in out and (m := _SIGNED_BY.search(text)):
                # A label line may run into the next label when the box has
                # no line breaks between them.
                value = _SIGNER_LABEL.split(m.group(1))[0]
                value = _NEXT_STAMP_LABEL.split(value)[0].strip(" ;,")
                if value:
                    out["signed_by"] = value
            if "signed_at" not in out and (m := _SIGNED_AT.search(text)):
                day, month, year, time = m.groups()
                out["signed_at"] = f"{year}-{int(month):02d}-{int(day):02d}" + (f" {time}" if time else "")
    return out


def signed_date(boxes: list[list[str]]) -> date | None:
    """The signing day of a page's e-signature label, or None."""
    at = signer_metadata(boxes).get("signed_at")
    if not at:
        return None
    try:
        return date.fromisoformat(at[:10])
    except ValueError:
        return None


def _annotation_words(page: Any, annot: Any) -> list[dict[str, Any]]:
    from pdfminer.pdftypes import PDFStream, resolve1

    if not isinstance(annot, dict):
        return []
    subtype = resolve1(annot.get("Subtype"))
    if getattr(subtype, "name", None) not in _TEXT_SUBTYPES:
        return []
    flags = resolve1(annot.get("F")) or 0
    if isinstance(flags, int) and flags & _HIDDEN:
        return []
    ap = resolve1(annot.get("AP"))
    normal = resolve1(ap.get("N")) if isinstance(ap, dict) else None
    if isinstance(normal, dict) and not isinstance(normal, PDFStream):
        # A field with states (a check box): the state shown is /AS.
        state = resolve1(annot.get("AS"))
        normal = resolve1(normal.get(getattr(state, "name", ""))) if state is not None else None
    if not isinstance(normal, PDFStream) or normal.objid is None:
        return []
    rect = _floats(resolve1(annot.get("Rect")), 4)
    bbox = _floats(resolve1(normal.get("BBox")), 4)
    if rect is None or bbox is None:
        return []
    matrix = _matrix(resolve1(normal.get("Matrix"))) or (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    return _render(page, normal, rect, bbox, matrix)


def _floats(value: Any, n: int) -> tuple[float, ...] | None:
    if not isinstance(value, (list, tuple)) or len(value) != n:
        return None
    try:
        return tuple(float(v) for v in value)
    except (TypeError, ValueError):
        return None


# A PDF transformation matrix (a b c d e f), as pdfminer's `Matrix`.
_Matrix = tuple[float, float, float, float, float, float]


def _matrix(value: Any) -> _Matrix | None:
    six = _floats(value, 6)
    if six is None:
        return None
    a, b, c, d, e, f = six
    return (a, b, c, d, e, f)


def _render(page: Any, form: Any, rect: tuple[float, ...], bbox: tuple[float, ...],
            matrix: _Matrix) -> list[dict[str, Any]]:
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.pdfinterp import PDFPageInterpreter
    from pdfminer.pdftypes import resolve1
    from pdfminer.utils import apply_matrix_pt, mult_matrix

    # PDF 32000 §12.5.5: the form's BBox, transformed by its Matrix, is
    # scaled and moved onto the annotation's Rect.
    corners = [apply_matrix_pt(matrix, (x, y)) for x in (bbox[0], bbox[2]) for y in (bbox[1], bbox[3])]
    bx0, bx1 = min(p[0] for p in corners), max(p[0] for p in corners)
    by0, by1 = min(p[1] for p in corners), max(p[1] for p in corners)
    rx0, rx1 = sorted((rect[0], rect[2]))
    ry0, ry1 = sorted((rect[1], rect[3]))
    if rx1 - rx0 < 1 or ry1 - ry0 < 1 or bx1 - bx0 <= 0 or by1 - by0 <= 0:
        return []  # an invisible signature: no box to draw in
    sx, sy = (rx1 - rx0) / (bx1 - bx0), (ry1 - ry0) / (by1 - by0)
    to_rect = (sx, 0.0, 0.0, sy, rx0 - bx0 * sx, ry0 - by0 * sy)
    page_obj = page.page_obj
    mx0, my0 = page_obj.mediabox[0], page_obj.mediabox[1]
    if page_obj.rotate not in (0, None):
        return []  # rotated pages: pdfplumber's own coordinates differ; rare in letters
    ctm = mult_matrix(to_rect, (1.0, 0.0, 0.0, 1.0, -mx0, -my0))
    device = PDFPageAggregator(page.pdf.rsrcmgr, laparams=None)
    interpreter = PDFPageInterpreter(page.pdf.rsrcmgr, device)
    device.begin_page(page_obj, ctm)
    resources = resolve1(form.get("Resources"))
    interpreter.render_contents(resources if isinstance(resources, dict) else {}, [form], ctm=mult_matrix(matrix, ctm))
    device.end_page(page_obj)
    height = float(page.height)
    chars = [c for c in _chars(device.get_result()) if c.get_text().strip() or c.get_text() == " "]
    return _words(chars, height)


def _chars(item: Any) -> list[Any]:
    from pdfminer.layout import LTChar, LTContainer

    out: list[Any] = []
    stack = [item]
    while stack:
        it = stack.pop()
        if isinstance(it, LTChar):
            out.append(it)
        elif isinstance(it, LTContainer):
            stack.extend(reversed(list(it)))
    return out


def _words(chars: list[Any], height: float) -> list[dict[str, Any]]:
    """Characters -> words (pdfplumber's dict shape) by baseline and gaps."""
    words: list[dict[str, Any]] = []
    cur: list[Any] = []

    def flush() -> None:
        if cur:
            text = "".join(c.get_text() for c in cur)
            words.append({
                "text": text, "x0": min(c.x0 for c in cur), "x1": max(c.x1 for c in cur),
                "top": height - max(c.y1 for c in cur), "bottom": height - min(c.y0 for c in cur),
                "size": max(c.size for c in cur), "stamp": True,
            })
            cur.clear()

    for c in sorted(chars, key=lambda c: (-round(c.y0, 0), c.x0)):
        if c.get_text().isspace():
            flush()
            continue
        if cur:
            last = cur[-1]
            same_line = abs(c.y0 - last.y0) < 0.5 * max(c.size, 1.0)
            if not same_line or c.x0 - last.x1 > 0.25 * max(c.size, 1.0):
                flush()
        cur.append(c)
    flush()
    return words


def _lines_text(words: list[dict[str, Any]]) -> list[str]:
    lines: list[list[dict[str, Any]]] = []
    for w in sorted(words, key=lambda w: (w["top"], w["x0"])):
        if lines and abs(lines[-1][0]["top"] - w["top"]) < 0.5 * max(w["size"], 1.0):
            lines[-1].append(w)
        else:
            lines.append([w])
    return [" ".join(w["text"] for w in sorted(line, key=lambda w: w["x0"])) for line in lines]
