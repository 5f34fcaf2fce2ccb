"""What every format reader returns: lines of text in reading order, each with
where it sits (page, bounding box, or Word location).

Flow: file bytes -> a reader (txt, pdf, docx, doc, rtf, image) -> `ReadResult`
-> normalisation -> field parsers. A reader keeps the letter's layout by the
order of its lines: the left header column comes out whole before the right
one, the body in reading order, the footer's `Nơi nhận` column before the
signature column. Field parsers never see file formats.
"""
from __future__ import annotations

import bisect
import os
from dataclasses import dataclass, field

from congvan.models.records import PageInfo


class ReadError(Exception):
    """A file that cannot be read as a letter; `kind` names the cause for the
    files table (`encrypted`, `corrupt`, `empty`, `unknown_encoding`,
    `unsupported`, `too_large`, `not_a_letter`, `unsafe`, `timeout`)."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True)
class Line:
    text: str
    page: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    where: str | None = None


@dataclass(frozen=True)
class ReadResult:
    lines: tuple[Line, ...]
    format: str
    encoding: str | None = None
    pages: tuple[PageInfo, ...] = ()
    warnings: tuple[str, ...] = ()
    # Facts the container states about the document (a web page's metadata
    # table, a PDF's signature stamp): cross-checks, never the record itself.
    metadata: dict[str, str] = field(default_factory=dict)

    def joined(self) -> tuple[str, tuple[int, ...]]:
        """The text (lines joined by newlines) and each line's start offset."""
        starts: list[int] = []
        pos = 0
        for line in self.lines:
            starts.append(pos)
            pos += len(line.text) + 1
        return "\n".join(line.text for line in self.lines), tuple(starts)

    def line_at(self, starts: tuple[int, ...], offset: int) -> Line | None:
        if not self.lines:
            return None
        i = bisect.bisect_right(starts, offset) - 1
        return self.lines[max(i, 0)]


def lines_from_text(text: str, **kw: object) -> tuple[Line, ...]:
    return tuple(Line(t, **kw) for t in text.split("\n"))  # type: ignore[arg-type]


# Scanned pages OCR'd per letter (a page takes seconds): more are left out with a
# warning. CONGVAN_OCR_PAGES raises it (`congvan parse|ingest --ocr-pages N` set it).
DEFAULT_OCR_PAGES = 40


def ocr_page_limit() -> int:
    try:
        return max(0, int(os.environ.get("CONGVAN_OCR_PAGES", DEFAULT_OCR_PAGES)))
    except ValueError:
        return DEFAULT_OCR_PAGES
