"""OCR of one page image into lines that keep the letter's layout.

Flow: file -> reader (the PDF reader for pages with no usable text layer, the
image reader for PNG/JPEG/TIFF) -> **this module** -> text with layout ->
field parsers -> records.

Tesseract (`-l vie`) reads the words and their boxes; the layout is rebuilt
here, because tesseract's own page segmentation runs the two header columns
into one line (`ĐẠI HỌC QUỐC GIA TP.HCM CỘNG HÒA XÃ HỘI ...`). Words are
grouped into visual rows; a run of rows sharing a vertical gutter at the top
of the page (the header) or holding `Nơi nhận` / a signature authority (the
footer) is a two-column zone whose left column comes out whole before the
right one. Other rows are joined into one Line per paragraph.

Before OCR the page is turned to grayscale and straightened when the text
lines lean by a small angle (a projection profile over ±3°). Every Line's
bbox is in PDF points (pixels / scale) in the straightened image's frame,
which differs from the original by at most a few points at these angles.
"""
from __future__ import annotations

import os
import shutil
import statistics
from dataclasses import dataclass, field
from typing import Any

import regex
from PIL import Image, ImageOps

from congvan.models.records import PageInfo
from congvan.parsers.readers.base import Line, ReadError
from congvan.parsers.syllables import syllable_share

# Measured on corpus scans (benchmarks/bench_ocr.py): 200 dpi reads headers
# and handwritten-free text as well as 300 dpi at about half the time; 150 dpi
# starts to lose diacritics on small (11 pt) footer text.
OCR_DPI: int = 200
LANG = "vie"
OCR_TIMEOUT = 120  # seconds for one page; a clean page takes 2-5 s

INSTALL_ADVICE = "install Debian tesseract-ocr tesseract-ocr-vie"

# A page whose words are this few reads as empty (a blank back side, a photo).
MIN_WORDS = 3
# Mean word confidence (0..100 from tesseract) under which a Line is marked.
LOW_CONFIDENCE = 50.0
LOW_CONFIDENCE_WHERE = "ocr_low_confidence"

MAX_SKEW = 3.0  # degrees searched either way
MIN_SKEW = 0.25  # under this the text is straight enough; rotating only blurs

GUTTER_BAND = (0.2, 0.8)  # where a column gutter may sit, as page-width shares
MIN_GUTTER_EM = 0.9  # a gutter is at least this wide, in text heights
SEGMENT_GAP_EM = 1.0  # a gap this wide may be a column gutter: cut lines there
WIDE_GUTTER_EM = 2.5  # a gap this wide separates columns even on one row
HEADER_SHARE = 0.35  # a header zone starts in this top share of the page
EDGE_BAND = 0.08  # a lone page number lives in this top/bottom share

_ITEM_START = regex.compile(
    r"""^(?:
        \d{1,3}(?:\.\d{1,3})*[.)](?:\s|$)        # 1.  1.2.  3)
      | \d{1,2},\s+\p{Lu}                         # `1. Về` read as `1, Về`
      | [a-zđ]\)                                 # a)  đ)
      | [IVXLC]{1,6}[.)](?:\s|$)                 # II.
      | [-+•*–—](?:\s|$)                          # dash items
      | (?:Điều|Chương|Mục|Phần|Phụ\s+lục)\s+[\dIVXLC]+[a-z]?(?:[.:]|\s*$)
      | (?:Nơi\s+nhận|Kính\s+gửi|Căn\s+cứ)\b
    )""",
    regex.VERBOSE,
)
# OCR drops marks: `Noi nhan`, `Nơi nhân` must still open the footer column.
_NOI_NHAN = regex.compile(r"^\W{0,2}N[oơóòờớ][iíì]\s*nh[aậâạấ]n", regex.IGNORECASE)
_BODY_START = regex.compile(r"^\W{0,2}(?:K[íi]nh\s*g[ửưu]i|C[ăa]n\s*c[ứu])\b", regex.IGNORECASE)
_AUTHORITY = regex.compile(r"^\W{0,2}(?:KT|TM|TL|TUQ|Q)\s*[./]", regex.IGNORECASE)
_ENTRY_START = regex.compile(r"^\s*[-+•*–—]")
_SUBJECT = regex.compile(r"^\s*\(?\s*(?:V/v|V\.v|Về\s+việc)\b", regex.IGNORECASE)
_NOT_SUBJECT = regex.compile(r"^\s*(?:HỎA\s+TỐC|THƯỢNG\s+KHẨN|KHẨN|MẬT|TUYỆT\s+MẬT|TỐI\s+MẬT|Số\s*:)|^[\W_]+$")
_PAGE_NUMBER = regex.compile(r"^\s*[-–—]?\s*(?:Trang\s*)?\d{1,3}\s*[-–—]?\s*$", regex.IGNORECASE)
_LEADING_DUST = frozenset({".", ",", "'", "`", "..", ".,"})
_ALNUM = regex.compile(r"[\p{L}\d]")
_HYPHEN_END = regex.compile(r"[\p{L}\d][-‐]$")


# --------------------------------------------------------------------------- tesseract


def _tesseract() -> Any:
    """pytesseract, with tesseract and its Vietnamese data checked once."""
    global _CHECKED
    import pytesseract  # noqa: PLC0415 - only pages that need OCR pay for it

    if _CHECKED:
        return pytesseract
    # One OpenMP thread per tesseract process: 1.56 s a page instead of 3.3 s
    # on 2 cores (TOOLCHAIN.md). Tesseract reads it from its environment.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    if shutil.which(pytesseract.pytesseract.tesseract_cmd) is None:
        raise ReadError("unsupported", f"the tesseract OCR program is not installed; {INSTALL_ADVICE}")
    try:
        langs = pytesseract.get_languages(config="")
    except Exception as exc:  # a broken install answers with an error, not a list
        raise ReadError("unsupported", f"tesseract does not run ({exc}); {INSTALL_ADVICE}") from exc
    if LANG not in langs:
        raise ReadError("unsupported", f"tesseract has no Vietnamese ('{LANG}') language data; {INSTALL_ADVICE}")
    _CHECKED = True
    return pytesseract


_CHECKED = False


# --------------------------------------------------------------------------- image


def _prepare(image: Image.Image) -> tuple[Image.Image, float]:
    """Grayscale, straightened page and the angle it was turned by."""
    if image.mode in ("RGBA", "LA", "P"):
        # Transparent scans would turn black where alpha is 0.
        base = Image.new("RGBA", image.size, "white")
        base.alpha_composite(image.convert("RGBA"))
        image = base
    if image.mode in ("RGB", "RGBA", "CMYK", "YCbCr"):
        # The red channel: a red seal or red ink stamp over the signature
        # turns white and stops breaking the words under it, while black
        # print and blue handwriting stay dark (on corpus scans this read the
        # `Nơi nhận` lines a seal touched, which luma gray lost).
        gray = image.convert("RGB").getchannel("R")
    else:
        gray = image.convert("L")
    angle = _skew(gray)
    if abs(angle) >= MIN_SKEW:
        gray = gray.rotate(angle, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=255)
    return gray, angle


def _skew(gray: Image.Image) -> float:
    """Angle (degrees, counter-clockwise) that makes text rows horizontal.

    Projection profile: text rows straighten when the ink per scan line is
    most uneven (sharp peaks at lines, blank leading between them)."""
    w, h = gray.size
    factor = max(1, round(w / 700))
    small = gray.reduce(factor) if factor > 1 else gray
    # Dark ink white on black: rotation fills the corners with 0 (no ink).
    ink = ImageOps.invert(small).point(lambda v: 255 if v > 96 else 0)
    if not ink.getbbox():
        return 0.0

    def score(a: float) -> float:
        rot = ink.rotate(a, resample=Image.Resampling.NEAREST, expand=False, fillcolor=0)
        rows = rot.resize((1, rot.height), Image.Resampling.BOX).tobytes()
        return float(sum((b - c) ** 2 for b, c in zip(rows, rows[1:])))

    coarse = [x * 0.5 for x in range(int(-MAX_SKEW * 2), int(MAX_SKEW * 2) + 1)]
    best = max(coarse, key=score)
    fine = [best + x * 0.1 for x in range(-4, 5)]
    got = max(fine, key=score)
    # A flat profile (a photo, an empty page) gives no real preference.
    return round(got, 2) if score(got) > 1.02 * score(0.0) else 0.0


# --------------------------------------------------------------------------- words and rows


@dataclass
class _Row:
    words: list[dict[str, Any]]
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
        self.size = statistics.median(w["bottom"] - w["top"] for w in self.words)

    @property
    def text(self) -> str:
        return _words_text(self.words)


def _words(data: dict[str, list[Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for i, text in enumerate(data["text"]):
        text = (text or "").strip()
        conf = float(data["conf"][i])
        if not text or conf < 0:
            continue
        x0, top = float(data["left"][i]), float(data["top"][i])
        out.append({"text": text, "x0": x0, "top": top, "x1": x0 + float(data["width"][i]),
                    "bottom": top + float(data["height"][i]), "conf": conf,
                    "block": (data["block_num"][i], data["par_num"][i], data["line_num"][i])})
    return out


def _segments(words: list[dict[str, Any]], size: float) -> list[list[dict[str, Any]]]:
    """Tesseract's lines cut at every gap wider than a text height.

    Tesseract follows a slanted or curved line far better than any band of
    y coordinates, but it also runs a header's two columns into one line:
    its lines are kept, cut where a column gutter may be, and the pieces
    regrouped into visual rows by `_rows`."""
    lines: dict[tuple[int, int, int], list[dict[str, Any]]] = {}
    for w in words:
        lines.setdefault(w["block"], []).append(w)
    out: list[list[dict[str, Any]]] = []
    for ws in lines.values():
        ws.sort(key=lambda w: w["x0"])
        seg = [ws[0]]
        for w in ws[1:]:
            if w["x0"] - seg[-1]["x1"] > SEGMENT_GAP_EM * size:
                out.append(seg)
                seg = []
            seg.append(w)
        out.append(seg)
    return out


def _band(seg: list[dict[str, Any]]) -> tuple[float, float]:
    # Medians: a tone mark or a descender on one word must not widen the band.
    return statistics.median(w["top"] for w in seg), statistics.median(w["bottom"] for w in seg)


def _rows(words: list[dict[str, Any]], size: float) -> list[_Row]:
    """Group line pieces into visual rows by vertical overlap; a row keeps the
    band of the piece that opened it so it never creeps down a line."""
    bands: list[tuple[float, float]] = []
    groups: list[list[dict[str, Any]]] = []
    segs = [(seg, _band(seg)) for seg in _segments(words, size)]
    for seg, (top, bottom) in sorted(segs, key=lambda sb: ((sb[1][0] + sb[1][1]) / 2, sb[0][0]["x0"])):
        h = max(bottom - top, 1.0)
        best, best_ratio = -1, 0.0
        for k in range(max(0, len(bands) - 4), len(bands)):
            b_top, b_bottom = bands[k]
            overlap = min(b_bottom, bottom) - max(b_top, top)
            ratio = overlap / min(h, max(b_bottom - b_top, 1.0))
            if ratio > best_ratio:
                best, best_ratio = k, ratio
        if best >= 0 and best_ratio >= 0.5:
            groups[best].extend(seg)
        else:
            bands.append((top, bottom))
            groups.append(list(seg))
    rows = [_Row(g) for g in groups]
    rows.sort(key=lambda r: r.top)
    return rows


def _drop_specks(rows: list[_Row], size: float) -> list[_Row]:
    """Drop dust read as punctuation: a word with no letter or digit, far from
    any other word of its row (a speck in a gutter would close it)."""
    out: list[_Row] = []
    for row in rows:
        ws = row.words
        keep = []
        for i, w in enumerate(ws):
            if i == 0 and len(ws) > 1 and w["text"] in _LEADING_DUST:
                continue  # a speck read in front of a line (`. TRƯỜNG ĐẠI HỌC`)
            if not _ALNUM.search(w["text"]):
                left = w["x0"] - ws[i - 1]["x1"] if i > 0 else 1e9
                right = ws[i + 1]["x0"] - w["x1"] if i + 1 < len(ws) else 1e9
                if min(left, right) > 1.5 * size or (w["conf"] < 50 and len(ws) == 1):
                    continue
            keep.append(w)
        if keep:
            out.append(_Row(keep))
    return out


# --------------------------------------------------------------------------- zones


@dataclass
class _Zone:
    start: int
    end: int  # inclusive
    gutter: tuple[float, float]
    footer: bool = False


def _free(row: _Row, lo: float, hi: float) -> list[tuple[float, float]]:
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
    out = []
    for a0, a1 in a:
        for b0, b1 in b:
            lo, hi = max(a0, b0), min(a1, b1)
            if hi - lo >= least:
                out.append((lo, hi))
    return out


def _sides(row: _Row, gutter: tuple[float, float]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    mid = (gutter[0] + gutter[1]) / 2
    return [w for w in row.words if w["x1"] <= mid], [w for w in row.words if w["x1"] > mid]


def _find_zones(rows: list[_Row], width: float, height: float, size: float, first_page: bool) -> list[_Zone]:
    """Two-column regions: runs of rows that share a gutter no word crosses,
    accepted where a letter has them (the header at the top of the first
    page, the footer holding `Nơi nhận` or a signature authority)."""
    lo, hi = GUTTER_BAND[0] * width, GUTTER_BAND[1] * width
    least = MIN_GUTTER_EM * size
    free = [_intersect(_free(r, lo, hi), [(lo, hi)], least) for r in rows]
    zones: list[_Zone] = []
    i = 0
    while i < len(rows):
        cur = free[i]
        if not cur:
            i += 1
            continue
        j = i
        while j + 1 < len(rows) and not _BODY_START.match(rows[j + 1].text):
            nxt = _intersect(cur, free[j + 1], least)
            if not nxt:
                break
            cur, j = nxt, j + 1
        gutter = max(cur, key=lambda g: g[1] - g[0])
        zone = _trim(rows, i, j, gutter)
        if zone is not None and _accept(rows, zone, height, size, first_page):
            zones.append(zone)
            i = zone.end + 1
        else:
            i += 1
    return zones


def _trim(rows: list[_Row], i: int, j: int, gutter: tuple[float, float]) -> _Zone | None:
    has_right = [bool(_sides(rows[k], gutter)[1]) for k in range(i, j + 1)]
    if not any(has_right):
        return None
    first = has_right.index(True)
    last = len(has_right) - 1 - has_right[::-1].index(True)
    # Left-only rows above the first right-column row are a paragraph's short
    # last line, unless `Nơi nhận` is among them (its column may start above
    # a signature block set lower).
    start = i + first
    for k in range(i, i + first):
        if _NOI_NHAN.match(rows[k].text):
            start = k
            break
    end = i + last
    # Left-only rows after the last right-column row stay in the zone while
    # they follow at the column's line pitch (a wrapped `V/v` subject, the
    # tail of the `Nơi nhận` list); a wider step means the body goes on.
    steps = [rows[k + 1].top - rows[k].top for k in range(start, end) if rows[k + 1].top - rows[k].top > 0.8 * rows[k].size]
    pitch = statistics.median(steps) if steps else 1.5 * rows[end].size
    for k in range(end + 1, j + 1):
        if _BODY_START.match(rows[k].text):
            break
        if rows[k].top - rows[k - 1].top > 1.6 * max(pitch, rows[k].size):
            break
        end = k
    return _Zone(start, end, gutter)


def _accept(rows: list[_Row], zone: _Zone, height: float, size: float, first_page: bool) -> bool:
    two_sided, wide = 0, False
    lefts: list[str] = []
    rights: list[str] = []
    for k in range(zone.start, zone.end + 1):
        left, right = _sides(rows[k], zone.gutter)
        if left and right:
            two_sided += 1
            gap = right[0]["x0"] - max(w["x1"] for w in left)
            wide = wide or gap >= WIDE_GUTTER_EM * size
        if left:
            lefts.append(_words_text(left))
        if right:
            rights.append(_words_text(right))
    if zone.end == zone.start:
        return False
    footer = any(_NOI_NHAN.match(t) for t in lefts) or any(_AUTHORITY.match(t) for t in rights)
    zone.footer = footer
    # A signature block often starts above `Nơi nhận` and ends below it, so
    # no row of a footer need hold both columns.
    if footer and lefts and rights:
        return True
    # One wide space of a justified line is no column: real blocks put two
    # rows side by side, or one with a gap far wider than a stretched space.
    if two_sided < 2 and not (two_sided == 1 and wide and (footer or zone.end - zone.start >= 2)):
        return False
    if footer:
        return True
    return first_page and rows[zone.start].top < HEADER_SHARE * height


# --------------------------------------------------------------------------- lines


def _words_text(words: list[dict[str, Any]]) -> str:
    return " ".join(w["text"] for w in sorted(words, key=lambda w: w["x0"]))


def _join(a: str, b: str) -> str:
    return a + b if _HYPHEN_END.search(a) else a + " " + b


@dataclass
class _Out:
    """A Line being built, in pixels, with its words' confidences."""

    text: str
    box: tuple[float, float, float, float]
    confs: list[float] = field(default_factory=list)
    last: _Row | None = None  # last body row of an open paragraph
    rows: int = 1

    def add(self, text: str, words: list[dict[str, Any]]) -> None:
        self.text = _join(self.text, text)
        self.box = _union(self.box, _box(words))
        self.confs.extend(w["conf"] for w in words)


def _box(words: list[dict[str, Any]]) -> tuple[float, float, float, float]:
    return (min(w["x0"] for w in words), min(w["top"] for w in words),
            max(w["x1"] for w in words), max(w["bottom"] for w in words))


def _union(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


def _new(words: list[dict[str, Any]]) -> _Out:
    return _Out(_words_text(words), _box(words), [w["conf"] for w in words])


@dataclass
class _Margins:
    left: float
    right: float
    gap: float
    indent: float | None = None  # where first lines of paragraphs start


def _margins(rows: list[_Row], width: float, size: float) -> _Margins:
    wide = [r for r in rows if r.x1 - r.x0 > 0.5 * width]
    if not wide:
        wide = rows
    # OCR boxes jitter by a few pixels: bin the left edges by half a line.
    step = max(size / 2, 1.0)
    bins: dict[int, list[float]] = {}
    for r in wide:
        bins.setdefault(round(r.x0 / step), []).append(r.x0)
    # The leftmost edge that several wide rows share: numbered items with a
    # hanging indent may outnumber the lines at the true margin.
    common = [v for v in bins.values() if len(v) >= 2] or list(bins.values())
    left = min(min(v) for v in common)
    # Justified full lines end together: the right edge most wide rows share
    # (a table or a stamp reaching further must not move it).
    ends: dict[int, list[float]] = {}
    for r in wide:
        ends.setdefault(round(r.x1 / step), []).append(r.x1)
    right = statistics.median(max(ends.values(), key=lambda v: (len(v), v[0])))
    gaps = [b.top - a.bottom for a, b in zip(rows, rows[1:]) if 0 <= b.top - a.bottom < 2 * a.size]
    gap = statistics.median(gaps) if gaps else 0.5 * size
    indents: dict[int, list[float]] = {}
    for r in rows:
        if left + size < r.x0 < left + 5 * size:
            indents.setdefault(round(r.x0 / step), []).append(r.x0)
    common = [v for v in indents.values() if len(v) >= 2]
    indent = statistics.median(max(common, key=len)) if common else None
    return _Margins(left, right, gap, indent)


def _hang(row: _Row) -> float:
    """Where the text of a `- ...` / `1. ...` item starts (its hanging indent)."""
    if len(row.words) > 1 and _ITEM_START.match(row.words[0]["text"] + " "):
        return row.words[1]["x0"]
    return -1e9


def _continues(prev: _Row, cur: _Row, m: _Margins, first: bool) -> bool:
    """Does `cur` continue the paragraph whose last visual line is `prev`
    (`first`: the paragraph has no other line yet)?"""
    if _ITEM_START.match(cur.text):
        return False
    size = max(cur.size, prev.size)
    if abs(cur.size - prev.size) > 0.35 * size:
        return False
    tol = 0.8 * size
    if abs(cur.x0 - m.left) <= tol:
        right = m.right
    elif first and m.indent is not None and abs(cur.x0 - m.indent) <= tol and abs(prev.x0 - m.indent) <= tol \
            and abs(cur.x0 - _hang(prev)) > tol:
        # Two lines at the page's first-line indent: a one-line paragraph (a
        # heading such as `2. Về ...`) and the next paragraph's first line.
        return False
    elif (abs(cur.x0 - prev.x0) <= tol and prev.x0 > m.left + tol) or abs(cur.x0 - _hang(prev)) <= tol:
        # An indented block may wrap at its own right edge; a full-width line
        # under an indented one is a new first-line-indented paragraph.
        right = m.right if cur.x1 >= m.right - 2 * size else max(prev.x1, cur.x1)
    else:
        return False
    word = cur.words[0]
    # The next line's first word would have fitted: `prev` ended its paragraph.
    if prev.x1 + 0.3 * size + (word["x1"] - word["x0"]) < right - tol:
        return False
    return cur.top - prev.bottom <= m.gap + 0.6 * size


def _layout(rows: list[_Row], width: float, height: float, size: float, first_page: bool) -> list[_Out]:
    m = _margins(rows, width, size)
    zones = {z.start: z for z in _find_zones(rows, width, height, size, first_page)}
    out: list[_Out] = []
    open_para = False
    k = 0
    while k < len(rows):
        z = zones.get(k)
        if z is not None:
            out.extend(_zone_lines(rows, z))
            open_para = False
            k = z.end + 1
            continue
        row = rows[k]
        last = out[-1] if out and open_para else None
        if last is not None and last.last is not None and _continues(last.last, row, m, last.rows == 1):
            last.add(row.text, row.words)
            last.last = row
            last.rows += 1
        else:
            o = _new(row.words)
            o.last = row
            out.append(o)
            open_para = True
        k += 1
    return out


def _zone_lines(rows: list[_Row], z: _Zone) -> list[_Out]:
    lefts: list[list[dict[str, Any]]] = []
    rights: list[list[dict[str, Any]]] = []
    for k in range(z.start, z.end + 1):
        left, right = _sides(rows[k], z.gutter)
        if left:
            lefts.append(left)
        if right:
            rights.append(right)
    out: list[_Out] = []
    for ws in lefts:
        text = _words_text(ws)
        prev = out[-1] if out else None
        if prev is not None and z.footer and not _ENTRY_START.match(text) and not _NOI_NHAN.match(text) \
                and not _NOI_NHAN.match(prev.text) and not prev.text.rstrip().endswith((";", ".", ":")):
            prev.add(text, ws)  # a `Nơi nhận` entry wrapping onto a second line
            continue
        if prev is not None and not z.footer and _SUBJECT.match(prev.text) and not _NOT_SUBJECT.match(text):
            prev.add(text, ws)  # the `V/v` subject is one paragraph in a narrow column
            continue
        out.append(_new(ws))
    out.extend(_new(ws) for ws in rights)
    return out


def _drop_page_number(rows: list[_Row], height: float) -> list[_Row]:
    """A lone number at the top or bottom edge is the page number."""
    return [r for r in rows if not (_PAGE_NUMBER.match(r.text)
                                    and (r.bottom < EDGE_BAND * height or r.top > (1 - EDGE_BAND) * height))]


# --------------------------------------------------------------------------- entry


def ocr_words(image: Image.Image) -> tuple[list[dict[str, Any]], float, Image.Image]:
    """Tesseract's words (pixel boxes of the straightened image, conf 0..100),
    the skew angle corrected and the image OCR ran on."""
    tess = _tesseract()
    gray, angle = _prepare(image)
    try:
        data = tess.image_to_data(gray, lang=LANG, output_type=tess.Output.DICT, timeout=OCR_TIMEOUT)
    except tess.TesseractNotFoundError as exc:
        raise ReadError("unsupported", f"the tesseract OCR program is not installed; {INSTALL_ADVICE}") from exc
    except tess.TesseractError as exc:
        msg = str(exc)
        if "vie" in msg and ("traineddata" in msg or "language" in msg.lower()):
            raise ReadError("unsupported", f"tesseract has no Vietnamese language data; {INSTALL_ADVICE}") from exc
        raise ReadError("unreadable_scan", f"tesseract failed on the page: {msg}"[:300]) from exc
    except RuntimeError as exc:  # pytesseract's way of saying the timeout passed
        raise ReadError("timeout", f"OCR of one page took over {OCR_TIMEOUT} s: {exc}") from exc
    return _words(data), angle, gray


def ocr_page(image: Image.Image, page_no: int, scale: float) -> tuple[list[Line], PageInfo]:
    """OCR one page image into Lines in reading order (bbox in PDF points:
    pixels / `scale`, scale = dpi / 72) and a PageInfo whose `ocr_confidence`
    is the mean word confidence on a 0..1 scale and `quality` the syllable
    share of the text. Lines whose words average under 50 % confidence get
    `where="ocr_low_confidence"`. Raises `ReadError("unsupported")` when
    tesseract or its Vietnamese data is missing."""
    words, angle, gray = ocr_words(image)
    width, height = gray.size
    notes: list[str] = []
    if abs(angle) >= MIN_SKEW:
        notes.append(f"deskewed {angle:+.2f}°")
    if len(words) < MIN_WORDS:
        notes.append("no text found")
        return [], PageInfo(page=page_no, path="ocr", quality=0.0, ocr_confidence=0.0, note="; ".join(notes))
    size = statistics.median(w["bottom"] - w["top"] for w in words)
    rows = _drop_page_number(_drop_specks(_rows(words, size), size), height)
    outs = _layout(rows, width, height, size, first_page=page_no == 1) if rows else []
    lines: list[Line] = []
    for o in outs:
        conf = statistics.fmean(o.confs) if o.confs else 0.0
        bbox = tuple(round(v / scale, 1) for v in o.box)
        lines.append(Line(o.text, page=page_no, bbox=bbox,  # type: ignore[arg-type]
                          where=LOW_CONFIDENCE_WHERE if conf < LOW_CONFIDENCE else None))
    confs = [w["conf"] for r in rows for w in r.words]
    mean = statistics.fmean(confs) / 100.0 if confs else 0.0
    low = sum(1 for ln in lines if ln.where == LOW_CONFIDENCE_WHERE)
    if low:
        notes.append(f"{low} low-confidence lines")
    text = "\n".join(ln.text for ln in lines)
    info = PageInfo(page=page_no, path="ocr", quality=round(syllable_share(text), 3),
                    ocr_confidence=round(mean, 3), note="; ".join(notes) or None)
    return lines, info
