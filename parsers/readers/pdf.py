"""PDF reader: a PDF's bytes -> lines in reading order with page and bbox.

Flow: file -> **this reader** -> text with layout -> field parsers -> records.

Per page, pdfplumber's words (with positions) go through the layout engine
shared with OCR (`layout`): words are grouped into visual rows. Two-column
regions (the header at the top of a letter, the footer with
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
import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import regex

from congvan.models.records import PageInfo
from congvan.parsers.normalize import normalize
from congvan.parsers.readers import layer_digits, layout, pdf_repair, pdf_stamps
from congvan.parsers.readers.base import Line, ReadError, ReadResult, ocr_page_limit
from congvan.parsers.readers.layout import Row
from congvan.parsers.syllables import diacritic_share, syllable_share

MAX_PAGES = 400
# No stream of a letter inflates past this: a larger one is a compression bomb.
MAX_STREAM_BYTES = 256 * 1024 * 1024


class StreamTooLarge(Exception):
    """A PDF stream inflates past MAX_STREAM_BYTES."""


class _CappedZlib:
    """`zlib` as pdfminer's stream decoder sees it, with `decompress` refusing to inflate
    past MAX_STREAM_BYTES: pdfminer inflates every stream whole, and a 1 MB stream of
    zeros is a gigabyte of memory."""

    def __init__(self, zlib: Any) -> None:
        self._zlib = zlib

    def __getattr__(self, name: str) -> Any:
        return getattr(self._zlib, name)

    def decompress(self, data: bytes, *args: Any, **kwargs: Any) -> bytes:
        d = self._zlib.decompressobj()
        out = d.decompress(data, MAX_STREAM_BYTES)
        if d.unconsumed_tail:
            raise StreamTooLarge(f"a compressed stream inflates past {MAX_STREAM_BYTES // 1048576} MB")
        return out + d.flush()


def _cap_inflation() -> None:
    import zlib

    from pdfminer import pdftypes

    if not isinstance(pdftypes.zlib, _CappedZlib):
        pdftypes.zlib = _CappedZlib(zlib)  # type: ignore[assignment]

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
EDGE_BAND = 0.12  # top/bottom share of the page where running headers live

# Measured on the born-digital and TCVN3 corpus letters (points; a text layer
# states each word's font size, so row sizes are exact).
PROFILE = layout.Profile(
    min_height=0.1,
    # A space is ~0.25 em (3-4 pt), justification stretches it to ~0.5 em;
    # header gutters are 8-60 pt.
    gutter=layout.Tol(6.0, 0.6),
    wide_gutter_em=2.0,  # justified text stretches a space to about 1 em at worst
    header_share=0.3,
    header_any_page=True,
    edge_band=EDGE_BAND,
    size_jump=layout.Tol(1.0),
    margin_tol=layout.Tol(6.0, 0.6),
    indent_tol=layout.Tol(2.0),
    space_em=0.25,
    fit_slack=layout.Tol(2.0),
    gap_slack=layout.Tol(3.0, 0.35),
    default_gap=layout.Tol(3.0),
)
# A page's own margins need this many full-width rows; with fewer (a last
# page with two lines) the whole document's margins stand in.
MIN_WIDE_ROWS = 3

_DIGITS = regex.compile(r"\d+")
_LETTER_RUNS = regex.compile(r"\p{L}+")


_SLIM = ("text", "x0", "x1", "top", "bottom", "size", "stamp")
STAMP = "stamp"  # Line.where of text drawn by a signature widget (pdf_stamps)


@dataclass
class _Page:
    """A page after judging: body rows (to be laid out) or finished lines."""

    number: int
    width: float
    height: float
    rows: list[Row] = field(default_factory=list)
    lines: list[Line] | None = None  # set when OCR gave the page's lines
    info: PageInfo | None = None
    signer_boxes: list[list[str]] = field(default_factory=list)  # e-signature labels, for metadata


# --------------------------------------------------------------------------- open


def _open(data: bytes) -> Any:
    _cap_inflation()
    # pdfminer logs what it repairs in a broken file (`Invalid MediaBox ...`) to stderr;
    # the reader says what matters in its own warnings and errors.
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
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


def _rows_from_words(words: list[dict[str, Any]], page: int) -> list[Row]:
    # Keep only what layout needs: the chars lists are large and a long file
    # would hold every page's in memory.
    slim = [{k: w[k] for k in _SLIM if k in w} for w in words]
    return layout.rows_from_words(slim, page, PROFILE.min_height)


def _where(words: Iterable[dict[str, Any]]) -> str | None:
    # Provenance: a value read from this line may come from a signature stamp.
    return STAMP if any(w.get("stamp") for w in words) else None


def _line(block: layout.Block) -> Line:
    bbox = tuple(round(v, 1) for v in block.box)
    return Line(block.text, page=block.page, bbox=bbox, where=_where(block.words))  # type: ignore[arg-type]


# --------------------------------------------------------------------------- running heads


def _drop_running(pages: list[_Page]) -> None:
    """Remove page numbers and lines repeated at the same edge of many pages."""
    laid = [p for p in pages if p.lines is None and p.rows]
    edge: Counter[str] = Counter()

    def key(row: Row) -> str:
        return _DIGITS.sub("#", " ".join(row.text.split())).lower()

    for p in laid:
        edge.update({key(row) for row in _edge_rows(p)})
    repeated = {k for k, n in edge.items() if len(laid) >= 3 and n >= max(3, len(laid) // 2)}
    for p in laid:
        drop = {id(row) for row in _edge_rows(p)
                if key(row) in repeated or layout.is_page_number(row, p.height, p.number, EDGE_BAND)}
        if drop:
            p.rows = [r for r in p.rows if id(r) not in drop]


def _edge_rows(p: _Page) -> Iterable[Row]:
    for row in p.rows[:2]:
        if row.bottom < EDGE_BAND * p.height:
            yield row
    for row in p.rows[-2:]:
        if row.top > (1 - EDGE_BAND) * p.height:
            yield row


# --------------------------------------------------------------------------- layout


def _layout(pages: list[_Page]) -> list[Line]:
    """Every page's rows through the shared layout engine; a paragraph cut by
    a page break joins, OCR'd pages come in as they are."""
    _drop_running(pages)
    paras = layout.Paragraphs(PROFILE)
    laid: list[tuple[_Page, list[layout.Zone], list[Row]]] = []
    for p in pages:
        if p.lines is None and p.rows:
            zones = layout.find_zones(p.rows, p.width, p.height, PROFILE)
            laid.append((p, zones, layout.body_rows(p.rows, zones)))
    doc_margins: layout.Margins | None = None
    all_body = [r for _, _, body in laid for r in body]
    if all_body:
        width = max(p.width for p in pages)
        doc_margins = layout.margins(all_body, width, layout.median_size(all_body), PROFILE, MIN_WIDE_ROWS)
    zones_of = {id(p): (zones, body) for p, zones, body in laid}
    for p in pages:
        if p.lines is not None:
            paras.extend(p.lines)
            continue
        if not p.rows:
            continue
        zones, body = zones_of[id(p)]
        # Margins from body rows only: header and footer columns start and
        # end anywhere.
        m = layout.margins(body, p.width, layout.median_size(body), PROFILE, MIN_WIDE_ROWS) or doc_margins
        paras.page(p.rows, zones, m)
    return [x if isinstance(x, Line) else _line(x) for x in paras.out]


# --------------------------------------------------------------------------- judging


def _page_text(words: list[dict[str, Any]]) -> str:
    return " ".join(w["text"] for w in words)


def _quality(text: str) -> tuple[float, float, int]:
    norm = normalize(text).text
    tokens = len(_LETTER_RUNS.findall(norm))
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


class _OcrBudget:
    """How many more pages of this letter may be OCR'd; past it, pages are left out with one warning."""

    def __init__(self, pages: int) -> None:
        self.left = pages
        self.skipped: list[int] = []

    def take(self, number: int) -> bool:
        if self.left > 0:
            self.left -= 1
            return True
        self.skipped.append(number)
        return False

    def warning(self) -> str | None:
        if not self.skipped:
            return None
        a, b = self.skipped[0], self.skipped[-1]
        return (f"pages {a}-{b} ({len(self.skipped)}) are scans and were not read: over the "
                f"{ocr_page_limit()}-page OCR limit for one letter (raise it with --ocr-pages)")


def _ocr_page(page: Any, number: int, why: str, warnings: list[str], budget: _OcrBudget,
              signed: date | None = None) -> tuple[list[Line], PageInfo] | None:
    if not budget.take(number):
        return None
    ocr = _load_ocr()
    if ocr is None:
        warnings.append(f"page {number}: {why}; OCR is not available here, page text kept as it is")
        return None
    try:
        dpi = int(ocr.OCR_DPI)
        image = page.to_image(resolution=dpi).original
        got = ocr.read_page(image, number, dpi / 72.0, signed)
        lines, info = got.lines, got.info
        warnings.extend(got.warnings)
    except ReadError as exc:
        warnings.append(f"page {number}: {why}; OCR failed ({exc.kind}: {exc})")
        return None
    except MemoryError:
        raise   # the letter's memory limit: the whole parse fails as out of memory, not as "no OCR"
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


def _read_page(page: Any, number: int, warnings: list[str], glyphs: pdf_repair.GlyphMap, budget: _OcrBudget) -> _Page:
    out = _Page(number, float(page.width), float(page.height))
    words = _extract_words(page)
    # Number and day stamped by a signature widget are not in the page's
    # words; they join the rows wherever the text layer is used (an OCR'd
    # page sees them in the rendered image).
    stamps = pdf_stamps.page_stamps(page)
    out.signer_boxes = stamps.signer_boxes
    signed = pdf_stamps.signed_date(stamps.signer_boxes)

    def rows(ws: list[dict[str, Any]]) -> list[Row]:
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
        got = _ocr_page(page, number, why, warnings, budget, signed)
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
    got = _ocr_page(page, number, reason, warnings, budget, signed)
    if got is not None:
        ocr_lines, info = got
        # A glyph map learned from this OCR may decode the layer itself, which
        # is exact where OCR guesses: prefer it when every glyph is known.
        if glyphs.learn(words, ocr_lines):
            fixed = glyphs.repair(words)
            learned_q = _quality(_page_text(fixed)) if fixed is not None else None
            if fixed is not None and learned_q is not None and _good(learned_q):
                out.rows = rows(fixed)
                out.info = PageInfo(page=number, path="repaired", quality=round(learned_q[0], 3), ocr_confidence=info.ocr_confidence,
                                    note=f"{reason}; glyphs learned from OCR of this page decode the whole layer")
                return out
        if reason.startswith(pdf_repair.BROKEN_GLYPH_MAP):
            # The glyphs that kept their Unicode are exact: OCR's digits give way to them.
            ocr_lines, mended = layer_digits.mend_digits(ocr_lines, words)
            warnings.extend(mended)
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
        budget = _OcrBudget(ocr_page_limit())
        for i, page in enumerate(plumber_pages, start=1):
            try:
                pages.append(_read_page(page, i, warnings, glyphs, budget))
            except (ReadError, MemoryError):
                raise
            except Exception as exc:
                err = _as_read_error(exc)
                if err.kind == "too_large":
                    raise err from exc
                if err.kind == "encrypted" or len(plumber_pages) == 1:
                    raise err from exc
                warnings.append(f"page {i}: unreadable ({exc!r})"[:300])
                pages.append(_Page(i, float(page.width), float(page.height), info=PageInfo(page=i, path="text", quality=0.0, note="unreadable page")))
            finally:
                # Bounded memory on long files: drop the page's parsed objects.
                page.close()
        over_limit = budget.warning()
        if over_limit:
            warnings.append(over_limit)
        metadata = _metadata(pdf)
        metadata.update(pdf_stamps.signer_metadata([box for p in pages for box in p.signer_boxes]))
    finally:
        try:
            pdf.close()
        except Exception:  # noqa: BLE001 - closing a broken file must not hide why it failed
            pass
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
    if isinstance(exc, StreamTooLarge) or "StreamTooLarge" in text:
        return ReadError("too_large", f"the PDF is a compression bomb: {exc}")
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
