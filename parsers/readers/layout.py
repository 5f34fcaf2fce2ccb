"""Layout of positioned words: the engine both page readers share.

Flow: file -> reader (`pdf.py`: pdfplumber's words of a text layer;
`ocr.py`: tesseract's word boxes of a page image) -> **this module** ->
Lines in reading order -> field parsers -> records.

A word is a dict with `text`, `x0`, `x1`, `top`, `bottom` (as pdfplumber
gives them; readers may add `size`, `stamp`, `conf`). Everything here is a
pure function of such words, in whatever unit the reader uses (PDF points,
pixels): words -> visual `Row`s; two-column zones (the header at the top of a
letter, the footer with `Nơi nhận` and the signature) found by a vertical
gutter no word crosses, their left column emitted whole before the right
one; body rows joined into one `Block` per paragraph; page numbers at the
page edge dropped.

What differs between a text layer and OCR is measured, not structural: OCR
boxes jitter by a few pixels, so tolerances are given per source in a
`Profile` as `Tol(absolute, per em of text height)`.
"""
from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import regex

from congvan.parsers.landmarks import DELEGATION_START, NOI_NHAN_OCR

Word = dict[str, Any]
Box = tuple[float, float, float, float]

# --------------------------------------------------------------------------- patterns

# Lines that open a paragraph of their own: numbered and lettered items, dash
# items, articles and chapters, and the letter's fixed headings.
_ITEM = r"""
        \d{1,3}(?:\.\d{1,3})*[.)](?:\s|$)        # 1.  1.2.  3)
      | [a-zđ]\)                                 # a)  đ)
      | [IVXLC]{1,6}[.)](?:\s|$)                 # II.
      | [-+•*–—](?:\s|$)                          # dash items
      | (?:Điều|Chương|Mục|Phần|Phụ\s+lục)\s+[\dIVXLC]+[a-z]?(?:[.:]|\s*$)
      | (?:Nơi\s+nhận|Kính\s+gửi|Căn\s+cứ)\b
"""
ITEM_START = regex.compile(rf"^(?:{_ITEM})", regex.VERBOSE)
# OCR reads `1. Về` as `1, Về`; in a text layer a line may well start `14, Điều`
# (a list of article numbers wrapping), so only OCR takes this reading.
OCR_ITEM_START = regex.compile(rf"^(?:{_ITEM} | \d{{1,2}},\s+\p{{Lu}})", regex.VERBOSE)
# Marks may be lost (OCR `Noi nhan`, `Kinh gui`) and a speck may stand in
# front; a text layer has them right, so the tolerant forms cost it nothing.
NOI_NHAN = NOI_NHAN_OCR
BODY_START = regex.compile(r"^\W{0,2}(?:K[íi]nh\s*g[ửưu]i|C[ăa]n\s*c[ứu])\b", regex.IGNORECASE)
AUTHORITY = DELEGATION_START
ENTRY_START = regex.compile(r"^\s*[-+•*–—]")
SUBJECT = regex.compile(r"^\s*\(?\s*(?:V/v|V\.v|Về\s+việc)\b", regex.IGNORECASE)
# What may stand under the subject in the left header column and is not
# part of it: urgency and secrecy marks, the number, a rule line.
NOT_SUBJECT = regex.compile(r"^\s*(?:HỎA\s+TỐC|THƯỢNG\s+KHẨN|KHẨN|MẬT|TUYỆT\s+MẬT|TỐI\s+MẬT|Số\s*:)|^[\W_]+$")
PAGE_NUMBER = regex.compile(
    r"^\s*(?:[-–—]\s*)?(?:(?:Trang|Page)\s*)?\d{1,4}(?:\s*(?:/|của|of|trên)\s*\d{1,4})?(?:\s*[-–—])?\s*$",
    regex.IGNORECASE,
)
_HYPHEN_END = regex.compile(r"[\p{L}\d][-‐]$")


# --------------------------------------------------------------------------- profile


@dataclass(frozen=True)
class Tol:
    """A length: at least `absolute`, and `em` times the text height."""

    absolute: float = 0.0
    em: float = 0.0

    def of(self, size: float) -> float:
        return max(self.absolute, self.em * size)


@dataclass(frozen=True)
class Profile:
    """What one source of word boxes needs measured differently."""

    min_height: float  # floor for a word's height when comparing bands
    gutter: Tol  # narrowest column gutter (per row's text height)
    wide_gutter_em: float  # a gap this wide separates columns even on one row
    header_share: float  # a header zone starts in this top share of the page
    header_any_page: bool  # annexes of a born-digital file carry headers of their own
    edge_band: float  # a page number lives in this top/bottom share
    item_start: regex.Pattern[str] = ITEM_START
    size_jump: Tol = Tol()  # a text-height change this big ends a paragraph
    margin_tol: Tol = Tol()  # a row starts at the left margin within this
    indent_tol: Tol = Tol()  # two rows share an indent within this
    space_em: float = 0.25  # a space, in ems
    fit_slack: Tol = Tol()  # a first word must miss the right edge by this to fit
    gap_slack: Tol = Tol()  # extra leading over the page's usual that still continues
    default_gap: Tol = Tol()  # the usual leading when no two rows tell it


# --------------------------------------------------------------------------- rows


@dataclass
class Row:
    """One visual line of words (possibly two columns' worth), sorted by x0."""

    words: list[Word]
    page: int = 0
    x0: float = 0.0
    top: float = 0.0
    x1: float = 0.0
    bottom: float = 0.0
    size: float = 0.0

    def __post_init__(self) -> None:
        self.words.sort(key=lambda w: w["x0"])
        self.x0 = min(w["x0"] for w in self.words)
        self.x1 = max(w["x1"] for w in self.words)
        self.top = min(w["top"] for w in self.words)
        self.bottom = max(w["bottom"] for w in self.words)
        # A text layer states the font size; a box's height stands for it.
        self.size = statistics.median(w.get("size", w["bottom"] - w["top"]) for w in self.words)

    @property
    def text(self) -> str:
        return " ".join(w["text"] for w in self.words)


def words_text(words: Iterable[Word]) -> str:
    return " ".join(w["text"] for w in sorted(words, key=lambda w: w["x0"]))


def words_box(words: Iterable[Word]) -> Box:
    ws = list(words)
    return (min(w["x0"] for w in ws), min(w["top"] for w in ws), max(w["x1"] for w in ws), max(w["bottom"] for w in ws))


def union(a: Box, b: Box) -> Box:
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


def join_text(a: str, b: str) -> str:
    """Join a wrapped line to the next; a word hyphenated at the break closes up."""
    return a + b if _HYPHEN_END.search(a) else a + " " + b


def rows_from_pieces(pieces: Sequence[tuple[list[Word], tuple[float, float]]], page: int, min_height: float,
                     by_middle: bool = False) -> list[Row]:
    """Group pieces (a word, or a run of words known to share a line) with
    their vertical band into visual rows: a piece joins the row whose band it
    overlaps by half its height. Each row keeps the band of the piece that
    opened it, so a row never creeps down a line when the two columns use
    different sizes, while header columns whose baselines differ by a point
    or two still share one row (the gutter splits them later).

    Pieces are taken top down, by their band's top, or with `by_middle` by
    its middle: OCR boxes of specks and tall capitals vary in height, and a
    tall one taken first would claim the smaller line under it (on corpus
    scans 016, 051, 054, 055); a text layer's boxes are a font's full
    height, and ordering by middle there regroups seal debris (059)."""
    bands: list[tuple[float, float]] = []
    groups: list[list[Word]] = []
    def key(p: tuple[list[Word], tuple[float, float]]) -> tuple[float, float]:
        return ((p[1][0] + p[1][1]) / 2 if by_middle else p[1][0], p[0][0]["x0"])

    for ws, (top, bottom) in sorted(pieces, key=key):
        h = max(bottom - top, min_height)
        best, best_ratio = -1, 0.0
        for k in range(max(0, len(bands) - 4), len(bands)):
            b_top, b_bottom = bands[k]
            overlap = min(b_bottom, bottom) - max(b_top, top)
            ratio = overlap / min(h, max(b_bottom - b_top, min_height))
            if ratio > best_ratio:
                best, best_ratio = k, ratio
        if best >= 0 and best_ratio >= 0.5:
            groups[best].extend(ws)
        else:
            bands.append((top, bottom))
            groups.append(list(ws))
    rows = [Row(g, page) for g in groups]
    rows.sort(key=lambda r: r.top)
    return rows


def rows_from_words(words: Iterable[Word], page: int, min_height: float) -> list[Row]:
    """Visual rows of single words (a text layer's words)."""
    return rows_from_pieces([([w], (w["top"], w["bottom"])) for w in words], page, min_height)


# --------------------------------------------------------------------------- columns


@dataclass
class Zone:
    """Rows `start`..`end` (inclusive) set in two columns split at `gutter`."""

    start: int
    end: int
    gutter: tuple[float, float]
    footer: bool = False


def _free(row: Row, lo: float, hi: float) -> list[tuple[float, float]]:
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


def _intersect(a: list[tuple[float, float]], b: list[tuple[float, float]], least: float) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for a0, a1 in a:
        for b0, b1 in b:
            lo, hi = max(a0, b0), min(a1, b1)
            if hi - lo >= least:
                out.append((lo, hi))
    return out


def sides(row: Row, gutter: tuple[float, float]) -> tuple[list[Word], list[Word]]:
    """A row's words left and right of a gutter."""
    mid = (gutter[0] + gutter[1]) / 2
    return [w for w in row.words if w["x1"] <= mid], [w for w in row.words if w["x1"] > mid]


GUTTER_BAND = (0.2, 0.8)  # where a column gutter may sit, as page-width shares


def find_zones(rows: list[Row], width: float, height: float, prof: Profile, first_page: bool = True) -> list[Zone]:
    """Two-column regions: runs of rows sharing a gutter no word crosses, with
    rows on both sides, accepted where a letter has them (the header at the
    top of a page, the footer holding `Nơi nhận` or a signature authority)."""
    lo, hi = GUTTER_BAND[0] * width, GUTTER_BAND[1] * width
    least = prof.gutter.absolute
    # A space stretched by justification is no gutter: it would narrow a
    # footer's gutter onto the body's last full line.
    free = [[g for g in _intersect(_free(r, lo, hi), [(lo, hi)], least) if g[1] - g[0] >= prof.gutter.of(r.size)]
            for r in rows]
    zones: list[Zone] = []
    i = 0
    while i < len(rows):
        cur = free[i]
        if not cur:
            i += 1
            continue
        j = i
        # `Kính gửi` / `Căn cứ` open the body: no header column runs on.
        while j + 1 < len(rows) and not BODY_START.match(rows[j + 1].text):
            nxt = _intersect(cur, free[j + 1], least)
            if not nxt:
                break
            cur, j = nxt, j + 1
        gutter = max(cur, key=lambda g: g[1] - g[0])
        zone = _trim(rows, i, j, gutter)
        if zone is not None and _accept(rows, zone, height, prof, first_page):
            zones.append(zone)
            i = zone.end + 1
        else:
            i += 1
    return zones


def _trim(rows: list[Row], i: int, j: int, gutter: tuple[float, float]) -> Zone | None:
    has_right = [bool(sides(rows[k], gutter)[1]) for k in range(i, j + 1)]
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
        if NOI_NHAN.match(rows[k].text):
            start = k
            break
    # Left-only rows after the last right-column row belong to the zone while
    # they follow at the column's own line pitch (a long `V/v` subject, the
    # tail of the `Nơi nhận` list); a wider gap means the body has started.
    end = i + last
    steps = [rows[k + 1].top - rows[k].top for k in range(start, end) if rows[k + 1].top > rows[k].top]
    # Steps under a line's height are two baselines of one visual row split
    # apart (columns set in different sizes), not a line pitch.
    steps = [st for st in steps if st >= 0.8 * (rows[start].bottom - rows[start].top)] or steps
    pitch = statistics.median(steps) if steps else rows[end].bottom - rows[end].top
    own: list[float] = []  # steps of the left-only run itself
    for k in range(end + 1, j + 1):
        if BODY_START.match(rows[k].text):
            break
        step = rows[k].top - rows[k - 1].top
        h = rows[k].bottom - rows[k].top
        if step > 1.6 * max(pitch, h):
            break
        # Once the run has a pitch of its own (a subject wrapping at single
        # spacing), a step well beyond it is a paragraph gap. Its median, not
        # its least step: OCR row tops jitter by a third of a line (051).
        if own and step > 1.4 * max(statistics.median(own), h):
            break
        own.append(step)
        end = k
    return Zone(start, end, gutter)


def _accept(rows: list[Row], zone: Zone, height: float, prof: Profile, first_page: bool) -> bool:
    two_sided, wide = 0, False
    lefts: list[str] = []
    rights: list[str] = []
    for k in range(zone.start, zone.end + 1):
        left, right = sides(rows[k], zone.gutter)
        if left and right:
            two_sided += 1
            gap = right[0]["x0"] - max(w["x1"] for w in left)
            wide = wide or gap >= prof.wide_gutter_em * max(rows[k].size, prof.min_height)
        if left:
            lefts.append(words_text(left))
        if right:
            rights.append(words_text(right))
    if zone.end == zone.start:
        return False
    footer = any(NOI_NHAN.match(t) for t in lefts) or any(AUTHORITY.match(t) for t in rights)
    zone.footer = footer
    # A signature block often starts above `Nơi nhận` and ends below it, so
    # no row of a footer need hold both columns.
    if footer and lefts and rights:
        return True
    # A justified body line with one wide space looks two-sided by itself:
    # real column blocks put at least two rows side by side. A block with
    # one such row still is one when the gap is far wider than any stretched
    # space and more column rows follow (a header whose date faces the
    # first `V/v` line; a footer whose signature is just a name).
    if two_sided < 2 and not (two_sided == 1 and wide and (footer or zone.end - zone.start >= 2)):
        return False
    if (first_page or prof.header_any_page) and rows[zone.start].top < prof.header_share * height:
        return True
    if footer:
        return True
    if not prof.header_any_page:
        return False
    # Lower on a page, a block whose right column is in capitals is an
    # annex's or an enclosed form's header.
    upper = [t for t in rights if sum(c.isupper() for c in t) > 0.6 * sum(c.isalpha() for c in t) > 0]
    return len(upper) >= 1 and zone.end - zone.start >= 1


# --------------------------------------------------------------------------- page numbers


def at_edge(row: Row, height: float, band: float) -> bool:
    return row.bottom < band * height or row.top > (1 - band) * height


def is_page_number(row: Row, height: float, page: int, band: float) -> bool:
    """A lone number at the top or bottom edge of a page; one at the top of
    the first page may be a form's code and stays."""
    if not PAGE_NUMBER.match(row.text) or not at_edge(row, height, band):
        return False
    return page > 1 or row.top > (1 - band) * height


def drop_page_numbers(rows: list[Row], height: float, page: int, band: float) -> list[Row]:
    return [r for r in rows if not is_page_number(r, height, page, band)]


# --------------------------------------------------------------------------- paragraphs


@dataclass
class Margins:
    left: float
    right: float
    gap: float  # usual leading between rows of a paragraph
    indent: float | None = None  # where first lines of paragraphs start


def margins(rows: list[Row], width: float, size: float, prof: Profile, least_wide: int = 1) -> Margins | None:
    """The body's margins from its wide rows (None with fewer than
    `least_wide`). Give body rows only: a header line or a table cell is no
    margin."""
    wide = [r for r in rows if r.x1 - r.x0 > 0.5 * width]
    if len(wide) < least_wide:
        return None
    wide = wide or rows
    if not wide:
        return None
    # Boxes jitter (OCR by a few pixels): bin the edges by half a line.
    step = max(size / 2, prof.min_height)
    bins: dict[int, list[float]] = {}
    for r in wide:
        bins.setdefault(round(r.x0 / step), []).append(r.x0)
    # The leftmost edge that a wide row shares with another row: numbered
    # items with a hanging indent may outnumber the lines at the true margin,
    # and on a short page the margin may hold one full line and the short
    # last line of its paragraph (017: bullets at the indent wrap in four
    # full rows, the one paragraph at the margin in two).
    shared: dict[int, int] = {}
    for r in rows:
        shared[round(r.x0 / step)] = shared.get(round(r.x0 / step), 0) + 1
    common = [v for b, v in bins.items() if shared[b] >= 2] or list(bins.values())
    left = min(min(v) for v in common)
    # Justified full lines end together: the right edge most wide rows share
    # (a table or a stamp reaching further must not move it).
    ends: dict[int, list[float]] = {}
    for r in wide:
        ends.setdefault(round(r.x1 / step), []).append(r.x1)
    # (named first: inside `median`, mypy would type the rows as any iterable)
    shared_end: list[float] = max(ends.values(), key=lambda v: (len(v), v[0]))
    right = statistics.median(shared_end)
    gaps = [b.top - a.bottom for a, b in zip(rows, rows[1:]) if 0 <= b.top - a.bottom < 2 * a.size]
    gap = statistics.median(gaps) if gaps else prof.default_gap.of(size)
    indents: dict[int, list[float]] = {}
    for r in rows:
        if left + size < r.x0 < left + 5 * size:
            indents.setdefault(round(r.x0 / step), []).append(r.x0)
    firsts = [v for v in indents.values() if len(v) >= 2]
    indent = None
    if firsts:
        commonest: list[float] = max(firsts, key=len)
        indent = statistics.median(commonest)
    return Margins(left, right, gap, indent)


def _hang(row: Row, prof: Profile) -> float:
    """Where the text of a `- ...` / `1. ...` item starts (its hanging indent)."""
    if len(row.words) > 1 and prof.item_start.match(row.words[0]["text"] + " "):
        return row.words[1]["x0"]
    return -1e9


def continues(prev: Row, cur: Row, m: Margins, prof: Profile, first: bool, same_page: bool = True) -> bool:
    """Does `cur` continue the paragraph whose last visual line is `prev`
    (`first`: the paragraph has no other line yet)?"""
    if prof.item_start.match(cur.text):
        return False
    size = max(cur.size, prev.size)
    if abs(cur.size - prev.size) > prof.size_jump.of(size):
        return False
    tol = prof.margin_tol.of(cur.size)
    near = prof.indent_tol.of(cur.size)
    if abs(cur.x0 - m.left) <= tol:
        right = m.right
    elif first and m.indent is not None and abs(cur.x0 - m.indent) <= near and abs(prev.x0 - m.indent) <= near \
            and abs(cur.x0 - _hang(prev, prof)) > near:
        # Two lines at the page's first-line indent: a one-line paragraph (a
        # heading such as `2. Về ...`) and the next paragraph's first line.
        return False
    elif (abs(cur.x0 - prev.x0) <= near and prev.x0 > m.left + tol) or abs(cur.x0 - _hang(prev, prof)) <= near:
        # An indented block (a `Kính gửi` list, a hanging `- ...` item) may
        # wrap at its own right edge; a full-width line under an indented one
        # wraps at the body's.
        right = m.right if cur.x1 >= m.right - 2 * cur.size else max(prev.x1, cur.x1)
    else:
        return False
    word = cur.words[0]
    # The first word of `cur` would have fitted at the end of `prev`: so
    # `prev` ended its paragraph (a short last line).
    if prev.x1 + prof.space_em * cur.size + (word["x1"] - word["x0"]) < right - prof.fit_slack.of(cur.size):
        return False
    # A paragraph running over a page break has no gap to judge.
    return not same_page or cur.top - prev.bottom <= m.gap + prof.gap_slack.of(cur.size)


@dataclass
class Block:
    """One output line: a paragraph, a column entry, or a header line, with
    every word it holds (for provenance and confidence) and its box."""

    text: str
    page: int
    words: list[Word]
    box: Box
    last: Row | None = None  # last body row, while the paragraph is open
    rows: int = 1

    def add(self, text: str, words: list[Word]) -> None:
        self.text = join_text(self.text, text)
        self.words.extend(words)
        self.rows += 1


def _capitals(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and sum(c.isupper() for c in letters) >= 0.9 * len(letters)


def _block(words: list[Word], page: int) -> Block:
    return Block(words_text(words), page, list(words), words_box(words))


class Paragraphs:
    """Accumulates Blocks in reading order, joining paragraph continuations
    (over a page break too, when the reader feeds several pages)."""

    def __init__(self, prof: Profile) -> None:
        self.prof = prof
        self.out: list[Any] = []  # Blocks, and whatever finished lines a reader puts between them
        self.open: Block | None = None

    def close(self) -> None:
        self.open = None

    def extend(self, finished: Iterable[Any]) -> None:
        """Lines laid out elsewhere (an OCR'd page of a PDF)."""
        self.close()
        self.out.extend(finished)

    def body(self, row: Row, m: Margins | None) -> None:
        last = self.open
        if last is not None and last.last is not None and m is not None \
                and continues(last.last, row, m, self.prof, last.rows == 1, last.last.page == row.page):
            last.add(row.text, row.words)
            # A bbox cannot span pages: a paragraph over a page break keeps
            # its first page's box.
            if last.page == row.page:
                last.box = union(last.box, words_box(row.words))
            last.last = row
            return
        block = _block(row.words, row.page)
        block.last = row
        self.out.append(block)
        self.open = block

    def zone(self, rows: list[Row], z: Zone) -> None:
        """The left column whole, then the right: `Nơi nhận` entries wrapping
        onto a second line and the `V/v` subject wrapped in its narrow column
        come out as one Block each, as the Word and text readers give them."""
        self.close()
        lefts: list[list[Word]] = []
        rights: list[list[Word]] = []
        for k in range(z.start, z.end + 1):
            left, right = sides(rows[k], z.gutter)
            if left:
                lefts.append(left)
            if right:
                rights.append(right)
        page = rows[z.start].page
        # A left column holding `Nơi nhận` or its dash entries is a list whose
        # entries wrap; a signature block set on the left (a joint letter's
        # second signer) is not: its title lines stay apart.
        texts = [words_text(ws) for ws in lefts]
        # (Without the heading, which OCR may lose, two `- ...;` entries tell
        # a list; a lone `*` of seal debris does not.)
        listing = z.footer and (any(NOI_NHAN.match(t) for t in texts)
                                or sum(bool(ENTRY_START.match(t)) and t.rstrip().endswith(";") for t in texts) >= 2)
        entry: Block | None = None
        for ws, text in zip(lefts, texts):
            if entry is not None and listing and not ENTRY_START.match(text) and not NOI_NHAN.match(text) \
                    and not NOI_NHAN.match(entry.text) and not entry.text.rstrip().endswith((";", ".", ":")):
                entry.add(text, ws)
                entry.box = union(entry.box, words_box(ws))
                continue
            # A wrapped subject line such as `ngày 19/4/2023 của ...` must not
            # read as the body's first line.
            if entry is not None and not listing and SUBJECT.match(entry.text) and not NOT_SUBJECT.match(text):
                entry.add(text, ws)
                entry.box = union(entry.box, words_box(ws))
                continue
            entry = _block(ws, page)
            self.out.append(entry)
        # In a header's right column the national name may wrap in a narrow
        # column (`CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT` / `NAM`): a capitals row
        # under a capitals row is its tail, not a line of its own (left
        # alone, the header parser takes `NAM` for the subject's end).
        prev: Block | None = None
        for ws in rights:
            text = words_text(ws)
            if prev is not None and not z.footer and _capitals(prev.text) and _capitals(text):
                prev.add(text, ws)
                prev.box = union(prev.box, words_box(ws))
                continue
            prev = _block(ws, page)
            self.out.append(prev)

    def page(self, rows: list[Row], zones: list[Zone], m: Margins | None) -> None:
        """One page's rows: zones as columns, the rest as paragraphs."""
        starts = {z.start: z for z in zones}
        k = 0
        while k < len(rows):
            z = starts.get(k)
            if z is not None:
                self.zone(rows, z)
                k = z.end + 1
                continue
            self.body(rows[k], m)
            k += 1


def body_rows(rows: list[Row], zones: list[Zone]) -> list[Row]:
    """Rows outside the two-column zones."""
    inside = {k for z in zones for k in range(z.start, z.end + 1)}
    return [r for k, r in enumerate(rows) if k not in inside]


def median_size(rows: Iterable[Row]) -> float:
    sizes = [r.size for r in rows]
    return statistics.median(sizes) if sizes else 0.0


__all__ = [
    "AUTHORITY", "BODY_START", "Block", "Box", "ENTRY_START", "ITEM_START", "Margins", "NOI_NHAN", "NOT_SUBJECT",
    "OCR_ITEM_START", "PAGE_NUMBER", "Paragraphs", "Profile", "Row", "SUBJECT", "Tol", "Word", "Zone", "at_edge",
    "body_rows", "continues", "drop_page_numbers", "find_zones", "is_page_number", "join_text", "margins",
    "median_size", "rows_from_pieces", "rows_from_words", "sides", "union", "words_box", "words_text",
]
