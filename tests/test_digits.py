"""The handwritten-digit recogniser (parsers/readers/digits.py) and its use
on the number and date slots of a scanned header (handwritten.py), on drawn
slots and on a corpus scan."""
from __future__ import annotations

import glob
from datetime import date

import numpy as np
import pytest
from conftest import CORPUS
from PIL import Image, ImageDraw, ImageFont

from congvan.parsers.readers import digits, handwritten

needs_model = pytest.mark.skipif(digits.model() is None, reason="parsers/data/digits.npz is not built")
ITALIC = sorted(glob.glob("/usr/share/fonts/truetype/liberation*/LiberationSans-Italic.ttf"))
SERIF = sorted(glob.glob("/usr/share/fonts/truetype/liberation*/LiberationSerif-Regular.ttf"))
needs_fonts = pytest.mark.skipif(not ITALIC or not SERIF, reason="Liberation fonts are not installed")


# --------------------------------------------------------------------------- pieces


def test_normalise_puts_the_ink_in_a_20_pixel_box_centred_by_mass():
    ink = np.zeros((90, 40), dtype=bool)
    ink[5:85, 10:18] = True  # a tall bar, like a `1`
    out = digits.normalise(ink)
    assert out.shape == (28, 28)
    rows = np.flatnonzero(out.max(axis=1) > 0.1)
    assert 19 <= rows[-1] - rows[0] + 1 <= 21
    cy = (out.sum(axis=1) * np.arange(28)).sum() / out.sum()
    cx = (out.sum(axis=0) * np.arange(28)).sum() / out.sum()
    assert abs(cy - 14) < 1 and abs(cx - 14) < 1
    assert not digits.normalise(np.zeros((5, 5), dtype=bool)).any()


def test_components_cut_and_join():
    ink = np.zeros((20, 30), dtype=bool)
    ink[2:18, 2:6] = True
    ink[2:18, 10:14] = True
    ink[9, 6:10] = True  # a bridge: one component
    (p,) = digits.components(ink)
    assert (p.x0, p.x1, p.y0, p.y1) == (2, 14, 2, 18)
    left, right = digits.cut(p, 6)
    assert (left.x0, left.x1) == (2, 8) and (right.x0, right.x1) == (8, 14)
    assert digits.join(left, right).mask.sum() == p.mask.sum()
    assert digits.cut(p, 0) is None


# --------------------------------------------------------------------------- drawn slots


def _line(parts: list[tuple[str, str, int]], height: int = 120) -> tuple[np.ndarray, list[dict]]:
    """A header line drawn at 200 dpi: (text, font, size) runs left to right;
    returns the grayscale page and word boxes like tesseract's, one per run
    (the digits' run gets a garbled text, as tesseract reads handwriting)."""
    im = Image.new("L", (1400, height), 255)
    dr = ImageDraw.Draw(im)
    x, words = 20, []
    for text, font, size in parts:
        f = ImageFont.truetype(font, size)
        box = dr.textbbox((x, 40), text, font=f)
        dr.text((x, 40), text, font=f, fill=0)
        words.append({"text": text, "conf": 92.0, "x0": float(box[0]), "x1": float(box[2]),
                      "top": 40.0 + f.getbbox("Sg")[1], "bottom": 40.0 + f.getbbox("Sg")[3]})
        x = box[2] + 14
    return np.asarray(im), words


def _reader(plane: np.ndarray) -> handwritten.SlotReader:
    return lambda box, most: digits.read_slot(plane, box, box[3] - box[1], most)


@needs_model
@needs_fonts
def test_a_stamped_number_tesseract_garbled_is_read_from_the_slot():
    plane, words = _line([("Số:", SERIF[0], 30), ("2731", ITALIC[0], 36), ("/UBND-VP", SERIF[0], 30)])
    words[1] = dict(words[1], text="2?3l", conf=20.0)
    notes: list[str] = []
    got = handwritten.check_header_digits(words, notes, _reader(plane))
    assert " ".join(w["text"] for w in got) == "Số: 2731 /UBND-VP"
    assert "recogniser reads 2731" in notes[0]


@needs_model
@needs_fonts
def test_letters_in_the_number_slot_are_not_read_as_digits():
    plane, words = _line([("Số:", SERIF[0], 30), ("Hxe", ITALIC[0], 36), ("/UBND-VP", SERIF[0], 30)])
    words[1] = dict(words[1], conf=10.0)
    notes: list[str] = []
    got = handwritten.check_header_digits(words, notes, _reader(plane))
    assert " ".join(w["text"] for w in got) == "Số: ? /UBND-VP"
    assert "left blank" in notes[0]


@needs_model
@needs_fonts
def test_a_read_day_after_the_e_signature_is_refused():
    parts = [("Hà", SERIF[0], 30), ("Nội,", SERIF[0], 30), ("ngày", SERIF[0], 30), ("27", ITALIC[0], 36),
             ("tháng", SERIF[0], 30), ("5", SERIF[0], 30), ("năm", SERIF[0], 30), ("2026", SERIF[0], 30)]
    plane, words = _line(parts)
    words[3] = dict(words[3], text="2?", conf=30.0)
    notes: list[str] = []
    got = handwritten.check_header_digits(words, notes, _reader(plane), not_after=date(2026, 5, 30))
    assert " ".join(w["text"] for w in got) == "Hà Nội, ngày 27 tháng 5 năm 2026"
    # Signed on the 20th: a letter cannot be dated the 27th.
    notes = []
    got = handwritten.check_header_digits(words, notes, _reader(plane), not_after=date(2026, 5, 20))
    assert " ".join(w["text"] for w in got) == "Hà Nội, ngày ? tháng 5 năm 2026"
    assert "e-signature" in notes[0]


@needs_model
@needs_fonts
def test_a_day_erased_from_the_black_plane_is_read_and_a_blank_one_stays_blank():
    # The day in blue pen: tesseract saw nothing between `ngày` and `tháng`.
    parts = [("ngày", SERIF[0], 30), ("09", ITALIC[0], 36), ("tháng", SERIF[0], 30), ("4", SERIF[0], 30),
             ("năm", SERIF[0], 30), ("2026", SERIF[0], 30)]
    plane, words = _line(parts)
    seen = [w for k, w in enumerate(words) if k != 1]
    got = handwritten.check_header_digits(seen, [], _reader(plane))
    assert " ".join(w["text"] for w in got) == "ngày 09 tháng 4 năm 2026"
    # A draft: the slot is empty on the page too.
    plane, words = _line([("ngày", SERIF[0], 30), ("tháng", SERIF[0], 30), ("4", SERIF[0], 30),
                          ("năm", SERIF[0], 30), ("2026", SERIF[0], 30)])
    assert handwritten.check_header_digits(words, [], _reader(plane)) is None


# --------------------------------------------------------------------------- a corpus scan


@needs_model
@pytest.mark.slow
def test_blue_pen_day_and_month_of_a_scanned_letter():
    pytest.importorskip("pdfplumber")
    found = sorted(CORPUS.glob("057_*.pdf")) if CORPUS.exists() else []
    if not found:
        pytest.skip("corpus scan 057 is not available")
    import pdfplumber

    from congvan.parsers.readers import ocr, pdf_stamps

    with pdfplumber.open(found[0]) as pdf:
        page = pdf.pages[0]
        signed = pdf_stamps.signed_date(pdf_stamps.page_stamps(page).signer_boxes)
        image = page.to_image(resolution=ocr.OCR_DPI).original.copy()
    got = ocr.read_page(image, 1, ocr.OCR_DPI / 72, signed)
    dates = [ln.text for ln in got.lines if "năm 2026" in ln.text and "ngày" in ln.text]
    assert dates and "ngày 02 tháng 4 năm 2026" in dates[0], dates
