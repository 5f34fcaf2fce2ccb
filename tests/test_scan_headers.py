"""Two-column headers of letters this project did not make: Word tables of
varied column widths, font sizes, wraps and offsets, printed to PDF by
LibreOffice, rasterised and read by the OCR reader (ocr.py + layout.py).
The left column (issuer, number, V/v subject) must come out whole before the
right one (national name, motto, place and date), and the subject must not
take in the motto."""
from __future__ import annotations

import random
import shutil
import subprocess
from pathlib import Path

import pytest

from congvan.parsers.fields.header import parse_header
from congvan.parsers.fields.lines import TextLine, fold_accents
from congvan.parsers.readers import ocr

docx = pytest.importorskip("docx")
needs_tools = pytest.mark.skipif(not (shutil.which("soffice") and shutil.which("pdftoppm") and shutil.which("tesseract")),
                                 reason="LibreOffice, poppler and tesseract are needed to print and scan a header")

ISSUERS = [("UBND TỈNH LÀO CAI", "SỞ CÔNG THƯƠNG"), ("BỘ TÀI CHÍNH", "CỤC THUẾ"),
           ("ỦY BAN NHÂN DÂN", "HUYỆN BẢO THẮNG"), ("BỘ CÔNG THƯƠNG", "CỤC HÓA CHẤT")]
SUBJECTS = ["V/v chấn chỉnh, tăng cường trách nhiệm trong xử lý hồ sơ, thủ tục hành chính",
            "V/v triển khai thực hiện thủ tục cấp giấy phép vận chuyển hàng hóa nguy hiểm",
            "V/v góp ý dự thảo quy định về quản lý cụm công nghiệp trên địa bàn tỉnh",
            "V/v báo cáo kết quả kiểm tra an toàn thực phẩm năm 2025"]


def _header_doc(path: Path, rng: random.Random, k: int) -> dict[str, str]:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    d = docx.Document()
    sec = d.sections[0]
    sec.left_margin = Cm(rng.uniform(2.0, 3.2))
    sec.right_margin = Cm(rng.uniform(1.5, 2.2))
    width = sec.page_width - sec.left_margin - sec.right_margin
    share = rng.uniform(0.36, 0.46)
    size = rng.choice([12, 13, 13, 14])
    parent, issuer = ISSUERS[k % len(ISSUERS)]
    subject = SUBJECTS[k % len(SUBJECTS)]
    t = d.add_table(rows=1, cols=2)
    t.autofit = False
    cols = (int(width * share), int(width * (1 - share)))
    for c, w in zip(t.columns, cols):
        for cell in c.cells:
            cell.width = w

    def para(cell, text, bold=False, italic=False, sz=size, first=False):
        p = cell.paragraphs[0] if first else cell.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        r = p.add_run(text)
        r.bold, r.italic, r.font.size, r.font.name = bold, italic, Pt(sz), "Times New Roman"
        p.paragraph_format.space_after = Pt(rng.choice([0, 0, 2]))
        return p

    left, right = t.rows[0].cells
    para(left, parent, sz=size - 1, first=True)
    para(left, issuer, bold=True)
    para(left, "")
    para(left, f"Số: {rng.randint(100, 9999)}/SCT-CN")
    para(left, subject, sz=size - 1)
    para(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, sz=size - 1, first=True)
    para(right, "Độc lập - Tự do - Hạnh phúc", bold=True)
    para(right, "")
    para(right, f"Lào Cai, ngày {rng.randint(1, 28)} tháng {rng.randint(1, 12)} năm 2026", italic=True)
    d.add_paragraph("")
    body = d.add_paragraph("Kính gửi: Sở Tài chính tỉnh Lào Cai.")
    body.alignment = WD_ALIGN_PARAGRAPH.CENTER
    d.add_paragraph("Sở Công Thương nhận được văn bản của các đơn vị về việc thực hiện nhiệm vụ trong năm 2026 "
                    "và đề nghị các cơ quan, đơn vị phối hợp thực hiện theo đúng quy định hiện hành.")
    d.save(path)
    return {"issuer": issuer, "subject": subject[len("V/v "):]}


@needs_tools
@pytest.mark.slow
def test_two_column_headers_printed_by_word_and_scanned_keep_their_columns(tmp_path):
    from PIL import Image

    rng = random.Random(14)
    wanted = {}
    for k in range(4):
        wanted[k] = _header_doc(tmp_path / f"h{k}.docx", rng, k)
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path)]
                   + [str(tmp_path / f"h{k}.docx") for k in wanted], check=True, capture_output=True, timeout=180)
    for k, want in wanted.items():
        subprocess.run(["pdftoppm", "-r", "200", "-f", "1", "-l", "1", "-gray", "-png", str(tmp_path / f"h{k}.pdf"),
                        str(tmp_path / f"h{k}")], check=True, timeout=60)
        png = next(tmp_path.glob(f"h{k}-*.png"))
        image = Image.open(png)
        # A scan is never quite straight.
        image = image.rotate(rng.uniform(-0.8, 0.8), fillcolor=255, resample=Image.Resampling.BICUBIC)
        image = image.crop((0, 0, image.width, image.height // 2))
        lines = ocr.read_page(image, 1, 200 / 72).lines
        texts = [ln.text for ln in lines]
        joined = "\n".join(texts)
        sub = next((t for t in texts if t.startswith("V/v")), None)
        assert sub is not None, joined
        assert not any(w in fold_accents(sub) for w in ("doc lap", "viet nam", "hanh phuc")), joined
        # The subject wrapped in its column is one line, and whole.
        assert sub.split()[-1] == want["subject"].split()[-1], joined
        # The left column comes before the right.
        national = [i for i, t in enumerate(texts) if "nghia viet" in fold_accents(t)]
        assert national and texts.index(sub) < national[0], joined
        pos = 0
        tl = []
        for t in texts:
            tl.append(TextLine(t, pos, pos + len(t), len(tl)))
            pos += len(t) + 1
        h = parse_header(tl, ocr=True)
        assert h.subject and h.subject.endswith(want["subject"].split()[-1]), (h.subject, joined)
