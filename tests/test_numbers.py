"""The number-and-symbol grammar on the real forms it was written for
(DOMAIN.md §2 and the corpus README)."""
from __future__ import annotations

import pytest

from congvan.parsers.fields.numbers import CITED, NUMBER_LINE, parse_number, split_symbol
from congvan.parsers.keys import number_key
from congvan.parsers.normalize import normalize


@pytest.mark.parametrize(
    ("line", "number", "symbol"),
    [
        ("Số: /SCT-VP", None, "SCT-VP"),  # seed 000, an unnumbered copy
        ("Số: 25 3 6 /BCT-VP", "2536", "BCT-VP"),  # seed 001, OCR spaces
        ("Số: 4280 /SCT - CN", "4280", "SCT-CN"),  # corpus 049
        ("SỐ:  120 /2002/TT-BTC", "120", "2002/TT-BTC"),  # corpus 022
        ("Số: 144 /2002/QĐ/BTC --------------------------------", "144", "2002/QĐ/BTC"),  # corpus 021
        ("Số :          /QĐ. BQL–VP", None, "QĐ.BQL-VP"),  # corpus 030, dot, space and en dash
        ("Số:      /KH-UBND", None, "KH-UBND"),
        ("Số: 597/HC-QLHCV/v cấp Giấy phép", "597", "HC-QLHC"),  # corpus 060 flattened
        ("Số: 11306/VPCP-NN", "11306", "VPCP-NN"),
        ("Số: 1141-TC/QĐ/CĐKT", "1141", "TC/QĐ/CĐKT"),  # corpus 024, before 2001
        ("Số: 18-KL/TW", "18", "KL/TW"),  # party numbering (gold 011)
    ],
)
def test_own_number_line(line: str, number: str | None, symbol: str) -> None:
    m = NUMBER_LINE.search(normalize(line).text)
    assert m is not None
    parsed = parse_number(m["num"], m["sym"])
    assert (parsed.number, parsed.symbol) == (number, symbol)
    assert parsed.warning is None


@pytest.mark.parametrize("line", ["Số: 2!8] /CT-CS", "Số:À394Ù /CTHN-TTHT ˆ Hà Nội, ngày", "Số: 4ÄM†S/CT-TT&HT"])
def test_garbled_number_is_not_guessed(line: str) -> None:
    m = NUMBER_LINE.search(line)
    assert m is not None
    parsed = parse_number(m["num"], m["sym"])
    assert parsed.number is None
    assert parsed.confidence < 0.5 and parsed.warning


@pytest.mark.parametrize(
    ("text", "number", "symbol"),
    [
        ("Chỉ thị số 15/CTUBND ngày 09/8/2022", "15", "CT-UBND"),  # seed 000, hyphen missing
        ("Thông tư số 40/2000 /TT-BTC ngày 15/5/2000", "40", "2000/TT-BTC"),  # corpus 036
        ("Chỉ thị 11-CT/TU ngày 04/01/2026", "11", "CT/TU"),  # corpus 063, party numbering
        ("Luật số 59/2020/QH14", "59", "2020/QH14"),
        ("Công điện số 280/CĐ-TTg, ngày 19 tháng 4", "280", "CĐ-TTg"),
    ],
)
def test_cited_numbers(text: str, number: str, symbol: str) -> None:
    m = CITED.search(text)
    assert m is not None
    parsed = parse_number(m["num"], m["sym"])
    assert (parsed.number, parsed.symbol) == (number, symbol)


@pytest.mark.parametrize("text", ["ngày 04/5/2023 của", "tỷ lệ 1/2 số", "V/v triển khai"])
def test_dates_and_fractions_are_not_numbers(text: str) -> None:
    assert CITED.search(text) is None


def test_one_document_two_spellings_share_a_key() -> None:
    # corpus 036 cites `40/2000 /TT-BTC`; the header of 035 reads `40 /2000/TT/BTC`.
    a = parse_number("40", "2000 /TT-BTC")
    b = parse_number("40 ", "2000/TT/BTC")
    assert number_key(a.number, a.symbol) == number_key(b.number, b.symbol)
    assert number_key("280", "CĐ-TTg") == number_key("280", "CD-TTg")


@pytest.mark.parametrize(
    ("symbol", "doc_type", "issuer"),
    [
        ("QĐ-BCT", "Quyết định", "Bộ Công Thương"),
        ("BCT-VP", None, "Bộ Công Thương"),  # a công văn: issuer code first
        ("2020/NĐ-CP", "Nghị định", "Chính phủ"),
        ("CĐ-TTg", "Công điện", "Thủ tướng Chính phủ"),
        ("CT-CS", None, "Cục Thuế"),  # a Cục Thuế letter, not a Chỉ thị
    ],
)
def test_symbol_implies_type_and_issuer(symbol: str, doc_type: str | None, issuer: str) -> None:
    assert split_symbol(symbol) == (doc_type, issuer)


def test_ocr_bent_so_and_lost_slash() -> None:
    # corpus 054/055 read through OCR: `Só:1050 /QĐ-SCT`, `Sé: 1105KH-ĐKT`.
    m = NUMBER_LINE.search("Só:1050 /QĐ-SCT")
    assert (m["num"], m["sym"]) == ("1050", "QĐ-SCT")
    m = NUMBER_LINE.search("Sé: 1105KH-ĐKT")
    assert (m["num"], m["sym"], m["slash"]) == ("1105", "KH-ĐKT", None)


def test_issuer_name_that_wraps_into_so_is_not_the_own_number() -> None:
    import congvan

    text = ("SỞ CÔNG THƯƠNG\nĐOÀN KIỂM TRA\nTHEO QUYẾT ĐỊNH\nSỐ 1050/QĐ-SCT\nSé: 1105KH-ĐKT\n"
            "Lào Cai, ngày 10 tháng 3 năm 2026\nKẾ HOẠCH\nKiểm tra việc chấp hành quy định\n"
            "Thực hiện Quyết định số 1050/QĐ-SCT ngày 06/3/2026 của Giám đốc Sở Công Thương;\n")
    got = congvan.to_json(congvan.parse_text(text))
    assert (got["number"], got["symbol"]) == ("1105", "KH-ĐKT")
    assert got["confidence"]["number"] < 1.0 and any("slash" in w for w in got["warnings"])
    assert [(r["number"], r["relation"]) for r in got["references"]] == [("1050", "implements")]


def test_cong_bao_title_sentence_carries_the_header() -> None:
    # corpus 039 (TCVN3 PDF, Công báo layout) and 027 (.doc): no header block,
    # the number and date stand in the title sentence.
    import congvan

    got = congvan.to_json(congvan.parse_text(
        "QUYẾT ĐỊNH\nCỦA THỦ TƯỚNG CHÍNH PHỦ SỐ 115/2004/QĐ-TTG\nNGÀY 25 THÁNG 6 NĂM 2004 VỀ VIỆC SỬA ĐỔI, BỔ SUNG\n"
        "QUY CHẾ THÀNH LẬP QUỸ BẢO LÃNH TÍN DỤNG\nTHỦ TƯỚNG CHÍNH PHỦ\nCăn cứ Luật Tổ chức Chính phủ ngày 25 tháng 12 năm 2001;\n"))
    assert (got["number"], got["symbol"], got["issued"]) == ("115", "2004/QĐ-TTG", "2004-06-25")
    assert (got["doc_type"], got["issuer"]) == ("Quyết định", "Thủ tướng Chính phủ")
    assert got["subject"] == "SỬA ĐỔI, BỔ SUNG QUY CHẾ THÀNH LẬP QUỸ BẢO LÃNH TÍN DỤNG"
    got = congvan.to_json(congvan.parse_text(
        "Chính phủ\nNghị định của Chính phủ số 114/2003/NĐ-CP\nngày 10/10/2003 về cán bộ, công chức xã, phường, thị trấn.\n"
        "Chính phủ\nCăn cứ Luật Tổ chức Chính phủ ngày 25 tháng 12 năm 2001;\n"))
    assert (got["number"], got["symbol"], got["issued"], got["doc_type"]) == ("114", "2003/NĐ-CP", "2003-10-10", "Nghị định")
    assert got["subject"] == "cán bộ, công chức xã, phường, thị trấn"
