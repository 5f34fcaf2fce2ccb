"""PDF reader: a PDF's bytes -> lines in reading order with page and bbox.

Flow: file -> **this reader** -> text with layout -> field parsers -> records.

Per page, pdfplumber's words (with positions) are grouped into visual rows.
Two-column regions (the header at the top of a letter, the footer with
`Nơi nhận` and the signature block) are found by a vertical gutter that no
word of any row crosses; their left column comes out whole before the right
one. Body rows are joined into one Line per paragraph, running page headers
and page numbers are dropped, and a paragraph cut by a page break is joined.

Text drawn by annotations (the number and day an e-office signature stamps
over the blanks of `Số:` and `ngày ... tháng`) comes from `pdf_stamps` and
joins the page's words before rows are built; Lines holding such words say
`where="stamp"`, and the signature's own label box goes to the metadata.

Each page's text layer is judged first (empty, a scan with an invisible
layer, mojibake): a certain repair from `pdf_repair` ("repaired"), else OCR
of the page through `ocr.ocr_page` ("ocr"), else the text with a warning.
Every page gets a `PageInfo` saying which path it took and why.
"""
from __future__ import annotations

import io
import statistics
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable

import regex

from congvan.models.records import PageInfo
from congvan.parsers.normalize import normalize
from congvan.parsers.readers import pdf_repair, pdf_stamps
from congvan.parsers.readers.base import Line, ReadError, ReadResult
from congvan.parsers.syllables import diacritic_share, syllable_share

MAX_PAGES = 400

# A page reads as Vietnamese when most tokens are syllables and enough carry
# Vietnamese marks; text OCR'd without the Vietnamese model fails the second.
MIN_SYLLABLE_SHARE = 0.7
MIN_DIACRITIC_SHARE = 0.15
MIN_TOKENS_FOR_JUDGING = 12
# A scan with an e-signature stamp or a small OCR'd label still is a scan:
# big image, text over a small part of the page.
SCAN_IMAGE_SHARE = 0.5
SCAN_TEXT_SHARE = 0.02
MIN_LETTERS = 20

MIN_GUTTER = 6.0  # points; a space is ~0.25 em (3-4 pt), header gutters 8-60 pt
# In ems: narrower gaps are spaces (justification stretches them to ~0.5 em).
MIN_GUTTER_EM = 0.6
# In ems: a gap this wide is a column gutter even on a single row; justified
# text stretches a space to about 1 em at worst.
WIDE_GUTTER = 2.0
GUTTER_BAND = (0.2, 0.8)  # where a column gutter may sit, as page-width shares
EDGE_BAND = 0.12  # top/bottom share of the page where running headers live

_ITEM_START = regex.compile(
    r"""^(?:
        \d{1,3}(?:\.\d{1,3})*[.)](?:\s|$)       # 1.  1.2.  3)
      | [a-zđ]\)                                # a)  đ)
      | [IVXLC]{1,6}[.)](?:\s|$)                # II.
      | [-+•*–—](?:\s|$)                         # dash items
      | (?:Điều|Chương|Mục|Phần|Phụ\s+lục)\s+[\dIVXLC]+[a-z]?(?:[.:]|\s*$)
      | (?:Nơi\s+nhận|Kính\s+gửi|Căn\s+cứ)\b
    )""",
    regex.VERBOSE,
)
_PAGE_NUMBER = regex.compile(
    r"^\s*(?:[-–—]\s*)?(?:(?:Trang|Page)\s*)?\d{1,4}(?:\s*(?:/|của|of|trên)\s*\d{1,4})?(?:\s*[-–—])?\s*$",
    regex.IGNORECASE,
)
_NOI_NHAN = regex.compile(r"^\s*Nơi\s*nhận", regex.IGNORECASE)
_BODY_START = regex.compile(r"^\s*(?:Kính\s*gửi|Căn\s*cứ)\b", regex.IGNORECASE)
_AUTHORITY = regex.compile(r"^\s*(?:KT|TM|TL|TUQ|Q)\s*[./]", regex.IGNORECASE)
_ENTRY_START = regex.compile(r"^\s*[-+•*–—]")
_SUBJECT = regex.compile(r"^\s*\(?\s*(?:V/v|V\.v|Về\s+việc)\b", regex.IGNORECASE)
# What may stand under the subject in the left header column and is not
# part of it: urgency and secrecy marks, a rule line.
_NOT_SUBJECT = regex.compile(r"^\s*(?:HỎA\s+TỐC|THƯỢNG\s+KHẨN|KHẨN|MẬT|TUYỆT\s+MẬT|TỐI\s+MẬT|Số\s*:)|^[\W_]+$")
_DIGITS = regex.compile(r"\d+")
_HYPHEN_END = regex.compile(r"[\p{L}\d][-‐]$")


_SLIM = ("text", "x0", "x1", "top", "bottom", "size", "stamp")
STAMP = "stamp"  # Line.where of text drawn by a signature widget (pdf_stamps)


@dataclass
class _Row:
    """One visual line of words on a page (possibly two columns' worth)."""

    words: list[dict[str, Any]]
    page: int
    x0: float = 0.0
    top: float = 0.0
    x1: float = 0.0
    bottom: float = 0.0
    size: float = 0.0

    def __post_init__(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        self.words.sort(key=lambda w: w["x0"])
        self.x0 = min(w["x0"] for w in self.words)
        self.x1 = max(w["x1"] for w in self.words)
        self.top = min(w["top"] for w in self.words)
        self.bottom = max(w["bottom"] for w in self.words)
        self.size = statistics.median(w.get("size", w["bottom"] - w["top"]) for w in self.words)

    @property
    def text(self) -> str:
        return " ".join(w["text"] for w in self.words)

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return (round(self.x0, 1), round(self.top, 1), round(self.x1, 1), round(self.bottom, 1))

    @property
    def where(self) -> str | None:
        return _where(self.words)


@dataclass
class _Page:
    """A page after judging: body rows (to be laid out) or finished lines."""

    number: int
    width: float
    height: float
    rows: list[_Row] = field(default_factory=list)
    lines: list[Line] | None = None  # set when OCR gave the page's lines
    info: PageInfo | None = None
    signer_boxes: list[list[str]] = field(default_factory=list)  # e-signature labels, for metadata


# --------------------------------------------------------------------------- open


def _open(data: bytes) -> Any:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

    if not data.strip():
        raise ReadError("empty", "the PDF file is empty (0 bytes)")
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except PdfminerException as exc:
        inner = exc.args[0] if exc.args else exc
        if isinstance(inner, (PDFPasswordIncorrect, PDFEncryptionError)) or "password" in repr(inner).lower() or "encrypt" in repr(inner).lower():
            raise ReadError("encrypted", "the PDF is encrypted with a password; it cannot be read without it") from exc
        raise ReadError("corrupt", f"the PDF cannot be parsed: {inner!r}") from exc
    except (MalformedPDFException, RecursionError, ValueError, TypeError, KeyError, AttributeError, AssertionError) as exc:
        raise ReadError("corrupt", f"the PDF cannot be parsed: {exc!r}"[:300]) from exc
    except Exception as exc:  # pdfminer raises many private types on broken files
        if "encrypt" in type(exc).__name__.lower() or "password" in type(exc).__name__.lower():
            raise ReadError("encrypted", f"the PDF is encrypted: {exc!r}") from exc
        raise ReadError("corrupt", f"the PDF cannot be parsed: {exc!r}"[:300]) from exc
    return pdf


def _declared_page_count(pdf: Any) -> int | None:
    """/Count of the page tree, read before pdfplumber builds every page."""
    from pdfminer.pdftypes import resolve1

    try:
        pages = resolve1(pdf.doc.catalog.get("Pages"))
        count = resolve1(pages.get("Count")) if pages is not None else None
        return int(count) if count is not None else None
    except Exception:  # a broken page tree is judged by iterating pages instead
        return None


# --------------------------------------------------------------------------- rows


def _rows_from_words(words: list[dict[str, Any]], page: int) -> list[_Row]:
    """Group words into visual rows: a word joins a row when its vertical
    middle falls inside the row's band (header columns whose baselines differ
    by a point or two share one row and are split by the gutter later)."""
    # Each row keeps the band of the word that opened it, so a row never grows
    # downwards into the next line when the two columns use different sizes.
    bands: list[tuple[float, float]] = []
    groups: list[list[dict[str, Any]]] = []
    for w in sorted(words, key=lambda w: (w["top"], w["x0"])):
        h = max(w["bottom"] - w["top"], 0.1)
        best, best_ratio = -1, 0.0
        for k in range(max(0, len(bands) - 4), len(bands)):
            top, bottom = bands[k]
            overlap = min(bottom, w["bottom"]) - max(top, w["top"])
            ratio = overlap / min(h, max(bottom - top, 0.1))
            if ratio > best_ratio:
                best, best_ratio = k, ratio
        if best >= 0 and best_ratio >= 0.5:
            groups[best].append(w)
        else:
            bands.append((w["top"], w["bottom"]))
            groups.append([w])
    # Keep only what layout needs: the chars lists are large and a long file
    # would hold every page's in memory.
    rows = [_Row([{k: w[k] for k in _SLIM if k in w} for w in g], page) for g in groups]
    rows.sort(key=lambda r: r.top)
    return rows


def _free(row: _Row, lo: float, hi: float) -> list[tuple[float, float]]:
    """Horizontal intervals in [lo, hi] that none of the row's words covers."""
    out: list[tuple[float, float]] = []
    pos = lo
    for w in row.words:
        if w["x1"] <= pos:
            continue
        if w["x0"] >= hi:
            break
        if w["x0"] > pos:
            out.append((pos, w["x0"]))
        pos = max(pos, w["x1"])
    if pos < hi:
        out.append((pos, hi))
    return out


def _intersect(a: list[tuple[float, float]], b: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for a0, a1 in a:
        for b0, b1 in b:
            lo, hi = max(a0, b0), min(a1, b1)
            if hi - lo >= MIN_GUTTER:
                out.append((lo, hi))
    return out


@dataclass
class _Zone:
    start: int
    end: int  # inclusive row index
    gutter: tuple[float, float]


def _sides(row: _Row, gutter: tuple[float, float]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    mid = (gutter[0] + gutter[1]) / 2
    left = [w for w in row.words if w["x1"] <= mid]
    right = [w for w in row.words if w["x1"] > mid]
    return left, right


def _find_zones(rows: list[_Row], width: float, height: float) -> list[_Zone]:
    """Two-column regions: runs of rows sharing a gutter, with at least one
    row that has words on both sides, placed where a letter has them (top of
    a page, or holding `Nơi nhận` / a signature authority line)."""
    lo, hi = GUTTER_BAND[0] * width, GUTTER_BAND[1] * width

    def row_free(k: int) -> list[tuple[float, float]]:
        # A space stretched by justification (up to ~0.5 em) is no gutter:
        # it would narrow a footer's gutter onto the body's last full line.
        least = max(MIN_GUTTER, MIN_GUTTER_EM * rows[k].size)
        return [g for g in _intersect(_free(rows[k], lo, hi), [(lo, hi)]) if g[1] - g[0] >= least]

    zones: list[_Zone] = []
    i = 0
    while i < len(rows):
        free = row_free(i)
        if not free:
            i += 1
            continue
        j = i
        while j + 1 < len(rows):
            if _BODY_START.match(rows[j + 1].text):
                break  # `Kính gửi` / `Căn cứ` open the body: no header column runs on
            nxt = _intersect(free, row_free(j + 1))
            if not nxt:
                break
            free, j = nxt, j + 1
        gutter = max(free, key=lambda g: g[1] - g[0])
        zone = _trim_zone(rows, i, j, gutter)
        if zone is not None and _accept_zone(rows, zone, height):
            zones.append(zone)
            i = zone.end + 1
        else:
            i += 1
    return zones


def _trim_zone(rows: list[_Row], i: int, j: int, gutter: tuple[float, float]) -> _Zone | None:
    sides = [_sides(rows[k], gutter) for k in range(i, j + 1)]
    has_right = [bool(r) for _, r in sides]
    if not any(has_right):
        return None
    first = has_right.index(True)
    last = len(has_right) - 1 - has_right[::-1].index(True)
    # Rows before the first right-column row are the tail of a body paragraph
    # (short last line before the footer): they stay in the body. Unless the
    # footer's `Nơi nhận:` heading is among them: its column starts there,
    # above a signature block that begins lower down.
    start = i + first
    for k in range(i, i + first):
        if _NOI_NHAN.match(rows[k].text):
            start = k
            break
    # Left-only rows after the last right-column row belong to the zone while
    # they follow at the column's own line pitch (a long `V/v` subject); a
    # wider gap means the body has started (`Kính gửi:`).
    end = i + last
    steps = [rows[k + 1].top - rows[k].top for k in range(start, end) if rows[k + 1].top > rows[k].top]
    # Steps under a line's height are two baselines of one visual row split
    # apart (columns set in different sizes), not a line pitch.
    steps = [st for st in steps if st >= 0.8 * (rows[start].bottom - rows[start].top)] or steps
    pitch = statistics.median(steps) if steps else rows[end].bottom - rows[end].top
    own: float | None = None  # pitch of the left-only run itself
    for k in range(end + 1, j + 1):
        if _BODY_START.match(rows[k].text):
            break  # `Kính gửi` / `Căn cứ` open the body, never a header column
        step = rows[k].top - rows[k - 1].top
        height = rows[k].bottom - rows[k].top
        if step > 1.6 * max(pitch, height):
            break
        # Once the run has a pitch of its own (a subject wrapping at single
        # spacing), a step well beyond it is a paragraph gap.
        if own is not None and step > 1.4 * max(own, height):
            break
        own = step if own is None else min(own, step)
        end = k
    return _Zone(start, end, gutter)


def _accept_zone(rows: list[_Row], zone: _Zone, height: float) -> bool:
    two_sided = 0
    left_text: list[str] = []
    right_text: list[str] = []
    wide = False
    for k in range(zone.start, zone.end + 1):
        left, right = _sides(rows[k], _zone_gutter(zone))
        if left and right:
            two_sided += 1
            gap = right[0]["x0"] - max(w["x1"] for w in left)
            wide = wide or gap >= WIDE_GUTTER * max(rows[k].size, 1.0)
        if left:
            left_text.append(" ".join(w["text"] for w in left))
        if right:
            right_text.append(" ".join(w["text"] for w in right))
    if zone.end == zone.start:
        return False
    footer = any(_NOI_NHAN.match(t) for t in left_text) or any(_AUTHORITY.match(t) for t in right_text)
    # A justified body line with one wide space looks two-sided by itself:
    # real column blocks put at least two rows side by side. A block with
    # one such row still is one when the gap is far wider than any stretched
    # space and more column rows follow (a header whose date faces the
    # first `V/v` line; a footer whose signature is just a name).
    if two_sided < 2 and not (two_sided == 1 and wide and (footer or zone.end - zone.start >= 2)):
        return False
    if rows[zone.start].top < 0.3 * height:
        return True
    if footer:
        return True
    upper = [t for t in right_text if sum(c.isupper() for c in t) > 0.6 * sum(c.isalpha() for c in t) > 0]
    return len(upper) >= 1 and zone.end - zone.start >= 1


def _zone_gutter(zone: _Zone) -> tuple[float, float]:
    return zone.gutter


# --------------------------------------------------------------------------- running heads


def _drop_running(pages: list[_Page]) -> None:
    """Remove page numbers and lines repeated at the same edge of many pages."""
    laid = [p for p in pages if p.lines is None and p.rows]
    edge: Counter[str] = Counter()

    def key(row: _Row) -> str:
        return _DIGITS.sub("#", " ".join(row.text.split())).lower()

    for p in laid:
        seen = set()
        for row in _edge_rows(p):
            seen.add(key(row))
        edge.update(seen)
    repeated = {k for k, n in edge.items() if len(laid) >= 3 and n >= max(3, len(laid) // 2)}
    for p in laid:
        drop = set()
        for row in _edge_rows(p):
            at_top = row.bottom < EDGE_BAND * p.height
            numeric = bool(_PAGE_NUMBER.match(row.text))
            if key(row) in repeated or (numeric and (p.number > 1 or not at_top)):
                drop.add(id(row))
        if drop:
            p.rows = [r for r in p.rows if id(r) not in drop]


def _edge_rows(p: _Page) -> Iterable[_Row]:
    for row in p.rows[:2]:
        if row.bottom < EDGE_BAND * p.height:
            yield row
    for row in p.rows[-2:]:
        if row.top > (1 - EDGE_BAND) * p.height:
            yield row


# --------------------------------------------------------------------------- paragraphs


@dataclass
class _Margins:
    left: float
    right: float
    gap: float


def _margins(rows: list[_Row], width: float, fallback: _Margins | None) -> _Margins | None:
    wide = [r for r in rows if r.x1 - r.x0 > 0.5 * width]
    if len(wide) < 3:
        return fallback
    lefts = Counter(round(r.x0) for r in wide)
    left = float(lefts.most_common(1)[0][0])
    rights = sorted(r.x1 for r in wide)
    right = rights[int(0.9 * (len(rights) - 1))]
    gaps = [b.top - a.bottom for a, b in zip(rows, rows[1:]) if 0 <= b.top - a.bottom < 2 * a.size]
    gap = statistics.median(gaps) if gaps else 3.0
    return _Margins(left, right, gap)


def _continues(prev: _Row, cur: _Row, m: _Margins, same_page: bool) -> bool:
    """Does `cur` continue the paragraph whose last visual line is `prev`?"""
    text = cur.text
    if _ITEM_START.match(text):
        return False
    if abs(cur.size - prev.size) > 1.0:
        return False
    tol = max(6.0, 0.6 * cur.size)
    first = cur.words[0]
    space = 0.25 * cur.size
    if abs(cur.x0 - m.left) <= tol:
        right = m.right
    elif abs(cur.x0 - prev.x0) <= 2.0 and prev.x0 > m.left + tol or abs(cur.x0 - _hang(prev)) <= 2.0:
        # An indented block (a `Kính gửi` list, a hanging `- ...` item) wraps
        # at its own right edge, not the body's.
        right = max(prev.x1, cur.x1)
    else:
        return False
    # The first word of `cur` would have fitted at the end of `prev`: so
    # `prev` ended its paragraph (a short last line).
    if prev.x1 + space + (first["x1"] - first["x0"]) < right - 2.0:
        return False
    if same_page and cur.top - prev.bottom > m.gap + max(3.0, 0.35 * cur.size):
        return False
    return True


def _hang(row: _Row) -> float:
    """Where the text of a `- ...` / `a) ...` item starts (its hanging indent)."""
    if len(row.words) > 1 and _ITEM_START.match(row.words[0]["text"] + " "):
        return row.words[1]["x0"]
    return -1e9


def _join(a: str, b: str) -> str:
    if _HYPHEN_END.search(a):
        return a + b
    return a + " " + b


def _union(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


class _Builder:
    """Accumulates output Lines, joining paragraph continuations."""

    def __init__(self) -> None:
        self.lines: list[Line] = []
        self.open_row: _Row | None = None  # last body row of the open paragraph

    def close(self) -> None:
        self.open_row = None

    def add_line(self, text: str, page: int, bbox: tuple[float, float, float, float] | None,
                 where: str | None = None) -> None:
        self.close()
        if text.strip():
            self.lines.append(Line(text, page=page, bbox=bbox, where=where))

    def add_body(self, row: _Row, m: _Margins | None) -> None:
        prev = self.open_row
        if prev is not None and m is not None and _continues(prev, row, m, prev.page == row.page):
            last = self.lines[-1]
            # A paragraph running over a page break keeps its first page and
            # that page's box: a bbox cannot span pages.
            bbox = _union(last.bbox, row.bbox) if last.bbox and last.page == row.page else last.bbox
            self.lines[-1] = Line(_join(last.text, row.text), page=last.page, bbox=bbox, where=last.where or row.where)
        else:
            self.lines.append(Line(row.text, page=row.page, bbox=row.bbox, where=row.where))
        self.open_row = row


def _words_text(words: list[dict[str, Any]]) -> str:
    return " ".join(w["text"] for w in sorted(words, key=lambda w: w["x0"]))


def _where(words: list[dict[str, Any]]) -> str | None:
    # Provenance: a value read from this line may come from a signature stamp.
    return STAMP if any(w.get("stamp") for w in words) else None


def _words_bbox(words: list[dict[str, Any]]) -> tuple[float, float, float, float]:
    return (
        round(min(w["x0"] for w in words), 1), round(min(w["top"] for w in words), 1),
        round(max(w["x1"] for w in words), 1), round(max(w["bottom"] for w in words), 1),
    )


def _emit_zone(b: _Builder, rows: list[_Row], zone: _Zone, page: int) -> None:
    lefts: list[list[dict[str, Any]]] = []
    rights: list[list[dict[str, Any]]] = []
    for k in range(zone.start, zone.end + 1):
        left, right = _sides(rows[k], zone.gutter)
        if left:
            lefts.append(left)
        if right:
            rights.append(right)
    footer = any(_NOI_NHAN.match(_words_text(ws)) for ws in lefts)
    b.close()
    entry: tuple[str, tuple[float, float, float, float], str | None] | None = None
    for ws in lefts:
        text, bbox = _words_text(ws), _words_bbox(ws)
        # `Nơi nhận` entries wrap: a line that starts no new `- ...;` entry
        # continues the one before.
        if footer and entry is not None and not _ENTRY_START.match(text) and not _NOI_NHAN.match(text) \
                and not entry[0].rstrip().endswith((";", ".", ":")):
            entry = (_join(entry[0], text), _union(entry[1], bbox), entry[2] or _where(ws))
            continue
        # The `V/v` subject is one paragraph wrapped in a narrow column: one
        # Line, as the Word and text readers give it (a wrapped line such as
        # `ngày 19/4/2023 của ...` must not read as the body's first line).
        if not footer and entry is not None and _SUBJECT.match(entry[0]) and not _NOT_SUBJECT.match(text):
            entry = (_join(entry[0], text), _union(entry[1], bbox), entry[2] or _where(ws))
            continue
        if entry is not None:
            b.add_line(entry[0], page, entry[1], entry[2])
        entry = (text, bbox, _where(ws))
    if entry is not None:
        b.add_line(entry[0], page, entry[1], entry[2])
    for ws in rights:
        b.add_line(_words_text(ws), page, _words_bbox(ws), _where(ws))
    b.close()


def _layout(pages: list[_Page]) -> list[Line]:
    _drop_running(pages)
    b = _Builder()
    doc_margins: _Margins | None = None
    all_rows = [r for p in pages if p.lines is None for r in p.rows]
    if all_rows:
        width = max(p.width for p in pages)
        doc_margins = _margins(all_rows, width, None)
    for p in pages:
        if p.lines is not None:
            b.close()
            b.lines.extend(p.lines)
            continue
        if not p.rows:
            continue
        m = _margins(p.rows, p.width, doc_margins)
        zones = {z.start: z for z in _find_zones(p.rows, p.width, p.height)}
        k = 0
        while k < len(p.rows):
            z = zones.get(k)
            if z is not None:
                _emit_zone(b, p.rows, z, p.number)
                k = z.end + 1
                continue
            b.add_body(p.rows[k], m)
            k += 1
    return b.lines


# --------------------------------------------------------------------------- judging


def _page_text(words: list[dict[str, Any]]) -> str:
    return " ".join(w["text"] for w in words)


def _quality(text: str) -> tuple[float, float, int]:
    norm = normalize(text).text
    tokens = len(regex.findall(r"\p{L}+", norm))
    return syllable_share(norm), diacritic_share(norm), tokens


def _good(q: tuple[float, float, int]) -> bool:
    syl, dia, tokens = q
    if tokens < MIN_TOKENS_FOR_JUDGING:
        return syl >= 0.5 or tokens == 0
    return syl >= MIN_SYLLABLE_SHARE and dia >= MIN_DIACRITIC_SHARE


def _image_share(page: Any) -> float:
    area = float(page.width * page.height) or 1.0
    total = 0.0
    for im in page.images:
        x0, x1 = max(im["x0"], 0), min(im["x1"], page.width)
        top, bottom = max(im["top"], 0), min(im["bottom"], page.height)
        if x1 > x0 and bottom > top:
            total += (x1 - x0) * (bottom - top)
    return min(total / area, 1.0)


def _text_share(words: list[dict[str, Any]], page: Any) -> float:
    area = float(page.width * page.height) or 1.0
    return sum((w["x1"] - w["x0"]) * (w["bottom"] - w["top"]) for w in words) / area


def _load_ocr() -> Any | None:
    try:
        from congvan.parsers.readers import ocr  # noqa: PLC0415 - heavy, optional
    except ImportError:
        return None
    return ocr


def _ocr_page(page: Any, number: int, why: str, warnings: list[str]) -> tuple[list[Line], PageInfo] | None:
    ocr = _load_ocr()
    if ocr is None:
        warnings.append(f"page {number}: {why}; OCR is not available here, page text kept as it is")
        return None
    try:
        dpi = int(ocr.OCR_DPI)
        image = page.to_image(resolution=dpi).original
        lines, info = ocr.ocr_page(image, number, dpi / 72.0)
    except ReadError as exc:
        warnings.append(f"page {number}: {why}; OCR failed ({exc.kind}: {exc})")
        return None
    except Exception as exc:  # tesseract missing or crashing: keep going with a warning
        warnings.append(f"page {number}: {why}; OCR failed: {exc!r}"[:300])
        return None
    note = f"{why}; OCR" + (f" ({info.note})" if info.note else "")
    return list(lines), info.model_copy(update={"page": number, "note": note})


# Font names are not an extra attribute: a producer may set one word in two
# subsets of a font, and splitting there would cut words. The repairs read
# each character's font from the word's chars instead.
_WORD_OPTS: dict[str, Any] = dict(x_tolerance=1.5, y_tolerance=2.5, keep_blank_chars=False, use_text_flow=False,
                                  extra_attrs=["size"], return_chars=True)


def _extract_words(page: Any) -> list[dict[str, Any]]:
    words = page.extract_words(**_WORD_OPTS)
    for w in words:
        chars = w.get("chars")
        w["fontname"] = chars[0].get("fontname", "") if chars else ""
    return words


def _read_page(page: Any, number: int, warnings: list[str], glyphs: pdf_repair.GlyphMap) -> _Page:
    out = _Page(number, float(page.width), float(page.height))
    words = _extract_words(page)
    # Number and day stamped by a signature widget are not in the page's
    # words; they join the rows wherever the text layer is used (an OCR'd
    # page sees them in the rendered image).
    stamps = pdf_stamps.page_stamps(page)
    out.signer_boxes = stamps.signer_boxes

    def rows(ws: list[dict[str, Any]]) -> list[_Row]:
        ws = ws + stamps.words
        return _rows_from_words(ws, number) if ws else []

    text = _page_text(words)
    letters = sum(c.isalpha() for c in text)
    img = _image_share(page) if letters < 4000 else 0.0
    if letters < MIN_LETTERS and img < 0.3:
        # Nothing drawn but a few characters (a page number): a blank page.
        out.rows = rows(words)
        out.info = PageInfo(page=number, path="text", quality=None, note="blank page")
        return out
    scan = letters < MIN_LETTERS or (img >= SCAN_IMAGE_SHARE and _text_share(words, page) < SCAN_TEXT_SHARE)
    if scan:
        why = "no text layer (scanned page)" if letters < MIN_LETTERS else "scanned page: text covers a small part of a full-page image"
        got = _ocr_page(page, number, why, warnings)
        if got is not None:
            out.lines, out.info = got
            return out
        out.rows = rows(words)
        out.info = PageInfo(page=number, path="text", quality=_quality(text)[0] if words else 0.0, note=why + "; no OCR")
        return out

    q = _quality(text)
    if _good(q) and "(cid:" not in text:
        out.rows = rows(words)
        out.info = PageInfo(page=number, path="text", quality=round(q[0], 3), note=None)
        return out

    # Try each certain repair; keep the one that makes the page read best.
    best: tuple[tuple[float, float, int], list[dict[str, Any]], str] | None = None
    for name, fixed_words in pdf_repair.candidates(words, glyphs):
        fq = _quality(_page_text(fixed_words))
        if _good(fq) and (best is None or fq[0] > best[0][0]):
            best = (fq, fixed_words, name)
    if best is not None:
        out.rows = rows(best[1])
        out.info = PageInfo(page=number, path="repaired", quality=round(best[0][0], 3),
                            note=f"text layer repaired: {best[2]} (syllable share {q[0]:.2f} -> {best[0][0]:.2f})")
        return out

    reason = pdf_repair.diagnose(words, q)
    got = _ocr_page(page, number, reason, warnings)
    if got is not None:
        ocr_lines, info = got
        # A glyph map learned from this OCR may decode the layer itself, which
        # is exact where OCR guesses: prefer it when every glyph is known.
        if glyphs.learn(words, ocr_lines):
            fixed = glyphs.repair(words)
            fq = _quality(_page_text(fixed)) if fixed is not None else None
            if fixed is not None and fq is not None and _good(fq):
                out.rows = rows(fixed)
                out.info = PageInfo(page=number, path="repaired", quality=round(fq[0], 3), ocr_confidence=info.ocr_confidence,
                                    note=f"{reason}; glyphs learned from OCR of this page decode the whole layer")
                return out
        out.lines, out.info = ocr_lines, info
        return out
    out.rows = rows(words)
    out.info = PageInfo(page=number, path="text", quality=round(q[0], 3), note=f"{reason}; kept unrepaired")
    return out


# --------------------------------------------------------------------------- entry


def read_pdf(data: bytes, name: str = "<pdf>") -> ReadResult:
    """Read a PDF letter; raises `ReadError` (encrypted, corrupt, empty, too_large)."""
    pdf = _open(data)
    warnings: list[str] = []
    pages: list[_Page] = []
    try:
        declared = _declared_page_count(pdf)
        if declared is not None and declared > MAX_PAGES:
            raise ReadError("too_large", f"{declared} pages is over the {MAX_PAGES}-page limit for one letter")
        try:
            plumber_pages = pdf.pages
        except Exception as exc:  # broken page tree
            raise _as_read_error(exc) from exc
        if not plumber_pages:
            raise ReadError("corrupt", "the PDF has no pages (damaged or truncated page tree)")
        if len(plumber_pages) > MAX_PAGES:
            raise ReadError("too_large", f"{len(plumber_pages)} pages is over the {MAX_PAGES}-page limit for one letter")
        glyphs = pdf_repair.GlyphMap()
        for i, page in enumerate(plumber_pages, start=1):
            try:
                pages.append(_read_page(page, i, warnings, glyphs))
            except ReadError:
                raise
            except Exception as exc:
                err = _as_read_error(exc)
                if err.kind == "encrypted" or len(plumber_pages) == 1:
                    raise err from exc
                warnings.append(f"page {i}: unreadable ({exc!r})"[:300])
                pages.append(_Page(i, float(page.width), float(page.height), info=PageInfo(page=i, path="text", quality=0.0, note="unreadable page")))
            finally:
                # Bounded memory on long files: drop the page's parsed objects.
                page.close()
        metadata = _metadata(pdf)
        metadata.update(pdf_stamps.signer_metadata([box for p in pages for box in p.signer_boxes]))
    finally:
        pdf.close()
    lines = _layout(pages)
    if not any(l.text.strip() for l in lines):
        if all(p.info and p.info.note and "no OCR" in p.info.note for p in pages):
            raise ReadError("unreadable_scan", "the PDF is a scan with no text layer and OCR is not available")
        raise ReadError("empty", "the PDF has pages but no readable text")
    encoding = "tcvn3" if any(p.info and p.info.note and "TCVN3" in p.info.note for p in pages) else None
    return ReadResult(
        lines=tuple(lines), format="pdf", encoding=encoding,
        pages=tuple(p.info for p in pages if p.info is not None),
        warnings=tuple(warnings), metadata=metadata,
    )


def _as_read_error(exc: BaseException) -> ReadError:
    text = repr(exc)
    if "Password" in text or "Encrypt" in text:
        return ReadError("encrypted", "the PDF is encrypted with a password; it cannot be read without it")
    return ReadError("corrupt", f"the PDF cannot be parsed: {text}"[:300])


def _metadata(pdf: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    try:
        info = pdf.metadata or {}
    except Exception:  # metadata is a nicety; a broken Info dict must not fail the read
        return out
    for key in ("Title", "Author", "Creator", "Producer", "CreationDate", "ModDate"):
        value = info.get(key)
        if isinstance(value, bytes):
            value = value.decode("utf-8", "replace")
        if isinstance(value, str) and value.strip():
            out[key.lower()] = value.strip()
    return out
