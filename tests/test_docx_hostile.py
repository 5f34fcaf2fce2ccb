"""Malformed Word packages, made here: the reader reads what it can or gives a ReadError,
never a traceback, a hang or the machine's memory."""
from __future__ import annotations

import io
import subprocess
import zipfile

import pytest
from conftest import congvan_cmd

from congvan.parsers.readers import ReadError, read_bytes

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

LETTER_BODY = """
<w:p><w:r><w:t>BỘ CÔNG THƯƠNG</w:t></w:r></w:p>
<w:p><w:r><w:t>Số: 2536/BCT-VP</w:t></w:r></w:p>
<w:p><w:r><w:t>Hà Nội, ngày 27 tháng 4 năm 2023</w:t></w:r></w:p>
<w:p><w:r><w:t>Kính gửi: Các đơn vị thuộc Bộ</w:t></w:r></w:p>
"""


def _item(text: str, num_id: str = "1", ilvl: str = "0") -> str:
    return (f'<w:p><w:pPr><w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr></w:pPr>'
            f"<w:r><w:t>{text}</w:t></w:r></w:p>")


def _level(start: str = "1", fmt: str = "decimal", text: str = "%1.", ilvl: str = "0") -> str:
    return (f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
            f'<w:lvlText w:val="{text}"/></w:lvl>')


def _numbering(*levels: str, override: str = "") -> str:
    return (f'<w:numbering xmlns:w="{W}"><w:abstractNum w:abstractNumId="0">{"".join(levels)}</w:abstractNum>'
            f'<w:num w:numId="1"><w:abstractNumId w:val="0"/>{override}</w:num></w:numbering>')


def make_docx(body: str, *, numbering: str | None = None, styles: str | None = None,
              header_rel: str | None = None) -> bytes:
    """A minimal Word package around `body` (paragraph and table XML)."""
    sect = '<w:sectPr><w:headerReference w:type="default" r:id="rIdH"/></w:sectPr>' if header_rel else ""
    document = (f'<w:document xmlns:w="{W}" xmlns:r="{R}"><w:body>{LETTER_BODY}{body}{sect}</w:body></w:document>')
    rels = ['<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
            'Target="styles.xml"/>']
    if numbering is not None:
        rels.append('<Relationship Id="rIdN" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    'relationships/numbering" Target="numbering.xml"/>')
    if header_rel:
        rels.append(header_rel)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml",
                   '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/>'
                   '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                   'wordprocessingml.document.main+xml"/>'
                   '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                   'wordprocessingml.styles+xml"/>'
                   '<Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                   'wordprocessingml.numbering+xml"/></Types>')
        z.writestr("_rels/.rels",
                   '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                   'officeDocument" Target="word/document.xml"/></Relationships>')
        z.writestr("word/document.xml", document)
        z.writestr("word/_rels/document.xml.rels",
                   '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   + "".join(rels) + "</Relationships>")
        z.writestr("word/styles.xml", styles or f'<w:styles xmlns:w="{W}"/>')
        if numbering is not None:
            z.writestr("word/numbering.xml", numbering)
    return buf.getvalue()


def _labels(data: bytes) -> list[str]:
    lines = [l.text for l in read_bytes(data, "x.docx").lines]
    return [l.split(" ", 1)[0] for l in lines if l.endswith("việc")]


ITEMS = _item("Rà soát công việc") + _item("Báo cáo công việc")


@pytest.mark.parametrize(("level", "first"), [
    (_level(start="1000000000000000000", fmt="upperRoman"), None),   # 10^18 in Roman numerals
    (_level(start="99999999999", fmt="lowerLetter"), None),           # a letter counter of 3.8 billion letters
    (_level(start="abc"), "1."), (_level(start="-5"), "0."), (_level(start="1e9"), "1."),
    (_level(text="%1" * 5000), None),                                 # a label template exploding
    (_level(fmt="decimal", ilvl="banana"), "1."),
])
def test_list_numbers_stay_in_words_range(level: str, first: str | None) -> None:
    labels = _labels(make_docx(ITEMS, numbering=_numbering(level)))
    assert len(labels) == 2 and all(len(label) <= 40 for label in labels)
    if first is not None:
        assert labels[0] == first


def test_start_override_and_ilvl_that_are_not_numbers() -> None:
    override = '<w:lvlOverride w:ilvl="x"><w:startOverride w:val="1e400"/></w:lvlOverride>'
    body = _item("Rà soát công việc", ilvl="9999999999999999999") + _item("Báo cáo công việc", ilvl="-1")
    assert len(_labels(make_docx(body, numbering=_numbering(_level(), override=override)))) == 2


@pytest.mark.parametrize("grid", ["NaN", "1e308", "-inf", "abc", ""])
@pytest.mark.parametrize("span", ["abc", "0", "99999999", "-3"])
def test_table_grid_and_spans_that_are_not_sizes(grid: str, span: str) -> None:
    table = (f'<w:tbl><w:tblGrid><w:gridCol w:w="{grid}"/><w:gridCol w:w="4000"/></w:tblGrid>'
             f'<w:tr><w:trPr><w:gridBefore w:val="{span}"/></w:trPr>'
             f'<w:tc><w:tcPr><w:gridSpan w:val="{span}"/></w:tcPr><w:p><w:r><w:t>Nơi nhận:</w:t></w:r></w:p></w:tc>'
             '<w:tc><w:p><w:r><w:t>KT. BỘ TRƯỞNG</w:t></w:r></w:p></w:tc></w:tr></w:tbl>')
    texts = [l.text for l in read_bytes(make_docx(table), "x.docx").lines]
    assert "Nơi nhận:" in texts and "KT. BỘ TRƯỞNG" in texts


def test_style_inheritance_loop_is_read_once() -> None:
    styles = (f'<w:styles xmlns:w="{W}">'
              '<w:style w:type="paragraph" w:styleId="A"><w:basedOn w:val="B"/></w:style>'
              '<w:style w:type="paragraph" w:styleId="B"><w:basedOn w:val="A"/></w:style></w:styles>')
    body = '<w:p><w:pPr><w:pStyle w:val="A"/></w:pPr><w:r><w:t>Đề nghị các đơn vị thực hiện.</w:t></w:r></w:p>'
    texts = [l.text for l in read_bytes(make_docx(body, styles=styles), "x.docx").lines]
    assert "Đề nghị các đơn vị thực hiện." in texts


def test_page_header_kept_outside_the_package_is_left_out_with_a_warning() -> None:
    rel = ('<Relationship Id="rIdH" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" '
           'Target="http://example.invalid/header.xml" TargetMode="External"/>')
    result = read_bytes(make_docx(ITEMS, header_rel=rel), "x.docx")
    assert any(l.text == "Số: 2536/BCT-VP" for l in result.lines)
    assert any("page header could not be read" in w for w in result.warnings)


def test_tables_nested_past_any_letter_are_a_read_error() -> None:
    inner = "<w:p><w:r><w:t>x</w:t></w:r></w:p>"
    for _ in range(2000):
        inner = f"<w:tbl><w:tr><w:tc>{inner}</w:tc></w:tr></w:tbl><w:p/>"
    try:
        read_bytes(make_docx(inner), "x.docx")
    except ReadError as exc:
        assert exc.kind == "corrupt"


def test_the_command_gives_one_line_or_a_record(tmp_path) -> None:
    path = tmp_path / "list.docx"
    path.write_bytes(make_docx(ITEMS, numbering=_numbering(_level(start="1000000000000000000", fmt="upperRoman"))))
    out = subprocess.run([*congvan_cmd(), "parse", "--json", str(path)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and '"2536"' in out.stdout and "Traceback" not in out.stderr
