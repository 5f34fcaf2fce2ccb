"""OCR of one page image into lines that keep the letter's layout.

Flow: file -> reader (the PDF reader for pages with no usable text layer, the
image reader for PNG/JPEG/TIFF) -> **this module** -> text with layout ->
field parsers -> records.

Tesseract (`-l vie`) reads the words and their boxes; the layout is rebuilt
by the engine the PDF reader uses too (`layout`), because tesseract's own
page segmentation runs the two header columns into one line (`ĐẠI HỌC QUỐC
GIA TP.HCM CỘNG HÒA XÃ HỘI ...`). Here tesseract's lines are cut at wide
gaps and dust is dropped; the engine groups the pieces into visual rows, emits
a run of rows sharing a vertical gutter at the top of the page (the header)
or holding `Nơi nhận` / a signature authority (the footer) as two columns,
the left one whole before the right, and joins other rows into one Line per
paragraph.

Before OCR, coloured ink (seals, signatures, blue handwriting) is turned to
paper by `cleanup` and the page straightened when the text lines lean by a
small angle (a projection profile over ±3°). After layout, unsure
handwritten digits of the `Số` and date lines are read by the digit
recogniser from the pen plane (`digits`) or blanked (`handwritten`)
and the signature block is read a second time from a crop (`regions`). Every Line's
bbox is in PDF points (pixels / scale) in the straightened image's frame,
which differs from the original by at most a few points at these angles.
"""
from __future__ import annotations

import os
import shutil
import statistics
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import numpy as np
import regex
from PIL import Image, ImageOps

from congvan.models.records import PageInfo
from congvan.parsers.readers import cleanup, digits, handwritten, layout, regions
from congvan.parsers.readers.base import Line, ReadError
from congvan.parsers.readers.layout import Row
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

SEGMENT_GAP_EM = 1.0  # a gap this wide may be a column gutter: cut lines there
EDGE_BAND = 0.08  # a lone page number lives in this top/bottom share

# Measured on corpus scans at OCR_DPI (pixels; a row's size is its boxes'
# median height, which jitters by a few pixels, so tolerances are in ems).
PROFILE = layout.Profile(
    min_height=1.0,
    gutter=layout.Tol(0.0, 0.0),  # set per page: MIN_GUTTER_EM of the page's text height
    wide_gutter_em=2.5,
    header_share=0.35,
    header_any_page=False,  # page 2 of a scan starts with body text
    edge_band=EDGE_BAND,
    item_start=layout.OCR_ITEM_START,
    size_jump=layout.Tol(0.0, 0.35),
    margin_tol=layout.Tol(0.0, 0.8),
    indent_tol=layout.Tol(0.0, 0.8),
    space_em=0.3,
    fit_slack=layout.Tol(0.0, 0.8),
    gap_slack=layout.Tol(0.0, 0.6),
    default_gap=layout.Tol(0.0, 0.5),
)
MIN_GUTTER_EM = 0.9  # a gutter is at least this wide, in the page's text heights
# A seal ring at 200 dpi is 3-5 px wide, text height ~30 px: print within
# this share of a text height on both sides of a ring pixel is one stroke.
BRIDGE_REACH_EM = 0.15

_LEADING_DUST = frozenset({".", ",", "'", "`", "..", ".,"})
_ALNUM = regex.compile(r"[\p{L}\d]")


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


def _prepare(image: Image.Image) -> tuple[Image.Image, float, Image.Image, cleanup.Inks]:
    """Black-ink plane of the page (coloured seals, signatures and
    handwriting turned to paper by `cleanup`), straightened, the angle it
    was turned by, the pen plane (unturned) and the inks (unturned)."""
    inks = cleanup.split_inks(image)
    gray = inks.black
    angle = _skew(gray)
    if abs(angle) >= MIN_SKEW:
        gray = gray.rotate(angle, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=255)
    return gray, angle, inks.pen if inks.pen is not None else inks.black, inks


def _bridged_plane(inks: cleanup.Inks, angle: float, size: float, box: tuple[int, int, int, int]) -> Image.Image | None:
    """The black plane with the print a seal ring crosses inside `box` given
    back (`cleanup.bridge_seal`), turned like the black plane; None when no
    seal crosses print there (no second reading of it is worth its time)."""
    # The masks are of the unturned page: the box grows by what the turn may shift.
    pad = int(abs(angle) / 57.3 * max(inks.black.size)) + 1
    x0, y0, x1, y1 = box
    plane = cleanup.bridge_seal(inks.black, inks.red, max(2, round(BRIDGE_REACH_EM * size)),
                                (x0 - pad, y0 - pad, x1 + pad, y1 + pad))
    if plane is not None and abs(angle) >= MIN_SKEW:
        plane = plane.rotate(angle, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=255)
    return plane


def _red_plane(image: Image.Image, angle: float) -> Image.Image | None:
    """The page's red channel, turned like the black plane; None for a gray page."""
    if image.mode not in ("RGB", "RGBA", "CMYK", "YCbCr", "P"):
        return None
    red = image.convert("RGB").getchannel("R")
    if abs(angle) >= MIN_SKEW:
        red = red.rotate(angle, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=255)
    return red


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


def _rows(words: list[dict[str, Any]], size: float) -> list[Row]:
    """Tesseract's line pieces grouped into visual rows by vertical overlap."""
    return layout.rows_from_pieces([(seg, _band(seg)) for seg in _segments(words, size)], 0, PROFILE.min_height,
                                   by_middle=True)


def _drop_specks(rows: list[Row], size: float) -> list[Row]:
    """Drop dust read as punctuation: a word with no letter or digit, far from
    any other word of its row (a speck in a gutter would close it)."""
    out: list[Row] = []
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
            out.append(Row(keep))
    return out


# --------------------------------------------------------------------------- layout


def _layout(rows: list[Row], width: float, height: float, size: float, first_page: bool) -> list[layout.Block]:
    """One page's rows through the layout engine shared with the PDF reader."""
    prof = replace(PROFILE, gutter=layout.Tol(MIN_GUTTER_EM * size))
    zones = layout.find_zones(rows, width, height, prof, first_page)
    body = layout.body_rows(rows, zones)
    # Margins from body rows only: a header column or the signature block
    # would set the left margin at their own indent.
    m = layout.margins(body, width, size, prof) or layout.margins(rows, width, size, prof, least_wide=0)
    paras = layout.Paragraphs(prof)
    paras.page(rows, zones, m)
    return paras.out


# --------------------------------------------------------------------------- entry


def _run(tess: Any, fn: Any, *args: Any, **kw: Any) -> Any:
    """One tesseract call with its failures as ReadErrors."""
    try:
        return fn(*args, **kw)
    except tess.TesseractNotFoundError as exc:
        raise ReadError("unsupported", f"the tesseract OCR program is not installed; {INSTALL_ADVICE}") from exc
    except tess.TesseractError as exc:
        msg = str(exc)
        if "vie" in msg and ("traineddata" in msg or "language" in msg.lower()):
            raise ReadError("unsupported", f"tesseract has no Vietnamese language data; {INSTALL_ADVICE}") from exc
        raise ReadError("unreadable_scan", f"tesseract failed on the page: {msg}"[:300]) from exc
    except RuntimeError as exc:  # pytesseract's way of saying the timeout passed
        raise ReadError("timeout", f"OCR of one page took over {OCR_TIMEOUT} s: {exc}") from exc


def ocr_words(image: Image.Image) -> tuple[list[dict[str, Any]], float, Image.Image]:
    """Tesseract's words (pixel boxes of the straightened image, conf 0..100),
    the skew angle corrected and the image OCR ran on."""
    words, angle, gray, _, _ = _ocr_words(image)
    return words, angle, gray


def _ocr_words(image: Image.Image) -> tuple[list[dict[str, Any]], float, Image.Image, Image.Image, cleanup.Inks]:
    tess = _tesseract()
    gray, angle, pen, inks = _prepare(image)
    data = _run(tess, tess.image_to_data, gray, lang=LANG, output_type=tess.Output.DICT, timeout=OCR_TIMEOUT)
    return _words(data), angle, gray, pen, inks


def _slot_reader(pen: Image.Image, angle: float, size: float) -> handwritten.SlotReader:
    """The digit recogniser on the page's pen plane, turned like the words'
    image only when a slot is first read (most pages have none)."""
    plane: list[Any] = []

    def read(box: tuple[float, float, float, float], most: int) -> digits.Reading:
        if not plane:
            img = pen if abs(angle) < MIN_SKEW else pen.rotate(angle, resample=Image.Resampling.BICUBIC,
                                                                expand=False, fillcolor=255)
            plane.append(np.asarray(img.convert("L")))
        # The slot's own line sets the scale: a header is often set larger than the body.
        return digits.read_slot(plane[0], box, max(box[3] - box[1], 0.5 * size), most)

    return read


@dataclass(frozen=True)
class PageRead:
    """One OCR'd page: its Lines, its PageInfo, and warnings for the result
    (a word restored in the second reading)."""

    lines: list[Line]
    info: PageInfo
    warnings: list[str]


def read_page(image: Image.Image, page_no: int, scale: float, signed: date | None = None) -> PageRead:
    """OCR one page image into Lines in reading order (bbox in PDF points:
    pixels / `scale`, scale = dpi / 72) and a PageInfo whose `ocr_confidence`
    is the mean word confidence on a 0..1 scale and `quality` the syllable
    share of the text. Lines whose words average under 50 % confidence get
    `where="ocr_low_confidence"`; the signature block read a second time
    (`regions`) gives Lines with `where="ocr_region"`. Raises
    `ReadError("unsupported")` when tesseract or its Vietnamese data is
    missing. `signed` is the e-signature's date when the file has one: the
    date line's handwritten day may not come after it."""
    words, angle, gray, pen, inks = _ocr_words(image)
    width, height = gray.size
    notes: list[str] = []
    warnings: list[str] = []
    if abs(angle) >= MIN_SKEW:
        notes.append(f"deskewed {angle:+.2f}°")
    if len(words) < MIN_WORDS:
        notes.append("no text found")
        return PageRead([], PageInfo(page=page_no, path="ocr", quality=0.0, ocr_confidence=0.0,
                                     note="; ".join(notes)), [])
    size = statistics.median(w["bottom"] - w["top"] for w in words)
    rows = layout.drop_page_numbers(_drop_specks(_rows(words, size), size), height, page_no, EDGE_BAND)
    blocks = _layout(rows, width, height, size, first_page=page_no == 1) if rows else []
    lines: list[Line] = []
    reader = _slot_reader(pen, angle, size)
    for o in blocks:
        confs = [w["conf"] for w in o.words]
        conf = statistics.fmean(confs) if confs else 0.0
        bbox = tuple(round(v / scale, 1) for v in o.box)
        text, where = o.text, LOW_CONFIDENCE_WHERE if conf < LOW_CONFIDENCE else None
        if page_no == 1 and o.rows == 1 and o.box[1] < PROFILE.header_share * height:
            unsure: list[str] = []
            checked = handwritten.check_header_digits(o.words, unsure, reader, signed)
            if checked is not None:
                text, where = layout.words_text(checked), handwritten.WHERE
                warnings.extend(f"page {page_no}: {w}" for w in unsure)
        lines.append(Line(text, page=page_no, bbox=bbox, where=where))  # type: ignore[arg-type]
    region = regions.signature_region(lines, scale, width, height, size)
    if region is not None:
        tess = _tesseract()
        # The red channel keeps a pink seal faint but never cuts a letter it
        # crosses: the second plane to read when the black one shows no name.
        # Between them, the black plane with the print a seal ring crosses
        # given back: the ring's cuts through the name's letters mended.
        red = _red_plane(image, angle)
        bridged = _bridged_plane(inks, angle, size, region.box)
        planes: list[tuple[Image.Image, int]] = [(gray, regions.SCALE)]
        if bridged is not None:
            planes.append((bridged, regions.BRIDGED_SCALE))
        if red is not None:
            planes.append((red, regions.SCALE))
        block, restored = _run(tess, regions.reread, tess, planes, region, page_no, scale, LANG, OCR_TIMEOUT)
        merged = regions.merge(lines, region, scale, block)
        if merged is not lines:
            lines = merged
            notes.append("signature block read again")
            warnings.extend(f"page {page_no}: {w}" for w in restored)
    confs = [w["conf"] for r in rows for w in r.words]
    mean = statistics.fmean(confs) / 100.0 if confs else 0.0
    low = sum(1 for ln in lines if ln.where == LOW_CONFIDENCE_WHERE)
    if low:
        notes.append(f"{low} low-confidence lines")
    text = "\n".join(ln.text for ln in lines)
    info = PageInfo(page=page_no, path="ocr", quality=round(syllable_share(text), 3),
                    ocr_confidence=round(mean, 3), note="; ".join(notes) or None)
    return PageRead(lines, info, warnings)


def ocr_page(image: Image.Image, page_no: int, scale: float) -> tuple[list[Line], PageInfo]:
    """`read_page` without its warnings: (Lines, PageInfo)."""
    got = read_page(image, page_no, scale)
    return got.lines, got.info
