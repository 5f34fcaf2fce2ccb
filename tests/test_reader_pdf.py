"""PDF reader on real corpus PDFs: column order, paragraphs, page numbers,
repairs of broken text layers, OCR fallback and bad input."""
from __future__ import annotations

import difflib
import importlib.util
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pdfplumber
import pytest
from conftest import CORPUS, corpus_file

from congvan.parsers.normalize import normalize
from congvan.parsers.readers import pdf as pdf_reader
from congvan.parsers.readers import pdf_repair, pdf_stamps
from congvan.parsers.readers.base import ReadError
from congvan.parsers.readers.pdf import read_pdf

TRANSCRIPTS = CORPUS / "legacy_transcripts"
HAVE_OCR = importlib.util.find_spec("congvan.parsers.readers.ocr") is not None and shutil.which("tesseract") is not None

def _file(prefix: str) -> Path:
    return corpus_file(prefix, ".pdf")


def _read(prefix: str):
    path = _file(prefix)
    return read_pdf(path.read_bytes(), path.name)


def _index(lines, start: str) -> int:
    return next(i for i, line in enumerate(lines) if normalize(line.text).text.startswith(start))


# --------------------------------------------------------------------------- layout


def test_header_left_column_comes_before_right_column():
    r = _read("044")
    texts = [normalize(l.text).text for l in r.lines]
    issuer = _index(r.lines, "TỈNH LÀO CAI")
    number = _index(r.lines, "Số: 7432 /UBND-XD")
    subject = _index(r.lines, "V/v triển khai thực hiện Quyết định số")
    motto = _index(r.lines, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    assert issuer < number < subject < motto
    # The right column is not interleaved with the left one.
    assert texts[motto] == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert "Lào Cai, ngày 21 tháng 7 năm 2026" in texts
    # The V/v subject's six visual lines are one Line, in the left block.
    assert subject == motto - 1
    assert texts[subject] == (
        "V/v triển khai thực hiện Quyết định số 1074/QĐ-BXD ngày 29/6/2026 của Bộ Xây dựng ban hành các "
        "giải pháp kỹ thuật nâng cao an toàn phòng cháy, chữa cháy đối với các cơ sở, công trình không bảo "
        "đảm yêu cầu về phòng cháy và chữa cháy")
    x0, top, x1, bottom = r.lines[subject].bbox
    assert x1 < r.lines[motto].bbox[0] and bottom - top > 70
    assert r.lines[0].page == 1 and r.lines[0].bbox is not None


def test_body_paragraphs_are_joined_and_keep_provenance():
    r = _read("044")
    para = next(l for l in r.lines if normalize(l.text).text.startswith("Ngày 29/6/2026, Bộ trưởng Bộ Xây dựng"))
    text = normalize(para.text).text
    # One Line holds the whole first paragraph (7 visual lines in the PDF).
    assert text.endswith("hoàn thành chậm nhất đến ngày 01 tháng 7 năm 2028.")
    assert "các cơ sở, công trình không bảo đảm yêu cầu về phòng cháy" in text
    assert para.page == 1
    x0, top, x1, bottom = para.bbox
    assert bottom - top > 80 and x1 - x0 > 400
    # Numbered items start their own Line.
    assert any(normalize(l.text).text.startswith("2. Giao Sở Xây dựng") for l in r.lines)


def test_footer_distribution_before_signature_block():
    r = _read("044")
    texts = [normalize(l.text).text for l in r.lines]
    noi_nhan = texts.index("Nơi nhận:")
    assert texts[noi_nhan + 1: noi_nhan + 3] == ["- Như trên;", "- Chủ tịch UBND tỉnh;"]
    kt = texts.index("KT. CHỦ TỊCH")
    assert noi_nhan < texts.index("- Lưu: VT, TH, XD (Đông) .") < kt
    assert texts[kt + 1] == "PHÓ CHỦ TỊCH"
    assert texts[-1] == "Phan Trung Bá"


GENERATED = Path(__file__).resolve().parents[1] / "data" / "samples" / "generated"


def _generated(prefix: str):
    path = next(GENERATED.glob(f"{prefix}_*[0-9a-f].pdf"))
    return read_pdf(path.read_bytes(), path.name)


def test_kinh_gui_under_the_subject_is_not_pulled_into_the_header_column():
    # LibreOffice PDF of a DOCX: `Kính gửi:` sits under the V/v lines at the
    # left column's x, a paragraph gap lower, followed by a dash list.
    r = _generated("000")
    texts = [normalize(l.text).text for l in r.lines]
    date = texts.index("Khánh Hòa, ngày tháng 5 năm 2023")
    kg = texts.index("Kính gửi:")
    assert texts.index("Số: /SCT-VP") < texts.index("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") < date < kg
    assert texts[kg + 1: kg + 3] == ["- Trung tâm Khuyến công và Xúc tiến thương mại;", "- Các phòng, đơn vị thuộc Sở."]
    assert texts[date - 3].startswith("V/v chấn chỉnh, tăng cường trách nhiệm trong xử lý công việc")


def test_kinh_gui_with_a_tab_is_not_a_header_row():
    # 046: `Kính gửi:<tab>Sở Công Thương.` has a gap the header's gutter runs through.
    r = _read("046")
    texts = [normalize(l.text).text for l in r.lines]
    assert texts.index("Lào Cai, ngày 06 tháng 4 năm 2026") + 1 == texts.index("Kính gửi: Sở Công Thương.")
    assert texts[3] == "V/v triển khai thực hiện thủ tục cấp Giấy phép vận chuyển hàng hóa nguy hiểm loại 1,2,3,4,9"


def test_header_with_one_two_sided_row_and_wrapped_subject():
    # Generated seed 001 has no issuer or motto: only the date faces the
    # first V/v line, and a wrapped line starts `ngày 19/4/2023`.
    r = _generated("001")
    texts = [normalize(l.text).text for l in r.lines]
    subject = next(i for i, t in enumerate(texts) if t.startswith("V/v"))
    assert texts[subject] == ("V/v triển khai Công điện số 280/CĐ-TTg ngày 19/4/2023 của Thủ tướng Chính phủ về việc "
                              "chấn chỉnh, tăng cường trách nhiệm trong xử lý công việc của các Bộ, cơ quan, địa phương")
    assert texts[subject + 1] == "Hà Nội, ngày 27 tháng 4 năm 2023"
    assert texts[subject + 2] == "Kính gửi: Các đơn vị thuộc Bộ"


def test_footer_with_only_a_signer_name_keeps_name_out_of_noi_nhan():
    # The name's row overlaps a wrapped `Nơi nhận` entry; no title or
    # authority line stands above it.
    r = _generated("001")
    texts = [normalize(l.text).text for l in r.lines]
    nn = texts.index("Nơi nhận:")
    assert texts[nn + 3] == "- Văn phòng Chính phủ, Bộ Nội vụ (để biết);"
    assert texts[-2:] == ["- Lưu: VT, VP (TKTH).", "Nguyễn Hồng Diên"]


def test_justified_last_body_line_does_not_open_the_footer():
    # 049's last paragraph: one justified line whose widest space (0.5 em)
    # lines up with nothing but looked like a gutter.
    r = _read("049")
    texts = [normalize(l.text).text for l in r.lines]
    last = "Sở Công Thương Lào Cai thông báo để Doanh nghiệp tư nhân Thành Hương Nghĩa Lộ biết và thực hiện./."
    assert texts.index(last) + 1 == texts.index("Nơi nhận:")
    assert texts[texts.index("KT. GIÁM ĐỐC") - 1] == "- Lưu: VT, BP1C, CN (Khôi)."


def test_wrapped_kinh_gui_entries_are_joined():
    r = _read("050")
    texts = [normalize(l.text).text for l in r.lines]
    assert ("- Các Sở, ngành: Công Thương, Nội vụ, Công an tỉnh, Bộ Chỉ huy Quân sự tỉnh, "
            "Ban Chỉ huy Bộ đội Biên phòng tỉnh;") in texts


def test_page_numbers_are_dropped():
    # 050 prints "2", "3", "4" at the top of pages 2-4.
    r = _read("050")
    assert not [l for l in r.lines if l.text.strip().isdigit()]
    assert any(l.page == 4 for l in r.lines)


def test_paragraph_continues_across_page_break():
    r = _read("048")
    # Page 1 ends "... chỉ tiêu sử dụng đất đối với đất cụm công nghiệp" and
    # page 2 goes on "phân bổ đến năm 2030 tại xã Trấn Yên là 60,0 ha.".
    joined = [l for l in r.lines if "đất cụm công nghiệp phân bổ đến năm 2030 tại xã Trấn Yên" in normalize(l.text).text]
    assert len(joined) == 1
    assert joined[0].page == 1


def test_long_multi_page_decree_reads_with_structure():
    r = _read("013")
    assert len(r.pages) == 55
    assert all(p.path == "text" for p in r.pages)
    texts = [normalize(l.text).text for l in r.lines]
    assert texts.index("CHÍNH PHỦ") < texts.index("Số: 45/2026/NĐ-CP") < texts.index("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    assert "Điều 1. Phạm vi điều chỉnh" in texts
    # Paragraphs joined: far fewer Lines than visual rows, and some join pages.
    rows = 0
    with pdfplumber.open(_file("013")) as pdf:
        for page in pdf.pages[:5]:
            rows += len((page.extract_text() or "").splitlines())
    first5 = [l for l in r.lines if l.page <= 5]
    assert len(first5) < 0.6 * rows
    assert any("xây dựng, thử nghiệm sản phẩm" in normalize(l.text).text and l.page == 4 for l in r.lines)


# --------------------------------------------------------------------------- signature stamps


@pytest.mark.parametrize("prefix,number,date", [
    ("050", "Số: 193 /UBND-KT", "Lào Cai, ngày 10 tháng 01 năm 2026"),  # day and month stamped
    ("045", "Số: 3686 /UBND-XD", "Lào Cai, ngày 11 tháng 5 năm 2026"),
    ("048", "Số: 6791 /SNNMT-KHTC", "Lào Cai, ngày 17 tháng 7 năm 2026"),
    ("046", "Số: 2496 /UBND-KT", "Lào Cai, ngày 06 tháng 4 năm 2026"),
])
def test_number_and_day_stamped_by_signature_widgets_are_merged(prefix, number, date):
    # The page content says `Số: /UBND-KT` and `ngày tháng năm 2026`; the
    # digits are drawn by signature widgets' appearance streams.
    r = _read(prefix)
    by_text = {normalize(l.text).text: l for l in r.lines}
    assert by_text[number].where == pdf_reader.STAMP
    assert by_text[date].where == pdf_reader.STAMP
    # The stamped words sit on their visual line, in the header columns.
    texts = list(by_text)
    assert texts.index(number) < texts.index("Độc lập - Tự do - Hạnh phúc") < texts.index(date)
    # Lines with no stamped word keep no stamp provenance.
    assert by_text["Độc lập - Tự do - Hạnh phúc"].where is None
    assert sum(l.where == pdf_reader.STAMP for l in r.lines) == 2


def test_stamped_number_and_date_reach_the_record():
    from congvan.parsers.letter import parse_read_result  # noqa: PLC0415

    path = _file("050")
    rec = parse_read_result(read_pdf(path.read_bytes(), path.name)).model_dump(mode="json")
    assert rec["number"]["number"] == "193" and rec["issued"]["iso"] == "2026-01-10"
    assert rec["number"]["source"]["where"] == rec["issued"]["source"]["where"] == pdf_reader.STAMP


def test_signer_label_boxes_go_to_metadata_not_lines():
    # 012's widget draws "Ký bởi: CỤC THUẾ / Địa chỉ: ... / Thời gian ký: ...":
    # the signature's label, not the letter's text.
    with pdfplumber.open(_file("012")) as pdf:
        stamps = pdf_stamps.page_stamps(pdf.pages[0])
    assert stamps.words == [] and len(stamps.signer_boxes) == 1
    assert pdf_stamps.signer_metadata(stamps.signer_boxes) == {"signed_by": "CỤC THUẾ", "signed_at": "2026-04-08 17:35"}


def test_annotations_that_make_pdfplumber_recurse_are_read():
    with pdfplumber.open(_file("001")) as pdf:
        page = pdf.pages[0]
        with pytest.raises(Exception):  # noqa: B017 - whatever pdfplumber raises on the loop
            page.annots  # noqa: B018 - pdfplumber resolves /Parent loops forever
        stamps = pdf_stamps.page_stamps(page)
    assert pdf_stamps.signer_metadata(stamps.signer_boxes)["signed_at"] == "2024-09-13 16:49:11"


# --------------------------------------------------------------------------- repairs


def _sorted_tokens(text: str) -> str:
    return " ".join(sorted(normalize(text).text.casefold().split()))


def _cer(hyp: str, ref: str) -> float:
    sm = difflib.SequenceMatcher(None, hyp, ref, autojunk=False)
    errors = sum(max(i2 - i1, j2 - j1) for op, i1, i2, j1, j2 in sm.get_opcodes() if op != "equal")
    return errors / max(len(ref), 1)


@pytest.mark.parametrize("prefix", ["038", "039", "042"])
def test_tcvn3_layer_repaired_within_one_percent(prefix):
    r = _read(prefix)
    text_pages = [p for p in r.pages if p.note != "blank page"]
    assert text_pages and all(p.path == "repaired" and "TCVN3" in p.note for p in text_pages)
    ref = next(TRANSCRIPTS.glob(f"{prefix}_*")).read_text(encoding="utf-8")
    hyp = "\n".join(l.text for l in r.lines)
    # Sorted tokens: the reader reorders columns and joins paragraphs, the
    # transcript keeps the PDF's line order; the letters must agree.
    cer = _cer(_sorted_tokens(hyp), _sorted_tokens(ref))
    print(f"{prefix}: TCVN3 repair CER {cer:.4%} over {len(ref)} transcript characters")
    assert cer < 0.01
    assert r.encoding == "tcvn3"


def test_tcvn3_capitals_font_is_upper_cased():
    r = _read("038")
    texts = [normalize(l.text).text for l in r.lines]
    assert texts[0] == "NGÂN HÀNG NHÀ NƯỚC"
    assert "THÔNG TƯ" in texts
    assert any("Trung ương:" in t for t in texts)


def test_tcvn3_function_declines_plain_ascii():
    assert pdf_repair.tcvn3("Plain ASCII 123") is None
    assert pdf_repair.tcvn3("n\u2212íc") == "nước"
    assert pdf_repair.tcvn3("x\u2219 héi", capitals=True) == "XÃ HỘI"


def test_glyph_ids_below_258_follow_standard_order_on_real_words():
    with pdfplumber.open(_file("054")) as pdf:
        words = pdf_reader._extract_words(pdf.pages[0])
    glyphs = pdf_repair.GlyphMap()
    # "/QĐ-SCT" is glyphs 18 52 264 16 54 38 55: all but Đ are standard.
    symbol = next(w for w in words if w["text"].startswith("(cid:18)(cid:52)"))
    assert glyphs.decode(symbol["text"].replace("(cid:264)", ""), "TimesNewRomanPSMT") == "/Q-SCT"
    # Đ (264) is past the standard set: unknown, so the page is not "repaired".
    assert glyphs.decode(symbol["text"], "TimesNewRomanPS-BoldMT") is None
    assert glyphs.repair(words) is None


def test_glyph_map_learns_only_agreeing_readings():
    from congvan.parsers.readers.base import Line

    g = pdf_repair.GlyphMap()
    word = {"text": "(cid:55)(cid:1228)(cid:49)(cid:43)", "x0": 10, "x1": 40, "top": 10, "bottom": 20, "fontname": "X+F"}
    once = [Line("UBND TỈNH LÀO CAI", page=1, bbox=(0, 8, 200, 22))]
    assert g.learn([word], once) == 1
    assert g.char("F", 1228) is None  # one reading is not enough
    g.learn([dict(word)], once)
    assert g.decode(word["text"], "F") == "TỈNH"
    # A reading that fits two different words of the line is ambiguous.
    g2 = pdf_repair.GlyphMap()
    assert g2.learn([word], [Line("TỈNH TĨNH", page=1, bbox=(0, 8, 200, 22))]) == 0


def test_garbled_glyph_pages_are_not_kept_as_garbage():
    r = _read("054")
    assert all(p.path in ("ocr", "repaired") or "kept unrepaired" in (p.note or "") for p in r.pages)
    assert all("glyph" in (p.note or "") for p in r.pages)
    if not HAVE_OCR:
        assert any("OCR is not available" in w for w in r.warnings)


@pytest.mark.slow
@pytest.mark.skipif(not HAVE_OCR, reason="OCR module or tesseract not available")
def test_garbled_glyph_pages_recover_the_number_through_ocr():
    r = _read("054")
    text = normalize("\n".join(l.text for l in r.lines)).text
    assert all(p.path in ("ocr", "repaired") for p in r.pages)
    assert "1050/QĐ-SCT" in text.replace(" /", "/").replace("/ ", "/")


def test_ocr_layer_without_vietnamese_is_rejected():
    with pdfplumber.open(_file("058")) as pdf:
        words = pdf_reader._extract_words(pdf.pages[0])
    q = pdf_reader._quality(pdf_reader._page_text(words))
    assert not pdf_reader._good(q)
    assert "without Vietnamese marks" in pdf_repair.diagnose(words, q)


def test_cyrillic_homoglyph_layer_is_kept():
    r = _read("059")
    assert r.pages[0].path == "text"
    assert "ВСТ-ВТC" in "\n".join(l.text for l in r.lines)  # raw Cyrillic; normalize maps it
    assert "BCT-BTC" in normalize("\n".join(l.text for l in r.lines)).text


def test_scanned_page_is_recognised():
    r_or_err: object
    try:
        r_or_err = _read("016")
    except ReadError as exc:
        assert not HAVE_OCR and exc.kind == "unreadable_scan"
        return
    assert r_or_err.pages[0].path == "ocr"


# --------------------------------------------------------------------------- bad input


def test_zero_byte_pdf():
    with pytest.raises(ReadError) as exc:
        read_pdf(b"", "empty.pdf")
    assert exc.value.kind == "empty"


@pytest.mark.parametrize("share", [0.5, 0.05])
def test_truncated_pdf_is_corrupt(share):
    data = _file("044").read_bytes()
    with pytest.raises(ReadError) as exc:
        read_pdf(data[: int(len(data) * share)], "cut.pdf")
    assert exc.value.kind == "corrupt"


def test_garbage_after_pdf_header_is_corrupt():
    with pytest.raises(ReadError) as exc:
        read_pdf(b"%PDF-1.7\n" + b"\x00garbage" * 100, "junk.pdf")
    assert exc.value.kind == "corrupt"


def _soffice_pdf(tmp_path: Path, text: str, export: str = "pdf") -> Path:
    src = tmp_path / "letter.txt"
    src.write_text(text, encoding="utf-8")
    profile = tmp_path / "lo-profile"
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", export,
         "--outdir", str(tmp_path), str(src)],
        check=True, capture_output=True, timeout=120,
    )
    return tmp_path / "letter.pdf"


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_encrypted_pdf(tmp_path):
    export = ('pdf:writer_pdf_Export:{"EncryptFile":{"type":"boolean","value":"true"},'
              '"DocumentOpenPassword":{"type":"string","value":"secret"}}')
    pdf = _soffice_pdf(tmp_path, "Công văn thử nghiệm có mật khẩu\n", export)
    with pytest.raises(ReadError) as exc:
        read_pdf(pdf.read_bytes(), pdf.name)
    assert exc.value.kind == "encrypted"


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdfunite") is None,
                    reason="LibreOffice or poppler-utils not installed")
def test_300_pages_in_bounded_memory_and_page_cap(tmp_path):
    one = _soffice_pdf(tmp_path, "Sở Công Thương yêu cầu các phòng, đơn vị thuộc Sở nghiêm túc thực hiện.\n" * 8)
    big = tmp_path / "big.pdf"
    subprocess.run(["pdfunite", *[str(one)] * 300, str(big)], check=True, timeout=120)
    # VmHWM, not getrusage's ru_maxrss: Linux carries ru_maxrss over from the
    # forking parent (pytest, hundreds of MB late in a run), VmHWM is this process's own peak.
    script = textwrap.dedent(f"""
        from congvan.parsers.readers.pdf import read_pdf
        r = read_pdf(open({str(big)!r}, "rb").read(), "big.pdf")
        hwm = next(l for l in open("/proc/self/status") if l.startswith("VmHWM:"))
        print(len(r.pages), len(r.lines), int(hwm.split()[1]) // 1024)
    """)
    out = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True, timeout=600)
    pages, lines, peak_mb = map(int, out.stdout.split())
    print(f"300-page PDF: {lines} lines, peak RSS {peak_mb} MB")
    assert pages == 300 and lines >= 300
    assert peak_mb < 600
    too_many = tmp_path / "too_many.pdf"
    subprocess.run(["pdfunite", *[str(one)] * (pdf_reader.MAX_PAGES + 1), str(too_many)], check=True, timeout=120)
    with pytest.raises(ReadError) as exc:
        read_pdf(too_many.read_bytes(), too_many.name)
    assert exc.value.kind == "too_large"
