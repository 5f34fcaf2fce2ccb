"""Word readers keep the letter's layout: header columns whole and in order, one line per
paragraph, automatic list numbers and text boxes recovered (real corpus files plus small
packages built here for what the corpus lacks)."""
from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import corpus_file

from congvan.parsers.readers import read_bytes, read_file


def _texts(name: str) -> list[str]:
    return [line.text for line in read_file(corpus_file(name)).lines]


def _index(texts: list[str], start: str) -> int:
    return next(i for i, t in enumerate(texts) if t.startswith(start))


# --- corpus DOCX -------------------------------------------------------------------------

def test_060_number_and_subject_stay_separate_lines() -> None:
    result = read_file(corpus_file("060_cv-597-hc-qlhc-cuc-hoa-chat-2026.docx"))
    texts = [line.text for line in result.lines]
    assert "Số: 597/HC-QLHC" in texts
    vv = _index(texts, "V/v cấp Giấy phép xuất khẩu")
    assert result.lines[vv].where == result.lines[texts.index("Số: 597/HC-QLHC")].where == "table0/r1/c0"
    # Left column (issuer, number, subject) whole before the right (motto, date).
    assert texts.index("CỤC HÓA CHẤT") < texts.index("Số: 597/HC-QLHC") < vv < _index(texts, "CỘNG HÒA XÃ HỘI") < _index(texts, "Hà Nội, ngày 27 tháng 3 năm 2026")
    assert _index(texts, "Hà Nội, ngày") < _index(texts, "Kính gửi: Sở Công Thương tỉnh Quảng Ngãi")
    assert result.format == "docx" and result.lines[_index(texts, "Kính gửi")].where.startswith("p")


def test_061_header_table_and_recipients() -> None:
    """061's header is a borderless table (its drawings are only rule lines, no text box):
    the left column, then the right, then `Kính gửi:` with its dash list."""
    texts = _texts("061_cv-ubnd-kt-lao-cai-draft-2025-uy-quyen.docx")
    assert texts[:2] == ["UỶ BAN NHÂN DÂN", "TỈNH LÀO CAI"]
    assert _index(texts, "Số:") < _index(texts, "V/v tham mưu") < _index(texts, "CỘNG HOÀ") < _index(texts, "Lào Cai, ngày")
    k = texts.index("Kính gửi:")
    assert texts[k + 1:k + 3] == ["- Sở Công Thương;", "- Sở Tư pháp."]
    # Footer: the distribution list before the signature block, each on its own line.
    n = texts.index("Nơi nhận:")
    assert texts.index("- Lưu: VT, KT(Nho).") < texts.index("KT. CHỦ TỊCH") < texts.index("PHÓ CHỦ TỊCH") < texts.index("Nguyễn Thành Sinh")
    assert n < texts.index("- Như trên;")


def test_067_typed_directive_labels_kept() -> None:
    """067 types its labels (no w:numPr): they stay as written, once."""
    texts = _texts("067_ct-07-ct-ttg-2012.docx")
    assert "1. Bộ Kế hoạch và Đầu tư:" in texts
    assert any(t.startswith("đ) Phối hợp với các Bộ") for t in texts)
    assert not any(t.startswith(("1. 1.", "a) a)")) for t in texts)


def test_071_auto_numbered_table_rows() -> None:
    """071's task table numbers its rows with w:numPr (`%1.`): the numbers are not in the
    text and must be counted back, in order, each before its task (row by row)."""
    result = read_file(corpus_file("071_kh-sct-lao-cai-draft-2026-2242.docx"))
    texts = [line.text for line in result.lines]
    labels = [t for t in texts if t.rstrip(".").isdigit() and t.endswith(".")]
    assert labels[:9] == [f"{i}." for i in range(1, 10)]
    assert texts[texts.index("1.") + 1] == "Rà soát việc đáp ứng các điều kiện của học viên"
    assert texts[texts.index("2.") + 1] == "Xây dựng bài kiểm tra, đáp án"


# --- corpus .doc ---------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "left", "right"), [
    ("018_tb-03-tb-dtdh-xet-tot-nghiep-2014.doc", ["TRƯỜNG ĐH CÔNG NGHỆ THÔNG TIN", "PHÒNG ĐÀO TẠO ĐẠI HỌC", "Số: 03/TB-ĐTĐH"], ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Tp.HCM, ngày 10 tháng 3 năm 2014"]),
    ("019_cv-172-cdn-tgnc-cong-doan-giao-duc-2013.doc", ["CÔNG ĐOÀN GIÁO DỤC VIỆT NAM", "Số: 172/CĐN-TGNC", "V/v tuyên truyền kết quả Đại hội"], ["CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Hà Nội, ngày 9 tháng 8 năm 2013"]),
    ("076_cv-sct-kt-lao-cai-draft-2019.doc", ["UBND TỈNH LÀO CAI", "SỞ CÔNG THƯƠNG", "Số: /SCT-KT"], ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Lào Cai, ngày tháng 5 năm 2019"]),
])
def test_doc_header_left_column_before_right(name: str, left: list[str], right: list[str]) -> None:
    result = read_file(corpus_file(name))
    texts = [line.text for line in result.lines]
    assert result.format == "doc"
    positions = [texts.index(t) for t in left + right]
    assert positions == sorted(positions), texts[:12]
    assert all(result.lines[p].where.startswith("table0/") for p in positions)


def test_019_footer_distribution_before_signature() -> None:
    texts = _texts("019_cv-172-cdn-tgnc-cong-doan-giao-duc-2013.doc")
    assert texts.index("Nơi nhận:") < texts.index("- Lưu VT, TG-NC.") < texts.index("TM. BAN THƯỜNG VỤ") < texts.index("Nguyễn Thị Bích Hợp")


@pytest.mark.slow
def test_076_doc_via_libreoffice_keeps_subject_in_left_column() -> None:
    """076 goes through LibreOffice (its font table names legacy fonts); the V/v row is a
    merged cell that must still join the left column, before the date."""
    result = read_file(corpus_file("076_cv-sct-kt-lao-cai-draft-2019.doc"))
    texts = [line.text for line in result.lines]
    assert _index(texts, "V/v tham gia ý kiến về TKCS") < _index(texts, "CỘNG HÒA XÃ HỘI")
    assert texts.index("Nơi nhận:") < texts.index("KT. GIÁM ĐỐC") < texts.index("Phan Văn Cương")


# --- built packages: numbering, text boxes, page fields, legacy fonts ------------------------

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NS = (f'xmlns:w="{_W}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
       'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
       'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
       'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:v="urn:schemas-microsoft-com:vml"')


def _package(body: str, numbering: str | None = None) -> bytes:
    ct = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          '<Default Extension="xml" ContentType="application/xml"/>'
          '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
          '<Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/></Types>')
    rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
    doc_rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                + ('<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/>' if numbering else "")
                + '</Relationships>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", ct)
        zf.writestr("_rels/.rels", rels)
        zf.writestr("word/_rels/document.xml.rels", doc_rels)
        zf.writestr("word/document.xml", f'<?xml version="1.0" encoding="UTF-8"?><w:document {_NS}><w:body>{body}</w:body></w:document>')
        if numbering:
            zf.writestr("word/numbering.xml", f'<?xml version="1.0" encoding="UTF-8"?><w:numbering {_NS}>{numbering}</w:numbering>')
    return buf.getvalue()


def _p(text: str, num: tuple[int, int] | None = None, font: str | None = None) -> str:
    ppr = f'<w:pPr><w:numPr><w:ilvl w:val="{num[1]}"/><w:numId w:val="{num[0]}"/></w:numPr></w:pPr>' if num else ""
    rpr = f'<w:rPr><w:rFonts w:ascii="{font}" w:hAnsi="{font}"/></w:rPr>' if font else ""
    return f'<w:p>{ppr}<w:r>{rpr}<w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


_LEVELS = ('<w:abstractNum w:abstractNumId="0">'
           '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>'
           '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%2)"/></w:lvl>'
           '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="-"/></w:lvl>'
           '</w:abstractNum>'
           '<w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="%1."/></w:lvl></w:abstractNum>'
           '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
           '<w:num w:numId="2"><w:abstractNumId w:val="1"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="3"/></w:lvlOverride></w:num>')


def test_automatic_numbering_recovered() -> None:
    body = "".join([
        _p("Sở Tài chính:", (1, 0)),
        _p("Chủ trì thẩm định;", (1, 1)),
        _p("Báo cáo kết quả;", (1, 1)),
        _p("trước ngày 15/6;", (1, 2)),
        _p("Sở Nội vụ:", (1, 0)),
        _p("Phối hợp;", (1, 1)),  # a restarts under a new 2.
        _p("Tổ chức thực hiện", (2, 0)),  # another list starting at III
        _p("   ", (1, 0)),  # no text: Word still shows (and counts) its number
        _p("Sở Xây dựng:", (1, 0)),
    ])
    texts = [line.text for line in read_bytes(_package(body, _LEVELS), "n.docx").lines]
    assert texts == [
        "1. Sở Tài chính:", "a) Chủ trì thẩm định;", "b) Báo cáo kết quả;", "- trước ngày 15/6;",
        "2. Sở Nội vụ:", "a) Phối hợp;", "III. Tổ chức thực hiện", "3.", "4. Sở Xây dựng:",
    ]


def test_text_box_read_once_before_its_anchor() -> None:
    box = ('<w:txbxContent>' + _p("UBND TỈNH LÀO CAI") + _p("SỞ CÔNG THƯƠNG") + '</w:txbxContent>')
    drawing = (f'<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor><a:graphic><a:graphicData>'
               f'<wps:wsp><wps:txbx>{box}</wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>'
               f'<mc:Fallback><w:pict><v:shape><v:textbox>{box}</v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>'
               f'<w:r><w:t>Số: 12/SCT-VP</w:t></w:r></w:p>')
    lines = read_bytes(_package(drawing + _p("Kính gửi: Sở Tài chính")), "t.docx").lines
    assert [line.text for line in lines] == ["UBND TỈNH LÀO CAI", "SỞ CÔNG THƯƠNG", "Số: 12/SCT-VP", "Kính gửi: Sở Tài chính"]
    assert lines[0].where == "textbox0" and lines[2].where == "p0"


def test_soft_breaks_split_lines_and_page_fields_dropped() -> None:
    body = ('<w:p><w:r><w:t>KT. GIÁM ĐỐC</w:t><w:br/><w:t>PHÓ GIÁM ĐỐC</w:t></w:r></w:p>'
            '<w:p><w:r><w:t xml:space="preserve">Trang </w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            '<w:r><w:instrText> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>'
            '<w:r><w:t>2</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
            '<w:p><w:del><w:r><w:delText>xoá</w:delText></w:r></w:del><w:ins><w:r><w:t>Phan Thị Thu Cúc</w:t></w:r></w:ins></w:p>')
    texts = [line.text for line in read_bytes(_package(body), "b.docx").lines]
    assert texts == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Trang", "Phan Thị Thu Cúc"]


def test_legacy_font_runs_decoded_per_run() -> None:
    """TCVN3 bytes in a .VnTime run, capitals from a .VnTimeH run, Unicode runs untouched."""
    body = (_p("bé tµi chÝnh", font=".VnTimeH") + _p("C«ng v¨n sè 12", font=".VnTime")
            + _p("Công văn đã là Unicode", font=".VnTime") + _p("Sè: 5", font="Times New Roman"))
    result = read_bytes(_package(body), "l.docx")
    assert [line.text for line in result.lines] == ["BỘ TÀI CHÍNH", "Công văn số 12", "Công văn đã là Unicode", "Sè: 5"]
    assert result.encoding == "tcvn3"


# --- LibreOffice housekeeping: profiles removed, the whole process group stopped ----------

_CONVERT_SCRIPT = """
import sys
from concurrent.futures import ProcessPoolExecutor
import multiprocessing
from congvan.parsers.readers.doc import convert_to_docx

data = open(sys.argv[1], "rb").read()
assert convert_to_docx(data)[:2] == b"PK"
# A pool worker ends in os._exit (no atexit): its profile must go too.
with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("forkserver")) as pool:
    assert pool.submit(convert_to_docx, data).result()[:2] == b"PK"
"""


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed")
def test_doc_conversion_leaves_no_profile_folder_behind(tmp_path: Path) -> None:
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    run = subprocess.run([sys.executable, "-c", _CONVERT_SCRIPT, str(corpus_file("076_cv-sct-kt-lao-cai-draft-2019.doc"))],
                         capture_output=True, text=True, env=env, timeout=600)
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == []


_HANGING_SOFFICE = """#!/bin/sh
# Like /usr/bin/soffice: a script whose real work happens in a child it starts.
sleep 600 &
echo $! > "$CHILD_PID_FILE"
wait
"""

_TIMEOUT_SCRIPT = """
from congvan.parsers.readers import ReadError
from congvan.parsers.readers.doc import convert_to_docx
try:
    convert_to_docx(b"not really a doc", timeout=1)
except ReadError as exc:
    assert exc.kind == "timeout", exc
else:
    raise SystemExit("no timeout")
"""


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"   # a zombie nobody reaped has stopped all the same


def test_libreoffice_timeout_kills_the_children_of_the_script(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "soffice"
    fake.write_text(_HANGING_SOFFICE)
    fake.chmod(0o755)
    pid_file = tmp_path / "child.pid"
    work = tmp_path / "tmp"
    work.mkdir()
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "CHILD_PID_FILE": str(pid_file),
           "TMPDIR": str(work)}
    run = subprocess.run([sys.executable, "-c", _TIMEOUT_SCRIPT], capture_output=True, text=True, env=env, timeout=120)
    assert run.returncode == 0, run.stderr
    child = int(pid_file.read_text())
    assert not _running(child), "the soffice script's child outlived the timeout"
    assert list(work.iterdir()) == []
