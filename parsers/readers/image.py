"""Image reader: a scanned or photographed letter (PNG, JPEG, TIFF, BMP) ->
lines with layout, through OCR.

Flow: file -> **this reader** -> `ocr.ocr_page` per page -> text with layout
-> field parsers -> records.

A multi-page TIFF is one letter of several pages. Each page is turned upright
by its EXIF orientation and brought to about `ocr.OCR_DPI` (from the file's
resolution, or from its width read as an A4 page when the file states none)
so tesseract sees text at the size it reads best. Bboxes are in PDF points of
that page (72 per inch), like the PDF reader's.
"""
from __future__ import annotations

import io
import warnings

from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from congvan.models.records import PageInfo
from congvan.parsers.readers import ocr
from congvan.parsers.readers.base import Line, ReadError, ReadResult, ocr_page_limit

MAX_PAGES = 100
A4_WIDTH_IN = 8.27
# Outside this range a stated resolution is a placeholder (72 dpi from a
# screenshot tool, 1 dpi from a broken writer): judge by the width instead.
PLAUSIBLE_DPI = (100, 1200)
# A page of a letter, however scanned or photographed: no side beyond this many
# pixels (A0 at 600 dpi), and no taller or wider than a strip of several pages.
MAX_SIDE = 20_000
MAX_ASPECT = 8.0

_OPEN_ERRORS = (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, IndexError, KeyError, TypeError)


def _open(data: bytes, name: str) -> Image.Image:
    try:
        # Pillow only warns between MAX_IMAGE_PIXELS and twice that: a bomb
        # must not be decoded at all, so the warning counts as the error.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data))
            img.size  # noqa: B018 - touching the header raises for bombs
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ReadError("too_large", f"{name}: image too large to decode safely ({exc})"[:300]) from exc
    except _OPEN_ERRORS as exc:
        raise ReadError("corrupt", f"{name}: not a readable image ({exc})"[:300]) from exc
    return img


def _dpi(img: Image.Image) -> float | None:
    dpi = img.info.get("dpi")
    try:
        x = float(dpi[0]) if isinstance(dpi, tuple) else float(dpi) if dpi else 0.0
    except (TypeError, ValueError):
        return None
    return x if PLAUSIBLE_DPI[0] <= x <= PLAUSIBLE_DPI[1] else None


def _check_shape(width: int, height: int, name: str, number: int) -> None:
    """Refuse, before decoding, a frame no letter page has: a 50 x 200,000 strip compresses
    to a few kilobytes and would be scaled up to gigabytes for OCR."""
    if width < 1 or height < 1 or max(width, height) > MAX_SIDE or max(width / height, height / width) > MAX_ASPECT:
        raise ReadError("unsupported", f"page {number} is {width} x {height} pixels, not the shape of a page")


def _page(frame: Image.Image) -> tuple[Image.Image, float]:
    """One page upright at about OCR_DPI, and its pixels per PDF point."""
    frame = ImageOps.exif_transpose(frame) or frame
    if frame.mode not in ("1", "L", "RGB", "RGBA", "LA", "P", "CMYK", "YCbCr"):
        frame = frame.convert("RGB")  # 16-bit or float frames
    dpi = _dpi(frame) or frame.width / A4_WIDTH_IN
    factor = ocr.OCR_DPI / dpi
    # Scans far finer than OCR needs cost time for nothing; coarse ones (a
    # 100 dpi fax) read better enlarged to the size tesseract was trained on.
    if not 0.75 <= factor <= 1.34:
        size = (max(1, round(frame.width * factor)), max(1, round(frame.height * factor)))
        frame = frame.convert("L" if frame.mode in ("1", "L", "LA") else "RGB").resize(size, Image.Resampling.LANCZOS)
        dpi = ocr.OCR_DPI
    return frame, dpi / 72.0


def read_image(data: bytes, name: str = "<image>") -> ReadResult:
    """OCR an image letter; raises `ReadError` (corrupt, too_large,
    unsupported when tesseract or its Vietnamese data is missing,
    unreadable_scan when no page holds text)."""
    img = _open(data, name)
    lines: list[Line] = []
    pages: list[PageInfo] = []
    notes: list[str] = []
    try:
        n = getattr(img, "n_frames", 1)
        ocr_pages = ocr_page_limit()
        if n > MAX_PAGES:
            raise ReadError("too_large", f"{name}: {n} pages is over the {MAX_PAGES}-page limit for one letter")
        for number, frame in enumerate(ImageSequence.Iterator(img), start=1):
            _check_shape(frame.width, frame.height, name, number)
            if number > ocr_pages:
                notes.append(f"pages {number}-{n} are not read: over the {ocr_pages}-page OCR limit for one "
                             "letter (raise it with --ocr-pages)")
                break
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("error", Image.DecompressionBombWarning)
                    frame.load()
                    page, scale = _page(frame)
            except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
                raise ReadError("too_large", f"{name}: page {number} too large to decode safely ({exc})"[:300]) from exc
            except _OPEN_ERRORS as exc:
                if number == 1:
                    raise ReadError("corrupt", f"{name}: image data is damaged ({exc})"[:300]) from exc
                notes.append(f"page {number}: damaged image data ({exc}); later pages skipped"[:300])
                break
            got = ocr.read_page(page, number, scale)
            page_lines, info = got.lines, got.info
            notes.extend(got.warnings)
            lines.extend(page_lines)
            pages.append(info)
    finally:
        img.close()
    if not any(ln.text.strip() for ln in lines):
        raise ReadError("unreadable_scan", f"{name}: OCR found no text on any of its {len(pages)} page(s)")
    notes.extend(f"page {p.page}: no text found" for p in pages if p.note and "no text found" in p.note)
    return ReadResult(lines=tuple(lines), format="image", encoding=None, pages=tuple(pages), warnings=tuple(notes))
