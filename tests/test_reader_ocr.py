"""OCR of scanned corpus pages and image files (parsers/readers/ocr.py and
image.py): header and footer column order, paragraphs, confidence, image
formats and bad input. A handful of pages are OCR'd, each once."""
from __future__ import annotations

import io
import shutil
import struct
import zlib
from pathlib import Path

import pdfplumber
import pytest
import regex
from conftest import corpus_file
from PIL import Image

from congvan.parsers.normalize import normalize
from congvan.parsers.readers import ocr, read_bytes, read_file
from congvan.parsers.readers.base import ReadError

HAVE_TESSERACT = shutil.which("tesseract") is not None
needs_ocr = pytest.mark.skipif(not HAVE_TESSERACT, reason="tesseract with Vietnamese is not installed")

A4 = (595.0, 842.0)


def _render(prefix: str, page: int, dpi: int = ocr.OCR_DPI) -> Image.Image:
    path = corpus_file(prefix, ".pdf")
    with pdfplumber.open(path) as pdf:
        return pdf.pages[page - 1].to_image(resolution=dpi).original.copy()


def _texts(lines) -> list[str]:
    return [normalize(line.text).text for line in lines]


def _index(texts: list[str], pattern: str) -> int:
    rx = regex.compile(pattern)
    return next(i for i, t in enumerate(texts) if rx.search(t))


@pytest.fixture(scope="module")
def notice():
    """016: a university notice, one scanned page, red seal over the signature."""
    return ocr.ocr_page(_render("016", 1), 1, ocr.OCR_DPI / 72)


@pytest.fixture(scope="module")
def chem_letter():
    """056: a phone photo of a Cục Hóa chất letter, slightly turned, handwritten number and day."""
    return ocr.ocr_page(_render("056", 1), 1, ocr.OCR_DPI / 72)


@needs_ocr
def test_header_left_column_before_right_column(notice):
    texts = _texts(notice[0])
    issuer = _index(texts, r"^TRƯỜNG ĐẠI HỌC")
    number = _index(texts, r"^Số:\s*01\s*/\s*TB-BGH")
    motto = _index(texts, r"^CỘNG HÒA XÃ HỘI CHỦ NGHĨA")
    date = _index(texts, r"Minh, ngày")
    # The whole left block (parent body, issuer, number) comes out first.
    assert _index(texts, r"^ĐẠI HỌC QU.C GIA") < issuer < number < motto < date
    # The date line is one Line, never cut at the gutter or merged with `Số`.
    assert texts[date].startswith("Tp. Hồ Ch")
    assert texts[date].endswith("tháng 01 năm 2013")
    assert "Số" not in texts[date] and "CỘNG" not in texts[number]


@needs_ocr
def test_body_items_are_one_line_each_and_footer_columns_in_order(notice):
    lines, info = notice
    texts = _texts(lines)
    items = [t for t in texts if t[:2] in {f"{n}." for n in range(1, 7)}]
    assert [t[:2] for t in items] == ["1.", "2.", "3.", "4.", "5.", "6."]
    # Item 6 wraps over three printed lines: joined into one paragraph.
    assert items[5].endswith("không tự giữ được.")
    intro = _index(texts, r"^Hiện nay Phòng Công tác")
    assert texts[intro].endswith("Ban giám hiệu đề nghị:")
    noi_nhan = _index(texts, r"^Nơi nhận:")
    assert texts[noi_nhan + 2].startswith("- Lưu: VT, CTSV")
    # The signature column (its title under the seal) comes after the Nơi nhận column.
    assert any(regex.search(r"TR[ƯỪỮ][ỞỜ]NG", t) for t in texts[noi_nhan + 3:])


@needs_ocr
def test_page_info_and_boxes(notice):
    lines, info = notice
    assert info.page == 1 and info.path == "ocr"
    # Confidence is on a 0..1 scale; a clean scan reads at about 0.9.
    assert 0.75 < info.ocr_confidence <= 1.0
    assert info.quality > 0.85
    for line in lines:
        x0, top, x1, bottom = line.bbox
        assert 0 <= x0 < x1 <= A4[0] + 1 and 0 <= top < bottom <= A4[1] + 1
        assert line.page == 1
    motto = next(l for l in lines if normalize(l.text).text.startswith("CỘNG HÒA"))
    assert motto.bbox[0] > A4[0] / 2 - 50  # the right header column, in PDF points
    # The seal and the signature over the title read as low-confidence lines.
    assert any(l.where == ocr.LOW_CONFIDENCE_WHERE for l in lines)


@needs_ocr
def test_turned_photo_header_subject_and_headings(chem_letter):
    lines, info = chem_letter
    assert "deskewed" in (info.note or "")
    texts = _texts(lines)
    number = _index(texts, r"^Số:.*/HC-CNHC")
    subject = _index(texts, r"^V/v trao")
    motto = _index(texts, r"^CỘNG HÒA XÃ HỘI")
    date = _index(texts, r"^Hà Nội, ngày")
    assert _index(texts, r"^BỘ CÔNG THƯƠNG") < number < subject < motto < date
    # The two-line subject is one Line; the date line is whole.
    assert texts[subject].endswith("trong lĩnh vực hóa chất")
    assert texts[date].endswith("tháng 4 năm 2026")
    # A one-line heading at the first-line indent stays apart from the
    # first-line-indented paragraph under it.
    heading = _index(texts, r"Về khái niệm")
    assert texts[heading].endswith("hỗn hợp chất")
    assert texts[heading + 1].startswith("Luật Hóa chất")


@needs_ocr
def test_png_and_multipage_tiff_through_read_file(tmp_path: Path):
    page = _render("016", 1, dpi=300)
    png = tmp_path / "scan.png"
    page.save(png, dpi=(300, 300))
    r = read_file(png)
    assert r.format == "image" and len(r.pages) == 1 and r.pages[0].path == "ocr"
    texts = _texts(r.lines)
    assert _index(texts, r"^Số:") < _index(texts, r"^CỘNG HÒA")
    # Boxes are PDF points of the page, whatever the file's resolution.
    assert max(l.bbox[2] for l in r.lines) <= A4[0] + 1

    blank = Image.new("L", page.size, 255)
    tif = tmp_path / "scan.tif"
    page.convert("L").save(tif, save_all=True, append_images=[blank], dpi=(300, 300), compression="tiff_deflate")
    r2 = read_file(tif)
    assert [p.page for p in r2.pages] == [1, 2]
    assert {l.page for l in r2.lines} == {1}
    assert any("page 2: no text found" in w for w in r2.warnings)


@needs_ocr
def test_blank_image_is_an_unreadable_scan():
    buf = io.BytesIO()
    Image.new("L", (1654, 2339), 255).save(buf, format="PNG")
    with pytest.raises(ReadError) as err:
        read_bytes(buf.getvalue(), "blank.png")
    assert err.value.kind == "unreadable_scan"


def test_corrupt_png():
    buf = io.BytesIO()
    Image.new("RGB", (400, 300), "white").save(buf, format="PNG")
    data = bytearray(buf.getvalue())
    data[60:] = b"\x00" * (len(data) - 60)  # keep the signature and header, wreck the rest
    with pytest.raises(ReadError) as err:
        read_bytes(bytes(data), "broken.png")
    assert err.value.kind == "corrupt"
    with pytest.raises(ReadError) as err:
        read_bytes(b"\x89PNG\r\n\x1a\n" + b"garbage" * 10, "garbage.png")
    assert err.value.kind == "corrupt"


def _png_header_only(width: int, height: int) -> bytes:
    """A small PNG that declares a huge bitonal image (a decompression bomb)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


@pytest.mark.parametrize("side", [12_000, 40_000])  # 1.6x and 18x Pillow's MAX_IMAGE_PIXELS
def test_decompression_bomb(side: int):
    assert side * side > Image.MAX_IMAGE_PIXELS
    with pytest.raises(ReadError) as err:
        read_bytes(_png_header_only(side, side), "bomb.png")
    assert err.value.kind == "too_large"


def test_missing_tesseract_or_vietnamese_says_what_to_install(monkeypatch):
    import pytesseract

    monkeypatch.setattr(ocr, "_CHECKED", False)
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")
    img = Image.new("L", (200, 100), 255)
    with pytest.raises(ReadError) as err:
        ocr.ocr_page(img, 1, 1.0)
    assert err.value.kind == "unsupported"
    assert "install Debian tesseract-ocr tesseract-ocr-vie" in str(err.value)

    if HAVE_TESSERACT:
        monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", shutil.which("tesseract"))
        monkeypatch.setattr(pytesseract, "get_languages", lambda config="": ["eng", "osd"])
        with pytest.raises(ReadError) as err:
            ocr.ocr_page(img, 1, 1.0)
        assert err.value.kind == "unsupported"
        assert "'vie'" in str(err.value) and "install Debian tesseract-ocr tesseract-ocr-vie" in str(err.value)


@needs_ocr
def test_margin_from_body_rows_joins_wrapped_paragraph():
    """017: one paragraph sits at the left margin and four full rows wrap at a
    bullet's indent; the margin must come from the body rows at the true
    edge, so the paragraph's wrapped lines join into one Line."""
    lines, _ = ocr.ocr_page(_render("017", 1), 1, ocr.OCR_DPI / 72)
    texts = _texts(lines)
    para = texts[_index(texts, r"^Khoa Hệ thống Thông tin \(K\.HTTT\)")]
    assert "kế hoạch tổ chức bảo vệ" in para and para.rstrip().endswith("như sau:")
    # The heading under it stays apart, and the header column is untouched.
    assert texts[_index(texts, r"^Khoa Hệ thống Thông tin \(K\.HTTT\)") + 1].startswith("l) Lịch bảo vệ")
    assert any(t.startswith("KHOA HỆ TH") for t in texts)
